//! The resilience patterns inside the engine, on real call chains: retries and their
//! amplification, the retry context, budgets, deadline propagation, bulkheads, fallbacks and
//! degradation levels, idempotency keys, hedging, load shedding, adaptive throttling — and every
//! lesson preset's bad variant failing where its fixed variant holds.
#![cfg(not(target_arch = "wasm32"))]

use faultline::sim::patterns::backoff::BackoffStrategy;
use faultline::sim::patterns::bulkhead::BulkheadSpec;
use faultline::sim::patterns::deadline::Timeout;
use faultline::sim::patterns::degradation::Fallback;
use faultline::sim::patterns::hedging::HedgeSpec;
use faultline::sim::patterns::retry::{RetryBudgetSpec, RetrySpec};
use faultline::sim::patterns::shedding::{ShedSpec, ThrottleSpec};
use faultline::sim::presets::{self, Variant};
use faultline::sim::report::Report;
use faultline::sim::scenario::{
    CallMode, CallSpec, Fault, FaultSpec, Latency, Load, RatePhase, RetryScope, Scenario,
    ServiceSpec,
};
use faultline::sim::{models, Simulation};

fn run(s: Scenario) -> (Report, Simulation) {
    let mut sim = Simulation::new(s).expect("valid scenario");
    sim.run();
    (sim.report(), sim)
}

fn service(name: &str, workers: u32, ms: f64) -> ServiceSpec {
    let mut s = models::mmc(1, 0.5, 1, None).services.remove(0);
    s.name = name.into();
    s.workers = workers;
    s.latency = Latency::Constant { ms };
    s
}

/// One client at `rate` per second for `active_s` seconds, then silence until `duration_s`, so
/// that nothing is in flight at the end.
fn scenario(services: Vec<ServiceSpec>, entry: CallSpec, rate: f64, active_s: f64) -> Scenario {
    let mut s = models::mmc(1, 0.5, 3, None);
    s.duration_s = active_s + 60.0;
    s.services = services;
    s.clients[0].call = entry;
    s.clients[0].load = Load::Open {
        rate_per_s: rate,
        phases: vec![RatePhase {
            at_s: active_s,
            rate_per_s: 0.0,
        }],
    };
    s
}

fn edge<'a>(r: &'a Report, name: &str) -> &'a faultline::sim::report::EdgeReport {
    r.edges
        .iter()
        .find(|e| e.edge == name)
        .unwrap_or_else(|| panic!("no edge {name}"))
}

fn svc<'a>(r: &'a Report, name: &str) -> &'a faultline::sim::report::ServiceReport {
    r.services
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no service {name}"))
}

// ----- retries ---------------------------------------------------------------------------------

#[test]
fn three_layers_retrying_three_times_make_27_backend_attempts_per_request() {
    let p = presets::find("retry-amplification").unwrap();
    let mut s = p.scenario(Variant::Bad).unwrap();
    s.faults.clear();
    s.services[3].error_rate = 1.0; // the backend always fails
    s.clients[0].load = Load::Open {
        rate_per_s: 20.0,
        phases: vec![RatePhase {
            at_s: 5.0,
            rate_per_s: 0.0,
        }],
    };
    let (r, _) = run(s);
    assert!(r.global.requests > 50);
    assert_eq!(r.global.in_flight, 0);
    assert_eq!(r.global.ok, 0);
    let backend = svc(&r, "backend");
    assert_eq!(backend.arrivals, 27 * r.global.requests);
    assert_eq!(edge(&r, "l3->backend").attempts_per_request, 27.0);
    assert_eq!(edge(&r, "l2->l3").attempts_per_request, 9.0);
    assert_eq!(edge(&r, "l1->l2").attempts_per_request, 3.0);
}

#[test]
fn retrying_at_one_layer_only_makes_3_backend_attempts_per_request() {
    let p = presets::find("retry-amplification").unwrap();
    let mut s = p.scenario(Variant::Bad).unwrap();
    s.faults.clear();
    s.services[3].error_rate = 1.0;
    s.retry_scope = RetryScope::OneLayer;
    s.clients[0].load = Load::Open {
        rate_per_s: 20.0,
        phases: vec![RatePhase {
            at_s: 5.0,
            rate_per_s: 0.0,
        }],
    };
    let (r, _) = run(s);
    assert_eq!(svc(&r, "backend").arrivals, 3 * r.global.requests);
    assert_eq!(edge(&r, "l1->l2").patterns.retries, 2 * r.global.requests);
    assert_eq!(edge(&r, "l2->l3").patterns.retries, 0);
}

#[test]
fn retries_follow_the_policy_attempts_and_outcome_classes() {
    // a backend that always errs: 4 attempts in all per call
    let mut back = service("back", 50, 1.0);
    back.error_rate = 1.0;
    let mut entry = CallSpec::to("back");
    entry.retry = Some(RetrySpec::new(
        4,
        BackoffStrategy::Constant { base_ms: 10.0 },
    ));
    let (r, _) = run(scenario(vec![back.clone()], entry.clone(), 10.0, 5.0));
    assert_eq!(svc(&r, "back").arrivals, 4 * r.global.requests);
    // only timeouts retried: errors are not
    let mut only_timeouts = entry.clone();
    only_timeouts.retry.as_mut().unwrap().retry_on =
        vec![faultline::sim::patterns::backoff::OutcomeClass::Timeout];
    let (r, _) = run(scenario(vec![back], only_timeouts, 10.0, 5.0));
    assert_eq!(svc(&r, "back").arrivals, r.global.requests);
}

#[test]
fn an_open_breaker_is_never_retried() {
    let mut back = service("back", 50, 1.0);
    back.error_rate = 1.0;
    let mut entry = CallSpec::to("back");
    entry.retry = Some(RetrySpec::new(3, BackoffStrategy::None));
    entry.breaker = Some(serde_json::json!({
        "sliding_window_size": 10, "minimum_number_of_calls": 10,
        "wait_duration_in_open_state_ms": 600000
    }));
    let (r, _) = run(scenario(vec![back], entry, 50.0, 10.0));
    let e = edge(&r, "arrivals->back");
    // the breaker opened after 10 failed attempts; everything after is refused at once, once
    assert_eq!(svc(&r, "back").arrivals, 10);
    assert!(e.patterns.retries < 10, "retries {}", e.patterns.retries);
    assert_eq!(e.sent, 10 + e.short_circuited);
    // each refused attempt ended its call: one attempt per call once the breaker is open
    assert_eq!(e.rejected, e.short_circuited);
    assert!(
        e.short_circuited + 4 >= r.global.requests,
        "{} of {}",
        e.short_circuited,
        r.global.requests
    );
    assert_eq!(r.global.rejected, e.short_circuited);
}

/// A client retrying up to `attempts` times, under `budget`, into a backend that always errs.
fn retrying_into_a_failing_backend(
    attempts: u32,
    budget: RetryBudgetSpec,
    rate: f64,
    active_s: f64,
) -> Report {
    let mut back = service("back", 50, 1.0);
    back.error_rate = 1.0;
    let mut retry = RetrySpec::new(attempts, BackoffStrategy::None);
    retry.budget = Some(budget);
    let entry = CallSpec {
        retry: Some(retry),
        ..CallSpec::to("back")
    };
    run(scenario(vec![back], entry, rate, active_s)).0
}

#[test]
fn a_ratio_budget_keeps_retries_near_ten_percent_of_requests() {
    let r =
        retrying_into_a_failing_backend(3, RetryBudgetSpec::Ratio(Default::default()), 200.0, 30.0);
    let e = edge(&r, "arrivals->back");
    let ratio = e.patterns.retries as f64 / e.sent as f64;
    assert!(ratio <= 0.101, "retries are {ratio} of attempts");
    assert!(ratio > 0.08, "the budget should be used: {ratio}");
    assert!(e.patterns.retries_denied_by_budget > e.patterns.retries);
}

#[test]
fn grpc_throttling_stops_retries_when_most_calls_fail() {
    let r =
        retrying_into_a_failing_backend(5, RetryBudgetSpec::Grpc(Default::default()), 100.0, 10.0);
    let e = edge(&r, "arrivals->back");
    // 10 tokens, −1 per failure, retries only above 5: a handful of retries in all
    assert!(e.patterns.retries <= 6, "retries {}", e.patterns.retries);
    assert!(e.patterns.retries >= 4, "retries {}", e.patterns.retries);
}

// ----- deadlines -------------------------------------------------------------------------------

fn chain(timeout: impl Fn() -> (Option<f64>, Option<Timeout>)) -> Scenario {
    let mut a = service("a", 4, 7000.0);
    let mut b = service("b", 4, 4000.0);
    let c = service("c", 4, 100_000.0);
    let call = |to: &str| {
        let (fixed, t) = timeout();
        CallSpec {
            timeout_ms: fixed,
            timeout: t,
            ..CallSpec::to(to)
        }
    };
    a.calls = vec![call("b")];
    b.calls = vec![call("c")];
    let mut s = scenario(vec![a, b, c], call("a"), 1.0, 0.5);
    s.metrics.trace_sample = 1.0;
    s.duration_s = 200.0;
    s
}

#[test]
fn deadline_propagation_worked_example_30s_then_23s_then_19s() {
    let s = chain(|| {
        (
            None,
            Some(Timeout::Deadline {
                budget_ms: 30_000.0,
                margin_ms: 0.0,
            }),
        )
    });
    let (r, sim) = run(s);
    assert!(r.global.requests >= 1);
    let spans: Vec<_> = sim
        .spans()
        .iter()
        .filter(|x| x.corr == sim.spans()[0].corr)
        .collect();
    let find = |edge: &str| {
        let i = sim.edge_names().position(|e| e == edge).unwrap() as u32;
        spans.iter().find(|s| s.edge == i).copied().unwrap()
    };
    let (ab, bc, root) = (find("a->b"), find("b->c"), find("arrivals->a"));
    // a worked 7 s: b gets the 23 s left; b worked 4 s more: c gets 19 s
    assert_eq!(ab.start_ms - root.start_ms, 7_000.0);
    assert_eq!(bc.start_ms - root.start_ms, 11_000.0);
    assert_eq!(bc.end_ms - bc.start_ms, 19_000.0);
    assert_eq!(ab.end_ms - ab.start_ms, 23_000.0);
    assert_eq!(root.end_ms - root.start_ms, 30_000.0);
    // the user waited exactly the 30 s budget, not a second more
    assert_eq!(r.global.latency_ms.max, 30_000.0);
}

#[test]
fn a_fresh_timeout_at_every_hop_overruns_the_users_deadline() {
    let s = chain(|| (Some(30_000.0), None));
    let (_, sim) = run(s);
    let bc = sim.edge_names().position(|e| e == "b->c").unwrap() as u32;
    let span = sim.spans().iter().find(|x| x.edge == bc).unwrap();
    // c is still called at 11 s and waited on for a full fresh 30 s: until 41 s, long after
    // the user (30 s) gave up
    assert_eq!(span.end_ms - span.start_ms, 30_000.0);
    let root = sim.edge_names().position(|e| e == "arrivals->a").unwrap() as u32;
    let user = sim
        .spans()
        .iter()
        .find(|x| x.edge == root && x.corr == span.corr)
        .unwrap();
    assert!(span.end_ms > user.end_ms + 10_000.0);
}

#[test]
fn servers_drop_work_whose_deadline_has_passed() {
    // a slow single worker: requests queue for longer than their 100 ms deadline
    let back = service("back", 1, 50.0);
    let mut entry = CallSpec::to("back");
    entry.timeout = Some(Timeout::Deadline {
        budget_ms: 100.0,
        margin_ms: 0.0,
    });
    let (r, _) = run(scenario(vec![back], entry, 40.0, 20.0));
    let b = svc(&r, "back");
    assert!(b.rejected.expired > 100, "expired {}", b.rejected.expired);
    // every request the worker did start could still meet its deadline
    assert!(b.latency_ms.max <= 100.0 + 50.0);
}

// ----- bulkheads, fallbacks and degradation ----------------------------------------------------

#[test]
fn a_bulkhead_caps_concurrent_calls_to_a_slow_dependency() {
    let mut front = service("front", 50, 1.0);
    let slow = service("slow", 100, 1000.0);
    front.calls = vec![CallSpec {
        bulkhead: Some(BulkheadSpec {
            max_concurrent_calls: 5,
            max_wait_ms: 0.0,
            queue_capacity: None,
        }),
        fallback: Some(Fallback::Cached),
        ..CallSpec::to("slow")
    }];
    let (r, _) = run(scenario(
        vec![front, slow],
        CallSpec::to("front"),
        100.0,
        10.0,
    ));
    let s = svc(&r, "slow");
    // at most 5 at a time, each 1 s, for ~10 s
    assert!(s.arrivals <= 5 * 11, "arrivals {}", s.arrivals);
    assert!(s.utilisation * 100.0 <= 5.0 * 1.01);
    let e = edge(&r, "front->slow");
    assert_eq!(e.patterns.bulkhead_rejected + s.arrivals, e.sent);
    // refused calls fell back: every user request succeeded, most at the minimal level
    assert_eq!(r.global.ok, r.global.requests);
    assert_eq!(r.global.degradation.minimal, e.patterns.bulkhead_rejected);
}

#[test]
fn a_bulkhead_with_a_wait_hands_permits_over_in_order() {
    let mut front = service("front", 50, 1.0);
    let dep = service("dep", 100, 100.0);
    front.calls = vec![CallSpec {
        bulkhead: Some(BulkheadSpec {
            max_concurrent_calls: 2,
            max_wait_ms: 1_000.0,
            queue_capacity: None,
        }),
        ..CallSpec::to("dep")
    }];
    // 10/s against 2 permits × 10/s: nobody waits long, nobody is refused
    let (r, _) = run(scenario(
        vec![front, dep],
        CallSpec::to("front"),
        10.0,
        10.0,
    ));
    let e = edge(&r, "front->dep");
    assert_eq!(e.patterns.bulkhead_rejected, 0);
    assert!(e.patterns.bulkhead_waits > 0);
    assert_eq!(r.global.ok, r.global.requests);
}

#[test]
fn degradation_levels_follow_the_fallbacks() {
    let mut front = service("front", 50, 1.0);
    let mut broken = service("broken", 10, 1.0);
    broken.error_rate = 1.0;
    let ok = service("ok", 10, 1.0);
    let mut optional = CallSpec::to("broken");
    optional.critical = false;
    front.calls = vec![CallSpec::to("ok"), optional];
    let s = scenario(
        vec![front.clone(), broken.clone(), ok.clone()],
        CallSpec::to("front"),
        10.0,
        5.0,
    );
    let (r, _) = run(s);
    assert_eq!(r.global.degradation.reduced, r.global.requests);
    // a critical dependency with a cached fallback: minimal
    front.calls[1] = CallSpec {
        fallback: Some(Fallback::Cached),
        ..CallSpec::to("broken")
    };
    let s = scenario(
        vec![front.clone(), broken.clone(), ok.clone()],
        CallSpec::to("front"),
        10.0,
        5.0,
    );
    let (r, _) = run(s);
    assert_eq!(r.global.degradation.minimal, r.global.requests);
    assert_eq!(r.global.ok, r.global.requests);
    // no fallback: the request fails — maintenance
    front.calls[1] = CallSpec::to("broken");
    let s = scenario(vec![front, broken, ok], CallSpec::to("front"), 10.0, 5.0);
    let (r, _) = run(s);
    assert_eq!(r.global.degradation.maintenance, r.global.requests);
    assert_eq!(r.global.ok, 0);
}

// ----- idempotency -----------------------------------------------------------------------------

fn charging(key: bool) -> Report {
    let mut checkout = service("checkout", 50, 1.0);
    let pay = service("payment", 50, 5.0);
    checkout.calls = vec![CallSpec {
        timeout_ms: Some(100.0),
        retry: Some(RetrySpec::new(3, BackoffStrategy::None)),
        idempotent: false,
        idempotency_key: key,
        ..CallSpec::to("payment")
    }];
    let mut s = scenario(vec![checkout, pay], CallSpec::to("checkout"), 10.0, 10.0);
    // every reply from payment is lost: the charge happens, checkout never hears of it
    s.faults = vec![FaultSpec {
        at_s: 0.0,
        duration_s: None,
        fault: Fault::ReplyLoss {
            service: "payment".into(),
            replica: None,
            probability: 1.0,
        },
    }];
    run(s).0
}

#[test]
fn retrying_after_a_lost_reply_charges_twice_without_an_idempotency_key() {
    let r = charging(false);
    let e = edge(&r, "checkout->payment");
    let n = r.global.requests;
    assert_eq!(e.patterns.effects, 3 * n);
    assert_eq!(e.patterns.duplicates, 2 * n);
    assert_eq!(e.patterns.deduplicated, 0);
}

#[test]
fn an_idempotency_key_makes_the_callee_answer_repeats_from_its_record() {
    let r = charging(true);
    let e = edge(&r, "checkout->payment");
    let n = r.global.requests;
    assert_eq!(e.patterns.effects, n);
    assert_eq!(e.patterns.duplicates, 0);
    assert_eq!(e.patterns.deduplicated, 2 * n);
}

// ----- hedging, shedding, throttling ---------------------------------------------------------

#[test]
fn hedging_cuts_the_tail_and_cancels_the_loser() {
    let mut back = service("back", 100, 0.0);
    back.latency = Latency::Bimodal {
        fast_ms: 10.0,
        slow_ms: 1000.0,
        slow_fraction: 0.05,
    };
    let plain = scenario(vec![back.clone()], CallSpec::to("back"), 100.0, 20.0);
    let hedged = scenario(
        vec![back],
        CallSpec {
            hedge: Some(HedgeSpec {
                delay_ms: 50.0,
                max_hedges: 1,
            }),
            ..CallSpec::to("back")
        },
        100.0,
        20.0,
    );
    let (a, _) = run(plain);
    let (b, _) = run(hedged);
    assert!(a.global.latency_ms.p99 >= 1000.0);
    assert!(
        b.global.latency_ms.p99 < 100.0,
        "p99 {}",
        b.global.latency_ms.p99
    );
    assert_eq!(b.global.ok, b.global.requests);
    let e = edge(&b, "arrivals->back");
    assert!(e.patterns.hedges > 0);
    // a hedge is sent only for the slow ~5 %
    assert!((e.patterns.hedges as f64) < 0.08 * b.global.requests as f64);
    assert!(e.patterns.cancelled > 0);
}

#[test]
fn queue_wait_shedding_keeps_served_requests_fast_under_overload() {
    let mut back = service("back", 2, 10.0);
    back.shed = Some(ShedSpec {
        max_queue_length: None,
        max_queue_wait_ms: Some(50.0),
    });
    let (r, _) = run(scenario(vec![back], CallSpec::to("back"), 400.0, 10.0));
    let b = svc(&r, "back");
    assert!(b.rejected.shed > 1000, "shed {}", b.rejected.shed);
    assert!(b.mean_wait_ms <= 50.0, "mean wait {}", b.mean_wait_ms);
}

#[test]
fn adaptive_throttling_rejects_locally_in_proportion_to_the_backends_refusals() {
    let mut back = service("back", 1, 10.0);
    back.queue.capacity = Some(0); // accepts ~100/s of 1000/s
    let entry = CallSpec {
        throttle: Some(ThrottleSpec {
            k: 2.0,
            window_ms: 2_000.0,
        }),
        ..CallSpec::to("back")
    };
    let (r, _) = run(scenario(vec![back], entry, 1000.0, 20.0));
    let e = edge(&r, "arrivals->back");
    let sent_to_backend = e.sent - e.patterns.throttled;
    let accepted = svc(&r, "back").completed;
    // the backend sees about K times what it accepts, not ten times
    let ratio = sent_to_backend as f64 / accepted as f64;
    assert!(
        (1.6..2.6).contains(&ratio),
        "backend sees {ratio} x what it accepts"
    );
}

#[test]
fn parallel_calls_share_the_deadline_budget() {
    let mut front = service("front", 10, 1.0);
    front.call_mode = CallMode::Parallel;
    let budget = || {
        Some(Timeout::Deadline {
            budget_ms: 200.0,
            margin_ms: 0.0,
        })
    };
    front.calls = vec![
        CallSpec {
            timeout: budget(),
            ..CallSpec::to("x")
        },
        CallSpec {
            timeout: budget(),
            ..CallSpec::to("y")
        },
    ];
    let x = service("x", 10, 150.0);
    let y = service("y", 10, 150.0);
    let entry = CallSpec {
        timeout: budget(),
        ..CallSpec::to("front")
    };
    let (r, _) = run(scenario(
        vec![front.clone(), x.clone(), y.clone()],
        entry.clone(),
        5.0,
        5.0,
    ));
    // in parallel both fit in the budget
    assert_eq!(r.global.ok, r.global.requests);
    front.call_mode = CallMode::Sequential;
    let (r, _) = run(scenario(vec![front, x, y], entry, 5.0, 5.0));
    // one after the other, the second runs out of budget
    assert_eq!(r.global.ok, 0);
}

// ----- the presets -----------------------------------------------------------------------------

fn preset(id: &str, v: Variant) -> (Report, Simulation) {
    run(presets::find(id).unwrap().scenario(v).unwrap())
}

#[test]
fn flash_sale_bad_collapses_fixed_holds() {
    let (bad, _) = preset("flash-sale", Variant::Bad);
    let (fixed, _) = preset("flash-sale", Variant::Fixed);
    assert!(
        bad.global.success_rate < 60.0,
        "bad {}",
        bad.global.success_rate
    );
    assert!(svc(&bad, "frontend").rejected.queue_full > 10_000);
    assert!(
        fixed.global.success_rate > 99.0,
        "fixed {}",
        fixed.global.success_rate
    );
    assert!(
        fixed.global.degradation.minimal > 10_000,
        "served from the cache"
    );
}

#[test]
fn retry_amplification_bad_stays_down_fixed_recovers() {
    let (bad, sb) = preset("retry-amplification", Variant::Bad);
    let (fixed, sf) = preset("retry-amplification", Variant::Fixed);
    assert!(bad.global.success_rate < 40.0);
    assert!(fixed.global.success_rate > 70.0);
    // after the fault (30 s) and a settling second
    let after = |sim: &Simulation| -> (u64, u64) {
        sim.series()
            .iter()
            .filter(|x| x.t_s > 32.0)
            .fold((0, 0), |(ok, n), x| {
                (ok + x.ok, n + x.ok + x.errors + x.timeouts + x.rejected)
            })
    };
    let (ok_b, n_b) = after(&sb);
    let (ok_f, n_f) = after(&sf);
    assert!(ok_b * 10 < n_b, "bad: {ok_b} of {n_b} after the fault");
    assert!(
        ok_f * 100 >= n_f * 99,
        "fixed: {ok_f} of {n_f} after the fault"
    );
    assert!(bad.global.attempts_per_request > 20.0);
    assert!(fixed.global.attempts_per_request < 5.0);
}

#[test]
fn thundering_herd_bad_breakers_move_in_step_fixed_spread_out() {
    let (_, sb) = preset("thundering-herd", Variant::Bad);
    let (_, sf) = preset("thundering-herd", Variant::Fixed);
    let recovery = |sim: &Simulation| -> (u64, usize) {
        let w: Vec<_> = sim
            .series()
            .iter()
            .filter(|x| x.t_s > 23.0 && x.t_s <= 38.0)
            .collect();
        let ok = w.iter().map(|x| x.ok).sum();
        // seconds in which every breaker was open at once
        let all_open = w.iter().filter(|x| x.breakers_open == 20).count();
        (ok, all_open)
    };
    let (ok_b, all_b) = recovery(&sb);
    let (ok_f, all_f) = recovery(&sf);
    assert!(
        ok_b * 2 < ok_f,
        "bad served {ok_b}, fixed {ok_f} while the api was cold"
    );
    assert!(all_b >= 5, "bad: all breakers open together in {all_b} s");
    assert!(all_f <= 1, "fixed: all breakers open together in {all_f} s");
}

#[test]
fn ambiguous_failure_bad_charges_twice_fixed_never() {
    let (bad, sb) = preset("ambiguous-failure", Variant::Bad);
    let (fixed, _) = preset("ambiguous-failure", Variant::Fixed);
    let dup = |r: &Report| edge(r, "checkout->payment").patterns.duplicates;
    assert!(dup(&bad) > 300, "bad duplicates {}", dup(&bad));
    assert_eq!(dup(&fixed), 0);
    assert!(edge(&fixed, "checkout->payment").patterns.deduplicated > 300);
    // which faults make duplicates: lost replies and slowness do; a crash does not
    let in_window = |a: f64, b: f64| -> u64 {
        sb.series()
            .iter()
            .filter(|x| x.t_s > a && x.t_s <= b)
            .map(|x| x.duplicates)
            .sum()
    };
    assert!(in_window(30.0, 41.0) > 200, "reply loss");
    assert!(in_window(50.0, 61.0) > 50, "slow payment");
    assert_eq!(
        in_window(71.0, 76.0),
        0,
        "crash: nothing executed, nothing duplicated"
    );
}

// ----- connect and adaptive timeouts ---------------------------------------------------------

#[test]
fn a_connect_timeout_fails_fast_when_no_replica_answers() {
    let back = service("back", 10, 1.0);
    let crashed = |connect: Option<f64>| {
        let mut s = scenario(
            vec![back.clone()],
            CallSpec {
                timeout_ms: Some(1000.0),
                connect_timeout_ms: connect,
                network: faultline::sim::scenario::NetworkSpec {
                    delay_ms: 5.0,
                    ..Default::default()
                },
                ..CallSpec::to("back")
            },
            10.0,
            5.0,
        );
        s.faults = vec![FaultSpec {
            at_s: 0.0,
            duration_s: None,
            fault: Fault::Crash {
                service: "back".into(),
                replica: None,
            },
        }];
        run(s).0
    };
    let slow = crashed(None);
    let fast = crashed(Some(50.0));
    assert_eq!(slow.global.latency_ms.p50, 1000.0, "the request timeout");
    assert_eq!(fast.global.latency_ms.max, 50.0, "the connect timeout");
    let e = edge(&fast, "arrivals->back");
    assert_eq!(e.patterns.connect_failures, e.sent);
    assert_eq!(fast.global.timeouts, fast.global.requests);
}

#[test]
fn an_adaptive_timeout_follows_recent_latencies() {
    let mut back = service("back", 100, 0.0);
    back.latency = Latency::Bimodal {
        fast_ms: 10.0,
        slow_ms: 1000.0,
        slow_fraction: 0.05,
    };
    let entry = CallSpec {
        timeout: Some(Timeout::Adaptive {
            percentile: 90.0,
            factor: 2.0,
            min_ms: 5.0,
            max_ms: 5000.0,
            window: 100,
        }),
        ..CallSpec::to("back")
    };
    let (r, _) = run(scenario(vec![back], entry, 100.0, 20.0));
    // the 90th percentile of recent successes is the fast mode: slow calls time out at ~20 ms
    let share = r.global.timeouts as f64 / r.global.requests as f64;
    assert!((0.03..0.07).contains(&share), "{share}");
    assert!(
        r.global.latency_ms.p99 < 25.0,
        "p99 {}",
        r.global.latency_ms.p99
    );
}
