//! Computing the map without blocking the page: the model's [`Sweeper`] is advanced in slices
//! of at most [`SLICE_MS`], each its own task, so a frame, a click or a key is never kept waiting
//! for more than a slice. The model never reads a clock; this measures the slice and stops it.

use leptos::prelude::*;
use overlay_sim::sweep::{Grid, Sweeper};

use crate::app_state::now_ms;
use crate::clock::{Soon, SLICE_MS};

/// Simulated minutes per call into the model between clock readings (~0.3 ms at city scale).
const CHUNK_MINUTES: u32 = 60;

/// A map being computed or done: what it is of (`key`), the work and its wall-clock time.
struct Job {
    key: String,
    sweeper: Sweeper,
    started_ms: f64,
    took_ms: Option<f64>,
}

/// The map's computation, shared by the panel's parts. `version` bumps when the job or its cells change.
#[derive(Clone, Copy)]
pub struct Computer {
    job: StoredValue<Option<Job>, LocalStorage>,
    /// Bumped by every new job, so an older job's pending slice stops.
    generation: StoredValue<u64, LocalStorage>,
    pub progress: RwSignal<f64>,
    pub version: RwSignal<u64>,
}

impl Computer {
    pub fn new() -> Computer {
        Computer { job: StoredValue::new_local(None), generation: StoredValue::new_local(0), progress: RwSignal::new(0.0), version: RwSignal::new(0) }
    }

    /// Computes the grid `key` names, unless it is already computed or under way.
    pub fn ensure(&self, key: String, grid: Grid) {
        if self.job.with_value(|j| j.as_ref().is_some_and(|j| j.key == key)) {
            return;
        }
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.job.set_value(Some(Job { key, sweeper: Sweeper::new(grid), started_ms: now_ms(), took_ms: None }));
        self.progress.set(0.0);
        self.version.update(|v| *v += 1);
        let me = *self;
        soon(move || me.slice(generation));
    }

    /// One slice of work; schedules the next until the grid is done or replaced.
    fn slice(self, generation: u64) {
        // The panel is gone, or a newer job replaced this one.
        if self.generation.try_get_value() != Some(generation) {
            return;
        }
        let t0 = now_ms();
        let (done, progress, new_cells) = self
            .job
            .try_update_value(|j| {
                let Some(j) = j.as_mut() else { return (true, 1.0, false) };
                let before = j.sweeper.finished();
                let mut done = j.sweeper.done();
                while !done && now_ms() - t0 < SLICE_MS {
                    done = j.sweeper.advance(CHUNK_MINUTES);
                }
                if done && j.took_ms.is_none() {
                    j.took_ms = Some(now_ms() - j.started_ms);
                }
                (done, j.sweeper.progress(), j.sweeper.finished() != before)
            })
            .unwrap_or((true, 1.0, false));
        self.progress.set(progress);
        // Redraw only when a cell was finished (a slice finishes one or two at city scale).
        if new_cells {
            self.version.update(|v| *v += 1);
        }
        if !done {
            soon(move || self.slice(generation));
        }
    }

    /// Reads the current job's sweeper, if any.
    pub fn with<R>(&self, f: impl FnOnce(&Sweeper) -> R) -> Option<R> {
        self.job.try_with_value(|j| j.as_ref().map(|j| f(&j.sweeper))).flatten()
    }

    /// Wall-clock milliseconds the finished map took (None while computing).
    pub fn took_ms(&self) -> Option<f64> {
        self.job.try_with_value(|j| j.as_ref().and_then(|j| j.took_ms)).flatten()
    }
}

/// Runs `f` in a task of its own as soon as the page has handled what is waiting (the clock's
/// [`Soon`]); a newer job's generation makes an older slice do nothing.
fn soon(f: impl FnOnce() + 'static) {
    Soon::new(f).detach();
}
