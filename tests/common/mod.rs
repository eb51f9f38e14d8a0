//! Helpers shared by the wasm-bindgen browser tests.
#![allow(dead_code)]

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Resolves after `ms` milliseconds (lets effects and animation frames run).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

pub fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// A fresh host element in <body>.
pub fn host() -> HtmlElement {
    let doc = document();
    let el = doc.create_element("div").expect("create div");
    doc.body().expect("body").append_child(&el).expect("append");
    el.unchecked_into()
}

pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).ok().flatten().unwrap_or_else(|| panic!("no {selector}"))
}

pub fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

/// Waits until the page's parts have all mounted (`<html data-parts="mounted">`, set by the
/// queue in `later.rs`): the map, the controls and the panels mount a frame apart.
pub async fn parts_mounted() {
    for _ in 0..200 {
        let state = document().document_element().and_then(|r| r.get_attribute("data-parts"));
        if state.as_deref() == Some("mounted") {
            return;
        }
        sleep(50).await;
    }
    panic!("the page's parts did not all mount within 10 s");
}
