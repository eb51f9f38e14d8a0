//! The scout runs the scenario ahead, untouched by the user, in short idle slices, so the
//! timeline can show every landmark (trigger, first shutdown, peak load, mega-supernode waves,
//! recovery) before the clock gets there. It keeps one world and the model's landmark finder,
//! nothing per minute.

use overlay_sim::{Inputs, Landmark, LandmarkFinder, Scenario, World};

pub struct Scout {
    pub scenario: Scenario,
    world: World,
    finder: LandmarkFinder,
    until: u32,
}

impl Scout {
    /// A scout of `scenario` from `world` at minute 0, running to minute `until`.
    pub fn new(scenario: Scenario, world: World, until: u32) -> Scout {
        let finder = LandmarkFinder::new(scenario.trigger_min);
        Scout { scenario, world, finder, until }
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
            self.finder.observe(&r.metrics, &r.events);
        }
        self.minute() > start
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
}
