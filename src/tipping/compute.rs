//! Computing the map without blocking the page: the model's [`Sweeper`] is advanced in idle
//! slices of at most [`SLICE_MS`] (`requestIdleCallback`, or `setTimeout` where there is none),
//! so a frame, a click or a key is never kept waiting for more than a slice. The model never
//! reads a clock; this measures the slice and stops it.

use leptos::prelude::*;
use overlay_sim::sweep::{Grid, Sweeper};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::app_state::now_ms;

/// Longest slice of model work, in milliseconds.
pub const SLICE_MS: f64 = 8.0;
/// Work done even when the page is never idle (the idle callback timed out), so the map still fills.
const MIN_SLICE_MS: f64 = 2.0;
/// How long an idle callback may wait before it runs anyway.
const IDLE_TIMEOUT_MS: u32 = 250;
/// Simulated minutes per call into the model between clock readings (~0.3 ms at city scale).
const CHUNK_MINUTES: u32 = 60;

/// A map being computed or done: what it is of (`key`), the work and its wall-clock time.
struct Job {
    key: String,
    sweeper: Sweeper,
    started_ms: f64,
    took_ms: Option<f64>,
}

/// The map's computation, shared by the panel's parts. `version` bumps whenever cells change.
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
        when_idle(move |budget| me.slice(generation, budget));
    }

    /// One slice of work; schedules the next until the grid is done or replaced.
    fn slice(self, generation: u64, budget_ms: f64) {
        // The panel is gone, or a newer job replaced this one.
        if self.generation.try_get_value() != Some(generation) {
            return;
        }
        let t0 = now_ms();
        let budget = budget_ms.clamp(MIN_SLICE_MS, SLICE_MS);
        let (done, progress) = self
            .job
            .try_update_value(|j| {
                let Some(j) = j.as_mut() else { return (true, 1.0) };
                let mut done = j.sweeper.done();
                while !done && now_ms() - t0 < budget {
                    done = j.sweeper.advance(CHUNK_MINUTES);
                }
                if done && j.took_ms.is_none() {
                    j.took_ms = Some(now_ms() - j.started_ms);
                }
                (done, j.sweeper.progress())
            })
            .unwrap_or((true, 1.0));
        self.progress.set(progress);
        self.version.update(|v| *v += 1);
        if !done {
            when_idle(move |budget| self.slice(generation, budget));
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

/// Runs `f` with a time budget (ms) when the page is idle, or after at most `IDLE_TIMEOUT_MS`.
fn when_idle(f: impl FnOnce(f64) + 'static) {
    let Some(w) = web_sys::window() else { return };
    let has_idle = js_sys::Reflect::has(&w, &JsValue::from_str("requestIdleCallback")).unwrap_or(false);
    let scheduled = if has_idle {
        let cb = Closure::once_into_js(move |d: web_sys::IdleDeadline| f(d.time_remaining()));
        let opts = web_sys::IdleRequestOptions::new();
        opts.set_timeout(IDLE_TIMEOUT_MS);
        w.request_idle_callback_with_options(cb.unchecked_ref(), &opts).is_ok()
    } else {
        let cb = Closure::once_into_js(move || f(SLICE_MS));
        w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 0).is_ok()
    };
    if !scheduled {
        leptos::logging::warn!("could not schedule the tipping-point map's computation");
    }
}
