//! In front of a class or inside a blog post: the step's caption under an embedded map, the
//! full-screen presenter view (map, caption, clock and the step's key number, large enough
//! for a projector), and moving to the sandbox without losing the story from view.

use leptos::prelude::*;
use overlay_sim::Metrics;
use wasm_bindgen::JsCast;

use super::narrator::{use_narrator, Narrator};
use super::pretty_clock;
use super::story::{Focus, Step};
use crate::app_state::AppState;
use crate::clock::use_clock;
use crate::url::UrlState;
use crate::view::format::{count, times};

/// Whether the presenter view is on (in the context).
#[derive(Clone, Copy)]
pub struct Presenting(pub RwSignal<bool>);

/// The one number a step is about, in words: ("users with service", "31%").
pub fn key_number(focus: Focus, m: &Metrics) -> (&'static str, String) {
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    match focus {
        Focus::Alive | Focus::Shutdown => ("supernodes serving", count(f64::from(m.supernodes_alive))),
        Focus::Crashed => ("clients crashed", count(m.crashed_clients as f64)),
        Focus::Chart("giant") => ("supernodes still in one network", pct(m.giant_component)),
        Focus::Chart("signalling") | Focus::ImServers => ("signalling on a supernode", times(m.signalling_ratio)),
        Focus::Megas => ("mega-supernodes serving", count(f64::from(m.mega_supernodes))),
        _ => ("users with service", pct(m.online_fraction())),
    }
}

/// Brings the sandbox into view below the story: where the story stays pinned (wide
/// screens), the page scrolls just far enough to put the sandbox under it.
pub fn open_sandbox() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(sandbox) = doc.get_element_by_id("sandbox") else { return };
    let story_bottom = doc
        .query_selector(".side-col > .story")
        .ok()
        .flatten()
        .filter(|s| web_sys::window().and_then(|w| w.get_computed_style(s).ok().flatten()).is_some_and(|st| st.get_property_value("position").ok().as_deref() == Some("sticky")))
        .map(|s| s.get_bounding_client_rect().bottom());
    if let Ok(el) = sandbox.clone().dyn_into::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
    match (story_bottom, web_sys::window()) {
        (Some(bottom), Some(w)) => {
            let top = sandbox.get_bounding_client_rect().top();
            w.scroll_by_with_x_and_y(0.0, top - bottom - 8.0);
        }
        _ => sandbox.scroll_into_view(),
    }
}

/// The current step as a short caption (under an embedded map; data-testid="story-text" on
/// its text), with back and next.
#[component]
pub fn Caption() -> impl IntoView {
    let state = expect_context::<AppState>();
    let n = use_narrator(state, use_clock(), use_context::<UrlState>().and_then(|u| u.story_step));
    view! {
        <div class="caption" aria-live="polite" data-testid="caption">
            {move || match n.current() {
                Some(s) => view! { <CaptionStep n=n s=s/> }.into_any(),
                None => view! {
                    <p class="caption-intro">
                        <button type="button" class="btn btn-primary" data-testid="story-next" disabled=move || n.story.get().is_none() on:click=move |_| { n.go(1); }>
                            "Start the story →"
                        </button>
                    </p>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn CaptionStep(n: Narrator, s: Step) -> impl IntoView {
    let at = move || n.step.get().map_or(0, |i| i + 1);
    view! {
        <div class="caption-head">
            <button type="button" class="btn btn-small" data-testid="story-back" aria-label="Previous step" disabled=move || { at() <= 1 } on:click=move |_| { n.go(-1); }>"←"</button>
            <strong class="caption-title">{move || format!("{}/{} · ", at(), n.total())}{s.title}</strong>
            <button type="button" class="btn btn-small btn-primary" data-testid="story-next" aria-label="Next step" disabled=move || { at() >= n.total() } on:click=move |_| { n.go(1); }>"→"</button>
        </div>
        <p class="caption-text" data-testid="story-text">{s.body}</p>
    }
}

/// The button that starts the presenter view.
#[component]
pub fn PresentButton() -> impl IntoView {
    let Some(Presenting(on)) = use_context::<Presenting>() else { return ().into_any() };
    view! {
        <button type="button" class="ctl ctl-present" data-testid="present" aria-label="Present: full-screen view for a class" title="Full-screen presenter view (Esc leaves)" on:click=move |_| set_presenting(on, true)>
            {super::controls::icon("M4 4h6v2H6v4H4zM14 4h6v6h-2V6h-4zM4 14h2v4h4v2H4zM18 14h2v6h-6v-2h4z")}
            <span class="ctl-text">"Present"</span>
        </button>
    }
    .into_any()
}

/// Turns the presenter view on or off (full screen where the browser allows it).
pub fn set_presenting(on: RwSignal<bool>, yes: bool) {
    on.set(yes);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if yes {
        if let Some(root) = doc.document_element() {
            let _ = root.request_fullscreen();
        }
    } else if doc.fullscreen_element().is_some() {
        doc.exit_fullscreen();
    }
}

/// Over the map in the presenter view: the clock, the step's title and key number, and the
/// step's text; PageDown / PageUp (or a remote) move on.
#[component]
pub fn PresenterOverlay() -> impl IntoView {
    let state = expect_context::<AppState>();
    let Some(Presenting(on)) = use_context::<Presenting>() else { return ().into_any() };
    let n = use_narrator(state, use_clock(), None);
    let clock = move || {
        let m = state.minute.get();
        state.revision.track();
        pretty_clock(&state.clock_label(m))
    };
    let number = move || {
        state.minute.track();
        state.revision.track();
        let focus = n.current().map_or(Focus::None, |s| s.focus);
        key_number(focus, &state.metrics())
    };
    view! {
        <Show when=move || on.get()>
            <div class="presenter-overlay" data-testid="presenter-overlay">
                <div class="presenter-top">
                    <time class="presenter-clock">{clock}</time>
                    <span class="presenter-number">
                        <strong>{move || number().1}</strong>
                        " "
                        {move || number().0}
                    </span>
                    <button type="button" class="btn btn-small" on:click=move |_| set_presenting(on, false)>"Leave (Esc)"</button>
                </div>
                <div class="presenter-caption">
                    {move || match n.current() {
                        Some(s) => view! {
                            <h2>{move || format!("{}/{} · ", n.step.get().map_or(0, |i| i + 1), n.total())}{s.title}</h2>
                            <p>{s.body}</p>
                        }.into_any(),
                        None => view! { <h2>"Press Page Down to start the story"</h2> }.into_any(),
                    }}
                </div>
            </div>
        </Show>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_focus_has_its_number() {
        let m = Metrics { supernodes_alive: 12_345, online_peers: 31, expected_peers: 100, giant_component: 0.2, mega_supernodes: 600, ..Metrics::default() };
        assert_eq!(key_number(Focus::Alive, &m), ("supernodes serving", "12.3k".to_string()));
        assert_eq!(key_number(Focus::Chart("online"), &m), ("users with service", "31%".to_string()));
        assert_eq!(key_number(Focus::Chart("giant"), &m).1, "20%");
        assert_eq!(key_number(Focus::Megas, &m).1, "600");
    }
}
