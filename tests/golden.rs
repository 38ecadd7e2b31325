//! Golden tests against PyTorch: `scaled_dot_product_attention`, `nn.MultiheadAttention` and a
//! written-out additive attention, computed in float64 by `scripts/make_fixtures.py`
//! (fixtures in `tests/fixtures/torch/`). Every number must agree within 1e-5.
//!
//! A query whose keys are all masked has no softmax: the written-out softmax gives NaN (stored
//! as null) and PyTorch's SDPA gives NaN or 0 depending on its version. The core gives weights
//! of 0 and an output of 0; these rows are checked for exactly that.

use std::sync::Arc;

use attention_playground::attention::mask::causal_mask;
use attention_playground::attention::multi_head::Projections;
use attention_playground::attention::{attend, MultiHeadAttention, ScoreFunction};
use attention_playground::linear::Linear;
use ndarray::{Array1, Array2, ArrayView2};
use serde_json::Value;

const TOLERANCE: f64 = 1e-5;

fn cases(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/fixtures/torch/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn matrix(v: &Value) -> Array2<f32> {
    let rows: Vec<Vec<f32>> = serde_json::from_value(v.clone()).unwrap();
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

fn bool_matrix(v: &Value) -> Option<Array2<bool>> {
    let rows: Vec<Vec<bool>> = serde_json::from_value(v.clone()).ok()?;
    Some(Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j]))
}

/// Reference rows; `None` for a row PyTorch left as NaN.
fn reference(v: &Value) -> Vec<Option<Vec<f64>>> {
    serde_json::from_value::<Vec<Vec<Option<f64>>>>(v.clone())
        .unwrap()
        .into_iter()
        .map(|row| row.into_iter().collect::<Option<Vec<f64>>>())
        .collect()
}

/// Tracks the largest difference seen over a whole fixture file.
#[derive(Default)]
struct Worst {
    error: f64,
    at: String,
}

impl Worst {
    /// Compares `ours` with the reference; rows the reference leaves as NaN must be all zero.
    fn compare(&mut self, what: &str, ours: ArrayView2<f32>, expected: &Value) {
        let expected = reference(expected);
        assert_eq!(ours.nrows(), expected.len(), "{what}: rows");
        for (i, row) in expected.iter().enumerate() {
            match row {
                Some(row) => {
                    assert_eq!(ours.ncols(), row.len(), "{what}: columns");
                    for (j, &e) in row.iter().enumerate() {
                        let error = (f64::from(ours[[i, j]]) - e).abs();
                        if error > self.error {
                            *self = Worst { error, at: format!("{what} [{i}, {j}]: ours {} vs {e}", ours[[i, j]]) };
                        }
                    }
                }
                None => assert!(
                    ours.row(i).iter().all(|&x| x == 0.0),
                    "{what}: row {i} is fully masked and must be all 0, not {:?}",
                    ours.row(i)
                ),
            }
        }
    }

    fn finish(self, file: &str) {
        println!("{file}: worst absolute error {:.3e} at {}", self.error, self.at);
        assert!(self.error <= TOLERANCE, "{file}: worst absolute error {:.3e} > {TOLERANCE:e} at {}", self.error, self.at);
    }
}

#[test]
fn scaled_dot_product_attention_matches_pytorch() {
    let mut worst = Worst::default();
    let mut fully_masked_rows = 0;
    for case in cases("sdpa.json") {
        let name = case["name"].as_str().unwrap();
        let (q, k, v) = (matrix(&case["q"]), matrix(&case["k"]), matrix(&case["v"]));
        let scale = case["scale"].as_f64().map_or(1.0 / (q.ncols() as f32).sqrt(), |s| s as f32);
        let mask = bool_matrix(&case["mask"]);
        let allowed = if case["causal"].as_bool().unwrap() {
            let causal = causal_mask(q.nrows(), k.nrows());
            Some(mask.map_or(causal.clone(), |m| &m & &causal))
        } else {
            mask
        };
        let (head, output) = attend(q, k, v, ScoreFunction::Dot, scale, 1.0, allowed.map(Arc::new));
        worst.compare(&format!("{name}: weights"), head.weights.view(), &case["weights"]);
        worst.compare(&format!("{name}: output"), output.view(), &case["output"]);
        worst.compare(&format!("{name}: output, recomputed"), head.output().view(), &case["output"]);
        fully_masked_rows += head.fully_masked.len();
    }
    assert_eq!(fully_masked_rows, 1, "the fixtures hold one fully masked row");
    worst.finish("sdpa.json");
}

#[test]
fn multi_head_attention_matches_pytorch() {
    let mut worst = Worst::default();
    for case in cases("mha.json") {
        let name = case["name"].as_str().unwrap();
        let heads = case["heads"].as_u64().unwrap() as usize;
        let layer = MultiHeadAttention {
            projections: Projections {
                w_q: Linear::new(matrix(&case["w_q"])),
                w_k: Linear::new(matrix(&case["w_k"])),
                w_v: Linear::new(matrix(&case["w_v"])),
                w_o: Linear::new(matrix(&case["w_o"])),
            },
            heads,
            kv_heads: heads,
            scores: vec![ScoreFunction::Dot; heads],
            scale: true,
            temperature: 1.0,
            rotary: false,
        };
        let (x_q, x_kv) = (matrix(&case["x_q"]), matrix(&case["x_kv"]));
        let trace = layer.forward(x_q.view(), x_kv.view(), bool_matrix(&case["allowed"])).unwrap();
        let expected = case["weights"].as_array().unwrap();
        assert_eq!(expected.len(), heads);
        for (h, head) in trace.heads.iter().enumerate() {
            worst.compare(&format!("{name}: head {h} weights"), head.weights.view(), &expected[h]);
        }
        worst.compare(&format!("{name}: output"), trace.output.view(), &case["output"]);
    }
    worst.finish("mha.json");
}

#[test]
fn additive_attention_matches_a_written_out_reference() {
    let mut worst = Worst::default();
    for case in cases("additive.json") {
        let name = case["name"].as_str().unwrap();
        let v_a: Vec<f32> = serde_json::from_value(case["v_a"].clone()).unwrap();
        let score = ScoreFunction::Additive { w_q: matrix(&case["w_q"]), w_k: matrix(&case["w_k"]), v: Array1::from(v_a), b: None };
        let (q, k, v) = (matrix(&case["q"]), matrix(&case["k"]), matrix(&case["v"]));
        let (head, output) = attend(q, k, v, score, 1.0, 1.0, bool_matrix(&case["mask"]).map(Arc::new));
        worst.compare(&format!("{name}: scores"), head.scores().view(), &case["scores"]);
        worst.compare(&format!("{name}: weights"), head.weights.view(), &case["weights"]);
        worst.compare(&format!("{name}: output"), output.view(), &case["output"]);
    }
    worst.finish("additive.json");
}
