//! Each drawn canvas's CSS box size, kept by one `ResizeObserver`. Reading `clientWidth` forces a
//! synchronous layout whenever the page changed since the last one — the clock's label changes
//! every frame, and the page mounts in parts — which with the CPU slowed 4× cost 60–110 ms a time.
//! The observer reports sizes after the browser's own layout, where they come free; until it has
//! reported a canvas, that canvas is not drawn. Reading a size in an effect subscribes it to that
//! canvas's reports: it redraws when the canvas first gets its size and when it is resized, in a
//! task after the frame (not in the frame's own layout step, where the map's first picture is).

use std::cell::RefCell;

use gloo_timers::callback::Timeout;
use js_sys::{Array, Object};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlCanvasElement, ResizeObserver, ResizeObserverEntry};

/// A followed canvas: its size once reported, and a signal that ticks when it changes
/// (reference-counted, so no component's cleanup disposes it).
struct Followed {
    canvas: HtmlCanvasElement,
    size: Option<(i32, i32)>,
    changed: ArcRwSignal<u32>,
}

struct Boxes {
    observer: ResizeObserver,
    _on_resize: Closure<dyn FnMut(Array)>,
    known: Vec<Followed>,
    /// The reports waiting to wake their drawings, and the task that will (kept, not leaked).
    to_wake: Vec<ArcRwSignal<u32>>,
    waking: Option<Timeout>,
}

thread_local! {
    static BOXES: RefCell<Option<Boxes>> = const { RefCell::new(None) };
}

fn on_resize(entries: Array) {
    BOXES.with_borrow_mut(|b| {
        let Some(b) = b else { return };
        for e in entries.iter() {
            let Ok(e) = e.dyn_into::<ResizeObserverEntry>() else { continue };
            let target = e.target();
            if let Some(k) = b.known.iter_mut().find(|k| Object::is(&k.canvas, &target)) {
                // The content box, as the observer measured it (a canvas has no padding).
                let r = e.content_rect();
                let size = Some((r.width().round() as i32, r.height().round() as i32));
                if k.size != size {
                    k.size = size;
                    b.to_wake.push(k.changed.clone());
                }
            }
        }
        // The redraws this wakes run in a task of their own, after this frame.
        if !b.to_wake.is_empty() && b.waking.is_none() {
            b.waking = Some(Timeout::new(0, wake));
        }
    });
}

/// Wakes the drawings whose canvases were reported (outside the borrow: they read sizes).
fn wake() {
    let signals = BOXES.with_borrow_mut(|b| {
        b.as_mut().map(|b| {
            b.waking = None;
            std::mem::take(&mut b.to_wake)
        })
    });
    for c in signals.into_iter().flatten() {
        c.update(|n| *n = n.wrapping_add(1));
    }
}

/// The CSS box of `canvas` in CSS pixels, once the observer has reported it (None before: the
/// browser's next layout reports it). In an effect, it subscribes to the canvas's reports.
pub fn css_size(canvas: &HtmlCanvasElement) -> Option<(i32, i32)> {
    let followed = BOXES.with_borrow_mut(|slot| {
        if slot.is_none() {
            let cb = Closure::<dyn FnMut(Array)>::new(on_resize);
            if let Ok(observer) = ResizeObserver::new(cb.as_ref().unchecked_ref()) {
                *slot = Some(Boxes { observer, _on_resize: cb, known: vec![], to_wake: vec![], waking: None });
            }
        }
        let b = slot.as_mut()?;
        if let Some(k) = b.known.iter().find(|k| Object::is(&k.canvas, canvas)) {
            return Some((k.size, k.changed.clone()));
        }
        // Canvases of views that are gone are no longer followed.
        let observer = b.observer.clone();
        b.known.retain(|k| {
            let keep = k.canvas.is_connected();
            if !keep {
                observer.unobserve(&k.canvas);
            }
            keep
        });
        b.observer.observe(canvas);
        let changed = ArcRwSignal::new(0);
        b.known.push(Followed { canvas: canvas.clone(), size: None, changed: changed.clone() });
        Some((None, changed))
    });
    match followed {
        Some((size, changed)) => {
            changed.track();
            size
        }
        // No ResizeObserver at all: measure (it forces a layout, but draws).
        None => Some((canvas.client_width(), canvas.client_height())),
    }
}
