//! The scout runs the scenario ahead, untouched by the user, in short idle slices, so the
//! timeline can show every landmark (trigger, first shutdown, peak load, mega-supernode waves,
//! recovery) before the clock gets there. It keeps one world and one metrics row per minute,
//! never checkpoints, and finds the landmarks with the same rules as `History::markers`.

use overlay_sim::{EventKind, Inputs, Metrics, Scenario, World};

pub struct Scout {
    pub scenario: Scenario,
    world: World,
    rows: Vec<Metrics>,
    first_shutdown: Option<u32>,
    waves: Vec<u32>,
    until: u32,
}

impl Scout {
    /// A scout of `scenario` from `world` at minute 0, running to minute `until`.
    pub fn new(scenario: Scenario, world: World, until: u32) -> Scout {
        Scout { scenario, world, rows: vec![], first_shutdown: None, waves: vec![], until }
    }

    pub fn minute(&self) -> u32 {
        self.world.minute()
    }
    pub fn done(&self) -> bool {
        self.minute() >= self.until
    }

    /// Steps while `more()` says there is time left; returns whether it moved.
    pub fn run(&mut self, mut more: impl FnMut() -> bool) -> bool {
        let start = self.minute();
        while !self.done() && more() {
            let r = self.world.step(&Inputs::none());
            for e in &r.events {
                match e.kind {
                    EventKind::OverloadShutdown if self.first_shutdown.is_none() => self.first_shutdown = Some(e.minute),
                    EventKind::MegaArrival if self.waves.last() != Some(&e.minute) => self.waves.push(e.minute),
                    _ => {}
                }
            }
            self.rows.push(r.metrics);
        }
        self.minute() > start
    }

    /// The landmarks found so far, sorted by minute.
    pub fn markers(&self) -> Vec<(u32, &'static str)> {
        let mut out = vec![];
        let trig = self.scenario.trigger_min;
        if let Some(t) = trig {
            out.push((t, "trigger"));
        }
        if let Some(m) = self.first_shutdown {
            out.push((m, "first overload shutdown"));
        }
        let trig = trig.unwrap_or(0);
        let after = || self.rows.iter().filter(move |m| m.t_min >= trig);
        if let Some(peak) = after().max_by(|a, b| a.signalling_ratio.total_cmp(&b.signalling_ratio)) {
            if peak.signalling_ratio > 3.0 {
                out.push((peak.t_min, "peak load"));
            }
        }
        out.extend(self.waves.iter().map(|&m| (m, "mega-supernodes")));
        let trough = after().min_by(|a, b| a.online_fraction().total_cmp(&b.online_fraction()));
        if let Some(tr) = trough.filter(|m| m.online_fraction() < 0.9) {
            if let Some(r) = self.rows.iter().find(|m| m.t_min > tr.t_min && m.online_fraction() >= 0.9) {
                out.push((r.t_min, "recovered to 90%"));
            }
        }
        out.sort_by_key(|m| m.0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use overlay_sim::{History, Scale};

    #[test]
    fn the_scout_finds_the_same_landmarks_as_the_history() {
        let sc = Scenario::preset_at("dec-2010", Scale::Classroom).expect("preset");
        let mut scout = Scout::new(sc.clone(), World::new(&sc), 36 * 60);
        scout.run(|| true);
        let mut h = History::new(sc);
        for _ in 0..36 * 60 {
            h.step();
        }
        let want: Vec<_> = h.markers().iter().map(|m| (m.minute, m.label)).collect();
        assert_eq!(scout.markers(), want);
        assert!(want.len() >= 5, "{want:?}");
    }
}
