//! The app's shared state: the run (a [`History`], not reactive) and a few aggregate signals.
//!
//! Components get it with `expect_context::<AppState>()`. Signals carry only aggregates — the
//! clock, play state, speed, selection — never one per supernode: the canvas reads the model's
//! flat snapshot directly each frame.

use leptos::prelude::*;
use overlay_sim::{Action, History, Metrics, Scale, Scenario};

/// Speed presets in simulated minutes per real second (1× = one minute a second).
pub const SPEEDS: [f64; 9] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];
/// "As fast as possible": step for up to this many milliseconds each frame.
pub const FAST_BUDGET_MS: f64 = 10.0;
/// Default speed: 8 simulated minutes a second.
pub const DEFAULT_SPEED: f64 = 8.0;

/// What the story is pointing at, for the view to highlight.
#[derive(Clone, Debug, PartialEq)]
pub enum Highlight {
    /// Supernodes in these states (`overlay_sim::world::state::*`).
    States(Vec<u8>),
    /// The crashed-on-the-bug supernodes.
    Crashed,
    MegaSupernodes,
    LoginServers,
    ImServers,
    /// A chart, by name: "online", "supernodes", "signalling", "giant".
    Chart(&'static str),
}

#[derive(Clone, Copy)]
pub struct AppState {
    /// The run. Borrow it briefly (`with_value` / `update_value`), never across an await.
    pub history: StoredValue<History, LocalStorage>,
    pub minute: RwSignal<u32>,
    pub playing: RwSignal<bool>,
    /// Simulated minutes per second; `f64::INFINITY` = as fast as possible.
    pub speed: RwSignal<f64>,
    /// The supernode slot under the pointer or tapped.
    pub selected: RwSignal<Option<u32>>,
    pub highlight: RwSignal<Option<Highlight>>,
    /// Bumps when the run is replaced or forked (charts re-read the whole series then).
    pub revision: RwSignal<u64>,
    /// Dismissible messages (bad URL values, rejected settings).
    pub notices: RwSignal<Vec<String>>,
    pub scenario: RwSignal<String>,
    pub scale: RwSignal<Scale>,
    /// The guided story's current step (1-based), if the story is open; it goes in the URL.
    pub story_step: RwSignal<Option<usize>>,
    /// Simulated minutes owed to the clock (fractional steps between frames).
    pending: StoredValue<f64, LocalStorage>,
}

impl AppState {
    pub fn new(scenario: Scenario) -> AppState {
        let (name, scale) = (scenario.name.clone(), scenario.params.scale);
        AppState {
            history: StoredValue::new_local(History::new(scenario)),
            minute: RwSignal::new(0),
            playing: RwSignal::new(false),
            speed: RwSignal::new(DEFAULT_SPEED),
            selected: RwSignal::new(None),
            highlight: RwSignal::new(None),
            revision: RwSignal::new(0),
            notices: RwSignal::new(vec![]),
            scenario: RwSignal::new(name),
            scale: RwSignal::new(scale),
            story_step: RwSignal::new(None),
            pending: StoredValue::new_local(0.0),
        }
    }

    /// Replaces the run (new scenario, scale or parameters), at minute 0, paused state kept.
    pub fn load(&self, scenario: Scenario) {
        // Only a new scenario is announced (the story stays open when a run of the same one loads).
        if self.scenario.get_untracked() != scenario.name {
            self.scenario.set(scenario.name.clone());
        }
        self.scale.set(scenario.params.scale);
        self.history.set_value(History::new(scenario));
        self.selected.set(None);
        self.sync(true);
    }

    /// Publishes the clock after the history moved (and the revision when `structural`).
    fn sync(&self, structural: bool) {
        let m = self.history.with_value(History::minute);
        self.minute.set(m);
        if structural {
            self.revision.update(|r| *r += 1);
        }
    }

    /// Called once per animation frame with the time since the last frame: steps the model
    /// as the speed asks (bounded, so a slow frame never snowballs). Returns steps taken.
    pub fn advance(&self, dt_ms: f64) -> u32 {
        if !self.playing.get_untracked() {
            self.pending.set_value(0.0);
            return 0;
        }
        let speed = self.speed.get_untracked();
        let mut steps = 0;
        if speed.is_infinite() {
            let t0 = now_ms();
            self.history.update_value(|h| {
                while now_ms() - t0 < FAST_BUDGET_MS && steps < 10_000 {
                    h.step();
                    steps += 1;
                }
            });
        } else {
            let owed = self.pending.get_value() + dt_ms.clamp(0.0, 250.0) / 1000.0 * speed;
            let n = owed.floor().min(64.0) as u32;
            self.pending.set_value((owed - f64::from(n)).min(1.0));
            self.history.update_value(|h| {
                for _ in 0..n {
                    h.step();
                }
            });
            steps = n;
        }
        if steps > 0 {
            self.sync(false);
        }
        steps
    }

    pub fn toggle_play(&self) {
        self.playing.update(|p| *p = !*p);
    }
    /// One minute forward (pauses).
    pub fn step(&self) {
        self.playing.set(false);
        self.history.update_value(|h| {
            h.step();
        });
        self.sync(false);
    }
    /// One minute back, exactly (pauses).
    pub fn step_back(&self) {
        self.playing.set(false);
        self.history.update_value(History::back);
        self.sync(false);
    }
    /// Jumps to a minute, exactly (replaying from the nearest checkpoint).
    pub fn seek(&self, minute: u32) {
        self.history.update_value(|h| h.seek(minute));
        self.sync(false);
    }
    /// A sandbox action at the current minute; acting in the past forks the run.
    pub fn act(&self, action: Action) {
        let forked = self.history.with_value(|h| h.horizon() > h.minute());
        self.history.update_value(|h| h.act(action));
        self.sync(forked);
    }
    /// The metrics row of the current minute.
    pub fn metrics(&self) -> Metrics {
        self.history.with_value(History::metrics)
    }
    pub fn notify(&self, msg: impl Into<String>) {
        let msg = msg.into();
        self.notices.update(|n| {
            if !n.contains(&msg) {
                n.push(msg);
            }
        });
    }
}

/// Milliseconds from the page's performance clock (0 where there is none).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
