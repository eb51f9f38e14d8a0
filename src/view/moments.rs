//! Landmarks in plain words. The model finds them (`overlay_sim::landmark`); this is the one
//! place that says what each kind is called on the timeline, how the event log and the live
//! region tell it, and which CSS class it wears.

use overlay_sim::landmark::RECOVERED_AT;
use overlay_sim::{Group, GroupState, History, Landmark, LandmarkKind as K};

use super::format::{count, times, utc};

/// A landmark told: a short title (timeline flags), a sentence (event log, live region, the
/// flag's accessible name) and a CSS class (`lm-…`).
#[derive(Clone, Debug, PartialEq)]
pub struct Told {
    pub title: &'static str,
    pub text: String,
    pub class: &'static str,
}

/// How a kind of landmark is told (`groups`: the run's cache groups, for their labels).
pub fn tell(kind: K, groups: &[Group]) -> Told {
    let (title, class, text) = match kind {
        K::ImOverload => ("trigger", "lm-trigger", "offline-IM servers overloaded; clients running 5.0.0.152 start crashing on their late replies".to_string()),
        K::MassRestart => ("trigger", "lm-trigger", "patch-day reboots: millions of computers restart and sign in at once".to_string()),
        K::Killed { count: 1, slot } => ("killed", "lm-killed", format!("supernode #{slot} killed")),
        K::Killed { count, .. } => ("killed", "lm-killed", format!("{count} supernodes killed")),
        K::FirstCrash { slot } => ("first crash", "lm-first-loss", format!("first supernode crashes on the 5.0.0.152 bug (#{slot})")),
        K::FirstShutdown { load } => (
            "first overload shutdown",
            "lm-first-loss",
            format!("first supernode shuts itself down under overload, at {} its capacity", times(f64::from(load))),
        ),
        K::SupernodesLost { percent } => ("supernodes lost", "lm-loss", lost(percent)),
        K::PeakLoad { ratio } => ("peak load", "lm-peak", format!("peak: surviving supernodes get {} their normal signalling", times(ratio))),
        K::MegaWave { wave, count } => ("mega-supernodes", "lm-mega", format!("mega-supernode wave {wave}: {count} operator-run supernodes come online")),
        K::GroupVideoOff => ("group video off", "lm-operator", "Skype switches group video off to cut the load on supernodes".to_string()),
        K::PromotionBroken => (
            "promotion bug",
            "lm-bug",
            "a bug in the network's resource allocation: no peer can be promoted to supernode, so the supernodes lost are not replaced".to_string(),
        ),
        K::PromotionFixed => ("the fix", "lm-operator", "Skype fixes the resource-allocation bug: peers are promoted to supernode again".to_string()),
        K::GroupDown { group, count, down } => ("group down", "lm-group-down", group_down(label(groups, group), count, down)),
        K::GroupRecovered { group, count, down } => ("group back", "lm-group-back", group_back(label(groups, group), count, down)),
        K::ParamChanged => ("rule changed", "lm-user", "a parameter was changed".to_string()),
        K::LowPoint { online, expected } => {
            ("low point", "lm-low", format!("low point: {} of {} expected peers online", count(online as f64), count(expected as f64)))
        }
        K::Recovered => ("recovered", "lm-recovered", format!("recovered: {:.0}% of expected peers online again", RECOVERED_AT * 100.0)),
    };
    Told { title, text, class }
}

/// A cache group's label ("EU-3"), or a stand-in for one the run does not have.
fn label(groups: &[Group], g: u16) -> &str {
    groups.get(usize::from(g)).map_or("?", |g| g.label.as_str())
}

fn group_down(first: &str, count: u32, down: u32) -> String {
    let few = format!("fewer than {:.0}%", GroupState::DOWN_BELOW * 100.0);
    let now = if down == 1 { "the only group down".to_string() } else { format!("{down} groups down") };
    match count {
        1 => format!("cache group {first} is down: {few} of its users have service ({now})"),
        n => format!("cache groups {first} and {} more are down: {few} of their users have service ({now})", n - 1),
    }
}

fn group_back(first: &str, count: u32, down: u32) -> String {
    let still = match down {
        0 => "no group down now".to_string(),
        1 => "1 group still down".to_string(),
        d => format!("{d} groups still down"),
    };
    let most = format!("over {:.0}%", GroupState::HEALTHY_ABOVE * 100.0);
    match count {
        1 => format!("cache group {first} is back: {most} of its users have service again ({still})"),
        n => format!("cache groups {first} and {} more are back: {most} of their users have service again ({still})", n - 1),
    }
}

fn lost(percent: u8) -> String {
    match percent {
        25 => "a quarter of the user-run supernodes are gone".into(),
        50 => "half of the user-run supernodes are gone".into(),
        p if p >= 90 => format!("{p}% of the user-run supernodes are gone: the network has collapsed"),
        p => format!("{p}% of the user-run supernodes are gone"),
    }
}

/// Whether the timeline flags it: the turns of the story, not every loss and change.
pub fn on_timeline(kind: K) -> bool {
    matches!(kind, K::ImOverload | K::MassRestart | K::Killed { .. } | K::FirstShutdown { .. } | K::PeakLoad { .. } | K::MegaWave { .. } | K::PromotionFixed | K::Recovered)
}

/// Whether the live region says it as the clock passes it. Not the peak and the low point so
/// far: they move every minute while the storm builds.
pub fn announced(kind: K) -> bool {
    !matches!(kind, K::PeakLoad { .. } | K::LowPoint { .. })
}

/// One line of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    pub minute: u32,
    /// "16:30 UTC".
    pub clock: String,
    pub text: String,
    pub class: &'static str,
}

/// A landmark of `h` as a line of the log.
pub fn moment(h: &History, l: &Landmark) -> Moment {
    let told = tell(l.kind, h.world().groups());
    Moment { minute: l.minute, clock: utc(h.world(), l.minute), text: told.text, class: told.class }
}

/// The story so far (up to the furthest minute computed), in minute order.
pub fn moments(h: &History) -> Vec<Moment> {
    h.landmarks().iter().map(|l| moment(h, l)).collect()
}

/// What the live region says for the clock moving from `from` to `to`: the newest landmark
/// passed, if any ("16:30 UTC: offline-IM servers overloaded; …").
pub fn passed(h: &History, from: u32, to: u32) -> Option<String> {
    let l = h.landmarks().into_iter().rev().find(|l| l.minute > from && l.minute <= to && announced(l.kind))?;
    Some(format!("{}: {}", utc(h.world(), l.minute), tell(l.kind, h.world().groups()).text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use overlay_sim::{Scale, Scenario, World};

    #[test]
    fn dec_2010_tells_its_script_in_order() {
        let sc = Scenario::preset_at("dec-2010", Scale::City).expect("preset");
        let first_wave = sc.params.mega_first_wave_min;
        let mut h = History::new(sc);
        for _ in 0..=first_wave {
            h.step();
        }
        let ms = moments(&h);
        let texts: Vec<&str> = ms.iter().map(|m| m.text.as_str()).collect();
        for want in ["offline-IM servers overloaded", "mega-supernode wave 1", "group video off"] {
            assert!(texts.iter().any(|t| t.contains(want)), "{want} missing from {texts:?}");
        }
        assert!(ms.windows(2).all(|p| p[0].minute <= p[1].minute));
        let im = ms.iter().find(|m| m.text.starts_with("offline-IM")).expect("trigger");
        assert_eq!((im.clock.as_str(), im.class), ("16:00 UTC", "lm-trigger"));
        assert_eq!(passed(&h, 239, 242).as_deref().map(|s| s.starts_with("16:0")), Some(true));
        assert_eq!(passed(&h, 0, 200), None, "nothing happens before the trigger");
    }

    #[test]
    fn a_storm_is_told_with_its_groups_by_name() {
        // Killing 60% of the supernodes overloads the rest: shutdowns, losses, groups down.
        let mut sc = Scenario::preset_at("random-failure", Scale::City).expect("preset");
        sc.set("kill_fraction", "0.6").expect("valid");
        let mut h = History::new(sc);
        for _ in 0..3 * 60 {
            h.step();
        }
        let ms = moments(&h);
        let texts: Vec<&str> = ms.iter().map(|m| m.text.as_str()).collect();
        for want in ["supernodes killed", "first supernode shuts itself down", "half of the user-run"] {
            assert!(texts.iter().any(|t| t.contains(want)), "{want} missing from {texts:?}");
        }
        let labels: Vec<&str> = h.world().groups().iter().map(|g| g.label.as_str()).collect();
        let down = ms.iter().find(|m| m.class == "lm-group-down").expect("a group down");
        assert!(labels.iter().any(|l| down.text.contains(&format!("cache group {l} ")) || down.text.contains(&format!("cache groups {l} "))), "{}", down.text);
        assert!(down.text.contains("fewer than 30%"), "{}", down.text);
    }

    #[test]
    fn every_kind_has_words_and_a_class_of_its_own_making() {
        let kinds = [
            K::ImOverload,
            K::MassRestart,
            K::Killed { count: 1, slot: 4 },
            K::Killed { count: 30, slot: 4 },
            K::FirstCrash { slot: 2 },
            K::FirstShutdown { load: 2.5 },
            K::SupernodesLost { percent: 25 },
            K::SupernodesLost { percent: 90 },
            K::PeakLoad { ratio: 80.0 },
            K::MegaWave { wave: 2, count: 150 },
            K::GroupVideoOff,
            K::PromotionBroken,
            K::PromotionFixed,
            K::GroupDown { group: 0, count: 1, down: 1 },
            K::GroupDown { group: 9, count: 3, down: 12 },
            K::GroupRecovered { group: 0, count: 1, down: 0 },
            K::GroupRecovered { group: 1, count: 2, down: 5 },
            K::ParamChanged,
            K::LowPoint { online: 1_000_000, expected: 23_000_000 },
            K::Recovered,
        ];
        let groups = World::new(&Scenario::preset_at("dec-2010", Scale::City).expect("preset")).groups().to_vec();
        for k in kinds {
            let t = tell(k, &groups);
            assert!(!t.text.is_empty() && !t.title.is_empty(), "{k:?}");
            assert!(t.class.starts_with("lm-") && t.class.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{k:?}: {}", t.class);
        }
        assert_eq!(tell(K::Killed { count: 30, slot: 4 }, &groups).text, "30 supernodes killed");
        assert!(tell(K::LowPoint { online: 1_000_000, expected: 23_000_000 }, &groups).text.contains("1.0M of 23.0M"));
        let g0 = &groups[0].label;
        assert_eq!(tell(K::GroupDown { group: 0, count: 1, down: 1 }, &groups).text, format!("cache group {g0} is down: fewer than 30% of its users have service (the only group down)"));
        assert!(tell(K::GroupRecovered { group: 1, count: 2, down: 5 }, &groups).text.contains("and 1 more are back"));
        assert!(tell(K::GroupDown { group: 999, count: 1, down: 1 }, &groups).text.contains("cache group ?"), "an unknown group is no panic");
    }
}
