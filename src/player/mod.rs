//! Time is the user's: play, pause, step, step back, speed, the clock, the timeline with its
//! landmarks, the guided story, the sandbox and the keyboard.
//!
//! Everything here reads [`AppState`](crate::app_state::AppState) and asks the clock
//! (`crate::clock`) for every change of time or of the run; nothing keeps a signal per supernode.

mod controls;
mod keyboard;
pub mod narrator;
pub mod presenter;
mod progress;
mod sandbox;
mod story;
mod story_now;
mod timeline;

use crate::app_state::SPEEDS;

pub use controls::ControlsBar;
pub use keyboard::KeyboardShortcuts;
pub use narrator::{use_narrator, Narrator};
pub use presenter::{Caption, PresenterOverlay, Presenting};
pub use progress::CatchUp;
pub use sandbox::SandboxPanel;
pub use story::{StoryPanel, StoryStep, Story, STORY_AUG_2007, STORY_DEC_2010};
pub use timeline::{flags, Timeline};

/// The timeline's default span: two days, which holds both outages and their recoveries.
pub const SPAN_MIN: u32 = 48 * 60;

/// "8×", "¼×", "max".
pub fn speed_label(speed: f64) -> String {
    if speed.is_infinite() {
        return "max".into();
    }
    match speed {
        s if (s - 0.25).abs() < 1e-9 => "¼×".into(),
        s if (s - 0.5).abs() < 1e-9 => "½×".into(),
        s => format!("{s}×"),
    }
}

/// The preset index nearest to `speed` on a log scale (`SPEEDS.len()` = as fast as possible).
pub fn speed_index(speed: f64) -> usize {
    if !speed.is_finite() {
        return SPEEDS.len();
    }
    let l = speed.max(1e-3).log2();
    (0..SPEEDS.len())
        .min_by(|&a, &b| (SPEEDS[a].log2() - l).abs().total_cmp(&(SPEEDS[b].log2() - l).abs()))
        .unwrap_or(0)
}

/// The speed of preset `i` (past the last preset: as fast as possible).
pub fn speed_at(i: usize) -> f64 {
    SPEEDS.get(i).copied().unwrap_or(f64::INFINITY)
}

/// "2010-12-22T16:30Z" → "22 Dec 2010, 16:30 UTC" (undated labels pass through).
pub fn pretty_clock(iso: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let b = iso.as_bytes();
    if b.len() >= 17 && b[4] == b'-' && b[10] == b'T' {
        let month: usize = iso.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
        let day: u32 = iso.get(8..10).and_then(|d| d.parse().ok()).unwrap_or(0);
        if let (Some(mn), Some(y), Some(hm)) = (MONTHS.get(month.wrapping_sub(1)), iso.get(0..4), iso.get(11..16)) {
            return format!("{day} {mn} {y}, {hm} UTC");
        }
    }
    iso.to_string()
}

/// Short "16:30" (or "+4:30") for the timeline's ticks.
pub fn short_clock(iso: &str) -> String {
    if iso.len() >= 16 && iso.as_bytes().get(10) == Some(&b'T') {
        iso.get(11..16).unwrap_or(iso).to_string()
    } else {
        iso.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_round_trip_on_a_log_scale() {
        for (i, s) in SPEEDS.iter().enumerate() {
            assert_eq!(speed_index(*s), i);
        }
        assert_eq!(speed_index(f64::INFINITY), SPEEDS.len());
        assert_eq!(speed_index(3.0), speed_index(4.0));
        assert_eq!(speed_label(0.25), "¼×");
        assert_eq!(speed_label(64.0), "64×");
    }

    #[test]
    fn clocks_read_well() {
        assert_eq!(pretty_clock("2010-12-22T16:30Z"), "22 Dec 2010, 16:30 UTC");
        assert_eq!(pretty_clock("+4:30"), "+4:30");
        assert_eq!(short_clock("2010-12-22T16:30Z"), "16:30");
    }
}
