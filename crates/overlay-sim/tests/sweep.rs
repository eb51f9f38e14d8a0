//! The tipping-point map: a sweep is a grid of ordinary runs, deterministic however it is
//! computed, its outcome follows the mechanism, and the runner's `sweep` speaks the issue's format.

use overlay_sim::run::{run, summarize};
use overlay_sim::sweep::{coarse_first, user_hours_lost, Axis, Grid, SweepError, Sweeper};
use overlay_sim::{Scale, Scenario};
use std::process::Command;

fn grid(scale: Scale, x: &str, y: &str, hours: u32) -> Grid {
    let base = Scenario::preset_at("dec-2010", scale).expect("preset");
    Grid::new(base, Axis::parse(x).expect("x"), Axis::parse(y).expect("y"), hours).expect("grid")
}

fn runner(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_overlay-sim")).args(args).output().expect("runs")
}

/// Spearman's rank correlation (no ties correction: enough to tell a trend from none).
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let rank = |v: &[f64]| {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        for (k, i) in idx.into_iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let (ra, rb) = (rank(a), rank(b));
    let n = a.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let var = |r: &[f64], m: f64| r.iter().map(|x| (x - m) * (x - m)).sum::<f64>();
    cov / (var(&ra, ma) * var(&rb, mb)).sqrt()
}

#[test]
fn a_cell_is_the_ordinary_run_with_two_parameters_set() {
    let g = grid(Scale::Classroom, "buggy_share=0:1:3", "capacity_headroom=2:8:2", 12).with_runs(1).expect("one run");
    let i = 4; // column 1, row 1: buggy_share 0.5, capacity_headroom 8
    let cell = g.cell(i);
    assert_eq!((cell.x, cell.y), (0.5, 8.0));
    let mut sc = Scenario::preset_at("dec-2010", Scale::Classroom).expect("preset");
    sc.set("buggy_share", "0.5").expect("ok");
    sc.set("capacity_headroom", "8").expect("ok");
    let (w, series) = run(&sc, 12);
    let s = summarize(&w, &series);
    assert_eq!(cell.user_hours_lost, user_hours_lost(&series));
    assert_eq!((cell.trough, cell.minutes_to_90pct), (s.trough_online_fraction, s.minutes_to_90pct));
    // Users' hours lost is Σ (expected − online) / 60.
    let by_hand: f64 = series.iter().map(|m| m.expected_peers.saturating_sub(m.online_peers) as f64 / 60.0).sum();
    assert!((cell.user_hours_lost - by_hand).abs() < 1e-6);
}

#[test]
fn a_cell_is_the_mean_of_its_runs_with_the_next_seeds() {
    let g = grid(Scale::Classroom, "buggy_share=0:1:3", "capacity_headroom=2:3:2", 12);
    assert_eq!(g.runs(), overlay_sim::sweep::RUNS);
    let i = 1; // column 1, row 0: buggy_share 0.5, capacity_headroom 2
    let cell = g.cell(i);
    let runs: Vec<_> = (0..g.runs())
        .map(|r| {
            let mut sc = g.scenario(i);
            sc.set("seed", &(sc.params.seed + u64::from(r)).to_string()).expect("seed");
            let (w, series) = run(&sc, 12);
            (user_hours_lost(&series), summarize(&w, &series))
        })
        .collect();
    let n = runs.len() as f64;
    assert!((cell.user_hours_lost - runs.iter().map(|r| r.0).sum::<f64>() / n).abs() < 1e-6);
    assert!((cell.trough - runs.iter().map(|r| r.1.trough_online_fraction).sum::<f64>() / n).abs() < 1e-9);
    // The runs differ (different seeds), so the mean is not any one of them.
    assert!(runs.windows(2).any(|w| w[0].0 != w[1].0), "{:?}", runs.iter().map(|r| r.0).collect::<Vec<_>>());
    assert!(matches!(g.clone().with_runs(0), Err(SweepError::Runs(0))));
    assert!(matches!(g.with_runs(overlay_sim::sweep::MAX_RUNS + 1), Err(SweepError::Runs(_))));
}

#[test]
fn the_same_grid_gives_the_same_map_however_it_is_computed() {
    let g = grid(Scale::Classroom, "buggy_share=0:1:4", "restart_delay_min=0:90:3", 24);
    let serial = g.run();
    assert_eq!(serial, g.run(), "two serial runs differ");
    assert_eq!(serial, g.run_parallel(3), "threads change the map");
    // In slices of a few minutes, as the page computes it; progress only grows, to 1.
    let mut s = Sweeper::new(g.clone());
    let mut last = s.progress();
    assert_eq!(last, 0.0);
    while !s.advance(37) {
        assert!(s.progress() >= last && s.progress() < 1.0);
        last = s.progress();
    }
    assert_eq!(s.progress(), 1.0);
    assert_eq!(s.sweep(), serial, "slicing changes the map");
    assert!(s.expected_hours() > 0.0 && s.cells().iter().flatten().all(|c| c.user_hours_lost <= s.expected_hours()));
}

#[test]
fn an_unfinished_map_already_has_its_coarse_grid() {
    let order = coarse_first(5, 3);
    // Columns 0, 2, 4 of rows 0 and 2 first; every cell exactly once.
    assert_eq!(order[..6], [0, 2, 4, 10, 12, 14]);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..15).collect::<Vec<_>>());
    let g = grid(Scale::Classroom, "buggy_share=0:1:5", "capacity_headroom=2:8:3", 6);
    let mut s = Sweeper::new(g);
    while s.finished() < 6 {
        s.advance(60);
    }
    let known: Vec<usize> = s.cells().iter().enumerate().filter(|(_, c)| c.is_some()).map(|(i, _)| i).collect();
    assert_eq!(known, [0, 2, 4, 10, 12, 14]);
}

#[test]
fn more_buggy_clients_lose_more_and_more_headroom_loses_less() {
    // City scale, 7×7 over the ranges the map shows by default, two days like the page.
    let s = grid(Scale::City, "buggy_share=0:1:7", "capacity_headroom=2:5:7", 48).run();
    // Compare whole columns and rows: below the edge cells differ by a few user-hours of noise,
    // so a rank correlation over single cells would mostly measure that noise.
    let total = |axis: fn(&overlay_sim::sweep::Cell) -> f64| {
        let mut keys: Vec<f64> = s.cells.iter().map(axis).collect();
        keys.sort_by(f64::total_cmp);
        keys.dedup();
        let sums: Vec<f64> = keys.iter().map(|&k| s.cells.iter().filter(|c| axis(c) == k).map(|c| c.user_hours_lost).sum()).collect();
        (keys, sums)
    };
    let (xs, by_x) = total(|c| c.x);
    let (ys, by_y) = total(|c| c.y);
    assert!(spearman(&xs, &by_x) > 0.7, "buggy share vs lost: {by_x:?}");
    assert!(spearman(&ys, &by_y) < -0.7, "headroom vs lost: {by_y:?}");
    // No bug, no outage: the whole left column keeps at least 80% of its users.
    assert!(s.cells.iter().filter(|c| c.x == 0.0).all(|c| c.trough > 0.8), "{:?}", s.cells.iter().filter(|c| c.x == 0.0).collect::<Vec<_>>());
    // Both sides of the edge are on the map.
    assert!(s.cells.iter().any(|c| c.trough < 0.3), "no collapsed cell");
}

#[test]
fn every_suggested_axis_is_inside_the_models_range_at_every_scale() {
    for scale in Scale::ALL {
        let base = Scenario::preset_at("dec-2010", scale).expect("preset");
        for p in Axis::SUGGESTED {
            let x = Axis::suggested(p, &base.params).unwrap_or_else(|| panic!("no window for {p}"));
            let other = if p == "buggy_share" { "capacity_headroom" } else { "buggy_share" };
            let y = Axis::suggested(other, &base.params).expect("window");
            assert!(x.steps >= 2, "{p}: {x:?}");
            if let Err(e) = Grid::new(base.clone(), x, y, 48) {
                panic!("{p} at {}: {e}", scale.name());
            }
        }
    }
}

#[test]
fn bad_axes_are_refused_with_a_reason() {
    let base = || Scenario::preset_at("dec-2010", Scale::Classroom).expect("preset");
    let ax = |s: &str| Axis::parse(s).expect("parses");
    let e = Grid::new(base(), ax("buggy_share=0:2:5"), ax("capacity_headroom=2:8:3"), 6).expect_err("2 is out of range");
    assert!(matches!(&e, SweepError::Param(p) if p.param == "buggy_share"), "{e}");
    assert!(e.to_string().contains("0 to 1"), "the model's range is named: {e}");
    assert!(matches!(Grid::new(base(), ax("buggy_share=0:1:3"), ax("buggy_share=0:1:3"), 6), Err(SweepError::SameParam(_))));
    assert!(matches!(Grid::new(base(), ax("retry_policy=0:1:3"), ax("buggy_share=0:1:3"), 6), Err(SweepError::NotSweepable { .. })));
    assert!(matches!(Grid::new(base(), ax("restart_delay_min=0:3:13"), ax("buggy_share=0:1:3"), 6), Err(SweepError::TooFine { .. })));
    assert!(matches!(Grid::new(base(), ax("restart_delay_min=0:60:3"), ax("buggy_share=0:1:3"), 0), Err(SweepError::Hours { hours: 0, .. })));
    // dec-2010's trigger is at 16:30, 4.5 h in: a 4-hour map would show nothing.
    assert!(matches!(Grid::new(base(), ax("restart_delay_min=0:60:3"), ax("buggy_share=0:1:3"), 4), Err(SweepError::Hours { min: 5, .. })));
    for spec in ["buggy_share", "buggy_share=0:1", "buggy_share=a:1:3", "buggy_share=0:1:1", "buggy_share=0:1:999", "buggy_share=1:1:3", "buggy_share=0:inf:3"] {
        assert!(matches!(Axis::parse(spec), Err(SweepError::Spec { .. })), "{spec} parsed");
    }
}

#[test]
fn whole_number_parameters_sweep_whole_values() {
    let a = Axis::parse("restart_delay_min=0:100:5").expect("parses");
    assert_eq!(a.values(), vec![0.0, 25.0, 50.0, 75.0, 100.0]);
    let b = Axis::parse("restart_delay_min=0:10:4").expect("parses");
    assert_eq!(b.values(), vec![0.0, 3.0, 7.0, 10.0]);
    let g = grid(Scale::Classroom, "restart_delay_min=0:10:4", "buggy_share=0:1:2", 5);
    assert_eq!(g.scenario(2).params.restart_delay_min, 7);
}

#[test]
fn runner_json_has_the_issues_shape() {
    let out = runner(&["sweep", "--scenario", "dec-2010", "--scale", "classroom", "--x", "buggy_share=0:1:3", "--y", "capacity_headroom=2:8:4", "--hours", "6", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["scenario"], "dec-2010");
    assert_eq!(v["scale"], "classroom");
    assert_eq!(v["x"]["param"], "buggy_share");
    assert_eq!(v["x"]["values"], serde_json::json!([0.0, 0.5, 1.0]));
    assert_eq!(v["y"]["values"], serde_json::json!([2.0, 4.0, 6.0, 8.0]));
    let cells = v["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 12);
    for c in cells {
        for k in ["x", "y", "user_hours_lost", "trough", "minutes_to_90pct"] {
            assert!(c.get(k).is_some(), "cell lacks {k}: {c}");
        }
        let t = c["trough"].as_f64().expect("trough");
        assert!((0.0..=1.5).contains(&t), "{c}");
    }
    assert_eq!((cells[1]["x"].as_f64(), cells[1]["y"].as_f64()), (Some(0.5), Some(2.0)), "row by row, x inner");
}

#[test]
fn runner_csv_has_a_header_and_a_row_a_cell() {
    let out = runner(&["sweep", "--scenario", "dec-2010", "--scale", "classroom", "--x", "buggy_share=0:1:2", "--y", "restart_delay_min=0:60:3", "--hours", "5", "--format", "csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.starts_with("buggy_share,restart_delay_min,user_hours_lost,trough,minutes_to_90pct\n"), "{text}");
    assert_eq!(text.lines().count(), 7);
}

#[test]
fn runner_refuses_bad_ranges_with_exit_code_2() {
    let base = ["sweep", "--scenario", "dec-2010", "--scale", "classroom"];
    for extra in [
        &["--x", "buggy_share=0:7:5", "--y", "capacity_headroom=2:8:3"][..],
        &["--x", "buggy_share=0:1:1", "--y", "capacity_headroom=2:8:3"],
        &["--x", "buggy_share=0:1", "--y", "capacity_headroom=2:8:3"],
        &["--x", "capacity_headroom=-1:8:3", "--y", "buggy_share=0:1:3"],
        &["--x", "nope=0:1:3", "--y", "buggy_share=0:1:3"],
        &["--x", "buggy_share=0:1:3", "--y", "buggy_share=0:1:3"],
        &["--x", "buggy_share=0:1:3"],
        &["--x", "buggy_share=0:1:3", "--y", "capacity_headroom=2:8:3", "--hours", "0"],
        &["--x", "buggy_share=0:1:3", "--y", "capacity_headroom=2:8:3", "--format", "xml"],
        &["--x", "buggy_share=0:1:3", "--y", "capacity_headroom=2:8:3", "--scale", "galaxy"],
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let out = runner(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
    let out = runner(&["sweep", "--scenario", "dec-2010", "--x", "buggy_share=0:7:5", "--y", "capacity_headroom=2:8:3"]);
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("buggy_share") && msg.contains("0 to 1"), "{msg}");
}
