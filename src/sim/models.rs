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
    }
}
