//! Test hooks: a forced panic (for the error overlay), the canvas's probe supernode, the
//! metrics row of the minute on show and the last seek's model time. They exist only with the
//! `test-hooks` feature, which the Wasm and end-to-end test builds enable; in a release build
//! the functions below do nothing and none of the hooks ships.

pub use imp::*;

#[cfg(feature = "test-hooks")]
mod imp {
    use leptos::prelude::*;
    use web_sys::HtmlCanvasElement;

    use crate::app_state::AppState;
    use crate::clock::Clock;

    /// Writes the first live supernode on screen (slot, CSS-pixel x and y) on the canvas.
    pub fn probe(canvas: &HtmlCanvasElement, probe: Option<(u32, f64, f64)>) {
        if let Some((slot, x, y)) = probe {
            for (name, value) in [("data-probe-slot", slot.to_string()), ("data-probe-x", format!("{x:.1}")), ("data-probe-y", format!("{y:.1}"))] {
                let _ = canvas.set_attribute(name, &value);
            }
        }
    }

    /// The model time of the last finished seek (ms), for the timeline's `data-seek-ms`.
    pub fn seek_ms(clock: Clock) -> Option<String> {
        Some(format!("{:.1}", clock.last_seek_ms()))
    }

    /// The metrics row of the minute on show, as JSON in a hidden `data-testid="metrics"`.
    #[component]
    pub fn TestHooks() -> impl IntoView {
        let state = expect_context::<AppState>();
        let json = move || {
            state.minute.track();
            state.revision.track();
            // Through serde-wasm-bindgen, then JSON.stringify (NaN becomes null).
            serde_wasm_bindgen::to_value(&state.metrics()).ok().and_then(|v| js_sys::JSON::stringify(&v).ok()).map(String::from).unwrap_or_default()
        };
        view! { <output data-testid="metrics" hidden>{json}</output> }
    }

    /// Panics on purpose, so end-to-end tests can check that a panic shows the error overlay
    /// with a reload link to the same URL state. Reachable only from script (Trunk exposes the
    /// exports as `window.wasmBindings`), never from the UI or the URL.
    #[wasm_bindgen::prelude::wasm_bindgen(js_name = "__stormTestPanic")]
    pub fn test_panic() {
        panic!("deliberate test panic (__stormTestPanic)");
    }
}

#[cfg(not(feature = "test-hooks"))]
mod imp {
    use leptos::prelude::*;
    use web_sys::HtmlCanvasElement;

    use crate::clock::Clock;

    pub fn probe(_canvas: &HtmlCanvasElement, _probe: Option<(u32, f64, f64)>) {}

    pub fn seek_ms(_clock: Clock) -> Option<String> {
        None
    }

    #[component]
    pub fn TestHooks() -> impl IntoView {}
}
