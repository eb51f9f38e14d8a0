//! The scout runs the scenario ahead, untouched by the user, in short idle slices, so the
//! timeline can show every landmark (trigger, first shutdown, peak load, mega-supernode waves,
//! recovery) before the clock gets there. It keeps one world and the model's landmark finder,
//! nothing per minute — unless it records the series: the original run computed for the
//! comparison ghost of a what-if is a scout that records.

use overlay_sim::{Inputs, Landmark, LandmarkFinder, Metrics, Scenario, World, WorldBuild};

pub struct Scout {
    pub scenario: Scenario,
    world: Start,
    finder: LandmarkFinder,
    until: u32,
    series: Option<Vec<Metrics>>,
}

/// The scout's world, or the build of it: a real-scale build is a few stages of tens of
/// milliseconds each on a phone, so the scout takes them one slice at a time.
enum Start {
    Building(Box<WorldBuild>),
    Ready(Box<World>),
}

impl Scout {
    /// A scout of `scenario` from `world` at minute 0, running to minute `until`.
    pub fn new(scenario: Scenario, world: World, until: u32) -> Scout {
        let finder = LandmarkFinder::new(scenario.trigger_min);
        Scout { scenario, world: Start::Ready(Box::new(world)), finder, until, series: None }
    }

    /// A scout that builds its own world first, one build stage per slice.
    pub fn building(scenario: Scenario, until: u32) -> Scout {
        let build = WorldBuild::new(&scenario);
        let finder = LandmarkFinder::new(scenario.trigger_min);
        Scout { scenario, world: Start::Building(Box::new(build)), finder, until, series: None }
    }

    /// The same scout, keeping every minute's metrics row (the series a [`History`] of the
    /// scenario without user actions would have).
    ///
    /// [`History`]: overlay_sim::History
    pub fn recording(mut self) -> Scout {
        self.series = Some(Vec::with_capacity(self.until as usize));
        self
    }

    pub fn until(&self) -> u32 {
        self.until
    }

    /// The rows recorded so far (minutes 1..=minute), if recording.
    pub fn series(&self) -> Option<&[Metrics]> {
        self.series.as_deref()
    }

    pub fn minute(&self) -> u32 {
        match &self.world {
            Start::Ready(w) => w.minute(),
            Start::Building(_) => 0,
        }
    }
    pub fn done(&self) -> bool {
        self.minute() >= self.until
    }

    /// Steps while `more()` says there is time left; returns whether it moved. A scout still
    /// building its world runs one build stage instead.
    pub fn run(&mut self, mut more: impl FnMut() -> bool) -> bool {
        let world = match &mut self.world {
            Start::Ready(w) => w,
            Start::Building(b) => {
                if let Some(w) = b.advance() {
                    self.world = Start::Ready(Box::new(w));
                }
                return false;
            }
        };
        let start = world.minute();
        while world.minute() < self.until && more() {
            let r = world.step(&Inputs::none());
            self.finder.observe(&r.metrics, &r.events);
            if let Some(s) = self.series.as_mut() {
                s.push(r.metrics);
            }
        }
        world.minute() > start
    }

    /// The landmarks found so far, in minute order.
    pub fn landmarks(&self) -> Vec<Landmark> {
        self.finder.list()
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
        assert_eq!(scout.landmarks(), h.landmarks());
        assert!(scout.landmarks().len() >= 5, "{:?}", scout.landmarks());
    }

    #[test]
    fn a_recording_scout_keeps_the_series_of_the_untouched_run() {
        let sc = Scenario::preset_at("dec-2010", Scale::Classroom).expect("preset");
        let mut scout = Scout::new(sc.clone(), World::new(&sc), 600).recording();
        scout.run(|| true);
        let mut h = History::new(sc);
        for _ in 0..600 {
            h.step();
        }
        assert_eq!(scout.series(), Some(h.series()));
    }
}
