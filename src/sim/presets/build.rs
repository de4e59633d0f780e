//! The lesson scenarios written in Rust (the web app builds them without a JSON reader, which
//! would cost ~30 kB of its first load). Small helpers keep them as readable as the files.

use super::Variant;
use crate::sim::patterns::backoff::BackoffStrategy;
use crate::sim::patterns::budget::RatioBudgetConfig;
use crate::sim::patterns::bulkhead::BulkheadSpec;
use crate::sim::patterns::deadline::Timeout;
use crate::sim::patterns::degradation::Fallback;
use crate::sim::patterns::retry::{RetryBudgetSpec, RetrySpec};
use crate::sim::scenario::{
    CallMode, CallSpec, ClientSpec, Fault, FaultSpec, Latency, Load, MetricsSpec, NetworkSpec,
    Overload, OverloadCurve, QueueSpec, RatePhase, RetryScope, Scenario, ServiceSpec,
    FORMAT_VERSION,
};
use serde_json::json;

fn service(name: &str, workers: u32, latency: Latency) -> ServiceSpec {
    ServiceSpec::new(name, workers, latency)
}

fn queue(capacity: u32) -> QueueSpec {
    QueueSpec {
        capacity: Some(capacity),
        ..QueueSpec::default()
    }
}

fn call(to: &str, timeout_ms: f64, delay_ms: f64) -> CallSpec {
    CallSpec {
        timeout_ms: Some(timeout_ms),
        network: NetworkSpec {
            delay_ms,
            ..NetworkSpec::default()
        },
        ..CallSpec::to(to)
    }
}

fn exp(mean_ms: f64) -> Latency {
    Latency::Exponential { mean_ms }
}

fn open(name: &str, call: CallSpec, rate_per_s: f64, phases: Vec<RatePhase>) -> ClientSpec {
    ClientSpec {
        name: name.into(),
        call,
        load: Load::Open { rate_per_s, phases },
    }
}

fn fault(at_s: f64, duration_s: f64, fault: Fault) -> FaultSpec {
    FaultSpec {
        at_s,
        duration_s: Some(duration_s),
        fault,
    }
}

fn scenario(
    name: &str,
    description: &str,
    seed: u64,
    duration_s: f64,
    services: Vec<ServiceSpec>,
    clients: Vec<ClientSpec>,
    faults: Vec<FaultSpec>,
) -> Scenario {
    Scenario {
        version: FORMAT_VERSION,
        name: name.into(),
        description: description.into(),
        seed,
        duration_s,
        metrics: MetricsSpec::default(),
        services,
        clients,
        faults,
        retry_scope: RetryScope::EveryLayer,
    }
}

/// A Resilience4j breaker with small numbers, as the presets' fixes use it.
pub(crate) fn breaker() -> serde_json::Value {
    json!({
        "sliding_window_size": 20, "minimum_number_of_calls": 10, "failure_rate_threshold": 50,
        "wait_duration_in_open_state_ms": 5000, "permitted_number_of_calls_in_half_open_state": 3
    })
}

fn deadline() -> Option<Timeout> {
    Some(Timeout::Deadline {
        budget_ms: 800.0,
        margin_ms: 20.0,
    })
}

/// Flash-sale cascade.
pub fn flash_sale(v: Variant) -> Scenario {
    let frontend = ServiceSpec {
        queue: queue(200),
        calls: vec![
            call("product", 30_000.0, 1.0),
            CallSpec {
                critical: false,
                ..call("reviews", 30_000.0, 1.0)
            },
            CallSpec {
                // a breaker that counts calls over 2 s as slow: it judges a call only when the
                // call ends, so it learns of a 25 s inventory 25 s too late
                breaker: Some(json!({
                    "sliding_window_size": 50, "minimum_number_of_calls": 20,
                    "failure_rate_threshold": 50, "slow_call_rate_threshold": 50,
                    "slow_call_duration_threshold_ms": 2000,
                    "wait_duration_in_open_state_ms": 10000
                })),
                ..call("inventory", 30_000.0, 1.0)
            },
        ],
        ..service(
            "frontend",
            50,
            Latency::LogNormal {
                median_ms: 3.0,
                sigma: 0.3,
            },
        )
    };
    let mut s = scenario(
        "Flash-sale cascade",
        "A frontend with 50 workers calls product, reviews and inventory one after another with \
         30 s timeouts. A flash sale doubles the load at 15 s; at 20 s inventory slows to about \
         25 s per request. Every frontend worker ends up waiting on inventory, the pool exhausts, \
         and even requests that never needed a fresh stock count fail. The breaker on inventory \
         opens on slow calls — but only once they end, 25 s after the pool was gone.",
        7,
        90.0,
        vec![
            frontend,
            service("product", 40, exp(15.0)),
            service("reviews", 30, exp(10.0)),
            service("inventory", 40, exp(8.0)),
        ],
        vec![open(
            "shoppers",
            CallSpec {
                network: NetworkSpec {
                    delay_ms: 20.0,
                    jitter_ms: 4.0,
                    loss: 0.0,
                },
                ..call("frontend", 10_000.0, 20.0)
            },
            300.0,
            vec![RatePhase {
                at_s: 15.0,
                rate_per_s: 600.0,
            }],
        )],
        vec![fault(
            20.0,
            30.0,
            Fault::LatencySpike {
                service: "inventory".into(),
                replica: None,
                factor: 1.0,
                add_ms: 25_000.0,
            },
        )],
    );
    if v == Variant::Fixed {
        s.name = "Flash-sale cascade (fixed)".into();
        s.clients[0].call.timeout_ms = None;
        s.clients[0].call.timeout = deadline();
        let f = &mut s.services[0];
        f.call_mode = CallMode::Parallel;
        for c in &mut f.calls {
            c.timeout_ms = None;
            c.timeout = deadline();
        }
        f.calls[1].fallback = Some(Fallback::Skip);
        let inv = &mut f.calls[2];
        inv.fallback = Some(Fallback::Cached);
        inv.bulkhead = Some(BulkheadSpec {
            max_concurrent_calls: 10,
            max_wait_ms: 0.0,
            queue_capacity: None,
        });
        inv.breaker = Some(breaker());
    }
    s
}

/// Retry amplification.
pub fn retry_amplification(v: Variant) -> Scenario {
    let layer = |name: &str, to: &str, timeout_ms: f64| ServiceSpec {
        queue: queue(1000),
        calls: vec![CallSpec {
            retry: Some(RetrySpec::new(3, BackoffStrategy::None)),
            ..call(to, timeout_ms, 1.0)
        }],
        ..service(name, 2000, Latency::Constant { ms: 1.0 })
    };
    let mut s = scenario(
        "Retry amplification",
        "Three layers each retry a failed call three times. While the backend fails (15 s to \
         30 s) every user request becomes 3 x 3 x 3 = 27 backend attempts. The backend's queue \
         fills with work nobody waits for any more; its replies come after the 300 ms timeout \
         above it, which retries again — so it stays down long after the fault has ended.",
        11,
        60.0,
        vec![
            layer("l1", "l2", 3000.0),
            layer("l2", "l3", 1000.0),
            layer("l3", "backend", 300.0),
            ServiceSpec {
                queue: queue(10_000),
                overload: Some(Overload {
                    curve: OverloadCurve::Polynomial,
                    factor: 2.0,
                    exponent: 3.0,
                }),
                ..service("backend", 20, exp(5.0))
            },
        ],
        vec![open("users", call("l1", 5000.0, 10.0), 1000.0, vec![])],
        vec![fault(
            15.0,
            15.0,
            Fault::ErrorBurst {
                service: "backend".into(),
                replica: None,
                error_rate: 1.0,
            },
        )],
    );
    if v == Variant::Fixed {
        s.name = "Retry amplification (fixed)".into();
        s.retry_scope = RetryScope::OneLayer;
        if let Some(r) = &mut s.services[0].calls[0].retry {
            r.budget = Some(RetryBudgetSpec::Ratio(RatioBudgetConfig {
                ratio: 0.1,
                ..RatioBudgetConfig::default()
            }));
        }
        s.services[2].calls[0].breaker = Some(breaker());
    }
    s
}

/// Thundering herd on recovery.
pub fn thundering_herd(v: Variant) -> Scenario {
    let clients = (1..=20)
        .map(|i| {
            open(
                &format!("c{i:02}"),
                CallSpec {
                    breaker: Some(json!({
                        "sliding_window_size": 20, "minimum_number_of_calls": 10,
                        "failure_rate_threshold": 50,
                        "permitted_number_of_calls_in_half_open_state": 10,
                        "wait_interval": { "initial_interval_ms": 4000 }
                    })),
                    ..call("api", 300.0, 2.0)
                },
                100.0,
                vec![],
            )
        })
        .collect();
    let mut s = scenario(
        "Thundering herd on recovery",
        "Twenty clients each guard the api with their own circuit breaker. The api crashes at \
         10 s and restarts at 22 s with cold caches: for 15 s it serves at a quarter of its \
         speed. The breakers opened together, so they close together: the whole load returns at \
         one instant, swamps the cold api, and every breaker opens again — in step, again and \
         again.",
        3,
        60.0,
        vec![ServiceSpec {
            queue: queue(5000),
            ..service("api", 20, exp(5.0))
        }],
        clients,
        vec![
            fault(
                10.0,
                12.0,
                Fault::Crash {
                    service: "api".into(),
                    replica: None,
                },
            ),
            fault(
                22.0,
                15.0,
                Fault::LatencySpike {
                    service: "api".into(),
                    replica: None,
                    factor: 4.0,
                    add_ms: 0.0,
                },
            ),
        ],
    );
    if v == Variant::Fixed {
        s.name = "Thundering herd on recovery (fixed)".into();
        for c in &mut s.clients {
            if let Some(serde_json::Value::Object(b)) = &mut c.call.breaker {
                b.insert(
                    "wait_interval".into(),
                    json!({
                        "initial_interval_ms": 5000, "multiplier": 1.5,
                        "randomization_factor": 0.8, "max_interval_ms": 20000
                    }),
                );
            }
        }
    }
    s
}

/// Ambiguous failure.
pub fn ambiguous_failure(v: Variant) -> Scenario {
    let mut s = scenario(
        "Ambiguous failure",
        "Checkout charges a card through payment and retries after a 300 ms timeout. Four \
         faults look the same to checkout — no reply in time — but are not: requests lost \
         (10-20 s), replies lost after the charge went through (30-40 s), a slow payment \
         service (50-60 s) and a crash (70-75 s). Retrying is harmless when the request was lost \
         and a double charge when only the reply was.",
        5,
        85.0,
        vec![
            ServiceSpec {
                queue: queue(200),
                calls: vec![CallSpec {
                    idempotent: false,
                    retry: Some(RetrySpec::new(
                        3,
                        BackoffStrategy::FullJitter {
                            base_ms: 20.0,
                            cap_ms: 200.0,
                        },
                    )),
                    ..call("payment", 300.0, 5.0)
                }],
                ..service("checkout", 100, Latency::Constant { ms: 2.0 })
            },
            ServiceSpec {
                queue: queue(100),
                ..service("payment", 30, exp(20.0))
            },
        ],
        vec![open(
            "buyers",
            call("checkout", 3000.0, 20.0),
            100.0,
            vec![],
        )],
        vec![
            fault(10.0, 10.0, Fault::PacketLoss { probability: 0.3 }),
            fault(
                30.0,
                10.0,
                Fault::ReplyLoss {
                    service: "payment".into(),
                    replica: None,
                    probability: 0.3,
                },
            ),
            fault(
                50.0,
                10.0,
                Fault::LatencySpike {
                    service: "payment".into(),
                    replica: None,
                    factor: 1.0,
                    add_ms: 400.0,
                },
            ),
            fault(
                70.0,
                5.0,
                Fault::Crash {
                    service: "payment".into(),
                    replica: None,
                },
            ),
        ],
    );
    s.metrics.trace_sample = 0.02;
    if v == Variant::Fixed {
        s.name = "Ambiguous failure (fixed)".into();
        let c = &mut s.services[0].calls[0];
        c.idempotency_key = true;
        c.connect_timeout_ms = Some(50.0);
    }
    s
}
