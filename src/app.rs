//! The page: header, the stage (canvas) with its controls, timeline and charts, the side
//! panel (story, inspector, legend, sandbox, event log) and the sources. Reads the URL once.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use overlay_sim::History;

use crate::app_state::{heavy_run, AppState};
use crate::clock::{provide_clock, Clock, PlayerCommand, Soon};
use crate::url::{self, Controls, Theme};
pub use crate::later::Later;
use crate::{announce, compare, embed, hooks, player, share, tipping, view, Sources};

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

/// The clock of `state` for a URL: in the context, started, and asked for the link's minute
/// and play state.
fn start_clock(u: &url::UrlState, state: AppState) -> Clock {
    provide_context(state);
    let clock = provide_clock(state);
    clock.send(PlayerCommand::SetSpeed(u.speed));
    state.looping.set(u.looping);
    // A link to a moment (t=…) or a story step opens paused there unless it asks to play.
    let default_play = !u.embed && u.t == 0 && u.story_step.is_none();
    let play = u.autoplay.unwrap_or(default_play) && !prefers_reduced_motion();
    if !u.whatifs.is_empty() {
        // A shared what-if: its actions replayed at their minutes, then on to t.
        crate::whatif::restore(state, clock, u.whatifs.clone(), u.t, play);
        return clock;
    }
    if u.t > 0 {
        clock.send(PlayerCommand::Seek(u.t));
        // The map gets to the link's minute before the panels mount.
        crate::later::hold_while(move || state.progress.try_with_untracked(Option::is_some).unwrap_or(false));
    }
    if play {
        clock.send(PlayerCommand::Play);
    }
    for n in &u.notices {
        state.notify(n.clone());
    }
    clock
}

/// The page's query and the run it asks for (building a real-scale network takes a while:
/// [`crate::start`] does it in a task of its own, before mounting).
pub fn prepare() -> (url::UrlState, AppState) {
    let u = url::parse(&location_search());
    let state = AppState::new(u.scenario.clone());
    (u, state)
}

/// Like [`prepare`], with the network built a stage a task (a real-scale one is tens of
/// milliseconds of work per stage on a phone), then `done` with the page's query and state.
/// A link into a heavy run looks for a point of it this browser saved or the site ships
/// (`crate::resume`) while the network is built.
pub fn prepare_staged(done: impl FnOnce(url::UrlState, AppState) + 'static) {
    let u = url::parse(&location_search());
    let build = overlay_sim::WorldBuild::new(&u.scenario);
    let lookup = (u.t > 0 && u.whatifs.is_empty() && heavy_run(&u.scenario)).then(|| {
        let found: Lookup = Rc::default();
        let (sc, t, into) = (u.scenario.clone(), u.t, found.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let bytes = crate::resume::find(&sc, t).await;
            *into.borrow_mut() = Some(bytes);
        });
        found
    });
    Soon::new(move || build_stage(u, build, lookup, Box::new(done))).detach();
}

/// A saved point being looked up: `None` until the lookup is over.
type Lookup = Rc<RefCell<Option<Option<Vec<u8>>>>>;
type Done = Box<dyn FnOnce(url::UrlState, AppState)>;
/// How long the page waits for the lookup after the network is built (ms); storage or a network
/// that hangs costs at most this. A shipped point (~1 MB) on a slow phone connection takes a few
/// seconds, and computing what it saves takes a phone up to twenty.
const LOOKUP_WAIT_MS: u32 = 3_000;

fn build_stage(u: url::UrlState, mut build: overlay_sim::WorldBuild, lookup: Option<Lookup>, done: Done) {
    match build.advance() {
        // The page's state (its history's first minute) in a task of its own.
        Some(world) => Soon::new(move || take_up(u, world, lookup, 0, done)).detach(),
        None => Soon::new(move || build_stage(u, build, lookup, done)).detach(),
    };
}

/// The page's state: the run from its first minute, or taken up at the minute saved.
fn take_up(u: url::UrlState, world: overlay_sim::World, lookup: Option<Lookup>, waited: u32, done: Done) {
    let found = match lookup {
        Some(l) => {
            let over = l.borrow_mut().take();
            if over.is_none() && waited < LOOKUP_WAIT_MS {
                Timeout::new(10, move || take_up(u, world, Some(l), waited + 10, done)).forget();
                return;
            }
            over.flatten()
        }
        None => None,
    };
    // The world built for minute 0 becomes the taken-up run's first checkpoint (no copy of it).
    let state = match found {
        Some(bytes) => match History::resume_from(u.scenario.clone(), world, &bytes) {
            Ok(h) => AppState::from_history(h),
            Err((why, world)) => {
                web_sys::console::warn_1(&format!("A saved run was not taken up: {why}.").into());
                AppState::from_world(u.scenario.clone(), world)
            }
        },
        None => AppState::from_world(u.scenario.clone(), world),
    };
    done(u, state);
}

/// The whole page, for the URL of the page.
#[component]
pub fn App() -> impl IntoView {
    let (u, state) = prepare();
    view! { <Page u=u state=state/> }
}

/// The page for a URL and its run.
#[component]
pub fn Page(u: url::UrlState, state: AppState) -> impl IntoView {
    view! { <PageView s=setup(u, state)/> }
}

/// What the page runs besides its view (its clock, the story's reader, the address bar, the
/// embed's messages), with the contexts its parts read.
pub struct Setup {
    u: url::UrlState,
    state: AppState,
    presenting: RwSignal<bool>,
}

/// Sets the page up for a URL and its run, under the current reactive owner: [`crate::start`]
/// does it in a task before the mount, so neither task is long on a phone.
pub fn setup(u: url::UrlState, state: AppState) -> Setup {
    provide_context(u.clone());
    let clock = start_clock(&u, state);
    // `?compare=DESIGN`: a second run beside this one, on this clock (src/compare).
    compare::start(u.compare, state, clock);
    apply_theme(u.theme);
    // The story's reader, for the panel, the caption, the presenter view and the keys.
    player::use_narrator(state, clock, u.story_step);
    let presenting = RwSignal::new(false);
    provide_context(player::Presenting(presenting));
    // The address bar follows the state (an embed keeps its embed keys); inside an iframe,
    // report height and obey the parent.
    share::keep_embed_keys(&u);
    share::sync_url(state);
    embed::install(state, clock);
    Setup { u, state, presenting }
}

/// The page's view, once [`setup`] has run.
#[component]
pub fn PageView(s: Setup) -> impl IntoView {
    let Setup { u, state, presenting } = s;
    let chrome = !u.embed;
    let full = u.controls == Controls::Full;
    // An embed of the map (`embed=1&panel=tipping`) shows it under the stage.
    let map_alone = u.embed && u.map.open;
    view! {
        <div
            class="app"
            class:embed=u.embed
            class:presenting=move || presenting.get()
            data-state=move || if state.playing.get() { "playing" } else { "paused" }
            data-minute=move || state.minute.get().to_string()
        >
            <Show when=move || chrome>
                <header class="site-header">
                    <h1>"Supernode Storm"</h1>
                    <p class="tagline" data-testid="tagline">{move || tagline(&state.scenario.get())}</p>
                </header>
            </Show>
            <Notices/>
            <main class="layout" class:full=full>
                // The map and the story side by side on wide screens, the map pinned in view.
                <div class="presenter">
                    <StageColumn embed=u.embed controls=u.controls map_alone=map_alone legend=u.legend caption=u.story_step.is_some()/>
                    <Show when=move || full>
                        <SideColumn/>
                    </Show>
                </div>
                <Show when=move || full>
                    <MainColumn map_alone=map_alone/>
                </Show>
            </main>
            // In the first mount: a key pressed as soon as the map shows is not lost.
            <player::KeyboardShortcuts/>
            <Later><announce::Announcer/></Later>
            <hooks::TestHooks/>
            <Show when=move || chrome>
                <Later><Sources/></Later>
            </Show>
        </div>
    }
}

/// The subtitle for a scenario: the date of its outage.
pub fn tagline(scenario: &str) -> &'static str {
    match scenario {
        "dec-2010" => "How Skype's peer-to-peer network lost its supernodes on 22 December 2010 — and how it was brought back.",
        "aug-2007" => "How a patch-day reboot took Skype's peer-to-peer network down for two days in August 2007 — and what fixed it.",
        _ => "A peer-to-peer network like Skype's, losing its supernodes: try your own what-ifs.",
    }
}

/// The map with what floats over it, the player bar and the timeline (and the tipping-point
/// map when an embed shows it alone). An embed opened at a story step shows its caption
/// under the map; `legend` opens the embed's legend over the map.
#[component]
fn StageColumn(embed: bool, controls: Controls, map_alone: bool, legend: bool, caption: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let interactive = RwSignal::new(false);
    let legend_open = RwSignal::new(legend);
    let title = move || {
        state.revision.track();
        state.history.with_value(|h| h.scenario().title.clone())
    };
    let twin = use_context::<compare::Twin>();
    view! {
        <section class="stage-col">
            {twin.map(|t| view! { <compare::CompareStage twin=t embed=embed inspect=controls == Controls::Full/> })}
            // The inspector floats over the map's emptiest corner, so it is in view while the
            // pointer hovers the supernodes.
            <Show when=move || twin.is_none()>
            <div class="stage-frame" class:seeking=move || state.progress.with(Option::is_some)>
                // The map itself mounts with the page: the first frame shows it.
                <view::Stage/>
                <Later rank=0><player::CatchUp/></Later>
                <Later><player::PresenterOverlay/></Later>
                <Show when=move || controls == Controls::Full>
                    <Later><view::Inspector/></Later>
                </Show>
                <Show when=move || embed && legend_open.get()>
                    <div class="embed-legend" data-testid="embed-legend"><view::Legend/></div>
                </Show>
                <Show when=move || embed && !interactive.get()>
                    <ClickToInteract interactive=interactive/>
                </Show>
            </div>
            </Show>
            <Show when=move || embed>
                <div class="embed-bar">
                    <span class="embed-title" data-testid="embed-caption">"Supernode Storm — " {title}</span>
                    <button type="button" class="btn btn-small" data-testid="legend-toggle" aria-pressed=move || legend_open.get().to_string()
                        on:click=move |_| legend_open.update(|o| *o = !*o)>
                        "Legend"
                    </button>
                    <a data-testid="open-new-tab" target="_blank" rel="noopener" href=move || {
                        state.minute.track();
                        state.revision.track();
                        state.acted.track();
                        share::permalink(&state)
                    }>"Open in a new tab ↗"</a>
                </div>
            </Show>
            <Show when=move || caption && controls != Controls::Full>
                <player::Caption/>
            </Show>
            <Show when=move || controls != Controls::None>
                <Later rank=0><player::ControlsBar minimal=controls == Controls::Minimal/></Later>
                <Later rank=0><player::Timeline/></Later>
            </Show>
            <Show when=move || map_alone>
                <Later><tipping::TippingPanel/></Later>
            </Show>
        </section>
    }
}

/// Embedded, the map would capture the host page's scroll and drags: it takes them only after
/// a click on this.
#[component]
pub fn ClickToInteract(interactive: RwSignal<bool>) -> impl IntoView {
    view! {
        <button type="button" class="click-to-interact" data-testid="click-to-interact" on:click=move |_| interactive.set(true)>
            "Click to interact"
        </button>
    }
}

/// Beside the map: the story (pinned at the top on wide screens), the sandbox, the legend
/// and the share panel.
#[component]
fn SideColumn() -> impl IntoView {
    view! {
        <aside class="side-col">
            <Later><player::StoryPanel/></Later>
            <Later><player::SandboxPanel/></Later>
            <Later><tipping::TippingHint/></Later>
            <Later><compare::ComparePanel/></Later>
            <Later><view::Legend/></Later>
            <Later><share::SharePanel/></Later>
        </aside>
    }
}

/// Below the map and the story: the charts, the tipping-point map and the event log (both
/// runs' when a design is compared).
#[component]
fn MainColumn(map_alone: bool) -> impl IntoView {
    let twin = use_context::<compare::Twin>();
    view! {
        <div class="main-col">
            <Later>{match twin {
                Some(t) => view! { <compare::CompareCharts twin=t/> }.into_any(),
                None => view! { <view::Charts/> }.into_any(),
            }}</Later>
            <Show when=move || !map_alone>
                <Later><tipping::TippingPanel/></Later>
            </Show>
            <Later>{match twin {
                Some(t) => view! { <compare::EventLogs twin=t/> }.into_any(),
                None => view! { <view::EventLog/> }.into_any(),
            }}</Later>
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
                        <li>{n.line()}</li>
                    </For>
                </ul>
                <button type="button" class="dismiss" aria-label="Dismiss notices" on:click=move |_| state.notices.set(vec![])>
                    "×"
                </button>
            </div>
        </Show>
    }
}
