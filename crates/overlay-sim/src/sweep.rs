//! The tipping-point map: one whole run per cell of a grid over two parameters, and the outcome
//! of each run — users' hours lost, the trough, the time back to 90%.
//!
//! A cell is an ordinary run of the scenario with two parameters changed, so every value goes
//! through the model's own validation (`Scenario::set`): the ranges live in `params` and nowhere
//! else. Pure and deterministic like the rest of the crate. [`Sweeper`] computes the grid a few
//! minutes at a time, so a browser can spread it over idle slices; [`Grid::run`] does it in one go.
//!
//! ```
//! use overlay_sim::sweep::{Axis, Grid};
//! use overlay_sim::{Scale, Scenario};
//! let base = Scenario::preset_at("dec-2010", Scale::Classroom).unwrap();
//! let x = Axis::parse("buggy_share=0:1:3").unwrap();
//! let y = Axis::parse("capacity_headroom=2:5:2").unwrap();
//! let sweep = Grid::new(base, x, y, 6).unwrap().run();
//! assert_eq!(sweep.cells.len(), 6);
//! ```

use crate::run::summarize;
use crate::{Inputs, Metrics, ParamError, Params, Scenario, World};
use serde::Serialize;
use std::fmt;

/// Most steps an axis may have (a 64×64 map is already 4,096 runs).
pub const MAX_STEPS: u32 = 64;
/// Longest run a cell may be (the runner's limit: 14 days).
pub const MAX_HOURS: u32 = 14 * 24;
/// Runs per cell unless told otherwise, with seeds `seed`, `seed + 1`, …: one run is one roll of
/// the dice, and near the edge neighbouring cells fall either way by chance (a single-run map
/// shows that noise as a chequerboard). A cell shows the mean of its runs.
pub const RUNS: u32 = 3;
/// Most runs a cell may have.
pub const MAX_RUNS: u32 = 16;

/// Why a sweep cannot be set up. Its text names what was wrong and what is allowed.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepError {
    /// An axis is not `PARAM=FROM:TO:N`.
    Spec { spec: String, why: String },
    /// The parameter cannot be swept (unknown, or not a number).
    NotSweepable { param: String },
    /// The model rejects a value on the axis.
    Param(ParamError),
    /// Both axes name the same parameter.
    SameParam(String),
    /// A whole-number parameter has fewer distinct whole values in the range than steps.
    TooFine { param: String, steps: u32, distinct: usize },
    /// The runs would be shorter than allowed or end before the scenario's trigger.
    Hours { hours: u32, min: u32 },
    /// Runs per cell outside 1..=MAX_RUNS.
    Runs(u32),
}

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SweepError::Spec { spec, why } => write!(f, "axis '{spec}': {why} (want PARAM=FROM:TO:N, e.g. buggy_share=0:1:13)"),
            SweepError::NotSweepable { param } => write!(f, "'{param}' cannot be swept (numeric parameters: {})", sweepable().join(", ")),
            SweepError::Param(e) => write!(f, "{e}"),
            SweepError::SameParam(p) => write!(f, "both axes sweep '{p}': pick two different parameters"),
            SweepError::TooFine { param, steps, distinct } => {
                write!(f, "{param} takes whole numbers: {steps} steps but only {distinct} distinct values in that range")
            }
            SweepError::Hours { hours, min } => write!(f, "hours: {hours} is not a whole number from {min} to {MAX_HOURS} (the runs must go past the trigger)"),
            SweepError::Runs(n) => write!(f, "runs: {n} is not a whole number from 1 to {MAX_RUNS}"),
        }
    }
}
impl std::error::Error for SweepError {}

impl From<ParamError> for SweepError {
    fn from(e: ParamError) -> Self {
        SweepError::Param(e)
    }
}

/// Whether a parameter is a number, and of which kind — read from the parameter table, so a
/// new parameter is sweepable without a list here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Real,
    Whole,
}

/// The kind of a numeric parameter, or None for anything else (policy, switch, scale) and for
/// the seed (sweeping it is a different question: variance, not a tipping point).
pub fn kind(param: &str) -> Option<Kind> {
    if param == "seed" {
        return None;
    }
    match crate::params::spec(param)?.kind {
        crate::params::Kind::Real { .. } => Some(Kind::Real),
        crate::params::Kind::Whole { .. } => Some(Kind::Whole),
        crate::params::Kind::Switch | crate::params::Kind::Choice(_) => None,
    }
}

/// Every parameter a sweep accepts, in the model's order.
pub fn sweepable() -> Vec<&'static str> {
    Params::keys().filter(|k| kind(k).is_some()).collect()
}

/// One axis of the map: a parameter swept from `from` to `to` in `steps` evenly spaced values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    pub param: String,
    pub from: f64,
    pub to: f64,
    pub steps: u32,
}

impl Axis {
    /// Parses `PARAM=FROM:TO:N` (the runner's `--x` / `--y`). Values are checked by [`Grid::new`].
    pub fn parse(spec: &str) -> Result<Axis, SweepError> {
        let bad = |why: &str| SweepError::Spec { spec: spec.chars().take(60).collect(), why: why.to_string() };
        let (param, range) = spec.split_once('=').ok_or_else(|| bad("no '='"))?;
        let parts: Vec<&str> = range.split(':').collect();
        let [from, to, n] = parts[..] else { return Err(bad("the range needs FROM:TO:N")) };
        let num = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let (Some(from), Some(to)) = (num(from), num(to)) else { return Err(bad("FROM and TO must be numbers")) };
        let steps = n.trim().parse::<u32>().ok().filter(|n| (2..=MAX_STEPS).contains(n)).ok_or_else(|| bad(&format!("N must be a whole number from 2 to {MAX_STEPS}")))?;
        if from == to {
            return Err(bad("FROM and TO are equal"));
        }
        Ok(Axis { param: param.trim().to_string(), from, to, steps })
    }

    /// The values swept, evenly spaced from `from` to `to` (rounded for whole-number parameters).
    pub fn values(&self) -> Vec<f64> {
        let whole = kind(&self.param) == Some(Kind::Whole);
        (0..self.steps)
            .map(|i| {
                let v = self.from + (self.to - self.from) * f64::from(i) / f64::from(self.steps - 1);
                if whole { v.round() } else { v }
            })
            .collect()
    }

    /// Where a value falls along the axis, 0 at `from` and 1 at `to` (outside 0..1 when off the map).
    pub fn position(&self, value: f64) -> f64 {
        (value - self.from) / (self.to - self.from)
    }

    /// A useful window for a parameter at a scenario's settings: where the 2010 network sits and
    /// both sides of its tipping point, inside the model's own range (checked by `Grid::new`).
    /// None for parameters with no suggestion.
    pub fn suggested(param: &str, base: &Params) -> Option<Axis> {
        let (from, to) = match param {
            "buggy_share" | "crash_fraction" | "mega_reach" => (0.0, 1.0),
            "capacity_headroom" => (2.0, 5.0),
            "capacity_spread" => (0.0, 2.0),
            "restart_delay_min" => (0.0, 120.0),
            "attempts_per_min" => (1.0, 6.0),
            "probe_fanout" => (1.0, 16.0),
            "user_restart_min" => (1.0, 120.0),
            "login_capacity" => (0.5, 6.0),
            // The operator's plan scales with the network: none up to four times the preset's.
            "mega_supernodes" => (0.0, f64::from(base.mega_supernodes.max(3) * 4)),
            "mega_first_wave_min" => (0.0, 24.0 * 60.0),
            _ => return None,
        };
        let steps = match kind(param)? {
            Kind::Real => 13,
            Kind::Whole => 13.min((to - from) as u32 + 1),
        };
        Some(Axis { param: param.to_string(), from, to, steps })
    }

    /// The parameters with a [`suggested`](Axis::suggested) window: the map's axis menu.
    pub const SUGGESTED: [&'static str; 12] = [
        "buggy_share", "capacity_headroom", "crash_fraction", "capacity_spread", "restart_delay_min", "attempts_per_min",
        "probe_fanout", "user_restart_min", "login_capacity", "mega_supernodes", "mega_first_wave_min", "mega_reach",
    ];
}

/// One cell's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Cell {
    pub x: f64,
    pub y: f64,
    /// Sum over minutes of (expected − online peers) / 60: users' hours without service.
    pub user_hours_lost: f64,
    /// Lowest online fraction of expected after the trigger.
    pub trough: f64,
    /// Minutes from the trigger until back to 90% of expected (after the trough); None if never.
    pub minutes_to_90pct: Option<u32>,
}

/// One run's outcome, before a cell's runs are combined.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Outcome {
    lost: f64,
    trough: f64,
    back: Option<u32>,
}

impl Cell {
    /// The cell of runs `outs` (at least one): the mean users' hours lost and trough, and the
    /// middle run's time back to 90% (a run that never comes back counts as the slowest).
    fn of(x: f64, y: f64, outs: &[Outcome]) -> Cell {
        let n = outs.len().max(1) as f64;
        let mut backs: Vec<Option<u32>> = outs.iter().map(|o| o.back).collect();
        backs.sort_by_key(|b| b.unwrap_or(u32::MAX));
        Cell {
            x,
            y,
            user_hours_lost: outs.iter().map(|o| o.lost).sum::<f64>() / n,
            trough: outs.iter().map(|o| o.trough).sum::<f64>() / n,
            minutes_to_90pct: backs.get(outs.len().saturating_sub(1) / 2).copied().flatten(),
        }
    }
}

/// An axis as it appears in the output: the parameter and its values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AxisValues {
    pub param: String,
    pub values: Vec<f64>,
}

/// A finished map: `{scenario, scale, x:{param, values}, y:{param, values}, cells}`, cells row by
/// row (y outer, x inner).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    pub scenario: String,
    pub scale: crate::Scale,
    pub seed: u64,
    pub hours: u32,
    /// Runs per cell (seeds `seed`, `seed + 1`, …).
    pub runs: u32,
    pub x: AxisValues,
    pub y: AxisValues,
    pub cells: Vec<Cell>,
}

/// A validated grid: the base scenario, two axes and the length of each run.
#[derive(Clone, Debug)]
pub struct Grid {
    base: Scenario,
    x: Axis,
    y: Axis,
    xs: Vec<f64>,
    ys: Vec<f64>,
    hours: u32,
    runs: u32,
}

impl Grid {
    /// Checks both axes against the model: the parameters exist and are numbers, differ, and
    /// every value on them is one `Scenario::set` accepts.
    pub fn new(base: Scenario, x: Axis, y: Axis, hours: u32) -> Result<Grid, SweepError> {
        let min = base.trigger_min.map_or(1, |t| t / 60 + 1);
        if !(min..=MAX_HOURS).contains(&hours) {
            return Err(SweepError::Hours { hours, min });
        }
        if x.param == y.param {
            return Err(SweepError::SameParam(x.param));
        }
        for axis in [&x, &y] {
            if kind(&axis.param).is_none() {
                return Err(SweepError::NotSweepable { param: axis.param.chars().take(40).collect() });
            }
            let values = axis.values();
            let mut distinct = values.clone();
            distinct.dedup();
            if distinct.len() < values.len() {
                return Err(SweepError::TooFine { param: axis.param.clone(), steps: axis.steps, distinct: distinct.len() });
            }
            let mut probe = base.clone();
            for v in [axis.from, axis.to].into_iter().chain(values) {
                probe.set(&axis.param, &text(v, &axis.param))?;
            }
        }
        let (xs, ys) = (x.values(), y.values());
        let grid = Grid { base, x, y, xs, ys, hours, runs: RUNS };
        // Limits between parameters (peers against supernodes), for every pair on the map.
        for i in 0..grid.len() {
            grid.scenario(i).check()?;
        }
        Ok(grid)
    }

    pub fn x(&self) -> &Axis {
        &self.x
    }
    pub fn y(&self) -> &Axis {
        &self.y
    }
    pub fn base(&self) -> &Scenario {
        &self.base
    }
    pub fn hours(&self) -> u32 {
        self.hours
    }
    /// Runs per cell.
    pub fn runs(&self) -> u32 {
        self.runs
    }
    /// The same grid with `runs` runs per cell (1 to [`MAX_RUNS`]).
    pub fn with_runs(mut self, runs: u32) -> Result<Grid, SweepError> {
        if !(1..=MAX_RUNS).contains(&runs) {
            return Err(SweepError::Runs(runs));
        }
        self.runs = runs;
        Ok(self)
    }
    /// Number of cells (each of [`runs`](Grid::runs) runs).
    pub fn len(&self) -> usize {
        self.xs.len() * self.ys.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The (column, row) of cell `i`: cells go row by row, y outer.
    pub fn position(&self, i: usize) -> (usize, usize) {
        (i % self.xs.len(), i / self.xs.len())
    }

    /// The scenario of cell `i`'s run `r`: its first run's with the seed moved on by `r`.
    fn scenario_run(&self, i: usize, r: u32) -> Scenario {
        let mut sc = self.scenario(i);
        sc.params.seed = sc.params.seed.wrapping_add(u64::from(r));
        sc
    }

    /// The scenario of cell `i` (its first run): the base with the two parameters set.
    pub fn scenario(&self, i: usize) -> Scenario {
        let (col, row) = self.position(i);
        let mut sc = self.base.clone();
        // Grid::new checked every value against the same base, so these cannot fail.
        let _ = sc.set(&self.x.param, &text(self.xs[col], &self.x.param));
        let _ = sc.set(&self.y.param, &text(self.ys[row], &self.y.param));
        sc
    }

    /// Runs cell `i`'s runs to the end in one go.
    pub fn cell(&self, i: usize) -> Cell {
        let outs: Vec<Outcome> = (0..self.runs)
            .map(|r| {
                let mut run = CellRun::new(self, i, r);
                run.advance(self.hours * 60);
                run.outcome()
            })
            .collect();
        self.cell_of(i, &outs)
    }

    fn cell_of(&self, i: usize, outs: &[Outcome]) -> Cell {
        let (col, row) = self.position(i);
        Cell::of(self.xs[col], self.ys[row], outs)
    }

    /// Every cell, one after another.
    pub fn run(&self) -> Sweep {
        self.sweep((0..self.len()).map(|i| self.cell(i)).collect())
    }

    /// Every cell, spread over `threads` threads; the same result as [`run`](Grid::run).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn run_parallel(&self, threads: usize) -> Sweep {
        let threads = threads.clamp(1, self.len().max(1));
        let mut cells: Vec<Option<Cell>> = vec![None; self.len()];
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| s.spawn(move || (t..self.len()).step_by(threads).map(|i| (i, self.cell(i))).collect::<Vec<_>>()))
                .collect();
            for h in handles {
                // A worker only panics if a step panics, which the serial path would too.
                for (i, c) in h.join().unwrap_or_default() {
                    cells[i] = Some(c);
                }
            }
        });
        if cells.iter().any(Option::is_none) {
            return self.run();
        }
        self.sweep(cells.into_iter().flatten().collect())
    }

    fn sweep(&self, cells: Vec<Cell>) -> Sweep {
        Sweep {
            scenario: self.base.name.clone(),
            scale: self.base.params.scale,
            seed: self.base.params.seed,
            hours: self.hours,
            runs: self.runs,
            x: AxisValues { param: self.x.param.clone(), values: self.xs.clone() },
            y: AxisValues { param: self.y.param.clone(), values: self.ys.clone() },
            cells,
        }
    }
}

/// A value as text `Params::set` reads: whole numbers without a decimal point.
fn text(v: f64, param: &str) -> String {
    if kind(param) == Some(Kind::Whole) {
        format!("{}", v.round() as u64)
    } else {
        format!("{v}")
    }
}

/// One run of a cell in progress.
#[derive(Debug)]
struct CellRun {
    index: usize,
    world: World,
    series: Vec<Metrics>,
    minutes: usize,
}

impl CellRun {
    fn new(grid: &Grid, index: usize, run: u32) -> CellRun {
        let world = World::new(&grid.scenario_run(index, run));
        let minutes = grid.hours as usize * 60;
        CellRun { index, world, series: Vec::with_capacity(minutes), minutes }
    }

    /// Steps at most `minutes`; returns how many it stepped.
    fn advance(&mut self, minutes: u32) -> u32 {
        let want = self.minutes.saturating_sub(self.series.len()).min(minutes as usize);
        let none = Inputs::none();
        for _ in 0..want {
            self.series.push(self.world.step(&none).metrics);
        }
        want as u32
    }

    fn done(&self) -> bool {
        self.series.len() >= self.minutes
    }

    fn outcome(&self) -> Outcome {
        let s = summarize(&self.world, &self.series);
        Outcome { lost: user_hours_lost(&self.series), trough: s.trough_online_fraction, back: s.minutes_to_90pct }
    }
}

/// Σ (expected − online) / 60 over the series: the users' hours without service. A minute with
/// more peers online than expected (it happens by a few peers in churn) loses nothing.
pub fn user_hours_lost(series: &[Metrics]) -> f64 {
    series.iter().map(|m| m.expected_peers.saturating_sub(m.online_peers) as f64).sum::<f64>() / 60.0
}

/// Users' hours online expected over the series: what `user_hours_lost` would be if nobody had
/// service (the top of the map's colour scale).
pub fn user_hours_expected(series: &[Metrics]) -> f64 {
    series.iter().map(|m| m.expected_peers as f64).sum::<f64>() / 60.0
}

/// Computes a grid a few simulated minutes at a time. The caller decides how much work fits in
/// a slice; the model never reads a clock. Each cell's first run comes first, coarse grid first
/// (every other column of every other row), so a drawing of the unfinished map already shows its
/// shape; the further runs then refine it.
#[derive(Debug)]
pub struct Sweeper {
    grid: Grid,
    /// Cell indices in the order one pass computes them.
    order: Vec<usize>,
    /// By cell index; None until its first run is done, then the mean of its runs so far.
    cells: Vec<Option<Cell>>,
    /// By cell index: its runs' outcomes so far.
    outcomes: Vec<Vec<Outcome>>,
    /// Runs finished, over all passes.
    finished: usize,
    current: Option<CellRun>,
    /// Users' hours expected over a run (from the first finished cell).
    expected_hours: f64,
}

/// The cells of an `nx`×`ny` grid, coarse grid first, then the rest, each part in row order.
pub fn coarse_first(nx: usize, ny: usize) -> Vec<usize> {
    let coarse = |i: usize| (i % nx).is_multiple_of(2) && (i / nx).is_multiple_of(2);
    let all = 0..nx * ny;
    all.clone().filter(|&i| coarse(i)).chain(all.filter(|&i| !coarse(i))).collect()
}

impl Sweeper {
    pub fn new(grid: Grid) -> Sweeper {
        let order = coarse_first(grid.xs.len(), grid.ys.len());
        Sweeper { cells: vec![None; grid.len()], outcomes: vec![Vec::new(); grid.len()], order, grid, finished: 0, current: None, expected_hours: 0.0 }
    }

    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// Every cell by index (row by row, y outer): None until computed.
    pub fn cells(&self) -> &[Option<Cell>] {
        &self.cells
    }

    /// How many of cell `i`'s runs are done.
    pub fn runs_of(&self, i: usize) -> usize {
        self.outcomes.get(i).map_or(0, Vec::len)
    }

    /// How many runs are done (a cell has [`Grid::runs`]).
    pub fn finished(&self) -> usize {
        self.finished
    }

    /// Runs in the whole map.
    fn total(&self) -> usize {
        self.grid.len() * self.grid.runs as usize
    }

    /// Users' hours a run would have if everyone expected were online throughout (0 until the
    /// first cell is done).
    pub fn expected_hours(&self) -> f64 {
        self.expected_hours
    }

    pub fn done(&self) -> bool {
        self.finished >= self.total()
    }

    /// Share of the work done, 0 to 1 (simulated minutes computed over all minutes).
    pub fn progress(&self) -> f64 {
        let per = u64::from(self.grid.hours) * 60;
        let total = per * self.total() as u64;
        let now = self.finished as u64 * per + self.current.as_ref().map_or(0, |r| r.series.len() as u64);
        if total == 0 { 1.0 } else { now as f64 / total as f64 }
    }

    /// Computes at most `minutes` simulated minutes (starting a new cell counts as one).
    /// Returns true when the whole grid is done.
    pub fn advance(&mut self, mut minutes: u32) -> bool {
        while minutes > 0 && !self.done() {
            let run = match &mut self.current {
                Some(r) => r,
                None => {
                    minutes -= 1;
                    let (pass, k) = (self.finished / self.order.len(), self.finished % self.order.len());
                    self.current.insert(CellRun::new(&self.grid, self.order[k], pass as u32))
                }
            };
            minutes -= run.advance(minutes);
            if run.done() {
                if self.finished == 0 {
                    self.expected_hours = user_hours_expected(&run.series);
                }
                let i = run.index;
                self.outcomes[i].push(run.outcome());
                self.cells[i] = Some(self.grid.cell_of(i, &self.outcomes[i]));
                self.finished += 1;
                self.current = None;
            }
        }
        self.done()
    }

    /// The map: every cell once done (the computed ones, in row order, if called early).
    pub fn sweep(&self) -> Sweep {
        self.grid.sweep(self.cells.iter().flatten().copied().collect())
    }
}
