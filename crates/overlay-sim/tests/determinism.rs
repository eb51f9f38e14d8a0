//! The checked-in table of series hashes (tests/hashes.txt) holds natively; the app's Wasm
//! test checks the same table in the browser. Regenerate after a deliberate model change with
//! `cargo run --release -p overlay-sim -- hashes > crates/overlay-sim/tests/hashes.txt`.

use overlay_sim::run::hash_line;
use overlay_sim::Scale;

#[test]
fn series_hashes_match_the_checked_in_table() {
    let table = include_str!("hashes.txt");
    let mut checked = 0;
    for line in table.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f.len(), 5, "bad line {line}");
        let scale = Scale::parse(f[1]).expect("scale");
        let got = hash_line(f[0], scale, f[2].parse().expect("seed"), f[3].parse().expect("hours")).expect("runs");
        assert_eq!(got, line, "series changed: regenerate the table only for a deliberate model change");
        checked += 1;
    }
    assert!(checked >= 20);
}
