//! The URL query: what a link restores (scenario, scale, seed, changed parameters, minute,
//! speed, play state, story step, embed options). Parsed with serde_urlencoded; every bad
//! value becomes a notice naming the parameter and what was used instead — never a panic.

use overlay_sim::{Params, Scale, Scenario};

use crate::app_state::{DEFAULT_SPEED, SPEEDS};

/// Longest run a link may ask for: 14 simulated days.
pub const MAX_MINUTE: u32 = 14 * 24 * 60;
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
    pub story_step: Option<usize>,
    pub embed: bool,
    pub controls: Controls,
    pub theme: Theme,
    /// The tipping-point map's panel, axes and outcome (`panel`, `tx`, `ty`, `tm`).
    pub map: crate::tipping::MapLink,
    /// One line per rejected key or value, naming it and what was used instead.
    pub notices: Vec<String>,
}

/// Parses a query string (with or without the leading '?').
pub fn parse(query: &str) -> UrlState {
    let q = query.strip_prefix('?').unwrap_or(query);
    let mut notices = vec![];
    let mut unknown = vec![];
    let pairs: Vec<(String, String)> = match serde_urlencoded::from_str(q) {
        Ok(p) => p,
        Err(_) => {
            notices.push("The link's query could not be read; showing the defaults.".to_string());
            vec![]
        }
    };
    let get = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let mut bad = |key: &str, value: &str, used: &str| {
        // Echo the value as plain text: no control characters, no markup look-alikes.
        let v: String = value.chars().filter(|c| !c.is_control() && !matches!(c, '<' | '>')).take(40).collect();
        notices.push(format!("{key}: '{v}' is not valid; using {used}."));
    };

    let name = match get("scenario") {
        Some(s) if overlay_sim::scenario::NAMES.contains(&s) => s,
        Some(s) => {
            bad("scenario", s, DEFAULT_SCENARIO);
            DEFAULT_SCENARIO
        }
        None => DEFAULT_SCENARIO,
    };
    let scale = match get("scale") {
        Some(s) => Scale::parse(s).unwrap_or_else(|| {
            bad("scale", s, DEFAULT_SCALE.name());
            DEFAULT_SCALE
        }),
        None => DEFAULT_SCALE,
    };
    let mut scenario = match Scenario::preset_at(name, scale) {
        Ok(s) => s,
        // Unreachable for a name from NAMES; fall back rather than panic.
        Err(_) => Scenario::preset_at(DEFAULT_SCENARIO, DEFAULT_SCALE).unwrap_or_else(|_| unreachable_scenario()),
    };
    let reserved = ["scenario", "scale", "t", "speed", "autoplay", "step", "embed", "controls", "theme"];
    for (k, v) in &pairs {
        if reserved.contains(&k.as_str()) || crate::tipping::MapLink::KEYS.contains(&k.as_str()) {
            continue;
        }
        if k == "seed" || Params::KEYS.contains(&k.as_str()) {
            if let Err(e) = scenario.set(k, v) {
                let used = scenario.params.get(k).unwrap_or_default();
                let _ = e;
                bad(k, v, &format!("{used} (allowed: {})", e.allowed));
            }
        } else {
            let key: String = k.chars().filter(|c| !c.is_control() && !matches!(c, '<' | '>')).take(30).collect();
            unknown.push(format!("{key}: unknown parameter, ignored."));
        }
    }
    let t = match get("t") {
        Some(v) => match v.parse::<u32>() {
            Ok(m) if m <= MAX_MINUTE => m,
            _ => {
                bad("t", v, "0 (a whole number of minutes up to 20160)");
                0
            }
        },
        None => 0,
    };
    let speed = match get("speed") {
        Some("max") => f64::INFINITY,
        Some(v) => match v.parse::<f64>() {
            Ok(s) if s.is_finite() && (SPEEDS[0]..=SPEEDS[SPEEDS.len() - 1]).contains(&s) => s,
            _ => {
                bad("speed", v, &format!("{DEFAULT_SPEED} (0.25 to 64, or max)"));
                DEFAULT_SPEED
            }
        },
        None => DEFAULT_SPEED,
    };
    let flag = |key: &str, v: Option<&str>, bad: &mut dyn FnMut(&str, &str, &str)| match v {
        None | Some("0") | Some("false") => false,
        Some("1") | Some("true") | Some("") => true,
        Some(other) => {
            bad(key, other, "0");
            false
        }
    };
    let autoplay = get("autoplay").map(|v| flag("autoplay", Some(v), &mut bad));
    let embed = flag("embed", get("embed"), &mut bad);
    let story_step = match get("step") {
        Some(v) => match v.parse::<usize>() {
            Ok(s) if (1..=20).contains(&s) => Some(s),
            _ => {
                bad("step", v, "no story step");
                None
            }
        },
        None => None,
    };
    let controls = match get("controls") {
        // Embedded, a compact control bar unless the link asks for more.
        None if embed => Controls::Minimal,
        None | Some("full") => Controls::Full,
        Some("minimal") => Controls::Minimal,
        Some("none") => Controls::None,
        Some(v) => {
            bad("controls", v, "full (none, minimal or full)");
            Controls::Full
        }
    };
    let theme = match get("theme") {
        None | Some("auto") => Theme::Auto,
        Some("light") => Theme::Light,
        Some("dark") => Theme::Dark,
        Some(v) => {
            bad("theme", v, "auto (auto, light or dark)");
            Theme::Auto
        }
    };
    let map = crate::tipping::MapLink::from_pairs(&pairs, &mut bad);
    notices.extend(unknown);
    UrlState { scenario, t, speed, autoplay, story_step, embed, controls, theme, map, notices }
}

fn unreachable_scenario() -> Scenario {
    // Scenario::preset_at("sandbox", Classroom) cannot fail; this keeps the parser panic-free.
    Scenario::preset_at("sandbox", Scale::Classroom).unwrap_or_else(|_| std::process::abort())
}

/// The query that restores this view: scenario, scale, seed, every parameter that differs
/// from the preset, the minute and the speed (and autoplay when playing).
pub fn to_query(scenario: &Scenario, t: u32, speed: f64, playing: bool, story_step: Option<usize>) -> String {
    let mut pairs: Vec<(String, String)> = vec![("scenario".into(), scenario.name.clone()), ("scale".into(), scenario.params.scale.name().into())];
    let preset = Scenario::preset_at(&scenario.name, scenario.params.scale).ok();
    for key in Params::KEYS.iter().filter(|k| **k != "scale") {
        let now = scenario.params.get(key);
        if preset.as_ref().map(|p| p.params.get(key)) != Some(now.clone()) {
            if let Some(v) = now {
                pairs.push(((*key).into(), v));
            }
        }
    }
    pairs.push(("t".into(), t.to_string()));
    pairs.push(("speed".into(), if speed.is_infinite() { "max".into() } else { speed.to_string() }));
    if playing {
        pairs.push(("autoplay".into(), "1".into()));
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
        let q = to_query(&sc, 1440, 8.0, true, Some(3));
        let back = parse(&q);
        assert!(back.notices.is_empty(), "{:?}", back.notices);
        assert_eq!(back.scenario.params, sc.params);
        assert_eq!((back.t, back.speed, back.autoplay, back.story_step), (1440, 8.0, Some(true), Some(3)));
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
}
