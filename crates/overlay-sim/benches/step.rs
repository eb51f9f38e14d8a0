//! Criterion benchmarks of the model: one simulated minute at each scale, and the 48-hour
//! `dec-2010` replay, scrubbing and saving a real run. `cargo bench -p overlay-sim` (figures in BENCHMARKS.md).

use criterion::{criterion_group, criterion_main, Criterion};
use overlay_sim::{Inputs, Scale, Scenario, World};
use std::hint::black_box;
use std::time::Duration;

/// One minute on a warm world: `sandbox` stays healthy and `dec-2010-no-mega` stays in the
/// storm, so stepping the same world on and on measures each regime.
fn one_minute(c: &mut Criterion) {
    let mut g = c.benchmark_group("one simulated minute");
    for scale in Scale::ALL {
        for (label, name, warm) in [("healthy", "sandbox", 60u32), ("in the storm", "dec-2010-no-mega", 360)] {
            let sc = Scenario::preset_at(name, scale).expect("preset");
            let mut w = World::new(&sc);
            for _ in 0..warm {
                w.step(&Inputs::none());
            }
            g.bench_function(format!("{} {label}", scale.name()), |b| b.iter(|| black_box(w.step(&Inputs::none()).metrics)));
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

/// Scrubbing a 48-hour real-scale run: restore the checkpoint at or before the target and replay.
fn scrub_real(c: &mut Criterion) {
    let mut h = overlay_sim::History::new(Scenario::preset_at("dec-2010", Scale::Real).expect("preset"));
    for _ in 0..48 * 60 {
        h.step();
    }
    let mut g = c.benchmark_group("scrub a 48 h real run");
    g.sample_size(20);
    // Hourly checkpoints: the worst case replays 59 minutes (in the busy recovery hours), the
    // typical one about 30.
    for (name, target) in [("to 59 min past a checkpoint (worst)", 60 * 17 + 59), ("to 30 min past a checkpoint (typical)", 60 * 30 + 30)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                h.seek(0);
                h.seek(target);
                black_box(h.metrics())
            })
        });
    }
    g.finish();
}

/// Saving a 48 h real run (the browser does it every 240 computed minutes) and taking it up.
fn save_and_resume_real(c: &mut Criterion) {
    let sc = Scenario::preset_at("dec-2010", Scale::Real).expect("preset");
    let mut h = overlay_sim::History::new(sc.clone());
    for _ in 0..48 * 60 {
        h.step();
    }
    let start = World::new(&sc);
    let bytes = h.save().expect("saved");
    println!("a 48 h real run saved: {} bytes", bytes.len());
    let mut g = c.benchmark_group("save and resume a 48 h real run");
    g.sample_size(20);
    g.bench_function("save", |b| b.iter(|| black_box(h.save().map(|v| v.len()))));
    g.bench_function("resume", |b| b.iter(|| black_box(overlay_sim::History::resume(sc.clone(), &start, &bytes).map(|r| r.minute()))));
    g.finish();
}

criterion_group!(benches, one_minute, replay_48h, scrub_real, save_and_resume_real);
criterion_main!(benches);
