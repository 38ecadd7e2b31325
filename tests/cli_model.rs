//! `attn model` and `attn tokenize` on pretrained models, run as a user would: the JSON against
//! the transformers reference, the readable summary, hidden special tokens, truncation notes
//! and the messages for a missing folder or a bad layer, head or query.
//!
//! all-MiniLM-L6-v2 (from `scripts/fetch-model.sh`) runs once, on the example sentence; the
//! other cases use the tiny random encoder of the fixtures, which has 40 positions.
#![cfg(feature = "cli")]

mod cli_common;

use cli_common::{attn, fails, json, ok, repo, stderr, stdout, table_row};
use serde_json::Value;

const SENTENCE: &str = "The animal didn't cross the street because it was too tired.";

fn minilm() -> String {
    let dir = repo("models/all-MiniLM-L6-v2");
    assert!(dir.join("model.safetensors").is_file(), "{} is missing: run scripts/fetch-model.sh", dir.display());
    dir.display().to_string()
}

fn tiny() -> String {
    repo("tests/fixtures/model/tiny-bert").display().to_string()
}

/// The reference case of `text` in a fixture file.
fn reference(fixture: &str, text: &str) -> Value {
    let file = std::fs::read_to_string(repo(fixture)).unwrap();
    let all: Value = serde_json::from_str(&file).unwrap();
    all["cases"].as_array().unwrap().iter().find(|c| c["text"] == text).expect("the fixture has the text").clone()
}

fn numbers(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(numbers).collect(),
        other => vec![other.as_f64().expect("a number")],
    }
}

fn assert_tokens(tokens: &Value, case: &Value) {
    let tokens = tokens.as_array().unwrap();
    let texts: Vec<&Value> = tokens.iter().map(|t| &t["text"]).collect();
    let ids: Vec<&Value> = tokens.iter().map(|t| &t["id"]).collect();
    let offsets: Vec<Value> = tokens.iter().map(|t| serde_json::json!([t["start"], t["end"]])).collect();
    assert_eq!(texts, case["tokens"].as_array().unwrap().iter().collect::<Vec<_>>());
    assert_eq!(ids, case["ids"].as_array().unwrap().iter().collect::<Vec<_>>());
    assert_eq!(&offsets, case["offsets"].as_array().unwrap());
}

#[test]
fn model_json_matches_transformers() {
    let v = json(&["model", "--model", &minilm(), "--text", SENTENCE, "--json"]);
    let case = reference("tests/fixtures/model/minilm.json", SENTENCE);
    assert_eq!(v["tokens"].as_array().unwrap().len(), 16);
    assert_tokens(&v["tokens"], &case);
    assert_eq!(v["tokens"][0]["special"], true);
    assert_eq!(v["truncated"], Value::Null);
    assert_eq!(
        (v["model"]["name"].as_str(), v["model"]["layers"].as_u64(), v["model"]["heads"].as_u64()),
        (Some("all-MiniLM-L6-v2"), Some(6), Some(12))
    );
    assert_eq!(v["layers"], serde_json::json!([0, 1, 2, 3, 4, 5]));
    assert_eq!(v["heads"].as_array().unwrap().len(), 12);
    let (got, expected) = (numbers(&v["attentions"]), numbers(&case["attentions"]));
    assert_eq!(got.len(), 6 * 12 * 16 * 16);
    assert_eq!(got.len(), expected.len());
    let worst = got.iter().zip(&expected).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(worst <= 1e-4, "attentions differ by {worst:e}");
    let (got, expected) = (numbers(&v["pooled"]), numbers(&case["pooled"]));
    assert_eq!(got.len(), 384);
    assert!(got.iter().zip(&expected).all(|(a, b)| (a - b).abs() <= 1e-4), "the pooled embedding differs");
}

#[test]
fn tokenize_reads_only_the_tokenizer() {
    let case = reference("tests/fixtures/model/minilm.json", SENTENCE);
    let v = json(&["tokenize", "--model", &minilm(), "--text", SENTENCE, "--json"]);
    assert_tokens(&v["tokens"], &case);
    assert_eq!(v["truncated"], Value::Null);
    let table = ok(&["tokenize", "--model", &minilm(), "--text", SENTENCE]);
    assert!(table.starts_with("16 tokens ([CLS] and [SEP] included):"), "{table}");
    let row = |prefix: &str| table_row(&table, prefix);
    assert_eq!(row("0 [CLS]"), ["0", "[CLS]", "101", "special"]);
    assert_eq!(row("2 animal"), ["2", "animal", "4111", "4–10"]);
    let typed = json(&["tokenize", "--model", &minilm(), "--text", "a [MASK] b", "--json"]);
    assert_eq!(
        (typed["tokens"][2]["text"].as_str(), typed["tokens"][2]["special"].as_bool(), typed["tokens"][2]["start"].as_u64()),
        (Some("[MASK]"), Some(true), Some(2))
    );
    assert!(ok(&["tokenize", "--model", &minilm(), "--text", "a [MASK] b"]).contains("special, 2–8"));
}

#[test]
fn the_readable_summary_prints_the_picked_heads() {
    let model = tiny();
    let all = ok(&["model", "--model", &model, "--text", "the cat sat on the mat."]);
    assert!(all.contains("(bert): 2 layers × 4 heads") && all.contains("9 tokens ([CLS] and [SEP] included):"), "{all}");
    assert!(all.contains("8 heads (2 layers × 4 heads, counted from 0): print their weights with --layer L and/or --head H"), "{all}");
    assert!(!all.contains("query \\ key"));
    let one = ok(&[
        "model",
        "--model",
        &model,
        "--text",
        "the cat sat on the mat.",
        "--layer",
        "1",
        "--head",
        "2",
        "--query",
        "2",
        "--decimals",
        "3",
    ]);
    assert!(one.contains("layer 1, head 2 (scaled dot-product, scale 0.3536)"), "{one}");
    assert_eq!(one.matches("query \\ key").count(), 1, "one table: {one}");
    let row = one.lines().skip_while(|l| !l.starts_with("query \\ key")).find(|l| l.starts_with("2 cat ")).unwrap();
    let weights: f64 = row.split_whitespace().skip(2).map(|w| w.parse::<f64>().unwrap()).sum();
    assert!((weights - 1.0).abs() < 0.01, "{row}");
    assert!(one.contains("layer 1, head 2, query 2 cat: scores are sums of q ∘ k"), "{one}");
    let layer = ok(&["model", "--model", &model, "--text", "the cat", "--layer", "0"]);
    assert_eq!(layer.matches("query \\ key").count(), 4, "every head of layer 0: {layer}");
}

#[test]
fn special_tokens_can_be_hidden() {
    let model = tiny();
    let v = json(&[
        "model",
        "--model",
        &model,
        "--text",
        "the cat sat",
        "--hide-special",
        "--layer",
        "0",
        "--head",
        "1",
        "--query",
        "2",
        "--json",
    ]);
    let texts: Vec<&str> = v["tokens"].as_array().unwrap().iter().map(|t| t["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["the", "cat", "sat"]);
    assert_eq!(v["kept"], serde_json::json!([1, 2, 3]));
    assert_eq!(
        (v["specialHidden"].as_bool(), v["layers"].clone(), v["heads"].clone()),
        (Some(true), serde_json::json!([0]), serde_json::json!([1]))
    );
    for row in v["attentions"][0][0].as_array().unwrap() {
        assert!((numbers(row).iter().sum::<f64>() - 1.0).abs() < 1e-5, "renormalised rows sum to 1");
    }
    let breakdowns = v["breakdowns"].as_array().unwrap();
    assert_eq!(breakdowns.len(), 1);
    let b = &breakdowns[0];
    assert_eq!((b["block"].as_u64(), b["layer"].as_u64(), b["head"].as_u64(), b["query"].as_u64()), (Some(0), Some(0), Some(1), Some(2)));
    assert_eq!(b["weights"].as_array().unwrap().len(), 5, "the breakdown is the model's own computation, [CLS] and [SEP] included");
    let table = ok(&["model", "--model", &model, "--text", "the cat sat", "--hide-special", "--head", "0", "--layer", "0"]);
    assert!(table.contains("special tokens hidden, each row renormalised to sum to 1"), "{table}");
    assert!(table.lines().any(|l| l.starts_with("query \\ key  1 the  2 cat  3 sat")), "the tokens keep their numbers: {table}");
}

#[test]
fn long_texts_are_cut_and_the_note_says_so() {
    let text = "the cat sat on the mat. ".repeat(10);
    let o = attn(&["model", "--model", &tiny(), "--text", &text, "--json", "--layer", "0", "--head", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let note = stderr(&o);
    assert!(
        note.starts_with("note: the text has 72 tokens with [CLS] and [SEP]; the model takes 40, so the first 38 (up to \"")
            && note.ends_with("…sat on the mat. the cat sat\") were used\n"),
        "{note}"
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["truncated"], serde_json::json!({"limit": 40, "total": 72, "which": "text"}));
    assert_eq!(v["tokens"].as_array().unwrap().len(), 40);
    let o = attn(&["tokenize", "--model", &tiny(), "--text", &text]);
    assert!(o.status.success() && stderr(&o).starts_with("note: the text has 72 tokens"), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("40 tokens"));
}

#[test]
fn a_missing_model_folder_says_how_to_get_one() {
    fails(&["model", "--model", "/nonexistent/model", "--text", "hi"], "", "the model folder '/nonexistent/model' does not exist");
    fails(&["tokenize", "--model", "/nonexistent/model", "--text", "hi"], "", "bash scripts/fetch-model.sh");
    let empty = cli_common::temp_path("model");
    std::fs::create_dir_all(&empty).unwrap();
    fails(&["model", "--model", empty.to_str().unwrap(), "--text", "hi"], "", "config.json: No such file");
}

#[test]
fn bad_model_options_give_one_clear_message() {
    let model = tiny();
    let run =
        |extra: &[&str], expected: &str| fails(&[&["model", "--model", &model, "--text", "the cat"][..], extra].concat(), "", expected);
    run(&["--layer", "2"], "--layer 2 does not exist: there are 2 layers (0–1)");
    run(&["--head", "4"], "--head 4 does not exist: there are 4 heads (0–3)");
    run(&["--query", "9", "--head", "0"], "query 9 does not exist: there are 4 queries (0–3)");
    fails(&["model", "--model", &model, "--text", "  "], "", "the text is empty");
    fails(&["model", "--model", &model, "--text", "[MASK]", "--hide-special"], "", "--hide-special leaves nothing to show");
    fails(&["tokenize", "--model", &model, "--text", ""], "", "the text is empty");
}
