//! Scenarios: a named parameter set plus scripted *inputs* (a trigger, the operator's actions).
//! A scenario never writes a metric: everything the charts show comes out of the mechanism.

use crate::params::{ParamError, Params, Scale};
use serde::Serialize;

/// Something the script does to the world at a given minute.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Scripted {
    /// The offline-IM cluster is overloaded: for `minutes` it serves only `share` of each
    /// minute's requests, and never more than `share` of those at the start (Rabbe: "a cluster
    /// of support servers for offline instant messages became overloaded").
    ImOverload { share: f64, minutes: u32 },
    /// Patch-day reboots: `fraction` of online hosts restart, spread over `minutes` (Aug 2007).
    MassRestart { fraction: f64, minutes: u32 },
    /// Kill `kill_fraction` of supernodes at random.
    KillRandom,
    /// Kill the `kill_fraction` most loaded supernodes.
    KillTargeted,
    /// A wave of operator-run mega-supernodes (`count` of them).
    MegaWave { count: u32 },
    /// The operator disables group video, which removes relaying load (Rabbe).
    DisableGroupVideo,
    /// The Aug 2007 "bug within the network resource allocation algorithm" that kept the network
    /// from healing itself: on, no peer is promoted to supernode; off, Skype's fix.
    PromotionBug(bool),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScriptedEvent {
    pub minute: u32,
    pub what: Scripted,
}

/// A preset: parameters, the UTC start (for dated scenarios) and scripted events.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    pub name: String,
    pub title: String,
    /// Seconds since the Unix epoch of minute 0, for dated scenarios.
    pub start_unix: Option<i64>,
    pub params: Params,
    /// Minute of the trigger, if the scenario has one (for summaries and the story).
    pub trigger_min: Option<u32>,
    pub events: Vec<ScriptedEvent>,
}

pub const NAMES: [&str; 6] = ["dec-2010", "dec-2010-no-mega", "aug-2007", "random-failure", "targeted-attack", "sandbox"];

/// The offline-IM cluster's overload on 22 Dec 2010: from 16:00 UTC (Rabbe: "beginning at
/// approximately 16:00 GMT"), for this many minutes it serves this share of the requests it gets
/// at that moment, so replies fall ever further behind, the more so as crashed clients sign in
/// again (Rabbe gives neither the shortfall nor the episode's length: our figures). The crash
/// hazard is then calibrated so the delayed replies crash ~40% of the 5.0.0.152 clients (Rabbe).
const IM_OVERLOAD_START: u32 = 240;
const IM_OVERLOAD_SHARE: f64 = 0.995;
const IM_OVERLOAD_MIN: u32 = 75;

/// 2010-12-22T12:00Z and 2007-08-16T12:00Z as Unix seconds.
const DEC_2010_NOON: i64 = 1_293_019_200;
const AUG_2007: i64 = 1_187_265_600;

impl Scenario {
    /// A preset at real scale.
    pub fn preset(name: &str) -> Result<Scenario, ParamError> {
        Scenario::preset_at(name, Scale::Real)
    }

    /// A preset at the given scale.
    pub fn preset_at(name: &str, scale: Scale) -> Result<Scenario, ParamError> {
        let mut p = Params::for_scale(scale);
        let mut s = Scenario { name: name.to_string(), title: String::new(), start_unix: None, params: p.clone(), trigger_min: None, events: vec![] };
        match name {
            "dec-2010" | "dec-2010-no-mega" => {
                s.title = if name == "dec-2010" { "22 December 2010: the outage and the mega-supernodes" } else { "22 December 2010 without mega-supernodes (what if)" }.into();
                s.start_unix = Some(DEC_2010_NOON);
                s.trigger_min = Some(IM_OVERLOAD_START);
                if name == "dec-2010-no-mega" {
                    p.mega_supernodes = 0;
                }
            }
            "aug-2007" => {
                s.title = "16 August 2007: the patch-day login storm".into();
                s.start_unix = Some(AUG_2007);
                s.trigger_min = Some(60);
                // 2007: 5–6M typical online (AP 2007); the same clients per supernode and the same
                // headroom as in 2010 — the shortage comes from the reboots and the bug (our figures).
                let (peers, sn) = scale.sizes();
                p.peers = peers * 55 / 230;
                p.supernodes = (u64::from(sn) * 55 / 230).max(10) as u32;
                p.buggy_share = 0.0;
                p.mega_supernodes = 0;
                p.login_capacity = 1.5;
                // The 2007 clients contacted ~10× more peers for ~3× the signalling (Rossi et al.
                // 2009): they probed their whole host cache, dead entries included, and backed off
                // more slowly to begin with; few fresh addresses came from the bootstrap servers.
                p.probe_fanout = 16.0;
                p.cache_pruning = 0.0;
                p.retry_delay_min = 4;
                p.bootstrap_capacity = 0.01;
            }
            "random-failure" | "targeted-attack" => {
                s.title = if name == "random-failure" { "Random failure of supernodes" } else { "Targeted attack on the most loaded supernodes" }.into();
                s.trigger_min = Some(60);
                p.buggy_share = 0.0;
                p.mega_supernodes = 0;
                p.diurnal_amplitude = 0.0;
            }
            "sandbox" => {
                s.title = "Sandbox: a healthy network to break by hand".into();
                p.mega_supernodes = 0;
            }
            _ => {
                return Err(ParamError { param: "scenario".into(), value: name.chars().take(40).collect(), allowed: NAMES.join(", ") })
            }
        }
        s.params = p;
        s.rebuild_events();
        Ok(s)
    }

    /// Sets a parameter and re-derives the scripted events that depend on it (mega waves).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ParamError> {
        if key == "scale" {
            // A new scale means the preset's own sizes at that scale; the seed is kept.
            let scale = Scale::parse(value.trim()).ok_or_else(|| ParamError {
                param: "scale".into(),
                value: value.chars().take(40).collect(),
                allowed: "classroom, city, real".into(),
            })?;
            let (seed, design) = (self.params.seed, self.params.design);
            *self = Scenario::preset_at(&self.name, scale)?;
            self.params.seed = seed;
            self.params.design = design;
            self.rebuild_events();
            return Ok(());
        }
        self.params.set(key, value)?;
        self.rebuild_events();
        Ok(())
    }

    /// Cross-parameter limits, checked once all settings are in (so their order does not matter).
    pub fn check(&self) -> Result<(), ParamError> {
        self.params.check()?;
        let d = self.params.design;
        d.supports(&self.name).map_err(|allowed| ParamError { param: "design".into(), value: d.name().into(), allowed })
    }

    /// The scripted events follow from the name and the parameters.
    pub fn rebuild_events(&mut self) {
        let p = &self.params;
        let mut ev = vec![];
        let at = |minute, what| ScriptedEvent { minute, what };
        match self.name.as_str() {
            "dec-2010" | "dec-2010-no-mega" => {
                ev.push(at(IM_OVERLOAD_START, Scripted::ImOverload { share: IM_OVERLOAD_SHARE, minutes: IM_OVERLOAD_MIN }));
                if p.mega_supernodes > 0 && p.design.has_megas() {
                    let waves = p.mega_waves.min(p.mega_supernodes).max(1);
                    for w in 0..waves {
                        let count = p.mega_supernodes / waves + u32::from(w < p.mega_supernodes % waves);
                        ev.push(at(p.mega_first_wave_min + w * p.mega_wave_interval_min, Scripted::MegaWave { count }));
                    }
                    ev.push(at(p.mega_first_wave_min, Scripted::DisableGroupVideo));
                }
            }
            "aug-2007" => {
                ev.push(at(60, Scripted::MassRestart { fraction: 0.35, minutes: 60 }));
                // Our reading of the resource-allocation bug: the network could not allocate new
                // supernodes, so the hosts lost to the reboots were not replaced until Skype's fix
                // about two days in.
                ev.push(at(60, Scripted::PromotionBug(true)));
                ev.push(at(40 * 60, Scripted::PromotionBug(false)));
            }
            "random-failure" => ev.push(at(60, Scripted::KillRandom)),
            "targeted-attack" => ev.push(at(60, Scripted::KillTargeted)),
            _ => {}
        }
        ev.sort_by_key(|e| e.minute);
        self.events = ev;
    }

    /// Total mega-supernodes the script may inject (the world pre-allocates their slots).
    pub fn scripted_megas(&self) -> u32 {
        self.events.iter().map(|e| if let Scripted::MegaWave { count } = e.what { count } else { 0 }).sum()
    }
}
