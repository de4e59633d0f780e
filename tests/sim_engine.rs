//! Engine behaviour: determinism, conservation, invariants, faults, and scenario validation.
#![cfg(not(target_arch = "wasm32"))]

use faultline::sim::scenario::{
    CallMode, CallSpec, Fault, FaultSpec, Latency, Load, LoadBalancer, Scenario,
};
use faultline::sim::time::{from_secs, SEC};
use faultline::sim::{models, Simulation};

fn shop() -> Scenario {
    Scenario::from_json(include_str!("../examples/shop.json")).expect("example scenario is valid")
}

fn digest(sim: &Simulation) -> u64 {
    sim.report().fingerprint()
}

#[test]
fn same_seed_same_run_other_seed_other_run() {
    let run = |seed: u64| {
        let mut s = shop();
        s.seed = seed;
        let mut sim = Simulation::new(s).expect("valid");
        sim.run();
        (
            serde_json::to_string(&sim.report()).expect("json"),
            sim.series().clone(),
        )
    };
    let (a, sa) = run(7);
    let (b, sb) = run(7);
    let (c, _) = run(8);
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    assert_ne!(a, c);
}

#[test]
fn stepping_in_small_increments_gives_the_same_run_as_one_go() {
    let mut one = Simulation::new(shop()).expect("valid");
    one.run();
    let mut many = Simulation::new(shop()).expect("valid");
    let end = many.end();
    let mut t = 0;
    while t < end {
        t = (t + 16_666_667).min(end); // 60 frames per simulated second
        many.step_until(t);
    }
    assert_eq!(digest(&one), digest(&many));
}

/// The same fingerprint is asserted by the browser test (tests/web.rs): native and wasm runs are
/// bit-identical.
pub const SHOP_DIGEST: u64 = 13_659_481_672_376_985_520;

#[test]
fn golden_digest_of_the_example_run() {
    let mut sim = Simulation::new(shop()).expect("valid");
    sim.run();
    assert_eq!(
        digest(&sim),
        SHOP_DIGEST,
        "digest changed: update SHOP_DIGEST here and in tests/web.rs"
    );
}

#[test]
fn every_user_request_ends_exactly_once() {
    let mut sim = Simulation::new(shop()).expect("valid");
    let end = sim.end();
    let mut t = 0;
    while t < end {
        t += SEC / 4;
        sim.step_until(t);
        sim.check_invariants().expect("invariants hold");
    }
    let r = sim.report();
    let g = &r.global;
    assert_eq!(
        g.requests,
        g.ok + g.errors + g.timeouts + g.rejected + g.in_flight
    );
    assert!(
        g.ok > 0 && g.errors > 0 && g.timeouts > 0 && g.rejected > 0,
        "{g:?}"
    );
    // every edge: what was sent ended once, or is still pending (bounded by what is in flight)
    for e in &r.edges {
        let ended = e.ok + e.errors + e.timeouts + e.rejected;
        assert!(
            ended <= e.sent,
            "{}: ended {ended} > sent {}",
            e.edge,
            e.sent
        );
    }
}

fn two_tier(timeout_ms: Option<f64>) -> Scenario {
    let mut s = models::mmc(4, 0.5, 9, None);
    s.services[0].name = "front".into();
    s.services[0].latency = Latency::Constant { ms: 1.0 };
    s.services[0].calls = vec![CallSpec {
        timeout_ms,
        ..CallSpec::to("back")
    }];
    let mut back = s.services[0].clone();
    back.name = "back".into();
    back.calls = vec![];
    back.workers = 8;
    back.latency = Latency::Constant { ms: 10.0 };
    s.services.push(back);
    s.clients[0].call = CallSpec::to("front");
    s.clients[0].load = Load::Open {
        rate_per_s: 100.0,
        phases: vec![],
    };
    s.duration_s = 60.0;
    s
}

#[test]
fn a_crash_is_silence_callers_time_out_and_recover_after_restart() {
    let mut s = two_tier(Some(500.0));
    s.services[0].workers = 200; // enough that the front's pool is not what limits
    s.faults = vec![FaultSpec {
        at_s: 20.0,
        duration_s: Some(10.0),
        fault: Fault::Crash {
            service: "back".into(),
            replica: None,
        },
    }];
    let mut sim = Simulation::new(s).expect("valid");
    sim.run();
    let r = sim.report();
    let edge = r
        .edges
        .iter()
        .find(|e| e.edge == "front->back")
        .expect("edge");
    // ~10 s × 100/s requests met the crashed service: no reply, so the caller timed out
    assert!(
        edge.timeouts > 900 && edge.timeouts < 1100,
        "timeouts {}",
        edge.timeouts
    );
    assert_eq!(edge.errors, 0);
    let back = &r.services[1];
    assert!(back.dropped > 900, "dropped {}", back.dropped);
    // a timeout takes the full 500 ms: the front pool holds those workers for that long
    assert!(r.services[0].latency_ms.p99 >= 500.0);
    // after the restart, requests succeed again
    let last = sim.series().back().expect("samples");
    assert!(last.success_rate() > 99.0, "{}", last.success_rate());
}

#[test]
fn without_a_timeout_a_crash_leaves_requests_hanging_forever() {
    let mut s = two_tier(None);
    s.faults = vec![FaultSpec {
        at_s: 20.0,
        duration_s: None,
        fault: Fault::Crash {
            service: "back".into(),
            replica: None,
        },
    }];
    let mut sim = Simulation::new(s).expect("valid");
    sim.run();
    let g = &sim.report().global;
    // the front's 4 workers wait forever on the silent back end; everything else queues behind
    assert_eq!(g.timeouts, 0);
    assert!(g.in_flight > 3000, "{g:?}");
}

#[test]
fn reply_loss_means_the_work_was_done_but_the_caller_times_out() {
    let mut s = two_tier(Some(200.0));
    s.faults = vec![FaultSpec {
        at_s: 0.0,
        duration_s: None,
        fault: Fault::ReplyLoss {
            service: "back".into(),
            replica: None,
            probability: 0.2,
        },
    }];
    let mut sim = Simulation::new(s).expect("valid");
    sim.run();
    let r = sim.report();
    let back = &r.services[1];
    let edge = r
        .edges
        .iter()
        .find(|e| e.edge == "front->back")
        .expect("edge");
    // the back end completed everything it got …
    assert_eq!(back.errors, 0);
    assert!(back.ok as f64 > 0.99 * back.arrivals as f64);
    // … yet about a fifth of the callers saw a timeout
    let frac = edge.timeouts as f64 / edge.sent as f64;
    assert!((frac - 0.2).abs() < 0.02, "timeout fraction {frac}");
}

#[test]
fn a_partition_drops_messages_both_ways_only_while_it_lasts() {
    let mut s = two_tier(Some(100.0));
    s.services[0].workers = 200;
    s.faults = vec![FaultSpec {
        at_s: 10.0,
        duration_s: Some(5.0),
        fault: Fault::Partition {
            a: vec!["front".into()],
            b: vec!["back".into()],
        },
    }];
    let mut sim = Simulation::new(s).expect("valid");
    sim.run();
    let edge_timeouts = sim.report().edges[1].timeouts;
    assert!(
        (450..=550).contains(&edge_timeouts),
        "timeouts {edge_timeouts}"
    );
    // the series shows the dip exactly in the partition window
    for sample in sim.series() {
        let bad = sample.t_s > 10.5 && sample.t_s <= 15.0;
        if bad {
            assert!(
                sample.success_rate() < 5.0,
                "t={} {}",
                sample.t_s,
                sample.success_rate()
            );
        } else if sample.t_s < 10.0 || sample.t_s > 16.0 {
            assert!(
                sample.success_rate() > 99.0,
                "t={} {}",
                sample.t_s,
                sample.success_rate()
            );
        }
    }
}

#[test]
fn parallel_calls_take_the_longest_sequential_take_the_sum() {
    let build = |mode: CallMode| {
        let mut s = two_tier(None);
        let mut other = s.services[1].clone();
        other.name = "other".into();
        other.latency = Latency::Constant { ms: 30.0 };
        s.services.push(other);
        s.services[0].calls.push(CallSpec::to("other"));
        s.services[0].call_mode = mode;
        s.services[0].workers = 50;
        let mut sim = Simulation::new(s).expect("valid");
        sim.run();
        sim.report().services[0].latency_ms.p50
    };
    let seq = build(CallMode::Sequential);
    let par = build(CallMode::Parallel);
    assert!((seq - 41.0).abs() < 0.5, "sequential p50 {seq}");
    assert!((par - 31.0).abs() < 0.5, "parallel p50 {par}");
}

#[test]
fn a_full_queue_rejects_and_workers_never_exceed_the_pool() {
    let mut s = models::mmc(2, 3.0, 4, Some(6));
    s.duration_s = 200.0;
    let mut sim = Simulation::new(s).expect("valid");
    let mut t = 0;
    while t < sim.end() {
        t += SEC;
        sim.step_until(t);
        let snap = sim.snapshot();
        let rep = &snap.services[0][0];
        assert!(rep.busy <= 2 && rep.queued <= 4, "{rep:?}");
    }
    let r = sim.report();
    assert!(r.services[0].rejected.queue_full > 0);
    assert_eq!(r.global.rejected, r.services[0].rejected.queue_full);
}

#[test]
fn memory_stays_bounded_over_a_long_run() {
    // 10,000 requests per second; compare the engine's structures after 1 and after 5 minutes
    let mut s = two_tier(Some(1000.0));
    s.services[0].workers = 200;
    s.services[1].workers = 256;
    s.clients[0].load = Load::Open {
        rate_per_s: 10_000.0,
        phases: vec![],
    };
    s.duration_s = 300.0;
    s.metrics.history = 120;
    s.metrics.trace_capacity = 500;
    let mut sim = Simulation::new(s).expect("valid");
    sim.step_until(from_secs(60.0));
    let slots_1m = sim.call_slots();
    let events_1m = sim.pending_events();
    sim.run();
    assert!(sim.global_stats().requests > 2_900_000);
    assert!(
        sim.call_slots() <= slots_1m + slots_1m / 10,
        "{} vs {slots_1m}",
        sim.call_slots()
    );
    assert!(sim.pending_events() <= events_1m * 2 + 100);
    assert_eq!(sim.series().len(), 120);
    assert_eq!(sim.spans().len(), 500);
}

#[test]
fn traces_follow_one_correlation_id_across_services() {
    let mut sim = Simulation::new(shop()).expect("valid");
    sim.step_until(from_secs(10.0));
    let span = sim.spans().back().expect("some spans").clone();
    let trace = sim.trace(span.corr);
    assert!(trace.len() >= 2, "{trace:?}");
    assert!(trace.iter().all(|s| s.corr == span.corr));
    let names: Vec<&str> = sim.edge_names().collect();
    assert!(trace
        .iter()
        .any(|s| names[s.edge as usize].starts_with("frontend->")));
    assert!(trace.windows(2).all(|w| w[0].start_ms <= w[1].start_ms));
}

#[test]
fn bad_scenarios_are_refused_with_the_field_and_reason() {
    let base = include_str!("../examples/shop.json");
    let cases: Vec<(String, &str)> = vec![
        (
            base.replacen("\"workers\": 50", "\"workers\": 0", 1),
            "services[0].workers: must be between 1 and 10000, got 0",
        ),
        (
            base.replacen("\"workers\": 50", "\"wrokers\": 50", 1),
            "services[0].wrokers: unknown field `wrokers`",
        ),
        (
            base.replacen("\"workers\": 20", "\"workers\": \"many\"", 1),
            "services[1].workers: invalid type",
        ),
        (
            base.replacen("\"to\": \"inventory\"", "\"to\": \"stock\"", 1),
            "services[0].calls[2].to: no service named “stock”",
        ),
        (
            base.replacen("\"error_rate\": 0.001", "\"error_rate\": 1.5", 1),
            "services[1].error_rate: must be a probability between 0 and 1, got 1.5",
        ),
        (
            base.replacen("\"rate_per_s\": 300,", "\"rate_per_s\": -3,", 1),
            "clients[0].load.rate_per_s: must be between 0",
        ),
        (
            base.replacen("\"replica\": 1", "\"replica\": 7", 1),
            "faults[1].fault.replica: “reviews” has 3 replica(s)",
        ),
        (
            base.replacen("\"version\": 1", "\"version\": 9", 1),
            "version: this Faultline reads scenario format 1, the file has 9",
        ),
        (
            base.replacen("\"kind\": \"crash\"", "\"kind\": \"meteor\"", 1),
            "faults[1].fault.kind: unknown variant `meteor`",
        ),
        ("{ not json".to_string(), "key must be a string"),
    ];
    for (text, want) in cases {
        let err = Scenario::from_json(&text).expect_err(want).to_string();
        assert!(err.contains(want), "expected “{want}” in “{err}”");
    }
    // a call cycle is named
    let mut s = shop();
    s.services[1].calls.push(CallSpec::to("frontend"));
    let err = s.validate().expect_err("cycle").to_string();
    assert!(err.contains("frontend → product → frontend"), "{err}");
}

#[test]
fn scenario_json_round_trips() {
    let s = shop();
    let again = Scenario::from_json(&s.to_json_pretty()).expect("round trip");
    assert_eq!(s, again);
}

#[test]
fn least_connections_steers_away_from_a_silent_replica() {
    let dropped = |lb: LoadBalancer| {
        let mut s = two_tier(Some(200.0));
        s.services[0].workers = 200;
        s.services[1].replicas = 3;
        s.services[1].load_balancer = lb;
        s.faults = vec![FaultSpec {
            at_s: 10.0,
            duration_s: Some(20.0),
            fault: Fault::Crash {
                service: "back".into(),
                replica: Some(1),
            },
        }];
        let mut sim = Simulation::new(s).expect("valid");
        sim.run();
        sim.report().services[1].dropped
    };
    let rr = dropped(LoadBalancer::RoundRobin);
    let lc = dropped(LoadBalancer::LeastConnections);
    // round robin sends a third of 20 s × 100/s to the dead replica; least connections sees the
    // unanswered requests pile up there and sends it far fewer
    assert!((600..=740).contains(&rr), "round robin dropped {rr}");
    assert!(
        lc * 4 < rr,
        "least connections dropped {lc}, round robin {rr}"
    );
}

#[test]
fn overlapping_error_bursts_end_independently() {
    let mut s = two_tier(Some(1000.0));
    let burst = |at_s: f64, duration: f64| FaultSpec {
        at_s,
        duration_s: Some(duration),
        fault: Fault::ErrorBurst {
            service: "back".into(),
            replica: None,
            error_rate: 1.0,
        },
    };
    // 10..30 and 20..25: errors must last until 30, not stop when the short one ends at 25
    s.faults = vec![burst(10.0, 20.0), burst(20.0, 5.0)];
    let mut sim = Simulation::new(s).expect("valid");
    sim.run();
    for sample in sim.series() {
        if sample.t_s > 10.5 && sample.t_s <= 30.0 {
            assert!(
                sample.success_rate() < 1.0,
                "t={}: {}",
                sample.t_s,
                sample.success_rate()
            );
        }
        if sample.t_s > 31.0 {
            assert!(
                sample.success_rate() > 99.0,
                "t={}: {}",
                sample.t_s,
                sample.success_rate()
            );
        }
    }
}

#[test]
fn a_restart_with_a_duration_is_refused() {
    let mut s = two_tier(None);
    s.faults = vec![FaultSpec {
        at_s: 1.0,
        duration_s: Some(3.0),
        fault: Fault::Restart {
            service: "back".into(),
            replica: None,
        },
    }];
    let err = s.validate().expect_err("restart is instant").to_string();
    assert!(
        err.contains("faults[0].duration_s: a restart is instant"),
        "{err}"
    );
}

#[test]
fn json_errors_are_located_by_path() {
    use faultline::sim::scenario::json_path_at;
    let text = "{\n  \"a\": [1, {\"b\": \"x\", \"c\": [true, \"oops\"]}],\n  \"d\": 2\n}";
    // line 2, column 40 is inside the string "oops", the second element of c
    assert_eq!(json_path_at(text, 2, 40), "a[1].c[1]");
    assert_eq!(json_path_at(text, 2, 22), "a[1].b");
    assert_eq!(json_path_at(text, 3, 8), "d");
    assert_eq!(json_path_at(text, 1, 1), "");
}

#[test]
fn a_breaker_on_an_edge_opens_under_errors_fails_fast_and_closes_after() {
    let mut s = two_tier(Some(1000.0));
    s.services[0].workers = 50;
    s.services[0].calls[0].breaker = Some(serde_json::json!({
        "sliding_window_size": 20,
        "minimum_number_of_calls": 10,
        "failure_rate_threshold": 50,
        "wait_duration_in_open_state_ms": 2000,
        "permitted_number_of_calls_in_half_open_state": 3
    }));
    s.faults = vec![FaultSpec {
        at_s: 10.0,
        duration_s: Some(10.0),
        fault: Fault::ErrorBurst {
            service: "back".into(),
            replica: None,
            error_rate: 1.0,
        },
    }];
    let mut sim = Simulation::new(s).expect("valid");
    sim.step_until(from_secs(15.0));
    let states = sim.breakers();
    assert_eq!(states.len(), 1);
    let back_arrivals_mid = sim.service_stats(1).arrivals;
    sim.step_until(from_secs(19.0));
    // while open, only half-open probes reach the failing back end (3 every ~2 s)
    let probes = sim.service_stats(1).arrivals - back_arrivals_mid;
    assert!(
        probes <= 12,
        "{probes} calls reached the back end in 4 s of an open breaker"
    );
    sim.run();
    let r = sim.report();
    let edge = r
        .edges
        .iter()
        .find(|e| e.edge == "front->back")
        .expect("edge");
    // ~10 s × 100/s minus the calls that tripped it and the probes
    assert!(
        edge.short_circuited > 900,
        "short-circuited {}",
        edge.short_circuited
    );
    assert!(edge.short_circuited <= edge.rejected);
    // after the burst the breaker closes again and requests succeed
    assert_eq!(
        sim.breakers()[0].1,
        faultline::sim::patterns::circuit_breaker::State::Closed
    );
    let last = sim.series().back().expect("samples");
    assert!(last.success_rate() > 99.0, "{}", last.success_rate());
}

#[test]
fn a_bad_breaker_config_is_named() {
    let mut s = two_tier(None);
    s.services[0].calls[0].breaker = Some(serde_json::json!({ "failure_rate_threshold": 0 }));
    let err = s.validate().expect_err("threshold 0").to_string();
    assert!(
        err.contains("services[0].calls[0].breaker.failure_rate_threshold: must be above 0"),
        "{err}"
    );
}
