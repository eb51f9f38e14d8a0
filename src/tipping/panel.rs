//! The panel: the map's canvas and what drives it — computing when in view, drawing, the
//! pointer and keys, loading a clicked cell's run — and its lines of text.

use leptos::html::{Canvas, Figure};
use leptos::prelude::*;
use overlay_sim::Scenario;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{KeyboardEvent, MouseEvent};

use super::compute::Computer;
use super::draw::{self, Layout, Picture};
use super::link::{self, MapLink, Outcome};
use super::parts::{MapControls, MapLegend};
use super::{plan, position, words, HOURS, PANEL_ID};
use crate::app_state::AppState;
use crate::clock::{use_clock, Clock, NewRun, PlayerCommand};
use crate::url::UrlState;
use crate::view::draw::{context_2d, fit_to_css_box};

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

/// Loads cell `i`'s run at the minute the reader is after; the run it replaces (or its own
/// ghost) stays as the ghost when both are at the same scale.
fn load_cell(state: AppState, clock: Clock, computer: Computer, i: usize) {
    let Some(scenario) = computer.with(|s| (i < s.grid().len()).then(|| s.grid().scenario(i))).flatten() else { return };
    let minute = state.intended_minute();
    let same_scale = state.scale.get_untracked() == scenario.params.scale;
    let ghost = same_scale.then(|| state.history.with_value(|h| h.ghost().map(<[_]>::to_vec).unwrap_or_else(|| h.series().to_vec())));
    clock.send(PlayerCommand::Load(Box::new(NewRun { scenario, minute, ghost })));
}

/// Redraws the map when its cells, the window's size, the pointer, the outcome or the run change.
fn redraw(state: AppState, computer: Computer, canvas: NodeRef<Canvas>, hover: RwSignal<Option<usize>>, outcome: RwSignal<Outcome>) {
    Effect::new(move |_| {
        computer.version.track();
        let (hover, outcome) = (hover.get(), outcome.get());
        let current = state.revision.with(|_| state.history.with_value(|h| h.scenario().clone()));
        let Some(el) = canvas.get() else { return };
        let Some(ctx) = context_2d(&el) else { return };
        let Some((w, h, dpr)) = fit_to_css_box(&el) else { return };
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
}

/// The text on the panel, each a memo (cheap to render: one shared code path for all): the
/// computing status, the pointed cell's readout, and what the finished map says about 2010.
fn texts(computer: Computer, visible: RwSignal<bool>, hover: RwSignal<Option<usize>>) -> (Memo<String>, Memo<String>, Memo<String>) {
    let status = Memo::new(move |_| {
        let p = computer.progress.get();
        let (n, runs) = computer.with(|s| (s.grid().len(), s.grid().runs())).unwrap_or((0, 1));
        let scale = computer.with(|s| s.grid().base().params.scale.name()).unwrap_or("city");
        let what = format!("{n} cells × {runs} runs of {HOURS} h at {scale} scale");
        match computer.took_ms() {
            _ if !visible.get() => "The map is computed when it comes into view.".to_string(),
            Some(ms) if p >= 1.0 => format!("{what} (each cell the mean of its runs), computed in {:.1} s in your browser.", ms / 1000.0),
            _ => format!("Computing… {:.0}% of {what}: the first pass draws every cell, the next ones refine it.", p * 100.0),
        }
    });
    let readout = Memo::new(move |_| {
        computer.version.track();
        let Some(i) = hover.get() else { return "Point at a square to read it; click it to load its first run.".to_string() };
        computer
            .with(|s| {
                let g = s.grid();
                let (col, row) = g.position(i);
                let (xs, ys) = (g.x().values(), g.y().values());
                words::readout(&g.x().param, &g.y().param, xs.get(col).copied().unwrap_or(0.0), ys.get(row).copied().unwrap_or(0.0), (s.cells().get(i).and_then(Option::as_ref), s.runs_of(i)), HOURS, s.expected_hours())
            })
            .unwrap_or_default()
    });
    let finding = Memo::new(move |_| {
        computer.version.track();
        computer
            .with(|s| {
                // Once every cell has its first run: later passes only refine the numbers.
                if s.cells().iter().any(Option::is_none) {
                    return None;
                }
                let d = Scenario::preset_at("dec-2010", s.grid().base().params.scale).ok()?;
                let v = |p: &str| d.params.get(p).and_then(|t| t.parse::<f64>().ok());
                words::about_2010(&s.sweep(), v(&s.grid().x().param)?, v(&s.grid().y().param)?)
            })
            .flatten()
            .unwrap_or_default()
    });
    (status, readout, finding)
}

/// Arrow keys move the pointed cell across the map; Enter or Space loads it.
fn arrow_keys(computer: Computer, hover: RwSignal<Option<usize>>, choose: impl Fn(usize) + 'static) -> impl Fn(KeyboardEvent) {
    move |ev: KeyboardEvent| {
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
    }
}

#[component]
pub fn TippingPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let url = use_context::<UrlState>();
    let start = url.as_ref().map(|u| u.map.clone()).unwrap_or_default();
    let embed = url.as_ref().is_some_and(|u| u.embed);
    let (x, y, outcome, open) = (RwSignal::new(start.x.clone()), RwSignal::new(start.y.clone()), RwSignal::new(start.outcome), RwSignal::new(start.open));
    let computer = Computer::new();
    let visible = RwSignal::new(false);
    let hover = RwSignal::new(None::<usize>);
    let problem = RwSignal::new(None::<String>);
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
    redraw(state, computer, canvas, hover, outcome);

    let at = move |ev: &MouseEvent| {
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
        layout()?.cell_at(f64::from(ev.offset_x()) * dpr, f64::from(ev.offset_y()) * dpr)
    };
    let choose = move |i: usize| {
        open.set(true);
        load_cell(state, clock, computer, i);
    };
    let on_key = arrow_keys(computer, hover, choose);
    let (status, readout, finding) = texts(computer, visible, hover);
    let progress_attr = Memo::new(move |_| format!("{}", (computer.progress.get() * 1000.0).round() / 1000.0));
    let busy = Memo::new(move |_| (computer.progress.get() < 1.0).to_string());
    let aria = Memo::new(move |_| {
        format!("Tipping-point map: {} across, {} up, colour by {}. Arrow keys move, Enter loads the run.", words::label(&x.get()), words::label(&y.get()), outcome.get().label())
    });
    let problem_text = Memo::new(move |_| problem.get().unwrap_or_default());
    view! {
        <section class="tipping panel" id=PANEL_ID aria-labelledby="tipping-title">
            <h2 id="tipping-title">"Tipping point: how close to the edge was it?"</h2>
            <MapControls x=x y=y outcome=outcome open=open/>
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
            <MapLegend computer=computer outcome=outcome/>
            <p class="tipping-finding" data-testid="tipping-finding">{finding}</p>
            <p class="hint tipping-status">{status}</p>
            <p class="notice tipping-problem" role="status">{problem_text}</p>
        </section>
    }
}

