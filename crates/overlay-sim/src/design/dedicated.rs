//! `dedicated-2012`: the supernodes are the operator's own servers.
//!
//! By 2012 Skype's supernodes were "a little more than 10,000" Linux boxes hosted by
//! Microsoft, "about 4,100 users" each with "a theoretical limit of as many as 100,000"; users
//! were no longer promoted (Kortchinsky 2012, via Ars Technica, 8 May 2012). The rules here:
//!
//! * **Servers, not hosts.** `peers / 4,100` servers (5,610 for the 23M of Dec 2010: our
//!   arithmetic), spread over the cache groups in proportion to their users — a client's host
//!   cache lists its region's servers. Each holds up to 100,000/4,100 ≈ 24 times its mean.
//! * **They do not run the client.** The 5.0.0.152 bug crashes users' clients only, never a
//!   server; no host churn, no reboots, nobody promoted.
//! * **Throttling, not shutdown.** A busy server admits fewer joins (the same pacing rule as a
//!   2010 supernode: a bounded pace, falling to nothing as its load nears 0.9), and never shuts
//!   itself down. A server killed by hand is restarted by the operator after its timer.
//!
//! Clients, their back-off and the fault are the shared ones (see [`super`]).

use super::leaving;
use crate::mesh::Mesh;
use crate::rng::sround;
use crate::slot::{Cause, SlotState};
use crate::step::{Ctx, GroupMinute, Pass, ACCEPT_EASY_LOAD, ACCEPT_MAX_LOAD, JOIN_COST};
use crate::world::{World, CLIENT_SHARE};
use crate::{Event, EventKind};
use std::sync::Arc;

/// Mean clients per dedicated supernode (Kortchinsky 2012).
pub const CLIENTS_PER_SERVER: f64 = 4_100.0;
/// Most clients one can hold (Kortchinsky 2012: "a theoretical limit of ~100,000").
pub const CLIENT_LIMIT: f64 = 100_000.0;
/// Weight of this minute in a server's load average (the two-minute average a 2010
/// supernode's safeguard reads; here it only sets the throttle).
const LOAD_AVERAGE: f32 = 0.5;

pub(crate) const LEAVES_OUT: &str = "the operator's own failures (a data-centre outage, a bad server release), \
    the cost of running the servers, relaying for peers behind NAT, and any limit of the servers' links; \
    servers never fail unless killed by hand";

impl World {
    pub(crate) fn build_dedicated(&mut self) {
        let total = (self.p.peers as f64 / CLIENTS_PER_SERVER).round().max(1.0);
        let count: Vec<usize> = self.groups.iter().map(|g| ((total * g.weight).round() as usize).max(1)).collect();
        let n: usize = count.iter().sum();
        self.clients_mean = (self.p.peers as f64 / n as f64) as f32;
        // At its client limit a server's clients fill the share of capacity a 2010 supernode
        // lets clients fill; the rest is signalling room.
        let cap = self.clients_mean * (CLIENT_LIMIT / CLIENTS_PER_SERVER) as f32 / CLIENT_SHARE;
        let centre: Vec<(f32, f32, f32)> = self.groups.iter().map(|g| (g.x, g.y, g.r)).collect();
        self.replace_slots(&count, 0, cap, |g, _, rng| {
            let (cx, cy, r) = centre[g.unwrap_or(0)];
            ((cx + 0.4 * r * rng.normal() as f32).clamp(0.01, 0.99), (cy + 0.4 * r * rng.normal() as f32).clamp(0.14, 0.99))
        });
        // The operator's backbone: a group's servers share a site; each site links to the
        // sites of its neighbouring groups, and all sites are chained (one operator network).
        let mut edges = vec![];
        for w in self.groups.windows(2) {
            edges.push([w[0].start, w[1].start]);
        }
        for g in &self.groups {
            let r = g.slots();
            for a in r.clone() {
                for b in a + 1..r.end {
                    edges.push([a as u32, b as u32]);
                }
            }
            for &h in &g.near {
                let other = self.groups[h as usize].start;
                if g.start < other {
                    edges.push([g.start, other]);
                }
            }
        }
        edges.sort_unstable();
        edges.dedup();
        self.mesh = Arc::new(Mesh::from_edges(self.state.len(), edges));
        self.gc_dirty = true;
        // Minute 0: every expected user is connected, spread evenly over the group's servers.
        self.settle_all_connected();
        for g in 0..self.groups.len() {
            let (r, online) = (self.groups[g].slots(), self.groups[g].attached);
            let each = online / r.len().max(1) as f64;
            let mut total = 0u64;
            for i in r.clone() {
                let a = sround(each as f32, self.rng.f64() as f32);
                self.attached[i] = a;
                total += u64::from(a);
            }
            let gr = &mut self.groups[g];
            gr.attached = total as f64;
            gr.attached_buggy = total as f64 * gr.buggy_share;
            gr.alive = r.len() as u32;
            gr.accepting = r.len() as u32;
        }
    }

    pub(crate) fn serve_dedicated(&mut self, ctx: &Ctx, gm: &mut [GroupMinute], events: &mut Vec<Event>) -> Pass {
        let t = ctx.t;
        let mut pass = Pass::default();
        // A server killed by hand: the operator restarts it when its timer runs out.
        for i in 0..self.n_ord {
            if !self.state[i].serving() && self.timer[i] <= t {
                self.state[i] = SlotState::Alive;
                self.cause[i] = Cause::None;
                self.since[i] = t;
                self.ewma[i] = 0.0;
                self.gc_dirty = true;
                events.push(self.slot_event(t, EventKind::Restart, i, 0.0));
            }
        }
        let limit_per_cap = CLIENT_SHARE / ctx.client_cost;
        let pace_full = (self.p.join_rate * f64::from(self.clients_mean)) as f32;
        let (fanout, probe_cost) = (self.p.probe_fanout, self.p.probe_cost as f32);
        for g in 0..self.groups.len() {
            let r = self.groups[g].slots();
            let limit = |w: &World, i: usize| (w.cap[i] * limit_per_cap) as u32;
            let open = |w: &World, i: usize| w.state[i].serving() && w.ewma[i] <= ACCEPT_MAX_LOAD && w.attached[i] < limit(w, i);
            let accepting = r.clone().filter(|&i| open(self, i)).count();
            // A client probes `probe_fanout` servers from its cache; one with room takes it.
            let p = 1.0 - libm::pow(1.0 - accepting as f64 / r.len().max(1) as f64, fanout);
            let attempts = self.try_levels(g, p, &mut gm[g]);
            let m = &mut gm[g];
            let mut want = m.through.iter().sum::<f64>() as f32;
            let offered = want / accepting.max(1) as f32;
            let probes = (attempts * fanout) as f32 * probe_cost / r.len().max(1) as f32;
            for i in r {
                self.orphaned_now[i] = 0;
                self.accepted_now[i] = 0;
                if !self.state[i].serving() {
                    continue;
                }
                let [u0, u1, u2, u3] = self.rng.quad();
                let (off, crashed, rebooted) = leaving(self.attached[i], m, ctx, [u0, u1, u2]);
                let a = self.attached[i] - off - crashed - rebooted;
                m.left += u64::from(off);
                m.crashed += u64::from(crashed);
                m.rebooted += u64::from(rebooted);
                let mut acc = 0;
                let lim = limit(self, i);
                if self.ewma[i] <= ACCEPT_MAX_LOAD && a < lim {
                    m.accepting += 1;
                    // Throttling: a busy server answers fewer join requests.
                    let busy = ((ACCEPT_MAX_LOAD - self.ewma[i]) / (ACCEPT_MAX_LOAD - ACCEPT_EASY_LOAD)).clamp(0.0, 1.0);
                    let pace = (pace_full * busy).max(1.0) as u32;
                    acc = sround(offered.min(want.max(0.0)), u3).min(lim - a).min(pace);
                    want -= acc as f32;
                }
                let a = a + acc;
                self.attached[i] = a;
                self.accepted_now[i] = acc;
                let offered_load = a as f32 * ctx.client_cost + probes + acc as f32 * JOIN_COST;
                let l = offered_load / self.cap[i];
                self.load[i] = l;
                self.ewma[i] += LOAD_AVERAGE * (l - self.ewma[i]);
                m.joined_mega += f64::from(acc);
                m.alive += 1;
                m.attached += u64::from(a);
                m.offered += f64::from(offered_load);
                m.load_sum += f64::from(l);
                m.loaded += 1;
                pass.accepted += u64::from(acc);
                pass.max_load = pass.max_load.max(l);
            }
        }
        pass
    }
}
