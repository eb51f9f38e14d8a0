//! Four small canvas charts of the run, with a cursor at the current minute: peers online vs
//! expected, supernodes serving (mega-supernodes stacked), signalling (log scale), the giant
//! component. Redrawn only when the minute or the run changes; current values also as text.

use leptos::html::Canvas;
use leptos::prelude::*;
use overlay_sim::{History, Metrics};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::colors as c;
use super::draw::{context_2d, fit_to_css_box};
use super::format::{count, times};
use crate::app_state::{AppState, Highlight};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Online,
    Supernodes,
    Signalling,
    Giant,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Online, Kind::Supernodes, Kind::Signalling, Kind::Giant];
    /// The story's name for the chart (`Highlight::Chart`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Online => "online",
            Kind::Supernodes => "supernodes",
            Kind::Signalling => "signalling",
            Kind::Giant => "giant",
        }
    }
    fn title(self) -> &'static str {
        match self {
            Kind::Online => "Peers online vs expected",
            Kind::Supernodes => "Supernodes serving",
            Kind::Signalling => "Load on a supernode vs normal (log scale)",
            Kind::Giant => "Supernode mesh still connected",
        }
    }
    /// The plotted values: (main, second). Second is `expected` (online), megas (stacked on
    /// supernodes), or nothing.
    fn values(self, m: &Metrics) -> (f64, f64) {
        match self {
            Kind::Online => (m.online_peers as f64, m.expected_peers as f64),
            Kind::Supernodes => (f64::from(m.supernodes_alive), f64::from(m.mega_supernodes)),
            Kind::Signalling => (m.signalling_ratio, 0.0),
            Kind::Giant => (m.giant_component, 0.0),
        }
    }
    fn log(self) -> bool {
        self == Kind::Signalling
    }
}

/// Log scale bounds of the signalling chart: 0.5× to 1000× normal.
const LOG_MIN: f64 = -0.301;
const LOG_MAX: f64 = 3.0;

/// The x-axis span in minutes: what has been computed, at least a day, in 6-hour steps.
pub fn domain(horizon: usize, minute: u32) -> u32 {
    let m = (horizon as u32).max(minute).max(24 * 60);
    m.div_ceil(360) * 360
}

/// Where a chart plots: the plot box in device pixels, the minutes across and the values up.
struct Plot {
    left: f64,
    top: f64,
    pw: f64,
    ph: f64,
    dpr: f64,
    /// Minutes across the x-axis.
    dom: f64,
    ymin: f64,
    ymax: f64,
    log: bool,
}

impl Plot {
    fn new(kind: Kind, h: &History, w: f64, hh: f64, dpr: f64) -> Plot {
        let series = h.series();
        let (left, right, top, bottom) = (40.0 * dpr, 8.0 * dpr, 7.0 * dpr, 16.0 * dpr);
        let ymax = match kind {
            Kind::Online => series.iter().map(|m| m.expected_peers.max(m.online_peers) as f64).fold(1.0, f64::max) * 1.05,
            Kind::Supernodes => series.iter().map(|m| f64::from(m.supernodes_alive + m.mega_supernodes)).fold(1.0, f64::max).max(h.world().ordinary_slots() as f64) * 1.05,
            Kind::Signalling => LOG_MAX,
            Kind::Giant => 1.0,
        };
        Plot {
            left,
            top,
            pw: (w - left - right).max(1.0),
            ph: (hh - top - bottom).max(1.0),
            dpr,
            dom: f64::from(domain(series.len(), h.minute())),
            ymin: if kind.log() { LOG_MIN } else { 0.0 },
            ymax,
            log: kind.log(),
        }
    }
    fn y(&self, v: f64) -> f64 {
        let v = if self.log { v.max(1e-3).log10() } else { v };
        self.top + self.ph * (1.0 - ((v - self.ymin) / (self.ymax - self.ymin)).clamp(0.0, 1.0))
    }
    fn x(&self, minute: f64) -> f64 {
        self.left + self.pw * (minute / self.dom)
    }
    fn bottom(&self) -> f64 {
        self.top + self.ph
    }
    /// Pixel columns across the plot.
    fn cols(&self) -> usize {
        self.pw.max(2.0) as usize
    }
    /// The minute under pixel column `col`.
    fn minute_at(&self, col: usize) -> usize {
        ((col as f64 + 0.5) / self.cols() as f64 * self.dom) as usize
    }
}

/// Draws one chart of the run onto `canvas`: grid, series, the ghost of the run before a fork,
/// and the cursor at the minute on show.
pub fn draw_chart(canvas: &HtmlCanvasElement, ctx: &CanvasRenderingContext2d, kind: Kind, h: &History) {
    let Some((w, hh, dpr)) = fit_to_css_box(canvas) else { return };
    let (w, hh) = (f64::from(w), f64::from(hh));
    ctx.set_fill_style_str(c::BACKGROUND);
    ctx.fill_rect(0.0, 0.0, w, hh);
    let plot = Plot::new(kind, h, w, hh, dpr);
    ctx.set_font(&format!("{}px system-ui, sans-serif", (10.0 * dpr).round()));
    ctx.set_text_baseline("middle");
    ctx.begin_path();
    draw_y_grid(ctx, &plot, kind);
    draw_x_ticks(ctx, &plot, h, w, hh);
    ctx.set_stroke_style_str("rgba(154,163,181,0.18)");
    ctx.set_line_width(1.0);
    ctx.stroke();
    draw_series(ctx, &plot, kind, h);
    if let Some(ghost) = h.ghost() {
        draw_ghost(ctx, &plot, kind, ghost);
    }
    let x = plot.x(f64::from(h.minute()));
    ctx.begin_path();
    ctx.move_to(x, plot.top);
    ctx.line_to(x, plot.bottom());
    ctx.set_stroke_style_str(c::HIGHLIGHT);
    ctx.set_line_width(dpr);
    ctx.stroke();
}

/// Horizontal grid lines with their labels (added to the current path).
fn draw_y_grid(ctx: &CanvasRenderingContext2d, plot: &Plot, kind: Kind) {
    ctx.set_fill_style_str(c::MUTED);
    ctx.set_text_align("right");
    let fixed: &[(f64, &str)] = match kind {
        Kind::Signalling => &[(1.0, "1×"), (10.0, "10×"), (100.0, "100×"), (1000.0, "1000×")],
        Kind::Giant => &[(0.0, "0%"), (0.5, "50%"), (1.0, "100%")],
        _ => &[],
    };
    let counted: Vec<(f64, String)> = if fixed.is_empty() {
        [0.0, 0.5, 1.0].iter().map(|f| plot.ymax / 1.05 * f).map(|v| (v, count(v))).collect()
    } else {
        fixed.iter().map(|&(v, l)| (v, l.to_string())).collect()
    };
    for (v, label) in counted {
        let y = plot.y(v);
        ctx.move_to(plot.left, y);
        ctx.line_to(plot.left + plot.pw, y);
        let _ = ctx.fill_text(&label, plot.left - 4.0 * plot.dpr, y);
    }
}

/// Vertical lines every 6 hours of the clock, labelled "18:00" (added to the current path).
fn draw_x_ticks(ctx: &CanvasRenderingContext2d, plot: &Plot, h: &History, w: f64, hh: f64) {
    ctx.set_text_align("center");
    let start = h.world().clock_label(0);
    let offset = start.get(11..13).and_then(|s| s.parse::<u32>().ok()).map_or(0, |hr| (hr * 60) % 360);
    let mut t = (360 - offset) % 360;
    while f64::from(t) <= plot.dom {
        let x = plot.x(f64::from(t));
        ctx.move_to(x, plot.top);
        ctx.line_to(x, plot.bottom());
        if x + 14.0 * plot.dpr <= w {
            let label = h.world().clock_label(t);
            let _ = ctx.fill_text(label.get(11..16).unwrap_or(&label), x, hh - 8.0 * plot.dpr);
        }
        t += 360;
    }
}

/// Traces `pick` of the computed rows column by column; `close` makes an area down to the
/// axis. Returns whether anything was traced.
fn trace(ctx: &CanvasRenderingContext2d, plot: &Plot, h: &History, pick: &dyn Fn(&Metrics) -> f64, close: bool) -> bool {
    let series = h.series();
    let last = h.minute().max(series.len() as u32) as usize;
    ctx.begin_path();
    let mut started = false;
    let mut last_x = plot.left;
    for col in 0..plot.cols() {
        let m = plot.minute_at(col);
        let Some(row) = (m > 0 && m <= last).then(|| series.get(m - 1)).flatten() else { continue };
        let (x, y) = (plot.left + col as f64, plot.y(pick(row)));
        if !started && close {
            ctx.move_to(x, plot.bottom());
            ctx.line_to(x, y);
        } else if !started {
            ctx.move_to(x, y);
        } else {
            ctx.line_to(x, y);
        }
        started = true;
        last_x = x;
    }
    if close && started {
        ctx.line_to(last_x, plot.bottom());
        ctx.close_path();
    }
    started
}

/// The series: a filled area for the main value (stacked for supernodes), lines otherwise.
fn draw_series(ctx: &CanvasRenderingContext2d, plot: &Plot, kind: Kind, h: &History) {
    ctx.set_line_width(1.5 * plot.dpr);
    match kind {
        Kind::Supernodes => {
            if trace(ctx, plot, h, &|m| kind.values(m).0 + kind.values(m).1, true) {
                ctx.set_fill_style_str(c::MEGA);
                ctx.fill();
            }
            if trace(ctx, plot, h, &|m| kind.values(m).0, true) {
                ctx.set_fill_style_str(c::LOAD_FILLS[1]);
                ctx.fill();
            }
        }
        Kind::Online => {
            if trace(ctx, plot, h, &|m| kind.values(m).0, true) {
                ctx.set_fill_style_str("rgba(86,180,233,0.35)");
                ctx.fill();
                ctx.set_stroke_style_str(c::LOGIN);
                ctx.stroke();
            }
            if trace(ctx, plot, h, &|m| kind.values(m).1, false) {
                ctx.set_stroke_style_str(c::TEXT);
                ctx.set_line_width(plot.dpr);
                ctx.stroke();
            }
        }
        Kind::Signalling | Kind::Giant => {
            if trace(ctx, plot, h, &|m| kind.values(m).0, false) {
                ctx.set_stroke_style_str(if kind == Kind::Signalling { c::OVERLOAD } else { c::FLOW_LOGIN });
                ctx.stroke();
            }
        }
    }
}

/// The original run behind a what-if, faint, labelled "original" at its right end.
fn draw_ghost(ctx: &CanvasRenderingContext2d, plot: &Plot, kind: Kind, ghost: &[Metrics]) {
    ctx.begin_path();
    let mut started = false;
    let mut last = None;
    for col in 0..plot.cols() {
        let Some(g) = plot.minute_at(col).checked_sub(1).and_then(|k| ghost.get(k)) else { continue };
        let (main, second) = kind.values(g);
        let v = if kind == Kind::Supernodes { main + second } else { main };
        let (x, y) = (plot.left + col as f64, plot.y(v));
        last = Some((x, y));
        if started {
            ctx.line_to(x, y);
        } else {
            ctx.move_to(x, y);
            started = true;
        }
    }
    ctx.set_global_alpha(0.45);
    ctx.set_stroke_style_str(c::TEXT);
    ctx.set_line_width(plot.dpr);
    ctx.stroke();
    if let Some((x, y)) = last {
        ctx.set_global_alpha(0.8);
        ctx.set_fill_style_str(c::TEXT);
        ctx.set_text_align("right");
        let above = if y - plot.top > 14.0 * plot.dpr { -7.0 } else { 7.0 };
        let _ = ctx.fill_text("original", x - 2.0 * plot.dpr, y + above * plot.dpr);
    }
    ctx.set_global_alpha(1.0);
}

/// A chart's current values as text, with the raw number in `data-value` for tests.
fn readout(kind: Kind, m: &Metrics) -> Vec<(&'static str, String, String, &'static str)> {
    match kind {
        Kind::Online => vec![
            ("chart-online", m.online_peers.to_string(), count(m.online_peers as f64), "online"),
            ("chart-expected", m.expected_peers.to_string(), count(m.expected_peers as f64), "expected"),
        ],
        Kind::Supernodes => vec![
            ("chart-supernodes", m.supernodes_alive.to_string(), count(f64::from(m.supernodes_alive)), "user-run"),
            ("chart-megas", m.mega_supernodes.to_string(), count(f64::from(m.mega_supernodes)), "mega"),
        ],
        Kind::Signalling => vec![("chart-signalling", m.signalling_ratio.to_string(), times(m.signalling_ratio), "normal")],
        Kind::Giant => vec![("chart-giant", m.giant_component.to_string(), format!("{:.0}%", m.giant_component * 100.0), "of live supernodes linked")],
    }
}

#[component]
fn Chart(kind: Kind) -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let _ = state.minute.get();
        let _ = state.revision.get();
        if let Some(el) = canvas.get() {
            if let Some(ctx) = context_2d(&el) {
                state.history.with_value(|h| draw_chart(&el, &ctx, kind, h));
            }
        }
    });
    let now = Memo::new(move |_| {
        let _ = state.minute.get();
        let _ = state.revision.get();
        state.metrics()
    });
    let lit = move || state.highlight.with(|h| matches!(h, Some(Highlight::Chart(n)) if *n == kind.name()));
    view! {
        <figure class="chart" class:highlighted=lit data-chart=kind.name()>
            <figcaption>
                <span class="chart-title">{kind.title()}</span>
                <span class="chart-values">
                    {move || {
                        readout(kind, &now.get())
                            .into_iter()
                            .map(|(id, raw, text, unit)| view! {
                                <span class="value"><output data-testid=id data-value=raw>{text}</output>" "{unit}</span>
                            })
                            .collect_view()
                    }}
                </span>
            </figcaption>
            <canvas node_ref=canvas aria-label=kind.title()></canvas>
        </figure>
    }
}

#[component]
pub fn Charts() -> impl IntoView {
    view! {
        <section class="charts" aria-label="Charts of the run">
            {Kind::ALL.into_iter().map(|k| view! { <Chart kind=k/> }).collect_view()}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_is_at_least_a_day_in_six_hour_steps() {
        assert_eq!(domain(0, 0), 1440);
        assert_eq!(domain(1500, 10), 1800);
        assert_eq!(domain(10, 2881), 3240);
    }

    #[test]
    fn readouts_carry_the_raw_values() {
        let m = Metrics { online_peers: 1234, expected_peers: 2000, supernodes_alive: 7, mega_supernodes: 3, signalling_ratio: 42.5, giant_component: 0.5, ..Metrics::default() };
        let all: Vec<_> = Kind::ALL.iter().flat_map(|&k| readout(k, &m)).collect();
        assert!(all.iter().any(|(id, raw, _, _)| *id == "chart-online" && raw == "1234"));
        assert!(all.iter().any(|(id, raw, _, _)| *id == "chart-megas" && raw == "3"));
        assert!(all.iter().any(|(id, _, text, _)| *id == "chart-signalling" && text == "42×"));
    }
}
