//! Time is the user's: play, pause, step, step back, speed, the clock, the timeline with its
//! markers, the guided story, the sandbox and the keyboard.
//!
//! Everything here drives the run through [`AppState`]; nothing keeps a signal per supernode.
//! Long jumps at `real` scale go through [`goto`], which computes the missing minutes in
//! short slices so the page never freezes.

mod controls;
mod keyboard;
mod sandbox;
mod scout;
mod story;
mod timeline;

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;

use crate::app_state::{now_ms, AppState, SPEEDS};

pub use controls::ControlsBar;
pub use keyboard::KeyboardShortcuts;
pub use sandbox::SandboxPanel;
pub use story::{StoryPanel, StoryStep, Story, STORY_AUG_2007, STORY_DEC_2010};
pub use timeline::Timeline;

/// The timeline's default span: two days, which holds both outages and their recoveries.
pub const SPAN_MIN: u32 = 48 * 60;
/// Milliseconds of model work per slice when computing ahead (the page stays responsive).
const SLICE_MS: f64 = 12.0;

thread_local! {
    /// Bumped by every jump, so an older unfinished jump stops.
    static JUMP: Cell<u64> = const { Cell::new(0) };
}

/// Minutes the model may compute synchronously in one go: cheap at classroom and city scale,
/// about a millisecond each at real scale (where seeking inside the computed run is exact and
/// fast, but running far past it must be sliced).
fn sync_budget(state: &AppState) -> u32 {
    if state.history.with_value(|h| h.world().ordinary_slots() > 10_000) {
        40
    } else {
        20_000
    }
}

/// Moves the clock to `minute` exactly (pausing): directly when the minutes are computed or
/// cheap, otherwise by computing ahead in slices, showing the clock run as it goes.
pub fn goto(state: AppState, minute: u32) {
    state.playing.set(false);
    let gen = JUMP.with(|j| {
        j.set(j.get() + 1);
        j.get()
    });
    let horizon = state.history.with_value(|h| h.horizon());
    if minute <= horizon || minute - horizon <= sync_budget(&state) {
        CHASING.with(|c| c.set(false));
        let t0 = now_ms();
        state.seek(minute);
        LAST_SEEK_MS.with(|c| c.set(now_ms() - t0));
        return;
    }
    if state.history.with_value(|h| h.minute()) < horizon {
        state.seek(horizon);
    }
    chase(state, minute, gen);
}

/// Whether a sliced jump is under way (the timeline shows "computing…").
pub fn jumping() -> bool {
    CHASING.with(Cell::get)
}

/// How long the last direct seek took (ms), for the timeline's `data-seek-ms` test hook.
pub fn last_seek_ms() -> f64 {
    LAST_SEEK_MS.with(Cell::get)
}

thread_local! {
    static LAST_SEEK_MS: Cell<f64> = const { Cell::new(0.0) };
    static CHASING: Cell<bool> = const { Cell::new(false) };
}

fn chase(state: AppState, target: u32, gen: u64) {
    if JUMP.with(Cell::get) != gen {
        return;
    }
    let t0 = now_ms();
    let Some(now) = state.history.try_update_value(|h| {
        while h.minute() < target && now_ms() - t0 < SLICE_MS {
            h.step();
        }
        h.minute()
    }) else {
        CHASING.with(|c| c.set(false));
        return;
    };
    state.seek(now); // publishes the clock
    if now < target && !state.playing.get_untracked() {
        CHASING.with(|c| c.set(true));
        set_timeout(move || chase(state, target, gen), Duration::from_millis(1));
    } else {
        CHASING.with(|c| c.set(false));
    }
}

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
