//! Drawing the model on a canvas. Two layers: a *base* (cache groups, peers, links, supernodes,
//! servers) on an off-screen canvas, redrawn only when the minute, the run, the camera, the size
//! or the story's highlight changes; and an *overlay* drawn every frame on top (flashes, pulses, particles,
//! arriving mega-supernodes, the selection). Shapes are batched: one path per colour.

use std::f64::consts::TAU;

use overlay_sim::world::{IM_XY, LOGIN_XY};
use overlay_sim::{Cause, SlotState};
use overlay_sim::Snapshot;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::anim::{self, Flashes, Particles};
use super::pace::Pace;
use super::camera::View;
use super::colors::{self, load_bucket};
use super::groups;
use super::raster::{Drawn, Raster};
use crate::app_state::Highlight;

/// Above this many supernodes on screen, the dense raster layer replaces vector shapes.
pub const VECTOR_MAX: usize = 2500;
/// Mesh links stroked per redraw at most (the rest are sampled out: level of detail).
pub const EDGES_MAX: usize = 2500;
/// Peers drawn one dot each at most (beyond, halos).
pub const PEER_DOTS_MAX: usize = 8000;
/// Particles per simulated minute.
pub const PARTICLES_PER_MINUTE: usize = 220;

/// Sizes the canvas's backing store to its CSS box × devicePixelRatio (so it stays sharp and
/// follows resizes). Returns the size in device pixels and the pixel ratio; None until the
/// canvas's box is known. In an effect, the effect runs again when it is known or changes
/// ([`super::css_box`]).
pub fn fit_to_css_box(canvas: &HtmlCanvasElement) -> Option<(u32, u32, f64)> {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (cw, ch) = super::css_box::css_size(canvas)?;
    let (cw, ch) = (cw.max(1), ch.max(1));
    let w = (f64::from(cw) * dpr).round() as u32;
    let h = (f64::from(ch) * dpr).round() as u32;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    Some((w, h, dpr))
}

/// Gets the canvas's 2D context, or None (logged) if the browser refuses one.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    checked(canvas.get_context("2d"))
}

/// The 2D context of a canvas every frame covers with opaque pixels (the map and its base
/// layer): the browser then copies it instead of blending it, when it is drawn onto the map
/// each frame and when the page is composited.
pub fn opaque_context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"alpha".into(), &false.into());
    checked(canvas.get_context_with_context_options("2d", &options))
}

fn checked(ctx: Result<Option<js_sys::Object>, wasm_bindgen::JsValue>) -> Option<CanvasRenderingContext2d> {
    match ctx {
        Ok(Some(ctx)) => ctx.dyn_into::<CanvasRenderingContext2d>().ok(),
        _ => {
            leptos::logging::warn!("no 2D canvas context: nothing will be drawn");
            None
        }
    }
}

/// The margin around the map, in device pixels.
pub fn margin(dpr: f64) -> f64 {
    16.0 * dpr
}

/// How many user-run supernodes the view shows (the dense layer draws them above [`VECTOR_MAX`]).
fn visible_slots(snap: &Snapshot<'_>, v: &View) -> usize {
    let n = snap.sn_x.len().min(snap.sn_y.len()).min(snap.sn_state.len());
    (0..snap.ordinary.min(n))
        .filter(|&i| snap.sn_state[i] != SlotState::Vacant && {
            let (x, y) = v.to_screen(snap.sn_x[i], snap.sn_y[i]);
            v.visible(x, y, 0.0)
        })
        .count()
}

/// Real milliseconds per simulated minute at `speed` (0 when paused or at an odd speed).
fn ms_per_minute(speed: f64) -> f64 {
    if speed.is_finite() && speed > 0.0 {
        1000.0 / speed
    } else {
        0.0
    }
}

/// What one frame needs besides the snapshot.
pub struct Frame<'a> {
    pub now: f64,
    pub revision: u64,
    pub camera_version: u64,
    pub view: View,
    pub dpr: f64,
    /// Simulated minutes per second.
    pub speed: f64,
    pub selected: Option<u32>,
    pub highlight: Option<&'a Highlight>,
    pub motion: bool,
}

#[derive(Clone, Copy, PartialEq, Default)]
struct Key {
    minute: u32,
    revision: u64,
    camera: u64,
    w: u32,
    h: u32,
    highlight: u64,
}

/// The render state kept between frames (layers, buffers, particles).
pub struct Renderer {
    base: HtmlCanvasElement,
    base_ctx: CanvasRenderingContext2d,
    /// What the base layer shows, and whether no frame has shown it yet.
    key: Option<Key>,
    base_fresh: bool,
    /// Whether a base's dense layer is computed, waiting for its second half.
    computed: bool,
    /// The minute and run the last frame showed (for the particles).
    shown: Option<(u32, u64)>,
    raster: Raster,
    areas: groups::AreaLayer,
    particles: Particles,
    flashes: Flashes,
    pace: Pace,
    /// When the current minute first showed (for sub-minute animation).
    tick_at: f64,
    font: String,
    font_dpr: f64,
    pub drawn: Drawn,
    /// The first live supernode on screen: slot and CSS-pixel position (a test hook).
    pub probe: Option<(u32, f64, f64)>,
    pub raster_lod: bool,
}

fn highlight_code(h: Option<&Highlight>) -> u64 {
    match h {
        None => 0,
        Some(Highlight::States(v)) => 1 + v.iter().fold(0u64, |a, &s| a * 8 + s as u64 + 1) * 16,
        Some(Highlight::Crashed) => 2,
        Some(Highlight::MegaSupernodes) => 3,
        Some(Highlight::LoginServers) => 4,
        Some(Highlight::ImServers) => 5,
        Some(Highlight::Chart(_)) => 6,
    }
}

impl Renderer {
    pub fn new() -> Option<Renderer> {
        let doc = web_sys::window()?.document()?;
        let base: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
        let base_ctx = opaque_context_2d(&base)?;
        Some(Renderer {
            base,
            base_ctx,
            key: None,
            base_fresh: false,
            computed: false,
            shown: None,
            raster: Raster::default(),
            areas: groups::AreaLayer::new()?,
            particles: Particles::default(),
            flashes: Flashes::default(),
            pace: Pace::default(),
            tick_at: 0.0,
            font: String::new(),
            font_dpr: 0.0,
            drawn: Drawn::default(),
            probe: None,
            raster_lod: false,
        })
    }

    /// Sizes the layers for a `w`×`h` canvas ahead of the first drawing (it then costs less).
    pub fn prepare(&mut self, w: u32, h: u32) {
        self.base.set_width(w);
        self.base.set_height(h);
        self.raster.resize(w as usize, h as usize);
    }

    fn set_font(&mut self, dpr: f64) {
        if self.font_dpr != dpr {
            self.font = format!("{}px system-ui, sans-serif", (12.0 * dpr).round());
            self.font_dpr = dpr;
        }
    }

    fn key(snap: &Snapshot<'_>, f: &Frame<'_>) -> Key {
        Key { minute: snap.minute, revision: f.revision, camera: f.camera_version, w: f.view.w as u32, h: f.view.h as u32, highlight: highlight_code(f.highlight) }
    }

    /// The share of the moving overlay drawn at this device's frame rate ([`Pace`]).
    pub fn detail(&self) -> f64 {
        self.pace.density()
    }

    /// The minute the base layer shows.
    pub fn base_minute(&self) -> Option<u32> {
        self.key.map(|k| k.minute)
    }

    /// Whether the base layer shows something else than this frame would (a new minute, run,
    /// camera, size or highlight): [`Renderer::paint_base`] is then due.
    pub fn base_stale(&self, snap: &Snapshot<'_>, f: &Frame<'_>) -> bool {
        self.key != Some(Self::key(snap, f))
    }

    /// Paints the base layer (the dense layer, areas, links, labels) if it is stale, in two
    /// halves: returns false after the first, true when the base is painted. The stage runs
    /// each half in a task of its own, between frames: a new minute's base is the heavy part of
    /// drawing (~25–50 ms with the CPU slowed 4×, twice that the first time), and the frames
    /// then only compose.
    pub fn paint_base(&mut self, snap: &Snapshot<'_>, f: &Frame<'_>) -> bool {
        let key = Self::key(snap, f);
        if self.key == Some(key) {
            return true;
        }
        // A first half done for an older key still serves: during a seek the minute moves
        // between any two tasks, and a base must get painted all the same.
        if !self.computed {
            // The first half: the dense layer's pixels, in memory (no canvas touched).
            self.computed = true;
            self.raster_lod = visible_slots(snap, &f.view) > VECTOR_MAX;
            if self.raster_lod {
                self.drawn = self.raster.compute(&f.view, snap);
            }
            return false;
        }
        // The second half. (Had the clock moved since the first, the dense layer lags the rest
        // until the next minute's paint.)
        self.computed = false;
        self.set_font(f.dpr);
        if self.base.width() != key.w {
            self.base.set_width(key.w);
        }
        if self.base.height() != key.h {
            self.base.set_height(key.h);
        }
        let recent = if f.motion { anim::recent_minutes(ms_per_minute(f.speed)) } else { 0 };
        self.draw_base(snap, f, recent);
        self.key = Some(key);
        self.base_fresh = true;
        true
    }

    /// Draws one frame: the base layer as last painted, and over it what moves. Returns true
    /// when it shows a newly painted base: the caller then refreshes the test hooks.
    pub fn frame(&mut self, ctx: &CanvasRenderingContext2d, snap: &Snapshot<'_>, f: &Frame<'_>) -> bool {
        if self.key.is_none() {
            // Until the base layer is first painted (a task of its own), only the background:
            // the overlay would float over nothing, and its first drawing (code the browser
            // compiles on first use) then falls in a later frame than the page's first layout.
            ctx.set_fill_style_str(colors::BACKGROUND);
            ctx.fill_rect(0.0, 0.0, f.view.w, f.view.h);
            return false;
        }
        self.set_font(f.dpr);
        self.pace.frame(f.now);
        let ms_per_min = ms_per_minute(f.speed);
        let shown = (snap.minute, f.revision);
        let old = self.shown.replace(shown);
        if old != Some(shown) {
            self.tick_at = f.now;
            if old.is_some_and(|(m, r)| r != f.revision || m > snap.minute) {
                self.particles.clear();
            } else if f.motion {
                // Fewer particles a minute at high speed, so the pool is not overrun.
                let budget = if ms_per_min > 0.0 { (PARTICLES_PER_MINUTE as f64 * (ms_per_min / 125.0).clamp(0.5, 2.0)) as usize } else { 60 };
                self.particles.on_minute(snap, f.now, ms_per_min, budget);
            }
        }
        let _ = ctx.draw_image_with_html_canvas_element(&self.base, 0.0, 0.0);
        self.draw_overlay(ctx, snap, f, ms_per_min);
        std::mem::take(&mut self.base_fresh)
    }

    fn node_radius(&self, v: &View, n: usize) -> f64 {
        let area = v.sx * v.sy / (n.max(1) as f64);
        (area.sqrt() * 0.16).clamp(1.6 * self.font_dpr, 8.0 * self.font_dpr)
    }

    fn draw_base(&mut self, snap: &Snapshot<'_>, f: &Frame<'_>, recent: u32) {
        let ctx = &self.base_ctx;
        let v = &f.view;
        let n = snap.sn_x.len().min(snap.sn_y.len()).min(snap.sn_state.len()).min(snap.sn_load.len()).min(snap.sn_attached.len()).min(snap.sn_since.len());
        let n_ord = snap.ordinary.min(n);
        let r = self.node_radius(v, n_ord);
        if self.raster_lod {
            self.raster.put(ctx);
        } else {
            ctx.set_fill_style_str(colors::BACKGROUND);
            ctx.fill_rect(0.0, 0.0, v.w, v.h);
        }
        // The cache groups under the supernodes: where the storm is, group by group.
        self.areas.draw(ctx, v, snap, f.dpr, (f.revision, f.camera_version));
        // Fewer, fainter links over the dense layer: they are context, not data.
        draw_edges(ctx, v, snap, n, f.dpr, if self.raster_lod { EDGES_MAX / 4 } else { EDGES_MAX });
        if !self.raster_lod {
            draw_peers(ctx, v, snap, n_ord, r, f.dpr);
            self.drawn = draw_supernodes(ctx, v, snap, n_ord, r, f.dpr);
        }
        draw_megas(ctx, v, snap, n, r, recent, f.dpr);
        draw_servers(ctx, v, f.dpr, &self.font);
        groups::draw_labels(ctx, v, snap, f.dpr, &self.font);
        draw_highlight(ctx, v, snap, n, r, f.highlight);
        // The test hook: the first live supernode on screen, in CSS pixels.
        self.probe = (0..n_ord).find_map(|i| {
            if snap.sn_state[i] != SlotState::Alive {
                return None;
            }
            let (x, y) = v.to_screen(snap.sn_x[i], snap.sn_y[i]);
            v.visible(x, y, -20.0 * f.dpr).then(|| (i as u32, x / f.dpr, y / f.dpr))
        });
    }

    fn draw_overlay(&mut self, ctx: &CanvasRenderingContext2d, snap: &Snapshot<'_>, f: &Frame<'_>, ms_per_min: f64) {
        let v = &f.view;
        let n = snap.sn_x.len().min(snap.sn_y.len()).min(snap.sn_state.len()).min(snap.sn_since.len());
        let n_ord = snap.ordinary.min(n);
        let r = self.node_radius(v, n_ord);
        let since_tick = (f.now - self.tick_at).max(0.0);
        if f.motion {
            // The reconnect storm at the login servers; late replies at the offline-IM servers.
            let expected = snap.sn_attached.iter().take(n_ord).map(|&a| u64::from(a)).sum::<u64>() + snap.retrying + snap.login_queue;
            let storm = (snap.retrying + snap.login_queue) as f64 / expected.max(1) as f64;
            let phase = (f.now % 1200.0) / 1200.0;
            let s = 14.0 * f.dpr;
            if storm > 0.01 {
                pulse(ctx, v, LOGIN_XY, s * (1.0 + phase * (1.0 + 4.0 * storm.sqrt())), colors::FLOW_LOGIN, 1.0 - phase, f.dpr);
            }
            if snap.im_delayed > 0.02 {
                pulse(ctx, v, IM_XY, s * (1.0 + phase * (1.0 + 3.0 * snap.im_delayed.sqrt())), colors::OVERLOAD, 1.0 - phase, f.dpr);
            }
            if ms_per_min > 0.0 {
                self.flashes.refresh(snap, f.revision, anim::recent_minutes(ms_per_min));
                self.flashes.draw(ctx, v, snap, ms_per_min, since_tick, r.max(2.0 * f.dpr), self.pace.density());
                draw_arrivals(ctx, v, snap, n, r, ms_per_min, since_tick, f.dpr);
            }
            let size = if self.raster_lod { 2.0 * f.dpr } else { (r * 0.5).clamp(2.0 * f.dpr, 3.5 * f.dpr) };
            self.particles.draw(ctx, v, f.now, size, self.pace.density());
        }
        if let Some(i) = f.selected.map(|i| i as usize).filter(|&i| i < n) {
            let (x, y) = v.to_screen(snap.sn_x[i], snap.sn_y[i]);
            ctx.begin_path();
            let rr = r * if i >= n_ord { 2.2 } else { 1.9 } + 3.0 * f.dpr;
            let _ = ctx.arc(x, y, rr, 0.0, TAU);
            ctx.set_stroke_style_str(colors::HIGHLIGHT);
            ctx.set_line_width(2.0 * f.dpr);
            ctx.stroke();
        }
    }
}

fn circle(ctx: &CanvasRenderingContext2d, x: f64, y: f64, r: f64) {
    ctx.move_to(x + r, y);
    let _ = ctx.arc(x, y, r, 0.0, TAU);
}

fn hexagon(ctx: &CanvasRenderingContext2d, x: f64, y: f64, r: f64) {
    ctx.move_to(x + r, y);
    for k in 1..6 {
        let a = TAU * f64::from(k) / 6.0;
        ctx.line_to(x + r * a.cos(), y + r * a.sin());
    }
    ctx.close_path();
}

fn pulse(ctx: &CanvasRenderingContext2d, v: &View, at: (f32, f32), r: f64, colour: &str, alpha: f64, dpr: f64) {
    let (x, y) = v.to_screen(at.0, at.1);
    ctx.begin_path();
    let _ = ctx.arc(x, y, r, 0.0, TAU);
    ctx.set_global_alpha(alpha.clamp(0.0, 1.0));
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(2.0 * dpr);
    ctx.stroke();
    ctx.set_global_alpha(1.0);
}

/// Faint mesh links between serving supernodes, sampled to about `max` on screen.
fn draw_edges(ctx: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, n: usize, dpr: f64, max: usize) {
    let edges = snap.mesh_edges;
    let serving = |i: usize| i < n && snap.sn_state[i] == SlotState::Alive;
    // Estimate the share on screen from a sample, then stride through the rest.
    let sample = edges.len().min(400);
    let step = (edges.len() / sample.max(1)).max(1);
    let on_screen = (0..sample)
        .filter(|&k| {
            let [a, _] = edges[k * step];
            let a = a as usize;
            a < n && {
                let (x, y) = v.to_screen(snap.sn_x[a], snap.sn_y[a]);
                v.visible(x, y, 0.0)
            }
        })
        .count();
    let estimate = edges.len() * on_screen / sample.max(1);
    let stride = (estimate / max.max(1)).max(1);
    ctx.begin_path();
    for e in edges.iter().step_by(stride) {
        let (a, b) = (e[0] as usize, e[1] as usize);
        if !serving(a) || !serving(b) {
            continue;
        }
        let (x0, y0) = v.to_screen(snap.sn_x[a], snap.sn_y[a]);
        let (x1, y1) = v.to_screen(snap.sn_x[b], snap.sn_y[b]);
        if !v.visible(x0, y0, 0.0) && !v.visible(x1, y1, 0.0) {
            continue;
        }
        ctx.move_to(x0, y0);
        ctx.line_to(x1, y1);
    }
    ctx.set_stroke_style_str(colors::EDGE);
    ctx.set_line_width(dpr);
    ctx.stroke();
}

/// Peers around their supernode: one dot each when few, else a halo sized by the count.
fn draw_peers(ctx: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, n_ord: usize, r: f64, dpr: f64) {
    let on_screen = |i: usize| {
        let (x, y) = v.to_screen(snap.sn_x[i], snap.sn_y[i]);
        v.visible(x, y, 40.0 * dpr).then_some((x, y))
    };
    let (mut total, mut live) = (0usize, 0usize);
    for i in 0..n_ord {
        if snap.sn_state[i] == SlotState::Alive && on_screen(i).is_some() {
            total += snap.sn_attached[i] as usize;
            live += 1;
        }
    }
    if live == 0 {
        return;
    }
    if total <= PEER_DOTS_MAX {
        // Each peer a dot on a golden-angle spiral around its supernode (stable between frames).
        let d = (r * 0.28).clamp(1.4 * dpr, 2.4 * dpr);
        let ring = d * 1.45;
        ctx.begin_path();
        for i in 0..n_ord {
            if snap.sn_state[i] != SlotState::Alive {
                continue;
            }
            let Some((x, y)) = on_screen(i) else { continue };
            for k in 0..snap.sn_attached[i].min(600) {
                let k = f64::from(k);
                let rad = r + 3.0 * dpr + ring * k.sqrt();
                let a = k * 2.399_963;
                ctx.rect(x + rad * a.cos() - d / 2.0, y + rad * a.sin() - d / 2.0, d, d);
            }
        }
        ctx.set_fill_style_str(colors::PEER);
        ctx.fill();
    } else {
        let mean = total as f64 / live as f64;
        ctx.begin_path();
        for i in 0..n_ord {
            if snap.sn_state[i] != SlotState::Alive {
                continue;
            }
            let Some((x, y)) = on_screen(i) else { continue };
            let share = f64::from(snap.sn_attached[i]) / mean.max(1.0);
            if share > 0.0 {
                circle(ctx, x, y, r * (1.2 + 1.6 * share.sqrt()).min(5.0));
            }
        }
        ctx.set_global_alpha(0.22);
        ctx.set_fill_style_str(colors::PEER);
        ctx.fill();
        ctx.set_global_alpha(1.0);
    }
}

/// User-run supernodes as vector glyphs: discs filled by load (a vermillion ring when over
/// capacity), a grey cross when crashed, a broken vermillion ring when shut down by the
/// safeguard, a small dashed ring while a peer is promoted.
fn draw_supernodes(ctx: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, n_ord: usize, r: f64, dpr: f64) -> Drawn {
    let mut out = Drawn::default();
    let on_screen = |i: usize| {
        let (x, y) = v.to_screen(snap.sn_x[i], snap.sn_y[i]);
        v.visible(x, y, r * 2.0).then_some((x, y))
    };
    // Crashed: a cross.
    ctx.begin_path();
    let k = r * 0.8;
    for i in (0..n_ord).filter(|&i| snap.sn_state[i] == SlotState::Crashed) {
        let Some((x, y)) = on_screen(i) else { continue };
        ctx.move_to(x - k, y - k);
        ctx.line_to(x + k, y + k);
        ctx.move_to(x + k, y - k);
        ctx.line_to(x - k, y + k);
        out.drawn += 1;
        out.failed += 1;
    }
    ctx.set_stroke_style_str(colors::CRASHED);
    ctx.set_line_width(1.6 * dpr);
    ctx.stroke();
    // Shut down by the safeguard: a ring broken at the top.
    ctx.begin_path();
    for i in (0..n_ord).filter(|&i| snap.sn_state[i] == SlotState::Shutdown) {
        let Some((x, y)) = on_screen(i) else { continue };
        let a0 = -TAU / 4.0 + 0.7;
        ctx.move_to(x + r * a0.cos(), y + r * a0.sin());
        let _ = ctx.arc(x, y, r, a0, a0 + TAU - 1.4);
        out.drawn += 1;
        out.failed += 1;
    }
    ctx.set_stroke_style_str(colors::OVERLOAD);
    ctx.set_line_width(2.0 * dpr);
    ctx.stroke();
    // Promoting (or restarting after a crash): a small dashed ring.
    ctx.begin_path();
    let rp = r * 0.65;
    for i in (0..n_ord).filter(|&i| snap.sn_state[i] == SlotState::Promoting) {
        let Some((x, y)) = on_screen(i) else { continue };
        for q in 0..4 {
            let a = TAU * f64::from(q) / 4.0;
            ctx.move_to(x + rp * a.cos(), y + rp * a.sin());
            let _ = ctx.arc(x, y, rp, a, a + TAU / 8.0);
        }
        out.drawn += 1;
    }
    ctx.set_stroke_style_str(colors::PROMOTING);
    ctx.set_line_width(1.2 * dpr);
    ctx.stroke();
    // Live: discs by load bucket, one path per colour.
    for (bucket, fill) in colors::LOAD_FILLS.iter().enumerate() {
        ctx.begin_path();
        for i in (0..n_ord).filter(|&i| snap.sn_state[i] == SlotState::Alive && load_bucket(snap.sn_load[i]) == bucket) {
            let Some((x, y)) = on_screen(i) else { continue };
            circle(ctx, x, y, r);
            out.drawn += 1;
        }
        ctx.set_fill_style_str(fill);
        ctx.fill();
    }
    ctx.begin_path();
    for i in (0..n_ord).filter(|&i| snap.sn_state[i] == SlotState::Alive && snap.sn_load[i] > 1.0) {
        let Some((x, y)) = on_screen(i) else { continue };
        circle(ctx, x, y, r + 2.5 * dpr);
    }
    ctx.set_stroke_style_str(colors::OVERLOAD);
    ctx.set_line_width(1.5 * dpr);
    ctx.stroke();
    out
}

/// Settled mega-supernodes (orange hexagons); ones arriving now are drawn by the overlay.
fn draw_megas(ctx: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, n: usize, r: f64, recent: u32, dpr: f64) {
    let rm = (r * 1.7).max(4.5 * dpr);
    ctx.begin_path();
    let mut any = false;
    for i in snap.ordinary.min(n)..n {
        if snap.sn_state[i] != SlotState::Alive || snap.minute.saturating_sub(snap.sn_since[i]) < recent {
            continue;
        }
        let (x, y) = v.to_screen(snap.sn_x[i], snap.sn_y[i]);
        if v.visible(x, y, rm) {
            hexagon(ctx, x, y, rm);
            any = true;
        }
    }
    if any {
        ctx.set_fill_style_str(colors::MEGA);
        ctx.fill();
        ctx.set_stroke_style_str(colors::BACKGROUND);
        ctx.set_line_width(1.0);
        ctx.stroke();
    }
}

/// Mega-supernodes dropping in from above and growing to size.
#[allow(clippy::too_many_arguments)]
fn draw_arrivals(ctx: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, n: usize, r: f64, ms_per_min: f64, since_tick: f64, dpr: f64) {
    let rm = (r * 1.7).max(4.5 * dpr);
    let recent = anim::recent_minutes(ms_per_min);
    ctx.begin_path();
    let mut any = false;
    for i in snap.ordinary.min(n)..n {
        if snap.sn_state[i] != SlotState::Alive || snap.minute.saturating_sub(snap.sn_since[i]) >= recent {
            continue;
        }
        let age = anim::age_ms(snap.sn_since[i], snap.minute, ms_per_min, since_tick);
        let p = (age / anim::FLASH_MS).min(1.0);
        let e = 1.0 - (1.0 - p) * (1.0 - p);
        let (x, y) = v.to_screen(snap.sn_x[i], snap.sn_y[i]);
        hexagon(ctx, x, y - (1.0 - e) * 40.0 * dpr, rm * (0.5 + 0.5 * e) * if p < 1.0 { 1.4 - 0.4 * e } else { 1.0 });
        any = true;
    }
    if any {
        ctx.set_fill_style_str(colors::MEGA);
        ctx.fill();
    }
}

/// The operator's servers: login (square) and offline-IM (diamond), labelled.
fn draw_servers(ctx: &CanvasRenderingContext2d, v: &View, dpr: f64, font: &str) {
    let s = 9.0 * dpr;
    let (lx, ly) = v.to_screen(LOGIN_XY.0, LOGIN_XY.1);
    ctx.set_fill_style_str(colors::LOGIN);
    ctx.fill_rect(lx - s, ly - s, 2.0 * s, 2.0 * s);
    let (ix, iy) = v.to_screen(IM_XY.0, IM_XY.1);
    ctx.begin_path();
    ctx.move_to(ix, iy - s * 1.3);
    ctx.line_to(ix + s * 1.3, iy);
    ctx.line_to(ix, iy + s * 1.3);
    ctx.line_to(ix - s * 1.3, iy);
    ctx.close_path();
    ctx.set_fill_style_str(colors::IM);
    ctx.fill();
    ctx.set_font(font);
    ctx.set_text_baseline("middle");
    ctx.set_fill_style_str(colors::TEXT);
    ctx.set_text_align("right");
    let _ = ctx.fill_text("login servers", lx - s - 6.0 * dpr, ly);
    ctx.set_text_align("left");
    let _ = ctx.fill_text("offline-IM servers", ix + s * 1.3 + 6.0 * dpr, iy);
}

/// White rings around whatever the story is pointing at.
fn draw_highlight(ctx: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, n: usize, r: f64, hl: Option<&Highlight>) {
    let Some(hl) = hl else { return };
    let rr = r * 2.0 + 3.0;
    ctx.begin_path();
    let mut k = 0;
    let mut ring = |x: f64, y: f64, rr: f64| {
        if k < VECTOR_MAX && v.visible(x, y, rr) {
            circle(ctx, x, y, rr);
            k += 1;
        }
    };
    match hl {
        Highlight::LoginServers => {
            let (x, y) = v.to_screen(LOGIN_XY.0, LOGIN_XY.1);
            ring(x, y, 22.0 + rr);
        }
        Highlight::ImServers => {
            let (x, y) = v.to_screen(IM_XY.0, IM_XY.1);
            ring(x, y, 22.0 + rr);
        }
        _ => {
            for i in 0..n {
                let s = snap.sn_state[i];
                let hit = match hl {
                    Highlight::States(states) => states.contains(&s) && s != SlotState::Idle,
                    Highlight::Crashed => s == SlotState::Crashed && snap.sn_cause.get(i) == Some(&Cause::Bug),
                    Highlight::MegaSupernodes => i >= snap.ordinary && s == SlotState::Alive,
                    _ => false,
                };
                if hit {
                    let (x, y) = v.to_screen(snap.sn_x[i], snap.sn_y[i]);
                    ring(x, y, rr);
                }
            }
        }
    }
    ctx.set_stroke_style_str(colors::HIGHLIGHT);
    ctx.set_line_width(1.5);
    ctx.stroke();
}
