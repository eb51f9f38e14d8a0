//! The model in the browser's Wasm engine: the checked-in series hashes (the same table the
//! native tests check) come out identical, so a run replays the same everywhere.
#![cfg(target_arch = "wasm32")]

use overlay_sim::run::hash_line;
use overlay_sim::Scale;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn series_hashes_match_the_native_table() {
    let table = include_str!("../crates/overlay-sim/tests/hashes.txt");
    let mut checked = 0;
    // Classroom rows and the real-scale row: every scenario, both seeds, and the big network.
    for line in table.lines().filter(|l| l.contains(" classroom ") || l.contains(" real ")) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let scale = Scale::parse(f[1]).expect("scale");
        let got = hash_line(f[0], scale, f[2].parse().expect("seed"), f[3].parse().expect("hours")).expect("runs");
        assert_eq!(got, line, "Wasm and native disagree");
        checked += 1;
    }
    assert!(checked >= 13, "checked {checked}");
}

/// Speed of the 48-hour real-scale replay in the browser (a figure for BENCHMARKS.md, not an
/// assertion): `./dev bench-wasm`.
#[wasm_bindgen_test]
#[ignore]
fn wasm_speed_of_the_48h_real_run() {
    let perf = web_sys::window().and_then(|w| w.performance()).expect("performance");
    let sc = overlay_sim::Scenario::preset("dec-2010").expect("preset");
    let t0 = perf.now();
    let (_, series) = overlay_sim::run::run(&sc, 48);
    let ms = perf.now() - t0;
    web_sys::console::log_1(&format!("BENCH wasm dec-2010 real 48h: {ms:.0} ms for {} minutes ({:.3} ms/minute)", series.len(), ms / series.len() as f64).into());
}
