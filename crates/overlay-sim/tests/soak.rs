//! Soak: a simulated week at real scale with a random sandbox action every simulated hour.
//! No NaN or infinity in any metric, no counter runaway, and a bounded history.

use overlay_sim::history::MAX_CHECKPOINTS;
use overlay_sim::{Action, History, Scale, Scenario};

#[test]
fn a_week_at_real_scale_with_hourly_sandbox_actions() {
    let sc = Scenario::preset_at("dec-2010", Scale::Real).expect("preset");
    let peers = sc.params.peers;
    let mut h = History::new(sc);
    let mut seed = 7u64;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as u32
    };
    for minute in 1..=7 * 24 * 60u32 {
        if minute % 60 == 0 {
            let a = match next() % 5 {
                0 => Action::Kill(next() % 48_000),
                1 => Action::InjectMega { x: (next() % 100) as f32 / 100.0, y: 0.5 },
                2 => Action::Set { key: "retry_policy".into(), value: ["immediate", "fixed", "exponential"][(next() % 3) as usize].into() },
                3 => Action::Set { key: "capacity_headroom".into(), value: format!("{}", next() % 12) },
                _ => Action::Set { key: "restart_delay_min".into(), value: format!("{}", next() % 240) },
            };
            h.act(a);
        }
        let m = *h.step();
        for x in [m.mean_sn_load, m.max_sn_load, m.signalling_ratio, m.giant_component, m.im_delayed_share] {
            assert!(x.is_finite() && x >= 0.0, "minute {minute}: {m:?}");
        }
        let total = m.online_peers + m.retrying_peers + m.login_queue + m.crashed_clients;
        assert!(total <= 2 * peers, "minute {minute}: {total} peers accounted for, of {peers}");
        assert!(m.supernodes_alive <= 48_000 && m.giant_component <= 1.0);
    }
    assert_eq!(h.series().len(), 7 * 24 * 60);
    let (kept, every) = h.checkpoint_stats();
    assert!(kept <= MAX_CHECKPOINTS + 1, "{kept} checkpoints");
    // Memory: ~1.7 MB per checkpoint at real scale, so the history stays under ~90 MB.
    assert!(every >= 240, "interval {every}");
    // And scrubbing still works at the end of the week.
    h.seek(3 * 24 * 60 + 17);
    assert_eq!(h.metrics(), h.series()[3 * 24 * 60 + 16]);
}
