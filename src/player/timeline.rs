//! The scrubbable timeline: a range input (keyboard accessible for free) over a track that
//! shades the computed part of the run, with a flag per landmark. Landmarks come from the
//! scout (the whole scenario, ahead of time) or, once the run is forked, from the run itself.

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use overlay_sim::World;

use super::scout::Scout;
use super::{goto, jumping, last_seek_ms, pretty_clock, short_clock, SPAN_MIN};
use crate::app_state::{now_ms, AppState};

thread_local! {
    /// The landmarks on show, for the keyboard's shift+←/→.
    static SHOWN: RefCell<Vec<(u32, &'static str)>> = const { RefCell::new(Vec::new()) };
}

/// The landmarks currently on the timeline (sorted by minute).
pub fn shown_markers() -> Vec<(u32, &'static str)> {
    SHOWN.with(|s| s.borrow().clone())
}

#[derive(Clone, Copy)]
struct Ctx {
    state: AppState,
    scout: StoredValue<Option<Scout>, LocalStorage>,
    generation: StoredValue<u64>,
    markers: RwSignal<Vec<(u32, &'static str)>>,
    scouted: RwSignal<u32>,
    /// Horizon of the last landmark search in the run itself (it scans every event: throttle it).
    searched: StoredValue<(u64, u32)>,
}

impl Ctx {
    /// Landmarks: the scout's while the run follows the unchanged scenario, the run's own once forked.
    fn refresh(&self, force: bool) {
        let (forked, horizon) = self.state.history.with_value(|h| (h.ghost().is_some(), h.horizon()));
        let scout_min = self.scout.with_value(|s| s.as_ref().map_or(0, Scout::minute));
        let list = if !forked && scout_min >= horizon {
            self.scout.with_value(|s| s.as_ref().map(Scout::markers).unwrap_or_default())
        } else {
            let rev = self.state.revision.get_untracked();
            let (r0, h0) = self.searched.get_value();
            if !force && r0 == rev && horizon < h0 + 30 && horizon >= h0 {
                return;
            }
            self.searched.set_value((rev, horizon));
            self.state.history.with_value(|h| h.markers().iter().map(|m| (m.minute, m.label)).collect())
        };
        if self.markers.with_untracked(|m| *m != list) {
            SHOWN.with(|s| *s.borrow_mut() = list.clone());
            self.markers.set(list);
        }
    }

    /// One idle slice of scouting, then the next one after a pause (stops when done or replaced).
    fn tick(self, gen: u64) {
        if self.generation.try_get_value() != Some(gen) {
            return;
        }
        let real = self.state.history.with_value(|h| h.world().ordinary_slots() > 10_000);
        let budget = if real { 5.0 } else { 8.0 };
        let t0 = now_ms();
        let Some(Some((moved, done, at))) = self
            .scout
            .try_update_value(|s| s.as_mut().map(|s| (s.run(|| now_ms() - t0 < budget), s.done(), s.minute())))
        else {
            return;
        };
        if moved {
            self.scouted.set(at);
            self.refresh(false);
        }
        if !done {
            set_timeout(move || self.tick(gen), Duration::from_millis(if real { 20 } else { 4 }));
        }
    }
}

/// Seeks for a drag on the slider. Where a seek is cheap it happens at once; at real scale
/// (up to a couple of hundred ms) only the latest position is sought, once per frame, so a
/// fast drag never queues up stale seeks.
fn scrub_to(state: AppState, pending: StoredValue<Option<u32>>, m: u32) {
    if !state.history.with_value(|h| h.world().ordinary_slots() > 10_000) {
        goto(state, m);
        return;
    }
    let queued = pending.get_value().is_some();
    pending.set_value(Some(m));
    if !queued {
        request_animation_frame(move || {
            if let Some(Some(m)) = pending.try_get_value() {
                pending.set_value(None);
                goto(state, m);
            }
        });
    }
}

#[component]
pub fn Timeline() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = Ctx {
        state,
        scout: StoredValue::new_local(None),
        generation: StoredValue::new(0),
        markers: RwSignal::new(vec![]),
        scouted: RwSignal::new(0),
        searched: StoredValue::new((u64::MAX, 0)),
    };

    // A new scenario (or new parameters) gets a new scout; a fork keeps the old one for the ghost.
    Effect::new(move |_| {
        state.revision.track();
        let sc = state.history.with_value(|h| h.scenario().clone());
        let same = ctx.scout.with_value(|s| s.as_ref().is_some_and(|s| s.scenario == sc));
        if !same {
            let world = state.history.with_value(|h| (h.minute() == 0).then(|| h.world().clone()));
            let world = world.unwrap_or_else(|| World::new(&sc));
            ctx.scout.set_value(Some(Scout::new(sc, world, SPAN_MIN)));
            ctx.scouted.set(0);
            ctx.generation.update_value(|g| *g += 1);
            let gen = ctx.generation.get_value();
            set_timeout(move || ctx.tick(gen), Duration::from_millis(50));
        }
        ctx.refresh(true);
    });
    let horizon = Memo::new(move |_| {
        state.minute.track();
        state.revision.track();
        state.history.with_value(|h| h.horizon())
    });
    Effect::new(move |_| {
        horizon.track();
        ctx.refresh(false);
    });
    on_cleanup(move || {
        ctx.generation.try_update_value(|g| *g += 1);
    });

    let pending = StoredValue::new(None::<u32>);
    let span = Memo::new(move |_| {
        let h = horizon.get();
        if h <= SPAN_MIN { SPAN_MIN } else { h.div_ceil(360) * 360 }
    });
    let pct = move |m: u32| format!("{:.3}%", f64::from(m.min(span.get())) / f64::from(span.get().max(1)) * 100.0);
    let label = move |m: u32| state.history.with_value(|h| h.world().clock_label(m));
    let ticks = move || {
        let s = span.get();
        (0..=s).step_by(360).map(|m| (m, short_clock(&label(m)))).collect::<Vec<_>>()
    };
    let status = move || {
        let hz = horizon.get();
        let sc = ctx.scouted.get();
        let mut s = format!("computed to {}", pretty_clock(&label(hz)));
        if sc < SPAN_MIN && ctx.scout.with_value(Option::is_some) {
            s.push_str(&format!(" · looking ahead for landmarks… {}%", sc * 100 / SPAN_MIN));
        }
        if state.minute.get() < hz && jumping() {
            s.push_str(" · computing…");
        }
        s
    };

    view! {
        <div
            class="timeline"
            data-testid="timeline"
            data-seek-ms=move || {
                state.minute.track();
                format!("{:.1}", last_seek_ms())
            }
        >
            <div class="timeline-flags" role="group" aria-label="Landmarks of the run">
                <For each=move || ctx.markers.get() key=|m| *m let:mk>
                    {
                        let (m, what) = mk;
                        let text = move || format!("{}: {} — jump there", what, pretty_clock(&label(m)));
                        view! {
                            <button
                                type="button"
                                class=move || {
                                    // Labels near the ends open inwards, so they are never cut off.
                                    let at = f64::from(m) / f64::from(span.get().max(1));
                                    let edge = if at < 0.12 { " flag-start" } else if at > 0.88 { " flag-end" } else { "" };
                                    format!("flag flag-{}{edge}", what.split(' ').next().unwrap_or("x"))
                                }
                                style:left=move || pct(m)
                                data-minute-mark=m
                                aria-label=text
                                title=text
                                on:click=move |_| goto(state, m)
                            >
                                <span class="flag-text">{what}</span>
                            </button>
                        }
                    }
                </For>
            </div>
            <div class="timeline-track">
                <div class="timeline-computed" style:width=move || pct(horizon.get())></div>
                <div class="timeline-now" style:left=move || pct(state.minute.get())></div>
                <input
                    type="range"
                    class="timeline-range"
                    min="0"
                    max=move || span.get().to_string()
                    step="1"
                    aria-label="Simulated time"
                    aria-valuetext=move || pretty_clock(&label(state.minute.get()))
                    prop:value=move || state.minute.get().to_string()
                    on:input=move |ev| {
                        if let Ok(m) = event_target_value(&ev).parse::<u32>() {
                            scrub_to(state, pending, m);
                        }
                    }
                />
            </div>
            <div class="timeline-ticks" aria-hidden="true">
                <For each=ticks key=|t| t.clone() let:t>
                    <span class="tick" style:left=move || pct(t.0)>{t.1.clone()}</span>
                </For>
            </div>
            <p class="timeline-status" aria-live="off">{status}</p>
        </div>
    }
}
