//! Criterion benchmark of training natively: one step (batch of 32, forward, backward, Adam) of
//! the default `reverse` model (encoder–decoder, 1 + 1 layers × 2 heads, d_model 32) and of the
//! default `induction` model (decoder-only), the sizes scripts/bench-train.mjs times in
//! WebAssembly and against PyTorch.

use attention_playground::train::tasks::TaskKind;
use attention_playground::train::{TrainSettings, Trainer};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn training_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("train step");
    group.throughput(Throughput::Elements(1));
    for kind in [TaskKind::Reverse, TaskKind::Induction] {
        let mut trainer = Trainer::new(TrainSettings::for_task(kind)).unwrap();
        trainer.train(20).unwrap();
        group.bench_function(kind.name(), |b| b.iter(|| trainer.train(1).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, training_step);
criterion_main!(benches);
