//! `attn models`: the models the project ships (the catalog, `trained/catalog.json`), and where
//! each is on this machine: `--model NAME` finds it there.

use std::io::Write;

use attention_playground::catalog::{self, CatalogEntry, Origin};
use clap::Args;
use serde::Serialize;

use crate::error::CliResult;
use crate::model_dir::{locate, roots};
use crate::output;
use crate::report::count;

#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// Print JSON: {"models": [{"name", "kind", "folder", "description", "origin", "present", "path"}]}, path being where the
    /// model was found (null when it is not on this machine)
    #[arg(long)]
    json: bool,
}

/// A shipped model and where it is.
#[derive(Serialize)]
struct Listed {
    #[serde(flatten)]
    entry: CatalogEntry,
    present: bool,
    /// The folder `--model NAME` reads: relative to the current folder, or in the repository.
    path: Option<String>,
}

#[derive(Serialize)]
struct Listing {
    models: Vec<Listed>,
}

pub fn run(args: ModelsArgs) -> CliResult<()> {
    let models: Vec<Listed> = catalog::catalog()
        .into_iter()
        .map(|entry| {
            let path = locate(&entry, &roots()).ok().map(|p| p.display().to_string());
            Listed { present: path.is_some(), path, entry }
        })
        .collect();
    output::to_stdout(|out| if args.json { output::json_line(out, &Listing { models }) } else { readable(out, &models) })
}

fn readable(out: &mut dyn Write, models: &[Listed]) -> std::io::Result<()> {
    writeln!(
        out,
        "{} (give a name to --model; each folder is looked for in the current folder, then in the repository attn was built from):",
        count(models.len(), "shipped model")
    )?;
    for listed in models {
        let entry = &listed.entry;
        let kind = serde_json::to_value(entry.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let origin = match entry.origin {
            Origin::Pretrained => "pretrained",
            Origin::Trained => "trained by this project",
        };
        let place = match (&listed.path, entry.origin) {
            (Some(path), _) => path.clone(),
            (None, Origin::Pretrained) => "not on this machine: fetch it with `bash scripts/fetch-model.sh`".to_owned(),
            (None, Origin::Trained) => "not on this machine: it is committed under trained/ in the repository".to_owned(),
        };
        writeln!(out, "\n{} ({kind}, {origin}): {place}", entry.name)?;
        writeln!(out, "    {}", entry.description)?;
    }
    Ok(())
}
