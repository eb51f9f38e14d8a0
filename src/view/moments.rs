//! The event log's "big moments", found in a run's events and series and told in plain words.

use overlay_sim::{EventKind as K, History};

use super::format::{count, times, utc};

/// One line of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    pub minute: u32,
    /// "16:30 UTC".
    pub clock: String,
    pub text: String,
}

/// The story so far (up to the furthest minute computed), in minute order.
pub fn moments(h: &History) -> Vec<Moment> {
    Scan::default().update(h)
}

/// An incremental scan of the run's events: a real-scale run has millions of events, so each
/// call reads only the events added since the last one (the series part is short and re-read).
#[derive(Default)]
pub struct Scan {
    scanned: usize,
    lines: Vec<(u32, String)>,
    first_crash: Option<(u32, u32)>,
    first_shutdown: Option<(u32, f32)>,
    /// (minute, count) per mega-supernode wave.
    waves: Vec<(u32, usize)>,
}

impl Scan {
    /// Brings the scan up to date with `h` (starting over if the run was forked or replaced:
    /// call [`Scan::reset`] on a new revision) and returns the moments.
    pub fn update(&mut self, h: &History) -> Vec<Moment> {
        let events = h.events();
        if events.len() < self.scanned {
            self.reset();
        }
        for e in &events[self.scanned..] {
            let line = match e.kind {
                K::ImOverload => Some("offline-IM servers overloaded; clients running 5.0.0.152 start crashing on their late replies".to_string()),
                K::MassRestart => Some("patch-day reboots: millions of computers restart and sign in at once".to_string()),
                K::GroupVideoOff => Some("Skype switches group video off to cut the load on supernodes".to_string()),
                K::RetryPolicy => Some("clients change how they retry (the fix)".to_string()),
                K::ParamChanged => Some("a parameter was changed".to_string()),
                K::Killed if e.sn != u32::MAX => Some(format!("supernode #{} killed", e.sn)),
                K::Crash if self.first_crash.is_none() => {
                    self.first_crash = Some((e.minute, e.sn));
                    None
                }
                K::OverloadShutdown if self.first_shutdown.is_none() => {
                    self.first_shutdown = Some((e.minute, e.value));
                    None
                }
                K::MegaArrival => {
                    match self.waves.last_mut() {
                        Some((m, n)) if *m == e.minute => *n += 1,
                        _ => self.waves.push((e.minute, 1)),
                    }
                    None
                }
                _ => None,
            };
            if let Some(l) = line {
                self.lines.push((e.minute, l));
            }
        }
        self.scanned = events.len();
        self.compose(h)
    }

    pub fn reset(&mut self) {
        *self = Scan::default();
    }

    fn compose(&self, h: &History) -> Vec<Moment> {
        let w = h.world();
        let series = h.series();
        let mut out = self.lines.clone();
        if let Some((m, sn)) = self.first_crash {
            out.push((m, format!("first supernode crashes on the 5.0.0.152 bug (#{sn})")));
        }
        if let Some((m, v)) = self.first_shutdown {
            out.push((m, format!("first supernode shuts itself down under overload, at {} its capacity", times(f64::from(v)))));
        }
        for (k, &(m, n)) in self.waves.iter().enumerate() {
            out.push((m, format!("mega-supernode wave {}: {n} operator-run supernodes come online", k + 1)));
        }
        // Losses and recovery, from the series, relative to the trigger.
        if let Some(t) = h.scenario().trigger_min.filter(|&t| t > 0) {
            let base = series.get(t as usize - 1).map_or(0, |m| m.supernodes_alive);
            if base > 0 {
                for (share, text) in [(0.5, "half of the user-run supernodes are gone"), (0.9, "90% of the user-run supernodes are gone: the network has collapsed")] {
                    if let Some(m) = series.iter().skip(t as usize).find(|m| f64::from(m.supernodes_alive) <= f64::from(base) * (1.0 - share)) {
                        out.push((m.t_min, text.to_string()));
                    }
                }
            }
            let after = || series.iter().skip(t as usize);
            if let Some(peak) = after().max_by(|a, b| a.signalling_ratio.total_cmp(&b.signalling_ratio)).filter(|m| m.signalling_ratio > 3.0) {
                out.push((peak.t_min, format!("peak: surviving supernodes get {} their normal signalling", times(peak.signalling_ratio))));
            }
            if let Some(low) = after().min_by(|a, b| a.online_fraction().total_cmp(&b.online_fraction())).filter(|m| m.online_fraction() < 0.9) {
                out.push((low.t_min, format!("low point: {} of {} expected peers online", count(low.online_peers as f64), count(low.expected_peers as f64))));
                if let Some(r) = series.iter().skip(low.t_min as usize).find(|m| m.online_fraction() >= 0.9) {
                    out.push((r.t_min, "recovered: 90% of expected peers online again".to_string()));
                }
            }
        }
        out.sort_by_key(|(m, _)| *m);
        out.into_iter().map(|(minute, text)| Moment { minute, clock: utc(w, minute), text }).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use overlay_sim::{Scale, Scenario};

    #[test]
    fn dec_2010_tells_the_story_in_order() {
        let sc = Scenario::preset_at("dec-2010", Scale::City).expect("preset");
        let mut h = History::new(sc);
        for _ in 0..36 * 60 {
            h.step();
        }
        let ms = moments(&h);
        let texts: Vec<&str> = ms.iter().map(|m| m.text.as_str()).collect();
        for want in ["offline-IM servers overloaded", "first supernode crashes", "first supernode shuts itself down", "half of the user-run", "mega-supernode wave 1"] {
            assert!(texts.iter().any(|t| t.contains(want)), "{want} missing from {texts:?}");
        }
        assert!(ms.windows(2).all(|p| p[0].minute <= p[1].minute));
        let im = ms.iter().find(|m| m.text.starts_with("offline-IM")).expect("trigger");
        assert_eq!(im.clock, "16:30 UTC");
    }

    #[test]
    fn an_incremental_scan_equals_a_fresh_one() {
        let sc = Scenario::preset_at("dec-2010", Scale::City).expect("preset");
        let mut h = History::new(sc);
        let mut scan = Scan::default();
        for m in 0..24 * 60 {
            h.step();
            if m % 97 == 0 {
                scan.update(&h);
            }
        }
        assert_eq!(scan.update(&h), moments(&h));
    }
}
