//! Running a scenario headless: the series, its summary and a hash for determinism checks.

use crate::landmark::{Landmark, LandmarkFinder};
use crate::{theory, Inputs, Metrics, Scenario, World};
use serde::Serialize;

/// The headline figures of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub mesh_mean_degree: f64,
    pub mesh_mean_sq_degree: f64,
    /// κ = ⟨k²⟩/⟨k⟩ and the Molloy–Reed critical fraction 1 − 1/(κ − 1).
    pub mesh_kappa: f64,
    pub mesh_critical_fraction: f64,
    /// Share of live supernodes lost to the trigger itself (crashes, kills, reboots).
    pub first_wave_supernode_loss: f64,
    pub peak_signalling_ratio: f64,
    pub peak_signalling_min: u32,
    pub trough_online_fraction: f64,
    pub trough_min: u32,
    /// Minutes from the trigger until online peers are back to 90% of expected (after the trough).
    pub minutes_to_90pct: Option<u32>,
}

/// Runs `hours` simulated hours with no user input; returns the world and one row per minute.
pub fn run(sc: &Scenario, hours: u32) -> (World, Vec<Metrics>) {
    let mut w = World::new(sc);
    let minutes = hours * 60;
    let mut series = Vec::with_capacity(minutes as usize);
    let none = Inputs::none();
    for _ in 0..minutes {
        series.push(w.step(&none).metrics);
    }
    (w, series)
}

/// Like [`run`], also finding the run's landmarks (from every minute's events).
pub fn run_with_landmarks(sc: &Scenario, hours: u32) -> (World, Vec<Metrics>, Vec<Landmark>) {
    let mut w = World::new(sc);
    let mut finder = LandmarkFinder::new(sc.trigger_min);
    let mut series = Vec::with_capacity((hours * 60) as usize);
    let none = Inputs::none();
    for _ in 0..hours * 60 {
        let r = w.step(&none);
        finder.observe(&r.metrics, &r.events);
        series.push(r.metrics);
    }
    (w, series, finder.list())
}

/// The headline figures; the peak, the low point and the recovery are the landmarks' own.
pub fn summarize(w: &World, series: &[Metrics]) -> Summary {
    let (k1, k2) = w.mesh().moments(w.ordinary_slots());
    let trigger = w.trigger_minute().unwrap_or(0);
    let marks = LandmarkFinder::of_series(w.trigger_minute(), series);
    let peak = marks.peak();
    let trough = marks.low();
    Summary {
        mesh_mean_degree: k1,
        mesh_mean_sq_degree: k2,
        mesh_kappa: theory::kappa(k1, k2),
        mesh_critical_fraction: theory::critical_fraction(k1, k2),
        first_wave_supernode_loss: if w.alive_at_trigger > 0 { f64::from(w.first_wave_lost) / f64::from(w.alive_at_trigger) } else { 0.0 },
        peak_signalling_ratio: peak.map_or(0.0, |p| p.1),
        peak_signalling_min: peak.map_or(0, |p| p.0),
        trough_online_fraction: trough.map_or(1.0, Metrics::online_fraction),
        trough_min: trough.map_or(0, |m| m.t_min),
        minutes_to_90pct: if marks.went_down() { marks.recovered().map(|m| m - trigger) } else { Some(0) },
    }
}

/// FNV-1a over every field of every row (floats by their bits): equal hashes, equal series.
pub fn series_hash(series: &[Metrics]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |x: u64| {
        for b in x.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for m in series {
        for x in [u64::from(m.t_min), m.online_peers, m.expected_peers, u64::from(m.supernodes_alive), u64::from(m.mega_supernodes),
            m.mean_sn_load.to_bits(), m.max_sn_load.to_bits(), m.signalling_ratio.to_bits(), m.giant_component.to_bits(),
            m.login_queue, m.retrying_peers, m.crashed_clients, m.im_delayed_share.to_bits(), m.accepted, m.orphaned] {
            eat(x);
        }
    }
    h
}

/// The runs whose series hashes are checked in (`tests/hashes.txt`), natively and in Wasm:
/// (scenario, scale, seed, hours).
pub fn hash_table_runs() -> Vec<(&'static str, crate::Scale, u64, u32)> {
    let mut v = vec![];
    for name in crate::scenario::NAMES {
        for scale in [crate::Scale::Classroom, crate::Scale::City] {
            for seed in [1, 2] {
                v.push((name, scale, seed, 12));
            }
        }
    }
    v.push(("dec-2010", crate::Scale::Real, 1, 6));
    v
}

/// One line of the hash table: `scenario scale seed hours hash`.
pub fn hash_line(name: &str, scale: crate::Scale, seed: u64, hours: u32) -> Result<String, crate::ParamError> {
    let mut sc = Scenario::preset_at(name, scale)?;
    sc.set("seed", &seed.to_string())?;
    let (_, series) = run(&sc, hours);
    Ok(format!("{name} {} {seed} {hours} {:016x}", scale.name(), series_hash(&series)))
}
