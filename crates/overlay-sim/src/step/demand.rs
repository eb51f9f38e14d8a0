//! Stage 3: each group's retrying clients try again.
//!
//! A client probes `probe_fanout` supernodes per attempt from its host cache: a share
//! `cache_locality` in its own neighbourhood, the rest anywhere (entries learned elsewhere and
//! the bootstrap servers). Every probe at a live supernode costs it `probe_cost`; a dead entry
//! costs nothing and fails. An attempt gets through when a probe reaches a supernode that is
//! accepting — or, when the operator has advertised mega-supernodes to the group, one of them.
//! Clients that keep failing back off (the retry policy), so a storm is loudest at its start.

use super::{Ctx, GroupMinute};
use crate::params::RetryPolicy;
use crate::world::{World, CLIENT_SHARE, LEVELS};

/// Share of a retrying client's probes aimed at supernodes known to be alive (our assumption).
/// Back-off level from which a failing client with a dead cache asks a bootstrap server
/// (it tries its own cache first).
const BOOTSTRAP_LEVEL: f64 = 4.0;
/// Share of a client's own-neighbourhood cache entries that point at dead hosts once its
/// neighbourhood is all but dead and that it skips for the next neighbourhoods' entries (our
/// assumption: a client prunes dead entries as its probes time out).
const SPILL: f64 = 0.7;


impl World {
    /// Attempts a minute of a client at back-off level `k`.
    pub(crate) fn attempt_rate(&self, k: usize) -> f64 {
        let p = &self.p;
        match p.retry_policy {
            RetryPolicy::Immediate => p.attempts_per_min,
            _ if k == 0 => p.attempts_per_min,
            RetryPolicy::Fixed => 1.0 / f64::from(p.retry_delay_min.max(1)),
            RetryPolicy::Exponential => {
                let d = (f64::from(p.retry_delay_min.max(1)) * libm::pow(2.0, (k - 1) as f64)).min(f64::from(p.retry_cap_min.max(1)));
                1.0 / d
            }
        }
    }

    pub(super) fn demand(&mut self, ctx: &mut Ctx, gm: &mut [GroupMinute]) {
        let p = &self.p;
        let (fanout, loc) = (p.probe_fanout, p.cache_locality);
        let accepting_all: u32 = self.groups.iter().map(|g| g.accepting).sum();
        let alive_all: u32 = self.groups.iter().map(|g| g.alive).sum();
        // A bootstrap server hands out addresses of live supernodes: an attempt with them
        // gets through where any of those is accepting.
        let p_boot = 1.0 - libm::pow(1.0 - (f64::from(accepting_all) / f64::from(alive_all.max(1))).min(1.0), fanout);
        let rates = rates_of(self);
        let granted = self.bootstrap_share(&rates);
        let mut mega_room = std::mem::take(&mut self.scratch.mega_room);
        self.mega_room_by_group(&mut mega_room);
        let mut hit = std::mem::take(&mut self.scratch.hit);
        let (mut boot_probes, mut want_global) = (0.0f64, 0.0f64);
        for (gi, (g, m)) in self.groups.iter().zip(gm.iter_mut()).enumerate() {
            let size = g.size().max(1) as f64;
            let (near_acc, near_size) = self.near_totals(gi);
            // Shares stay in 0..=1 (megas accept too), or a fractional fan-out powers a negative.
            let acc_near = (near_acc / near_size.max(1.0)).min(1.0);
            let p_local = hit.get(f64::from(g.accepting), size, fanout * loc);
            let p_near = hit.get(near_acc, near_size.max(1.0), fanout * (1.0 - loc));
            let p_ord = 1.0 - (1.0 - p_local) * (1.0 - p_near);
            let p_mega = if mega_room[gi] >= 1.0 { p.mega_reach } else { 0.0 };
            // Clients who keep failing and whose cache is mostly dead ask a bootstrap server.
            let boot = dead_share(g) * granted;
            let (mut attempts, mut aimed, mut through_boot, mut through_mega) = (0.0, 0.0, 0.0, 0.0);
            for k in 0..LEVELS {
                let (n, rate) = (g.retry[k], rates[k]);
                let b = boot * (k as f64 / BOOTSTRAP_LEVEL).min(1.0);
                let p_any = 1.0 - (1.0 - p_mega) * (1.0 - p_ord) * (1.0 - b * p_boot);
                let before = attempts;
                if rate >= 1.0 {
                    // Several attempts in the minute, until one gets through.
                    // Attempt j + 1 happens if the first j missed: Σ missʲ attempts, 1 − missʳ through.
                    let miss = 1.0 - p_any;
                    let (mut tries, mut all_missed) = (0.0, 1.0);
                    for _ in 0..rate.round() as u32 {
                        tries += all_missed;
                        all_missed *= miss;
                    }
                    attempts += n * tries;
                    m.tried[k] = n;
                    m.through[k] = n * (1.0 - all_missed);
                } else {
                    m.tried[k] = n * rate;
                    m.through[k] = m.tried[k] * p_any;
                    attempts += m.tried[k];
                }
                // A client that keeps failing drops the entries that did not answer, so its
                // probes concentrate on the supernodes still alive.
                aimed += (attempts - before) * p.cache_pruning * (k as f64 / (LEVELS - 1) as f64);
                // Which way the attempts got through, in proportion to each way's chance.
                let ways = p_mega + p_ord + b * p_boot;
                if ways > 0.0 {
                    through_mega += m.through[k] * p_mega / ways;
                    through_boot += m.through[k] * b * p_boot / ways;
                }
                boot_probes += m.tried[k] * b * fanout;
            }
            let through: f64 = m.through.iter().sum();
            let ord = (through - through_mega - through_boot).max(0.0);
            // Probes go out together; the first accepting supernode to answer wins, so joins
            // split in proportion to the accepting supernodes each side's probes reach.
            let (hits_local, hits_near) = (loc * f64::from(g.accepting) / size, (1.0 - loc) * acc_near);
            let local_share = if hits_local + hits_near > 0.0 { hits_local / (hits_local + hits_near) } else { 0.0 };
            m.want_mega = through_mega;
            m.want_local = ord * local_share;
            m.want_near = ord - m.want_local;
            m.want_global = through_boot;
            want_global += through_boot;
            // Aimed probes go to the live entries a client's cache holds: its own
            // neighbourhood's survivors, and its few entries in the next neighbourhoods.
            let alive = f64::from(g.alive);
            let spill = SPILL * dead_share(g);
            let own_aimed = if alive > 0.0 { aimed * loc * (1.0 - spill) } else { 0.0 };
            let aimed = own_aimed + aimed * ((1.0 - loc) + loc * spill);
            m.probes += (((attempts - aimed) * loc / size + own_aimed / alive.max(1.0)) * fanout * p.probe_cost) as f32;
            m.near_attempts = attempts - aimed;
            m.near_aimed = aimed - own_aimed;
            let b = if g.attached > 0.0 { g.attached_buggy / g.attached } else { g.buggy_share };
            m.buggy_attached = b.clamp(0.0, 1.0) as f32;
            m.off = (1.0 / f64::from(p.session_min) + g.off_extra) as f32;
        }
        self.scratch.hit = hit;
        self.scratch.mega_room = mega_room;
        self.spread_to_neighbours(gm);
        for (g, m) in self.groups.iter().zip(gm.iter_mut()) {
            m.arrivals = ((m.want_local + m.inbound) / f64::from(g.accepting.max(1))) as f32;
        }
        // Bootstrap addresses land on live supernodes only.
        ctx.background = (boot_probes * p.probe_cost / f64::from(alive_all.max(1))) as f32;
        ctx.arrivals_global = (want_global / f64::from(accepting_all.max(1))) as f32;
        self.bootstrap_served = boot_probes / fanout.max(1.0);
    }

    /// Accepting slots and all slots of a group's neighbourhoods.
    pub(crate) fn near_totals(&self, g: usize) -> (f64, f64) {
        self.groups[g].near.iter().fold((0.0, 0.0), |(a, s), &h| {
            let h = &self.groups[h as usize];
            (a + f64::from(h.accepting), s + h.size() as f64)
        })
    }

    /// Live supernodes of a group's neighbouring groups.
    fn near_alive(&self, g: usize) -> f64 {
        self.groups[g].near.iter().map(|&h| f64::from(self.groups[h as usize].alive)).sum()
    }

    /// The probes and joins a group's clients send to its neighbouring groups: probes land on
    /// their cache entries (dead ones cost nothing), joins on their accepting supernodes.
    fn spread_to_neighbours(&self, gm: &mut [GroupMinute]) {
        let p = &self.p;
        for g in 0..gm.len() {
            let (near_acc, near_size) = self.near_totals(g);
            let (attempts, aimed, want) = (gm[g].near_attempts, gm[g].near_aimed, gm[g].want_near);
            let near_alive = self.near_alive(g);
            for &h in &self.groups[g].near {
                let h = h as usize;
                let spread = attempts * (1.0 - p.cache_locality) / near_size.max(1.0);
                let at_live = if near_alive > 0.0 { aimed / near_alive } else { 0.0 };
                gm[h].probes += ((spread + at_live) * p.probe_fanout * p.probe_cost) as f32;
                if near_acc > 0.0 {
                    gm[h].inbound += want * f64::from(self.groups[h].accepting) / near_acc;
                }
            }
        }
    }

    /// Share of the bootstrap requests the bootstrap servers can answer this minute.
    fn bootstrap_share(&self, rates: &[f64; LEVELS]) -> f64 {
        let cap = self.p.bootstrap_capacity * self.p.peers as f64 / f64::from(self.p.session_min.max(1));
        let asking: f64 = self.groups.iter().map(|g| dead_share(g) * (1..LEVELS).map(|k| g.retry[k] * rates[k].min(1.0) * (k as f64 / BOOTSTRAP_LEVEL).min(1.0)).sum::<f64>()).sum();
        if asking > 0.0 { (cap / asking).min(1.0) } else { 1.0 }
    }

    /// Room (clients) at the serving mega-supernodes of each group (into a reused buffer).
    pub(crate) fn mega_room_by_group(&self, room: &mut Vec<f64>) {
        room.clear();
        room.resize(self.groups.len(), 0.0);
        for i in self.n_ord..self.state.len() {
            if self.state[i].serving() {
                if let Some(r) = room.get_mut(self.group_of[i] as usize) {
                    *r += f64::from(self.mega_limit(i)) - f64::from(self.attached[i]);
                }
            }
        }
    }

    /// Clients a mega-supernode holds now (it ramps up after arriving).
    pub(crate) fn mega_limit(&self, i: usize) -> f32 {
        let ramp = (self.minute.saturating_sub(self.since[i]) as f32 / self.p.mega_ramp_min.max(1) as f32).min(1.0);
        self.cap[i] * CLIENT_SHARE * ramp
    }
}

/// `1 − (1 − min(a/n, 1))^f`: the chance that a client's `f` probes at `n` cache entries, `a` of
/// them accepting, reach one. A group's counts are whole numbers that repeat from minute to
/// minute, so the values are kept per `(n, f)` and `libm::pow` (a tenth of a real-scale minute
/// natively) runs once per count; each is the same bits as computing it afresh.
#[derive(Clone, Debug, Default)]
pub(crate) struct HitChance {
    tables: Vec<(f64, f64, Vec<f64>)>,
}

/// Largest neighbourhood kept in a table (a real-scale group and its neighbours are ~1,400).
const HIT_TABLE_MAX: f64 = 65_536.0;

impl HitChance {
    fn get(&mut self, a: f64, n: f64, f: f64) -> f64 {
        let compute = |a: f64| 1.0 - libm::pow(1.0 - (a / n).min(1.0), f);
        let whole = |x: f64| x >= 0.0 && x.fract() == 0.0;
        if !(whole(a) && whole(n) && n <= HIT_TABLE_MAX) {
            return compute(a);
        }
        let k = match self.tables.iter().position(|&(tn, tf, _)| tn == n && tf.to_bits() == f.to_bits()) {
            Some(k) => k,
            None => {
                self.tables.push((n, f, vec![f64::NAN; n as usize + 1]));
                self.tables.len() - 1
            }
        };
        // Past `n` the share is 1 either way.
        let i = a.min(n) as usize;
        let v = &mut self.tables[k].2[i];
        if v.is_nan() {
            *v = compute(i as f64);
        }
        *v
    }
}

/// Attempts a minute at each back-off level.
fn rates_of(w: &World) -> [f64; LEVELS] {
    std::array::from_fn(|k| w.attempt_rate(k))
}

/// Share of a group's cache entries that no longer answer.
fn dead_share(g: &crate::group::Group) -> f64 {
    1.0 - f64::from(g.alive) / g.size().max(1) as f64
}
