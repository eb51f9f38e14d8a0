//! Keyboard shortcuts (one window listener) and the `?` help overlay listing them.
//! Keys typed into a field, or pressed with Ctrl/Alt/Meta, are left alone.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::presenter::Presenting;
use super::timeline::flags;
use super::Narrator;
use super::{speed_at, speed_index};
use crate::app_state::{AppState, SPEEDS};
use crate::clock::{use_clock, Clock, PlayerCommand as Cmd};

/// Every shortcut, for the help overlay.
pub const KEYS: [(&str, &str); 10] = [
    ("Space", "play / pause"),
    ("Page Down / Page Up", "next / previous story step (a presenter's remote)"),
    ("Shift + N", "skip to the next event"),
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
    /// A text field, select or editable element: it keeps its keys.
    Field,
    /// A slider (the timeline, the sandbox's): it keeps its arrows, Home and End; space and
    /// the page keys stay the page's, so they work after scrubbing.
    Slider,
    /// A button: it keeps space (which presses it).
    Button,
    Other,
}

fn target_of(e: &web_sys::KeyboardEvent) -> Target {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return Target::Other;
    };
    match el.tag_name().to_ascii_lowercase().as_str() {
        "input" if el.get_attribute("type").as_deref() == Some("range") => Target::Slider,
        "input" | "select" | "textarea" => Target::Field,
        "button" | "summary" | "a" => Target::Button,
        _ if el.is_content_editable() => Target::Field,
        _ => Target::Other,
    }
}

/// Skips a quiet stretch: to just before the next landmark, still playing if it was.
pub fn skip_to_next_event(state: AppState, clock: Clock) {
    let now = state.minute.get_untracked();
    let next = untrack(|| flags(&state)).iter().map(|l| l.minute.saturating_sub(SKIP_LEAD_MIN)).find(|&m| m > now);
    let Some(m) = next else { return state.notify("No later event found yet: the run ahead is still being looked at, or the story is over.") };
    let playing = state.playing.get_untracked();
    clock.send(Cmd::Seek(m));
    if playing {
        clock.send(Cmd::Play);
    }
}

/// "Skip to the next event" lands this many minutes before it, to see it come.
const SKIP_LEAD_MIN: u32 = 3;

/// Seeks to the next (or previous) landmark on the timeline.
fn jump_landmark(state: AppState, clock: Clock, forward: bool) {
    let now = state.minute.get_untracked();
    let marks: Vec<u32> = untrack(|| flags(&state)).iter().map(|l| l.minute).collect();
    let to = if forward { marks.iter().copied().find(|&m| m > now) } else { marks.iter().rev().copied().find(|&m| m < now) };
    match to {
        Some(m) => clock.send(Cmd::Seek(m)),
        None => state.notify(if forward { "No later landmark yet." } else { "No earlier landmark." }),
    }
}

/// What a key asks of the clock (None: the key is not a shortcut, or not here).
fn command(key: &str, shift: bool, target: &Target, speed: f64) -> Option<Cmd> {
    let faster = |d: isize| Cmd::SetSpeed(speed_at(speed_index(speed).saturating_add_signed(d).min(SPEEDS.len())));
    Some(match key {
        " " | "Spacebar" if !matches!(target, Target::Button) => Cmd::TogglePlay,
        "ArrowRight" if !shift => Cmd::Step,
        "ArrowLeft" if !shift => Cmd::StepBack,
        "+" | "=" => faster(1),
        "-" | "_" | "−" => faster(-1),
        "Home" => Cmd::Seek(0),
        _ => return None,
    })
}

#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let open = RwSignal::new(false);
    let narrator = use_context::<Narrator>();
    let presenting = use_context::<Presenting>();
    let handle = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
            return;
        }
        let (key, target) = (e.key(), target_of(&e));
        if matches!(target, Target::Field) && key != "Escape" {
            return;
        }
        // A slider keeps its own keys; space and the page keys are the page's.
        if matches!(target, Target::Slider) && !matches!(key.as_str(), " " | "Spacebar" | "PageDown" | "PageUp" | "Escape" | "?") {
            return;
        }
        let handled = match key.as_str() {
            "PageDown" | "PageUp" => {
                let forward = key == "PageDown";
                // Through the story where the scenario has one, else from landmark to landmark.
                match narrator.filter(|n| n.story.get_untracked().is_some()) {
                    Some(n) => {
                        n.go(if forward { 1 } else { -1 });
                    }
                    None => jump_landmark(state, clock, forward),
                }
                true
            }
            "N" if e.shift_key() => {
                skip_to_next_event(state, clock);
                true
            }
            "Escape" if presenting.is_some_and(|p| p.0.get_untracked()) => {
                if let Some(p) = presenting {
                    super::presenter::set_presenting(p.0, false);
                }
                true
            }
            "ArrowRight" | "ArrowLeft" if e.shift_key() => {
                jump_landmark(state, clock, key == "ArrowRight");
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
            _ => match command(&key, e.shift_key(), &target, state.speed.get_untracked()) {
                Some(cmd) => {
                    clock.send(cmd);
                    true
                }
                None => false,
            },
        };
        if handled {
            e.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
    // The overlay is not needed at once: it mounts a task later.
    view! { <crate::app::Later><KeysHelp open=open/></crate::app::Later> }
}

/// The `?` button and the help overlay listing the shortcuts.
#[component]
fn KeysHelp(open: RwSignal<bool>) -> impl IntoView {
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
