//! Landmarks: the moments of a run worth naming — the trigger, the first losses, the peak of
//! the storm, the low point, each mega-supernode wave, the recovery. One finder, fed minute by
//! minute, serves the runner's summary, the app's timeline, event log and live region, so the
//! rules ("a peak above 3× normal", "back to 90% of expected") live here and nowhere else.

use serde::Serialize;

use crate::{Event, EventKind, Metrics};

/// A peak of the storm is a landmark when signalling passes this many times normal.
pub const PEAK_ABOVE: f64 = 3.0;
/// Below this share of expected peers online the network is down; back above it, recovered.
pub const RECOVERED_AT: f64 = 0.9;
/// Losses of user-run supernodes (against the minute before the trigger) worth naming, in percent.
pub const LOSS_PERCENTS: [u8; 3] = [25, 50, 90];

/// What happened at a landmark. Values are what the app needs to put it in words.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LandmarkKind {
    /// The offline-IM cluster falls behind (the 2010 trigger).
    ImOverload,
    /// Patch-day reboots begin (the 2007 trigger).
    MassRestart,
    /// Supernodes killed in one minute, by the scenario or the user; `slot` is the first one.
    Killed { count: u32, slot: u32 },
    /// The first supernode crashed on the bug.
    FirstCrash { slot: u32 },
    /// The first supernode shut down by its safeguard, at `load` times its capacity.
    FirstShutdown { load: f32 },
    /// `percent` of the user-run supernodes serving before the trigger are gone.
    SupernodesLost { percent: u8 },
    /// The highest signalling so far after the trigger, when above [`PEAK_ABOVE`].
    PeakLoad { ratio: f64 },
    /// Operator-run mega-supernodes arrive (`wave` counts from 1).
    MegaWave { wave: u32, count: u32 },
    /// The operator switches group video off.
    GroupVideoOff,
    /// The 2007 resource-allocation bug: no peer can be promoted to supernode.
    PromotionBroken,
    /// Skype's fix for it: promotions resume.
    PromotionFixed,
    /// Cache groups collapsed this minute (few of their users have service): `group` is the
    /// first of the `count`; `down` groups are down after it.
    GroupDown { group: u16, count: u32, down: u32 },
    /// Collapsed cache groups healthy again this minute (`group` the first of `count`);
    /// `down` groups are still down.
    GroupRecovered { group: u16, count: u32, down: u32 },
    /// A parameter was changed by the user.
    ParamChanged,
    /// The fewest peers online so far after the trigger, when below [`RECOVERED_AT`].
    LowPoint { online: u64, expected: u64 },
    /// Online peers back to [`RECOVERED_AT`] of expected after the low point.
    Recovered,
}

impl LandmarkKind {
    /// Whether later minutes may move or drop this landmark (the peak and low point so far,
    /// and the recovery after them). The others stay where they were found.
    pub fn provisional(self) -> bool {
        matches!(self, LandmarkKind::PeakLoad { .. } | LandmarkKind::LowPoint { .. } | LandmarkKind::Recovered)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Landmark {
    pub minute: u32,
    #[serde(flatten)]
    pub kind: LandmarkKind,
}

/// Finds the landmarks of a run as it grows: feed it every minute's row and events in order.
#[derive(Clone, Debug, Default)]
pub struct LandmarkFinder {
    trigger: Option<u32>,
    /// Landmarks that never move, in minute order.
    found: Vec<Landmark>,
    /// User-run supernodes serving the minute before the trigger.
    base: Option<u32>,
    /// How many of [`LOSS_PERCENTS`] have been passed.
    losses: usize,
    waves: u32,
    seen_crash: bool,
    seen_shutdown: bool,
    peak: Option<(u32, f64)>,
    low: Option<Metrics>,
    recovered: Option<u32>,
    /// The last minute fed.
    minute: u32,
}

impl LandmarkFinder {
    /// A finder for a run whose trigger (if any) is at `trigger`.
    pub fn new(trigger: Option<u32>) -> LandmarkFinder {
        LandmarkFinder { trigger, ..LandmarkFinder::default() }
    }

    /// The last minute fed (0 before any).
    pub fn minute(&self) -> u32 {
        self.minute
    }

    /// Takes in one minute: its metrics row and its events (any order within the minute).
    pub fn observe(&mut self, row: &Metrics, events: &[Event]) {
        self.minute = row.t_min;
        self.observe_events(row.t_min, events);
        self.observe_groups(row, events);
        self.observe_row(row);
    }

    fn push(&mut self, minute: u32, kind: LandmarkKind) {
        self.found.push(Landmark { minute, kind });
    }

    fn observe_events(&mut self, t: u32, events: &[Event]) {
        let (mut megas, mut kills, mut killed_first) = (0u32, 0u32, u32::MAX);
        for e in events {
            match e.kind {
                EventKind::ImOverload => self.push(t, LandmarkKind::ImOverload),
                EventKind::MassRestart => self.push(t, LandmarkKind::MassRestart),
                EventKind::GroupVideoOff => self.push(t, LandmarkKind::GroupVideoOff),
                EventKind::PromotionBroken => self.push(t, LandmarkKind::PromotionBroken),
                EventKind::PromotionFixed => self.push(t, LandmarkKind::PromotionFixed),
                EventKind::ParamChanged => self.push(t, LandmarkKind::ParamChanged),
                EventKind::Crash if !self.seen_crash => {
                    self.seen_crash = true;
                    self.push(t, LandmarkKind::FirstCrash { slot: e.sn });
                }
                EventKind::OverloadShutdown if !self.seen_shutdown => {
                    self.seen_shutdown = true;
                    self.push(t, LandmarkKind::FirstShutdown { load: e.value });
                }
                EventKind::MegaArrival => megas += 1,
                EventKind::Killed => {
                    kills += 1;
                    killed_first = killed_first.min(e.sn);
                }
                _ => {}
            }
        }
        if kills > 0 {
            self.push(t, LandmarkKind::Killed { count: kills, slot: killed_first });
        }
        if megas > 0 {
            self.waves += 1;
            self.push(t, LandmarkKind::MegaWave { wave: self.waves, count: megas });
        }
    }

    /// Groups down and back this minute, one landmark each way (the first group named).
    fn observe_groups(&mut self, row: &Metrics, events: &[Event]) {
        let (mut fell, mut rose): (Option<(u16, u32)>, Option<(u16, u32)>) = (None, None);
        for e in events {
            let tally = match e.kind {
                EventKind::GroupDown => &mut fell,
                EventKind::GroupRecovered => &mut rose,
                _ => continue,
            };
            let (first, n) = tally.get_or_insert((e.group, 0));
            *first = (*first).min(e.group);
            *n += 1;
        }
        let down = row.groups_down;
        if let Some((group, count)) = fell {
            self.push(row.t_min, LandmarkKind::GroupDown { group, count, down });
        }
        if let Some((group, count)) = rose {
            self.push(row.t_min, LandmarkKind::GroupRecovered { group, count, down });
        }
    }

    fn observe_row(&mut self, row: &Metrics) {
        let t = row.t_min;
        let trigger = self.trigger.unwrap_or(0);
        if Some(t + 1) == self.trigger {
            self.base = Some(row.supernodes_alive);
        }
        if t < trigger {
            return;
        }
        self.observe_losses(row);
        // `>=`: the last of equal peaks, `<`: the first of equal lows (as max_by / min_by do).
        if self.peak.is_none_or(|(_, r)| row.signalling_ratio >= r) {
            self.peak = Some((t, row.signalling_ratio));
        }
        let frac = row.online_fraction();
        match self.low {
            Some(low) if frac >= low.online_fraction() => {
                if self.recovered.is_none() && low.online_fraction() < RECOVERED_AT && frac >= RECOVERED_AT {
                    self.recovered = Some(t);
                }
            }
            _ => {
                self.low = Some(*row);
                self.recovered = None;
            }
        }
    }

    fn observe_losses(&mut self, row: &Metrics) {
        let Some(base) = self.base.filter(|&b| b > 0) else { return };
        while let Some(&pc) = LOSS_PERCENTS.get(self.losses) {
            let left = f64::from(base) * (1.0 - f64::from(pc) / 100.0);
            if f64::from(row.supernodes_alive) > left {
                break;
            }
            self.losses += 1;
            self.push(row.t_min, LandmarkKind::SupernodesLost { percent: pc });
        }
    }

    /// The peak so far after the trigger: (minute, signalling ratio), landmark or not.
    pub fn peak(&self) -> Option<(u32, f64)> {
        self.peak
    }
    /// The row with the fewest peers online (against expected) so far after the trigger.
    pub fn low(&self) -> Option<&Metrics> {
        self.low.as_ref()
    }
    /// Whether the low point so far is below [`RECOVERED_AT`] (a landmark, with a recovery to find).
    pub fn went_down(&self) -> bool {
        self.low.is_some_and(|m| m.online_fraction() < RECOVERED_AT)
    }
    /// The first minute back at [`RECOVERED_AT`] after a low point below it.
    pub fn recovered(&self) -> Option<u32> {
        self.recovered
    }

    /// Every landmark found so far, in minute order.
    pub fn list(&self) -> Vec<Landmark> {
        let mut out = self.found.clone();
        if let Some((minute, ratio)) = self.peak.filter(|p| p.1 > PEAK_ABOVE) {
            out.push(Landmark { minute, kind: LandmarkKind::PeakLoad { ratio } });
        }
        if let Some(low) = self.low.filter(|_| self.went_down()) {
            out.push(Landmark { minute: low.t_min, kind: LandmarkKind::LowPoint { online: low.online_peers, expected: low.expected_peers } });
        }
        if let Some(minute) = self.recovered {
            out.push(Landmark { minute, kind: LandmarkKind::Recovered });
        }
        // Stable: landmarks of one minute keep the order they were found in.
        out.sort_by_key(|l| l.minute);
        out
    }

    /// The landmarks of a finished series (no events: only the series' own landmarks).
    pub fn of_series(trigger: Option<u32>, series: &[Metrics]) -> LandmarkFinder {
        let mut f = LandmarkFinder::new(trigger);
        for row in series {
            f.observe(row, &[]);
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(t: u32, online: u64, alive: u32, ratio: f64) -> Metrics {
        Metrics { t_min: t, online_peers: online, expected_peers: 100, supernodes_alive: alive, signalling_ratio: ratio, ..Metrics::default() }
    }

    #[test]
    fn a_storm_has_its_losses_peak_low_point_and_recovery() {
        let mut f = LandmarkFinder::new(Some(3));
        let rows = [row(1, 100, 100, 1.0), row(2, 100, 100, 1.0), row(3, 80, 70, 5.0), row(4, 40, 40, 50.0), row(5, 20, 5, 20.0), row(6, 20, 5, 2.0), row(7, 95, 60, 1.0)];
        for r in &rows {
            let ev = if r.t_min == 3 { vec![Event { minute: 3, kind: EventKind::ImOverload, sn: u32::MAX, group: u16::MAX, value: 0.3 }] } else { vec![] };
            f.observe(r, &ev);
        }
        let got: Vec<(u32, LandmarkKind)> = f.list().into_iter().map(|l| (l.minute, l.kind)).collect();
        assert_eq!(
            got,
            vec![
                (3, LandmarkKind::ImOverload),
                (3, LandmarkKind::SupernodesLost { percent: 25 }),
                (4, LandmarkKind::SupernodesLost { percent: 50 }),
                (4, LandmarkKind::PeakLoad { ratio: 50.0 }),
                (5, LandmarkKind::SupernodesLost { percent: 90 }),
                (5, LandmarkKind::LowPoint { online: 20, expected: 100 }),
                (7, LandmarkKind::Recovered),
            ]
        );
    }

    #[test]
    fn a_deeper_low_point_takes_the_recovery_back() {
        let mut f = LandmarkFinder::new(None);
        for r in [row(1, 50, 10, 1.0), row(2, 95, 10, 1.0)] {
            f.observe(&r, &[]);
        }
        assert_eq!(f.recovered(), Some(2));
        f.observe(&row(3, 30, 10, 1.0), &[]);
        assert_eq!(f.recovered(), None);
        assert_eq!(f.low().map(|m| m.t_min), Some(3));
        assert!(f.list().iter().all(|l| l.kind != LandmarkKind::PeakLoad { ratio: 1.0 }), "no peak under 3×");
    }

    #[test]
    fn waves_and_kills_are_counted_per_minute() {
        let mut f = LandmarkFinder::new(None);
        let at = |kind, sn| Event { minute: 9, kind, sn, group: 0, value: 0.0 };
        f.observe(&row(9, 100, 10, 1.0), &[at(EventKind::MegaArrival, 40), at(EventKind::MegaArrival, 41), at(EventKind::Killed, 7), at(EventKind::Killed, 3)]);
        f.observe(&row(10, 100, 10, 1.0), &[Event { minute: 10, ..at(EventKind::MegaArrival, 42) }]);
        let kinds: Vec<_> = f.list().into_iter().map(|l| l.kind).collect();
        assert_eq!(kinds, vec![LandmarkKind::Killed { count: 2, slot: 3 }, LandmarkKind::MegaWave { wave: 1, count: 2 }, LandmarkKind::MegaWave { wave: 2, count: 1 }]);
    }

    #[test]
    fn groups_down_and_back_are_one_landmark_a_minute_each_way() {
        let mut f = LandmarkFinder::new(None);
        let group = |kind, g| Event { minute: 5, kind, sn: u32::MAX, group: g, value: 0.1 };
        let mut r = row(5, 50, 10, 1.0);
        r.groups_down = 3;
        f.observe(&r, &[group(EventKind::GroupDown, 7), group(EventKind::GroupDown, 2), group(EventKind::GroupRecovered, 4)]);
        f.observe(&row(6, 50, 10, 1.0), &[Event::network(6, EventKind::PromotionBroken, 0.0)]);
        f.observe(&row(7, 50, 10, 1.0), &[Event::network(7, EventKind::PromotionFixed, 0.0)]);
        let got: Vec<(u32, LandmarkKind)> = f.list().into_iter().filter(|l| !l.kind.provisional()).map(|l| (l.minute, l.kind)).collect();
        assert_eq!(
            got,
            vec![
                (5, LandmarkKind::GroupDown { group: 2, count: 2, down: 3 }),
                (5, LandmarkKind::GroupRecovered { group: 4, count: 1, down: 3 }),
                (6, LandmarkKind::PromotionBroken),
                (7, LandmarkKind::PromotionFixed),
            ]
        );
    }
}
