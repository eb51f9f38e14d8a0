//! overlay-sim — placeholder API while the model is written (issue 3).
pub struct Scenario;
#[derive(Debug)]
pub struct ParamError(pub String);
impl Scenario {
    pub fn preset(_name: &str) -> Result<Scenario, ParamError> { Ok(Scenario) }
}
#[derive(Default)]
pub struct Inputs;
pub struct StepReport;
pub struct Snapshot<'a> { pub sn_x: &'a [f32], pub sn_y: &'a [f32], pub sn_state: &'a [u8], pub sn_load: &'a [f32] }
#[derive(Clone)]
pub struct World { x: Vec<f32>, y: Vec<f32>, s: Vec<u8>, l: Vec<f32>, minute: u32 }
impl World {
    pub fn new(_s: &Scenario) -> World {
        let n = 30;
        World { x: (0..n).map(|i| (i as f32 * 0.37) % 1.0).collect(), y: (0..n).map(|i| (i as f32 * 0.61) % 1.0).collect(), s: vec![0; n], l: vec![0.5; n], minute: 0 }
    }
    pub fn step(&mut self, _i: &Inputs) -> StepReport { self.minute += 1; for (i, l) in self.l.iter_mut().enumerate() { *l = ((self.minute as f32 + i as f32) * 0.05).sin().abs(); } StepReport }
    pub fn minute(&self) -> u32 { self.minute }
    pub fn snapshot(&self) -> Snapshot<'_> { Snapshot { sn_x: &self.x, sn_y: &self.y, sn_state: &self.s, sn_load: &self.l } }
}
