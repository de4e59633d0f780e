//! Textbook models expressed as ordinary scenarios, so they run through the same engine and
//! Scenario path as everything in the app.

use super::scenario::{
    CallSpec, ClientSpec, Latency, Load, MetricsSpec, QueueSpec, Scenario, ServiceSpec,
};

/// M/M/c (or M/M/c/K with `system_capacity = Some(K)`): Poisson arrivals at rate `rho·c` per
/// second, exponential service with mean 1 s, `c` workers, FIFO queue.
pub fn mmc(c: u32, rho: f64, seed: u64, system_capacity: Option<u32>) -> Scenario {
    Scenario {
        version: super::scenario::FORMAT_VERSION,
        name: match system_capacity {
            Some(k) => format!("M/M/{c}/{k}, rho = {rho}"),
            None => format!("M/M/{c}, rho = {rho}"),
        },
        description: "A textbook queue, for checking the engine against theory.".into(),
        seed,
        duration_s: 3600.0,
        metrics: MetricsSpec::default(),
        services: vec![ServiceSpec {
            name: "server".into(),
            workers: c,
            queue: QueueSpec {
                capacity: system_capacity.map(|k| k.saturating_sub(c)),
                ..QueueSpec::default()
            },
            latency: Latency::Exponential { mean_ms: 1000.0 },
            error_rate: 0.0,
            calls: vec![],
            call_mode: Default::default(),
            replicas: 1,
            load_balancer: Default::default(),
            overload: None,
            shed: None,
        }],
        clients: vec![ClientSpec {
            name: "arrivals".into(),
            call: CallSpec::to("server"),
            load: Load::Open {
                rate_per_s: rho * c as f64,
                phases: vec![],
            },
        }],
        faults: vec![],
        retry_scope: super::scenario::RetryScope::EveryLayer,
    }
}

/// What one M/M/c benchmark run measured, next to Erlang C for the same parameters.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MmcBench {
    /// e.g. "M/M/50".
    pub model: String,
    /// Servers.
    pub servers: u32,
    /// Utilisation per server.
    pub rho: f64,
    /// Seed.
    pub seed: u64,
    /// Customers served.
    pub customers: u64,
    /// Events processed.
    pub events: u64,
    /// Simulated seconds covered.
    pub simulated_s: f64,
    /// Wall-clock seconds of the run (excluding set-up).
    pub wall_seconds: f64,
    /// Customers served per wall-clock second.
    pub customers_per_second: f64,
    /// Events per wall-clock second.
    pub events_per_second: f64,
    /// Measured mean wait in queue, seconds.
    pub mean_wait_s: f64,
    /// Measured fraction of customers that waited.
    pub p_wait: f64,
    /// Measured utilisation.
    pub utilisation: f64,
    /// Erlang C mean wait, seconds.
    pub erlang_c_mean_wait_s: f64,
    /// Erlang C probability of waiting.
    pub erlang_c_p_wait: f64,
}

/// Runs M/M/c with `c` servers at utilisation `rho` until `customers` have been served, through
/// the ordinary Scenario and engine path. `clock` returns seconds (the CLI passes a monotonic
/// clock, the page `performance.now()`), so this stays free of platform APIs.
pub fn bench_mmc(
    c: u32,
    rho: f64,
    customers: u64,
    seed: u64,
    clock: impl Fn() -> f64,
) -> Result<MmcBench, String> {
    if c == 0 || c > 10_000 {
        return Err(format!("servers must be between 1 and 10000, got {c}"));
    }
    if !(rho > 0.0 && rho < 1.0) {
        return Err(format!("rho must be above 0 and below 1, got {rho}"));
    }
    if customers == 0 || customers > 1_000_000_000 {
        return Err(format!(
            "customers must be between 1 and 1000000000, got {customers}"
        ));
    }
    let mut scenario = mmc(c, rho, seed, None);
    // long enough to serve every customer with room to spare
    scenario.duration_s = (customers as f64 / (rho * c as f64) * 2.0 + 60.0).min(2_592_000.0);
    let mut sim = super::Simulation::new(scenario).map_err(|e| e.to_string())?;
    let t0 = clock();
    sim.run_until_completed(0, customers);
    let wall = (clock() - t0).max(1e-9);
    let r = sim.report();
    let s = &r.services[0];
    let lambda = rho * c as f64;
    Ok(MmcBench {
        model: format!("M/M/{c}"),
        servers: c,
        rho,
        seed,
        customers: s.completed,
        events: sim.events(),
        simulated_s: r.simulated_s,
        wall_seconds: wall,
        customers_per_second: s.completed as f64 / wall,
        events_per_second: sim.events() as f64 / wall,
        mean_wait_s: s.mean_wait_ms / 1000.0,
        p_wait: s.p_wait,
        utilisation: s.utilisation,
        erlang_c_mean_wait_s: super::theory::mmc_mean_wait(c, lambda, 1.0),
        erlang_c_p_wait: super::theory::erlang_c(c, lambda),
    })
}
