//! Limits on retrying, so that retries cannot multiply the load on a struggling service.
//!
//! Four mechanisms, from the simplest to the ones real proxies ship:
//!
//! * [`RetryContext`]: "retry at one layer only". The context travels with the request; the
//!   layer that may retry passes a context forbidding retries to everything below it, so a chain
//!   of `k` layers each allowing `m` attempts makes at most `m` calls at the bottom, not `m^k`.
//! * [`RatioBudget`]: a per-client budget (Google SRE book, "Handling Overload"): retries stay at
//!   most a fraction (10 % by default) of the requests sent over a sliding window.
//! * [`EnvoyRetryBudget`]: Envoy's `retry_budget` circuit-breaker threshold, a limit on
//!   *concurrent* retries relative to the active requests.
//! * [`GrpcRetryThrottle`]: gRPC's retry throttling (gRFC A6), a token bucket per server.

use crate::sim::patterns::backoff::{OutcomeClass, RetryPolicy};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Retry at one layer only
// ---------------------------------------------------------------------------------------------

/// Which layers of a call chain may retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RetryScope {
    /// The anti-pattern: every layer retries on its own, so attempts multiply down the chain.
    EveryLayer,
    /// Only the first layer that receives the request with retries allowed retries; it passes a
    /// context forbidding retries to its downstream calls.
    #[default]
    OneLayer,
}

/// The per-request retry context, passed down the chain with the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryContext {
    /// Whether the layer that receives this context may retry its downstream calls.
    pub retry_allowed: bool,
    /// How many hops the request has travelled (0 at the edge).
    pub depth: u32,
}

impl RetryContext {
    /// The context of a request entering the system: the first layer may retry.
    pub fn edge() -> Self {
        RetryContext {
            retry_allowed: true,
            depth: 0,
        }
    }

    /// The context a layer holding `self` attaches to its downstream calls. Under
    /// [`RetryScope::OneLayer`] nothing below a layer may retry, whether that layer could retry
    /// or not (it was the one, or one above it was).
    pub fn downstream(&self, scope: RetryScope) -> Self {
        RetryContext {
            retry_allowed: match scope {
                RetryScope::EveryLayer => self.retry_allowed,
                RetryScope::OneLayer => false,
            },
            depth: self.depth.saturating_add(1),
        }
    }

    /// The attempts this layer may make per incoming request under a policy allowing
    /// `max_attempts`: all of them if it may retry, else exactly one.
    pub fn attempts_allowed(&self, max_attempts: u32) -> u32 {
        if self.retry_allowed {
            max_attempts.max(1)
        } else {
            1
        }
    }
}

/// Worst-case calls reaching the bottom of a chain of `layers` callers (each calling the next)
/// when every call fails and each layer's policy allows `max_attempts` attempts.
/// [`RetryScope::EveryLayer`] gives `max_attempts^layers`; [`RetryScope::OneLayer`] gives
/// `max_attempts`. Saturates at `u64::MAX`.
pub fn worst_case_bottom_calls(layers: u32, max_attempts: u32, scope: RetryScope) -> u64 {
    let mut ctx = RetryContext::edge();
    let mut calls: u64 = 1;
    for _ in 0..layers {
        calls = calls.saturating_mul(ctx.attempts_allowed(max_attempts) as u64);
        ctx = ctx.downstream(scope);
    }
    calls
}

// ---------------------------------------------------------------------------------------------
// Per-client ratio budget over a sliding window
// ---------------------------------------------------------------------------------------------

fn default_ratio() -> f64 {
    0.1
}
fn default_bucket_ms() -> f64 {
    1000.0
}
fn default_buckets() -> u32 {
    10
}

/// Settings of a [`RatioBudget`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatioBudgetConfig {
    /// Largest fraction of the requests sent in the window that may be retries (default 0.1).
    #[serde(default = "default_ratio")]
    pub ratio: f64,
    /// Width of one time bucket, in milliseconds (default 1000).
    #[serde(default = "default_bucket_ms")]
    pub bucket_ms: f64,
    /// Number of buckets in the window (default 10, so a 10 s window).
    #[serde(default = "default_buckets")]
    pub buckets: u32,
}

impl Default for RatioBudgetConfig {
    fn default() -> Self {
        RatioBudgetConfig {
            ratio: default_ratio(),
            bucket_ms: default_bucket_ms(),
            buckets: default_buckets(),
        }
    }
}

impl RatioBudgetConfig {
    /// Checks the ranges: `0 ≤ ratio ≤ 1`, `bucket_ms > 0`, `1 ≤ buckets ≤ 3600`.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.ratio.is_finite() && (0.0..=1.0).contains(&self.ratio)) {
            return Err(format!("ratio must be in [0, 1], got {}", self.ratio));
        }
        if !(self.bucket_ms.is_finite() && self.bucket_ms > 0.0) {
            return Err(format!("bucket_ms must be > 0, got {}", self.bucket_ms));
        }
        if self.buckets == 0 || self.buckets > 3600 {
            return Err(format!("buckets must be in 1..=3600, got {}", self.buckets));
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Bucket {
    /// `floor(time / bucket_ms)` of the counts held, or `i64::MIN` when unused.
    index: i64,
    requests: u64,
    retries: u64,
}

/// A per-client retry budget: a retry is allowed only if, counting it, retries are at most
/// `ratio` of all requests sent (first attempts and retries) within the window.
///
/// **Window.** Time is cut into buckets of `bucket_ms`; the window is the current bucket plus
/// the `buckets − 1` before it, kept in a ring of counters. This is deterministic (no clocks, no
/// per-event timestamps), O(buckets) memory whatever the traffic, and the same choice as the
/// sliding windows of Finagle's and Linkerd's retry budgets; the price is that the window's
/// length wobbles between `(buckets − 1)·bucket_ms` and `buckets·bucket_ms` as time moves
/// within the current bucket. With the defaults that is "the last 9 to 10 seconds".
///
/// The comparison is in exact integer arithmetic (the ratio is rounded to parts per million),
/// so `ratio = 0.1` with 20 requests allows exactly 2 retries.
#[derive(Clone, Debug)]
pub struct RatioBudget {
    ratio_ppm: u64,
    bucket_ms: f64,
    ring: Vec<Bucket>,
}

impl RatioBudget {
    /// A budget with the given settings (validated).
    pub fn new(config: &RatioBudgetConfig) -> Result<Self, String> {
        config.validate()?;
        Ok(RatioBudget {
            ratio_ppm: libm::round(config.ratio * 1e6) as u64,
            bucket_ms: config.bucket_ms,
            ring: vec![
                Bucket {
                    index: i64::MIN,
                    ..Bucket::default()
                };
                config.buckets as usize
            ],
        })
    }

    fn bucket_index(&self, now_ms: f64) -> i64 {
        libm::floor(now_ms / self.bucket_ms) as i64
    }

    /// The bucket for `now_ms`, cleared if it last held an older time.
    fn current(&mut self, now_ms: f64) -> &mut Bucket {
        let index = self.bucket_index(now_ms);
        let n = self.ring.len() as i64;
        let slot = index.rem_euclid(n) as usize;
        let b = &mut self.ring[slot];
        if b.index != index {
            *b = Bucket {
                index,
                requests: 0,
                retries: 0,
            };
        }
        b
    }

    /// `(requests, retries)` in the window ending at `now_ms`; requests include retries.
    pub fn window_counts(&self, now_ms: f64) -> (u64, u64) {
        let index = self.bucket_index(now_ms);
        let oldest = index - (self.ring.len() as i64 - 1);
        self.ring
            .iter()
            .filter(|b| b.index != i64::MIN && b.index >= oldest && b.index <= index)
            .fold((0, 0), |(r, x), b| (r + b.requests, x + b.retries))
    }

    /// Counts a first attempt sent at `now_ms`.
    pub fn record_request(&mut self, now_ms: f64) {
        self.current(now_ms).requests += 1;
    }

    /// Asks to send a retry at `now_ms`. If allowed, the retry is counted (as a request and as
    /// a retry) and `true` is returned: allowed iff `retries + 1 ≤ ratio · (requests + 1)`.
    pub fn try_retry(&mut self, now_ms: f64) -> bool {
        let (requests, retries) = self.window_counts(now_ms);
        let allowed =
            (retries + 1).saturating_mul(1_000_000) <= self.ratio_ppm.saturating_mul(requests + 1);
        if allowed {
            let b = self.current(now_ms);
            b.requests += 1;
            b.retries += 1;
        }
        allowed
    }
}

// ---------------------------------------------------------------------------------------------
// Envoy's retry budget
// ---------------------------------------------------------------------------------------------

fn default_budget_percent() -> f64 {
    20.0
}
fn default_min_retry_concurrency() -> u32 {
    3
}

/// Envoy's `retry_budget` (cluster `circuit_breakers.thresholds[].retry_budget`): "a limit on
/// concurrent retries in relation to the number of active requests". `budget_percent` limits the
/// concurrent retries to a percentage of the sum of active and pending requests (default 20 %);
/// `min_retry_concurrency` is a floor the limit never goes below (default 3). When set, it
/// overrides the `max_retries` circuit breaker.
///
/// The limit is computed as Envoy's `RetryBudgetImpl::max()` does
/// (`source/common/upstream/resource_manager_impl.h`):
/// `max(uint64(budget_percent / 100.0 · (active + pending)), min_retry_concurrency)` — the
/// product is truncated toward zero — and a retry may start iff `active_retries < limit`.
/// Envoy's active requests are upstream requests in flight, retries included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvoyRetryBudget {
    /// Percentage of active plus pending requests that may be concurrent retries.
    #[serde(default = "default_budget_percent")]
    pub budget_percent: f64,
    /// The limit never goes below this.
    #[serde(default = "default_min_retry_concurrency")]
    pub min_retry_concurrency: u32,
}

impl Default for EnvoyRetryBudget {
    fn default() -> Self {
        EnvoyRetryBudget {
            budget_percent: default_budget_percent(),
            min_retry_concurrency: default_min_retry_concurrency(),
        }
    }
}

impl EnvoyRetryBudget {
    /// Checks `0 ≤ budget_percent ≤ 100`.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.budget_percent.is_finite() && (0.0..=100.0).contains(&self.budget_percent)) {
            return Err(format!(
                "budget_percent must be in [0, 100], got {}",
                self.budget_percent
            ));
        }
        Ok(())
    }

    /// The largest number of concurrent retries with these active and pending requests.
    pub fn max_retries(&self, active_requests: u64, pending_requests: u64) -> u64 {
        let current_active = active_requests.saturating_add(pending_requests);
        let by_percent = (self.budget_percent / 100.0 * current_active as f64) as u64;
        by_percent.max(self.min_retry_concurrency as u64)
    }

    /// Whether one more retry may start now.
    pub fn can_retry(
        &self,
        active_retries: u64,
        active_requests: u64,
        pending_requests: u64,
    ) -> bool {
        active_retries < self.max_retries(active_requests, pending_requests)
    }
}

/// Live counters for an [`EnvoyRetryBudget`]: requests in flight (retries included), pending
/// requests and retries in flight.
#[derive(Clone, Debug, Default)]
pub struct EnvoyRetryTracker {
    /// The budget.
    pub budget: EnvoyRetryBudget,
    /// Upstream requests in flight, retries included.
    pub active_requests: u64,
    /// Requests waiting for a connection.
    pub pending_requests: u64,
    /// Retries in flight.
    pub active_retries: u64,
}

impl EnvoyRetryTracker {
    /// Counters at zero.
    pub fn new(budget: EnvoyRetryBudget) -> Self {
        EnvoyRetryTracker {
            budget,
            ..Default::default()
        }
    }

    /// A first attempt goes out.
    pub fn start_request(&mut self) {
        self.active_requests += 1;
    }

    /// A first attempt ends.
    pub fn finish_request(&mut self) {
        self.active_requests = self.active_requests.saturating_sub(1);
    }

    /// Asks to start a retry; if allowed it is counted (as a retry and as an active request).
    pub fn try_start_retry(&mut self) -> bool {
        if self.budget.can_retry(
            self.active_retries,
            self.active_requests,
            self.pending_requests,
        ) {
            self.active_retries += 1;
            self.active_requests += 1;
            true
        } else {
            false
        }
    }

    /// A retry ends.
    pub fn finish_retry(&mut self) {
        self.active_retries = self.active_retries.saturating_sub(1);
        self.active_requests = self.active_requests.saturating_sub(1);
    }
}

// ---------------------------------------------------------------------------------------------
// gRPC retry throttling (gRFC A6)
// ---------------------------------------------------------------------------------------------

/// gRPC's `retryThrottling` service-config block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GrpcThrottleConfig {
    /// `maxTokens`: the bucket's size and starting level (> 0; gRPC caps it at 1000).
    pub max_tokens: u32,
    /// `tokenRatio`: tokens added per success (> 0, up to 3 decimal places).
    pub token_ratio: f64,
}

impl Default for GrpcThrottleConfig {
    /// The example of gRFC A6: `maxTokens` 10, `tokenRatio` 0.1.
    fn default() -> Self {
        GrpcThrottleConfig {
            max_tokens: 10,
            token_ratio: 0.1,
        }
    }
}

/// How one RPC ended, for the throttle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RpcResult {
    /// OK: adds `tokenRatio`.
    Success,
    /// A status in the policy's retryable (or hedging non-fatal) set: takes one token.
    RetryableFailure,
    /// Server pushback saying not to retry: also takes one token.
    PushbackDoNotRetry,
    /// Any other status (e.g. `INVALID_ARGUMENT`): leaves the tokens alone, so malformed
    /// requests are not mistaken for server failure.
    FatalFailure,
}

impl RpcResult {
    /// Classifies an [`OutcomeClass`] for the throttle under a retry policy: retryable classes
    /// count as failures, `DoNotRetry` as pushback, other failures as fatal.
    pub fn from_outcome(outcome: OutcomeClass, policy: &RetryPolicy) -> Self {
        match outcome {
            OutcomeClass::Success => RpcResult::Success,
            OutcomeClass::DoNotRetry => RpcResult::PushbackDoNotRetry,
            o if policy.is_retryable(o) => RpcResult::RetryableFailure,
            _ => RpcResult::FatalFailure,
        }
    }
}

/// gRPC client retry throttling (gRFC A6, "Throttling Retry Attempts and Hedged RPCs"), kept per
/// server name. `token_count` starts at `maxTokens` and stays within `[0, maxTokens]`; every
/// failed RPC that counts (see [`RpcResult`]) takes 1 token, every successful RPC adds
/// `tokenRatio`; retries and hedged RPCs are sent only while `token_count > maxTokens / 2`.
///
/// As in gRPC's C core (`retry_throttle.cc`), tokens are held in integer thousandths (the ratio
/// has at most three decimals), so the arithmetic is exact, and a failure is recorded before the
/// decision about retrying it is taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrpcRetryThrottle {
    max_milli_tokens: u64,
    milli_token_ratio: u64,
    milli_tokens: u64,
}

impl GrpcRetryThrottle {
    /// A full bucket.
    pub fn new(config: &GrpcThrottleConfig) -> Result<Self, String> {
        if config.max_tokens == 0 || config.max_tokens > 1000 {
            return Err(format!(
                "maxTokens must be in 1..=1000, got {}",
                config.max_tokens
            ));
        }
        if !(config.token_ratio.is_finite() && config.token_ratio > 0.0) {
            return Err(format!(
                "tokenRatio must be > 0, got {}",
                config.token_ratio
            ));
        }
        let milli_token_ratio = libm::round(config.token_ratio * 1000.0) as u64;
        if milli_token_ratio == 0 {
            return Err("tokenRatio must be at least 0.001".into());
        }
        let max_milli_tokens = config.max_tokens as u64 * 1000;
        Ok(GrpcRetryThrottle {
            max_milli_tokens,
            milli_token_ratio,
            milli_tokens: max_milli_tokens,
        })
    }

    /// The current token count.
    pub fn tokens(&self) -> f64 {
        self.milli_tokens as f64 / 1000.0
    }

    /// The current token count in thousandths (exact).
    pub fn milli_tokens(&self) -> u64 {
        self.milli_tokens
    }

    /// Whether retries and hedges may be sent: `token_count > maxTokens / 2`.
    pub fn retry_allowed(&self) -> bool {
        self.milli_tokens > self.max_milli_tokens / 2
    }

    /// Records how an RPC (any attempt) ended; returns whether retries are allowed afterwards.
    pub fn record(&mut self, result: RpcResult) -> bool {
        match result {
            RpcResult::Success => {
                self.milli_tokens =
                    (self.milli_tokens + self.milli_token_ratio).min(self.max_milli_tokens);
            }
            RpcResult::RetryableFailure | RpcResult::PushbackDoNotRetry => {
                self.milli_tokens = self.milli_tokens.saturating_sub(1000);
            }
            RpcResult::FatalFailure => {}
        }
        self.retry_allowed()
    }
}
