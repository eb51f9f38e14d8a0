//! Supernode Storm — the browser app: Leptos components, the render loop and the panic overlay.
//!
//! The model (`overlay_sim`) never sees the browser; this crate owns time and drawing. Time has
//! one owner, the [`clock`]: everything else sends it a [`PlayerCommand`].
//! [`start`] mounts the whole page; tests mount it with `mount_to`.

mod announce;
mod app;
pub mod app_state;
pub mod clock;
pub mod compare;
pub mod embed;
mod hooks;
mod later;
mod panic;
pub mod player;
mod resume;
pub mod share;
pub mod tipping;
pub mod url;
pub mod view;
pub mod whatif;

use leptos::prelude::*;

pub use app::{App, Page, PageView};
pub use app_state::AppState;
pub use clock::{provide_clock, Clock, PlayerCommand};
pub use panic::{install_panic_hook, show_error_overlay, OVERLAY_ID};

/// Installs the panic hook, then in tasks of their own (so none blocks the page for long):
/// builds the run the URL asks for (a real-scale network a stage a task), then mounts the page.
pub fn start() {
    use clock::Soon;
    install_panic_hook();
    // Tasks by message, not `setTimeout(0)`: a chain of timers is clamped to 4 ms a link.
    Soon::new(|| {
        app::prepare_staged(|u, state| {
            // The page's setup, then its view, in two tasks under one root owner (the view's
            // own owner is its child, so it reads the contexts the setup provides).
            Soon::new(move || {
                let _ = any_spawner::Executor::init_wasm_bindgen();
                let owner = leptos::prelude::Owner::new();
                let s = owner.with(|| app::setup(u, state));
                Soon::new(move || {
                    owner.with(|| leptos::mount::mount_to_body(move || leptos::view! { <app::PageView s=s/> }));
                    // The page's root lives as long as the page.
                    std::mem::forget(owner);
                })
                .detach();
            })
            .detach();
        });
    })
    .detach();
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
