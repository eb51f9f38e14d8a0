//! Stage 4: the supernodes. One pass over the serving user-run slots, group by group: host
//! events (the bug, a reboot, the host leaving), clients leaving and joining (at a bounded
//! rate, and gradually during probation), the offered load and the overload safeguard.
//! Failures and the rare non-serving slots are settled after the pass; then the megas.

use super::{Ctx, GroupMinute, ACCEPT_EASY_LOAD, ACCEPT_MAX_LOAD, JOIN_COST, VACANCY_GAP};
use crate::rng::sround;
use crate::slot::{Cause, SlotState};
use crate::world::{World, CLIENT_SHARE};
use crate::{Event, EventKind};

/// Weight of this minute's load in the load the safeguard watches (a half-life of about a
/// minute: a spike of one minute alone does not trip it).
const ALPHA: f32 = 0.5;
/// How readily the safeguard trips per minute, per unit of smoothed overload: a host at twice
/// its capacity shuts down within two minutes on average (our assumption; Rabbe: "a built-in
/// safeguard shuts a supernode down when its load is excessive").
const SHUT_RATE: f32 = 0.679;

/// A serving supernode that stops this minute (applied after the hot pass).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fail {
    i: u32,
    state: SlotState,
    cause: Cause,
    until: u32,
    load: f32,
}

/// Totals of the pass that the metrics need.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Pass {
    pub max_load: f32,
    pub accepted: u64,
}

/// Whether the host of a serving slot leaves this minute, and how: a 5.0.0.152 host crashes on
/// a late reply, a patch-day host reboots, or its user goes offline (normal host churn).
fn departure(i: usize, buggy: bool, [u0, u1]: [f32; 2], ctx: &Ctx, user_restart_min: u32) -> Option<Fail> {
    let (t, i) = (ctx.t, i as u32);
    if buggy && ctx.h_client > 0.0 && u0 < ctx.h_client {
        Some(Fail { i, state: SlotState::Crashed, cause: Cause::Bug, until: restart_at(t, u1, user_restart_min), load: 0.0 })
    } else if ctx.reboot > 0.0 && u0 < ctx.reboot {
        Some(Fail { i, state: SlotState::Vacant, cause: Cause::Reboot, until: t + 5 + VACANCY_GAP, load: 0.0 })
    } else if u0 > 1.0 - ctx.sn_churn {
        Some(Fail { i, state: SlotState::Vacant, cause: Cause::Churn, until: t + VACANCY_GAP, load: 0.0 })
    } else {
        None
    }
}

impl World {
    pub(super) fn supernode_pass(&mut self, ctx: &Ctx, gm: &mut [GroupMinute]) -> Pass {
        let mut pass = Pass::default();
        let mut rare = std::mem::take(&mut self.scratch.rare);
        let mut fails = std::mem::take(&mut self.scratch.fails);
        rare.clear();
        fails.clear();
        let p = &self.p;
        let probe_cost_noise = 3.5f32;
        let limit_per_cap = CLIENT_SHARE / ctx.client_cost;
        let restart_delay = p.restart_delay_min as f32;
        let probation = p.probation_min as f32;
        let t = ctx.t;
        let mut global_left_total: f32 = gm.iter().map(|m| m.want_global as f32).sum();
        let global_left = &mut global_left_total;
        for (g, m) in self.groups.iter().zip(gm.iter_mut()) {
            let r = g.slots();
            let (state, timer, since, buggy) = (&self.state[r.clone()], &self.timer[r.clone()], &self.since[r.clone()], &self.buggy[r.clone()]);
            let (cap, mesh_load) = (&self.cap[r.clone()], &self.mesh_load[r.clone()]);
            let attached = &mut self.attached[r.clone()];
            let (load, ewma) = (&mut self.load[r.clone()], &mut self.ewma[r.clone()]);
            let (orphaned_now, accepted_now) = (&mut self.orphaned_now[r.clone()], &mut self.accepted_now[r.clone()]);
            let probes_here = m.probes + ctx.background;
            let spread = (probe_cost_noise / (probes_here / p.probe_cost.max(0.1) as f32 + 1.0).sqrt()).min(1.0);
            let offered_join = m.arrivals + ctx.arrivals_global;
            let local_share = if offered_join > 0.0 { m.arrivals / offered_join } else { 0.0 };
            let mut local_left = (m.want_local + m.inbound) as f32;
            for k in 0..r.len() {
                orphaned_now[k] = 0;
                accepted_now[k] = 0;
                let i = r.start + k;
                if state[k] != SlotState::Alive {
                    if timer[k] <= t || (state[k] == SlotState::Shutdown && buggy[k] && ctx.h_client > 0.0) {
                        rare.push(i as u32);
                    }
                    continue;
                }
                let [u0, u1, u2, u3] = self.rng.quad();
                if let Some(f) = departure(i, buggy[k], [u0, u1], ctx, p.user_restart_min) {
                    fails.push(f);
                    continue;
                }
                // Clients leaving: log-offs, crashes of buggy clients, reboots.
                let a = attached[k];
                let att = a as f32;
                let off = sround(att * m.off, u1).min(a);
                let crashed = sround(att * m.buggy_attached * ctx.h_client, u2).min(a - off);
                let rebooted = sround(att * ctx.reboot, u2).min(a - off - crashed);
                let a = a - off - crashed - rebooted;
                m.left += u64::from(off);
                m.crashed += u64::from(crashed);
                m.rebooted += u64::from(rebooted);
                // Joins: at a bounded pace, ramping up through probation after a (re)start.
                let noise = 1.0 + (u3 - 0.5) * spread;
                // `since` 0: serving since before the run began, so out of probation.
                let ramp = if probation > 0.0 && since[k] > 0 { ((t - since[k]) as f32 / probation).min(1.0) } else { 1.0 };
                let limit = (cap[k] * limit_per_cap * ramp) as u32;
                let mut acc = 0;
                if ewma[k] <= ACCEPT_MAX_LOAD && a < limit {
                    m.accepting += 1;
                    // A busy supernode answers fewer join requests.
                    let busy = ((ACCEPT_MAX_LOAD - ewma[k]) / (ACCEPT_MAX_LOAD - ACCEPT_EASY_LOAD)).clamp(0.0, 1.0);
                    let pace = (ctx.pace * ramp * busy).max(1.0);
                    // Never more joins than clients are looking: what is offered here is bounded
                    // by what the group's own clients and everyone's wandering probes still want.
                    let left = (local_left + *global_left).max(0.0);
                    acc = sround((offered_join * noise).min(left), u3).min(limit - a).min(pace as u32);
                }
                let a = a + acc;
                attached[k] = a;
                accepted_now[k] = acc;
                let local = (acc as f32 * local_share).min(local_left.max(0.0));
                local_left -= local;
                *global_left -= acc as f32 - local;
                m.joined_here += f64::from(local);
                m.joined_global_here += f64::from(acc as f32 - local);
                pass.accepted += u64::from(acc);
                let offered = a as f32 * ctx.client_cost + probes_here * noise + acc as f32 * JOIN_COST + mesh_load[k];
                let l = offered / cap[k];
                load[k] = l;
                let e = ewma[k] + ALPHA * (l - ewma[k]);
                ewma[k] = e;
                m.offered += f64::from(offered);
                m.load_sum += f64::from(l);
                m.loaded += 1;
                if p.overload_shutdown && e > 1.0 && u2 < (e - 1.0) * SHUT_RATE {
                    let jitter = (0.8 + 0.4 * u1) * restart_delay;
                    fails.push(Fail { i: i as u32, state: SlotState::Shutdown, cause: Cause::Overload, until: t + 1 + jitter as u32, load: e });
                } else {
                    m.alive += 1;
                    m.attached += u64::from(a);
                    pass.max_load = pass.max_load.max(l);
                }
            }
        }
        self.scratch.rare = rare;
        self.scratch.fails = fails;
        pass
    }

    /// Applies the pass's failures and moves the non-serving slots whose time has come.
    pub(super) fn settle_slots(&mut self, ctx: &Ctx, gm: &mut [GroupMinute], events: &mut Vec<Event>) {
        let t = ctx.t;
        let fails = std::mem::take(&mut self.scratch.fails);
        for f in &fails {
            let i = f.i as usize;
            let kind = match f.cause {
                Cause::Bug => Some(EventKind::Crash),
                Cause::Reboot => Some(EventKind::Rebooted),
                Cause::Overload => Some(EventKind::OverloadShutdown),
                _ => None,
            };
            if let Some(kind) = kind {
                events.push(self.slot_event(t, kind, i, f.load));
            }
            if f.cause == Cause::Overload {
                self.cause_load[i] = f.load;
            }
            if matches!(f.cause, Cause::Bug | Cause::Reboot) {
                self.count_first_wave(i, t);
            }
            let orphans = self.fail(i, f.state, f.cause, f.until);
            if let Some(m) = gm.get_mut(self.group_of[i] as usize) {
                m.orphaned += u64::from(orphans);
            }
        }
        self.scratch.fails = fails;
        let rare = std::mem::take(&mut self.scratch.rare);
        for &i in &rare {
            let i = i as usize;
            let st = self.state[i];
            // A shut-down supernode's host still runs the client: the bug can crash it too.
            let [u0, u1, ..] = if st == SlotState::Shutdown && self.buggy[i] && ctx.h_client > 0.0 { self.rng.quad() } else { [1.0; 4] };
            if u0 < ctx.h_client {
                self.state[i] = SlotState::Crashed;
                self.cause[i] = Cause::Bug;
                self.timer[i] = restart_at(t, u1, self.p.user_restart_min);
                self.since[i] = t;
                events.push(self.slot_event(t, EventKind::Crash, i, 0.0));
            } else if self.timer[i] <= t {
                self.transition(i, t, events);
                if self.state[i].serving() {
                    if let Some(m) = gm.get_mut(self.group_of[i] as usize) {
                        m.alive += 1;
                    }
                }
            }
        }
        self.scratch.rare = rare;
    }

    /// A slot's timer ran out: a restart, a returning host becoming a candidate, a promotion ending.
    fn transition(&mut self, i: usize, t: u32, events: &mut Vec<Event>) {
        match self.state[i] {
            SlotState::Shutdown => {
                // Hosts come and go whatever their supernode does: one that left while shut
                // down leaves a vacancy for a promotion instead of restarting.
                let away = f64::from(t - self.since[i]) / f64::from(self.p.sn_session_min.max(1));
                if self.rng.f64() < 1.0 - libm::exp(-away) {
                    self.state[i] = SlotState::Vacant;
                    self.cause[i] = Cause::Churn;
                    self.timer[i] = t + VACANCY_GAP;
                    return;
                }
                self.state[i] = SlotState::Alive;
                events.push(self.slot_event(t, EventKind::Restart, i, 0.0));
            }
            SlotState::Crashed | SlotState::Vacant => {
                // A new supernode is promoted from the neighbourhood's connected peers: none
                // where nobody has service, and none while the 2007 allocation bug is on.
                let g = &mut self.groups[self.group_of[i] as usize];
                if !self.promotion_broken && g.ready >= 1.0 {
                    g.ready -= 1.0;
                    self.state[i] = SlotState::Promoting;
                    self.timer[i] = t + self.p.promotion_min;
                    let share = (g.buggy_share / self.p.windows_share).min(1.0);
                    self.buggy[i] = self.rng.f64() < share;
                } else {
                    self.timer[i] = t + VACANCY_GAP;
                }
                return;
            }
            SlotState::Promoting => {
                self.state[i] = SlotState::Alive;
                events.push(self.slot_event(t, EventKind::Promotion, i, 0.0));
            }
            _ => return,
        }
        self.since[i] = t;
        self.cause[i] = Cause::None;
        self.ewma[i] = 0.0;
        self.gc_dirty = true;
    }

    /// The operator's mega-supernodes: no safeguard, a finite number of clients each, reached
    /// by the clients of the group they were advertised to.
    pub(super) fn mega_pass(&mut self, ctx: &Ctx, gm: &mut [GroupMinute]) {
        let mut per_group = vec![0u32; self.groups.len()];
        for i in self.n_ord..self.state.len() {
            if self.state[i].serving() && self.mega_limit(i) > self.attached[i] as f32 {
                per_group[self.group_of[i] as usize] += 1;
            }
        }
        for i in self.n_ord..self.state.len() {
            if !self.state[i].serving() {
                continue;
            }
            let g = self.group_of[i] as usize;
            let Some(m) = gm.get_mut(g) else { continue };
            let limit = self.mega_limit(i);
            let pace = (self.cap[i] * CLIENT_SHARE / self.p.mega_ramp_min.max(1) as f32).max(1.0);
            let u = self.rng.f64() as f32;
            let off = sround(self.attached[i] as f32 * m.off, u).min(self.attached[i]);
            let a = self.attached[i] - off;
            let offered = if per_group[g] > 0 { (m.want_mega - m.joined_mega) as f32 / per_group[g] as f32 } else { 0.0 };
            let room = (limit - a as f32).max(0.0);
            let acc = offered.min(room).min(pace).max(0.0) as u32;
            self.attached[i] = a + acc;
            self.accepted_now[i] = acc;
            m.joined_mega += f64::from(acc);
            m.left += u64::from(off);
            m.attached += u64::from(a + acc);
            let offered_load = (a + acc) as f32 * ctx.client_cost + acc as f32 * JOIN_COST;
            self.load[i] = offered_load / self.cap[i].max(1.0);
        }
    }
}

/// When a crashed client's user restarts it: exponential with the users' mean delay.
fn restart_at(t: u32, u: f32, mean_min: u32) -> u32 {
    let mean = f64::from(mean_min);
    let d = -libm::log((1.0 - f64::from(u)).max(1e-6)) * mean;
    t + d.min(4.0 * mean) as u32 + 1
}
