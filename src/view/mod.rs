//! Making the model visible: the canvas stage and its render loop, charts, inspector, legend
//! and event log. Reads the model's flat snapshot each frame; signals carry only aggregates.

pub mod draw;

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::app_state::AppState;

/// The canvas and the one requestAnimationFrame loop: advance the clock, then draw.
#[component]
pub fn Stage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas = NodeRef::<Canvas>::new();
    canvas.on_load(move |canvas| {
        let Some(ctx) = draw::context_2d(&canvas) else { return };
        let mut last: Option<f64> = None;
        draw::animation_loop(move |now| {
            // Stop once the app is unmounted (its signals are gone).
            if state.playing.try_get_untracked().is_none() {
                return false;
            }
            let dt = last.map_or(0.0, |t| now - t);
            last = Some(now);
            state.advance(dt);
            let (cw, ch, dpr) = draw::fit_to_css_box(&canvas);
            state.history.with_value(|h| draw::draw(&ctx, cw, ch, dpr, &h.world().snapshot(), h.minute()));
            true
        });
    });
    view! {
        <canvas node_ref=canvas class="stage" aria-label="The overlay: supernodes coloured by load"></canvas>
    }
}

/// Charts of the series with a cursor at the current minute (stub until issue 4 lands).
#[component]
pub fn Charts() -> impl IntoView {
    view! { <div class="charts"></div> }
}

/// Details of the selected supernode (stub until issue 4 lands).
#[component]
pub fn Inspector() -> impl IntoView {
    view! { <div class="inspector"></div> }
}

/// What every shape and colour means (stub until issue 4 lands).
#[component]
pub fn Legend() -> impl IntoView {
    view! { <div class="legend"></div> }
}

/// The big moments in plain words (stub until issue 4 lands).
#[component]
pub fn EventLog() -> impl IntoView {
    view! { <div class="event-log"></div> }
}
