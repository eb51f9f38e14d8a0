//! The stage: the canvas, drawn in the clock's frame loop (the stage only draws: the clock
//! moves time), zoom and pan by wheel, drag and pinch, and hover/tap selection. What was drawn
//! (`data-drawn-minute`, `data-drawn`, `data-lod`, and `data-detail`: the share of the moving
//! overlay this device draws, `view::pace`) is on the canvas, refreshed as it changes.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::html::Canvas;
use leptos::prelude::*;
use web_sys::{HtmlCanvasElement, PointerEvent, WheelEvent};

use super::camera::{hit_test, Camera, View};
use super::draw::{self, Frame, Renderer};
use overlay_sim::Snapshot;
use crate::app::prefers_reduced_motion;
use crate::app_state::AppState;
use crate::clock::{use_clock, Clock, Soon};
use crate::hooks;

/// Pointers down on the canvas (two for a pinch) and whether the gesture moved.
#[derive(Clone, Copy, Default)]
struct Gesture {
    pointers: [Option<(i32, f64, f64)>; 2],
    down_at: (f64, f64),
    moved: bool,
}

impl Gesture {
    fn count(&self) -> usize {
        self.pointers.iter().flatten().count()
    }
}

/// Device-pixel position of a pointer event on the canvas, with the pixel ratio.
fn device_xy(ev: &web_sys::MouseEvent) -> (f64, f64, f64) {
    let dpr = pixel_ratio();
    (f64::from(ev.offset_x()) * dpr, f64::from(ev.offset_y()) * dpr, dpr)
}

fn set_attr(el: &HtmlCanvasElement, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

fn pixel_ratio() -> f64 {
    web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0)
}

/// What a frame of the stage is drawn with, besides the time and the highlight.
#[derive(Clone, Copy)]
struct Inputs {
    view: View,
    dpr: f64,
    revision: u64,
    camera_version: u64,
    speed: f64,
    selected: Option<u32>,
    motion: bool,
}

impl Inputs {
    /// The inputs now; None once the app is unmounted or before the canvas has a size.
    fn now(state: AppState, camera: StoredValue<Camera, LocalStorage>, canvas: &HtmlCanvasElement, motion: bool) -> Option<Inputs> {
        let (cam, speed) = (camera.try_get_value()?, state.speed.try_get_untracked()?);
        let (cw, ch, dpr) = draw::fit_to_css_box(canvas)?;
        let view = cam.view(f64::from(cw), f64::from(ch), draw::margin(dpr));
        let (revision, selected) = (state.revision.get_untracked(), state.selected.get_untracked());
        Some(Inputs { view, dpr, revision, camera_version: cam.version, speed, selected, motion })
    }

    /// Runs `f` with the frame and the world's snapshot (None once the app is unmounted).
    fn with<T>(self, state: AppState, now: f64, f: impl FnOnce(&Frame<'_>, &Snapshot<'_>, u32) -> T) -> Option<T> {
        let Inputs { view, dpr, revision, camera_version, speed, selected, motion } = self;
        state.highlight.try_with_untracked(|hl| {
            let frame = Frame { now, revision, camera_version, view, dpr, speed, selected, highlight: hl.as_ref(), motion };
            state.history.try_with_value(|h| f(&frame, &h.world().snapshot(), h.minute()))
        })?
    }
}

/// What paints the map's base layer between frames.
struct Painter {
    state: AppState,
    camera: StoredValue<Camera, LocalStorage>,
    canvas: HtmlCanvasElement,
    motion: bool,
    renderer: Rc<RefCell<Renderer>>,
    /// The task in flight (one at a time).
    pending: Rc<RefCell<Option<Soon>>>,
}

/// Paints the next half of the base layer in a task of its own, then the other half in the
/// next (a frame may come between: it shows the previous base).
fn paint_soon(p: Painter, now: f64) {
    let pending = p.pending.clone();
    *pending.borrow_mut() = Some(Soon::new(move || {
        drop(p.pending.borrow_mut().take());
        let Some(inputs) = Inputs::now(p.state, p.camera, &p.canvas, p.motion) else { return };
        let done = inputs.with(p.state, now, |f, snap, _| p.renderer.borrow_mut().paint_base(snap, f));
        if done == Some(false) {
            paint_soon(p, now);
        }
    }));
}

/// A seek at most this many minutes from landing holds back the map's first picture.
const FIRST_PICTURE_WAITS_MIN: u32 = 60;

/// Draws the run on `canvas` every frame, after the clock moved (the clock's frame loop). A
/// new minute's base layer is painted in a task of its own between frames, so no frame carries
/// both it and the page's layout. When the picture changed, the canvas's attributes say what
/// was drawn.
fn draw_every_frame(clock: Clock, state: AppState, camera: StoredValue<Camera, LocalStorage>, canvas: HtmlCanvasElement) {
    let Some(ctx) = draw::opaque_context_2d(&canvas) else { return };
    let Some(renderer) = Renderer::new() else { return };
    let renderer = Rc::new(RefCell::new(renderer));
    let painting: Rc<RefCell<Option<Soon>>> = Rc::default();
    let motion = !prefers_reduced_motion();
    let (mut first, mut drawn_once) = (true, false);
    clock.on_frame(move |now| {
        // The page's first layout comes with the first frame, which reports the canvas's size:
        // the first drawing waits for it (and its buffers are made then).
        if first {
            let Some((w, h, _)) = draw::fit_to_css_box(&canvas) else { return true };
            renderer.borrow_mut().prepare(w, h);
            first = false;
        }
        // Stop once the app is unmounted (its signals are gone).
        if state.progress.try_with_untracked(|_| ()).is_none() {
            return false;
        }
        // While the clock computes a far seek, the map holds its picture (dimmed by the page)
        // and the model gets the time: the progress shows on the clock and the timeline. Its
        // first picture waits for a landing that is near: painting a minute that is replaced a
        // moment later would only delay the one asked for (a link into a shipped run lands
        // within the hour after its saved point).
        let seeking = state.progress.with_untracked(|p| p.map(|p| p.target.saturating_sub(p.at)));
        if seeking.is_some_and(|left| drawn_once || left <= FIRST_PICTURE_WAITS_MIN) {
            return true;
        }
        let Some(inputs) = Inputs::now(state, camera, &canvas, motion) else { return true };
        let drawn = inputs.with(state, now, |f, snap, minute| {
            let mut r = renderer.borrow_mut();
            (r.base_stale(snap, f), r.frame(&ctx, snap, f), minute)
        });
        let Some((stale, fresh, minute)) = drawn else { return false };
        if stale && painting.borrow().is_none() {
            paint_soon(Painter { state, camera, canvas: canvas.clone(), motion, renderer: renderer.clone(), pending: painting.clone() }, now);
        }
        if fresh {
            drawn_once = true;
            let r = renderer.borrow();
            set_attr(&canvas, "data-drawn", &r.drawn.drawn.to_string());
            set_attr(&canvas, "data-failed-drawn", &r.drawn.failed.to_string());
            set_attr(&canvas, "data-lod", if r.raster_lod { "raster" } else { "vector" });
            set_attr(&canvas, "data-detail", &format!("{:.1}", r.detail()));
            set_attr(&canvas, "data-drawn-minute", &r.base_minute().unwrap_or(minute).to_string());
            hooks::probe(&canvas, r.probe);
        }
        true
    });
}

/// The pointer on the canvas: hover and tap select, drag pans, wheel and pinch zoom.
#[derive(Clone, Copy)]
struct Pointer {
    state: AppState,
    canvas: NodeRef<Canvas>,
    camera: StoredValue<Camera, LocalStorage>,
    gesture: StoredValue<Gesture, LocalStorage>,
}

impl Pointer {
    /// The view of the canvas as drawn now (for gestures and hit-tests).
    fn view_now(&self) -> Option<(View, HtmlCanvasElement)> {
        let el = self.canvas.get_untracked()?;
        let cam = self.camera.try_get_value()?;
        Some((cam.view(f64::from(el.width()), f64::from(el.height()), draw::margin(pixel_ratio())), el))
    }
    fn pick(&self, x: f64, y: f64, dpr: f64) -> Option<u32> {
        let (view, _) = self.view_now()?;
        self.state.history.with_value(|h| hit_test(&view, &h.world().snapshot(), x, y, 14.0 * dpr))
    }
    fn zoom(&self, x: f64, y: f64, factor: f64) {
        if let Some((_, el)) = self.view_now() {
            self.camera.update_value(|c| c.zoom_at(f64::from(el.width()), f64::from(el.height()), draw::margin(pixel_ratio()), x, y, factor));
        }
    }
    fn release(&self, id: i32) {
        self.gesture.update_value(|g| {
            for p in g.pointers.iter_mut() {
                if p.is_some_and(|p| p.0 == id) {
                    *p = None;
                }
            }
        });
    }

    fn down(&self, ev: PointerEvent) {
        let (x, y, _) = device_xy(&ev);
        if let Some((_, el)) = self.view_now() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        self.gesture.update_value(|g| {
            if g.count() == 0 {
                g.down_at = (x, y);
                g.moved = false;
            }
            if let Some(slot) = g.pointers.iter_mut().find(|p| p.is_none()) {
                *slot = Some((ev.pointer_id(), x, y));
            }
        });
    }

    fn moved(&self, ev: PointerEvent) {
        let (x, y, dpr) = device_xy(&ev);
        let g = self.gesture.get_value();
        match g.count() {
            // Hover (mouse): inspect what is under the pointer.
            0 if ev.pointer_type() == "mouse" => {
                if let Some(i) = self.pick(x, y, dpr).filter(|&i| self.state.selected.get_untracked() != Some(i)) {
                    self.state.selected.set(Some(i));
                }
            }
            0 => {}
            1 => self.pan(g, ev.pointer_id(), x, y, dpr),
            _ => self.pinch(g, ev.pointer_id(), x, y),
        }
    }

    fn pan(&self, g: Gesture, id: i32, x: f64, y: f64, dpr: f64) {
        let Some((first, px, py)) = g.pointers.iter().flatten().next().copied() else { return };
        if first != id {
            return;
        }
        let far = (x - g.down_at.0).hypot(y - g.down_at.1) > 4.0 * dpr;
        if g.moved || far {
            self.camera.update_value(|c| c.pan_by(x - px, y - py));
        }
        self.gesture.update_value(|g| {
            g.moved |= far;
            g.pointers = [Some((id, x, y)), None];
        });
    }

    /// Zooms by the change in finger distance, pans by the midpoint's move.
    fn pinch(&self, g: Gesture, id: i32, x: f64, y: f64) {
        let [Some(a), Some(b)] = g.pointers else { return };
        let (na, nb) = match (a.0 == id, b.0 == id) {
            (true, _) => ((a.0, x, y), b),
            (_, true) => (a, (b.0, x, y)),
            _ => return,
        };
        let d0 = (a.1 - b.1).hypot(a.2 - b.2).max(1.0);
        let d1 = (na.1 - nb.1).hypot(na.2 - nb.2).max(1.0);
        let (mx0, my0) = ((a.1 + b.1) / 2.0, (a.2 + b.2) / 2.0);
        let (mx1, my1) = ((na.1 + nb.1) / 2.0, (na.2 + nb.2) / 2.0);
        self.zoom(mx0, my0, d1 / d0);
        self.camera.update_value(|c| c.pan_by(mx1 - mx0, my1 - my0));
        self.gesture.update_value(|g| {
            g.pointers = [Some(na), Some(nb)];
            g.moved = true;
        });
    }

    fn up(&self, ev: PointerEvent) {
        let (x, y, dpr) = device_xy(&ev);
        let g = self.gesture.get_value();
        if g.count() == 1 && !g.moved {
            // A tap or click: select what is under it.
            if let Some(i) = self.pick(x, y, dpr) {
                self.state.selected.set(Some(i));
            }
        }
        self.release(ev.pointer_id());
    }

    fn wheel(&self, ev: WheelEvent) {
        ev.prevent_default();
        let (x, y, _) = device_xy(&ev);
        let unit = if ev.delta_mode() == 1 { 16.0 } else { 1.0 };
        self.zoom(x, y, (-ev.delta_y() * unit * 0.0015).exp());
    }
}

#[component]
pub fn Stage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let canvas = NodeRef::<Canvas>::new();
    let camera = StoredValue::new_local(Camera::default());
    let p = Pointer { state, canvas, camera, gesture: StoredValue::new_local(Gesture::default()) };
    canvas.on_load(move |el| draw_every_frame(clock, state, camera, el));
    view! {
        <div class="stage-wrap">
            <canvas
                node_ref=canvas
                class="stage"
                data-testid="stage"
                role="img"
                aria-label="The overlay: supernodes coloured by load, failed ones marked, peers moving between them"
                on:pointerdown=move |ev| p.down(ev)
                on:pointermove=move |ev| p.moved(ev)
                on:pointerup=move |ev| p.up(ev)
                on:pointercancel=move |ev| p.release(ev.pointer_id())
                on:wheel=move |ev| p.wheel(ev)
                on:dblclick=move |_| camera.update_value(Camera::reset)
            ></canvas>
        </div>
    }
}
