//! The tipping-point map: "would a little more headroom have saved it?" answered at a glance.
//! Each cell is a whole run of the current scenario with two parameters changed (the model's
//! `sweep`), coloured by the users' hours lost or by the trough. The current run is ringed, the
//! December 2010 setting crossed; hovering reads a cell out, clicking loads its run at the same
//! minute (the story or sandbox carries on there). Computed in slices of at most 8 ms, coarse
//! grid first, once the panel comes into view; `data-progress` goes from 0 to 1.

mod compute;
mod draw;
pub mod link;
mod panel;
mod parts;
mod words;

use overlay_sim::sweep::{Axis, Grid, SweepError};
use overlay_sim::{Params, Scale, Scenario};

pub use link::{query_suffix, MapLink, Outcome};
pub use panel::TippingPanel;
pub use parts::TippingHint;

/// Length of each run on the map: two days hold the outage and its recovery.
pub const HOURS: u32 = 48;
/// The panel's element id (the hint scrolls to it).
pub const PANEL_ID: &str = "tipping";

/// The scale the map is computed at: the run's own, but city instead of real (a real-scale
/// map would be 169 × 3 runs of a second or more each).
pub fn map_scale(s: Scale) -> Scale {
    if s == Scale::Real { Scale::City } else { s }
}

/// A scenario at another scale: that scale's preset with the parameters the reader changed
/// (the sizes that follow the scale are left to it).
fn at_scale(sc: &Scenario, scale: Scale) -> Scenario {
    if sc.params.scale == scale {
        return sc.clone();
    }
    let (Ok(mut out), Ok(preset)) = (Scenario::preset_at(&sc.name, scale), Scenario::preset_at(&sc.name, sc.params.scale)) else { return sc.clone() };
    for key in Params::keys().filter(|k| !matches!(*k, "scale" | "seed" | "peers" | "supernodes" | "mega_supernodes")) {
        if let Some(v) = sc.params.get(key).filter(|v| Some(v) != preset.params.get(key).as_ref()) {
            let _ = out.set(key, &v);
        }
    }
    let _ = out.set("seed", &sc.params.seed.to_string());
    out
}

/// The grid of the map for the current run and axes, and a key naming it. The base has both
/// swept parameters back at the preset's values, so loading a cell's run keeps the same map.
fn plan(run: &Scenario, x: &str, y: &str) -> Result<(String, Grid), SweepError> {
    let mut base = at_scale(run, map_scale(run.params.scale));
    let preset = Scenario::preset_at(&base.name, base.params.scale)?;
    for p in [x, y] {
        base.set(p, &preset.params.get(p).unwrap_or_default())?;
    }
    let axis = |p: &str| Axis::suggested(p, &base.params).ok_or_else(|| SweepError::NotSweepable { param: p.to_string() });
    let (ax, ay) = (axis(x)?, axis(y)?);
    let key = format!("{}|{:?}|{ax:?}|{ay:?}", base.name, base.params);
    Ok((key, Grid::new(base, ax, ay, HOURS)?))
}

/// Where a scenario's values of the two parameters fall along the axes.
fn position(sc: &Scenario, x: &Axis, y: &Axis) -> Option<(f64, f64)> {
    let v = |p: &str| sc.params.get(p).and_then(|s| s.parse::<f64>().ok());
    Some((x.position(v(&x.param)?), y.position(v(&y.param)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_of_a_clicked_cell_is_the_same_map() {
        let run = Scenario::preset_at("dec-2010", Scale::City).expect("preset");
        let (key, grid) = plan(&run, "buggy_share", "capacity_headroom").expect("plan");
        let cell = grid.scenario(30);
        assert_ne!(cell.params, run.params);
        assert_eq!(plan(&cell, "buggy_share", "capacity_headroom").expect("plan").0, key);
        // Another axis or another fixed parameter is another map.
        assert_ne!(plan(&run, "buggy_share", "restart_delay_min").expect("plan").0, key);
        let mut other = run.clone();
        other.set("login_capacity", "5").expect("ok");
        assert_ne!(plan(&other, "buggy_share", "capacity_headroom").expect("plan").0, key);
    }

    #[test]
    fn a_real_scale_run_is_mapped_at_city_scale_with_its_changes() {
        let mut run = Scenario::preset_at("dec-2010", Scale::Real).expect("preset");
        run.set("restart_delay_min", "90").expect("ok");
        run.set("seed", "7").expect("ok");
        let (_, grid) = plan(&run, "buggy_share", "capacity_headroom").expect("plan");
        let base = grid.base();
        assert_eq!(base.params.scale, Scale::City);
        assert_eq!((base.params.restart_delay_min, base.params.seed), (90, 7));
        assert_eq!(base.params.peers, Scale::City.sizes().0);
    }

    #[test]
    fn every_axis_on_the_menu_makes_a_map() {
        let run = Scenario::preset_at("dec-2010", Scale::Classroom).expect("preset");
        for p in Axis::SUGGESTED {
            let other = if p == "buggy_share" { "capacity_headroom" } else { "buggy_share" };
            assert!(plan(&run, p, other).is_ok(), "{p}");
            assert!(!words::label(p).contains('_'), "{p} has words");
        }
    }
}
