//! Headless runner: `overlay-sim run --scenario NAME [--seed N] [--set KEY=VALUE]... [--hours H] [--format json|csv]`.
//! Real scale unless `--set scale=...` says otherwise. Bad arguments: a message and exit code 2.
//! `overlay-sim sweep` computes the tipping-point map (`overlay_sim::sweep`).

use overlay_sim::run::{run_with_landmarks, series_hash, summarize};
use overlay_sim::sweep::{Axis, Grid, Sweep};
use overlay_sim::{Landmark, Metrics, Scenario, World};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: overlay-sim run --scenario NAME [--seed N] [--set KEY=VALUE]... [--hours H] [--format json|csv]
       overlay-sim sweep --scenario NAME [--scale classroom|city|real] --x PARAM=FROM:TO:N --y PARAM=FROM:TO:N
                         [--hours H] [--seed N] [--runs N] [--set KEY=VALUE]... [--format json|csv]
                         (the tipping-point map; city scale and 3 runs a cell, seeds N, N+1, …, unless told)
       overlay-sim list            (scenarios and parameters with their defaults)
       overlay-sim hashes          (the determinism table, tests/hashes.txt)
       overlay-sim mesh [SCALE]    (supernode positions and mesh links as JSON, for renderer benchmarks)
       overlay-sim points DIR      (the saved points the site ships, as DIR/runs/STAMP/NAME-MINUTE.bin)";

struct Args {
    scenario: Scenario,
    hours: u32,
    csv: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("run") => {}
        Some(other) => return Err(format!("unknown command '{other}'")),
        None => return Err("no command".into()),
    }
    let (mut name, mut seed, mut sets, mut hours, mut csv) = (None, None, vec![], 48u32, false);
    while let Some(flag) = it.next() {
        let mut val = || it.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--scenario" => name = Some(val()?),
            "--seed" => seed = Some(val()?),
            "--set" => {
                let kv = val()?;
                let (k, v) = kv.split_once('=').ok_or_else(|| format!("--set wants KEY=VALUE, got '{kv}'"))?;
                sets.push((k.to_string(), v.to_string()));
            }
            "--hours" => {
                let v = val()?;
                hours = v.parse().ok().filter(|h| (1..=24 * 14).contains(h)).ok_or_else(|| format!("--hours: '{v}' is not a whole number from 1 to 336"))?;
            }
            "--format" => csv = is_csv(&val()?)?,
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    let name = name.ok_or("--scenario is required")?;
    let mut scenario = Scenario::preset(&name).map_err(|e| e.to_string())?;
    // Scale first: it resets the sizes the other settings may override.
    sets.sort_by_key(|(k, _)| k != "scale");
    for (k, v) in &sets {
        scenario.set(k, v).map_err(|e| e.to_string())?;
    }
    if let Some(s) = seed {
        scenario.set("seed", &s).map_err(|e| e.to_string())?;
    }
    scenario.check().map_err(|e| e.to_string())?;
    Ok(Args { scenario, hours, csv })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("list") {
        println!("scenarios: {}", overlay_sim::scenario::NAMES.join(", "));
        let p = overlay_sim::Params::for_scale(overlay_sim::Scale::Real);
        for s in &overlay_sim::PARAMS {
            println!("  {} = {}  ({}; {})", s.key, s.get(&p).text(&s.kind), s.kind.allowed(), s.source);
        }
        return ExitCode::SUCCESS;
    }
    if args.first().map(String::as_str) == Some("sweep") {
        return sweep_main(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("hashes") {
        for (name, scale, seed, hours) in overlay_sim::run::hash_table_runs() {
            match overlay_sim::run::hash_line(name, scale, seed, hours) {
                Ok(line) => println!("{line}"),
                Err(e) => {
                    eprintln!("overlay-sim: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        return ExitCode::SUCCESS;
    }
    if args.first().map(String::as_str) == Some("points") {
        return points_main(args.get(1).map(String::as_str));
    }
    if args.first().map(String::as_str) == Some("mesh") {
        let scale = args.get(1).map_or(Some(overlay_sim::Scale::Real), |s| overlay_sim::Scale::parse(s));
        let Some(scale) = scale else {
            eprintln!("overlay-sim: mesh: scale must be classroom, city or real\n{USAGE}");
            return ExitCode::from(2);
        };
        let sc = match Scenario::preset_at("sandbox", scale) {
            Ok(sc) => sc,
            Err(e) => {
                eprintln!("overlay-sim: {e}");
                return ExitCode::from(2);
            }
        };
        let w = World::new(&sc);
        let snap = w.snapshot();
        let n = snap.ordinary;
        let edges: Vec<[u32; 2]> = snap.mesh_edges.iter().copied().filter(|e| (e[0] as usize) < n && (e[1] as usize) < n).collect();
        let doc = serde_json::json!({ "nodes": n, "x": &snap.sn_x[..n], "y": &snap.sn_y[..n], "load": &snap.sn_load[..n], "edges": edges });
        println!("{doc}");
        return ExitCode::SUCCESS;
    }
    let a = match parse(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("overlay-sim: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (w, series, landmarks) = run_with_landmarks(&a.scenario, a.hours);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let r = if a.csv { write_csv(&mut out, &w, &series) } else { write_json(&mut out, &a.scenario, &w, &series, &landmarks) };
    match r.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("overlay-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the saved points the site ships (`overlay_sim::resume::SHIPPED_RUNS`) under `dir`.
fn points_main(dir: Option<&str>) -> ExitCode {
    let Some(dir) = dir else {
        eprintln!("overlay-sim: points needs a directory\n{USAGE}");
        return ExitCode::from(2);
    };
    for name in overlay_sim::resume::SHIPPED_RUNS {
        let written = overlay_sim::resume::shipped_points(name).map_err(|e| e.to_string()).and_then(|points| {
            points.iter().try_for_each(|(m, bytes)| {
                let path = std::path::Path::new(dir).join(overlay_sim::resume::shipped_path(name, *m));
                path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&path, bytes)).map_err(|e| format!("{}: {e}", path.display()))
            })
        });
        if let Err(e) = written {
            eprintln!("overlay-sim: points: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn row(w: &World, m: &Metrics) -> serde_json::Value {
    let mut v = serde_json::to_value(m).unwrap_or_default();
    if let (Some(o), Some(u)) = (v.as_object_mut(), w.unix_at(m.t_min)) {
        o.insert("utc".into(), overlay_sim::clock::iso_utc(u).into());
    }
    v
}

fn write_json(out: &mut impl Write, sc: &Scenario, w: &World, series: &[Metrics], landmarks: &[Landmark]) -> std::io::Result<()> {
    let doc = serde_json::json!({
        "scenario": sc.name,
        "seed": sc.params.seed,
        "params": sc.params,
        "summary": summarize(w, series),
        "landmarks": landmarks,
        "series_hash": format!("{:016x}", series_hash(series)),
        "series": series.iter().map(|m| row(w, m)).collect::<Vec<_>>(),
    });
    serde_json::to_writer(&mut *out, &doc)?;
    writeln!(out)
}

fn write_csv(out: &mut impl Write, w: &World, series: &[Metrics]) -> std::io::Result<()> {
    writeln!(out, "t_min,utc,online_peers,expected_peers,supernodes_alive,mega_supernodes,mean_sn_load,max_sn_load,signalling_ratio,giant_component,login_queue,retrying_peers,crashed_clients,gave_up,groups_down,im_delayed_share")?;
    for m in series {
        let utc = w.unix_at(m.t_min).map(overlay_sim::clock::iso_utc).unwrap_or_default();
        writeln!(out, "{},{utc},{},{},{},{},{:.4},{:.4},{:.3},{:.4},{},{},{},{},{},{:.4}", m.t_min, m.online_peers, m.expected_peers, m.supernodes_alive, m.mega_supernodes,
            m.mean_sn_load, m.max_sn_load, m.signalling_ratio, m.giant_component, m.login_queue, m.retrying_peers, m.crashed_clients, m.gave_up, m.groups_down,
            m.im_delayed_share)?;
    }
    Ok(())
}

/// `overlay-sim sweep`: the tipping-point map as JSON or CSV (cells in parallel, same result).
fn sweep_main(args: &[String]) -> ExitCode {
    let (grid, csv) = match parse_sweep(args) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("overlay-sim: sweep: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let sweep = grid.run_parallel(threads);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let r = if csv { write_sweep_csv(&mut out, &sweep) } else { serde_json::to_writer(&mut out, &sweep).map_err(std::io::Error::from).and_then(|()| writeln!(out)) };
    match r.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("overlay-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_sweep(args: &[String]) -> Result<(Grid, bool), String> {
    let mut it = args.iter();
    let (mut name, mut scale, mut x, mut y, mut hours, mut seed, mut sets, mut csv) = (None, "city".to_string(), None, None, 48u32, None, vec![], false);
    let mut runs = overlay_sim::sweep::RUNS;
    while let Some(flag) = it.next() {
        let mut val = || it.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--scenario" => name = Some(val()?),
            "--scale" => scale = val()?,
            "--x" => x = Some(Axis::parse(&val()?).map_err(|e| format!("--x: {e}"))?),
            "--y" => y = Some(Axis::parse(&val()?).map_err(|e| format!("--y: {e}"))?),
            "--seed" => seed = Some(val()?),
            "--set" => {
                let kv = val()?;
                let (k, v) = kv.split_once('=').ok_or_else(|| format!("--set wants KEY=VALUE, got '{kv}'"))?;
                sets.push((k.to_string(), v.to_string()));
            }
            "--hours" => {
                let v = val()?;
                hours = v.parse().map_err(|_| format!("--hours: '{v}' is not a whole number"))?;
            }
            "--runs" => {
                let v = val()?;
                runs = v.parse().map_err(|_| format!("--runs: '{v}' is not a whole number"))?;
            }
            "--format" => csv = is_csv(&val()?)?,
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    let name = name.ok_or("--scenario is required")?;
    let scale = overlay_sim::Scale::parse(&scale).ok_or_else(|| format!("--scale: '{scale}' is not classroom, city or real"))?;
    let mut base = Scenario::preset_at(&name, scale).map_err(|e| e.to_string())?;
    for (k, v) in sets.iter().chain(seed.map(|s| ("seed".to_string(), s)).iter()) {
        if k == "scale" {
            return Err("--set scale=…: use --scale".into());
        }
        base.set(k, v).map_err(|e| e.to_string())?;
    }
    base.check().map_err(|e| e.to_string())?;
    let (x, y) = (x.ok_or("--x PARAM=FROM:TO:N is required")?, y.ok_or("--y PARAM=FROM:TO:N is required")?);
    let grid = Grid::new(base, x, y, hours).and_then(|g| g.with_runs(runs)).map_err(|e| e.to_string())?;
    Ok((grid, csv))
}

fn write_sweep_csv(out: &mut impl Write, s: &Sweep) -> std::io::Result<()> {
    writeln!(out, "{},{},user_hours_lost,trough,minutes_to_90pct", s.x.param, s.y.param)?;
    for c in &s.cells {
        let back = c.minutes_to_90pct.map(|m| m.to_string()).unwrap_or_default();
        writeln!(out, "{},{},{:.1},{:.4},{back}", c.x, c.y, c.user_hours_lost, c.trough)?;
    }
    Ok(())
}

/// `--format json|csv`: whether the output is CSV.
fn is_csv(format: &str) -> Result<bool, String> {
    match format {
        "json" => Ok(false),
        "csv" => Ok(true),
        other => Err(format!("--format: '{other}' is not json or csv")),
    }
}
