//! Living inside other people's pages (`?embed=1` in an iframe): report the content height to
//! the parent and obey a small, validated postMessage API.
//!
//! Messages to the parent: `{type: "supernode-storm:resize", height: <CSS px>}`.
//! Messages accepted from the parent (anything else, or malformed, is ignored):
//! `{type: "supernode-storm:play"}`, `{type: "supernode-storm:pause"}`,
//! `{type: "supernode-storm:seek", minute: <0..=20160>}` (pauses there),
//! `{type: "supernode-storm:load", query: "<a query string, as in the page URL>"}` (its run,
//! minute, speed, loop and autoplay; `step`, `theme`, `controls` are the page's own, and a
//! notice says they were ignored).
//!
//! A message's fields are checked on the JS side — their types, and the length of its strings —
//! before anything is copied into Wasm; then serde-wasm-bindgen reads them into a typed
//! [`Message`]. A hostile page's 64 MB string costs nothing.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use leptos::prelude::Set;
use js_sys::{JsString, Object, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::app_state::AppState;
use crate::clock::{Clock, PlayerCommand};
use crate::url;

pub const PREFIX: &str = "supernode-storm:";
/// Longest `type` worth reading ("supernode-storm:" and a verb).
const MAX_TYPE_LEN: u32 = 64;
/// Longest `query` a `load` may carry.
pub const MAX_QUERY_LEN: u32 = 2000;

/// Keys of a page address that a `load` does not take: the story step (the story panel is the
/// page's own), the theme and the controls (fixed when the page was built).
const PAGE_KEYS: [&str; 4] = ["step", "theme", "controls", "embed"];

/// A message from the parent page, as sent.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type")]
pub enum Message {
    #[serde(rename = "supernode-storm:play")]
    Play,
    #[serde(rename = "supernode-storm:pause")]
    Pause,
    #[serde(rename = "supernode-storm:seek")]
    Seek { minute: f64 },
    #[serde(rename = "supernode-storm:load")]
    Load { query: String },
}

/// A message to the parent page.
#[derive(Clone, Debug, PartialEq, Serialize)]
struct Resize {
    #[serde(rename = "type")]
    kind: &'static str,
    height: i32,
}

/// A validated command from the parent.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Play,
    Pause,
    Seek(u32),
    Load(String),
}

/// Copies the fields a message may have (`type`, `minute`, `query`) into a fresh object once
/// their JS types and lengths are right; None for anything else. Nothing is copied into Wasm.
fn screen(data: &JsValue) -> Option<JsValue> {
    if !data.is_object() {
        return None;
    }
    let field = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined());
    let short = |v: &JsValue, max: u32| v.dyn_ref::<JsString>().is_some_and(|s| s.length() <= max);
    let out = Object::new();
    let kind = field("type").filter(|t| short(t, MAX_TYPE_LEN))?;
    Reflect::set(&out, &"type".into(), &kind).ok()?;
    if let Some(m) = field("minute") {
        m.as_f64()?;
        Reflect::set(&out, &"minute".into(), &m).ok()?;
    }
    if let Some(q) = field("query") {
        if !short(&q, MAX_QUERY_LEN) {
            return None;
        }
        Reflect::set(&out, &"query".into(), &q).ok()?;
    }
    Some(out.into())
}

/// Whether `data` is a `load` whose query is over [`MAX_QUERY_LEN`] (read on the JS side).
fn oversized_load(data: &JsValue) -> bool {
    let field = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok().and_then(|v| v.dyn_into::<JsString>().ok());
    data.is_object()
        && field("type").is_some_and(|t| t.length() <= MAX_TYPE_LEN && t == "supernode-storm:load")
        && field("query").is_some_and(|q| q.length() > MAX_QUERY_LEN)
}

/// Reads a command from a message's data; None for anything malformed or foreign.
pub fn parse_command(data: &JsValue) -> Option<Command> {
    let msg: Message = serde_wasm_bindgen::from_value(screen(data)?).ok()?;
    Some(match msg {
        Message::Play => Command::Play,
        Message::Pause => Command::Pause,
        Message::Seek { minute: m } => {
            let whole = m.is_finite() && m >= 0.0 && m <= f64::from(url::MAX_MINUTE) && m.fract() == 0.0;
            Command::Seek(whole.then_some(m as u32)?)
        }
        Message::Load { query } => Command::Load(query),
    })
}

/// Whether this page runs inside a frame.
pub fn in_frame() -> bool {
    let Some(w) = web_sys::window() else { return false };
    match w.parent() {
        Ok(Some(parent)) => !Object::is(&parent, &w),
        _ => false,
    }
}

/// The height the page's content needs: the app's own box, not the document's (which is at
/// least the frame's height, so a host that follows it could only ever grow the frame).
fn content_height(doc: &web_sys::Document) -> i32 {
    match doc.query_selector(".app").ok().flatten() {
        Some(app) => app.get_bounding_client_rect().height().ceil() as i32,
        None => doc.document_element().map_or(0, |e| e.scroll_height()),
    }
}

/// Tells the parent the content's height, once per change.
fn post_height() {
    thread_local! {
        static LAST: std::cell::Cell<i32> = const { std::cell::Cell::new(-1) };
    }
    let Some(w) = web_sys::window() else { return };
    let Some(doc) = w.document() else { return };
    let height = content_height(&doc);
    if height <= 0 || LAST.with(|l| l.replace(height)) == height {
        return;
    }
    let msg = Resize { kind: "supernode-storm:resize", height };
    if let (Ok(Some(parent)), Ok(msg)) = (w.parent(), serde_wasm_bindgen::to_value(&msg)) {
        let _ = parent.post_message(&msg, "*");
    }
}

/// Says at once what is wrong with a command (notices cost little); the clock gets it later.
fn announce(state: AppState, cmd: &Command) {
    if let Command::Load(q) = cmd {
        for n in url::parse(q).notices {
            state.notify(n);
        }
        let ignored: Vec<&str> = url::given(q, &PAGE_KEYS);
        if !ignored.is_empty() {
            state.notify(format!("load: {} ignored: the page's own settings, fixed by its address.", ignored.join(", ")));
        }
    }
}

/// Queues `cmd`, superseding what it makes moot: a load everything before it, any other
/// command the queued one of its kind. A flood of messages in one task is at most four commands.
fn enqueue(queue: &mut Vec<Command>, cmd: Command) {
    if matches!(cmd, Command::Load(_)) {
        queue.clear();
    }
    queue.retain(|c| std::mem::discriminant(c) != std::mem::discriminant(&cmd));
    queue.push(cmd);
}

/// What a command from the parent asks of the clock.
fn obey(state: AppState, clock: Clock, cmd: Command) {
    match cmd {
        Command::Play => clock.send(PlayerCommand::Play),
        Command::Pause => clock.send(PlayerCommand::Pause),
        Command::Seek(m) => clock.send(PlayerCommand::Seek(m)),
        Command::Load(q) => {
            let u = url::parse(&q);
            let given = url::given(&q, &["speed", "loop"]);
            clock.send(PlayerCommand::load(u.scenario, u.t));
            if given.contains(&"speed") {
                clock.send(PlayerCommand::SetSpeed(u.speed));
            }
            if given.contains(&"loop") {
                state.looping.set(u.looping);
            }
            match u.autoplay {
                Some(true) => clock.send(PlayerCommand::Play),
                Some(false) => clock.send(PlayerCommand::Pause),
                None => {}
            }
        }
    }
}

/// Starts reporting the height and listening for commands (only inside a frame).
pub fn install(state: AppState, clock: Clock) {
    if !in_frame() {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let Some(root) = window.document().and_then(|d| d.document_element()) else { return };

    // Height: on every size change of the document and of the app's box (once it is
    // mounted, a task later), and once now.
    post_height();
    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| post_height());
    if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(&root);
        let doc = window.document();
        gloo_timers::callback::Timeout::new(0, move || {
            if let Some(app) = doc.and_then(|d| d.query_selector(".app").ok().flatten()) {
                observer.observe(&app);
            }
            post_height();
        })
        .forget();
    }
    on_resize.forget(); // observes as long as the page lives

    // Commands, from the parent only; queued, and applied together in a task of their own.
    let queue: Rc<RefCell<Vec<Command>>> = Rc::default();
    EventListener::new(&window, "message", move |e| {
        let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else { return };
        let from_parent = match (e.source(), web_sys::window().and_then(|w| w.parent().ok().flatten())) {
            (Some(src), Some(parent)) => Object::is(&src, &parent),
            _ => false,
        };
        if !from_parent {
            return;
        }
        let data = e.data();
        match parse_command(&data) {
            Some(cmd) => {
                announce(state, &cmd);
                let first = queue.borrow().is_empty();
                enqueue(&mut queue.borrow_mut(), cmd);
                if first {
                    let queue = queue.clone();
                    Timeout::new(0, move || {
                        let cmds = std::mem::take(&mut *queue.borrow_mut());
                        for cmd in cmds {
                            obey(state, clock, cmd);
                        }
                    })
                    .forget();
                }
            }
            None if oversized_load(&data) => state.notify(format!("A load from the host page was ignored: its query is over {MAX_QUERY_LEN} characters.")),
            None => {}
        }
    })
    .forget(); // listens as long as the page lives
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_commands_queues_at_most_one_of_each_kind_after_the_last_load() {
        let mut q = vec![];
        for i in 0..10_000 {
            enqueue(&mut q, Command::Seek(i));
            enqueue(&mut q, Command::Play);
        }
        assert_eq!(q, vec![Command::Seek(9_999), Command::Play]);
        enqueue(&mut q, Command::Load("scale=city".into()));
        enqueue(&mut q, Command::Seek(5));
        enqueue(&mut q, Command::Load("scale=real".into()));
        assert_eq!(q, vec![Command::Load("scale=real".into())], "a load supersedes everything before it");
        enqueue(&mut q, Command::Pause);
        enqueue(&mut q, Command::Seek(7));
        assert_eq!(q, vec![Command::Load("scale=real".into()), Command::Pause, Command::Seek(7)]);
    }
}
