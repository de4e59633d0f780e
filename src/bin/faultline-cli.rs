//! `faultline-cli`: the headless runner. See `faultline-cli help`.

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
    use faultline::sim::{models, theory, Scenario, Simulation};
    use std::time::Instant;

    const USAGE: &str = "usage:
  faultline-cli run SCENARIO.json [--seed N] [--until SECONDS]
      run a scenario file and print the JSON report
  faultline-cli bench-mmc --servers C --rho R --customers N [--seed S]
      run an M/M/c queue through the engine; print speed and the Erlang C comparison
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
            other => Err(format!("unknown command “{other}”\n{USAGE}")),
        }
    }

    fn run_scenario(args: &[String]) -> Result<String, String> {
        let o = parse(args, &["seed", "until"])?;
        let [path] = o.positional[..] else {
            return Err(format!("run needs exactly one SCENARIO.json\n{USAGE}"));
        };
        let mut scenario = Scenario::from_json(&read(path)?).map_err(|e| format!("{path}: {e}"))?;
        if let Some(seed) = o.get::<u64>("seed")? {
            scenario.seed = seed;
        }
        if let Some(until) = o.get::<f64>("until")? {
            scenario.duration_s = until;
        }
        let mut sim = Simulation::new(scenario).map_err(|e| format!("{path}: {e}"))?;
        sim.run();
        serde_json::to_string_pretty(&sim.report())
            .map(|s| s + "\n")
            .map_err(|e| e.to_string())
    }

    fn bench_mmc(args: &[String]) -> Result<String, String> {
        let o = parse(args, &["servers", "rho", "customers", "seed"])?;
        let c: u32 = o.need("servers")?;
        let rho: f64 = o.need("rho")?;
        let n: u64 = o.need("customers")?;
        let seed: u64 = o.get("seed")?.unwrap_or(1);
        if c == 0 || c > 10_000 {
            return Err(format!("--servers must be between 1 and 10000, got {c}"));
        }
        if !(rho > 0.0 && rho < 1.0) {
            return Err(format!("--rho must be above 0 and below 1, got {rho}"));
        }
        let mut scenario = models::mmc(c, rho, seed, None);
        // long enough to serve n customers with room to spare
        scenario.duration_s = (n as f64 / (rho * c as f64) * 2.0 + 60.0).min(2_592_000.0);
        let mut sim = Simulation::new(scenario).map_err(|e| e.to_string())?;
        let t0 = Instant::now();
        sim.run_until_completed(0, n);
        let wall = t0.elapsed().as_secs_f64();
        let r = sim.report();
        let s = &r.services[0];
        let lambda = rho * c as f64;
        let out = serde_json::json!({
            "model": format!("M/M/{c}"),
            "servers": c,
            "rho": rho,
            "seed": seed,
            "customers": s.completed,
            "events": sim.events(),
            "simulated_s": r.simulated_s,
            "wall_seconds": wall,
            "customers_per_second": s.completed as f64 / wall,
            "events_per_second": sim.events() as f64 / wall,
            "mean_wait_s": s.mean_wait_ms / 1000.0,
            "p_wait": s.p_wait,
            "utilisation": s.utilisation,
            "erlang_c_mean_wait_s": theory::mmc_mean_wait(c, lambda, 1.0),
            "erlang_c_p_wait": theory::erlang_c(c, lambda),
        });
        Ok(format!("{out}\n"))
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
