//! Living inside other people's pages (`?embed=1` in an iframe): report the content height to
//! the parent and obey a small, validated postMessage API.
//!
//! Messages to the parent: `{type: "supernode-storm:resize", height: <CSS px>}`.
//! Messages accepted from the parent (anything else, or malformed, is ignored):
//! `{type: "supernode-storm:play"}`, `{type: "supernode-storm:pause"}`,
//! `{type: "supernode-storm:seek", minute: <0..=20160>}`,
//! `{type: "supernode-storm:load", query: "<a query string, as in the page URL>"}`.

use js_sys::{Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::app_state::AppState;
use crate::url;

pub const PREFIX: &str = "supernode-storm:";

/// A message from the parent page, validated.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Play,
    Pause,
    Seek(u32),
    Load(String),
}

/// Reads a command from a message's data; None for anything malformed or foreign.
pub fn parse_command(data: &JsValue) -> Option<Command> {
    if !data.is_object() {
        return None;
    }
    let kind = Reflect::get(data, &"type".into()).ok()?.as_string()?;
    match kind.strip_prefix(PREFIX)? {
        "play" => Some(Command::Play),
        "pause" => Some(Command::Pause),
        "seek" => {
            let m = Reflect::get(data, &"minute".into()).ok()?.as_f64()?;
            (m.is_finite() && m >= 0.0 && m <= f64::from(url::MAX_MINUTE) && m.fract() == 0.0).then_some(m as u32)
                .map(Command::Seek)
        }
        "load" => {
            let q = Reflect::get(data, &"query".into()).ok()?.as_string()?;
            (q.len() <= 2000).then_some(Command::Load(q))
        }
        _ => None,
    }
}

/// Whether this page runs inside a frame.
pub fn in_frame() -> bool {
    let Some(w) = web_sys::window() else { return false };
    match (w.parent(), w.top()) {
        (Ok(Some(parent)), _) => !js_sys::Object::is(&parent, &w),
        _ => false,
    }
}

/// Starts reporting the height and listening for commands (only inside a frame).
pub fn install(state: AppState) {
    if !in_frame() {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let Some(root) = window.document().and_then(|d| d.document_element()) else { return };

    // Height: on every size change of the document (and once now).
    let post = move || {
        let Some(w) = web_sys::window() else { return };
        let Some(doc) = w.document() else { return };
        let h = doc.document_element().map_or(0, |e| e.scroll_height()).max(doc.body().map_or(0, |b| b.scroll_height()));
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"type".into(), &format!("{PREFIX}resize").into());
        let _ = Reflect::set(&msg, &"height".into(), &JsValue::from(h));
        if let Ok(Some(parent)) = w.parent() {
            let _ = parent.post_message(&msg, "*");
        }
    };
    post();
    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| post());
    if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(&root);
    }
    on_resize.forget(); // lives as long as the page

    // Commands from the parent.
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let from_parent = match (e.source(), web_sys::window().and_then(|w| w.parent().ok().flatten())) {
            (Some(src), Some(parent)) => js_sys::Object::is(&src, &parent),
            _ => false,
        };
        if !from_parent {
            return;
        }
        match parse_command(&e.data()) {
            Some(Command::Play) => state.playing.set(true),
            Some(Command::Pause) => state.playing.set(false),
            Some(Command::Seek(m)) => state.seek(m),
            Some(Command::Load(q)) => {
                let u = url::parse(&q);
                for n in &u.notices {
                    state.notify(n.clone());
                }
                state.load(u.scenario);
                state.seek(u.t);
            }
            None => {}
        }
    });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();
}
