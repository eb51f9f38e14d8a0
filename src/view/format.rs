//! Numbers and clock times in plain words for the panels.

use overlay_sim::World;

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// "16:30 UTC" on the scenario's first day, "23 Dec 04:10 UTC" after; "+4:30" when undated.
pub fn utc(world: &World, minute: u32) -> String {
    let label = world.clock_label(minute);
    let first = world.clock_label(0);
    utc_from_labels(&label, &first)
}

fn utc_from_labels(label: &str, first: &str) -> String {
    // "2010-12-22T16:30Z"
    if label.len() < 17 || label.as_bytes().get(10) != Some(&b'T') {
        return label.to_string();
    }
    let hm = &label[11..16];
    if label.get(..10) == first.get(..10) {
        return format!("{hm} UTC");
    }
    let month = label.get(5..7).and_then(|m| m.parse::<usize>().ok()).and_then(|m| MONTHS.get(m.wrapping_sub(1))).copied().unwrap_or("");
    let day = label.get(8..10).and_then(|d| d.parse::<u32>().ok()).unwrap_or(0);
    format!("{day} {month} {hm} UTC")
}

/// 23,000,000 → "23.0M", 12,345 → "12.3k", 999 → "999".
pub fn count(n: f64) -> String {
    let a = n.abs();
    if a >= 1e6 {
        format!("{:.1}M", n / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", n / 1e3)
    } else {
        format!("{n:.0}")
    }
}

/// A ratio as "37×" / "2.4×" / "0.62×".
pub fn times(x: f64) -> String {
    if !x.is_finite() {
        "—".into()
    } else if x >= 10.0 {
        format!("{x:.0}×")
    } else if x >= 1.0 {
        format!("{x:.1}×")
    } else {
        format!("{x:.2}×")
    }
}

/// A model parameter's value as a reader would say it (sliders, the tipping-point map): shares
/// as percentages, capacity as a multiple of the normal peak load, minutes as minutes.
pub fn param_value(key: &str, v: f64) -> String {
    match key {
        "buggy_share" | "crash_fraction" | "mega_reach" | "cache_locality" | "cache_pruning" | "kill_fraction" | "windows_share" => {
            format!("{:.0}%", v * 100.0)
        }
        // Capacity is 1 + headroom times the normal peak load.
        "capacity_headroom" => format!("{}×", short(1.0 + v)),
        "login_capacity" | "bootstrap_capacity" | "im_capacity" => format!("{v:.2}×"),
        "attempts_per_min" | "probe_fanout" | "capacity_spread" => format!("{v:.1}"),
        "mega_first_wave_min" => format!("{:.1} h in", v / 60.0),
        k if k.ends_with("_min") => format!("{v:.0} min"),
        _ => format!("{v}"),
    }
}

/// One decimal, or two when the second one matters: 5 → "5.0", 5.25 → "5.25".
fn short(x: f64) -> String {
    let two = format!("{x:.2}");
    if two.ends_with('0') { format!("{x:.1}") } else { two }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_labels() {
        assert_eq!(utc_from_labels("2010-12-22T16:30Z", "2010-12-22T12:00Z"), "16:30 UTC");
        assert_eq!(utc_from_labels("2010-12-23T04:05Z", "2010-12-22T12:00Z"), "23 Dec 04:05 UTC");
        assert_eq!(utc_from_labels("+4:30", "+0:00"), "+4:30");
    }

    #[test]
    fn numbers() {
        assert_eq!(count(23_000_000.0), "23.0M");
        assert_eq!(count(12_345.0), "12.3k");
        assert_eq!(count(999.0), "999");
        assert_eq!(times(37.2), "37×");
        assert_eq!(times(2.44), "2.4×");
        assert_eq!(times(0.615), "0.61×");
    }

    #[test]
    fn parameter_values() {
        assert_eq!(param_value("buggy_share", 0.5), "50%");
        assert_eq!(param_value("capacity_headroom", 4.0), "5.0×");
        assert_eq!(param_value("capacity_headroom", 4.25), "5.25×");
        assert_eq!(param_value("restart_delay_min", 45.0), "45 min");
        assert_eq!(param_value("attempts_per_min", 3.0), "3.0", "a rate, not minutes");
        assert_eq!(param_value("mega_first_wave_min", 960.0), "16.0 h in");
    }
}
