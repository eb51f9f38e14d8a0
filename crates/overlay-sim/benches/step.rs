//! Criterion benchmarks of the model: one simulated minute at each scale, and the 48-hour
//! `dec-2010` replay. `cargo bench -p overlay-sim` (figures in BENCHMARKS.md).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use overlay_sim::{Inputs, Scale, Scenario, World};
use std::hint::black_box;
use std::time::Duration;

fn one_minute(c: &mut Criterion) {
    let mut g = c.benchmark_group("one simulated minute");
    for scale in Scale::ALL {
        for (name, warm) in [("healthy", 200u32), ("in the storm", 300)] {
            let sc = Scenario::preset_at("dec-2010", scale).expect("preset");
            let mut w = World::new(&sc);
            for _ in 0..warm {
                w.step(&Inputs::none());
            }
            g.bench_function(format!("{} {name}", scale.name()), |b| {
                b.iter_batched_ref(|| w.clone(), |w| black_box(w.step(&Inputs::none())), BatchSize::LargeInput)
            });
        }
    }
    g.finish();
}

fn replay_48h(c: &mut Criterion) {
    let mut g = c.benchmark_group("dec-2010 48 h replay");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    for scale in Scale::ALL {
        let sc = Scenario::preset_at("dec-2010", scale).expect("preset");
        g.bench_function(scale.name(), |b| b.iter(|| black_box(overlay_sim::run::run(&sc, 48).1.len())));
    }
    g.finish();
}

criterion_group!(benches, one_minute, replay_48h);
criterion_main!(benches);
