//! Every parameter of the model: its default, its valid range and where the default comes from.
//!
//! Parameters are set by name (`Params::set("buggy_share", "0.5")`), so the URL, the runner's
//! `--set KEY=VALUE` and the sandbox sliders share one validated path. A bad value is a
//! [`ParamError`] naming the parameter, the value and the range — never a panic.

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
    pub fn name(self) -> &'static str {
        match self {
            Scale::Classroom => "classroom",
            Scale::City => "city",
            Scale::Real => "real",
        }
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
    /// Try again as soon as the previous attempt times out (`attempts_per_min` a minute).
    Immediate,
    /// Wait `retry_delay_min` between attempts.
    Fixed,
    /// Wait `retry_delay_min`·2ⁿ (capped at 64 min) after the n-th failure, with ±50% jitter.
    Exponential,
}

impl RetryPolicy {
    pub const ALL: [RetryPolicy; 3] = [RetryPolicy::Immediate, RetryPolicy::Fixed, RetryPolicy::Exponential];
    pub fn name(self) -> &'static str {
        match self {
            RetryPolicy::Immediate => "immediate",
            RetryPolicy::Fixed => "fixed",
            RetryPolicy::Exponential => "exponential",
        }
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

/// The model's parameters. Field docs name the source of each default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub scale: Scale,
    /// PRNG seed: the same seed and parameters give the same run, natively and in Wasm.
    pub seed: u64,
    /// Peers online at the daily peak (23M: press reports of the Dec 2010 outage).
    pub peers: u64,
    /// Supernode slots (48,000 before 2012: Kortchinsky 2012).
    pub supernodes: u32,
    /// Share of users on the buggy Windows client 5.0.0.152 (50%: Rabbe's post-mortem).
    pub buggy_share: f64,
    /// Share of 5.0.0.152 clients that crash in the trigger (40%: Rabbe's post-mortem).
    pub crash_fraction: f64,
    /// Share of online users on Windows. Supernode hosts are Windows desktops, so the buggy share
    /// among them is buggy_share / windows_share (our arithmetic: 0.5 / 0.75 ≈ 0.67, × 0.4 ≈ 27%
    /// of supernodes, inside Rabbe's 25–30%).
    pub windows_share: f64,
    /// Mean supernode capacity over its normal peak load, minus one (our assumption; the Skype
    /// admin guide's ~5 KB/s budget is small next to a broadband host).
    pub capacity_headroom: f64,
    /// Log-normal spread of capacity between supernodes (hosts differ widely: Baset & Schulzrinne).
    pub capacity_spread: f64,
    /// The safeguard that shuts a supernode down when its load is excessive (Rabbe's post-mortem).
    pub overload_shutdown: bool,
    /// Minutes before a shut-down supernode is usable again ("takes a while": Rabbe; our figure).
    pub restart_delay_min: u32,
    pub retry_policy: RetryPolicy,
    /// Attempts a minute under the immediate policy (one every ~20 s time-out; our assumption).
    pub attempts_per_min: f64,
    /// Delay between attempts (fixed) or the first back-off (exponential), minutes.
    pub retry_delay_min: u32,
    /// Supernodes probed in parallel per attempt (~10× contacted peers in a storm: Rossi et al. 2009).
    pub probe_fanout: f64,
    /// Cost of one connection probe in units of a connected client's signalling a minute.
    pub probe_cost: f64,
    /// Mean minutes before a user restarts a crashed client (our assumption).
    pub user_restart_min: u32,
    /// Login servers' throughput as a multiple of the normal peak login rate (our assumption).
    pub login_capacity: f64,
    /// Offline-IM servers' capacity as a multiple of their normal peak demand (our assumption).
    pub im_capacity: f64,
    /// Minutes of healthy uptime before a peer is promoted to supernode (our assumption).
    pub promotion_min: u32,
    /// Mega-supernodes injected by the operator (0 disables; "hundreds": Rabbe).
    pub mega_supernodes: u32,
    /// A mega-supernode's client capacity over a mean supernode's (dedicated 2012 supernodes held
    /// ~4,100 clients, limit ~100,000: Kortchinsky 2012).
    pub mega_capacity_factor: f64,
    /// Number of waves the megas arrive in ("added in waves": Rabbe).
    pub mega_waves: u32,
    /// Minute of the first wave, counted from the scenario's start.
    pub mega_first_wave_min: u32,
    /// Minutes between waves.
    pub mega_wave_interval_min: u32,
    /// Minutes for a mega-supernode to ramp up to full capacity.
    pub mega_ramp_min: u32,
    /// Share of a retrying client's attempts that reach an operator-advertised mega-supernode
    /// (through the login and bootstrap servers; our assumption).
    pub mega_reach: f64,
    /// Fraction of supernodes killed by the random-failure / targeted-attack event.
    pub kill_fraction: f64,
    /// Daily swing of the online population: trough = (1 − 2·amplitude) of the peak (our figure).
    pub diurnal_amplitude: f64,
    /// Mean online session of a client, minutes (sets churn and the normal login rate).
    pub session_min: u32,
    /// Mean time a supernode host stays a supernode, minutes (churn: Bremler-Barr & Goldschmidt 2011).
    pub sn_session_min: u32,
}

impl Params {
    /// Defaults at a scale: the Dec 2010 network.
    pub fn for_scale(scale: Scale) -> Params {
        let (peers, supernodes) = scale.sizes();
        Params {
            scale,
            seed: 1,
            peers,
            supernodes,
            buggy_share: 0.5,
            crash_fraction: 0.4,
            windows_share: 0.75,
            capacity_headroom: 4.0,
            capacity_spread: 1.0,
            overload_shutdown: true,
            restart_delay_min: 45,
            retry_policy: RetryPolicy::Immediate,
            attempts_per_min: 3.0,
            retry_delay_min: 2,
            probe_fanout: 8.0,
            probe_cost: 4.0,
            user_restart_min: 15,
            login_capacity: 3.0,
            im_capacity: 1.5,
            promotion_min: 60,
            mega_supernodes: default_megas(supernodes),
            mega_capacity_factor: 100.0,
            mega_waves: 4,
            mega_first_wave_min: 16 * 60,
            mega_wave_interval_min: 4 * 60,
            mega_ramp_min: 120,
            mega_reach: 0.5,
            kill_fraction: 0.25,
            diurnal_amplitude: 0.2,
            session_min: 240,
            // A 30-supernode classroom feels each host's departure 1,600 times harder than the
            // real network: its hosts stay longer so the network is calm until the trigger.
            sn_session_min: if scale == Scale::Classroom { 3000 } else { 600 },
        }
    }

    /// Sets one parameter by name from text, validated. Setting `scale` resets `peers`,
    /// `supernodes` and `mega_supernodes` to that scale's sizes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ParamError> {
        let before = self.clone();
        let r = self.set_unchecked(key, value).and_then(|()| {
            self.check().map_err(|e| ParamError { param: key.to_string(), value: value.chars().take(40).collect(), allowed: e.allowed })
        });
        if r.is_err() {
            *self = before;
        }
        r
    }

    fn set_unchecked(&mut self, key: &str, value: &str) -> Result<(), ParamError> {
        let v = value.trim();
        match key {
            "scale" => {
                let s = Scale::parse(v).ok_or_else(|| err(key, v, "classroom, city, real"))?;
                let (p, n) = s.sizes();
                self.scale = s;
                self.peers = p;
                self.supernodes = n;
                self.mega_supernodes = default_megas(n);
            }
            "seed" => self.seed = int(key, v, 0.0, u64::MAX as f64)?,
            "peers" => self.peers = int(key, v, 10.0, 50_000_000.0)?,
            "supernodes" => self.supernodes = int(key, v, 1.0, 200_000.0)? as u32,
            "buggy_share" => self.buggy_share = num(key, v, 0.0, 1.0)?,
            "crash_fraction" => self.crash_fraction = num(key, v, 0.0, 1.0)?,
            "windows_share" => self.windows_share = num(key, v, 0.05, 1.0)?,
            "capacity_headroom" => self.capacity_headroom = num(key, v, 0.0, 100.0)?,
            "capacity_spread" => self.capacity_spread = num(key, v, 0.0, 2.0)?,
            "overload_shutdown" => {
                self.overload_shutdown = match v {
                    "true" | "1" | "on" => true,
                    "false" | "0" | "off" => false,
                    _ => return Err(err(key, v, "on, off")),
                }
            }
            "restart_delay_min" => self.restart_delay_min = int(key, v, 0.0, 1440.0)? as u32,
            "retry_policy" => {
                self.retry_policy = RetryPolicy::ALL
                    .into_iter()
                    .find(|p| p.name() == v)
                    .ok_or_else(|| err(key, v, "immediate, fixed, exponential"))?
            }
            "attempts_per_min" => self.attempts_per_min = num(key, v, 1.0, 12.0)?,
            "retry_delay_min" => self.retry_delay_min = int(key, v, 1.0, 60.0)? as u32,
            "probe_fanout" => self.probe_fanout = num(key, v, 1.0, 50.0)?,
            "probe_cost" => self.probe_cost = num(key, v, 0.1, 50.0)?,
            "user_restart_min" => self.user_restart_min = int(key, v, 1.0, 240.0)? as u32,
            "login_capacity" => self.login_capacity = num(key, v, 0.0, 100.0)?,
            "im_capacity" => self.im_capacity = num(key, v, 0.1, 100.0)?,
            "promotion_min" => self.promotion_min = int(key, v, 1.0, 1440.0)? as u32,
            "mega_supernodes" => self.mega_supernodes = int(key, v, 0.0, 5000.0)? as u32,
            "mega_capacity_factor" => self.mega_capacity_factor = num(key, v, 1.0, 1000.0)?,
            "mega_waves" => self.mega_waves = int(key, v, 1.0, 20.0)? as u32,
            "mega_first_wave_min" => self.mega_first_wave_min = int(key, v, 0.0, 20_160.0)? as u32,
            "mega_wave_interval_min" => self.mega_wave_interval_min = int(key, v, 1.0, 1440.0)? as u32,
            "mega_ramp_min" => self.mega_ramp_min = int(key, v, 1.0, 600.0)? as u32,
            "mega_reach" => self.mega_reach = num(key, v, 0.0, 1.0)?,
            "kill_fraction" => self.kill_fraction = num(key, v, 0.0, 1.0)?,
            "diurnal_amplitude" => self.diurnal_amplitude = num(key, v, 0.0, 0.45)?,
            "session_min" => self.session_min = int(key, v, 10.0, 10_000.0)? as u32,
            "sn_session_min" => self.sn_session_min = int(key, v, 10.0, 100_000.0)? as u32,
            _ => return Err(err(key, v, &format!("a known parameter: {}", Params::KEYS.join(", ")))),
        }
        Ok(())
    }

    /// Every parameter name, in the order the runner prints them.
    pub const KEYS: [&'static str; 31] = [
        "scale", "seed", "peers", "supernodes", "buggy_share", "crash_fraction", "windows_share",
        "capacity_headroom", "capacity_spread", "overload_shutdown", "restart_delay_min", "retry_policy",
        "attempts_per_min", "retry_delay_min", "probe_fanout", "probe_cost", "user_restart_min",
        "login_capacity", "im_capacity", "promotion_min", "mega_supernodes", "mega_capacity_factor",
        "mega_waves", "mega_first_wave_min", "mega_wave_interval_min", "mega_ramp_min", "mega_reach",
        "kill_fraction", "diurnal_amplitude", "session_min", "sn_session_min",
    ];

    /// One parameter's value as text (the form `set` accepts), or None for an unknown key.
    pub fn get(&self, key: &str) -> Option<String> {
        let v = serde_json::to_value(self).ok()?;
        Some(match v.get(key)? {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Bool(b) => if *b { "on".into() } else { "off".into() },
            other => other.to_string(),
        })
    }

    /// Cross-parameter limits: keeps the per-supernode arrays and the peer count in bounds.
    pub fn check(&self) -> Result<(), ParamError> {
        if self.peers < u64::from(self.supernodes) {
            return Err(err("peers", &self.peers.to_string(), &format!("peers at least supernodes (now {} peers, {} supernodes)", self.peers, self.supernodes)));
        }
        Ok(())
    }
}

fn default_megas(supernodes: u32) -> u32 {
    (supernodes / 80).max(4)
}

fn err(param: &str, value: &str, allowed: &str) -> ParamError {
    ParamError { param: param.to_string(), value: value.chars().take(40).collect(), allowed: allowed.to_string() }
}

fn num(key: &str, v: &str, lo: f64, hi: f64) -> Result<f64, ParamError> {
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= lo && x <= hi => Ok(x),
        _ => Err(err(key, v, &format!("a number from {lo} to {hi}"))),
    }
}

fn int(key: &str, v: &str, lo: f64, hi: f64) -> Result<u64, ParamError> {
    match v.parse::<u64>() {
        Ok(x) if (x as f64) >= lo && (x as f64) <= hi => Ok(x),
        _ => Err(err(key, v, &format!("a whole number from {lo} to {hi}"))),
    }
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
    }

    #[test]
    fn scale_sets_sizes() {
        let mut p = Params::for_scale(Scale::Classroom);
        p.set("scale", "real").unwrap();
        assert_eq!((p.peers, p.supernodes), (23_000_000, 48_000));
        assert_eq!(p.mega_supernodes, 600);
    }
}
