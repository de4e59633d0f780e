//! `faultline-cli`: the headless runner. See `faultline-cli help`.

/// Counts live heap bytes so `memcheck` can show that memory stays flat.
#[cfg(not(target_arch = "wasm32"))]
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Counting;
    pub static LIVE: AtomicUsize = AtomicUsize::new(0);
    pub static PEAK: AtomicUsize = AtomicUsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: forwards to the system allocator with the caller's layout.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            }
            p
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: `ptr` was allocated by `alloc` above with this layout.
            unsafe { System.dealloc(ptr, layout) };
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
    }

    #[global_allocator]
    static GLOBAL: Counting = Counting;
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::run(&args) {
        Ok(out) => print!("{out}"),
        Err(e) => {
            eprintln!("faultline-cli: {e}");
            std::process::exit(2);
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use faultline::sim::presets::{self, Variant};
    use faultline::sim::{models, Scenario, Simulation};
    use std::time::Instant;

    const USAGE: &str = "usage:
  faultline-cli run SCENARIO.json [--seed N] [--until SECONDS] [--set PATH=VALUE ...] [--series]
  faultline-cli run --preset NAME [--variant bad|fixed] [--seed N] [--until S] [--set PATH=VALUE ...]
      run a scenario file or a lesson preset and print the JSON report (--series: the time
      series as CSV instead); --set changes one value,
      e.g. --set services[inventory].workers=80 --set clients[0].load.rate_per_s=5000
      (presets: flash-sale, lock-saga, partition-quorum, retry-amplification,
      thundering-herd, ambiguous-failure, jitter)
  faultline-cli bench-mmc --servers C --rho R --customers N [--seed S]
      run an M/M/c queue through the engine; print speed and the Erlang C comparison
  faultline-cli memcheck [--rate R] [--minutes M]
      simulate M minutes (default 60) at R user requests/s (default 10000) and print the live
      heap bytes every 5 simulated minutes: memory must stay flat
  faultline-cli breaker INPUT.json
      replay calls against one circuit breaker (Resilience4j names); one JSON line per event
  faultline-cli jitter --clients N --strategy none|exponential|full|equal|decorrelated --trials T --seed S
      Brooker's contention model: calls and completion time, mean and standard deviation
  faultline-cli jitter-sweep [--trials T] [--seed S]
      time the full sweep (clients 10..190 by 10, five strategies) and print the table
  faultline-cli srs INPUT.json
      replay reviews of one new card through the FSRS-6 scheduler; one JSON line per review
  faultline-cli help";

    /// Parsed `--name value` options after the positional arguments.
    struct Opts<'a> {
        positional: Vec<&'a str>,
        named: Vec<(&'a str, &'a str)>,
    }

    fn parse<'a>(args: &'a [String], allowed: &[&str]) -> Result<Opts<'a>, String> {
        let mut o = Opts {
            positional: vec![],
            named: vec![],
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                if !allowed.contains(&name) {
                    return Err(format!("unknown option --{name}\n{USAGE}"));
                }
                let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
                o.named.push((name, v));
            } else {
                o.positional.push(a);
            }
        }
        Ok(o)
    }

    impl Opts<'_> {
        fn get<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, String> {
            match self.named.iter().rev().find(|(n, _)| *n == name) {
                None => Ok(None),
                Some((_, v)) => v
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("--{name}: “{v}” is not a valid value")),
            }
        }
        fn need<T: std::str::FromStr>(&self, name: &str) -> Result<T, String> {
            self.get(name)?
                .ok_or_else(|| format!("--{name} is required\n{USAGE}"))
        }
    }

    fn read(path: &str) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
    }

    pub fn run(args: &[String]) -> Result<String, String> {
        let Some(cmd) = args.first() else {
            return Err(USAGE.to_string());
        };
        let rest = &args[1..];
        match cmd.as_str() {
            "help" | "--help" | "-h" => Ok(format!("{USAGE}\n")),
            "--version" | "-V" => Ok(format!("faultline-cli {}\n", env!("CARGO_PKG_VERSION"))),
            "run" => run_scenario(rest),
            "bench-mmc" => bench_mmc(rest),
            "srs" => srs(rest),
            "memcheck" => memcheck(rest),
            "breaker" => breaker(rest),
            "jitter" => faultline::sim::patterns::jitter_model::jitter_cli(rest).map(|s| s + "\n"),
            "jitter-sweep" => jitter_sweep(rest),
            other => Err(format!("unknown command “{other}”\n{USAGE}")),
        }
    }

    fn run_scenario(args: &[String]) -> Result<String, String> {
        let csv = args.iter().any(|a| a == "--series");
        let args: Vec<String> = args.iter().filter(|a| *a != "--series").cloned().collect();
        let o = parse(&args, &["seed", "until", "preset", "variant", "set"])?;
        let variant = match o.get::<String>("variant")? {
            None => Variant::Bad,
            Some(v) => Variant::parse(&v)
                .ok_or_else(|| format!("--variant: “{v}” is not a variant (bad, fixed)"))?,
        };
        let sets: Vec<(&str, &str)> = o
            .named
            .iter()
            .filter(|(n, _)| *n == "set")
            .map(|(_, v)| {
                v.split_once('=')
                    .ok_or_else(|| format!("--set {v}: expected PATH=VALUE"))
            })
            .collect::<Result<_, _>>()?;
        let preset = o.get::<String>("preset")?;
        if o.get::<String>("variant")?.is_some() && preset.is_none() {
            return Err("--variant only applies to --preset".into());
        }
        let (mut scenario, what) = match (preset, &o.positional[..]) {
            (Some(id), []) if presets::MODELS.iter().any(|m| m.0 == id) => {
                if o.get::<f64>("until")?.is_some() || csv {
                    return Err(format!(
                        "--until and --series do not apply to --preset {id} (a model, not a scenario)"
                    ));
                }
                return presets::run_model(&id, variant, &sets, o.get::<u64>("seed")?)
                    .map(|s| s + "\n");
            }
            (Some(id), []) => {
                let p = presets::find(&id).ok_or_else(|| {
                    format!("--preset: no preset “{id}” (presets: {})", presets::ids())
                })?;
                (p.scenario(variant)?, format!("preset {id}"))
            }
            (None, [path]) => (
                Scenario::from_json(&read(path)?).map_err(|e| format!("{path}: {e}"))?,
                path.to_string(),
            ),
            _ => {
                return Err(format!(
                    "run needs exactly one SCENARIO.json or --preset NAME\n{USAGE}"
                ))
            }
        };
        for (path, value) in sets {
            scenario = presets::set(&scenario, path, value)?;
        }
        if let Some(seed) = o.get::<u64>("seed")? {
            scenario.seed = seed;
        }
        if let Some(until) = o.get::<f64>("until")? {
            scenario.duration_s = until;
        }
        let mut sim = Simulation::new(scenario).map_err(|e| format!("{what}: {e}"))?;
        sim.run();
        if csv {
            return Ok(faultline::sim::report::series_csv(&sim));
        }
        serde_json::to_string_pretty(&sim.report())
            .map(|s| s + "\n")
            .map_err(|e| e.to_string())
    }

    fn bench_mmc(args: &[String]) -> Result<String, String> {
        let o = parse(args, &["servers", "rho", "customers", "seed"])?;
        let t0 = Instant::now();
        let r = models::bench_mmc(
            o.need("servers")?,
            o.need("rho")?,
            o.need("customers")?,
            o.get("seed")?.unwrap_or(1),
            || t0.elapsed().as_secs_f64(),
        )?;
        serde_json::to_string(&r)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string())
    }

    fn memcheck(args: &[String]) -> Result<String, String> {
        use super::counting::{LIVE, PEAK};
        use std::sync::atomic::Ordering;
        let o = parse(args, &["rate", "minutes"])?;
        let rate: f64 = o.get("rate")?.unwrap_or(10_000.0);
        let minutes: u32 = o.get("minutes")?.unwrap_or(60);
        let mut s = Scenario::from_json(include_str!("../../examples/shop.json"))
            .map_err(|e| e.to_string())?;
        // the example shop, without its faults, sized for the load: 10k/s for an hour
        s.faults.clear();
        s.clients.truncate(1);
        s.clients[0].load = faultline::sim::scenario::Load::Open {
            rate_per_s: rate,
            phases: vec![],
        };
        for svc in &mut s.services {
            svc.workers = (svc.workers * (rate / 300.0).ceil() as u32).min(10_000);
        }
        s.duration_s = minutes as f64 * 60.0;
        let mut sim = Simulation::new(s).map_err(|e| e.to_string())?;
        let mut rows = vec![format!(
            "{:>8} {:>14} {:>14} {:>12} {:>12}",
            "minute", "requests", "live bytes", "call slots", "events"
        )];
        let t0 = Instant::now();
        for m in (0..=minutes).step_by(5) {
            sim.step_until(faultline::sim::time::from_secs(m as f64 * 60.0));
            rows.push(format!(
                "{:>8} {:>14} {:>14} {:>12} {:>12}",
                m,
                sim.global_stats().requests,
                LIVE.load(Ordering::Relaxed),
                sim.call_slots(),
                sim.pending_events()
            ));
        }
        rows.push(format!(
            "peak live bytes {}; {:.1} s wall",
            PEAK.load(Ordering::Relaxed),
            t0.elapsed().as_secs_f64()
        ));
        Ok(rows.join("\n") + "\n")
    }

    fn breaker(args: &[String]) -> Result<String, String> {
        let [path] = args else {
            return Err(format!("breaker needs exactly one INPUT.json\n{USAGE}"));
        };
        let lines = faultline::sim::patterns::circuit_breaker::replay_json(&read(path)?)
            .map_err(|e| format!("{path}: {e}"))?;
        Ok(lines.iter().map(|l| format!("{l}\n")).collect())
    }

    fn jitter_sweep(args: &[String]) -> Result<String, String> {
        use faultline::sim::patterns::jitter_model::JitterSweep;
        let o = parse(args, &["trials", "seed"])?;
        let trials: u32 = o.get("trials")?.unwrap_or(100);
        let seed: u64 = o.get("seed")?.unwrap_or(1);
        if trials == 0 || trials > 10_000 {
            return Err(format!(
                "--trials must be between 1 and 10000, got {trials}"
            ));
        }
        let clients: Vec<u32> = (1..=19).map(|k| k * 10).collect();
        let strategies = faultline::sim::patterns::jitter_model::JitterStrategy::ALL.to_vec();
        let t0 = Instant::now();
        let mut sweep = JitterSweep::new(clients, strategies, trials, seed);
        while !sweep.step(50) {}
        let wall = t0.elapsed().as_secs_f64();
        let mut out = format!(
            "full sweep: 19 client counts x 5 strategies x {trials} trials in {wall:.3} s\n"
        );
        out.push_str("clients strategy      calls_mean  time_mean_ms\n");
        for c in sweep.results() {
            out.push_str(&format!(
                "{:>7} {:<13} {:>10.1} {:>13.1}\n",
                c.clients,
                c.strategy.name(),
                c.summary.calls_mean,
                c.summary.time_mean_ms
            ));
        }
        Ok(out)
    }

    fn srs(args: &[String]) -> Result<String, String> {
        let [path] = args else {
            return Err(format!("srs needs exactly one INPUT.json\n{USAGE}"));
        };
        let lines = faultline::srs::cli::run_reviews_json(&read(path)?)
            .map_err(|e| format!("{path}: {e}"))?;
        Ok(lines.iter().map(|l| format!("{l}\n")).collect())
    }
}
