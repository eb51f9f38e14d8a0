//! An explicit Kademlia network (Maymounkov & Mazières, "Kademlia: a peer-to-peer information
//! system based on the XOR metric", IPTPS 2002), small enough to build node by node: 64-bit
//! ids, XOR distance, k-buckets, iterative lookups with α parallel queries. The `dht` design
//! runs at real scale on the aggregate rule [`super::dht::lookup_success`]; this network is
//! what the rule is checked against (`tests/designs.rs`).

use crate::rng::Rng;

/// Queries in flight per lookup round (Maymounkov & Mazières: α = 3).
pub const ALPHA: usize = 3;

/// A Kademlia network: each node's bucket i holds up to `k` random nodes at XOR distance
/// [2^i, 2^(i+1)) from it — all of them when there are fewer.
pub struct Kademlia {
    /// Node ids, sorted: a bucket is then a contiguous range (the ids sharing a prefix).
    ids: Vec<u64>,
    /// Each node's contacts (all its buckets), by node index.
    contacts: Vec<Vec<u32>>,
    alive: Vec<bool>,
    k: usize,
}

/// What one lookup found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// It reached the live node closest to the key (where the key's record lives).
    pub found: bool,
    /// Rounds of up to α parallel queries until it first held the closest live node: its hops.
    pub hops: u32,
    /// Rounds until it stopped (the k closest it heard of had all been asked).
    pub rounds: u32,
    /// Queries sent, and how many went to dead nodes (time-outs).
    pub queries: u32,
    pub timeouts: u32,
}

impl Kademlia {
    /// `n` nodes with random ids and full, fresh k-buckets.
    pub fn new(n: usize, k: usize, rng: &mut Rng) -> Kademlia {
        let mut ids: Vec<u64> = (0..n).map(|_| u64_of(rng)).collect();
        ids.sort_unstable();
        ids.dedup();
        let contacts = tables(&ids, k.max(1), rng);
        Kademlia { alive: vec![true; ids.len()], ids, contacts, k: k.max(1) }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    pub fn live(&self) -> usize {
        self.alive.iter().filter(|&&a| a).count()
    }

    /// Removes a random `fraction` of the nodes at once, refreshing nobody's buckets (the
    /// moment after a mass crash). Returns how many were removed.
    pub fn remove_random(&mut self, fraction: f64, rng: &mut Rng) -> usize {
        let live: Vec<usize> = (0..self.len()).filter(|&i| self.alive[i]).collect();
        let kill = (fraction.clamp(0.0, 1.0) * live.len() as f64).round() as usize;
        let mut order = live;
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        for &i in &order[..kill] {
            self.alive[i] = false;
        }
        kill
    }

    /// Every live node refreshes its buckets: dead entries give way to live nodes of the same
    /// range, where there are any (k-buckets refilling after churn).
    pub fn refresh(&mut self, rng: &mut Rng) {
        let index: Vec<u32> = (0..self.len() as u32).filter(|&i| self.alive[i as usize]).collect();
        let live_ids: Vec<u64> = index.iter().map(|&i| self.ids[i as usize]).collect();
        let sub = tables(&live_ids, self.k, rng);
        let mut contacts = vec![Vec::new(); self.len()];
        for (j, &i) in index.iter().enumerate() {
            contacts[i as usize] = sub[j].iter().map(|&c| index[c as usize]).collect();
        }
        self.contacts = contacts;
    }

    /// Share of all contacts held by live nodes that point at dead nodes.
    pub fn stale_share(&self) -> f64 {
        let (mut all, mut dead) = (0usize, 0usize);
        for i in (0..self.len()).filter(|&i| self.alive[i]) {
            all += self.contacts[i].len();
            dead += self.contacts[i].iter().filter(|&&c| !self.alive[c as usize]).count();
        }
        if all == 0 { 0.0 } else { dead as f64 / all as f64 }
    }

    /// An iterative lookup of `key` from node `from` (§2.3): keep the k closest nodes heard
    /// of, query the α closest not yet asked, until the k closest have all been asked. Dead
    /// nodes time out and are dropped.
    pub fn lookup(&self, from: usize, key: u64) -> Lookup {
        let dist = |j: u32| self.ids[j as usize] ^ key;
        // Where the key's record lives: the live node closest to it (the querier itself counts).
        let best = (0..self.len() as u32).filter(|&j| self.alive[j as usize]).min_by_key(|&j| dist(j));
        let mut short = self.closest_known(from, key);
        let mut asked: Vec<u32> = vec![from as u32];
        let (mut rounds, mut queries, mut timeouts) = (0u32, 0u32, 0u32);
        let holds_best = |short: &[u32]| best.is_none_or(|b| b as usize == from || short.contains(&b));
        let mut hops = if holds_best(&short) { Some(0) } else { None };
        loop {
            let next: Vec<u32> = short.iter().copied().filter(|j| !asked.contains(j)).take(ALPHA).collect();
            if next.is_empty() {
                break;
            }
            rounds += 1;
            let mut heard = vec![];
            for j in next {
                asked.push(j);
                queries += 1;
                if self.alive[j as usize] {
                    heard.extend(self.closest_known(j as usize, key));
                } else {
                    timeouts += 1;
                    short.retain(|&x| x != j);
                }
            }
            for c in heard {
                if !short.contains(&c) && c as usize != from && !(asked.contains(&c) && !self.alive[c as usize]) {
                    short.push(c);
                }
            }
            short.sort_by_key(|&j| dist(j));
            short.truncate(self.k);
            if hops.is_none() && holds_best(&short) {
                hops = Some(rounds);
            }
        }
        let found = holds_best(&short);
        Lookup { found, hops: hops.unwrap_or(rounds), rounds, queries, timeouts }
    }

    /// The k contacts of node `i` closest to `key`, closest first.
    fn closest_known(&self, i: usize, key: u64) -> Vec<u32> {
        let mut c = self.contacts[i].clone();
        c.sort_by_key(|&j| self.ids[j as usize] ^ key);
        c.truncate(self.k);
        c
    }

    /// A random live node (None when all are dead).
    pub fn random_live(&self, rng: &mut Rng) -> Option<usize> {
        let live = self.live();
        if live == 0 {
            return None;
        }
        let pick = rng.below(live);
        (0..self.len()).filter(|&i| self.alive[i]).nth(pick)
    }

    /// A random key.
    pub fn random_key(rng: &mut Rng) -> u64 {
        u64_of(rng)
    }
}

/// The k-buckets of every node of sorted `ids`: for each bit, up to k random members of the
/// prefix block at that distance.
fn tables(ids: &[u64], k: usize, rng: &mut Rng) -> Vec<Vec<u32>> {
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        let mut c = Vec::new();
        for bit in 0..64u32 {
            let lo_id = ((id >> bit) ^ 1) << bit;
            let hi_id = lo_id | ((1u64 << bit) - 1);
            let lo = ids.partition_point(|&x| x < lo_id);
            let hi = ids.partition_point(|&x| x <= hi_id);
            let size = hi - lo;
            if size <= k {
                c.extend((lo..hi).map(|j| j as u32));
            } else {
                // k distinct random members (Floyd's sampling).
                let start = c.len();
                for j in size - k..size {
                    let cand = (lo + rng.below(j + 1)) as u32;
                    let pick = if c[start..].contains(&cand) { (lo + j) as u32 } else { cand };
                    c.push(pick);
                }
            }
        }
        out.push(c);
    }
    out
}

/// 64 random bits from two 32-bit draws (`below` takes a `usize`, 32 bits in Wasm).
fn u64_of(rng: &mut Rng) -> u64 {
    let mut half = || (rng.f64() * 4_294_967_296.0) as u64;
    (half() << 32) | half()
}

/// A seeded generator for tests and experiments outside the crate.
pub fn test_rng(seed: u64) -> Rng {
    Rng::new(seed)
}
