//! "Would another design have survived?" — `?compare=DESIGN` puts the same fault on two overlay
//! designs side by side (issue 16): the run the URL asks for on the left, the same scenario
//! with `design=DESIGN` on the right, on one clock and under one control bar.
//!
//! The right half is a second run (a [`Twin`]) that *follows* the page's clock: every frame it
//! steps or seeks its own history to the minute on show, in a slice of at most half the
//! clock's budget, so the two maps and the overlaid charts always show the same minute. The
//! twin has its own [`AppState`], so the stock map, inspector and event log work in its half
//! unchanged (each half gets its own state by context). Sandbox actions act on the left run
//! only: the designs have different servers, so a kill has no counterpart on the right.

mod charts;
mod follow;
mod link;
mod view;

use leptos::prelude::*;
use overlay_sim::{Design, Scale, Scenario};

use crate::app_state::AppState;
use crate::clock::engine::Engine;
use crate::clock::Clock;

pub use charts::CompareCharts;
pub use link::{from_pairs, query_suffix, KEYS};
pub use view::{ComparePanel, CompareStage, EventLogs};

/// The second run of a comparison and what it follows.
#[derive(Clone, Copy)]
pub struct Twin {
    /// The design on the right.
    pub design: Design,
    /// The page's run (left), whose clock the twin follows.
    pub main: AppState,
    /// The twin's own run: the main scenario with `design` set.
    pub state: AppState,
    /// Why `design` cannot run the main run's scenario (e.g. aug-2007's fault is the 2007
    /// overlay's own bug), if it cannot: the half says so instead of drawing.
    pub problem: RwSignal<Option<String>>,
    engine: StoredValue<Engine, LocalStorage>,
    /// The main run's revision last mirrored (a new run there means a new twin run).
    seen: StoredValue<u64>,
}

/// The main scenario with the other design, or why that design cannot run it.
pub fn twin_scenario(main: &Scenario, design: Design) -> Result<Scenario, String> {
    let mut s = main.clone();
    s.set("design", design.name()).map_err(|e| e.to_string())?;
    s.check().map_err(|e| if e.param == "design" { e.allowed } else { e.to_string() })?;
    Ok(s)
}

/// The design a run uses.
pub fn design_of(state: &AppState) -> Design {
    state.history.with_value(|h| h.scenario().params.design)
}

/// Starts the comparison a URL asks for: the twin in the context, following `clock`. None
/// (with a notice) when the link compares a design with itself.
pub fn start(compare: Option<Design>, state: AppState, clock: Clock) -> Option<Twin> {
    link::set_shown(compare);
    let design = compare?;
    if design == design_of(&state) {
        state.notify(format!("compare: the run already uses {}; showing it alone.", design.name()));
        link::set_shown(None);
        return None;
    }
    let main_sc = state.history.with_value(|h| h.scenario().clone());
    let (sc, problem) = match twin_scenario(&main_sc, design) {
        Ok(sc) => (sc, None),
        // A placeholder run, never drawn: the half shows the reason instead.
        Err(why) => (Scenario::preset_at("sandbox", Scale::Classroom).unwrap_or_else(|_| main_sc.clone()), Some(why)),
    };
    let twin = Twin {
        design,
        main: state,
        state: AppState::new(sc),
        problem: RwSignal::new(problem),
        engine: StoredValue::new_local(Engine::default()),
        seen: StoredValue::new(state.revision.get_untracked()),
    };
    provide_context(twin);
    clock.on_frame(move |_| twin.follow());
    Some(twin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_twin_runs_the_same_scenario_with_the_other_design() {
        let mut main = Scenario::preset_at("dec-2010", Scale::City).expect("preset");
        main.set("seed", "9").expect("ok");
        main.set("restart_delay_min", "90").expect("ok");
        let twin = twin_scenario(&main, Design::Dht).expect("dht runs dec-2010");
        assert_eq!(twin.params.design, Design::Dht);
        assert_eq!((twin.params.seed, twin.params.restart_delay_min, twin.trigger_min), (9, 90, main.trigger_min));
        assert!(twin.events.len() < main.events.len(), "the 2010 operator's mega-supernode waves are skype-2010's alone");
    }

    #[test]
    fn a_design_that_cannot_run_the_scenario_says_why() {
        let main = Scenario::preset_at("aug-2007", Scale::Classroom).expect("preset");
        let why = twin_scenario(&main, Design::Central).expect_err("the 2007 bug is the 2007 overlay's own");
        assert!(why.contains("central") && why.contains("aug-2007") && why.contains("skype-2010 only"), "{why}");
    }
}
