//! Keyboard shortcuts (one window listener) and the `?` help overlay listing them.
//! Keys typed into a field, or pressed with Ctrl/Alt/Meta, are left alone.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::timeline::shown_markers;
use super::{goto, speed_at, speed_index};
use crate::app_state::{AppState, SPEEDS};

/// Every shortcut, for the help overlay.
pub const KEYS: [(&str, &str); 8] = [
    ("Space", "play / pause"),
    ("←  →", "step one minute back / forward"),
    ("Shift + ←  →", "jump to the previous / next landmark"),
    ("+  −", "faster / slower"),
    ("Home", "back to the start"),
    ("?", "show or hide this help"),
    ("Esc", "close this help"),
    ("Tab", "move between controls (each shows a focus ring)"),
];

/// What the focused element is, as far as shortcuts care.
enum Target {
    /// A text field, select, slider or editable element: it keeps its keys.
    Field,
    /// A button: it keeps space (which presses it).
    Button,
    Other,
}

fn target_of(e: &web_sys::KeyboardEvent) -> Target {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return Target::Other;
    };
    match el.tag_name().to_ascii_lowercase().as_str() {
        "input" | "select" | "textarea" => Target::Field,
        "button" | "summary" | "a" => Target::Button,
        _ if el.is_content_editable() => Target::Field,
        _ => Target::Other,
    }
}

fn jump_marker(state: AppState, forward: bool) {
    let now = state.minute.get_untracked();
    let marks = shown_markers();
    let to = if forward {
        marks.iter().map(|m| m.0).find(|&m| m > now)
    } else {
        marks.iter().rev().map(|m| m.0).find(|&m| m < now)
    };
    match to {
        Some(m) => goto(state, m),
        None => state.notify(if forward { "No later landmark yet." } else { "No earlier landmark." }),
    }
}

#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let open = RwSignal::new(false);
    let handle = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
            return;
        }
        let key = e.key();
        let target = target_of(&e);
        if matches!(target, Target::Field) && key != "Escape" {
            return;
        }
        let handled = match key.as_str() {
            " " | "Spacebar" if !matches!(target, Target::Button) => {
                state.toggle_play();
                true
            }
            "ArrowRight" if e.shift_key() => {
                jump_marker(state, true);
                true
            }
            "ArrowLeft" if e.shift_key() => {
                jump_marker(state, false);
                true
            }
            "ArrowRight" => {
                state.step();
                true
            }
            "ArrowLeft" => {
                state.step_back();
                true
            }
            "+" | "=" => {
                let i = speed_index(state.speed.get_untracked());
                state.speed.set(speed_at((i + 1).min(SPEEDS.len())));
                true
            }
            "-" | "_" | "−" => {
                let i = speed_index(state.speed.get_untracked());
                state.speed.set(speed_at(i.saturating_sub(1)));
                true
            }
            "Home" => {
                goto(state, 0);
                true
            }
            "?" => {
                open.update(|o| *o = !*o);
                true
            }
            "Escape" if open.get_untracked() => {
                open.set(false);
                true
            }
            _ => false,
        };
        if handled {
            e.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());

    view! {
        <div
            class="keyboard-help"
            role="dialog"
            aria-modal="false"
            aria-labelledby="keys-title"
            hidden=move || !open.get()
            data-testid="keyboard-help"
        >
            <div class="keyboard-help-card">
                <h2 id="keys-title">"Keyboard"</h2>
                <dl>
                    {KEYS
                        .iter()
                        .map(|(k, what)| view! { <div class="key-row"><dt><kbd>{*k}</kbd></dt><dd>{*what}</dd></div> })
                        .collect_view()}
                </dl>
                <button type="button" class="btn" on:click=move |_| open.set(false)>"Close (Esc)"</button>
            </div>
        </div>
        <button
            type="button"
            class="keys-button"
            aria-label="Keyboard shortcuts"
            title="Keyboard shortcuts (?)"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)
        >
            "?"
        </button>
    }
}
