//! A run saved part way and taken up again. The world at a minute, with the series and events
//! up to it, as bytes: a browser keeps them, so reopening a link to a late minute of a
//! real-scale run computes only the minutes after the last saved one, not all of them again.
//! The bytes name the model (a hash of its source) and the run (its scenario), and are taken
//! up only by the same model for the same run: anything else is an error, never a wrong minute.

use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::{Event, History, Metrics, Scenario, World, END_MIN};

/// A hash of the model's source (see `build.rs`).
pub const MODEL_STAMP: &str = env!("MODEL_STAMP");

#[derive(Serialize)]
struct Saving<'a> {
    stamp: &'a str,
    run: Vec<u8>,
    world: &'a World,
    series: &'a [Metrics],
    events: &'a [Event],
}

#[derive(Deserialize)]
struct Saved {
    stamp: String,
    run: Vec<u8>,
    world: World,
    series: Vec<Metrics>,
    events: Vec<Event>,
}

/// Why saved bytes were not taken up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResumeError {
    /// Not a saved run (or cut short).
    Unreadable,
    /// Saved by another version of the model.
    OtherModel,
    /// Saved for another scenario (parameters, seed or scale).
    OtherRun,
    /// The parts do not fit together or the scenario's world.
    Inconsistent(&'static str),
}

impl std::fmt::Display for ResumeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResumeError::Unreadable => write!(f, "not a saved run"),
            ResumeError::OtherModel => write!(f, "saved by another version of the model"),
            ResumeError::OtherRun => write!(f, "saved for another run"),
            ResumeError::Inconsistent(why) => write!(f, "a saved run that does not fit: {why}"),
        }
    }
}

/// The run a scenario makes: the model's stamp and every parameter and scripted event.
fn run_of(scenario: &Scenario) -> Vec<u8> {
    let mut run = MODEL_STAMP.as_bytes().to_vec();
    run.extend(postcard::to_stdvec(scenario).unwrap_or_default());
    run
}

/// A short name for the run a scenario makes under this model (to file saved bytes under).
pub fn run_id(scenario: &Scenario) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    run_of(scenario).hash(&mut h);
    h.finish()
}

/// Whether every per-slot and per-group array of `w` has the length of `start`'s (a step
/// indexes them all by slot or group).
fn same_shape(w: &World, start: &World) -> bool {
    let n = start.state.len();
    let slots = [w.state.len(), w.timer.len(), w.since.len(), w.buggy.len(), w.crash_mark.len(), w.cause.len(), w.cause_load.len(), w.attached.len()]
        .into_iter()
        .chain([w.load.len(), w.ewma.len(), w.orphaned_now.len(), w.accepted_now.len(), w.group_of.len(), w.x.len(), w.y.len(), w.cap.len(), w.mesh_load.len()]);
    let groups = w.groups.len() == start.groups.len();
    slots.into_iter().all(|len| len == n) && groups && w.groups.iter().zip(&start.groups).all(|(a, b)| (a.start, a.end, &a.near) == (b.start, b.end, &b.near))
}

impl History {
    /// The run at the minute on show, as bytes to take up later: only at its newest minute and
    /// only an unaltered scenario run (a run the user acted on is not the link's run).
    pub fn save(&self) -> Option<Vec<u8>> {
        let m = self.minute();
        if m == 0 || m != self.horizon() || self.acted() {
            return None;
        }
        let (series, events) = self.parts();
        let saving = Saving { stamp: MODEL_STAMP, run: run_of(self.scenario()), world: self.world(), series, events };
        postcard::to_stdvec(&saving).ok()
    }

    /// The run of `scenario` taken up from `bytes` at the minute they were saved at. `start` is
    /// the scenario's world at minute 0 (it has the mesh and the script the bytes leave out).
    pub fn resume(scenario: Scenario, start: &World, bytes: &[u8]) -> Result<History, ResumeError> {
        let saved: Saved = postcard::from_bytes(bytes).map_err(|_| ResumeError::Unreadable)?;
        if saved.stamp != MODEL_STAMP {
            return Err(ResumeError::OtherModel);
        }
        if saved.run != run_of(&scenario) {
            return Err(ResumeError::OtherRun);
        }
        let Saved { mut world, series, events, .. } = saved;
        let m = world.minute();
        let fits = [
            (start.minute() == 0, "the start is not minute 0"),
            ((1..=END_MIN).contains(&m), "its minute is out of range"),
            (series.len() == m as usize && series.iter().enumerate().all(|(i, r)| r.t_min as usize == i + 1), "its series is not minutes 1 to its minute"),
            (events.windows(2).all(|w| w[0].minute <= w[1].minute) && events.last().is_none_or(|e| e.minute <= m), "its events are out of order"),
            (same_shape(&world, start), "its network is another size"),
        ];
        if let Some((_, why)) = fits.iter().find(|(ok, _)| !ok) {
            return Err(ResumeError::Inconsistent(why));
        }
        // What the bytes leave out, and the arrays a run rarely changes, come from the start.
        world.mesh = start.mesh.clone();
        world.script = start.script.clone();
        for (a, b) in [(&mut world.x, &start.x), (&mut world.y, &start.y), (&mut world.cap, &start.cap), (&mut world.mesh_load, &start.mesh_load)] {
            if a == b {
                *a = b.clone();
            }
        }
        Ok(History::resumed(scenario, start.clone(), world, series, events))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Params, Scale};

    fn city() -> Scenario {
        Scenario::preset_at("dec-2010", Scale::City).expect("preset")
    }

    fn run_to(sc: &Scenario, m: u32) -> History {
        let mut h = History::new(sc.clone());
        while h.minute() < m {
            h.step();
        }
        h
    }

    /// Taking a run up from its bytes and going on gives the very minutes of running straight
    /// through: the world's state is all in the bytes, or the start.
    #[test]
    fn a_resumed_run_goes_on_exactly_as_the_straight_run() {
        let sc = city();
        // Past the trigger and the first crashes, so the state is far from its start.
        let saved_at = 1530;
        let straight = run_to(&sc, saved_at + 300);
        let mut part = run_to(&sc, saved_at);
        let bytes = part.save().expect("saved");
        let mut resumed = History::resume(sc.clone(), &World::new(&sc), &bytes).expect("resumed");
        assert_eq!((resumed.minute(), resumed.horizon()), (saved_at, saved_at));
        assert_eq!(resumed.series(), part.series());
        assert_eq!(resumed.events(), part.events());
        assert_eq!(resumed.landmarks(), part.landmarks());
        while resumed.minute() < saved_at + 300 {
            resumed.step();
            part.step();
        }
        assert_eq!(resumed.series(), straight.series(), "every row after the resume is the straight run's");
        assert_eq!(resumed.world().snapshot().sn_state, straight.world().snapshot().sn_state);
        // Scrubbing back into the part before the resume replays from minute 0, exactly.
        resumed.seek(777);
        assert_eq!(resumed.metrics(), straight.series()[776]);
        resumed.seek(saved_at + 10);
        assert_eq!(resumed.metrics(), straight.series()[(saved_at + 10) as usize - 1]);
    }

    #[test]
    fn bytes_of_another_run_or_broken_bytes_are_refused() {
        let sc = city();
        let bytes = run_to(&sc, 120).save().expect("saved");
        let mut other = sc.clone();
        other.params = Params { seed: sc.params.seed + 1, ..sc.params.clone() };
        assert_eq!(History::resume(other.clone(), &World::new(&other), &bytes).err(), Some(ResumeError::OtherRun));
        assert_eq!(History::resume(sc.clone(), &World::new(&sc), &bytes[..bytes.len() / 2]).err(), Some(ResumeError::Unreadable));
        assert_eq!(History::resume(sc.clone(), &World::new(&sc), b"").err(), Some(ResumeError::Unreadable));
        let mut started = History::new(sc.clone());
        started.step();
        assert!(matches!(History::resume(sc.clone(), started.world(), &bytes), Err(ResumeError::Inconsistent(_))));
        assert_ne!(run_id(&sc), run_id(&other));
    }

    #[test]
    fn a_run_acted_on_or_not_at_its_newest_minute_is_not_saved() {
        let sc = city();
        let mut h = run_to(&sc, 60);
        assert!(h.save().is_some());
        h.seek(30);
        assert!(h.save().is_none(), "behind the horizon");
        h.seek(60);
        h.act(crate::Action::Kill(0));
        h.step();
        assert!(h.save().is_none(), "acted on");
        assert!(History::new(sc).save().is_none(), "minute 0 needs no saving");
    }
}
