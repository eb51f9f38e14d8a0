//! The charts of a comparison: both runs on the same axes, labelled by design, with a cursor
//! at the minute on show. Left run solid, right run dashed (colour is never the only cue).

use leptos::html::Canvas;
use leptos::prelude::*;
use overlay_sim::{History, Metrics};
use web_sys::CanvasRenderingContext2d;

use super::{design_of, Twin};
use crate::view::charts::domain;
use crate::view::colors as c;
use crate::view::draw::{context_2d, fit_to_css_box};
use crate::view::format::times;

/// The two runs' colours (Okabe–Ito sky blue and orange), as in the halves' swatches.
const COLOURS: [&str; 2] = [c::LOGIN, c::MEGA];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Users online over those expected at that time of day.
    Online,
    /// Load on the serving tier over normal (log scale).
    Signalling,
}

impl Kind {
    const ALL: [Kind; 2] = [Kind::Online, Kind::Signalling];
    fn name(self) -> &'static str {
        match self {
            Kind::Online => "online",
            Kind::Signalling => "signalling",
        }
    }
    fn title(self) -> &'static str {
        match self {
            Kind::Online => "Users online, share of those expected",
            Kind::Signalling => "Load on the serving tier vs normal (log scale)",
        }
    }
    fn value(self, m: &Metrics) -> f64 {
        match self {
            Kind::Online => m.online_fraction(),
            Kind::Signalling => m.signalling_ratio,
        }
    }
    fn text(self, m: &Metrics) -> String {
        match self {
            Kind::Online => format!("{:.0}%", m.online_fraction() * 100.0),
            Kind::Signalling => times(m.signalling_ratio),
        }
    }
    /// Value → 0 (bottom) to 1 (top).
    fn unit(self, v: f64) -> f64 {
        match self {
            Kind::Online => (v / 1.05).clamp(0.0, 1.0),
            // 0.5× to 1000× normal.
            Kind::Signalling => ((v.max(1e-3).log10() + 0.301) / 3.301).clamp(0.0, 1.0),
        }
    }
    fn grid(self) -> &'static [(f64, &'static str)] {
        match self {
            Kind::Online => &[(0.0, "0%"), (0.5, "50%"), (1.0, "100%")],
            Kind::Signalling => &[(1.0, "1×"), (10.0, "10×"), (100.0, "100×"), (1000.0, "1000×")],
        }
    }
}

/// Draws both runs' `kind` on `ctx` (`w` × `h` device pixels), with the cursor at `minute`.
fn draw(ctx: &CanvasRenderingContext2d, kind: Kind, runs: [&History; 2], minute: u32, w: f64, h: f64, dpr: f64) {
    ctx.set_fill_style_str(c::BACKGROUND);
    ctx.fill_rect(0.0, 0.0, w, h);
    let (left, right, top, bottom) = (40.0 * dpr, 8.0 * dpr, 7.0 * dpr, 9.0 * dpr);
    let (pw, ph) = ((w - left - right).max(2.0), (h - top - bottom).max(1.0));
    let horizon = runs.iter().map(|r| r.series().len()).max().unwrap_or(0);
    let dom = f64::from(domain(horizon, minute));
    let y = |v: f64| top + ph * (1.0 - kind.unit(v));
    ctx.set_font(&format!("{}px system-ui, sans-serif", (10.0 * dpr).round()));
    ctx.set_text_baseline("middle");
    ctx.set_text_align("right");
    ctx.set_fill_style_str(c::MUTED);
    ctx.begin_path();
    for &(v, label) in kind.grid() {
        ctx.move_to(left, y(v));
        ctx.line_to(left + pw, y(v));
        let _ = ctx.fill_text(label, left - 4.0 * dpr, y(v));
    }
    ctx.set_stroke_style_str("rgba(154,163,181,0.18)");
    ctx.set_line_width(1.0);
    ctx.stroke();
    for (k, run) in runs.iter().enumerate() {
        let series = run.series();
        ctx.begin_path();
        let mut started = false;
        for col in 0..pw as usize {
            let m = ((col as f64 + 0.5) / pw * dom) as usize;
            let Some(row) = m.checked_sub(1).and_then(|i| series.get(i)) else { continue };
            let (px, py) = (left + col as f64, y(kind.value(row)));
            if started {
                ctx.line_to(px, py);
            } else {
                ctx.move_to(px, py);
                started = true;
            }
        }
        let dash = js_sys::Array::new();
        if k == 1 {
            dash.push(&(5.0 * dpr).into());
            dash.push(&(3.0 * dpr).into());
        }
        let _ = ctx.set_line_dash(&dash);
        ctx.set_stroke_style_str(COLOURS[k]);
        ctx.set_line_width(1.6 * dpr);
        ctx.stroke();
    }
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    let x = left + pw * f64::from(minute) / dom;
    ctx.begin_path();
    ctx.move_to(x, top);
    ctx.line_to(x, top + ph);
    ctx.set_stroke_style_str(c::HIGHLIGHT);
    ctx.set_line_width(dpr);
    ctx.stroke();
}

#[component]
fn Chart(kind: Kind, twin: Twin) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let (a, b) = (twin.main, twin.state);
    Effect::new(move |_| {
        let minute = a.minute.get();
        let _ = (a.revision.get(), b.minute.get(), b.revision.get());
        let Some(el) = canvas.get() else { return };
        let Some(ctx) = context_2d(&el) else { return };
        let Some((w, h, dpr)) = fit_to_css_box(&el) else { return };
        a.history.with_value(|ha| b.history.with_value(|hb| draw(&ctx, kind, [ha, hb], minute, f64::from(w), f64::from(h), dpr)));
    });
    let now = move |s: crate::app_state::AppState| {
        s.minute.track();
        s.revision.track();
        s.metrics()
    };
    let label = move |k: usize| {
        let (s, problem) = if k == 0 { (a, false) } else { (b, twin.problem.get().is_some()) };
        let name = if k == 0 { design_of(&a).name() } else { twin.design.name() };
        let value = if problem { "—".to_string() } else { kind.text(&now(s)) };
        let raw = if problem { String::new() } else { kind.value(&now(s)).to_string() };
        let side = if k == 0 { "a" } else { "b" };
        view! {
            <span class="value" data-design=name>
                <span class=format!("compare-swatch {side}") aria-hidden="true"></span>
                <code>{name}</code>" "
                <output data-testid=format!("compare-{}-{side}", kind.name()) data-value=raw>{value}</output>
            </span>
        }
    };
    view! {
        <figure class="chart compare-chart" data-chart=kind.name()>
            <figcaption>
                <span class="chart-title">{kind.title()}</span>
                <span class="chart-values">{move || label(0)}{move || label(1)}</span>
            </figcaption>
            <canvas node_ref=canvas aria-label=kind.title()></canvas>
        </figure>
    }
}

/// The comparison's charts: both runs overlaid, labelled.
#[component]
pub fn CompareCharts(twin: Twin) -> impl IntoView {
    view! {
        <section class="charts compare-charts" aria-label="Charts of both runs" data-testid="compare-charts">
            {Kind::ALL.into_iter().map(|k| view! { <Chart kind=k twin=twin/> }).collect_view()}
        </section>
    }
}
