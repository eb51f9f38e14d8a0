//! The same fault on other overlay designs (issue 16): each design's own mechanism, checked
//! for behaviour a reader would notice, and the explicit Kademlia network against the k-bucket
//! redundancy argument the `dht` design runs on.

use overlay_sim::design::{dht, kademlia::Kademlia};
use overlay_sim::run::{run, series_hash, summarize};
use overlay_sim::{Action, Design, EventKind, Inputs, Metrics, Scale, Scenario, World};

fn scenario(name: &str, scale: Scale, design: Design, sets: &[(&str, &str)]) -> Scenario {
    let mut s = Scenario::preset_at(name, scale).expect("preset");
    s.set("design", design.name()).expect("design");
    for (k, v) in sets {
        s.set(k, v).expect("valid setting");
    }
    s.check().expect("the design makes sense here");
    s
}

fn trough(series: &[Metrics]) -> f64 {
    series.iter().map(Metrics::online_fraction).fold(1.0, f64::min)
}

/// The designs share the clients (same neighbourhoods, same daily demand) and the fault (the
/// same clients crash), and still each tells its own story.
#[test]
fn every_design_runs_dec_2010_on_the_same_clients_and_differs() {
    let base = run(&scenario("dec-2010", Scale::City, Design::Skype2010, &[]), 24).1;
    let t = Scenario::preset("dec-2010").expect("preset").trigger_min.expect("trigger") as usize;
    let mut hashes = vec![series_hash(&base)];
    for d in [Design::Dedicated2012, Design::Central, Design::Dht] {
        let sc = scenario("dec-2010", Scale::City, d, &[]);
        let w = World::new(&sc);
        let w0 = World::new(&scenario("dec-2010", Scale::City, Design::Skype2010, &[]));
        let labels = |w: &World| w.groups().iter().map(|g| (g.label.clone(), g.buggy_share.to_bits())).collect::<Vec<_>>();
        assert_eq!(labels(&w), labels(&w0), "{d:?}: the same neighbourhoods");
        let (_, s) = run(&sc, 24);
        assert!(s.iter().zip(&base).all(|(a, b)| a.expected_peers == b.expected_peers), "{d:?}: the same daily demand");
        assert!(s[..t - 1].iter().all(|m| m.online_fraction() > 0.97), "{d:?}: healthy before the trigger");
        assert!(s[t..t + 120].iter().any(|m| m.crashed_clients > 0), "{d:?}: the same fault crashes clients");
        assert!(s[t..t + 120].iter().any(|m| m.online_fraction() < 0.97), "{d:?}: the crashes show");
        assert_eq!(series_hash(&s), series_hash(&run(&sc, 24).1), "{d:?}: deterministic");
        hashes.push(series_hash(&s));
    }
    for i in 0..hashes.len() {
        for j in i + 1..hashes.len() {
            assert_ne!(hashes[i], hashes[j], "designs {i} and {j} give the same series");
        }
    }
}

/// dedicated-2012: the bug crashes users' clients, never the operator's servers; a busy server
/// throttles its intake instead of shutting down; nobody is promoted.
#[test]
fn dedicated_servers_ride_out_the_bug_by_throttling() {
    let sc = scenario("dec-2010", Scale::Real, Design::Dedicated2012, &[]);
    let mut w = World::new(&sc);
    let servers = w.ordinary_slots() as u32;
    assert!((5_000..6_500).contains(&servers), "peers / 4,100 servers: {servers}");
    let mut series = vec![];
    for _ in 0..24 * 60 {
        let r = w.step(&Inputs::none());
        for e in &r.events {
            assert!(!matches!(e.kind, EventKind::Crash | EventKind::OverloadShutdown | EventKind::Promotion), "{e:?}");
        }
        assert_eq!(r.metrics.supernodes_alive, servers, "no server stops");
        series.push(r.metrics);
    }
    assert!(trough(&series) >= 0.7, "trough {}", trough(&series));
    assert_eq!(summarize(&w, &series).first_wave_supernode_loss, 0.0);

    // A far harsher storm: every client runs the buggy version and every one crashes. The
    // servers take joins at a bounded pace and never shut down; the network still comes back.
    let harsh = scenario("dec-2010", Scale::City, Design::Dedicated2012, &[("buggy_share", "1"), ("crash_fraction", "1"), ("buggy_spread", "0")]);
    let mut w = World::new(&harsh);
    let pace = (harsh.params.join_rate * harsh.params.peers as f64 / w.ordinary_slots() as f64).ceil() as u32;
    let mut series = vec![];
    for _ in 0..24 * 60 {
        let r = w.step(&Inputs::none());
        assert!(w.snapshot().accepted_now[..w.ordinary_slots()].iter().all(|&a| a <= pace), "intake above pace {pace}");
        assert!(r.events.iter().all(|e| e.kind != EventKind::OverloadShutdown));
        series.push(r.metrics);
    }
    assert!(trough(&series) < 0.5, "the harsh storm bites: {}", trough(&series));
    assert!(series.last().map_or(0.0, Metrics::online_fraction) > 0.9, "and passes");

    // A server killed by hand is restarted by the operator, not replaced by a promoted user.
    let mut w = World::new(&scenario("sandbox", Scale::City, Design::Dedicated2012, &[]));
    let mut kinds = vec![];
    for t in 0..120 {
        let inputs = Inputs { actions: if t == 10 { vec![Action::Kill(0)] } else { vec![] } };
        kinds.extend(w.step(&inputs).events.iter().map(|e| e.kind));
    }
    assert!(kinds.contains(&EventKind::Killed) && kinds.contains(&EventKind::Restart), "{kinds:?}");
    assert!(!kinds.contains(&EventKind::Promotion));
}

/// central: the directory serves sessions first and never more than its capacity; it is one
/// point: losing a quarter of its servers costs nothing at this headroom, losing most of them
/// drops users until the operator restarts them.
#[test]
fn the_directory_serves_sessions_first_and_is_one_point() {
    let online_after_killing = |kill: u32| {
        let sc = scenario("sandbox", Scale::City, Design::Central, &[("directory_servers", "16"), ("directory_headroom", "1")]);
        let mut w = World::new(&sc);
        let mut s = vec![];
        for t in 0..180u32 {
            let actions = if t == 60 { (0..kill).map(Action::Kill).collect() } else { vec![] };
            s.push(w.step(&Inputs { actions }).metrics);
            assert!(w.directory_load() <= 1.0 + 1e-9, "minute {t}: directory load {}", w.directory_load());
        }
        s
    };
    let quarter = online_after_killing(4);
    assert!(trough(&quarter[61..]) > 0.97, "a quarter lost: {}", trough(&quarter[61..]));
    let most = online_after_killing(12);
    // 4 of 16 servers at twice the normal peak load: half the peak's sessions fit.
    let low = trough(&most[61..90]);
    assert!(low < 0.75 && low > 0.3, "most lost: {low}");
    assert!(most.last().map_or(0.0, Metrics::online_fraction) > 0.95, "back once restarted");
}

/// dht: the k-bucket redundancy argument. After removing a random fraction f of the nodes,
/// with nobody's buckets refreshed, a lookup reaches the live node closest to its key with
/// chance (1 − f^k)^hops — the same rule the `dht` design runs on at real scale.
#[test]
fn dht_lookup_success_after_removal_agrees_with_k_bucket_redundancy() {
    let mut rng = overlay_sim::design::kademlia::test_rng(16);
    for (k, fractions, tol) in [(20usize, &[0.5, 0.8, 0.85, 0.9, 0.95][..], 0.05), (8, &[0.5, 0.7, 0.8, 0.9][..], 0.07)] {
        for &f in fractions {
            let mut net = Kademlia::new(4096, k, &mut rng);
            net.remove_random(f, &mut rng);
            let stale = net.stale_share();
            assert!((stale - f).abs() < 0.02, "random removal leaves a share f of entries stale: {stale}");
            let trials = 1500;
            let found = (0..trials)
                .filter(|_| {
                    let from = net.random_live(&mut rng).expect("live");
                    net.lookup(from, Kademlia::random_key(&mut rng)).found
                })
                .count();
            let measured = found as f64 / f64::from(trials);
            let predicted = dht::lookup_success(stale, k as u32, net.len() as f64);
            assert!((measured - predicted).abs() < tol, "k={k} f={f}: measured {measured:.3}, k-bucket argument {predicted:.3}");
        }
    }
}

/// dht: lookups take O(log n) hops, and buckets refill after churn.
#[test]
fn dht_lookups_take_log_n_hops_and_buckets_refill() {
    let mut rng = overlay_sim::design::kademlia::test_rng(7);
    let mut hops = vec![];
    for n in [1024usize, 4096, 16384] {
        let net = Kademlia::new(n, 20, &mut rng);
        let h: u32 = (0..600).map(|_| net.lookup(net.random_live(&mut rng).expect("live"), Kademlia::random_key(&mut rng)).hops).sum();
        let h = f64::from(h) / 600.0;
        assert!(h <= dht::hops(n as f64), "n={n}: {h:.2} hops, above log_k n");
        hops.push(h);
    }
    // Each fourfold growth adds about the same number of hops: logarithmic, not a power.
    let (a, b) = (hops[1] - hops[0], hops[2] - hops[1]);
    assert!(a > 0.1 && b > 0.1 && (a - b).abs() < 0.25, "hops {hops:?}");

    let mut net = Kademlia::new(4096, 20, &mut rng);
    net.remove_random(0.9, &mut rng);
    net.refresh(&mut rng);
    assert_eq!(net.stale_share(), 0.0);
    let ok = (0..300).all(|_| net.lookup(net.random_live(&mut rng).expect("live"), Kademlia::random_key(&mut rng)).found);
    assert!(ok, "after the buckets refill every lookup succeeds again");

    // In the world: the crash leaves stale entries, nobody is orphaned, and the buckets refill.
    let sc = scenario("dec-2010", Scale::Real, Design::Dht, &[]);
    let t = sc.trigger_min.expect("trigger");
    let mut w = World::new(&sc);
    let mut stale = vec![];
    let mut series = vec![];
    for _ in 0..t + 6 * 60 {
        let m = w.step(&Inputs::none()).metrics;
        assert_eq!(m.orphaned, 0, "no peer depends on one other peer");
        stale.push(w.stale_entries());
        series.push(m);
    }
    let before = stale[t as usize - 2];
    let worst = stale.iter().copied().fold(0.0, f64::max);
    assert!(worst > before + 0.05, "the crash leaves stale entries: {before:.3} → {worst:.3}");
    assert!(dht::lookup_success(worst, dht::K, 18e6) > 0.999, "k = 20 shrugs them off");
    assert!(stale.last().copied().unwrap_or(1.0) < before + 0.02, "buckets refill: {:.3} vs {before:.3}", stale.last().copied().unwrap_or(1.0));
    assert!(trough(&series) > 0.7, "the crashed users themselves are the dip: {}", trough(&series));
}

/// The runner takes `--set design=...` where it makes sense, and says why not elsewhere.
#[test]
fn runner_takes_a_design_or_says_why_not() {
    let runner = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_overlay-sim")).args(args).output().expect("runs");
    for d in Design::NAMES {
        let out = runner(&["run", "--scenario", "dec-2010", "--set", &format!("design={d}"), "--set", "scale=classroom", "--hours", "2"]);
        assert!(out.status.success(), "{d}: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["params"]["design"], d);
    }
    for (scenario, design) in [("aug-2007", "dht"), ("dec-2010-no-mega", "central"), ("random-failure", "dht")] {
        let out = runner(&["run", "--scenario", scenario, "--set", &format!("design={design}")]);
        assert_eq!(out.status.code(), Some(2), "{scenario} with {design}");
        let msg = String::from_utf8_lossy(&out.stderr);
        assert!(msg.contains("design") && msg.contains(design) && msg.contains(scenario), "{msg}");
    }
    let out = runner(&["run", "--scenario", "dec-2010", "--set", "design=ring"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dedicated-2012"));
}
