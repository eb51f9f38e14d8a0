//! The URL query: what a link restores (scenario, scale, seed, changed parameters, minute,
//! speed, play state, story step, embed options). Parsed with serde_urlencoded; every bad
//! value becomes a notice naming the parameter and what was used instead — never a panic.

use std::collections::HashMap;

use overlay_sim::{Params, Scale, Scenario};

use crate::app_state::{DEFAULT_SPEED, SPEEDS};

/// Longest run a link may ask for: the run's end, 14 simulated days.
pub const MAX_MINUTE: u32 = overlay_sim::END_MIN;
pub const DEFAULT_SCENARIO: &str = "dec-2010";
pub const DEFAULT_SCALE: Scale = Scale::City;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Controls {
    None,
    Minimal,
    Full,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Auto,
    Light,
    Dark,
}

/// Everything a URL can say, validated.
#[derive(Clone, Debug)]
pub struct UrlState {
    pub scenario: Scenario,
    pub t: u32,
    pub speed: f64,
    /// Play on load: `None` when the link does not say (the page then plays unless embedded).
    pub autoplay: Option<bool>,
    /// Start again from minute 0 at the run's end (`loop=1`).
    pub looping: bool,
    pub story_step: Option<usize>,
    pub embed: bool,
    pub controls: Controls,
    pub theme: Theme,
    /// The tipping-point map's panel, axes and outcome (`panel`, `tx`, `ty`, `tm`).
    pub map: crate::tipping::MapLink,
    /// Sandbox actions to replay, by the minute they were taken (`crate::whatif`).
    pub whatifs: Vec<(u32, overlay_sim::Action)>,
    /// An embed's legend open over the map (`legend=1`).
    pub legend: bool,
    /// The design shown beside the run (`compare`), if any.
    pub compare: Option<overlay_sim::Design>,
    /// One line per rejected key or value, naming it and what was used instead.
    pub notices: Vec<String>,
}

/// The query's pairs and the notices for what in them is wrong.
struct Reader {
    pairs: Vec<(String, String)>,
    notices: Vec<String>,
    whatifs: Vec<(u32, overlay_sim::Action)>,
}

/// Echoes a value as given, escaped: control characters and markup look-alikes as `\0`,
/// `\u{3c}`; past `max` characters, cut with an ellipsis. Never a character dropped silently.
fn plain(value: &str, max: usize) -> String {
    let mut out: String = value
        .chars()
        .take(max)
        .map(|c| match c {
            '<' | '>' => c.escape_unicode().to_string(),
            c if c.is_control() => c.escape_debug().to_string(),
            c => c.to_string(),
        })
        .collect();
    if value.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// Most unknown keys named in their notice (the rest are counted).
const UNKNOWN_NAMED: usize = 5;

impl Reader {
    fn new(query: &str) -> Reader {
        let q = query.strip_prefix('?').unwrap_or(query);
        match serde_urlencoded::from_str(q) {
            Ok(pairs) => Reader { pairs, notices: vec![], whatifs: vec![] },
            Err(_) => Reader { pairs: vec![], notices: vec!["The link's query could not be read; showing the defaults.".to_string()], whatifs: vec![] },
        }
    }
    /// The last value given for `key`.
    fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    fn bad(&mut self, key: &str, value: &str, used: &str) {
        self.notices.push(format!("{key}: '{}' is not valid; using {used}.", plain(value, 40)));
    }
    /// `key`'s value through `read`, or `default` (with a notice naming what was used instead).
    fn value<T>(&mut self, key: &str, default: T, used: &str, read: impl Fn(&str) -> Option<T>) -> T {
        let Some(v) = self.get(key).map(str::to_string) else { return default };
        read(&v).unwrap_or_else(|| {
            self.bad(key, &v, used);
            default
        })
    }
    fn flag(&mut self, key: &str) -> Option<bool> {
        self.value(key, Some(false), "0", |v| match v {
            "0" | "false" => Some(Some(false)),
            "1" | "true" | "" => Some(Some(true)),
            _ => None,
        })
        .filter(|_| self.get(key).is_some())
    }

    /// The scenario at its scale, with every parameter the query sets (any key of the model's
    /// table, in any order); unknown keys noted.
    fn scenario(&mut self) -> Scenario {
        let name = self.value("scenario", DEFAULT_SCENARIO, DEFAULT_SCENARIO, |s| overlay_sim::scenario::NAMES.iter().copied().find(|n| *n == s));
        let scale = self.value("scale", DEFAULT_SCALE, DEFAULT_SCALE.name(), Scale::parse);
        // Unreachable for a name from NAMES; fall back rather than panic.
        let mut scenario = Scenario::preset_at(name, scale).unwrap_or_else(|_| unreachable_scenario());
        let pairs = std::mem::take(&mut self.pairs);
        // A key given again counts once, with its last value (as for every key); what-ifs
        // (`kill=…@minute`, `key=value@minute`) may repeat.
        let last: HashMap<&str, usize> = pairs.iter().enumerate().map(|(i, (k, _))| (k.as_str(), i)).collect();
        let mut unknown: Vec<&str> = vec![];
        for (i, (k, v)) in pairs.iter().enumerate() {
            let k = k.as_str();
            if RESERVED.contains(&k) || crate::tipping::MapLink::KEYS.contains(&k) || crate::compare::KEYS.contains(&k) {
                continue;
            }
            if crate::whatif::is_whatif(k, v) {
                match crate::whatif::parse_pair(k, v, MAX_MINUTE) {
                    Ok(w) => self.whatifs.push(w),
                    Err(why) => self.notices.push(format!("{}: '{}' is not a valid what-if ({why}); ignored.", plain(k, 30), plain(v, 40))),
                }
                continue;
            }
            if last.get(k) != Some(&i) {
                continue;
            }
            if overlay_sim::params::spec(k).is_some() {
                if let Err(e) = scenario.set(k, v) {
                    let used = scenario.params.get(k).unwrap_or_default();
                    self.bad(k, v, &format!("{used} (allowed: {})", e.allowed));
                }
            } else {
                unknown.push(k);
            }
        }
        let unknown_notice = unknown_keys(&unknown);
        self.pairs = pairs;
        self.check_limits(&mut scenario);
        self.notices.extend(unknown_notice);
        scenario
    }

    /// Limits between parameters, once all are in: a pair the model refuses falls back to the
    /// preset's sizes, with a notice naming the parameter and the values given.
    fn check_limits(&mut self, scenario: &mut Scenario) {
        let Err(mut e) = scenario.check() else { return };
        if e.param == "design" {
            // A design that cannot run this scenario (issue 16): the scenario's own overlay.
            let _ = scenario.set("design", overlay_sim::Design::default().name());
            self.notices.push(format!("design: {}; using skype-2010.", plain(&e.allowed, 200)));
            let Err(next) = scenario.check() else { return };
            e = next;
        }
        if let Ok(preset) = Scenario::preset_at(&scenario.name, scenario.params.scale) {
            for key in ["peers", "supernodes"] {
                let v = preset.params.get(key).unwrap_or_default();
                let _ = scenario.set(key, &v);
            }
        }
        let used = format!("the scale's {} peers and {} supernodes (allowed: {})", scenario.params.peers, scenario.params.supernodes, e.allowed);
        self.bad(&e.param, &e.value, &used);
    }
}

/// One notice for the unknown keys, naming the first few and counting the rest.
fn unknown_keys(keys: &[&str]) -> Option<String> {
    let named: Vec<String> = keys.iter().take(UNKNOWN_NAMED).map(|k| format!("'{}'", plain(k, 30))).collect();
    let more = keys.len().saturating_sub(UNKNOWN_NAMED);
    match (keys.len(), more) {
        (0, _) => None,
        (1, _) => Some(format!("{}: unknown parameter, ignored.", plain(keys[0], 30))),
        (_, 0) => Some(format!("{}: unknown parameters, ignored.", named.join(", "))),
        _ => Some(format!("{} and {more} more: unknown parameters, ignored.", named.join(", "))),
    }
}

/// Keys that are not model parameters.
const RESERVED: [&str; 11] = ["scenario", "scale", "t", "speed", "autoplay", "loop", "step", "embed", "controls", "theme", "legend"];

/// Parses a query string (with or without the leading '?').
pub fn parse(query: &str) -> UrlState {
    let mut r = Reader::new(query);
    let scenario = r.scenario();
    let t = r.value("t", 0, "0 (a whole number of minutes up to 20160)", |v| v.parse::<u32>().ok().filter(|m| *m <= MAX_MINUTE));
    let speeds = SPEEDS.map(|s| s.to_string()).join(", ");
    let speed_used = format!("{DEFAULT_SPEED} (one of {speeds}, or max)");
    let speed = r.value("speed", DEFAULT_SPEED, &speed_used, |v| match v {
        "max" => Some(f64::INFINITY),
        // Only the speeds the menu offers, so the menu shows the speed that is used.
        v => v.parse::<f64>().ok().filter(|s| SPEEDS.contains(s)),
    });
    let autoplay = r.flag("autoplay");
    let looping = r.flag("loop").unwrap_or(false);
    let embed = r.flag("embed").unwrap_or(false);
    let story_step = r.value("step", None, "no story step", |v| v.parse::<usize>().ok().filter(|s| (1..=20).contains(s)).map(Some));
    let controls = r.value("controls", Controls::Full, "full (none, minimal or full)", |v| match v {
        "full" => Some(Controls::Full),
        "minimal" => Some(Controls::Minimal),
        "none" => Some(Controls::None),
        _ => None,
    });
    // Embedded, a compact control bar unless the link asks for more.
    let controls = if embed && r.get("controls").is_none() { Controls::Minimal } else { controls };
    let theme = r.value("theme", Theme::Auto, "auto (auto, light or dark)", |v| match v {
        "auto" => Some(Theme::Auto),
        "light" => Some(Theme::Light),
        "dark" => Some(Theme::Dark),
        _ => None,
    });
    let legend = r.flag("legend").unwrap_or(false);
    let pairs = r.pairs.clone();
    let map = crate::tipping::MapLink::from_pairs(&pairs, &mut |k, v, used| r.bad(k, v, used));
    let compare = crate::compare::from_pairs(&pairs, &mut |k, v, used| r.bad(k, v, used));
    let mut whatifs = std::mem::take(&mut r.whatifs);
    whatifs.sort_by_key(|w| w.0);
    // Rejected values first, in the order of the keys above; unknown keys last.
    let (mut notices, unknown): (Vec<_>, Vec<_>) = r.notices.into_iter().partition(|n| !n.contains("unknown parameter"));
    notices.extend(unknown);
    UrlState { scenario, t, speed, autoplay, looping, story_step, embed, controls, theme, map, whatifs, legend, compare, notices }
}

/// The keys an embed keeps in its own address, so a reload inside the host page stays an
/// embed: `embed=1`, and the controls, theme and legend when they are not the default.
pub fn embed_suffix(u: &UrlState) -> String {
    if !u.embed {
        return String::new();
    }
    let mut s = String::from("&embed=1");
    match u.controls {
        Controls::Minimal => {}
        Controls::None => s.push_str("&controls=none"),
        Controls::Full => s.push_str("&controls=full"),
    }
    match u.theme {
        Theme::Auto => {}
        Theme::Light => s.push_str("&theme=light"),
        Theme::Dark => s.push_str("&theme=dark"),
    }
    if u.legend {
        s.push_str("&legend=1");
    }
    s
}

/// Which of `keys` the query gives (in `keys`' order).
pub fn given<'a>(query: &str, keys: &[&'a str]) -> Vec<&'a str> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.strip_prefix('?').unwrap_or(query)).unwrap_or_default();
    keys.iter().copied().filter(|k| pairs.iter().any(|(p, _)| p == k)).collect()
}

fn unreachable_scenario() -> Scenario {
    // Scenario::preset_at("sandbox", Classroom) cannot fail; this keeps the parser panic-free.
    Scenario::preset_at("sandbox", Scale::Classroom).unwrap_or_else(|_| std::process::abort())
}

/// The query that restores this view: scenario, scale, seed, every parameter that differs
/// from the preset, the minute and the speed (and autoplay when playing, loop when looping).
pub fn to_query(scenario: &Scenario, t: u32, speed: f64, playing: bool, looping: bool, story_step: Option<usize>) -> String {
    let mut pairs: Vec<(String, String)> = vec![("scenario".into(), scenario.name.clone()), ("scale".into(), scenario.params.scale.name().into())];
    let preset = Scenario::preset_at(&scenario.name, scenario.params.scale).ok();
    for key in Params::keys().filter(|k| *k != "scale") {
        let now = scenario.params.get(key);
        if preset.as_ref().map(|p| p.params.get(key)) != Some(now.clone()) {
            if let Some(v) = now {
                pairs.push((key.into(), v));
            }
        }
    }
    pairs.push(("t".into(), t.to_string()));
    pairs.push(("speed".into(), if speed.is_infinite() { "max".into() } else { speed.to_string() }));
    if playing {
        pairs.push(("autoplay".into(), "1".into()));
    }
    if looping {
        pairs.push(("loop".into(), "1".into()));
    }
    if let Some(s) = story_step {
        pairs.push(("step".into(), s.to_string()));
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_round_trip() {
        let u = parse("");
        assert!(u.notices.is_empty());
        assert_eq!(u.scenario.name, DEFAULT_SCENARIO);
        let mut sc = Scenario::preset_at("dec-2010", Scale::Real).expect("preset");
        sc.set("buggy_share", "0.3").expect("ok");
        sc.set("seed", "9").expect("ok");
        let q = to_query(&sc, 1440, 8.0, true, true, Some(3));
        let back = parse(&q);
        assert!(back.notices.is_empty(), "{:?}", back.notices);
        assert_eq!(back.scenario.params, sc.params);
        assert_eq!((back.t, back.speed, back.autoplay, back.looping, back.story_step), (1440, 8.0, Some(true), true, Some(3)));
        // The run's end is a minute a link may name.
        let end = parse(&to_query(&sc, MAX_MINUTE, f64::INFINITY, false, false, None));
        assert!(end.notices.is_empty() && end.t == MAX_MINUTE && !end.looping, "{:?}", end.notices);
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (q, key) in [("?scenario=nope", "scenario"), ("?t=abc", "t"), ("?seed=-1", "seed"), ("?scale=huge", "scale"), ("?speed=NaN", "speed"),
            ("?buggy_share=7", "buggy_share"), ("?t=99999999999999999999", "t"), ("?scenario=%3Cscript%3E", "scenario"), ("?embed=1&controls=%00", "controls"),
            ("?theme=neon", "theme"), ("?wat=1", "wat"), ("?a=1&%ZZ=2", ":")] {
            let u = parse(q);
            assert!(u.notices.iter().any(|n| n.contains(key)), "{q}: {:?}", u.notices);
        }
    }

    #[test]
    fn every_parameter_of_the_table_is_a_url_key() {
        let base = Scenario::preset_at("sandbox", Scale::City).expect("preset");
        for spec in overlay_sim::PARAMS.iter().filter(|p| p.key != "scale") {
            // A value other than the preset's, inside the table's range.
            let now = spec.get(&base.params);
            let other = match spec.kind {
                overlay_sim::params::Kind::Real { lo, hi, .. } => format!("{}", if now.number() == hi { lo } else { hi }),
                overlay_sim::params::Kind::Whole { lo, hi } => format!("{}", if now.number() as u64 == hi { lo } else { hi.min(lo.max(now.number() as u64) + 1) }),
                overlay_sim::params::Kind::Switch => if now.number() > 0.5 { "off" } else { "on" }.into(),
                overlay_sim::params::Kind::Choice(names) => names[(now.number() as usize + 1) % names.len()].into(),
            };
            let u = parse(&format!("scenario=sandbox&scale=city&{}={other}", spec.key));
            if spec.key == "peers" || spec.key == "supernodes" {
                continue; // sizes: checked against each other below
            }
            assert!(u.notices.is_empty(), "{}={other}: {:?}", spec.key, u.notices);
            assert_ne!(u.scenario.params.get(spec.key), base.params.get(spec.key), "{}", spec.key);
            let back = parse(&to_query(&u.scenario, 0, 8.0, false, false, None));
            assert_eq!(back.scenario.params, u.scenario.params, "{} round-trips", spec.key);
        }
    }

    #[test]
    fn sizes_are_checked_together_in_either_order() {
        for q in ["scale=classroom&peers=20&supernodes=10", "scale=classroom&supernodes=10&peers=20"] {
            let u = parse(q);
            assert!(u.notices.is_empty(), "{q}: {:?}", u.notices);
            assert_eq!((u.scenario.params.peers, u.scenario.params.supernodes), (20, 10));
        }
        let u = parse("scale=classroom&peers=20&supernodes=30");
        assert!(u.notices.iter().any(|n| n.starts_with("peers: '20'") && n.contains("at least as many peers as supernodes")), "{:?}", u.notices);
        assert!(u.scenario.check().is_ok());
        assert_eq!((u.scenario.params.peers, u.scenario.params.supernodes), Scale::Classroom.sizes());
    }

    #[test]
    fn a_value_is_quoted_as_given_and_floods_stay_one_notice() {
        let u = parse("t=6%00");
        assert_eq!(u.notices.len(), 1);
        assert!(u.notices[0].starts_with("t: '6\\0' is not valid"), "{:?}", u.notices);
        let u = parse("scenario=%3Cb%3E");
        assert!(u.notices[0].contains("'\\u{3c}b\\u{3e}'") && !u.notices[0].contains('<'), "{:?}", u.notices);
        // A megabyte of unknown keys and of repeated bad values: two notices.
        let q: String = (0..100_000).map(|i| format!("k{i}=1&seed=x{i}&")).collect();
        let u = parse(&q);
        assert_eq!(u.notices.len(), 2, "{:?}", u.notices);
        assert!(u.notices[0].starts_with("seed: 'x99999'"), "the last value given: {:?}", u.notices);
        assert!(u.notices[1].starts_with("'k0', 'k1', 'k2', 'k3', 'k4' and 99995 more: unknown parameters"), "{:?}", u.notices);
        let u = parse("speed=0.3");
        assert_eq!(u.speed, DEFAULT_SPEED);
        assert!(u.notices[0].starts_with("speed: '0.3' is not valid; using 8 (one of 0.25, 0.5, 1, 2,"), "{:?}", u.notices);
        assert_eq!(parse("speed=0.25").speed, 0.25);
        let long = parse(&format!("t={}", "9".repeat(100)));
        assert!(long.notices[0].contains("…'"), "{:?}", long.notices);
    }

    #[test]
    fn what_ifs_and_embed_keys_come_back_from_a_link() {
        let u = parse("scenario=dec-2010&scale=city&buggy_share=0.75%40280&kill=12%40270&t=300&embed=1&controls=none&legend=1");
        assert!(u.notices.is_empty(), "{:?}", u.notices);
        assert_eq!(u.scenario.params.buggy_share, 0.5, "a change at a minute is not the run's setting from the start");
        assert_eq!(u.whatifs.iter().map(|w| w.0).collect::<Vec<_>>(), vec![270, 280], "in minute order");
        assert_eq!(embed_suffix(&u), "&embed=1&controls=none&legend=1");
        assert_eq!(embed_suffix(&parse("t=3")), "");
        let bad = parse("kill=x%40270&capacity_headroom=2%40280");
        assert_eq!(bad.notices.len(), 2, "{:?}", bad.notices);
        assert!(bad.notices[1].starts_with("capacity_headroom:"), "{:?}", bad.notices);
    }

    #[test]
    fn a_design_is_a_key_and_one_that_cannot_run_the_scenario_is_named() {
        let u = parse("scenario=dec-2010&design=dht&compare=dedicated-2012");
        assert!(u.notices.is_empty(), "{:?}", u.notices);
        assert_eq!((u.scenario.params.design, u.compare), (overlay_sim::Design::Dht, Some(overlay_sim::Design::Dedicated2012)));
        let u = parse("scenario=aug-2007&design=central");
        assert!(u.notices.iter().any(|n| n.starts_with("design:") && n.contains("aug-2007") && n.contains("skype-2010")), "{:?}", u.notices);
        assert_eq!(u.scenario.params.design, overlay_sim::Design::Skype2010);
        assert!(u.scenario.check().is_ok());
    }

    #[test]
    fn a_rejected_value_names_the_exact_bounds() {
        let u = parse("seed=-1&restart_delay_min=2000");
        assert!(u.notices.iter().any(|n| n.contains("seed: '-1'") && n.contains("18446744073709551615")), "{:?}", u.notices);
        assert!(u.notices.iter().any(|n| n.contains("restart_delay_min: '2000'") && n.contains("from 0 to 1440")), "{:?}", u.notices);
    }
}
