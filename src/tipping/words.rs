//! The map in plain words: axis names, values, a cell's readout and what the map says about the
//! December 2010 setting. Words only — the values and their ranges come from the model.

use overlay_sim::sweep::{Cell, Sweep};

use crate::view::format::count;

/// What a parameter means, for an axis title and the axis menu.
pub fn label(param: &str) -> &str {
    match param {
        "buggy_share" => "Clients on the buggy version",
        "capacity_headroom" => "Supernode capacity vs normal load",
        "crash_fraction" => "Buggy clients that crash",
        "capacity_spread" => "Spread of supernode capacity",
        "restart_delay_min" => "Restart delay after a shutdown",
        "attempts_per_min" => "Reconnection attempts a minute",
        "probe_fanout" => "Supernodes probed per attempt",
        "user_restart_min" => "Minutes before users restart a crashed client",
        "login_capacity" => "Login server capacity",
        "mega_supernodes" => "Mega-supernodes",
        "mega_first_wave_min" => "First mega-supernode wave",
        "mega_reach" => "Retries that reach a mega-supernode",
        other => other,
    }
}

/// A parameter's value as a reader would say it (the words the sandbox uses too).
pub fn value(param: &str, v: f64) -> String {
    crate::view::format::param_value(param, v)
}

/// "Trough 12%" and the time back, for one cell.
fn outcome_words(cell: &Cell, hours: u32, expected_hours: f64) -> String {
    let share = if expected_hours > 0.0 { format!(" ({:.0}% of all)", 100.0 * cell.user_hours_lost / expected_hours) } else { String::new() };
    let back = match cell.minutes_to_90pct {
        Some(0) => "never below 90%".to_string(),
        Some(m) => format!("back to 90% after {} h {:02} min", m / 60, m % 60),
        None => format!("not back to 90% within {hours} h"),
    };
    format!("{} users' hours lost{share} · at worst {:.0}% online · {back}", count(cell.user_hours_lost), cell.trough * 100.0)
}

/// The line under the map for the cell at (`xv`, `yv`), computed or not.
/// `runs`: how many of the cell's runs are done (the figures are their means, and the middle
/// run's time back).
pub fn readout(x: &str, y: &str, xv: f64, yv: f64, (cell, runs): (Option<&Cell>, usize), hours: u32, expected_hours: f64) -> String {
    let at = format!("{} {} · {} {}", label(x), value(x, xv), label(y), value(y, yv));
    let over = if runs == 1 { "1 run".to_string() } else { format!("{runs} runs") };
    match cell {
        Some(c) => format!("{at} → over {over}: {}. Click to load its first run.", outcome_words(c, hours, expected_hours)),
        None => format!("{at} → not computed yet. Click to load its first run."),
    }
}

/// A run "held" when at least this share of expected users kept service at its worst moment
/// (the crash alone takes out the crashed clients' users: 20% in 2010).
pub const HELD: f64 = 0.5;

/// What the finished map says about the December 2010 setting at (`cx`, `cy`) (parameter
/// values): how it fared, and the nearest settings on its row and column that held.
pub fn about_2010(s: &Sweep, cx: f64, cy: f64) -> Option<String> {
    let nearest = |values: &[f64], v: f64| (0..values.len()).min_by(|&a, &b| (values[a] - v).abs().total_cmp(&(values[b] - v).abs()));
    let (col, row) = (nearest(&s.x.values, cx)?, nearest(&s.y.values, cy)?);
    let nx = s.x.values.len();
    let here = s.cells.get(row * nx + col)?;
    if here.trough >= HELD {
        return Some(format!(
            "At the December 2010 setting (✕) this network held (at worst {:.0}% online): the outage needs more than what is held fixed here.",
            here.trough * 100.0
        ));
    }
    // Along the column (same x, other y) and the row (same y, other x): the held cell closest to ✕.
    let closest_held = |cells: Vec<(usize, &Cell)>, from: usize| cells.into_iter().filter(|(_, c)| c.trough >= HELD).min_by_key(|(k, _)| k.abs_diff(from)).map(|(_, c)| *c);
    let column: Vec<(usize, &Cell)> = (0..s.y.values.len()).filter_map(|r| s.cells.get(r * nx + col).map(|c| (r, c))).collect();
    let line: Vec<(usize, &Cell)> = (0..nx).filter_map(|k| s.cells.get(row * nx + k).map(|c| (k, c))).collect();
    let mut ways = vec![];
    if let Some(c) = closest_held(column, row) {
        ways.push(format!("{} {} (instead of {})", label(&s.y.param), value(&s.y.param, c.y), value(&s.y.param, cy)));
    }
    if let Some(c) = closest_held(line, col) {
        ways.push(format!("{} {} (instead of {})", label(&s.x.param), value(&s.x.param, c.x), value(&s.x.param, cx)));
    }
    let held = if ways.is_empty() {
        "no setting on its row or column kept half of its users online.".to_string()
    } else {
        format!("the nearest settings that kept at least half online: {}.", ways.join("; or "))
    };
    Some(format!("At the December 2010 setting (✕) the network collapsed (at worst {:.0}% online); {held}", here.trough * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use overlay_sim::sweep::AxisValues;

    fn sweep(troughs: &[[f64; 3]; 3]) -> Sweep {
        let cells = (0..9)
            .map(|i| Cell { x: [0.0, 0.5, 1.0][i % 3], y: [2.0, 4.0, 6.0][i / 3], user_hours_lost: 0.0, trough: troughs[i / 3][i % 3], minutes_to_90pct: None })
            .collect();
        Sweep {
            scenario: "dec-2010".into(),
            scale: overlay_sim::Scale::City,
            seed: 1,
            hours: 48,
            runs: 3,
            x: AxisValues { param: "buggy_share".into(), values: vec![0.0, 0.5, 1.0] },
            y: AxisValues { param: "capacity_headroom".into(), values: vec![2.0, 4.0, 6.0] },
            cells,
        }
    }

    #[test]
    fn the_2010_line_names_the_nearest_settings_that_held() {
        // Rows bottom-up (headroom 2, 4, 6); ✕ at buggy 50%, headroom 4 (5×), collapsed.
        let s = sweep(&[[0.92, 0.0, 0.0], [0.95, 0.0, 0.0], [0.96, 0.7, 0.1]]);
        let t = about_2010(&s, 0.5, 4.0).expect("a line");
        assert!(t.contains("collapsed"), "{t}");
        assert!(t.contains("7.0× (instead of 5.0×)"), "{t}");
        assert!(t.contains("0% (instead of 50%)"), "{t}");
        let held = sweep(&[[0.92; 3], [0.92; 3], [0.92; 3]]);
        assert!(about_2010(&held, 0.5, 4.0).expect("a line").contains("held"));
    }

    #[test]
    fn a_readout_says_where_and_what() {
        let c = Cell { x: 0.5, y: 4.0, user_hours_lost: 960_000.0, trough: 0.0, minutes_to_90pct: None };
        let t = readout("buggy_share", "capacity_headroom", 0.5, 4.0, (Some(&c), 3), 48, 1_000_000.0);
        assert!(t.contains("50%") && t.contains("5.0×") && t.contains("960.0k") && t.contains("96% of all") && t.contains("not back"), "{t}");
        assert!(t.contains("over 3 runs"), "{t}");
        assert!(readout("buggy_share", "capacity_headroom", 0.5, 4.0, (None, 0), 48, 0.0).contains("not computed"));
    }
}
