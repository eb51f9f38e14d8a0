//! Prints each cache group's state at chosen minutes of a scenario (a development aid):
//! `cargo run --release -p overlay-sim --example groups -- dec-2010 real 300 600 [KEY=VALUE...]`
use overlay_sim::{Inputs, Scale, Scenario, World};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map_or("dec-2010", String::as_str);
    let scale = args.get(1).and_then(|s| Scale::parse(s)).unwrap_or(Scale::Real);
    let mut sc = Scenario::preset_at(name, scale).expect("scenario");
    let mut at: Vec<u32> = vec![];
    for a in args.iter().skip(2) {
        if let Some((k, v)) = a.split_once('=') {
            sc.set(k, v).expect("setting");
        } else if let Ok(m) = a.parse() {
            at.push(m);
        }
    }
    let mut w = World::new(&sc);
    for m in at {
        while w.minute() < m {
            w.step(&Inputs::none());
        }
        println!("minute {m} {}: {:?}", w.clock_label(m), w.metrics_now());
        let wanting: f64 = w.groups().iter().map(|g| g.wanting()).sum();
        let online: f64 = w.groups().iter().map(|g| g.online()).sum();
        println!("wanting {wanting:.0} online {online:.0} expected {}", w.expected(m));
        if args.iter().any(|a| a == "quiet") { continue; }
        for g in w.groups() {
            println!("  {:6} {:?} svc={:.2} alive={}/{} retry={:.0} rest={:.0} login={:.0}", g.label, g.state, g.service, g.alive_now(), g.size(), g.retrying(), g.gave_up(), g.login_now());
        }
    }
}
