//! # overlay-sim — how a two-tier P2P overlay loses its supernodes and comes back
//!
//! A compact, deterministic model of the Skype overlay of 2007–2010 and its two worldwide
//! outages (see `MODEL-FACTS.md` for the sources). Pure Rust: no clock, no browser, no OS
//! entropy — every step takes its state and inputs explicitly, and the same seed gives the same
//! run natively and in Wasm.
//!
//! ## The mechanism
//! * **Supernodes** are flat arrays indexed by slot, sorted by **cache group**: a client's host
//!   cache holds up to ~200 supernodes learned from its neighbourhood, so the model splits the
//!   supernodes into neighbourhoods of that size (`group`), each with its own pools of peers
//!   without service. Neighbourhoods differ in spare room per user, in how far the buggy 5.0
//!   update had spread, and in their local time of day.
//! * A supernode's load is its clients' signalling plus the **reconnection probes** that land
//!   on it plus joins. Probes come mostly from its own neighbourhood's retrying clients, a few
//!   from the next neighbourhoods; a client that keeps failing drops dead cache entries and aims
//!   at the survivors, so "the remaining supernodes got ~100× their normal load". Above
//!   capacity the **safeguard** shuts a supernode down within minutes (`overload_shutdown`),
//!   for `restart_delay_min`; its clients are orphaned. That is the feedback loop.
//! * **Pacing and probation**: a supernode takes new clients at a bounded rate, fewer when busy,
//!   and a restarted or promoted one ramps up over `probation_min` instead of being refilled in
//!   one minute. New supernodes are promoted from peers ready for it, which come back slowly.
//! * **Back-off and patience**: a failing client waits longer the longer it fails
//!   (`retry_policy`); users give up after `patience_min` and come back later — or, as the
//!   evening takes their region offline, tomorrow. So a storm decays, and a neighbourhood
//!   whose storm swamps every restarted supernode stays down until it does.
//! * **The 2010 trigger** is scripted as an input, not a metric: the offline-IM cluster is
//!   overloaded, and its late replies — through the backlog they leave — crash 5.0.0.152
//!   clients (`buggy_share`, `crash_fraction`), supernode hosts included.
//!   **Mega-supernodes** (operator-run, finite, no safeguard) arrive in waves and are
//!   advertised to the neighbourhoods with the most users without service; the ordinary layer
//!   regrows behind them. Clients whose cache is dead may get fresh addresses from the
//!   finite bootstrap servers.
//! * **The mesh** is a configuration-model random graph (petgraph) whose giant component is a
//!   metric and agrees with Molloy–Reed / Cohen et al. under random failure (`theory`).
//! * **Time of day**: each region's demand follows a consumer VoIP day in its own time zone.
//!
//! ```
//! use overlay_sim::{Inputs, Scale, Scenario, World};
//! let sc = Scenario::preset_at("dec-2010", Scale::Classroom).unwrap();
//! let mut w = World::new(&sc);
//! let report = w.step(&Inputs::none());
//! assert_eq!(report.metrics.t_min, 1);
//! ```

pub mod clock;
pub mod design;
pub mod group;
pub mod history;
pub mod landmark;
pub mod mesh;
pub mod params;
mod report;
pub mod resume;
mod rng;
pub mod slot;
pub mod run;
pub mod scenario;
mod snapshot;
mod step;
pub mod sweep;
pub mod theory;
pub mod world;

pub use design::Design;
pub use group::{Group, GroupState};
pub use params::{ParamError, Params, RetryPolicy, Scale, PARAMS};
pub use slot::{Cause, SlotState};
pub use report::{Action, Event, EventKind, Inputs, Metrics, StepReport};
pub use history::{History, Replay, END_MIN};
pub use resume::{run_id, ResumeError, MODEL_STAMP};
pub use landmark::{Landmark, LandmarkFinder, LandmarkKind};
pub use scenario::Scenario;
pub use snapshot::Snapshot;
pub use world::{World, WorldBuild};


