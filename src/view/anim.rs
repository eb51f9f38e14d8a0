//! Motion: a fixed pool of particles (peers on the move) spawned when the minute changes, and
//! the age of a slot's state in milliseconds for flashes and arrivals. Nothing here allocates
//! after start-up: the pool and the weight tables are reused.

use overlay_sim::world::{IM_XY, LOGIN_XY};
use overlay_sim::SlotState;
use overlay_sim::Snapshot;
use web_sys::CanvasRenderingContext2d;

use super::camera::View;
use super::colors;

/// Particles alive at once.
pub const POOL: usize = 1400;
/// How long a flash (crash, shutdown, recovery) and a mega-supernode's arrival last.
pub const FLASH_MS: f64 = 900.0;

/// Peers leaving a failed supernode for another one, storming the login servers, or being
/// sent to a mega-supernode.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flow {
    Orphan = 0,
    Login = 1,
    Mega = 2,
}

#[derive(Clone, Copy, Default)]
struct Particle {
    from: (f32, f32),
    to: (f32, f32),
    t0: f64,
    dur: f64,
    /// 0 = free; otherwise Flow + 1.
    kind: u8,
    bend: f32,
}

/// The particle pool and its spawning tables.
pub struct Particles {
    pool: Vec<Particle>,
    next: usize,
    rng: u64,
    src: Vec<f32>,
    dst: Vec<f32>,
    megas: Vec<f32>,
}

impl Default for Particles {
    fn default() -> Self {
        Particles { pool: vec![Particle::default(); POOL], next: 0, rng: 0x9e37_79b9_7f4a_7c15, src: vec![], dst: vec![], megas: vec![] }
    }
}

/// Cumulative weights over slots; returns the total.
fn cumulate(out: &mut Vec<f32>, n: usize, w: impl Fn(usize) -> f32) -> f32 {
    out.clear();
    let mut acc = 0.0;
    for i in 0..n {
        acc += w(i).max(0.0);
        out.push(acc);
    }
    acc
}

fn pick(cum: &[f32], u: f32) -> usize {
    let total = cum.last().copied().unwrap_or(0.0);
    cum.partition_point(|&c| c <= u * total).min(cum.len().saturating_sub(1))
}

impl Particles {
    fn rand(&mut self) -> f32 {
        // xorshift64*: plenty for scattering particles.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 40) as f32 / (1u64 << 24) as f32
    }

    fn spawn(&mut self, from: (f32, f32), to: (f32, f32), flow: Flow, now: f64, spread_ms: f64) {
        let (d, u, b) = (self.rand(), self.rand(), self.rand());
        let p = &mut self.pool[self.next];
        self.next = (self.next + 1) % POOL;
        *p = Particle { from, to, t0: now + f64::from(d) * spread_ms, dur: 700.0 + f64::from(u) * 700.0, kind: flow as u8 + 1, bend: b - 0.5 };
    }

    /// Spawns this minute's flows: orphans from the slots that lost clients to the slots that
    /// gained them, the retrying crowd at the login servers, peers sent to new mega-supernodes.
    /// `budget` caps the particles per minute (fewer at high speed, so the pool never churns).
    pub fn on_minute(&mut self, snap: &Snapshot<'_>, now: f64, ms_per_min: f64, budget: usize) {
        let n = snap.sn_x.len().min(snap.sn_y.len()).min(snap.orphaned_now.len()).min(snap.accepted_now.len()).min(snap.sn_state.len());
        let mut src = std::mem::take(&mut self.src);
        let mut dst = std::mem::take(&mut self.dst);
        let mut megas = std::mem::take(&mut self.megas);
        let orphaned = cumulate(&mut src, n, |i| snap.orphaned_now[i] as f32);
        let accepted = cumulate(&mut dst, n, |i| if i < snap.ordinary { snap.accepted_now[i] as f32 } else { 0.0 });
        let to_megas = cumulate(&mut megas, n, |i| if i >= snap.ordinary { snap.accepted_now[i] as f32 } else { 0.0 });
        let moved = orphaned + accepted + to_megas;
        let storm = (snap.retrying + snap.login_queue) as f32;
        let spread = ms_per_min.clamp(200.0, 1000.0);
        let at = |i: usize| (snap.sn_x[i], snap.sn_y[i]);
        if moved + storm > 0.0 {
            // Share the budget by how many peers each flow carries, on a log scale so a small
            // flow still shows.
            let lw = |v: f32| (1.0 + v).ln();
            let total = lw(orphaned) + lw(accepted) + lw(to_megas) + lw(storm);
            let k = |v: f32| ((lw(v) / total.max(1e-6)) * budget as f32) as usize;
            if orphaned > 0.0 {
                for _ in 0..k(orphaned) {
                    let (u, v) = (self.rand(), self.rand());
                    let s = pick(&src, u);
                    // Orphans head for another supernode when any accepted peers, else to login.
                    if accepted > 0.0 {
                        let d = pick(&dst, v);
                        self.spawn(at(s), at(d), Flow::Orphan, now, spread);
                    } else {
                        self.spawn(at(s), LOGIN_XY, Flow::Login, now, spread);
                    }
                }
            }
            if accepted > 0.0 {
                // Joins that were not orphans this minute came through the login servers.
                for _ in 0..k(accepted) / 2 {
                    let d = pick(&dst, self.rand());
                    self.spawn(LOGIN_XY, at(d), Flow::Orphan, now, spread);
                }
            }
            if storm > 0.0 {
                for _ in 0..k(storm) {
                    // The retrying crowd comes from everywhere peers live.
                    let s = (self.rand() * snap.ordinary.min(n) as f32) as usize;
                    if s < n {
                        self.spawn(at(s), LOGIN_XY, Flow::Login, now, spread);
                    }
                }
            }
            if to_megas > 0.0 {
                for _ in 0..k(to_megas) {
                    let d = pick(&megas, self.rand());
                    self.spawn(LOGIN_XY, at(d), Flow::Mega, now, spread);
                }
            }
        }
        self.src = src;
        self.dst = dst;
        self.megas = megas;
    }

    /// Draws the live particles, one path per flow colour: a `density` share of them (an even
    /// spread of the pool, [`super::pace`]). Returns how many were drawn.
    pub fn draw(&mut self, ctx: &CanvasRenderingContext2d, view: &View, now: f64, size: f64, density: f64) -> usize {
        let mut drawn = 0;
        // Pool slots whose place in each run of 16 is below this are drawn.
        let shown = (density * 16.0).ceil() as usize;
        for (kind, colour) in [(1u8, colors::FLOW_ORPHAN), (2, colors::FLOW_LOGIN), (3, colors::FLOW_MEGA)] {
            ctx.begin_path();
            for (i, p) in self.pool.iter_mut().enumerate().filter(|(_, p)| p.kind == kind) {
                let t = (now - p.t0) / p.dur;
                if t >= 1.0 {
                    p.kind = 0;
                    continue;
                }
                if t < 0.0 {
                    continue;
                }
                if (i * 7) % 16 >= shown {
                    continue;
                }
                let e = t * t * (3.0 - 2.0 * t);
                let (x0, y0) = view.to_screen(p.from.0, p.from.1);
                let (x1, y1) = view.to_screen(p.to.0, p.to.1);
                // A gentle arc, so crossing streams can be told apart.
                let (mx, my) = ((x0 + x1) / 2.0 - (y1 - y0) * f64::from(p.bend) * 0.3, (y0 + y1) / 2.0 + (x1 - x0) * f64::from(p.bend) * 0.3);
                let a = (1.0 - e) * (1.0 - e);
                let (b, c) = (2.0 * (1.0 - e) * e, e * e);
                let (x, y) = (a * x0 + b * mx + c * x1, a * y0 + b * my + c * y1);
                if view.visible(x, y, 2.0) {
                    ctx.rect(x - size / 2.0, y - size / 2.0, size, size);
                    drawn += 1;
                }
            }
            ctx.set_fill_style_str(colour);
            ctx.fill();
        }
        drawn
    }

    pub fn clear(&mut self) {
        self.pool.iter_mut().for_each(|p| p.kind = 0);
    }
}

/// Milliseconds since slot `i` entered its state, given the minute and when it began on screen.
#[inline]
pub fn age_ms(since: u32, minute: u32, ms_per_min: f64, since_tick: f64) -> f64 {
    f64::from(minute.saturating_sub(since)) * ms_per_min + since_tick
}

/// Minutes back that still need animating at this speed.
pub fn recent_minutes(ms_per_min: f64) -> u32 {
    if ms_per_min <= 0.0 {
        0
    } else {
        (FLASH_MS / ms_per_min).ceil() as u32
    }
}

/// The three kinds of flash: a white burst for a crash, a vermillion ring bursting for an
/// overload shutdown, a green ring closing in for a slot coming back.
const FLASH_KINDS: [(SlotState, &str, bool); 3] = [(SlotState::Crashed, "#ffffff", true), (SlotState::Shutdown, colors::OVERLOAD, false), (SlotState::Alive, colors::RECOVER, false)];

/// Flashes drawn at most per kind in a frame. A storm changes thousands of slots within the
/// flash window; past a few hundred the picture is the same, while every ring is a path the
/// browser rasterises each frame (the most expensive part of a frame with the CPU slowed 4×).
pub const FLASH_CAP: usize = 400;

/// The slots that changed state within the flash window, by kind: found once a minute by a
/// scan of every slot, so a frame only looks at these.
#[derive(Default)]
pub struct Flashes {
    slots: [Vec<u32>; 3],
    /// The minute, run and window the lists were made for.
    key: Option<(u32, u64, u32)>,
    /// Screen positions and ages of this frame's candidates (reused).
    scratch: Vec<(f64, f64, f64)>,
}

impl Flashes {
    /// Lists the slots of `snap` that entered a flash's state within the last `window` minutes
    /// (once per minute, run and window).
    pub fn refresh(&mut self, snap: &Snapshot<'_>, revision: u64, window: u32) {
        let key = Some((snap.minute, revision, window));
        if self.key == key {
            return;
        }
        self.key = key;
        self.slots.iter_mut().for_each(Vec::clear);
        let n = snap.sn_state.len().min(snap.sn_since.len()).min(snap.ordinary);
        let minute = snap.minute;
        for (i, (&st, &since)) in snap.sn_state[..n].iter().zip(&snap.sn_since[..n]).enumerate() {
            if since == 0 || minute.saturating_sub(since) > window {
                continue;
            }
            if let Some(k) = FLASH_KINDS.iter().position(|(want, _, _)| *want == st) {
                self.slots[k].push(i as u32);
            }
        }
    }

    /// Draws the flashes still young at `since_tick` ms into the minute, one path per kind: when
    /// more than a `density` share of [`FLASH_CAP`] of a kind are on screen, an even sample.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(&mut self, ctx: &CanvasRenderingContext2d, view: &View, snap: &Snapshot<'_>, ms_per_min: f64, since_tick: f64, r: f64, density: f64) {
        let n = snap.sn_x.len().min(snap.sn_y.len()).min(snap.sn_since.len());
        let cap = ((FLASH_CAP as f64 * density) as usize).max(1);
        for ((want, colour, fill), slots) in FLASH_KINDS.iter().zip(&self.slots) {
            self.scratch.clear();
            for &i in slots {
                let i = i as usize;
                if i >= n {
                    continue;
                }
                let age = age_ms(snap.sn_since[i], snap.minute, ms_per_min, since_tick);
                let (x, y) = view.to_screen(snap.sn_x[i], snap.sn_y[i]);
                if age < FLASH_MS && view.visible(x, y, 20.0) {
                    self.scratch.push((x, y, age / FLASH_MS));
                }
            }
            if self.scratch.is_empty() {
                continue;
            }
            ctx.begin_path();
            for &(x, y, p) in self.scratch.iter().step_by(self.scratch.len().div_ceil(cap)) {
                let rr = match want {
                    SlotState::Crashed => r * (2.2 - 1.2 * p),
                    SlotState::Shutdown => r * (1.0 + 2.5 * p),
                    _ => r * (3.0 - 2.0 * p),
                };
                ctx.move_to(x + rr, y);
                let _ = ctx.arc(x, y, rr, 0.0, std::f64::consts::TAU);
            }
            if *fill {
                ctx.set_global_alpha(0.55);
                ctx.set_fill_style_str(colour);
                ctx.fill();
            } else {
                ctx.set_global_alpha(0.8);
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(1.5 * (r / 4.0).clamp(0.5, 2.0));
                ctx.stroke();
            }
            ctx.set_global_alpha(1.0);
        }
    }
}

/// Where the operator's servers are, in model space (for hit-testing labels and pulses).
pub const SERVERS: [(f32, f32); 2] = [LOGIN_XY, IM_XY];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_follows_weights() {
        let mut cum = vec![];
        let total = cumulate(&mut cum, 4, |i| [0.0, 1.0, 0.0, 3.0][i]);
        assert_eq!(total, 4.0);
        assert_eq!(pick(&cum, 0.1), 1);
        assert_eq!(pick(&cum, 0.5), 3);
        assert_eq!(pick(&cum, 0.99), 3);
    }

    #[test]
    fn recent_window_covers_a_flash() {
        assert_eq!(recent_minutes(125.0), 8);
        assert_eq!(recent_minutes(1000.0), 1);
        assert_eq!(recent_minutes(0.0), 0);
        assert_eq!(age_ms(10, 12, 100.0, 30.0), 230.0);
    }
}
