//! The inspector: what the hovered or tapped supernode is, how loaded, and why it failed.

use leptos::prelude::*;
use overlay_sim::{Cause, Group, GroupState, SlotState};
use overlay_sim::History;

use super::format::{count, times, utc};
use super::groups::state_word;
use crate::app_state::AppState;

/// The facts shown for one slot.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    pub slot: u32,
    pub title: String,
    pub role: String,
    pub version: String,
    pub capacity: f32,
    pub load: f32,
    pub attached: u32,
    pub status: String,
    /// Its cache group and how that group is doing (None for a mega not yet sent anywhere).
    pub group: Option<String>,
}

/// "EU-3, down: 12% of its users have service, 4.1k gave up for now".
fn group_line(g: &Group, mega: bool) -> String {
    let whose = if mega { format!("sent to {}", g.label) } else { g.label.clone() };
    let how = match g.state {
        GroupState::Down => "down — most of its users have no supernode to reach".to_string(),
        s => state_word(s).to_string(),
    };
    let mut line = format!("{whose}, {how}: {:.0}% of its users have service", g.service * 100.0);
    if g.gave_up() >= 1.0 {
        line += &format!(", {} gave up for now", count(g.gave_up()));
    }
    line
}

/// Reads slot `i` from the current minute of the run.
pub fn facts(h: &History, i: u32) -> Option<Facts> {
    let w = h.world();
    let s = w.snapshot();
    let k = i as usize;
    let st = *s.sn_state.get(k)?;
    let mega = k >= s.ordinary;
    let load = s.sn_load.get(k).copied().unwrap_or(0.0);
    let back = |t: u32| utc(w, t);
    let timer = s.sn_timer.get(k).copied().unwrap_or(0);
    let since = s.sn_since.get(k).copied().unwrap_or(0);
    // `since` 0: serving since before the run began, so never in probation.
    let probation = !mega && since > 0 && s.minute < since + s.probation_min;
    let status = match st {
        SlotState::Alive if load > 1.0 && h.scenario().params.design != overlay_sim::Design::Skype2010 => {
            format!("serving, but over capacity ({}): it throttles new sign-ins (no safeguard shuts it down)", times(f64::from(load)))
        }
        SlotState::Alive if load > 1.0 => format!("serving, but over capacity ({}): the safeguard may shut it down", times(f64::from(load))),
        SlotState::Alive if probation => format!(
            "serving again since {}, in probation: it takes new clients slowly until {}",
            back(since),
            back(since + s.probation_min)
        ),
        SlotState::Alive => "serving".to_string(),
        SlotState::Crashed => match s.sn_cause.get(k).copied() {
            Some(Cause::Bug) => format!("crashed on the 5.0.0.152 bug; its user restarts it at about {}", back(timer)),
            Some(Cause::Killed) => format!("killed; back at about {}", back(timer)),
            _ => format!("crashed; back at about {}", back(timer)),
        },
        SlotState::Shutdown => format!(
            "shut down at {} its capacity by its overload safeguard; restarting, back at {}",
            times(f64::from(s.sn_cause_load.get(k).copied().unwrap_or(0.0))),
            back(timer)
        ),
        SlotState::Promoting => format!("a peer is being promoted here (uptime check); serving at about {}", back(timer)),
        SlotState::Vacant => match s.sn_cause.get(k).copied() {
            Some(Cause::Reboot) => "its host rebooted; no supernode here for now".to_string(),
            _ => "its host went offline (normal churn); no supernode here for now".to_string(),
        },
        _ => "not started yet: the operator has not added it".to_string(),
    };
    let group = s.sn_group.get(k).and_then(|&g| s.groups.get(usize::from(g))).map(|g| group_line(g, mega));
    // Other overlay designs (issue 16) serve from the operator's servers, not users' computers.
    let design = h.scenario().params.design;
    let (title, role) = match design {
        _ if mega => (format!("Mega-supernode #{}", k - s.ordinary + 1), "mega-supernode, run by Skype on its own servers".to_string()),
        overlay_sim::Design::Dedicated2012 => (format!("Supernode server #{i}"), "supernode run by the operator on its own server (2012 design)".into()),
        overlay_sim::Design::Central => (format!("Directory server #{}", i + 1), "a server of the operator's central directory".into()),
        _ => (format!("Supernode #{i}"), "supernode, run by a user's computer".into()),
    };
    Some(Facts {
        slot: i,
        group,
        title,
        role,
        version: if mega || design != overlay_sim::Design::Skype2010 {
            "operator build (no overload safeguard)".into()
        } else if s.sn_buggy.get(k).copied().unwrap_or(false) {
            "Skype for Windows 5.0.0.152 — the version with the bug".into()
        } else {
            "another version (not affected by the bug)".into()
        },
        capacity: s.sn_capacity.get(k).copied().unwrap_or(0.0),
        load,
        attached: s.sn_attached.get(k).copied().unwrap_or(0),
        status,
    })
}

#[component]
pub fn Inspector() -> impl IntoView {
    let state = expect_context::<AppState>();
    let facts = Memo::new(move |_| {
        let _ = state.minute.get();
        let _ = state.revision.get();
        let sel = state.selected.get()?;
        state.history.with_value(|h| facts(h, sel))
    });
    view! {
        <section class="inspector panel" data-testid="inspector" aria-live="polite">
            <h2>"Inspector"</h2>
            {move || match facts.get() {
                None => view! { <p class="hint">"Hover or tap a supernode to see why it failed. Scroll or pinch to zoom, drag to pan."</p> }.into_any(),
                Some(f) => view! {
                    <h3 data-testid="inspector-title" data-slot=f.slot>{f.title}</h3>
                    <dl>
                        <dt>"Role"</dt><dd data-testid="inspector-role">{f.role}</dd>
                        <dt>"Version"</dt><dd data-testid="inspector-version">{f.version}</dd>
                        <dt>"Load"</dt>
                        <dd data-testid="inspector-load" data-value=f.load.to_string()>{times(f64::from(f.load))}" its capacity"</dd>
                        <dt>"Clients"</dt>
                        <dd data-testid="inspector-attached" data-value=f.attached.to_string()>{count(f64::from(f.attached))}" peers attached"</dd>
                        <dt>"Capacity"</dt>
                        <dd data-testid="inspector-capacity" data-value=f.capacity.to_string()>{count(f64::from(f.capacity))}" load units a minute (a client ≈ 1)"</dd>
                        <dt>"State"</dt><dd data-testid="inspector-state">{f.status}</dd>
                        {f.group.map(|g| view! { <dt>"Cache group"</dt><dd data-testid="inspector-group">{g}</dd> })}
                    </dl>
                }.into_any(),
            }}
        </section>
    }
}
