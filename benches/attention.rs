//! Criterion benchmarks of the core: a full toy trace (tokenize, embed, project, every head's
//! scores, weights and outputs, W_O) at d_model 256 with 8 heads.

use attention_playground::toy::{run_toy, ToyConfig};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// `n` distinct words, so every token gets its own vector.
fn sentence(n: usize) -> String {
    (0..n).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ")
}

fn full_trace(c: &mut Criterion) {
    let config = ToyConfig { d_model: 256, heads: 8, kv_heads: 8, max_tokens: 4096, ..ToyConfig::default() };
    let mut group = c.benchmark_group("full_trace_d256_h8");
    for n in [16usize, 128, 512, 2048] {
        let text = sentence(n);
        group.throughput(Throughput::Elements(n as u64));
        if n >= 2048 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| run_toy(&config, text, None).expect("valid benchmark input"))
        });
    }
    group.finish();
}

criterion_group!(benches, full_trace);
criterion_main!(benches);
