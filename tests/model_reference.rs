//! The pretrained-model path against Hugging Face's reference (fixtures written by
//! `scripts/make_model_fixtures.py`): tokens, ids and offsets identical; every attention map
//! within 1e-4; the pooled sentence embedding within 1e-4.
//!
//! The default model's tests read `models/all-MiniLM-L6-v2/` (fetched by `scripts/fetch-model.sh`);
//! the tiny random encoders ship with the fixtures.

use std::fs;
use std::path::{Path, PathBuf};

use attention_playground::model::{BertTokenizer, Model};
use attention_playground::{Field, Run};
use serde::Deserialize;

const TOLERANCE: f32 = 1e-4;

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    text: String,
    tokens: Vec<String>,
    ids: Vec<u32>,
    offsets: Vec<[usize; 2]>,
    #[serde(default)]
    attentions: Vec<Vec<Vec<Vec<f32>>>>,
    #[serde(default)]
    pooled: Vec<f32>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/model")
}

fn read_fixture(path: &Path) -> Fixture {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(dir: &Path, name: &str) -> Option<String> {
    fs::read_to_string(dir.join(name)).ok()
}

/// The default model's folder; fails with the fix when it has not been fetched.
fn default_model_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2");
    assert!(
        dir.join("model.safetensors").is_file() && dir.join("tokenizer.json").is_file(),
        "{} is missing: run scripts/fetch-model.sh",
        dir.display()
    );
    dir
}

fn load(dir: &Path) -> Model {
    Model::from_dir(dir).unwrap_or_else(|e| panic!("{e}"))
}

/// all-MiniLM-L6-v2, loaded once for every test of this file.
fn minilm() -> &'static Model {
    static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| load(&default_model_dir()))
}

fn check_tokens(tokenizer: &BertTokenizer, case: &Case) -> Result<(), String> {
    let enc = tokenizer.encode(&case.text, usize::MAX);
    let tokens: Vec<&str> = enc.tokens.iter().map(|t| t.text.as_str()).collect();
    let offsets: Vec<[usize; 2]> = enc.tokens.iter().map(|t| [t.start, t.end]).collect();
    if tokens != case.tokens || enc.ids() != case.ids || offsets != case.offsets {
        return Err(format!("{:?}\n  expected {:?} {:?}\n  got      {:?} {:?}", case.text, case.tokens, case.offsets, tokens, offsets));
    }
    Ok(())
}

/// The largest absolute difference between the run and the reference, over every attention
/// weight and every entry of the pooled embedding.
fn max_error(run: &Run, case: &Case) -> f32 {
    assert_eq!(run.layers(), case.attentions.len(), "{:?}: layers", case.text);
    assert_eq!(run.blocks.len(), case.attentions.len(), "{:?}: one block per layer", case.text);
    let mut worst = 0.0f32;
    for (l, layer) in case.attentions.iter().enumerate() {
        assert_eq!(run.blocks[l].heads.len(), layer.len(), "{:?}: heads", case.text);
        for (h, head) in layer.iter().enumerate() {
            let w = &run.head(l, h).unwrap().weights;
            assert_eq!(w.nrows(), head.len(), "{:?}: tokens", case.text);
            for (i, row) in head.iter().enumerate() {
                for (j, expected) in row.iter().enumerate() {
                    worst = worst.max((w[[i, j]] - expected).abs());
                }
            }
        }
    }
    let pooled = run.pooled.as_ref().expect("an encoder's run has a sentence embedding");
    for (got, expected) in pooled.iter().zip(&case.pooled) {
        worst = worst.max((got - expected).abs());
    }
    assert_eq!(pooled.len(), case.pooled.len());
    worst
}

fn check_model(model: &Model, fixture: &Fixture, name: &str) {
    let mut worst = 0.0f32;
    for case in &fixture.cases {
        check_tokens(model.tokenizer(), case).unwrap_or_else(|e| panic!("{name}: {e}"));
        let run = model.forward(&case.text).unwrap();
        assert!(run.truncated.is_none());
        let error = max_error(&run, case);
        assert!(error <= TOLERANCE, "{name}, {:?}: max abs error {error:e}", case.text);
        worst = worst.max(error);
    }
    eprintln!("{name}: max abs error {worst:e} over {} texts", fixture.cases.len());
}

#[test]
fn tiny_random_encoders_match_transformers() {
    for name in ["tiny-bert", "tiny-bert-mlm-f16", "tiny-distilbert-bf16"] {
        let dir = fixtures().join(name);
        check_model(&load(&dir), &read_fixture(&dir.join("expected.json")), name);
    }
}

#[test]
fn tokenizer_matches_hugging_face_on_the_corpus() {
    let dir = default_model_dir();
    let tokenizer = BertTokenizer::from_tokenizer_json(&read(&dir, "tokenizer.json").unwrap()).unwrap();
    let corpus = read_fixture(&fixtures().join("tokenizer_corpus.json"));
    assert!(corpus.cases.len() >= 200);
    let failures: Vec<String> = corpus.cases.iter().filter_map(|c| check_tokens(&tokenizer, c).err()).collect();
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), corpus.cases.len(), failures.join("\n"));
}

#[test]
fn vocab_txt_alone_tokenizes_like_tokenizer_json() {
    let dir = default_model_dir();
    let from_json = BertTokenizer::from_tokenizer_json(&read(&dir, "tokenizer.json").unwrap()).unwrap();
    let from_vocab = BertTokenizer::from_vocab_txt(&read(&dir, "vocab.txt").unwrap(), None).unwrap();
    for case in read_fixture(&fixtures().join("tokenizer_corpus.json")).cases {
        assert_eq!(from_vocab.encode(&case.text, 512), from_json.encode(&case.text, 512), "{:?}", case.text);
    }
}

#[test]
fn minilm_matches_transformers() {
    check_model(minilm(), &read_fixture(&fixtures().join("minilm.json")), "all-MiniLM-L6-v2");
}

#[test]
fn minilm_truncates_long_text_and_says_so() {
    let text = "word ".repeat(600);
    let run = minilm().forward(&text).unwrap();
    let tokens = &run.sequences[0].tokens;
    assert_eq!(tokens.len(), 512);
    let cut = run.truncated.expect("truncation reported");
    assert_eq!((cut.limit, cut.total, cut.which), (512, 602, Field::Text));
    assert_eq!(tokens.last().unwrap().text, "[SEP]");
    let row_sum: f32 = run.head(5, 11).unwrap().weights.row(511).sum();
    assert!((row_sum - 1.0).abs() < 1e-4);
}

/// The page downloads the F16 copy; its attention stays within 3e-3 of the F32 reference
/// (1.4e-3 measured).
#[test]
fn minilm_in_f16_stays_close() {
    let dir = default_model_dir();
    let f32_bytes = fs::read(dir.join("model.safetensors")).unwrap();
    let f16_bytes = attention_playground::model::safetensors::convert_to_f16(&f32_bytes).unwrap();
    assert!(f16_bytes.len() < f32_bytes.len() / 2 + 10_000);
    let config = read(&dir, "config.json").unwrap();
    let model = Model::from_files(&config, read(&dir, "tokenizer.json").as_deref(), None, &f16_bytes).unwrap();
    let fixture = read_fixture(&fixtures().join("minilm.json"));
    let worst = fixture.cases.iter().map(|case| max_error(&model.forward(&case.text).unwrap(), case)).fold(0.0f32, f32::max);
    eprintln!("F16 weights: max abs error {worst:e}");
    assert!(worst < 3e-3, "F16 weights: max abs error {worst:e}");
}
