//! Every parameter of the model: its default, its valid range and where the default comes from.
//!
//! One table, [`PARAMS`], drives `Params::set`/`get`, the runner's `list`, the URL keys and the
//! sandbox sliders: a range is written once, here. A bad value is a [`ParamError`] naming the
//! parameter, the value as given and the allowed range — never a panic.

use crate::design::Design;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How big the simulated network is. One engine for every scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// ~1,000 peers and 30 supernodes: every peer can be drawn.
    Classroom,
    /// ~100,000 peers.
    City,
    /// The real network of December 2010: ~23M online peers, ~48,000 supernodes.
    Real,
}

impl Scale {
    pub const ALL: [Scale; 3] = [Scale::Classroom, Scale::City, Scale::Real];
    pub const NAMES: [&'static str; 3] = ["classroom", "city", "real"];
    pub fn name(self) -> &'static str {
        Scale::NAMES[self as usize]
    }
    pub fn parse(s: &str) -> Option<Scale> {
        Scale::ALL.into_iter().find(|x| x.name() == s)
    }
    /// Peak online peers and supernodes at this scale (Dec 2010 ratio: 23M / 48k ≈ 480 per supernode).
    pub fn sizes(self) -> (u64, u32) {
        match self {
            Scale::Classroom => (1_000, 30),
            Scale::City => (100_000, 210),
            Scale::Real => (23_000_000, 48_000),
        }
    }
}

/// What a client does when it cannot reach a supernode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RetryPolicy {
    /// Try again as soon as the previous attempt times out (`attempts_per_min` a minute), forever.
    Immediate,
    /// Wait `retry_delay_min` between attempts.
    Fixed,
    /// Wait `retry_delay_min`·2ⁿ⁻¹ after the n-th failure, up to `retry_cap_min`.
    Exponential,
}

impl RetryPolicy {
    pub const ALL: [RetryPolicy; 3] = [RetryPolicy::Immediate, RetryPolicy::Fixed, RetryPolicy::Exponential];
    pub const NAMES: [&'static str; 3] = ["immediate", "fixed", "exponential"];
    pub fn name(self) -> &'static str {
        RetryPolicy::NAMES[self as usize]
    }
}

/// A parameter rejected by validation: which one, the value given and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    pub param: String,
    pub value: String,
    pub allowed: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: '{}' is not valid (allowed: {})", self.param, self.value, self.allowed)
    }
}
impl std::error::Error for ParamError {}

/// The model's parameters. [`PARAMS`] names the source of each default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub scale: Scale,
    pub seed: u64,
    pub peers: u64,
    pub supernodes: u32,
    pub buggy_share: f64,
    pub buggy_spread: f64,
    pub crash_fraction: f64,
    pub windows_share: f64,
    pub capacity_headroom: f64,
    pub capacity_spread: f64,
    pub group_spread: f64,
    pub cache_locality: f64,
    pub cache_pruning: f64,
    pub overload_shutdown: bool,
    pub restart_delay_min: u32,
    pub probation_min: u32,
    pub join_rate: f64,
    pub retry_policy: RetryPolicy,
    pub attempts_per_min: f64,
    pub retry_delay_min: u32,
    pub retry_cap_min: u32,
    pub probe_fanout: f64,
    pub probe_cost: f64,
    pub patience_min: u32,
    pub rest_min: u32,
    pub user_restart_min: u32,
    pub login_capacity: f64,
    pub bootstrap_capacity: f64,
    pub im_capacity: f64,
    pub promotion_min: u32,
    pub mega_supernodes: u32,
    pub mega_capacity_factor: f64,
    pub mega_waves: u32,
    pub mega_first_wave_min: u32,
    pub mega_wave_interval_min: u32,
    pub mega_ramp_min: u32,
    pub mega_reach: f64,
    pub kill_fraction: f64,
    pub diurnal_amplitude: f64,
    pub session_min: u32,
    pub sn_session_min: u32,
    // Designs (issue 16): which overlay serves the clients, and the `central` directory.
    pub design: Design,
    pub directory_servers: u32,
    pub directory_headroom: f64,
}

/// What values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A real number in `lo..=hi`; `step` is a sensible slider step.
    Real { lo: f64, hi: f64, step: f64 },
    /// A whole number in `lo..=hi`.
    Whole { lo: u64, hi: u64 },
    /// on / off.
    Switch,
    /// One of these names.
    Choice(&'static [&'static str]),
}

impl Kind {
    /// The allowed values, in words (exact integer bounds).
    pub fn allowed(&self) -> String {
        match *self {
            Kind::Real { lo, hi, .. } => format!("a number from {lo} to {hi}"),
            Kind::Whole { lo, hi } => format!("a whole number from {lo} to {hi}"),
            Kind::Switch => "on, off".into(),
            Kind::Choice(names) => names.join(", "),
        }
    }
}

/// A validated value of one parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Real(f64),
    Whole(u64),
    Switch(bool),
    Choice(usize),
}

impl Value {
    /// The value as text, in the form `Params::set` accepts.
    pub fn text(self, kind: &Kind) -> String {
        match (self, kind) {
            (Value::Real(x), _) => format!("{x}"),
            (Value::Whole(x), _) => x.to_string(),
            (Value::Switch(b), _) => if b { "on" } else { "off" }.into(),
            (Value::Choice(i), Kind::Choice(names)) => names.get(i).copied().unwrap_or("").into(),
            (Value::Choice(i), _) => i.to_string(),
        }
    }
    /// The value as a number (a slider's position).
    pub fn number(self) -> f64 {
        match self {
            Value::Real(x) => x,
            Value::Whole(x) => x as f64,
            Value::Switch(b) => f64::from(u8::from(b)),
            Value::Choice(i) => i as f64,
        }
    }
}

/// One row of the parameter table.
pub struct ParamSpec {
    pub key: &'static str,
    /// A few words for a slider's label.
    pub label: &'static str,
    pub kind: Kind,
    /// Where the default comes from (a source, or "our assumption").
    pub source: &'static str,
    /// Changing it needs a new world (sizes, layout, seed); otherwise it applies live.
    pub rebuild: bool,
    /// Offered as a live control in the sandbox.
    pub slider: bool,
    get: fn(&Params) -> Value,
    put: fn(&mut Params, Value),
}

impl ParamSpec {
    pub fn get(&self, p: &Params) -> Value {
        (self.get)(p)
    }
    /// Parses text into a value of this parameter, or says what is allowed.
    pub fn parse(&self, text: &str) -> Result<Value, ParamError> {
        let v = text.trim();
        let bad = || ParamError { param: self.key.into(), value: quote(text), allowed: self.kind.allowed() };
        match self.kind {
            Kind::Real { lo, hi, .. } => v.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= lo && *x <= hi).map(Value::Real),
            Kind::Whole { lo, hi } => v.parse::<u64>().ok().filter(|x| *x >= lo && *x <= hi).map(Value::Whole),
            Kind::Switch => match v {
                "on" | "true" | "1" => Some(Value::Switch(true)),
                "off" | "false" | "0" => Some(Value::Switch(false)),
                _ => None,
            },
            Kind::Choice(names) => names.iter().position(|n| *n == v).map(Value::Choice),
        }
        .ok_or_else(bad)
    }
}

/// The value as given, shortened for a message (never stripped of characters).
fn quote(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        s.push('…');
    }
    s
}

macro_rules! real {
    ($key:ident, $label:expr, $lo:expr, $hi:expr, $step:expr, $rebuild:expr, $slider:expr, $source:expr) => {
        ParamSpec {
            key: stringify!($key),
            label: $label,
            kind: Kind::Real { lo: $lo, hi: $hi, step: $step },
            source: $source,
            rebuild: $rebuild,
            slider: $slider,
            get: |p| Value::Real(p.$key),
            put: |p, v| p.$key = v.number(),
        }
    };
}
macro_rules! whole {
    ($key:ident, $label:expr, $lo:expr, $hi:expr, $rebuild:expr, $slider:expr, $source:expr) => {
        ParamSpec {
            key: stringify!($key),
            label: $label,
            kind: Kind::Whole { lo: $lo, hi: $hi },
            source: $source,
            rebuild: $rebuild,
            slider: $slider,
            get: |p| Value::Whole(u64::from(p.$key)),
            put: |p, v| p.$key = v.number() as _,
        }
    };
}

/// Every parameter, in the order the runner prints them.
pub static PARAMS: [ParamSpec; 44] = [
    ParamSpec {
        key: "scale",
        label: "Scale",
        kind: Kind::Choice(&Scale::NAMES),
        source: "classroom ~1,000 peers; city ~100,000; real: the Dec 2010 network",
        rebuild: true,
        slider: false,
        get: |p| Value::Choice(p.scale as usize),
        put: |p, v| {
            if let Value::Choice(i) = v {
                p.set_scale(Scale::ALL[i.min(2)]);
            }
        },
    },
    ParamSpec {
        key: "seed",
        label: "Seed",
        kind: Kind::Whole { lo: 0, hi: u64::MAX },
        source: "the same seed and parameters give the same run, natively and in Wasm",
        rebuild: true,
        slider: false,
        get: |p| Value::Whole(p.seed),
        put: |p, v| {
            if let Value::Whole(x) = v {
                p.seed = x;
            }
        },
    },
    ParamSpec {
        key: "peers",
        label: "Peers online at the daily peak",
        kind: Kind::Whole { lo: 10, hi: 50_000_000 },
        source: "23M: press reports of the Dec 2010 outage",
        rebuild: true,
        slider: false,
        get: |p| Value::Whole(p.peers),
        put: |p, v| {
            if let Value::Whole(x) = v {
                p.peers = x;
            }
        },
    },
    whole!(supernodes, "Supernodes", 1, 200_000, true, false, "48,000 before 2012: Kortchinsky 2012"),
    real!(buggy_share, "Users on 5.0.0.152", 0.0, 1.0, 0.05, false, true, "50%: Rabbe's post-mortem"),
    real!(buggy_spread, "Spread of 5.0.0.152 between places", 0.0, 1.5, 0.05, true, false,
        "log-normal spread of the buggy version's share between neighbourhoods: updates reach places unevenly (our assumption)"),
    real!(crash_fraction, "Buggy clients that crash", 0.0, 1.0, 0.05, false, false, "40% of 5.0.0.152 clients: Rabbe's post-mortem"),
    real!(windows_share, "Users on Windows", 0.05, 1.0, 0.05, true, false,
        "supernode hosts are Windows desktops: their buggy share is buggy_share / windows_share (our arithmetic: 0.5 / 0.75 × 0.4 ≈ 27% of supernodes, inside Rabbe's 25–30%)"),
    real!(capacity_headroom, "Supernode headroom", 0.0, 100.0, 0.05, true, true,
        "mean supernode capacity over its normal peak load, minus one (our assumption; the admin guide's ~5 KB/s budget is small next to a broadband host)"),
    real!(capacity_spread, "Capacity spread between hosts", 0.0, 2.0, 0.1, true, false, "log-normal; hosts differ widely (Baset & Schulzrinne 2006)"),
    real!(group_spread, "Spread between cache groups", 0.0, 1.5, 0.05, true, false,
        "log-normal spread of spare capacity per user between neighbourhoods: regions differ in broadband and in public-IP hosts, so in users per supernode (our assumption)"),
    real!(cache_locality, "Probes to the own cache group", 0.0, 1.0, 0.05, false, true,
        "share of a client's probes to supernodes of its own neighbourhood: the host cache (~200 entries, Bremler-Barr & Goldschmidt 2011) is learned from nearby supernodes (our figure)"),
    real!(cache_pruning, "Probes aimed at live supernodes", 0.0, 1.0, 0.05, false, false,
        "how far a client that keeps failing drops the cache entries that did not answer, aiming its probes at the supernodes still alive (our assumption; the 2007 clients probed their whole cache: ~10× contacted peers for ~3× signalling, Rossi et al. 2009)"),
    ParamSpec {
        key: "overload_shutdown",
        label: "Overload safeguard",
        kind: Kind::Switch,
        source: "shuts a supernode down when its load is excessive, to protect the host: Rabbe's post-mortem",
        rebuild: false,
        slider: true,
        get: |p| Value::Switch(p.overload_shutdown),
        put: |p, v| p.overload_shutdown = v.number() > 0.5,
    },
    whole!(restart_delay_min, "Restart delay (min)", 0, 1440, false, true, "a restarted supernode \"takes a while\" before it is usable: Rabbe; 45 min is our figure"),
    whole!(probation_min, "Probation (min)", 0, 600, false, false,
        "a restarted or promoted supernode takes clients gradually over this time, so a storm cannot refill it in one minute (our assumption)"),
    real!(join_rate, "Join rate", 0.001, 1.0, 0.005, false, false,
        "most new clients a supernode accepts a minute, as a share of a mean supernode's clients (our assumption: ~50 a minute at real scale)"),
    ParamSpec {
        key: "retry_policy",
        label: "Client retry policy",
        kind: Kind::Choice(&RetryPolicy::NAMES),
        source: "exponential back-off is our reading of the 2010 client; immediate retries are the 2007 bug",
        rebuild: false,
        slider: true,
        get: |p| Value::Choice(p.retry_policy as usize),
        put: |p, v| {
            if let Value::Choice(i) = v {
                p.retry_policy = RetryPolicy::ALL[i.min(2)];
            }
        },
    },
    real!(attempts_per_min, "Attempts a minute", 1.0, 12.0, 1.0, false, false, "one attempt per ~20 s time-out while a client is still trying hard (our assumption)"),
    whole!(retry_delay_min, "First back-off (min)", 1, 60, false, false, "delay after the first failed round (our assumption)"),
    whole!(retry_cap_min, "Longest back-off (min)", 1, 240, false, true, "a client's longest wait between attempts (our assumption)"),
    real!(probe_fanout, "Supernodes probed per attempt", 1.0, 50.0, 1.0, false, false, "~10× contacted peers per client in a storm: Rossi, Mellia & Meo 2009"),
    real!(probe_cost, "Cost of a probe", 0.1, 50.0, 0.5, false, false, "in units of a connected client's signalling a minute (our assumption)"),
    whole!(patience_min, "Patience (min)", 1, 1440, false, true, "mean minutes a user keeps trying before giving up for now (our assumption)"),
    whole!(rest_min, "Away after giving up (min)", 10, 2880, false, false,
        "mean minutes a user who gave up waits before trying again, unless the evening takes them offline first (our assumption)"),
    whole!(user_restart_min, "User restarts a crash (min)", 1, 240, false, false, "mean minutes before a user restarts a crashed client (our assumption)"),
    real!(login_capacity, "Login servers", 0.0, 100.0, 0.5, false, true, "throughput as a multiple of the normal peak sign-in rate (our assumption)"),
    real!(bootstrap_capacity, "Bootstrap servers", 0.0, 100.0, 0.01, false, false,
        "fresh supernode addresses handed to clients whose host cache is dead, a minute, as a multiple of the normal sign-in rate (the client ships with 7 bootstrap addresses: Baset & Schulzrinne 2006; the capacity is our assumption)"),
    real!(im_capacity, "Offline-IM servers", 0.1, 100.0, 0.1, false, false, "capacity as a multiple of their normal peak demand (our assumption)"),
    whole!(promotion_min, "Promotion uptime (min)", 1, 1440, false, false,
        "healthy uptime before a connected peer is promoted; needs connected peers nearby (our assumption; Baset & Schulzrinne: uptime is one criterion)"),
    whole!(mega_supernodes, "Mega-supernodes", 0, 5000, true, false, "\"hundreds\" (some reports: thousands): Rabbe; 600 at real scale is our figure"),
    real!(mega_capacity_factor, "Mega size", 1.0, 1000.0, 1.0, true, false,
        "clients a mega-supernode holds over a mean supernode's (40 ≈ 19,000 at real scale; dedicated 2012 supernodes held ~4,100, limit ~100,000: Kortchinsky 2012)"),
    whole!(mega_waves, "Mega waves", 1, 20, true, false, "\"added in waves\": Rabbe"),
    whole!(mega_first_wave_min, "First wave (minute)", 0, 20_160, true, false, "minute of the first wave from the scenario's start (04:00 UTC on 23 Dec: our reading of the press timeline)"),
    whole!(mega_wave_interval_min, "Between waves (min)", 1, 1440, true, false, "minutes between waves (our figure)"),
    whole!(mega_ramp_min, "Mega ramp-up (min)", 1, 600, false, false, "minutes for a mega-supernode to reach full intake (our figure)"),
    real!(mega_reach, "Reach of megas", 0.0, 1.0, 0.05, false, false,
        "share of a client's attempts that reach a mega-supernode advertised to its neighbourhood (through the login and bootstrap servers; our assumption)"),
    real!(kill_fraction, "Share of supernodes killed", 0.0, 1.0, 0.05, false, false, "random-failure and targeted-attack scenarios"),
    real!(diurnal_amplitude, "Daily swing", 0.0, 0.45, 0.05, false, false, "each region's evening peak and night trough (trough = 1 − 2·amplitude of its peak; our figure)"),
    whole!(session_min, "Session length (min)", 10, 10_000, false, false, "mean online session of a client (sets churn and the normal sign-in rate; our figure)"),
    whole!(sn_session_min, "Supernode host session (min)", 10, 100_000, false, false,
        "mean time a host stays a supernode: half of supernodes are online < 18% of the time (Bremler-Barr & Goldschmidt 2011)"),
    // Designs (issue 16): the same clients and the same fault on another overlay (src/design/).
    ParamSpec {
        key: "design",
        label: "Overlay design",
        kind: Kind::Choice(&Design::NAMES),
        source: "skype-2010: this model; dedicated-2012: operator-run supernodes (Kortchinsky 2012); central: a directory cluster (our assumption); dht: Kademlia, k = 20 (Maymounkov & Mazières 2002)",
        rebuild: true,
        slider: false,
        get: |p| Value::Choice(p.design as usize),
        put: |p, v| {
            if let Value::Choice(i) = v {
                p.design = Design::ALL[i.min(Design::ALL.len() - 1)];
            }
        },
    },
    whole!(directory_servers, "Directory servers", 1, 1000, true, false,
        "design central: servers the directory's capacity is split over (a killed one takes its share; our assumption)"),
    real!(directory_headroom, "Directory headroom", 0.0, 10.0, 0.25, false, false,
        "design central: the directory's capacity over the normal peak load, minus one (our assumption)"),
];

/// The table row of a parameter.
pub fn spec(key: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|s| s.key == key)
}

/// Mean supernode capacity over its normal peak load, minus one: a little above the least that
/// carries a neighbourhood's day (1 + headroom = 1.1 / CLIENT_SHARE ≈ 3.0). Losing a quarter of
/// the supernodes swamped the rest (Rabbe): the network had modest room to spare.
const HEADROOM: f64 = 2.05;

impl Params {
    /// Defaults at a scale: the Dec 2010 network.
    pub fn for_scale(scale: Scale) -> Params {
        let mut p = Params {
            scale,
            seed: 1,
            peers: 0,
            supernodes: 0,
            buggy_share: 0.5,
            buggy_spread: 0.5,
            crash_fraction: 0.4,
            windows_share: 0.75,
            capacity_headroom: HEADROOM,
            capacity_spread: 0.6,
            group_spread: 1.2,
            cache_locality: 0.9,
            cache_pruning: 0.8,
            overload_shutdown: true,
            restart_delay_min: 45,
            probation_min: 30,
            join_rate: 0.1,
            retry_policy: RetryPolicy::Exponential,
            attempts_per_min: 3.0,
            retry_delay_min: 1,
            retry_cap_min: 5,
            probe_fanout: 8.0,
            probe_cost: 3.0,
            patience_min: 340,
            rest_min: 390,
            user_restart_min: 15,
            login_capacity: 3.0,
            bootstrap_capacity: 0.02,
            im_capacity: 1.5,
            promotion_min: 60,
            mega_supernodes: 0,
            mega_capacity_factor: 0.0,
            mega_waves: 4,
            mega_first_wave_min: 16 * 60,
            mega_wave_interval_min: 4 * 60,
            mega_ramp_min: 60,
            mega_reach: 0.4,
            kill_fraction: 0.25,
            diurnal_amplitude: 0.3,
            session_min: 240,
            sn_session_min: 600,
            design: Design::Skype2010,
            directory_servers: 16,
            directory_headroom: 1.0,
        };
        p.set_scale(scale);
        p
    }

    /// A new scale resets the sizes that follow from it.
    fn set_scale(&mut self, scale: Scale) {
        let (peers, supernodes) = scale.sizes();
        self.scale = scale;
        self.peers = peers;
        self.supernodes = supernodes;
        self.mega_supernodes = default_megas(supernodes);
        // Mega-supernodes together hold about half the peak population at every scale.
        self.mega_capacity_factor = (0.5 * f64::from(supernodes) / f64::from(self.mega_supernodes)).max(1.0);
        // A 30-supernode classroom feels each host's departure 1,600 times harder than the
        // real network: its hosts stay longer so the network is calm until the trigger.
        self.sn_session_min = if scale == Scale::Real { 600 } else { 3000 };
    }

    /// Sets one parameter by name from text, validated. Setting `scale` resets `peers`,
    /// `supernodes` and the mega-supernode sizes to that scale's. Cross-parameter limits are
    /// checked by [`Params::check`] once all settings are in (so their order does not matter).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ParamError> {
        let s = spec(key).ok_or_else(|| ParamError {
            param: key.chars().take(40).collect(),
            value: quote(value),
            allowed: format!("a known parameter: {}", PARAMS.iter().map(|s| s.key).collect::<Vec<_>>().join(", ")),
        })?;
        let v = s.parse(value)?;
        (s.put)(self, v);
        Ok(())
    }

    /// Every parameter name, in the order the runner prints them.
    pub fn keys() -> impl Iterator<Item = &'static str> {
        PARAMS.iter().map(|s| s.key)
    }

    /// One parameter's value as text (the form `set` accepts), or None for an unknown key.
    pub fn get(&self, key: &str) -> Option<String> {
        spec(key).map(|s| s.get(self).text(&s.kind))
    }

    /// Cross-parameter limits: keeps the per-supernode arrays and the peer count in bounds.
    pub fn check(&self) -> Result<(), ParamError> {
        if self.peers < u64::from(self.supernodes) {
            return Err(ParamError {
                param: "peers".into(),
                value: self.peers.to_string(),
                allowed: format!("at least as many peers as supernodes (now {} peers, {} supernodes)", self.peers, self.supernodes),
            });
        }
        Ok(())
    }
}

/// The operator's megas at a scale: one per 80 supernodes (600 at real scale: "hundreds"),
/// and at least two per neighbourhood, so that in a miniature every wave can reach the dead
/// neighbourhoods, as the real waves reached every region.
fn default_megas(supernodes: u32) -> u32 {
    let n = supernodes as usize;
    let groups = n.div_ceil(crate::group::group_size(n).max(1)) as u32;
    (supernodes / 80).max(2 * groups).max(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_name_the_parameter_and_range() {
        let mut p = Params::for_scale(Scale::Classroom);
        let e = p.set("buggy_share", "7").unwrap_err();
        assert_eq!(e.param, "buggy_share");
        assert!(e.to_string().contains("0 to 1"), "{e}");
        assert!(p.set("retry_policy", "sometimes").is_err());
        assert!(p.set("nope", "1").is_err());
        assert!(p.set("seed", "-1").is_err());
        assert!(p.set("peers", "NaN").is_err());
        assert_eq!(p.buggy_share, 0.5, "a rejected value leaves the old one");
        let e = p.set("seed", "x").unwrap_err();
        assert!(e.allowed.contains("18446744073709551615"), "exact bound: {e}");
        let e = p.set("user_restart_min", "6\0").unwrap_err();
        assert_eq!(e.value, "6\0", "the value as given");
    }

    #[test]
    fn scale_sets_sizes() {
        let mut p = Params::for_scale(Scale::Classroom);
        p.set("scale", "real").unwrap();
        assert_eq!((p.peers, p.supernodes), (23_000_000, 48_000));
        assert_eq!(p.mega_supernodes, 600);
        assert_eq!(p.mega_capacity_factor, 40.0);
    }

    #[test]
    fn every_parameter_round_trips_through_text() {
        let p = Params::for_scale(Scale::City);
        for s in &PARAMS {
            let text = p.get(s.key).expect("known");
            let mut q = p.clone();
            q.set(s.key, &text).unwrap_or_else(|e| panic!("{}: {e}", s.key));
            assert_eq!(q, p, "{}", s.key);
        }
        let mut keys: Vec<_> = Params::keys().collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), PARAMS.len(), "one row per key");
    }

    #[test]
    fn sizes_in_either_order() {
        let mut a = Params::for_scale(Scale::Classroom);
        a.set("supernodes", "10").unwrap();
        a.set("peers", "20").unwrap();
        let mut b = Params::for_scale(Scale::Classroom);
        b.set("peers", "20").unwrap();
        b.set("supernodes", "10").unwrap();
        assert_eq!(a, b);
        assert!(a.check().is_ok());
    }
}
