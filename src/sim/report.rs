//! The JSON report of a run: global, per service and per edge; latencies in milliseconds.

use super::engine::Simulation;
use super::histogram::LatencySummary;
use super::metrics::EdgePatternStats;
use super::time::to_secs;
use serde::Serialize;

/// User requests by the degradation level of their answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Degradation {
    /// Every dependency answered.
    pub full: u64,
    /// Optional parts missing or replaced by fallbacks.
    pub reduced: u64,
    /// Critical parts served by fallbacks.
    pub minimal: u64,
    /// Failed.
    pub maintenance: u64,
}

/// Everything a run measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// Simulated seconds covered.
    pub simulated_s: f64,
    /// Events processed.
    pub events: u64,
    /// User requests (sent by clients).
    pub global: GlobalReport,
    /// Per service, in scenario order.
    pub services: Vec<ServiceReport>,
    /// Per caller → callee edge.
    pub edges: Vec<EdgeReport>,
}

/// User-request totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GlobalReport {
    /// Sent.
    pub requests: u64,
    /// Succeeded.
    pub ok: u64,
    /// Failed with an error.
    pub errors: u64,
    /// Timed out.
    pub timeouts: u64,
    /// Rejected.
    pub rejected: u64,
    /// Still in flight at the end.
    pub in_flight: u64,
    /// Percent of ended requests that succeeded.
    pub success_rate: f64,
    /// Successful requests per simulated second.
    pub goodput_per_s: f64,
    /// Attempts sent on every edge, per user request (1 per hop when nothing retries).
    pub attempts_per_request: f64,
    /// Retries on every edge.
    pub retries: u64,
    /// Ended user requests by degradation level.
    pub degradation: Degradation,
    /// Latency seen by users.
    pub latency_ms: LatencySummary,
}

/// One service.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceReport {
    /// Name.
    pub name: String,
    /// Requests that reached it.
    pub arrivals: u64,
    /// Completed (ok + errors).
    pub completed: u64,
    /// Successes.
    pub ok: u64,
    /// Errors.
    pub errors: u64,
    /// Rejections by reason.
    pub rejected: Rejections,
    /// Requests that met a crashed replica (no reply).
    pub dropped: u64,
    /// Requests lost in a crash or restart.
    pub lost: u64,
    /// Average fraction of workers busy.
    pub utilisation: f64,
    /// Fraction of time every worker was busy.
    pub saturation: f64,
    /// Time-average number waiting in queues.
    pub mean_queue_length: f64,
    /// Mean wait in queue over started requests, ms.
    pub mean_wait_ms: f64,
    /// Fraction of started requests that had to wait.
    pub p_wait: f64,
    /// Time-average number in the service (queued + being served): L in Little's law.
    pub mean_in_system: f64,
    /// Completions per simulated second: λ in Little's law (in steady state).
    pub throughput_per_s: f64,
    /// Mean response time of completed requests, ms: W in Little's law.
    pub mean_response_ms: f64,
    /// Response time distribution.
    pub latency_ms: LatencySummary,
}

/// Rejections by reason.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rejections {
    /// The queue was full.
    pub queue_full: u64,
    /// By load shedding.
    pub shed: u64,
    /// Unserved because their deadline had passed.
    pub expired: u64,
}

/// One edge.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdgeReport {
    /// `caller->callee`.
    pub edge: String,
    /// Calls sent.
    pub sent: u64,
    /// Successes.
    pub ok: u64,
    /// Errors.
    pub errors: u64,
    /// Timeouts.
    pub timeouts: u64,
    /// Rejections.
    pub rejected: u64,
    /// Replies after the caller gave up.
    pub late_replies: u64,
    /// Calls refused by the edge's circuit breaker without being sent.
    pub short_circuited: u64,
    /// Attempts on this edge per user request (27 at the bottom of three layers retrying 3×).
    pub attempts_per_request: f64,
    /// Retries, hedges, fallbacks, bulkhead and throttle refusals, side effects.
    pub patterns: EdgePatternStats,
    /// Latency seen by the caller.
    pub latency_ms: LatencySummary,
}

impl Report {
    /// A 64-bit fingerprint of the whole report (FNV-1a over its JSON). Equal fingerprints across
    /// platforms show that runs are bit-identical.
    pub fn fingerprint(&self) -> u64 {
        let json = serde_json::to_string(self).unwrap_or_default();
        json.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        })
    }
}

impl Simulation {
    /// The report of everything measured so far.
    pub fn report(&self) -> Report {
        let t = to_secs(self.now()).max(1e-12);
        let g = &self.global;
        let ended = g.ok + g.errors + g.timeouts + g.rejected;
        let services = self
            .scenario()
            .services
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let st = &self.service_stats[i];
                let (busy, queued, saturated) = self.service_areas(i);
                let now_ns = self.now().max(1) as f64;
                let workers = self.service_capacity(i) as f64;
                let completed = st.completed();
                ServiceReport {
                    name: spec.name.clone(),
                    arrivals: st.arrivals,
                    completed,
                    ok: st.ok,
                    errors: st.errors,
                    rejected: Rejections {
                        queue_full: st.rejected,
                        shed: st.shed,
                        expired: st.expired,
                    },
                    dropped: st.dropped,
                    lost: st.lost,
                    utilisation: busy / (now_ns * workers),
                    saturation: saturated / (now_ns * spec.replicas as f64),
                    mean_queue_length: queued / now_ns,
                    mean_wait_ms: if st.started > 0 {
                        st.wait_sum_ns / st.started as f64 / 1e6
                    } else {
                        0.0
                    },
                    p_wait: if st.started > 0 {
                        st.waited as f64 / st.started as f64
                    } else {
                        0.0
                    },
                    mean_in_system: (busy + queued) / now_ns,
                    throughput_per_s: completed as f64 / t,
                    mean_response_ms: if completed > 0 {
                        st.response_sum_ns / completed as f64 / 1e6
                    } else {
                        0.0
                    },
                    latency_ms: st.response.summary_ms(),
                }
            })
            .collect();
        let edges = self
            .edge_names()
            .zip(self.edge_stats.iter().enumerate())
            .map(|(name, (i, e))| EdgeReport {
                edge: name.to_string(),
                sent: e.sent,
                ok: e.ok,
                errors: e.errors,
                timeouts: e.timeouts,
                rejected: e.rejected,
                late_replies: e.late_replies,
                short_circuited: e.short_circuited,
                attempts_per_request: e.sent as f64 / g.requests.max(1) as f64,
                patterns: EdgePatternStats {
                    calls: self.edge_logical_calls(i),
                    ..e.patterns.clone()
                },
                latency_ms: e.latency.summary_ms(),
            })
            .collect();
        Report {
            scenario: self.scenario().name.clone(),
            seed: self.scenario().seed,
            simulated_s: to_secs(self.now()),
            events: self.events(),
            global: GlobalReport {
                requests: g.requests,
                ok: g.ok,
                errors: g.errors,
                timeouts: g.timeouts,
                rejected: g.rejected,
                in_flight: g.in_flight,
                success_rate: if ended > 0 {
                    100.0 * g.ok as f64 / ended as f64
                } else {
                    100.0
                },
                goodput_per_s: g.ok as f64 / t,
                attempts_per_request: g.attempts as f64 / g.requests.max(1) as f64,
                retries: g.retries,
                degradation: Degradation {
                    full: g.levels[0],
                    reduced: g.levels[1],
                    minimal: g.levels[2],
                    maintenance: g.levels[3],
                },
                latency_ms: self.user_latency().summary_ms(),
            },
            services,
            edges,
        }
    }
}

/// The time series as CSV: one row per sample, user-request columns first, then each
/// service's busy fraction, queue length and p99 (named after the service).
pub fn series_csv(sim: &Simulation) -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "t_s,requests,ok,errors,timeouts,rejected,success_pct,p50_ms,p99_ms,attempts,retries,\
         full,reduced,minimal,maintenance,duplicates,breakers_open",
    );
    for s in &sim.scenario().services {
        let _ = write!(
            out,
            ",{0}_busy,{0}_queue,{0}_p99_ms",
            s.name.replace([',', '"', '\n'], "_")
        );
    }
    out.push('\n');
    // fixed decimals by integer arithmetic: the page exports this too, and core's precision
    // formatting of floats would add to the app's first load
    use super::fmt::push_fixed;
    for x in sim.series() {
        let _ = write!(
            out,
            "{},{},{},{},{},{},",
            x.t_s, x.requests, x.ok, x.errors, x.timeouts, x.rejected
        );
        push_fixed(&mut out, x.success_rate(), 2);
        out.push(',');
        push_fixed(&mut out, x.p50_ms, 3);
        out.push(',');
        push_fixed(&mut out, x.p99_ms, 3);
        let _ = write!(
            out,
            ",{},{},{},{},{},{},{},{}",
            x.attempts,
            x.retries,
            x.levels[0],
            x.levels[1],
            x.levels[2],
            x.levels[3],
            x.duplicates,
            x.breakers_open
        );
        for s in &x.services {
            for (v, d) in [(s.busy_fraction, 4), (s.queue_length, 2), (s.p99_ms, 3)] {
                out.push(',');
                push_fixed(&mut out, v, d);
            }
        }
        out.push('\n');
    }
    out
}
