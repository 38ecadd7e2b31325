//! The fuzzers' kept corpus (`fuzz/corpus/TARGET/`) replayed on stable Rust: every file goes to
//! the same entry point its fuzz target feeds (`fuzz/entries.rs`), so the inputs that reached new
//! code while fuzzing, and any crash found since, stay regular tests. `bash scripts/fuzz.sh`
//! fuzzes on nightly and grows the corpus.

#[path = "../fuzz/entries.rs"]
mod entries;

use std::path::Path;

/// Feeds every file of `fuzz/corpus/TARGET/` to `entry`; returns how many there were.
fn replay(target: &str, entry: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut count = 0;
    for file in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = file.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| entry(&data));
        assert!(outcome.is_ok(), "{target}: {} panicked", path.display());
        count += 1;
    }
    assert!(count > 0, "{target} has no corpus");
    count
}

#[test]
fn safetensors_corpus() {
    replay("safetensors", entries::safetensors);
}

#[test]
fn config_json_corpus() {
    replay("config_json", entries::config_json);
}

#[test]
fn tokenizer_corpus() {
    replay("tokenizer", entries::tokenizer);
}

#[test]
fn qkv_json_corpus() {
    replay("qkv_json", entries::qkv_json);
}

#[test]
fn toy_text_corpus() {
    replay("toy_text", entries::toy_text);
}

#[test]
fn seq2seq_vocab_corpus() {
    replay("seq2seq_vocab", entries::seq2seq_vocab);
}
