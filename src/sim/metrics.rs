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
    last: [u64; 5],
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
        GlobalWindow {
            requests: d[0],
            ok: d[1],
            errors: d[2],
            timeouts: d[3],
            rejected: d[4],
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
