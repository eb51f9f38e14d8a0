//! Times each stage of a real-scale world build (a development aid: the browser runs one stage
//! per task, so the longest stage bounds the longest task of a page's start-up):
//! `cargo run --release -p overlay-sim --example buildtime`
use overlay_sim::{Scale, Scenario, WorldBuild};

fn main() {
    let Ok(sc) = Scenario::preset_at("dec-2010", Scale::Real) else { return };
    for _ in 0..3 {
        let mut build = WorldBuild::new(&sc);
        let mut stages = vec![];
        loop {
            let t = std::time::Instant::now();
            let done = build.advance().is_some();
            stages.push(format!("{:.1}", t.elapsed().as_secs_f64() * 1e3));
            if done {
                break;
            }
        }
        println!("stages (ms): {}", stages.join(", "));
    }
}
