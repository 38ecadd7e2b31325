//! Criterion benchmarks of the pretrained encoder: loading, and the forward pass with every
//! layer's and head's attention kept, at T = 16, 64, 128 and 512 tokens.
//!
//! Uses all-MiniLM-L6-v2 from `models/all-MiniLM-L6-v2/` when it has been fetched, otherwise a
//! randomly initialised encoder of the same shape (6 layers, 12 heads, d = 384, FFN 1536), whose
//! timings are the same: the work does not depend on the weights' values.

use std::fs;
use std::path::Path;

use attention_playground::model::safetensors::{Dtype, SafeTensorsWriter};
use attention_playground::model::Model;
use attention_playground::rng::SplitMix64;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

struct Files {
    config: String,
    vocab: String,
    weights: Vec<u8>,
}

fn real_model() -> Option<Files> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2");
    Some(Files {
        config: fs::read_to_string(dir.join("config.json")).ok()?,
        vocab: fs::read_to_string(dir.join("vocab.txt")).ok()?,
        weights: fs::read(dir.join("model.safetensors")).ok()?,
    })
}

/// A MiniLM-shaped BERT with random weights and a small vocabulary.
fn synthetic_model() -> Files {
    let (d, ff, layers, positions) = (384usize, 1536usize, 6, 512);
    let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "word"];
    let mut rng = SplitMix64::new(1);
    let mut w = SafeTensorsWriter::new();
    let mut add = |name: &str, shape: &[usize]| {
        let values: Vec<f32> = (0..shape.iter().product()).map(|_| rng.uniform(0.05)).collect();
        w.f32(name, Dtype::F32, shape, &values).expect("sizes match");
    };
    add("embeddings.word_embeddings.weight", &[vocab.len(), d]);
    add("embeddings.position_embeddings.weight", &[positions, d]);
    add("embeddings.token_type_embeddings.weight", &[2, d]);
    for part in ["weight", "bias"] {
        add(&format!("embeddings.LayerNorm.{part}"), &[d]);
    }
    for l in 0..layers {
        let linear = |add: &mut dyn FnMut(&str, &[usize]), name: &str, d_in: usize, d_out: usize| {
            add(&format!("encoder.layer.{l}.{name}.weight"), &[d_out, d_in]);
            add(&format!("encoder.layer.{l}.{name}.bias"), &[d_out]);
        };
        for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
            linear(&mut add, name, d, d);
        }
        linear(&mut add, "intermediate.dense", d, ff);
        linear(&mut add, "output.dense", ff, d);
        for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
            for part in ["weight", "bias"] {
                add(&format!("encoder.layer.{l}.{norm}.{part}"), &[d]);
            }
        }
    }
    let config = format!(
        r#"{{"architectures":["BertModel"],"model_type":"bert","vocab_size":{},"hidden_size":{d},
            "num_hidden_layers":{layers},"num_attention_heads":12,"intermediate_size":{ff},
            "max_position_embeddings":{positions},"type_vocab_size":2,"hidden_act":"gelu"}}"#,
        vocab.len()
    );
    Files { config, vocab: vocab.join("\n"), weights: w.to_bytes() }
}

fn model_benchmarks(c: &mut Criterion) {
    let (files, label) = match real_model() {
        Some(files) => (files, "minilm"),
        None => (synthetic_model(), "minilm_shaped_random"),
    };
    // Loading from bytes, as the page does (reading the files is not part of it).
    let load = || Model::from_files(&files.config, None, Some(&files.vocab), &files.weights).expect("model loads");
    let mut group = c.benchmark_group(format!("{label}_load"));
    group.sample_size(10);
    group.bench_function("from_files", |b| b.iter(load));
    group.finish();

    let model = load();
    let mut group = c.benchmark_group(format!("{label}_forward"));
    for tokens in [16usize, 64, 128, 512] {
        let text = "word ".repeat(tokens - 2);
        assert_eq!(model.tokenize(&text).tokens.len(), tokens);
        group.throughput(Throughput::Elements(tokens as u64));
        group.sample_size(if tokens >= 128 { 10 } else { 30 });
        group.bench_with_input(BenchmarkId::from_parameter(tokens), &text, |b, text| {
            b.iter(|| model.forward(text).expect("valid benchmark input"))
        });
    }
    group.finish();
}

criterion_group!(benches, model_benchmarks);
criterion_main!(benches);
