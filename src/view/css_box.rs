//! Each drawn canvas's CSS box size, kept by one `ResizeObserver`. Reading `clientWidth` every
//! frame forces a synchronous layout whenever the page changed since the last one — and the
//! clock's label changes every frame — which with the CPU slowed 4× cost tens of milliseconds a
//! frame. The observer reports sizes after the browser's own layout, where reading them is free.

use std::cell::RefCell;

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use web_sys::{HtmlCanvasElement, ResizeObserver, ResizeObserverEntry};

struct Boxes {
    observer: ResizeObserver,
    _on_resize: Closure<dyn FnMut(Array)>,
    known: Vec<(HtmlCanvasElement, (i32, i32))>,
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
            if let Some(k) = b.known.iter_mut().find(|(c, _)| Object::is(c, &target)) {
                k.1 = (k.0.client_width(), k.0.client_height());
            }
        }
    });
}

/// The CSS box of `canvas` in CSS pixels: measured once, then followed by the observer.
pub fn css_size(canvas: &HtmlCanvasElement) -> (i32, i32) {
    BOXES.with_borrow_mut(|slot| {
        if slot.is_none() {
            let cb = Closure::<dyn FnMut(Array)>::new(on_resize);
            if let Ok(observer) = ResizeObserver::new(cb.as_ref().unchecked_ref()) {
                *slot = Some(Boxes { observer, _on_resize: cb, known: vec![] });
            }
        }
        let measure = || (canvas.client_width(), canvas.client_height());
        let Some(Boxes { observer, known, .. }) = slot else { return measure() };
        if let Some((_, size)) = known.iter().find(|(c, _)| Object::is(c, canvas)) {
            return *size;
        }
        // Canvases of views that are gone are no longer followed.
        known.retain(|(c, _)| {
            let keep = c.is_connected();
            if !keep {
                observer.unobserve(c);
            }
            keep
        });
        let size = measure();
        observer.observe(canvas);
        known.push((canvas.clone(), size));
        size
    })
}
