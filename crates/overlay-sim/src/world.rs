//! The world: supernode slots as flat arrays, cache groups with their peer pools, the servers.
//!
//! Slots `0..n_ord` are user-run supernodes, sorted by cache group (group g owns a contiguous
//! range, so the hot pass walks a group's slots together); `n_ord..` are operator
//! mega-supernodes, idle until injected. Peers are never individual structs: each supernode
//! holds a count of attached clients, and the peers without service sit in their group's pools.

use crate::group::{group_size, regional_demand, Group, REGIONS};
use crate::mesh::Mesh;
use crate::params::Params;
use crate::rng::Rng;
use crate::scenario::{Scenario, ScriptedEvent};
use crate::slot::{Cause, SlotState};
use std::sync::Arc;

/// Back-off levels tracked per group (level 0 tries hardest; each failure moves a client up).
pub(crate) const LEVELS: usize = 8;
/// Extra mega slots the sandbox user can inject by hand.
pub const USER_MEGAS: usize = 16;
/// The least capacity over normal peak load a neighbourhood has per user: room for its own
/// users' clients plus a tenth to spare (our assumption).
pub(crate) fn h_min() -> f64 { 1.1 / f64::from(CLIENT_SHARE) }
/// The least capacity over normal peak load a promoted host has: enough to hold 0.66 of a mean
/// supernode's clients (our figure). Clients attach in proportion to capacity, so weak hosts
/// carry fewer; but a neighbourhood's probes fall on every host alike, so in a storm the weak
/// ones trip first. Hosts differ far more than neighbourhoods do (Baset & Schulzrinne 2006).
pub(crate) fn host_floor() -> f64 { 0.6 * h_min() }
/// A mesh link's routing load, as a share of a mean supernode's client count (our figure:
/// a supernode with 10 links spends a fifth of its normal load routing for the overlay).
pub(crate) const MESH_LINK_COST: f32 = 0.02;
/// Share of a supernode's capacity it lets clients fill; the rest is signalling room for
/// searches, presence and relaying (our figure, from the ~5 KB/s budget shared by several
/// hundred clients).
pub(crate) const CLIENT_SHARE: f32 = 0.367;
/// Where the operator's servers are drawn: login and offline-IM clusters.
pub const LOGIN_XY: (f32, f32) = (0.42, 0.07);
pub const IM_XY: (f32, f32) = (0.58, 0.07);

/// Everything a world is, minute to minute, is serialised ([`crate::resume`]) but what the
/// minute-0 world of the same scenario already has: the mesh, the script and the buffers.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct World {
    pub(crate) p: Params,
    pub(crate) name: String,
    pub(crate) start_unix: Option<i64>,
    pub(crate) trigger_min: Option<u32>,
    #[serde(skip)]
    pub(crate) script: Arc<Vec<ScriptedEvent>>,
    #[serde(skip)]
    pub(crate) mesh: Arc<Mesh>,
    pub(crate) rng: Rng,
    pub(crate) minute: u32,

    pub(crate) n_ord: usize,
    pub(crate) n_scripted_megas: usize,
    pub(crate) mega_next: usize,
    pub(crate) user_mega_next: usize,
    pub(crate) groups: Vec<Group>,
    /// Each slot's group (megas: the group they were sent to, or `u16::MAX` while idle).
    #[serde(skip)]
    pub(crate) group_of: Vec<u16>,
    /// Peak demand normaliser: the world's demand curve peaks at `peers`.
    pub(crate) demand_norm: f64,
    /// Mean clients per user-run supernode at the daily peak.
    pub(crate) clients_mean: f32,
    /// Per-slot arrays that rarely change are shared between clones (checkpoints stay small);
    /// `Arc::make_mut` copies them on the rare write (a mega-supernode placed in its group).
    /// A saved run holds only the slots where they differ from the start (`crate::resume`).
    #[serde(skip)]
    pub(crate) x: Arc<Vec<f32>>,
    #[serde(skip)]
    pub(crate) y: Arc<Vec<f32>>,
    /// Capacity in load units a minute (a connected client costs one unit).
    #[serde(skip)]
    pub(crate) cap: Arc<Vec<f32>>,
    /// Load a supernode carries for its mesh links (searches and presence it routes for neighbours).
    #[serde(skip)]
    pub(crate) mesh_load: Arc<Vec<f32>>,
    pub(crate) state: Vec<SlotState>,
    pub(crate) timer: Vec<u32>,
    pub(crate) since: Vec<u32>,
    pub(crate) buggy: Vec<bool>,
    /// The crash hazard at which each 5.0.0.152 host crashes (infinite on other versions).
    /// Stratified at the start like capacities, so a miniature loses its fair share.
    pub(crate) crash_mark: Vec<f32>,
    /// The crash hazard a running 5.0.0.152 host has taken so far this run.
    pub(crate) crash_dose: f64,
    pub(crate) cause: Vec<Cause>,
    pub(crate) cause_load: Vec<f32>,
    pub(crate) attached: Vec<u32>,
    /// Offered load over capacity this minute, and its two-minute average (what the safeguard reads).
    pub(crate) load: Vec<f32>,
    pub(crate) ewma: Vec<f32>,
    pub(crate) orphaned_now: Vec<u32>,
    pub(crate) accepted_now: Vec<u32>,

    /// Offline-IM requests waiting (a backlog drains after an overload: late replies go on).
    pub(crate) im_backlog: f64,
    pub(crate) im_overload_until: u32,
    /// While overloaded, the offline-IM cluster serves this share of each minute's requests, and
    /// never more than `im_overload_capacity` a minute (that share of the requests at the start).
    pub(crate) im_overload_share: f64,
    pub(crate) im_overload_capacity: f64,
    pub(crate) crash_hazard: f64,
    /// Delayed-reply exposure left in the current offline-IM episode.
    pub(crate) crash_exposure_left: f64,
    pub(crate) im_delayed: f64,
    pub(crate) group_video: bool,
    /// Patch day: hosts reboot at this rate a minute until the minute given.
    pub(crate) mass_restart_until: u32,
    pub(crate) mass_restart_rate: f32,
    /// The 2007 resource-allocation bug: no peer is promoted to supernode while it is on.
    pub(crate) promotion_broken: bool,
    pub(crate) login_served: f64,
    /// Clients the bootstrap servers gave fresh addresses to, last minute.
    pub(crate) bootstrap_served: f64,
    /// Each region's demand at minute `demand_t` (relative to its own peak).
    pub(crate) demand_now: Vec<f64>,
    pub(crate) demand_t: u32,
    pub(crate) gc: f64,
    pub(crate) gc_dirty: bool,
    /// Serving user-run slots at the last giant-component pass, and its minute.
    pub(crate) gc_alive: u32,
    pub(crate) gc_t: u32,
    pub(crate) first_wave_lost: u32,
    pub(crate) alive_at_trigger: u32,
    /// Slots serving at the trigger and not yet counted in the first wave.
    pub(crate) first_wave_pending: Vec<bool>,
    pub(crate) last: crate::Metrics,
    /// Reused buffers of the step (kept to avoid allocating every minute).
    #[serde(skip)]
    pub(crate) scratch: crate::step::Scratch,
    /// State of the design's own serving tier (issue 16; unused by skype-2010).
    pub(crate) design: crate::design::DesignState,
}

/// Mean online peers per user-run supernode slot.
fn clients_per_supernode(peers: u64, n_ord: usize) -> f32 {
    (peers.max(1) as f64 / n_ord as f64) as f32
}

/// A world built a stage at a time — the layout; the capacities; the mesh; the hosts and
/// peers — so a browser can spread a real-scale network's construction over a few tasks
/// (each a few ms natively, under 100 ms on a phone-class CPU). The stages draw from one
/// random stream in order: the same world as [`World::new`].
pub struct WorldBuild {
    sc: Scenario,
    rng: Rng,
    layout: Option<Layout>,
    /// The layout half made (the first stage places half the groups).
    laying: Option<LayoutBuild>,
    /// Capacities of every slot and the mesh degree each user-run slot wants.
    caps: Option<(Vec<f32>, Vec<u32>)>,
    /// The mesh's stubs, shuffled (the mesh is built in two stages).
    stubs: Option<Vec<u32>>,
    mesh: Option<Mesh>,
}

impl WorldBuild {
    pub fn new(sc: &Scenario) -> WorldBuild {
        WorldBuild { sc: sc.clone(), rng: Rng::new(sc.params.seed), layout: None, laying: None, caps: None, stubs: None, mesh: None }
    }

    /// Runs the next stage; returns the world after the last (call no more after that).
    pub fn advance(&mut self) -> Option<World> {
        let p = &self.sc.params;
        let n_ord = (p.supernodes as usize).max(1);
        let n = n_ord + self.sc.scripted_megas() as usize + USER_MEGAS;
        let Some(layout) = self.layout.as_ref() else {
            match self.laying.take() {
                None => {
                    let mut b = LayoutBuild::new(n_ord, &mut self.rng);
                    b.place(p, b.count / 2, &mut self.rng);
                    self.laying = Some(b);
                }
                Some(mut b) => {
                    b.place(p, b.count, &mut self.rng);
                    self.layout = Some(b.finish());
                }
            }
            return None;
        };
        let Some((_, want_degree)) = self.caps.as_ref() else {
            let clients_mean = clients_per_supernode(p.peers, n_ord);
            // Capacity is sized to what a *serving* supernode carries: at steady state a share of
            // the slots is between hosts (longer-lived hosts at the miniature scales, fewer gaps).
            let gap = f64::from(crate::step::VACANCY_GAP + p.promotion_min);
            let serving = 1.0 - gap / (f64::from(p.sn_session_min) + gap);
            let (mut cap, want_degree) = capacities(p, layout, clients_mean * normal_unit(p) / serving as f32, &mut self.rng);
            cap.resize(n, p.mega_capacity_factor as f32 * clients_mean / CLIENT_SHARE);
            self.caps = Some((cap, want_degree));
            return None;
        };
        if self.mesh.is_none() {
            // Megas get no mesh links of their own: they are reached through the operator's
            // servers, and the giant component is a property of the user-run mesh.
            match self.stubs.take() {
                None => self.stubs = Some(Mesh::shuffled_stubs(want_degree, &mut self.rng)),
                Some(stubs) => self.mesh = Some(Mesh::pair(n, &stubs)),
            }
            return None;
        }
        let (layout, (cap, _), mesh) = (self.layout.take()?, self.caps.take()?, self.mesh.take()?);
        let rng = std::mem::replace(&mut self.rng, Rng::new(0));
        Some(World::assemble(&self.sc, rng, layout, cap, mesh))
    }
}

impl World {
    /// Builds the network of a scenario: groups, positions, capacities, the mesh and the
    /// initial peers in steady state at the scenario's start (every stage of [`WorldBuild`]).
    pub fn new(sc: &Scenario) -> World {
        let mut build = WorldBuild::new(sc);
        loop {
            if let Some(w) = build.advance() {
                return w;
            }
        }
    }

    /// The last stage of a build: the hosts, the world and its peers in steady state.
    fn assemble(sc: &Scenario, mut rng: Rng, layout: Layout, cap: Vec<f32>, mesh: Mesh) -> World {
        let p = sc.params.clone();
        let n_ord = layout.x.len();
        let n = cap.len();
        let n_scripted_megas = sc.scripted_megas() as usize;
        let clients_mean = clients_per_supernode(p.peers, n_ord);
        let mut x = layout.x;
        let mut y = layout.y;
        x.resize(n, 0.5);
        y.resize(n, 0.1);
        let mesh_load = Arc::new(mesh.degree.iter().map(|&k| k as f32 * MESH_LINK_COST * clients_mean).collect());
        let buggy = buggy_hosts(&p, &layout.groups, n, &mut rng);
        let crash_mark = crash_marks(&buggy, &mut rng);
        let mut group_of = layout.group_of;
        group_of.resize(n, u16::MAX);
        let demand_norm = demand_norm(&layout.groups, p.diurnal_amplitude);
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
            groups: layout.groups,
            group_of,
            demand_norm,
            clients_mean,
            x: Arc::new(x),
            y: Arc::new(y),
            mesh_load,
            cap: Arc::new(cap),
            state: vec![SlotState::Alive; n],
            timer: vec![0; n],
            since: vec![0; n],
            buggy,
            crash_mark,
            crash_dose: 0.0,
            cause: vec![Cause::None; n],
            cause_load: vec![0.0; n],
            attached: vec![0; n],
            load: vec![0.0; n],
            ewma: vec![0.0; n],
            orphaned_now: vec![0; n],
            accepted_now: vec![0; n],
            im_backlog: 0.0,
            im_overload_until: 0,
            im_overload_share: 1.0,
            im_overload_capacity: f64::INFINITY,
            crash_hazard: 0.0,
            crash_exposure_left: 0.0,
            im_delayed: 0.0,
            group_video: true,
            mass_restart_until: 0,
            mass_restart_rate: 0.0,
            promotion_broken: false,
            login_served: 0.0,
            bootstrap_served: 0.0,
            demand_now: Vec::new(),
            demand_t: u32::MAX,
            gc: 1.0,
            gc_dirty: true,
            gc_alive: 0,
            gc_t: 0,
            first_wave_lost: 0,
            alive_at_trigger: 0,
            first_wave_pending: vec![],
            last: crate::Metrics::default(),
            scratch: crate::step::Scratch::default(),
            design: crate::design::DesignState::default(),
            rng,
            p,
        };
        w.state[n_ord..].fill(SlotState::Idle);
        // Other designs (issue 16) replace the supernode slots over the same groups.
        if w.p.design == crate::design::Design::Skype2010 {
            w.settle_initial_peers();
        } else {
            w.build_design();
        }
        w.last = w.metrics();
        w
    }

    /// Steady state at minute 0: the slots between hosts are being promoted, and each group's
    /// online users are spread over its live supernodes.
    fn settle_initial_peers(&mut self) {
        let gap = crate::step::VACANCY_GAP + self.p.promotion_min;
        let vacant_share = f64::from(gap) / f64::from(self.p.sn_session_min + gap);
        for i in 0..self.n_ord {
            if self.rng.f64() < vacant_share {
                self.state[i] = SlotState::Promoting;
                self.timer[i] = 1 + self.rng.below(gap as usize) as u32;
            }
        }
        let unit = normal_unit(&self.p);
        for g in 0..self.groups.len() {
            let e = self.expected_in(g, 0);
            let slots = self.groups[g].slots();
            // Each live supernode holds clients in proportion to what it can hold.
            let limit = |i: usize| self.cap[i] * CLIENT_SHARE / unit;
            let alive = slots.clone().filter(|&i| self.state[i].serving()).count();
            let room: f32 = slots.clone().filter(|&i| self.state[i].serving()).map(limit).sum();
            let fill = (e as f32 / room.max(1.0)).min(1.0);
            let mut total = 0u64;
            for i in slots {
                if self.state[i].serving() {
                    let a = crate::rng::sround(limit(i) * fill, self.rng.f64() as f32).min(limit(i) as u32);
                    self.attached[i] = a;
                    total += u64::from(a);
                }
            }
            let gr = &mut self.groups[g];
            gr.alive = alive as u32;
            gr.accepting = alive as u32;
            gr.attached = total as f64;
            gr.attached_buggy = total as f64 * gr.buggy_share;
            gr.retry[0] = (e - total as f64).max(0.0);
            gr.retry_buggy = gr.retry[0] * gr.buggy_share;
            gr.service = 1.0;
            gr.ready = (crate::step::READY_SHARE * gr.size() as f64).max(1.0);
        }
    }

    /// Peers expected online at minute `t` (each region's demand peaks in its own afternoon).
    pub fn expected(&self, t: u32) -> u64 {
        (0..self.groups.len()).map(|g| self.expected_in(g, t)).sum::<f64>() as u64
    }

    /// Peers of group `g` expected online at minute `t`.
    pub(crate) fn expected_in(&self, g: usize, t: u32) -> f64 {
        let gr = &self.groups[g];
        let demand = match self.demand_now.get(gr.region as usize) {
            Some(&d) if self.demand_t == t => d,
            _ => regional_demand(&REGIONS[gr.region as usize], self.hour_utc(t), self.p.diurnal_amplitude),
        };
        self.p.peers as f64 * gr.weight * demand / self.demand_norm
    }

    /// Works out each region's demand for minute `t` once (the stages ask for it per group).
    pub(crate) fn cache_demand(&mut self, t: u32) {
        let hour = self.hour_utc(t);
        let amplitude = self.p.diurnal_amplitude;
        self.demand_now.clear();
        self.demand_now.extend(REGIONS.iter().map(|r| regional_demand(r, hour, amplitude)));
        self.demand_t = t;
    }

    pub(crate) fn hour_utc(&self, t: u32) -> f64 {
        crate::clock::hour_of_day(self.start_unix.unwrap_or(43_200) + i64::from(t) * 60)
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
    /// The cache groups.
    pub fn groups(&self) -> &[Group] {
        &self.groups
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

/// Where the groups and their supernodes sit, and which slot belongs to which group.
struct Layout {
    groups: Vec<Group>,
    group_of: Vec<u16>,
    x: Vec<f32>,
    y: Vec<f32>,
}

/// Group k's region: the region at quantile (k + ½)/count of the regions' shares, so every
/// region gets groups in proportion and a classroom's few groups go to the big regions.
fn region_of(k: usize, count: usize) -> usize {
    let total_share: f32 = REGIONS.iter().map(|r| r.share).sum();
    let mut q = (k as f32 + 0.5) / count as f32 * total_share;
    REGIONS.iter().position(|r| {
        q -= r.share;
        q <= 0.0
    })
    .unwrap_or(2)
}

/// A layout being made, group by group: at real scale its normal draws are a long task in the
/// browser, so a build makes it in two stages (the draws come in the same order either way).
struct LayoutBuild {
    count: usize,
    n_ord: usize,
    in_region: [usize; REGIONS.len()],
    strata: Vec<u32>,
    version_strata: Vec<u32>,
    seen: [usize; REGIONS.len()],
    density: Vec<f64>,
    done: Layout,
}

impl LayoutBuild {
    fn new(n_ord: usize, rng: &mut Rng) -> LayoutBuild {
        let size = group_size(n_ord);
        let count = n_ord.div_ceil(size).max(1);
        let mut in_region = [0usize; REGIONS.len()];
        for k in 0..count {
            in_region[region_of(k, count)] += 1;
        }
        let strata = shuffled(count, rng);
        let version_strata = shuffled(count, rng);
        let done = Layout { groups: Vec::with_capacity(count), group_of: Vec::with_capacity(n_ord), x: Vec::with_capacity(n_ord), y: Vec::with_capacity(n_ord) };
        LayoutBuild { count, n_ord, in_region, strata, version_strata, seen: [0; REGIONS.len()], density: Vec::with_capacity(count), done }
    }

    /// Places the groups up to `until` (of `count`) and their supernodes.
    fn place(&mut self, p: &Params, until: usize, rng: &mut Rng) {
        let (count, n_ord, in_region) = (self.count, self.n_ord, self.in_region);
        let (strata, version_strata) = (&self.strata, &self.version_strata);
        let (seen, density) = (&mut self.seen, &mut self.density);
        let Layout { groups, group_of, x, y } = &mut self.done;
        for k in groups.len()..until.min(count) {
            let r = region_of(k, count);
            let reg = &REGIONS[r];
            seen[r] += 1;
            let start = k * n_ord / count;
            let end = (k + 1) * n_ord / count;
            // Groups of a region share its area: a radius that tiles it roughly.
            let radius = (1.7 * reg.spread / (in_region[r] as f32).sqrt()).clamp(0.012, 0.09);
            let cx = (reg.x + reg.spread * rng.normal() as f32).clamp(0.04, 0.96);
            let cy = (reg.y + 0.8 * reg.spread * rng.normal() as f32).clamp(0.18, 0.95);
            for _ in start..end {
                x.push((cx + 0.45 * radius * rng.normal() as f32).clamp(0.01, 0.99));
                y.push((cy + 0.45 * radius * rng.normal() as f32).clamp(0.14, 0.99));
                group_of.push(k as u16);
            }
            // Capacity per user of this neighbourhood, above the least that carries its normal
            // day: log-normal around 1 + headroom. Its users per supernode follow from it.
            // How far the 5.0 update had spread here (stratified too, in its own order).
            let zb = crate::world::inverse_normal((f64::from(version_strata[k]) + 0.5) / count as f64);
            let sb = p.buggy_spread;
            let buggy_share = (p.buggy_share * libm::exp(sb * zb - sb * sb / 2.0)).min(1.0);
            let (sigma, mean) = (p.group_spread, 1.0 + p.capacity_headroom);
            let z = crate::world::inverse_normal((f64::from(strata[k]) + 0.5) / count as f64);
            let per_user = h_min().min(mean) + (mean - h_min()).max(0.0) * libm::exp(sigma * z - sigma * sigma / 2.0);
            density.push(mean / per_user);
            groups.push(Group {
                start: start as u32,
                end: end as u32,
                region: r as u8,
                label: format!("{}-{}", reg.code, seen[r]),
                x: cx,
                y: cy,
                r: radius,
                weight: (end - start) as f64 * density[k],
                buggy_share,
                ..Group::default()
            });
        }
    }

    fn finish(self) -> Layout {
        let Layout { mut groups, group_of, x, y } = self.done;
        link_neighbours(&mut groups);
        // Regions differ in how many of their peers can serve (public IP, broadband): so
        // neighbourhoods differ in users per supernode, and some have less room to spare.
        let total: f64 = groups.iter().map(|g| g.weight).sum();
        for g in &mut groups {
            g.weight /= total.max(1e-9);
        }
        Layout { groups, group_of, x, y }
    }
}

/// Which hosts run 5.0.0.152: exactly the group's share among its supernode hosts (Windows
/// desktops, so `buggy_share / windows_share` of them), in random slots.
fn buggy_hosts(p: &Params, groups: &[Group], n: usize, rng: &mut Rng) -> Vec<bool> {
    let mut buggy = vec![false; n];
    for g in groups {
        let share = (g.buggy_share / p.windows_share).min(1.0);
        let order = shuffled(g.size(), rng);
        let k = (share * g.size() as f64).round() as u32;
        for (j, i) in g.slots().enumerate() {
            buggy[i] = order[j] < k;
        }
    }
    buggy
}

/// Each 5.0.0.152 host's crash mark: exponential quantiles in random order, so that whatever
/// total hazard the episode brings, the share of buggy hosts that crash follows it exactly
/// (1 − e^−dose) rather than by chance — 8 of 20 in a miniature, not 2 on an unlucky seed.
fn crash_marks(buggy: &[bool], rng: &mut Rng) -> Vec<f32> {
    let hosts: Vec<usize> = (0..buggy.len()).filter(|&i| buggy[i]).collect();
    let strata = shuffled(hosts.len(), rng);
    let mut mark = vec![f32::INFINITY; buggy.len()];
    for (k, &i) in hosts.iter().enumerate() {
        let q = (f64::from(strata[k]) + 0.5) / hosts.len() as f64;
        mark[i] = -libm::log(1.0 - q) as f32;
    }
    mark
}

/// Each group's nearest groups on the map (a client's cache entries outside its own
/// neighbourhood are mostly in the next ones).
fn link_neighbours(groups: &mut [Group]) {
    let pos: Vec<(f32, f32)> = groups.iter().map(|g| (g.x, g.y)).collect();
    for (k, g) in groups.iter_mut().enumerate() {
        let d = |j: usize| (pos[j].0 - pos[k].0) * (pos[j].0 - pos[k].0) + (pos[j].1 - pos[k].1) * (pos[j].1 - pos[k].1);
        // Nearer, or as near and listed first: a total order, so the nearest few are one list.
        let before = |a: usize, b: usize| d(a).total_cmp(&d(b)).then(a.cmp(&b)).is_lt();
        // Only a handful are wanted: each group goes into the short list in order, or not at all
        // (a selection and a sort per group were a tenth of building a real-scale world).
        let mut near: Vec<usize> = Vec::with_capacity(NEIGHBOURS + 1);
        for j in (0..pos.len()).filter(|&j| j != k) {
            if near.len() == NEIGHBOURS && !near.last().is_some_and(|&l| before(j, l)) {
                continue;
            }
            let at = near.partition_point(|&x| before(x, j));
            near.insert(at, j);
            near.truncate(NEIGHBOURS);
        }
        g.near = near.into_iter().map(|j| j as u16).collect();
    }
}

/// Neighbouring groups per group.
const NEIGHBOURS: usize = 4;

/// Each slot's capacity (load units a minute) and wanted mesh degree. Capacity over the normal
/// peak load is at least `host_floor()` (promotion demands spare resources), mean 1 + headroom, with a
/// log-normal spread between hosts and a factor per group. Capacities are a stratified sample
/// (quantiles in random order), so a 30-supernode classroom is a fair miniature for every seed.
fn capacities(p: &Params, layout: &Layout, unit_load: f32, rng: &mut Rng) -> (Vec<f32>, Vec<u32>) {
    let n = layout.x.len();
    let strata = shuffled(n, rng);
    let sigma = p.capacity_spread;
    let mean = 1.0 + p.capacity_headroom;
    let (mut cap, mut want) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for k in 0..n {
        let z = inverse_normal((f64::from(strata[k]) + 0.5) / n as f64);
        let ln = libm::exp(sigma * z - sigma * sigma / 2.0);
        let h = host_floor().min(mean) + (mean - host_floor()).max(0.0) * ln;
        cap.push(h as f32 * unit_load);
        // Stronger hosts keep more mesh links: degree grows with the host's own strength (its
        // log-normal factor, not the floor every supernode must clear), at least 2.
        want.push(((3.0 * ln).round() as u32).clamp(2, 60));
    }
    (cap, want)
}

/// The largest total demand over a day, in units of `peers` (so the world peaks at `peers`).
fn demand_norm(groups: &[Group], amplitude: f64) -> f64 {
    let mut share = [0.0f64; REGIONS.len()];
    for g in groups {
        share[g.region as usize] += g.weight;
    }
    (0..24 * 12)
        .map(|k| {
            let h = f64::from(k) / 12.0;
            REGIONS.iter().zip(share).map(|(r, s)| s * regional_demand(r, h, amplitude)).sum::<f64>()
        })
        .fold(0.0, f64::max)
        .max(1e-9)
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
        tail((-2.0 * libm::log(p)).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * libm::log(1.0 - p)).sqrt())
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
