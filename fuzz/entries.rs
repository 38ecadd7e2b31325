//! What each fuzz target feeds its input to. The same functions replay the kept corpus on stable
//! Rust in `tests/fuzz_corpus.rs`, so every file in `fuzz/corpus/` stays a regular test.
//!
//! An input may be refused with any message; it must never panic, hang or allocate without bound.

use attention_playground::model::safetensors::SafeTensors;
use attention_playground::model::seq2seq::vocab::Vocabulary;
use attention_playground::model::{DecoderConfig, LoadedModel, ModelConfig, Seq2SeqConfig, Tokenizer};
use attention_playground::toy::{run_toy, Mode, ToyConfig};
use attention_playground::{ScoreKind, TokenizerKind};

// The command-line tool's reader of Q/K/V, weights and mask files, compiled here as it is there.
#[allow(dead_code)]
#[path = "../src/bin/attn/error.rs"]
mod error;
#[allow(dead_code)]
#[path = "../src/bin/attn/input.rs"]
mod input;

/// The tiny BERT fixture's files, around which fuzzed weights are loaded.
const BERT_CONFIG: &str = include_str!("../tests/fixtures/model/tiny-bert/config.json");
const BERT_VOCAB: &str = include_str!("../tests/fixtures/model/tiny-bert/vocab.txt");
/// Two encoder–decoder configurations: characters (dates) and words (grammar).
const SEQ2SEQ_CONFIGS: [&str; 2] = [include_str!("../trained/dates-gru/config.json"), include_str!("../trained/grammar-gru/config.json")];

/// The bytes before the first zero byte and those after it (empty when there is none).
fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A safetensors file: its header and every tensor read as f32, then as the tiny BERT's weights.
pub fn safetensors(data: &[u8]) {
    if let Ok(file) = SafeTensors::parse(data) {
        for (name, view) in file.tensors() {
            let _ = view.to_f32(name);
        }
    }
    if let Ok(model) = LoadedModel::from_files(BERT_CONFIG, None, Some(BERT_VOCAB), data) {
        let _ = model.forward("the cat sat");
    }
}

/// A config.json, read as each kind of model reads it.
pub fn config_json(data: &[u8]) {
    let json = text(data);
    let _ = ModelConfig::from_json(&json);
    let _ = DecoderConfig::from_json(&json);
    let _ = Seq2SeqConfig::from_json(&json);
}

/// A tokenizer file (tokenizer.json when the first byte is even, else vocab.txt) up to the first
/// zero byte, then the text it tokenizes.
pub fn tokenizer(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let (file, sample) = split(rest);
    let file = text(file);
    let parsed = if selector % 2 == 0 { Tokenizer::from_files(Some(&file), None) } else { Tokenizer::from_files(None, Some(&file)) };
    if let Ok(tokenizer) = parsed {
        let encoding = tokenizer.encode(&text(sample), 512);
        if let Tokenizer::Bpe(bpe) = &tokenizer {
            let _ = bpe.decode(&encoding.ids());
        }
    }
}

/// The command-line tool's Q/K/V input file, and one head over what it holds.
pub fn qkv_json(data: &[u8]) {
    let Ok(json) = std::str::from_utf8(data) else { return };
    let what = "the input file";
    let Ok(value) = input::parse_json(json, what) else { return };
    let Ok(map) = input::object(&value, what, &["q", "k", "v", "mask"]) else { return };
    let matrix = |key: &str| map.get(key).map(|m| input::matrix(m, key, input::QKV_BOUNDS));
    let (Some(Ok(q)), Some(Ok(k)), Some(Ok(v))) = (matrix("q"), matrix("k"), matrix("v")) else { return };
    let mask = map.get("mask").map(|m| input::bool_matrix(m, "mask", input::MASK_BOUNDS));
    if q.ncols() != k.ncols() || k.nrows() != v.nrows() {
        return;
    }
    let allowed = match mask {
        Some(Ok(m)) if m.dim() == (q.nrows(), k.nrows()) => Some(std::sync::Arc::new(m)),
        Some(_) => return,
        None => None,
    };
    let (head, output) = attention_playground::attention::attend(q, k, v, attention_playground::ScoreFunction::Dot, 1.0, 1.0, allowed);
    let _ = head.ensure_finite(&output);
}

/// The toy's path from text to attention, with settings from the first byte.
pub fn toy_text(data: &[u8]) {
    let Some((&settings, rest)) = data.split_first() else { return };
    let (first, second) = split(rest);
    let config = ToyConfig {
        tokenizer: if settings & 1 == 0 { TokenizerKind::Words } else { TokenizerKind::Chars },
        mode: if settings & 2 == 0 { Mode::SelfAttention } else { Mode::Cross },
        score: [ScoreKind::Dot, ScoreKind::Additive, ScoreKind::General, ScoreKind::Cosine][usize::from(settings >> 2 & 3)],
        d_model: 8,
        heads: 2,
        kv_heads: 2,
        max_tokens: 64,
        ..ToyConfig::default()
    };
    let cross = text(second);
    let _ = run_toy(&config, &text(first), (config.mode == Mode::Cross).then_some(cross.as_str()));
}

/// An encoder–decoder's vocab.json (configuration chosen by the first byte) up to the first zero
/// byte, then a source text encoded and the same bytes decoded as target ids.
pub fn seq2seq_vocab(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(config) = Seq2SeqConfig::from_json(SEQ2SEQ_CONFIGS[usize::from(selector % 2)]) else { return };
    let (file, sample) = split(rest);
    if let Ok(vocabulary) = Vocabulary::from_json(&text(file), &config) {
        let _ = vocabulary.encode_source(&text(sample), &config);
        let ids: Vec<u32> = sample.iter().map(|&b| u32::from(b)).collect();
        let _ = vocabulary.decode_target(&ids, [config.pad_id, config.bos_id, config.eos_id], config.target_unit);
    }
}
