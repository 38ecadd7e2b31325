//! `attn train`: trains a model on a generated task, prints its progress and writes a model folder
//! that `attn translate` (an encoder–decoder) and `attn generate` (a decoder-only model) read;
//! refused settings name the setting.
#![cfg(feature = "cli")]

mod cli_common;

use cli_common::{fails, json, ok, temp_path};

#[test]
fn a_trained_reverser_translates_its_probe_example() {
    let dir = temp_path("model");
    let out = ok(&["train", "--task", "reverse", "--steps", "300", "--out", dir.to_str().unwrap()]);
    assert!(out.contains("step    100  loss"), "progress every 100 steps:\n{out}");
    assert!(out.contains("step    300  loss"), "{out}");
    assert!(out.contains("held-out (2000 examples): exact match 100.0%"), "{out}");
    for file in ["config.json", "vocab.json", "model.safetensors"] {
        assert!(dir.join(file).is_file(), "{file} written");
    }
    let got = json(&["translate", "--model", dir.to_str().unwrap(), "--text", "hgfedcba", "--json"]);
    assert_eq!(got["translation"], "abcdefgh");
    assert_eq!(got["model"]["architecture"], "transformer");
    assert_eq!(got["crossAttentions"].as_array().unwrap().len(), 1, "one decoder layer");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rotary_positions_are_written_for_the_loader() {
    let dir = temp_path("model");
    ok(&["train", "--task", "sort", "--steps", "2", "--positions", "rotary", "--out", dir.to_str().unwrap()]);
    let config = std::fs::read_to_string(dir.join("config.json")).unwrap();
    assert!(config.contains("\"positions\": \"rotary\""), "{config}");
    let got = json(&["translate", "--model", dir.to_str().unwrap(), "--text", "dcba", "--json"]);
    assert_eq!(got["model"]["architecture"], "transformer");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_decoder_only_model_is_written_for_generate() {
    let dir = temp_path("model");
    ok(&["train", "--task", "induction", "--steps", "1", "--out", dir.to_str().unwrap()]);
    assert!(dir.join("tokenizer.json").is_file());
    let got = json(&["generate", "--model", dir.to_str().unwrap(), "--text", "abcda", "--steps", "3", "--json"]);
    assert_eq!(got["steps"].as_array().unwrap().len(), 3);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refused_settings_name_the_setting() {
    let dir = temp_path("model");
    let out = dir.to_str().unwrap();
    for (args, expected) in [
        (vec!["--task", "rot13"], "task 'rot13' is not one of reverse, sort, copy-offset, add, induction"),
        (vec!["--task", "sort", "--heads", "3"], "d_model 32 must be a multiple of the 3 heads"),
        (vec!["--task", "sort", "--lr", "0"], "the learning rate must be above 0 and at most 1, not 0"),
        (vec!["--task", "add", "--length", "20"], "the sequence length must be from 1 to 15 for add, not 20"),
        (vec!["--task", "reverse", "--d-model", "512", "--layers", "6", "--batch-size", "512"], "budget"),
        (
            vec!["--task", "induction", "--positions", "rotary"],
            "a decoder-only model is written in GPT-2's layout, whose positions are learned",
        ),
    ] {
        let mut all = vec!["train", "--out", out, "--steps", "1"];
        all.extend(args);
        fails(&all, "", expected);
    }
    assert!(!dir.exists(), "nothing written");
}
