//! The embed API's messages in a real browser (headless Chromium via wasm-bindgen-test-runner):
//! checked on the JS side before anything is copied into Wasm, then read into typed commands.
#![cfg(target_arch = "wasm32")]

use supernode_storm::embed::{parse_command, Command};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A message built by JavaScript, as a host page would send it.
fn js(expr: &str) -> JsValue {
    js_sys::eval(&format!("({expr})")).expect("a JS expression")
}

fn wasm_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().into();
    js_sys::ArrayBuffer::from(memory.buffer()).byte_length().into()
}

#[wasm_bindgen_test]
fn good_messages_become_commands() {
    assert_eq!(parse_command(&js("{ type: 'supernode-storm:play' }")), Some(Command::Play));
    assert_eq!(parse_command(&js("{ type: 'supernode-storm:pause', extra: [1, 2] }")), Some(Command::Pause));
    assert_eq!(parse_command(&js("{ type: 'supernode-storm:seek', minute: 300 }")), Some(Command::Seek(300)));
    assert_eq!(
        parse_command(&js("{ type: 'supernode-storm:load', query: 'scenario=aug-2007&scale=city' }")),
        Some(Command::Load("scenario=aug-2007&scale=city".into()))
    );
}

#[wasm_bindgen_test]
fn malformed_or_foreign_messages_are_ignored() {
    for bad in [
        "null",
        "'supernode-storm:play'",
        "42",
        "{ type: 'other:seek', minute: 5 }",
        "{ type: 'supernode-storm:seek' }",
        "{ type: 'supernode-storm:seek', minute: -3 }",
        "{ type: 'supernode-storm:seek', minute: 1.5 }",
        "{ type: 'supernode-storm:seek', minute: 1e12 }",
        "{ type: 'supernode-storm:seek', minute: 'NaN' }",
        "{ type: 'supernode-storm:seek', minute: NaN }",
        "{ type: 'supernode-storm:load', query: 42 }",
        "{ type: 'supernode-storm:load', query: 'x'.repeat(2001) }",
        "{ type: 'supernode-storm:' + 'x'.repeat(100) }",
        "{ get type() { throw new Error('hostile getter'); } }",
        "{ type: { toString() { return 'supernode-storm:play'; } } }",
    ] {
        assert_eq!(parse_command(&js(bad)), None, "{bad}");
    }
}

#[wasm_bindgen_test]
fn a_huge_hostile_message_costs_no_wasm_memory() {
    let before = wasm_bytes();
    for big in [
        "{ type: 'supernode-storm:seek'.padEnd(64 * 1024 * 1024, 'x'), minute: 1 }",
        "{ type: 'supernode-storm:load', query: 'scenario=dec-2010&'.padEnd(64 * 1024 * 1024, 'x') }",
        "{ type: 'supernode-storm:play', junk: 'x'.repeat(64 * 1024 * 1024) }",
    ] {
        let msg = js(big);
        let cmd = parse_command(&msg);
        assert!(cmd.is_none() || cmd == Some(Command::Play), "{big}");
    }
    let grown = wasm_bytes() - before;
    assert!(grown < 1024.0 * 1024.0, "Wasm memory grew by {grown} bytes");
}
