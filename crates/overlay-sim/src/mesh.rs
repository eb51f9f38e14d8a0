//! The supernode mesh: a configuration-model random graph over supernode slots, as an edge
//! list (petgraph's union-find finds its components).
//!
//! Supernodes link to supernodes found in their host caches, which are random: so the mesh is
//! random with a heterogeneous degree sequence (stronger hosts keep more links), and
//! Molloy–Reed / Cohen et al. percolation theory applies to it (see `theory`).

use crate::rng::Rng;
use petgraph::unionfind::UnionFind;
use rustc_hash::FxHashSet;

#[derive(Debug, Default)]
pub struct Mesh {
    /// Nodes: node i is supernode slot i.
    pub n: usize,
    /// The links as pairs (lower slot first), for the renderer and the union-find pass.
    pub edges: Vec<[u32; 2]>,
    pub degree: Vec<u32>,
}

impl Mesh {
    /// The configuration model, for the wanted degrees of the first `want.len()` slots, is
    /// [`Mesh::shuffled_stubs`] then [`Mesh::pair`]. Its first half: every slot's stubs, shuffled. (Split from
    /// [`Mesh::pair`] so a real-scale build is two short tasks in the browser, not one long one.)
    pub fn shuffled_stubs(want: &[u32], rng: &mut Rng) -> Vec<u32> {
        let mut stubs: Vec<u32> = Vec::with_capacity(want.iter().map(|&k| k as usize).sum());
        for (i, &k) in want.iter().enumerate() {
            stubs.extend(std::iter::repeat_n(i as u32, k as usize));
        }
        for i in (1..stubs.len()).rev() {
            stubs.swap(i, rng.below(i + 1));
        }
        stubs
    }

    /// The configuration model's second half: consecutive stubs become links, without
    /// self-loops or duplicates.
    pub fn pair(n: usize, stubs: &[u32]) -> Mesh {
        // A fast hash: the pairs are already random, so SipHash's guard against crafted keys
        // buys nothing here and cost a fifth of building the world in the browser.
        let mut seen = FxHashSet::with_capacity_and_hasher(stubs.len() / 2, Default::default());
        let mut edges = Vec::with_capacity(stubs.len() / 2);
        for pair in stubs.chunks_exact(2) {
            let (a, b) = (pair[0].min(pair[1]), pair[0].max(pair[1]));
            if a != b && seen.insert((a, b)) {
                edges.push([a, b]);
            }
        }
        Mesh::from_edges(n, edges)
    }

    pub fn from_edges(n: usize, edges: Vec<[u32; 2]>) -> Mesh {
        let mut degree = vec![0u32; n];
        for &[a, b] in &edges {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        Mesh { n, edges, degree }
    }

    /// Fraction of live nodes in the largest connected component of the live sub-mesh.
    pub fn giant_fraction(&self, alive: impl Fn(usize) -> bool) -> f64 {
        let n = self.n;
        let mut uf = UnionFind::<u32>::new(n);
        for &[a, b] in &self.edges {
            if alive(a as usize) && alive(b as usize) {
                uf.union(a, b);
            }
        }
        let mut size = vec![0u32; n];
        let mut live = 0u32;
        for i in 0..n {
            if alive(i) {
                live += 1;
                size[uf.find_mut(i as u32) as usize] += 1;
            }
        }
        if live == 0 {
            return 0.0;
        }
        f64::from(size.into_iter().max().unwrap_or(0)) / f64::from(live)
    }

    /// Degrees within the sub-mesh of nodes `0..n` (the user-run supernodes, without mega links).
    pub fn degrees_within(&self, n: usize) -> Vec<u32> {
        let mut d = vec![0u32; n];
        for &[a, b] in &self.edges {
            if (a as usize) < n && (b as usize) < n {
                d[a as usize] += 1;
                d[b as usize] += 1;
            }
        }
        d
    }

    /// ⟨k⟩ and ⟨k²⟩ of the sub-mesh of nodes `0..n`.
    pub fn moments(&self, n: usize) -> (f64, f64) {
        let d = self.degrees_within(n);
        let len = d.len().max(1) as f64;
        let (s1, s2) = d.iter().fold((0.0, 0.0), |(a, b), &k| {
            let k = f64::from(k);
            (a + k, b + k * k)
        });
        (s1 / len, s2 / len)
    }
}
