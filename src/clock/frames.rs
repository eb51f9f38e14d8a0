//! The page's one requestAnimationFrame loop (gloo-render): each frame the clock moves first,
//! then whatever draws (the stage) draws the minute it moved to.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_render::{request_animation_frame, AnimationFrame};

/// Calls `frame(timestamp_ms)` on every animation frame for as long as it returns true.
pub fn animation_loop(frame: impl FnMut(f64) -> bool + 'static) {
    let pending: Rc<RefCell<Option<AnimationFrame>>> = Rc::default();
    request(pending, Rc::new(RefCell::new(frame)));
}

/// Asks for the next frame and keeps its handle (dropping the handle would cancel it). The
/// handle replaced is the one whose frame is running, which gloo and wasm-bindgen allow.
fn request<F: FnMut(f64) -> bool + 'static>(pending: Rc<RefCell<Option<AnimationFrame>>>, frame: Rc<RefCell<F>>) {
    let next = pending.clone();
    let handle = request_animation_frame(move |t| {
        let go_on = (frame.borrow_mut())(t);
        if go_on {
            request(next, frame);
        } else {
            next.borrow_mut().take();
        }
    });
    *pending.borrow_mut() = Some(handle);
}
