//! # overlay-sim — how a two-tier P2P overlay loses its supernodes and comes back
//!
//! A compact, deterministic model of the Skype overlay of 2007–2010 and its two worldwide
//! outages (see `MODEL-FACTS.md` for the sources). Pure Rust: no clock, no browser, no OS
//! entropy — every step takes its state and inputs explicitly, and the same seed gives the same
//! run natively and in Wasm.
//!
//! ## The mechanism
//! * **Supernodes** are flat arrays indexed by slot: position, capacity (log-normal around
//!   `1 + capacity_headroom` times the normal peak load), state, attached clients, load.
//!   A supernode's load is its clients' signalling plus the **reconnection probes** that land on
//!   it plus joins. When its two-minute load exceeds capacity the **safeguard** shuts it down
//!   (`overload_shutdown`) for `restart_delay_min`; its clients are orphaned.
//! * **Peers** are cohorts: a count per supernode, and global pools of peers retrying (by due
//!   minute and back-off level), signing in at the login servers, and crashed or rebooting.
//!   Retrying peers probe `probe_fanout` supernodes from their random host caches per attempt,
//!   `attempts_per_min` times a minute under the immediate policy — so every orphan adds load
//!   to *every* live supernode: the reconnect storm. That is the feedback loop: overload →
//!   shutdown → more orphans → more load.
//! * **The 2010 trigger** is scripted as an input, not a metric: the offline-IM cluster's
//!   capacity drops; its delayed replies crash 5.0.0.152 clients (`buggy_share`,
//!   `crash_fraction`), including supernode hosts. **Mega-supernodes** (operator-run, much
//!   larger, no safeguard) arrive in waves; peers reach them through the operator's servers.
//! * **The mesh** is a configuration-model random graph (petgraph) whose giant component is a
//!   metric and agrees with Molloy–Reed / Cohen et al. under random failure (`theory`).
//! * **Time of day**: the expected online population follows a daily cycle peaking at 16:00 UTC.
//!
//! ```
//! use overlay_sim::{Inputs, Scale, Scenario, World};
//! let sc = Scenario::preset_at("dec-2010", Scale::Classroom).unwrap();
//! let mut w = World::new(&sc);
//! let report = w.step(&Inputs::none());
//! assert_eq!(report.metrics.t_min, 1);
//! ```

pub mod clock;
pub mod history;
pub mod mesh;
pub mod params;
mod report;
mod rng;
pub mod run;
pub mod scenario;
mod snapshot;
pub(crate) mod step;
pub mod sweep;
pub mod theory;
pub mod world;

pub use params::{ParamError, Params, RetryPolicy, Scale};
pub use report::{Action, Event, EventKind, Inputs, Metrics, StepReport};
pub use history::{History, Marker};
pub use scenario::Scenario;
pub use snapshot::Snapshot;
pub use world::World;
