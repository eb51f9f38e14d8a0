//! Drawing the model on a canvas: one pass over the snapshot's flat arrays per frame,
//! one path per colour, no per-node objects or signals.

use std::cell::RefCell;
use std::rc::Rc;

use overlay_sim::world::state;
use overlay_sim::Snapshot;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

const BACKGROUND: &str = "#0b1020";
const DEAD: &str = "#8a93a6";
const OVERLOAD_RING: &str = "#ff5a36";
const PROMOTING: &str = "#cfd6e6";
/// Sequential, colour-blind-safe fills (viridis), from idle to full load.
const LOAD_FILLS: [&str; 4] = ["#3b528b", "#21918c", "#5ec962", "#fde725"];

/// Which of `LOAD_FILLS` a supernode with this load (load / capacity) is drawn in.
pub fn load_bucket(load: f32) -> usize {
    if load.is_nan() || load < 0.25 {
        0
    } else if load < 0.5 {
        1
    } else if load < 0.75 {
        2
    } else {
        3
    }
}

/// Where the model's unit square goes on a `w`×`h` canvas: (left, top, width, height), centred,
/// inside `margin`, its aspect ratio kept between 1:1 and 2.4:1 so the map is never squashed.
pub fn map_rect(w: f64, h: f64, margin: f64) -> (f64, f64, f64, f64) {
    let (bw, bh) = ((w - 2.0 * margin).max(1.0), (h - 2.0 * margin).max(1.0));
    let aspect = (bw / bh).clamp(1.0, 2.4);
    let (mw, mh) = if bw / bh > aspect { (bh * aspect, bh) } else { (bw, bw / aspect) };
    (margin + (bw - mw) / 2.0, margin + (bh - mh) / 2.0, mw, mh)
}

/// Sizes the canvas's backing store to its CSS box × devicePixelRatio (so it stays sharp and
/// follows resizes). Returns the size in device pixels and the pixel ratio.
pub fn fit_to_css_box(canvas: &HtmlCanvasElement) -> (u32, u32, f64) {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let w = (f64::from(canvas.client_width().max(1)) * dpr).round() as u32;
    let h = (f64::from(canvas.client_height().max(1)) * dpr).round() as u32;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    (w, h, dpr)
}

/// Gets the canvas's 2D context, or None (logged) if the browser refuses one.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    match canvas.get_context("2d") {
        Ok(Some(ctx)) => ctx.dyn_into::<CanvasRenderingContext2d>().ok(),
        _ => {
            leptos::logging::warn!("no 2D canvas context: nothing will be drawn");
            None
        }
    }
}

/// Draws one frame: live supernodes as discs filled by load, failed ones as grey rings,
/// slots being promoted as small rings; vacant slots are not drawn.
pub fn draw(ctx: &CanvasRenderingContext2d, w: u32, h: u32, dpr: f64, snap: &Snapshot<'_>, minute: u32) {
    let (w, h) = (f64::from(w), f64::from(h));
    ctx.set_fill_style_str(BACKGROUND);
    ctx.fill_rect(0.0, 0.0, w, h);

    let margin = 16.0 * dpr;
    let r = (w.min(h) * 0.012).clamp(3.0 * dpr, 9.0 * dpr);
    let n = snap.sn_x.len().min(snap.sn_y.len()).min(snap.sn_state.len()).min(snap.sn_load.len());
    let (ox, oy, mw, mh) = map_rect(w, h, margin);
    let at = |i: usize| {
        (
            ox + f64::from(snap.sn_x[i].clamp(0.0, 1.0)) * mw,
            oy + f64::from(snap.sn_y[i].clamp(0.0, 1.0)) * mh,
        )
    };
    let circle = |x: f64, y: f64, r: f64| {
        ctx.move_to(x + r, y);
        let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
    };

    // One path per fill colour (grouped draw calls).
    for (bucket, fill) in LOAD_FILLS.iter().enumerate() {
        ctx.begin_path();
        for i in (0..n).filter(|&i| snap.sn_state[i] == state::ALIVE && load_bucket(snap.sn_load[i]) == bucket) {
            let (x, y) = at(i);
            circle(x, y, r);
        }
        ctx.set_fill_style_str(fill);
        ctx.fill();
    }

    // Overloaded (load above capacity): an extra warning ring.
    ctx.begin_path();
    for i in (0..n).filter(|&i| snap.sn_state[i] == state::ALIVE && snap.sn_load[i] > 1.0) {
        let (x, y) = at(i);
        circle(x, y, r * 1.6);
    }
    ctx.set_stroke_style_str(OVERLOAD_RING);
    ctx.set_line_width(1.5 * dpr);
    ctx.stroke();

    // Crashed or shut down: hollow grey ring (shape, not only colour, tells them apart).
    ctx.begin_path();
    for i in (0..n).filter(|&i| matches!(snap.sn_state[i], state::CRASHED | state::SHUTDOWN)) {
        let (x, y) = at(i);
        circle(x, y, r * 0.8);
    }
    ctx.set_stroke_style_str(DEAD);
    ctx.set_line_width(1.0 * dpr);
    ctx.stroke();

    // Being promoted: a small light ring.
    ctx.begin_path();
    for i in (0..n).filter(|&i| snap.sn_state[i] == state::PROMOTING) {
        let (x, y) = at(i);
        circle(x, y, r * 0.45);
    }
    ctx.set_stroke_style_str(PROMOTING);
    ctx.stroke();

    ctx.set_fill_style_str("#e8ecf4");
    ctx.set_font(&format!("{}px system-ui, sans-serif", (12.0 * dpr).round()));
    let alive = snap.sn_state[..n].iter().filter(|&&s| s == state::ALIVE).count();
    let _ = ctx.fill_text(&format!("minute {minute} · {alive} of {n} supernode slots alive"), margin, h - margin * 0.6);
}

/// Calls `frame(timestamp_ms)` on every animation frame for as long as it returns true.
pub fn animation_loop(mut frame: impl FnMut(f64) -> bool + 'static) {
    type Slot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;
    let slot: Slot = Rc::new(RefCell::new(None));
    let next = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |t: f64| {
        // Once `frame` says stop, no further frame is requested. (The closure is not dropped
        // from inside its own call, which wasm-bindgen forbids; a stopped loop is a few bytes.)
        if frame(t) {
            request(&next);
        }
    }));
    request(&slot);

    fn request(slot: &Slot) {
        let Some(window) = web_sys::window() else { return };
        if let Some(cb) = slot.borrow().as_ref() {
            if window.request_animation_frame(cb.as_ref().unchecked_ref()).is_err() {
                leptos::logging::warn!("requestAnimationFrame failed: animation stops");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{load_bucket, map_rect};

    #[test]
    fn map_keeps_its_aspect_within_bounds_and_fits() {
        for (w, h) in [(1280.0, 560.0), (344.0, 480.0), (3840.0, 600.0), (10.0, 10.0)] {
            let (x, y, mw, mh) = map_rect(w, h, 4.0);
            assert!(x >= 4.0 - 1e-9 && y >= 4.0 - 1e-9, "{w}x{h}");
            assert!(x + mw <= w - 4.0 + 1e-9 && y + mh <= h - 4.0 + 1e-9, "{w}x{h}");
            let a = mw / mh;
            assert!((1.0 - 1e-9..=2.4 + 1e-9).contains(&a), "{w}x{h}: aspect {a}");
        }
        // Wide enough: fills the width.
        let (_, _, mw, _) = map_rect(1280.0, 560.0, 0.0);
        assert_eq!(mw, 1280.0);
    }

    #[test]
    fn load_buckets_are_ordered_and_total() {
        assert_eq!(load_bucket(0.0), 0);
        assert_eq!(load_bucket(0.3), 1);
        assert_eq!(load_bucket(0.6), 2);
        assert_eq!(load_bucket(0.9), 3);
        assert_eq!(load_bucket(100.0), 3);
        assert_eq!(load_bucket(f32::NAN), 0);
        assert_eq!(load_bucket(-1.0), 0);
    }
}
