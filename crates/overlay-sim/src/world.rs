//! The world: supernode slots as flat arrays, peers as cohorts, the central servers.
//!
//! Slots `0..n_ord` are user-run supernodes; `n_ord..` are operator mega-supernodes, idle until
//! injected. Peers are never individual structs: each supernode holds a count of attached
//! clients, and the peers without a supernode sit in global cohorts (retrying by due minute and
//! back-off level, waiting to log in, crashed and waiting for their user to restart them).

use crate::mesh::Mesh;
use crate::params::Params;
use crate::rng::Rng;
use crate::scenario::{Scenario, ScriptedEvent};
use std::sync::Arc;

/// Slot states, as stored in `World::state` and the snapshot.
pub mod state {
    /// Serving clients.
    pub const ALIVE: u8 = 0;
    /// The host's client crashed (the 5.0.0.152 bug or a kill); waiting for its user to restart it.
    pub const CRASHED: u8 = 1;
    /// The overload safeguard shut it down; restarting.
    pub const SHUTDOWN: u8 = 2;
    /// A peer is being promoted into this slot (uptime check).
    pub const PROMOTING: u8 = 3;
    /// The host went offline (normal churn or a reboot); no supernode here.
    pub const VACANT: u8 = 4;
    /// A mega-supernode slot not yet injected.
    pub const IDLE: u8 = 5;
}

/// Why a slot last failed, for the inspector.
pub mod cause {
    pub const NONE: u8 = 0;
    pub const BUG: u8 = 1;
    pub const OVERLOAD: u8 = 2;
    pub const KILLED: u8 = 3;
    pub const CHURN: u8 = 4;
    pub const REBOOT: u8 = 5;
}

/// Minutes of the retry ring (longest back-off 64 min × 1.5 jitter fits).
pub(crate) const RING: usize = 128;
/// Back-off levels tracked for the exponential policy.
pub(crate) const LEVELS: usize = 8;
/// Extra mega slots the sandbox user can inject by hand.
pub const USER_MEGAS: usize = 16;
/// The least capacity over normal peak load a promoted supernode has (our assumption).
pub(crate) const H_MIN: f64 = 1.5;
/// A mesh link's routing load, as a share of a mean supernode's client count (our figure:
/// a supernode with 10 links spends a fifth of its normal load routing for the overlay).
pub(crate) const MESH_LINK_COST: f32 = 0.02;
/// Share of a supernode's capacity it lets clients fill (the rest is signalling room).
pub(crate) const CLIENT_SHARE: f32 = 0.7;

#[derive(Clone, Debug)]
pub struct World {
    pub(crate) p: Params,
    pub(crate) name: String,
    pub(crate) start_unix: Option<i64>,
    pub(crate) trigger_min: Option<u32>,
    pub(crate) script: Arc<Vec<ScriptedEvent>>,
    pub(crate) mesh: Arc<Mesh>,
    pub(crate) rng: Rng,
    pub(crate) minute: u32,

    pub(crate) n_ord: usize,
    pub(crate) n_scripted_megas: usize,
    pub(crate) mega_next: usize,
    pub(crate) user_mega_next: usize,
    /// Per-slot arrays that rarely change are shared between clones (checkpoints stay small);
    /// `Arc::make_mut` copies them on the rare write (a user placing a mega-supernode).
    pub(crate) x: Arc<Vec<f32>>,
    pub(crate) y: Arc<Vec<f32>>,
    /// Capacity in load units a minute (a connected client costs one unit).
    pub(crate) cap: Arc<Vec<f32>>,
    /// Load a supernode carries for its mesh links (searches and presence it routes for neighbours).
    pub(crate) mesh_load: Arc<Vec<f32>>,
    pub(crate) state: Vec<u8>,
    pub(crate) timer: Vec<u32>,
    pub(crate) since: Vec<u32>,
    pub(crate) buggy: Vec<bool>,
    pub(crate) cause: Vec<u8>,
    pub(crate) cause_load: Vec<f32>,
    pub(crate) attached: Vec<u32>,
    /// Offered load over capacity this minute, and its two-minute average (what the safeguard reads).
    pub(crate) load: Vec<f32>,
    pub(crate) ewma: Vec<f32>,
    pub(crate) orphaned_now: Vec<u32>,
    pub(crate) accepted_now: Vec<u32>,

    /// Retrying peers: `retry[minute % RING][level]`.
    pub(crate) retry: Vec<[u64; LEVELS]>,
    pub(crate) retry_total: u64,
    pub(crate) retry_buggy: u64,
    pub(crate) login_queue: u64,
    pub(crate) login_buggy: u64,
    /// Clients down (crashed or rebooting), by the minute their user brings them back.
    pub(crate) down: Vec<(u64, u64)>,
    pub(crate) down_total: u64,
    pub(crate) attached_total: u64,
    pub(crate) attached_buggy: u64,

    pub(crate) im_overload_until: u32,
    pub(crate) im_overload_capacity: f64,
    pub(crate) crash_hazard: f64,
    pub(crate) im_delayed: f64,
    pub(crate) group_video: bool,
    pub(crate) mass_restart_until: u32,
    pub(crate) mass_restart_rate: f32,
    pub(crate) login_served: u64,
    pub(crate) success: f64,
    pub(crate) accepting_prev: usize,
    pub(crate) gc: f64,
    pub(crate) gc_dirty: bool,
    pub(crate) first_wave_lost: u32,
    pub(crate) alive_at_trigger: u32,
    /// Slots serving at the trigger and not yet counted in the first wave.
    pub(crate) first_wave_pending: Vec<bool>,
    pub(crate) last: crate::Metrics,
    /// Reused buffers of the step's hot pass (kept to avoid allocating every minute).
    pub(crate) scratch_rare: Vec<u32>,
    pub(crate) scratch_fails: Vec<crate::step::Fail>,
}

/// Where the world's regions sit on the map and their share of supernodes (a rough
/// geographic picture: Skype's users were concentrated in Europe and North America).
const REGIONS: [(f32, f32, f32, f32); 7] = [
    (0.22, 0.36, 0.07, 0.27), // North America
    (0.31, 0.70, 0.05, 0.07), // South America
    (0.50, 0.32, 0.05, 0.36), // Europe
    (0.53, 0.62, 0.05, 0.04), // Africa
    (0.68, 0.40, 0.06, 0.08), // West & South Asia
    (0.80, 0.38, 0.05, 0.12), // East Asia
    (0.84, 0.74, 0.04, 0.06), // Oceania
];

/// Where the operator's servers are drawn: login and offline-IM clusters, and the mega band.
pub const LOGIN_XY: (f32, f32) = (0.42, 0.07);
pub const IM_XY: (f32, f32) = (0.58, 0.07);

impl World {
    /// Builds the network of a scenario: positions, capacities, the mesh and the initial peers
    /// in steady state at the scenario's start.
    pub fn new(sc: &Scenario) -> World {
        let p = sc.params.clone();
        let mut rng = Rng::new(p.seed);
        let n_ord = p.supernodes as usize;
        let n_scripted_megas = sc.scripted_megas() as usize;
        let n = n_ord + n_scripted_megas + USER_MEGAS;
        let clients_mean = p.peers as f32 / n_ord as f32;
        let unit = normal_unit(&p);

        let mut x = Vec::with_capacity(n);
        let mut y = Vec::with_capacity(n);
        let mut cap = Vec::with_capacity(n);
        let mut want_degree = Vec::with_capacity(n_ord);
        let sigma = p.capacity_spread;
        let region_total: f32 = REGIONS.iter().map(|r| r.3).sum();
        // Capacities are a stratified sample of the log-normal (quantiles in random order), and
        // exactly the buggy share of hosts runs 5.0.0.152: a 30-supernode classroom is then a
        // fair miniature of the real network for every seed, not a lucky or unlucky draw.
        let strata = shuffled(n_ord, &mut rng);
        for k in 0..n_ord {
            let mut pick = rng.f64() as f32 * region_total;
            let region = REGIONS.iter().find(|r| {
                pick -= r.3;
                pick <= 0.0
            });
            let (cx, cy, spread, _) = region.copied().unwrap_or(REGIONS[2]);
            x.push((cx + spread * rng.normal() as f32).clamp(0.02, 0.98));
            y.push((cy + spread * 0.8 * rng.normal() as f32).clamp(0.14, 0.98));
            // Capacity over the normal peak load: at least H_MIN (promotion demands spare
            // resources), mean 1 + headroom, log-normal spread above the minimum.
            let z = inverse_normal((f64::from(strata[k]) + 0.5) / n_ord as f64);
            let ln = libm::exp(sigma * z - sigma * sigma / 2.0);
            let h = H_MIN.min(1.0 + p.capacity_headroom) + (1.0 + p.capacity_headroom - H_MIN).max(0.0) * ln;
            cap.push((h as f32) * clients_mean * unit);
            // Stronger hosts keep more mesh links: degree grows with capacity (at least 2).
            want_degree.push(((3.0 * libm::pow(h / (1.0 + p.capacity_headroom), 0.6)).round() as u32).clamp(2, 60));
        }
        let mega_cap = p.mega_capacity_factor as f32 * clients_mean / CLIENT_SHARE;
        for i in 0..(n_scripted_megas + USER_MEGAS) {
            let t = (i as f32 + 0.5) / n_scripted_megas.max(1) as f32;
            x.push(0.12 + 0.76 * t.fract());
            y.push(0.135 + 0.02 * (i % 3) as f32);
            cap.push(mega_cap);
        }
        let mut mesh = Mesh::configuration(&want_degree, &mut rng);
        // Megas link to many supernodes and to each other (they are the operator's hubs).
        let mut edges = std::mem::take(&mut mesh.edges);
        for m in n_ord..n {
            for _ in 0..12.min(n_ord / 3).max(1) {
                let o = rng.below(n_ord) as u32;
                edges.push([o, m as u32]);
            }
            if m > n_ord {
                edges.push([(m - 1) as u32, m as u32]);
            }
        }
        edges.sort_unstable();
        edges.dedup();
        let mesh = Mesh::from_edges(n, edges);
        let mesh_load = Arc::new(mesh.degree.iter().map(|&k| k as f32 * MESH_LINK_COST * clients_mean).collect());

        let sn_buggy_share = (p.buggy_share / p.windows_share).min(1.0);
        let mut w = World {
            name: sc.name.clone(),
            start_unix: sc.start_unix,
            trigger_min: sc.trigger_min,
            script: Arc::new(sc.events.clone()),
            mesh: Arc::new(mesh),
            minute: 0,
            n_ord,
            n_scripted_megas,
            mega_next: n_ord,
            user_mega_next: n_ord + n_scripted_megas,
            x: Arc::new(x),
            y: Arc::new(y),
            mesh_load,
            cap: Arc::new(cap),
            state: vec![state::ALIVE; n],
            timer: vec![0; n],
            since: vec![0; n],
            buggy: {
                let order = shuffled(n_ord, &mut rng);
                let k = (sn_buggy_share * n_ord as f64).round() as u32;
                (0..n).map(|i| i < n_ord && order[i] < k).collect()
            },
            cause: vec![cause::NONE; n],
            cause_load: vec![0.0; n],
            attached: vec![0; n],
            load: vec![0.0; n],
            ewma: vec![0.0; n],
            orphaned_now: vec![0; n],
            accepted_now: vec![0; n],
            retry: vec![[0; LEVELS]; RING],
            retry_total: 0,
            retry_buggy: 0,
            login_queue: 0,
            login_buggy: 0,
            down: vec![(0, 0); RING],
            down_total: 0,
            attached_total: 0,
            attached_buggy: 0,
            im_overload_until: 0,
            im_overload_capacity: 1.0,
            crash_hazard: 0.0,
            im_delayed: 0.0,
            group_video: true,
            mass_restart_until: 0,
            mass_restart_rate: 0.0,
            login_served: 0,
            success: 1.0,
            accepting_prev: n_ord,
            gc: 1.0,
            gc_dirty: true,
            first_wave_lost: 0,
            alive_at_trigger: 0,
            first_wave_pending: vec![],
            last: crate::Metrics::default(),
            scratch_rare: vec![],
            scratch_fails: vec![],
            rng,
            p,
        };
        for s in &mut w.state[n_ord..] {
            *s = state::IDLE;
        }
        // Steady state of supernode churn: a slot is between hosts for ~10 + promotion_min minutes
        // out of every sn_session_min.
        let gap = 10 + w.p.promotion_min;
        let vacant_share = f64::from(gap) / f64::from(w.p.sn_session_min + gap);
        for i in 0..n_ord {
            if w.rng.f64() < vacant_share {
                w.state[i] = state::PROMOTING;
                w.timer[i] = 1 + w.rng.below(gap as usize) as u32;
            }
        }
        // Peers online now, spread over the live supernodes.
        let e0 = w.expected(0);
        let alive = w.state[..n_ord].iter().filter(|&&s| s == state::ALIVE).count().max(1);
        let per = e0 as f32 / alive as f32;
        let buggy_frac = w.p.buggy_share;
        for i in 0..n_ord {
            if w.state[i] == state::ALIVE {
                let u = w.rng.f64() as f32;
                let limit = (w.cap[i] * CLIENT_SHARE / unit) as u32;
                let a = crate::rng::sround(per, u).min(limit);
                w.attached[i] = a;
                w.attached_total += u64::from(a);
            }
        }
        w.attached_buggy = (w.attached_total as f64 * buggy_frac) as u64;
        let rest = e0.saturating_sub(w.attached_total);
        w.retry[1][0] = rest;
        w.retry_total = rest;
        w.retry_buggy = (rest as f64 * buggy_frac) as u64;
        w.last = w.metrics();
        w
    }

    /// Peers expected online at minute `t` (the daily cycle peaks at 16:00 UTC).
    pub fn expected(&self, t: u32) -> u64 {
        (self.p.peers as f64 * self.diurnal(t)) as u64
    }

    pub(crate) fn diurnal(&self, t: u32) -> f64 {
        let hour = crate::clock::hour_of_day(self.start_unix.unwrap_or(43_200) + i64::from(t) * 60);
        let a = self.p.diurnal_amplitude;
        1.0 - a + a * libm::cos(std::f64::consts::TAU * (hour - 16.0) / 24.0)
    }

    pub fn minute(&self) -> u32 {
        self.minute
    }
    pub fn params(&self) -> &Params {
        &self.p
    }
    pub fn scenario_name(&self) -> &str {
        &self.name
    }
    pub fn trigger_minute(&self) -> Option<u32> {
        self.trigger_min
    }
    /// The latest metrics row.
    pub fn metrics_now(&self) -> crate::Metrics {
        self.last
    }
    /// The mesh (shared between clones).
    pub fn mesh(&self) -> &Mesh {
        &self.mesh
    }
    /// Number of user-run supernode slots (the rest are mega slots).
    pub fn ordinary_slots(&self) -> usize {
        self.n_ord
    }
    /// Seconds since the epoch at minute `t`, for dated scenarios.
    pub fn unix_at(&self, t: u32) -> Option<i64> {
        self.start_unix.map(|s| s + i64::from(t) * 60)
    }
    /// "2010-12-22T16:30Z" at minute `t`, or "+16:30" (hours:minutes since start) when undated.
    pub fn clock_label(&self, t: u32) -> String {
        match self.unix_at(t) {
            Some(u) => crate::clock::iso_utc(u),
            None => format!("+{}:{:02}", t / 60, t % 60),
        }
    }
}

/// Load units a connected client brings to its supernode at normal times, including the
/// share of reconnection probes that normal churn (clients and supernodes coming and going) causes.
pub(crate) fn normal_unit(p: &Params) -> f32 {
    let churn = 1.0 / f64::from(p.session_min) + 1.0 / f64::from(p.sn_session_min);
    (1.0 + churn * p.probe_fanout * p.probe_cost) as f32
}

/// 0..n in random order.
fn shuffled(n: usize, rng: &mut Rng) -> Vec<u32> {
    let mut v: Vec<u32> = (0..n as u32).collect();
    for i in (1..n).rev() {
        v.swap(i, rng.below(i + 1));
    }
    v
}

/// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
pub(crate) fn inverse_normal(p: f64) -> f64 {
    const A: [f64; 6] = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.383577518672690e2, -3.066479806614716e1, 2.506628277459239];
    const B: [f64; 5] = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    let tail = |q: f64| (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0);
    if p < 0.02425 {
        tail(libm::sqrt(-2.0 * libm::log(p)))
    } else if p > 1.0 - 0.02425 {
        -tail(libm::sqrt(-2.0 * libm::log(1.0 - p)))
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn inverse_normal_quantiles() {
        for (p, z) in [(0.5, 0.0), (0.975, 1.959964), (0.01, -2.326348), (0.999, 3.090232)] {
            assert!((super::inverse_normal(p) - z).abs() < 1e-5, "{p}");
        }
    }
}
