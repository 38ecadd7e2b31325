//! Every backward pass of the training maths against central finite differences, in f64 on tiny
//! shapes: each layer alone (its parameters and its inputs), then whole models. The loss of a
//! layer is `Σ y ⊙ R` for a fixed random `R`, so the gradient reaching its output is `R`.

use attention_playground::rng::SplitMix64;
use attention_playground::train::maths::attention::{Attention, Shape};
use attention_playground::train::maths::cross_entropy::cross_entropy;
use attention_playground::train::maths::embedding::{Embedding, Positions};
use attention_playground::train::maths::layer_norm::LayerNorm;
use attention_playground::train::maths::linear::Linear;
use attention_playground::train::maths::mlp::Mlp;
use attention_playground::train::maths::softmax::{softmax_row, softmax_row_backward};
use attention_playground::train::maths::{Architecture, Batch, Grads, Init, Layout, Mat, Model, PositionKind, Spec, Weights};

fn random(rng: &mut SplitMix64, n: usize) -> Vec<f64> {
    (0..n).map(|_| f64::from(rng.normal())).collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Parameters as their initialisation says, with the ones and zeros moved off their defaults so
/// that γ and β are checked away from 1 and 0.
fn parameters(layout: &Layout, rng: &mut SplitMix64) -> Vec<f64> {
    let mut values = vec![0.0; layout.len()];
    for slot in layout.slots() {
        for v in &mut values[slot.range()] {
            let r = f64::from(rng.normal());
            *v = match slot.init {
                Init::Ones => 1.0 + 0.3 * r,
                Init::Zeros => 0.3 * r,
                Init::Normal(std) => std * r,
                Init::Uniform(limit) => limit * r,
            };
        }
    }
    values
}

/// Asserts that `analytic` is the gradient of `loss` at `point`, entry by entry, within 1e-6
/// (relative to the larger of the two, or absolute below 1).
fn check(what: &str, point: &[f64], analytic: &[f64], loss: impl Fn(&[f64]) -> f64) {
    assert_eq!(point.len(), analytic.len(), "{what}: one derivative per value");
    let h = 1e-6;
    let mut p = point.to_vec();
    for i in 0..point.len() {
        p[i] = point[i] + h;
        let up = loss(&p);
        p[i] = point[i] - h;
        let down = loss(&p);
        p[i] = point[i];
        let numeric = (up - down) / (2.0 * h);
        let scale = 1.0f64.max(numeric.abs()).max(analytic[i].abs());
        assert!(
            (numeric - analytic[i]).abs() <= 1e-6 * scale,
            "{what}[{i}]: analytic {} but finite differences give {numeric}",
            analytic[i]
        );
    }
}

/// Checks a layer's backward: the gradient of `Σ forward(x) ⊙ R` with respect to its parameters
/// and to each of its inputs.
fn check_layer(
    name: &str,
    layout: &Layout,
    inputs: &[Mat<f64>],
    forward: impl Fn(&Weights<'_, f64>, &[Mat<f64>]) -> Mat<f64>,
    backward: impl Fn(&Weights<'_, f64>, &mut Grads<'_, f64>, &[Mat<f64>], &Mat<f64>) -> Vec<Mat<f64>>,
) {
    let mut rng = SplitMix64::new(7);
    let values = parameters(layout, &mut rng);
    let y = forward(&Weights { layout, values: &values }, inputs);
    let r = Mat::from_vec(y.rows, y.cols, random(&mut rng, y.rows * y.cols));
    let mut grads = vec![0.0; layout.len()];
    let dx = backward(&Weights { layout, values: &values }, &mut Grads { layout, values: &mut grads }, inputs, &r);
    let loss = |values: &[f64], inputs: &[Mat<f64>]| dot(&forward(&Weights { layout, values }, inputs).data, &r.data);
    check(&format!("{name}: parameters"), &values, &grads, |v| loss(v, inputs));
    assert_eq!(dx.len(), inputs.len());
    for (k, (input, d)) in inputs.iter().zip(&dx).enumerate() {
        check(&format!("{name}: input {k}"), &input.data, &d.data, |x| {
            let mut changed = inputs.to_vec();
            changed[k] = Mat::from_vec(input.rows, input.cols, x.to_vec());
            loss(&values, &changed)
        });
    }
}

fn input(rows: usize, cols: usize, seed: u64) -> Mat<f64> {
    Mat::from_vec(rows, cols, random(&mut SplitMix64::new(seed), rows * cols))
}

#[test]
fn linear_map() {
    let mut layout = Layout::default();
    let map = Linear::new(&mut layout, "map", 3, 4, true);
    check_layer("linear", &layout, &[input(5, 3, 1)], |w, x| map.forward(w, &x[0]), |w, g, x, dy| vec![map.backward(w, g, &x[0], dy)]);
}

#[test]
fn layer_norm() {
    let mut layout = Layout::default();
    let norm = LayerNorm::new(&mut layout, "ln", 6, 1e-5);
    check_layer(
        "layer norm",
        &layout,
        &[input(4, 6, 2)],
        |w, x| norm.forward(w, &x[0]).0,
        |w, g, x, dy| {
            let (_, cache) = norm.forward(w, &x[0]);
            vec![norm.backward(w, g, &cache, dy)]
        },
    );
}

#[test]
fn softmax_with_a_mask() {
    let scores = random(&mut SplitMix64::new(3), 5);
    let r = random(&mut SplitMix64::new(4), 5);
    let allowed = |j: usize| j != 2;
    let probabilities = |s: &[f64]| {
        let mut p = vec![0.0; s.len()];
        softmax_row(s, allowed, &mut p);
        p
    };
    let p = probabilities(&scores);
    assert_eq!(p[2], 0.0);
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let mut ds = vec![0.0; 5];
    softmax_row_backward(&p, &r, &mut ds);
    check("softmax", &scores, &ds, |s| dot(&probabilities(s), &r));
}

#[test]
fn self_attention_causal_and_not_with_and_without_rotary_positions() {
    for (causal, rotary) in [(false, false), (true, false), (false, true), (true, true)] {
        let mut layout = Layout::default();
        let mut attention = Attention::new(&mut layout, "attn", 4, 2, causal);
        attention.rotary = rotary;
        let shape = Shape { batch: 2, queries: 3, keys: 3 };
        check_layer(
            if causal { "causal self-attention" } else { "self-attention" },
            &layout,
            &[input(6, 4, 5)],
            |w, x| attention.forward(w, &x[0], &x[0], shape).0,
            |w, g, x, dy| {
                let (_, cache) = attention.forward(w, &x[0], &x[0], shape);
                let (mut dq, dkv) = attention.backward(w, g, &cache, dy);
                dq.add_assign(&dkv);
                vec![dq]
            },
        );
    }
}

#[test]
fn cross_attention() {
    let mut layout = Layout::default();
    let attention = Attention::new(&mut layout, "cross", 4, 2, false);
    let shape = Shape { batch: 2, queries: 2, keys: 3 };
    check_layer(
        "cross-attention",
        &layout,
        &[input(4, 4, 6), input(6, 4, 7)],
        |w, x| attention.forward(w, &x[0], &x[1], shape).0,
        |w, g, x, dy| {
            let (_, cache) = attention.forward(w, &x[0], &x[1], shape);
            let (dq, dkv) = attention.backward(w, g, &cache, dy);
            vec![dq, dkv]
        },
    );
}

#[test]
fn feed_forward_block() {
    let mut layout = Layout::default();
    let mlp = Mlp::new(&mut layout, "ffn", 4, 8);
    check_layer(
        "MLP",
        &layout,
        &[input(5, 4, 8)],
        |w, x| mlp.forward(w, &x[0]).0,
        |w, g, x, dy| {
            let (_, cache) = mlp.forward(w, &x[0]);
            vec![mlp.backward(w, g, &cache, dy)]
        },
    );
}

#[test]
fn embeddings_with_learned_and_sinusoidal_positions() {
    let ids = [0u32, 3, 1, 3, 2, 0];
    for learned in [false, true] {
        let mut layout = Layout::default();
        let embedding = Embedding::new(&mut layout, "emb", 4, 6, 1.0);
        let positions = if learned { Positions::Learned(layout.add("pos", &[3, 6], Init::Normal(1.0))) } else { Positions::Sinusoidal };
        check_layer(
            "embedding",
            &layout,
            &[],
            |w, _| embedding.forward(w, &ids, 3, 2.5, &positions),
            |_, g, _, dy| {
                embedding.backward(g, &ids, 3, 2.5, &positions, dy);
                Vec::new()
            },
        );
    }
}

#[test]
fn cross_entropy_of_the_logits() {
    let logits = input(4, 5, 9);
    let targets = [Some(1), None, Some(4), Some(0)];
    let analytic = cross_entropy(&logits, &targets).dlogits;
    assert_eq!(analytic.row(1), &[0.0; 5], "a row without a target adds nothing");
    check("cross-entropy", &logits.data, &analytic.data, |z| cross_entropy(&Mat::from_vec(4, 5, z.to_vec()), &targets).loss);
}

/// A whole model's gradient, every parameter, on a batch of two.
fn check_model(spec: Spec, batch: &Batch) {
    let model = Model::new(spec);
    let values = parameters(&model.layout, &mut SplitMix64::new(11));
    let mut grads = vec![0.0; values.len()];
    model.step(&values, batch, Some(&mut grads));
    check(&format!("{:?} {:?}", spec.architecture, spec.positions), &values, &grads, |v| model.forward(v, batch).loss.loss);
}

#[test]
fn encoder_decoder_whole_step_with_each_kind_of_positions() {
    let spec = Spec {
        architecture: Architecture::EncoderDecoder,
        d_model: 4,
        heads: 2,
        encoder_layers: 1,
        decoder_layers: 2,
        ffn: 6,
        source_vocab: 6,
        target_vocab: 5,
        max_positions: 4,
        layer_norm_eps: 1e-5,
        positions: PositionKind::Sinusoidal,
    };
    let batch = Batch {
        size: 2,
        source: vec![4, 5, 2, 5, 3, 2],
        source_len: 3,
        input: vec![1, 3, 4, 1, 4, 4],
        input_len: 3,
        targets: vec![Some(3), Some(4), Some(2), Some(4), Some(4), Some(2)],
    };
    for positions in [PositionKind::Sinusoidal, PositionKind::Learned, PositionKind::Rotary] {
        check_model(Spec { positions, ..spec }, &batch);
    }
}

#[test]
fn decoder_only_whole_step() {
    let spec = Spec {
        architecture: Architecture::DecoderOnly,
        d_model: 4,
        heads: 2,
        encoder_layers: 0,
        decoder_layers: 2,
        ffn: 6,
        source_vocab: 5,
        target_vocab: 5,
        max_positions: 5,
        layer_norm_eps: 1e-5,
        positions: PositionKind::Learned,
    };
    let batch = Batch {
        size: 2,
        source: Vec::new(),
        source_len: 0,
        input: vec![1, 2, 4, 3, 2, 3, 1, 4],
        input_len: 4,
        targets: vec![None, None, Some(3), Some(2), None, None, Some(1), Some(4)],
    };
    check_model(spec, &batch);
}
