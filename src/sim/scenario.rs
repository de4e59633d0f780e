//! The `Scenario`: one serde type (JSON) that describes a whole simulation — topology, clients,
//! latencies, faults, metrics settings and the seed. The app's knobs, the URL state, presets, saved
//! files and the command line all read and write this one type. See `docs/scenario.md`.

pub use super::patterns::budget::RetryScope;
use super::patterns::bulkhead::BulkheadSpec;
use super::patterns::deadline::Timeout;
use super::patterns::degradation::Fallback;
use super::patterns::hedging::HedgeSpec;
use super::patterns::retry::RetrySpec;
use super::patterns::shedding::{ShedSpec, ThrottleSpec};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The current format version of scenario files.
pub const FORMAT_VERSION: u32 = 1;

/// A complete simulation description.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; files from a newer Faultline are refused rather than misread.
    #[serde(default = "default_version")]
    pub version: u32,
    /// Short name shown in the app and reports.
    #[serde(default)]
    pub name: String,
    /// What the scenario shows.
    #[serde(default)]
    pub description: String,
    /// Seed of the simulation's random number generator: same scenario + seed = same run.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// How much simulated time a full run covers, in seconds.
    #[serde(default = "default_duration")]
    pub duration_s: f64,
    /// Metric sampling and tracing settings.
    #[serde(default)]
    pub metrics: MetricsSpec,
    /// The services, each with its worker pool, queue, latency and downstream calls.
    pub services: Vec<ServiceSpec>,
    /// The sources of user requests.
    pub clients: Vec<ClientSpec>,
    /// Faults injected on a timeline.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    /// Which layers may retry: `every_layer` (default: each call's own `retry` applies, so
    /// attempts multiply down a chain) or `one_layer` (the retry context travels with the
    /// request; below the first layer that retries, nobody does).
    #[serde(default = "every_layer")]
    pub retry_scope: RetryScope,
}

fn every_layer() -> RetryScope {
    RetryScope::EveryLayer
}

fn default_version() -> u32 {
    FORMAT_VERSION
}
fn default_seed() -> u64 {
    1
}
fn default_duration() -> f64 {
    60.0
}

/// How metrics are sampled into time series and how requests are traced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsSpec {
    /// Sampling interval of the time series, in milliseconds.
    pub interval_ms: f64,
    /// How many samples each time series keeps (a ring buffer: older ones are dropped).
    pub history: u32,
    /// Fraction of user requests whose spans are recorded for the trace view (0 to 1).
    pub trace_sample: f64,
    /// How many spans are kept at most (a ring buffer).
    pub trace_capacity: u32,
}

impl Default for MetricsSpec {
    fn default() -> Self {
        MetricsSpec {
            interval_ms: 1000.0,
            history: 600,
            trace_sample: 0.01,
            trace_capacity: 2000,
        }
    }
}

/// One service: replicas behind a load balancer, each with a worker pool and a bounded queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Unique name; calls and faults refer to it.
    pub name: String,
    /// Worker threads per replica. A worker stays busy while its request waits on downstream calls.
    #[serde(default = "one")]
    pub workers: u32,
    /// The queue in front of the workers.
    #[serde(default)]
    pub queue: QueueSpec,
    /// Time a worker spends on its own work for one request.
    pub latency: Latency,
    /// Probability that a request fails with an error (after its own work).
    #[serde(default)]
    pub error_rate: f64,
    /// Downstream calls the handler makes after its own work.
    #[serde(default)]
    pub calls: Vec<CallSpec>,
    /// Whether the downstream calls are made one after another or all at once.
    #[serde(default)]
    pub call_mode: CallMode,
    /// Number of identical replicas.
    #[serde(default = "one")]
    pub replicas: u32,
    /// How a request picks a replica.
    #[serde(default)]
    pub load_balancer: LoadBalancer,
    /// Latency that grows with the replica's own utilisation (overload feeding on itself).
    #[serde(default)]
    pub overload: Option<Overload>,
    /// Load shedding at admission: by queue length and/or by time waited in the queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shed: Option<ShedSpec>,
}

fn one() -> u32 {
    1
}

impl ServiceSpec {
    /// A single-replica service with `workers` workers, an unbounded FIFO queue, this latency,
    /// no errors, no calls and no overload or shedding.
    pub fn new(name: &str, workers: u32, latency: Latency) -> Self {
        ServiceSpec {
            name: name.into(),
            workers,
            queue: QueueSpec::default(),
            latency,
            error_rate: 0.0,
            calls: vec![],
            call_mode: CallMode::Sequential,
            replicas: 1,
            load_balancer: LoadBalancer::RoundRobin,
            overload: None,
            shed: None,
        }
    }
}

/// A bounded (or unbounded) queue with its discipline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct QueueSpec {
    /// Maximum waiting requests per replica; absent means unbounded. Arrivals beyond it are rejected.
    pub capacity: Option<u32>,
    /// Which waiting request a freed worker takes.
    pub discipline: Discipline,
}

/// Queue order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    /// First in, first out.
    #[default]
    Fifo,
    /// Last in, first out: the newest request first (keeps latency low for some under overload).
    Lifo,
}

/// How a handler makes its downstream calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CallMode {
    /// One after another; a failed critical call stops the rest.
    #[default]
    Sequential,
    /// All at once; the handler waits for all of them.
    Parallel,
}

/// Replica selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LoadBalancer {
    /// Each replica in turn.
    #[default]
    RoundRobin,
    /// A uniformly random replica.
    Random,
    /// The replica with the fewest requests in progress or queued.
    LeastConnections,
}

/// Latency growth with utilisation `u` (busy workers / workers, 0 to 1) at the start of a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overload {
    /// Shape of the growth.
    pub curve: OverloadCurve,
    /// Strength `k`: linear `1 + k·u`, polynomial `1 + k·u^p`, exponential `e^(k·u)`, where `u`
    /// counts the starting request itself (so one worker always works at `u = 1`).
    pub factor: f64,
    /// Exponent `p` of the polynomial curve.
    #[serde(default = "two")]
    pub exponent: f64,
}

fn two() -> f64 {
    2.0
}

/// Shapes of [`Overload`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverloadCurve {
    /// `1 + k·u`
    Linear,
    /// `1 + k·u^p`
    Polynomial,
    /// `e^(k·u)`
    Exponential,
}

/// A latency distribution, in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Latency {
    /// Always the same.
    Constant {
        /// The latency.
        ms: f64,
    },
    /// Exponential (memoryless), as in M/M/c queues.
    Exponential {
        /// Mean latency.
        mean_ms: f64,
    },
    /// Log-normal: a realistic right-skewed latency.
    #[serde(rename = "lognormal")]
    LogNormal {
        /// Median latency.
        median_ms: f64,
        /// Standard deviation of the logarithm (0.5 is moderate, 1.0 is wide).
        sigma: f64,
    },
    /// Mostly fast, sometimes slow (a cache miss, a GC pause).
    Bimodal {
        /// The usual latency.
        fast_ms: f64,
        /// The occasional latency.
        slow_ms: f64,
        /// Probability of the slow one.
        slow_fraction: f64,
    },
    /// A long (Pareto) tail above a minimum.
    LongTail {
        /// Minimum latency.
        min_ms: f64,
        /// Tail index: smaller is heavier (must be above 1 for a finite mean).
        alpha: f64,
    },
}

impl Latency {
    /// The mean of the distribution, in milliseconds.
    pub fn mean_ms(&self) -> f64 {
        match *self {
            Latency::Constant { ms } => ms,
            Latency::Exponential { mean_ms } => mean_ms,
            Latency::LogNormal { median_ms, sigma } => median_ms * libm::exp(sigma * sigma / 2.0),
            Latency::Bimodal {
                fast_ms,
                slow_ms,
                slow_fraction,
            } => fast_ms * (1.0 - slow_fraction) + slow_ms * slow_fraction,
            Latency::LongTail { min_ms, alpha } => min_ms * alpha / (alpha - 1.0),
        }
    }

    fn validate(&self, path: &str, errors: &mut Vec<String>) {
        let mut nonneg = |name: &str, v: f64| {
            if !(v.is_finite() && v >= 0.0) {
                errors.push(format!("{path}.{name}: must be a number ≥ 0, got {v}"));
            }
        };
        match *self {
            Latency::Constant { ms } => nonneg("ms", ms),
            Latency::Exponential { mean_ms } => nonneg("mean_ms", mean_ms),
            Latency::LogNormal { median_ms, sigma } => {
                nonneg("median_ms", median_ms);
                if !(sigma.is_finite() && (0.0..=5.0).contains(&sigma)) {
                    errors.push(format!(
                        "{path}.sigma: must be between 0 and 5, got {sigma}"
                    ));
                }
            }
            Latency::Bimodal {
                fast_ms,
                slow_ms,
                slow_fraction,
            } => {
                nonneg("fast_ms", fast_ms);
                nonneg("slow_ms", slow_ms);
                probability(&format!("{path}.slow_fraction"), slow_fraction, errors);
            }
            Latency::LongTail { min_ms, alpha } => {
                nonneg("min_ms", min_ms);
                if !(alpha.is_finite() && alpha > 1.0 && alpha <= 100.0) {
                    errors.push(format!(
                        "{path}.alpha: must be above 1 (finite mean) and at most 100, got {alpha}"
                    ));
                }
            }
        }
    }
}

/// A call from a caller to a service: which service, the caller's timeout, and the network link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallSpec {
    /// Name of the called service.
    pub to: String,
    /// The caller gives up after this long (no timeout when absent: it may wait forever).
    #[serde(default)]
    pub timeout_ms: Option<f64>,
    /// The link between caller and callee.
    #[serde(default)]
    pub network: NetworkSpec,
    /// Whether the caller fails when this call fails (false: the call is optional).
    #[serde(default = "yes")]
    pub critical: bool,
    /// A circuit breaker on this call, on the caller's side: Resilience4j's settings in
    /// snake_case (or `"kind": "polly"` / `"consecutive_failures"`), as `faultline-cli breaker`
    /// takes them. Absent: no breaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaker: Option<serde_json::Value>,
    /// How long the caller waits for a connection: a request that reaches no live replica
    /// (crashed, partitioned, lost on the way) fails after this instead of after `timeout_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_timeout_ms: Option<f64>,
    /// A request timeout other than a fixed one: `{"kind": "adaptive", ...}` (a percentile of
    /// recent latencies times a factor) or `{"kind": "deadline", "budget_ms", "margin_ms"}`
    /// (deadline propagation). Not together with `timeout_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Timeout>,
    /// Retry failed attempts (attempts, backoff, retryable outcomes, budget).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetrySpec>,
    /// Send a hedge when no reply came after a delay; the first success wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge: Option<HedgeSpec>,
    /// A caller-side concurrency limit for this dependency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulkhead: Option<BulkheadSpec>,
    /// Client-side adaptive throttling (SRE book).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<ThrottleSpec>,
    /// What the caller uses when this call fails: `cached`, `default` or `skip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Fallback>,
    /// Whether running the operation twice is harmless (default true). When false, every
    /// execution beyond the first is a duplicate side effect (e.g. a double charge).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub idempotent: bool,
    /// Whether every attempt carries an idempotency key, so the callee answers repeats from its
    /// record instead of executing them again (default false).
    #[serde(default, skip_serializing_if = "is_false")]
    pub idempotency_key: bool,
}

fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}
fn is_false(b: &bool) -> bool {
    !*b
}

impl CallSpec {
    /// A call to `to` with no timeout over a perfect link.
    pub fn to(to: &str) -> Self {
        CallSpec {
            to: to.to_string(),
            timeout_ms: None,
            network: NetworkSpec::default(),
            critical: true,
            breaker: None,
            connect_timeout_ms: None,
            timeout: None,
            retry: None,
            hedge: None,
            bulkhead: None,
            throttle: None,
            fallback: None,
            idempotent: true,
            idempotency_key: false,
        }
    }
}

/// A network link: one-way delay (each direction) and message loss.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSpec {
    /// One-way delay in milliseconds.
    pub delay_ms: f64,
    /// Jitter: each message's delay is |Normal(delay_ms, jitter_ms)|, in milliseconds.
    pub jitter_ms: f64,
    /// Probability that a message is lost (each direction independently).
    pub loss: f64,
}

/// A source of user requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// Unique name (shares the name space of services, for partitions).
    pub name: String,
    /// The service it calls, with timeout and link.
    pub call: CallSpec,
    /// How requests are generated.
    pub load: Load,
}

/// Open-loop (arrivals regardless of replies) or closed-loop (users wait, then think) load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Load {
    /// Poisson arrivals; the rate can change over time.
    Open {
        /// Arrival rate at the start, requests per second.
        rate_per_s: f64,
        /// Later rate changes (e.g. a flash-sale spike), in time order.
        #[serde(default)]
        phases: Vec<RatePhase>,
    },
    /// A fixed population of users, each sending one request at a time.
    Closed {
        /// Number of users.
        users: u32,
        /// Pause between a reply (or failure) and the user's next request.
        think: Latency,
    },
}

/// From `at_s` on, arrivals come at `rate_per_s`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatePhase {
    /// When the rate changes, in seconds from the start.
    pub at_s: f64,
    /// The new rate, requests per second.
    pub rate_per_s: f64,
}

/// A fault switched on at `at_s`, and off again after `duration_s` (if given).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Start, in seconds from the start of the run.
    pub at_s: f64,
    /// How long it lasts; absent means until the end.
    #[serde(default)]
    pub duration_s: Option<f64>,
    /// What goes wrong.
    pub fault: Fault,
}

/// The kinds of injected fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// The service (or one replica) becomes slow: latency × factor + add_ms.
    LatencySpike {
        /// Affected service.
        service: String,
        /// One replica (0-based), or all when absent.
        #[serde(default)]
        replica: Option<u32>,
        /// Multiplier on the sampled latency.
        #[serde(default = "one_f")]
        factor: f64,
        /// Milliseconds added to every request.
        #[serde(default)]
        add_ms: f64,
    },
    /// The service returns errors at this rate instead of its usual one.
    ErrorBurst {
        /// Affected service.
        service: String,
        /// One replica, or all when absent.
        #[serde(default)]
        replica: Option<u32>,
        /// Error probability during the burst.
        error_rate: f64,
    },
    /// The service stops answering (silence, not errors); in-progress work is lost. With a
    /// duration, it restarts empty at the end.
    Crash {
        /// Affected service.
        service: String,
        /// One replica, or all when absent.
        #[serde(default)]
        replica: Option<u32>,
    },
    /// An instant restart: in-progress and queued work is lost, the service comes back empty.
    Restart {
        /// Affected service.
        service: String,
        /// One replica, or all when absent.
        #[serde(default)]
        replica: Option<u32>,
    },
    /// Messages between group `a` and group `b` (service or client names) are dropped both ways.
    Partition {
        /// One side.
        a: Vec<String>,
        /// The other side.
        b: Vec<String>,
    },
    /// The service processes requests but its replies are lost with this probability.
    ReplyLoss {
        /// Affected service.
        service: String,
        /// One replica, or all when absent.
        #[serde(default)]
        replica: Option<u32>,
        /// Probability that a reply is lost.
        probability: f64,
    },
    /// Every message on every link is additionally lost with this probability.
    PacketLoss {
        /// Loss probability.
        probability: f64,
    },
}

fn one_f() -> f64 {
    1.0
}

fn probability(path: &str, p: f64, errors: &mut Vec<String>) {
    if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
        errors.push(format!(
            "{path}: must be a probability between 0 and 1, got {p}"
        ));
    }
}

/// Why a scenario was refused: each entry names the field and the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    /// One message per problem, e.g. `services[1].workers: must be between 1 and 10000, got 0`.
    pub problems: Vec<String>,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.problems.join("; "))
    }
}

impl std::error::Error for ScenarioError {}

/// Largest allowed values, so that a typo cannot freeze the page.
pub mod limits {
    /// Services in one scenario.
    pub const MAX_SERVICES: usize = 64;
    /// Workers per replica.
    pub const MAX_WORKERS: u32 = 10_000;
    /// Replicas per service.
    pub const MAX_REPLICAS: u32 = 64;
    /// Arrival rate per client, requests per second.
    pub const MAX_RATE: f64 = 1_000_000.0;
    /// Users of a closed-loop client.
    pub const MAX_USERS: u32 = 100_000;
    /// Latency or timeout, in milliseconds (one day).
    pub const MAX_MS: f64 = 86_400_000.0;
    /// Simulated duration, in seconds (30 days).
    pub const MAX_DURATION_S: f64 = 2_592_000.0;
    /// Clients in one scenario.
    pub const MAX_CLIENTS: usize = 64;
    /// Downstream calls of one service.
    pub const MAX_CALLS: usize = 16;
    /// Faults in one scenario.
    pub const MAX_FAULTS: usize = 256;
    /// Rate phases of one client.
    pub const MAX_PHASES: usize = 256;
}

impl Scenario {
    /// Parses a scenario from JSON and validates it. Errors name the field and the reason.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| {
            let path = json_path_at(text, e.line(), e.column());
            let msg = if path.is_empty() {
                e.to_string()
            } else {
                format!("{path}: {e}")
            };
            ScenarioError {
                problems: vec![msg],
            }
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Pretty JSON for saving.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks every value's range and every cross-reference. Values are never clamped.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        use limits::*;
        let mut e = Vec::new();
        if self.version != FORMAT_VERSION {
            e.push(format!(
                "version: this Faultline reads scenario format {FORMAT_VERSION}, the file has {}",
                self.version
            ));
        }
        if !(self.duration_s.is_finite()
            && self.duration_s > 0.0
            && self.duration_s <= MAX_DURATION_S)
        {
            e.push(format!(
                "duration_s: must be above 0 and at most {MAX_DURATION_S}, got {}",
                self.duration_s
            ));
        }
        let m = &self.metrics;
        if !(m.interval_ms.is_finite() && m.interval_ms >= 10.0 && m.interval_ms <= 3_600_000.0) {
            e.push(format!(
                "metrics.interval_ms: must be between 10 and 3600000, got {}",
                m.interval_ms
            ));
        }
        if !(1..=100_000).contains(&m.history) {
            e.push(format!(
                "metrics.history: must be between 1 and 100000, got {}",
                m.history
            ));
        }
        probability("metrics.trace_sample", m.trace_sample, &mut e);
        if m.trace_capacity > 1_000_000 {
            e.push(format!(
                "metrics.trace_capacity: must be at most 1000000, got {}",
                m.trace_capacity
            ));
        }

        if self.services.is_empty() {
            e.push("services: at least one service is needed".into());
        }
        if self.services.len() > MAX_SERVICES {
            e.push(format!(
                "services: at most {MAX_SERVICES} services, got {}",
                self.services.len()
            ));
        }
        let mut names: HashMap<&str, &str> = HashMap::new();
        for (i, s) in self.services.iter().enumerate() {
            let p = format!("services[{i}]");
            check_name(&format!("{p}.name"), &s.name, &mut e);
            if names.insert(&s.name, "service").is_some() {
                e.push(format!("{p}.name: “{}” is used twice", s.name));
            }
            if !(1..=MAX_WORKERS).contains(&s.workers) {
                e.push(format!(
                    "{p}.workers: must be between 1 and {MAX_WORKERS}, got {}",
                    s.workers
                ));
            }
            if !(1..=MAX_REPLICAS).contains(&s.replicas) {
                e.push(format!(
                    "{p}.replicas: must be between 1 and {MAX_REPLICAS}, got {}",
                    s.replicas
                ));
            }
            if let Some(c) = s.queue.capacity {
                if c > 10_000_000 {
                    e.push(format!(
                        "{p}.queue.capacity: must be at most 10000000, got {c}"
                    ));
                }
            }
            let before = e.len();
            s.latency.validate(&format!("{p}.latency"), &mut e);
            if e.len() == before {
                check_mean(&format!("{p}.latency"), s.latency.mean_ms(), &mut e);
            }
            if s.calls.len() > limits::MAX_CALLS {
                e.push(format!(
                    "{p}.calls: at most {} calls per service, got {}",
                    limits::MAX_CALLS,
                    s.calls.len()
                ));
            }
            probability(&format!("{p}.error_rate"), s.error_rate, &mut e);
            if let Some(o) = &s.overload {
                if !(o.factor.is_finite() && (0.0..=50.0).contains(&o.factor)) {
                    e.push(format!(
                        "{p}.overload.factor: must be between 0 and 50, got {}",
                        o.factor
                    ));
                }
                if !(o.exponent.is_finite() && (0.5..=10.0).contains(&o.exponent)) {
                    e.push(format!(
                        "{p}.overload.exponent: must be between 0.5 and 10, got {}",
                        o.exponent
                    ));
                }
            }
            if let Some(sh) = &s.shed {
                if let Err(err) = sh.validate() {
                    e.push(format!("{p}.shed.{err}"));
                }
            }
            for (j, c) in s.calls.iter().enumerate() {
                c.validate(&format!("{p}.calls[{j}]"), &mut e);
            }
        }
        for (i, s) in self.services.iter().enumerate() {
            for (j, c) in s.calls.iter().enumerate() {
                if !self.services.iter().any(|t| t.name == c.to) {
                    e.push(format!(
                        "services[{i}].calls[{j}].to: no service named “{}”",
                        c.to
                    ));
                }
            }
        }
        if let Some(cycle) = self.find_cycle() {
            e.push(format!(
                "services: calls form a cycle ({}), which would never finish",
                cycle.join(" → ")
            ));
        }

        if self.clients.is_empty() {
            e.push("clients: at least one client is needed".into());
        }
        if self.clients.len() > MAX_CLIENTS {
            e.push(format!(
                "clients: at most {MAX_CLIENTS} clients, got {}",
                self.clients.len()
            ));
        }
        if self.faults.len() > MAX_FAULTS {
            e.push(format!(
                "faults: at most {MAX_FAULTS} faults, got {}",
                self.faults.len()
            ));
        }
        for (i, c) in self.clients.iter().enumerate() {
            let p = format!("clients[{i}]");
            check_name(&format!("{p}.name"), &c.name, &mut e);
            if names.insert(&c.name, "client").is_some() {
                e.push(format!(
                    "{p}.name: “{}” is used twice (services and clients share names)",
                    c.name
                ));
            }
            c.call.validate(&format!("{p}.call"), &mut e);
            if !self.services.iter().any(|t| t.name == c.call.to) {
                e.push(format!("{p}.call.to: no service named “{}”", c.call.to));
            }
            match &c.load {
                Load::Open { rate_per_s, phases } => {
                    check_rate(&format!("{p}.load.rate_per_s"), *rate_per_s, &mut e);
                    if phases.len() > MAX_PHASES {
                        e.push(format!(
                            "{p}.load.phases: at most {MAX_PHASES} phases, got {}",
                            phases.len()
                        ));
                    }
                    let mut last = 0.0;
                    for (k, ph) in phases.iter().enumerate() {
                        let q = format!("{p}.load.phases[{k}]");
                        check_rate(&format!("{q}.rate_per_s"), ph.rate_per_s, &mut e);
                        if !(ph.at_s.is_finite() && ph.at_s >= last && ph.at_s <= MAX_DURATION_S) {
                            e.push(format!(
                                "{q}.at_s: must be ≥ 0, in time order and at most {MAX_DURATION_S}, got {}",
                                ph.at_s
                            ));
                        }
                        last = ph.at_s.max(last);
                    }
                }
                Load::Closed { users, think } => {
                    if !(1..=MAX_USERS).contains(users) {
                        e.push(format!(
                            "{p}.load.users: must be between 1 and {MAX_USERS}, got {users}"
                        ));
                    }
                    let before = e.len();
                    think.validate(&format!("{p}.load.think"), &mut e);
                    if e.len() == before {
                        check_mean(&format!("{p}.load.think"), think.mean_ms(), &mut e);
                    }
                }
            }
        }

        for (i, f) in self.faults.iter().enumerate() {
            let p = format!("faults[{i}]");
            if !(f.at_s.is_finite() && f.at_s >= 0.0 && f.at_s <= MAX_DURATION_S) {
                e.push(format!(
                    "{p}.at_s: must be between 0 and {MAX_DURATION_S}, got {}",
                    f.at_s
                ));
            }
            if let Some(d) = f.duration_s {
                if !(d.is_finite() && d > 0.0 && d <= MAX_DURATION_S) {
                    e.push(format!(
                        "{p}.duration_s: must be above 0 and at most {MAX_DURATION_S}, got {d}"
                    ));
                }
            }
            let svc = |name: &str, replica: Option<u32>, e: &mut Vec<String>| match self
                .services
                .iter()
                .find(|s| s.name == name)
            {
                None => e.push(format!("{p}.fault.service: no service named “{name}”")),
                Some(s) => {
                    if let Some(r) = replica {
                        if r >= s.replicas {
                            e.push(format!(
                                "{p}.fault.replica: “{name}” has {} replica(s), so 0 to {}; got {r}",
                                s.replicas,
                                s.replicas - 1
                            ));
                        }
                    }
                }
            };
            match &f.fault {
                Fault::LatencySpike {
                    service,
                    replica,
                    factor,
                    add_ms,
                } => {
                    svc(service, *replica, &mut e);
                    if !(factor.is_finite() && *factor > 0.0 && *factor <= 1000.0) {
                        e.push(format!(
                            "{p}.fault.factor: must be above 0 and at most 1000, got {factor}"
                        ));
                    }
                    check_ms(&format!("{p}.fault.add_ms"), *add_ms, &mut e);
                }
                Fault::ErrorBurst {
                    service,
                    replica,
                    error_rate,
                } => {
                    svc(service, *replica, &mut e);
                    probability(&format!("{p}.fault.error_rate"), *error_rate, &mut e);
                }
                Fault::Crash { service, replica } => svc(service, *replica, &mut e),
                Fault::Restart { service, replica } => {
                    svc(service, *replica, &mut e);
                    if f.duration_s.is_some() {
                        e.push(format!(
                            "{p}.duration_s: a restart is instant and takes no duration (use a crash with a duration for downtime)"
                        ));
                    }
                }
                Fault::ReplyLoss {
                    service,
                    replica,
                    probability: q,
                } => {
                    svc(service, *replica, &mut e);
                    probability(&format!("{p}.fault.probability"), *q, &mut e);
                }
                Fault::PacketLoss { probability: q } => {
                    probability(&format!("{p}.fault.probability"), *q, &mut e)
                }
                Fault::Partition { a, b } => {
                    if a.is_empty() || b.is_empty() {
                        e.push(format!("{p}.fault: a partition needs names on both sides"));
                    }
                    for (side, list) in [("a", a), ("b", b)] {
                        for (k, n) in list.iter().enumerate() {
                            if !names.contains_key(n.as_str()) {
                                e.push(format!(
                                    "{p}.fault.{side}[{k}]: no service or client named “{n}”"
                                ));
                            }
                        }
                    }
                }
            }
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError { problems: e })
        }
    }

    /// A call cycle among services, if there is one, as a list of names.
    fn find_cycle(&self) -> Option<Vec<String>> {
        let n = self.services.len();
        let index: HashMap<&str, usize> = self
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        // 0 = unvisited, 1 = on the stack, 2 = done
        let mut mark = vec![0u8; n];
        let mut stack: Vec<usize> = Vec::new();
        fn dfs(
            s: &Scenario,
            index: &HashMap<&str, usize>,
            v: usize,
            mark: &mut [u8],
            stack: &mut Vec<usize>,
        ) -> Option<Vec<String>> {
            mark[v] = 1;
            stack.push(v);
            for c in &s.services[v].calls {
                let Some(&w) = index.get(c.to.as_str()) else {
                    continue;
                };
                if mark[w] == 1 {
                    let from = stack.iter().position(|&x| x == w).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[from..]
                        .iter()
                        .map(|&x| s.services[x].name.clone())
                        .collect();
                    cycle.push(s.services[w].name.clone());
                    return Some(cycle);
                }
                if mark[w] == 0 {
                    if let Some(c) = dfs(s, index, w, mark, stack) {
                        return Some(c);
                    }
                }
            }
            stack.pop();
            mark[v] = 2;
            None
        }
        for v in 0..n {
            if mark[v] == 0 {
                if let Some(c) = dfs(self, &index, v, &mut mark, &mut stack) {
                    return Some(c);
                }
            }
        }
        None
    }
}

impl CallSpec {
    fn validate(&self, p: &str, e: &mut Vec<String>) {
        if let Some(t) = self.timeout_ms {
            if !(t.is_finite() && t > 0.0 && t <= limits::MAX_MS) {
                e.push(format!(
                    "{p}.timeout_ms: must be above 0 and at most {}, got {t}",
                    limits::MAX_MS
                ));
            }
        }
        if let Some(b) = &self.breaker {
            if let Err(err) =
                crate::sim::patterns::circuit_breaker::BreakerConfig::from_json_value(b)
            {
                e.push(format!("{p}.breaker.{err}"));
            }
        }
        if let Some(t) = self.connect_timeout_ms {
            if !(t.is_finite() && t > 0.0 && t <= limits::MAX_MS) {
                e.push(format!(
                    "{p}.connect_timeout_ms: must be above 0 and at most {}, got {t}",
                    limits::MAX_MS
                ));
            }
        }
        if let Some(t) = &self.timeout {
            if self.timeout_ms.is_some() {
                e.push(format!(
                    "{p}.timeout: give either timeout_ms (fixed) or timeout, not both"
                ));
            }
            if let Err(err) = t.validate() {
                e.push(format!("{p}.timeout.{err}"));
            }
        }
        let mut sub = |name: &str, r: Result<(), String>| {
            if let Err(err) = r {
                e.push(format!("{p}.{name}.{err}"));
            }
        };
        if let Some(r) = &self.retry {
            sub("retry", r.validate());
        }
        if let Some(h) = &self.hedge {
            sub("hedge", h.validate());
        }
        if let Some(b) = &self.bulkhead {
            sub("bulkhead", b.validate());
        }
        if let Some(t) = &self.throttle {
            sub("throttle", t.validate());
        }
        check_ms(&format!("{p}.network.delay_ms"), self.network.delay_ms, e);
        check_ms(&format!("{p}.network.jitter_ms"), self.network.jitter_ms, e);
        probability(&format!("{p}.network.loss"), self.network.loss, e);
    }
}

fn check_ms(path: &str, v: f64, e: &mut Vec<String>) {
    if !(v.is_finite() && (0.0..=limits::MAX_MS).contains(&v)) {
        e.push(format!(
            "{path}: must be between 0 and {} ms, got {v}",
            limits::MAX_MS
        ));
    }
}

/// The JSON path (`services[1].workers`) of the value being read at `line`:`column` (1-based,
/// as serde_json reports errors). A small scanner instead of a path-tracking deserializer keeps
/// the web bundle small.
pub fn json_path_at(text: &str, line: usize, column: usize) -> String {
    enum Frame {
        Obj {
            key: Option<String>,
            expecting_key: bool,
        },
        Arr {
            index: usize,
        },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let (mut l, mut c) = (1usize, 0usize);
    let mut in_string: Option<String> = None;
    let mut escaped = false;
    for ch in text.chars() {
        if ch == '\n' {
            l += 1;
            c = 0;
        } else {
            c += 1;
        }
        match in_string.as_mut() {
            Some(buf) => {
                if escaped {
                    escaped = false;
                    buf.push(ch);
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    let done = in_string.take().unwrap_or_default();
                    if let Some(Frame::Obj {
                        key,
                        expecting_key: true,
                    }) = stack.last_mut()
                    {
                        *key = Some(done);
                    }
                } else {
                    buf.push(ch);
                }
            }
            None => match ch {
                '{' => stack.push(Frame::Obj {
                    key: None,
                    expecting_key: true,
                }),
                '[' => stack.push(Frame::Arr { index: 0 }),
                '}' | ']' => {
                    stack.pop();
                }
                ',' => match stack.last_mut() {
                    Some(Frame::Obj { expecting_key, .. }) => *expecting_key = true,
                    Some(Frame::Arr { index }) => *index += 1,
                    None => {}
                },
                ':' => {
                    if let Some(Frame::Obj { expecting_key, .. }) = stack.last_mut() {
                        *expecting_key = false;
                    }
                }
                '"' => in_string = Some(String::new()),
                _ => {}
            },
        }
        if l > line || (l == line && c >= column) {
            break;
        }
    }
    let mut path = String::new();
    for f in &stack {
        match f {
            Frame::Obj { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Obj { key: None, .. } => {}
            Frame::Arr { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

fn check_mean(path: &str, mean: f64, e: &mut Vec<String>) {
    if !(mean.is_finite() && mean <= limits::MAX_MS) {
        e.push(format!(
            "{path}: its mean latency would be {mean} ms, above the {} ms limit",
            limits::MAX_MS
        ));
    }
}

fn check_rate(path: &str, v: f64, e: &mut Vec<String>) {
    if !(v.is_finite() && (0.0..=limits::MAX_RATE).contains(&v)) {
        e.push(format!(
            "{path}: must be between 0 and {} per second, got {v}",
            limits::MAX_RATE
        ));
    }
}

fn check_name(path: &str, name: &str, e: &mut Vec<String>) {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        e.push(format!(
            "{path}: must be 1 to 40 letters, digits, '-' or '_', got “{name}”"
        ));
    }
}
