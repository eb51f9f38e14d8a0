//! Cache groups: the neighbourhoods a client's host cache is learned from.
//!
//! A Skype client keeps a host cache of up to ~200 supernodes it may connect to, learned from
//! the supernodes near it (Bremler-Barr & Goldschmidt 2011). So an orphaned client probes its
//! own neighbourhood first: the model splits the supernodes into groups of about that size
//! (smaller at the miniature scales), each with its own pools of peers waiting for service.
//! A storm is then local: a group whose survivors are swamped by its own orphans collapses,
//! while a strong group, or one in its local night, holds. Groups are drawn on the map.

use crate::world::LEVELS;
use serde::{Deserialize, Serialize};

/// A world region: where its groups sit on the map, its share of the supernodes and users,
/// and its clock (each region's demand peaks in its own afternoon).
pub struct Region {
    pub name: &'static str,
    pub code: &'static str,
    pub x: f32,
    pub y: f32,
    pub spread: f32,
    pub share: f32,
    pub utc_offset: f32,
}

/// A rough geographic picture: Skype's users were concentrated in Europe and North America.
pub const REGIONS: [Region; 7] = [
    Region { name: "North America", code: "NA", x: 0.22, y: 0.38, spread: 0.07, share: 0.27, utc_offset: -6.0 },
    Region { name: "South America", code: "SA", x: 0.31, y: 0.72, spread: 0.05, share: 0.07, utc_offset: -3.0 },
    Region { name: "Europe", code: "EU", x: 0.50, y: 0.34, spread: 0.055, share: 0.36, utc_offset: 1.0 },
    Region { name: "Africa", code: "AF", x: 0.53, y: 0.64, spread: 0.05, share: 0.04, utc_offset: 2.0 },
    Region { name: "West & South Asia", code: "AS", x: 0.68, y: 0.42, spread: 0.06, share: 0.08, utc_offset: 5.0 },
    Region { name: "East Asia", code: "EA", x: 0.81, y: 0.40, spread: 0.05, share: 0.12, utc_offset: 8.0 },
    Region { name: "Oceania", code: "OC", x: 0.85, y: 0.76, spread: 0.04, share: 0.06, utc_offset: 10.0 },
];

/// A consumer VoIP day, by local hour, relative to its evening peak: low at night, rising
/// through the morning, highest in the evening (our assumption of the shape; the amplitude is
/// a parameter).
const DAY: [f64; 24] = [
    0.62, 0.50, 0.41, 0.36, 0.33, 0.34, 0.40, 0.50, 0.61, 0.70, 0.76, 0.80, //
    0.82, 0.83, 0.84, 0.85, 0.86, 0.87, 0.89, 0.93, 0.97, 1.00, 0.92, 0.76,
];

/// The largest group: a host cache holds up to ~200 supernodes.
pub const HOST_CACHE: usize = 200;

/// How a group is doing, for the map and the event log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[repr(u8)]
pub enum GroupState {
    /// Most of its users have service.
    #[default]
    Healthy,
    /// Losing service: many of its users are retrying.
    Storm,
    /// Collapsed: few of its users have service.
    Down,
    /// Coming back after a collapse.
    Recovering,
}

impl GroupState {
    /// Service share (online over expected) below which a group counts as down, and above
    /// which a down group counts as recovering and then healthy.
    pub const DOWN_BELOW: f64 = 0.3;
    pub const STORM_BELOW: f64 = 0.8;
    pub const HEALTHY_ABOVE: f64 = 0.85;

    /// The next state from the service share (hysteresis: a down group recovers through
    /// `Recovering`, never straight back to `Healthy`).
    pub fn next(self, service: f64) -> GroupState {
        use GroupState::*;
        match self {
            Healthy | Storm if service < Self::DOWN_BELOW => Down,
            Healthy if service < Self::STORM_BELOW => Storm,
            Storm if service >= Self::HEALTHY_ABOVE => Healthy,
            Down if service >= Self::DOWN_BELOW + 0.1 => Recovering,
            Recovering if service >= Self::HEALTHY_ABOVE => Healthy,
            Recovering if service < Self::DOWN_BELOW => Down,
            s => s,
        }
    }
}

/// One cache group: its slots, its place, and the peers of its neighbourhood by what they are
/// doing. Pools are expected counts (f64): at real scale a group holds ~100,000 peers.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Group {
    /// Its user-run supernode slots: `start..end`.
    pub start: u32,
    pub end: u32,
    pub region: u8,
    /// The nearest groups: where its clients' other cache entries are.
    pub near: Vec<u16>,
    /// "EU-3": region code and number.
    pub label: String,
    pub x: f32,
    pub y: f32,
    /// Radius on the map (unit square).
    pub r: f32,
    /// Share of the world's users who live here.
    pub weight: f64,
    /// Share of its users on the buggy 5.0.0.152 (updates spread unevenly: around
    /// `buggy_share`, by `buggy_spread`).
    pub buggy_share: f64,
    pub state: GroupState,
    /// Minute of the last state change.
    pub since: u32,
    /// Online over expected, last minute.
    pub service: f64,
    /// Peers ready to be promoted here (online long enough, public address), in slots: a
    /// vacancy takes one. They come back slowly, and only where users have service.
    pub(crate) ready: f64,
    /// Clients whose supernode just stopped and who have not noticed yet (keep-alive rounds).
    pub(crate) noticing: f64,
    pub(crate) noticing_buggy: f64,
    /// Users retrying by back-off level (level 0 tries hardest).
    pub(crate) retry: [f64; LEVELS],
    pub(crate) retry_buggy: f64,
    /// Signing in at the login servers.
    pub(crate) login: f64,
    pub(crate) login_buggy: f64,
    /// Clients crashed on the bug (all 5.0.0.152), until their users restart them.
    pub(crate) down: f64,
    /// Users rebooting (patch day), back in a few minutes.
    pub(crate) rebooting: f64,
    /// Users who gave up for now.
    pub(crate) resting: f64,
    pub(crate) resting_buggy: f64,
    /// Connected to a supernode or mega-supernode of this group.
    pub(crate) attached: f64,
    pub(crate) attached_buggy: f64,
    /// Ordinary slots serving, and accepting new clients, last minute.
    pub(crate) alive: u32,
    pub(crate) accepting: u32,
    /// Extra log-off chance a minute of its connected clients: the evening decline.
    pub(crate) off_extra: f64,
}

impl Group {
    pub fn slots(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn size(&self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn retrying(&self) -> f64 {
        self.retry.iter().sum()
    }
    /// Everyone of this neighbourhood who wants service now.
    pub fn wanting(&self) -> f64 {
        self.attached + self.noticing + self.retrying() + self.login + self.down + self.rebooting + self.resting
    }
    /// Users without service (retrying, signing in, crashed, rebooting or given up).
    pub fn unserved(&self) -> f64 {
        self.wanting() - self.attached
    }
    pub fn gave_up(&self) -> f64 {
        self.resting
    }
    /// Users signing in at the login servers.
    pub fn login_now(&self) -> f64 {
        self.login
    }
    /// User-run supernodes serving at the end of the last minute.
    pub fn alive_now(&self) -> u32 {
        self.alive
    }
    /// Users connected (to its supernodes or its megas).
    pub fn online(&self) -> f64 {
        self.attached
    }
}

/// The group size for `n` user-run supernodes: a host cache (200) at real scale; at the
/// miniature scales, a dozen or so neighbourhoods (at least 6 slots each), so the storm has
/// room to spread from one to the next.
pub fn group_size(n: usize) -> usize {
    n.div_ceil(MINIATURE_GROUPS).clamp(MIN_GROUP, HOST_CACHE).min(n.max(1))
}

/// Neighbourhoods of a miniature network, and the fewest slots a neighbourhood has.
const MINIATURE_GROUPS: usize = 14;
const MIN_GROUP: usize = 6;

/// The demand of a region at `hour_utc`, relative to its own peak: the day's shape scaled so
/// that the night's low is 1 − 2·amplitude of the peak.
pub fn regional_demand(region: &Region, hour_utc: f64, amplitude: f64) -> f64 {
    let local = (hour_utc + f64::from(region.utc_offset)).rem_euclid(24.0);
    let h = local.floor() as usize % 24;
    let frac = local - local.floor();
    let shape = DAY[h] + (DAY[(h + 1) % 24] - DAY[h]) * frac;
    let low = DAY.iter().copied().fold(1.0, f64::min);
    1.0 - 2.0 * amplitude * (1.0 - shape) / (1.0 - low)
}
