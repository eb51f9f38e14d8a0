//! What a supernode slot is doing, and why it last stopped serving.

use serde::{Deserialize, Serialize};

/// A slot's state, as stored in the world and read by the renderer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum SlotState {
    /// Serving clients (in probation for `probation_min` after a restart or promotion).
    #[default]
    Alive,
    /// The host's client crashed (the 5.0.0.152 bug or a kill); waiting for its user to restart it.
    Crashed,
    /// The overload safeguard shut it down; restarting.
    Shutdown,
    /// A peer is being promoted into this slot (uptime check).
    Promoting,
    /// The host went offline (churn or a reboot); no supernode here until a peer is promoted.
    Vacant,
    /// A mega-supernode slot not yet injected.
    Idle,
}

impl SlotState {
    pub fn serving(self) -> bool {
        self == SlotState::Alive
    }
    /// Down because something went wrong (not churn, not an unused mega slot).
    pub fn failed(self) -> bool {
        matches!(self, SlotState::Crashed | SlotState::Shutdown)
    }
}

/// Why a slot last stopped serving, for the inspector and the event log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum Cause {
    #[default]
    None,
    /// The 5.0.0.152 client crashed on a late offline-IM reply.
    Bug,
    /// The safeguard shut it down under excessive load.
    Overload,
    /// Killed by the scenario or the user.
    Killed,
    /// The host went offline (normal churn).
    Churn,
    /// The host rebooted (patch day).
    Reboot,
}
