//! A polite ARIA live region that announces the landmarks as the clock passes them
//! ("17:05 UTC: half of the user-run supernodes are gone"), for screen-reader users and as
//! captions. The words are the event log's (`view::moments`).

use leptos::prelude::*;

use crate::app_state::AppState;
use crate::view::moments::passed;

/// A jump further than this is not "passing" anything: nothing is announced for it.
const MAX_PASS_MIN: u32 = 240;

/// The live region: says the newest landmark since the last minute announced.
#[component]
pub fn Announcer() -> impl IntoView {
    let state = expect_context::<AppState>();
    let last = StoredValue::new(0u32);
    let text = RwSignal::new(String::new());
    Effect::new(move |_| {
        let now = state.minute.get();
        let from = last.get_value();
        last.set_value(now);
        if now <= from || now - from > MAX_PASS_MIN {
            return; // stepping back or a long jump: nothing "happened" in between
        }
        if let Some(said) = state.history.with_value(|h| passed(h, from, now)) {
            text.set(said);
        }
    });
    view! { <p class="announcer" role="status" aria-live="polite" data-testid="announcer">{move || text.get()}</p> }
}
