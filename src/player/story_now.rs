//! What the run shows at the minute on screen, in the story's words. Every number a story step
//! quotes about the model comes from here, read from the run at that minute, so the text
//! agrees with the map and the charts at every scale and after any re-tuning of the model.

use overlay_sim::{GroupState, History, LandmarkKind, Metrics};

use crate::view::format::{count, times, utc};

/// The run at the minute on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Now {
    pub m: Metrics,
    /// User-run supernodes serving the minute before the trigger (once past it).
    pub before: Option<u32>,
    pub groups: usize,
    pub down: usize,
    pub storm: usize,
    pub recovering: usize,
    /// When the first cache group fell ("16:52 UTC"), if one has by now.
    pub first_down: Option<String>,
    /// When the 2007 resource-allocation bug was fixed, if it has been by now.
    pub fixed: Option<String>,
    /// The heaviest signalling so far after the trigger and when it was.
    pub peak: Option<(f64, String)>,
}

impl Now {
    pub fn of(h: &History) -> Now {
        let w = h.world();
        let m = h.metrics();
        let before = w
            .trigger_minute()
            .filter(|&t| m.t_min >= t && t >= 2)
            .and_then(|t| h.series().get(t as usize - 2))
            .map(|r| r.supernodes_alive);
        let tally = |s: GroupState| w.groups().iter().filter(|g| g.state == s).count();
        let marks = h.landmarks();
        let first_down = marks
            .iter()
            .find(|l| matches!(l.kind, LandmarkKind::GroupDown { .. }) && l.minute <= m.t_min)
            .map(|l| utc(w, l.minute));
        let fixed = marks.iter().find(|l| l.kind == LandmarkKind::PromotionFixed && l.minute <= m.t_min).map(|l| utc(w, l.minute));
        // Series row k is minute k + 1: the rows from the trigger to the minute on screen.
        let since_trigger = w.trigger_minute().map_or(&[][..], |t| h.series().get(t.max(1) as usize - 1..m.t_min as usize).unwrap_or(&[]));
        let peak = since_trigger
            .iter()
            .filter(|r| r.signalling_ratio.is_finite())
            .max_by(|a, b| a.signalling_ratio.total_cmp(&b.signalling_ratio))
            .filter(|r| r.signalling_ratio > 1.0)
            .map(|r| (r.signalling_ratio, utc(w, r.t_min)));
        Now {
            m,
            before,
            groups: w.groups().len(),
            down: tally(GroupState::Down),
            storm: tally(GroupState::Storm),
            recovering: tally(GroupState::Recovering),
            first_down,
            fixed,
            peak,
        }
    }

    /// "36% of the users who want service have it" (or that nobody has).
    pub fn service(&self) -> String {
        let f = self.m.online_fraction();
        if self.m.online_peers == 0 {
            "no user has service".into()
        } else {
            format!("{:.0}% of the users who want service have it", (f * 100.0).min(100.0))
        }
    }

    /// "152 of 240 cache groups are down, 3 in a storm, 85 healthy" (zero parts left out).
    pub fn groups_line(&self) -> String {
        let healthy = self.groups.saturating_sub(self.down + self.storm + self.recovering);
        let all = |state: &str| match self.groups {
            1 => format!("its one cache group is {state}"),
            2 => format!("both cache groups are {state}"),
            n => format!("all {n} cache groups are {state}"),
        };
        if healthy == self.groups {
            return all("healthy");
        }
        if self.down == self.groups {
            return all("down");
        }
        let parts: Vec<String> = [(self.storm, "in a storm"), (self.recovering, "recovering"), (healthy, "healthy")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        let head = format!("{} of {} cache groups {} down", self.down, self.groups, if self.down == 1 { "is" } else { "are" });
        if parts.is_empty() { head } else { format!("{head}, {}", parts.join(", ")) }
    }

    /// "a quarter of" the supernodes serving before the trigger have stopped, as a percentage.
    pub fn lost_percent(&self) -> Option<f64> {
        let b = f64::from(self.before?);
        (b > 0.0).then(|| (1.0 - f64::from(self.m.supernodes_alive) / b).max(0.0) * 100.0)
    }

    pub fn users(&self) -> String {
        count(self.m.online_peers as f64)
    }
    pub fn supernodes(&self) -> String {
        count(f64::from(self.m.supernodes_alive))
    }
    pub fn gave_up(&self) -> String {
        count(self.m.gave_up as f64)
    }
    /// "3.7×" the normal signalling on a serving supernode; "—" when none serves.
    pub fn signalling(&self) -> String {
        if self.m.supernodes_alive + self.m.mega_supernodes == 0 { "—".into() } else { times(self.m.signalling_ratio) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use overlay_sim::{Scale, Scenario};

    fn city_at(minute: u32) -> Now {
        let mut h = History::new(Scenario::preset_at("dec-2010", Scale::City).expect("preset"));
        h.seek(minute);
        Now::of(&h)
    }

    #[test]
    fn before_the_trigger_every_group_is_healthy_and_nothing_is_lost() {
        let trigger = Scenario::preset_at("dec-2010", Scale::City).ok().and_then(|s| s.trigger_min).expect("trigger");
        let n = city_at(trigger - 1);
        assert_eq!(n.groups_line(), format!("all {} cache groups are healthy", n.groups));
        assert_eq!(n.lost_percent(), None, "no trigger yet");
        assert!(n.first_down.is_none() && n.peak.is_none());
        assert!(n.service().ends_with("have it"));
    }

    #[test]
    fn the_storm_reads_as_groups_down_and_supernodes_lost() {
        // Two hours after the trigger: the storm has taken groups down and supernodes with them.
        let n = city_at(390);
        assert!(n.down > 0, "no group down two hours after the trigger");
        assert!(n.groups_line().starts_with(&format!("{} of {} cache groups", n.down, n.groups)), "{}", n.groups_line());
        assert!(n.lost_percent().is_some_and(|p| p > 10.0), "{:?}", n.lost_percent());
        assert!(n.first_down.as_deref().is_some_and(|c| c.ends_with("UTC")));
    }

    #[test]
    fn nobody_served_is_said_in_words() {
        let mut n = city_at(240);
        n.m.online_peers = 0;
        assert_eq!(n.service(), "no user has service");
        n.down = n.groups;
        assert_eq!(n.groups_line(), format!("all {} cache groups are down", n.groups));
        (n.groups, n.down, n.storm, n.recovering) = (2, 2, 0, 0);
        assert_eq!(n.groups_line(), "both cache groups are down");
        n.m.supernodes_alive = 0;
        n.m.mega_supernodes = 0;
        assert_eq!(n.signalling(), "—", "no signalling ratio without a serving supernode");
    }
}
