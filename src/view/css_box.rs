//! Each drawn canvas's CSS box size, kept by one `ResizeObserver`. Reading `clientWidth` forces a
//! synchronous layout whenever the page changed since the last one — the clock's label changes
//! every frame, and the page mounts in parts — which with the CPU slowed 4× cost 60–110 ms a time.
//! The observer reports sizes after the browser's own layout, where they come free; until it has
//! reported a canvas, that canvas is not drawn. [`changes`] tells drawings to redraw then, and
//! whenever a canvas is resized (a window resize, a panel opening beside it).

use std::cell::RefCell;

use js_sys::{Array, Object};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlCanvasElement, ResizeObserver, ResizeObserverEntry};

struct Boxes {
    observer: ResizeObserver,
    _on_resize: Closure<dyn FnMut(Array)>,
    /// Each canvas followed, with its size once reported.
    known: Vec<(HtmlCanvasElement, Option<(i32, i32)>)>,
    /// Counts reports; reference-counted, so no component's cleanup disposes it.
    changes: ArcRwSignal<u32>,
}

thread_local! {
    static BOXES: RefCell<Option<Boxes>> = const { RefCell::new(None) };
}

fn on_resize(entries: Array) {
    let changed = BOXES.with_borrow_mut(|b| {
        let b = b.as_mut()?;
        for e in entries.iter() {
            let Ok(e) = e.dyn_into::<ResizeObserverEntry>() else { continue };
            let target = e.target();
            if let Some(k) = b.known.iter_mut().find(|(c, _)| Object::is(c, &target)) {
                // The content box, as the observer measured it (a canvas has no padding).
                let r = e.content_rect();
                k.1 = Some((r.width().round() as i32, r.height().round() as i32));
            }
        }
        Some(b.changes.clone())
    });
    // Outside the borrow: the redraws this wakes read the sizes.
    if let Some(c) = changed {
        c.update(|n| *n = n.wrapping_add(1));
    }
}

/// Runs `f` on the boxes, made on first use (None where there is no `ResizeObserver`).
fn with_boxes<T>(f: impl FnOnce(&mut Boxes) -> T) -> Option<T> {
    BOXES.with_borrow_mut(|slot| {
        if slot.is_none() {
            let cb = Closure::<dyn FnMut(Array)>::new(on_resize);
            if let Ok(observer) = ResizeObserver::new(cb.as_ref().unchecked_ref()) {
                *slot = Some(Boxes { observer, _on_resize: cb, known: vec![], changes: ArcRwSignal::new(0) });
            }
        }
        slot.as_mut().map(f)
    })
}

/// Tracks size reports: a drawing that reads this redraws when any canvas gets or changes size.
pub fn changes() -> u32 {
    with_boxes(|b| b.changes.clone()).map_or(0, |c| c.get())
}

/// The CSS box of `canvas` in CSS pixels, once the observer has reported it (None before: the
/// browser's next layout reports it, and [`changes`] then ticks).
pub fn css_size(canvas: &HtmlCanvasElement) -> Option<(i32, i32)> {
    let followed = with_boxes(|b| {
        if let Some((_, size)) = b.known.iter().find(|(c, _)| Object::is(c, canvas)) {
            return *size;
        }
        // Canvases of views that are gone are no longer followed.
        let observer = b.observer.clone();
        b.known.retain(|(c, _)| {
            let keep = c.is_connected();
            if !keep {
                observer.unobserve(c);
            }
            keep
        });
        b.observer.observe(canvas);
        b.known.push((canvas.clone(), None));
        None
    });
    // No ResizeObserver at all: measure (it forces a layout, but draws).
    followed.unwrap_or_else(|| Some((canvas.client_width(), canvas.client_height())))
}
