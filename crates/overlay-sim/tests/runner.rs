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
    for k in ["t_min", "utc", "online_peers", "expected_peers", "supernodes_alive", "mega_supernodes", "mean_sn_load", "max_sn_load", "signalling_ratio", "giant_component", "login_queue"] {
        assert!(!row[k].is_null(), "row lacks {k}");
    }
    assert_eq!(row["utc"], "2010-12-22T12:01Z");
    for k in ["mesh_mean_degree", "mesh_mean_sq_degree", "first_wave_supernode_loss", "peak_signalling_ratio", "trough_online_fraction", "minutes_to_90pct"] {
        assert!(v["summary"].get(k).is_some(), "summary lacks {k}");
    }
    // The landmarks, in minute order, each with its minute and kind.
    let marks = v["landmarks"].as_array().expect("landmarks");
    assert!(marks.iter().any(|m| m["minute"] == 270 && m["kind"] == "im_overload"), "{marks:?}");
    assert!(marks.iter().any(|m| m["kind"] == "first_shutdown" && m["load"].as_f64().is_some_and(|l| l > 1.0)), "{marks:?}");
    assert!(marks.windows(2).all(|p| p[0]["minute"].as_u64() <= p[1]["minute"].as_u64()));
}

#[test]
fn csv_output_has_a_header_and_a_row_a_minute() {
    let out = runner(&["run", "--scenario", "sandbox", "--set", "scale=classroom", "--hours", "2", "--format", "csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert_eq!(text.lines().count(), 121);
    assert!(text.starts_with("t_min,utc,online_peers"));
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    for args in [
        &["run", "--scenario", "no-such-thing"][..],
        &["run", "--scenario", "dec-2010", "--set", "buggy_share=7"],
        &["run", "--scenario", "dec-2010", "--set", "nonsense"],
        &["run", "--scenario", "dec-2010", "--hours", "abc"],
        &["run", "--scenario", "dec-2010", "--format", "xml"],
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
