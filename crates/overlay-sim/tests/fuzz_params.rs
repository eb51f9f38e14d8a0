//! Property tests (bounded fuzzing) of parameter validation: any key and value either sets a
//! valid parameter or returns an error naming the parameter — never a panic, never an invalid
//! parameter set — and the world runs a few minutes on whatever was accepted.

use overlay_sim::{Inputs, Params, Scale, Scenario, World};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn set_validates_or_names_the_parameter(idx in 0usize..Params::KEYS.len(), v in prop_oneof!["\\PC{0,12}", "-?[0-9]{1,8}(\\.[0-9]{1,3})?", Just("1e309".to_string())]) {
        let key = Params::KEYS[idx];
        let mut sc = Scenario::preset_at("sandbox", Scale::Classroom).expect("preset");
        let before = sc.params.clone();
        match sc.set(key, &v) {
            Ok(()) => prop_assert!(sc.params.check().is_ok()),
            Err(e) => {
                prop_assert_eq!(&e.param, key);
                prop_assert_eq!(&sc.params, &before, "a rejected value changed the parameters");
            }
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
