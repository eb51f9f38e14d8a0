//! The tipping-point map: "would a little more headroom have saved it?" answered at a glance.
//! Each cell is a whole run of the current scenario with two parameters changed (the model's
//! `sweep`), coloured by the users' hours lost or by the trough. The current run is ringed, the
//! December 2010 setting crossed; hovering reads a cell out, clicking loads its run at the same
//! minute (the story or sandbox carries on there). Computed in idle slices when the panel comes
//! into view; `data-progress` goes from 0 to 1.

mod compute;
mod draw;
pub mod link;
mod words;

use leptos::html::{Canvas, Figure};
use leptos::prelude::*;
use overlay_sim::sweep::{Axis, Grid, SweepError};
use overlay_sim::{Params, Scale, Scenario};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{KeyboardEvent, MouseEvent};

use crate::app_state::AppState;
use crate::url::UrlState;
use crate::view::draw::{context_2d, fit_to_css_box};
use compute::Computer;
use draw::{gradient_css, Layout, Picture};
pub use link::{query_suffix, MapLink, Outcome};

/// Length of each run on the map: two days hold the outage and its recovery.
pub const HOURS: u32 = 48;
/// How to read the map, in one line.
const CAPTION: &str = "Each square is a whole 48-hour run of this scenario with two settings changed: bright squares kept their users, \
                       dark ones collapsed — where the colour jumps is the tipping point.";
/// The panel's element id (the hint scrolls to it).
pub const PANEL_ID: &str = "tipping";

/// The scale the map is computed at: the run's own, but city instead of real (a real-scale
/// map would be 169 runs of a second or more each).
pub fn map_scale(s: Scale) -> Scale {
    if s == Scale::Real { Scale::City } else { s }
}

/// A scenario at another scale: that scale's preset with the parameters the reader changed
/// (the sizes that follow the scale are left to it).
fn at_scale(sc: &Scenario, scale: Scale) -> Scenario {
    if sc.params.scale == scale {
        return sc.clone();
    }
    let (Ok(mut out), Ok(preset)) = (Scenario::preset_at(&sc.name, scale), Scenario::preset_at(&sc.name, sc.params.scale)) else { return sc.clone() };
    for key in Params::KEYS.iter().filter(|k| !matches!(**k, "scale" | "peers" | "supernodes" | "mega_supernodes")) {
        if let Some(v) = sc.params.get(key).filter(|v| Some(v) != preset.params.get(key).as_ref()) {
            let _ = out.set(key, &v);
        }
    }
    let _ = out.set("seed", &sc.params.seed.to_string());
    out
}

/// The grid of the map for the current run and axes, and a key naming it. The base has both
/// swept parameters back at the preset's values, so loading a cell's run keeps the same map.
fn plan(run: &Scenario, x: &str, y: &str) -> Result<(String, Grid), SweepError> {
    let mut base = at_scale(run, map_scale(run.params.scale));
    let preset = Scenario::preset_at(&base.name, base.params.scale)?;
    for p in [x, y] {
        base.set(p, &preset.params.get(p).unwrap_or_default())?;
    }
    let axis = |p: &str| Axis::suggested(p, &base.params).ok_or_else(|| SweepError::NotSweepable { param: p.to_string() });
    let (ax, ay) = (axis(x)?, axis(y)?);
    let key = format!("{}|{:?}|{ax:?}|{ay:?}", base.name, base.params);
    Ok((key, Grid::new(base, ax, ay, HOURS)?))
}

/// Where a scenario's values of the two parameters fall along the axes.
fn position(sc: &Scenario, x: &Axis, y: &Axis) -> Option<(f64, f64)> {
    let v = |p: &str| sc.params.get(p).and_then(|s| s.parse::<f64>().ok());
    Some((x.position(v(&x.param)?), y.position(v(&y.param)?)))
}

/// Calls `f` once, when `el` first comes within 200 px of the viewport.
fn when_visible(el: &web_sys::Element, f: impl Fn() + 'static) {
    let cb = Closure::<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>::new(move |entries: js_sys::Array, obs: web_sys::IntersectionObserver| {
        if entries.iter().any(|e| e.unchecked_into::<web_sys::IntersectionObserverEntry>().is_intersecting()) {
            obs.disconnect();
            f();
        }
    });
    let init = web_sys::IntersectionObserverInit::new();
    init.set_root_margin("200px");
    match web_sys::IntersectionObserver::new_with_options(cb.as_ref().unchecked_ref(), &init) {
        Ok(obs) => obs.observe(el),
        Err(_) => leptos::logging::warn!("no IntersectionObserver: the tipping-point map is not computed"),
    }
    // One small closure per panel, alive as long as the page.
    cb.forget();
}

/// Writes the address now (the panel's choices are not among what `share::sync_url` watches).
fn write_url(state: &AppState) {
    let Some(w) = web_sys::window() else { return };
    let q = format!("?{}", crate::share::current_query(state));
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&q));
    }
}

/// Loads cell `i`'s run at the current minute; the run it replaces stays as a ghost.
fn load_cell(state: AppState, computer: Computer, i: usize) {
    let Some(sc) = computer.with(|s| (i < s.grid().len()).then(|| s.grid().scenario(i))).flatten() else { return };
    let minute = state.minute.get_untracked();
    let same_scale = state.scale.get_untracked() == sc.params.scale;
    let ghost = state.history.with_value(|h| h.ghost().map(<[_]>::to_vec).unwrap_or_else(|| h.series().to_vec()));
    state.load(sc);
    if same_scale {
        state.history.update_value(|h| h.set_ghost(Some(ghost)));
    }
    crate::player::goto(state, minute);
}

#[component]
pub fn TippingPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let url = use_context::<UrlState>();
    let start = url.as_ref().map(|u| u.map.clone()).unwrap_or_default();
    let embed = url.as_ref().is_some_and(|u| u.embed);
    let (x, y, outcome, open) = (RwSignal::new(start.x.clone()), RwSignal::new(start.y.clone()), RwSignal::new(start.outcome), RwSignal::new(start.open));
    let computer = Computer::new();
    let visible = RwSignal::new(false);
    let hover = RwSignal::new(None::<usize>);
    let problem = RwSignal::new(None::<String>);
    let resized = RwSignal::new(0u32);
    let canvas = NodeRef::<Canvas>::new();
    let figure = NodeRef::<Figure>::new();

    // The permalink carries the map once the reader has it open.
    Effect::new(move |first: Option<()>| {
        link::set_shown(MapLink { open: open.get(), x: x.get(), y: y.get(), outcome: outcome.get() });
        if first.is_some() {
            write_url(&state);
        }
    });
    figure.on_load(move |el| {
        when_visible(&el, move || visible.set(true));
        if start.open && !embed {
            el.scroll_into_view();
        }
    });
    // (Re)compute when in view and the run's scenario or the axes change; an unchanged map is kept.
    Effect::new(move |_| {
        state.revision.track();
        if !visible.get() {
            return;
        }
        let (xp, yp) = (x.get(), y.get());
        match state.history.with_value(|h| plan(h.scenario(), &xp, &yp)) {
            Ok((key, grid)) => {
                problem.set(None);
                computer.ensure(key, grid);
            }
            Err(e) => problem.set(Some(e.to_string())),
        }
    });

    let layout = move || -> Option<Layout> {
        let el = canvas.get_untracked()?;
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
        computer.with(|s| Layout::new(f64::from(el.width()), f64::from(el.height()), dpr, s.grid().x().steps as usize, s.grid().y().steps as usize))
    };
    let handle = window_event_listener(leptos::ev::resize, move |_| resized.update(|r| *r = r.wrapping_add(1)));
    on_cleanup(move || handle.remove());
    Effect::new(move |_| {
        computer.version.track();
        resized.track();
        let (hover, outcome) = (hover.get(), outcome.get());
        let current = state.revision.with(|_| state.history.with_value(|h| h.scenario().clone()));
        let Some(el) = canvas.get() else { return };
        let Some(ctx) = context_2d(&el) else { return };
        let (w, h, dpr) = fit_to_css_box(&el);
        let (w, h) = (f64::from(w), f64::from(h));
        computer.with(|s| {
            let g = s.grid();
            let dec = Scenario::preset_at("dec-2010", g.base().params.scale).ok();
            let picture = Picture {
                x: g.x(),
                y: g.y(),
                cells: s.cells(),
                lost_top: draw::lost_top(s.cells(), s.expected_hours()),
                outcome,
                current: position(&current, g.x(), g.y()),
                dec_2010: dec.and_then(|d| position(&d, g.x(), g.y())),
                hover,
            };
            draw::draw(&ctx, w, h, &Layout::new(w, h, dpr, g.x().steps as usize, g.y().steps as usize), &picture);
        });
    });

    let at = move |ev: &MouseEvent| {
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
        layout()?.cell_at(f64::from(ev.offset_x()) * dpr, f64::from(ev.offset_y()) * dpr)
    };
    let choose = move |i: usize| {
        open.set(true);
        load_cell(state, computer, i);
    };
    let on_key = move |ev: KeyboardEvent| {
        let Some((nx, n)) = computer.with(|s| (s.grid().x().steps as usize, s.grid().len())) else { return };
        let i = hover.get_untracked().unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" => (i % nx + 1 < nx).then_some(i + 1),
            "ArrowLeft" => (!i.is_multiple_of(nx)).then(|| i - 1),
            "ArrowUp" => (i + nx < n).then_some(i + nx),
            "ArrowDown" => i.checked_sub(nx),
            "Enter" | " " => {
                ev.prevent_default();
                choose(i);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        hover.set(Some(next.unwrap_or(i)));
    };

    // The text on the panel, each a memo (cheap to render: one shared code path for all).
    let status = Memo::new(move |_| {
        let p = computer.progress.get();
        let n = computer.with(|s| s.grid().len()).unwrap_or(0);
        let scale = computer.with(|s| s.grid().base().params.scale.name()).unwrap_or("city");
        match computer.took_ms() {
            _ if !visible.get() => "The map is computed when it comes into view.".to_string(),
            Some(ms) if p >= 1.0 => format!("{n} runs of {HOURS} h at {scale} scale, computed in {:.1} s in your browser.", ms / 1000.0),
            _ => format!("Computing… {:.0}% of {n} runs of {HOURS} h at {scale} scale.", p * 100.0),
        }
    });
    let readout = Memo::new(move |_| {
        computer.version.track();
        let Some(i) = hover.get() else { return "Point at a square to read it; click it to load that run.".to_string() };
        computer
            .with(|s| {
                let g = s.grid();
                let (col, row) = g.position(i);
                let (xs, ys) = (g.x().values(), g.y().values());
                words::readout(&g.x().param, &g.y().param, xs.get(col).copied().unwrap_or(0.0), ys.get(row).copied().unwrap_or(0.0), s.cells().get(i).and_then(Option::as_ref), HOURS, s.expected_hours())
            })
            .unwrap_or_default()
    });
    let finding = Memo::new(move |_| {
        computer.version.track();
        computer
            .with(|s| {
                if !s.done() {
                    return None;
                }
                let d = Scenario::preset_at("dec-2010", s.grid().base().params.scale).ok()?;
                let v = |p: &str| d.params.get(p).and_then(|t| t.parse::<f64>().ok());
                words::about_2010(&s.sweep(), v(&s.grid().x().param)?, v(&s.grid().y().param)?)
            })
            .flatten()
            .unwrap_or_default()
    });
    let progress_attr = Memo::new(move |_| format!("{}", (computer.progress.get() * 1000.0).round() / 1000.0));
    let busy = Memo::new(move |_| (computer.progress.get() < 1.0).to_string());
    let outcome_name = Memo::new(move |_| outcome.get().name().to_string());
    let aria = Memo::new(move |_| format!("Tipping-point map: {} across, {} up, colour by {}. Arrow keys move, Enter loads the run.", words::label(&x.get()), words::label(&y.get()), outcome.get().label()));
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
    let problem_text = Memo::new(move |_| problem.get().unwrap_or_default());
    let options = |names: &mut dyn Iterator<Item = (&'static str, &'static str)>| names.map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view();
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

    view! {
        <section class="tipping panel" id=PANEL_ID aria-labelledby="tipping-title">
            <h2 id="tipping-title">"Tipping point: how close to the edge was it?"</h2>
            <div class="tipping-controls">
                <label>"Across " <select data-testid="tipping-x" prop:value=x on:change=pick(x, y)>{options(&mut Axis::SUGGESTED.into_iter().map(|p| (p, words::label(p))))}</select></label>
                <label>"Up " <select data-testid="tipping-y" prop:value=y on:change=pick(y, x)>{options(&mut Axis::SUGGESTED.into_iter().map(|p| (p, words::label(p))))}</select></label>
                <label>"Colour " <select data-testid="tipping-outcome" prop:value=outcome_name on:change=move |ev| {
                    open.set(true);
                    outcome.set(if event_target_value(&ev) == Outcome::Trough.name() { Outcome::Trough } else { Outcome::Lost });
                }>
                    {options(&mut Outcome::ALL.into_iter().map(|o| (o.name(), o.label())))}
                </select></label>
            </div>
            <figure class="tipping-map" node_ref=figure data-testid="tipping-map" data-progress=progress_attr aria-busy=busy>
                <canvas
                    node_ref=canvas
                    tabindex="0"
                    role="img"
                    aria-label=aria
                    on:pointermove=move |ev| hover.set(at(&ev))
                    on:pointerleave=move |_| hover.set(None)
                    on:click=move |ev| {
                        if let Some(i) = at(&ev) {
                            choose(i);
                        }
                    }
                    on:keydown=on_key
                ></canvas>
            </figure>
            <p class="tipping-readout" aria-live="polite" data-testid="tipping-readout">{readout}</p>
            <div class="tipping-legend">
                <span>{low_end}</span>
                <span class="tipping-ramp" style=ramp></span>
                <span>{high_end}</span>
                <span class="tipping-key"><span class="ring">"◯"</span>" this run"</span>
                <span class="tipping-key"><span class="cross">"✕"</span>" Dec 2010 as reported"</span>
            </div>
            <p class="tipping-caption">{CAPTION}</p>
            <p class="tipping-finding" data-testid="tipping-finding">{finding}</p>
            <p class="hint tipping-status">{status}</p>
            <p class="notice tipping-problem" role="status">{problem_text}</p>
        </section>
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
    let go = move |_| {
        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(PANEL_ID)) {
            el.scroll_into_view();
        }
    };
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
    use super::*;

    #[test]
    fn the_map_of_a_clicked_cell_is_the_same_map() {
        let run = Scenario::preset_at("dec-2010", Scale::City).expect("preset");
        let (key, grid) = plan(&run, "buggy_share", "capacity_headroom").expect("plan");
        let cell = grid.scenario(30);
        assert_ne!(cell.params, run.params);
        assert_eq!(plan(&cell, "buggy_share", "capacity_headroom").expect("plan").0, key);
        // Another axis or another fixed parameter is another map.
        assert_ne!(plan(&run, "buggy_share", "restart_delay_min").expect("plan").0, key);
        let mut other = run.clone();
        other.set("login_capacity", "5").expect("ok");
        assert_ne!(plan(&other, "buggy_share", "capacity_headroom").expect("plan").0, key);
    }

    #[test]
    fn a_real_scale_run_is_mapped_at_city_scale_with_its_changes() {
        let mut run = Scenario::preset_at("dec-2010", Scale::Real).expect("preset");
        run.set("restart_delay_min", "90").expect("ok");
        run.set("seed", "7").expect("ok");
        let (_, grid) = plan(&run, "buggy_share", "capacity_headroom").expect("plan");
        let base = grid.base();
        assert_eq!(base.params.scale, Scale::City);
        assert_eq!((base.params.restart_delay_min, base.params.seed), (90, 7));
        assert_eq!(base.params.peers, Scale::City.sizes().0);
    }

    #[test]
    fn every_axis_on_the_menu_makes_a_map() {
        let run = Scenario::preset_at("dec-2010", Scale::Classroom).expect("preset");
        for p in Axis::SUGGESTED {
            let other = if p == "buggy_share" { "capacity_headroom" } else { "buggy_share" };
            assert!(plan(&run, p, other).is_ok(), "{p}");
            assert!(!words::label(p).contains('_'), "{p} has words");
        }
    }
}
