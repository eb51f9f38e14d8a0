//! A compact read-only view of the world for the renderer: flat arrays, no copies.

use crate::world::World;

/// Borrowed flat arrays, indexed by supernode slot. Slots `ordinary..` are mega-supernodes.
pub struct Snapshot<'a> {
    pub minute: u32,
    pub ordinary: usize,
    pub sn_x: &'a [f32],
    pub sn_y: &'a [f32],
    /// `world::state::*`.
    pub sn_state: &'a [u8],
    /// `world::cause::*` of the last failure.
    pub sn_cause: &'a [u8],
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
            retrying: self.retry_total,
            login_queue: self.login_queue,
            crashed_clients: self.down_total,
            im_delayed: self.im_delayed,
        }
    }
}
