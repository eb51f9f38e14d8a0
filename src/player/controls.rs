//! The player bar: step back, play/pause, step, speed, the UTC clock, scenario, scale and
//! "add a mega-supernode". Each sends the clock a command.

use leptos::prelude::*;
use overlay_sim::{scenario::NAMES, Action, Scale, Scenario};

use super::{pretty_clock, speed_at, speed_index, speed_label};
use crate::app_state::{AppState, SPEEDS};
use crate::clock::{use_clock, Clock, PlayerCommand};

/// Where the "add a mega-supernode" button places it (the map is the unit square; the
/// operator's servers sit at the top, so just below them, in the middle).
pub const MEGA_XY: (f32, f32) = (0.5, 0.3);

/// Loads `name` at `scale` (keeping nothing else), or says why not.
fn load_preset(state: AppState, clock: Clock, name: &str, scale: Scale) {
    match Scenario::preset_at(name, scale) {
        Ok(sc) => {
            state.highlight.set(None);
            clock.send(PlayerCommand::load(sc, 0));
        }
        Err(e) => state.notify(e.to_string()),
    }
}

/// The player bar; `minimal` (an embed's `controls=minimal`) keeps play and the clock only.
#[component]
pub fn ControlsBar(#[prop(optional)] minimal: bool) -> impl IntoView {
    let clock = use_clock();
    if minimal {
        return view! {
            <div class="controls controls-minimal" role="toolbar" aria-label="Player">
                <PlayButton/>
                <ClockFace/>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="controls" role="toolbar" aria-label="Player">
            <Transport/>
            <ClockFace/>
            <Pacing/>
            <SpeedSelect/>
            <ScenarioSelect/>
            <ScaleSelect/>
            <button
                type="button"
                class="ctl ctl-mega"
                data-testid="inject-mega"
                aria-label="Add a mega-supernode now (forks the run)"
                title="Add an operator-run mega-supernode at this minute"
                on:click=move |_| add_mega(clock)
            >
                <span aria-hidden="true">"◆"</span>
                <span class="ctl-text">"Add mega-supernode"</span>
            </button>
            <super::presenter::PresentButton/>
        </div>
    }
    .into_any()
}

/// Skip a quiet stretch to the next event; slow down near events while playing.
#[component]
fn Pacing() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    view! {
        <button
            type="button"
            class="ctl ctl-skip"
            data-testid="skip-event"
            aria-label="Skip to the next event"
            title="Skip to just before the next event (Shift+N)"
            on:click=move |_| super::keyboard::skip_to_next_event(state, clock)
        >
            {icon("M4 5v14l8-7zM12 5v14l8-7zM20 5h2v14h-2z")}
            <span class="ctl-text">"Next event"</span>
        </button>
        <label class="field field-slow" title="Play at most 2 simulated minutes a second around each event">
            <input type="checkbox" data-testid="slow-near-events" prop:checked=move || clock.slow.get() on:change=move |ev| clock.slow.set(event_target_checked(&ev))/>
            <span class="field-label">"Slow down at events"</span>
        </label>
    }
}

/// Adds an operator-run mega-supernode at the minute on show (the run forks there).
pub fn add_mega(clock: Clock) {
    clock.send(PlayerCommand::Act(Action::InjectMega { x: MEGA_XY.0, y: MEGA_XY.1 }));
}

/// Play / pause on its own.
#[component]
fn PlayButton() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    view! {
        <button
            type="button"
            class="ctl ctl-play"
            data-testid="play-pause"
            aria-label=move || if state.playing.get() { "Pause" } else { "Play" }
            aria-pressed=move || state.playing.get().to_string()
            title="Play or pause (space)"
            on:click=move |_| clock.send(PlayerCommand::TogglePlay)
        >
            {move || if state.playing.get() { icon("M6 5h4v14H6zM14 5h4v14h-4z") } else { icon("M7 4v16l13-8z") }}
            <span class="ctl-text">{move || if state.playing.get() { "Pause" } else { "Play" }}</span>
        </button>
    }
}

/// Step back, play/pause, step.
#[component]
fn Transport() -> impl IntoView {
    let clock = use_clock();
    let send = move |cmd: PlayerCommand| move |_| clock.send(cmd.clone());
    view! {
        <div class="controls-transport">
            <button type="button" class="ctl" data-testid="step-back" aria-label="Step back one minute" title="Step back one minute (←)"
                on:click=send(PlayerCommand::StepBack)>
                {icon("M6 5h2v14H6zM20 5v14L9 12z")}
            </button>
            <PlayButton/>
            <button type="button" class="ctl" data-testid="step" aria-label="Step forward one minute" title="Step forward one minute (→)"
                on:click=send(PlayerCommand::Step)>
                {icon("M16 5h2v14h-2zM4 5v14l11-7z")}
            </button>
        </div>
    }
}

/// The simulated UTC time on show.
#[component]
fn ClockFace() -> impl IntoView {
    let state = expect_context::<AppState>();
    let iso = move || {
        let m = state.minute.get();
        state.revision.track();
        state.clock_label(m)
    };
    view! {
        <time class="clock" data-testid="clock" datetime=iso aria-label="Simulated time (UTC)">
            {move || pretty_clock(&iso())}
        </time>
    }
}

#[component]
fn SpeedSelect() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let speed_now = move || speed_index(state.speed.get());
    view! {
        <label class="field field-speed">
            <span class="field-label">"Speed"</span>
            <select
                data-testid="speed"
                aria-label="Speed (simulated minutes per second; + and − keys)"
                on:change=move |ev| {
                    if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                        clock.send(PlayerCommand::SetSpeed(speed_at(i)));
                    }
                }
            >
                {(0..=SPEEDS.len())
                    .map(|i| {
                        let text = if i == SPEEDS.len() { "as fast as possible".to_string() } else { speed_label(speed_at(i)) };
                        view! { <option value=i.to_string() prop:selected=move || speed_now() == i>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

#[component]
fn ScenarioSelect() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let titles: Vec<(&'static str, String)> = NAMES
        .iter()
        .map(|&n| (n, Scenario::preset_at(n, Scale::Classroom).map(|s| s.title).unwrap_or_else(|_| n.to_string())))
        .collect();
    view! {
        <label class="field field-scenario">
            <span class="field-label">"Scenario"</span>
            <select
                data-testid="scenario-select"
                aria-label="Scenario"
                on:change=move |ev| load_preset(state, clock, &event_target_value(&ev), state.scale.get_untracked())
            >
                {titles
                    .into_iter()
                    .map(|(n, t)| view! { <option value=n prop:selected=move || state.scenario.get() == n>{t}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The network's size; changing it replaces the run (same scenario and seed).
#[component]
fn ScaleSelect() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let change = move |v: String| {
        let mut sc = state.history.with_value(|h| h.scenario().clone());
        match sc.set("scale", &v) {
            Ok(()) => {
                state.highlight.set(None);
                clock.send(PlayerCommand::load(sc, 0));
            }
            Err(e) => state.notify(e.to_string()),
        }
    };
    view! {
        <label class="field field-scale">
            <span class="field-label">"Scale"</span>
            <select data-testid="scale-select" aria-label="Scale of the network" on:change=move |ev| change(event_target_value(&ev))>
                {Scale::ALL
                    .into_iter()
                    .map(|s| {
                        let (peers, sn) = s.sizes();
                        let text = format!("{} · {} peers, {} supernodes", s.name(), group(peers), group(u64::from(sn)));
                        view! { <option value=s.name() prop:selected=move || state.scale.get() == s>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// A 24×24 icon drawn in the text colour (no icon font: system fonts lack the media glyphs).
pub fn icon(d: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path d=d fill="currentColor"></path>
        </svg>
    }
}

/// 23000000 → "23,000,000".
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group(23_000_000), "23,000,000");
        assert_eq!(group(999), "999");
    }
}
