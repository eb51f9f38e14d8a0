//! A run saved part way and taken up again. The world at a minute, with the series and events
//! up to it, as bytes: a browser keeps them, so reopening a link to a late minute of a
//! real-scale run computes only the minutes after the last saved one, not all of them again.
//! The bytes name the model (a hash of its source) and the run (its scenario), and are taken
//! up only by the same model for the same run: anything else is an error, never a wrong minute.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{Event, History, Metrics, Scenario, World, END_MIN};

/// A hash of the model's source (see `build.rs`).
pub const MODEL_STAMP: &str = env!("MODEL_STAMP");

#[derive(Serialize)]
struct Saving<'a> {
    stamp: &'a str,
    run: Vec<u8>,
    world: &'a World,
    moved: Vec<Moved>,
    series: &'a [Metrics],
    events: &'a [Event],
}

#[derive(Deserialize)]
struct Saved {
    stamp: String,
    run: Vec<u8>,
    world: World,
    moved: Vec<Moved>,
    series: Vec<Metrics>,
    events: Vec<Event>,
}

/// A slot whose rarely changed fields (place, group, capacity, mesh load) differ from the
/// start's: a mega-supernode placed in a group. The saved world leaves those fields out.
#[derive(Serialize, Deserialize)]
struct Moved {
    slot: u32,
    x: f32,
    y: f32,
    cap: f32,
    mesh_load: f32,
    group: u16,
}

impl Moved {
    /// The slots of `w` whose rarely changed fields differ from `start`'s.
    fn all(w: &World, start: &World) -> Vec<Moved> {
        let differs = |i: usize| (w.x[i], w.y[i], w.cap[i], w.mesh_load[i], w.group_of[i]) != (start.x[i], start.y[i], start.cap[i], start.mesh_load[i], start.group_of[i]);
        (0..w.state.len().min(start.state.len()))
            .filter(|&i| differs(i))
            .map(|i| Moved { slot: i as u32, x: w.x[i], y: w.y[i], cap: w.cap[i], mesh_load: w.mesh_load[i], group: w.group_of[i] })
            .collect()
    }

    /// Puts `start`'s fields into `w`, with the moved slots' own (shared with the start where
    /// none moved). False if a slot is out of range.
    fn apply(w: &mut World, start: &World, moved: &[Moved]) -> bool {
        (w.x, w.y, w.cap, w.mesh_load, w.group_of) = (start.x.clone(), start.y.clone(), start.cap.clone(), start.mesh_load.clone(), start.group_of.clone());
        moved.iter().all(|m| {
            let i = m.slot as usize;
            let fits = i < w.group_of.len();
            if fits {
                (Arc::make_mut(&mut w.x)[i], Arc::make_mut(&mut w.y)[i], Arc::make_mut(&mut w.cap)[i]) = (m.x, m.y, m.cap);
                (Arc::make_mut(&mut w.mesh_load)[i], w.group_of[i]) = (m.mesh_load, m.group);
            }
            fits
        })
    }
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

/// The runs the site ships saved points of (`overlay-sim points`, run by the build): the two
/// stories at real scale, unaltered. A link into one of them takes up the shipped point at or
/// before its minute and computes at most [`SHIPPED_EVERY_MIN`] minutes, not all of them.
pub const SHIPPED_RUNS: [&str; 2] = ["dec-2010", "aug-2007"];
/// Minutes between shipped points (the model's hourly checkpoints): a link computes fewer, a
/// few hundred milliseconds on a phone.
pub const SHIPPED_EVERY_MIN: u32 = 60;
/// The shipped points cover the first 48 hours (the stories and nearly every link).
pub const SHIPPED_UNTIL_MIN: u32 = 2880;

/// The site path of a shipped point: under the model's stamp, so a point saved by another
/// version of the model is never even fetched (nor found in a browser's cache).
pub fn shipped_path(name: &str, minute: u32) -> String {
    format!("runs/{MODEL_STAMP}/{name}-{minute:05}.bin")
}

/// The shipped point of `scenario`'s run at the latest minute at or before `minute`, as its
/// path and minute; `None` for a run the site ships no points of.
pub fn shipped_point(scenario: &Scenario, minute: u32) -> Option<(String, u32)> {
    let m = minute.min(SHIPPED_UNTIL_MIN) / SHIPPED_EVERY_MIN * SHIPPED_EVERY_MIN;
    if m == 0 {
        return None;
    }
    let run = run_of(scenario);
    let name = SHIPPED_RUNS.into_iter().find(|n| Scenario::preset_at(n, crate::Scale::Real).is_ok_and(|p| run_of(&p) == run))?;
    Some((shipped_path(name, m), m))
}

/// Every shipped point of the run `name` at real scale, as (minute, bytes), in order.
pub fn shipped_points(name: &str) -> Result<Vec<(u32, Vec<u8>)>, crate::ParamError> {
    let mut h = History::new(Scenario::preset_at(name, crate::Scale::Real)?);
    let mut out = vec![];
    while h.minute() < SHIPPED_UNTIL_MIN {
        h.step();
        if h.minute() % SHIPPED_EVERY_MIN == 0 {
            out.extend(h.save().map(|b| (h.minute(), b)));
        }
    }
    Ok(out)
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
        let moved = Moved::all(self.world(), self.start());
        let saving = Saving { stamp: MODEL_STAMP, run: run_of(self.scenario()), world: self.world(), moved, series, events };
        postcard::to_stdvec(&saving).ok()
    }

    /// The run of `scenario` taken up from `bytes` at the minute they were saved at. `start` is
    /// the scenario's world at minute 0 (it has the mesh and the script the bytes leave out).
    pub fn resume(scenario: Scenario, start: &World, bytes: &[u8]) -> Result<History, ResumeError> {
        let (world, series, events) = read_saved(&scenario, start, bytes)?;
        Ok(History::resumed(scenario, start.clone(), world, series, events))
    }

    /// [`History::resume`] keeping `start` itself as the run's minute 0 instead of a copy (a
    /// real-scale world is ~1.7 MB: the page takes up a link's run without copying it). On
    /// failure `start` comes back with the reason, for a run from minute 0.
    // The error hands the start back as the success hands a history over: a move of the
    // world's ~1.4 KB of headers, its arrays stay where they are.
    #[allow(clippy::result_large_err)]
    pub fn resume_from(scenario: Scenario, start: World, bytes: &[u8]) -> Result<History, (ResumeError, World)> {
        match read_saved(&scenario, &start, bytes) {
            Ok((world, series, events)) => Ok(History::resumed(scenario, start, world, series, events)),
            Err(why) => Err((why, start)),
        }
    }
}

/// The world, series and events saved in `bytes`, checked against `start` (the scenario's world
/// at minute 0) and completed from it.
fn read_saved(scenario: &Scenario, start: &World, bytes: &[u8]) -> Result<(World, Vec<Metrics>, Vec<Event>), ResumeError> {
    let saved: Saved = postcard::from_bytes(bytes).map_err(|_| ResumeError::Unreadable)?;
    if saved.stamp != MODEL_STAMP {
        return Err(ResumeError::OtherModel);
    }
    if saved.run != run_of(scenario) {
        return Err(ResumeError::OtherRun);
    }
    let Saved { mut world, moved, series, events, .. } = saved;
    let m = world.minute();
    let placed = Moved::apply(&mut world, start, &moved);
    let fits = [
        (start.minute() == 0, "the start is not minute 0"),
        ((1..=END_MIN).contains(&m), "its minute is out of range"),
        (series.len() == m as usize && series.iter().enumerate().all(|(i, r)| r.t_min as usize == i + 1), "its series is not minutes 1 to its minute"),
        (events.windows(2).all(|w| w[0].minute <= w[1].minute) && events.last().is_none_or(|e| e.minute <= m), "its events are out of order"),
        (same_shape(&world, start) && placed, "its network is another size"),
    ];
    if let Some((_, why)) = fits.iter().find(|(ok, _)| !ok) {
        return Err(ResumeError::Inconsistent(why));
    }
    // What the bytes leave out comes from the start.
    world.mesh = start.mesh.clone();
    world.script = start.script.clone();
    Ok((world, series, events))
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

    /// Only the stories' unaltered real-scale runs have shipped points, at or before the minute.
    #[test]
    fn shipped_points_are_found_for_the_stories_runs_only() {
        let dec = Scenario::preset("dec-2010").expect("preset");
        assert_eq!(shipped_point(&dec, 1500), Some((shipped_path("dec-2010", 1500), 1500)));
        assert_eq!(shipped_point(&dec, 2880).map(|p| p.1), Some(2880));
        assert_eq!(shipped_point(&dec, 9000).map(|p| p.1), Some(SHIPPED_UNTIL_MIN));
        assert_eq!(shipped_point(&dec, SHIPPED_EVERY_MIN - 1), None);
        assert_eq!(shipped_point(&Scenario::preset("aug-2007").expect("preset"), 719).map(|p| p.1), Some(660));
        assert_eq!(shipped_point(&dec, 1559).map(|p| p.1), Some(1500));
        let mut other = dec.clone();
        other.set("seed", "8").expect("seed");
        assert_eq!(shipped_point(&other, 1500), None);
        assert_eq!(shipped_point(&city(), 1500), None);
        assert_eq!(shipped_point(&Scenario::preset("sandbox").expect("preset"), 1500), None);
    }

    /// A point saved after mega-supernodes were placed (their place, group and capacity are
    /// not the start's) goes on exactly as the straight run.
    #[test]
    fn a_point_after_the_megas_were_placed_keeps_them() {
        let sc = city();
        let saved_at = 2400;
        let straight = run_to(&sc, saved_at + 120);
        let part = run_to(&sc, saved_at);
        assert!(!Moved::all(part.world(), part.start()).is_empty(), "megas placed by minute {saved_at}");
        let bytes = part.save().expect("saved");
        let mut resumed = History::resume(sc.clone(), &World::new(&sc), &bytes).expect("resumed");
        let w = resumed.world();
        assert!((w.x == part.world().x) && (w.cap == part.world().cap) && (w.group_of == part.world().group_of));
        while resumed.minute() < saved_at + 120 {
            resumed.step();
        }
        assert_eq!(resumed.series(), straight.series());
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
        // As the page takes it up: the world built for minute 0 becomes the run's start.
        let Ok(mut resumed) = History::resume_from(sc.clone(), World::new(&sc), &bytes) else { panic!("not resumed") };
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
        // Refused, the start comes back as it was, for a run from minute 0.
        let Err((why, start)) = History::resume_from(sc.clone(), World::new(&sc), b"") else { panic!("taken up") };
        assert_eq!(why, ResumeError::Unreadable);
        assert_eq!((start.minute(), start.snapshot().sn_state), (0, World::new(&sc).snapshot().sn_state));
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
