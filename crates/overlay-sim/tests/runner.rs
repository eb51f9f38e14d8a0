//! The headless runner's command line: output shape and exit codes.

use std::process::Command;

fn runner(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_overlay-sim")).args(args).output().expect("runs")
}

#[test]
fn json_output_has_params_summary_and_series() {
    let out = runner(&["run", "--scenario", "dec-2010", "--set", "scale=classroom", "--hours", "6", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["params"]["peers"], 1000);
    assert_eq!(v["series"].as_array().map(Vec::len), Some(360));
    let row = &v["series"][0];
    for k in ["t_min", "utc", "online_peers", "expected_peers", "supernodes_alive", "mega_supernodes", "mean_sn_load", "max_sn_load", "signalling_ratio", "giant_component", "login_queue", "gave_up", "groups_down"] {
        assert!(!row[k].is_null(), "row lacks {k}");
    }
    assert_eq!(row["utc"], "2010-12-22T12:01Z");
    for k in ["mesh_mean_degree", "mesh_mean_sq_degree", "first_wave_supernode_loss", "peak_signalling_ratio", "trough_online_fraction", "minutes_to_90pct"] {
        assert!(v["summary"].get(k).is_some(), "summary lacks {k}");
    }
    // The landmarks, in minute order, each with its minute and kind.
    let marks = v["landmarks"].as_array().expect("landmarks");
    // 16:00 UTC on 22 Dec: the offline-IM overload begins (Rabbe).
    assert!(marks.iter().any(|m| m["minute"] == 240 && m["kind"] == "im_overload"), "{marks:?}");
    assert!(marks.windows(2).all(|p| p[0]["minute"].as_u64() <= p[1]["minute"].as_u64()));
}

#[test]
fn a_storms_landmarks_carry_their_figures() {
    // Killing 60% of the supernodes overloads the rest: shutdowns, and groups going down.
    let out = runner(&["run", "--scenario", "random-failure", "--set", "scale=city", "--set", "kill_fraction=0.6", "--hours", "3"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let marks = v["landmarks"].as_array().expect("landmarks");
    assert!(marks.iter().any(|m| m["minute"] == 60 && m["kind"] == "killed" && m["count"].as_u64().is_some_and(|c| c > 0)), "{marks:?}");
    assert!(marks.iter().any(|m| m["kind"] == "first_shutdown" && m["load"].as_f64().is_some_and(|l| l > 1.0)), "{marks:?}");
    assert!(marks.iter().any(|m| m["kind"] == "group_down" && m["group"].is_u64() && m["count"].as_u64().is_some_and(|c| c >= 1)), "{marks:?}");
}

#[test]
fn csv_output_has_a_header_and_a_row_a_minute() {
    let out = runner(&["run", "--scenario", "sandbox", "--set", "scale=classroom", "--hours", "2", "--format", "csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert_eq!(text.lines().count(), 121);
    assert!(text.starts_with("t_min,utc,online_peers"));
    let header: Vec<&str> = text.lines().next().unwrap_or_default().split(',').collect();
    assert!(header.contains(&"gave_up") && header.contains(&"groups_down"), "{header:?}");
    assert!(text.lines().all(|l| l.split(',').count() == header.len()), "a value per column");
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    for args in [
        &["run", "--scenario", "no-such-thing"][..],
        &["run", "--scenario", "dec-2010", "--set", "buggy_share=7"],
        &["run", "--scenario", "dec-2010", "--set", "nonsense"],
        &["run", "--scenario", "dec-2010", "--hours", "abc"],
        &["run", "--scenario", "dec-2010", "--format", "xml"],
        // Each value is valid, the pair is not: checked once all settings are in, in any order.
        &["run", "--scenario", "dec-2010", "--set", "peers=20", "--set", "supernodes=30"],
        &["run", "--scenario", "dec-2010", "--set", "supernodes=30", "--set", "peers=20"],
        &["run"],
        &["fly"],
        &[],
    ] {
        let out = runner(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
    let out = runner(&["run", "--scenario", "dec-2010", "--set", "buggy_share=7"]);
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("buggy_share") && msg.contains("0 to 1"), "{msg}");
}

#[test]
fn list_prints_every_parameter_with_its_range_and_source() {
    let out = runner(&["list"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    for s in &overlay_sim::PARAMS {
        let line = text.lines().find(|l| l.trim_start().starts_with(&format!("{} = ", s.key))).unwrap_or_else(|| panic!("{} not listed", s.key));
        assert!(line.contains(&s.kind.allowed()) && line.contains(s.source), "{line}");
    }
}
