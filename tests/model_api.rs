//! The trace's accessors agree with each other and with the core's single-head attention.

use std::path::PathBuf;

use attention_playground::model::Model;
use attention_playground::Stage;

fn tiny(name: &str) -> Model {
    Model::from_dir(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/model").join(name)).unwrap()
}

#[test]
fn a_head_rebuilt_by_the_core_equals_the_forward_pass() {
    let model = tiny("tiny-bert");
    let trace = model.forward("the cat sat on the mat.").unwrap();
    assert_eq!((trace.layers(), trace.heads()), (2, 4));
    let head = trace.head(1, 2).unwrap();
    assert_eq!(head.weights, trace.weights(1, 2).unwrap());
    assert_eq!(head.scores, trace.scores(1, 2).unwrap());
    assert_eq!(head.stage(Stage::Scaled).into_owned(), trace.scores(1, 2).unwrap() * trace.scale);
    assert!((trace.scale - 1.0 / 8f32.sqrt()).abs() < 1e-7, "d_head = 32 / 4");
    let breakdown = head.breakdown(3).unwrap();
    let stored = trace.weights(1, 2).unwrap();
    for (a, b) in breakdown.weights.iter().zip(stored.row(3)) {
        assert!((a - b).abs() < 1e-6, "the breakdown sums terms in its own order: {a} vs {b}");
    }
    assert!(trace.head(2, 0).unwrap_err().to_string().contains("2 layers of 4 heads"));
}

#[test]
fn flat_attentions_are_layer_head_query_key() {
    let model = tiny("tiny-distilbert-bf16");
    let trace = model.forward("a dog, a bird").unwrap();
    let t = trace.len();
    let flat = trace.attentions_flat();
    assert_eq!(flat.len(), 2 * 3 * t * t);
    let (l, h, i, j) = (1, 2, 3, 1);
    assert_eq!(flat[((l * 3 + h) * t + i) * t + j], trace.weights(l, h).unwrap()[[i, j]]);
}

#[test]
fn hiding_special_tokens_renormalises_the_rest() {
    let model = tiny("tiny-bert");
    let trace = model.forward("the cat sat").unwrap();
    let (kept, w) = trace.weights_without_special(0, 1).unwrap();
    assert_eq!(kept, vec![1, 2, 3]);
    for row in w.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-5);
    }
    let original = trace.weights(0, 1).unwrap();
    let ratio = original[[1, 2]] / original[[1, 3]];
    assert!((w[[0, 1]] / w[[0, 2]] - ratio).abs() < 1e-4 * ratio.abs().max(1.0));
}

#[test]
fn input_embeddings_are_the_word_embedding_rows() {
    let model = tiny("tiny-bert-mlm-f16");
    let encoding = model.tokenize("the cat");
    let vectors = model.input_embeddings(&encoding.tokens).unwrap();
    assert_eq!(vectors.dim(), (4, 24));
    let again = model.input_embeddings(&encoding.tokens[1..2]).unwrap();
    assert_eq!(again.row(0), vectors.row(1));
    let mut forged = encoding.clone();
    forged.tokens[1].id = 10_000;
    assert!(model.input_embeddings(&forged.tokens).unwrap_err().to_string().contains("10000"));
    assert!(model.forward_encoding(forged).is_err());
    let pooled = model.forward("the cat").unwrap().pooled;
    assert!((pooled.dot(&pooled) - 1.0).abs() < 1e-5);
}
