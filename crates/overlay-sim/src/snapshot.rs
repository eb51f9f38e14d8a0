//! A compact read-only view of the world for the renderer: flat arrays, no copies.

use crate::group::Group;
use crate::slot::{Cause, SlotState};
use crate::world::World;

/// Borrowed flat arrays, indexed by supernode slot. Slots `ordinary..` are mega-supernodes.
pub struct Snapshot<'a> {
    pub minute: u32,
    pub ordinary: usize,
    pub sn_x: &'a [f32],
    pub sn_y: &'a [f32],
    pub sn_state: &'a [SlotState],
    /// Why each slot last stopped serving.
    pub sn_cause: &'a [Cause],
    /// Each slot's cache group (megas: the group they serve; `u16::MAX` while idle).
    pub sn_group: &'a [u16],
    /// Offered load over capacity this minute.
    pub sn_load: &'a [f32],
    pub sn_attached: &'a [u32],
    pub sn_capacity: &'a [f32],
    pub sn_buggy: &'a [bool],
    /// Minute the slot entered its current state (for animations).
    pub sn_since: &'a [u32],
    pub sn_timer: &'a [u32],
    /// Load over capacity at the last overload shutdown.
    pub sn_cause_load: &'a [f32],
    pub orphaned_now: &'a [u32],
    pub accepted_now: &'a [u32],
    pub mesh_edges: &'a [[u32; 2]],
    pub degree: &'a [u32],
    /// The cache groups: where they are, how they are doing.
    pub groups: &'a [Group],
    /// Minutes a restarted or promoted supernode spends in probation.
    pub probation_min: u32,
    pub retrying: u64,
    pub login_queue: u64,
    pub crashed_clients: u64,
    pub im_delayed: f64,
}

impl World {
    pub fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            minute: self.minute,
            ordinary: self.n_ord,
            sn_x: &self.x,
            sn_y: &self.y,
            sn_state: &self.state,
            sn_cause: &self.cause,
            sn_group: &self.group_of,
            sn_load: &self.load,
            sn_attached: &self.attached,
            sn_capacity: &self.cap,
            sn_buggy: &self.buggy,
            sn_since: &self.since,
            sn_timer: &self.timer,
            sn_cause_load: &self.cause_load,
            orphaned_now: &self.orphaned_now,
            accepted_now: &self.accepted_now,
            mesh_edges: &self.mesh.edges,
            degree: &self.mesh.degree,
            groups: &self.groups,
            probation_min: self.p.probation_min,
            retrying: self.last.retrying_peers,
            login_queue: self.last.login_queue,
            crashed_clients: self.last.crashed_clients,
            im_delayed: self.im_delayed,
        }
    }
}
