//! Network theory the model must agree with: Molloy–Reed and Cohen, Erez, ben-Avraham & Havlin
//! (PRL 85, 4626, 2000) for random failure of a random graph with a given degree distribution.

/// κ = ⟨k²⟩/⟨k⟩; a giant component exists while κ > 2.
pub fn kappa(mean: f64, mean_sq: f64) -> f64 {
    if mean > 0.0 { mean_sq / mean } else { 0.0 }
}

/// The critical fraction of randomly removed nodes: f_c = 1 − 1/(κ − 1).
pub fn critical_fraction(mean: f64, mean_sq: f64) -> f64 {
    let k = kappa(mean, mean_sq);
    if k <= 2.0 { 0.0 } else { 1.0 - 1.0 / (k - 1.0) }
}

/// Expected fraction of the *surviving* nodes in the giant component after removing a random
/// fraction `f` of nodes from a configuration-model graph with degree sequence `degrees`
/// (generating functions: u = 1 − φ + φ·G₁(u), S = 1 − G₀(u) with φ = 1 − f).
pub fn giant_after_random_removal(degrees: &[u32], f: f64) -> f64 {
    let phi = 1.0 - f;
    let kmax = degrees.iter().copied().max().unwrap_or(0) as usize;
    let mut pk = vec![0.0f64; kmax + 1];
    for &k in degrees {
        pk[k as usize] += 1.0;
    }
    let n = degrees.len().max(1) as f64;
    pk.iter_mut().for_each(|p| *p /= n);
    let mean: f64 = pk.iter().enumerate().map(|(k, p)| k as f64 * p).sum();
    if mean == 0.0 || phi <= 0.0 {
        return 0.0;
    }
    let g0 = |x: f64| pk.iter().enumerate().map(|(k, p)| p * libm::pow(x, k as f64)).sum::<f64>();
    let g1 = |x: f64| pk.iter().enumerate().skip(1).map(|(k, p)| k as f64 * p * libm::pow(x, k as f64 - 1.0)).sum::<f64>() / mean;
    // u: probability that a link leads to a node not (via that link) in the giant component.
    let mut u = 0.0;
    for _ in 0..10_000 {
        let next = 1.0 - phi + phi * g1(u);
        if (next - u).abs() < 1e-12 {
            break;
        }
        u = next;
    }
    (1.0 - g0(u)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_graph_threshold() {
        // A 4-regular graph: κ = 4, f_c = 1 − 1/3.
        assert!((critical_fraction(4.0, 16.0) - 2.0 / 3.0).abs() < 1e-12);
        let d = vec![4u32; 1000];
        assert!(giant_after_random_removal(&d, 0.0) > 0.99);
        assert!(giant_after_random_removal(&d, 0.7) < 1e-3);
    }
}
