//! Circuit breaker rules, one test per rule: Resilience4j's state machine, Polly v8's advanced
//! breaker, the consecutive-failures breaker, the JSON replay tool, and random-sequence invariants.
#![cfg(not(target_arch = "wasm32"))]

use faultline::sim::patterns::circuit_breaker::*;
use proptest::prelude::*;

// ----- helpers --------------------------------------------------------------------------------

fn breaker(config: BreakerConfig) -> CircuitBreaker {
    match CircuitBreaker::new(config) {
        Ok(b) => b,
        Err(e) => panic!("config should be valid: {e}"),
    }
}

fn r4j(config: Resilience4jConfig) -> CircuitBreaker {
    breaker(BreakerConfig::Resilience4j(config))
}

/// Window 10, minimum 5, threshold 50 %, wait 1000 ms, 3 half-open permits.
fn small() -> Resilience4jConfig {
    Resilience4jConfig {
        sliding_window_size: 10,
        minimum_number_of_calls: 5,
        wait_duration_in_open_state_ms: Some(1000),
        permitted_number_of_calls_in_half_open_state: 3,
        ..Default::default()
    }
}

/// Asks permission and, if given, records the outcome.
fn call(b: &mut CircuitBreaker, at: u64, outcome: Outcome, duration: u64) -> bool {
    let ok = b.try_acquire(at);
    if ok {
        b.on_result(at, outcome, duration);
    }
    ok
}

fn fail(b: &mut CircuitBreaker, at: u64) -> bool {
    call(b, at, Outcome::Failure, 0)
}

fn succeed(b: &mut CircuitBreaker, at: u64) -> bool {
    call(b, at, Outcome::Success, 0)
}

/// A breaker of `small()` opened at t = 100 by five failures.
fn opened_small() -> CircuitBreaker {
    let mut b = r4j(small());
    for _ in 0..5 {
        fail(&mut b, 100);
    }
    assert_eq!(b.state(), State::Open);
    b
}

/// `opened_small()` moved to HALF_OPEN at t = 1101.
fn half_open_small() -> CircuitBreaker {
    let mut b = opened_small();
    b.advance_to(1101);
    b.transition_to(State::HalfOpen, 1101).ok();
    assert_eq!(b.state(), State::HalfOpen);
    assert_eq!(b.half_open_permits(), Some(3));
    b
}

// ----- Resilience4j: CLOSED window rules ------------------------------------------------------

#[test]
fn below_minimum_calls_rates_read_minus_one_and_nothing_trips() {
    let mut b = r4j(small());
    for t in 0..4 {
        assert!(fail(&mut b, t));
    }
    let m = b.metrics();
    assert_eq!((m.failure_rate, m.slow_call_rate), (-1.0, -1.0));
    assert_eq!((m.buffered, m.failed), (4, 4));
    assert_eq!(b.state(), State::Closed);
    assert!(fail(&mut b, 4));
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.metrics().failure_rate, 100.0);
    assert_eq!(b.metrics().slow_call_rate, 0.0);
}

#[test]
fn failure_rate_exactly_at_threshold_opens() {
    let mut b = r4j(Resilience4jConfig {
        sliding_window_size: 4,
        minimum_number_of_calls: 4,
        ..small()
    });
    succeed(&mut b, 0);
    fail(&mut b, 1);
    succeed(&mut b, 2);
    assert_eq!(b.state(), State::Closed);
    fail(&mut b, 3);
    assert_eq!(b.metrics().failure_rate, 50.0);
    assert_eq!(b.state(), State::Open);
}

#[test]
fn failure_rate_below_threshold_stays_closed() {
    let mut b = r4j(Resilience4jConfig {
        sliding_window_size: 4,
        minimum_number_of_calls: 4,
        ..small()
    });
    for t in 0..3 {
        succeed(&mut b, t);
    }
    fail(&mut b, 3);
    assert_eq!(b.metrics().failure_rate, 25.0);
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn count_window_keeps_only_the_last_n_calls() {
    let mut b = r4j(small());
    for t in 0..2 {
        fail(&mut b, t);
    }
    for t in 2..12 {
        succeed(&mut b, t);
    }
    let m = b.metrics();
    assert_eq!((m.buffered, m.failed, m.failure_rate), (10, 0, 0.0));
}

#[test]
fn slow_call_is_strictly_longer_than_the_threshold() {
    let mut b = r4j(Resilience4jConfig {
        sliding_window_size: 2,
        minimum_number_of_calls: 2,
        slow_call_duration_threshold_ms: 100,
        slow_call_rate_threshold: 50.0,
        ..small()
    });
    call(&mut b, 0, Outcome::Success, 100);
    call(&mut b, 1, Outcome::Success, 100);
    assert_eq!(b.metrics().slow, 0);
    assert_eq!(b.metrics().slow_call_rate, 0.0);
    assert_eq!(b.state(), State::Closed);
    call(&mut b, 2, Outcome::Success, 101);
    let m = b.metrics();
    assert_eq!((m.slow, m.slow_call_rate, m.failure_rate), (1, 50.0, 0.0));
    assert_eq!(b.state(), State::Open);
}

#[test]
fn slow_failures_count_in_both_rates() {
    let mut b = r4j(Resilience4jConfig {
        sliding_window_size: 4,
        minimum_number_of_calls: 4,
        slow_call_duration_threshold_ms: 10,
        failure_rate_threshold: 100.0,
        slow_call_rate_threshold: 100.0,
        ..small()
    });
    call(&mut b, 0, Outcome::Failure, 11);
    for t in 1..4 {
        call(&mut b, t, Outcome::Success, 5);
    }
    let m = b.metrics();
    assert_eq!(
        (m.failed, m.slow, m.failure_rate, m.slow_call_rate),
        (1, 1, 25.0, 25.0)
    );
}

#[test]
fn count_based_minimum_is_clamped_to_window_size() {
    let config = Resilience4jConfig {
        sliding_window_size: 5,
        minimum_number_of_calls: 100,
        ..small()
    };
    assert_eq!(config.effective_minimum_number_of_calls(), 5);
    let mut b = r4j(config);
    for t in 0..4 {
        fail(&mut b, t);
    }
    assert_eq!(b.state(), State::Closed);
    fail(&mut b, 4);
    assert_eq!(b.state(), State::Open);
}

#[test]
fn time_based_minimum_is_not_clamped() {
    let config = Resilience4jConfig {
        sliding_window_type: SlidingWindowType::TimeBased,
        sliding_window_size: 2,
        minimum_number_of_calls: 5,
        ..small()
    };
    assert_eq!(config.effective_minimum_number_of_calls(), 5);
    let mut b = r4j(config);
    for t in 0..4 {
        fail(&mut b, t);
    }
    assert_eq!(b.metrics().failure_rate, -1.0);
    fail(&mut b, 4);
    assert_eq!(b.state(), State::Open);
}

#[test]
fn time_based_buckets_expire_by_epoch_second() {
    let mut b = r4j(Resilience4jConfig {
        sliding_window_type: SlidingWindowType::TimeBased,
        sliding_window_size: 10,
        minimum_number_of_calls: 3,
        ..small()
    });
    fail(&mut b, 0);
    fail(&mut b, 999);
    succeed(&mut b, 1000);
    // Three calls in the window: 2 of 3 failed.
    let m = b.metrics();
    assert_eq!(m.buffered, 3);
    assert!((m.failure_rate - 66.666_664).abs() < 1e-4);
    assert_eq!(b.state(), State::Open);

    let mut b = r4j(Resilience4jConfig {
        sliding_window_type: SlidingWindowType::TimeBased,
        sliding_window_size: 10,
        minimum_number_of_calls: 3,
        ..small()
    });
    fail(&mut b, 0);
    fail(&mut b, 999);
    succeed(&mut b, 9_999);
    // Second 9 still sees second 0: 3 calls, 2 failed → opens.
    assert_eq!(b.state(), State::Open);

    let mut b = r4j(Resilience4jConfig {
        sliding_window_type: SlidingWindowType::TimeBased,
        sliding_window_size: 10,
        minimum_number_of_calls: 3,
        ..small()
    });
    fail(&mut b, 0);
    fail(&mut b, 999);
    // At 10 000 ms (epoch second 10) the bucket of second 0 has left the window.
    fail(&mut b, 10_000);
    let m = b.metrics();
    assert_eq!((m.buffered, m.failed, m.failure_rate), (1, 1, -1.0));
    assert_eq!(b.state(), State::Closed);
    // Reading later shows the window emptied by time alone.
    b.advance_to(20_000);
    assert_eq!(b.metrics().buffered, 0);
}

// ----- Resilience4j: OPEN --------------------------------------------------------------------

#[test]
fn open_rejects_and_counts_not_permitted() {
    let mut b = opened_small();
    assert!(!b.try_acquire(500));
    assert!(!b.try_acquire(600));
    assert_eq!(b.metrics().not_permitted, 2);
    // OPEN keeps reporting the window that tripped it.
    let m = b.metrics();
    assert_eq!((m.buffered, m.failed, m.failure_rate), (5, 5, 100.0));
}

#[test]
fn open_to_half_open_only_strictly_after_the_wait() {
    let mut b = opened_small(); // opened at 100, wait 1000 → retry after 1100
    assert!(!b.try_acquire(1100));
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.metrics().not_permitted, 1);
    assert!(b.try_acquire(1101));
    assert_eq!(b.state(), State::HalfOpen);
    assert_eq!(b.half_open_permits(), Some(2));
    // HALF_OPEN has a fresh window and counter.
    assert_eq!(b.metrics().buffered, 0);
    assert_eq!(b.metrics().not_permitted, 0);
}

#[test]
fn automatic_transition_fires_at_the_end_of_the_wait() {
    let mut b = r4j(Resilience4jConfig {
        automatic_transition_from_open_to_half_open_enabled: true,
        ..small()
    });
    for _ in 0..5 {
        fail(&mut b, 100);
    }
    assert_eq!(b.next_automatic_transition(), Some(1100));
    b.advance_to(1099);
    assert_eq!(b.state(), State::Open);
    b.advance_to(1100);
    assert_eq!(b.state(), State::HalfOpen);
    assert_eq!(b.next_automatic_transition(), None);
}

#[test]
fn without_automatic_transition_open_waits_for_a_call() {
    let mut b = opened_small();
    assert_eq!(b.next_automatic_transition(), None);
    b.advance_to(1_000_000);
    assert_eq!(b.state(), State::Open);
}

// ----- Resilience4j: HALF_OPEN ---------------------------------------------------------------

#[test]
fn half_open_permits_exactly_the_configured_calls() {
    let mut b = half_open_small();
    assert!(b.try_acquire(1200));
    assert!(b.try_acquire(1200));
    assert!(b.try_acquire(1200));
    assert!(!b.try_acquire(1200));
    assert_eq!(b.metrics().not_permitted, 1);
    assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn ignored_outcome_returns_its_half_open_permit() {
    let mut b = half_open_small();
    assert!(b.try_acquire(1200));
    assert_eq!(b.half_open_permits(), Some(2));
    b.on_result(1200, Outcome::Ignored, 5);
    assert_eq!(b.half_open_permits(), Some(3));
    assert_eq!(b.metrics().buffered, 0);
    // Never more than configured.
    b.on_result(1200, Outcome::Ignored, 5);
    assert_eq!(b.half_open_permits(), Some(3));
}

#[test]
fn half_open_two_of_three_failed_reopens() {
    let mut b = half_open_small();
    fail(&mut b, 1200);
    succeed(&mut b, 1201);
    assert_eq!(b.state(), State::HalfOpen);
    fail(&mut b, 1202);
    assert_eq!(b.state(), State::Open);
    let m = b.metrics();
    assert_eq!((m.buffered, m.failed), (3, 2));
    assert!((m.failure_rate - 66.666_664).abs() < 1e-4);
}

#[test]
fn half_open_one_of_three_failed_closes_with_a_fresh_window() {
    let mut b = half_open_small();
    fail(&mut b, 1200);
    succeed(&mut b, 1201);
    succeed(&mut b, 1202);
    assert_eq!(b.state(), State::Closed);
    let m = b.metrics();
    assert_eq!((m.buffered, m.failure_rate), (0, -1.0));
}

#[test]
fn half_open_decides_at_min_of_minimum_calls_and_permits() {
    // Resilience4j's half-open window clamps minimumNumberOfCalls to the permitted calls, so
    // with minimum 2 and 3 permits it decides after 2 calls.
    let mut b = r4j(Resilience4jConfig {
        sliding_window_size: 2,
        minimum_number_of_calls: 2,
        ..small()
    });
    fail(&mut b, 0);
    fail(&mut b, 0);
    assert_eq!(b.state(), State::Open);
    assert!(b.try_acquire(1001));
    b.on_result(1001, Outcome::Success, 0);
    assert!(succeed(&mut b, 1002));
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn max_wait_in_half_open_goes_back_to_open() {
    let mut b = r4j(Resilience4jConfig {
        max_wait_duration_in_half_open_state_ms: 500,
        ..small()
    });
    for _ in 0..5 {
        fail(&mut b, 100);
    }
    assert!(b.try_acquire(1101));
    assert_eq!(b.next_automatic_transition(), Some(1601));
    b.advance_to(1600);
    assert_eq!(b.state(), State::HalfOpen);
    b.advance_to(1601);
    assert_eq!(b.state(), State::Open);
    // Re-opened at 1601: retry strictly after 2601.
    assert!(!b.try_acquire(2601));
    assert!(b.try_acquire(2602));
}

#[test]
fn max_wait_in_half_open_can_lead_to_closed() {
    let mut b = r4j(Resilience4jConfig {
        max_wait_duration_in_half_open_state_ms: 500,
        transition_to_state_after_wait_duration: State::Closed,
        ..small()
    });
    for _ in 0..5 {
        fail(&mut b, 100);
    }
    assert!(b.try_acquire(1101));
    b.advance_to(1601);
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn zero_max_wait_waits_for_the_permitted_calls() {
    let mut b = half_open_small();
    assert_eq!(b.next_automatic_transition(), None);
    b.advance_to(10_000_000);
    assert_eq!(b.state(), State::HalfOpen);
}

// ----- Resilience4j: special states and manual transitions -----------------------------------

#[test]
fn forced_open_never_leaves_by_itself() {
    let mut b = r4j(Resilience4jConfig {
        automatic_transition_from_open_to_half_open_enabled: true,
        max_wait_duration_in_half_open_state_ms: 10,
        ..small()
    });
    b.transition_to(State::ForcedOpen, 0).ok();
    assert_eq!(b.next_automatic_transition(), None);
    for t in [0, 1_000, 1_000_000, u64::MAX] {
        assert!(!b.try_acquire(t));
        assert_eq!(b.state(), State::ForcedOpen);
    }
    assert_eq!(b.metrics().not_permitted, 4);
    assert_eq!(b.metrics().failure_rate, -1.0);
}

#[test]
fn disabled_permits_everything_and_records_nothing() {
    let mut b = r4j(small());
    b.transition_to(State::Disabled, 0).ok();
    for t in 0..50 {
        assert!(fail(&mut b, t));
    }
    assert_eq!(b.state(), State::Disabled);
    let m = b.metrics();
    assert_eq!(
        (
            m.failure_rate,
            m.slow_call_rate,
            m.buffered,
            m.failed,
            m.not_permitted
        ),
        (-1.0, -1.0, 0, 0, 0)
    );
}

#[test]
fn metrics_only_records_but_never_trips() {
    let mut b = r4j(small());
    b.transition_to(State::MetricsOnly, 0).ok();
    for t in 0..20 {
        assert!(fail(&mut b, t));
    }
    assert_eq!(b.state(), State::MetricsOnly);
    let m = b.metrics();
    assert_eq!((m.failure_rate, m.buffered, m.failed), (100.0, 10, 10));
}

#[test]
fn transition_to_closed_resets_the_window() {
    let mut b = r4j(small());
    fail(&mut b, 0);
    fail(&mut b, 1);
    b.transition_to(State::Closed, 2).ok();
    assert_eq!(b.metrics().buffered, 0);
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn transition_to_open_keeps_the_window_and_restarts_the_wait() {
    let mut b = r4j(small());
    fail(&mut b, 0);
    fail(&mut b, 1);
    b.transition_to(State::Open, 10).ok();
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.metrics().buffered, 2);
    // OPEN → OPEN is allowed and starts a new wait.
    b.transition_to(State::Open, 500).ok();
    assert!(!b.try_acquire(1500));
    assert!(b.try_acquire(1501));
}

#[test]
fn every_manual_transition_is_accepted() {
    for from in State::ALL {
        for to in State::ALL {
            let mut b = r4j(small());
            assert!(b.transition_to(from, 0).is_ok());
            assert!(b.transition_to(to, 1).is_ok());
            assert_eq!(b.state(), to, "{from} → {to}");
        }
    }
}

// ----- Resilience4j: growing and jittered open-state wait ------------------------------------

fn growing(randomization_factor: Option<f64>) -> Resilience4jConfig {
    Resilience4jConfig {
        sliding_window_size: 1,
        minimum_number_of_calls: 1,
        permitted_number_of_calls_in_half_open_state: 1,
        wait_interval: Some(WaitInterval {
            initial_interval_ms: 1000,
            multiplier: Some(2.0),
            max_interval_ms: Some(5000),
            randomization_factor,
        }),
        ..Default::default()
    }
}

/// Opens at `t`, then fails the half-open probe as soon as allowed; returns the wait observed
/// (time from opening until the first permitted call minus the 1 ms "strictly after").
fn observe_wait(b: &mut Resilience4jBreaker, opened_at: u64) -> u64 {
    let Some(until) = b.retry_after_ms() else {
        panic!("breaker should be open");
    };
    assert!(!b.try_acquire(until));
    assert!(b.try_acquire(until + 1));
    until - opened_at
}

#[test]
fn exponential_open_wait_grows_caps_and_resets_on_close() {
    let mut b = match Resilience4jBreaker::new(growing(None)) {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    };
    b.try_acquire(0);
    b.on_result(0, Outcome::Failure, 0);
    let mut t = 0;
    let mut waits = Vec::new();
    for _ in 0..5 {
        let w = observe_wait(&mut b, t);
        waits.push(w);
        t += w + 1;
        b.on_result(t, Outcome::Failure, 0); // probe fails: re-open at t
        assert_eq!(b.state(), State::Open);
    }
    assert_eq!(waits, vec![1000, 2000, 4000, 5000, 5000]);
    assert_eq!(b.attempts(), 6);
    // A successful probe closes and resets the attempts: the next opening waits 1000 again.
    let w = observe_wait(&mut b, t);
    t += w + 1;
    b.on_result(t, Outcome::Success, 0);
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.attempts(), 0);
    b.try_acquire(t);
    b.on_result(t, Outcome::Failure, 0);
    assert_eq!(b.open_wait_ms(), Some(1000));
}

#[test]
fn jittered_open_wait_stays_within_bounds() {
    let config = Resilience4jConfig {
        wait_interval: Some(WaitInterval {
            initial_interval_ms: 1000,
            multiplier: None,
            max_interval_ms: None,
            randomization_factor: Some(0.5),
        }),
        wait_duration_in_open_state_ms: None,
        ..small()
    };
    let mut seen = Vec::new();
    for u in [0.0, 0.25, 0.5, 0.75, 0.999_999] {
        let mut b = r4j(config.clone());
        b.set_random_sample(u);
        for _ in 0..5 {
            fail(&mut b, 0);
        }
        let CircuitBreaker::Resilience4j(inner) = &b else {
            panic!("resilience4j breaker expected");
        };
        let Some(w) = inner.open_wait_ms() else {
            panic!("open expected");
        };
        assert!((500..=1500).contains(&w), "wait {w} for u {u}");
        seen.push(w);
    }
    // (long) (500 + u × 1001)
    assert_eq!(seen, vec![500, 750, 1000, 1250, 1500]);
}

#[test]
fn exponential_random_backoff_caps_after_randomizing() {
    let mut b = match Resilience4jBreaker::new(growing(Some(0.5))) {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    };
    b.set_random_sample(0.999_999);
    b.try_acquire(0);
    b.on_result(0, Outcome::Failure, 0);
    // attempt 1: randomize(1000) with u≈1 → 1500; attempt 3: randomize(4000) → 6000 → capped 5000.
    assert_eq!(b.open_wait_ms(), Some(1500));
    b.transition_to(State::Open, 0);
    b.transition_to(State::Open, 0);
    assert_eq!(b.attempts(), 3);
    assert_eq!(b.open_wait_ms(), Some(5000));
}

// ----- Polly v8 advanced breaker -------------------------------------------------------------

fn polly(min: u32, ratio: f64) -> CircuitBreaker {
    breaker(BreakerConfig::Polly(PollyConfig {
        failure_ratio: ratio,
        minimum_throughput: min,
        sampling_duration_ms: 10_000,
        break_duration_ms: 5_000,
    }))
}

#[test]
fn polly_defaults_are_pollys() {
    let c = PollyConfig::default();
    assert_eq!(c.failure_ratio, 0.1);
    assert_eq!(c.sampling_duration_ms, 30_000);
    assert_eq!(c.minimum_throughput, 100);
    assert_eq!(c.break_duration_ms, 5_000);
}

#[test]
fn polly_needs_minimum_throughput() {
    let mut b = polly(4, 0.5);
    for t in 0..3 {
        fail(&mut b, t);
    }
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.metrics().failure_rate, -1.0);
    fail(&mut b, 3);
    assert_eq!(b.state(), State::Open);
}

#[test]
fn polly_breaks_at_ratio_equal_to_threshold_and_only_on_a_failure() {
    let mut b = polly(4, 0.5);
    succeed(&mut b, 0);
    succeed(&mut b, 1);
    fail(&mut b, 2);
    assert_eq!(b.state(), State::Closed);
    fail(&mut b, 3);
    assert_eq!(b.metrics().failure_rate, 50.0);
    assert_eq!(b.state(), State::Open);

    // Failures first then successes: the ratio is only judged on a failure.
    let mut b = polly(4, 0.5);
    fail(&mut b, 0);
    fail(&mut b, 1);
    succeed(&mut b, 2);
    succeed(&mut b, 3);
    assert_eq!(b.metrics().failure_rate, 50.0);
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn polly_forgets_calls_older_than_the_sampling_duration() {
    let mut b = polly(4, 0.5);
    fail(&mut b, 0);
    fail(&mut b, 1);
    fail(&mut b, 2);
    // 10 s later the first window (started at 0) is gone.
    fail(&mut b, 10_000);
    assert_eq!(b.metrics().buffered, 1);
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn polly_single_probe_after_break_duration() {
    let mut b = polly(2, 0.5);
    fail(&mut b, 0);
    fail(&mut b, 100);
    assert_eq!(b.state(), State::Open);
    assert!(!b.try_acquire(5_099));
    // Polly half-opens when now >= blockedUntil (inclusive).
    assert!(b.try_acquire(5_100));
    assert_eq!(b.state(), State::HalfOpen);
    assert!(!b.try_acquire(5_100));
    assert!(!b.try_acquire(50_000));
    assert_eq!(b.metrics().not_permitted, 3);
    // The probe fails: broken again for the break duration.
    b.on_result(50_000, Outcome::Failure, 0);
    assert_eq!(b.state(), State::Open);
    assert!(!b.try_acquire(54_999));
    assert!(b.try_acquire(55_000));
    b.on_result(55_000, Outcome::Success, 0);
    assert_eq!(b.state(), State::Closed);
    // Closing resets the health metrics.
    assert_eq!(b.metrics().buffered, 0);
}

#[test]
fn polly_refuses_resilience4j_only_states() {
    let mut b = polly(2, 0.5);
    for s in [State::HalfOpen, State::Disabled, State::MetricsOnly] {
        assert!(b.transition_to(s, 0).is_err());
    }
    assert!(b.transition_to(State::ForcedOpen, 0).is_ok());
    assert!(!b.try_acquire(u64::MAX));
    assert!(b.transition_to(State::Closed, 1).is_ok());
    assert!(b.try_acquire(1));
}

// ----- consecutive failures ------------------------------------------------------------------

fn consecutive(n: u32) -> CircuitBreaker {
    breaker(BreakerConfig::ConsecutiveFailures(
        ConsecutiveFailuresConfig {
            failure_threshold: n,
            break_duration_ms: 1_000,
        },
    ))
}

#[test]
fn consecutive_breaker_opens_after_n_failures_in_a_row() {
    let mut b = consecutive(3);
    fail(&mut b, 0);
    fail(&mut b, 1);
    assert_eq!(b.metrics().failed, 2);
    fail(&mut b, 2);
    assert_eq!(b.state(), State::Open);
}

#[test]
fn consecutive_breaker_success_resets_the_count() {
    let mut b = consecutive(3);
    fail(&mut b, 0);
    fail(&mut b, 1);
    succeed(&mut b, 2);
    assert_eq!(b.metrics().failed, 0);
    fail(&mut b, 3);
    fail(&mut b, 4);
    assert_eq!(b.state(), State::Closed);
    fail(&mut b, 5);
    assert_eq!(b.state(), State::Open);
}

#[test]
fn consecutive_breaker_probes_once_after_the_break() {
    let mut b = consecutive(1);
    fail(&mut b, 0);
    assert!(!b.try_acquire(999));
    assert!(b.try_acquire(1_000));
    assert!(!b.try_acquire(1_000));
    b.on_result(1_000, Outcome::Failure, 0);
    assert_eq!(b.state(), State::Open);
    assert!(b.try_acquire(2_000));
    b.on_result(2_000, Outcome::Success, 0);
    assert_eq!(b.state(), State::Closed);
}

// ----- configuration validation --------------------------------------------------------------

fn r4j_error(config: Resilience4jConfig) -> String {
    match Resilience4jBreaker::new(config) {
        Ok(_) => panic!("config should be refused"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn invalid_resilience4j_configs_name_field_and_reason() {
    let d = Resilience4jConfig::default;
    let cases: Vec<(Resilience4jConfig, &str)> =
        vec![
        (
            Resilience4jConfig { failure_rate_threshold: 0.0, ..d() },
            "failure_rate_threshold: must be above 0 and at most 100, got 0",
        ),
        (
            Resilience4jConfig { failure_rate_threshold: 100.5, ..d() },
            "failure_rate_threshold: must be above 0 and at most 100, got 100.5",
        ),
        (
            Resilience4jConfig { slow_call_rate_threshold: -1.0, ..d() },
            "slow_call_rate_threshold: must be above 0 and at most 100, got -1",
        ),
        (
            Resilience4jConfig { slow_call_duration_threshold_ms: 0, ..d() },
            "slow_call_duration_threshold_ms: must be at least 1 ms",
        ),
        (
            Resilience4jConfig { permitted_number_of_calls_in_half_open_state: 0, ..d() },
            "permitted_number_of_calls_in_half_open_state: must be greater than 0",
        ),
        (
            Resilience4jConfig { sliding_window_size: 0, ..d() },
            "sliding_window_size: must be greater than 0",
        ),
        (
            Resilience4jConfig { minimum_number_of_calls: 0, ..d() },
            "minimum_number_of_calls: must be greater than 0",
        ),
        (
            Resilience4jConfig { wait_duration_in_open_state_ms: Some(0), ..d() },
            "wait_duration_in_open_state_ms: must be at least 1 ms",
        ),
        (
            Resilience4jConfig {
                transition_to_state_after_wait_duration: State::HalfOpen,
                ..d()
            },
            "transition_to_state_after_wait_duration: must be either OPEN or CLOSED, got HALF_OPEN",
        ),
        (
            Resilience4jConfig {
                wait_duration_in_open_state_ms: Some(10),
                wait_interval: Some(WaitInterval {
                    initial_interval_ms: 10,
                    multiplier: None,
                    max_interval_ms: None,
                    randomization_factor: None,
                }),
                ..d()
            },
            "wait_interval: cannot be combined with wait_duration_in_open_state_ms",
        ),
        (
            Resilience4jConfig {
                wait_interval: Some(WaitInterval {
                    initial_interval_ms: 10,
                    multiplier: Some(0.5),
                    max_interval_ms: None,
                    randomization_factor: None,
                }),
                ..d()
            },
            "wait_interval.multiplier: must be a finite number of at least 1, got 0.5",
        ),
        (
            Resilience4jConfig {
                wait_interval: Some(WaitInterval {
                    initial_interval_ms: 10,
                    multiplier: None,
                    max_interval_ms: None,
                    randomization_factor: Some(1.5),
                }),
                ..d()
            },
            "wait_interval.randomization_factor: must be between 0 and 1, got 1.5",
        ),
        (
            Resilience4jConfig {
                wait_interval: Some(WaitInterval {
                    initial_interval_ms: 0,
                    multiplier: None,
                    max_interval_ms: None,
                    randomization_factor: None,
                }),
                ..d()
            },
            "wait_interval.initial_interval_ms: must be at least 1 ms",
        ),
    ];
    for (config, expected) in cases {
        let got = r4j_error(config);
        assert!(
            got.starts_with(expected),
            "got {got:?}, expected {expected:?}"
        );
    }
}

#[test]
fn invalid_polly_configs_name_field_and_reason() {
    let cases = [
        (
            PollyConfig {
                failure_ratio: 1.5,
                ..Default::default()
            },
            "failure_ratio: must be between 0 and 1, got 1.5",
        ),
        (
            PollyConfig {
                minimum_throughput: 1,
                ..Default::default()
            },
            "minimum_throughput: must be at least 2",
        ),
        (
            PollyConfig {
                sampling_duration_ms: 499,
                ..Default::default()
            },
            "sampling_duration_ms: must be between 500 ms and 86400000 ms",
        ),
        (
            PollyConfig {
                break_duration_ms: 86_400_001,
                ..Default::default()
            },
            "break_duration_ms: must be between 500 ms and 86400000 ms",
        ),
    ];
    for (config, expected) in cases {
        let got = match CircuitBreaker::new(BreakerConfig::Polly(config)) {
            Ok(_) => panic!("should be refused"),
            Err(e) => e.to_string(),
        };
        assert!(got.starts_with(expected), "got {got:?}");
    }
    let got = CircuitBreaker::new(BreakerConfig::ConsecutiveFailures(
        ConsecutiveFailuresConfig {
            failure_threshold: 0,
            break_duration_ms: 1000,
        },
    ))
    .err()
    .map(|e| e.to_string());
    assert_eq!(
        got.as_deref(),
        Some("failure_threshold: must be at least 1 and at most 2147483647, got 0")
    );
}

// ----- replay ----------------------------------------------------------------------------------

fn replay_ok(input: &str) -> Vec<String> {
    match replay_json(input) {
        Ok(lines) => lines,
        Err(e) => panic!("replay failed: {e}"),
    }
}

fn replay_err(input: &str) -> String {
    match replay_json(input) {
        Ok(lines) => panic!("replay should fail, got {lines:?}"),
        Err(e) => e,
    }
}

#[test]
fn replay_emits_one_line_per_event() {
    let input = r#"{
      "config": {"sliding_window_size": 4, "minimum_number_of_calls": 2,
                 "wait_duration_in_open_state_ms": 1000,
                 "permitted_number_of_calls_in_half_open_state": 1},
      "events": [
        {"at_ms": 0, "kind": "call", "outcome": "failure", "duration_ms": 10},
        {"at_ms": 10, "kind": "call", "outcome": "success", "duration_ms": 10},
        {"at_ms": 1010, "kind": "acquire"},
        {"at_ms": 1011, "kind": "call", "outcome": "success", "duration_ms": 5},
        {"at_ms": 1012, "kind": "transition", "to": "FORCED_OPEN"},
        {"at_ms": 1013, "kind": "acquire"}
      ]
    }"#;
    let expected = [
        r#"{"at_ms":0,"permitted":true,"state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":1,"failed":1,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":10,"permitted":true,"state":"OPEN","failure_rate":50.0,"slow_call_rate":0.0,"buffered":2,"failed":1,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":1010,"permitted":false,"state":"OPEN","failure_rate":50.0,"slow_call_rate":0.0,"buffered":2,"failed":1,"slow":0,"not_permitted":1}"#,
        r#"{"at_ms":1011,"permitted":true,"state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":0,"failed":0,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":1012,"permitted":null,"state":"FORCED_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":0,"failed":0,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":1013,"permitted":false,"state":"FORCED_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":0,"failed":0,"slow":0,"not_permitted":1}"#,
    ];
    assert_eq!(replay_ok(input), expected);
}

#[test]
fn replay_fixture_files_match_their_expected_output() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/breaker");
    let mut checked = 0;
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("missing {}", dir.display());
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let input = std::fs::read_to_string(&path).unwrap_or_default();
        let expected_path = path.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        let got = replay_ok(&input).join("\n");
        assert_eq!(got.trim(), expected.trim(), "{}", path.display());
        checked += 1;
    }
    assert!(
        checked >= 2,
        "expected fixture scripts in {}",
        dir.display()
    );
}

#[test]
fn replay_polly_and_consecutive_kinds() {
    let lines = replay_ok(
        r#"{"config": {"kind": "consecutive_failures", "failure_threshold": 2, "break_duration_ms": 500},
            "events": [
              {"at_ms": 0, "kind": "call", "outcome": "failure"},
              {"at_ms": 1, "kind": "call", "outcome": "failure"},
              {"at_ms": 2, "kind": "acquire"},
              {"at_ms": 501, "kind": "call", "outcome": "success"}
            ]}"#,
    );
    let states: Vec<bool> = lines
        .iter()
        .map(|l| l.contains(r#""state":"CLOSED""#))
        .collect();
    assert_eq!(states, vec![true, false, false, true]);
    assert!(lines[1].contains(r#""state":"OPEN""#));
    assert!(lines[2].contains(r#""permitted":false"#));

    let lines = replay_ok(
        r#"{"config": {"kind": "polly", "minimum_throughput": 2, "failure_ratio": 0.5},
            "events": [{"at_ms": 0, "kind": "call", "outcome": "failure"},
                       {"at_ms": 1, "kind": "call", "outcome": "failure"}]}"#,
    );
    assert!(lines[1].contains(
        r#""state":"OPEN","failure_rate":100.0,"slow_call_rate":-1.0,"buffered":2,"failed":2"#
    ));
}

#[test]
fn replay_uses_the_random_sample_for_jitter() {
    let lines = replay_ok(
        r#"{"config": {"sliding_window_size": 1, "minimum_number_of_calls": 1,
                       "wait_interval": {"initial_interval_ms": 1000, "randomization_factor": 0.5}},
            "events": [
              {"at_ms": 0, "kind": "call", "outcome": "failure", "random": 0.0},
              {"at_ms": 500, "kind": "acquire"},
              {"at_ms": 501, "kind": "acquire"}
            ]}"#,
    );
    assert!(lines[1].contains(r#""permitted":false"#));
    assert!(lines[2].contains(r#""permitted":true,"state":"HALF_OPEN""#));
}

#[test]
fn replay_errors_name_the_place_and_the_reason() {
    let ev = |events: &str| format!(r#"{{"config": {{}}, "events": [{events}]}}"#);
    let cases: Vec<(String, &str)> = vec![
        ("{not json".to_string(), "invalid JSON: "),
        ("[]".to_string(), "input: must be an object with `config` and `events`"),
        (r#"{"events": []}"#.to_string(), "input: missing field `config`"),
        (r#"{"config": {}}"#.to_string(), "input: missing field `events`"),
        (r#"{"config": {}, "events": [], "x": 1}"#.to_string(), "input: unknown field `x`"),
        (r#"{"config": {}, "events": {}}"#.to_string(), "events: must be an array"),
        (
            r#"{"config": {"failure_rate_threshold": 0}, "events": []}"#.to_string(),
            "config.failure_rate_threshold: must be above 0 and at most 100, got 0",
        ),
        (
            r#"{"config": {"sliding_window_size": -3}, "events": []}"#.to_string(),
            "config.sliding_window_size: invalid value: integer `-3`",
        ),
        (
            r#"{"config": {"sliding_window_type": "SESSION"}, "events": []}"#.to_string(),
            "config.sliding_window_type: unknown variant `SESSION`",
        ),
        (
            r#"{"config": {"failure_rate": 50}, "events": []}"#.to_string(),
            "config.failure_rate: unknown field `failure_rate`, expected one of `failure_rate_threshold`",
        ),
        (
            r#"{"config": {"kind": "hystrix"}, "events": []}"#.to_string(),
            "config.kind: unknown kind \"hystrix\"",
        ),
        (
            r#"{"config": {"kind": "consecutive_failures"}, "events": []}"#.to_string(),
            "config.failure_threshold: missing field `failure_threshold`",
        ),
        (
            r#"{"config": {"kind": "polly", "minimum_throughput": 1}, "events": []}"#.to_string(),
            "config.minimum_throughput: must be at least 2",
        ),
        (ev("5"), "events[0]: must be an object, got 5"),
        (ev(r#"{"kind": "acquire"}"#), "events[0]: missing field `at_ms`"),
        (ev(r#"{"at_ms": -1, "kind": "acquire"}"#), "events[0].at_ms: must be a non-negative whole number"),
        (ev(r#"{"at_ms": 0}"#), "events[0]: missing field `kind`"),
        (ev(r#"{"at_ms": 0, "kind": "sleep"}"#), "events[0].kind: unknown kind \"sleep\""),
        (ev(r#"{"at_ms": 0, "kind": "call"}"#), "events[0]: missing field `outcome`"),
        (
            ev(r#"{"at_ms": 0, "kind": "call", "outcome": "timeout"}"#),
            "events[0].outcome: unknown outcome \"timeout\"",
        ),
        (
            ev(r#"{"at_ms": 0, "kind": "call", "outcome": "success", "duration_ms": "fast"}"#),
            "events[0].duration_ms: must be a non-negative whole number",
        ),
        (ev(r#"{"at_ms": 0, "kind": "transition"}"#), "events[0]: missing field `to`"),
        (
            ev(r#"{"at_ms": 0, "kind": "transition", "to": "AJAR"}"#),
            "events[0].to: unknown state \"AJAR\"",
        ),
        (
            ev(r#"{"at_ms": 0, "kind": "acquire", "outcome": "success"}"#),
            "events[0]: unknown field `outcome` for kind acquire",
        ),
        (
            ev(r#"{"at_ms": 0, "kind": "acquire", "random": 1.0}"#),
            "events[0].random: must be a number in [0, 1)",
        ),
        (
            ev(r#"{"at_ms": 5, "kind": "acquire"}, {"at_ms": 4, "kind": "acquire"}"#),
            "events[1].at_ms: time went back from 5 to 4",
        ),
        (
            r#"{"config": {"kind": "polly"}, "events": [{"at_ms": 0, "kind": "transition", "to": "DISABLED"}]}"#
                .to_string(),
            "events[0].to: a Polly breaker cannot be moved to DISABLED",
        ),
    ];
    for (input, expected) in cases {
        let got = replay_err(&input);
        assert!(
            got.starts_with(expected),
            "input {input}\n got {got:?}\n expected {expected:?}"
        );
    }
}

// ----- random sequences ------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Ev {
    Call(u64, u8, u64),
    Acquire(u64),
    Result(u64, u8, u64),
    Transition(u64, usize),
    Random(f64),
}

fn ev() -> impl Strategy<Value = Ev> {
    prop_oneof![
        4 => (0..3_000u64, 0..3u8, 0..300u64).prop_map(|(dt, o, d)| Ev::Call(dt, o, d)),
        2 => (0..3_000u64).prop_map(Ev::Acquire),
        2 => (0..3_000u64, 0..3u8, 0..300u64).prop_map(|(dt, o, d)| Ev::Result(dt, o, d)),
        1 => (0..3_000u64, 0..6usize).prop_map(|(dt, s)| Ev::Transition(dt, s)),
        1 => (0.0..1.0f64).prop_map(Ev::Random),
    ]
}

fn r4j_config() -> impl Strategy<Value = Resilience4jConfig> {
    (
        (1..=100u32, 1..=100u32, 1..=200u64, 1..=5u32, 0..=2_000u64),
        (
            any::<bool>(),
            1..=12u32,
            1..=15u32,
            1..=3_000u64,
            any::<bool>(),
        ),
        proptest::option::of((1..=2_000u64, 1.0..3.0f64, 1..=10_000u64, 0.0..=1.0f64)),
        any::<bool>(),
    )
        .prop_map(
            |(
                (fr, sr, slow_ms, permits, max_wait),
                (time, size, min, wait, auto),
                wi,
                to_closed,
            )| {
                let wait_interval = wi.map(|(initial, m, max, f)| WaitInterval {
                    initial_interval_ms: initial,
                    multiplier: Some(m),
                    max_interval_ms: Some(max),
                    randomization_factor: Some(f),
                });
                Resilience4jConfig {
                    failure_rate_threshold: fr as f32,
                    slow_call_rate_threshold: sr as f32,
                    slow_call_duration_threshold_ms: slow_ms,
                    permitted_number_of_calls_in_half_open_state: permits,
                    max_wait_duration_in_half_open_state_ms: max_wait,
                    transition_to_state_after_wait_duration: if to_closed {
                        State::Closed
                    } else {
                        State::Open
                    },
                    sliding_window_type: if time {
                        SlidingWindowType::TimeBased
                    } else {
                        SlidingWindowType::CountBased
                    },
                    sliding_window_size: size,
                    minimum_number_of_calls: min,
                    wait_duration_in_open_state_ms: if wait_interval.is_some() {
                        None
                    } else {
                        Some(wait)
                    },
                    automatic_transition_from_open_to_half_open_enabled: auto,
                    wait_interval,
                }
            },
        )
}

fn any_config() -> impl Strategy<Value = BreakerConfig> {
    prop_oneof![
        3 => r4j_config().prop_map(BreakerConfig::Resilience4j),
        1 => (0.0..=1.0f64, 500..5_000u64, 2..10u32, 500..3_000u64).prop_map(|(r, s, m, b)| {
            BreakerConfig::Polly(PollyConfig {
                failure_ratio: r,
                sampling_duration_ms: s,
                minimum_throughput: m,
                break_duration_ms: b,
            })
        }),
        1 => (1..6u32, 500..3_000u64).prop_map(|(n, b)| {
            BreakerConfig::ConsecutiveFailures(ConsecutiveFailuresConfig {
                failure_threshold: n,
                break_duration_ms: b,
            })
        }),
    ]
}

fn outcome(o: u8) -> Outcome {
    match o {
        0 => Outcome::Success,
        1 => Outcome::Failure,
        _ => Outcome::Ignored,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_sequences_keep_the_invariants(config in any_config(), events in proptest::collection::vec(ev(), 0..200)) {
        let (window_bound, permits) = match &config {
            BreakerConfig::Resilience4j(c) => (
                (c.sliding_window_type == SlidingWindowType::CountBased)
                    .then_some(u64::from(c.sliding_window_size.max(c.permitted_number_of_calls_in_half_open_state))),
                c.permitted_number_of_calls_in_half_open_state,
            ),
            _ => (None, 1),
        };
        let mut b = breaker(config);
        let mut now = 0u64;
        for e in events {
            match e {
                Ev::Call(dt, o, d) => { now += dt; call(&mut b, now, outcome(o), d); }
                Ev::Acquire(dt) => { now += dt; b.try_acquire(now); }
                Ev::Result(dt, o, d) => { now += dt; b.on_result(now, outcome(o), d); }
                Ev::Transition(dt, s) => { now += dt; let _ = b.transition_to(State::ALL[s], now); }
                Ev::Random(u) => b.set_random_sample(u),
            }
            let m = b.metrics();
            prop_assert!((-1.0..=100.0).contains(&m.failure_rate), "failure rate {}", m.failure_rate);
            prop_assert!((-1.0..=100.0).contains(&m.slow_call_rate), "slow rate {}", m.slow_call_rate);
            prop_assert!(m.failed <= m.buffered && m.slow <= m.buffered);
            if let Some(bound) = window_bound {
                prop_assert!(m.buffered <= bound, "buffered {} > {}", m.buffered, bound);
            }
            if let Some(left) = b.half_open_permits() {
                prop_assert!(left <= permits, "{} permits left of {}", left, permits);
            }
            if let Some(t) = b.next_automatic_transition() {
                prop_assert!(t > now, "transition at {} still pending at {}", t, now);
            }
        }
    }

    #[test]
    fn replay_never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
        let _ = replay_json(&s);
    }

    #[test]
    fn replay_never_panics_on_json_shaped_noise(
        at in proptest::collection::vec(any::<i64>(), 0..8),
        kinds in proptest::collection::vec(0..5usize, 0..8),
    ) {
        let kind_names = ["call", "acquire", "transition", "bogus", ""];
        let events: Vec<String> = at.iter().zip(kinds.iter()).map(|(t, k)| {
            format!(r#"{{"at_ms": {t}, "kind": "{}", "outcome": "failure", "to": "OPEN"}}"#, kind_names[*k])
        }).collect();
        let input = format!(r#"{{"config": {{"sliding_window_size": 2}}, "events": [{}]}}"#, events.join(","));
        let _ = replay_json(&input);
    }
}

#[test]
fn replay_survives_a_jump_to_the_end_of_time() {
    // Wait 0 ms (jitter), automatic half-open and a 1 ms half-open limit: an idle breaker cycles
    // every millisecond; the cycles are skipped in bulk and nothing loops at u64::MAX.
    let input = r#"{"config": {"sliding_window_size": 1, "minimum_number_of_calls": 1,
        "automatic_transition_from_open_to_half_open_enabled": true,
        "max_wait_duration_in_half_open_state_ms": 1,
        "wait_interval": {"initial_interval_ms": 1, "multiplier": 1.5, "max_interval_ms": 3,
                          "randomization_factor": 1.0}},
      "events": [{"at_ms": 0, "kind": "call", "outcome": "failure", "random": 0.1},
                 {"at_ms": 18446744073709551615, "kind": "acquire"}]}"#;
    let lines = replay_ok(input);
    assert_eq!(lines.len(), 2);
    assert!(lines[0].contains(r#""state":"HALF_OPEN""#), "{}", lines[0]);
    assert!(
        lines[1].contains(r#""permitted":true,"state":"HALF_OPEN""#),
        "{}",
        lines[1]
    );
}
