//! Property tests (bounded fuzzing) of the URL-state parser: any query string, however broken,
//! parses without a panic into a valid state, and every rejected key or value is named in a
//! notice. Longer runs: `PROPTEST_CASES=200000 cargo test --test fuzz_url`.
#![cfg(not(target_arch = "wasm32"))]

use overlay_sim::{Params, Scenario};
use proptest::prelude::*;
use supernode_storm::url::{parse, to_query, MAX_MINUTE};

fn key() -> impl Strategy<Value = String> {
    let mut known: Vec<String> = Params::keys().map(String::from).collect();
    known.extend(["scenario", "t", "speed", "autoplay", "step", "embed", "controls", "theme"].map(String::from));
    prop_oneof![proptest::sample::select(known), "[a-z_%&=?]{0,12}"]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,25}",
        "-?[0-9]{1,5}\\.[0-9]{0,4}",
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("%00".to_string()),
        Just("%3Cscript%3Ealert(1)%3C/script%3E".to_string()),
        "\\PC{0,20}",
        proptest::sample::select(vec!["dec-2010", "aug-2007", "real", "city", "classroom", "immediate", "on", "off", "max", "light", "none"]).prop_map(String::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_query_parses_to_a_valid_state(pairs in proptest::collection::vec((key(), value()), 0..8)) {
        let q = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        let u = parse(&q);
        prop_assert!(u.scenario.params.check().is_ok());
        prop_assert!(u.t <= MAX_MINUTE);
        prop_assert!(u.speed.is_infinite() || (0.25..=64.0).contains(&u.speed));
        for n in &u.notices {
            prop_assert!(!n.contains('<'), "notice echoes markup: {n}");
            prop_assert!(n.chars().count() < 400);
        }
    }

    #[test]
    fn raw_bytes_never_panic(s in "\\PC{0,200}") {
        let _ = parse(&s);
    }

    #[test]
    fn valid_settings_round_trip(buggy in 0.0f64..=1.0, headroom in 0.0f64..=20.0, seed in 0u64..1_000_000, t in 0u32..=MAX_MINUTE, policy in 0usize..3) {
        let mut sc = Scenario::preset_at("dec-2010", overlay_sim::Scale::City).expect("preset");
        sc.set("buggy_share", &buggy.to_string()).expect("valid");
        sc.set("capacity_headroom", &headroom.to_string()).expect("valid");
        sc.set("seed", &seed.to_string()).expect("valid");
        sc.set("retry_policy", ["immediate", "fixed", "exponential"][policy]).expect("valid");
        let back = parse(&to_query(&sc, t, 8.0, false, false, None));
        prop_assert!(back.notices.is_empty(), "{:?}", back.notices);
        prop_assert_eq!(back.scenario.params, sc.params);
        prop_assert_eq!(back.t, t);
    }
}
