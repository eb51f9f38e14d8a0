//! The clock: the one owner of time. Every input — the play loop, keyboard, timeline, story,
//! embed messages, the URL, the event log, the sandbox — sends it one [`PlayerCommand`]; it
//! alone steps, seeks, replaces or forks the run and publishes the clock signals.
//!
//! Long work (a seek across thousands of real-scale minutes, a deep link, a replay, scouting
//! ahead) is cut into slices of at most [`SLICE_MS`] of model time (a seek's: `SEEK_SLICE_MS`),
//! one task each (gloo timers), so the page never freezes; the clock publishes its progress as it goes, and a new
//! command supersedes the seek in flight. The one requestAnimationFrame loop moves the clock,
//! then lets the stage draw (`on_frame`): the stage only draws.

pub(crate) mod engine;
mod frames;
mod scout;
mod soon;
pub use soon::Soon;

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use overlay_sim::world::USER_MEGAS;
use overlay_sim::{Action, History, Metrics, Scenario, SlotState};

use crate::app_state::{now_ms, Ahead, AppState, Progress};
use crate::resume;
use crate::player::SPAN_MIN;
use crate::whatif::{self, Acted};
use engine::Engine;
use scout::Scout;

pub use frames::animation_loop;

/// Milliseconds of model work per task while playing or scouting (well under the 100 ms that
/// makes a "long task", even on a phone four times slower than a desktop).
pub const SLICE_MS: f64 = 8.0;
/// A seek's slices are longer: the page around it (a frame is 20–80 ms of drawing and mounting
/// on a phone while a link opens) would otherwise leave it a fifth of the time. Still well under
/// a long task, and a click waits at most this long.
const SEEK_SLICE_MS: f64 = 24.0;
/// While a seek is being computed, its progress is published at most this often.
const PUBLISH_EVERY_MS: f64 = 250.0;

/// Everything anyone can ask of the clock.
#[derive(Clone, Debug, PartialEq)]
pub enum PlayerCommand {
    Play,
    Pause,
    TogglePlay,
    /// Simulated minutes per second (`f64::INFINITY`: as fast as possible).
    SetSpeed(f64),
    /// One minute forward (pauses).
    Step,
    /// One minute back, exactly (pauses).
    StepBack,
    /// To a minute, exactly (pauses); computed in slices when it is far.
    Seek(u32),
    /// A new run (scenario, scale or plan), then a seek to its minute.
    Load(Box<NewRun>),
    /// A sandbox action at the minute on show; acting in the past forks the run.
    Act(Action),
    /// Stops the seek in flight where it got to.
    Cancel,
    /// A story step's moment: from `from`, play at `speed` to `until`, then hold there (the
    /// speed before comes back). Any other command ends it.
    PlaySegment { from: u32, until: u32, speed: f64 },
}

/// A segment being played: where it holds, and the speed to restore after it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Segment {
    until: u32,
    restore: f64,
}

/// Near a landmark, "slow down at events" plays at most this fast (minutes a second).
pub const SLOW_SPEED: f64 = 2.0;
/// How near: from this many minutes before a landmark…
const SLOW_BEFORE: u32 = 4;
/// …to this many after it.
const SLOW_AFTER: u32 = 12;

/// Why `action` would change nothing at the minute on show, if it would not.
fn futile(h: &History, action: &Action) -> Option<String> {
    match action {
        Action::InjectMega { .. } => {
            let states = h.world().snapshot().sn_state;
            let free = states[states.len().saturating_sub(USER_MEGAS)..].iter().filter(|s| **s == SlotState::Idle).count();
            let queued = h.queued().iter().filter(|a| matches!(a, Action::InjectMega { .. })).count();
            (free <= queued).then(|| format!("No mega-supernode added: a run takes at most {USER_MEGAS} added by hand, and this one has them all."))
        }
        _ => None,
    }
}

/// A run to load: the scenario, the minute to show, and the series to draw as its ghost.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRun {
    pub scenario: Scenario,
    pub minute: u32,
    pub ghost: Option<Vec<Metrics>>,
}

impl PlayerCommand {
    /// A new run of `scenario` at minute `minute`.
    pub fn load(scenario: Scenario, minute: u32) -> PlayerCommand {
        PlayerCommand::Load(Box::new(NewRun { scenario, minute, ghost: None }))
    }
}

type Drawer = Box<dyn FnMut(f64) -> bool>;

/// When the progress was last published, and the model time (ms) of the seek in flight and of
/// the last finished one.
#[derive(Clone, Copy, Default)]
struct Timing {
    published_at: f64,
    seek_ms: f64,
    last_seek_ms: f64,
}

/// The clock service (in the context: [`use_clock`]).
#[derive(Clone, Copy)]
pub struct Clock {
    state: AppState,
    engine: StoredValue<Engine, LocalStorage>,
    /// The next slice of the seek in flight (dropping it cancels the slice).
    slice: StoredValue<Option<Soon>, LocalStorage>,
    timing: StoredValue<Timing>,
    scout: StoredValue<Option<Scout>, LocalStorage>,
    scout_slice: StoredValue<Option<Timeout>, LocalStorage>,
    drawers: StoredValue<Vec<Drawer>, LocalStorage>,
    segment: StoredValue<Option<Segment>>,
    /// Slow down near landmarks while playing.
    pub slow: RwSignal<bool>,
    /// The original run (no user actions, the preset's parameters) computed for the ghost,
    /// and its progress while computing; the finished series is kept for the next run.
    ghost_job: StoredValue<Option<Scout>, LocalStorage>,
    ghost_slice: StoredValue<Option<Timeout>, LocalStorage>,
    ghost_done: StoredValue<Option<(Scenario, Rc<Vec<Metrics>>)>, LocalStorage>,
    pub ghost_progress: RwSignal<Option<Progress>>,
    /// The newest minute of a heavy run saved in this browser (`crate::resume`), and the save
    /// to come.
    saved_at: StoredValue<u32>,
    save_task: StoredValue<Option<Soon>, LocalStorage>,
}

/// The clock of the app around the caller.
pub fn use_clock() -> Clock {
    expect_context::<Clock>()
}

/// Makes the clock of `state`, puts it in the context and starts it.
pub fn provide_clock(state: AppState) -> Clock {
    let clock = Clock::new(state);
    provide_context(clock);
    clock.start();
    clock
}

impl Clock {
    pub fn new(state: AppState) -> Clock {
        Clock {
            state,
            engine: StoredValue::new_local(Engine::default()),
            slice: StoredValue::new_local(None),
            timing: StoredValue::new(Timing::default()),
            scout: StoredValue::new_local(None),
            scout_slice: StoredValue::new_local(None),
            drawers: StoredValue::new_local(vec![]),
            segment: StoredValue::new(None),
            slow: RwSignal::new(false),
            ghost_job: StoredValue::new_local(None),
            ghost_slice: StoredValue::new_local(None),
            ghost_done: StoredValue::new_local(None),
            ghost_progress: RwSignal::new(None),
            saved_at: StoredValue::new(state.history.with_value(History::horizon)),
            save_task: StoredValue::new_local(None),
        }
    }

    /// Starts the frame loop and the scout. The loop stops when the app is unmounted.
    pub fn start(self) {
        let mut last: Option<f64> = None;
        animation_loop(move |now| {
            if self.state.playing.try_get_untracked().is_none() {
                return false;
            }
            self.tick(last.map_or(0.0, |t| now - t));
            last = Some(now);
            self.drawers.try_update_value(|d| d.retain_mut(|draw| draw(now))).is_some()
        });
        // Looking ahead waits a task: the page's mount is long enough on a phone. (A run loaded
        // meanwhile restarts both itself, and drops this timer.)
        self.scout_slice.set_value(Some(Timeout::new(0, move || {
            self.scout_restart();
            self.ghost_restart();
        })));
    }

    /// Draws after the clock moved, every frame, for as long as `draw` returns true.
    pub fn on_frame(self, draw: impl FnMut(f64) -> bool + 'static) {
        self.drawers.update_value(|d| d.push(Box::new(draw)));
    }

    /// Model time (ms) the last finished seek took, summed over its slices.
    pub fn last_seek_ms(self) -> f64 {
        self.timing.get_value().last_seek_ms
    }

    pub fn send(self, cmd: PlayerCommand) {
        let s = self.state;
        if !matches!(cmd, PlayerCommand::PlaySegment { .. }) {
            // The user takes over: a new speed stays, anything else gets the speed back.
            self.end_segment(!matches!(cmd, PlayerCommand::SetSpeed(_)));
        }
        match cmd {
            PlayerCommand::Play => self.play(),
            PlayerCommand::Pause => s.playing.set(false),
            PlayerCommand::TogglePlay => {
                if s.playing.get_untracked() {
                    s.playing.set(false);
                } else {
                    self.play();
                }
            }
            PlayerCommand::SetSpeed(x) => s.speed.set(x),
            PlayerCommand::Cancel => {
                self.engine.update_value(Engine::cancel);
                self.slice.set_value(None);
                self.publish(true);
            }
            PlayerCommand::Step => self.seek(s.history.with_value(|h| h.minute().saturating_add(1))),
            PlayerCommand::StepBack => {
                if let Some(m) = s.history.with_value(|h| h.minute().checked_sub(1)) {
                    self.seek(m);
                }
            }
            PlayerCommand::Seek(m) => self.seek(m),
            PlayerCommand::Load(run) => self.load(*run),
            PlayerCommand::Act(action) => self.act(action),
            PlayerCommand::PlaySegment { from, until, speed } => {
                let restore = self.segment.get_value().map_or_else(|| s.speed.get_untracked(), |g| g.restore);
                self.seek(from);
                self.segment.set_value(Some(Segment { until, restore }));
                s.speed.set(speed);
                s.playing.set(until > from);
            }
        }
    }

    /// Whether a story step's segment is playing.
    pub fn in_segment(self) -> bool {
        self.segment.get_value().is_some()
    }

    fn end_segment(self, restore: bool) {
        if let Some(g) = self.segment.get_value() {
            self.segment.set_value(None);
            if restore {
                self.state.speed.set(g.restore);
            }
        }
    }

    /// The speed to play at now: "slow down at events" caps it near a landmark.
    fn paced(self, speed: f64) -> f64 {
        if !self.slow.get_untracked() || speed <= SLOW_SPEED || self.in_segment() {
            return speed;
        }
        let m = self.state.minute.get_untracked();
        let near = crate::player::flags(&self.state).iter().any(|l| l.minute + SLOW_AFTER >= m && l.minute <= m + SLOW_BEFORE);
        if near { SLOW_SPEED } else { speed }
    }

    /// Plays; at the run's end, from minute 0 again (as a player does at the end of a film).
    fn play(self) {
        let s = self.state;
        if s.history.with_value(History::at_end) && !self.engine.with_value(Engine::busy) {
            self.restart();
        }
        s.playing.set(true);
    }

    /// Back to minute 0 at once (the first checkpoint): the run's end when looping, or Play there.
    fn restart(self) {
        self.state.history.update_value(|h| h.seek(0));
        self.publish(true);
    }

    /// Pauses and starts a seek; the first slice runs now (a near minute lands at once), or, for
    /// a far seek at real scale, in the next task.
    fn seek(self, minute: u32) {
        self.state.playing.set(false);
        let in_flight = self.engine.with_value(Engine::busy);
        self.state.history.with_value(|h| self.engine.update_value(|e| e.seek(h, minute)));
        if !in_flight {
            self.timing.update_value(|t| t.seek_ms = 0.0);
            let near = self.state.history.with_value(|h| (h.minute()..=h.minute() + 2).contains(&minute));
            if self.state.heavy() && !near {
                // A real-scale minute is milliseconds of work on a phone: a far seek starts in a
                // task of its own, not inside whatever asked for it (the page's mount, a click).
                self.slice.set_value(Some(Soon::new(move || self.pump())));
                self.publish(false);
            } else {
                self.pump();
            }
        }
        // Otherwise the slice already scheduled takes up the new seek: a flood of seeks
        // (a fast drag, a host page's loop) costs one slice per task, not one seek each.
    }

    /// Runs one slice of the seek in flight and schedules the next one.
    fn pump(self) {
        let t0 = now_ms();
        let worked = self.engine.try_update_value(|e| self.state.history.try_update_value(|h| e.work(h, || now_ms() - t0 < SEEK_SLICE_MS)));
        if worked.flatten().is_none() {
            return; // unmounted
        }
        let busy = self.engine.with_value(Engine::busy);
        let spent = now_ms() - t0;
        self.timing.update_value(|t| {
            t.seek_ms += spent;
            if !busy {
                t.last_seek_ms = t.seek_ms;
            }
        });
        if !busy && spent >= SEEK_SLICE_MS / 3.0 {
            // A long seek lands in a task of its own: the map, charts and panels catching up
            // (tens of milliseconds on a phone) do not add to this slice's.
            self.slice.set_value(Some(Soon::new(move || self.publish(true))));
            return;
        }
        self.publish(!busy);
        self.slice.set_value(busy.then(|| Soon::new(move || self.pump())));
        self.keep_saved();
    }

    /// Saves a heavy run in this browser each time it has computed [`resume::SAVE_EVERY_MIN`]
    /// minutes more, in a task of its own, so a reopened link takes it up there.
    fn keep_saved(self) {
        let s = self.state;
        if !s.heavy() || self.save_task.with_value(Option::is_some) {
            return;
        }
        let due = s.history.with_value(|h| h.minute() == h.horizon() && h.minute() >= self.saved_at.get_value() + resume::SAVE_EVERY_MIN);
        if !due {
            return;
        }
        self.save_task.set_value(Some(Soon::new(move || {
            self.save_task.try_set_value(None);
            let saved = s.history.try_with_value(|h| h.save().map(|bytes| (h.scenario().clone(), h.minute(), bytes)));
            if let Some(Some((scenario, minute, bytes))) = saved {
                self.saved_at.set_value(minute);
                resume::store(&scenario, minute, bytes);
            }
        })));
    }

    /// Puts the clock and the seek's progress on show. While a seek runs, only its progress
    /// (at most every [`PUBLISH_EVERY_MS`]): the minute, which redraws the map, the charts and
    /// the panels, waits for the landing, so the seek gets the time.
    fn publish(self, landed: bool) {
        let Some((minute, progress)) = self.state.history.try_with_value(|h| (h.minute(), self.engine.with_value(|e| e.progress(h)))) else {
            return;
        };
        let s = self.state;
        let t = now_ms();
        let same_seek = s.progress.with_untracked(|p| p.map(|p| p.target)) == progress.map(|p| p.target);
        if !landed && same_seek && t - self.timing.get_value().published_at < PUBLISH_EVERY_MS {
            return;
        }
        self.timing.update_value(|x| x.published_at = t);
        if landed && s.minute.get_untracked() != minute {
            s.minute.set(minute);
        }
        if s.progress.get_untracked() != progress {
            s.progress.set(progress);
        }
    }

    /// One animation frame: plays as the speed asks, within a slice.
    fn tick(self, dt_ms: f64) {
        let s = self.state;
        let (Some(playing), Some(speed)) = (s.playing.try_get_untracked(), s.speed.try_get_untracked()) else { return };
        if !playing {
            self.engine.update_value(Engine::rest);
            return;
        }
        let until = self.segment.get_value().map_or(u32::MAX, |g| g.until);
        let speed = self.paced(speed);
        let t0 = now_ms();
        let steps = self.engine.try_update_value(|e| s.history.try_update_value(|h| e.play(h, dt_ms, speed, until, || now_ms() - t0 < SLICE_MS)));
        if steps.flatten().unwrap_or(0) > 0 {
            self.publish(true);
            self.keep_saved();
        }
        // The segment's end: hold there.
        if !self.engine.with_value(Engine::busy) && s.history.with_value(|h| h.minute()) >= until {
            s.playing.set(false);
            self.end_segment(true);
        }
        // The run's end: stop there, or (`loop=1`) start again from minute 0.
        if s.history.with_value(History::at_end) && !self.engine.with_value(Engine::busy) {
            if s.looping.get_untracked() {
                self.restart();
            } else {
                s.playing.set(false);
            }
        }
    }

    /// Replaces the run, then seeks to its minute.
    fn load(self, run: NewRun) {
        let s = self.state;
        self.engine.update_value(Engine::cancel);
        self.slice.set_value(None);
        // Only a new scenario is announced (the story stays open when a run of the same one loads).
        if s.scenario.get_untracked() != run.scenario.name {
            s.scenario.set(run.scenario.name.clone());
        }
        s.scale.set(run.scenario.params.scale);
        let mut h = History::new(run.scenario);
        h.set_ghost(run.ghost);
        s.history.set_value(h);
        self.saved_at.set_value(0);
        self.state.acted.set(vec![]);
        s.selected.set(None);
        s.revision.update(|r| *r += 1);
        self.publish(true);
        self.scout_restart();
        self.ghost_restart();
        let playing = s.playing.get_untracked();
        self.seek(run.minute);
        s.playing.set(playing);
    }

    /// Acts at the minute on show (cancelling the seek in flight), or says why it would do
    /// nothing.
    fn act(self, action: Action) {
        let s = self.state;
        if let Some(why) = s.history.with_value(|h| futile(h, &action)) {
            return s.notify(why);
        }
        self.engine.update_value(Engine::cancel);
        self.slice.set_value(None);
        let (minute, forked, from) = s.history.with_value(|h| {
            let from = match &action {
                Action::Set { key, .. } => h.world().params().get(key),
                _ => None,
            };
            (h.minute(), h.horizon() > h.minute(), from)
        });
        s.history.update_value(|h| h.act(action.clone()));
        self.state.acted.update(|log| whatif::record(log, Acted { minute, action, from }, forked));
        if forked {
            s.revision.update(|r| *r += 1);
        }
        self.publish(true);
        self.ghost_restart();
    }

    /// Puts the original run behind a what-if as its ghost: from the finished series kept, or
    /// computed in idle slices (progress in `ghost_progress`). Nothing when the run is the
    /// original.
    fn ghost_restart(self) {
        let s = self.state;
        let original = s.history.with_value(|h| whatif::original_of(h.scenario()));
        let changed = !self.state.acted.with_untracked(Vec::is_empty) || s.history.with_value(|h| *h.scenario() != original);
        if !changed {
            return;
        }
        if let Some(series) = self.ghost_done.with_value(|d| d.as_ref().filter(|(sc, _)| *sc == original).map(|(_, v)| v.clone())) {
            let stale = s.history.with_value(|h| h.ghost().map(<[_]>::len) != Some(series.len()));
            if stale {
                s.history.update_value(|h| h.set_ghost(Some(series.to_vec())));
                s.revision.update(|r| *r += 1);
            }
            return;
        }
        if self.ghost_job.with_value(|j| j.as_ref().is_some_and(|j| j.scenario == original)) {
            return;
        }
        let until = s.history.with_value(|h| h.horizon()).max(SPAN_MIN);
        self.ghost_job.set_value(Some(Scout::building(original.clone(), until).recording()));
        self.ghost_progress.set(Some(Progress { from: 0, at: 0, target: until }));
        self.ghost_later(50);
    }

    fn ghost_later(self, ms: u32) {
        self.ghost_slice.set_value(Some(Timeout::new(ms, move || self.ghost_tick())));
    }

    /// One idle slice of the original run; when done, it becomes the ghost.
    fn ghost_tick(self) {
        match self.engine.try_with_value(Engine::busy) {
            None => return,
            Some(true) => return self.ghost_later(50),
            Some(false) => {}
        }
        let t0 = now_ms();
        let budget = if self.state.heavy() { SLICE_MS * 0.6 } else { SLICE_MS };
        let Some(Some((done, at, until))) = self.ghost_job.try_update_value(|j| {
            j.as_mut().map(|j| {
                j.run(|| now_ms() - t0 < budget);
                (j.done(), j.minute(), j.until())
            })
        }) else {
            return;
        };
        if !done {
            let p = Some(Progress { from: 0, at, target: until });
            if self.ghost_progress.get_untracked().is_none_or(|q| at >= q.at + until / 50) {
                self.ghost_progress.set(p);
            }
            return self.ghost_later(if self.state.heavy() { 20 } else { 4 });
        }
        let Some(Some(job)) = self.ghost_job.try_update_value(Option::take) else { return };
        let series = Rc::new(job.series().map(<[_]>::to_vec).unwrap_or_default());
        self.ghost_done.set_value(Some((job.scenario, series)));
        self.ghost_progress.set(None);
        self.ghost_restart();
    }

    /// A new scout when the run's scenario is not the one being scouted (a fork keeps it).
    fn scout_restart(self) {
        let h = self.state.history;
        let sc = h.with_value(|h| h.scenario().clone());
        if self.scout.with_value(|s| s.as_ref().is_some_and(|s| s.scenario == sc)) {
            return;
        }
        // The run's own world at minute 0 is a copy away; any other is built a stage a slice.
        let scout = match h.with_value(|h| (h.minute() == 0).then(|| h.world().clone())) {
            Some(world) => Scout::new(sc.clone(), world, SPAN_MIN),
            None => Scout::building(sc.clone(), SPAN_MIN),
        };
        self.scout.set_value(Some(scout));
        self.state.ahead.set(Ahead { scenario: Some(sc), landmarks: vec![], minute: 0, until: SPAN_MIN });
        self.scout_later(50);
    }

    fn scout_later(self, ms: u32) {
        self.scout_slice.set_value(Some(Timeout::new(ms, move || self.scout_tick())));
    }

    /// One idle slice of scouting; the user's seeks come first.
    fn scout_tick(self) {
        match self.engine.try_with_value(Engine::busy) {
            None => return, // unmounted
            Some(true) => return self.scout_later(50),
            Some(false) => {}
        }
        let heavy = self.state.heavy();
        let t0 = now_ms();
        let budget = if heavy { SLICE_MS * 0.6 } else { SLICE_MS };
        let Some(Some((moved, done, minute, landmarks))) = self.scout.try_update_value(|s| {
            s.as_mut().map(|s| {
                let moved = s.run(|| now_ms() - t0 < budget);
                (moved, s.done(), s.minute(), moved.then(|| s.landmarks()))
            })
        }) else {
            return;
        };
        if let (true, Some(landmarks)) = (moved, landmarks) {
            self.state.ahead.update(|a| {
                a.minute = minute;
                a.landmarks = landmarks;
            });
        }
        if !done {
            // Playing a heavy run, the frames need the time: the scout takes a twentieth of it.
            let playing = self.state.playing.get_untracked();
            self.scout_later(match (heavy, playing) {
                (true, true) => 100,
                (true, false) => 20,
                _ => 4,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use overlay_sim::Scale;

    #[test]
    fn adding_a_mega_past_the_last_free_slot_says_so() {
        let mut h = History::new(Scenario::preset_at("dec-2010", Scale::Classroom).expect("preset"));
        let mega = Action::InjectMega { x: 0.5, y: 0.3 };
        for i in 0..USER_MEGAS {
            assert_eq!(futile(&h, &mega), None, "mega {i}");
            h.act(mega.clone());
            if i % 2 == 1 {
                h.step(); // some queued, some placed
            }
        }
        assert!(futile(&h, &mega).is_some_and(|why| why.contains("at most 16")));
        h.step();
        assert!(futile(&h, &mega).is_some(), "all placed: still none left");
        assert_eq!(futile(&h, &Action::Kill(0)), None);
    }
}
