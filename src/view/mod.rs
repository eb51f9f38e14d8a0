//! Making the model visible: the canvas stage and its render loop, charts, inspector, legend
//! and event log. Reads the model's flat snapshot each frame; signals carry only aggregates.

pub mod anim;
pub mod camera;
pub mod charts;
pub mod colors;
pub mod draw;
pub mod format;
pub mod inspector;
pub mod legend;
pub mod moments;
pub mod raster;
mod stage;

pub use charts::{Charts, MetricsJson};
pub use inspector::Inspector;
pub use legend::Legend;
pub use stage::Stage;

use leptos::prelude::*;

use crate::app_state::AppState;

/// The big moments in plain words, with the UTC clock; clicking one jumps there.
#[component]
pub fn EventLog() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Brought up to date as the run grows (an incremental scan: a real-scale run has millions
    // of events); started over when the run is replaced or forked.
    let scan = StoredValue::new_local(moments::Scan::default());
    let list = Memo::new(move |prev: Option<&(u64, Vec<moments::Moment>)>| {
        let _ = state.minute.get();
        let rev = state.revision.get();
        if prev.is_some_and(|p| p.0 != rev) {
            scan.update_value(moments::Scan::reset);
        }
        let list = state.history.with_value(|h| scan.try_update_value(|s| s.update(h))).unwrap_or_default();
        (rev, list)
    });
    let list = Memo::new(move |_| list.with(|l| l.1.clone()));
    let current = move || {
        let m = state.minute.get();
        list.with(|l| l.iter().rposition(|e| e.minute <= m))
    };
    view! {
        <section class="event-log panel" data-testid="event-log">
            <h2>"What happened"</h2>
            <Show when=move || list.with(Vec::is_empty)>
                <p class="hint">"The big moments appear here as the replay reaches them."</p>
            </Show>
            <ol>
                {move || {
                    list.get()
                        .into_iter()
                        .enumerate()
                        .map(|(k, e)| {
                            let minute = e.minute;
                            // Only these two classes follow the clock; the list itself changes
                            // only when a new moment is found.
                            view! {
                                <li class:current=move || current() == Some(k) class:future=move || state.minute.get() < minute>
                                    <button type="button" data-minute-target=minute on:click=move |_| state.seek(minute)>
                                        <time>{e.clock}</time>
                                        " — "
                                        {e.text}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </section>
    }
}
