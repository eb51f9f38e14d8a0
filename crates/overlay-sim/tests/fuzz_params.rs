//! Property tests (bounded fuzzing) of parameter validation: any key and value either sets a
//! valid parameter or returns an error naming the parameter — never a panic, never an invalid
//! parameter set — and the world runs a few minutes on whatever was accepted.

use overlay_sim::{Inputs, Scale, Scenario, World, PARAMS};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn set_validates_or_names_the_parameter(idx in 0usize..PARAMS.len(), v in prop_oneof!["\\PC{0,12}", "-?[0-9]{1,8}(\\.[0-9]{1,3})?", Just("1e309".to_string())]) {
        let key = PARAMS[idx].key;
        let mut sc = Scenario::preset_at("sandbox", Scale::Classroom).expect("preset");
        let before = sc.params.clone();
        match sc.set(key, &v) {
            // Accepted: the value is one the table allows, read back as the table writes it.
            Ok(()) if key != "scale" => {
                let spec = &PARAMS[idx];
                let want = spec.parse(&v).map(|x| x.text(&spec.kind));
                prop_assert_eq!(sc.params.get(key), want.ok());
            }
            Ok(()) => {}
            Err(e) => {
                prop_assert_eq!(&e.param, key);
                prop_assert_eq!(&sc.params, &before, "a rejected value changed the parameters");
            }
        }
        // Limits between parameters are checked once all settings are in: a world is built
        // only from a checked set, and the check names what is wrong.
        if let Err(e) = sc.check() {
            prop_assert!(!e.param.is_empty() && !e.allowed.is_empty());
            return Ok(());
        }
        if sc.params.peers <= 200_000 && sc.params.supernodes <= 2_000 {
            let mut w = World::new(&sc);
            for _ in 0..5 {
                let m = w.step(&Inputs::none()).metrics;
                prop_assert!(m.signalling_ratio.is_finite() && m.mean_sn_load.is_finite());
            }
        }
    }
}
