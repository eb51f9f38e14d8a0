//! The sandbox: "what if" from any minute. Live changes (kill, add a mega-supernode, a
//! parameter) act at the current minute: the run forks and the original stays as a ghost in
//! the charts. The mega-supernode plan is scripted when a run is created, so changing it
//! rebuilds the run from the start and returns to the same minute.

use leptos::prelude::*;
use overlay_sim::SlotState;
use overlay_sim::{Action, RetryPolicy};

use super::controls::add_mega;
use super::pretty_clock;
use crate::app_state::AppState;
use crate::clock::{use_clock, Clock, NewRun, PlayerCommand};

/// The user-run supernode with the highest load over capacity now, if any serves.
fn most_loaded(state: AppState) -> Option<u32> {
    state.history.with_value(|h| {
        let s = h.world().snapshot();
        (0..s.ordinary.min(s.sn_state.len()).min(s.sn_load.len()))
            .filter(|&i| s.sn_state[i] == SlotState::Alive)
            .max_by(|&a, &b| s.sn_load[a].total_cmp(&s.sn_load[b]))
            .map(|i| i as u32)
    })
}

/// Checks a live parameter change against the model's limits, then applies it at this minute.
fn set_live(state: AppState, clock: Clock, key: &str, value: &str) {
    let mut p = state.history.with_value(|h| h.world().params().clone());
    match p.set(key, value) {
        Ok(()) => clock.send(PlayerCommand::Act(Action::Set { key: key.into(), value: value.into() })),
        Err(e) => state.notify(e.to_string()),
    }
}

/// The current value of a parameter as text (live changes included once they took effect).
fn param(state: AppState, key: &str) -> String {
    state.history.with_value(|h| h.world().params().get(key)).unwrap_or_default()
}

/// A labelled slider for one live parameter; applies on release, shows the value as it moves.
#[component]
fn LiveSlider(
    key: &'static str,
    label: &'static str,
    min: f64,
    max: f64,
    step: f64,
    show: fn(f64) -> String,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let value = RwSignal::new(param(state, key));
    Effect::new(move |_| {
        state.revision.track();
        value.set(param(state, key));
    });
    let id = format!("sb-{key}");
    let shown = move || value.with(|v| v.parse::<f64>().map(show).unwrap_or_else(|_| v.clone()));
    view! {
        <div class="sb-field">
            <label for=id.clone()>{label} ": " <strong>{shown}</strong></label>
            <input
                id=id
                type="range"
                data-testid=format!("param-{key}")
                data-param=key
                min=min.to_string()
                max=max.to_string()
                step=step.to_string()
                prop:value=move || value.get()
                aria-valuetext=shown
                on:input=move |ev| value.set(event_target_value(&ev))
                on:change=move |ev| set_live(state, clock, key, &event_target_value(&ev))
            />
        </div>
    }
}

#[component]
pub fn SandboxPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = move || pretty_clock(&state.clock_label(state.minute.get()));
    let forked = move || {
        state.revision.track();
        state.minute.track();
        state.history.with_value(|h| h.ghost().is_some())
    };
    view! {
        <section class="sandbox panel" id="sandbox" tabindex="-1" aria-labelledby="sandbox-title">
            <h2 id="sandbox-title">"Sandbox: what if…"</h2>
            <p class="hint">
                "Everything here acts at " <strong>{clock}</strong>
                ": the run forks there and the original stays as a faint ghost in the charts."
                {move || forked().then_some(" (forked)")}
            </p>
            <Actions/>
            <h3>"Change the rules from now on"</h3>
            <LiveRules/>
            <h3>"Change the mega-supernode plan"</h3>
            <p class="hint">"The operator's waves are planned when a run starts, so this replays the run from the start with the new plan and comes back to this minute."</p>
            <MegaPlan/>
        </section>
    }
}

/// Kill the busiest or the selected supernode, add a mega-supernode.
#[component]
fn Actions() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let kill = move |i: u32| clock.send(PlayerCommand::Act(Action::Kill(i)));
    view! {
        <div class="sb-actions">
            <button type="button" class="btn" data-testid="kill-top" on:click=move |_| match most_loaded(state) {
                Some(i) => kill(i),
                None => state.notify("No user-run supernode is serving at this minute: nothing to kill."),
            }>
                "Kill the busiest supernode"
            </button>
            <button
                type="button"
                class="btn"
                data-testid="kill-selected"
                disabled=move || state.selected.get().is_none()
                on:click=move |_| {
                    if let Some(i) = state.selected.get_untracked() {
                        kill(i);
                    }
                }
            >
                {move || state.selected.get().map_or("Kill selected (select one on the map)".to_string(), |i| format!("Kill supernode #{i}"))}
            </button>
            <button type="button" class="btn" data-testid="sandbox-mega" on:click=move |_| add_mega(clock)>
                "Add a mega-supernode"
            </button>
        </div>
    }
}

/// Live parameters: sliders, the retry policy and the overload safeguard.
#[component]
fn LiveRules() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let retry = RwSignal::new(param(state, "retry_policy"));
    let safeguard = RwSignal::new(param(state, "overload_shutdown") == "on");
    Effect::new(move |_| {
        state.revision.track();
        retry.set(param(state, "retry_policy"));
        safeguard.set(param(state, "overload_shutdown") == "on");
    });
    view! {
        <LiveSlider key="buggy_share" label="Clients on the buggy version" min=0.0 max=1.0 step=0.05 show=|v| format!("{:.0}%", v * 100.0)/>
        <LiveSlider key="capacity_headroom" label="Supernode headroom over normal peak load" min=0.0 max=20.0 step=0.25 show=|v| format!("{:.2}×", 1.0 + v)/>
        <LiveSlider key="restart_delay_min" label="Restart delay after a shutdown" min=0.0 max=240.0 step=5.0 show=|v| format!("{v:.0} min")/>
        <LiveSlider key="login_capacity" label="Login server capacity" min=0.0 max=10.0 step=0.25 show=|v| format!("{v:.2}× normal")/>
        <div class="sb-field">
            <label for="sb-retry">"Retry policy"</label>
            <select id="sb-retry" data-testid="param-retry_policy" data-param="retry_policy" on:change=move |ev| {
                let v = event_target_value(&ev);
                retry.set(v.clone());
                set_live(state, clock, "retry_policy", &v);
            }>
                {RetryPolicy::ALL
                    .into_iter()
                    .map(|p| view! { <option value=p.name() prop:selected=move || retry.get() == p.name()>{p.name()}</option> })
                    .collect_view()}
            </select>
        </div>
        <div class="sb-field sb-check">
            <input
                id="sb-safeguard"
                type="checkbox"
                data-testid="param-overload_shutdown"
                data-param="overload_shutdown"
                prop:checked=move || safeguard.get()
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    safeguard.set(on);
                    set_live(state, clock, "overload_shutdown", if on { "on" } else { "off" });
                }
            />
            <label for="sb-safeguard">"Overload safeguard (a supernode shuts down when swamped)"</label>
        </div>
    }
}

/// The mega-supernode plan: how many, when the first wave comes; replays the run with it.
#[component]
fn MegaPlan() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    // The run to go back to: the scenario as last chosen (not as rebuilt here).
    let original = StoredValue::new_local(state.history.with_value(|h| h.scenario().clone()));
    Effect::new(move |_| {
        let (name, scale) = (state.scenario.get(), state.scale.get());
        if original.with_value(|o| o.name != name || o.params.scale != scale) {
            original.set_value(state.history.with_value(|h| h.scenario().clone()));
        }
    });
    let megas = RwSignal::new(String::new());
    let first_wave = RwSignal::new(String::new());
    Effect::new(move |_| {
        state.revision.track();
        let p = state.history.with_value(|h| h.scenario().params.clone());
        megas.set(p.mega_supernodes.to_string());
        first_wave.set(p.mega_first_wave_min.to_string());
    });
    let mega_max = move || {
        state.scale.track();
        state.history.with_value(|h| (h.scenario().params.supernodes / 20).clamp(8, 5000))
    };
    let replay = move |_| replay_plan(state, clock, &megas.get_untracked(), &first_wave.get_untracked());
    let reset = move |_| clock.send(PlayerCommand::load(original.get_value(), state.intended_minute()));
    let wave_at = move || pretty_clock(&state.clock_label(first_wave.get().parse::<u32>().unwrap_or(0)));
    view! {
        <div class="sb-field">
            <label for="sb-megas">"Mega-supernodes: " <strong>{move || megas.get()}</strong></label>
            <input id="sb-megas" type="range" min="0" max=move || mega_max().to_string() step="1" data-param="mega_supernodes"
                prop:value=move || megas.get() on:input=move |ev| megas.set(event_target_value(&ev))/>
        </div>
        <div class="sb-field">
            <label for="sb-wave">"First wave: " <strong>{wave_at}</strong></label>
            <input id="sb-wave" type="range" min="0" max="2880" step="30" data-param="mega_first_wave_min"
                prop:value=move || first_wave.get() on:input=move |ev| first_wave.set(event_target_value(&ev))/>
        </div>
        <div class="sb-actions">
            <button type="button" class="btn" data-testid="apply-plan" on:click=replay>"Replay with this plan"</button>
            <button type="button" class="btn btn-quiet" data-testid="reset-run" on:click=reset>"Reset to the original run"</button>
        </div>
    }
}

/// Replays the run from the start with a new mega-supernode plan, back to the minute on show,
/// keeping the run being replaced (or its own ghost) to compare against.
fn replay_plan(state: AppState, clock: Clock, megas: &str, first_wave: &str) {
    let mut sc = state.history.with_value(|h| h.scenario().clone());
    for (k, v) in [("mega_supernodes", megas), ("mega_first_wave_min", first_wave)] {
        if let Err(e) = sc.set(k, v) {
            state.notify(e.to_string());
            return;
        }
    }
    let ghost = state.history.with_value(|h| h.ghost().map(<[_]>::to_vec).unwrap_or_else(|| h.series().to_vec()));
    let minute = state.intended_minute();
    clock.send(PlayerCommand::Load(Box::new(NewRun { scenario: sc, minute, ghost: Some(ghost) })));
}
