//! `central`: no supernodes. A directory cluster run by the operator keeps every client's
//! presence and answers every lookup, the way the instant messengers of the time did (our
//! assumption of a plain design; no Skype source).
//!
//! * **Capacity** is `directory_headroom` over the normal peak load — every user online at the
//!   daily peak, at a 2010 client's signalling (`normal_unit`) — split over `directory_servers`
//!   servers. A server killed by hand takes its share with it until the operator restarts it.
//! * **Sessions first.** Connected clients' presence traffic is served first; only if it
//!   exceeds the capacity (servers lost) are clients dropped, and they retry.
//! * **Admission, not shutdown.** Every sign-in attempt costs the directory one request
//!   (`probe_cost`: a client asks the directory, not a fan-out of supernodes); the attempts it
//!   cannot answer time out. Sign-ins (`JOIN_COST` each) fill what room is left; the rest are
//!   refused and back off. The directory never shuts itself down.
//!
//! Clients, their back-off and the fault are the shared ones (see [`super`]).

use crate::mesh::Mesh;
use crate::rng::sround;
use crate::slot::{Cause, SlotState};
use crate::step::{Ctx, GroupMinute, Pass, JOIN_COST};
use crate::world::{normal_unit, World};
use crate::{Event, EventKind};
use std::sync::Arc;

/// Where the directory cluster is drawn: between the login and offline-IM servers.
pub const DIRECTORY_XY: (f32, f32) = (0.5, 0.09);

pub(crate) const LEAVES_OUT: &str = "the directory's own software faults and database replication, \
    the latency of one far-away site, sign-in costing more than a 2010 supernode join (a sign-in also \
    fans presence out to the user's contacts), and relaying for peers behind NAT";

impl World {
    pub(crate) fn build_central(&mut self) {
        let n = self.p.directory_servers.max(1) as usize;
        let cap = (self.directory_capacity(n) / n as f64) as f32;
        let groups = self.groups.len();
        self.replace_slots(&vec![0; groups], n, cap, |_, j, _| {
            let (cx, cy) = DIRECTORY_XY;
            (cx + 0.012 * (j % 8) as f32 - 0.042, cy + 0.012 * (j / 8) as f32)
        });
        // One cluster on one network: every server reaches every other.
        let edges = (0..n as u32).flat_map(|a| (a + 1..n as u32).map(move |b| [a, b])).collect();
        self.mesh = Arc::new(Mesh::from_edges(self.state.len(), edges));
        self.gc_dirty = true;
        self.settle_all_connected();
        self.spread_over_directory();
    }

    /// The cluster's capacity with `alive` servers, in load units a minute.
    pub(crate) fn directory_capacity(&self, alive: usize) -> f64 {
        let n = f64::from(self.p.directory_servers.max(1));
        let normal_peak = self.p.peers as f64 * f64::from(normal_unit(&self.p));
        (1.0 + self.p.directory_headroom) * normal_peak * alive as f64 / n
    }

    /// The directory's load over its capacity last minute.
    pub fn directory_load(&self) -> f64 {
        self.design.directory_load
    }

    pub(crate) fn serve_central(&mut self, ctx: &Ctx, gm: &mut [GroupMinute], events: &mut Vec<Event>) -> Pass {
        let t = ctx.t;
        for i in 0..self.n_ord {
            if !self.state[i].serving() && self.timer[i] <= t {
                self.state[i] = SlotState::Alive;
                self.cause[i] = Cause::None;
                self.since[i] = t;
                self.gc_dirty = true;
                events.push(self.slot_event(t, EventKind::Restart, i, 0.0));
            }
        }
        let alive = self.state[..self.n_ord].iter().filter(|s| s.serving()).count();
        let cap = self.directory_capacity(alive);
        // Connected clients leave as everywhere; their presence traffic comes first.
        let mut kept = vec![0u32; gm.len()];
        for (g, m) in gm.iter_mut().enumerate() {
            let a = self.groups[g].attached.round().max(0.0) as u32;
            let [u0, u1, u2, _] = self.rng.quad();
            let (off, crashed, rebooted) = super::leaving(a, m, ctx, [u0, u1, u2]);
            m.left += u64::from(off);
            m.crashed += u64::from(crashed);
            m.rebooted += u64::from(rebooted);
            kept[g] = a - off - crashed - rebooted;
        }
        let sessions: f64 = kept.iter().map(|&a| f64::from(a) * f64::from(ctx.client_cost)).sum();
        let keep = if sessions > cap { cap / sessions } else { 1.0 };
        for (g, m) in gm.iter_mut().enumerate() {
            let dropped = sround(kept[g] as f32 * (1.0 - keep) as f32, self.rng.f64() as f32).min(kept[g]);
            kept[g] -= dropped;
            m.orphaned += u64::from(dropped);
        }
        let room = (cap - sessions * keep).max(0.0);
        // Sign-in attempts: each reaches the directory while a server is up.
        let reach = if alive > 0 { 1.0 } else { 0.0 };
        let attempts: Vec<f64> = (0..gm.len()).map(|g| self.try_levels(g, reach, &mut gm[g])).collect();
        let asked: f64 = attempts.iter().sum::<f64>() * self.p.probe_cost;
        let answered = if asked > 0.0 { (room / asked).min(1.0) } else { 1.0 };
        let want: f64 = gm.iter().map(|m| m.through.iter().sum::<f64>()).sum::<f64>() * answered;
        let join_room = ((room - asked * answered) / f64::from(JOIN_COST)).max(0.0);
        let admitted = if want > 0.0 { (join_room / want).min(1.0) * answered } else { 0.0 };
        let mut pass = Pass::default();
        let mut total_load = 0.0;
        for (g, m) in gm.iter_mut().enumerate() {
            let through: f64 = m.through.iter().sum();
            let joined = sround((through * admitted) as f32, self.rng.f64() as f32);
            let online = kept[g] + joined;
            m.joined_mega = f64::from(joined);
            m.attached = u64::from(online);
            m.offered = f64::from(online) * f64::from(ctx.client_cost) + attempts[g] * self.p.probe_cost * answered + f64::from(joined) * f64::from(JOIN_COST);
            // One serving unit per group, so the metrics' normal is the group's expected users.
            m.loaded = 1;
            total_load += m.offered;
            pass.accepted += u64::from(joined);
        }
        let load = if cap > 0.0 { total_load / cap } else { 0.0 };
        self.design.directory_load = load;
        for m in gm.iter_mut() {
            m.load_sum = load;
        }
        let online: u64 = gm.iter().map(|m| m.attached).sum();
        for i in 0..self.n_ord {
            self.orphaned_now[i] = 0;
            self.accepted_now[i] = 0;
            if self.state[i].serving() {
                self.load[i] = load as f32;
                self.attached[i] = (online / alive.max(1) as u64) as u32;
                self.accepted_now[i] = (pass.accepted / alive.max(1) as u64) as u32;
            }
        }
        pass.max_load = load as f32;
        pass
    }

    /// Minute 0: the directory's clients shared evenly by its servers (for the inspector).
    fn spread_over_directory(&mut self) {
        let online: f64 = self.groups.iter().map(|g| g.attached).sum();
        let n = self.n_ord.max(1);
        for i in 0..self.n_ord {
            self.attached[i] = (online / n as f64) as u32;
        }
    }
}
