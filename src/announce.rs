//! A polite ARIA live region that announces the big moments as the clock passes them
//! ("17:05 UTC: 28% of supernodes offline"), for screen-reader users and as captions.

use leptos::prelude::*;
use overlay_sim::{EventKind, History};

use crate::app_state::AppState;

/// Share-of-supernodes-offline thresholds worth announcing.
const LOSS_STEPS: [f64; 3] = [0.25, 0.5, 0.9];

/// What happened in `(from, to]` worth saying, newest last.
pub fn moments(h: &History, from: u32, to: u32) -> Vec<String> {
    let mut out = vec![];
    let clock = |t: u32| {
        let l = h.world().clock_label(t);
        // "2010-12-22T16:30Z" → "16:30 UTC"; undated "+4:30" stays.
        l.split('T').nth(1).map_or(l.clone(), |hm| format!("{} UTC", hm.trim_end_matches('Z')))
    };
    for e in h.events_between(from + 1, to) {
        let said = match e.kind {
            EventKind::ImOverload => Some("offline-IM servers overloaded; 5.0.0.152 clients start crashing".to_string()),
            EventKind::MassRestart => Some("patch-day reboots: a flood of sign-ins begins".to_string()),
            EventKind::GroupVideoOff => Some("the operator disables group video to cut load".to_string()),
            EventKind::RetryPolicy => Some("the fix ships: clients back off before retrying".to_string()),
            _ => None,
        };
        if let Some(s) = said {
            out.push(format!("{}: {s}", clock(e.minute)));
        }
    }
    let megas = h.events_between(from + 1, to).iter().filter(|e| e.kind == EventKind::MegaArrival).count();
    if megas > 0 {
        out.push(format!("{}: {megas} mega-supernodes join the network", clock(to)));
    }
    // Supernode losses against the network before the trigger.
    let series = h.series();
    let base = h.scenario().trigger_min.and_then(|t| series.get(t.saturating_sub(2) as usize)).map_or(0.0, |m| f64::from(m.supernodes_alive));
    if base > 0.0 {
        let loss = |t: u32| series.get(t.wrapping_sub(1) as usize).map_or(0.0, |m| 1.0 - f64::from(m.supernodes_alive) / base);
        let (a, b) = (loss(from), loss(to));
        if let Some(&x) = LOSS_STEPS.iter().rev().find(|&&x| a < x && b >= x) {
            out.push(format!("{}: {:.0}% of supernodes offline", clock(to), b.max(x) * 100.0));
        }
        let frac = |t: u32| series.get(t.wrapping_sub(1) as usize).map_or(1.0, |m| m.online_fraction());
        if frac(from) < 0.9 && frac(to) >= 0.9 && from > 0 {
            out.push(format!("{}: online users back to 90% of expected", clock(to)));
        }
    }
    out
}

/// The live region: says the newest big moment since the last one announced.
#[component]
pub fn Announcer() -> impl IntoView {
    let state = expect_context::<AppState>();
    let last = StoredValue::new(0u32);
    let text = RwSignal::new(String::new());
    Effect::new(move |_| {
        let now = state.minute.get();
        let from = last.get_value();
        last.set_value(now);
        if now <= from || now - from > 240 {
            return; // stepping back or a long jump: nothing "happened" in between
        }
        if let Some(said) = state.history.with_value(|h| moments(h, from, now)).pop() {
            text.set(said);
        }
    });
    view! { <p class="announcer" role="status" aria-live="polite" data-testid="announcer">{move || text.get()}</p> }
}
