//! The comparison on the page: the two maps side by side, the two event logs, and the panel
//! that offers "same fault, other design".

use leptos::context::Provider;
use leptos::prelude::*;
use overlay_sim::Design;

use super::{design_of, link, Twin};
use crate::app::ClickToInteract;
use crate::app_state::AppState;
use crate::{player, share, view};

/// A half's heading: the design's name and a few words, with its swatch (charts use the same);
/// over a map, what the map shows for that design.
#[component]
fn Heading(design: Signal<Design>, side: &'static str, #[prop(optional)] map: bool) -> impl IntoView {
    view! {
        <h2 class="compare-title" data-side=side>
            <span class=format!("compare-swatch {side}") aria-hidden="true"></span>
            <code>{move || design.get().name()}</code>
            " — "
            {move || design.get().title()}
        </h2>
        <Show when=move || map>
            <p class="compare-note">{move || map_note(design.get())}</p>
        </Show>
    }
}

/// What a half's map shows for a design (the map draws the serving tier; a DHT has none).
fn map_note(d: Design) -> &'static str {
    match d {
        Design::Skype2010 => "User-run supernodes, coloured by load; mega-supernodes are the operator's 2010 remedy.",
        Design::Dedicated2012 => "The operator's own supernode servers, grouped by region; they never run the buggy client.",
        Design::Central => "The directory cluster (near the login servers); every client signs in through it.",
        Design::Dht => "No supernodes: every online peer routes, so the map shows only the operator's servers. The charts and the event log tell this run.",
    }
}

/// The main run's design, following the run (the sandbox can change it).
fn main_design(state: AppState) -> Signal<Design> {
    Signal::derive(move || {
        state.revision.track();
        design_of(&state)
    })
}

/// Two maps side by side on one clock (`data-testid="compare-view"`), each with its inspector.
#[component]
pub fn CompareStage(twin: Twin, embed: bool, inspect: bool) -> impl IntoView {
    let main = twin.main;
    let interactive = RwSignal::new(false);
    let other = Signal::derive(move || twin.design);
    view! {
        <div class="compare-view" data-testid="compare-view" data-compare=twin.design.name()>
            <div class="compare-half" data-design=move || main_design(main).get().name()>
                <Heading design=main_design(main) side="a" map=true/>
                <div class="stage-frame" class:seeking=move || main.progress.with(Option::is_some)>
                    <view::Stage/>
                    <player::CatchUp/>
                </div>
                <Show when=move || inspect><view::Inspector/></Show>
            </div>
            <div class="compare-half" data-design=twin.design.name()>
                <Provider value=twin.state>
                    <Heading design=other side="b" map=true/>
                    <Show
                        when=move || twin.problem.with(Option::is_none)
                        fallback=move || view! { <p class="compare-problem" role="status">{move || twin.problem.get()}</p> }
                    >
                        <div class="stage-frame" class:seeking=move || twin.state.progress.with(Option::is_some)>
                            <view::Stage/>
                        </div>
                        <Show when=move || inspect><view::Inspector/></Show>
                    </Show>
                </Provider>
            </div>
            <Show when=move || embed && !interactive.get()>
                <ClickToInteract interactive=interactive/>
            </Show>
        </div>
    }
}

/// Both runs' event logs, each under its design's name.
#[component]
pub fn EventLogs(twin: Twin) -> impl IntoView {
    view! {
        <div class="compare-logs">
            <div class="compare-log">
                <Heading design=main_design(twin.main) side="a"/>
                <view::EventLog/>
            </div>
            <div class="compare-log">
                <Provider value=twin.state>
                    <Heading design=Signal::derive(move || twin.design) side="b"/>
                    <view::EventLog/>
                </Provider>
            </div>
        </div>
    }
}

/// "Same fault, other design": a menu that opens the comparison (a new page: the link is the
/// view), and what each model on show leaves out.
#[component]
pub fn ComparePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let twin = use_context::<Twin>();
    let current = twin.map(|t| t.design);
    let mine = main_design(state);
    let go = move |ev: leptos::ev::Event| {
        let d = Design::parse(&event_target_value(&ev));
        let q = link::with_compare(&share::current_query(&state), d);
        if let Some(w) = web_sys::window() {
            let _ = w.location().set_search(&q);
        }
    };
    let shown = move || {
        let mut v = vec![mine.get()];
        v.extend(current);
        v
    };
    view! {
        <section class="compare-panel panel" data-testid="compare-panel">
            <h2>"Same fault, other design"</h2>
            <p class="hint">
                "Would another overlay have ridden out the same bug? The same clients, the same day and the same crashes, on another design, side by side on one clock."
            </p>
            <label>
                "Compare with "
                <select data-testid="compare-select" on:change=go>
                    <option value="none" selected=current.is_none()>"nothing (one run)"</option>
                    {move || {
                        Design::ALL
                            .into_iter()
                            .filter(|d| *d != mine.get())
                            .map(|d| view! { <option value=d.name() selected=current == Some(d)>{format!("{} — {}", d.name(), d.title())}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
            <dl class="compare-leaves-out">
                {move || {
                    shown()
                        .into_iter()
                        .map(|d| view! { <dt><code>{d.name()}</code>" leaves out"</dt><dd>{d.leaves_out()}</dd> })
                        .collect_view()
                }}
            </dl>
            <Show when=move || twin.is_some()>
                <p class="hint">"Sandbox actions act on the left run only: the designs have different servers."</p>
            </Show>
        </section>
    }
}
