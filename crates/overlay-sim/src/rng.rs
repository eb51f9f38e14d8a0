//! The model's one source of randomness: a seeded PCG, identical natively and in Wasm.
//! Transcendental functions go through `libm` so both platforms round the same way.
//! PCG-32 (64-bit state) rather than a 128-bit PCG: Wasm has no 128-bit multiply.

use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg32;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Rng(Pcg32);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(Pcg32::seed_from_u64(seed))
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    /// Four independent uniforms in [0, 1) at 16-bit resolution from one draw (the hot loop's budget).
    pub fn quad(&mut self) -> [f32; 4] {
        // (two PCG-32 outputs)
        quad_of(self.0.next_u64())
    }
    /// A fresh key for [`keyed_unit_pair`] (one draw from the stream).
    pub fn key(&mut self) -> u64 {
        self.0.next_u64()
    }
    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.0.next_u64() >> 32) * n as u64 >> 32) as usize
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.f64().max(1e-12);
        let v = self.f64();
        (-2.0 * libm::log(u)).sqrt() * libm::cos(std::f64::consts::TAU * v)
    }
}

/// Two uniforms in [0, 1) at 16-bit resolution for item `i` under `key` (a 32-bit integer hash,
/// "lowbias32", of the key's `i`-th counter). Counter-based, unlike [`Rng`]: an item's draws do
/// not depend on which items drew before it, so a pass over thousands of supernodes has no chain
/// through the generator and can run on several of them at once.
#[inline]
pub fn keyed_unit_pair(key: u64, i: u32) -> [f32; 2] {
    let mut x = i.wrapping_add(key as u32).wrapping_mul(0x9E37_79B9) ^ (key >> 32) as u32;
    x ^= x >> 16;
    x = x.wrapping_mul(0x7FEB_352D);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846C_A68B);
    x ^= x >> 16;
    let f = |v: u32| (v & 0xFFFF) as i32 as f32 * (1.0 / 65536.0);
    [f(x), f(x >> 16)]
}

/// Four uniforms in [0, 1) at 16-bit resolution from 64 random bits.
#[inline]
pub fn quad_of(x: u64) -> [f32; 4] {
    let f = |s: u32| ((x >> s) as u32 & 0xFFFF) as i32 as f32 * (1.0 / 65536.0);
    [f(0), f(16), f(32), f(48)]
}

/// Stochastic rounding: an integer whose expectation is `x` (x ≥ 0).
#[inline]
pub fn sround(x: f32, u: f32) -> u32 {
    // Truncation is floor for x ≥ 0 (and a plain cast, unlike `floor`, needs no libm call).
    let f = x as u32;
    f + u32::from(u < x - f as f32)
}
