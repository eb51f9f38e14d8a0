fn main() {
    let sc = overlay_sim::Scenario::preset_at("dec-2010", overlay_sim::Scale::Real).unwrap();
    for _ in 0..3 {
        let mut b = overlay_sim::WorldBuild::new(&sc);
        loop {
            let t = std::time::Instant::now();
            let r = b.advance();
            println!("stage {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
            if r.is_some() { break; }
        }
    }
}
