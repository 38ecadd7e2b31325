//! Bad model files and bad text give a clear message naming the problem, never a panic; the
//! safetensors reader and the whole loader are fuzzed with random and mutated bytes.

use std::fs;
use std::path::PathBuf;

use attention_playground::model::safetensors::{Dtype, SafeTensors, SafeTensorsWriter};
use attention_playground::model::{Model, ModelError};
use proptest::prelude::*;

struct Files {
    config: String,
    vocab: String,
    weights: Vec<u8>,
}

fn tiny() -> Files {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/model/tiny-bert");
    Files {
        config: fs::read_to_string(dir.join("config.json")).unwrap(),
        vocab: fs::read_to_string(dir.join("vocab.txt")).unwrap(),
        weights: fs::read(dir.join("model.safetensors")).unwrap(),
    }
}

fn load(config: &str, vocab: &str, weights: &[u8]) -> Result<Model, ModelError> {
    Model::from_files(config, None, Some(vocab), weights)
}

/// The tiny model's weights with `edit` applied to each (name, shape, values); `None` drops it.
fn rewrite(weights: &[u8], edit: impl Fn(&str, &[usize], Vec<f32>) -> Option<(Vec<usize>, Vec<f32>)>) -> Vec<u8> {
    let file = SafeTensors::parse(weights).unwrap();
    let mut out = SafeTensorsWriter::new();
    for (name, view) in file.tensors() {
        if let Some((shape, values)) = edit(name, &view.shape, view.to_f32(name).unwrap()) {
            out.f32(name, Dtype::F32, &shape, &values).unwrap();
        }
    }
    out.to_bytes()
}

fn message(result: Result<Model, ModelError>) -> String {
    result.expect_err("the bad input was accepted").to_string()
}

#[test]
fn the_fixture_itself_loads() {
    let f = tiny();
    assert!(load(&f.config, &f.vocab, &f.weights).is_ok());
}

#[test]
fn a_folder_without_the_model_says_how_to_get_it() {
    let msg = Model::from_dir(std::path::Path::new("no/such/folder")).expect_err("nothing there").to_string();
    assert!(msg.contains("config.json") && msg.contains("scripts/fetch-model.sh"), "{msg}");
}

#[test]
fn a_vocabulary_that_is_not_utf8_is_named_not_taken_for_missing() {
    let dir = std::env::temp_dir().join(format!("vocab-latin1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = tiny();
    std::fs::write(dir.join("config.json"), &f.config).unwrap();
    std::fs::write(dir.join("model.safetensors"), &f.weights).unwrap();
    // "café" in Latin-1: the é is one byte, 0xE9, which is not UTF-8.
    let mut vocab = f.vocab.as_bytes().to_vec();
    vocab.extend_from_slice(b"caf\xe9\n");
    std::fs::write(dir.join("vocab.txt"), &vocab).unwrap();
    let msg = Model::from_dir(&dir).expect_err("a Latin-1 vocabulary").to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(msg.contains("vocab.txt") && msg.contains("not UTF-8"), "{msg}");
}

#[test]
fn truncated_and_corrupt_weights_are_named() {
    let f = tiny();
    let cut = &f.weights[..f.weights.len() / 2];
    assert!(message(load(&f.config, &f.vocab, cut)).contains("truncated"));
    assert!(message(load(&f.config, &f.vocab, &f.weights[..5])).contains("too short"));
    let mut huge = f.weights.clone();
    huge[..8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    assert!(message(load(&f.config, &f.vocab, &huge)).contains("limit"));
    let mut garbled = f.weights.clone();
    garbled[8] = b'#';
    assert!(message(load(&f.config, &f.vocab, &garbled)).contains("not a JSON object"));
}

#[test]
fn missing_and_misshapen_tensors_are_named() {
    let f = tiny();
    let name = "encoder.layer.1.attention.self.key.weight";
    let missing = rewrite(&f.weights, |n, s, v| (n != name).then(|| (s.to_vec(), v)));
    let msg = message(load(&f.config, &f.vocab, &missing));
    assert!(msg.contains(name) && msg.contains("no tensor"), "{msg}");

    let misshapen =
        rewrite(&f.weights, |n, s, v| Some(if n == name { (vec![s[1], s[0] / 2], v[..v.len() / 2].to_vec()) } else { (s.to_vec(), v) }));
    let msg = message(load(&f.config, &f.vocab, &misshapen));
    assert!(msg.contains(name) && msg.contains("shape"), "{msg}");

    let poisoned = rewrite(&f.weights, |n, s, mut v| {
        if n == name {
            v[3] = f32::INFINITY;
        }
        Some((s.to_vec(), v))
    });
    assert!(message(load(&f.config, &f.vocab, &poisoned)).contains("non-finite"));

    let huge = rewrite(&f.weights, |n, s, v| Some((s.to_vec(), if n == name { v.iter().map(|w| w * 1e37).collect() } else { v })));
    let model = load(&f.config, &f.vocab, &huge).expect("finite weights load");
    let err = model.forward("the cat sat on the mat.").unwrap_err();
    assert_eq!(err, ModelError::Overflow { layer: 1 });
}

#[test]
fn unsupported_architectures_are_named() {
    let f = tiny();
    let gpt = f.config.replace("\"BertModel\"", "\"GPT2LMHeadModel\"").replace("\"bert\"", "\"gpt2\"");
    assert!(message(load(&gpt, &f.vocab, &f.weights)).contains("gpt2"));
    let roberta = f.config.replace("\"BertModel\"", "\"RobertaModel\"");
    assert!(message(load(&roberta, &f.vocab, &f.weights)).contains("RobertaModel"));
    assert!(message(load("{not json", &f.vocab, &f.weights)).contains("config.json"));
}

#[test]
fn a_tokenizer_of_another_model_is_refused() {
    let f = tiny();
    let bigger: String = (0..500).map(|i| format!("tok{i}\n")).collect::<String>() + "[CLS]\n[SEP]\n[UNK]\n";
    let msg = message(load(&f.config, &bigger, &f.weights));
    assert!(msg.contains("different models"), "{msg}");
    let smaller: String = f.vocab.lines().take(40).map(|t| format!("{t}\n")).collect();
    let msg = message(load(&f.config, &smaller, &f.weights));
    assert!(msg.contains("has 40 token ids but the model embeds 76"), "{msg}");
    let msg = message(Model::from_files(&f.config, Some("{\"model\":{\"type\":\"BPE\"}}"), None, &f.weights));
    assert!(msg.contains("BPE"), "{msg}");
}

#[test]
fn empty_and_too_long_text() {
    let f = tiny();
    let model = load(&f.config, &f.vocab, &f.weights).unwrap();
    for empty in ["", "   ", "\u{200B}\u{0001}"] {
        assert_eq!(model.forward(empty).unwrap_err(), ModelError::EmptyText);
    }
    let trace = model.forward(&"cat ".repeat(100)).unwrap();
    assert_eq!(trace.sequences[0].tokens.len(), 40, "the tiny model has 40 positions");
    assert_eq!(trace.truncated.map(|t| (t.limit, t.total)), Some((40, 102)));
    assert!(model.forward("[MASK]").is_ok(), "a typed special token is a token");
}

fn tiny_weights() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| tiny().weights)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = SafeTensors::parse(&bytes);
        let mut with_small_header = (bytes.len() as u64 / 2).to_le_bytes().to_vec();
        with_small_header.extend_from_slice(&bytes);
        let _ = SafeTensors::parse(&with_small_header);
    }

    #[test]
    fn mutated_weights_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let f = tiny();
        let mut bytes = tiny_weights().to_vec();
        // Most flips land in the JSON header, where the interesting damage is.
        let header_end = 8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        for (at, value) in flips {
            let span = if value % 2 == 0 { header_end } else { bytes.len() };
            let i = at.index(span);
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(model) = load(&f.config, &f.vocab, &bytes) {
            match model.forward("the cat sat.") {
                Ok(run) => prop_assert!(run.head(0, 0).unwrap().weights.iter().all(|w| w.is_finite())),
                Err(e) => prop_assert!(matches!(e, ModelError::Overflow { .. }), "{}", e),
            }
        }
    }
}
