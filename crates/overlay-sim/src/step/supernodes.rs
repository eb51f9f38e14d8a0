//! Stage 4: the supernodes. One pass over the serving user-run slots, group by group: host
//! events (the bug, a reboot, the host leaving), clients leaving and joining (at a bounded
//! rate, and gradually during probation), the offered load and the overload safeguard.
//! Failures and the rare non-serving slots are settled after the pass; then the megas.

use super::lanes::{flagged, GroupRates, Slots, DEPARTS, DUE, TRIPS};
use super::{Ctx, GroupMinute, JOIN_COST, VACANCY_GAP};
use crate::rng::sround;
use crate::slot::{Cause, SlotState};
use crate::world::{World, CLIENT_SHARE};
use crate::{Event, EventKind};

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
fn departure(i: usize, mark: f32, [u0, u1]: [f32; 2], ctx: &Ctx, user_restart_min: u32) -> Option<Fail> {
    let (t, i) = (ctx.t, i as u32);
    if ctx.h_client > 0.0 && mark <= ctx.crash_dose {
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
    /// The user-run slots, group by group: the joins a group's clients can still make are
    /// shared among its accepting supernodes in proportion to what each would take.
    pub(super) fn supernode_pass(&mut self, ctx: &Ctx, gm: &mut [GroupMinute]) -> Pass {
        let mut pass = Pass::default();
        let mut sc = std::mem::take(&mut self.scratch);
        sc.rare.clear();
        sc.fails.clear();
        let key = self.rng.key();
        let p = &self.p;
        let mut global_left: f32 = gm.iter().map(|m| m.want_global as f32).sum();
        for (g, m) in self.groups.iter().zip(gm.iter_mut()) {
            let r = g.slots();
            let mut slots = Slots {
                start: r.start,
                state: &self.state[r.clone()],
                timer: &self.timer[r.clone()],
                since: &self.since[r.clone()],
                mark: &self.crash_mark[r.clone()],
                cap: &self.cap[r.clone()],
                mesh_load: &self.mesh_load[r.clone()],
                attached: &mut self.attached[r.clone()],
                load: &mut self.load[r.clone()],
                ewma: &mut self.ewma[r.clone()],
                orphaned_now: &mut self.orphaned_now[r.clone()],
                accepted_now: &mut self.accepted_now[r.clone()],
            };
            let probes_here = m.probes + ctx.background;
            let offered_join = m.arrivals + ctx.arrivals_global;
            let rates = GroupRates {
                probes_here,
                spread: (3.5 / (probes_here / p.probe_cost.max(0.1) as f32 + 1.0).sqrt()).min(1.0),
                offered_join,
                limit_per_cap: CLIENT_SHARE / ctx.client_cost,
                probation: p.probation_min as f32,
            };
            let ln = &mut sc.lanes;
            let left = slots.leave_and_want(key, ctx, &rates, m, ln);
            (m.left, m.crashed, m.rebooted) = (m.left + u64::from(left.off), m.crashed + u64::from(left.crashed), m.rebooted + u64::from(left.rebooted));
            m.accepting += left.accepting;
            for k in flagged(&ln.flag[..r.len()], DEPARTS | DUE) {
                let i = r.start + k;
                if ln.flag[k] & DUE != 0 {
                    sc.rare.push(i as u32);
                } else if let Some(f) = departure(i, slots.mark[k], [ln.leave_u[k], ln.jitter_u[k]], ctx, p.user_restart_min) {
                    sc.fails.push(f);
                }
            }
            // Never more joins than clients are looking: the group's own clients and
            // everyone's wandering probes still looking, shared in proportion.
            let local_left = (m.want_local + m.inbound) as f32;
            let budget = (local_left + global_left).max(0.0);
            let share = if left.wanted > budget { budget / left.wanted } else { 1.0 };
            let served = slots.join_and_load(key, ctx, &rates, share, p.overload_shutdown, ln);
            for k in flagged(&ln.flag[..r.len()], TRIPS) {
                let jitter = (0.8 + 0.4 * ln.jitter_u[k]) * p.restart_delay_min as f32;
                let until = ctx.t + 1 + jitter as u32;
                sc.fails.push(Fail { i: (r.start + k) as u32, state: SlotState::Shutdown, cause: Cause::Overload, until, load: slots.ewma[k] });
            }
            (m.offered, m.load_sum, m.loaded) = (m.offered + served.offered, m.load_sum + served.load_sum, m.loaded + served.loaded);
            (m.alive, m.attached) = (m.alive + served.alive, m.attached + u64::from(served.attached));
            pass.max_load = pass.max_load.max(served.max_load);
            pass.accepted += u64::from(served.joined);
            // Whose clients joined: in proportion to who arrived, but no more from either side
            // than it had looking (so every join comes out of a pool, and none is counted twice).
            let joined = served.joined as f32;
            let local_share = if offered_join > 0.0 { m.arrivals / offered_join } else { 0.0 };
            let local = (joined * local_share).max(joined - global_left.max(0.0)).min(local_left.max(0.0));
            global_left -= joined - local;
            m.joined_here += f64::from(local);
            m.joined_global_here += f64::from(joined - local);
        }
        self.scratch = sc;
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
            if f.cause == Cause::Bug {
                let u = self.rng.f64() as f32;
                self.remark(i, ctx.crash_dose, u);
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
            if st == SlotState::Shutdown && ctx.h_client > 0.0 && self.crash_mark[i] <= ctx.crash_dose {
                let [u0, u1, ..] = self.rng.quad();
                self.remark(i, ctx.crash_dose, u0);
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
                    let u = self.rng.f64() as f32;
                    self.crash_mark[i] = if self.buggy[i] { self.crash_dose as f32 - libm::logf(u.max(1e-9)) } else { f32::INFINITY };
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
        let mut per_group = std::mem::take(&mut self.scratch.per_group);
        per_group.clear();
        per_group.resize(self.groups.len(), 0);
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
        self.scratch.per_group = per_group;
    }
}

/// When a crashed client's user restarts it: exponential with the users' mean delay.
impl World {
    /// A crashed 5.0.0.152 host is restarted by its user, and runs the same client: its next
    /// crash comes after a fresh exponential share of hazard (memoryless, as before the first).
    fn remark(&mut self, i: usize, dose: f32, u: f32) {
        self.crash_mark[i] = dose - libm::logf(u.max(1e-9));
    }
}

fn restart_at(t: u32, u: f32, mean_min: u32) -> u32 {
    let mean = f64::from(mean_min);
    let d = -libm::log((1.0 - f64::from(u)).max(1e-6)) * mean;
    t + d.min(4.0 * mean) as u32 + 1
}
