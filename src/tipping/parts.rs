//! The panel's smaller parts: the axis and outcome menus, the legend with the caption, and the
//! hint that leads to the map after the replay.

use leptos::prelude::*;
use overlay_sim::sweep::Axis;

use super::compute::Computer;
use super::draw::{self, gradient_css};
use super::link::Outcome;
use super::{words, PANEL_ID};
use crate::app_state::AppState;

/// How to read the map, in one line.
fn caption() -> String {
    format!(
        "Each square averages {} whole {}-hour runs of this scenario, each with its own roll of the dice, with two settings \
         changed: bright squares kept their users, dark ones collapsed — where the colour jumps is the tipping point.",
        overlay_sim::sweep::RUNS,
        super::HOURS
    )
}

fn options(names: &mut dyn Iterator<Item = (&'static str, &'static str)>) -> impl IntoView + use<> {
    names.map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()
}

/// The two axis menus (the model's suggested parameters) and the outcome menu. Choosing sets
/// `open`, so the permalink carries the map.
#[component]
pub fn MapControls(x: RwSignal<String>, y: RwSignal<String>, outcome: RwSignal<Outcome>, open: RwSignal<bool>) -> impl IntoView {
    let outcome_name = Memo::new(move |_| outcome.get().name().to_string());
    // Picking the other axis's parameter swaps the two.
    let pick = move |sel: RwSignal<String>, other: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            if other.get_untracked() == v {
                other.set(sel.get_untracked());
            }
            open.set(true);
            sel.set(v);
        }
    };
    let axes = || options(&mut Axis::SUGGESTED.into_iter().map(|p| (p, words::label(p))));
    view! {
        <div class="tipping-controls">
            <label>"Across " <select data-testid="tipping-x" prop:value=x on:change=pick(x, y)>{axes()}</select></label>
            <label>"Up " <select data-testid="tipping-y" prop:value=y on:change=pick(y, x)>{axes()}</select></label>
            <label>"Colour " <select data-testid="tipping-outcome" prop:value=outcome_name on:change=move |ev| {
                open.set(true);
                outcome.set(if event_target_value(&ev) == Outcome::Trough.name() { Outcome::Trough } else { Outcome::Lost });
            }>
                {options(&mut Outcome::ALL.into_iter().map(|o| (o.name(), o.label())))}
            </select></label>
        </div>
    }
}

/// The colour ramp with its two ends, the two marks, and the caption.
#[component]
pub fn MapLegend(computer: Computer, outcome: RwSignal<Outcome>) -> impl IntoView {
    let low_end = Memo::new(move |_| match outcome.get() {
        Outcome::Lost => "none lost".to_string(),
        Outcome::Trough => "0% online at worst".to_string(),
    });
    let high_end = Memo::new(move |_| match outcome.get() {
        Outcome::Lost => {
            computer.version.track();
            let (top, all) = computer.with(|s| (draw::lost_top(s.cells(), s.expected_hours()), s.expected_hours())).unwrap_or((0.0, 0.0));
            if all > 0.0 { format!("{} users' hours ({:.0}% of all)", crate::view::format::count(top), 100.0 * top / all) } else { String::new() }
        }
        Outcome::Trough => "100%".to_string(),
    });
    let ramp = Memo::new(move |_| format!("background: {}", gradient_css(outcome.get() == Outcome::Trough)));
    view! {
        <div class="tipping-legend">
            <span>{low_end}</span>
            <span class="tipping-ramp" style=ramp></span>
            <span>{high_end}</span>
            <span class="tipping-key"><span class="ring">"◯"</span>" this run"</span>
            <span class="tipping-key"><span class="cross">"✕"</span>" Dec 2010 as reported"</span>
        </div>
        <p class="tipping-caption">{caption()}</p>
    }
}

/// Scrolls to the map's panel; while the page is still mounting its parts (`crate::later`),
/// the panel may come a few frames after the hint, so it looks again, `tries` times 100 ms.
fn scroll_to_panel(tries: u32) {
    match web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(PANEL_ID)) {
        Some(el) => el.scroll_into_view(),
        None if tries > 0 => {
            gloo_timers::callback::Timeout::new(100, move || scroll_to_panel(tries - 1)).forget();
        }
        None => {}
    }
}

/// After the replay, a nudge towards the map (shown once the story ends or the clock is a day past the trigger).
#[component]
pub fn TippingHint() -> impl IntoView {
    let state = expect_context::<AppState>();
    let after_replay = move || {
        state.revision.track();
        let trigger = state.history.with_value(|h| h.scenario().trigger_min);
        let name = state.scenario.get();
        let story = [crate::player::STORY_DEC_2010, crate::player::STORY_AUG_2007].into_iter().find(|s| s.scenario == name);
        let story_done = state.story_step.get().is_some_and(|s| story.is_some_and(|st| s >= st.steps.len()));
        story_done || trigger.is_some_and(|t| state.minute.get() >= t + 18 * 60)
    };
    let go = move |_| scroll_to_panel(20);
    view! {
        <Show when=after_replay>
            <aside class="tipping-hint panel" data-testid="tipping-hint">
                <p>
                    "Would a little more headroom have saved it? How many buggy clients does it take? "
                    "The tipping-point map replays this outage over a grid of settings, to show where it tips."
                </p>
                <button type="button" class="btn btn-primary" on:click=go>"See the tipping-point map ↓"</button>
            </aside>
        </Show>
    }
}


#[cfg(test)]
mod tests {
    #[test]
    fn the_caption_names_the_runs_length() {
        assert!(super::caption().contains(&format!("{}-hour", super::super::HOURS)));
    }
}
