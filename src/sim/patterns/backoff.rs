//! Backoff between retries, and the retry policy that decides whether to retry at all.
//!
//! The jittered formulas are exactly those of Marc Brooker's post "Exponential Backoff And
//! Jitter" (AWS Architecture Blog, 2015) and of the simulator that produced its figures, where
//! `random_between(a, b)` is `a + u·(b − a)` with `u` uniform on [0, 1):
//!
//! | strategy              | sleep before retry number `attempt`                                  |
//! |-----------------------|----------------------------------------------------------------------|
//! | `none`                | 0                                                                    |
//! | `constant`            | `base`                                                               |
//! | `exponential`         | `min(cap, base · 2^attempt)`                                         |
//! | `full_jitter`         | `random_between(0, min(cap, base · 2^attempt))`                      |
//! | `equal_jitter`        | `temp = min(cap, base · 2^attempt)`; `temp/2 + random_between(0, temp/2)` |
//! | `decorrelated_jitter` | `sleep = min(cap, random_between(base, sleep_prev · 3))`, `sleep_prev` starting at `base` |
//! | `polly_v2`            | Polly's `DecorrelatedJitterBackoffV2` (see [`polly_v2_delay_ms`])    |
//!
//! Convention: the first retry uses `attempt = 1`, so plain exponential backoff with a 5 ms base
//! sleeps 10, 20, 40 … ms (as in Brooker's simulator, which increments the attempt counter before
//! computing the first sleep).
//!
//! Every formula is also available as a pure function of an explicit uniform number `u`, so the
//! tests can pin exact values; [`Backoff::next_delay_ms`] draws `u` from the simulation's
//! [`SimRng`] (one draw per jittered delay, none for the deterministic strategies).

use crate::sim::rng::SimRng;
use serde::{Deserialize, Serialize};

/// Largest power of two used by the exponential formulas: beyond it `base · 2^attempt` is
/// infinite for any positive base anyway, and the cap takes over.
const MAX_EXPONENT: u32 = 1100;

/// How long to wait before each retry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum BackoffStrategy {
    /// Retry at once.
    None,
    /// Always the same pause.
    Constant {
        /// The pause, in milliseconds.
        base_ms: f64,
    },
    /// Capped exponential: `min(cap, base · 2^attempt)`.
    Exponential {
        /// Scale of the first pause (the first retry sleeps `2 · base`).
        base_ms: f64,
        /// Upper bound of any pause.
        cap_ms: f64,
    },
    /// Full jitter: uniform between 0 and the capped exponential.
    FullJitter {
        /// Scale of the exponential.
        base_ms: f64,
        /// Upper bound of any pause.
        cap_ms: f64,
    },
    /// Equal jitter: half the capped exponential, plus uniform up to the other half.
    EqualJitter {
        /// Scale of the exponential.
        base_ms: f64,
        /// Upper bound of any pause.
        cap_ms: f64,
    },
    /// Decorrelated jitter: uniform between `base` and three times the previous pause, capped.
    DecorrelatedJitter {
        /// Smallest pause, and the "previous pause" before the first retry.
        base_ms: f64,
        /// Upper bound of any pause.
        cap_ms: f64,
    },
    /// Polly's `DecorrelatedJitterBackoffV2` (Polly v8's exponential backoff with jitter).
    PollyV2 {
        /// Polly's `BaseDelay`: the median of the first pause.
        base_ms: f64,
        /// Polly's `MaxDelay`: upper bound of any pause (none if absent).
        #[serde(default)]
        max_delay_ms: Option<f64>,
    },
}

impl BackoffStrategy {
    /// Whether the strategy consumes a random number per delay.
    pub fn is_jittered(&self) -> bool {
        matches!(
            self,
            BackoffStrategy::FullJitter { .. }
                | BackoffStrategy::EqualJitter { .. }
                | BackoffStrategy::DecorrelatedJitter { .. }
                | BackoffStrategy::PollyV2 { .. }
        )
    }

    /// Checks that every duration is finite and non-negative and that caps are not below bases.
    pub fn validate(&self) -> Result<(), String> {
        fn duration(name: &str, v: f64) -> Result<(), String> {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number ≥ 0, got {v}"))
            }
        }
        fn base_cap(base: f64, cap: f64) -> Result<(), String> {
            duration("base_ms", base)?;
            duration("cap_ms", cap)?;
            if cap < base {
                return Err(format!("cap_ms ({cap}) must not be below base_ms ({base})"));
            }
            Ok(())
        }
        match *self {
            BackoffStrategy::None => Ok(()),
            BackoffStrategy::Constant { base_ms } => duration("base_ms", base_ms),
            BackoffStrategy::Exponential { base_ms, cap_ms }
            | BackoffStrategy::FullJitter { base_ms, cap_ms }
            | BackoffStrategy::EqualJitter { base_ms, cap_ms }
            | BackoffStrategy::DecorrelatedJitter { base_ms, cap_ms } => base_cap(base_ms, cap_ms),
            BackoffStrategy::PollyV2 {
                base_ms,
                max_delay_ms,
            } => {
                duration("base_ms", base_ms)?;
                if let Some(max) = max_delay_ms {
                    duration("max_delay_ms", max)?;
                }
                Ok(())
            }
        }
    }
}

/// `min(cap, base · 2^attempt)`, computed exactly (multiplying by a power of two loses nothing).
/// Up to 2^1023 the power of two is an f64 and one multiplication gives `ldexp`'s exact result
/// (or its infinity on overflow); beyond, `libm::ldexp` does it.
#[inline]
pub fn capped_exponential_ms(base_ms: f64, cap_ms: f64, attempt: u32) -> f64 {
    let raw = if attempt <= 1023 {
        base_ms * f64::from_bits((1023 + u64::from(attempt)) << 52)
    } else {
        libm::ldexp(base_ms, attempt.min(MAX_EXPONENT) as i32)
    };
    if raw < cap_ms {
        raw
    } else {
        cap_ms
    }
}

/// Full jitter with the uniform number `u` ∈ [0, 1): `u · min(cap, base · 2^attempt)`.
#[inline]
pub fn full_jitter_ms(base_ms: f64, cap_ms: f64, attempt: u32, u: f64) -> f64 {
    random_between(0.0, capped_exponential_ms(base_ms, cap_ms, attempt), u)
}

/// Equal jitter with the uniform number `u`: `temp/2 + random_between(0, temp/2)`.
#[inline]
pub fn equal_jitter_ms(base_ms: f64, cap_ms: f64, attempt: u32, u: f64) -> f64 {
    let temp = capped_exponential_ms(base_ms, cap_ms, attempt);
    temp / 2.0 + random_between(0.0, temp / 2.0, u)
}

/// Decorrelated jitter with the uniform number `u`: `min(cap, random_between(base, prev · 3))`.
/// The first call takes `prev = base`.
#[inline]
pub fn decorrelated_jitter_ms(base_ms: f64, cap_ms: f64, prev_ms: f64, u: f64) -> f64 {
    let v = random_between(base_ms, prev_ms * 3.0, u);
    if v < cap_ms {
        v
    } else {
        cap_ms
    }
}

/// Polly's `pFactor`: smooths the first delay.
pub const POLLY_P_FACTOR: f64 = 4.0;
/// Polly's `rpScalingFactor` (`1 / 1.4`): puts the medians near `base · 2^t`.
pub const POLLY_RP_SCALING_FACTOR: f64 = 1.0 / 1.4;
/// `TimeSpan.MaxValue` minus Polly's 1000-tick safety margin, in milliseconds (1 tick = 100 ns).
pub const POLLY_MAX_DELAY_MS: f64 = (i64::MAX as f64 - 1000.0) / 10_000.0;

/// One step of Polly's `DecorrelatedJitterBackoffV2` (`src/Polly.Core/Retry/RetryHelper.cs`),
/// formula by George Polevoy with Polly's `pFactor = 4` and `rpScalingFactor = 1/1.4`:
///
/// ```text
/// t    = polly_attempt + u
/// next = 2^t · tanh(sqrt(pFactor · t))
/// delay = min((next − prev) · rpScalingFactor · base, TimeSpan.MaxValue − 1000 ticks)
/// prev = next
/// ```
///
/// then `GetRetryDelay` caps the result at `MaxDelay` when one is set. `prev` is the per-execution
/// state (0 before the first retry). **Polly counts attempts from 0** (its first retry is
/// attempt 0); [`Backoff`] converts from this module's 1-based convention. Polly converts the
/// result to whole 100 ns ticks; this keeps the unrounded milliseconds (a difference below
/// 0.0001 ms). When `next` overflows to infinity (t ≥ 1024), Polly returns its maximum delay and
/// this does the same.
pub fn polly_v2_delay_ms(
    polly_attempt: u32,
    base_ms: f64,
    max_delay_ms: Option<f64>,
    prev: &mut f64,
    u: f64,
) -> f64 {
    let t = polly_attempt as f64 + u;
    let next = libm::pow(2.0, t) * libm::tanh(libm::sqrt(POLLY_P_FACTOR * t));
    let raw = if next.is_infinite() {
        *prev = next;
        POLLY_MAX_DELAY_MS
    } else {
        let intrinsic = next - *prev;
        *prev = next;
        (intrinsic * POLLY_RP_SCALING_FACTOR * base_ms).min(POLLY_MAX_DELAY_MS)
    };
    match max_delay_ms {
        Some(max) if raw > max => max,
        _ => raw,
    }
}

/// `a + u·(b − a)`: Python's `random.uniform(a, b)` with the uniform number supplied.
#[inline]
fn random_between(a: f64, b: f64, u: f64) -> f64 {
    a + (b - a) * u
}

/// A backoff strategy plus the state it carries from one retry to the next of the same request
/// (the previous sleep for decorrelated jitter, Polly's `prev`).
#[derive(Clone, Debug, PartialEq)]
pub struct Backoff {
    strategy: BackoffStrategy,
    sleep_prev_ms: f64,
    polly_prev: f64,
}

impl Backoff {
    /// Fresh state for a new request.
    pub fn new(strategy: BackoffStrategy) -> Self {
        let mut b = Backoff {
            strategy,
            sleep_prev_ms: 0.0,
            polly_prev: 0.0,
        };
        b.reset();
        b
    }

    /// The strategy.
    pub fn strategy(&self) -> &BackoffStrategy {
        &self.strategy
    }

    /// Forgets the history (a new request starts over).
    pub fn reset(&mut self) {
        self.sleep_prev_ms = match self.strategy {
            BackoffStrategy::DecorrelatedJitter { base_ms, .. } => base_ms,
            _ => 0.0,
        };
        self.polly_prev = 0.0;
    }

    /// The pause before retry number `attempt` (1 for the first retry), drawing one uniform
    /// number from `rng` if the strategy is jittered and none otherwise.
    pub fn next_delay_ms(&mut self, attempt: u32, rng: &mut SimRng) -> f64 {
        let u = if self.strategy.is_jittered() {
            rng.uniform()
        } else {
            0.0
        };
        self.next_delay_with(attempt, u)
    }

    /// The pause before retry number `attempt` with the uniform number `u` ∈ [0, 1) supplied
    /// (ignored by the deterministic strategies). Updates the state as [`Self::next_delay_ms`].
    pub fn next_delay_with(&mut self, attempt: u32, u: f64) -> f64 {
        match self.strategy {
            BackoffStrategy::None => 0.0,
            BackoffStrategy::Constant { base_ms } => base_ms,
            BackoffStrategy::Exponential { base_ms, cap_ms } => {
                capped_exponential_ms(base_ms, cap_ms, attempt)
            }
            BackoffStrategy::FullJitter { base_ms, cap_ms } => {
                full_jitter_ms(base_ms, cap_ms, attempt, u)
            }
            BackoffStrategy::EqualJitter { base_ms, cap_ms } => {
                equal_jitter_ms(base_ms, cap_ms, attempt, u)
            }
            BackoffStrategy::DecorrelatedJitter { base_ms, cap_ms } => {
                let sleep = decorrelated_jitter_ms(base_ms, cap_ms, self.sleep_prev_ms, u);
                self.sleep_prev_ms = sleep;
                sleep
            }
            BackoffStrategy::PollyV2 {
                base_ms,
                max_delay_ms,
            } => polly_v2_delay_ms(
                attempt.saturating_sub(1),
                base_ms,
                max_delay_ms,
                &mut self.polly_prev,
                u,
            ),
        }
    }
}

/// What came back from one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeClass {
    /// A successful reply: nothing to retry.
    Success,
    /// No reply in time. Retryable — but the request may have been executed.
    Timeout,
    /// "Busy, try later" (HTTP 503/429, gRPC `UNAVAILABLE`, a full queue). Retryable.
    Overloaded,
    /// The connection could not be made: the request surely never ran. Retryable.
    ConnectFailed,
    /// The server failed while handling the request (HTTP 500, gRPC `INTERNAL`). Retryable if
    /// the policy lists it — safe only for idempotent operations.
    ServerError,
    /// The request itself is wrong (HTTP 4xx, gRPC `INVALID_ARGUMENT`): retrying cannot help.
    ClientError,
    /// Refused locally by an open circuit breaker (Resilience4j's `CallNotPermittedException`,
    /// Polly's `BrokenCircuitException`): the point is to *not* call, so never retried.
    CallNotPermitted,
    /// The server said explicitly not to retry (gRPC pushback with a negative delay).
    DoNotRetry,
    /// The caller's deadline has passed: any retry would be wasted work.
    DeadlineExceeded,
}

impl OutcomeClass {
    /// Outcomes that no policy may retry, whatever it lists.
    pub fn is_never_retried(self) -> bool {
        matches!(
            self,
            OutcomeClass::Success
                | OutcomeClass::ClientError
                | OutcomeClass::CallNotPermitted
                | OutcomeClass::DoNotRetry
                | OutcomeClass::DeadlineExceeded
        )
    }
}

fn default_retry_on() -> Vec<OutcomeClass> {
    vec![
        OutcomeClass::Timeout,
        OutcomeClass::Overloaded,
        OutcomeClass::ConnectFailed,
    ]
}

fn default_max_attempts() -> u32 {
    3
}

/// When and how a caller retries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Attempts in all, **counting the first** (gRPC's `maxAttempts`, Resilience4j's
    /// `maxAttempts`): 1 means never retry, 3 means the first try and at most two retries.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// Pause before each retry.
    pub backoff: BackoffStrategy,
    /// Outcome classes that may be retried (default: timeout, overloaded, connect_failed).
    /// Classes that are never retried ([`OutcomeClass::is_never_retried`]) are refused here.
    #[serde(default = "default_retry_on")]
    pub retry_on: Vec<OutcomeClass>,
}

impl RetryPolicy {
    /// A policy retrying the default outcome classes.
    pub fn new(max_attempts: u32, backoff: BackoffStrategy) -> Self {
        RetryPolicy {
            max_attempts,
            backoff,
            retry_on: default_retry_on(),
        }
    }

    /// Checks the numbers and that no never-retried class is listed.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_attempts == 0 {
            return Err("max_attempts counts the first attempt and must be at least 1".into());
        }
        self.backoff.validate()?;
        if let Some(bad) = self.retry_on.iter().find(|o| o.is_never_retried()) {
            return Err(format!("retry_on lists {bad:?}, which is never retried"));
        }
        Ok(())
    }

    /// Whether this outcome class is one this policy retries.
    pub fn is_retryable(&self, outcome: OutcomeClass) -> bool {
        !outcome.is_never_retried() && self.retry_on.contains(&outcome)
    }

    /// After attempt number `attempt` (1 for the first try) ended with `outcome`: try again?
    /// Yes iff the outcome is retryable and fewer than `max_attempts` attempts were made. The
    /// pause before that retry is then `Backoff::next_delay_ms(attempt, …)`.
    pub fn should_retry(&self, attempt: u32, outcome: OutcomeClass) -> bool {
        attempt < self.max_attempts && self.is_retryable(outcome)
    }

    /// A fresh backoff state for one request under this policy.
    pub fn backoff_state(&self) -> Backoff {
        Backoff::new(self.backoff.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_exponential_is_ldexp_bit_for_bit() {
        // the multiplication by 2^attempt against libm's ldexp, for bases of every magnitude
        // (subnormal, tiny, ordinary, huge, negative, zero) and every attempt up to the limit
        let mut bases = vec![
            0.0,
            -0.0,
            5.0,
            0.1,
            1e-310,
            4.9e-324,
            1e-300,
            1e300,
            -7.5,
            f64::MAX,
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let b = f64::from_bits(x);
            if b.is_finite() {
                bases.push(b);
            }
        }
        for &base in &bases {
            for attempt in 0..=1200u32 {
                let cap = f64::INFINITY;
                let want = libm::ldexp(base, attempt.min(MAX_EXPONENT) as i32);
                let got = capped_exponential_ms(base, cap, attempt);
                assert_eq!(got.to_bits(), want.to_bits(), "{base:e} · 2^{attempt}");
            }
        }
    }
}
