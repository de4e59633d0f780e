//! Circuit breakers as pure state machines with explicit time.
//!
//! Three kinds share one API ([`CircuitBreaker`]):
//!
//! * **Resilience4j** (2.x `CircuitBreakerStateMachine`): a count-based or time-based sliding
//!   window, failure-rate and slow-call-rate thresholds (tripping at `>=`), a minimum number of
//!   calls, a half-open state that lets a fixed number of trial calls through and judges them in a
//!   fresh count-based window, an open-state wait that may grow and jitter with each consecutive
//!   re-opening (`waitIntervalFunctionInOpenState`), and the special states `DISABLED`,
//!   `FORCED_OPEN` and `METRICS_ONLY`.
//! * **Polly v8** advanced breaker (`CircuitBreakerStrategyOptions`): failure ratio over a
//!   sampling duration split into ten rolling windows, a minimum throughput, a fixed break
//!   duration and a single half-open probe.
//! * **Consecutive failures** (Polly's simple behaviour): opens after N failures in a row; any
//!   success resets the count; one probe in half-open.
//!
//! Nothing here reads a clock or a random source: every entry point takes `now_ms`, and the
//! jittered open-state wait uses a caller-supplied number in `[0, 1)`
//! ([`CircuitBreaker::set_random_sample`]), so a run replays bit for bit.
//!
//! Time never goes back: a `now_ms` earlier than the latest time seen is treated as that latest
//! time. Before any operation the breaker first applies the automatic transitions due at or before
//! `now_ms` ([`CircuitBreaker::advance_to`]), so an automatic transition scheduled for exactly
//! `now_ms` happens before a call at `now_ms`.
//!
//! [`replay_json`] drives a breaker from a JSON script (the command line's `breaker` tool).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;
use std::fmt;

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/// Breaker states, named as Resilience4j names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    /// Calls flow; outcomes are recorded and may trip the breaker.
    Closed,
    /// Calls are rejected until the open-state wait has elapsed.
    Open,
    /// A limited number of trial calls decide between CLOSED and OPEN.
    HalfOpen,
    /// Resilience4j only: permits every call and records nothing.
    Disabled,
    /// Rejects every call and never leaves by itself (Polly calls it *isolated*).
    ForcedOpen,
    /// Resilience4j only: permits every call, records outcomes, never transitions.
    MetricsOnly,
}

impl State {
    /// Every state, in Resilience4j's order.
    pub const ALL: [State; 6] = [
        State::Closed,
        State::Open,
        State::HalfOpen,
        State::Disabled,
        State::ForcedOpen,
        State::MetricsOnly,
    ];

    /// The Resilience4j name (`CLOSED`, `HALF_OPEN`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            State::Closed => "CLOSED",
            State::Open => "OPEN",
            State::HalfOpen => "HALF_OPEN",
            State::Disabled => "DISABLED",
            State::ForcedOpen => "FORCED_OPEN",
            State::MetricsOnly => "METRICS_ONLY",
        }
    }

    /// Parses a Resilience4j state name (exact, upper case).
    pub fn parse(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a permitted call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Recorded as a success (possibly slow).
    Success,
    /// Recorded as a failure (possibly slow).
    Failure,
    /// Resilience4j: an ignored exception — not recorded, and its half-open permit is given back
    /// (`releasePermission`). Polly has no such category: an outcome its `ShouldHandle` rejects is
    /// an *unhandled* outcome, which Polly treats exactly like a success.
    Ignored,
}

impl Outcome {
    /// Parses `success`, `failure` or `ignored`.
    pub fn parse(name: &str) -> Option<Outcome> {
        match name {
            "success" => Some(Outcome::Success),
            "failure" => Some(Outcome::Failure),
            "ignored" => Some(Outcome::Ignored),
            _ => None,
        }
    }
}

/// Resilience4j's `SlidingWindowType`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SlidingWindowType {
    /// The last `sliding_window_size` calls.
    #[default]
    CountBased,
    /// The calls of the last `sliding_window_size` seconds, one bucket per epoch second.
    TimeBased,
}

/// A configuration value that breaks a rule; displays as `field: reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The snake_case field name (`failure_rate_threshold`, `wait_interval.multiplier`, …).
    pub field: String,
    /// Why the value is refused, with the value.
    pub reason: String,
}

impl ConfigError {
    fn new(field: &str, reason: impl Into<String>) -> ConfigError {
        ConfigError {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for ConfigError {}

/// What a breaker's counters are judged against (the common view over the three kinds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Opens at a failure rate at or above this, in percent (Resilience4j, Polly advanced).
    pub failure_rate_pct: Option<f32>,
    /// Opens at a slow-call rate at or above this, in percent (Resilience4j).
    pub slow_call_rate_pct: Option<f32>,
    /// The window's size in calls, when it is count-based (Resilience4j).
    pub window_calls: Option<u32>,
    /// Opens after this many failures in a row (Polly's consecutive-failures kind).
    pub consecutive_failures: Option<u64>,
}

/// A breaker's counters at one instant (the common view over the three kinds).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricsSnapshot {
    /// Failed calls over recorded calls, in percent (Resilience4j computes it as a `float`);
    /// −1 below the minimum number of calls (Polly: below the minimum throughput; the
    /// consecutive-failures breaker has no rate and always reads −1).
    pub failure_rate: f32,
    /// Slow calls over recorded calls, in percent; −1 below the minimum (and always for Polly
    /// kinds, which have no slow-call notion).
    pub slow_call_rate: f32,
    /// Calls in the current window (consecutive kind: the current failure streak).
    pub buffered: u64,
    /// Failed calls in the current window (consecutive kind: the current failure streak).
    pub failed: u64,
    /// Slow calls in the current window.
    pub slow: u64,
    /// Calls refused since the current metrics were created (Resilience4j resets it with the
    /// window; the Polly kinds count since the breaker was built).
    pub not_permitted: u64,
}

// ---------------------------------------------------------------------------------------------
// Resilience4j configuration
// ---------------------------------------------------------------------------------------------

/// Java's `Integer.MAX_VALUE`, the ceiling of Resilience4j's `int` settings.
const JAVA_INT_MAX: u32 = i32::MAX as u32;
/// Java's `Long.MAX_VALUE`, the ceiling of Resilience4j's millisecond durations.
const JAVA_LONG_MAX: u64 = i64::MAX as u64;

/// Resilience4j's `waitIntervalFunctionInOpenState`, as data.
///
/// * no `multiplier`, no `randomization_factor`: `IntervalFunction.of(initial)` (constant);
/// * `randomization_factor` only: `IntervalFunction.ofRandomized(initial, factor)`;
/// * `multiplier`: `ofExponentialBackoff(initial, multiplier[, max])`, the interval of attempt
///   *n* being `initial` multiplied *n*−1 times, truncated to whole milliseconds after each
///   multiplication as Resilience4j does (`x -> (long) (x * multiplier)`);
/// * `multiplier` and `randomization_factor`: `ofExponentialRandomBackoff(…)` — the exponential
///   interval is randomized, then capped at `max_interval_ms`.
///
/// Randomizing follows Resilience4j's `randomize`: with `delta = factor × current`,
/// `min = current − delta`, `max = current + delta`, the wait is
/// `(long) (min + u × (max − min + 1))`, where `u` is the caller-supplied sample in `[0, 1)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitInterval {
    /// The wait of the first opening, in milliseconds (at least 1).
    pub initial_interval_ms: u64,
    /// Growth per consecutive re-opening (at least 1; absent = constant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<f64>,
    /// Cap on the wait, in milliseconds (at least 1; absent = no cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_interval_ms: Option<u64>,
    /// Jitter: the wait is spread over `interval × (1 ± factor)` (0 to 1; absent = none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub randomization_factor: Option<f64>,
}

impl WaitInterval {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.initial_interval_ms < 1 || self.initial_interval_ms > JAVA_LONG_MAX {
            return Err(ConfigError::new(
                "wait_interval.initial_interval_ms",
                format!(
                    "must be at least 1 ms and at most {JAVA_LONG_MAX}, got {}",
                    self.initial_interval_ms
                ),
            ));
        }
        if let Some(m) = self.multiplier {
            if !(m.is_finite() && m >= 1.0) {
                return Err(ConfigError::new(
                    "wait_interval.multiplier",
                    format!("must be a finite number of at least 1, got {m}"),
                ));
            }
        }
        if let Some(max) = self.max_interval_ms {
            if !(1..=JAVA_LONG_MAX).contains(&max) {
                return Err(ConfigError::new(
                    "wait_interval.max_interval_ms",
                    format!("must be at least 1 ms and at most {JAVA_LONG_MAX}, got {max}"),
                ));
            }
        }
        if let Some(f) = self.randomization_factor {
            if !(0.0..=1.0).contains(&f) {
                return Err(ConfigError::new(
                    "wait_interval.randomization_factor",
                    format!("must be between 0 and 1, got {f}"),
                ));
            }
        }
        Ok(())
    }
}

/// Resilience4j `randomize(current, factor)` with the uniform draw supplied as `u`.
fn randomize(current: f64, factor: f64, u: f64) -> f64 {
    let delta = factor * current;
    let min = current - delta;
    let max = current + delta;
    min + u * (max - min + 1.0)
}

/// Resilience4j's `CircuitBreakerConfig`, with its snake_case names and its defaults for absent
/// fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Resilience4jConfig {
    /// Percent of failed calls at or above which the breaker opens (0 < x ≤ 100; default 50).
    pub failure_rate_threshold: f32,
    /// Percent of slow calls at or above which the breaker opens (0 < x ≤ 100; default 100).
    pub slow_call_rate_threshold: f32,
    /// A call is slow when its duration is strictly longer than this (≥ 1 ms; default 60000).
    pub slow_call_duration_threshold_ms: u64,
    /// Trial calls let through in HALF_OPEN (≥ 1; default 10).
    pub permitted_number_of_calls_in_half_open_state: u32,
    /// 0 (default): HALF_OPEN waits for its trial calls; otherwise after this long in HALF_OPEN
    /// the breaker moves to `transition_to_state_after_wait_duration`.
    pub max_wait_duration_in_half_open_state_ms: u64,
    /// Where the max wait in HALF_OPEN leads: `OPEN` (default) or `CLOSED`.
    pub transition_to_state_after_wait_duration: State,
    /// `COUNT_BASED` (default) or `TIME_BASED`.
    pub sliding_window_type: SlidingWindowType,
    /// Calls (count-based) or seconds (time-based) in the window (≥ 1; default 100).
    pub sliding_window_size: u32,
    /// Calls needed before a rate is computed (≥ 1; default 100; clamped to the window size for
    /// count-based windows).
    pub minimum_number_of_calls: u32,
    /// Fixed open-state wait (≥ 1 ms; default 60000 when `wait_interval` is absent too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_duration_in_open_state_ms: Option<u64>,
    /// Go to HALF_OPEN by itself at the end of the wait, without waiting for a call (default
    /// false).
    pub automatic_transition_from_open_to_half_open_enabled: bool,
    /// A growing and/or jittered open-state wait (replaces `wait_duration_in_open_state_ms`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_interval: Option<WaitInterval>,
}

impl Default for Resilience4jConfig {
    fn default() -> Self {
        Resilience4jConfig {
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 100.0,
            slow_call_duration_threshold_ms: 60_000,
            permitted_number_of_calls_in_half_open_state: 10,
            max_wait_duration_in_half_open_state_ms: 0,
            transition_to_state_after_wait_duration: State::Open,
            sliding_window_type: SlidingWindowType::CountBased,
            sliding_window_size: 100,
            minimum_number_of_calls: 100,
            wait_duration_in_open_state_ms: None,
            automatic_transition_from_open_to_half_open_enabled: false,
            wait_interval: None,
        }
    }
}

/// Resilience4j's default open-state wait.
pub const DEFAULT_WAIT_DURATION_IN_OPEN_STATE_MS: u64 = 60_000;

impl Resilience4jConfig {
    /// Checks every field against Resilience4j's builder constraints.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let percent = |field: &str, v: f32| {
            if v > 0.0 && v <= 100.0 {
                Ok(())
            } else {
                Err(ConfigError::new(
                    field,
                    format!("must be above 0 and at most 100, got {v}"),
                ))
            }
        };
        let count = |field: &str, v: u32| {
            if (1..=JAVA_INT_MAX).contains(&v) {
                Ok(())
            } else {
                Err(ConfigError::new(
                    field,
                    format!("must be greater than 0 and at most {JAVA_INT_MAX}, got {v}"),
                ))
            }
        };
        let millis = |field: &str, v: u64, min: u64| {
            if (min..=JAVA_LONG_MAX).contains(&v) {
                Ok(())
            } else {
                Err(ConfigError::new(
                    field,
                    format!("must be at least {min} ms and at most {JAVA_LONG_MAX}, got {v}"),
                ))
            }
        };
        percent("failure_rate_threshold", self.failure_rate_threshold)?;
        percent("slow_call_rate_threshold", self.slow_call_rate_threshold)?;
        millis(
            "slow_call_duration_threshold_ms",
            self.slow_call_duration_threshold_ms,
            1,
        )?;
        count(
            "permitted_number_of_calls_in_half_open_state",
            self.permitted_number_of_calls_in_half_open_state,
        )?;
        millis(
            "max_wait_duration_in_half_open_state_ms",
            self.max_wait_duration_in_half_open_state_ms,
            0,
        )?;
        if !matches!(
            self.transition_to_state_after_wait_duration,
            State::Open | State::Closed
        ) {
            return Err(ConfigError::new(
                "transition_to_state_after_wait_duration",
                format!(
                    "must be either OPEN or CLOSED, got {}",
                    self.transition_to_state_after_wait_duration
                ),
            ));
        }
        count("sliding_window_size", self.sliding_window_size)?;
        count("minimum_number_of_calls", self.minimum_number_of_calls)?;
        if let Some(w) = self.wait_duration_in_open_state_ms {
            millis("wait_duration_in_open_state_ms", w, 1)?;
        }
        if let Some(wi) = &self.wait_interval {
            if self.wait_duration_in_open_state_ms.is_some() {
                return Err(ConfigError::new(
                    "wait_interval",
                    "cannot be combined with wait_duration_in_open_state_ms (Resilience4j: the \
                     waitIntervalFunction was configured multiple times)",
                ));
            }
            wi.validate()?;
        }
        Ok(())
    }

    /// The minimum number of calls as the CLOSED window applies it (clamped to the window size
    /// for count-based windows, as `CircuitBreakerMetrics` does).
    pub fn effective_minimum_number_of_calls(&self) -> u32 {
        match self.sliding_window_type {
            SlidingWindowType::CountBased => {
                self.minimum_number_of_calls.min(self.sliding_window_size)
            }
            SlidingWindowType::TimeBased => self.minimum_number_of_calls,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Resilience4j sliding windows (FixedSizeSlidingWindowMetrics / SlidingTimeWindowMetrics)
// ---------------------------------------------------------------------------------------------

/// Totals over a window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    calls: u64,
    failed: u64,
    slow: u64,
}

/// One epoch second of a time-based window.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    second: u64,
    counts: Counts,
}

/// The raw window behind a [`WindowMetrics`].
#[derive(Clone, Debug)]
enum Window {
    /// The last `size` calls (`size` 0: DISABLED/FORCED_OPEN metrics, which never record).
    Count {
        size: u32,
        calls: VecDeque<(bool, bool)>,
        totals: Counts,
    },
    /// The calls of the last `seconds` epoch seconds; only non-empty buckets are kept.
    Time {
        seconds: u64,
        buckets: VecDeque<Bucket>,
    },
}

impl Window {
    fn record(&mut self, now_ms: u64, failed: bool, slow: bool) {
        match self {
            Window::Count {
                size,
                calls,
                totals,
            } => {
                if *size == 0 {
                    return;
                }
                if calls.len() >= *size as usize {
                    if let Some((f, s)) = calls.pop_front() {
                        totals.calls -= 1;
                        totals.failed -= u64::from(f);
                        totals.slow -= u64::from(s);
                    }
                }
                calls.push_back((failed, slow));
                totals.calls += 1;
                totals.failed += u64::from(failed);
                totals.slow += u64::from(slow);
            }
            Window::Time { seconds, buckets } => {
                let now_s = now_ms / 1000;
                while buckets
                    .front()
                    .is_some_and(|b| now_s.saturating_sub(b.second) >= *seconds)
                {
                    buckets.pop_front();
                }
                let add = Counts {
                    calls: 1,
                    failed: u64::from(failed),
                    slow: u64::from(slow),
                };
                match buckets.back_mut() {
                    Some(b) if b.second >= now_s => {
                        b.counts.calls += add.calls;
                        b.counts.failed += add.failed;
                        b.counts.slow += add.slow;
                    }
                    _ => buckets.push_back(Bucket {
                        second: now_s,
                        counts: add,
                    }),
                }
            }
        }
    }

    /// The totals as seen at `now_ms` (stale time buckets left out; nothing is mutated).
    fn counts(&self, now_ms: u64) -> Counts {
        match self {
            Window::Count { totals, .. } => *totals,
            Window::Time { seconds, buckets } => {
                let now_s = now_ms / 1000;
                buckets
                    .iter()
                    .filter(|b| now_s.saturating_sub(b.second) < *seconds)
                    .fold(Counts::default(), |acc, b| Counts {
                        calls: acc.calls + b.counts.calls,
                        failed: acc.failed + b.counts.failed,
                        slow: acc.slow + b.counts.slow,
                    })
            }
        }
    }
}

/// What recording a call concluded (`CircuitBreakerMetrics.Result`, folded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    BelowMinimumCalls,
    BelowThresholds,
    Exceeded,
}

/// Resilience4j's `CircuitBreakerMetrics`: a window, its minimum and the not-permitted counter.
#[derive(Clone, Debug)]
struct WindowMetrics {
    window: Window,
    minimum_number_of_calls: u64,
    not_permitted: u64,
}

impl WindowMetrics {
    fn new(size: u32, kind: SlidingWindowType, config: &Resilience4jConfig) -> WindowMetrics {
        let (window, minimum) = match kind {
            SlidingWindowType::CountBased => (
                Window::Count {
                    size,
                    calls: VecDeque::new(),
                    totals: Counts::default(),
                },
                config.minimum_number_of_calls.min(size),
            ),
            SlidingWindowType::TimeBased => (
                Window::Time {
                    seconds: u64::from(size),
                    buckets: VecDeque::new(),
                },
                config.minimum_number_of_calls,
            ),
        };
        WindowMetrics {
            window,
            minimum_number_of_calls: u64::from(minimum),
            not_permitted: 0,
        }
    }

    /// `forClosed` / `forMetricsOnly`.
    fn for_closed(config: &Resilience4jConfig) -> WindowMetrics {
        WindowMetrics::new(
            config.sliding_window_size,
            config.sliding_window_type,
            config,
        )
    }

    /// `forHalfOpen`: count-based, sized to the permitted calls.
    fn for_half_open(config: &Resilience4jConfig) -> WindowMetrics {
        WindowMetrics::new(
            config.permitted_number_of_calls_in_half_open_state,
            SlidingWindowType::CountBased,
            config,
        )
    }

    /// `forDisabled` / `forForcedOpen`: an empty count-based window of size 0.
    fn empty(config: &Resilience4jConfig) -> WindowMetrics {
        WindowMetrics::new(0, SlidingWindowType::CountBased, config)
    }

    fn rates(&self, c: Counts) -> (f32, f32) {
        if c.calls == 0 || c.calls < self.minimum_number_of_calls {
            return (-1.0, -1.0);
        }
        let total = c.calls as f32;
        (
            c.failed as f32 * 100.0 / total,
            c.slow as f32 * 100.0 / total,
        )
    }

    fn record(
        &mut self,
        now_ms: u64,
        failed: bool,
        slow: bool,
        config: &Resilience4jConfig,
    ) -> Verdict {
        self.window.record(now_ms, failed, slow);
        let (failure_rate, slow_rate) = self.rates(self.window.counts(now_ms));
        if failure_rate == -1.0 || slow_rate == -1.0 {
            Verdict::BelowMinimumCalls
        } else if failure_rate >= config.failure_rate_threshold
            || slow_rate >= config.slow_call_rate_threshold
        {
            Verdict::Exceeded
        } else {
            Verdict::BelowThresholds
        }
    }

    fn snapshot(&self, now_ms: u64) -> MetricsSnapshot {
        let c = self.window.counts(now_ms);
        let (failure_rate, slow_call_rate) = self.rates(c);
        MetricsSnapshot {
            failure_rate,
            slow_call_rate,
            buffered: c.calls,
            failed: c.failed,
            slow: c.slow,
            not_permitted: self.not_permitted,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Resilience4j state machine
// ---------------------------------------------------------------------------------------------

/// Resilience4j's `CircuitBreakerStateMachine`, single-threaded and clock-free.
#[derive(Clone, Debug)]
pub struct Resilience4jBreaker {
    config: Resilience4jConfig,
    state: State,
    metrics: WindowMetrics,
    /// Consecutive openings (Resilience4j `attempts()`): +1 on OPEN and FORCED_OPEN, kept by
    /// HALF_OPEN, 0 in CLOSED, DISABLED and METRICS_ONLY.
    attempts: u32,
    now_ms: u64,
    /// OPEN: calls are refused until a request strictly after this instant.
    retry_after_ms: u64,
    /// OPEN: the wait drawn when the breaker opened.
    open_wait_ms: u64,
    /// OPEN with automatic transition: when HALF_OPEN begins by itself.
    auto_half_open_at_ms: Option<u64>,
    /// HALF_OPEN: trial permits left.
    half_open_permits: u32,
    /// HALF_OPEN with a max wait: when it gives up.
    half_open_deadline_ms: Option<u64>,
    /// The caller's uniform sample in [0, 1) for jittered waits.
    random_sample: f64,
    /// Memo of the exponential sequence: (attempt, interval at that attempt).
    wait_memo: (u32, i64),
}

impl Resilience4jBreaker {
    /// A CLOSED breaker at time 0, after validating `config`.
    pub fn new(config: Resilience4jConfig) -> Result<Resilience4jBreaker, ConfigError> {
        config.validate()?;
        let metrics = WindowMetrics::for_closed(&config);
        let initial = config
            .wait_interval
            .as_ref()
            .map_or(0, |w| w.initial_interval_ms as i64);
        Ok(Resilience4jBreaker {
            config,
            state: State::Closed,
            metrics,
            attempts: 0,
            now_ms: 0,
            retry_after_ms: 0,
            open_wait_ms: 0,
            auto_half_open_at_ms: None,
            half_open_permits: 0,
            half_open_deadline_ms: None,
            random_sample: 0.5,
            wait_memo: (1, initial),
        })
    }

    /// The validated configuration.
    pub fn config(&self) -> &Resilience4jConfig {
        &self.config
    }

    /// Current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// Consecutive openings so far (the attempt number fed to the wait interval function).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// In OPEN, the instant after which the next permission request moves to HALF_OPEN.
    pub fn retry_after_ms(&self) -> Option<u64> {
        (self.state == State::Open).then_some(self.retry_after_ms)
    }

    /// In OPEN, the wait drawn when the breaker opened.
    pub fn open_wait_ms(&self) -> Option<u64> {
        (self.state == State::Open).then_some(self.open_wait_ms)
    }

    /// In HALF_OPEN, the trial permits left.
    pub fn half_open_permits(&self) -> Option<u32> {
        (self.state == State::HalfOpen).then_some(self.half_open_permits)
    }

    /// Counters as of the latest time seen.
    pub fn metrics(&self) -> MetricsSnapshot {
        self.metrics.snapshot(self.now_ms)
    }

    /// Sets the uniform sample in [0, 1) used by the next jittered open-state waits (clamped;
    /// NaN reads as 0). The default is 0.5, which gives the un-jittered interval.
    pub fn set_random_sample(&mut self, u: f64) {
        self.random_sample = if u.is_nan() {
            0.0
        } else {
            u.clamp(0.0, 1.0 - f64::EPSILON)
        };
    }

    /// `tryAcquirePermission`.
    pub fn try_acquire(&mut self, now_ms: u64) -> bool {
        self.advance_to(now_ms);
        let permitted = self.acquire_now();
        self.settle();
        permitted
    }

    /// Applies transitions scheduled for the current instant by the operation just done (an
    /// open-state wait of 0 ms with automatic transition fires at once).
    fn settle(&mut self) {
        self.advance_to(self.now_ms);
    }

    fn acquire_now(&mut self) -> bool {
        let now = self.now_ms;
        match self.state {
            State::Closed | State::Disabled | State::MetricsOnly => true,
            State::ForcedOpen => {
                self.metrics.not_permitted += 1;
                false
            }
            State::Open => {
                // OpenState: `clock.instant().isAfter(retryAfterWaitDuration)` — strictly after.
                if now > self.retry_after_ms {
                    self.enter_half_open(now);
                    self.half_open_acquire()
                } else {
                    self.metrics.not_permitted += 1;
                    false
                }
            }
            State::HalfOpen => self.half_open_acquire(),
        }
    }

    fn half_open_acquire(&mut self) -> bool {
        if self.half_open_permits > 0 {
            self.half_open_permits -= 1;
            true
        } else {
            self.metrics.not_permitted += 1;
            false
        }
    }

    /// `onSuccess` / `onError` / ignored exception (`releasePermission`).
    pub fn on_result(&mut self, now_ms: u64, outcome: Outcome, duration_ms: u64) {
        self.advance_to(now_ms);
        self.record_now(outcome, duration_ms);
        self.settle();
    }

    fn record_now(&mut self, outcome: Outcome, duration_ms: u64) {
        let now = self.now_ms;
        let failed = match outcome {
            Outcome::Ignored => {
                if self.state == State::HalfOpen {
                    // Resilience4j increments without a ceiling; we never hand out more permits
                    // than configured (an ignored outcome with no permit taken gives nothing back).
                    self.half_open_permits = (self.half_open_permits + 1)
                        .min(self.config.permitted_number_of_calls_in_half_open_state);
                }
                return;
            }
            Outcome::Success => false,
            Outcome::Failure => true,
        };
        let slow = duration_ms > self.config.slow_call_duration_threshold_ms;
        match self.state {
            State::Disabled | State::ForcedOpen => {}
            State::Open | State::MetricsOnly => {
                // OPEN records late results without judging them; METRICS_ONLY never transitions.
                self.metrics.record(now, failed, slow, &self.config);
            }
            State::Closed => {
                if self.metrics.record(now, failed, slow, &self.config) == Verdict::Exceeded {
                    self.enter_open(now);
                }
            }
            State::HalfOpen => match self.metrics.record(now, failed, slow, &self.config) {
                Verdict::Exceeded => self.enter_open(now),
                Verdict::BelowThresholds => self.enter_closed(now),
                Verdict::BelowMinimumCalls => {}
            },
        }
    }

    /// Manual transition (`transitionToClosedState`, …). Every transition is allowed, including
    /// to the current state, and builds a fresh state as Resilience4j does: CLOSED, METRICS_ONLY
    /// and HALF_OPEN start an empty window, DISABLED and FORCED_OPEN an empty size-0 one, OPEN
    /// keeps the current window; OPEN and FORCED_OPEN count one more attempt, CLOSED, DISABLED
    /// and METRICS_ONLY reset the count.
    pub fn transition_to(&mut self, state: State, now_ms: u64) {
        self.advance_to(now_ms);
        self.transition_now(state);
        self.settle();
    }

    fn transition_now(&mut self, state: State) {
        let now = self.now_ms;
        match state {
            State::Closed => self.enter_closed(now),
            State::Open => self.enter_open(now),
            State::HalfOpen => self.enter_half_open(now),
            State::Disabled => {
                self.enter_simple(State::Disabled, WindowMetrics::empty(&self.config), 0)
            }
            State::ForcedOpen => {
                let attempts = self.attempts.saturating_add(1);
                self.enter_simple(
                    State::ForcedOpen,
                    WindowMetrics::empty(&self.config),
                    attempts,
                )
            }
            State::MetricsOnly => self.enter_simple(
                State::MetricsOnly,
                WindowMetrics::for_closed(&self.config),
                0,
            ),
        }
    }

    /// When the next scheduled transition fires: OPEN → HALF_OPEN with automatic transition
    /// enabled, or HALF_OPEN → OPEN/CLOSED with a max wait.
    pub fn next_automatic_transition(&self) -> Option<u64> {
        match self.state {
            State::Open => self.auto_half_open_at_ms,
            State::HalfOpen => self.half_open_deadline_ms,
            _ => None,
        }
    }

    /// Applies every scheduled transition due at or before `now_ms`, each at its own instant, and
    /// moves the breaker's time forward.
    pub fn advance_to(&mut self, now_ms: u64) {
        while let Some(at) = self.next_automatic_transition() {
            if at > now_ms {
                break;
            }
            self.now_ms = self.now_ms.max(at);
            match self.state {
                State::Open => self.enter_half_open(at),
                State::HalfOpen => {
                    if self.config.transition_to_state_after_wait_duration == State::Closed {
                        self.enter_closed(at);
                    } else {
                        self.enter_open(at);
                    }
                }
                _ => break,
            }
            self.fast_forward_idle_cycles(now_ms);
        }
        self.now_ms = self.now_ms.max(now_ms);
    }

    /// With automatic OPEN → HALF_OPEN and a max wait leading back to OPEN, an idle breaker
    /// cycles forever. Once the wait no longer changes from one opening to the next, whole idle
    /// cycles up to `now_ms` are skipped in one step (same result as stepping through them).
    fn fast_forward_idle_cycles(&mut self, now_ms: u64) {
        let max_wait = self.config.max_wait_duration_in_half_open_state_ms;
        if self.state != State::Open
            || self.auto_half_open_at_ms.is_none()
            || max_wait == 0
            || self.config.transition_to_state_after_wait_duration != State::Open
            || !self.wait_is_stable(self.attempts)
        {
            return;
        }
        let opened_at = self.retry_after_ms.saturating_sub(self.open_wait_ms);
        let period = self.open_wait_ms.saturating_add(max_wait);
        if period == 0 || now_ms <= opened_at {
            return;
        }
        let cycles = (now_ms - opened_at) / period;
        if cycles < 2 {
            return;
        }
        let skip = cycles - 1;
        let skip_u32 = u32::try_from(skip).unwrap_or(u32::MAX);
        let reopen_at = opened_at.saturating_add(skip.saturating_mul(period));
        // Each skipped cycle passed through an empty HALF_OPEN whose window OPEN then carried.
        self.metrics = WindowMetrics::for_half_open(&self.config);
        self.attempts = self.attempts.saturating_add(skip_u32.saturating_sub(1));
        self.enter_open(reopen_at);
    }

    fn enter_closed(&mut self, _now: u64) {
        self.enter_simple(State::Closed, WindowMetrics::for_closed(&self.config), 0);
    }

    fn enter_simple(&mut self, state: State, metrics: WindowMetrics, attempts: u32) {
        self.state = state;
        self.metrics = metrics;
        self.attempts = attempts;
        self.auto_half_open_at_ms = None;
        self.half_open_deadline_ms = None;
        self.half_open_permits = 0;
    }

    fn enter_open(&mut self, now: u64) {
        self.attempts = self.attempts.saturating_add(1);
        let wait = self.wait_for_attempt(self.attempts);
        self.state = State::Open;
        self.open_wait_ms = wait;
        self.retry_after_ms = now.saturating_add(wait);
        self.auto_half_open_at_ms = self
            .config
            .automatic_transition_from_open_to_half_open_enabled
            .then_some(self.retry_after_ms);
        self.half_open_deadline_ms = None;
        self.half_open_permits = 0;
        // The window is kept: OPEN reports (and keeps recording into) the previous state's.
    }

    fn enter_half_open(&mut self, now: u64) {
        self.state = State::HalfOpen;
        self.metrics = WindowMetrics::for_half_open(&self.config);
        self.half_open_permits = self.config.permitted_number_of_calls_in_half_open_state;
        let max_wait = self.config.max_wait_duration_in_half_open_state_ms;
        // A deadline past the end of time never fires (and cannot loop at u64::MAX).
        self.half_open_deadline_ms = if max_wait >= 1 {
            now.checked_add(max_wait)
        } else {
            None
        };
        self.auto_half_open_at_ms = None;
    }

    /// Resilience4j's exponential sequence at `attempt` (`initial`, then `(long) (x * m)`
    /// repeatedly), memoised so consecutive openings cost O(1).
    fn exponential_base(&mut self, attempt: u32, initial: i64, multiplier: f64) -> i64 {
        let attempt = attempt.max(1);
        if self.wait_memo.0 > attempt {
            self.wait_memo = (1, initial);
        }
        let (mut k, mut n) = self.wait_memo;
        while k < attempt {
            let next = (n as f64 * multiplier) as i64;
            if next == n {
                k = attempt;
                break;
            }
            n = next;
            k += 1;
        }
        self.wait_memo = (k, n);
        n
    }

    /// The open-state wait for the `attempt`-th consecutive opening.
    fn wait_for_attempt(&mut self, attempt: u32) -> u64 {
        let Some(wi) = self.config.wait_interval.clone() else {
            return self
                .config
                .wait_duration_in_open_state_ms
                .unwrap_or(DEFAULT_WAIT_DURATION_IN_OPEN_STATE_MS);
        };
        let initial = wi.initial_interval_ms as i64;
        let base = match wi.multiplier {
            Some(m) => self.exponential_base(attempt, initial, m),
            None => initial,
        };
        let jittered = match wi.randomization_factor {
            Some(f) => randomize(base as f64, f, self.random_sample) as i64,
            None => base,
        };
        let capped = match wi.max_interval_ms {
            Some(max) => jittered.min(max as i64),
            None => jittered,
        };
        u64::try_from(capped).unwrap_or(0)
    }

    /// True when every opening from `attempt` on draws the same wait (given the current sample).
    fn wait_is_stable(&mut self, attempt: u32) -> bool {
        let Some(wi) = self.config.wait_interval.clone() else {
            return true;
        };
        let Some(m) = wi.multiplier else {
            return true;
        };
        let initial = wi.initial_interval_ms as i64;
        let n = self.exponential_base(attempt, initial, m);
        if (n as f64 * m) as i64 == n {
            return true;
        }
        match wi.max_interval_ms {
            Some(max) => {
                let floor = n as f64 * (1.0 - wi.randomization_factor.unwrap_or(0.0));
                floor >= max as f64
            }
            None => false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Polly v8
// ---------------------------------------------------------------------------------------------

/// Polly's shortest allowed break and sampling duration (`[Range("00:00:00.500", …)]`).
const POLLY_MIN_DURATION_MS: u64 = 500;
/// Polly's longest allowed break and sampling duration (one day).
const POLLY_MAX_DURATION_MS: u64 = 86_400_000;
/// Polly's `HealthMetrics.NumberOfWindows`.
const POLLY_NUMBER_OF_WINDOWS: u64 = 10;

fn polly_duration(field: &str, v: u64) -> Result<(), ConfigError> {
    if (POLLY_MIN_DURATION_MS..=POLLY_MAX_DURATION_MS).contains(&v) {
        Ok(())
    } else {
        Err(ConfigError::new(
            field,
            format!(
                "must be between {POLLY_MIN_DURATION_MS} ms and {POLLY_MAX_DURATION_MS} ms (one day), got {v}"
            ),
        ))
    }
}

/// Polly v8 `CircuitBreakerStrategyOptions` (the advanced breaker), with Polly's defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PollyConfig {
    /// Failure ratio at or above which the circuit breaks (0 to 1; default 0.1).
    pub failure_ratio: f64,
    /// The time slice over which the ratio is assessed (500 ms to 1 day; default 30000).
    pub sampling_duration_ms: u64,
    /// Calls needed in the slice before the ratio counts (≥ 2; default 100).
    pub minimum_throughput: u32,
    /// How long the circuit stays broken (500 ms to 1 day; default 5000).
    pub break_duration_ms: u64,
}

impl Default for PollyConfig {
    fn default() -> Self {
        PollyConfig {
            failure_ratio: 0.1,
            sampling_duration_ms: 30_000,
            minimum_throughput: 100,
            break_duration_ms: 5_000,
        }
    }
}

impl PollyConfig {
    /// Checks the options against Polly's `[Range]` attributes.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(0.0..=1.0).contains(&self.failure_ratio) {
            return Err(ConfigError::new(
                "failure_ratio",
                format!("must be between 0 and 1, got {}", self.failure_ratio),
            ));
        }
        if !(2..=JAVA_INT_MAX).contains(&self.minimum_throughput) {
            return Err(ConfigError::new(
                "minimum_throughput",
                format!(
                    "must be at least 2 and at most {JAVA_INT_MAX}, got {}",
                    self.minimum_throughput
                ),
            ));
        }
        polly_duration("sampling_duration_ms", self.sampling_duration_ms)?;
        polly_duration("break_duration_ms", self.break_duration_ms)
    }
}

/// The consecutive-failures breaker (Polly's simple `ConsecutiveFailuresCircuitBehavior`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsecutiveFailuresConfig {
    /// Failures in a row that break the circuit (≥ 1; required).
    pub failure_threshold: u32,
    /// How long the circuit stays broken (500 ms to 1 day; default 5000).
    #[serde(default = "default_break_duration_ms")]
    pub break_duration_ms: u64,
}

fn default_break_duration_ms() -> u64 {
    5_000
}

impl ConsecutiveFailuresConfig {
    /// Checks the options.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=JAVA_INT_MAX).contains(&self.failure_threshold) {
            return Err(ConfigError::new(
                "failure_threshold",
                format!(
                    "must be at least 1 and at most {JAVA_INT_MAX}, got {}",
                    self.failure_threshold
                ),
            ));
        }
        polly_duration("break_duration_ms", self.break_duration_ms)
    }
}

/// One of Polly's rolling health windows.
#[derive(Clone, Copy, Debug)]
struct HealthWindow {
    started_at_ms: u64,
    successes: u64,
    failures: u64,
}

/// Polly's `CircuitBehavior`.
#[derive(Clone, Debug)]
enum Behavior {
    /// `AdvancedCircuitBehavior` over `RollingHealthMetrics`.
    Advanced {
        failure_ratio: f64,
        minimum_throughput: u64,
        sampling_duration_ms: u64,
        windows: VecDeque<HealthWindow>,
    },
    /// `ConsecutiveFailuresCircuitBehavior`.
    Consecutive { threshold: u64, consecutive: u64 },
}

impl Behavior {
    /// `RollingHealthMetrics.UpdateCurrentWindow` then increment; a new window starts when the
    /// current one is a tenth of the sampling duration old, and windows a whole sampling duration
    /// old are dropped.
    fn increment(&mut self, now: u64, failure: bool) {
        if let Behavior::Advanced {
            sampling_duration_ms,
            windows,
            ..
        } = self
        {
            let sampling = *sampling_duration_ms;
            // now − start ≥ sampling / 10, compared exactly (Polly divides ticks).
            let stale = |w: &HealthWindow| {
                u128::from(now.saturating_sub(w.started_at_ms))
                    * u128::from(POLLY_NUMBER_OF_WINDOWS)
                    >= u128::from(sampling)
            };
            if windows.back().is_none_or(stale) {
                windows.push_back(HealthWindow {
                    started_at_ms: now,
                    successes: 0,
                    failures: 0,
                });
            }
            while windows
                .front()
                .is_some_and(|w| now.saturating_sub(w.started_at_ms) >= sampling)
            {
                windows.pop_front();
            }
            if let Some(w) = windows.back_mut() {
                if failure {
                    w.failures += 1;
                } else {
                    w.successes += 1;
                }
            }
        }
    }

    /// (throughput, failures) as `GetHealthInfo` would report them at `now` (read only).
    fn health(&self, now: u64) -> (u64, u64) {
        match self {
            Behavior::Advanced {
                sampling_duration_ms,
                windows,
                ..
            } => windows
                .iter()
                .filter(|w| now.saturating_sub(w.started_at_ms) < *sampling_duration_ms)
                .fold((0, 0), |(t, f), w| {
                    (t + w.successes + w.failures, f + w.failures)
                }),
            Behavior::Consecutive { consecutive, .. } => (*consecutive, *consecutive),
        }
    }

    fn on_success(&mut self, now: u64, state: State) {
        match self {
            Behavior::Advanced { .. } => self.increment(now, false),
            Behavior::Consecutive { consecutive, .. } => {
                if state == State::Closed {
                    *consecutive = 0;
                }
            }
        }
    }

    /// Returns whether the circuit should break.
    fn on_failure(&mut self, now: u64, state: State) -> bool {
        match state {
            State::Closed => match self {
                Behavior::Advanced {
                    failure_ratio,
                    minimum_throughput,
                    ..
                } => {
                    let (ratio, minimum) = (*failure_ratio, *minimum_throughput);
                    self.increment(now, true);
                    let (throughput, failures) = self.health(now);
                    throughput >= minimum
                        && throughput > 0
                        && failures as f64 / throughput as f64 >= ratio
                }
                Behavior::Consecutive {
                    threshold,
                    consecutive,
                } => {
                    *consecutive += 1;
                    *consecutive >= *threshold
                }
            },
            State::Open | State::ForcedOpen => {
                if let Behavior::Advanced { .. } = self {
                    self.increment(now, true);
                }
                false
            }
            _ => false,
        }
    }

    fn on_closed(&mut self) {
        match self {
            Behavior::Advanced { windows, .. } => windows.clear(),
            Behavior::Consecutive { consecutive, .. } => *consecutive = 0,
        }
    }
}

/// Polly v8's `CircuitStateController` with either behaviour (advanced or consecutive).
#[derive(Clone, Debug)]
pub struct PollyBreaker {
    state: State,
    blocked_until_ms: u64,
    break_duration_ms: u64,
    behavior: Behavior,
    now_ms: u64,
    not_permitted: u64,
}

impl PollyBreaker {
    /// The advanced breaker, after validating `config`.
    pub fn advanced(config: &PollyConfig) -> Result<PollyBreaker, ConfigError> {
        config.validate()?;
        Ok(PollyBreaker::with_behavior(
            config.break_duration_ms,
            Behavior::Advanced {
                failure_ratio: config.failure_ratio,
                minimum_throughput: u64::from(config.minimum_throughput),
                sampling_duration_ms: config.sampling_duration_ms,
                windows: VecDeque::new(),
            },
        ))
    }

    /// The consecutive-failures breaker, after validating `config`.
    pub fn consecutive(config: &ConsecutiveFailuresConfig) -> Result<PollyBreaker, ConfigError> {
        config.validate()?;
        Ok(PollyBreaker::with_behavior(
            config.break_duration_ms,
            Behavior::Consecutive {
                threshold: u64::from(config.failure_threshold),
                consecutive: 0,
            },
        ))
    }

    fn with_behavior(break_duration_ms: u64, behavior: Behavior) -> PollyBreaker {
        PollyBreaker {
            state: State::Closed,
            blocked_until_ms: 0,
            break_duration_ms,
            behavior,
            now_ms: 0,
            not_permitted: 0,
        }
    }

    /// Current state (CLOSED, OPEN, HALF_OPEN or FORCED_OPEN for Polly's *isolated*). Like
    /// Polly's `CircuitState`, it reads OPEN after the break has elapsed until a call arrives.
    pub fn state(&self) -> State {
        self.state
    }

    /// In OPEN, the instant from which (inclusive) the next call is let through as the probe.
    pub fn blocked_until_ms(&self) -> Option<u64> {
        (self.state == State::Open).then_some(self.blocked_until_ms)
    }

    /// Counters as of the latest time seen.
    pub fn metrics(&self) -> MetricsSnapshot {
        let (throughput, failures) = self.behavior.health(self.now_ms);
        let failure_rate = match &self.behavior {
            Behavior::Advanced {
                minimum_throughput, ..
            } if throughput > 0 && throughput >= *minimum_throughput => {
                (failures as f64 / throughput as f64 * 100.0) as f32
            }
            _ => -1.0,
        };
        MetricsSnapshot {
            failure_rate,
            slow_call_rate: -1.0,
            buffered: throughput,
            failed: failures,
            slow: 0,
            not_permitted: self.not_permitted,
        }
    }

    /// `OnActionPreExecuteAsync`: OPEN lets one probe through once `now >= blockedUntil` and
    /// becomes HALF_OPEN; every other call while OPEN, HALF_OPEN or isolated is refused.
    pub fn try_acquire(&mut self, now_ms: u64) -> bool {
        self.advance_to(now_ms);
        let now = self.now_ms;
        match self.state {
            State::Closed => true,
            State::Open if now >= self.blocked_until_ms => {
                self.blocked_until_ms = now.saturating_add(self.break_duration_ms);
                self.state = State::HalfOpen;
                true
            }
            _ => {
                self.not_permitted += 1;
                false
            }
        }
    }

    /// `OnHandledOutcomeAsync` (failure) or `OnUnhandledOutcomeAsync` (success; also an ignored
    /// outcome, which Polly cannot tell from a success). The duration is not used.
    pub fn on_result(&mut self, now_ms: u64, outcome: Outcome, _duration_ms: u64) {
        self.advance_to(now_ms);
        let now = self.now_ms;
        match outcome {
            Outcome::Failure => {
                let should_break = self.behavior.on_failure(now, self.state);
                if self.state == State::HalfOpen || (self.state == State::Closed && should_break) {
                    self.open_for(now, self.break_duration_ms);
                }
            }
            Outcome::Success | Outcome::Ignored => {
                self.behavior.on_success(now, self.state);
                if self.state == State::HalfOpen {
                    self.close();
                }
            }
        }
    }

    fn open_for(&mut self, now: u64, duration: u64) {
        self.blocked_until_ms = now.saturating_add(duration);
        self.state = State::Open;
    }

    fn close(&mut self) {
        self.blocked_until_ms = 0;
        self.state = State::Closed;
        self.behavior.on_closed();
    }

    /// Manual control: CLOSED (`CloseCircuitAsync`), FORCED_OPEN (`IsolateCircuitAsync`) or OPEN
    /// (break now for the configured duration). Polly has no manual HALF_OPEN, DISABLED or
    /// METRICS_ONLY.
    pub fn transition_to(&mut self, state: State, now_ms: u64) -> Result<(), String> {
        self.advance_to(now_ms);
        let now = self.now_ms;
        match state {
            State::Closed => self.close(),
            State::Open => self.open_for(now, self.break_duration_ms),
            State::ForcedOpen => {
                self.open_for(now, u64::MAX);
                self.state = State::ForcedOpen;
            }
            State::HalfOpen | State::Disabled | State::MetricsOnly => {
                return Err(format!(
                "a Polly breaker cannot be moved to {state} (supported: CLOSED, OPEN, FORCED_OPEN)"
            ))
            }
        }
        Ok(())
    }

    /// Moves time forward (Polly schedules nothing: OPEN → HALF_OPEN happens on a call).
    pub fn advance_to(&mut self, now_ms: u64) {
        self.now_ms = self.now_ms.max(now_ms);
    }
}

// ---------------------------------------------------------------------------------------------
// The common face
// ---------------------------------------------------------------------------------------------

/// Which breaker to build, with its settings.
#[derive(Clone, Debug, PartialEq)]
pub enum BreakerConfig {
    /// Resilience4j's `CircuitBreaker`.
    Resilience4j(Resilience4jConfig),
    /// Polly v8's advanced (failure-ratio) breaker.
    Polly(PollyConfig),
    /// The consecutive-failures breaker.
    ConsecutiveFailures(ConsecutiveFailuresConfig),
}

impl BreakerConfig {
    /// Reads a config object: `"kind"` is `resilience4j` (the default when absent), `polly` or
    /// `consecutive_failures`; the other fields are the kind's settings. Errors name the field.
    pub fn from_json_value(value: &Value) -> Result<BreakerConfig, ConfigError> {
        let Value::Object(map) = value else {
            return Err(ConfigError::new(".", "must be an object"));
        };
        let mut fields = map.clone();
        let kind = match fields.remove("kind") {
            None => "resilience4j".to_string(),
            Some(Value::String(s)) => s,
            Some(other) => {
                return Err(ConfigError::new(
                    "kind",
                    format!("must be a string, got {other}"),
                ))
            }
        };
        let rest = Value::Object(fields);
        let config = match kind.as_str() {
            "resilience4j" => BreakerConfig::Resilience4j(deserialize_fields(rest)?),
            "polly" => BreakerConfig::Polly(deserialize_fields(rest)?),
            "consecutive_failures" => BreakerConfig::ConsecutiveFailures(deserialize_fields(rest)?),
            other => {
                return Err(ConfigError::new(
                    "kind",
                    format!(
                    "unknown kind {other:?} (expected resilience4j, polly or consecutive_failures)"
                ),
                ))
            }
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks the settings of whichever kind this is.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self {
            BreakerConfig::Resilience4j(c) => c.validate(),
            BreakerConfig::Polly(c) => c.validate(),
            BreakerConfig::ConsecutiveFailures(c) => c.validate(),
        }
    }
}

fn deserialize_fields<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ConfigError> {
    // The config is one flat object: on a type error, find the field by trying each one alone
    // against the same type (a failing field fails the same way); keeps the bundle small.
    serde_json::from_value::<T>(value.clone()).map_err(|e| {
        let reason = e.to_string();
        let named = reason
            .split('`')
            .nth(1)
            .filter(|_| reason.starts_with("unknown field") || reason.starts_with("missing field"));
        let field = match (named, &value) {
            (Some(f), _) => f.to_string(),
            (None, Value::Object(map)) => map
                .keys()
                .find(|k| {
                    let mut only = serde_json::Map::new();
                    if let Some(v) = map.get(*k) {
                        only.insert((*k).clone(), v.clone());
                    }
                    serde_json::from_value::<T>(Value::Object(only))
                        .err()
                        .is_some_and(|e2| !e2.to_string().starts_with("missing field"))
                })
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        };
        ConfigError { field, reason }
    })
}

/// A circuit breaker of any kind, behind one API.
#[derive(Clone, Debug)]
pub enum CircuitBreaker {
    /// Resilience4j semantics.
    Resilience4j(Box<Resilience4jBreaker>),
    /// Polly semantics (advanced or consecutive-failures behaviour).
    Polly(PollyBreaker),
}

impl CircuitBreaker {
    /// Builds a CLOSED breaker at time 0 after validating `config`.
    pub fn new(config: BreakerConfig) -> Result<CircuitBreaker, ConfigError> {
        Ok(match config {
            BreakerConfig::Resilience4j(c) => {
                CircuitBreaker::Resilience4j(Box::new(Resilience4jBreaker::new(c)?))
            }
            BreakerConfig::Polly(c) => CircuitBreaker::Polly(PollyBreaker::advanced(&c)?),
            BreakerConfig::ConsecutiveFailures(c) => {
                CircuitBreaker::Polly(PollyBreaker::consecutive(&c)?)
            }
        })
    }

    /// Asks permission for one call at `now_ms`.
    pub fn try_acquire(&mut self, now_ms: u64) -> bool {
        match self {
            CircuitBreaker::Resilience4j(b) => b.try_acquire(now_ms),
            CircuitBreaker::Polly(b) => b.try_acquire(now_ms),
        }
    }

    /// Whether the open-state wait is jittered, so the caller should supply a fresh uniform
    /// sample ([`Self::set_random_sample`]) before each result.
    pub fn wants_random_sample(&self) -> bool {
        match self {
            CircuitBreaker::Resilience4j(b) => b
                .config()
                .wait_interval
                .as_ref()
                .is_some_and(|w| w.randomization_factor.is_some()),
            CircuitBreaker::Polly(_) => false,
        }
    }

    /// Records how a permitted call ended, and how long it took.
    pub fn on_result(&mut self, now_ms: u64, outcome: Outcome, duration_ms: u64) {
        match self {
            CircuitBreaker::Resilience4j(b) => b.on_result(now_ms, outcome, duration_ms),
            CircuitBreaker::Polly(b) => b.on_result(now_ms, outcome, duration_ms),
        }
    }

    /// Current state.
    pub fn state(&self) -> State {
        match self {
            CircuitBreaker::Resilience4j(b) => b.state(),
            CircuitBreaker::Polly(b) => b.state(),
        }
    }

    /// Counters as of the latest time seen.
    pub fn metrics(&self) -> MetricsSnapshot {
        match self {
            CircuitBreaker::Resilience4j(b) => b.metrics(),
            CircuitBreaker::Polly(b) => b.metrics(),
        }
    }

    /// The thresholds the metrics are judged against, for the breaker panels.
    pub fn limits(&self) -> Limits {
        match self {
            CircuitBreaker::Resilience4j(b) => {
                let c = b.config();
                Limits {
                    failure_rate_pct: Some(c.failure_rate_threshold),
                    slow_call_rate_pct: Some(c.slow_call_rate_threshold),
                    window_calls: (c.sliding_window_type == SlidingWindowType::CountBased)
                        .then_some(c.sliding_window_size),
                    consecutive_failures: None,
                }
            }
            CircuitBreaker::Polly(b) => match &b.behavior {
                Behavior::Advanced { failure_ratio, .. } => Limits {
                    failure_rate_pct: Some((failure_ratio * 100.0) as f32),
                    slow_call_rate_pct: None,
                    window_calls: None,
                    consecutive_failures: None,
                },
                Behavior::Consecutive { threshold, .. } => Limits {
                    failure_rate_pct: None,
                    slow_call_rate_pct: None,
                    window_calls: None,
                    consecutive_failures: Some(*threshold),
                },
            },
        }
    }

    /// Manual transition. Resilience4j accepts every state; Polly kinds accept CLOSED, OPEN and
    /// FORCED_OPEN and refuse the others with a message.
    pub fn transition_to(&mut self, state: State, now_ms: u64) -> Result<(), String> {
        match self {
            CircuitBreaker::Resilience4j(b) => {
                b.transition_to(state, now_ms);
                Ok(())
            }
            CircuitBreaker::Polly(b) => b.transition_to(state, now_ms),
        }
    }

    /// When the next scheduled (automatic) transition fires, if any.
    pub fn next_automatic_transition(&self) -> Option<u64> {
        match self {
            CircuitBreaker::Resilience4j(b) => b.next_automatic_transition(),
            CircuitBreaker::Polly(_) => None,
        }
    }

    /// Applies the scheduled transitions due at or before `now_ms` and moves time forward.
    pub fn advance_to(&mut self, now_ms: u64) {
        match self {
            CircuitBreaker::Resilience4j(b) => b.advance_to(now_ms),
            CircuitBreaker::Polly(b) => b.advance_to(now_ms),
        }
    }

    /// Sets the uniform sample in [0, 1) used by jittered open-state waits (Resilience4j only).
    pub fn set_random_sample(&mut self, u: f64) {
        if let CircuitBreaker::Resilience4j(b) = self {
            b.set_random_sample(u);
        }
    }

    /// In HALF_OPEN, the trial permits left (Polly: 1 before the probe is let through, which is
    /// the moment it enters HALF_OPEN, so always 0 there).
    pub fn half_open_permits(&self) -> Option<u32> {
        match self {
            CircuitBreaker::Resilience4j(b) => b.half_open_permits(),
            CircuitBreaker::Polly(b) => (b.state() == State::HalfOpen).then_some(0),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Replay
// ---------------------------------------------------------------------------------------------

/// One output line of [`replay_json`].
#[derive(Serialize)]
struct ReplayLine {
    at_ms: u64,
    permitted: Option<bool>,
    state: State,
    failure_rate: f32,
    slow_call_rate: f32,
    buffered: u64,
    failed: u64,
    slow: u64,
    not_permitted: u64,
}

/// A parsed replay event.
enum EventKind {
    Call(Outcome, u64),
    Acquire,
    Transition(State),
}

fn field_u64(
    obj: &serde_json::Map<String, Value>,
    at: &str,
    name: &str,
) -> Result<Option<u64>, String> {
    match obj.get(name) {
        None => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            format!("{at}.{name}: must be a non-negative whole number of milliseconds, got {v}")
        }),
    }
}

fn field_str<'a>(
    obj: &'a serde_json::Map<String, Value>,
    at: &str,
    name: &str,
) -> Result<&'a str, String> {
    match obj.get(name) {
        None => Err(format!("{at}: missing field `{name}`")),
        Some(Value::String(s)) => Ok(s),
        Some(v) => Err(format!("{at}.{name}: must be a string, got {v}")),
    }
}

fn parse_event(v: &Value, index: usize) -> Result<(u64, Option<f64>, EventKind), String> {
    let at = format!("events[{index}]");
    let Value::Object(obj) = v else {
        return Err(format!("{at}: must be an object, got {v}"));
    };
    let at_ms =
        field_u64(obj, &at, "at_ms")?.ok_or_else(|| format!("{at}: missing field `at_ms`"))?;
    let random = match obj.get("random") {
        None => None,
        Some(r) => match r.as_f64() {
            Some(u) if (0.0..1.0).contains(&u) => Some(u),
            _ => return Err(format!("{at}.random: must be a number in [0, 1), got {r}")),
        },
    };
    let kind = field_str(obj, &at, "kind")?;
    let allowed: &[&str] = match kind {
        "call" => &["at_ms", "kind", "outcome", "duration_ms", "random"],
        "acquire" => &["at_ms", "kind", "random"],
        "transition" => &["at_ms", "kind", "to", "random"],
        other => {
            return Err(format!(
                "{at}.kind: unknown kind {other:?} (expected call, acquire or transition)"
            ))
        }
    };
    if let Some(extra) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("{at}: unknown field `{extra}` for kind {kind}"));
    }
    let event = match kind {
        "call" => {
            let name = field_str(obj, &at, "outcome")?;
            let outcome = Outcome::parse(name).ok_or_else(|| {
                format!(
                    "{at}.outcome: unknown outcome {name:?} (expected success, failure or ignored)"
                )
            })?;
            let duration = field_u64(obj, &at, "duration_ms")?.unwrap_or(0);
            EventKind::Call(outcome, duration)
        }
        "acquire" => EventKind::Acquire,
        _ => {
            let name = field_str(obj, &at, "to")?;
            let state = State::parse(name).ok_or_else(|| {
                format!(
                    "{at}.to: unknown state {name:?} (expected CLOSED, OPEN, HALF_OPEN, DISABLED, FORCED_OPEN or METRICS_ONLY)"
                )
            })?;
            EventKind::Transition(state)
        }
    };
    Ok((at_ms, random, event))
}

/// Replays a JSON script against a fresh breaker and returns one JSON line per event.
///
/// Input: `{"config": {...}, "events": [...]}` where `config` is read by
/// [`BreakerConfig::from_json_value`] and each event is one of
/// `{"at_ms": T, "kind": "call", "outcome": "success"|"failure"|"ignored", "duration_ms": D}`
/// (ask permission; if permitted, record the outcome; `duration_ms` defaults to 0),
/// `{"at_ms": T, "kind": "acquire"}` (permission only) or
/// `{"at_ms": T, "kind": "transition", "to": STATE}`. Any event may carry `"random": u` in
/// `[0, 1)`, the sample used from then on for jittered open-state waits. Events must be in time
/// order.
///
/// Each output line holds `at_ms`, `permitted` (null for transitions), `state`, `failure_rate`,
/// `slow_call_rate`, `buffered`, `failed`, `slow` and `not_permitted` after the event.
///
/// Bad input returns an error naming the place (`config.…`, `events[i].…`) and the reason.
pub fn replay_json(input: &str) -> Result<Vec<String>, String> {
    let root: Value = serde_json::from_str(input).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(obj) = &root else {
        return Err("input: must be an object with `config` and `events`".to_string());
    };
    if let Some(extra) = obj.keys().find(|k| *k != "config" && *k != "events") {
        return Err(format!(
            "input: unknown field `{extra}` (expected config and events)"
        ));
    }
    let config_value = obj
        .get("config")
        .ok_or_else(|| "input: missing field `config`".to_string())?;
    let config = BreakerConfig::from_json_value(config_value).map_err(|e| {
        if e.field == "." || e.field.is_empty() {
            format!("config: {}", e.reason)
        } else {
            format!("config.{}: {}", e.field, e.reason)
        }
    })?;
    let events = match obj.get("events") {
        None => return Err("input: missing field `events`".to_string()),
        Some(Value::Array(a)) => a,
        Some(v) => return Err(format!("events: must be an array, got {v}")),
    };
    let parsed = events
        .iter()
        .enumerate()
        .map(|(i, v)| parse_event(v, i))
        .collect::<Result<Vec<_>, _>>()?;
    let mut breaker = CircuitBreaker::new(config).map_err(|e| format!("config.{e}"))?;
    let mut last = 0u64;
    let mut lines = Vec::with_capacity(parsed.len());
    for (i, (at_ms, random, event)) in parsed.into_iter().enumerate() {
        if at_ms < last {
            return Err(format!(
                "events[{i}].at_ms: time went back from {last} to {at_ms} (events must be in time order)"
            ));
        }
        last = at_ms;
        if let Some(u) = random {
            breaker.set_random_sample(u);
        }
        let permitted = match event {
            EventKind::Call(outcome, duration) => {
                let ok = breaker.try_acquire(at_ms);
                if ok {
                    breaker.on_result(at_ms, outcome, duration);
                }
                Some(ok)
            }
            EventKind::Acquire => Some(breaker.try_acquire(at_ms)),
            EventKind::Transition(state) => {
                breaker
                    .transition_to(state, at_ms)
                    .map_err(|e| format!("events[{i}].to: {e}"))?;
                None
            }
        };
        let m = breaker.metrics();
        let line = ReplayLine {
            at_ms,
            permitted,
            state: breaker.state(),
            failure_rate: m.failure_rate,
            slow_call_rate: m.slow_call_rate,
            buffered: m.buffered,
            failed: m.failed,
            slow: m.slow,
            not_permitted: m.not_permitted,
        };
        lines.push(serde_json::to_string(&line).map_err(|e| format!("events[{i}]: {e}"))?);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r4j(config: Resilience4jConfig) -> Resilience4jBreaker {
        match Resilience4jBreaker::new(config) {
            Ok(b) => b,
            Err(e) => panic!("config should be valid: {e}"),
        }
    }

    #[test]
    fn state_names_round_trip() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
        assert_eq!(State::parse("half_open"), None);
    }

    #[test]
    fn defaults_are_resilience4js() {
        let c = Resilience4jConfig::default();
        assert_eq!(c.failure_rate_threshold, 50.0);
        assert_eq!(c.slow_call_rate_threshold, 100.0);
        assert_eq!(c.slow_call_duration_threshold_ms, 60_000);
        assert_eq!(c.permitted_number_of_calls_in_half_open_state, 10);
        assert_eq!(c.max_wait_duration_in_half_open_state_ms, 0);
        assert_eq!(c.sliding_window_type, SlidingWindowType::CountBased);
        assert_eq!(c.sliding_window_size, 100);
        assert_eq!(c.minimum_number_of_calls, 100);
        assert!(!c.automatic_transition_from_open_to_half_open_enabled);
        let mut b = r4j(c);
        b.enter_open(0);
        assert_eq!(b.open_wait_ms(), Some(60_000));
    }

    #[test]
    fn count_window_evicts_oldest() {
        let c = Resilience4jConfig {
            sliding_window_size: 3,
            ..Default::default()
        };
        let mut m = WindowMetrics::for_closed(&c);
        m.record(0, true, false, &c);
        m.record(0, false, true, &c);
        m.record(0, false, false, &c);
        m.record(0, false, false, &c);
        let s = m.snapshot(0);
        assert_eq!((s.buffered, s.failed, s.slow), (3, 0, 1));
    }

    #[test]
    fn exponential_sequence_truncates_each_step() {
        let c = Resilience4jConfig {
            wait_interval: Some(WaitInterval {
                initial_interval_ms: 1000,
                multiplier: Some(1.5),
                max_interval_ms: None,
                randomization_factor: None,
            }),
            ..Default::default()
        };
        let mut b = r4j(c);
        let waits: Vec<u64> = (1..=5).map(|a| b.wait_for_attempt(a)).collect();
        assert_eq!(waits, vec![1000, 1500, 2250, 3375, 5062]);
        // Going back to a lower attempt restarts the memo.
        assert_eq!(b.wait_for_attempt(2), 1500);
    }

    #[test]
    fn randomize_matches_resilience4j_formula() {
        // current 1000, factor 0.5: min 500, max 1500, range 1001.
        assert_eq!(randomize(1000.0, 0.5, 0.0) as i64, 500);
        assert_eq!(randomize(1000.0, 0.5, 0.5) as i64, 1000);
        assert_eq!(randomize(1000.0, 0.0, 0.999) as i64, 1000);
    }

    #[test]
    fn idle_cycles_fast_forward_matches_stepping() {
        let c = Resilience4jConfig {
            sliding_window_size: 2,
            minimum_number_of_calls: 2,
            wait_duration_in_open_state_ms: Some(10),
            max_wait_duration_in_half_open_state_ms: 5,
            automatic_transition_from_open_to_half_open_enabled: true,
            ..Default::default()
        };
        let mut fast = r4j(c.clone());
        fast.transition_to(State::Open, 0);
        fast.advance_to(1_000_003);
        // Step the same schedule by hand, one transition at a time.
        let mut slow = r4j(c);
        slow.transition_to(State::Open, 0);
        while let Some(t) = slow.next_automatic_transition() {
            if t > 1_000_003 {
                break;
            }
            match slow.state {
                State::Open => slow.enter_half_open(t),
                _ => slow.enter_open(t),
            }
        }
        slow.now_ms = 1_000_003;
        assert_eq!(fast.state(), slow.state());
        assert_eq!(fast.attempts(), slow.attempts());
        assert_eq!(
            fast.next_automatic_transition(),
            slow.next_automatic_transition()
        );
        assert_eq!(fast.metrics(), slow.metrics());
    }

    #[test]
    fn polly_window_rolls_every_tenth_of_sampling() {
        let mut b = match PollyBreaker::advanced(&PollyConfig {
            sampling_duration_ms: 1000,
            minimum_throughput: 2,
            failure_ratio: 1.0,
            break_duration_ms: 500,
        }) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        };
        b.on_result(0, Outcome::Success, 0);
        b.on_result(99, Outcome::Success, 0);
        b.on_result(100, Outcome::Success, 0);
        if let Behavior::Advanced { windows, .. } = &b.behavior {
            assert_eq!(windows.len(), 2);
        }
        b.advance_to(1000);
        // The window started at 0 is a whole sampling duration old: only 100's window remains.
        assert_eq!(b.metrics().buffered, 1);
    }
}
