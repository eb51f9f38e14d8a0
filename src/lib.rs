//! Supernode Storm — the browser app: Leptos components, the render loop and the panic overlay.
//!
//! The model (`overlay_sim`) never sees the browser; this crate owns time (play/pause) and drawing.
//! [`start`] mounts the whole page; tests mount single components such as [`Player`].

mod panic;
pub mod render;

use std::cell::RefCell;
use std::rc::Rc;

use leptos::html::Canvas;
use leptos::prelude::*;
use overlay_sim::{Inputs, Scale, Scenario, World};

pub use panic::{install_panic_hook, show_error_overlay, OVERLAY_ID};

/// Simulated minutes per second of real time while playing.
pub const MINUTES_PER_SECOND: f64 = 10.0;
/// At most this many model steps per animation frame (a slow frame must not snowball).
const MAX_STEPS_PER_FRAME: u32 = 8;
/// Scenario shown on load.
pub const DEFAULT_SCENARIO: &str = "dec-2010";
/// Scale shown on load: 210 supernodes, each one visible.
pub const DEFAULT_SCALE: Scale = Scale::City;

/// Installs the panic hook and mounts the app on `<body>`.
pub fn start() {
    install_panic_hook();
    leptos::mount::mount_to_body(App);
}

/// The whole page: header, player, sources.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="site-header">
            <h1>"Supernode Storm"</h1>
            <p class="tagline">
                "How Skype's peer-to-peer network lost its supernodes on 22 December 2010 — replayed minute by minute."
            </p>
        </header>
        <main class="content">
            <Player/>
        </main>
        <Sources/>
    }
}

/// "T+hh:mm" since the start of the scenario.
pub fn clock_label(minute: u32) -> String {
    format!("T+{:02}:{:02}", minute / 60, minute % 60)
}

/// The canvas and its controls. The root element carries `data-state` and `data-minute`.
#[component]
pub fn Player(
    /// Network size to simulate ([`DEFAULT_SCALE`] if not given).
    #[prop(optional)]
    scale: Option<Scale>,
) -> impl IntoView {
    let scenario = match Scenario::preset_at(DEFAULT_SCENARIO, scale.unwrap_or(DEFAULT_SCALE)) {
        Ok(s) => s,
        Err(e) => {
            leptos::logging::error!("scenario {DEFAULT_SCENARIO}: {e:?}");
            return view! { <p class="notice" role="alert">{format!("Cannot load the scenario: {e:?}")}</p> }
                .into_any();
        }
    };
    let world = Rc::new(RefCell::new(World::new(&scenario)));
    let playing = RwSignal::new(true);
    let minute = RwSignal::new(world.borrow().minute());
    let canvas = NodeRef::<Canvas>::new();

    canvas.on_load(move |canvas| {
        let Some(ctx) = render::context_2d(&canvas) else { return };
        let mut last: Option<f64> = None;
        let mut pending = 0.0_f64;
        render::animation_loop(move |now| {
            // The signals are gone once the component is unmounted: stop the loop then.
            let Some(is_playing) = playing.try_get_untracked() else { return false };
            let dt = last.map_or(0.0, |t| (now - t).clamp(0.0, 250.0));
            last = Some(now);
            let mut w = world.borrow_mut();
            if is_playing {
                pending += dt / 1000.0 * MINUTES_PER_SECOND;
                let mut steps = 0;
                while pending >= 1.0 && steps < MAX_STEPS_PER_FRAME {
                    w.step(&Inputs::default());
                    pending -= 1.0;
                    steps += 1;
                }
                pending = pending.min(1.0);
                if steps > 0 {
                    minute.set(w.minute());
                }
            } else {
                pending = 0.0;
            }
            let (cw, ch, dpr) = render::fit_to_css_box(&canvas);
            render::draw(&ctx, cw, ch, dpr, &w.snapshot(), w.minute());
            true
        });
    });

    let state = move || if playing.get() { "playing" } else { "paused" };
    view! {
        <section class="player" data-state=state data-minute=move || minute.get().to_string()>
            <canvas node_ref=canvas class="stage" aria-label="Supernodes of the overlay, coloured by load"></canvas>
            <div class="controls">
                <button
                    type="button"
                    data-testid="play-pause"
                    aria-pressed=move || playing.get().to_string()
                    on:click=move |_| playing.update(|p| *p = !*p)
                >
                    {move || if playing.get() { "Pause" } else { "Play" }}
                </button>
                <span class="clock" data-testid="clock">{move || clock_label(minute.get())}</span>
                <span class="legend">
                    "Disc: supernode, coloured by load (dark = idle, yellow = at capacity; red ring = over); grey ring: crashed or shut down; small ring: being promoted."
                </span>
            </div>
        </section>
    }
    .into_any()
}

/// Where the facts come from (MODEL-FACTS.md).
#[component]
pub fn Sources() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <h2>"Sources"</h2>
            <ul class="sources">
                <li>
                    "Lars Rabbe (Skype CIO), "
                    <a href="https://web.archive.org/web/2011/http://blogs.skype.com/en/2010/12/cio_update.html">"“CIO update: Post-mortem on the Skype outage”, Skype blog, 29 Dec 2010 (archived)"</a>
                    "."
                </li>
                <li>
                    "S. A. Baset, H. Schulzrinne, "
                    <a href="https://arxiv.org/abs/cs/0412017">"“An Analysis of the Skype Peer-to-Peer Internet Telephony Protocol”"</a>
                    ", IEEE INFOCOM 2006."
                </li>
                <li>
                    "K. Kortchinsky (Immunity), on Skype moving supernodes to its own servers, 2012; "
                    <a href="https://arstechnica.com/business/2012/05/skype-replaces-p2p-supernodes-with-linux-boxes-hosted-by-microsoft/">"Ars Technica, May 2012"</a>
                    "."
                </li>
                <li>
                    "D. Rossi, M. Mellia, M. Meo, “Evidences behind Skype outage”, IEEE ICC 2009."
                </li>
            </ul>
            <p class="fineprint">"A model, not a recording: figures the sources give are used as given; the rest is labelled as our arithmetic."</p>
        </footer>
    }
}
