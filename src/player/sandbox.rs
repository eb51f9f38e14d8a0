//! The sandbox: "what if" from any minute. Live changes (kill, add a mega-supernode, a
//! parameter) act at the current minute: the run forks and the original stays as a ghost in
//! the charts. The mega-supernode plan is scripted when a run is created, so changing it
//! rebuilds the run from the start and returns to the same minute.

use leptos::prelude::*;
use overlay_sim::SlotState;
use overlay_sim::params::{Kind, ParamSpec};
use overlay_sim::{Action, Scenario, PARAMS};

use super::controls::add_mega;
use super::pretty_clock;
use crate::app_state::AppState;
use crate::clock::{use_clock, Clock, NewRun, PlayerCommand};
use crate::view::format::param_value;

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

/// Applies a change of one parameter at the minute the reader is after, once the model's table
/// accepts it: a parameter that needs a new world replays the run with it (the run it replaces
/// stays as the ghost), any other acts live from this minute (the run forks).
fn apply(state: AppState, clock: Clock, spec: &'static ParamSpec, value: &str) {
    if let Err(e) = spec.parse(value) {
        return state.notify(e.to_string());
    }
    if !spec.rebuild {
        return clock.send(PlayerCommand::Act(Action::Set { key: spec.key.into(), value: value.into() }));
    }
    let mut sc = state.history.with_value(|h| h.scenario().clone());
    if let Err(e) = sc.set(spec.key, value).and_then(|()| sc.check()) {
        return state.notify(e.to_string());
    }
    replay(state, clock, sc);
}

/// The current value of a parameter as text: a change made at this minute (the model applies
/// it from the next one), else the world's.
fn param(state: AppState, key: &str) -> String {
    let now = state.history.with_value(|h| h.minute());
    let pending = state.acted.with_untracked(|log| {
        log.iter().rev().find_map(|a| match &a.action {
            Action::Set { key: k, value } if a.minute == now && k == key => Some(value.clone()),
            _ => None,
        })
    });
    pending.or_else(|| state.history.with_value(|h| h.world().params().get(key))).unwrap_or_default()
}

/// A parameter's value in words, from its text.
fn shown(key: &str, text: &str) -> String {
    text.parse::<f64>().map_or_else(|_| text.to_string(), |v| param_value(key, v))
}

/// The control of one parameter of the table: a slider for a number (range and step from the
/// table), a menu for a choice, a checkbox for a switch. A slider applies on release.
#[component]
fn ParamControl(spec: &'static ParamSpec) -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let key = spec.key;
    let value = RwSignal::new(param(state, key));
    // The slider follows the model's value when that value changes, not on every new revision:
    // another slider's change landing must not undo a drag in progress here.
    let model = Memo::new(move |_| {
        state.revision.track();
        state.acted.track();
        param(state, key)
    });
    Effect::new(move |_| value.set(model.get()));
    let id = format!("sb-{key}");
    let set = move |v: String| {
        value.set(v.clone());
        apply(state, clock, spec, &v);
    };
    let (min, max, step) = match spec.kind {
        Kind::Real { lo, hi, step } => (lo, hi, step),
        Kind::Whole { lo, hi } => (lo as f64, hi as f64, 1.0),
        Kind::Switch => return view! { <Switch spec=spec value=value set=set/> }.into_any(),
        Kind::Choice(names) => return view! { <Choice spec=spec names=names value=value set=set/> }.into_any(),
    };
    let words = move || value.with(|v| shown(key, v));
    view! {
        <div class="sb-field">
            <label for=id.clone()>{spec.label} {spec.rebuild.then_some(" ↺")} ": " <strong>{words}</strong></label>
            <input
                id=id
                type="range"
                data-testid=format!("param-{key}")
                data-param=key
                data-rebuild=spec.rebuild.to_string()
                min=min.to_string()
                max=max.to_string()
                step=step.to_string()
                prop:value=move || value.get()
                aria-valuetext=words
                on:input=move |ev| value.set(event_target_value(&ev))
                on:change=move |ev| set(event_target_value(&ev))
            />
        </div>
    }
    .into_any()
}

/// A switch parameter as a checkbox ("on" / "off" in the model's words).
#[component]
fn Switch(spec: &'static ParamSpec, value: RwSignal<String>, set: impl Fn(String) + 'static) -> impl IntoView {
    let id = format!("sb-{}", spec.key);
    view! {
        <div class="sb-field sb-check">
            <input
                id=id.clone()
                type="checkbox"
                data-testid=format!("param-{}", spec.key)
                data-param=spec.key
                prop:checked=move || value.get() == "on"
                on:change=move |ev| set(if event_target_checked(&ev) { "on" } else { "off" }.to_string())
            />
            <label for=id>{spec.label}</label>
        </div>
    }
}

/// A choice parameter as a menu of the model's names.
#[component]
fn Choice(spec: &'static ParamSpec, names: &'static [&'static str], value: RwSignal<String>, set: impl Fn(String) + 'static) -> impl IntoView {
    let id = format!("sb-{}", spec.key);
    view! {
        <div class="sb-field">
            <label for=id.clone()>{spec.label}</label>
            <select id=id data-testid=format!("param-{}", spec.key) data-param=spec.key on:change=move |ev| set(event_target_value(&ev))>
                {names.iter().map(|&n| view! { <option value=n prop:selected=move || value.get() == n>{n}</option> }).collect_view()}
            </select>
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
            <Comparison/>
            <Actions/>
            <h3>"Change the rules from now on"</h3>
            <p class="hint">"Settings marked ↺ shape the network itself: changing one replays the run from the start with it and comes back to this minute."</p>
            <LiveRules/>
            <h3>"Change the mega-supernode plan"</h3>
            <p class="hint">"The operator's waves are planned when a run starts, so this replays the run from the start with the new plan and comes back to this minute."</p>
            <MegaPlan/>
        </section>
    }
}

/// The what-if against the original run: the original computing (with its progress), then
/// users' hours without service in both.
#[component]
fn Comparison() -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = use_clock();
    let line = move || {
        state.revision.track();
        state.minute.track();
        state.history.with_value(|h| {
            let ghost = h.ghost()?;
            let n = ghost.len().min(h.series().len()) as u32;
            crate::whatif::summary(ghost, h.series(), |_| pretty_clock(&h.world().clock_label(n)))
        })
    };
    view! {
        <Show when=move || clock.ghost_progress.with(Option::is_some)>
            <p class="hint" role="status" data-testid="ghost-progress">
                "Computing the original run for comparison… "
                {move || clock.ghost_progress.get().map(|p| format!("{:.0}%", p.fraction() * 100.0))}
            </p>
        </Show>
        <Show when=move || line().is_some()>
            <p class="whatif-summary" data-testid="whatif-summary">{line}</p>
        </Show>
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

/// A control for every parameter the model's table offers in the sandbox.
#[component]
fn LiveRules() -> impl IntoView {
    PARAMS.iter().filter(|p| p.slider).map(|spec| view! { <ParamControl spec=spec/> }).collect_view()
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
    // The run's plan; the sliders follow it when it changes, so a parameter changed just
    // before (landing a task later) does not undo a plan being edited here.
    let planned = Memo::new(move |_| {
        state.revision.track();
        state.history.with_value(|h| {
            let p = &h.scenario().params;
            (p.mega_supernodes, p.mega_first_wave_min)
        })
    });
    let show_plan = move |(m, w): (u32, u32)| {
        megas.set(m.to_string());
        first_wave.set(w.to_string());
    };
    Effect::new(move |_| show_plan(planned.get()));
    let mega_max = move || {
        state.scale.track();
        state.history.with_value(|h| (h.scenario().params.supernodes / 20).clamp(8, 5000))
    };
    let replay = move |_| replay_plan(state, clock, &megas.get_untracked(), &first_wave.get_untracked());
    let reset = move |_| {
        let sc = original.get_value();
        show_plan((sc.params.mega_supernodes, sc.params.mega_first_wave_min));
        clock.send(PlayerCommand::load(sc, state.intended_minute()));
    };
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

/// Replays the run from the start with a new mega-supernode plan, back to the minute on show.
fn replay_plan(state: AppState, clock: Clock, megas: &str, first_wave: &str) {
    let mut sc = state.history.with_value(|h| h.scenario().clone());
    for (k, v) in [("mega_supernodes", megas), ("mega_first_wave_min", first_wave)] {
        if let Err(e) = sc.set(k, v) {
            state.notify(e.to_string());
            return;
        }
    }
    replay(state, clock, sc);
}

/// Replays `sc` from the start back to the minute the reader is after, keeping the run being
/// replaced (or its own ghost) to compare against.
fn replay(state: AppState, clock: Clock, scenario: Scenario) {
    let ghost = state.history.with_value(|h| h.ghost().map(<[_]>::to_vec).unwrap_or_else(|| h.series().to_vec()));
    let minute = state.intended_minute();
    clock.send(PlayerCommand::Load(Box::new(NewRun { scenario, minute, ghost: Some(ghost) })));
}
