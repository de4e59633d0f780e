//! Property tests over random valid scenarios: no panic, and the invariants hold all along.
#![cfg(not(target_arch = "wasm32"))]

use faultline::sim::patterns::backoff::BackoffStrategy;
use faultline::sim::patterns::bulkhead::BulkheadSpec;
use faultline::sim::patterns::deadline::Timeout;
use faultline::sim::patterns::degradation::Fallback;
use faultline::sim::patterns::hedging::HedgeSpec;
use faultline::sim::patterns::retry::{RetryBudgetSpec, RetrySpec};
use faultline::sim::patterns::shedding::{ShedSpec, ThrottleSpec};
use faultline::sim::scenario::*;
use faultline::sim::time::MS;
use faultline::sim::Simulation;
use proptest::prelude::*;

fn latency() -> impl Strategy<Value = Latency> {
    prop_oneof![
        (0.0..50.0f64).prop_map(|ms| Latency::Constant { ms }),
        (0.1..50.0f64).prop_map(|mean_ms| Latency::Exponential { mean_ms }),
        (0.1..30.0f64, 0.0..1.5f64)
            .prop_map(|(median_ms, sigma)| Latency::LogNormal { median_ms, sigma }),
        (0.1..10.0f64, 10.0..500.0f64, 0.0..0.3f64).prop_map(
            |(fast_ms, slow_ms, slow_fraction)| {
                Latency::Bimodal {
                    fast_ms,
                    slow_ms,
                    slow_fraction,
                }
            }
        ),
        (0.1..10.0f64, 1.2..4.0f64).prop_map(|(min_ms, alpha)| Latency::LongTail { min_ms, alpha }),
    ]
}

fn call(to: String) -> impl Strategy<Value = CallSpec> {
    (
        proptest::option::of(1.0..300.0f64),
        0.0..5.0f64,
        0.0..2.0f64,
        0.0..0.2f64,
        any::<bool>(),
        any::<bool>(),
        patterns(),
    )
        .prop_map(
            move |(timeout_ms, delay_ms, jitter_ms, loss, critical, breaker, p)| CallSpec {
                to: to.clone(),
                // a deadline replaces the fixed timeout
                timeout_ms: if p.deadline.is_some() {
                    None
                } else {
                    timeout_ms
                },
                network: NetworkSpec {
                    delay_ms,
                    jitter_ms,
                    loss,
                },
                critical,
                // a small, quick breaker on half of the calls
                breaker: breaker.then(|| {
                    serde_json::json!({
                        "sliding_window_size": 10,
                        "minimum_number_of_calls": 5,
                        "wait_duration_in_open_state_ms": 200,
                        "permitted_number_of_calls_in_half_open_state": 2
                    })
                }),
                connect_timeout_ms: p.connect,
                timeout: p.deadline,
                retry: p.retry,
                hedge: p.hedge,
                bulkhead: p.bulkhead,
                throttle: p.throttle,
                fallback: p.fallback,
                idempotent: p.idempotent,
                idempotency_key: p.key,
            },
        )
}

/// The resilience patterns a random call may carry.
#[derive(Clone, Debug)]
struct Patterns {
    connect: Option<f64>,
    deadline: Option<Timeout>,
    retry: Option<RetrySpec>,
    hedge: Option<HedgeSpec>,
    bulkhead: Option<BulkheadSpec>,
    throttle: Option<ThrottleSpec>,
    fallback: Option<Fallback>,
    idempotent: bool,
    key: bool,
}

fn patterns() -> impl Strategy<Value = Patterns> {
    let backoff = prop_oneof![
        Just(BackoffStrategy::None),
        (0.1..5.0f64).prop_map(|b| BackoffStrategy::Exponential {
            base_ms: b,
            cap_ms: 50.0
        }),
        (0.1..5.0f64).prop_map(|b| BackoffStrategy::FullJitter {
            base_ms: b,
            cap_ms: 50.0
        }),
        (0.1..5.0f64).prop_map(|b| BackoffStrategy::DecorrelatedJitter {
            base_ms: b,
            cap_ms: 50.0
        }),
    ];
    let budget = prop_oneof![
        Just(None),
        Just(Some(RetryBudgetSpec::Ratio(Default::default()))),
        Just(Some(RetryBudgetSpec::Envoy(Default::default()))),
        Just(Some(RetryBudgetSpec::Grpc(Default::default()))),
    ];
    let retry = proptest::option::of((1u32..5, backoff, budget).prop_map(|(n, b, budget)| {
        let mut r = RetrySpec::new(n, b);
        r.budget = budget;
        r
    }));
    let deadline =
        proptest::option::of(
            (20.0..500.0f64, 0.0..5.0f64).prop_map(|(b, m)| Timeout::Deadline {
                budget_ms: b,
                margin_ms: m,
            }),
        );
    let hedge = proptest::option::of((1.0..50.0f64, 1u32..3).prop_map(|(d, n)| HedgeSpec {
        delay_ms: d,
        max_hedges: n,
    }));
    let bulkhead = proptest::option::of(
        (1u32..6, 0.0..20.0f64, proptest::option::of(0u32..5)).prop_map(|(m, w, q)| BulkheadSpec {
            max_concurrent_calls: m,
            max_wait_ms: w,
            queue_capacity: q,
        }),
    );
    let throttle = proptest::option::of((1.0..3.0f64).prop_map(|k| ThrottleSpec {
        k,
        window_ms: 500.0,
    }));
    let fallback = proptest::option::of(prop_oneof![
        Just(Fallback::Cached),
        Just(Fallback::Default),
        Just(Fallback::Skip)
    ]);
    (
        proptest::option::of(1.0..30.0f64),
        deadline,
        retry,
        hedge,
        bulkhead,
        throttle,
        fallback,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(connect, deadline, retry, hedge, bulkhead, throttle, fallback, idempotent, key)| {
                Patterns {
                    connect,
                    deadline,
                    retry,
                    hedge,
                    bulkhead,
                    throttle,
                    fallback,
                    idempotent,
                    key,
                }
            },
        )
}

prop_compose! {
    fn service(i: usize, n: usize)(
        workers in 1u32..8,
        capacity in proptest::option::of(0u32..20),
        lifo in any::<bool>(),
        latency in latency(),
        error_rate in 0.0..0.3f64,
        targets in proptest::collection::vec(0usize..8, 0..3),
        parallel in any::<bool>(),
        replicas in 1u32..4,
        lb in 0u8..3,
        overload in proptest::option::of((0u8..3, 0.0..5.0f64, 1.0..4.0f64)),
        calls in proptest::collection::vec(call(String::new()), 3),
        shed in proptest::option::of((0u32..10, 1.0..100.0f64)),
    ) -> ServiceSpec {
        // only calls to later services: the graph has no cycle
        let mut cs = Vec::new();
        for (k, t) in targets.iter().enumerate() {
            let to = i + 1 + t;
            if to < n {
                let mut c = calls[k].clone();
                c.to = format!("s{to}");
                cs.push(c);
            }
        }
        ServiceSpec {
            name: format!("s{i}"),
            workers,
            queue: QueueSpec { capacity, discipline: if lifo { Discipline::Lifo } else { Discipline::Fifo } },
            latency,
            error_rate,
            calls: cs,
            call_mode: if parallel { CallMode::Parallel } else { CallMode::Sequential },
            replicas,
            load_balancer: [LoadBalancer::RoundRobin, LoadBalancer::Random, LoadBalancer::LeastConnections][lb as usize],
            overload: overload.map(|(c, factor, exponent)| Overload {
                curve: [OverloadCurve::Linear, OverloadCurve::Polynomial, OverloadCurve::Exponential][c as usize],
                factor,
                exponent,
            }),
            shed: shed.map(|(q, w)| ShedSpec { max_queue_length: Some(q), max_queue_wait_ms: Some(w) }),
        }
    }
}

fn fault(n: usize) -> impl Strategy<Value = FaultSpec> {
    let svc = (0..n).prop_map(|i| format!("s{i}"));
    let kind = prop_oneof![
        (svc.clone(), 0.01..20.0f64, 0.0..50.0f64).prop_map(|(service, factor, add_ms)| {
            Fault::LatencySpike {
                service,
                replica: None,
                factor,
                add_ms,
            }
        }),
        (svc.clone(), 0.0..1.0f64).prop_map(|(service, error_rate)| Fault::ErrorBurst {
            service,
            replica: None,
            error_rate
        }),
        svc.clone().prop_map(|service| Fault::Crash {
            service,
            replica: Some(0)
        }),
        svc.clone().prop_map(|service| Fault::Restart {
            service,
            replica: None
        }),
        (svc.clone(), 0.0..1.0f64).prop_map(|(service, probability)| Fault::ReplyLoss {
            service,
            replica: None,
            probability
        }),
        (0.0..0.5f64).prop_map(|probability| Fault::PacketLoss { probability }),
        svc.prop_map(|s| Fault::Partition {
            a: vec![s],
            b: vec!["users".into(), "bots".into()]
        }),
    ];
    (0.0..3.0f64, proptest::option::of(0.1..2.0f64), kind).prop_map(|(at_s, duration_s, fault)| {
        // a restart is instant: it takes no duration
        let duration_s = match fault {
            Fault::Restart { .. } => None,
            _ => duration_s,
        };
        FaultSpec {
            at_s,
            duration_s,
            fault,
        }
    })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1usize..5).prop_flat_map(|n| {
        let services: Vec<_> = (0..n).map(|i| service(i, n)).collect();
        (
            services,
            any::<u64>(),
            1.0..400.0f64,
            1u32..30,
            latency(),
            call("s0".into()),
            call("s0".into()),
            proptest::collection::vec(fault(n), 0..4),
            any::<bool>(),
        )
            .prop_map(
                |(services, seed, rate, users, think, c1, c2, faults, one_layer)| Scenario {
                    version: FORMAT_VERSION,
                    name: "random".into(),
                    description: String::new(),
                    seed,
                    duration_s: 4.0,
                    metrics: MetricsSpec {
                        interval_ms: 100.0,
                        history: 20,
                        trace_sample: 0.2,
                        trace_capacity: 50,
                    },
                    services,
                    clients: vec![
                        ClientSpec {
                            name: "users".into(),
                            call: c1,
                            load: Load::Open {
                                rate_per_s: rate,
                                phases: vec![RatePhase {
                                    at_s: 2.0,
                                    rate_per_s: rate * 2.0,
                                }],
                            },
                        },
                        ClientSpec {
                            name: "bots".into(),
                            call: c2,
                            load: Load::Closed { users, think },
                        },
                    ],
                    faults,
                    retry_scope: if one_layer {
                        RetryScope::OneLayer
                    } else {
                        RetryScope::EveryLayer
                    },
                },
            )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_shrink_time: 60_000, ..ProptestConfig::default() })]

    #[test]
    fn random_scenarios_keep_every_invariant(s in scenario()) {
        prop_assert!(s.validate().is_ok(), "generator made an invalid scenario: {:?}", s.validate());
        let mut sim = Simulation::new(s).expect("valid");
        let mut last = 0;
        let mut t = 0;
        while t < sim.end() {
            t += 50 * MS;
            sim.step_until(t);
            prop_assert!(sim.now() >= last, "time went back");
            last = sim.now();
            if let Err(e) = sim.check_invariants() {
                prop_assert!(false, "{}", e);
            }
            let snap = sim.snapshot();
            for (svc, reps) in snap.services.iter().enumerate() {
                for r in reps {
                    prop_assert!(r.busy <= r.workers, "service {} busy {} > {}", svc, r.busy, r.workers);
                    prop_assert!(r.queued <= r.capacity, "service {} queue {} > {}", svc, r.queued, r.capacity);
                }
            }
            for m in &snap.in_flight {
                prop_assert!((0.0..=1.0).contains(&m.progress));
            }
        }
        let r = sim.report();
        let g = &r.global;
        prop_assert_eq!(g.requests, g.ok + g.errors + g.timeouts + g.rejected + g.in_flight);
        prop_assert!(sim.series().len() <= 20);
        prop_assert!(sim.spans().len() <= 50);
    }
}
