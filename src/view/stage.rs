//! The stage: the canvas, its one requestAnimationFrame loop (advance the clock, then draw),
//! zoom and pan by wheel, drag and pinch, and hover/tap selection. Test hooks on the canvas
//! (`data-drawn`, `data-failed-drawn`, `data-probe-*`) are refreshed when the minute changes.

use leptos::html::Canvas;
use leptos::prelude::*;
use web_sys::{HtmlCanvasElement, PointerEvent, WheelEvent};

use super::camera::{hit_test, Camera};
use super::draw::{self, Frame, Renderer};
use crate::app::prefers_reduced_motion;
use crate::app_state::AppState;

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
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    (f64::from(ev.offset_x()) * dpr, f64::from(ev.offset_y()) * dpr, dpr)
}

fn set_attr(el: &HtmlCanvasElement, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

#[component]
pub fn Stage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas = NodeRef::<Canvas>::new();
    let camera = StoredValue::new_local(Camera::default());
    let gesture = StoredValue::new_local(Gesture::default());
    let motion = !prefers_reduced_motion();

    canvas.on_load(move |canvas| {
        let Some(ctx) = draw::context_2d(&canvas) else { return };
        let Some(mut renderer) = Renderer::new() else { return };
        let mut last: Option<f64> = None;
        draw::animation_loop(move |now| {
            // Stop once the app is unmounted (its signals are gone).
            if state.playing.try_get_untracked().is_none() {
                return false;
            }
            let Some(cam) = camera.try_get_value() else { return false };
            let dt = last.map_or(0.0, |t| now - t);
            last = Some(now);
            state.advance(dt);
            let (cw, ch, dpr) = draw::fit_to_css_box(&canvas);
            let view = cam.view(f64::from(cw), f64::from(ch), draw::margin(dpr));
            let speed = state.speed.get_untracked();
            let revision = state.revision.get_untracked();
            let selected = state.selected.get_untracked();
            let fresh = state.highlight.with_untracked(|hl| {
                let f = Frame { now, revision, camera_version: cam.version, view, dpr, speed, selected, highlight: hl.as_ref(), motion };
                state.history.with_value(|h| renderer.frame(&ctx, &h.world().snapshot(), &f))
            });
            if fresh {
                set_attr(&canvas, "data-drawn", &renderer.drawn.drawn.to_string());
                set_attr(&canvas, "data-failed-drawn", &renderer.drawn.failed.to_string());
                set_attr(&canvas, "data-lod", if renderer.raster_lod { "raster" } else { "vector" });
                set_attr(&canvas, "data-drawn-minute", &state.history.with_value(|h| h.minute()).to_string());
                if let Some((slot, x, y)) = renderer.probe {
                    set_attr(&canvas, "data-probe-slot", &slot.to_string());
                    set_attr(&canvas, "data-probe-x", &format!("{x:.1}"));
                    set_attr(&canvas, "data-probe-y", &format!("{y:.1}"));
                }
            }
            true
        });
    });

    // The view of the canvas as drawn now (for gestures and hit-tests).
    let view_now = move || {
        let el = canvas.get_untracked()?;
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
        let cam = camera.try_get_value()?;
        Some((cam.view(f64::from(el.width()), f64::from(el.height()), draw::margin(dpr)), el))
    };
    let pick = move |x: f64, y: f64, dpr: f64| {
        let (view, _) = view_now()?;
        state.history.with_value(|h| hit_test(&view, &h.world().snapshot(), x, y, 14.0 * dpr))
    };
    let zoom = move |x: f64, y: f64, factor: f64| {
        if let Some((_, el)) = view_now() {
            let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
            camera.update_value(|c| c.zoom_at(f64::from(el.width()), f64::from(el.height()), draw::margin(dpr), x, y, factor));
        }
    };

    let on_down = move |ev: PointerEvent| {
        let (x, y, _) = device_xy(&ev);
        if let Some((_, el)) = view_now() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        gesture.update_value(|g| {
            if g.count() == 0 {
                g.down_at = (x, y);
                g.moved = false;
            }
            if let Some(slot) = g.pointers.iter_mut().find(|p| p.is_none()) {
                *slot = Some((ev.pointer_id(), x, y));
            }
        });
    };
    let on_move = move |ev: PointerEvent| {
        let (x, y, dpr) = device_xy(&ev);
        let g = gesture.get_value();
        match g.count() {
            0 => {
                // Hover (mouse): inspect what is under the pointer.
                if ev.pointer_type() == "mouse" {
                    if let Some(i) = pick(x, y, dpr) {
                        if state.selected.get_untracked() != Some(i) {
                            state.selected.set(Some(i));
                        }
                    }
                }
            }
            1 => {
                let Some((id, px, py)) = g.pointers.iter().flatten().next().copied() else { return };
                if id != ev.pointer_id() {
                    return;
                }
                let far = (x - g.down_at.0).hypot(y - g.down_at.1) > 4.0 * dpr;
                if g.moved || far {
                    camera.update_value(|c| c.pan_by(x - px, y - py));
                }
                gesture.update_value(|g| {
                    g.moved |= far;
                    g.pointers = [Some((id, x, y)), None];
                });
            }
            _ => {
                // Pinch: zoom by the change in finger distance, pan by the midpoint's move.
                let [Some(a), Some(b)] = g.pointers else { return };
                let (na, nb) = if a.0 == ev.pointer_id() {
                    ((a.0, x, y), b)
                } else if b.0 == ev.pointer_id() {
                    (a, (b.0, x, y))
                } else {
                    return;
                };
                let d0 = (a.1 - b.1).hypot(a.2 - b.2).max(1.0);
                let d1 = (na.1 - nb.1).hypot(na.2 - nb.2).max(1.0);
                let (mx0, my0) = ((a.1 + b.1) / 2.0, (a.2 + b.2) / 2.0);
                let (mx1, my1) = ((na.1 + nb.1) / 2.0, (na.2 + nb.2) / 2.0);
                zoom(mx0, my0, d1 / d0);
                camera.update_value(|c| c.pan_by(mx1 - mx0, my1 - my0));
                gesture.update_value(|g| {
                    g.pointers = [Some(na), Some(nb)];
                    g.moved = true;
                });
            }
        }
    };
    let on_up = move |ev: PointerEvent| {
        let (x, y, dpr) = device_xy(&ev);
        let g = gesture.get_value();
        if g.count() == 1 && !g.moved {
            // A tap or click: select what is under it.
            if let Some(i) = pick(x, y, dpr) {
                state.selected.set(Some(i));
            }
        }
        gesture.update_value(|g| {
            for p in g.pointers.iter_mut() {
                if p.is_some_and(|p| p.0 == ev.pointer_id()) {
                    *p = None;
                }
            }
        });
    };
    let on_cancel = move |ev: PointerEvent| {
        gesture.update_value(|g| {
            for p in g.pointers.iter_mut() {
                if p.is_some_and(|p| p.0 == ev.pointer_id()) {
                    *p = None;
                }
            }
        });
    };
    let on_wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        let (x, y, _) = device_xy(&ev);
        let unit = if ev.delta_mode() == 1 { 16.0 } else { 1.0 };
        zoom(x, y, (-ev.delta_y() * unit * 0.0015).exp());
    };

    view! {
        <div class="stage-wrap">
            <canvas
                node_ref=canvas
                class="stage"
                data-testid="stage"
                role="img"
                aria-label="The overlay: supernodes coloured by load, failed ones marked, peers moving between them"
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=on_cancel
                on:wheel=on_wheel
                on:dblclick=move |_| camera.update_value(Camera::reset)
            ></canvas>
        </div>
    }
}
