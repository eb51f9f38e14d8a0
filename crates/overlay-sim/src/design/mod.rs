//! Would another design have survived 22 December 2010? The same fault on other overlays.
//!
//! A design is how the clients find service: who runs the nodes they connect to, and what those
//! nodes do under load. Every design serves **the same clients**: the same cache groups (their
//! regions, weights and 5.0.0.152 shares, built by the same `Layout`), the same daily demand
//! (`World::expected_in`), the same client behaviour (back-off levels, patience, restarts) and
//! the same operator servers (login, offline IM). And every design gets **the same fault**: the
//! offline-IM cluster answers late, 5.0.0.152 clients crash (`step::servers`, the hazard from
//! `calibrate_crash_hazard`) and their users restart them. Only stages 3–4 of the step (where a
//! retrying client gets through, and what serves a connected one) belong to the design.
//!
//! * `skype-2010` — the model of the 2010 overlay (user-run supernodes, the safeguard).
//! * `dedicated-2012` — [`dedicated`]: operator-run supernodes, no safeguard, nobody promoted.
//! * `central` — [`central`]: no supernodes; a directory cluster does presence and lookup.
//! * `dht` — [`dht`]: every online peer routes in a Kademlia overlay ([`kademlia`]).
//!
//! The operator's response of 2010 (mega-supernodes in waves, group video off) was the answer
//! to the 2010 collapse: the other designs get the fault, not that remedy.

pub mod central;
pub mod dedicated;
pub mod dht;
pub mod kademlia;

use crate::rng::{sround, Rng};
use crate::slot::SlotState;
use crate::step::{Ctx, GroupMinute, Pass};
use crate::world::{World, LEVELS};
use crate::Event;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How the overlay gives clients service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Design {
    /// The 2010 overlay: user-run supernodes with an overload safeguard.
    #[default]
    #[serde(rename = "skype-2010")]
    Skype2010,
    /// Operator-run supernodes (Skype from 2012).
    #[serde(rename = "dedicated-2012")]
    Dedicated2012,
    /// A central directory cluster.
    #[serde(rename = "central")]
    Central,
    /// A Kademlia DHT in which every online peer routes.
    #[serde(rename = "dht")]
    Dht,
}

impl Design {
    pub const ALL: [Design; 4] = [Design::Skype2010, Design::Dedicated2012, Design::Central, Design::Dht];
    pub const NAMES: [&'static str; 4] = ["skype-2010", "dedicated-2012", "central", "dht"];

    pub fn name(self) -> &'static str {
        Design::NAMES[self as usize]
    }
    pub fn parse(s: &str) -> Option<Design> {
        Design::ALL.into_iter().find(|d| d.name() == s.trim())
    }
    /// A few words for a label.
    pub fn title(self) -> &'static str {
        match self {
            Design::Skype2010 => "user-run supernodes (Skype 2010)",
            Design::Dedicated2012 => "operator-run supernodes (Skype 2012)",
            Design::Central => "a central directory",
            Design::Dht => "a DHT: every peer routes",
        }
    }
    /// What the design's model leaves out, said plainly (for the docs and the page).
    pub fn leaves_out(self) -> &'static str {
        match self {
            Design::Skype2010 => "per-peer detail below the cache group; the real safeguard's thresholds; NAT relaying",
            Design::Dedicated2012 => dedicated::LEAVES_OUT,
            Design::Central => central::LEAVES_OUT,
            Design::Dht => dht::LEAVES_OUT,
        }
    }
    /// Whether the operator's 2010 remedy (mega-supernode waves, group video off) applies.
    pub fn has_megas(self) -> bool {
        self == Design::Skype2010
    }
    /// Whether a scenario makes sense with this design: `Err` names the designs that run it
    /// and why this one does not (it reads after "allowed: ").
    pub fn supports(self, scenario: &str) -> Result<(), String> {
        let no = |who: &str, why: &str| Err(format!("{who} with {scenario}, not {}: {why}", self.name()));
        let only_2010 = "skype-2010 only";
        match (self, scenario) {
            (Design::Skype2010, _) | (_, "dec-2010" | "sandbox") => Ok(()),
            (_, "dec-2010-no-mega") => no(only_2010, "it differs from dec-2010 only by the 2010 operator's mega-supernodes, which the other designs do not get (use dec-2010)"),
            (_, "aug-2007") => no(only_2010, "its fault is the 2007 overlay's supernode-allocation bug, which the other designs do not have"),
            (Design::Dht, "random-failure" | "targeted-attack") => {
                no("skype-2010, dedicated-2012 or central", "it kills supernodes, and a DHT has none (the DHT's own loss test is `cargo test --test designs`)")
            }
            (Design::Dedicated2012 | Design::Central, "random-failure" | "targeted-attack") => Ok(()),
            _ => no(only_2010, "unknown scenario"),
        }
    }
}

/// What a design keeps between minutes beyond the shared world.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct DesignState {
    /// `dht`: share of routing-table entries pointing at peers that have left.
    pub stale: f64,
    /// `central`: the directory's load over its capacity, last minute.
    pub directory_load: f64,
}

impl World {
    /// Builds the design's serving tier over the shared client population (the groups are
    /// those of the 2010 layout: same seed, same neighbourhoods), then settles the clients.
    pub(crate) fn build_design(&mut self) {
        match self.p.design {
            Design::Skype2010 => {}
            Design::Dedicated2012 => self.build_dedicated(),
            Design::Central => self.build_central(),
            Design::Dht => self.build_dht(),
        }
    }

    /// Stages 3–4 for the designs other than skype-2010 (which runs `demand`, the supernode
    /// pass and the megas): who gets through and what serves the connected clients. Fills the
    /// group's minute as the 2010 stages do, every join counted in `joined_mega` (the join path
    /// that needs no neighbour bookkeeping), so stages 5–6 run unchanged.
    pub(crate) fn serve_design(&mut self, ctx: &Ctx, gm: &mut [GroupMinute], events: &mut Vec<Event>) -> Pass {
        for (g, m) in gm.iter_mut().enumerate() {
            let gr = &self.groups[g];
            m.off = (1.0 / f64::from(self.p.session_min.max(1)) + gr.off_extra) as f32;
            let b = if gr.attached > 0.0 { gr.attached_buggy / gr.attached } else { gr.buggy_share };
            m.buggy_attached = b.clamp(0.0, 1.0) as f32;
        }
        match self.p.design {
            Design::Skype2010 => Pass::default(),
            Design::Dedicated2012 => self.serve_dedicated(ctx, gm, events),
            Design::Central => self.serve_central(ctx, gm, events),
            Design::Dht => self.serve_dht(ctx, gm),
        }
    }

    /// A group's retrying clients try again, each attempt getting through with chance `p`: the
    /// same levels and rates as in 2010 (several attempts a minute at level 0, until one gets
    /// through; then ever rarer). Fills `tried` and `through`; returns the attempts made.
    pub(crate) fn try_levels(&self, g: usize, p: f64, m: &mut GroupMinute) -> f64 {
        let mut attempts = 0.0;
        let miss = 1.0 - p.clamp(0.0, 1.0);
        for k in 0..LEVELS {
            let (n, rate) = (self.groups[g].retry[k], self.attempt_rate(k));
            if rate >= 1.0 {
                let r = rate.round() as i32;
                attempts += n * (0..r).map(|j| libm::pow(miss, f64::from(j))).sum::<f64>();
                m.tried[k] = n;
                m.through[k] = n * (1.0 - libm::pow(miss, f64::from(r)));
            } else {
                m.tried[k] = n * rate;
                m.through[k] = m.tried[k] * (1.0 - miss);
                attempts += m.tried[k];
            }
        }
        attempts
    }

    /// Replaces the user-run supernode slots by `count[g]` operator slots in each group
    /// (`count` over `groups.len()`) plus `extra` slots in no group, each with capacity `cap`,
    /// drawn with `place`. Idle sandbox mega slots stay after them.
    pub(crate) fn replace_slots(&mut self, count: &[usize], extra: usize, cap: f32, mut place: impl FnMut(Option<usize>, usize, &mut Rng) -> (f32, f32)) {
        let n_ord: usize = count.iter().sum::<usize>() + extra;
        let n = n_ord + crate::world::USER_MEGAS;
        let (mut x, mut y, mut group_of) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        let mut start = 0u32;
        for (g, &c) in count.iter().enumerate() {
            for j in 0..c {
                let (px, py) = place(Some(g), j, &mut self.rng);
                x.push(px);
                y.push(py);
                group_of.push(g as u16);
            }
            self.groups[g].start = start;
            self.groups[g].end = start + c as u32;
            start += c as u32;
        }
        for j in 0..extra {
            let (px, py) = place(None, j, &mut self.rng);
            x.push(px);
            y.push(py);
            group_of.push(u16::MAX);
        }
        x.resize(n, 0.5);
        y.resize(n, 0.1);
        group_of.resize(n, u16::MAX);
        self.n_ord = n_ord;
        self.n_scripted_megas = 0;
        self.mega_next = n_ord;
        self.user_mega_next = n_ord;
        self.x = Arc::new(x);
        self.y = Arc::new(y);
        self.group_of = group_of;
        let mut caps = vec![cap; n_ord];
        caps.resize(n, self.p.mega_capacity_factor as f32 * self.clients_mean / crate::world::CLIENT_SHARE);
        self.cap = Arc::new(caps);
        self.mesh_load = Arc::new(vec![0.0; n]);
        self.state = vec![SlotState::Alive; n];
        self.state[n_ord..].fill(SlotState::Idle);
        self.timer = vec![0; n];
        self.since = vec![0; n];
        self.buggy = vec![false; n];
        self.cause = vec![crate::Cause::None; n];
        self.cause_load = vec![0.0; n];
        self.attached = vec![0; n];
        self.load = vec![0.0; n];
        self.ewma = vec![0.0; n];
        self.orphaned_now = vec![0; n];
        self.accepted_now = vec![0; n];
        self.first_wave_pending = vec![];
    }

    /// Minute 0 for a design whose clients are all connected at the start: each group's
    /// expected users are online, none retrying.
    pub(crate) fn settle_all_connected(&mut self) {
        for g in 0..self.groups.len() {
            let e = self.expected_in(g, 0).round();
            let gr = &mut self.groups[g];
            gr.attached = e;
            gr.attached_buggy = e * gr.buggy_share;
            gr.retry = [0.0; LEVELS];
            gr.retry_buggy = 0.0;
            gr.service = 1.0;
        }
    }
}

/// Connected clients of a pool of `a` leaving this minute: (logged off, crashed on the bug,
/// rebooted), each stochastically rounded — the same flows as a 2010 supernode's clients.
pub(crate) fn leaving(a: u32, m: &GroupMinute, ctx: &Ctx, u: [f32; 3]) -> (u32, u32, u32) {
    let x = a as f32;
    let off = sround(x * m.off, u[0]).min(a);
    // (Most minutes have no bug and no patch day: skip those roundings.)
    let crashed = if ctx.h_client > 0.0 { sround(x * m.buggy_attached * ctx.h_client, u[1]).min(a - off) } else { 0 };
    let rebooted = if ctx.reboot > 0.0 { sround(x * ctx.reboot, u[2]).min(a - off - crashed) } else { 0 };
    (off, crashed, rebooted)
}
