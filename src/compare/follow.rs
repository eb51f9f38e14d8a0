//! The twin follows the page's clock: one frame at a time, within a slice.

use leptos::prelude::*;
use overlay_sim::History;

use super::{twin_scenario, Twin};
use crate::app_state::now_ms;
use crate::clock::engine::Engine;
use crate::clock::SLICE_MS;

impl Twin {
    /// One frame: mirrors a new main run, then moves the twin toward the minute on show (at
    /// most half a slice of model time, so the page's own run keeps the other half). Returns
    /// false once the page is gone (the clock then drops this follower).
    pub(super) fn follow(self) -> bool {
        let (Some(target), Some(revision)) = (self.main.minute.try_get_untracked(), self.main.revision.try_get_untracked()) else { return false };
        let Some(playing) = self.state.playing.try_get_untracked() else { return false };
        // Play state and speed too: the twin's map animates its minutes like the main's.
        let (main_playing, speed) = (self.main.playing.get_untracked(), self.main.speed.get_untracked());
        if playing != main_playing {
            self.state.playing.set(main_playing);
        }
        if self.state.speed.get_untracked() != speed {
            self.state.speed.set(speed);
        }
        if self.seen.get_value() != revision {
            self.seen.set_value(revision);
            self.mirror_main_run();
        }
        if self.problem.with_untracked(Option::is_some) {
            return true;
        }
        let (at, going) = self.state.history.with_value(|h| (h.minute(), self.engine.with_value(|e| e.progress(h).map(|p| p.target))));
        if going != Some(target) && (going.is_some() || at != target) {
            self.state.history.with_value(|h| self.engine.update_value(|e| e.seek(h, target)));
        }
        if self.engine.with_value(Engine::busy) {
            let t0 = now_ms();
            self.engine.update_value(|e| {
                self.state.history.update_value(|h| {
                    e.work(h, || now_ms() - t0 < SLICE_MS / 2.0);
                });
            });
        }
        let (minute, progress) = self.state.history.with_value(|h| (h.minute(), self.engine.with_value(|e| e.progress(h))));
        if self.state.minute.get_untracked() != minute {
            self.state.minute.set(minute);
        }
        if self.state.progress.get_untracked() != progress {
            self.state.progress.set(progress);
        }
        true
    }

    /// A new run on the left (another scenario, scale or plan) means a new run on the right:
    /// the same scenario with the twin's design. A fork of the same run keeps the twin.
    fn mirror_main_run(self) {
        let main = self.main.history.with_value(|h| h.scenario().clone());
        match twin_scenario(&main, self.design) {
            Ok(sc) => {
                if self.problem.with_untracked(Option::is_some) {
                    self.problem.set(None);
                }
                if self.state.history.with_value(|h| *h.scenario() == sc) {
                    return;
                }
                self.engine.update_value(Engine::cancel);
                let (name, scale) = (sc.name.clone(), sc.params.scale);
                self.state.history.set_value(History::new(sc));
                self.state.scenario.set(name);
                self.state.scale.set(scale);
                self.state.selected.set(None);
                self.state.minute.set(0);
                self.state.revision.update(|r| *r += 1);
            }
            Err(why) => {
                self.engine.update_value(Engine::cancel);
                self.state.progress.set(None);
                self.problem.set(Some(why));
            }
        }
    }
}
