//! Toy attention on a pretrained model's WordPiece tokens and word embeddings.

use std::path::PathBuf;

use attention_playground::embedding::embed_tokens;
use attention_playground::model::Model;
use attention_playground::positions::Positions;
use attention_playground::text::{tokenize, TokenizerKind};
use attention_playground::toy::{
    run_toy_from, run_toy_on_vectors, run_toy_with, MaskSpec, Mode, ProjectionKind, TokenVectors, ToyConfig, PAD,
};
use attention_playground::Field;
use ndarray::s;

fn tiny_bert() -> Model {
    Model::from_dir(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/model/tiny-bert")).unwrap()
}

/// d_model 32 like tiny-bert, identity projections and no positions: Q, K and V are the embeddings.
fn plain(heads: usize) -> ToyConfig {
    ToyConfig {
        d_model: 32,
        heads,
        kv_heads: heads,
        positions: Positions::None,
        projections: ProjectionKind::Identity,
        ..ToyConfig::default()
    }
}

#[test]
fn tokens_are_the_model_pieces_and_vectors_its_word_embeddings() {
    let model = tiny_bert();
    let config = plain(4);
    let text = "the cat sat on the mat, unlike [MASK]!";
    let run = run_toy_from(&config, &model, text, None, config.build_projections()).unwrap();
    assert_eq!(run.source.name, "toy on tiny-bert's word embeddings");
    let block = &run.blocks[0];
    let query_tokens = run.query_tokens(block);
    let encoding = model.tokenize(text);
    let pieces = &encoding.tokens[1..encoding.tokens.len() - 1];
    let texts: Vec<&str> = query_tokens.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, pieces.iter().map(|t| t.text.as_str()).collect::<Vec<_>>());
    assert!(!texts.contains(&"[CLS]") && !texts.contains(&"[SEP]"));
    assert!(query_tokens.iter().zip(pieces).all(|(a, b)| (a.start, a.end, a.special, a.id) == (b.start, b.end, b.special, b.id)));
    let mask = query_tokens.iter().find(|t| t.text == "[MASK]").expect("[MASK] typed in the text is kept");
    assert!(mask.special && &text[mask.start..mask.end] == "[MASK]");
    let vectors = model.input_embeddings(pieces).unwrap();
    for (h, head) in block.heads.iter().enumerate() {
        assert_eq!(head.q, vectors.slice(s![.., h * 8..(h + 1) * 8]), "head {h}: identity projections keep the embeddings");
        for row in head.weights.rows() {
            assert!((row.sum() - 1.0).abs() < 1e-5);
        }
    }
    assert!(run.truncated.is_none());
}

#[test]
fn cross_attention_truncation_and_padding_work_on_model_tokens() {
    let model = tiny_bert();
    let config = ToyConfig { mode: Mode::Cross, max_tokens: 4, masks: vec![MaskSpec::Padding { pad_to: 4 }], ..plain(2) };
    let run = run_toy_from(&config, &model, "the cat sat on the mat", Some("a dog"), config.build_projections()).unwrap();
    let block = &run.blocks[0];
    assert_eq!(run.query_tokens(block).len(), 4);
    let truncated = run.truncated.unwrap();
    assert_eq!((truncated.limit, truncated.total, truncated.which), (4, 6, Field::Text));
    let key_tokens = run.key_tokens(block);
    let keys: Vec<&str> = key_tokens.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(keys, ["a", "dog", PAD, PAD]);
    assert_eq!(key_tokens[2].start, 5, "padding sits at the end of the key text");
    for head in &block.heads {
        assert_eq!(head.weights.dim(), (4, 4));
        assert!(head.weights.slice(s![.., 2..]).iter().all(|&w| w == 0.0));
    }
}

#[test]
fn a_width_other_than_the_model_is_refused_with_the_fix() {
    let model = tiny_bert();
    let config = ToyConfig::default();
    let err = run_toy_from(&config, &model, "the cat", None, config.build_projections()).unwrap_err();
    assert_eq!(err.to_string(), "tiny-bert's word embeddings have 32 dimensions but d_model is 64: set d_model to 32 to use them");
    assert_eq!(err.field(), Some(Field::DModel));
    let config = plain(4);
    let err = run_toy_from(&config, &model, " \u{0} ", None, config.build_projections()).unwrap_err();
    assert_eq!(err.to_string(), "the text is empty: type at least one word");
    assert_eq!(err.field(), Some(Field::Text));
}

#[test]
fn the_text_path_is_the_vector_path_on_hashed_vectors() {
    let config = ToyConfig { d_model: 16, heads: 2, kv_heads: 1, masks: vec![MaskSpec::Causal], ..ToyConfig::default() };
    let text = "attention is all you need";
    let by_text = run_toy_with(&config, text, None, config.build_projections()).unwrap();
    let tokens = tokenize(text, TokenizerKind::Words, config.max_tokens).tokens;
    let vectors = embed_tokens(&tokens, 16);
    let input = TokenVectors { tokens, vectors, text_len: text.len() };
    let by_vectors = run_toy_on_vectors(&config, config.build_projections(), input, None).unwrap();
    assert_eq!(by_text.blocks[0].output, by_vectors.blocks[0].output);
    assert_eq!(by_text.sequences, by_vectors.sequences);
    let tokens = by_text.sequences[0].tokens.clone();
    let wrong = TokenVectors { vectors: embed_tokens(&tokens, 8), tokens, text_len: 0 };
    let err = run_toy_on_vectors(&config, config.build_projections(), wrong, None).unwrap_err();
    assert_eq!(err.to_string(), "shape mismatch: the query vectors are 5×8 but there are 5 tokens and d_model is 16");
}
