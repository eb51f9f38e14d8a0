//! Making the model visible: the canvas stage (drawn in the clock's frame loop), charts,
//! inspector, legend and event log, and the landmarks in words (`moments`). Reads the model's
//! flat snapshot each frame; signals carry only aggregates.

pub mod anim;
pub mod camera;
pub mod captioned;
pub mod charts;
pub mod colors;
mod css_box;
pub mod draw;
pub mod format;
pub mod groups;
pub mod inspector;
pub mod legend;
pub mod moments;
pub mod pace;
pub mod raster;
mod stage;

pub use charts::Charts;
pub use inspector::Inspector;
pub use legend::Legend;
pub use stage::Stage;

use leptos::prelude::*;

use crate::app_state::AppState;
use crate::clock::{use_clock, PlayerCommand};

/// Lines of the event log rendered at first, and added by each "Show earlier".
const LOG_LINES: usize = 40;

/// The landmarks in plain words, with the UTC clock; clicking one seeks there.
#[component]
pub fn EventLog() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    // A task behind the clock: a seek's landing draws the map first, then this list.
    let at = crate::later::behind(move || (state.minute.get(), state.revision.get()));
    // The model keeps the landmarks up to date as the run grows; the list is re-rendered only
    // when one is found (or moves: the peak and low point so far).
    let list = Memo::new(move |_| {
        at.track();
        let mut list = state.history.with_value(moments::moments);
        // A parameter change says which one, and from what to what (the model only says one changed).
        state.acted.with(|log| {
            for e in list.iter_mut().filter(|e| e.class == "lm-user") {
                let told: Vec<String> = log.iter().filter(|a| a.minute + 1 == e.minute || a.minute == e.minute).filter_map(crate::whatif::tell_change).collect();
                if !told.is_empty() {
                    e.text = told.join("; ");
                }
            }
        });
        list
    });
    let current = move || {
        let m = at.get().0;
        list.with(|l| l.iter().rposition(|e| e.minute <= m))
    };
    // The newest lines only (a fortnight of a storm finds hundreds); earlier ones on demand.
    let shown = RwSignal::new(LOG_LINES);
    let first = move || list.with(Vec::len).saturating_sub(shown.get());
    view! {
        <section class="event-log panel" data-testid="event-log">
            <h2>"What happened"</h2>
            <Show when=move || list.with(Vec::is_empty)>
                <p class="hint">"The big moments appear here as the replay reaches them."</p>
            </Show>
            <Show when=move || { first() > 0 }>
                <button type="button" class="log-earlier" on:click=move |_| shown.update(|n| *n += LOG_LINES)>
                    {move || format!("Show earlier moments ({} more)", first())}
                </button>
            </Show>
            <ol start=move || first() + 1>
                // Keyed: a landmark found (or the peak moving) re-renders its own line only.
                <For each=move || { let from = first(); list.get().into_iter().enumerate().skip(from) } key=|(_, e)| (e.minute, e.text.clone()) let:item>
                    {
                        let (k, e) = item;
                        let minute = e.minute;
                        view! {
                            <li class=e.class class:current=move || current() == Some(k) class:future=move || at.get().0 < minute>
                                <button type="button" data-minute-target=minute on:click=move |_| clock.send(PlayerCommand::Seek(minute))>
                                    <time>{e.clock}</time>
                                    " — "
                                    {e.text}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ol>
        </section>
    }
}
