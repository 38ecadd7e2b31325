//! What the step-by-step player shows before the scores and after the output: each query's and
//! key's input vector `x` with `q = x·W_Q (+ b)`, `k = x·W_K`, `v = x·W_V`, and the heads' outputs
//! side by side times W_O. Checked against direct products with the weights: the toy's own
//! projections on input vectors given here, and the tiny BERT's tensors read from its file.

use std::path::Path;

use attention_playground::attention::multi_head::Projections;
use attention_playground::model::safetensors::SafeTensors;
use attention_playground::model::Model;
use attention_playground::positions::Positions;
use attention_playground::text::Token;
use attention_playground::toy::{run_toy_on_vectors, TokenVectors};
use attention_playground::{run_toy, Run, ToyConfig};
use ndarray::Array2;

const TOLERANCE: f32 = 1e-4;

fn close(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= TOLERANCE * (1.0 + w.abs()), "{what}[{i}]: {g} vs {w}");
    }
}

/// `x · W[:, columns] (+ b[columns])` with W stored `d_in × d_out`.
fn project(x: &[f32], weight: &Array2<f32>, bias: Option<&[f32]>, columns: std::ops::Range<usize>) -> Vec<f32> {
    columns.map(|c| x.iter().enumerate().map(|(m, xm)| xm * weight[[m, c]]).sum::<f32>() + bias.map_or(0.0, |b| b[c])).collect()
}

fn tokens(words: &[&str]) -> Vec<Token> {
    let mut at = 0;
    words
        .iter()
        .map(|w| {
            let token = Token::word(w, at, at + w.len());
            at += w.len() + 1;
            token
        })
        .collect()
}

/// Input vectors chosen here (no positions), so the toy's `x` is known without the toy's help.
fn inputs(words: &[&str], d: usize, salt: f32) -> TokenVectors {
    let vectors = Array2::from_shape_fn((words.len(), d), |(i, m)| ((i * 7 + m * 3) as f32 * 0.37 + salt).sin());
    TokenVectors { tokens: tokens(words), vectors, text_len: words.join(" ").len() }
}

/// Every head and query of a toy run against the projections it ran with.
fn check_toy(run: &Run, projections: &Projections, x_q: &Array2<f32>, x_kv: &Array2<f32>) {
    let block = &run.blocks[0];
    let heads = block.heads.len();
    let d_k = block.heads[0].q.ncols();
    let group = heads / block.kv_heads;
    let p = projections;
    for h in 0..heads {
        let kv = h / group;
        for i in 0..x_q.nrows() {
            let b = run.breakdown(0, h, i).unwrap();
            let projection = b.projection.as_ref().expect("the toy keeps its inputs");
            close("x_i", &projection.input, x_q.row(i).as_slice().unwrap());
            let q = project(&projection.input, &p.w_q.weight, p.w_q.bias.as_ref().and_then(|b| b.as_slice()), h * d_k..(h + 1) * d_k);
            close("q", &b.breakdown.q, &q);
            for j in 0..x_kv.nrows() {
                let x_j = &projection.key_inputs[j];
                close("x_j", x_j, x_kv.row(j).as_slice().unwrap());
                close("k_j", &b.breakdown.key_vectors[j], &project(x_j, &p.w_k.weight, None, kv * d_k..(kv + 1) * d_k));
                close("v_j", &b.breakdown.values[j], &project(x_j, &p.w_v.weight, None, kv * d_k..(kv + 1) * d_k));
            }
            let combined = b.combined.as_ref().expect("the toy keeps its output after W_O");
            assert_eq!(combined.heads, heads);
            // Each head's output for query i, by the weights and values of that head.
            let concat: Vec<f32> = block
                .heads
                .iter()
                .flat_map(|head| {
                    (0..head.v.ncols()).map(move |c| (0..head.v.nrows()).map(|j| head.weights[[i, j]] * head.v[[j, c]]).sum::<f32>())
                })
                .collect();
            close("concat", &combined.concat, &concat);
            close("o·W_O", &combined.output, &project(&concat, &p.w_o.weight, None, 0..p.w_o.weight.ncols()));
        }
    }
}

#[test]
fn toy_projections_and_output_match_direct_products() {
    for (heads, kv_heads) in [(4, 4), (4, 2), (1, 1)] {
        let config = ToyConfig { d_model: 16, heads, kv_heads, positions: Positions::None, ..ToyConfig::default() };
        let projections = config.build_projections();
        let words = ["the", "cat", "sat", "down"];
        let given = inputs(&words, 16, 0.0);
        let x = given.vectors.clone();
        let run = run_toy_on_vectors(&config, projections.clone(), given, None).unwrap();
        check_toy(&run, &projections, &x, &x);
        assert!(!run.breakdown(0, 0, 0).unwrap().projection.unwrap().rotary);

        // Cross-attention: queries from one text, keys and values from another.
        let (queries, keys) = (inputs(&words, 16, 0.5), inputs(&["le", "chat"], 16, 1.5));
        let (x_q, x_kv) = (queries.vectors.clone(), keys.vectors.clone());
        let run = run_toy_on_vectors(&config, projections.clone(), queries, Some(keys)).unwrap();
        check_toy(&run, &projections, &x_q, &x_kv);
    }
}

#[test]
fn toy_inputs_include_positions_and_rope_is_flagged() {
    use attention_playground::positions::sinusoidal_encoding;
    let text = "one two three";
    let plain = run_toy(&ToyConfig { positions: Positions::None, ..ToyConfig::default() }, text, None).unwrap();
    let with = run_toy(&ToyConfig { positions: Positions::Sinusoidal, ..ToyConfig::default() }, text, None).unwrap();
    let d = plain.d_model;
    let table = sinusoidal_encoding(3, d);
    for i in 0..3 {
        let a = plain.breakdown(0, 0, i).unwrap().projection.unwrap().input;
        let b = with.breakdown(0, 0, i).unwrap().projection.unwrap().input;
        let sum: Vec<f32> = a.iter().zip(table.row(i)).map(|(x, p)| x + p).collect();
        close("token vector + position", &b, &sum);
    }
    let rope = run_toy(&ToyConfig { positions: Positions::Rope, ..ToyConfig::default() }, text, None).unwrap();
    assert!(rope.breakdown(0, 0, 1).unwrap().projection.unwrap().rotary);
}

/// A `(out, in)` PyTorch weight as `in × out`.
fn transposed(file: &SafeTensors<'_>, name: &str) -> Array2<f32> {
    let view = file.get(name).unwrap_or_else(|| panic!("{name} missing"));
    let (rows, cols) = (view.shape[0], view.shape[1]);
    Array2::from_shape_vec((rows, cols), view.to_f32(name).unwrap()).unwrap().reversed_axes()
}

fn vector(file: &SafeTensors<'_>, name: &str) -> Vec<f32> {
    file.get(name).unwrap_or_else(|| panic!("{name} missing")).to_f32(name).unwrap()
}

#[test]
fn encoder_projections_and_output_match_its_tensors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/model/tiny-bert");
    let model = Model::from_dir(&dir).unwrap();
    let bytes = std::fs::read(dir.join("model.safetensors")).unwrap();
    let file = SafeTensors::parse(&bytes).unwrap();
    let run = model.forward("the cat sat on the mat").unwrap();
    let t = run.sequences[0].tokens.len();
    for (l, block) in run.blocks.iter().enumerate() {
        let name = |part: &str| format!("encoder.layer.{l}.attention.{part}");
        let (w_q, w_k, w_v, w_o) = (
            transposed(&file, &name("self.query.weight")),
            transposed(&file, &name("self.key.weight")),
            transposed(&file, &name("self.value.weight")),
            transposed(&file, &name("output.dense.weight")),
        );
        let (b_q, b_k, b_v, b_o) = (
            vector(&file, &name("self.query.bias")),
            vector(&file, &name("self.key.bias")),
            vector(&file, &name("self.value.bias")),
            vector(&file, &name("output.dense.bias")),
        );
        let d_k = block.heads[0].q.ncols();
        for h in 0..block.heads.len() {
            let columns = h * d_k..(h + 1) * d_k;
            for i in 0..t {
                let b = run.breakdown(l, h, i).unwrap();
                let projection = b.projection.as_ref().expect("an encoder keeps each layer's input");
                assert!(projection.bias && !projection.rotary);
                close("q", &b.breakdown.q, &project(&projection.input, &w_q, Some(&b_q), columns.clone()));
                for j in 0..t {
                    let x_j = &projection.key_inputs[j];
                    close("k", &b.breakdown.key_vectors[j], &project(x_j, &w_k, Some(&b_k), columns.clone()));
                    close("v", &b.breakdown.values[j], &project(x_j, &w_v, Some(&b_v), columns.clone()));
                }
                let combined = b.combined.as_ref().expect("an encoder keeps the attention's output");
                close("o·W_O + b", &combined.output, &project(&combined.concat, &w_o, Some(&b_o), 0..w_o.ncols()));
                let own = &combined.concat[h * d_k..(h + 1) * d_k];
                close("the head's own output in the concatenation", own, &b.breakdown.output);
            }
        }
    }
}
