//! The page: header, the stage (canvas) with its controls, timeline and charts, the side
//! panel (story, inspector, legend, sandbox, event log) and the sources. Reads the URL once.

use leptos::prelude::*;

use crate::app_state::AppState;
use crate::url::{self, Controls, Theme};
use crate::{announce, embed, player, share, tipping, view, Sources};

/// Puts `theme-light` / `theme-dark` on <html> when the URL asks for one (style/main.css).
fn apply_theme(theme: Theme) {
    let class = match theme {
        Theme::Auto => return,
        Theme::Light => "theme-light",
        Theme::Dark => "theme-dark",
    };
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        root.set_class_name(format!("{} {class}", root.class_name()).trim());
    }
}

/// The query string of the page ("" outside a browser).
fn location_search() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Whether the visitor asked for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

#[component]
pub fn App() -> impl IntoView {
    let u = url::parse(&location_search());
    let state = AppState::new(u.scenario.clone());
    provide_context(state);
    provide_context(u.clone());
    state.speed.set(u.speed);
    if u.t > 0 {
        state.seek(u.t);
    }
    // A link to a moment (t=…) or a story step opens paused there unless it asks to play.
    let default_play = !u.embed && u.t == 0 && u.story_step.is_none();
    state.playing.set(u.autoplay.unwrap_or(default_play) && !prefers_reduced_motion());
    for n in &u.notices {
        state.notify(n.clone());
    }
    apply_theme(u.theme);
    // The address bar follows the state; inside an iframe, report height and obey the parent.
    share::sync_url(state);
    embed::install(state);
    let chrome = !u.embed;
    // An embed of the map (`embed=1&panel=tipping`) shows it under the stage.
    let map_alone = u.embed && u.map.open;
    let controls = u.controls;
    let interactive = RwSignal::new(false);
    view! {
        <div
            class="app"
            class:embed=u.embed
            data-state=move || if state.playing.get() { "playing" } else { "paused" }
            data-minute=move || state.minute.get().to_string()
        >
            <Show when=move || chrome>
                <header class="site-header">
                    <h1>"Supernode Storm"</h1>
                    <p class="tagline">
                        "How Skype's peer-to-peer network lost its supernodes on 22 December 2010 — and how it was brought back."
                    </p>
                </header>
            </Show>
            <Notices/>
            <main class="layout">
                <section class="stage-col">
                    // The inspector floats over the map's emptiest corner, so it is in view
                    // while the pointer hovers the supernodes.
                    <div class="stage-frame">
                        <view::Stage/>
                        <Show when=move || controls == Controls::Full>
                            <view::Inspector/>
                        </Show>
                        // Embedded, the map would capture the host page's scroll and drags:
                        // it takes them only after a click.
                        <Show when=move || u.embed && !interactive.get()>
                            <button type="button" class="click-to-interact" data-testid="click-to-interact" on:click=move |_| interactive.set(true)>
                                "Click to interact"
                            </button>
                        </Show>
                    </div>
                    <Show when=move || u.embed>
                        <div class="embed-bar">
                            <span>"Supernode Storm — the Skype outage of December 2010"</span>
                            <a data-testid="open-new-tab" target="_blank" rel="noopener" href=move || {
                                state.minute.track();
                                state.revision.track();
                                share::permalink(&state)
                            }>"Open in a new tab ↗"</a>
                        </div>
                    </Show>
                    <Show when=move || controls != Controls::None>
                        <player::ControlsBar/>
                        <player::Timeline/>
                    </Show>
                    <Show when=move || map_alone>
                        <tipping::TippingPanel/>
                    </Show>
                </section>
                <Show when=move || controls == Controls::Full>
                    <div class="below">
                        <div class="main-col">
                            <view::Charts/>
                            <Show when=move || !map_alone>
                                <tipping::TippingPanel/>
                            </Show>
                            <view::EventLog/>
                        </div>
                        <aside class="side-col">
                            <player::StoryPanel/>
                            <tipping::TippingHint/>
                            <view::Legend/>
                            <player::SandboxPanel/>
                            <share::SharePanel/>
                        </aside>
                    </div>
                </Show>
            </main>
            <player::KeyboardShortcuts/>
            <announce::Announcer/>
            <view::MetricsJson/>
            <Show when=move || chrome>
                <Sources/>
            </Show>
        </div>
    }
}

/// Dismissible notices (bad URL values, rejected settings).
#[component]
fn Notices() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || !state.notices.with(Vec::is_empty)>
            <div class="notices" role="status">
                <ul>
                    <For each=move || state.notices.get() key=|n| n.clone() let:n>
                        <li>{n}</li>
                    </For>
                </ul>
                <button type="button" class="dismiss" aria-label="Dismiss notices" on:click=move |_| state.notices.set(vec![])>
                    "×"
                </button>
            </div>
        </Show>
    }
}
