//! The gradient of one whole training step against PyTorch's autograd, on the committed fixtures
//! of `training/make_train_fixtures.py` (an encoder–decoder and a decoder-only model, float64,
//! seeded weights, one batch): the core's hand-written backward pass in f64 within 1e-9 and in
//! f32, as training runs, within 1e-4, relative to each tensor's largest gradient.

use std::path::PathBuf;

use attention_playground::model::safetensors::{Dtype, SafeTensors};
use attention_playground::train::maths::{Architecture, Batch, Model, PositionKind, Spec};
use serde_json::Value;

fn fixture(name: &str) -> (Value, Vec<u8>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/train");
    let meta = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
    (serde_json::from_str(&meta).unwrap(), std::fs::read(dir.join(format!("{name}.safetensors"))).unwrap())
}

fn size(v: &Value, key: &str) -> usize {
    v[key].as_u64().unwrap_or_else(|| panic!("{key}")) as usize
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect()
}

fn f64s(file: &SafeTensors<'_>, name: &str) -> Vec<f64> {
    let view = file.get(name).unwrap_or_else(|| panic!("the fixture lacks {name}"));
    assert_eq!(view.dtype, Dtype::F64, "{name}");
    view.data.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap())).collect()
}

fn largest(values: &[f64]) -> f64 {
    values.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

/// Largest difference between `got` and `want`, relative to `want`'s largest magnitude, or to a
/// thousandth of the whole gradient's when the tensor's is smaller: the key maps' biases have a
/// gradient of exactly zero in exact arithmetic (a softmax ignores a score added to a whole row),
/// which both sides compute as rounding noise.
fn relative_error(got: &[f64], want: &[f64], whole: f64) -> f64 {
    let scale = largest(want).max(1e-3 * whole);
    got.iter().zip(want).fold(0.0f64, |m, (g, w)| m.max((g - w).abs())) / scale
}

fn check(name: &str) {
    let (meta, bytes) = fixture(name);
    let file = SafeTensors::parse(&bytes).unwrap();
    let s = &meta["spec"];
    let spec = Spec {
        architecture: if s["architecture"] == "encoder-decoder" { Architecture::EncoderDecoder } else { Architecture::DecoderOnly },
        d_model: size(s, "d_model"),
        heads: size(s, "heads"),
        encoder_layers: size(s, "encoder_layers"),
        decoder_layers: size(s, "decoder_layers"),
        ffn: size(s, "ffn"),
        source_vocab: size(s, "source_vocab"),
        target_vocab: size(s, "target_vocab"),
        max_positions: size(s, "max_positions"),
        layer_norm_eps: 1e-5,
        positions: if s["architecture"] == "encoder-decoder" { PositionKind::Sinusoidal } else { PositionKind::Learned },
    };
    let b = &meta["batch"];
    let batch = Batch {
        size: size(b, "size"),
        source: ids(&b["source"]),
        source_len: size(b, "source_len"),
        input: ids(&b["input"]),
        input_len: size(b, "input_len"),
        targets: b["targets"].as_array().unwrap().iter().map(|t| t.as_u64().map(|t| t as u32)).collect(),
    };
    let model = Model::new(spec);
    let names: Vec<&str> = model.layout.slots().iter().map(|slot| slot.name.as_str()).collect();
    let listed: Vec<&str> = meta["slots"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(names, listed, "{name}: the same parameters in the same order");

    let values: Vec<f64> = model.layout.slots().iter().flat_map(|slot| f64s(&file, &format!("param:{}", slot.name))).collect();
    let mut grads = vec![0.0; values.len()];
    let stats = model.step(&values, &batch, Some(&mut grads));
    let loss = meta["loss"].as_f64().unwrap();
    assert!((stats.loss - loss).abs() <= 1e-12 * loss.abs(), "{name}: loss {} against PyTorch's {loss}", stats.loss);

    let values32: Vec<f32> = values.iter().map(|&v| v as f32).collect();
    let mut grads32 = vec![0.0f32; values.len()];
    model.step_f32(&values32, &batch, Some(&mut grads32));
    let whole = largest(&model.layout.slots().iter().flat_map(|slot| f64s(&file, &format!("grad:{}", slot.name))).collect::<Vec<_>>());
    for slot in model.layout.slots() {
        let want = f64s(&file, &format!("grad:{}", slot.name));
        let got = &grads[slot.range()];
        let error = relative_error(got, &want, whole);
        assert!(error <= 1e-9, "{name}: gradient of {} (f64) is off by {error:e} relative", slot.name);
        let got32: Vec<f64> = grads32[slot.range()].iter().map(|&g| f64::from(g)).collect();
        let error = relative_error(&got32, &want, whole);
        assert!(error <= 1e-4, "{name}: gradient of {} (f32) is off by {error:e} relative", slot.name);
    }
}

#[test]
fn encoder_decoder_step_matches_pytorch() {
    check("encoder_decoder");
}

#[test]
fn decoder_only_step_matches_pytorch() {
    check("decoder_only");
}
