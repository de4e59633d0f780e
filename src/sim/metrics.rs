//! Counters, histograms and time-series samples, all in bounded memory.

use super::engine::Outcome;
use super::histogram::{Histogram, WindowHistogram};

use serde::Serialize;

/// Counts of user requests (those sent by clients) and their latency.
#[derive(Clone, Debug, Default)]
pub struct GlobalStats {
    /// User requests sent.
    pub requests: u64,
    /// Succeeded.
    pub ok: u64,
    /// Failed with an error.
    pub errors: u64,
    /// Timed out at the client.
    pub timeouts: u64,
    /// Rejected.
    pub rejected: u64,
    /// Not yet ended.
    pub in_flight: u64,
    /// Latency in the current sampling window.
    pub window: WindowHistogram,
    /// Attempts sent on every edge (user requests, their retries and all downstream calls).
    pub attempts: u64,
    /// Retries scheduled on every edge.
    pub retries: u64,
    /// Ended user requests by degradation level (full, reduced, minimal, maintenance).
    pub levels: [u64; 4],
    /// Duplicate side effects on every edge (see [`EdgePatternStats::duplicates`]).
    pub duplicates: u64,
    last: [u64; 5],
    last_more: [u64; 7],
}

/// Counts within one sampling window.
#[derive(Clone, Copy, Debug, Default)]
pub struct GlobalWindow {
    /// Requests sent.
    pub requests: u64,
    /// Succeeded.
    pub ok: u64,
    /// Errors.
    pub errors: u64,
    /// Timeouts.
    pub timeouts: u64,
    /// Rejections.
    pub rejected: u64,
    /// Attempts on every edge.
    pub attempts: u64,
    /// Retries on every edge.
    pub retries: u64,
    /// Ended user requests by degradation level.
    pub levels: [u64; 4],
    /// Duplicate side effects.
    pub duplicates: u64,
}

impl GlobalStats {
    pub(crate) fn take_window(&mut self) -> GlobalWindow {
        let now = [
            self.requests,
            self.ok,
            self.errors,
            self.timeouts,
            self.rejected,
        ];
        let d: Vec<u64> = now.iter().zip(self.last).map(|(a, b)| a - b).collect();
        self.last = now;
        let more = [
            self.attempts,
            self.retries,
            self.levels[0],
            self.levels[1],
            self.levels[2],
            self.levels[3],
            self.duplicates,
        ];
        let m: Vec<u64> = more
            .iter()
            .zip(self.last_more)
            .map(|(a, b)| a - b)
            .collect();
        self.last_more = more;
        GlobalWindow {
            requests: d[0],
            ok: d[1],
            errors: d[2],
            timeouts: d[3],
            rejected: d[4],
            attempts: m[0],
            retries: m[1],
            levels: [m[2], m[3], m[4], m[5]],
            duplicates: m[6],
        }
    }
}

/// Counts for one service (all replicas).
#[derive(Clone, Debug, Default)]
pub struct ServiceStats {
    /// Requests that reached the service.
    pub arrivals: u64,
    /// Requests a worker started on.
    pub started: u64,
    /// Of those started, how many had to wait in the queue first.
    pub waited: u64,
    /// Total time spent waiting in the queue, ns.
    pub wait_sum_ns: f64,
    /// Completed successfully.
    pub ok: u64,
    /// Completed with an error.
    pub errors: u64,
    /// Refused because the queue was full.
    pub rejected: u64,
    /// Arrived while the replica was crashed (silently dropped).
    pub dropped: u64,
    /// Lost in progress or in the queue when the replica crashed or restarted.
    pub lost: u64,
    /// Refused by load shedding (queue too long, or waited too long).
    pub shed: u64,
    /// Dropped unserved because the deadline they carried had passed.
    pub expired: u64,
    /// Sum of response times (arrival to reply) of completed requests, ns.
    pub response_sum_ns: f64,
    /// Response time at the service (queue wait + work + downstream waits).
    pub response: Histogram,
    /// Response time in the current sampling window.
    pub window: WindowHistogram,
    last: [u64; 4],
}

/// Counts of one service within a window.
#[derive(Clone, Copy, Debug, Default)]
pub struct ServiceWindow {
    /// Arrivals.
    pub arrivals: u64,
    /// Successes.
    pub ok: u64,
    /// Errors.
    pub errors: u64,
    /// Rejections.
    pub rejected: u64,
}

impl ServiceStats {
    /// Completed requests, successful or not.
    pub fn completed(&self) -> u64 {
        self.ok + self.errors
    }

    pub(crate) fn take_window(&mut self) -> ServiceWindow {
        let now = [self.arrivals, self.ok, self.errors, self.rejected];
        let w = ServiceWindow {
            arrivals: now[0] - self.last[0],
            ok: now[1] - self.last[1],
            errors: now[2] - self.last[2],
            rejected: now[3] - self.last[3],
        };
        self.last = now;
        w
    }
}

/// Counts for one caller → callee edge, as the caller saw them.
#[derive(Clone, Debug, Default)]
pub struct EdgeStats {
    /// Calls sent.
    pub sent: u64,
    /// Successful replies.
    pub ok: u64,
    /// Error replies.
    pub errors: u64,
    /// Timeouts.
    pub timeouts: u64,
    /// Rejections.
    pub rejected: u64,
    /// Replies that came after the caller had given up.
    pub late_replies: u64,
    /// Calls the edge's circuit breaker refused at once (counted in `sent` and `rejected` too).
    pub short_circuited: u64,
    /// What the edge's other patterns did.
    pub patterns: EdgePatternStats,
    /// Time from sending to the outcome.
    pub latency: Histogram,
}

/// One service in one time-series sample.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceSample {
    /// Average fraction of workers busy over the window.
    pub busy_fraction: f64,
    /// Average queue length over the window (all replicas).
    pub queue_length: f64,
    /// Arrivals in the window.
    pub arrivals: u64,
    /// Successes in the window.
    pub ok: u64,
    /// Errors in the window.
    pub errors: u64,
    /// Rejections in the window.
    pub rejected: u64,
    /// Median response time in the window, ms.
    pub p50_ms: f64,
    /// 99th percentile response time in the window, ms.
    pub p99_ms: f64,
}

/// One point of the time series, covering the interval that ends at `t_s`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// End of the window, seconds.
    pub t_s: f64,
    /// User requests sent in the window.
    pub requests: u64,
    /// User requests that succeeded in the window.
    pub ok: u64,
    /// User requests that failed with an error.
    pub errors: u64,
    /// User requests that timed out.
    pub timeouts: u64,
    /// User requests rejected.
    pub rejected: u64,
    /// Median user latency in the window, ms.
    pub p50_ms: f64,
    /// 99th percentile user latency, ms.
    pub p99_ms: f64,
    /// Attempts sent on every edge in the window.
    pub attempts: u64,
    /// Retries scheduled in the window.
    pub retries: u64,
    /// User requests that ended in the window, by degradation level (full, reduced, minimal,
    /// maintenance).
    pub levels: [u64; 4],
    /// Duplicate side effects (double charges) in the window.
    pub duplicates: u64,
    /// Circuit breakers not CLOSED at the end of the window (open, half-open, forced open).
    pub breakers_open: u32,
    /// Per service, in scenario order.
    pub services: Vec<ServiceSample>,
}

impl Sample {
    /// Percent of user requests that ended in the window and succeeded (100 when none ended).
    pub fn success_rate(&self) -> f64 {
        let ended = self.ok + self.errors + self.timeouts + self.rejected;
        if ended == 0 {
            100.0
        } else {
            100.0 * self.ok as f64 / ended as f64
        }
    }
}

/// One call of a traced request, for the waterfall view.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Span {
    /// Correlation id shared by all calls of one user request.
    pub corr: u64,
    /// Edge index (see `Simulation::edge_names`).
    pub edge: u32,
    /// Attempt number, 1 for the first.
    pub attempt: u8,
    /// Replica of the callee that received it (absent if the request never arrived).
    pub replica: Option<u32>,
    /// Sent, ms.
    pub start_ms: f64,
    /// Reached the callee, ms (absent if it never did).
    pub arrived_ms: Option<f64>,
    /// A worker started on it, ms.
    pub started_ms: Option<f64>,
    /// The caller learned the outcome, ms.
    pub end_ms: f64,
    /// The outcome the caller saw.
    pub outcome: Outcome,
}

/// What an edge's resilience patterns did (beyond the breaker), as the caller saw it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EdgePatternStats {
    /// Logical calls (a first attempt plus its retries and hedges count once).
    pub calls: u64,
    /// Retries sent after a failed attempt.
    pub retries: u64,
    /// Retries the retry budget refused.
    pub retries_denied_by_budget: u64,
    /// Hedged attempts sent.
    pub hedges: u64,
    /// Attempts cancelled because another attempt of the same call had already succeeded.
    pub cancelled: u64,
    /// Failed calls answered by the fallback (or skipped as optional).
    pub fallbacks: u64,
    /// Calls the bulkhead refused (full, or the wait for a permit ran out).
    pub bulkhead_rejected: u64,
    /// Calls that waited for a bulkhead permit.
    pub bulkhead_waits: u64,
    /// Calls refused locally by adaptive throttling.
    pub throttled: u64,
    /// Calls failed at once because their deadline had no time left.
    pub deadline_exceeded: u64,
    /// Attempts that never reached a live replica before the connect timeout.
    pub connect_failures: u64,
    /// Side effects executed by the callee (non-idempotent calls only), duplicates included.
    pub effects: u64,
    /// Executions of an operation beyond its first: duplicate side effects (double charges).
    pub duplicates: u64,
    /// Repeats the callee answered from its idempotency-key record instead of executing.
    pub deduplicated: u64,
}
