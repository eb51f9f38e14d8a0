//! Time is the user's: play, pause, step, step back, speed, the clock, the timeline with its
//! markers, the guided story, the sandbox and the keyboard.

use leptos::prelude::*;

use crate::app_state::AppState;

/// Play/pause, step, step back, speed, clock, scenario and scale.
#[component]
pub fn ControlsBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = move || {
        let m = state.minute.get();
        state.history.with_value(|h| h.world().clock_label(m))
    };
    view! {
        <div class="controls">
            <button
                type="button"
                data-testid="play-pause"
                aria-pressed=move || state.playing.get().to_string()
                on:click=move |_| state.toggle_play()
            >
                {move || if state.playing.get() { "Pause" } else { "Play" }}
            </button>
            <span class="clock" data-testid="clock">{clock}</span>
        </div>
    }
}

/// The scrubbable timeline with event markers (stub until issue 5 lands).
#[component]
pub fn Timeline() -> impl IntoView {
    view! { <div class="timeline"></div> }
}

/// The guided story (stub until issue 5 lands).
#[component]
pub fn StoryPanel() -> impl IntoView {
    view! { <div class="story"></div> }
}

/// Sandbox: kill, inject, change parameters, fork (stub until issue 5 lands).
#[component]
pub fn SandboxPanel() -> impl IntoView {
    view! { <div class="sandbox"></div> }
}

/// Keyboard shortcuts and the `?` help overlay (stub until issue 5 lands).
#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    view! { <div class="keyboard-help" hidden></div> }
}
