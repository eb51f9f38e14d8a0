//! The model's one source of randomness: a seeded PCG, identical natively and in Wasm.
//! Transcendental functions go through `libm` so both platforms round the same way.
//! PCG-32 (64-bit state) rather than a 128-bit PCG: Wasm has no 128-bit multiply.

use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg32;

#[derive(Clone, Debug)]
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
        let x = self.0.next_u64();
        // (two PCG-32 outputs)
        let f = |s: u32| ((x >> s) & 0xFFFF) as f32 * (1.0 / 65536.0);
        [f(0), f(16), f(32), f(48)]
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

/// Stochastic rounding: an integer whose expectation is `x` (x ≥ 0).
#[inline]
pub fn sround(x: f32, u: f32) -> u32 {
    // Truncation is floor for x ≥ 0 (and a plain cast, unlike `floor`, needs no libm call).
    let f = x as u32;
    f + u32::from(u < x - f as f32)
}
