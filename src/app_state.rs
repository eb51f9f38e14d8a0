//! The app's shared state: the run (a [`History`], not reactive) and a few aggregate signals.
//!
//! Components get it with `expect_context::<AppState>()` and only *read* it: every change of
//! time or of the run goes through the clock (`crate::clock`), which alone writes the run and
//! the clock signals. Signals carry only aggregates — the clock, play state, speed, selection —
//! never one per supernode: the canvas reads the model's flat snapshot directly each frame.

use leptos::prelude::*;
use overlay_sim::{History, Landmark, Metrics, Scale, Scenario, SlotState, World};

/// Speed presets in simulated minutes per real second (1× = one minute a second).
pub const SPEEDS: [f64; 9] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];
/// Default speed: 8 simulated minutes a second.
pub const DEFAULT_SPEED: f64 = 8.0;
/// Above this many supernode slots a minute costs about a millisecond (the `real` scale).
const HEAVY_SLOTS: usize = 10_000;

/// Whether a minute of `scenario`'s run costs about a millisecond (more than [`HEAVY_SLOTS`]
/// supernode slots: the real scale).
pub fn heavy_run(scenario: &Scenario) -> bool {
    scenario.params.supernodes as usize > HEAVY_SLOTS
}

/// What the story is pointing at, for the view to highlight.
#[derive(Clone, Debug, PartialEq)]
pub enum Highlight {
    /// Supernodes in these states.
    States(Vec<SlotState>),
    /// The crashed-on-the-bug supernodes.
    Crashed,
    MegaSupernodes,
    LoginServers,
    ImServers,
    /// A chart, by name: "online", "supernodes", "signalling", "giant".
    Chart(&'static str),
}

/// A long job of the clock under way (a seek computed in slices), for progress bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The minute its computing started from (a checkpoint, or the minute on show), the minute
    /// it has reached and the one it is going to.
    pub from: u32,
    pub at: u32,
    pub target: u32,
}

impl Progress {
    /// Done so far, 0 to 1.
    pub fn fraction(&self) -> f64 {
        let (a, b) = (f64::from(self.from), f64::from(self.target));
        if (b - a).abs() < 1.0 { 1.0 } else { ((f64::from(self.at) - a) / (b - a)).clamp(0.0, 1.0) }
    }
}

/// The scenario run ahead, untouched by the user, so the timeline can show its landmarks early.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ahead {
    /// The scenario scouted (its landmarks are the run's while the run is not forked).
    pub scenario: Option<Scenario>,
    pub landmarks: Vec<Landmark>,
    /// How far the scout has got, and how far it goes.
    pub minute: u32,
    pub until: u32,
}

#[derive(Clone, Copy)]
pub struct AppState {
    /// The run. Borrow it briefly (`with_value`), never across an await; only the clock writes it.
    pub history: StoredValue<History, LocalStorage>,
    pub minute: RwSignal<u32>,
    pub playing: RwSignal<bool>,
    /// Simulated minutes per second; `f64::INFINITY` = as fast as possible.
    pub speed: RwSignal<f64>,
    /// Play starts again from minute 0 at the run's end (`loop=1`) instead of stopping there.
    pub looping: RwSignal<bool>,
    /// The supernode slot under the pointer or tapped.
    pub selected: RwSignal<Option<u32>>,
    pub highlight: RwSignal<Option<Highlight>>,
    /// Bumps when the run is replaced or forked (charts re-read the whole series then).
    pub revision: RwSignal<u64>,
    /// Dismissible messages (bad URL values, rejected settings), at most [`MAX_NOTICES`].
    pub notices: RwSignal<Vec<Notice>>,
    pub scenario: RwSignal<String>,
    pub scale: RwSignal<Scale>,
    /// The guided story's current step (1-based), if the story is open; it goes in the URL.
    pub story_step: RwSignal<Option<usize>>,
    /// The seek being computed in slices, if any.
    pub progress: RwSignal<Option<Progress>>,
    /// The landmarks of the unchanged scenario, found ahead of the clock.
    pub ahead: RwSignal<Ahead>,
    /// The user's sandbox actions, mirrored by the clock for the link (`crate::whatif`).
    pub acted: RwSignal<Vec<crate::whatif::Acted>>,
}

impl AppState {
    pub fn new(scenario: Scenario) -> AppState {
        let world = World::new(&scenario);
        AppState::from_world(scenario, world)
    }

    /// The state of a run whose world is already built (a stage a task, by `app::prepare_staged`).
    pub fn from_world(scenario: Scenario, world: World) -> AppState {
        AppState::from_history(History::from_world(scenario, world))
    }

    /// The state of a run already under way (one taken up from this browser's saved runs).
    pub fn from_history(history: History) -> AppState {
        let (name, scale) = (history.scenario().name.clone(), history.scenario().params.scale);
        AppState {
            minute: RwSignal::new(history.minute()),
            history: StoredValue::new_local(history),
            playing: RwSignal::new(false),
            speed: RwSignal::new(DEFAULT_SPEED),
            looping: RwSignal::new(false),
            selected: RwSignal::new(None),
            highlight: RwSignal::new(None),
            revision: RwSignal::new(0),
            notices: RwSignal::new(vec![]),
            scenario: RwSignal::new(name),
            scale: RwSignal::new(scale),
            story_step: RwSignal::new(None),
            progress: RwSignal::new(None),
            ahead: RwSignal::new(Ahead::default()),
            acted: RwSignal::new(vec![]),
        }
    }

    /// Whether a minute of this run is expensive (real scale): long jumps must be sliced there.
    pub fn heavy(&self) -> bool {
        self.history.with_value(|h| heavy_run(h.scenario()))
    }
    /// The minute the reader is after: where a seek in flight is going, else the one on show.
    pub fn intended_minute(&self) -> u32 {
        self.progress.get_untracked().map_or_else(|| self.minute.get_untracked(), |p| p.target)
    }
    /// The metrics row of the current minute.
    pub fn metrics(&self) -> Metrics {
        self.history.with_value(History::metrics)
    }
    /// The clock label ("2010-12-22T16:30Z", or "+4:30" undated) of minute `m` of this run.
    pub fn clock_label(&self, m: u32) -> String {
        self.history.with_value(|h| h.world().clock_label(m))
    }
    pub fn notify(&self, msg: impl Into<String>) {
        let msg = msg.into();
        self.notices.update(|n| Notice::add(n, msg));
    }
}

/// Most notices on show: past it the oldest go (a hostile host page's flood stays small).
pub const MAX_NOTICES: usize = 12;

/// A notice and how many times it was given since it was last dismissed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Notice {
    pub text: String,
    pub count: u32,
}

impl Notice {
    /// Adds `text` to `list`: a repeat counts up and moves to the end (newest), and the list
    /// keeps the newest [`MAX_NOTICES`].
    pub fn add(list: &mut Vec<Notice>, text: String) {
        let count = match list.iter().position(|n| n.text == text) {
            Some(i) => list.remove(i).count.saturating_add(1),
            None => 1,
        };
        list.push(Notice { text, count });
        if list.len() > MAX_NOTICES {
            list.drain(..list.len() - MAX_NOTICES);
        }
    }

    /// The line shown: the text, and "× 9,530" for a repeat.
    pub fn line(&self) -> String {
        if self.count > 1 { format!("{} × {}", self.text, grouped(self.count)) } else { self.text.clone() }
    }
}

/// 9530 → "9,530".
fn grouped(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Milliseconds from the page's performance clock (0 where there is none).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_runs_from_zero_to_one() {
        let p = |at| Progress { from: 100, at, target: 300 };
        assert_eq!(p(100).fraction(), 0.0);
        assert_eq!(p(200).fraction(), 0.5);
        assert_eq!(p(300).fraction(), 1.0);
        assert_eq!(Progress { from: 300, at: 150, target: 100 }.fraction(), 0.75);
    }

    #[test]
    fn notices_merge_repeats_and_stay_few() {
        let mut list = vec![];
        for i in 0..10_000 {
            Notice::add(&mut list, "load: rejected".into());
            Notice::add(&mut list, format!("other {}", i % 50));
        }
        // 51 different texts, 12 kept: the newest.
        assert_eq!(list.len(), MAX_NOTICES);
        let load = list.iter().find(|n| n.text == "load: rejected").expect("the repeat is kept");
        assert_eq!(load.line(), "load: rejected × 10,000");
        assert_eq!(list.last().map(|n| n.text.as_str()), Some("other 49"));
        let mut again = vec![];
        for _ in 0..3 {
            Notice::add(&mut again, "a".into());
        }
        assert_eq!(again, vec![Notice { text: "a".into(), count: 3 }]);
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
