//! One simulated minute, as a pipeline of named stages. All state is in `World`; user actions
//! arrive as `Inputs`.
//!
//! 1. `inputs`: scripted events (the trigger, the operator's waves) and the user's actions.
//! 2. `servers`: the offline-IM servers (their late replies crash 5.0.0.152) and the login servers.
//! 3. `demand`: each cache group's retrying clients try again — where their probes land and
//!    how many would find a supernode with room.
//! 4. `supernodes`: one pass over the user-run slots (host events, clients leaving and joining,
//!    load, the overload safeguard), then the mega-supernodes; failures and restarts after it.
//! 5. `peers`: the groups' pools move — joined, failed and backed off, gave up, crashed users
//!    restarting, new sign-ins and the evening's log-offs.
//! 6. `report`: group states, the giant component and the metrics row.

mod demand;
mod inputs;
mod lanes;
mod peers;
mod report;
mod servers;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd;
mod supernodes;

use crate::slot::{Cause, SlotState};
use crate::world::{World, LEVELS};
use crate::{Event, Inputs, StepReport};

pub(crate) use report::READY_SHARE;
pub(crate) use supernodes::{Fail, Pass};

/// Minutes between a supernode host leaving and a replacement candidate being picked.
pub(crate) const VACANCY_GAP: u32 = 10;
/// A supernode stops accepting new clients above this two-minute load (it keeps signalling room).
pub(crate) const ACCEPT_MAX_LOAD: f32 = 0.9;
/// Below this load a supernode takes new clients at its full pace; above, ever fewer.
pub(crate) const ACCEPT_EASY_LOAD: f32 = 0.6;
/// A joining client's handshake costs this many load units once.
pub(crate) const JOIN_COST: f32 = 2.0;
/// Relaying and group video share of a client's load (cut when group video is disabled; our figure).
pub(crate) const VIDEO_SHARE: f32 = 0.15;
/// At real scale the giant component (a union-find pass over the whole mesh) is recomputed on
/// these ticks, when supernodes have come or gone in bulk since the last pass (this share of the
/// slots, net) or the last pass is an hour old; small networks recompute it every minute.
const GC_EVERY_MIN: u32 = 10;
const GC_BULK: f64 = 0.005;
const GC_STALE_MIN: u32 = 60;

/// What one minute knows before the supernode pass: rates shared by every slot.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ctx {
    pub t: u32,
    /// Chance a minute that a running 5.0.0.152 client crashes (late offline-IM replies).
    pub h_client: f32,
    /// The crash hazard a running 5.0.0.152 host has taken so far: it crashes once this passes
    /// its own mark (`World::crash_mark`).
    pub crash_dose: f32,
    /// Chance a minute that a host reboots (patch day).
    pub reboot: f32,
    /// Load a connected client brings (less with group video off).
    pub client_cost: f32,
    /// A supernode host leaving, per minute.
    pub sn_churn: f32,
    /// Probe load every user-run slot receives from clients of all groups (their probes to
    /// supernodes outside their own neighbourhood), in load units.
    pub background: f32,
    /// Joins offered to every accepting slot by clients probing outside their neighbourhood.
    pub arrivals_global: f32,
    /// Most joins a full-strength supernode takes a minute.
    pub pace: f32,
}

/// One group's minute: inputs to the supernode pass and what the pass found.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct GroupMinute {
    /// Probe load on each of the group's slots from its own clients (load units).
    pub probes: f32,
    /// Joins offered to each of its accepting slots by its own clients.
    pub arrivals: f32,
    /// Chance a minute that a connected client logs off.
    pub off: f32,
    /// 5.0.0.152 share among its connected clients.
    pub buggy_attached: f32,
    /// Per back-off level: clients who tried this minute, and who would have got through.
    pub tried: [f64; LEVELS],
    pub through: [f64; LEVELS],
    /// Joins wanted: at a mega-supernode, in the own group, anywhere else.
    pub want_mega: f64,
    pub want_local: f64,
    /// Joins wanted at neighbouring groups' supernodes, and through bootstrap addresses anywhere.
    pub want_near: f64,
    pub want_global: f64,
    /// Attempts of its clients (their neighbour probes are spread after the group pass).
    pub near_attempts: f64,
    /// Of which aimed at the neighbours' live supernodes.
    pub near_aimed: f64,
    /// Joins offered to its supernodes by neighbouring groups' clients.
    pub inbound: f64,
    /// Joins made: at its megas, at its own slots by its own clients, at its slots by anyone's.
    pub joined_mega: f64,
    /// Joins at its supernodes from its own and its neighbours' clients, and from bootstrap.
    pub joined_here: f64,
    pub joined_global_here: f64,
    pub left: u64,
    pub crashed: u64,
    pub rebooted: u64,
    pub orphaned: u64,
    /// Slots that carried load this minute, and those still serving at its end.
    pub loaded: u32,
    pub alive: u32,
    pub accepting: u32,
    pub attached: u64,
    pub offered: f64,
    pub load_sum: f64,
}

/// Buffers reused every minute.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    pub groups: Vec<GroupMinute>,
    pub rare: Vec<u32>,
    pub fails: Vec<Fail>,
    pub lanes: lanes::Lanes,
    pub hit: demand::HitChance,
    pub mega_room: Vec<f64>,
    pub per_group: Vec<u32>,
}

impl World {
    /// Advances one simulated minute.
    pub fn step(&mut self, inputs: &Inputs) -> StepReport {
        let t = self.minute + 1;
        let mut events = Vec::new();
        self.begin_minute(t);
        self.apply_script(t, &mut events);
        for a in &inputs.actions {
            self.apply_action(t, a, &mut events);
        }
        let mut gm = std::mem::take(&mut self.scratch.groups);
        gm.clear();
        gm.resize(self.groups.len(), GroupMinute::default());
        let mut ctx = self.servers(t);
        // Stages 3–4 belong to the design (issue 16: src/design/); skype-2010 is this model.
        let pass = if self.p.design == crate::design::Design::Skype2010 {
            self.demand(&mut ctx, &mut gm);
            let pass = self.supernode_pass(&ctx, &mut gm);
            self.settle_slots(&ctx, &mut gm, &mut events);
            self.mega_pass(&ctx, &mut gm);
            pass
        } else {
            self.serve_design(&ctx, &mut gm, &mut events)
        };
        self.settle_peers(&ctx, &gm);
        self.minute = t;
        self.update_groups(t, &gm, &mut events);
        self.last = self.metrics_with(&gm, pass);
        self.update_giant_component(t, &events);
        self.last.giant_component = self.gc;
        self.scratch.groups = gm;
        StepReport { metrics: self.last, events }
    }

    fn begin_minute(&mut self, t: u32) {
        self.cache_demand(t);
        self.orphaned_now[self.n_ord..].fill(0);
        self.accepted_now[self.n_ord..].fill(0);
        if self.trigger_min == Some(t) {
            self.alive_at_trigger = self.ordinary_alive() as u32;
            self.first_wave_pending = (0..self.n_ord).map(|i| self.state[i].serving()).collect();
        }
    }

    fn update_giant_component(&mut self, t: u32, events: &[Event]) {
        self.gc_dirty |= events.iter().any(|e| e.kind.changes_mesh());
        if !self.gc_dirty {
            return;
        }
        let due = self.n_ord < 10_000 || t % GC_EVERY_MIN == 0 && {
            let alive = self.last.supernodes_alive;
            f64::from(alive.abs_diff(self.gc_alive)) >= GC_BULK * self.n_ord as f64 || t >= self.gc_t + GC_STALE_MIN
        };
        if due {
            let (st, n) = (&self.state, self.n_ord);
            self.gc = self.mesh.giant_fraction(|i| i < n && st[i].serving());
            self.gc_dirty = false;
            (self.gc_alive, self.gc_t) = (self.last.supernodes_alive, t);
        }
    }

    /// A serving slot stops: its clients are orphaned into its group's pool.
    pub(crate) fn fail(&mut self, i: usize, s: SlotState, c: Cause, until: u32) -> u32 {
        let orphans = std::mem::take(&mut self.attached[i]);
        self.orphaned_now[i] = orphans;
        self.state[i] = s;
        self.cause[i] = c;
        self.timer[i] = until;
        self.since[i] = self.minute + 1;
        self.load[i] = 0.0;
        self.ewma[i] = 0.0;
        self.gc_dirty = true;
        orphans
    }

    pub(crate) fn ordinary_alive(&self) -> usize {
        self.state[..self.n_ord].iter().filter(|s| s.serving()).count()
    }

    /// Counts a host lost to the trigger itself, once per slot that was serving at the trigger.
    pub(crate) fn count_first_wave(&mut self, i: usize, t: u32) {
        let in_window = self.trigger_min.is_some_and(|tm| t >= tm) && (self.im_backlog > 0.0 || t < self.im_overload_until || t < self.mass_restart_until);
        if in_window && self.first_wave_pending.get(i).copied().unwrap_or(false) {
            self.first_wave_pending[i] = false;
            self.first_wave_lost += 1;
        }
    }
}

/// a × n / d without overflow; 0 when d is 0.
pub(crate) fn share(a: f64, n: f64, d: f64) -> f64 {
    if d > 0.0 { a * (n / d).min(1.0) } else { 0.0 }
}
