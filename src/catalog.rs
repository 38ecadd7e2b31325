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

/// How a model's evaluation is split: by the source's length in words (the grammar task) or by
/// the style a date is written in (the dates task).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum EvalGrouping {
    Length,
    Style,
}

/// One group of a held-out evaluation: its label (`"36-40"` words, `"dd/mm/yyyy"`), the share of
/// translations exactly right, and how many examples it holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EvalBucket {
    pub label: String,
    pub exact_match: f64,
    pub n: u32,
}

/// A trained translation model's measured accuracy, read from the `eval.json` its training script
/// wrote beside the weights: overall and per group, in the file's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// The catalog's name of the model.
    pub name: String,
    /// `dates` or `grammar`.
    pub task: String,
    /// `gru-additive`, `gru` or `transformer`.
    pub architecture: String,
    pub exact_match: f64,
    pub test_examples: u32,
    pub grouping: EvalGrouping,
    pub buckets: Vec<EvalBucket>,
}

/// The groups of an `eval.json`, in the order the file lists them.
#[cfg(not(target_arch = "wasm32"))]
struct Buckets(Vec<EvalBucket>);

#[cfg(not(target_arch = "wasm32"))]
impl<'de> Deserialize<'de> for Buckets {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Group {
            exact_match: f64,
            n: u32,
        }
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Buckets;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of groups, each {\"exact_match\": …, \"n\": …}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Buckets, A::Error> {
                let mut buckets = Vec::new();
                while let Some((label, group)) = map.next_entry::<String, Group>()? {
                    buckets.push(EvalBucket { label, exact_match: group.exact_match, n: group.n });
                }
                Ok(Buckets(buckets))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Deserialize)]
struct EvalFile {
    task: String,
    architecture: String,
    exact_match: f64,
    test_examples: u32,
    by_length: Option<Buckets>,
    by_style: Option<Buckets>,
}

/// The evaluation of every shipped encoder–decoder, read from `<root>/<folder>/eval.json`. Errors
/// name the file and what is wrong with it.
#[cfg(not(target_arch = "wasm32"))]
pub fn evaluations(root: &std::path::Path) -> Result<Vec<Evaluation>, String> {
    catalog()
        .into_iter()
        .filter(|entry| entry.kind == CatalogKind::EncoderDecoder)
        .map(|entry| {
            let path = root.join(&entry.folder).join("eval.json");
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let file: EvalFile = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let (grouping, buckets) = match (file.by_length, file.by_style) {
                (Some(Buckets(b)), _) => (EvalGrouping::Length, b),
                (None, Some(Buckets(b))) => (EvalGrouping::Style, b),
                (None, None) => return Err(format!("{}: neither by_length nor by_style", path.display())),
            };
            let share = |x: f64| x.is_finite() && (0.0..=1.0).contains(&x);
            if !share(file.exact_match) || buckets.is_empty() || !buckets.iter().all(|b| share(b.exact_match) && b.n > 0) {
                return Err(format!("{}: an exact_match outside 0–1, a group without examples, or no groups", path.display()));
            }
            Ok(Evaluation {
                name: entry.name,
                task: file.task,
                architecture: file.architecture,
                exact_match: file.exact_match,
                test_examples: file.test_examples,
                grouping,
                buckets,
            })
        })
        .collect()
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

    /// What the page and the README say of the translation models, checked loosely against the
    /// numbers their evaluation wrote.
    #[test]
    fn the_evaluations_tell_the_bottleneck_story() {
        let all = evaluations(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let of = |name: &str| all.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("{name} has no evaluation"));
        assert_eq!(all.len(), catalog().iter().filter(|e| e.kind == CatalogKind::EncoderDecoder).count());
        for name in ["dates-gru-additive", "dates-transformer"] {
            assert!(of(name).exact_match >= 0.99 && of(name).grouping == EvalGrouping::Style, "{name}");
            assert!(of(name).buckets.iter().all(|b| b.exact_match >= 0.99), "{name}: every style");
        }
        let longest = |name: &str| of(name).buckets.last().unwrap().exact_match;
        assert_eq!(of("grammar-gru").buckets.last().unwrap().label, "36-40");
        assert!(of("grammar-gru-additive").exact_match >= 0.95);
        assert!(of("grammar-transformer").exact_match >= 0.9);
        assert!(longest("grammar-gru-additive") >= 0.85 && longest("grammar-transformer") >= 0.8);
        assert!(longest("grammar-gru") <= 0.05, "without attention the longest sentences fail");
        assert!(of("grammar-gru").buckets[0].exact_match >= 0.9, "…while the shortest still work");
    }
}
