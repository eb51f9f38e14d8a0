//! The clock's engine, free of the browser: what a seek or a frame of play does to the run,
//! in units of work small enough to stop after any one (a minute of the model). The clock
//! (`super::Clock`) decides when to call it and for how long.

use overlay_sim::{History, Replay, END_MIN};

use crate::app_state::Progress;

/// "As fast as possible" never steps more than this many minutes in one frame.
const MAX_STEPS_PER_FRAME: u32 = 10_000;

/// A seek under way.
enum Job {
    /// Replaying from a checkpoint off to the side (the world on show stays put), then on to
    /// `target` if it lies past the computed run.
    Replay { replay: Box<Replay>, target: u32 },
    /// Stepping the world on show forward to `target` (computing new minutes past the horizon).
    Chase { target: u32 },
}

/// The job in flight (with the minute its computing started from) and the fraction of a
/// minute owed to the clock between frames.
#[derive(Default)]
pub struct Engine {
    job: Option<(Job, u32)>,
    owed: f64,
}

impl Engine {
    /// Starts going to `minute` (at most the run's end), replacing the seek in flight (it
    /// lands nowhere).
    pub fn seek(&mut self, h: &History, minute: u32) {
        let minute = minute.min(END_MIN);
        self.job = Some(match h.replay_to(minute) {
            Some(replay) => {
                let from = replay.progress().0;
                (Job::Replay { replay: Box::new(replay), target: minute }, from)
            }
            None => (Job::Chase { target: minute }, h.minute()),
        });
    }

    /// Drops the seek in flight: the world stays at the last minute on show.
    pub fn cancel(&mut self) {
        self.job = None;
    }

    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// How far the seek in flight has got.
    pub fn progress(&self, h: &History) -> Option<Progress> {
        let (job, from) = self.job.as_ref()?;
        let (at, target) = match job {
            Job::Replay { replay, target } => (replay.progress().0, *target),
            Job::Chase { target } => (h.minute(), *target),
        };
        Some(Progress { from: *from, at, target })
    }

    /// Works on the seek in flight: one minute, then more while `more()` says there is time.
    /// Returns whether the world on show moved.
    pub fn work(&mut self, h: &mut History, mut more: impl FnMut() -> bool) -> bool {
        let mut moved = false;
        let mut first = true;
        while self.job.is_some() && (first || more()) {
            first = false;
            let Some((job, from)) = self.job.take() else { break };
            self.job = match job {
                Job::Replay { mut replay, target } => {
                    if h.replay_step(&mut replay) {
                        h.finish_replay(*replay);
                        moved = true;
                        (target > h.minute()).then_some((Job::Chase { target }, from))
                    } else {
                        Some((Job::Replay { replay, target }, from))
                    }
                }
                Job::Chase { target } => {
                    if h.minute() < target {
                        h.step();
                        moved = true;
                    }
                    (h.minute() < target).then_some((Job::Chase { target }, from))
                }
            };
        }
        moved
    }

    /// Forgets the fraction of a minute owed (the clock is paused).
    pub fn rest(&mut self) {
        self.owed = 0.0;
    }

    /// One animation frame of play at `speed` minutes a second (infinite: as many as `more()`
    /// allows), `dt_ms` after the last frame, never past minute `until`. A frame too slow for
    /// its minutes drops the rest, so the clock slows down rather than freezing the page.
    /// Returns the minutes stepped.
    pub fn play(&mut self, h: &mut History, dt_ms: f64, speed: f64, until: u32, mut more: impl FnMut() -> bool) -> u32 {
        if self.busy() {
            self.owed = 0.0;
            return 0;
        }
        let due = if speed.is_finite() {
            let owed = self.owed + dt_ms.clamp(0.0, 250.0) / 1000.0 * speed.max(0.0);
            let n = owed.floor().min(64.0);
            self.owed = (owed - n).min(1.0);
            n as u32
        } else {
            MAX_STEPS_PER_FRAME
        };
        let mut steps = 0;
        while steps < due && h.minute() < until && !h.at_end() && (steps == 0 || more()) {
            h.step();
            steps += 1;
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use overlay_sim::{Scale, Scenario};

    fn city() -> History {
        History::new(Scenario::preset_at("dec-2010", Scale::City).expect("preset"))
    }

    /// Works the engine in slices of `n` minutes until the seek lands; returns the slices.
    fn finish(e: &mut Engine, h: &mut History, n: u32) -> u32 {
        let mut slices = 0;
        while e.busy() {
            let mut left = n;
            e.work(h, || {
                left -= 1;
                left > 0
            });
            slices += 1;
        }
        slices
    }

    #[test]
    fn a_sliced_seek_lands_on_the_same_row_as_playing() {
        let mut played = city();
        for _ in 0..500 {
            played.step();
        }
        let mut h = city();
        let mut e = Engine::default();
        e.seek(&h, 500);
        let slices = finish(&mut e, &mut h, 7);
        assert_eq!((h.minute(), h.metrics()), (500, played.metrics()));
        assert!(slices >= 500 / 7, "{slices} slices of 7 minutes");
        // Back to 120: replayed off to the side from the checkpoint at 120 or before.
        e.seek(&h, 137);
        assert_eq!(e.progress(&h).map(|p| (p.target, h.minute())), Some((137, 500)), "the world on show waits");
        finish(&mut e, &mut h, 5);
        assert_eq!(h.metrics(), played.series()[136]);
    }

    #[test]
    fn a_new_seek_supersedes_the_one_in_flight() {
        let mut h = city();
        let mut e = Engine::default();
        e.seek(&h, 900);
        e.work(&mut h, || false);
        assert!(e.busy() && h.minute() == 1);
        e.seek(&h, 40);
        finish(&mut e, &mut h, 100);
        assert_eq!(h.minute(), 40);
        e.seek(&h, 800);
        e.work(&mut h, || false);
        e.cancel();
        assert!(!e.busy());
        assert_eq!(h.minute(), 41, "a cancelled seek stays where it got to");
    }

    #[test]
    fn play_follows_the_speed_and_waits_for_a_seek() {
        let mut h = city();
        let mut e = Engine::default();
        assert_eq!(e.play(&mut h, 250.0, 16.0, u32::MAX, || true), 4);
        assert_eq!(e.play(&mut h, 100.0, 1.0, u32::MAX, || true), 0, "a tenth of a minute is owed, not stepped");
        assert_eq!(e.play(&mut h, 1000.0, 64.0, u32::MAX, || false), 1, "out of time: one minute, the rest dropped");
        assert_eq!(e.play(&mut h, 1000.0, 64.0, 10, || true), 10 - 5, "a segment stops at its end");
        assert_eq!(e.play(&mut h, 1000.0, 64.0, 10, || true), 0, "and holds there");
        e.seek(&h, 300);
        assert_eq!(e.play(&mut h, 1000.0, 8.0, u32::MAX, || true), 0, "the seek comes first");
    }

    #[test]
    fn play_and_seeks_stop_at_the_end() {
        let mut h = History::new(Scenario::preset_at("dec-2010", Scale::Classroom).expect("preset"));
        let mut e = Engine::default();
        e.seek(&h, u32::MAX);
        finish(&mut e, &mut h, 5000);
        assert_eq!(h.minute(), END_MIN);
        assert_eq!(e.play(&mut h, 16.0, f64::INFINITY, u32::MAX, || true), 0, "nothing to play past the end");
        assert_eq!(h.series().len(), END_MIN as usize);
    }
}
