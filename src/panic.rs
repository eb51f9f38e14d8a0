//! What the visitor sees when the Wasm panics: the static overlay from index.html.
//!
//! The overlay is plain HTML that exists before the app starts, so it still works when the
//! reactive runtime is dead (release builds abort right after the hook returns).

use std::panic::PanicHookInfo;

/// Id of the static error overlay in index.html.
pub const OVERLAY_ID: &str = "error-overlay";

/// Logs panics to the browser console and un-hides the error overlay.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        show_error_overlay();
    }));
}

/// Un-hides the error overlay, if the page has one. Never panics.
pub fn show_error_overlay() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(overlay) = document.get_element_by_id(OVERLAY_ID) {
        let _ = overlay.remove_attribute("hidden");
    }
}
