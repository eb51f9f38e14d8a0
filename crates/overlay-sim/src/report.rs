//! What a step reports: the metrics row and the discrete events the view animates, the
//! inspector explains and the story and timeline markers come from.

use serde::{Deserialize, Serialize};

/// One row of the series: one simulated minute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub t_min: u32,
    /// Peers connected to a supernode (they have service).
    pub online_peers: u64,
    /// Peers that would be online at this time of day.
    pub expected_peers: u64,
    /// User-run supernodes serving.
    pub supernodes_alive: u32,
    /// Operator mega-supernodes serving.
    pub mega_supernodes: u32,
    /// Mean and max offered load over capacity of the live supernodes.
    pub mean_sn_load: f64,
    pub max_sn_load: f64,
    /// Signalling a live supernode receives over what it receives normally at this time of day
    /// (Rabbe: the remaining supernodes got ~100× their normal load).
    pub signalling_ratio: f64,
    /// Fraction of live supernodes in the largest component of the live mesh.
    pub giant_component: f64,
    /// Sign-ins waiting at the login servers.
    pub login_queue: u64,
    pub retrying_peers: u64,
    /// Clients crashed or rebooting, waiting for their users.
    pub crashed_clients: u64,
    /// Users who gave up trying for now (they come back later, or tomorrow).
    pub gave_up: u64,
    /// Cache groups whose users mostly have no service.
    pub groups_down: u32,
    /// Share of offline-IM requests answered late (what crashes 5.0.0.152).
    pub im_delayed_share: f64,
    /// Peers that joined a supernode, and peers orphaned, this minute.
    pub accepted: u64,
    pub orphaned: u64,
}

impl Metrics {
    pub fn online_fraction(&self) -> f64 {
        if self.expected_peers == 0 { 0.0 } else { self.online_peers as f64 / self.expected_peers as f64 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// A supernode's host ran 5.0.0.152 and crashed on a delayed offline-IM reply.
    Crash,
    /// The safeguard shut a supernode down; `value` is its load over capacity.
    OverloadShutdown,
    /// A shut-down supernode is serving again.
    Restart,
    /// A peer finished promotion and serves as a supernode.
    Promotion,
    /// A supernode host rebooted (patch day).
    Rebooted,
    /// Killed by the scenario or the user.
    Killed,
    /// A mega-supernode arrived, sent to the group in `group`.
    MegaArrival,
    ImOverload,
    MassRestart,
    GroupVideoOff,
    /// The 2007 resource-allocation bug: no new supernode can be promoted.
    PromotionBroken,
    /// Skype's fix for it.
    PromotionFixed,
    ParamChanged,
    /// A cache group collapsed: few of its users have service (`value`: its service share).
    GroupDown,
    /// A collapsed group is healthy again.
    GroupRecovered,
}

impl EventKind {
    pub fn changes_mesh(self) -> bool {
        matches!(self, EventKind::Crash | EventKind::OverloadShutdown | EventKind::Restart | EventKind::Promotion | EventKind::Rebooted | EventKind::Killed | EventKind::MegaArrival)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub minute: u32,
    pub kind: EventKind,
    /// The supernode slot, or u32::MAX for group and network-wide events.
    pub sn: u32,
    /// The cache group, or u16::MAX for network-wide events.
    pub group: u16,
    pub value: f32,
}

impl Event {
    pub(crate) fn network(minute: u32, kind: EventKind, value: f32) -> Event {
        Event { minute, kind, sn: u32::MAX, group: u16::MAX, value }
    }
}

#[derive(Clone, Debug, Default)]
pub struct StepReport {
    pub metrics: Metrics,
    pub events: Vec<Event>,
}

/// A user's action in the sandbox.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Kill(u32),
    InjectMega { x: f32, y: f32 },
    /// A live parameter change (structural ones — scale, seed, peers, supernodes — need a new world).
    Set { key: String, value: String },
}

/// What the user did this minute.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inputs {
    pub actions: Vec<Action>,
}

impl Inputs {
    pub fn none() -> Inputs {
        Inputs::default()
    }
}
