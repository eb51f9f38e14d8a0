//! The hot pass four slots at a time with Wasm SIMD intrinsics. The release build links the
//! app with LTO at opt-level "z", which turns LLVM's loop vectoriser off for the whole program,
//! the model included; these loops do not depend on it. Every operation is the lane-wise twin of
//! the scalar code in `lanes.rs`, in the same order, so both give the same bits (the
//! determinism table is checked natively and in Chromium). The scalar loop does the last slots.

use super::lanes::{JoinIn, LeaveIn, Served, ALPHA, DEPARTS, DRAWS, DUE, SHUT_RATE, TRIPS};
use super::{ACCEPT_EASY_LOAD, ACCEPT_MAX_LOAD, JOIN_COST};
use crate::slot::SlotState;
use core::arch::wasm32::*;

fn ld(s: &[f32], k: usize) -> v128 {
    // SAFETY: the slice of four is bounds-checked; v128_load needs no alignment.
    unsafe { v128_load(s[k..k + 4].as_ptr() as *const v128) }
}
fn ldu(s: &[u32], k: usize) -> v128 {
    // SAFETY: as `ld`.
    unsafe { v128_load(s[k..k + 4].as_ptr() as *const v128) }
}
fn st(s: &mut [f32], k: usize, v: v128) {
    // SAFETY: as `ld`, for a store.
    unsafe { v128_store(s[k..k + 4].as_mut_ptr() as *mut v128, v) }
}
fn stu(s: &mut [u32], k: usize, v: v128) {
    // SAFETY: as `ld`, for a store.
    unsafe { v128_store(s[k..k + 4].as_mut_ptr() as *mut v128, v) }
}
/// Slots `k..k + 4`'s states as four lanes (one 32-bit load, widened).
fn states4(state: &[SlotState], k: usize) -> v128 {
    // SAFETY: `SlotState` is `repr(u8)`, so four of them are four bytes (bounds-checked by the
    // slice); `v128_load32_zero` needs no alignment.
    let b = unsafe { v128_load32_zero(state[k..k + 4].as_ptr() as *const u32) };
    u32x4_extend_low_u16x8(u16x8_extend_low_u8x16(b))
}
fn mask(b: bool) -> v128 {
    u32x4_splat(if b { u32::MAX } else { 0 })
}
fn f(x: f32) -> v128 {
    f32x4_splat(x)
}
/// `crate::rng::keyed_unit_pair` for four counters: the low and high uniforms.
fn units(key: u64, c: v128) -> (v128, v128) {
    let mut x = v128_xor(i32x4_mul(i32x4_add(c, u32x4_splat(key as u32)), u32x4_splat(0x9E37_79B9)), u32x4_splat((key >> 32) as u32));
    x = v128_xor(x, u32x4_shr(x, 16));
    x = i32x4_mul(x, u32x4_splat(0x7FEB_352D));
    x = v128_xor(x, u32x4_shr(x, 15));
    x = i32x4_mul(x, u32x4_splat(0x846C_A68B));
    x = v128_xor(x, u32x4_shr(x, 16));
    let unit = |v: v128| f32x4_mul(f32x4_convert_i32x4(v), f(1.0 / 65536.0));
    (unit(v128_and(x, u32x4_splat(0xFFFF))), unit(u32x4_shr(x, 16)))
}
/// `lanes::floor_count`: clamp to 0..=1e9 (NaN to 0), then truncate.
fn floor_count(y: v128) -> v128 {
    i32x4_trunc_sat_f32x4(f32x4_pmin(f(1.0e9), f32x4_pmax(f(0.0), y)))
}
fn counters(base: u32, k: usize) -> v128 {
    let c = base + DRAWS * k as u32;
    u32x4(c, c + DRAWS, c + 2 * DRAWS, c + 3 * DRAWS)
}
fn hsum(v: v128) -> u32 {
    u32x4_extract_lane::<0>(v).wrapping_add(u32x4_extract_lane::<1>(v)).wrapping_add(u32x4_extract_lane::<2>(v)).wrapping_add(u32x4_extract_lane::<3>(v))
}

/// The slices the first half reads and writes.
pub(super) struct LeaveSlices<'a> {
    pub state: &'a [SlotState],
    pub timer: &'a [u32],
    pub since: &'a [u32],
    pub mark: &'a [f32],
    pub cap: &'a [f32],
    pub ewma: &'a [f32],
    pub attached: &'a mut [u32],
    pub u0s: &'a mut [f32],
    pub u1s: &'a mut [f32],
    pub noises: &'a mut [f32],
    pub flags: &'a mut [u32],
    pub wants: &'a mut [f32],
}

/// The first half for slots `0..4⌊n/4⌋`; returns how many it did and the totals
/// (log-offs, crashes, reboots, accepting).
pub(super) fn leave_quads(p: &LeaveIn, s: &mut LeaveSlices) -> (usize, [u32; 4]) {
    let n4 = s.state.len() / 4 * 4;
    let mut sums = [u32x4_splat(0); 4];
    let (bug_on, reboot_on, prob_on) = (mask(p.bug_on), mask(p.reboot_on), mask(p.probation > 0.0));
    for k in (0..n4).step_by(4) {
        let c = counters(p.base, k);
        let (u0, u1) = units(p.key, c);
        let (u2, u3) = units(p.key, i32x4_add(c, u32x4_splat(1)));
        let noise = f32x4_add(f(1.0), f32x4_mul(f32x4_sub(u3, f(0.5)), f(p.spread)));
        st(s.u0s, k, u0);
        st(s.u1s, k, u1);
        st(s.noises, k, noise);
        let stv = states4(s.state, k);
        let alive = i32x4_eq(stv, u32x4_splat(SlotState::Alive as u32));
        let shut = i32x4_eq(stv, u32x4_splat(SlotState::Shutdown as u32));
        let crash = v128_and(bug_on, f32x4_le(ld(s.mark, k), f(p.dose)));
        let leaves = v128_or(v128_or(crash, v128_and(reboot_on, f32x4_lt(u0, f(p.reboot)))), f32x4_gt(u0, f(p.stay_below)));
        let departs = v128_and(alive, leaves);
        let due = v128_andnot(v128_or(u32x4_le(ldu(s.timer, k), u32x4_splat(p.t)), v128_and(shut, crash)), alive);
        stu(s.flags, k, v128_or(v128_and(departs, u32x4_splat(DEPARTS)), v128_and(due, u32x4_splat(DUE))));
        let live = v128_andnot(alive, departs);
        let a0 = ldu(s.attached, k);
        let x = f32x4_convert_i32x4(a0);
        let off = i32x4_min(floor_count(f32x4_add(f32x4_mul(x, f(p.off)), u1)), a0);
        let crashed = i32x4_min(floor_count(f32x4_add(f32x4_mul(x, f(p.bug_rate)), u2)), i32x4_sub(a0, off));
        let rebooted = i32x4_min(floor_count(f32x4_add(f32x4_mul(x, f(p.reboot)), u2)), i32x4_sub(i32x4_sub(a0, off), crashed));
        let a = i32x4_sub(i32x4_sub(i32x4_sub(a0, off), crashed), rebooted);
        stu(s.attached, k, v128_bitselect(a, a0, live));
        sums[0] = i32x4_add(sums[0], v128_and(off, live));
        sums[1] = i32x4_add(sums[1], v128_and(crashed, live));
        sums[2] = i32x4_add(sums[2], v128_and(rebooted, live));
        let since = ldu(s.since, k);
        let probation = v128_and(prob_on, u32x4_gt(since, u32x4_splat(0)));
        let waited = f32x4_convert_i32x4(i32x4_max(i32x4_sub(u32x4_splat(p.t), since), u32x4_splat(0)));
        let ramp = v128_bitselect(f32x4_pmin(f(1.0), f32x4_div(waited, f(p.probation))), f(1.0), probation);
        let limit = floor_count(f32x4_mul(f32x4_mul(ld(s.cap, k), f(p.limit_per_cap)), ramp));
        let e = ld(s.ewma, k);
        let accepting = v128_and(v128_and(live, f32x4_le(e, f(ACCEPT_MAX_LOAD))), i32x4_lt(a, limit));
        let busy = f32x4_pmax(f(0.0), f32x4_pmin(f(1.0), f32x4_mul(f32x4_sub(f(ACCEPT_MAX_LOAD), e), f(1.0 / (ACCEPT_MAX_LOAD - ACCEPT_EASY_LOAD)))));
        let pace = floor_count(f32x4_pmax(f(1.0), f32x4_mul(f32x4_mul(f(p.pace), ramp), busy)));
        let room = f32x4_convert_i32x4(i32x4_min(i32x4_max(i32x4_sub(limit, a), u32x4_splat(0)), pace));
        let want = f32x4_pmin(room, f32x4_mul(f(p.offered_join), noise));
        st(s.wants, k, v128_bitselect(want, v128_bitselect(f(0.0), f(-1.0), live), accepting));
        sums[3] = i32x4_sub(sums[3], accepting);
    }
    (n4, sums.map(hsum))
}

/// The slices the second half reads and writes.
pub(super) struct JoinSlices<'a> {
    pub cap: &'a [f32],
    pub mesh_load: &'a [f32],
    pub wants: &'a [f32],
    pub noises: &'a [f32],
    pub attached: &'a mut [u32],
    pub accepted_now: &'a mut [u32],
    pub load: &'a mut [f32],
    pub ewma: &'a mut [f32],
    pub flags: &'a mut [u32],
    pub offereds: &'a mut [f32],
    pub loads: &'a mut [f32],
    pub stayed: &'a mut [f32],
}

/// The second half for slots `0..4⌊n/4⌋`; returns how many it did and adds to the totals.
pub(super) fn join_quads(p: &JoinIn, s: &mut JoinSlices, out: &mut Served) -> usize {
    let n4 = s.wants.len() / 4 * 4;
    let shutdown = mask(p.shutdown);
    let (mut joined, mut loaded, mut alive, mut attached) = (u32x4_splat(0), u32x4_splat(0), u32x4_splat(0), u32x4_splat(0));
    for k in (0..n4).step_by(4) {
        let w = ld(s.wants, k);
        let live = f32x4_ge(w, f(0.0));
        let (u4, u5) = units(p.key, counters(p.base, k));
        let acc = floor_count(f32x4_add(f32x4_mul(f32x4_pmax(f(0.0), w), f(p.share)), u4));
        let a = i32x4_add(ldu(s.attached, k), acc);
        stu(s.attached, k, a);
        stu(s.accepted_now, k, acc);
        joined = i32x4_add(joined, acc);
        let noise = ld(s.noises, k);
        let offered = f32x4_add(
            f32x4_add(f32x4_add(f32x4_mul(f32x4_convert_i32x4(a), f(p.client_cost)), f32x4_mul(f(p.probes_here), noise)), f32x4_mul(f32x4_convert_i32x4(acc), f(JOIN_COST))),
            ld(s.mesh_load, k),
        );
        let l = f32x4_div(offered, ld(s.cap, k));
        let e0 = ld(s.ewma, k);
        let e = f32x4_add(e0, f32x4_mul(f(ALPHA), f32x4_sub(l, e0)));
        st(s.load, k, v128_bitselect(l, ld(s.load, k), live));
        st(s.ewma, k, v128_bitselect(e, e0, live));
        let trips = v128_and(v128_and(v128_and(live, shutdown), f32x4_gt(e, f(1.0))), f32x4_lt(u5, f32x4_mul(f32x4_sub(e, f(1.0)), f(SHUT_RATE))));
        stu(s.flags, k, v128_and(trips, u32x4_splat(TRIPS)));
        let stays = v128_andnot(live, trips);
        loaded = i32x4_sub(loaded, live);
        alive = i32x4_sub(alive, stays);
        attached = i32x4_add(attached, v128_and(a, stays));
        st(s.offereds, k, v128_and(offered, live));
        st(s.loads, k, v128_and(l, live));
        st(s.stayed, k, v128_and(l, stays));
    }
    out.joined = out.joined.wrapping_add(hsum(joined));
    out.loaded += hsum(loaded);
    out.alive += hsum(alive);
    out.attached = out.attached.wrapping_add(hsum(attached));
    n4
}

/// `lanes::lane_sum`'s eight running sums over the whole chunks of eight: lanes 0–3 and 4–7 of
/// each chunk in two vectors, added in the same order as the scalar loop.
pub(super) fn sums8(xs: &[f32], positive: bool) -> [f32; 8] {
    let (mut lo, mut hi) = (f(0.0), f(0.0));
    let keep = |v: v128| if positive { f32x4_pmax(f(0.0), v) } else { v };
    for k in (0..xs.len() / 8 * 8).step_by(8) {
        lo = f32x4_add(lo, keep(ld(xs, k)));
        hi = f32x4_add(hi, keep(ld(xs, k + 4)));
    }
    lanes8(lo, hi)
}

/// `lanes::lane_max`'s eight running maxima (`hi(acc, x)` is `pmax(x, acc)`, NaN included).
pub(super) fn maxes8(xs: &[f32]) -> [f32; 8] {
    let (mut lo, mut hi) = (f(0.0), f(0.0));
    for k in (0..xs.len() / 8 * 8).step_by(8) {
        lo = f32x4_pmax(ld(xs, k), lo);
        hi = f32x4_pmax(ld(xs, k + 4), hi);
    }
    lanes8(lo, hi)
}

fn lanes8(lo: v128, hi: v128) -> [f32; 8] {
    [
        f32x4_extract_lane::<0>(lo),
        f32x4_extract_lane::<1>(lo),
        f32x4_extract_lane::<2>(lo),
        f32x4_extract_lane::<3>(lo),
        f32x4_extract_lane::<0>(hi),
        f32x4_extract_lane::<1>(hi),
        f32x4_extract_lane::<2>(hi),
        f32x4_extract_lane::<3>(hi),
    ]
}

/// Whether any of sixteen flags has any of `mask`'s bits.
pub(super) fn any_flag16(c: &[u32; 16], mask: u32) -> bool {
    let all = v128_or(v128_or(ldu(c, 0), ldu(c, 4)), v128_or(ldu(c, 8), ldu(c, 12)));
    v128_any_true(v128_and(all, u32x4_splat(mask)))
}

/// Whether any of sixteen slots serves.
pub(super) fn any_alive16(c: &[SlotState; 16]) -> bool {
    // SAFETY: `SlotState` is `repr(u8)`, so sixteen of them are sixteen bytes; no alignment needed.
    let v = unsafe { v128_load(c.as_ptr() as *const v128) };
    v128_any_true(i8x16_eq(v, u8x16_splat(SlotState::Alive as u8)))
}

/// `Slots::idle_run`'s flags for slots `0..4⌊n/4⌋` (a timer run out, or the bug crashing a
/// shut-down host); returns how many it did.
pub(super) fn idle_quads(state: &[SlotState], timer: &[u32], mark: &[f32], t: u32, bug_on: bool, dose: f32, flags: &mut [u32]) -> usize {
    let n4 = state.len().min(timer.len()).min(mark.len()).min(flags.len()) / 4 * 4;
    let bug_on = mask(bug_on);
    for k in (0..n4).step_by(4) {
        let shut = i32x4_eq(states4(state, k), u32x4_splat(SlotState::Shutdown as u32));
        let crash = v128_and(bug_on, f32x4_le(ld(mark, k), f(dose)));
        let due = v128_or(u32x4_le(ldu(timer, k), u32x4_splat(t)), v128_and(shut, crash));
        stu(flags, k, v128_and(due, u32x4_splat(DUE)));
    }
    n4
}
