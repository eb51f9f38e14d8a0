//! The scrubbable timeline: a range input (keyboard accessible for free) over a track that
//! shades the computed part of the run, a flag per landmark, and how far the clock has got
//! with a seek it is computing. Landmarks come from the scout (the whole scenario, ahead of
//! time) or, once the run is forked or played past the scout, from the run itself.

use leptos::prelude::*;
use overlay_sim::Landmark;

use super::{pretty_clock, short_clock, SPAN_MIN};
use crate::app_state::AppState;
use crate::clock::{use_clock, PlayerCommand};
use crate::hooks;
use crate::view::moments::{on_timeline, tell};

/// The landmarks on the timeline now, in minute order.
pub fn flags(state: &AppState) -> Vec<Landmark> {
    let (scenario, ghost, horizon) = state.history.with_value(|h| (h.scenario().clone(), h.ghost().is_some(), h.horizon()));
    let ahead = state.ahead.with(|a| (!ghost && a.scenario.as_ref() == Some(&scenario) && a.minute >= horizon).then(|| a.landmarks.clone()));
    let all = ahead.unwrap_or_else(|| state.history.with_value(|h| h.landmarks()));
    all.into_iter().filter(|l| on_timeline(l.kind)).collect()
}

/// `m` as a CSS percentage of the span.
fn pct(m: u32, span: u32) -> String {
    format!("{:.3}%", f64::from(m.min(span)) / f64::from(span.max(1)) * 100.0)
}

#[component]
pub fn Timeline() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let horizon = Memo::new(move |_| {
        state.minute.track();
        state.revision.track();
        state.history.with_value(|h| h.horizon())
    });
    // Two days, or the computed run in 6-hour steps when longer.
    let span = Memo::new(move |_| {
        let h = horizon.get();
        if h <= SPAN_MIN { SPAN_MIN } else { h.div_ceil(360) * 360 }
    });
    view! {
        <div class="timeline">
            <div
                class="timeline-main"
                data-testid="timeline"
                data-seek-ms=move || {
                    state.minute.track();
                    hooks::seek_ms(clock)
                }
            >
                <Flags span=span/>
                <Track span=span horizon=horizon/>
                <Ticks span=span/>
            </div>
            <Detail/>
            <Status horizon=horizon/>
        </div>
    }
}

/// Minutes the detail strip shows around the clock.
const DETAIL_MIN: u32 = 120;

/// A strip of two hours around the clock, with its landmarks: on a phone the whole timeline
/// gives the cascade a couple of pixels, this gives it a fifth of the width. The window moves
/// only when the clock leaves it, so a drag in it stays steady.
#[component]
fn Detail() -> impl IntoView {
    let state = expect_context::<AppState>();
    let start = RwSignal::new(state.minute.get_untracked().saturating_sub(DETAIL_MIN / 2));
    Effect::new(move |_| {
        let m = state.minute.get();
        let s = start.get_untracked();
        if m < s || m > s + DETAIL_MIN {
            start.set(m.saturating_sub(DETAIL_MIN / 2));
        }
    });
    let at = move |m: u32| format!("{:.3}%", f64::from(m.saturating_sub(start.get()).min(DETAIL_MIN)) / f64::from(DETAIL_MIN) * 100.0);
    let marks = Memo::new(move |_| {
        state.minute.track();
        state.revision.track();
        let s = start.get();
        flags(&state).into_iter().filter(|l| l.minute >= s && l.minute <= s + DETAIL_MIN).collect::<Vec<_>>()
    });
    let label = move |m: u32| short_clock(&state.clock_label(m));
    view! {
        <div class="timeline-detail" data-testid="timeline-detail">
            <span class="detail-edge" aria-hidden="true">{move || label(start.get())}</span>
            <div class="detail-track">
                <For each=move || marks.get() key=|l| (l.minute, tell(l.kind, &[]).class) let:l>
                    <span class=format!("detail-mark {}", tell(l.kind, &[]).class) style:left=move || at(l.minute) title=tell(l.kind, &[]).title></span>
                </For>
                <div class="timeline-now" style:left=move || at(state.minute.get())></div>
                <SeekRange min=Signal::derive(move || start.get()) max=Signal::derive(move || start.get() + DETAIL_MIN)
                    label="Simulated time, two hours around the clock" testid="timeline-detail-range"/>
            </div>
            <span class="detail-edge" aria-hidden="true">{move || label(start.get() + DETAIL_MIN)}</span>
        </div>
    }
}

/// A flag per landmark; a click seeks there. Near the ends their labels open inwards.
#[component]
fn Flags(span: Memo<u32>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    // A task behind the clock: a seek's landing moves the map and the thumb first.
    let at = crate::later::behind(move || (state.minute.get(), state.revision.get()));
    let marks = Memo::new(move |_| {
        at.track();
        flags(&state)
    });
    let label = move |m: u32| pretty_clock(&state.clock_label(m));
    view! {
        <div class="timeline-flags" role="group" aria-label="Landmarks of the run">
            <For each=move || marks.get() key=|l| (l.minute, tell(l.kind, &[]).class) let:l>
                {
                    let (m, told) = (l.minute, state.history.with_value(|h| tell(l.kind, h.world().groups())));
                    let text = move || format!("{}, {} — jump there", told.text, label(m));
                    let edge = move || {
                        let at = f64::from(m) / f64::from(span.get().max(1));
                        if at < 0.12 { " flag-start" } else if at > 0.88 { " flag-end" } else { "" }
                    };
                    view! {
                        <button
                            type="button"
                            class=move || format!("flag {}{}", told.class, edge())
                            style:left=move || pct(m, span.get())
                            data-minute-mark=m
                            aria-label=text.clone()
                            title=text
                            on:click=move |_| clock.send(PlayerCommand::Seek(m))
                        >
                            <span class="flag-text">{told.title}</span>
                        </button>
                    }
                }
            </For>
        </div>
    }
}

/// The track: what is computed, where the clock is (and where a seek is going), the slider.
#[component]
fn Track(span: Memo<u32>, horizon: Memo<u32>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let target = move || state.progress.get().map(|p| p.target);
    view! {
        <div class="timeline-track">
            <div class="timeline-computed" style:width=move || pct(horizon.get(), span.get())></div>
            <div class="timeline-now" style:left=move || pct(state.minute.get(), span.get())></div>
            <div class="timeline-target" hidden=move || target().is_none() style:left=move || pct(target().unwrap_or(0), span.get())></div>
            <SeekRange min=Signal::derive(|| 0) max=Signal::derive(move || span.get()) label="Simulated time"/>
        </div>
    }
}

/// The slider of a track (keyboard accessible for free): its value is the clock's minute, and
/// moving it seeks — a drag sends a seek per move; the clock keeps only the newest in flight.
#[component]
fn SeekRange(min: Signal<u32>, max: Signal<u32>, label: &'static str, #[prop(optional)] testid: Option<&'static str>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    view! {
        <input
            type="range"
            class="timeline-range"
            data-testid=testid
            min=move || min.get().to_string()
            max=move || max.get().to_string()
            step="1"
            aria-label=label
            aria-valuetext=move || pretty_clock(&state.clock_label(state.minute.get()))
            prop:value=move || state.minute.get().to_string()
            on:input=move |ev| {
                if let Ok(m) = event_target_value(&ev).parse::<u32>() {
                    clock.send(PlayerCommand::Seek(m));
                }
            }
        />
    }
}

/// A tick label every 6 hours of the clock.
#[component]
fn Ticks(span: Memo<u32>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ticks = move || {
        let s = span.get();
        state.revision.track();
        (0..=s).step_by(360).map(|m| (m, short_clock(&state.clock_label(m)))).collect::<Vec<_>>()
    };
    view! {
        <div class="timeline-ticks" aria-hidden="true">
            <For each=ticks key=|t| t.clone() let:t>
                <span class="tick" style:left=move || pct(t.0, span.get())>{t.1.clone()}</span>
            </For>
        </div>
    }
}

/// How far the run is computed, the scout's look ahead and the seek being computed.
#[component]
fn Status(horizon: Memo<u32>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = move || {
        let mut s = format!("computed to {}", pretty_clock(&state.clock_label(horizon.get())));
        let (at, until) = state.ahead.with(|a| (a.minute, a.until));
        if at < until {
            s.push_str(&format!(" · looking ahead for landmarks… {}%", u64::from(at) * 100 / u64::from(until.max(1))));
        }
        if let Some(p) = state.progress.get() {
            s.push_str(&format!(" · computing… {:.0}%", p.fraction() * 100.0));
        }
        s
    };
    view! { <p class="timeline-status" aria-live="off">{text}</p> }
}
