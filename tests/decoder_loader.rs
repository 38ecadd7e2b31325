//! Decoders through the core's one `Session`, files that must be refused with one clear message,
//! the key/value cache against a fresh pass, and any trained decoder of `trained/` against its
//! reference (tests/fixtures/trained/).

use std::path::{Path, PathBuf};

use attention_playground::error::Field;
use attention_playground::generation::{Sampling, StopReason};
use attention_playground::model::tokenizer::Encoding;
use attention_playground::model::{Decoder, LoadedModel, ModelError};
use attention_playground::run::BlockKind;
use attention_playground::session::{RunRequest, Session};
use json_numbers::{flat, ids, max_error};
use proptest::prelude::*;
use serde_json::Value;

mod json_numbers;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Files {
    config: String,
    tokenizer: String,
    weights: Vec<u8>,
}

fn files(name: &str) -> Files {
    let dir = root().join("tests/fixtures/decoder").join(name);
    let text = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();
    Files { config: text("config.json"), tokenizer: text("tokenizer.json"), weights: std::fs::read(dir.join("model.safetensors")).unwrap() }
}

fn load(config: &str, tokenizer: &str, weights: &[u8]) -> Result<Decoder, ModelError> {
    Decoder::from_files(config, Some(tokenizer), None, weights)
}

fn message(result: Result<Decoder, ModelError>) -> String {
    result.expect_err("the files must be refused").to_string()
}

#[test]
fn another_familys_files_are_refused() {
    let (gpt2, llama) = (files("tiny-gpt2"), files("tiny-llama"));
    assert_eq!(
        message(load(&llama.config, &llama.tokenizer, &gpt2.weights)),
        "model.safetensors has no tensor model.embed_tokens.weight: the weights do not match config.json"
    );
    assert_eq!(
        message(load(&gpt2.config, &gpt2.tokenizer, &llama.weights)),
        "model.safetensors has no tensor transformer.wte.weight: the weights do not match config.json"
    );
    let bert = std::fs::read_to_string(root().join("tests/fixtures/model/tiny-bert/config.json")).unwrap();
    assert_eq!(
        message(load(&bert, &gpt2.tokenizer, &gpt2.weights)),
        "config.json: model_type 'bert' is an encoder, not a GPT-2 or Llama decoder"
    );
    // The encoder's loader, given a decoder's config, says so too.
    let err = attention_playground::model::Model::from_files(&gpt2.config, None, Some("[UNK]\n[CLS]\n[SEP]\n"), &gpt2.weights).unwrap_err();
    assert_eq!(err.to_string(), "config.json: model_type 'gpt2' is a decoder, not a BERT-family encoder");
    // Same family, other sizes: the first tensor whose shape differs is named.
    let wider = gpt2.config.replace("\"n_inner\": null", "\"n_inner\": 128");
    assert_eq!(
        message(load(&wider, &gpt2.tokenizer, &gpt2.weights)),
        "tensor transformer.h.0.mlp.c_fc.weight has shape [64, 256], but config.json implies [64, 128]"
    );
}

#[test]
fn tokenizers_that_do_not_fit_are_refused() {
    let f = files("tiny-gpt2");
    let mut no_merges: Value = serde_json::from_str(&f.tokenizer).unwrap();
    no_merges["model"]["merges"] = Value::Array(Vec::new());
    assert_eq!(
        message(load(&f.config, &no_merges.to_string(), &f.weights)),
        "tokenizer: tokenizer.json has a BPE model without merges (model.merges): byte-level BPE needs its merge rules"
    );
    let wordpiece = r#"{"model": {"type": "WordPiece", "vocab": {"[UNK]": 0}}}"#;
    assert_eq!(
        message(load(&f.config, wordpiece, &f.weights)),
        "tokenizer: tokenizer.json holds a WordPiece model; GPT-2 and Llama decoders need byte-level BPE"
    );
    let message_of = |vocab_size: &str| message(load(&f.config.replace("\"vocab_size\": 1002", vocab_size), &f.tokenizer, &f.weights));
    assert_eq!(
        message_of("\"vocab_size\": 900"),
        "tokenizer: the tokenizer has 1002 token ids but the model embeds 900 tokens: they belong to different models"
    );
    assert!(message_of("\"vocab_size\": 50257").contains("they belong to different models"));
    let err = Decoder::from_files(&f.config, None, Some("[UNK]\n"), &f.weights).unwrap_err().to_string();
    assert!(err.starts_with("tokenizer: vocab.txt holds a WordPiece vocabulary"), "{err}");
}

#[test]
fn sizes_are_checked_before_they_become_usize() {
    let f = files("tiny-gpt2");
    let with = |from: &str, to: &str| message(load(&f.config.replace(from, to), &f.tokenizer, &f.weights));
    assert_eq!(with("\"n_head\": 4", "\"n_head\": 5"), "config.json: n_embd 64 is not a multiple of n_head 5");
    assert_eq!(
        with("\"n_embd\": 64", "\"n_embd\": 4294967360"),
        "config.json: n_embd must be a whole number from 1 to 65536, found 4294967360"
    );
    assert_eq!(
        with("\"n_positions\": 64", "\"n_positions\": 18446744073709551615"),
        "config.json: n_positions must be a whole number from 1 to 1048576, found 18446744073709551615"
    );
    assert_eq!(with("\"n_layer\": 2", "\"n_layer\": 0"), "config.json: n_layer must be a whole number from 1 to 4096, found 0");
    assert_eq!(with("\"n_layer\": 2,", ""), "config.json: missing n_layer");
    let l = files("tiny-llama");
    let llama = |from: &str, to: &str| message(load(&l.config.replace(from, to), &l.tokenizer, &l.weights));
    assert!(llama("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3").contains("is not a multiple of num_key_value_heads 3"));
    assert_eq!(
        llama("\"rope_type\": \"default\"", "\"rope_type\": \"dynamic\""),
        "config.json: rope type 'dynamic' is not supported: only the default rotary positions (rope_type \"default\") are"
    );
    assert_eq!(
        llama("\"head_dim\": 16", "\"head_dim\": 4294967312"),
        "config.json: head_dim must be a whole number from 1 to 4096, found 4294967312"
    );
}

#[test]
fn a_truncated_or_corrupt_weights_file_is_refused() {
    let f = files("tiny-llama");
    let msg = message(load(&f.config, &f.tokenizer, &f.weights[..f.weights.len() / 3]));
    assert!(msg.starts_with("model.safetensors: ") && msg.contains("truncated"), "{msg}");
    assert_eq!(
        message(load(&f.config, &f.tokenizer, &f.weights[..5])),
        "model.safetensors: the file is 5 bytes long: too short to be safetensors (truncated download?)"
    );
}

#[test]
fn the_session_runs_and_generates_with_a_decoder() {
    let f = files("tiny-gpt2");
    let mut session = Session::new();
    session.set_model(Some(LoadedModel::from_files(&f.config, Some(&f.tokenizer), None, &f.weights).unwrap().named("tiny")));
    let run = session.run(&RunRequest::Model { text: "attention is all".into() }).unwrap();
    assert!(run.blocks.iter().all(|b| b.kind == BlockKind::Causal) && run.generation.is_none());
    let request =
        |steps: usize| RunRequest::Generate { text: "attention is all".into(), steps, temperature: None, top_k: None, seed: None };
    let run = session.run(&request(5)).unwrap();
    let generation = run.generation.clone().unwrap();
    assert_eq!(generation.steps.len(), 5);
    assert_eq!(run.sequences[0].tokens.len(), generation.prompt_tokens + 5);
    assert_eq!(run.summary().generation, Some(generation));
    // Every step's attention rows sum to 1 over the keys up to its query.
    for s in 0..5 {
        let rows = run.step_attentions(s).unwrap();
        let keys = run.generation.as_ref().unwrap().steps[s].position + 1;
        assert!(rows.chunks(keys).all(|r| (r.iter().sum::<f32>() - 1.0).abs() < 1e-5));
    }
    let err = session.run(&request(2000)).unwrap_err();
    assert_eq!(err.field(), Some(Field::Steps));
    // The toy borrows the decoder's token embeddings.
    let toy = RunRequest::Toy {
        config: attention_playground::ToyConfig { d_model: 64, heads: 4, kv_heads: 4, ..Default::default() },
        text: "attention is all".into(),
        cross_text: None,
        vectors: true,
    };
    let run = session.run(&toy).unwrap();
    assert_eq!(run.source.name, "toy on tiny's token embeddings");
    assert_eq!(run.sequences[0].tokens.iter().map(|t| t.text.as_str()).collect::<String>().replace('Ġ', " "), "attention is all");
}

#[test]
fn a_prompt_longer_than_the_context_is_cut_and_says_so() {
    let model = Decoder::from_dir(&root().join("tests/fixtures/decoder/tiny-llama")).unwrap();
    let text = "attention ".repeat(80);
    let run = model.forward(&text).unwrap();
    assert_eq!(run.sequences[0].tokens.len(), 64);
    let truncated = run.truncated.unwrap();
    assert_eq!((truncated.limit, truncated.which), (64, Field::Text));
    assert!(truncated.total > 64);
    // Generation then has no room left.
    let run = model.generate(&text, 5, Sampling::GREEDY).unwrap();
    let generation = run.generation.unwrap();
    assert_eq!((generation.steps.len(), generation.stopped), (0, StopReason::Context));
    assert_eq!(model.forward("").unwrap_err(), ModelError::EmptyText);
}

/// The decoder run once over prompt and generated tokens together (no cache).
fn fresh_pass(model: &Decoder, ids: &[u32]) -> Vec<f32> {
    let (tokens, _) = model.tokens_of_ids(ids);
    model.trace(Encoding { tokens, truncated: None }).unwrap().run.attentions_flat()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Generating token by token against the cache gives the attentions of one pass over the whole
    /// sequence, whatever is sampled.
    #[test]
    fn the_cache_gives_what_a_fresh_pass_gives(seed in 0u32..1000, steps in 1usize..12, temperature in 0.5f32..2.0, llama in any::<bool>()) {
        let name = if llama { "tiny-llama" } else { "tiny-gpt2" };
        let model = Decoder::from_dir(&root().join("tests/fixtures/decoder").join(name)).unwrap();
        let run = model.generate("Once upon a time", steps, Sampling { temperature, top_k: Some(50), seed }).unwrap();
        let ids: Vec<u32> = run.sequences[0].tokens.iter().map(|t| t.id.unwrap()).collect();
        let fresh = fresh_pass(&model, &ids);
        let cached = run.attentions_flat();
        prop_assert_eq!(cached.len(), fresh.len());
        let worst = cached.iter().zip(&fresh).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        prop_assert!(worst < 1e-5, "{}", worst);
        // Generated tokens' spans index the prompt followed by the generated text.
        let generation = run.generation.as_ref().unwrap();
        let whole: Vec<u16> = format!("Once upon a time{}", generation.text).encode_utf16().collect();
        for token in &run.sequences[0].tokens[generation.prompt_tokens..] {
            prop_assert!(token.start <= token.end && token.end <= whole.len());
        }
    }
}

/// A trained decoder of `trained/` with a reference file in tests/fixtures/trained/: attentions
/// and the last position's top-10 probabilities, from transformers.
fn check_trained(reference: &Path) {
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(reference).unwrap()).unwrap();
    let folder = root().join(expected["folder"].as_str().unwrap());
    let model = match LoadedModel::from_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display())) {
        LoadedModel::Decoder(model) => model,
        _ => return,
    };
    let mut worst = (0f32, 0f32);
    for case in expected["cases"].as_array().unwrap() {
        let want = ids(&case["ids"]);
        let encoding = match case["text"].as_str() {
            Some(text) => model.tokenize(text),
            None => Encoding { tokens: model.tokens_of_ids(&want).0, truncated: None },
        };
        assert_eq!(encoding.ids(), want, "{}: {}", reference.display(), case["text"]);
        let trace = model.trace(encoding).unwrap();
        worst.0 = worst.0.max(max_error(&trace.run.attentions_flat(), &flat(&case["attentions"]), "attentions"));
        let logits = trace.logits.to_vec();
        let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let sum: f32 = logits.iter().map(|l| (l - max).exp()).sum();
        let top = &case["top10_probs"];
        let top_ids = ids(&top["ids"]);
        assert_eq!(attention_playground::generation::best(&logits, 10), top_ids, "{}", reference.display());
        for (id, p) in top_ids.iter().zip(flat(&top["values"])) {
            worst.1 = worst.1.max(((logits[*id as usize] - max).exp() / sum - p).abs());
        }
    }
    assert!(worst.0 <= 1e-4 && worst.1 <= 1e-4, "{}: attentions {} probabilities {}", reference.display(), worst.0, worst.1);
    eprintln!("{}: max abs error attentions {:.1e}, probabilities {:.1e}", reference.display(), worst.0, worst.1);
}

#[test]
fn trained_decoders_equal_their_reference() {
    let Ok(entries) = std::fs::read_dir(root().join("tests/fixtures/trained")) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let Ok(json) = serde_json::from_str::<Value>(&text) else { continue };
        let has_model = json["folder"].as_str().is_some_and(|f| root().join(f).join("model.safetensors").exists());
        if path.extension().is_some_and(|e| e == "json") && has_model && json["cases"].is_array() {
            check_trained(&path);
        }
    }
}
