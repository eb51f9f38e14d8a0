//! Mounting the page in parts, one part a frame. Each [`Later`] joins a queue in the order it
//! was created (the page's order); a part mounts in a task after a frame, so the browser lays out
//! and paints one part at a time: on a phone-class CPU the whole page laid out at once was a
//! single task of ~130 ms, a part is a fraction of it. Where frames do not come (a hidden tab,
//! an iframe scrolled out of view), a timer mounts the next part anyway.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use gloo_render::{request_animation_frame, AnimationFrame};
use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::app_state::now_ms;
use crate::clock::Soon;

/// How long the queue waits for a frame before it mounts the next part without one (ms).
const NO_FRAME_MS: u32 = 100;
/// The longest the parts after the first (rank 0: the map, its controls) wait for the minute a
/// link opens at (ms): a link into a long run still gets its panels while it computes.
const HOLD_MS: f64 = 2_000.0;

thread_local! {
    /// The parts waiting, each with its rank, in the order they mount.
    static QUEUE: RefCell<VecDeque<(u8, RwSignal<bool>)>> = RefCell::default();
    /// The wait for the next part: a frame (then a task), or the timer, whichever comes first.
    static WAIT: RefCell<Option<(AnimationFrame, Timeout)>> = RefCell::default();
    static NEXT: RefCell<Option<Soon>> = RefCell::default();
    static PUMPING: Cell<bool> = const { Cell::new(false) };
    /// While this says so (and until its deadline), parts after the first wait.
    static HOLD: RefCell<Option<(Box<dyn Fn() -> bool>, f64)>> = RefCell::default();
}

/// Holds the parts after the first back while `busy` says so, for at most [`HOLD_MS`]: the map
/// of a link to a late minute gets the page's time until it shows that minute, then the panels
/// mount (on a phone, each is a frame of 20–80 ms the computing would otherwise wait for).
pub fn hold_while(busy: impl Fn() -> bool + 'static) {
    HOLD.with_borrow_mut(|h| *h = Some((Box::new(busy), now_ms() + HOLD_MS)));
}

fn held() -> bool {
    HOLD.with_borrow_mut(|h| {
        let on = h.as_ref().is_some_and(|(busy, until)| now_ms() < *until && busy());
        if !on {
            *h = None;
        }
        on
    })
}


/// Renders its children once the parts before it have mounted, a frame after the last. Parts
/// mount in the page's order, those of a lower `rank` first (the player's controls, in view,
/// before what floats over the map).
#[component]
pub fn Later(children: ChildrenFn, #[prop(default = 1)] rank: u8) -> impl IntoView {
    let ready = RwSignal::new(false);
    QUEUE.with_borrow_mut(|q| {
        let at = q.iter().position(|&(r, _)| r > rank).unwrap_or(q.len());
        q.insert(at, (rank, ready));
    });
    if !PUMPING.replace(true) {
        mark("mounting");
        wait();
    }
    view! { <Show when=move || ready.get()>{children()}</Show> }
}

/// Says on `<html data-parts=…>` whether parts are still mounting ("mounting") or all are
/// ("mounted"): a host page, a screenshot or a test can wait for the whole page.
fn mark(how: &str) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-parts", how);
    }
}

/// Waits for a frame (or the timer) before mounting the next part.
fn wait() {
    let frame = request_animation_frame(|_| {
        // Mount in a task of its own after the frame, not inside it.
        NEXT.with_borrow_mut(|n| *n = Some(Soon::new(mount_next)));
    });
    let timer = Timeout::new(NO_FRAME_MS, mount_next);
    WAIT.with_borrow_mut(|w| *w = Some((frame, timer)));
}

/// Mounts the next part still on the page (a part unmounted meanwhile is skipped), then waits
/// for the one after.
fn mount_next() {
    // Dropping the other way of waking (the frame or the timer) cancels it.
    WAIT.with_borrow_mut(Option::take);
    NEXT.with_borrow_mut(Option::take);
    if QUEUE.with_borrow(|q| q.front().is_some_and(|&(rank, _)| rank > 0)) && held() {
        wait();
        return;
    }
    while let Some((_, ready)) = QUEUE.with_borrow_mut(VecDeque::pop_front) {
        // `try_set` gives the value back when the part's owner is gone.
        if ready.try_set(true).is_none() {
            break;
        }
    }
    if QUEUE.with_borrow(VecDeque::is_empty) {
        PUMPING.set(false);
        mark("mounted");
    } else {
        wait();
    }
}

/// `source`, a task after it changes (changes in between coalesce): a panel that follows it
/// catches up a task after the map and the clock, so a seek's landing is split over tasks.
pub fn behind<T>(source: impl Fn() -> T + 'static) -> ReadSignal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let out = RwSignal::new(untrack(&source));
    let pending = StoredValue::new_local(None::<Soon>);
    Effect::new(move |_| {
        let v = source();
        let next = out.with_untracked(|o| *o != v).then(|| {
            Soon::new(move || {
                let _ = out.try_set(v);
            })
        });
        pending.set_value(next);
    });
    out.read_only()
}
