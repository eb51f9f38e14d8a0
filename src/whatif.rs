//! What-ifs that travel in a link. The model keeps the user's actions by minute but does not
//! show them, so the clock mirrors each one here as it acts ([`record`]); the list goes into
//! the URL as `key=what@minute` pairs and a link replays them at their minutes.
//!
//! - a live parameter change: `buggy_share=0.75@280` (the table's key and value)
//! - a supernode killed: `kill=1234@280` (its slot)
//! - a mega-supernode added: `mega=0.5,0.3@280` (where on the map)
//!
//! The minute is the one on show when acting (the model applies it from the next minute on).

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use overlay_sim::{Action, Metrics, Scenario};

use crate::app_state::AppState;
use crate::clock::{Clock, PlayerCommand};
use crate::view::format::{count, param_value};

/// Replays a link's what-ifs: to each one's minute, act there, then on to minute `t` (and
/// play if `play`). Each seek is the clock's, in slices, so the page never blocks; every step
/// waits for the one before to land.
pub fn restore(state: AppState, clock: Clock, whatifs: Vec<(u32, Action)>, t: u32, play: bool) {
    next(state, clock, whatifs.into(), false, t, play);
}

fn next(state: AppState, clock: Clock, mut queue: std::collections::VecDeque<(u32, Action)>, mut arrived: bool, t: u32, play: bool) {
    if state.progress.try_get_untracked().is_none() {
        return; // unmounted
    }
    let landed = state.progress.get_untracked().is_none();
    if landed {
        let now = state.history.with_value(|h| h.minute());
        match queue.front() {
            Some((m, _)) if now != *m => clock.send(PlayerCommand::Seek(*m)),
            Some(_) => {
                if let Some((_, a)) = queue.pop_front() {
                    clock.send(PlayerCommand::Act(a));
                }
            }
            None if !arrived => {
                clock.send(PlayerCommand::Seek(t));
                arrived = true;
            }
            None => {
                if play {
                    clock.send(PlayerCommand::Play);
                }
                return;
            }
        }
    }
    Timeout::new(if landed { 0 } else { 30 }, move || next(state, clock, queue, arrived, t, play)).forget();
}

/// One action of the user, at the minute on show when it was taken.
#[derive(Clone, Debug, PartialEq)]
pub struct Acted {
    pub minute: u32,
    pub action: Action,
    /// A parameter's value before the change (for the event log's "from … to …").
    pub from: Option<String>,
}

/// Mirrors [`overlay_sim::History::act`]: acting at `minute` while the run is computed past it
/// forks, forgetting every action taken at this minute or later.
pub fn record(log: &mut Vec<Acted>, acted: Acted, forked: bool) {
    if forked {
        log.retain(|a| a.minute < acted.minute);
    }
    // The same parameter set twice at one minute: only the last value counts.
    if let Action::Set { key, .. } = &acted.action {
        log.retain(|a| !(a.minute == acted.minute && matches!(&a.action, Action::Set { key: k, .. } if k == key)));
    }
    log.push(acted);
}

/// The URL pairs of the log, in the order acted.
pub fn to_pairs(log: &[Acted]) -> Vec<(String, String)> {
    log.iter()
        .map(|a| match &a.action {
            Action::Kill(slot) => ("kill".to_string(), format!("{slot}@{}", a.minute)),
            Action::InjectMega { x, y } => ("mega".to_string(), format!("{x},{y}@{}", a.minute)),
            Action::Set { key, value } => (key.clone(), format!("{value}@{}", a.minute)),
        })
        .collect()
}

/// `&kill=…&mega=…` for the query ("" with no what-ifs).
pub fn query_suffix(log: &[Acted]) -> String {
    let pairs = to_pairs(log);
    if pairs.is_empty() {
        return String::new();
    }
    format!("&{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// Keys of what-ifs that are not model parameters.
pub const KEYS: [&str; 2] = ["kill", "mega"];

/// Whether a URL pair is a what-if (a value with `@minute`, or a `kill`/`mega` key).
pub fn is_whatif(key: &str, value: &str) -> bool {
    KEYS.contains(&key) || value.contains('@')
}

/// Reads a what-if pair, or says what is wrong with it (for a notice).
pub fn parse_pair(key: &str, value: &str, max_minute: u32) -> Result<(u32, Action), String> {
    let (what, at) = value.rsplit_once('@').ok_or("a what-if needs @minute, as in kill=12@280")?;
    let minute = at.parse::<u32>().ok().filter(|m| *m <= max_minute).ok_or_else(|| format!("the minute must be a whole number up to {max_minute}"))?;
    let action = match key {
        "kill" => Action::Kill(what.parse::<u32>().map_err(|_| "a supernode's slot number")?),
        "mega" => {
            let (x, y) = what.split_once(',').ok_or("a place on the map, as in mega=0.5,0.3@280")?;
            let read = |v: &str| v.parse::<f32>().ok().filter(|c| (0.0..=1.0).contains(c));
            Action::InjectMega { x: read(x).ok_or("x from 0 to 1")?, y: read(y).ok_or("y from 0 to 1")? }
        }
        _ => {
            let spec = overlay_sim::params::spec(key).ok_or("a model parameter")?;
            if spec.rebuild {
                return Err(format!("{key} shapes the network and cannot change mid-run; give it without @minute"));
            }
            spec.parse(what).map_err(|e| format!("{}", e.allowed))?;
            Action::Set { key: key.to_string(), value: what.trim().to_string() }
        }
    };
    Ok((minute, action))
}

/// The run a what-if is compared with: the scenario's preset at the same scale and seed.
pub fn original_of(scenario: &Scenario) -> Scenario {
    let mut o = Scenario::preset_at(&scenario.name, scenario.params.scale).unwrap_or_else(|_| scenario.clone());
    o.params.seed = scenario.params.seed;
    o
}

/// Users' hours without service over the first `minutes` rows (expected minus online peers).
pub fn hours_without_service(series: &[Metrics], minutes: usize) -> f64 {
    series.iter().take(minutes).map(|m| m.expected_peers.saturating_sub(m.online_peers) as f64 / 60.0).sum()
}

/// "users without service to 23 Dec 04:00: original 19.4M h, yours 2.1M h (−89%)", over the
/// minutes both runs have computed (None until both have some).
pub fn summary(original: &[Metrics], yours: &[Metrics], until_label: impl Fn(u32) -> String) -> Option<String> {
    let n = original.len().min(yours.len());
    if n == 0 {
        return None;
    }
    let (o, y) = (hours_without_service(original, n), hours_without_service(yours, n));
    let change = if o > 0.0 { format!(" ({:+.0}%)", (y - o) / o * 100.0).replace('-', "−") } else { String::new() };
    Some(format!("Users without service to {}: original {} h, yours {} h{change}", until_label(n as u32), count(o), count(y)))
}

/// How the event log tells a parameter change: "Users on 5.0.0.152: 50% → 75%".
pub fn tell_change(acted: &Acted) -> Option<String> {
    let Action::Set { key, value } = &acted.action else { return None };
    let label = overlay_sim::params::spec(key).map_or(key.as_str(), |s| s.label);
    let words = |v: &str| v.parse::<f64>().map_or_else(|_| v.to_string(), |x| param_value(key, x));
    Some(match &acted.from {
        Some(from) => format!("{label} changed: {} → {}", words(from), words(value)),
        None => format!("{label} set to {}", words(value)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(minute: u32, key: &str, value: &str) -> Acted {
        Acted { minute, action: Action::Set { key: key.into(), value: value.into() }, from: None }
    }

    #[test]
    fn the_log_mirrors_the_models_forks() {
        let mut log = vec![];
        record(&mut log, Acted { minute: 280, action: Action::Kill(7), from: None }, false);
        record(&mut log, set(300, "buggy_share", "0.6"), false);
        record(&mut log, set(300, "buggy_share", "0.75"), false);
        assert_eq!(log.len(), 2, "one value per parameter and minute: {log:?}");
        // Back at 290 and acting there forks: what came at 290 or later is gone.
        record(&mut log, Acted { minute: 290, action: Action::InjectMega { x: 0.5, y: 0.3 }, from: None }, true);
        assert_eq!(log.iter().map(|a| a.minute).collect::<Vec<_>>(), vec![280, 290]);
    }

    #[test]
    fn what_ifs_round_trip_through_the_link() {
        let log = vec![
            Acted { minute: 280, action: Action::Kill(1234), from: None },
            Acted { minute: 281, action: Action::InjectMega { x: 0.5, y: 0.3 }, from: None },
            set(282, "overload_shutdown", "off"),
            set(283, "buggy_share", "0.75"),
        ];
        let q = query_suffix(&log);
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q.trim_start_matches('&')).expect("a query");
        let back: Vec<(u32, Action)> = pairs.iter().map(|(k, v)| parse_pair(k, v, 20160).expect("valid")).collect();
        assert_eq!(back, log.iter().map(|a| (a.minute, a.action.clone())).collect::<Vec<_>>());
        assert!(q.contains("buggy_share=0.75"), "{q}");
    }

    #[test]
    fn bad_what_ifs_say_why() {
        for (k, v) in [("kill", "x@3"), ("kill", "3"), ("mega", "2,0@5"), ("buggy_share", "7@5"), ("capacity_headroom", "2@5"), ("buggy_share", "0.5@99999")] {
            assert!(parse_pair(k, v, 20160).is_err(), "{k}={v}");
        }
    }

    #[test]
    fn the_summary_compares_the_same_minutes() {
        let row = |online| Metrics { online_peers: online, expected_peers: 100, ..Metrics::default() };
        let original = vec![row(40); 120];
        let yours = vec![row(90); 60];
        let s = summary(&original, &yours, |m| format!("minute {m}")).expect("both computed");
        assert_eq!(s, "Users without service to minute 60: original 60 h, yours 10 h (−83%)");
    }

    #[test]
    fn a_change_is_told_with_both_values() {
        let a = Acted { minute: 5, action: Action::Set { key: "buggy_share".into(), value: "0.75".into() }, from: Some("0.5".into()) };
        assert_eq!(tell_change(&a).as_deref(), Some("Users on 5.0.0.152 changed: 50% → 75%"));
    }
}
