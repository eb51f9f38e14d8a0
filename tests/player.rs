//! Browser tests of the player components on their own (headless Chromium via
//! wasm-bindgen-test-runner): the controls, the story and the sandbox against a small run.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use overlay_sim::{Scale, Scenario};
use supernode_storm::player::{ControlsBar, SandboxPanel, StoryPanel, Timeline};
use supernode_storm::{provide_clock, AppState, Clock, PlayerCommand};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

mod common;
use common::{click, host, sleep};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the player's components over a classroom run of `scenario`; returns the host, the
/// state and its clock.
fn mount(scenario: &str) -> (HtmlElement, AppState, Clock) {
    mount_at(scenario, Scale::Classroom)
}

fn mount_at(scenario: &str, scale: Scale) -> (HtmlElement, AppState, Clock) {
    let host = host();
    let sc = Scenario::preset_at(scenario, scale).expect("preset");
    let state = AppState::new(sc);
    let clock = std::rc::Rc::new(std::cell::Cell::new(None));
    let slot = clock.clone();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        provide_context(state);
        slot.set(Some(provide_clock(state)));
        view! {
            <ControlsBar/>
            <Timeline/>
            <StoryPanel/>
            <SandboxPanel/>
        }
    });
    // Stays mounted for the rest of the test run (each test has its own host).
    std::mem::forget(handle);
    (host, state, clock.get().expect("a clock"))
}

/// Waits until the clock has landed on `minute` (a seek longer than a slice finishes in later
/// tasks, sooner or later with the machine's load). False after 10 s.
async fn landed(state: AppState, minute: u32) -> bool {
    for _ in 0..200 {
        if state.minute.get_untracked() == minute && state.progress.get_untracked().is_none() {
            return true;
        }
        sleep(50).await;
    }
    false
}

#[wasm_bindgen_test]
async fn step_and_step_back_are_exact() {
    let (host, state, clock) = mount("dec-2010");
    clock.send(PlayerCommand::Seek(280));
    assert!(landed(state, 280).await, "the seek to 280 never lands");
    let before = state.metrics();
    click(&host, "[data-testid=step]");
    click(&host, "[data-testid=step]");
    assert_eq!(state.minute.get_untracked(), 282);
    click(&host, "[data-testid=step-back]");
    click(&host, "[data-testid=step-back]");
    sleep(20).await;
    assert_eq!(state.minute.get_untracked(), 280);
    assert_eq!(state.metrics(), before);
}

#[wasm_bindgen_test]
async fn the_story_moves_the_clock_and_highlights() {
    let (host, state, _clock) = mount("dec-2010");
    click(&host, "[data-testid=story-next]");
    click(&host, "[data-testid=story-next]");
    // The step plays its moment from the step before (240), then holds at its own minute.
    assert!(landed(state, 270).await, "step 2 never reaches 16:30 (at {})", state.minute.get_untracked());
    for _ in 0..100 {
        if !state.playing.get_untracked() {
            break;
        }
        sleep(100).await;
    }
    assert_eq!(state.minute.get_untracked(), 270);
    assert!(!state.playing.get_untracked(), "holds at the step's minute");
    assert!(state.highlight.get_untracked().is_some(), "step 2 points at the offline-IM servers");
    let panel = host.query_selector("[data-story-step]").ok().flatten().expect("story panel");
    assert_eq!(panel.get_attribute("data-story-step").as_deref(), Some("2"));
}

#[wasm_bindgen_test]
async fn killing_the_busiest_supernode_forks_the_run() {
    let (host, state, clock) = mount("sandbox");
    clock.send(PlayerCommand::Seek(120));
    clock.send(PlayerCommand::Seek(60));
    let ghost_len = || state.history.with_value(|h| h.ghost().map(<[_]>::len));
    assert_eq!(ghost_len(), None);
    click(&host, "[data-testid=kill-top]");
    assert_eq!(ghost_len(), Some(120), "the original run stays as a ghost");
}

#[wasm_bindgen_test]
async fn a_far_seek_at_real_scale_runs_in_slices_and_a_newer_seek_wins() {
    let (_host, state, clock) = mount_at("dec-2010", Scale::Real);
    clock.send(PlayerCommand::Seek(900));
    // In flight at once; at real scale its slices all run in later tasks.
    let p = state.progress.get_untracked().expect("a seek in flight");
    assert_eq!(p.target, 900);
    assert!(state.minute.get_untracked() < 900);
    sleep(300).await;
    let part = state.history.with_value(|h| h.minute());
    assert!(part > 0 && part < 900, "computing in slices: at {part}");
    // A newer seek supersedes it and lands on its own minute.
    clock.send(PlayerCommand::Seek(120));
    for _ in 0..600 {
        if state.progress.get_untracked().is_none() {
            break;
        }
        sleep(50).await;
    }
    assert_eq!(state.progress.get_untracked(), None);
    assert_eq!(state.minute.get_untracked(), 120);
    let want = {
        let mut h = overlay_sim::History::new(Scenario::preset_at("dec-2010", Scale::Real).expect("preset"));
        h.seek(120);
        h.metrics()
    };
    assert_eq!(state.metrics(), want, "a sliced, superseded seek lands on the exact row");
}
