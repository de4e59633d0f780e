//! Timeouts and deadlines.
//!
//! A *timeout* is a duration a caller is willing to wait for one call; a *deadline* is a point in
//! time after which nobody wants the answer any more. Deadline propagation (gRPC's deadlines,
//! `context.WithDeadline` in Go) sends the remaining budget along with the request: each hop
//! waits at most what is left, minus an optional safety margin for the reply's trip back. The
//! anti-pattern is a fresh timeout at every hop: each hop is reasonable on its own, yet the whole
//! chain can run far past the moment the user gave up, doing work nobody will read.
//!
//! Times here are milliseconds (`f64`) on the simulation's clock.

use serde::{Deserialize, Serialize};

/// What is left of a budget ending at `deadline_at_ms`, at `now_ms`, keeping `margin_ms` in
/// reserve: `Some(deadline − now − margin)` if positive, `None` if nothing is left (the caller
/// should fail at once rather than start work it cannot finish).
pub fn remaining_ms(deadline_at_ms: f64, now_ms: f64, margin_ms: f64) -> Option<f64> {
    let left = deadline_at_ms - now_ms - margin_ms;
    if left > 0.0 {
        Some(left)
    } else {
        None
    }
}

/// An absolute deadline carried with a request.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deadline {
    /// The moment after which the answer is useless, in milliseconds.
    pub at_ms: f64,
}

impl Deadline {
    /// The deadline `budget_ms` after `now_ms`.
    pub fn after(now_ms: f64, budget_ms: f64) -> Self {
        Deadline {
            at_ms: now_ms + budget_ms,
        }
    }

    /// What is left at `now_ms` after keeping `margin_ms` in reserve ([`remaining_ms`]).
    pub fn remaining_ms(&self, now_ms: f64, margin_ms: f64) -> Option<f64> {
        remaining_ms(self.at_ms, now_ms, margin_ms)
    }

    /// Whether the deadline has passed.
    pub fn expired(&self, now_ms: f64) -> bool {
        now_ms >= self.at_ms
    }

    /// The deadline to send to the next hop: the same instant, moved earlier by `margin_ms` so
    /// the caller still has time to handle the reply (or the failure) before its own deadline.
    pub fn for_next_hop(&self, margin_ms: f64) -> Deadline {
        Deadline {
            at_ms: self.at_ms - margin_ms,
        }
    }
}

fn default_percentile() -> f64 {
    99.0
}
fn default_factor() -> f64 {
    2.0
}
fn default_window() -> u32 {
    100
}

/// How long a caller waits for one request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Timeout {
    /// The same timeout for every call, started afresh at each hop.
    Fixed {
        /// The timeout.
        timeout_ms: f64,
    },
    /// A percentile of recent latencies times a factor, clamped to `[min_ms, max_ms]` (the
    /// approach of Finagle's and Envoy's adaptive timeouts: "p99 × 2").
    Adaptive {
        /// Which percentile of the recent latencies, in (0, 100] (default 99).
        #[serde(default = "default_percentile")]
        percentile: f64,
        /// Multiplier applied to it (default 2).
        #[serde(default = "default_factor")]
        factor: f64,
        /// Lower clamp.
        min_ms: f64,
        /// Upper clamp; also the timeout before any latency has been seen.
        max_ms: f64,
        /// How many recent latencies to keep (default 100, at most 10 000).
        #[serde(default = "default_window")]
        window: u32,
    },
    /// Deadline propagation: the request starts with `budget_ms`; every hop waits for what is
    /// left of it minus `margin_ms`.
    Deadline {
        /// The end-to-end budget given at the edge.
        budget_ms: f64,
        /// Kept in reserve at each hop for the reply's way back.
        #[serde(default)]
        margin_ms: f64,
    },
}

/// Largest [`Timeout::Adaptive`] window.
pub const MAX_ADAPTIVE_WINDOW: u32 = 10_000;

impl Timeout {
    /// Checks the numbers.
    pub fn validate(&self) -> Result<(), String> {
        fn positive(name: &str, v: f64) -> Result<(), String> {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number > 0, got {v}"))
            }
        }
        match *self {
            Timeout::Fixed { timeout_ms } => positive("timeout_ms", timeout_ms),
            Timeout::Adaptive {
                percentile,
                factor,
                min_ms,
                max_ms,
                window,
            } => {
                if !(percentile > 0.0 && percentile <= 100.0) {
                    return Err(format!("percentile must be in (0, 100], got {percentile}"));
                }
                positive("factor", factor)?;
                positive("min_ms", min_ms)?;
                positive("max_ms", max_ms)?;
                if max_ms < min_ms {
                    return Err(format!("max_ms ({max_ms}) is below min_ms ({min_ms})"));
                }
                if window == 0 || window > MAX_ADAPTIVE_WINDOW {
                    return Err(format!(
                        "window must be in 1..={MAX_ADAPTIVE_WINDOW}, got {window}"
                    ));
                }
                Ok(())
            }
            Timeout::Deadline {
                budget_ms,
                margin_ms,
            } => {
                positive("budget_ms", budget_ms)?;
                if !(margin_ms.is_finite() && margin_ms >= 0.0) {
                    return Err(format!("margin_ms must be ≥ 0, got {margin_ms}"));
                }
                Ok(())
            }
        }
    }
}

/// A caller's two timeouts: establishing a connection is a different wait from a reply (a dead
/// host is detected in a connect timeout of tens of milliseconds; a slow reply may legitimately
/// take seconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    /// Limit on setting up a connection (none: wait forever).
    #[serde(default)]
    pub connect_timeout_ms: Option<f64>,
    /// Limit on the request once sent (none: wait forever).
    #[serde(default)]
    pub request: Option<Timeout>,
}

impl Timeouts {
    /// Checks both.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(c) = self.connect_timeout_ms {
            if !(c.is_finite() && c > 0.0) {
                return Err(format!("connect_timeout_ms must be > 0, got {c}"));
            }
        }
        if let Some(t) = &self.request {
            t.validate()?;
        }
        Ok(())
    }
}

/// The adaptive timeout's memory: a bounded ring of recent latencies and its percentile.
#[derive(Clone, Debug)]
pub struct AdaptiveTimeout {
    percentile: f64,
    factor: f64,
    min_ms: f64,
    max_ms: f64,
    ring: Vec<f64>,
    capacity: usize,
    next: usize,
    sorted: Vec<f64>,
    dirty: bool,
}

impl AdaptiveTimeout {
    /// The adaptive state for a `Timeout::Adaptive` setting; `None` for the other kinds.
    pub fn for_timeout(timeout: &Timeout) -> Option<Self> {
        match TimeoutState::new(timeout) {
            TimeoutState::Adaptive(a) => Some(a),
            _ => None,
        }
    }

    /// From the parameters of [`Timeout::Adaptive`] (validated there; the window is clamped to
    /// `1..=MAX_ADAPTIVE_WINDOW` here as well).
    pub fn new(percentile: f64, factor: f64, min_ms: f64, max_ms: f64, window: u32) -> Self {
        let capacity = window.clamp(1, MAX_ADAPTIVE_WINDOW) as usize;
        AdaptiveTimeout {
            percentile,
            factor,
            min_ms,
            max_ms,
            ring: Vec::with_capacity(capacity),
            capacity,
            next: 0,
            sorted: Vec::with_capacity(capacity),
            dirty: false,
        }
    }

    /// Remembers one observed latency, forgetting the oldest when the window is full.
    /// Non-finite or negative values are ignored.
    pub fn observe(&mut self, latency_ms: f64) {
        if !(latency_ms.is_finite() && latency_ms >= 0.0) {
            return;
        }
        if self.ring.len() < self.capacity {
            self.ring.push(latency_ms);
        } else {
            self.ring[self.next] = latency_ms;
        }
        self.next = (self.next + 1) % self.capacity;
        self.dirty = true;
    }

    /// Latencies currently remembered.
    pub fn len(&self) -> usize {
        self.ring.len()
    }

    /// Whether nothing has been observed yet.
    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }

    /// The configured percentile of the remembered latencies by the nearest-rank method (the
    /// value at rank `ceil(p/100 · n)` in ascending order), or `None` before any observation.
    pub fn percentile_ms(&mut self) -> Option<f64> {
        if self.ring.is_empty() {
            return None;
        }
        if self.dirty {
            self.sorted.clear();
            self.sorted.extend_from_slice(&self.ring);
            self.sorted.sort_by(f64::total_cmp);
            self.dirty = false;
        }
        let n = self.sorted.len();
        let rank = libm::ceil(self.percentile / 100.0 * n as f64) as usize;
        Some(self.sorted[rank.clamp(1, n) - 1])
    }

    /// The timeout to use now: `clamp(percentile · factor, min, max)`, or `max` before any
    /// latency has been observed (cautious until there is evidence).
    pub fn timeout_ms(&mut self) -> f64 {
        match self.percentile_ms() {
            Some(p) => (p * self.factor).clamp(self.min_ms, self.max_ms),
            None => self.max_ms,
        }
    }
}

/// A [`Timeout`] with its running state, deciding how long each call may take.
#[derive(Clone, Debug)]
pub enum TimeoutState {
    /// See [`Timeout::Fixed`].
    Fixed {
        /// The timeout.
        timeout_ms: f64,
    },
    /// See [`Timeout::Adaptive`].
    Adaptive(AdaptiveTimeout),
    /// See [`Timeout::Deadline`].
    Deadline {
        /// End-to-end budget given at the edge.
        budget_ms: f64,
        /// Reserve kept at each hop.
        margin_ms: f64,
    },
}

impl TimeoutState {
    /// Fresh state for a timeout setting.
    pub fn new(timeout: &Timeout) -> Self {
        match *timeout {
            Timeout::Fixed { timeout_ms } => TimeoutState::Fixed { timeout_ms },
            Timeout::Adaptive {
                percentile,
                factor,
                min_ms,
                max_ms,
                window,
            } => TimeoutState::Adaptive(AdaptiveTimeout::new(
                percentile, factor, min_ms, max_ms, window,
            )),
            Timeout::Deadline {
                budget_ms,
                margin_ms,
            } => TimeoutState::Deadline {
                budget_ms,
                margin_ms,
            },
        }
    }

    /// The deadline a request entering the system at `now_ms` gets (only under deadline
    /// propagation).
    pub fn edge_deadline(&self, now_ms: f64) -> Option<Deadline> {
        match *self {
            TimeoutState::Deadline { budget_ms, .. } => Some(Deadline::after(now_ms, budget_ms)),
            _ => None,
        }
    }

    /// How long a call made at `now_ms` may take. `None` means "do not even start": the
    /// propagated deadline has nothing left. Fixed and adaptive timeouts ignore the deadline
    /// (that is the anti-pattern); a deadline policy without a deadline (a request that came in
    /// without one) starts a new one from its budget.
    pub fn call_timeout_ms(&mut self, now_ms: f64, deadline: Option<Deadline>) -> Option<f64> {
        match self {
            TimeoutState::Fixed { timeout_ms } => Some(*timeout_ms),
            TimeoutState::Adaptive(a) => Some(a.timeout_ms()),
            TimeoutState::Deadline {
                budget_ms,
                margin_ms,
            } => {
                let d = deadline.unwrap_or(Deadline::after(now_ms, *budget_ms));
                d.remaining_ms(now_ms, *margin_ms)
            }
        }
    }

    /// Feeds an observed latency to an adaptive timeout (no effect on the others).
    pub fn observe(&mut self, latency_ms: f64) {
        if let TimeoutState::Adaptive(a) = self {
            a.observe(latency_ms);
        }
    }
}

/// How each hop of [`sequential_calls`] chooses its timeout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HopTimeouts {
    /// A fresh `timeout_ms` for every call, whatever time has already been spent.
    Fresh {
        /// The per-call timeout.
        timeout_ms: f64,
    },
    /// What is left of the user's budget, minus `margin_ms`.
    Propagated {
        /// Reserve kept at each hop.
        margin_ms: f64,
    },
}

/// The result of [`sequential_calls`].
#[derive(Clone, Debug, PartialEq)]
pub struct ChainOutcome {
    /// Time from the start until the chain finished or failed.
    pub elapsed_ms: f64,
    /// Calls that completed in time.
    pub completed: usize,
    /// The call that failed (timed out, or was not started because no budget was left).
    pub failed_at: Option<usize>,
    /// Whether the chain was still running after the user's deadline.
    pub overran_deadline: bool,
}

/// A request that makes `work_ms.len()` calls one after another, call `i` needing `work_ms[i]`
/// (infinite for a hung dependency), under a user deadline of `budget_ms` from time 0. Each call
/// waits for `min(work, timeout)`; a timeout or a call that cannot start ends the chain.
pub fn sequential_calls(budget_ms: f64, work_ms: &[f64], timeouts: HopTimeouts) -> ChainOutcome {
    let deadline = Deadline::after(0.0, budget_ms);
    let mut now = 0.0;
    let mut completed = 0;
    let mut failed_at = None;
    for (i, &work) in work_ms.iter().enumerate() {
        let limit = match timeouts {
            HopTimeouts::Fresh { timeout_ms } => Some(timeout_ms),
            HopTimeouts::Propagated { margin_ms } => deadline.remaining_ms(now, margin_ms),
        };
        let Some(limit) = limit else {
            failed_at = Some(i);
            break;
        };
        if work <= limit {
            now += work;
            completed += 1;
        } else {
            now += limit;
            failed_at = Some(i);
            break;
        }
    }
    ChainOutcome {
        elapsed_ms: now,
        completed,
        failed_at,
        overran_deadline: now > deadline.at_ms,
    }
}
