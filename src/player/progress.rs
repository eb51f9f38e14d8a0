//! While the clock computes a far seek (a deep link, a long jump at real scale): where it is
//! going, how far it has got, and a way to stop there.

use leptos::prelude::*;

use super::pretty_clock;
use crate::app_state::AppState;
use crate::clock::{use_clock, PlayerCommand};

#[component]
pub fn CatchUp() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let fraction = move || state.progress.get().map_or(0.0, |p| p.fraction());
    let label = move || {
        let p = state.progress.get()?;
        Some(format!("Computing the run to {}… {:.0}%", pretty_clock(&state.clock_label(p.target)), p.fraction() * 100.0))
    };
    view! {
        <Show when=move || state.progress.with(Option::is_some)>
            // `data-from`: the minute the computing started at (a run taken up from this
            // browser's saved runs starts at the minute saved).
            <div class="catch-up" role="status" data-testid="catch-up" data-from=move || state.progress.get().map(|p| p.from)>
                <span class="catch-up-text">{label}</span>
                <progress max="1" value=fraction aria-hidden="true"></progress>
                <button type="button" class="btn btn-quiet" data-testid="cancel-seek" on:click=move |_| clock.send(PlayerCommand::Cancel)>
                    "Stop here"
                </button>
            </div>
        </Show>
    }
}
