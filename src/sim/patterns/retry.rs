//! Retries on a call edge: the policy (attempts, backoff, which outcomes), the budget that keeps
//! retries from multiplying the load, and the per-request retry context (retry at one layer only).
//!
//! The rules themselves live next door — backoff formulas and [`RetryPolicy`] in
//! [`super::backoff`], the budgets in [`super::budget`]; this file is what a scenario writes on a
//! call (`"retry": {...}`) and the small runtime the engine keeps per edge.

use super::backoff::{BackoffStrategy, OutcomeClass, RetryPolicy};
use super::budget::{
    EnvoyRetryBudget, EnvoyRetryTracker, GrpcRetryThrottle, GrpcThrottleConfig, RatioBudget,
    RatioBudgetConfig, RpcResult,
};
use serde::{Deserialize, Serialize};

fn three() -> u32 {
    3
}

fn default_retry_on() -> Vec<OutcomeClass> {
    vec![
        OutcomeClass::Timeout,
        OutcomeClass::Overloaded,
        OutcomeClass::ConnectFailed,
        OutcomeClass::ServerError,
    ]
}

/// `"retry"` on a call: retry failed attempts of this call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// Attempts in all, counting the first (Resilience4j's and gRPC's `maxAttempts`; default 3).
    #[serde(default = "three")]
    pub max_attempts: u32,
    /// Pause before each retry (default: none, retry at once).
    #[serde(default = "no_backoff")]
    pub backoff: BackoffStrategy,
    /// Outcome classes retried (default: timeout, overloaded, connect_failed, server_error).
    /// Rejections that say "don't retry" (an open breaker, a passed deadline) never are.
    #[serde(default = "default_retry_on")]
    pub retry_on: Vec<OutcomeClass>,
    /// A limit on retries across requests (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<RetryBudgetSpec>,
}

fn no_backoff() -> BackoffStrategy {
    BackoffStrategy::None
}

impl RetrySpec {
    /// `max_attempts` attempts with `backoff`, the default outcome classes, no budget.
    pub fn new(max_attempts: u32, backoff: BackoffStrategy) -> Self {
        RetrySpec {
            max_attempts,
            backoff,
            retry_on: default_retry_on(),
            budget: None,
        }
    }

    /// The policy part, as [`RetryPolicy`].
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.max_attempts,
            backoff: self.backoff.clone(),
            retry_on: self.retry_on.clone(),
        }
    }

    /// Checks the policy and the budget's settings.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_attempts > 100 {
            return Err(format!(
                "max_attempts: must be at most 100, got {}",
                self.max_attempts
            ));
        }
        self.policy().validate()?;
        match &self.budget {
            None => Ok(()),
            Some(RetryBudgetSpec::Ratio(c)) => c.validate().map_err(|e| format!("budget.{e}")),
            Some(RetryBudgetSpec::Envoy(c)) => c.validate().map_err(|e| format!("budget.{e}")),
            Some(RetryBudgetSpec::Grpc(c)) => GrpcRetryThrottle::new(c)
                .map(|_| ())
                .map_err(|e| format!("budget.{e}")),
        }
    }
}

/// Which budget limits the retries of an edge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RetryBudgetSpec {
    /// Retries at most `ratio` of the requests over a sliding window (SRE book; default 10 %).
    Ratio(RatioBudgetConfig),
    /// Envoy's budget: concurrent retries ≤ `budget_percent` of active requests, at least
    /// `min_retry_concurrency`.
    Envoy(EnvoyRetryBudget),
    /// gRPC retry throttling: a token bucket (`maxTokens`, `tokenRatio`); retries only while
    /// tokens > maxTokens / 2.
    Grpc(GrpcThrottleConfig),
}

/// The engine's runtime budget of one edge.
#[derive(Clone, Debug)]
pub enum BudgetRt {
    /// See [`RatioBudget`].
    Ratio(RatioBudget),
    /// See [`EnvoyRetryTracker`].
    Envoy(EnvoyRetryTracker),
    /// See [`GrpcRetryThrottle`].
    Grpc(GrpcRetryThrottle),
}

impl BudgetRt {
    /// The runtime state for a validated spec.
    pub fn new(spec: &RetryBudgetSpec) -> Option<BudgetRt> {
        Some(match spec {
            RetryBudgetSpec::Ratio(c) => BudgetRt::Ratio(RatioBudget::new(c).ok()?),
            RetryBudgetSpec::Envoy(c) => BudgetRt::Envoy(EnvoyRetryTracker::new(c.clone())),
            RetryBudgetSpec::Grpc(c) => BudgetRt::Grpc(GrpcRetryThrottle::new(c).ok()?),
        })
    }

    /// A first attempt is sent.
    pub fn on_first_attempt(&mut self, now_ms: f64) {
        match self {
            BudgetRt::Ratio(b) => b.record_request(now_ms),
            BudgetRt::Envoy(t) => t.start_request(),
            BudgetRt::Grpc(_) => {}
        }
    }

    /// An attempt ended (`retry` tells whether it was a retry); `class` is how it ended.
    pub fn on_attempt_end(&mut self, retry: bool, class: OutcomeClass, policy: &RetryPolicy) {
        match self {
            BudgetRt::Ratio(_) => {}
            BudgetRt::Envoy(t) => {
                if retry {
                    t.finish_retry()
                } else {
                    t.finish_request()
                }
            }
            BudgetRt::Grpc(g) => {
                g.record(RpcResult::from_outcome(class, policy));
            }
        }
    }

    /// An attempt was cancelled (a hedge that lost): only Envoy's books count it.
    pub fn on_attempt_cancelled(&mut self, retry: bool) {
        if let BudgetRt::Envoy(t) = self {
            if retry {
                t.finish_retry()
            } else {
                t.finish_request()
            }
        }
    }

    /// Asks to send a retry now; counts it if allowed.
    pub fn try_retry(&mut self, now_ms: f64) -> bool {
        match self {
            BudgetRt::Ratio(b) => b.try_retry(now_ms),
            BudgetRt::Envoy(t) => t.try_start_retry(),
            BudgetRt::Grpc(g) => g.retry_allowed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_defaults_and_budgets() {
        let s: RetrySpec = serde_json::from_str(r#"{"max_attempts": 3}"#).unwrap();
        assert_eq!(s.backoff, BackoffStrategy::None);
        assert!(s.retry_on.contains(&OutcomeClass::ServerError));
        s.validate().unwrap();
        let s: RetrySpec = serde_json::from_str(
            r#"{"max_attempts": 4, "backoff": {"kind": "full_jitter", "base_ms": 10, "cap_ms": 1000},
                "budget": {"kind": "grpc", "maxTokens": 10, "tokenRatio": 0.1}}"#,
        )
        .unwrap();
        assert!(matches!(s.budget, Some(RetryBudgetSpec::Grpc(_))));
        s.validate().unwrap();
        let bad: Result<RetrySpec, _> =
            serde_json::from_str(r#"{"budget": {"kind": "ratio", "ratio": 0.1, "typo": 1}}"#);
        assert!(bad.is_err(), "unknown budget field must be refused");
        let s: RetrySpec =
            serde_json::from_str(r#"{"budget": {"kind": "ratio", "ratio": 2}}"#).unwrap();
        assert!(s.validate().unwrap_err().contains("ratio"));
    }

    #[test]
    fn grpc_budget_stops_retries_below_half_the_tokens() {
        let spec = RetryBudgetSpec::Grpc(GrpcThrottleConfig {
            max_tokens: 4,
            token_ratio: 0.5,
        });
        let policy = RetrySpec::new(3, BackoffStrategy::None).policy();
        let mut b = BudgetRt::new(&spec).unwrap();
        assert!(b.try_retry(0.0));
        b.on_attempt_end(false, OutcomeClass::ServerError, &policy); // 3 tokens
        assert!(b.try_retry(0.0));
        b.on_attempt_end(false, OutcomeClass::ServerError, &policy); // 2 tokens: not > 2
        assert!(!b.try_retry(0.0));
        b.on_attempt_end(false, OutcomeClass::Success, &policy); // 2.5
        assert!(b.try_retry(0.0));
    }
}
