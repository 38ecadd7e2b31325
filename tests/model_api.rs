//! A model's run: its accessors agree with each other and with the core's single-head attention.

use std::path::PathBuf;

use attention_playground::attention::{attend, ScoreFunction};
use attention_playground::model::Model;
use attention_playground::Stage;
use ndarray::ArrayView2;

fn tiny(name: &str) -> Model {
    Model::from_dir(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/model").join(name)).unwrap()
}

#[test]
fn a_head_rebuilt_by_the_core_equals_the_forward_pass() {
    let model = tiny("tiny-bert");
    let run = model.forward("the cat sat on the mat.").unwrap();
    assert_eq!(run.layers(), 2);
    assert!(run.blocks.iter().all(|b| b.heads.len() == 4 && b.kv_heads == 4));
    assert_eq!(run.blocks.iter().map(|b| b.layer).collect::<Vec<_>>(), [0, 1], "one block per layer");
    let head = run.head(1, 2).unwrap();
    let (rebuilt, output) = attend(head.q.clone(), head.k.clone(), head.v.clone(), ScoreFunction::Dot, head.scale, 1.0, None);
    assert_eq!(rebuilt.weights, head.weights);
    assert_eq!(output, head.output());
    assert_eq!(head.stage(Stage::Weights).into_owned(), head.weights);
    assert_eq!(head.stage(Stage::Scores).into_owned(), head.scores());
    assert_eq!(head.stage(Stage::Scaled).into_owned(), head.scores() * head.scale);
    assert!((head.scale - 1.0 / 8f32.sqrt()).abs() < 1e-7, "d_head = 32 / 4");
    let breakdown = run.breakdown(1, 2, 3).unwrap();
    assert_eq!((breakdown.block, breakdown.layer, breakdown.head), (1, 1, 2));
    for (a, b) in breakdown.breakdown.weights.iter().zip(head.weights.row(3)) {
        assert!((a - b).abs() < 1e-6, "the breakdown sums terms in its own order: {a} vs {b}");
    }
    assert!(run.head(2, 0).unwrap_err().to_string().contains("the run has 2 blocks"));
    assert!(run.head(1, 4).unwrap_err().to_string().contains("layer 1 has 4 heads"));
}

#[test]
fn flat_attentions_are_layer_head_query_key() {
    let model = tiny("tiny-distilbert-bf16");
    let run = model.forward("a dog, a bird").unwrap();
    let t = run.sequences[0].tokens.len();
    let flat = run.attentions_flat();
    assert_eq!(flat.len(), 2 * 3 * t * t);
    let (l, h, i, j) = (1, 2, 3, 1);
    assert_eq!(flat[((l * 3 + h) * t + i) * t + j], run.head(l, h).unwrap().weights[[i, j]]);
}

#[test]
fn hiding_special_tokens_renormalises_the_rest() {
    let model = tiny("tiny-bert");
    let run = model.forward("the cat sat").unwrap();
    let hidden = run.without_special().expect("[CLS] and [SEP] are special");
    assert_eq!(hidden.kept, vec![vec![1, 2, 3]]);
    assert_eq!(hidden.weights.len(), 2 * 4 * 3 * 3, "[layer][head][query][key] over the kept tokens");
    // Layer 0, head 1.
    let w = ArrayView2::from_shape((3, 3), &hidden.weights[9..18]).unwrap();
    for row in w.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-5);
    }
    let original = &run.head(0, 1).unwrap().weights;
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
    forged.tokens[1].id = Some(10_000);
    assert!(model.input_embeddings(&forged.tokens).unwrap_err().to_string().contains("10000"));
    assert!(model.forward_encoding(forged).is_err());
    let pooled = model.forward("the cat").unwrap().pooled.expect("an encoder's run has a sentence embedding");
    assert!((pooled.dot(&pooled) - 1.0).abs() < 1e-5);
}
