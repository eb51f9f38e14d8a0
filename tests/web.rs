//! Browser tests (headless Chromium via wasm-bindgen-test-runner): mount components, click, look.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use supernode_storm::{show_error_overlay, App, OVERLAY_ID};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

mod common;
use common::{find, host, parts_mounted, sleep};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn play_pause_toggles_state_and_time_stops() {
    let host = host();
    let _mounted = leptos::mount::mount_to(host.clone(), || view! { <App/> });
    parts_mounted().await;
    let root = find(&host, "[data-state]");
    assert_eq!(root.get_attribute("data-state").as_deref(), Some("playing"));
    assert!(host.query_selector("canvas").ok().flatten().is_some(), "a canvas is rendered");

    // Playing: the rAF loop steps the model and the root reports the minute.
    sleep(700).await;
    let minute = |r: &Element| r.get_attribute("data-minute").and_then(|m| m.parse::<u32>().ok()).expect("data-minute");
    let m1 = minute(&root);
    assert!(m1 > 0, "minute advances while playing (got {m1})");

    // Click pause.
    let button: HtmlElement = find(&host, "[data-testid=play-pause]").unchecked_into();
    button.click();
    sleep(50).await;
    assert_eq!(root.get_attribute("data-state").as_deref(), Some("paused"));
    let m2 = minute(&root);
    sleep(400).await;
    assert_eq!(minute(&root), m2, "time stands still while paused");

    // And play again.
    button.click();
    sleep(50).await;
    assert_eq!(root.get_attribute("data-state").as_deref(), Some("playing"));
}

#[wasm_bindgen_test]
async fn canvas_backing_store_follows_css_size() {
    let host = host();
    host.set_attribute("style", "width: 300px").expect("style");
    let _mounted = leptos::mount::mount_to(host.clone(), || view! { <App/> });
    parts_mounted().await;
    sleep(200).await;
    let canvas: web_sys::HtmlCanvasElement = find(&host, "canvas").unchecked_into();
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    assert_eq!(f64::from(canvas.width()), (f64::from(canvas.client_width()) * dpr).round());

    host.set_attribute("style", "width: 200px").expect("style");
    sleep(200).await;
    assert_eq!(f64::from(canvas.width()), (f64::from(canvas.client_width()) * dpr).round());
}

#[wasm_bindgen_test]
fn error_overlay_is_unhidden() {
    let doc = document();
    let overlay = doc.create_element("div").expect("create div");
    overlay.set_id(OVERLAY_ID);
    overlay.set_attribute("hidden", "").expect("hidden");
    doc.body().expect("body").append_child(&overlay).expect("append");
    show_error_overlay();
    assert!(!overlay.has_attribute("hidden"));
    overlay.remove();
}

#[wasm_bindgen_test]
async fn outage_view_draws_and_shows_charts_legend_and_inspector() {
    let host = host();
    let _mounted = leptos::mount::mount_to(host.clone(), || view! { <App/> });
    parts_mounted().await;
    sleep(500).await;
    let canvas = find(&host, "canvas.stage");
    let drawn = canvas.get_attribute("data-drawn").and_then(|d| d.parse::<u32>().ok()).unwrap_or(0);
    assert!(drawn > 0, "the stage counts what it drew");
    for id in ["chart-online", "chart-expected", "chart-supernodes", "chart-megas", "chart-signalling", "chart-giant", "legend", "inspector", "event-log"] {
        assert!(host.query_selector(&format!("[data-testid={id}]")).ok().flatten().is_some(), "no {id}");
    }
    let online = find(&host, "[data-testid=chart-online]").get_attribute("data-value").and_then(|v| v.parse::<u64>().ok());
    assert!(online.is_some_and(|v| v > 0), "online peers on the chart");
    // Tap the probe supernode: the inspector names it.
    let slot = canvas.get_attribute("data-probe-slot").expect("probe slot");
    let (x, y) = (
        canvas.get_attribute("data-probe-x").and_then(|v| v.parse::<f64>().ok()).expect("probe x"),
        canvas.get_attribute("data-probe-y").and_then(|v| v.parse::<f64>().ok()).expect("probe y"),
    );
    let rect = canvas.get_bounding_client_rect();
    let tap = js_sys::Function::new_with_args(
        "c, x, y",
        "for (const t of ['pointerdown', 'pointerup']) c.dispatchEvent(new PointerEvent(t, { clientX: x, clientY: y, bubbles: true, pointerId: 1, pointerType: 'touch' }))",
    );
    tap.call3(&wasm_bindgen::JsValue::NULL, &canvas, &(rect.left() + x).into(), &(rect.top() + y).into()).expect("tap");
    sleep(100).await;
    let title = find(&host, "[data-testid=inspector-title]");
    assert_eq!(title.get_attribute("data-slot"), Some(slot));
}
