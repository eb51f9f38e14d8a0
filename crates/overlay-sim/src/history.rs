//! A run you can scrub: the world now, periodic checkpoints, the series and events so far,
//! and the user's actions by minute. Because a step is deterministic, any past minute is
//! restored exactly by cloning the nearest checkpoint and replaying the recorded actions.
//! The app owns *when* to step (the clock); this owns *what* each minute was.

use crate::{Action, Event, Inputs, Metrics, Scenario, World};
use std::collections::BTreeMap;

/// The story's landmarks, found in the events and the series (for timeline markers).
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub minute: u32,
    pub label: &'static str,
}

/// At most this many checkpoints are kept: past it, every other one is dropped and the interval
/// doubles, so memory stays flat on week-long runs (a seek then replays at most 2× further).
pub const MAX_CHECKPOINTS: usize = 50;

#[derive(Clone, Debug)]
pub struct History {
    scenario: Scenario,
    world: World,
    /// `checkpoints[k]` is the world at minute `k * every`.
    checkpoints: Vec<World>,
    every: u32,
    /// `series[m - 1]` is the metrics row of minute m (minute 0 has no row).
    series: Vec<Metrics>,
    /// The notable events so far, in minute order (see `keeps`).
    events: Vec<Event>,
    actions: BTreeMap<u32, Vec<Action>>,
    /// The series of the run this one was forked from, for comparison.
    ghost: Option<Vec<Metrics>>,
    /// The furthest minute computed; seeking back keeps series and events up to here.
    horizon: u32,
}

impl History {
    pub fn new(scenario: Scenario) -> History {
        let world = World::new(&scenario);
        // Checkpoints cost a world each (~1.7 MB at real scale, the static arrays shared), so
        // hourly there (a scrub replays at most 59 minutes); every 30 minutes at smaller scales.
        let every = if world.ordinary_slots() > 10_000 { 60 } else { 30 };
        History {
            checkpoints: vec![world.clone()],
            world,
            every,
            series: vec![],
            events: vec![],
            actions: BTreeMap::new(),
            ghost: None,
            horizon: 0,
            scenario,
        }
    }

    pub fn world(&self) -> &World {
        &self.world
    }
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn minute(&self) -> u32 {
        self.world.minute()
    }
    /// Checkpoints kept and the minutes between them (for memory accounting).
    pub fn checkpoint_stats(&self) -> (usize, u32) {
        (self.checkpoints.len(), self.every)
    }
    /// The furthest minute computed so far.
    pub fn horizon(&self) -> u32 {
        self.horizon
    }
    /// Rows for minutes 1..=horizon.
    pub fn series(&self) -> &[Metrics] {
        &self.series
    }
    pub fn ghost(&self) -> Option<&[Metrics]> {
        self.ghost.as_deref()
    }
    pub fn events(&self) -> &[Event] {
        &self.events
    }
    /// The metrics row of the current minute (the initial state at minute 0).
    pub fn metrics(&self) -> Metrics {
        self.world.metrics_now()
    }
    /// Events of minutes in `from..=to`.
    pub fn events_between(&self, from: u32, to: u32) -> &[Event] {
        let a = self.events.partition_point(|e| e.minute < from);
        let b = self.events.partition_point(|e| e.minute <= to);
        &self.events[a..b]
    }

    /// Queues a user action for the next minute. Acting in the past forks: the future after
    /// this minute is recomputed, and the old series stays as a ghost.
    pub fn act(&mut self, action: Action) {
        let m = self.minute();
        if self.horizon > m {
            self.fork();
        }
        self.actions.entry(m + 1).or_default().push(action);
    }

    /// Sets the series shown as a ghost (e.g. the original run, after replaying a new plan).
    pub fn set_ghost(&mut self, ghost: Option<Vec<Metrics>>) {
        self.ghost = ghost;
    }

    /// Forgets the future after the current minute, keeping the old series as the ghost.
    pub fn fork(&mut self) {
        let m = self.minute();
        if self.ghost.is_none() {
            self.ghost = Some(self.series.clone());
        }
        self.series.truncate(m as usize);
        let keep = self.events.partition_point(|e| e.minute <= m);
        self.events.truncate(keep);
        self.checkpoints.truncate((m / self.every + 1) as usize);
        self.actions.retain(|&k, _| k <= m);
        self.horizon = m;
    }

    /// One minute forward (replaying recorded history where it exists).
    pub fn step(&mut self) -> &Metrics {
        let next = self.minute() + 1;
        let inputs = Inputs { actions: self.actions.get(&next).cloned().unwrap_or_default() };
        let report = self.world.step(&inputs);
        if next > self.horizon {
            self.series.push(report.metrics);
            for e in report.events {
                if self.keeps(&e) {
                    self.events.push(e);
                }
            }
            self.horizon = next;
        }
        if next % self.every == 0 && self.checkpoints.len() == (next / self.every) as usize {
            self.checkpoints.push(self.world.clone());
            if self.checkpoints.len() > MAX_CHECKPOINTS {
                let mut k = 0;
                self.checkpoints.retain(|_| {
                    k += 1;
                    k % 2 == 1
                });
                self.every *= 2;
            }
        }
        &self.series[next as usize - 1]
    }

    /// Which events the history keeps: network-wide ones, kills and mega-supernode arrivals,
    /// and only the *first* crash, overload shutdown and reboot. The per-supernode churn of a
    /// real-scale storm (millions of restarts and shutdowns) stays in each step's report and
    /// in the snapshot's `sn_since`, so memory stays flat on long runs.
    fn keeps(&self, e: &Event) -> bool {
        use crate::EventKind as K;
        match e.kind {
            K::Crash | K::OverloadShutdown | K::Rebooted => !self.events.iter().any(|x| x.kind == e.kind),
            K::Restart | K::Promotion => false,
            _ => true,
        }
    }

    /// Moves to `minute` exactly: from the nearest checkpoint at or before it, replaying.
    pub fn seek(&mut self, minute: u32) {
        let cur = self.minute();
        if minute == cur {
            return;
        }
        if minute < cur || minute - cur > self.every {
            let k = ((minute / self.every) as usize).min(self.checkpoints.len() - 1);
            if minute < cur || (k as u32) * self.every > cur {
                self.world = self.checkpoints[k].clone();
            }
        }
        while self.minute() < minute {
            self.step();
        }
    }

    /// One minute back (exact: a seek).
    pub fn back(&mut self) {
        if let Some(m) = self.minute().checked_sub(1) {
            self.seek(m);
        }
    }

    /// Landmarks of the run so far: the trigger, the first supernode losses, peak load, each
    /// mega-supernode wave and the recovery to 90% of expected.
    pub fn markers(&self) -> Vec<Marker> {
        use crate::EventKind as K;
        let mut out = vec![];
        if let Some(t) = self.scenario.trigger_min {
            out.push(Marker { minute: t, label: "trigger" });
        }
        if let Some(e) = self.events.iter().find(|e| matches!(e.kind, K::OverloadShutdown)) {
            out.push(Marker { minute: e.minute, label: "first overload shutdown" });
        }
        let trig = self.scenario.trigger_min.unwrap_or(0);
        if let Some(peak) = self.series.iter().filter(|m| m.t_min >= trig).max_by(|a, b| a.signalling_ratio.total_cmp(&b.signalling_ratio)) {
            if peak.signalling_ratio > 3.0 {
                out.push(Marker { minute: peak.t_min, label: "peak load" });
            }
        }
        let mut last_wave = None;
        for e in self.events.iter().filter(|e| e.kind == K::MegaArrival) {
            if last_wave != Some(e.minute) {
                out.push(Marker { minute: e.minute, label: "mega-supernodes" });
                last_wave = Some(e.minute);
            }
        }
        let trough = self.series.iter().filter(|m| m.t_min >= trig).min_by(|a, b| a.online_fraction().total_cmp(&b.online_fraction()));
        if let Some(tr) = trough.filter(|m| m.online_fraction() < 0.9) {
            if let Some(r) = self.series.iter().find(|m| m.t_min > tr.t_min && m.online_fraction() >= 0.9) {
                out.push(Marker { minute: r.t_min, label: "recovered to 90%" });
            }
        }
        out.sort_by_key(|m| m.minute);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scale;

    fn city() -> History {
        History::new(Scenario::preset_at("dec-2010", Scale::City).expect("preset"))
    }

    #[test]
    fn stepping_back_and_seeking_are_exact() {
        let mut h = city();
        for _ in 0..400 {
            h.step();
        }
        let at_400 = h.metrics();
        h.seek(123);
        assert_eq!(h.minute(), 123);
        assert_eq!(h.metrics(), h.series()[122]);
        h.seek(400);
        assert_eq!(h.metrics(), at_400);
        h.back();
        assert_eq!(h.metrics(), h.series()[398]);
        assert_eq!(h.horizon(), 400);
    }

    #[test]
    fn acting_in_the_past_forks_and_keeps_a_ghost() {
        let mut h = city();
        for _ in 0..300 {
            h.step();
        }
        h.seek(100);
        h.act(Action::Kill(3));
        assert_eq!(h.horizon(), 100);
        assert_eq!(h.ghost().map(<[Metrics]>::len), Some(300));
        for _ in 0..200 {
            h.step();
        }
        assert_ne!(h.series()[150], h.ghost().expect("ghost")[150], "the future changed");
        assert_eq!(h.series()[50], h.ghost().expect("ghost")[50], "the past did not");
    }

    #[test]
    fn markers_follow_the_story() {
        let mut h = History::new(Scenario::preset_at("dec-2010", Scale::City).expect("preset"));
        for _ in 0..48 * 60 {
            h.step();
        }
        let labels: Vec<_> = h.markers().iter().map(|m| m.label).collect();
        for l in ["trigger", "first overload shutdown", "peak load", "mega-supernodes", "recovered to 90%"] {
            assert!(labels.contains(&l), "{labels:?} lacks {l}");
        }
    }
}
