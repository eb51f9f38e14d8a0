//! A task of its own, as soon as the browser can: a message to a fresh MessageChannel port.
//! Chained `setTimeout(0)`s are clamped to 4 ms each after the fifth, which costs a sliced seek
//! a third of its time (8 ms slices); a message is not clamped, and the browser still renders
//! and handles input between tasks.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::MessageChannel;

/// The task to come; dropping it cancels it.
pub struct Soon {
    cancelled: Rc<Cell<bool>>,
    /// Where there is no MessageChannel: a timer.
    timer: Option<Timeout>,
}

impl Soon {
    pub fn new(f: impl FnOnce() + 'static) -> Soon {
        let cancelled = Rc::new(Cell::new(false));
        let flag = cancelled.clone();
        let run = move || {
            if !flag.get() {
                f();
            }
        };
        let Ok(channel) = MessageChannel::new() else {
            return Soon { cancelled, timer: Some(Timeout::new(0, run)) };
        };
        // Freed by wasm-bindgen once called; a cancelled task is still called, and does nothing.
        let callback = Closure::once_into_js(run);
        channel.port1().set_onmessage(Some(callback.unchecked_ref()));
        if channel.port2().post_message(&JsValue::NULL).is_err() {
            channel.port1().set_onmessage(None);
        }
        Soon { cancelled, timer: None }
    }

    /// Lets the task run even though no one keeps it (for work that cancels itself another way).
    pub fn detach(mut self) {
        if let Some(timer) = self.timer.take() {
            timer.forget();
        }
        self.cancelled = Rc::default();
    }
}

impl Drop for Soon {
    fn drop(&mut self) {
        self.cancelled.set(true);
    }
}
