//! A run you can scrub: the world now, periodic checkpoints, the series and events so far,
//! and the user's actions by minute. Because a step is deterministic, any past minute is
//! restored exactly by cloning the nearest checkpoint and replaying the recorded actions.
//! The app owns *when* to step (the clock); this owns *what* each minute was.

use crate::landmark::{Landmark, LandmarkFinder};
use crate::{Action, Event, Inputs, Metrics, Scenario, World};
use std::collections::BTreeMap;

/// At most this many checkpoints are kept: past it, every other one is dropped and the interval
/// doubles, so memory stays flat on week-long runs (a seek then replays at most 2× further).
pub const MAX_CHECKPOINTS: usize = 50;
/// The last minute of every run: 14 simulated days. A run stops there, so everything a history
/// keeps per minute (the series, the events, the landmarks) is bounded by it.
pub const END_MIN: u32 = 14 * 24 * 60;

#[derive(Clone, Debug)]
pub struct History {
    scenario: Scenario,
    world: World,
    /// Worlds at past minutes, in minute order: minute 0, then multiples of `every` (and the
    /// minute a resumed run was saved at, [`crate::resume`]).
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
    /// The landmarks of minutes 1..=horizon.
    landmarks: LandmarkFinder,
    /// Bumped by every fork, so a replay planned before it is never put on show.
    forks: u64,
}

/// A seek computed off to the side: a copy of the nearest checkpoint, replayed minute by
/// minute while the world on show stays put, then swapped in ([`History::finish_replay`]).
/// Lets the app spread a long seek over many short slices.
#[derive(Clone, Debug)]
pub struct Replay {
    world: World,
    target: u32,
    forks: u64,
}

impl Replay {
    /// The minute this replay has reached, and the one it is going to.
    pub fn progress(&self) -> (u32, u32) {
        (self.world.minute(), self.target)
    }
    pub fn done(&self) -> bool {
        self.world.minute() >= self.target
    }
}

impl History {
    pub fn new(scenario: Scenario) -> History {
        let world = World::new(&scenario);
        History::from_world(scenario, world)
    }

    /// The history of a world already built for `scenario` (by [`crate::WorldBuild`], a
    /// stage at a time).
    pub fn from_world(scenario: Scenario, world: World) -> History {
        History::with_checkpoints(scenario, vec![world.clone()], world)
    }

    /// A history at `world`, with the checkpoints before it (minute 0's first).
    fn with_checkpoints(scenario: Scenario, checkpoints: Vec<World>, world: World) -> History {
        // Checkpoints cost a world each (~1.7 MB at real scale, the static arrays shared), so
        // hourly there (a scrub replays at most 59 minutes); every 30 minutes at smaller scales.
        let every = if world.ordinary_slots() > 10_000 { 60 } else { 30 };
        History {
            checkpoints,
            world,
            every,
            series: vec![],
            events: vec![],
            actions: BTreeMap::new(),
            ghost: None,
            horizon: 0,
            landmarks: LandmarkFinder::new(scenario.trigger_min),
            forks: 0,
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

    /// The actions queued for the next minute.
    pub fn queued(&self) -> &[Action] {
        self.actions.get(&(self.minute() + 1)).map_or(&[], Vec::as_slice)
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
        self.checkpoints.retain(|w| w.minute() <= m);
        self.actions.retain(|&k, _| k <= m);
        self.horizon = m;
        self.forks += 1;
        self.find_landmarks();
    }

    /// Finds the landmarks of the series and events kept, from the start.
    fn find_landmarks(&mut self) {
        self.landmarks = LandmarkFinder::new(self.scenario.trigger_min);
        for row in &self.series {
            let (a, b) = (self.events.partition_point(|e| e.minute < row.t_min), self.events.partition_point(|e| e.minute <= row.t_min));
            self.landmarks.observe(row, &self.events[a..b]);
        }
    }

    /// A run taken up again at `world`'s minute ([`crate::resume`] has checked the parts fit):
    /// `start` is the scenario's world at minute 0, the series and events are those up to it.
    pub(crate) fn resumed(scenario: Scenario, start: World, world: World, series: Vec<Metrics>, events: Vec<Event>) -> History {
        // The start is minute 0's checkpoint, and the world taken up the next (one copy: the
        // current world steps on from it).
        let taken_up = world.clone();
        let mut h = History::with_checkpoints(scenario, vec![start, taken_up], world);
        h.horizon = h.world.minute();
        h.series = series;
        h.events = events;
        h.find_landmarks();
        h
    }

    /// The world at minute 0.
    pub(crate) fn start(&self) -> &World {
        self.checkpoints.first().unwrap_or(&self.world)
    }

    /// Whether the user has acted on this run (a run saved for later has no actions).
    pub fn acted(&self) -> bool {
        !self.actions.is_empty()
    }

    /// The series and the events kept, up to the furthest minute computed.
    pub(crate) fn parts(&self) -> (&[Metrics], &[Event]) {
        (&self.series, &self.events)
    }

    /// Whether the world on show is at [`END_MIN`], where stepping stops.
    pub fn at_end(&self) -> bool {
        self.minute() >= END_MIN
    }

    /// One minute forward (replaying recorded history where it exists); at [`END_MIN`] it
    /// stays there and returns that minute's row.
    pub fn step(&mut self) -> &Metrics {
        if self.at_end() {
            return &self.series[END_MIN as usize - 1];
        }
        let next = self.minute() + 1;
        let report = self.world.step(&self.inputs(next));
        if next > self.horizon {
            self.landmarks.observe(&report.metrics, &report.events);
            self.series.push(report.metrics);
            for e in report.events {
                if self.keeps(&e) {
                    self.events.push(e);
                }
            }
            self.horizon = next;
        }
        if next.is_multiple_of(self.every) && self.checkpoints.last().is_none_or(|w| w.minute() < next) {
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

    /// The recorded actions of minute `m`.
    fn inputs(&self, m: u32) -> Inputs {
        Inputs { actions: self.actions.get(&m).cloned().unwrap_or_default() }
    }

    /// Moves to `minute` exactly (at most [`END_MIN`]): from the nearest checkpoint at or
    /// before it, replaying.
    pub fn seek(&mut self, minute: u32) {
        let minute = minute.min(END_MIN);
        if let Some(mut r) = self.replay_to(minute) {
            while !self.replay_step(&mut r) {}
            self.finish_replay(r);
        }
        while self.minute() < minute {
            self.step();
        }
    }

    /// Plans a seek toward `minute` within the computed run (capped at the horizon) that starts
    /// from a checkpoint. None when stepping the world on show forward is as quick: then
    /// [`History::step`] gets there (and past the horizon, computes the new minutes).
    pub fn replay_to(&self, minute: u32) -> Option<Replay> {
        let cur = self.minute();
        let target = minute.min(self.horizon);
        if target == cur || (target > cur && target - cur <= self.every) {
            return None;
        }
        let k = self.checkpoints.partition_point(|w| w.minute() <= target).checked_sub(1)?;
        let from = &self.checkpoints[k];
        if target > cur && from.minute() <= cur {
            return None; // the nearest checkpoint is behind the world on show
        }
        Some(Replay { world: from.clone(), target, forks: self.forks })
    }

    /// Replays one minute; true once the replay has reached its minute.
    pub fn replay_step(&self, r: &mut Replay) -> bool {
        if !r.done() {
            let next = r.world.minute() + 1;
            r.world.step(&self.inputs(next));
        }
        r.done()
    }

    /// Puts a finished replay's world on show. An unfinished one (or one made stale by a fork
    /// or a new run) is dropped, and the world stays where it was.
    pub fn finish_replay(&mut self, r: Replay) {
        if r.done() && r.forks == self.forks {
            self.world = r.world;
        }
    }

    /// One minute back (exact: a seek).
    pub fn back(&mut self) {
        if let Some(m) = self.minute().checked_sub(1) {
            self.seek(m);
        }
    }

    /// Landmarks of the run so far (minutes 1..=horizon), in minute order.
    pub fn landmarks(&self) -> Vec<Landmark> {
        self.landmarks.list()
    }
    /// The landmark finder itself (peak, low point and recovery so far).
    pub fn landmark_finder(&self) -> &LandmarkFinder {
        &self.landmarks
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
    fn landmarks_follow_the_story() {
        use crate::landmark::LandmarkKind as L;
        // The scripted inputs are landmarks at their minutes, whatever the storm does.
        let sc = Scenario::preset_at("dec-2010", Scale::City).expect("preset");
        let first_wave = sc.params.mega_first_wave_min;
        let mut h = History::new(sc.clone());
        for _ in 0..24 * 60 {
            h.step();
        }
        let marks = h.landmarks();
        let at = |minute: u32, kind: L| marks.iter().any(|m| m.minute == minute && m.kind == kind);
        let trigger = sc.trigger_min.expect("dec-2010 has a trigger");
        assert!(at(trigger, L::ImOverload), "{marks:?}");
        assert!(at(first_wave, L::GroupVideoOff), "{marks:?}");
        assert!(marks.iter().any(|m| m.minute == first_wave && matches!(m.kind, L::MegaWave { wave: 1, count } if count > 0)), "{marks:?}");
        assert!(marks.windows(2).all(|p| p[0].minute <= p[1].minute));
        // The page's history and the runner find the same landmarks: one set of rules.
        assert_eq!(marks, crate::run::run_with_landmarks(&sc, 24).2);
    }

    #[test]
    fn a_storm_has_its_losses_groups_down_peak_and_low_point() {
        use crate::landmark::LandmarkKind as L;
        // Killing 60% of the supernodes at minute 60 overloads the rest.
        let mut sc = Scenario::preset_at("random-failure", Scale::City).expect("preset");
        sc.set("kill_fraction", "0.6").expect("valid");
        let groups = World::new(&sc).groups().len() as u16;
        let mut h = History::new(sc);
        for _ in 0..6 * 60 {
            h.step();
        }
        let marks = h.landmarks();
        let has = |f: &dyn Fn(&L) -> bool| marks.iter().any(|m| m.minute >= 60 && f(&m.kind));
        assert!(has(&|k| matches!(k, L::Killed { count, .. } if *count > 0)), "{marks:?}");
        assert!(has(&|k| matches!(k, L::FirstShutdown { load } if *load > 1.0)), "{marks:?}");
        assert!(has(&|k| matches!(k, L::SupernodesLost { percent: 50 })), "{marks:?}");
        assert!(has(&|k| matches!(k, L::GroupDown { group, count, down } if *group < groups && *count >= 1 && *down >= *count)), "{marks:?}");
        assert!(has(&|k| matches!(k, L::PeakLoad { ratio } if *ratio > crate::landmark::PEAK_ABOVE)), "{marks:?}");
        assert!(has(&|k| matches!(k, L::LowPoint { .. })), "{marks:?}");
    }

    #[test]
    fn a_fork_finds_its_own_landmarks_again() {
        let mut h = city();
        for _ in 0..600 {
            h.step();
        }
        let before: Vec<_> = h.landmarks().into_iter().filter(|l| l.minute <= 280 && !l.kind.provisional()).collect();
        h.seek(280);
        let alive = (0..h.world().ordinary_slots() as u32).find(|&i| h.world().snapshot().sn_state[i as usize] == crate::SlotState::Alive).expect("a live supernode");
        h.act(Action::Kill(alive));
        let after: Vec<_> = h.landmarks().into_iter().filter(|l| !l.kind.provisional()).collect();
        assert_eq!(before, after, "the past keeps its landmarks");
        h.step();
        assert!(h.landmarks().iter().any(|l| l.minute == 281 && matches!(l.kind, crate::landmark::LandmarkKind::Killed { count: 1, slot } if slot == alive)));
    }

    #[test]
    fn a_run_stops_at_its_end_and_keeps_no_more() {
        let mut h = History::new(Scenario::preset_at("dec-2010", Scale::Classroom).expect("preset"));
        for _ in 0..END_MIN + 500 {
            h.step();
        }
        assert!(h.at_end());
        assert_eq!((h.minute(), h.horizon(), h.series().len()), (END_MIN, END_MIN, END_MIN as usize));
        let last = *h.step();
        assert_eq!((h.minute(), last), (END_MIN, h.series()[END_MIN as usize - 1]), "stepping at the end stays there");
        h.seek(u32::MAX);
        assert_eq!(h.minute(), END_MIN, "a seek past the end lands on it");
        h.seek(0);
        assert_eq!(h.minute(), 0);
        assert!(h.checkpoint_stats().0 <= MAX_CHECKPOINTS + 1);
    }

    #[test]
    fn a_replay_lands_exactly_where_a_seek_does() {
        let mut h = city();
        for _ in 0..400 {
            h.step();
        }
        let want = h.series()[149];
        let mut r = h.replay_to(150).expect("a replay from the checkpoint at 150");
        assert_eq!(h.minute(), 400, "the world on show stays put while replaying");
        let mut n = 0;
        while !h.replay_step(&mut r) {
            n += 1;
        }
        h.finish_replay(r);
        assert_eq!((h.minute(), h.metrics()), (150, want));
        assert!(n <= 30, "replayed {n} minutes");
        assert!(h.replay_to(160).is_none(), "ten minutes ahead: just step");
    }
}
