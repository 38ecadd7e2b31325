//! `attn models` and `--model NAME`: the catalog's models listed with where each is, names
//! resolved from the current folder or else from the repository the tool was built from, and the
//! messages for names and folders that are not there.
#![cfg(feature = "cli")]

mod cli_common;

use std::path::Path;
use std::process::{Command, Output};

use cli_common::{fails, json, ok, repo, stderr, stdout};
use serde_json::Value;

/// Every model of `trained/catalog.json`, as the file lists them.
fn catalog() -> Vec<Value> {
    let text = std::fs::read_to_string(repo("trained/catalog.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["models"].as_array().unwrap().clone()
}

/// `attn` run in `dir`.
fn attn_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attn")).args(args).current_dir(dir).output().unwrap()
}

#[test]
fn models_lists_the_catalog_with_where_each_model_is() {
    let v = json(&["models", "--json"]);
    let listed = v["models"].as_array().unwrap();
    let catalog = catalog();
    assert_eq!(listed.len(), catalog.len());
    for (model, entry) in listed.iter().zip(&catalog) {
        for key in ["name", "kind", "folder", "description", "origin"] {
            assert_eq!(model[key], entry[key], "{key} of {}", entry["name"]);
        }
        let folder = entry["folder"].as_str().unwrap();
        let here = repo(folder).join("config.json").is_file();
        assert_eq!(model["present"].as_bool(), Some(here), "{}", entry["name"]);
        if here {
            let path = model["path"].as_str().unwrap();
            assert!(repo(path).join("config.json").is_file() || Path::new(path).join("config.json").is_file(), "{path}");
        } else {
            assert_eq!(model["path"], Value::Null);
        }
        if entry["origin"] == "trained" {
            assert_eq!(model["present"], true, "{}: trained models are committed", entry["name"]);
        }
    }
    let text = ok(&["models"]);
    assert!(text.starts_with(&format!("{} shipped models (give a name to --model;", catalog.len())), "{text}");
    for entry in &catalog {
        let (name, kind) = (entry["name"].as_str().unwrap(), entry["kind"].as_str().unwrap());
        assert!(text.contains(&format!("\n{name} ({kind}, ")), "{name} in {text}");
        assert!(text.contains(&format!("    {}\n", entry["description"].as_str().unwrap())), "{name}'s description");
    }
}

#[test]
fn names_are_found_in_the_repository_from_any_folder() {
    let elsewhere = std::env::temp_dir();
    let listing: Value = serde_json::from_slice(&attn_in(&elsewhere, &["models", "--json"]).stdout).unwrap();
    let trained = listing["models"].as_array().unwrap().iter().find(|m| m["origin"] == "trained").expect("a trained model").clone();
    let path = trained["path"].as_str().unwrap();
    assert!(Path::new(path).is_absolute() && path.ends_with(trained["folder"].as_str().unwrap()), "{path}");
    let text = String::from_utf8(attn_in(&elsewhere, &["models"]).stdout).unwrap();
    assert!(text.contains(&format!("({}, trained by this project): {path}\n", trained["kind"].as_str().unwrap())), "{text}");
    // The default model, by name and without --model, from another folder.
    let minilm = repo("models/all-MiniLM-L6-v2");
    assert!(minilm.join("model.safetensors").is_file(), "{} is missing: run scripts/fetch-model.sh", minilm.display());
    let by_name = attn_in(&elsewhere, &["tokenize", "--model", "all-MiniLM-L6-v2", "--text", "the cat", "--json"]);
    assert!(by_name.status.success(), "{}", stderr(&by_name));
    let default = attn_in(&elsewhere, &["model", "--text", "the cat"]);
    assert!(
        default.status.success() && stdout(&default).starts_with("all-MiniLM-L6-v2 (bert): 6 layers × 12 heads"),
        "{}",
        stderr(&default)
    );
    assert_eq!(stdout(&attn_in(&elsewhere, &["model", "--model", "--text", "the cat"])), stdout(&default));
}

#[test]
fn the_help_says_where_names_are_looked_for() {
    for command in ["model", "tokenize", "generate", "render"] {
        let help = ok(&[command, "--help"]);
        assert!(help.contains("--model"), "{command}");
        let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(&format!(
                "looked for in the current folder, then in the repository attn was built from ({})",
                env!("CARGO_MANIFEST_DIR")
            )),
            "{command}: {help}"
        );
    }
}

#[test]
fn names_and_folders_that_are_not_there_are_explained() {
    fails(
        &["model", "--model", "no-such-model", "--text", "hi"],
        "",
        "'no-such-model' is neither a shipped model nor a folder here: the shipped models are all-MiniLM-L6-v2, ",
    );
    fails(&["generate", "--model", "gpt-17", "--steps", "2", "--text", "hi"], "", "(`attn models` says which are on this machine)");
    fails(
        &["tokenize", "--model", "./no/such/folder", "--text", "hi"],
        "",
        "the model folder './no/such/folder' does not exist: check the path",
    );
    fails(&["model", "--model", &repo("Cargo.toml").display().to_string(), "--text", "hi"], "", "is a file, not a model folder");
    // A folder of a family the tool does not run.
    let other = cli_common::temp_path("t5");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("config.json"), r#"{"model_type": "t5", "architectures": ["T5ForConditionalGeneration"]}"#).unwrap();
    for command in [&["model"][..], &["tokenize"], &["generate", "--steps", "2"]] {
        fails(&[command, &["--model", other.to_str().unwrap(), "--text", "hi"]].concat(), "", "model_type 't5' is not supported");
    }
    std::fs::remove_dir_all(&other).unwrap();
}

#[test]
fn shipped_encoder_decoders_are_tokenized_by_name_but_not_shown_as_layers() {
    let table = ok(&["tokenize", "--model", "dates-gru", "--text", "3/4"]);
    assert!(table.starts_with("4 tokens:\ntoken "), "{table}");
    assert!(table.lines().last().unwrap().split_whitespace().collect::<Vec<_>>() == ["3", "<eos>", "2", "special"], "{table}");
    fails(
        &["model", "--model", "dates-transformer", "--text", "3/4"],
        "",
        "dates-transformer is an encoder-decoder: attn model and attn render show encoders (BERT family) and decoders (GPT-2, Llama)",
    );
    fails(
        &["generate", "--model", "dates-gru-additive", "--text", "3/4", "--steps", "2"],
        "",
        "is an encoder-decoder, which does not generate text",
    );
}
