//! The models the project ships: the pretrained encoder that setup fetches and the models it
//! trains itself (committed under `trained/`). One list, `trained/catalog.json`, read here for the
//! command line (`attn models`, `--model NAME`) and written for the page
//! (`www/src/generated/catalog.js`, by `tests/typescript.rs`).

use serde::{Deserialize, Serialize};

/// What a shipped model is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CatalogKind {
    Encoder,
    Decoder,
    EncoderDecoder,
    Vision,
    Captioner,
}

/// Where a shipped model's weights come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Trained by someone else and fetched by setup into the git-ignored `models/`.
    Pretrained,
    /// Trained by the project's own scripts (`training/`), committed under `trained/`.
    Trained,
}

/// One shipped model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    pub name: String,
    pub kind: CatalogKind,
    /// The model's folder, relative to the repository root (and to the served page), ending in `/`.
    pub folder: String,
    /// One line for a model picker.
    pub description: String,
    pub origin: Origin,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalog {
    models: Vec<CatalogEntry>,
}

const CATALOG_JSON: &str = include_str!("../trained/catalog.json");

/// Every shipped model, in the order a picker lists them.
pub fn catalog() -> Vec<CatalogEntry> {
    serde_json::from_str::<Catalog>(CATALOG_JSON).expect("trained/catalog.json is checked by the tests").models
}

/// The shipped model called `name`.
pub fn find(name: &str) -> Option<CatalogEntry> {
    catalog().into_iter().find(|entry| entry.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_well_formed_and_named_once() {
        let all = catalog();
        assert!(!all.is_empty());
        for (i, entry) in all.iter().enumerate() {
            assert!(entry.folder.ends_with('/') && !entry.folder.starts_with('/'), "{}: folder {}", entry.name, entry.folder);
            assert!(!entry.description.is_empty() && entry.description.len() < 200, "{}: description", entry.name);
            assert!(all[..i].iter().all(|other| other.name != entry.name), "{} listed twice", entry.name);
            if entry.origin == Origin::Trained {
                let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&entry.folder).join("config.json");
                assert!(config.is_file(), "{}: {} is missing", entry.name, config.display());
            }
        }
        assert_eq!(find("dates-transformer").map(|e| e.kind), Some(CatalogKind::EncoderDecoder));
        assert_eq!(find("no such model"), None);
    }
}
