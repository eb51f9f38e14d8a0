//! `dht`: no supernodes. Every online peer routes in a Kademlia overlay (Maymounkov &
//! Mazières, IPTPS 2002): presence records live at the k peers whose ids are closest to the
//! user's, and any peer finds them by an iterative lookup.
//!
//! The overlay of 23M peers is not built node by node; its rules are aggregate, and each is
//! checked against the explicit network of [`super::kademlia`] (`tests/designs.rs`):
//!
//! * **Stale entries.** A peer that leaves (logs off, crashes on the bug, reboots) leaves
//!   dead entries in others' k-buckets. Ids are random, so the dead entries are spread evenly:
//!   one share `stale` for the whole overlay. It grows by the share of peers that left, and
//!   buckets **refill**: stale entries give way to live ones within about `REFRESH_MIN` (the
//!   paper's hourly bucket refresh; lookups touch busy buckets sooner).
//! * **Lookups succeed by redundancy.** A lookup takes about log_k(n) hops; it fails only if at
//!   some hop all k candidates are dead: success = (1 − stale^k)^hops ([`lookup_success`]).
//! * **Joining** is a lookup of one's own id from a saved contact, then a refresh of the
//!   buckets farther than the closest neighbour: about log₂(n) lookups (§2.3). An attempt gets
//!   through when its lookup succeeds; no node admits or refuses joins, so there is no queue.
//! * **No orphans.** A peer depends on no single other peer: when one crashes, nobody loses
//!   service — their tables just hold one more stale entry.
//! * **Signalling** is counted in lookup messages (about k + α queries a lookup: the last k
//!   asked plus the first round), over the normal at this time of day.
//!
//! Clients, their back-off and the fault are the shared ones (see [`super`]).

use super::kademlia::ALPHA;
use crate::mesh::Mesh;
use crate::rng::sround;
use crate::step::{Ctx, GroupMinute, Pass};
use crate::world::{normal_unit, World};
use std::sync::Arc;

/// Contacts per k-bucket (Maymounkov & Mazières: k = 20).
pub const K: u32 = 20;
/// Minutes for stale bucket entries to be replaced (the paper refreshes a bucket not used in
/// an hour; our reading of the rate).
pub const REFRESH_MIN: f64 = 60.0;
/// Lookups a connected peer makes a minute: its contacts' presence, republishing its own,
/// refreshing its buckets (our assumption).
pub const LOOKUPS_PER_MIN: f64 = 1.0;
/// Messages a peer can route a minute: the 2010 supernode budget of ~5 KB/s in ~100-byte
/// messages (Skype admin guide; our arithmetic).
pub const PEER_BUDGET: f64 = 3_000.0;

pub(crate) const LEAVES_OUT: &str = "NAT: in 2010 most peers could not accept connections, so they could \
    not route (a real DHT needs relays for them); lookup latency (time-outs cost time, counted here only \
    as messages); attacks on the id space (Sybil, eclipse); re-publishing of presence records; and any \
    peer's routing load limit (a peer routes a few dozen messages a minute here)";

/// Hops a lookup takes in a network of `n` peers: each hop's bucket of k random contacts
/// narrows the distance by about log₂ k bits, so log_k n (our arithmetic; checked against
/// the explicit network).
pub fn hops(n: f64) -> f64 {
    (libm::log(n.max(2.0)) / libm::log(f64::from(K))).max(1.0)
}

/// Chance that a lookup reaches the live peer closest to its key when a share `stale` of the
/// routing entries point at departed peers: it fails only if all k candidates of some hop
/// are dead (the k-bucket redundancy argument).
pub fn lookup_success(stale: f64, k: u32, n: f64) -> f64 {
    let h = (libm::log(n.max(2.0)) / libm::log(f64::from(k.max(2)))).max(1.0);
    libm::pow(1.0 - libm::pow(stale.clamp(0.0, 1.0), f64::from(k)), h)
}

/// Messages one lookup sends (about k + α; the explicit network measures 21.6 at 1,024 peers
/// and 23.2 at 16,384 with k = 20).
pub fn lookup_messages() -> f64 {
    f64::from(K) + ALPHA as f64
}

/// Share of routing entries stale in steady state when peers leave at `rate` a minute.
pub fn steady_stale(rate: f64) -> f64 {
    rate * REFRESH_MIN / (1.0 + rate * REFRESH_MIN)
}

impl World {
    pub(crate) fn build_dht(&mut self) {
        let groups = self.groups.len();
        self.replace_slots(&vec![0; groups], 0, 0.0, |_, _, _| (0.5, 0.5));
        self.mesh = Arc::new(Mesh::from_edges(self.state.len(), vec![]));
        self.settle_all_connected();
        self.design.stale = steady_stale(self.session_churn());
        self.gc = self.routing_giant();
        self.gc_dirty = false;
    }

    /// Share of routing entries that point at peers no longer online.
    pub fn stale_entries(&self) -> f64 {
        self.design.stale
    }

    /// Fraction of live peers in the routing graph's giant component: a random graph of about
    /// k·log₂(n/k) links a peer (its full buckets), with a share `stale` of them dead
    /// (Molloy–Reed / Cohen et al., `theory`).
    fn routing_giant(&self) -> f64 {
        let n: f64 = self.groups.iter().map(|g| g.attached).sum();
        let degree = (f64::from(K) * libm::log2((n / f64::from(K)).max(2.0))).round() as u32;
        crate::theory::giant_after_random_removal(&[degree], self.design.stale)
    }

    pub(crate) fn serve_dht(&mut self, ctx: &Ctx, gm: &mut [GroupMinute]) -> Pass {
        let online: f64 = self.groups.iter().map(|g| g.attached).sum();
        let success = lookup_success(self.design.stale, K, online);
        let join_lookups = libm::log2(online.max(2.0));
        let msgs = lookup_messages();
        // A peer's normal lookups a minute: its own, and its share of the normal sign-ins.
        let churn = self.session_churn();
        let normal_per_peer = (LOOKUPS_PER_MIN + churn * (join_lookups + 1.0)) * msgs;
        let (mut departed, mut pass, mut all_msgs) = (0u64, Pass::default(), 0.0);
        for g in 0..gm.len() {
            let attempts = self.try_levels(g, success, &mut gm[g]);
            let a = self.groups[g].attached.round().max(0.0) as u32;
            let [u0, u1, u2, u3] = self.rng.quad();
            let m = &mut gm[g];
            let (off, crashed, rebooted) = super::leaving(a, m, ctx, [u0, u1, u2]);
            // Every attempt whose lookup succeeded has joined: the overlay itself takes it in.
            let joined = sround(m.through.iter().sum::<f64>() as f32, u3);
            let left = off + crashed + rebooted;
            m.left += u64::from(off);
            m.crashed += u64::from(crashed);
            m.rebooted += u64::from(rebooted);
            m.joined_mega = f64::from(joined);
            m.attached = u64::from(a - left + joined);
            let lookups = f64::from(a - left) * LOOKUPS_PER_MIN + f64::from(joined) * join_lookups + attempts;
            let sent = lookups * msgs * f64::from(ctx.client_cost);
            all_msgs += sent;
            // In units of a 2010 client's normal signalling, so the metrics' ratio is over normal.
            m.offered = sent / normal_per_peer * f64::from(normal_unit(&self.p));
            m.loaded = 1;
            departed += u64::from(left);
            pass.accepted += u64::from(joined);
        }
        // Messages each online peer routes, over what it can route.
        let per_peer = all_msgs / gm.iter().map(|m| m.attached).sum::<u64>().max(1) as f64 / PEER_BUDGET;
        for m in gm.iter_mut() {
            m.load_sum = per_peer;
        }
        pass.max_load = per_peer as f32;
        // Buckets refill; the peers that just left leave stale entries behind.
        let d = self.design.stale * (1.0 - 1.0 / REFRESH_MIN);
        self.design.stale = d + (1.0 - d) * (departed as f64 / online.max(1.0)).min(1.0);
        self.gc = self.routing_giant();
        self.gc_dirty = false;
        pass
    }
}
