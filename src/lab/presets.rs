//! Scenarios the lab offers. Each is an ordinary [`Scenario`].
//!
//! They are built in Rust rather than parsed from JSON: nothing else in the web app reads
//! scenario JSON, and the serde path (serde_json plus the derived, tagged `Deserialize` impls)
//! would cost about 32 kB gzip of the first load. A test keeps [`shop`] equal to
//! `examples/shop.json`, which stays the scenario's reference text (the CLI reads it).

use crate::sim::models;
use crate::sim::scenario::{
    CallSpec, ClientSpec, Discipline, Fault, FaultSpec, Latency, Load, LoadBalancer, MetricsSpec,
    NetworkSpec, Overload, OverloadCurve, QueueSpec, RatePhase, ServiceSpec,
};
use crate::sim::Scenario;

pub use crate::sim::presets::Variant;

/// What a preset shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A scenario run by the engine, animated.
    Engine,
    /// The lock-across-a-call vs saga model.
    Saga,
    /// The three-replica store under a partition.
    Quorum,
    /// Brooker's backoff-and-jitter chart.
    Jitter,
    /// The breaker playground.
    Playground,
}

/// One entry of the preset menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Stable id used in URLs (`#/lab?preset=shop`).
    pub id: &'static str,
    /// Menu label.
    pub label: &'static str,
    /// What it shows.
    pub kind: Kind,
    /// Whether it has a bad and a fixed variant.
    pub variants: bool,
}

const fn p(id: &'static str, label: &'static str, kind: Kind, variants: bool) -> Preset {
    Preset {
        id,
        label,
        kind,
        variants,
    }
}

/// Every preset, in menu order; the first is the default.
pub const PRESETS: [Preset; 10] = [
    p(
        "shop",
        "Free play: a shop with a slow inventory",
        Kind::Engine,
        false,
    ),
    p("flash-sale", "Flash-sale cascade", Kind::Engine, true),
    p(
        "retry-amplification",
        "Retry amplification",
        Kind::Engine,
        true,
    ),
    p(
        "thundering-herd",
        "Thundering herd on recovery",
        Kind::Engine,
        true,
    ),
    p(
        "ambiguous-failure",
        "Ambiguous failure: lost request or lost reply?",
        Kind::Engine,
        true,
    ),
    p(
        "lock-saga",
        "Lock held across a remote call vs saga",
        Kind::Saga,
        true,
    ),
    p(
        "partition-quorum",
        "Partition: split brain vs quorum",
        Kind::Quorum,
        true,
    ),
    p(
        "jitter",
        "Backoff and jitter (Brooker's chart)",
        Kind::Jitter,
        false,
    ),
    p(
        "breaker-playground",
        "Breaker playground",
        Kind::Playground,
        false,
    ),
    p(
        "mmc",
        "A single queue (M/M/8 at 80 % load)",
        Kind::Engine,
        false,
    ),
];

/// The preset with this id.
pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The scenario of an engine preset's bad (or only) variant, or `None`.
pub fn scenario(id: &str) -> Option<Scenario> {
    scenario_of(id, Variant::Bad)
}

/// The scenario of an engine preset's variant, or `None` for other kinds and unknown ids.
pub fn scenario_of(id: &str, variant: Variant) -> Option<Scenario> {
    match id {
        "shop" => Some(shop()),
        "mmc" => {
            let mut s = models::mmc(8, 0.8, 1, Some(40));
            s.duration_s = 600.0;
            s.name = "A single queue".into();
            Some(s)
        }
        other => crate::sim::presets::find(other)?.scenario(variant).ok(),
    }
}

/// What the fixed variant changes, in one line (engine presets with variants).
pub fn fix_of(id: &str) -> Option<&'static str> {
    crate::sim::presets::find(id).map(|p| p.fix).or_else(|| {
        crate::sim::presets::MODELS
            .iter()
            .find(|m| m.0 == id)
            .map(|m| m.2)
    })
}

/// `examples/shop.json`: a frontend calling product, reviews and inventory, with a timeline of
/// faults and a flash sale.
pub fn shop() -> Scenario {
    let net = |delay_ms: f64, jitter_ms: f64, loss: f64| NetworkSpec {
        delay_ms,
        jitter_ms,
        loss,
    };
    let call = |to: &str, timeout_ms: f64, network: NetworkSpec| CallSpec {
        timeout_ms: Some(timeout_ms),
        network,
        ..CallSpec::to(to)
    };
    let service = ServiceSpec::new;
    let queue = |capacity: u32, discipline: Discipline| QueueSpec {
        capacity: Some(capacity),
        discipline,
    };
    let fault = |at_s: f64, duration_s: Option<f64>, fault: Fault| FaultSpec {
        at_s,
        duration_s,
        fault,
    };
    let svc = |name: &str| name.to_string();
    Scenario {
        version: crate::sim::scenario::FORMAT_VERSION,
        name: "shop with a slow inventory".into(),
        description: "A frontend calls product, reviews and inventory in turn. Inventory slows down at 20 s, a reviews replica crashes at 30 s, and a flash sale triples the load at 40 s.".into(),
        seed: 42,
        duration_s: 90.0,
        metrics: MetricsSpec {
            interval_ms: 1000.0,
            history: 600,
            trace_sample: 0.01,
            trace_capacity: 2000,
        },
        services: vec![
            ServiceSpec {
                queue: queue(100, Discipline::Fifo),
                calls: vec![
                    call("product", 2000.0, net(1.0, 0.2, 0.0)),
                    CallSpec {
                        critical: false,
                        ..call("reviews", 1000.0, net(1.0, 0.0, 0.0))
                    },
                    call("inventory", 3000.0, net(1.0, 0.0, 0.001)),
                ],
                ..service(
                    "frontend",
                    50,
                    Latency::LogNormal {
                        median_ms: 5.0,
                        sigma: 0.4,
                    },
                )
            },
            ServiceSpec {
                queue: queue(200, Discipline::Fifo),
                error_rate: 0.001,
                ..service("product", 20, Latency::Exponential { mean_ms: 20.0 })
            },
            ServiceSpec {
                replicas: 3,
                load_balancer: LoadBalancer::LeastConnections,
                ..service(
                    "reviews",
                    8,
                    Latency::Bimodal {
                        fast_ms: 10.0,
                        slow_ms: 400.0,
                        slow_fraction: 0.02,
                    },
                )
            },
            ServiceSpec {
                queue: queue(50, Discipline::Lifo),
                overload: Some(Overload {
                    curve: OverloadCurve::Polynomial,
                    factor: 3.0,
                    exponent: 4.0,
                }),
                ..service(
                    "inventory",
                    16,
                    Latency::LongTail {
                        min_ms: 8.0,
                        alpha: 2.5,
                    },
                )
            },
        ],
        clients: vec![
            ClientSpec {
                name: "shoppers".into(),
                call: call("frontend", 5000.0, net(20.0, 5.0, 0.0)),
                load: Load::Open {
                    rate_per_s: 300.0,
                    phases: vec![
                        RatePhase {
                            at_s: 40.0,
                            rate_per_s: 900.0,
                        },
                        RatePhase {
                            at_s: 60.0,
                            rate_per_s: 300.0,
                        },
                    ],
                },
            },
            ClientSpec {
                name: "mobile".into(),
                call: call("frontend", 8000.0, net(60.0, 0.0, 0.01)),
                load: Load::Closed {
                    users: 200,
                    think: Latency::Exponential { mean_ms: 2000.0 },
                },
            },
        ],
        faults: vec![
            fault(
                20.0,
                Some(30.0),
                Fault::LatencySpike {
                    service: svc("inventory"),
                    replica: None,
                    factor: 10.0,
                    add_ms: 0.0,
                },
            ),
            fault(
                30.0,
                Some(15.0),
                Fault::Crash {
                    service: svc("reviews"),
                    replica: Some(1),
                },
            ),
            fault(
                50.0,
                Some(5.0),
                Fault::ErrorBurst {
                    service: svc("product"),
                    replica: None,
                    error_rate: 0.5,
                },
            ),
            fault(
                62.0,
                Some(5.0),
                Fault::Partition {
                    a: vec![svc("frontend")],
                    b: vec![svc("inventory")],
                },
            ),
            fault(
                70.0,
                Some(5.0),
                Fault::ReplyLoss {
                    service: svc("product"),
                    replica: None,
                    probability: 0.3,
                },
            ),
            fault(75.0, Some(5.0), Fault::PacketLoss { probability: 0.05 }),
            fault(
                82.0,
                None,
                Fault::Restart {
                    service: svc("inventory"),
                    replica: None,
                },
            ),
        ],
        retry_scope: crate::sim::scenario::RetryScope::EveryLayer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shop_preset_is_examples_shop_json() {
        let json = Scenario::from_json(include_str!("../../examples/shop.json")).unwrap();
        assert_eq!(shop(), json);
    }

    #[test]
    fn every_engine_preset_builds_valid_variants() {
        for p in PRESETS.iter().filter(|p| p.kind == Kind::Engine) {
            for v in [Variant::Bad, Variant::Fixed] {
                let s = scenario_of(p.id, v).unwrap_or_else(|| panic!("preset {} missing", p.id));
                s.validate()
                    .unwrap_or_else(|e| panic!("preset {}: {e}", p.id));
            }
            assert_eq!(p.variants, fix_of(p.id).is_some(), "{}", p.id);
        }
        assert!(scenario("nope").is_none());
        assert!(scenario("jitter").is_none());
    }

    #[test]
    fn every_lesson_link_names_a_preset() {
        for id in [
            "flash-sale",
            "lock-saga",
            "partition-quorum",
            "retry-amplification",
            "thundering-herd",
            "ambiguous-failure",
            "jitter",
            "breaker-playground",
        ] {
            assert!(find(id).is_some(), "{id}");
        }
    }
}
