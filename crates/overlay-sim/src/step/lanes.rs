//! The hot part of stage 4, one group's slots at a time, written without branches so the
//! compiler runs it on several slots at once (SIMD): each slot's draws come from a counter-based
//! hash rather than a sequential generator, decisions are masks and selects, and the rare things
//! (a host leaving, a safeguard tripping, a timer running out) are flagged for a scalar pass.
//! This is most of the model's time: ~43,000 serving slots every simulated minute at real scale.
//! Slots go through in runs of whole chunks of 16: a run where no slot serves (a neighbourhood
//! that has collapsed: a sixth of the slot-minutes of the 48 h of `dec-2010`) skips the lanes.

use super::{Ctx, GroupMinute, ACCEPT_EASY_LOAD, ACCEPT_MAX_LOAD, JOIN_COST};
use crate::rng::keyed_unit_pair;
use crate::slot::SlotState;
use std::ops::Range;

/// Weight of this minute's load in the load the safeguard watches: an average over the last
/// six minutes or so, because the safeguard protects the host from sustained overload, not
/// from a burst (our assumption). A shorter memory makes a whole neighbourhood's collapse a
/// matter of minutes, everywhere at once.
pub(super) const ALPHA: f32 = 0.15;
/// How readily the safeguard trips per minute, per unit of smoothed overload: a host whose
/// average load is twice its capacity shuts down within two minutes (our assumption; Rabbe: "a
/// built-in safeguard shuts a supernode down when its load is excessive").
pub(super) const SHUT_RATE: f32 = 0.679;

/// Hash counters per slot a minute (each gives two uniforms).
pub(super) const DRAWS: u32 = 3;

/// Flags the lanes leave for the scalar pass.
pub(super) const DEPARTS: u32 = 1;
pub(super) const DUE: u32 = 2;
pub(super) const TRIPS: u32 = 4;

/// The rates every slot of one group sees this minute.
pub(super) struct GroupRates {
    pub probes_here: f32,
    pub spread: f32,
    pub offered_join: f32,
    pub limit_per_cap: f32,
    pub probation: f32,
}

/// What one group's first half reads besides the slots (see `Slots::leave_and_want`).
pub(super) struct LeaveIn {
    pub key: u64,
    pub base: u32,
    pub t: u32,
    pub dose: f32,
    pub bug_on: bool,
    pub bug_rate: f32,
    pub reboot_on: bool,
    pub reboot: f32,
    pub stay_below: f32,
    pub off: f32,
    pub probation: f32,
    pub limit_per_cap: f32,
    pub pace: f32,
    pub spread: f32,
    pub offered_join: f32,
}

/// What the second half reads besides the slots (see `Slots::join_and_load`).
pub(super) struct JoinIn {
    pub key: u64,
    pub base: u32,
    pub share: f32,
    pub shutdown: bool,
    pub client_cost: f32,
    pub probes_here: f32,
}

/// Per-slot values the two halves of the pass hand on (one group's worth, reused).
#[derive(Clone, Debug, Default)]
pub(crate) struct Lanes {
    /// Joins a serving slot would take (negative: not serving).
    pub want: Vec<f32>,
    /// The uniforms that decided whether the slot's host leaves and, if its safeguard trips,
    /// when it restarts; and the slot's probe noise this minute.
    pub leave_u: Vec<f32>,
    pub jitter_u: Vec<f32>,
    pub noise: Vec<f32>,
    pub flag: Vec<u32>,
    /// Offered load and load of each serving slot (0 elsewhere), and the load of those that stay.
    pub offered: Vec<f32>,
    pub load: Vec<f32>,
    pub stays: Vec<f32>,
    /// The group's runs (see [`runs`]), found by the first half and reused by the second.
    pub runs: Vec<(Range<usize>, bool)>,
}

impl Lanes {
    /// Room for `n` slots (the passes overwrite every value they read back).
    fn reserve(&mut self, n: usize) {
        for v in [&mut self.want, &mut self.offered, &mut self.load, &mut self.stays, &mut self.leave_u, &mut self.jitter_u, &mut self.noise] {
            if v.len() < n {
                v.resize(n, 0.0);
            }
        }
        if self.flag.len() < n {
            self.flag.resize(n, 0);
        }
    }
}

/// One group's slots, as the pass reads and writes them.
pub(super) struct Slots<'a> {
    pub start: usize,
    pub state: &'a [SlotState],
    pub timer: &'a [u32],
    pub since: &'a [u32],
    pub mark: &'a [f32],
    pub cap: &'a [f32],
    pub mesh_load: &'a [f32],
    pub attached: &'a mut [u32],
    pub load: &'a mut [f32],
    pub ewma: &'a mut [f32],
    pub orphaned_now: &'a mut [u32],
    pub accepted_now: &'a mut [u32],
}

/// Totals of the first half.
#[derive(Default)]
pub(super) struct Left {
    pub off: u32,
    pub crashed: u32,
    pub rebooted: u32,
    pub accepting: u32,
    pub wanted: f32,
}

/// Totals of the second half.
#[derive(Default)]
pub(super) struct Served {
    pub joined: u32,
    pub loaded: u32,
    pub alive: u32,
    pub attached: u32,
    pub offered: f64,
    pub load_sum: f64,
    pub max_load: f32,
}

impl Slots<'_> {
    /// Host events, clients leaving (log-offs, crashes of buggy clients, reboots), and how many
    /// joins each serving slot would take: at a bounded pace, ramping up through probation
    /// after a (re)start, fewer the busier it is.
    pub fn leave_and_want(&mut self, key: u64, ctx: &Ctx, r: &GroupRates, m: &GroupMinute, ln: &mut Lanes) -> Left {
        let n = self.state.len();
        ln.reserve(n);
        self.orphaned_now.fill(0);
        let mut left = Left::default();
        ln.runs.clear();
        ln.runs.extend(runs(&self.state[..n]));
        for j in 0..ln.runs.len() {
            let (run, serving) = ln.runs[j].clone();
            if serving {
                let l = self.leave_run(run, key, ctx, r, m, ln);
                (left.off, left.crashed, left.rebooted, left.accepting) = (left.off + l.off, left.crashed + l.crashed, left.rebooted + l.rebooted, left.accepting + l.accepting);
            } else {
                self.idle_run(run, ctx, ln);
            }
        }
        left.wanted = lane_sum(&ln.want[..n], true);
        left
    }

    /// The first half for a run of slots none of which serves: no host leaves, no client comes
    /// or goes, and nothing is wanted; only timers that ran out (and the bug, for a shut-down
    /// host) are flagged: what the lanes would give these slots, without their draws.
    fn idle_run(&mut self, run: Range<usize>, ctx: &Ctx, ln: &mut Lanes) {
        let (t, bug_on, dose) = (ctx.t, ctx.h_client > 0.0, ctx.crash_dose);
        let (state, timer, mark) = (&self.state[run.clone()], &self.timer[run.clone()], &self.mark[run.clone()]);
        let flags = &mut ln.flag[run.clone()];
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        let k0 = super::simd::idle_quads(state, timer, mark, t, bug_on, dose, flags);
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        let k0 = 0;
        for (k, f) in flags.iter_mut().enumerate().skip(k0) {
            let crash = bug_on & (mark[k] <= dose);
            *f = u32::from((timer[k] <= t) | ((state[k] == SlotState::Shutdown) & crash)) * DUE;
        }
        ln.want[run].fill(-1.0);
    }

    /// The first half for a run of slots (see [`Slots::leave_and_want`]).
    #[allow(clippy::too_many_arguments)]
    fn leave_run(&mut self, run: Range<usize>, key: u64, ctx: &Ctx, r: &GroupRates, m: &GroupMinute, ln: &mut Lanes) -> Left {
        let p = LeaveIn {
            key,
            base: DRAWS * (self.start + run.start) as u32,
            t: ctx.t,
            dose: ctx.crash_dose,
            bug_on: ctx.h_client > 0.0,
            bug_rate: m.buggy_attached * ctx.h_client,
            reboot_on: ctx.reboot > 0.0,
            reboot: ctx.reboot,
            stay_below: 1.0 - ctx.sn_churn,
            off: m.off,
            probation: r.probation,
            limit_per_cap: r.limit_per_cap,
            pace: ctx.pace,
            spread: r.spread,
            offered_join: r.offered_join,
        };
        let rr = run;
        leave_slots(
            &p,
            &self.state[rr.clone()],
            &self.timer[rr.clone()],
            &self.since[rr.clone()],
            &self.mark[rr.clone()],
            &self.cap[rr.clone()],
            &self.ewma[rr.clone()],
            &mut self.attached[rr.clone()],
            &mut ln.leave_u[rr.clone()],
            &mut ln.jitter_u[rr.clone()],
            &mut ln.noise[rr.clone()],
            &mut ln.flag[rr.clone()],
            &mut ln.want[rr],
        )
    }

    /// Joins (each slot's share of what is still wanted), the offered load and the overload
    /// safeguard.
    pub fn join_and_load(&mut self, key: u64, ctx: &Ctx, r: &GroupRates, share: f32, shutdown: bool, ln: &mut Lanes) -> Served {
        let mut s = Served::default();
        let n = self.state.len();
        // The first half's runs: a slot can take clients in this half only if it served there.
        for j in 0..ln.runs.len() {
            let (run, serving) = ln.runs[j].clone();
            if serving {
                let p = JoinIn { key, base: DRAWS * (self.start + run.start) as u32 + 2, share, shutdown, client_cost: ctx.client_cost, probes_here: r.probes_here };
                let rr = run;
                let j = join_slots(
                    &p,
                    &self.cap[rr.clone()],
                    &self.mesh_load[rr.clone()],
                    &ln.want[rr.clone()],
                    &ln.noise[rr.clone()],
                    &mut self.attached[rr.clone()],
                    &mut self.accepted_now[rr.clone()],
                    &mut self.load[rr.clone()],
                    &mut self.ewma[rr.clone()],
                    &mut ln.flag[rr.clone()],
                    &mut ln.offered[rr.clone()],
                    &mut ln.load[rr.clone()],
                    &mut ln.stays[rr],
                );
                (s.joined, s.loaded, s.alive, s.attached) = (s.joined.wrapping_add(j.joined), s.loaded + j.loaded, s.alive + j.alive, s.attached.wrapping_add(j.attached));
            } else {
                // Nobody serves: nothing joins, nothing is offered, no safeguard trips.
                self.accepted_now[run.clone()].fill(0);
                for v in [&mut ln.offered, &mut ln.load, &mut ln.stays] {
                    v[run.clone()].fill(0.0);
                }
                ln.flag[run].fill(0);
            }
        }
        s.offered = f64::from(lane_sum(&ln.offered[..n], false));
        s.load_sum = f64::from(lane_sum(&ln.load[..n], false));
        s.max_load = lane_max(&ln.stays[..n]);
        s
    }
}

/// The first half's lanes. Every slice is its own argument, cut to the run's length: the
/// compiler then knows that none overlaps another and none is shorter, so the loop runs on
/// several slots at once without checks.
#[allow(clippy::too_many_arguments)]
fn leave_slots(
    p: &LeaveIn,
    state: &[SlotState],
    timer: &[u32],
    since: &[u32],
    mark: &[f32],
    cap: &[f32],
    ewma: &[f32],
    attached: &mut [u32],
    u0s: &mut [f32],
    u1s: &mut [f32],
    noises: &mut [f32],
    flags: &mut [u32],
    wants: &mut [f32],
) -> Left {
    let n = state.len();
    let (timer, since, mark, cap, ewma) = (&timer[..n], &since[..n], &mark[..n], &cap[..n], &ewma[..n]);
    let (attached, u0s, u1s, noises, flags, wants) = (&mut attached[..n], &mut u0s[..n], &mut u1s[..n], &mut noises[..n], &mut flags[..n], &mut wants[..n]);
    let (key, base, t, dose, bug_on, bug_rate, reboot_on, stay_below) = (p.key, p.base, p.t, p.dose, p.bug_on, p.bug_rate, p.reboot_on, p.stay_below);
    let mut left = Left::default();
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let k0 = {
        use super::simd::{leave_quads, LeaveSlices};
        let mut sl = LeaveSlices { state, timer, since, mark, cap, ewma, attached: &mut *attached, u0s: &mut *u0s, u1s: &mut *u1s, noises: &mut *noises, flags: &mut *flags, wants: &mut *wants };
        let (n4, [off, crashed, rebooted, accepting]) = leave_quads(p, &mut sl);
        (left.off, left.crashed, left.rebooted, left.accepting) = (off, crashed, rebooted, accepting);
        n4
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let k0 = 0;
    for k in k0..n {
        let c = base + DRAWS * k as u32;
        let ([u0, u1], [u2, u3]) = (keyed_unit_pair(key, c), keyed_unit_pair(key, c + 1));
        let noise = 1.0 + (u3 - 0.5) * p.spread;
        (u0s[k], u1s[k], noises[k]) = (u0, u1, noise);
        let st = state[k];
        let alive = st == SlotState::Alive;
        let crash = bug_on & (mark[k] <= dose);
        let departs = alive & (crash | (reboot_on & (u0 < p.reboot)) | (u0 > stay_below));
        let due = !alive & ((timer[k] <= t) | ((st == SlotState::Shutdown) & crash));
        flags[k] = u32::from(departs) * DEPARTS | u32::from(due) * DUE;
        let live = alive & !departs;
        let a0 = attached[k] as i32;
        let x = a0 as f32;
        let off = round_at(x * p.off, u1).min(a0);
        let crashed = round_at(x * bug_rate, u2).min(a0 - off);
        let rebooted = round_at(x * p.reboot, u2).min(a0 - off - crashed);
        let a = a0 - off - crashed - rebooted;
        attached[k] = (if live { a } else { a0 }) as u32;
        let gone = if live { [off, crashed, rebooted] } else { [0; 3] };
        left.off += gone[0] as u32;
        left.crashed += gone[1] as u32;
        left.rebooted += gone[2] as u32;
        // `since` 0: serving since before the run began, so out of probation.
        let s = since[k];
        let ramp = if (p.probation > 0.0) & (s > 0) { lo((t as i32 - s as i32).max(0) as f32 / p.probation, 1.0) } else { 1.0 };
        let limit = floor_count(cap[k] * p.limit_per_cap * ramp);
        let e = ewma[k];
        let accepting = live & (e <= ACCEPT_MAX_LOAD) & (a < limit);
        // A busy supernode answers fewer join requests.
        let busy = hi(lo((ACCEPT_MAX_LOAD - e) * (1.0 / (ACCEPT_MAX_LOAD - ACCEPT_EASY_LOAD)), 1.0), 0.0);
        let pace = floor_count(hi(p.pace * ramp * busy, 1.0));
        let want = lo(p.offered_join * noise, (limit - a).max(0).min(pace) as f32);
        wants[k] = if accepting { want } else if live { 0.0 } else { -1.0 };
        left.accepting += u32::from(accepting);
    }
    left
}

/// The second half's lanes (every slice its own argument, as for [`leave_slots`]).
#[allow(clippy::too_many_arguments)]
fn join_slots(
    p: &JoinIn,
    cap: &[f32],
    mesh_load: &[f32],
    wants: &[f32],
    noises: &[f32],
    attached: &mut [u32],
    accepted_now: &mut [u32],
    load: &mut [f32],
    ewma: &mut [f32],
    flags: &mut [u32],
    offereds: &mut [f32],
    loads: &mut [f32],
    stayed: &mut [f32],
) -> Served {
    let n = wants.len();
    let (cap, mesh_load, noises) = (&cap[..n], &mesh_load[..n], &noises[..n]);
    let (attached, accepted_now, load, ewma, flags) = (&mut attached[..n], &mut accepted_now[..n], &mut load[..n], &mut ewma[..n], &mut flags[..n]);
    let (offereds, loads, stayed) = (&mut offereds[..n], &mut loads[..n], &mut stayed[..n]);
    let (key, base, share, shutdown) = (p.key, p.base, p.share, p.shutdown);
    let mut s = Served::default();
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let k0 = {
        use super::simd::{join_quads, JoinSlices};
        let mut sl = JoinSlices { cap, mesh_load, wants, noises, attached: &mut *attached, accepted_now: &mut *accepted_now, load: &mut *load, ewma: &mut *ewma, flags: &mut *flags, offereds: &mut *offereds, loads: &mut *loads, stayed: &mut *stayed };
        join_quads(p, &mut sl, &mut s)
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let k0 = 0;
    for k in k0..n {
        let w = wants[k];
        let live = w >= 0.0;
        // Fresh uniforms: rounding with the one that set the noise would bias the joins.
        let [u4, u5] = keyed_unit_pair(key, base + DRAWS * k as u32);
        let acc = round_at(hi(w, 0.0) * share, u4);
        let a = attached[k] as i32 + acc;
        attached[k] = a as u32;
        accepted_now[k] = acc as u32;
        s.joined += acc as u32;
        let noise = noises[k];
        let offered = a as f32 * p.client_cost + p.probes_here * noise + acc as f32 * JOIN_COST + mesh_load[k];
        let l = offered / cap[k];
        let e0 = ewma[k];
        let e = e0 + ALPHA * (l - e0);
        load[k] = if live { l } else { load[k] };
        ewma[k] = if live { e } else { e0 };
        let trips = live & shutdown & (e > 1.0) & (u5 < (e - 1.0) * SHUT_RATE);
        flags[k] = u32::from(trips) * TRIPS;
        let stays = live & !trips;
        s.loaded += u32::from(live);
        s.alive += u32::from(stays);
        s.attached += if stays { a as u32 } else { 0 };
        offereds[k] = if live { offered } else { 0.0 };
        loads[k] = if live { l } else { 0.0 };
        stayed[k] = if stays { l } else { 0.0 };
    }
    s
}

/// Stochastic rounding of `x` ≥ 0 with the uniform `u`: ⌊x + u⌋, which is ⌊x⌋ + 1 with
/// probability frac(x).
#[inline]
fn round_at(x: f32, u: f32) -> i32 {
    floor_count(x + u)
}

/// ⌊y⌋ for a count: negatives and NaN give 0, values past 10⁹ saturate. A plain `as` cast
/// saturates too, but SSE2 cannot do that for a vector, so the pass would run one slot at a time.
#[inline]
fn floor_count(y: f32) -> i32 {
    let y = lo(hi(y, 0.0), 1.0e9);
    // Wasm SIMD has a saturating conversion (and no other); the same value either way.
    #[cfg(target_arch = "wasm32")]
    return y as i32;
    // SAFETY: `y` is finite and within 0..=1e9, so its truncation is an i32.
    #[cfg(not(target_arch = "wasm32"))]
    unsafe {
        y.to_int_unchecked::<i32>()
    }
}

/// The larger and the smaller of two floats as a compare and a select (the second operand when
/// either is NaN). `f32::max`/`min` are IEEE maxNum/minNum, which Wasm has no instruction for: each
/// would be a call to `fmaxf`/`fminf`.
#[inline]
fn hi(a: f32, b: f32) -> f32 {
    if a > b { a } else { b }
}
#[inline]
fn lo(a: f32, b: f32) -> f32 {
    if a < b { a } else { b }
}

/// Slots a run's chunk holds: one AVX-512 vector, four Wasm ones.
const CHUNK: usize = 16;

/// The slots in runs of whole chunks of [`CHUNK`] (from the group's first slot) that hold at
/// least one serving slot, and runs of chunks that hold none. A collapsed neighbourhood is long
/// runs of slots that serve nobody, for which the passes have next to nothing to do; a healthy
/// one is one run.
fn runs(state: &[SlotState]) -> impl Iterator<Item = (Range<usize>, bool)> + '_ {
    let mut chunks = state.chunks(CHUNK).map(any_serving).peekable();
    let mut start = 0;
    std::iter::from_fn(move || {
        let any = chunks.next()?;
        let mut end = (start + CHUNK).min(state.len());
        while chunks.next_if_eq(&any).is_some() {
            end = (end + CHUNK).min(state.len());
        }
        let run = start..end;
        start = end;
        Some((run, any))
    })
}

/// Whether any slot of a chunk serves.
fn any_serving(c: &[SlotState]) -> bool {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if let Ok(c) = <&[SlotState; 16]>::try_from(c) {
        return super::simd::any_alive16(c);
    }
    // A fold rather than `contains`: no early exit, so natively it is one vector compare.
    c.iter().fold(false, |any, &s| any | (s == SlotState::Alive))
}

/// The slots whose flag has any of `mask`'s bits, in order. Flags are rare: whole runs of
/// sixteen clear flags are skipped at once.
pub(super) fn flagged(flags: &[u32], mask: u32) -> impl Iterator<Item = usize> + '_ {
    flags.chunks(16).enumerate().filter(move |(_, c)| any_flag(c, mask)).flat_map(move |(j, c)| {
        c.iter().enumerate().filter(move |(_, &f)| f & mask != 0).map(move |(k, _)| 16 * j + k)
    })
}

/// Whether any flag of a chunk has any of `mask`'s bits.
fn any_flag(c: &[u32], mask: u32) -> bool {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if let Ok(c) = <&[u32; 16]>::try_from(c) {
        return super::simd::any_flag16(c, mask);
    }
    c.iter().fold(0, |acc, &f| acc | f) & mask != 0
}

/// The largest of `xs` and 0, in eight lanes like [`lane_sum`]: one running maximum was a chain
/// of scalar compares, 6% of a real-scale minute natively. Loads are never NaN, so the lanes
/// find the same value.
fn lane_max(xs: &[f32]) -> f32 {
    let chunks = xs.chunks_exact(8);
    let rest = chunks.remainder().iter().fold(0.0f32, |m, &x| hi(m, x));
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let acc = super::simd::maxes8(xs);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let acc = {
        let mut acc = [0.0f32; 8];
        for c in chunks {
            for (a, &x) in acc.iter_mut().zip(c) {
                *a = hi(*a, x);
            }
        }
        acc
    };
    acc.iter().fold(rest, |m, &x| hi(m, x))
}

/// A sum in eight lanes (a fixed order the compiler may vectorise, unlike one running total), of
/// `xs` or, with `positive`, of its positive values. The Wasm build has no loop vectoriser (LTO
/// at opt-level "z"), so there the eight lanes are two vectors: the same sums in the same order.
fn lane_sum(xs: &[f32], positive: bool) -> f32 {
    let f = |x: f32| if positive { hi(x, 0.0) } else { x };
    let chunks = xs.chunks_exact(8);
    let rest: f32 = chunks.remainder().iter().map(|&x| f(x)).sum();
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let acc = super::simd::sums8(xs, positive);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let acc = {
        let mut acc = [0.0f32; 8];
        for c in chunks {
            for (a, &x) in acc.iter_mut().zip(c) {
                *a += f(x);
            }
        }
        acc
    };
    acc.iter().sum::<f32>() + rest
}
