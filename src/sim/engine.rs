//! The simulation engine: a deterministic discrete-event simulator of clients calling a graph of
//! services over lossy links, with faults on a timeline.
//!
//! Everything random comes from the one [`SimRng`] owned by the [`Simulation`]; events are ordered
//! by (time, sequence). Drive it with [`Simulation::step_until`] (the UI does so once per animation
//! frame) or [`Simulation::run`], then read [`Simulation::snapshot`], [`Simulation::report`],
//! [`Simulation::series`] and [`Simulation::spans`].

use super::histogram::Histogram;
use super::metrics::{EdgeStats, GlobalStats, Sample, ServiceSample, ServiceStats, Span};
use super::patterns::backoff::{Backoff, OutcomeClass};
use super::patterns::bulkhead::{Admit, Bulkhead};
use super::patterns::circuit_breaker::{self as cb, BreakerConfig, CircuitBreaker};
use super::patterns::deadline::{AdaptiveTimeout, Timeout};
use super::patterns::degradation::{Fallback, Level};
use super::patterns::idempotency::DedupTable;
use super::patterns::retry::BudgetRt;
use super::patterns::shedding::AdaptiveThrottle;
use super::queue::EventQueue;
use super::rng::SimRng;
use super::scenario::{
    CallMode, Discipline, Fault, Latency, Load, LoadBalancer, OverloadCurve, Scenario,
    ScenarioError,
};
use super::time::{from_ms, from_secs, Time};
use serde::Serialize;
use std::collections::VecDeque;

/// How a call ended, as its caller saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A successful reply.
    Ok,
    /// An error reply.
    Error,
    /// No reply before the caller's timeout.
    Timeout,
    /// Refused at once (the callee's queue was full).
    Rejected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CallRef {
    idx: u32,
    gen: u32,
}

/// A handle on a logical call (a first attempt with its retries and hedges).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LRef {
    idx: u32,
    gen: u32,
}

#[derive(Clone, Copy, Debug)]
enum Caller {
    Client {
        client: u32,
        user: u32,
    },
    Job(CallRef),
    /// An attempt of a logical call.
    Attempt(LRef),
}

/// Why a call ended as it did, beyond its outcome: what a retry policy looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    Plain,
    QueueFull,
    Shed,
    Breaker,
    Bulkhead,
    Throttle,
    Deadline,
    Connect,
}

/// How a retry policy classifies an attempt's ending.
fn classify(outcome: Outcome, why: Why) -> OutcomeClass {
    match (outcome, why) {
        (Outcome::Ok, _) => OutcomeClass::Success,
        (_, Why::Deadline) => OutcomeClass::DeadlineExceeded,
        (_, Why::Breaker | Why::Bulkhead | Why::Throttle) => OutcomeClass::CallNotPermitted,
        (Outcome::Timeout, Why::Connect) => OutcomeClass::ConnectFailed,
        (Outcome::Timeout, _) => OutcomeClass::Timeout,
        (Outcome::Rejected, _) => OutcomeClass::Overloaded,
        (Outcome::Error, _) => OutcomeClass::ServerError,
    }
}

/// A call as its caller sees it when the edge retries or hedges: the attempts share it.
#[derive(Clone, Debug)]
struct Logical {
    gen: u32,
    live: bool,
    caller: Caller,
    edge: u32,
    corr: u64,
    traced: bool,
    deadline: Time,
    retry_ok: bool,
    ctx_down: bool,
    attempts: u8,
    outstanding: u8,
    hedges: u8,
    done: bool,
    next_is_retry: bool,
    first_sent: Time,
    backoff: Option<Backoff>,
    /// The latest attempts, for cancelling the losers of a hedge.
    refs: [CallRef; 4],
}

/// Where a call is, for drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The request is on the wire to the callee.
    ToCallee,
    /// Waiting in the callee's queue.
    Queued,
    /// A worker is doing the callee's own work.
    Working,
    /// The worker waits on downstream calls.
    WaitingDownstream,
    /// The reply is on the wire back.
    ToCaller,
    /// Nothing moves any more (lost, or waiting only for the caller's timeout).
    Idle,
}

#[derive(Clone, Debug)]
struct Call {
    gen: u32,
    live: bool,
    corr: u64,
    edge: u32,
    caller: Caller,
    attempt: u8,
    traced: bool,
    caller_done: bool,
    callee_done: bool,
    failed: bool,
    reply: Outcome,
    phase: Phase,
    replica: u32,
    incarnation: u32,
    next_child: u16,
    pending_children: u16,
    sent_at: Time,
    arrived_at: Time,
    started_at: Time,
    transit_from: Time,
    transit_to: Time,
    /// The deadline this request carries to the callee (`Time::MAX`: none).
    deadline: Time,
    /// Why it ended (set by the callee for its reply, by the caller for local endings).
    why: Why,
    /// The retry context the callee's own calls get.
    ctx_down: bool,
    /// Whether this attempt is a retry (for the budgets' books).
    is_retry: bool,
    /// Refused by the caller itself: it never went on the wire.
    local: bool,
    /// Reached a live replica.
    connected: bool,
    /// Holds a permit of the edge's bulkhead.
    holds_permit: bool,
    /// Cancelled by its caller (a hedge that lost).
    cancelled: bool,
    /// Its timeout timer is the deadline's.
    timer_is_deadline: bool,
    /// Fallbacks the callee's job used: (optional, critical) dependencies.
    opt_fb: u8,
    crit_fb: u8,
    /// While the slot is free: the next free slot (`u32::MAX`: none).
    next_free: u32,
}

impl Call {
    /// An unused slot, and the constants [`Simulation::alloc`] starts a call from.
    fn blank() -> Call {
        Call {
            gen: u32::MAX,
            live: false,
            corr: 0,
            edge: 0,
            caller: Caller::Client { client: 0, user: 0 },
            attempt: 0,
            traced: false,
            caller_done: false,
            callee_done: false,
            failed: false,
            reply: Outcome::Ok,
            phase: Phase::Idle,
            replica: u32::MAX,
            incarnation: 0,
            next_child: 0,
            pending_children: 0,
            sent_at: 0,
            arrived_at: 0,
            started_at: Time::MAX,
            transit_from: 0,
            transit_to: 0,
            deadline: Time::MAX,
            why: Why::Plain,
            ctx_down: false,
            is_retry: false,
            local: false,
            connected: false,
            holds_permit: false,
            cancelled: false,
            timer_is_deadline: false,
            opt_fb: 0,
            crit_fb: 0,
            next_free: u32::MAX,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Ev {
    Arrival { client: u32, gen: u32 },
    Wake { client: u32, user: u32 },
    Deliver(CallRef),
    WorkDone(CallRef, u32),
    Reply(CallRef),
    Timeout(CallRef),
    FaultOn(u32),
    FaultOff(u32),
    RateChange { client: u32, phase: u32 },
    Sample,
    Retry(LRef),
    Hedge(LRef),
    BulkheadWait(CallRef),
    ConnectTimeout(CallRef),
}

#[derive(Clone, Debug)]
struct Edge {
    from_node: u32,
    to_service: u32,
    timeout: Option<Time>,
    delay: Time,
    jitter_ns: f64,
    loss: f64,
    critical: bool,
    name: String,
    /// The caller-side circuit breaker on this edge, if any.
    breaker: Option<Box<CircuitBreaker>>,
    adaptive: Option<Box<AdaptiveTimeout>>,
    /// Deadline propagation: (budget when the request carries none, margin).
    deadline: Option<(Time, Time)>,
    connect_timeout: Option<Time>,
    retry: Option<Box<EdgeRetry>>,
    /// Hedging: (delay, most hedges).
    hedge: Option<(Time, u32)>,
    /// The bulkhead and its longest wait for a permit.
    bulkhead: Option<Box<(Bulkhead<CallRef>, Time)>>,
    throttle: Option<Box<AdaptiveThrottle>>,
    fallback: Option<Fallback>,
    idempotency_key: bool,
    /// Executed operations (non-idempotent edges only).
    dedup: Option<Box<DedupTable>>,
    /// None of the patterns above (a fixed timeout aside): calls take the short paths, and its
    /// logical calls are not counted apart, as each is exactly one attempt sent.
    plain: bool,
    /// No delay, jitter or loss of its own: while no network fault is active
    /// ([`Simulation::net_faults`]), a message on it arrives at once, with no draw.
    ideal: bool,
    /// `plain && ideal`, in one flag for the fast paths.
    direct: bool,
}

#[derive(Clone, Debug)]
struct EdgeRetry {
    policy: super::patterns::backoff::RetryPolicy,
    budget: Option<BudgetRt>,
}

#[derive(Clone, Debug)]
struct ServiceRt {
    rep_start: u32,
    replicas: u32,
    workers: u32,
    capacity: usize,
    lifo: bool,
    latency: Latency,
    error_rate: f64,
    parallel: bool,
    lb: LoadBalancer,
    rr: u32,
    overload: Option<(OverloadCurve, f64, f64)>,
    edges: Vec<u32>,
    /// Load shedding: queue length at which arrivals are refused (`usize::MAX`: never).
    shed_queue: usize,
    /// Load shedding: longest wait in the queue before a request is refused (`Time::MAX`: none).
    shed_wait: Time,
}

#[derive(Clone, Debug)]
struct Replica {
    service: u32,
    workers: u32,
    busy: u32,
    queue: VecDeque<CallRef>,
    crashed: u32,
    incarnation: u32,
    lat_factor: f64,
    add_latency_ms: f64,
    /// Active error bursts (fault index, rate); the latest one applies.
    error_bursts: Vec<(usize, f64)>,
    /// Active reply-loss faults (fault index, probability), combined as independent losses.
    reply_losses: Vec<(usize, f64)>,
    /// Requests assigned to this replica whose caller has not yet seen an outcome (what a
    /// least-connections balancer counts: they pile up on a silent replica).
    outstanding: u32,
    last_change: Time,
    busy_area: f64,
    queue_area: f64,
    saturated_area: f64,
}

#[derive(Clone, Debug)]
struct ClientRt {
    edge: u32,
    gen: u32,
    rate: f64,
    /// `1 / rate`: the mean gap between arrivals, seconds (kept to save a division per arrival).
    mean_gap_s: f64,
    think: Option<Latency>,
}

/// Per-replica state for drawing.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReplicaView {
    /// Busy workers.
    pub busy: u32,
    /// Pool size.
    pub workers: u32,
    /// Waiting requests.
    pub queued: u32,
    /// Queue capacity (`u32::MAX` when unbounded).
    pub capacity: u32,
    /// Whether it is crashed (silent).
    pub crashed: bool,
}

/// A request or reply in flight, for drawing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InFlight {
    /// Correlation id of the user request it belongs to.
    pub corr: u64,
    /// Index into [`Simulation::edge_names`].
    pub edge: u32,
    /// Attempt number (1 = first).
    pub attempt: u8,
    /// Where it is.
    pub phase: Phase,
    /// For messages on the wire: how far along, 0 to 1.
    pub progress: f32,
    /// For replies: the outcome they carry.
    pub outcome: Option<Outcome>,
}

/// What the canvas needs to draw one frame.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// Simulated time, seconds.
    pub time_s: f64,
    /// Per service, per replica.
    pub services: Vec<Vec<ReplicaView>>,
    /// Calls in progress.
    pub in_flight: Vec<InFlight>,
}

/// A running simulation of one [`Scenario`].
pub struct Simulation {
    scenario: Scenario,
    now: Time,
    rng: SimRng,
    queue: EventQueue<Ev>,
    events: u64,
    calls: Vec<Call>,
    /// The free call slots, a stack threaded through the slots themselves (`u32::MAX`: empty).
    free_head: u32,
    free_len: usize,
    logicals: Vec<Logical>,
    lfree: Vec<u32>,
    /// Retry at one layer only (the retry context travels with requests).
    one_layer: bool,
    // Tables fixed at build time are boxed slices: indexing them is a plain bounds check, with no
    // call to `Vec`'s `Index` impl in the size-optimised release build.
    edges: Box<[Edge]>,
    services: Box<[ServiceRt]>,
    replicas: Box<[Replica]>,
    clients: Box<[ClientRt]>,
    partitions: Vec<(Vec<bool>, Vec<bool>, bool)>,
    partition_ids: Vec<usize>,
    /// Active packet-loss faults (fault index, probability).
    packet_losses: Vec<(usize, f64)>,
    /// Their combined probability.
    extra_loss: f64,
    /// Whether packet loss or a partition is active (`extra_loss > 0` or any `partitions`).
    net_faults: bool,
    next_corr: u64,
    trace_every: u64,
    /// User requests left until the next traced one (every `trace_every`-th is traced: the same
    /// as `corr % trace_every == 0`, without a division per request).
    trace_countdown: u64,
    interval: Time,
    pub(crate) global: GlobalStats,
    pub(crate) service_stats: Box<[ServiceStats]>,
    pub(crate) edge_stats: Box<[EdgeStats]>,
    series: VecDeque<Sample>,
    history: usize,
    spans: VecDeque<Span>,
    span_capacity: usize,
    last_sample: Time,
    window_area: Box<[(f64, f64)]>,
}

impl Simulation {
    /// Builds a simulation; the scenario is validated first.
    pub fn new(scenario: Scenario) -> Result<Simulation, ScenarioError> {
        scenario.validate()?;
        Ok(Self::build(scenario))
    }

    fn build(scenario: Scenario) -> Simulation {
        let idx_of = |name: &str| {
            scenario
                .services
                .iter()
                .position(|s| s.name == name)
                .unwrap_or(0) as u32
        };
        let n_services = scenario.services.len();
        let mut edges = Vec::new();
        let mut clients = Vec::new();
        for (ci, c) in scenario.clients.iter().enumerate() {
            edges.push(make_edge(
                (n_services + ci) as u32,
                idx_of(&c.call.to),
                &c.call,
                format!("{}->{}", c.name, c.call.to),
            ));
            let (rate, think) = match &c.load {
                Load::Open { rate_per_s, .. } => (*rate_per_s, None),
                Load::Closed { think, .. } => (0.0, Some(think.clone())),
            };
            clients.push(ClientRt {
                edge: ci as u32,
                gen: 0,
                rate,
                mean_gap_s: 1.0 / rate,
                think,
            });
        }
        let mut services = Vec::new();
        let mut replicas = Vec::new();
        for (si, s) in scenario.services.iter().enumerate() {
            let mut own = Vec::new();
            for call in &s.calls {
                own.push(edges.len() as u32);
                edges.push(make_edge(
                    si as u32,
                    idx_of(&call.to),
                    call,
                    format!("{}->{}", s.name, call.to),
                ));
            }
            services.push(ServiceRt {
                rep_start: replicas.len() as u32,
                replicas: s.replicas,
                workers: s.workers,
                capacity: s.queue.capacity.map(|c| c as usize).unwrap_or(usize::MAX),
                lifo: s.queue.discipline == Discipline::Lifo,
                latency: s.latency.clone(),
                error_rate: s.error_rate,
                parallel: s.call_mode == CallMode::Parallel,
                lb: s.load_balancer,
                rr: 0,
                overload: s.overload.as_ref().map(|o| (o.curve, o.factor, o.exponent)),
                edges: own,
                shed_queue: s
                    .shed
                    .as_ref()
                    .and_then(|x| x.max_queue_length)
                    .map(|q| q as usize)
                    .unwrap_or(usize::MAX),
                shed_wait: s
                    .shed
                    .as_ref()
                    .and_then(|x| x.max_queue_wait_ms)
                    .map(from_ms)
                    .unwrap_or(Time::MAX),
            });
            for _ in 0..s.replicas {
                replicas.push(Replica {
                    service: si as u32,
                    workers: s.workers,
                    busy: 0,
                    queue: VecDeque::new(),
                    crashed: 0,
                    incarnation: 0,
                    lat_factor: 1.0,
                    add_latency_ms: 0.0,
                    error_bursts: Vec::new(),
                    reply_losses: Vec::new(),
                    outstanding: 0,
                    last_change: 0,
                    busy_area: 0.0,
                    queue_area: 0.0,
                    saturated_area: 0.0,
                });
            }
        }
        let m = &scenario.metrics;
        let trace_every = if m.trace_sample > 0.0 {
            (1.0 / m.trace_sample).round().max(1.0) as u64
        } else {
            0
        };
        let mut sim = Simulation {
            now: 0,
            rng: SimRng::new(scenario.seed),
            queue: EventQueue::new(),
            events: 0,
            calls: Vec::new(),
            free_head: u32::MAX,
            free_len: 0,
            logicals: Vec::new(),
            lfree: Vec::new(),
            one_layer: scenario.retry_scope == super::scenario::RetryScope::OneLayer,
            service_stats: (0..n_services).map(|_| ServiceStats::default()).collect(),
            edge_stats: (0..edges.len()).map(|_| EdgeStats::default()).collect(),
            edges: edges.into_boxed_slice(),
            services: services.into_boxed_slice(),
            window_area: vec![(0.0, 0.0); replicas.len()].into_boxed_slice(),
            replicas: replicas.into_boxed_slice(),
            clients: clients.into_boxed_slice(),
            partitions: Vec::new(),
            partition_ids: Vec::new(),
            packet_losses: Vec::new(),
            extra_loss: 0.0,
            net_faults: false,
            next_corr: 1,
            trace_every,
            trace_countdown: trace_every,
            interval: from_ms(m.interval_ms).max(1),
            global: GlobalStats::default(),
            series: VecDeque::new(),
            history: m.history as usize,
            spans: VecDeque::new(),
            span_capacity: m.trace_capacity as usize,
            last_sample: 0,
            scenario,
        };
        sim.schedule_start();
        sim
    }

    fn schedule_start(&mut self) {
        let clients = self.scenario.clients.clone();
        for (ci, c) in clients.iter().enumerate() {
            let ci = ci as u32;
            match &c.load {
                Load::Open { rate_per_s, phases } => {
                    if *rate_per_s > 0.0 {
                        let dt = self.rng.exponential(1.0 / rate_per_s);
                        self.queue
                            .push(from_secs(dt), Ev::Arrival { client: ci, gen: 0 });
                    }
                    for (k, ph) in phases.iter().enumerate() {
                        self.queue.push(
                            from_secs(ph.at_s),
                            Ev::RateChange {
                                client: ci,
                                phase: k as u32,
                            },
                        );
                    }
                }
                Load::Closed { users, think } => {
                    for u in 0..*users {
                        let dt = self.sample_ms(think);
                        self.queue.push(
                            from_ms(dt),
                            Ev::Wake {
                                client: ci,
                                user: u,
                            },
                        );
                    }
                }
            }
        }
        for (i, f) in self.scenario.faults.iter().enumerate() {
            let at = from_secs(f.at_s);
            self.queue.push(at, Ev::FaultOn(i as u32));
            if let Some(d) = f.duration_s {
                self.queue.push(at + from_secs(d), Ev::FaultOff(i as u32));
            }
        }
        self.queue.push(self.interval, Ev::Sample);
    }

    /// The scenario being simulated.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Current simulated time, nanoseconds.
    pub fn now(&self) -> Time {
        self.now
    }

    /// End of a full run, nanoseconds (the scenario's `duration_s`).
    pub fn end(&self) -> Time {
        from_secs(self.scenario.duration_s)
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Names of the edges, `caller->callee`, in edge index order (clients' edges first).
    pub fn edge_names(&self) -> impl Iterator<Item = &str> {
        self.edges.iter().map(|e| e.name.as_str())
    }

    /// Processes every event up to and including time `t`, then sets the clock to `t`.
    pub fn step_until(&mut self, t: Time) {
        self.run_events(t, u64::MAX, None);
        if t > self.now {
            self.now = t;
        }
    }

    /// Processes one event; false when none is left.
    pub fn step(&mut self) -> bool {
        self.run_events(Time::MAX, 1, None) == 1
    }

    /// Runs to the end of the scenario's duration.
    pub fn run(&mut self) {
        let end = self.end();
        self.step_until(end);
    }

    /// Runs until `service` has completed `n` requests (or no events remain). Used by benchmarks.
    pub fn run_until_completed(&mut self, service: usize, n: u64) {
        self.run_events(Time::MAX, u64::MAX, Some((service, n)));
    }

    /// The event loop behind every driver above: handles events in (time, sequence) order while
    /// the next one is due by `until`, at most `max` of them, and — with `done = Some((s, n))` —
    /// until service `s` has completed `n` requests. Returns how many it handled. One loop, so
    /// the handlers are inlined into it once and no call is made per event.
    fn run_events(&mut self, until: Time, max: u64, done: Option<(usize, u64)>) -> u64 {
        let mut handled = 0;
        while handled < max {
            if let Some((s, n)) = done {
                if self.service_stats[s].completed() >= n {
                    break;
                }
            }
            let Some((t, ev)) = self.queue.pop_due(until) else {
                break;
            };
            debug_assert!(t >= self.now, "time went back");
            self.now = t;
            self.events += 1;
            handled += 1;
            self.handle(ev);
        }
        handled
    }

    #[inline(always)]
    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Arrival { client, gen } => {
                let c = &self.clients[client as usize];
                if c.gen != gen {
                    return;
                }
                let (rate, mean_gap) = (c.rate, c.mean_gap_s);
                self.new_request(client, u32::MAX, true);
                if rate > 0.0 {
                    let dt = from_secs(self.rng.exponential(mean_gap));
                    self.queue
                        .push_inline(self.now + dt, Ev::Arrival { client, gen });
                }
            }
            Ev::Wake { client, user } => self.new_request(client, user, false),
            Ev::Deliver(c) => self.deliver_any(c),
            Ev::WorkDone(c, inc) => self.work_done(c, inc),
            Ev::Reply(c) => self.reply_arrive(c),
            Ev::Timeout(c) => self.timeout(c),
            Ev::FaultOn(i) => self.fault(i as usize, true),
            Ev::FaultOff(i) => self.fault(i as usize, false),
            Ev::RateChange { client, phase } => {
                let rate = match &self.scenario.clients[client as usize].load {
                    Load::Open { phases, .. } => phases[phase as usize].rate_per_s,
                    Load::Closed { .. } => return,
                };
                let c = &mut self.clients[client as usize];
                c.rate = rate;
                c.mean_gap_s = 1.0 / rate;
                c.gen += 1;
                let gen = c.gen;
                if rate > 0.0 {
                    let dt = from_secs(self.rng.exponential(1.0 / rate));
                    self.queue.push(self.now + dt, Ev::Arrival { client, gen });
                }
            }
            Ev::Sample => {
                self.take_sample();
                self.queue.push(self.now + self.interval, Ev::Sample);
            }
            Ev::Retry(l) => self.retry(l),
            Ev::Hedge(l) => self.hedge(l),
            Ev::BulkheadWait(c) => self.bulkhead_wait(c),
            Ev::ConnectTimeout(c) => self.connect_timeout(c),
        }
    }

    // ----- calls -------------------------------------------------------------------------------

    /// A fresh call in a free slot (or a new one), its fields set in place.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn alloc(
        &mut self,
        corr: u64,
        edge: u32,
        caller: Caller,
        attempt: u8,
        traced: bool,
        deadline: Time,
        ctx_down: bool,
    ) -> CallRef {
        let idx = if self.free_head != u32::MAX {
            let idx = self.free_head;
            self.free_head = self.calls.as_slice()[idx as usize].next_free;
            self.free_len -= 1;
            idx
        } else {
            self.calls.push(Call::blank());
            (self.calls.len() - 1) as u32
        };
        let now = self.now;
        let call = &mut self.calls.as_mut_slice()[idx as usize];
        // a new slot starts at u32::MAX, so its first generation is 0
        let gen = call.gen.wrapping_add(1);
        // every field at once, from the blank slot's constants (`next_free` too, unused while
        // the slot is live)
        *call = Call {
            gen,
            live: true,
            corr,
            edge,
            caller,
            attempt,
            traced,
            phase: Phase::ToCallee,
            sent_at: now,
            deadline,
            ctx_down,
            ..Call::blank()
        };
        CallRef { idx, gen }
    }

    #[inline(always)]
    fn get(&self, c: CallRef) -> Option<&Call> {
        let call = &self.calls.as_slice()[c.idx as usize];
        (call.live && call.gen == c.gen).then_some(call)
    }

    #[inline(always)]
    fn call_mut(&mut self, c: CallRef) -> &mut Call {
        &mut self.calls.as_mut_slice()[c.idx as usize]
    }

    #[inline(always)]
    fn release_if_done(&mut self, c: CallRef) {
        let call = &mut self.calls.as_mut_slice()[c.idx as usize];
        if call.live && call.gen == c.gen && call.caller_done && call.callee_done {
            call.live = false;
            call.next_free = self.free_head;
            self.free_head = c.idx;
            self.free_len += 1;
        }
    }

    /// A user request starts. With `inline_plain` (a constant at each call site), a call on a
    /// plain edge takes [`Self::plain_call`] inlined here rather than a call to `make_call`.
    #[inline(always)]
    fn new_request(&mut self, client: u32, user: u32, inline_plain: bool) {
        let corr = self.next_corr;
        self.next_corr += 1;
        self.global.requests += 1;
        self.global.in_flight += 1;
        let traced = self.trace_every > 0 && {
            self.trace_countdown -= 1;
            if self.trace_countdown == 0 {
                self.trace_countdown = self.trace_every;
            }
            self.trace_countdown == self.trace_every
        };
        debug_assert_eq!(
            traced,
            self.trace_every > 0 && corr.is_multiple_of(self.trace_every)
        );
        let edge = self.clients[client as usize].edge;
        if inline_plain && self.edges[edge as usize].plain {
            self.plain_call(
                Caller::Client { client, user },
                edge,
                corr,
                traced,
                true,
                true,
            );
            return;
        }
        self.make_call(
            Caller::Client { client, user },
            edge,
            corr,
            traced,
            Time::MAX,
            true,
        );
    }

    /// A caller starts a call on `edge`: a single attempt, or — when the edge retries or hedges
    /// — a logical call whose attempts the engine manages. `deadline_in` is the deadline the
    /// caller's own request carries (`Time::MAX`: none); `ctx_in` is the retry context: whether
    /// calls made at this layer may retry.
    fn make_call(
        &mut self,
        caller: Caller,
        edge: u32,
        corr: u64,
        traced: bool,
        deadline_in: Time,
        ctx_in: bool,
    ) {
        if self.edges[edge as usize].plain {
            self.plain_call(caller, edge, corr, traced, ctx_in, false);
            return;
        }
        let now = self.now;
        self.edge_stats[edge as usize].patterns.calls += 1;
        let e = &mut self.edges[edge as usize];
        let deadline = match e.deadline {
            Some((budget, _)) if deadline_in == Time::MAX => now.saturating_add(budget),
            Some(_) => deadline_in,
            None => Time::MAX,
        };
        let has_retry = e.retry.is_some();
        let retry_ok = has_retry && ctx_in;
        let ctx_down = !self.one_layer || (ctx_in && !has_retry);
        if retry_ok || e.hedge.is_some() {
            let mut backoff = None;
            if retry_ok {
                if let Some(r) = e.retry.as_mut() {
                    if let Some(b) = r.budget.as_mut() {
                        b.on_first_attempt(now as f64 / 1e6);
                    }
                    backoff = Some(r.policy.backoff_state());
                }
            }
            let lg = Logical {
                gen: 0,
                live: true,
                caller,
                edge,
                corr,
                traced,
                deadline,
                retry_ok,
                ctx_down,
                attempts: 0,
                outstanding: 0,
                hedges: 0,
                done: false,
                next_is_retry: false,
                first_sent: now,
                backoff,
                refs: [CallRef { idx: 0, gen: 0 }; 4],
            };
            let l = if let Some(idx) = self.lfree.pop() {
                let slot = &mut self.logicals[idx as usize];
                let gen = slot.gen.wrapping_add(1);
                *slot = Logical { gen, ..lg };
                LRef { idx, gen }
            } else {
                self.logicals.push(lg);
                LRef {
                    idx: (self.logicals.len() - 1) as u32,
                    gen: 0,
                }
            };
            self.start_attempt(l);
        } else {
            let c = self.alloc(corr, edge, caller, 1, traced, deadline, ctx_down);
            self.send_request(c);
        }
    }

    /// [`Self::make_call`] on a plain edge: one attempt, no deadline, nothing to ask, straight
    /// on the wire. With `fast` (a constant at each call site: the hot one only, for the code's
    /// size), if there is no timer to arm and nothing that can lose or delay it, it is delivered
    /// here at once, as [`Self::transmit`] would.
    #[inline(always)]
    fn plain_call(
        &mut self,
        caller: Caller,
        edge: u32,
        corr: u64,
        traced: bool,
        ctx_in: bool,
        fast: bool,
    ) {
        let ctx_down = !self.one_layer || ctx_in;
        let e = &self.edges[edge as usize];
        let direct = e.direct && e.timeout.is_none();
        let c = self.alloc(corr, edge, caller, 1, traced, Time::MAX, ctx_down);
        self.edge_stats[edge as usize].sent += 1;
        self.global.attempts += 1;
        if fast && direct && !self.net_faults {
            self.deliver(c, true);
        } else {
            self.transmit(c);
        }
    }

    fn logical(&self, l: LRef) -> Option<&Logical> {
        let lg = &self.logicals[l.idx as usize];
        (lg.live && lg.gen == l.gen).then_some(lg)
    }

    /// Sends the next attempt of a logical call.
    fn start_attempt(&mut self, l: LRef) {
        let now = self.now;
        let (corr, edge, traced, attempt, deadline, ctx_down, is_retry) = {
            let lg = &mut self.logicals[l.idx as usize];
            lg.attempts = lg.attempts.saturating_add(1);
            lg.outstanding += 1;
            let r = lg.next_is_retry;
            lg.next_is_retry = false;
            (
                lg.corr,
                lg.edge,
                lg.traced,
                lg.attempts,
                lg.deadline,
                lg.ctx_down,
                r,
            )
        };
        let c = self.alloc(
            corr,
            edge,
            Caller::Attempt(l),
            attempt,
            traced,
            deadline,
            ctx_down,
        );
        self.call_mut(c).is_retry = is_retry;
        self.logicals[l.idx as usize].refs[(attempt as usize - 1) % 4] = c;
        if let Some((delay, max)) = self.edges[edge as usize].hedge {
            if (self.logicals[l.idx as usize].hedges as u32) < max {
                self.queue.push(now + delay, Ev::Hedge(l));
            }
        }
        self.send_request(c);
    }

    /// The hedge timer of a logical call fired: send another attempt if it still waits.
    fn hedge(&mut self, l: LRef) {
        let Some(lg) = self.logical(l) else { return };
        let max = self.edges[lg.edge as usize].hedge.map(|h| h.1).unwrap_or(0);
        if lg.done || lg.outstanding == 0 || lg.hedges as u32 >= max {
            return;
        }
        let edge = lg.edge as usize;
        self.logicals[l.idx as usize].hedges += 1;
        self.edge_stats[edge].patterns.hedges += 1;
        self.start_attempt(l);
    }

    /// The retry timer of a logical call fired.
    fn retry(&mut self, l: LRef) {
        match self.logical(l) {
            Some(lg) if !lg.done => self.start_attempt(l),
            _ => {}
        }
    }

    #[inline(always)]
    fn sample_ms(&mut self, l: &Latency) -> f64 {
        sample_latency_ms(&mut self.rng, l)
    }

    #[inline(always)]
    fn link_delay(&mut self, edge: u32) -> Time {
        let e = &self.edges[edge as usize];
        if e.jitter_ns > 0.0 {
            let (d, j) = (e.delay as f64, e.jitter_ns);
            let v = self.rng.normal(d, j);
            libm::fabs(v) as Time
        } else {
            e.delay
        }
    }

    fn partitioned(&self, a: u32, b: u32) -> bool {
        self.partitions.iter().any(|(x, y, on)| {
            *on && ((x[a as usize] && y[b as usize]) || (y[a as usize] && x[b as usize]))
        })
    }

    /// Whether a message on `edge` from node `from` to node `to` is lost. The common case (no
    /// loss configured anywhere) costs a few comparisons and no draw.
    #[inline(always)]
    fn message_lost(&mut self, edge: u32, from: u32, to: u32) -> bool {
        let link = self.edges[edge as usize].loss;
        if link == 0.0 && self.extra_loss == 0.0 && self.partitions.is_empty() {
            return false;
        }
        self.message_lost_slow(link, from, to)
    }

    fn message_lost_slow(&mut self, link: f64, from: u32, to: u32) -> bool {
        // independent losses: 1 - (1 - a)(1 - b)
        let loss = if self.extra_loss > 0.0 {
            1.0 - (1.0 - link) * (1.0 - self.extra_loss)
        } else {
            link
        };
        (loss > 0.0 && self.rng.chance(loss))
            || (!self.partitions.is_empty() && self.partitioned(from, to))
    }

    /// The caller refuses its own call before anything goes on the wire.
    fn fail_locally(&mut self, c: CallRef, why: Why) {
        let call = self.call_mut(c);
        call.callee_done = true;
        call.local = true;
        call.phase = Phase::Idle;
        let outcome = if why == Why::Deadline {
            Outcome::Timeout
        } else {
            Outcome::Rejected
        };
        self.resolve(c, outcome, why);
    }

    /// One attempt asks the caller-side patterns for permission, in Resilience4j's decoration
    /// order: adaptive throttling, the circuit breaker, the deadline, the bulkhead.
    fn send_request(&mut self, c: CallRef) {
        let edge = self.call_mut(c).edge;
        let e = edge as usize;
        self.edge_stats[e].sent += 1;
        self.global.attempts += 1;
        let now = self.now;
        if let Some(t) = self.edges[e].throttle.as_mut() {
            let now_ms = now as f64 / 1e6;
            let p = t.reject_probability(now_ms);
            t.on_request(now_ms);
            if p > 0.0 && self.rng.chance(p) {
                self.edge_stats[e].patterns.throttled += 1;
                self.fail_locally(c, Why::Throttle);
                return;
            }
        }
        if let Some(b) = self.edges[e].breaker.as_mut() {
            if !b.try_acquire(now / 1_000_000) {
                // short-circuited: the caller fails fast and nothing goes on the wire
                self.edge_stats[e].short_circuited += 1;
                self.fail_locally(c, Why::Breaker);
                return;
            }
        }
        let deadline = self.calls[c.idx as usize].deadline;
        if deadline != Time::MAX {
            let margin = self.edges[e].deadline.map(|d| d.1).unwrap_or(0);
            if now.saturating_add(margin) >= deadline {
                self.edge_stats[e].patterns.deadline_exceeded += 1;
                self.fail_locally(c, Why::Deadline);
                return;
            }
        }
        if let Some(bh) = self.edges[e].bulkhead.as_mut() {
            match bh.0.acquire(c) {
                Admit::Now => self.call_mut(c).holds_permit = true,
                Admit::Wait => {
                    let wait = bh.1;
                    self.edge_stats[e].patterns.bulkhead_waits += 1;
                    self.call_mut(c).phase = Phase::Idle;
                    if wait > 0 {
                        self.queue.push(now + wait, Ev::BulkheadWait(c));
                    }
                    return;
                }
                Admit::Reject => {
                    self.edge_stats[e].patterns.bulkhead_rejected += 1;
                    self.fail_locally(c, Why::Bulkhead);
                    return;
                }
            }
        }
        self.transmit(c);
    }

    /// The attempt goes on the wire: arm its timers, then lose or deliver the request.
    fn transmit(&mut self, c: CallRef) {
        let now = self.now;
        let (edge, deadline) = {
            let call = self.call_mut(c);
            (call.edge, call.deadline)
        };
        let e = &mut self.edges[edge as usize];
        let (from, to, ideal) = (e.from_node, e.to_service, e.ideal);
        if e.plain {
            if let Some(t) = e.timeout {
                self.queue.push(now + t, Ev::Timeout(c));
            }
        } else {
            let mut timeout = e.timeout;
            if let Some(a) = e.adaptive.as_mut() {
                timeout = Some(from_ms(a.timeout_ms()));
            }
            let mut by_deadline = false;
            if deadline != Time::MAX {
                let margin = e.deadline.map(|d| d.1).unwrap_or(0);
                let left = deadline.saturating_sub(now.saturating_add(margin)).max(1);
                if timeout.is_none_or(|t| left < t) {
                    timeout = Some(left);
                    by_deadline = true;
                }
            }
            let connect = e.connect_timeout;
            self.call_mut(c).timer_is_deadline = by_deadline;
            if let Some(t) = timeout {
                self.queue.push(now + t, Ev::Timeout(c));
            }
            if let Some(t) = connect {
                self.queue.push(now + t, Ev::ConnectTimeout(c));
            }
        }
        let d = if ideal && !self.net_faults {
            // nothing can lose or delay it
            0
        } else {
            if self.message_lost(edge, from, to) {
                let call = self.call_mut(c);
                call.callee_done = true;
                call.phase = Phase::Idle;
                return;
            }
            self.link_delay(edge)
        };
        if d == 0 {
            self.deliver_any(c);
        } else {
            let call = self.call_mut(c);
            call.phase = Phase::ToCallee;
            call.transit_from = now;
            call.transit_to = now + d;
            self.queue.push(now + d, Ev::Deliver(c));
        }
    }

    #[inline(always)]
    fn pick_replica(&mut self, s: u32) -> u32 {
        let svc = &self.services[s as usize];
        if svc.replicas == 1 {
            return svc.rep_start;
        }
        self.pick_of_many(s)
    }

    fn pick_of_many(&mut self, s: u32) -> u32 {
        let svc = &mut self.services[s as usize];
        let n = svc.replicas;
        let start = svc.rep_start;
        match svc.lb {
            LoadBalancer::RoundRobin => {
                let r = svc.rr % n;
                svc.rr = svc.rr.wrapping_add(1);
                start + r
            }
            LoadBalancer::Random => start + self.rng.below(n),
            LoadBalancer::LeastConnections => {
                let mut best = start;
                let mut best_load = u32::MAX;
                for r in start..start + n {
                    let rep = &self.replicas[r as usize];
                    let load = rep.outstanding;
                    if load < best_load {
                        best_load = load;
                        best = r;
                    }
                }
                best
            }
        }
    }

    #[inline(always)]
    fn touch(&mut self, r: u32) {
        touch_replica(&mut self.replicas[r as usize], self.now);
    }

    /// The callee refuses or answers a request without working on it.
    fn reply_at_once(&mut self, c: CallRef, r: u32, outcome: Outcome, why: Why) {
        let call = self.call_mut(c);
        call.callee_done = true;
        call.reply = outcome;
        call.why = why;
        self.send_reply(c, r);
    }

    /// [`Self::deliver`] of any request, out of line: one copy for the transmit path and the
    /// `Deliver` event (the hot path of a fresh plain call has its own).
    #[inline(never)]
    fn deliver_any(&mut self, c: CallRef) {
        self.deliver(c, false);
    }

    /// The request `c` reaches its callee. `fresh` (a constant at each call site) says it is a
    /// call just made by [`Self::plain_call`]: live, not cancelled, its caller waiting, with no
    /// deadline and no idempotency record to look up, so those checks, known to pass, are left
    /// out, and a worker starts on it with [`Self::start`] inlined.
    #[inline(always)]
    fn deliver(&mut self, c: CallRef, fresh: bool) {
        let call = if fresh {
            &self.calls.as_slice()[c.idx as usize]
        } else {
            let Some(call) = self.get(c) else { return };
            call
        };
        debug_assert!(
            !fresh
                || (!call.cancelled
                    && !call.caller_done
                    && call.deadline == Time::MAX
                    && self.edges[call.edge as usize].dedup.is_none())
        );
        if !fresh && call.cancelled {
            // the cancellation reached the callee first: nothing to do
            let call = self.call_mut(c);
            call.callee_done = true;
            call.phase = Phase::Idle;
            self.release_if_done(c);
            return;
        }
        let (edge, corr, deadline) = (call.edge, call.corr, call.deadline);
        let s = self.edges[edge as usize].to_service;
        let r = self.pick_replica(s);
        let now = self.now;
        let caller_waits = {
            let call = self.call_mut(c);
            call.arrived_at = now;
            call.replica = r;
            fresh || !call.caller_done
        };
        if caller_waits {
            self.replicas[r as usize].outstanding += 1;
        }
        let st = &mut self.service_stats[s as usize];
        st.arrivals += 1;
        let rep = &self.replicas[r as usize];
        if rep.crashed > 0 {
            st.dropped += 1;
            let call = self.call_mut(c);
            call.callee_done = true;
            call.phase = Phase::Idle;
            self.release_if_done(c);
            return;
        }
        self.call_mut(c).connected = true;
        let e = &self.edges[edge as usize];
        if !fresh && e.idempotency_key && e.dedup.as_ref().is_some_and(|d| d.contains(corr)) {
            // a repeat of an operation already executed: answered from the key's record
            self.edge_stats[edge as usize].patterns.deduplicated += 1;
            self.reply_at_once(c, r, Outcome::Ok, Why::Plain);
            return;
        }
        if !fresh && deadline != Time::MAX && now >= deadline {
            self.service_stats[s as usize].expired += 1;
            self.reply_at_once(c, r, Outcome::Error, Why::Deadline);
            return;
        }
        let rep = &self.replicas[r as usize];
        let svc = &self.services[s as usize];
        if rep.busy < rep.workers {
            self.touch(r);
            if fresh {
                self.start_inline(c, r, false);
            } else {
                self.start(c, r, false);
            }
        } else if rep.queue.len() >= svc.shed_queue {
            self.service_stats[s as usize].shed += 1;
            self.reply_at_once(c, r, Outcome::Rejected, Why::Shed);
        } else if rep.queue.len() < svc.capacity {
            self.touch(r);
            let inc = self.replicas[r as usize].incarnation;
            self.replicas[r as usize].queue.push_back(c);
            let call = self.call_mut(c);
            call.phase = Phase::Queued;
            call.incarnation = inc;
        } else {
            self.service_stats[s as usize].rejected += 1;
            self.reply_at_once(c, r, Outcome::Rejected, Why::QueueFull);
        }
    }

    /// A worker of replica `r` starts on `c`. The caller has brought the replica's areas up to now
    /// ([`Self::touch`]).
    fn start(&mut self, c: CallRef, r: u32, from_queue: bool) {
        self.start_inline(c, r, from_queue);
    }

    /// [`Self::start`], inlined into the path of a fresh request on a plain edge.
    #[inline(always)]
    fn start_inline(&mut self, c: CallRef, r: u32, from_queue: bool) {
        let (s, busy, workers, inc, factor, add) = {
            let rep = &mut self.replicas[r as usize];
            rep.busy += 1;
            (
                rep.service,
                rep.busy,
                rep.workers,
                rep.incarnation,
                rep.lat_factor,
                rep.add_latency_ms,
            )
        };
        let now = self.now;
        let arrived = {
            let call = self.call_mut(c);
            call.started_at = now;
            call.phase = Phase::Working;
            call.incarnation = inc;
            call.arrived_at
        };
        let st = &mut self.service_stats[s as usize];
        st.started += 1;
        if from_queue {
            st.waited += 1;
            st.wait_sum_ns += u64_to_f64(now - arrived);
        }
        let svc = &self.services[s as usize];
        let mut ms = sample_latency_ms(&mut self.rng, &svc.latency);
        if let Some((curve, k, p)) = svc.overload {
            let u = busy as f64 / workers as f64;
            ms *= match curve {
                OverloadCurve::Linear => 1.0 + k * u,
                OverloadCurve::Polynomial => 1.0 + k * libm::pow(u, p),
                OverloadCurve::Exponential => libm::exp(k * u),
            };
        }
        ms = ms * factor + add;
        self.queue.push_hot(now + from_ms(ms), Ev::WorkDone(c, inc));
    }

    /// Whether the job is still being served by a replica that has not restarted since.
    #[inline(always)]
    fn job_alive(&self, c: CallRef) -> bool {
        match self.get(c) {
            Some(call) => {
                !call.callee_done
                    && self.replicas[call.replica as usize].incarnation == call.incarnation
            }
            None => false,
        }
    }

    /// A job whose replica crashed or restarted under it: it will never reply.
    fn lose_job(&mut self, c: CallRef) {
        if let Some(call) = self.get(c) {
            if !call.callee_done {
                let s = self.replicas[call.replica as usize].service;
                self.service_stats[s as usize].lost += 1;
                let call = self.call_mut(c);
                call.callee_done = true;
                call.phase = Phase::Idle;
                self.release_if_done(c);
            }
        }
    }

    #[inline(always)]
    fn work_done(&mut self, c: CallRef, inc: u32) {
        let Some(call) = self.get(c) else { return };
        let r = call.replica;
        let rep = &self.replicas[r as usize];
        // `job_alive`, with the call and replica at hand
        if call.incarnation != inc || call.callee_done || rep.incarnation != call.incarnation {
            self.lose_job(c);
            return;
        }
        let s = rep.service as usize;
        let svc = &self.services[s];
        let err = rep
            .error_bursts
            .last()
            .map(|b| b.1)
            .unwrap_or(svc.error_rate);
        let n = svc.edges.len();
        let failed = self.rng.chance(err);
        if failed || n == 0 {
            let outcome = if failed { Outcome::Error } else { Outcome::Ok };
            self.finish_inline(c, outcome, true);
            return;
        }
        self.call_mut(c).phase = Phase::WaitingDownstream;
        if self.services[s].parallel {
            self.call_mut(c).pending_children = n as u16;
            for k in 0..n {
                let e = self.services[s].edges[k];
                self.send_child(c, e);
                if !self.job_alive(c) {
                    break;
                }
            }
        } else {
            self.call_mut(c).next_child = 1;
            let e = self.services[s].edges[0];
            self.send_child(c, e);
        }
    }

    fn send_child(&mut self, parent: CallRef, edge: u32) {
        let (corr, traced, deadline, ctx) = {
            let p = &self.calls[parent.idx as usize];
            (p.corr, p.traced, p.deadline, p.ctx_down)
        };
        self.make_call(Caller::Job(parent), edge, corr, traced, deadline, ctx);
    }

    fn child_done(&mut self, parent: CallRef, edge: u32, outcome: Outcome, fb: (u8, u8)) {
        if !self.job_alive(parent) {
            self.lose_job(parent);
            return;
        }
        let (critical, fallback) = {
            let e = &self.edges[edge as usize];
            (e.critical, e.fallback)
        };
        let p = &mut self.calls[parent.idx as usize];
        p.opt_fb = p.opt_fb.saturating_add(fb.0);
        p.crit_fb = p.crit_fb.saturating_add(fb.1);
        if outcome != Outcome::Ok {
            if fallback.is_some() || !critical {
                if critical {
                    p.crit_fb = p.crit_fb.saturating_add(1);
                } else {
                    p.opt_fb = p.opt_fb.saturating_add(1);
                }
                self.edge_stats[edge as usize].patterns.fallbacks += 1;
            } else {
                p.failed = true;
            }
        }
        let r = self.calls.as_slice()[parent.idx as usize].replica;
        let s = self.replicas[r as usize].service as usize;
        let p = &mut self.calls.as_mut_slice()[parent.idx as usize];
        if self.services[s].parallel {
            p.pending_children -= 1;
            if p.pending_children == 0 {
                let o = if p.failed {
                    Outcome::Error
                } else {
                    Outcome::Ok
                };
                self.finish(parent, o);
            }
        } else if p.failed {
            self.finish(parent, Outcome::Error);
        } else if (p.next_child as usize) < self.services[s].edges.len() {
            let e = self.services[s].edges[p.next_child as usize];
            p.next_child += 1;
            self.send_child(parent, e);
        } else {
            self.finish(parent, Outcome::Ok);
        }
    }

    /// The job is done: free the worker, take the next waiting request, send the reply.
    fn finish(&mut self, c: CallRef, outcome: Outcome) {
        self.finish_inline(c, outcome, false);
    }

    /// [`Self::finish`], inlined into `work_done` (the path of every leaf service's job). With
    /// `fast` (a constant at each call site: `work_done`'s only, for the code's size), a reply
    /// to a client waiting on a direct edge takes [`Self::reply_to_client_at_once`].
    #[inline(always)]
    fn finish_inline(&mut self, c: CallRef, outcome: Outcome, fast: bool) {
        let now = self.now;
        let (r, arrived, edge, corr) = {
            let call = self.call_mut(c);
            call.callee_done = true;
            call.reply = outcome;
            (call.replica, call.arrived_at, call.edge, call.corr)
        };
        let rep = &mut self.replicas[r as usize];
        touch_replica(rep, now);
        let s = rep.service as usize;
        rep.busy -= 1;
        let st = &mut self.service_stats[s];
        match outcome {
            Outcome::Ok => st.ok += 1,
            _ => st.errors += 1,
        }
        st.response_sum_ns += u64_to_f64(now - arrived);
        let e = &mut self.edges[edge as usize];
        let direct = e.direct;
        if outcome == Outcome::Ok {
            if let Some(d) = e.dedup.as_mut() {
                // a non-idempotent operation took effect
                let first = d.record(corr, now);
                let ps = &mut self.edge_stats[edge as usize].patterns;
                if first {
                    ps.effects += 1;
                } else if e.idempotency_key {
                    ps.deduplicated += 1;
                } else {
                    ps.effects += 1;
                    ps.duplicates += 1;
                    self.global.duplicates += 1;
                }
            }
        }
        self.next_from_queue(r, s);
        // the response-time histograms are recorded here, after the queue moved on (nothing
        // there reads them, and the order of records does not matter), so that a reply reaching
        // a client at once records them with the client's own, sharing the buckets
        if fast && direct && self.reply_to_client_at_once(c, r, s, now - arrived) {
            return;
        }
        let st = &mut self.service_stats[s];
        st.response.record_ns(now - arrived);
        st.window.record_ns(now - arrived);
        self.send_reply(c, r);
    }

    /// The reply of the job `c` (done on replica `r` of service `s`, with response time `resp`)
    /// when its caller is an open-loop client waiting on a direct edge (the caller has checked
    /// that), the request was delivered the instant it was sent, and no reply loss or network
    /// fault is active: [`Self::send_reply`], [`Self::reply_arrive`], [`Self::resolve`] and
    /// [`Self::deliver_up`] fused, with the same effects, for the engine's commonest ending.
    /// Records the service's response-time histograms too. False (having done nothing) in every
    /// other case, traced requests included.
    #[inline(always)]
    fn reply_to_client_at_once(&mut self, c: CallRef, r: u32, s: usize, resp: Time) -> bool {
        let now = self.now;
        let call = &self.calls.as_slice()[c.idx as usize];
        let Caller::Client { user, .. } = call.caller else {
            return false;
        };
        let edge = call.edge as usize;
        let rep = &mut self.replicas[r as usize];
        debug_assert!(self.edges[edge].direct);
        if self.net_faults
            || !call.live
            || call.gen != c.gen
            || call.caller_done
            || (call.traced && self.span_capacity > 0)
            || !rep.reply_losses.is_empty()
            || user != u32::MAX
            || now - call.sent_at != resp
        {
            // (a closed-loop user, who thinks before the next request, or a request that took
            // time on the way: the general path, for the code's size)
            return false;
        }
        rep.outstanding -= 1;
        debug_assert!(call.callee_done && !call.holds_permit && !call.local);
        debug_assert_eq!(call.replica, r);
        let outcome = call.reply;
        let latency = now - call.sent_at;
        let fb = (call.opt_fb, call.crit_fb);
        // resolve: the caller is done, and so is the callee, so the slot is free
        let call = &mut self.calls.as_mut_slice()[c.idx as usize];
        call.caller_done = true;
        call.phase = Phase::Idle;
        call.live = false;
        call.next_free = self.free_head;
        self.free_head = c.idx;
        self.free_len += 1;
        let es = &mut self.edge_stats[edge];
        match outcome {
            Outcome::Ok => es.ok += 1,
            _ => es.errors += 1,
        }
        let st = &mut self.service_stats[s];
        let g = &mut self.global;
        // sent and delivered at the same instant: one value, found in its buckets once
        let us = super::histogram::ns_to_us(latency);
        let fine = Histogram::<6>::bucket_of(us);
        let coarse = super::histogram::WindowHistogram::bucket_of(us);
        st.response.record_at(fine, us);
        es.latency.record_at(fine, us);
        st.window.record_at(coarse, us);
        g.window.record_at(coarse, us);
        // deliver_up
        g.in_flight -= 1;
        match outcome {
            Outcome::Ok => g.ok += 1,
            _ => g.errors += 1,
        }
        let level = Level::of_request(outcome == Outcome::Ok, fb.0 as u32, fb.1 as u32);
        g.levels[level as usize] += 1;
        true
    }

    /// Free workers take waiting requests; those cancelled, past their deadline or (with load
    /// shedding) waiting too long are answered at once instead of served. The caller has touched
    /// the replica at this instant, so its areas are accounted before the queue changes.
    #[inline(always)]
    fn next_from_queue(&mut self, r: u32, s: usize) {
        debug_assert_eq!(self.replicas[r as usize].service as usize, s);
        let (lifo, shed_wait) = {
            let svc = &self.services[s];
            (svc.lifo, svc.shed_wait)
        };
        loop {
            let rep = &mut self.replicas[r as usize];
            if rep.busy >= rep.workers || rep.crashed > 0 || rep.queue.is_empty() {
                return;
            }
            // the queue area is already accounted up to now: `finish_inline` touched the replica
            let next = if lifo {
                rep.queue.pop_back()
            } else {
                rep.queue.pop_front()
            };
            let Some(n) = next else { return };
            let now = self.now;
            let (cancelled, deadline, arrived) = {
                let call = &self.calls.as_slice()[n.idx as usize];
                (call.cancelled, call.deadline, call.arrived_at)
            };
            if cancelled {
                let call = self.call_mut(n);
                call.callee_done = true;
                call.phase = Phase::Idle;
                self.release_if_done(n);
            } else if deadline != Time::MAX && now >= deadline {
                self.service_stats[s].expired += 1;
                self.reply_at_once(n, r, Outcome::Error, Why::Deadline);
            } else if now - arrived > shed_wait {
                self.service_stats[s].shed += 1;
                self.reply_at_once(n, r, Outcome::Rejected, Why::Shed);
            } else {
                self.start(n, r, true);
                return;
            }
        }
    }

    /// The callee's reply goes on the wire back to the caller. Out of line (one copy for its
    /// few callers): the commonest reply, to a client waiting on a direct edge, takes
    /// [`Self::reply_to_client_at_once`] instead.
    #[inline(never)]
    fn send_reply(&mut self, c: CallRef, r: u32) {
        let edge = self.calls.as_slice()[c.idx as usize].edge;
        let (from, to, ideal) = {
            let e = &self.edges[edge as usize];
            (e.to_service, e.from_node, e.ideal)
        };
        let losses = &self.replicas[r as usize].reply_losses;
        let d = if losses.is_empty() && ideal && !self.net_faults {
            // nothing can lose or delay it
            0
        } else {
            let reply_loss = if losses.is_empty() {
                0.0
            } else {
                combined_loss(losses.iter().map(|l| l.1))
            };
            if (reply_loss > 0.0 && self.rng.chance(reply_loss))
                || self.message_lost(edge, from, to)
            {
                self.call_mut(c).phase = Phase::Idle;
                self.release_if_done(c);
                return;
            }
            self.link_delay(edge)
        };
        if d == 0 {
            self.reply_arrive(c);
        } else {
            let now = self.now;
            let call = self.call_mut(c);
            call.phase = Phase::ToCaller;
            call.transit_from = now;
            call.transit_to = now + d;
            self.queue.push(now + d, Ev::Reply(c));
        }
    }

    #[inline(always)]
    fn reply_arrive(&mut self, c: CallRef) {
        let Some(call) = self.get(c) else { return };
        if call.caller_done {
            let e = call.edge as usize;
            self.edge_stats[e].late_replies += 1;
            self.call_mut(c).phase = Phase::Idle;
            self.release_if_done(c);
            return;
        }
        let (o, why) = (call.reply, call.why);
        self.resolve(c, o, why);
    }

    fn timeout(&mut self, c: CallRef) {
        let Some(call) = self.get(c) else { return };
        if call.caller_done {
            return;
        }
        let (edge, by_deadline) = (call.edge as usize, call.timer_is_deadline);
        let why = if by_deadline {
            self.edge_stats[edge].patterns.deadline_exceeded += 1;
            Why::Deadline
        } else {
            Why::Plain
        };
        self.resolve(c, Outcome::Timeout, why);
    }

    fn connect_timeout(&mut self, c: CallRef) {
        let Some(call) = self.get(c) else { return };
        if call.caller_done || call.connected {
            return;
        }
        let edge = call.edge as usize;
        self.edge_stats[edge].patterns.connect_failures += 1;
        self.resolve(c, Outcome::Timeout, Why::Connect);
    }

    fn bulkhead_wait(&mut self, c: CallRef) {
        let Some(call) = self.get(c) else { return };
        if call.caller_done || call.holds_permit {
            return;
        }
        let e = call.edge as usize;
        if let Some(bh) = self.edges[e].bulkhead.as_mut() {
            if bh.0.abandon(c) {
                self.edge_stats[e].patterns.bulkhead_rejected += 1;
                self.fail_locally(c, Why::Bulkhead);
            }
        }
    }

    /// Gives the edge's bulkhead permit back; the next waiting call (if any) goes out.
    fn release_permit(&mut self, edge: u32) {
        loop {
            let Some(bh) = self.edges[edge as usize].bulkhead.as_mut() else {
                return;
            };
            let Some(next) = bh.0.release() else { return };
            match self.get(next) {
                Some(call) if !call.caller_done => {
                    self.call_mut(next).holds_permit = true;
                    self.transmit(next);
                    return;
                }
                // gone meanwhile: hand the permit on
                _ => continue,
            }
        }
    }

    /// The caller learns the outcome of one attempt (a reply, its timeout, or a local refusal).
    fn resolve(&mut self, c: CallRef, outcome: Outcome, why: Why) {
        let now = self.now;
        let call = self.call_mut(c);
        call.caller_done = true;
        call.why = why;
        if outcome == Outcome::Timeout && call.phase == Phase::ToCaller {
            // the reply is still on the wire; it will arrive late
        } else if call.callee_done {
            call.phase = Phase::Idle;
        }
        let (edge, caller, sent, traced, local, holds, is_retry) = (
            call.edge,
            call.caller,
            call.sent_at,
            call.traced,
            call.local,
            call.holds_permit,
            call.is_retry,
        );
        let fb = (call.opt_fb, call.crit_fb);
        call.holds_permit = false;
        if call.replica != u32::MAX {
            let r = call.replica as usize;
            self.replicas[r].outstanding -= 1;
        }
        let latency = now - sent;
        let e = &mut self.edges[edge as usize];
        if !local && !e.plain {
            // a call refused locally never ran, so the breaker does not record it
            if let Some(b) = e.breaker.as_mut() {
                if b.wants_random_sample() {
                    b.set_random_sample(self.rng.uniform());
                }
                let o = if outcome == Outcome::Ok {
                    cb::Outcome::Success
                } else {
                    cb::Outcome::Failure
                };
                b.on_result(now / 1_000_000, o, latency / 1_000_000);
            }
            if matches!(outcome, Outcome::Ok | Outcome::Error) {
                if let Some(t) = e.throttle.as_mut() {
                    t.on_accept(now as f64 / 1e6);
                }
            }
            if outcome == Outcome::Ok {
                if let Some(a) = e.adaptive.as_mut() {
                    a.observe(latency as f64 / 1e6);
                }
            }
        }
        let es = &mut self.edge_stats[edge as usize];
        match outcome {
            Outcome::Ok => es.ok += 1,
            Outcome::Error => es.errors += 1,
            Outcome::Timeout => es.timeouts += 1,
            Outcome::Rejected => es.rejected += 1,
        }
        es.latency.record_ns(latency);
        if traced && self.span_capacity > 0 {
            let call = &self.calls.as_slice()[c.idx as usize];
            let served = call.replica != u32::MAX;
            let first = self.services[self.edges[edge as usize].to_service as usize].rep_start;
            let span = Span {
                corr: call.corr,
                edge,
                attempt: call.attempt,
                replica: served.then(|| call.replica - first),
                start_ms: super::time::to_ms(sent),
                arrived_ms: served.then(|| super::time::to_ms(call.arrived_at)),
                started_ms: (call.started_at != Time::MAX)
                    .then(|| super::time::to_ms(call.started_at)),
                end_ms: super::time::to_ms(now),
                outcome,
            };
            if self.spans.len() >= self.span_capacity {
                self.spans.pop_front();
            }
            self.spans.push_back(span);
        }
        if holds {
            self.release_permit(edge);
        }
        self.release_if_done(c);
        match caller {
            Caller::Attempt(l) => self.attempt_done(l, c, outcome, why, fb, is_retry),
            _ => self.deliver_up(caller, edge, outcome, latency, fb),
        }
    }

    /// The outcome of a whole call reaches its caller: a client, or the job that made it.
    #[inline(always)]
    fn deliver_up(
        &mut self,
        caller: Caller,
        edge: u32,
        outcome: Outcome,
        latency: Time,
        fb: (u8, u8),
    ) {
        match caller {
            Caller::Client { client, user } => {
                let g = &mut self.global;
                g.in_flight -= 1;
                match outcome {
                    Outcome::Ok => g.ok += 1,
                    Outcome::Error => g.errors += 1,
                    Outcome::Timeout => g.timeouts += 1,
                    Outcome::Rejected => g.rejected += 1,
                }
                let level = Level::of_request(outcome == Outcome::Ok, fb.0 as u32, fb.1 as u32);
                g.levels[level as usize] += 1;
                g.window.record_ns(latency);
                if user != u32::MAX {
                    if let Some(think) = self.clients[client as usize].think.clone() {
                        let dt = from_ms(self.sample_ms(&think));
                        self.queue.push(self.now + dt, Ev::Wake { client, user });
                    }
                }
            }
            Caller::Job(parent) => self.child_done(parent, edge, outcome, fb),
            Caller::Attempt(_) => {}
        }
    }

    /// One attempt of a logical call ended: succeed, wait for a hedge, retry, or give up.
    fn attempt_done(
        &mut self,
        l: LRef,
        c: CallRef,
        outcome: Outcome,
        why: Why,
        fb: (u8, u8),
        is_retry: bool,
    ) {
        let now = self.now;
        if self.logical(l).is_none() {
            return;
        }
        let class = classify(outcome, why);
        let i = l.idx as usize;
        self.logicals[i].outstanding -= 1;
        let (edge, retry_ok, done) = {
            let lg = &self.logicals[i];
            (lg.edge, lg.retry_ok, lg.done)
        };
        if retry_ok {
            if let Some(r) = self.edges[edge as usize].retry.as_mut() {
                if let Some(b) = r.budget.as_mut() {
                    b.on_attempt_end(is_retry, class, &r.policy);
                }
            }
        }
        if done {
            self.free_logical_if_idle(l);
            return;
        }
        if outcome == Outcome::Ok {
            self.logicals[i].done = true;
            self.cancel_other_attempts(l, c);
            let (caller, first) = (self.logicals[i].caller, self.logicals[i].first_sent);
            self.free_logical_if_idle(l);
            self.deliver_up(caller, edge, outcome, now - first, fb);
            return;
        }
        if self.logicals[i].outstanding > 0 {
            // another attempt (a hedge) is still out: it may yet succeed
            return;
        }
        let mut retry = false;
        let attempts = self.logicals[i].attempts as u32;
        if retry_ok && now < self.logicals[i].deadline {
            if let Some(r) = self.edges[edge as usize].retry.as_mut() {
                if r.policy.should_retry(attempts, class) {
                    let allowed = match r.budget.as_mut() {
                        Some(b) => b.try_retry(now as f64 / 1e6),
                        None => true,
                    };
                    if allowed {
                        retry = true;
                    } else {
                        self.edge_stats[edge as usize]
                            .patterns
                            .retries_denied_by_budget += 1;
                    }
                }
            }
        }
        if retry {
            let lg = &mut self.logicals[i];
            let delay = match lg.backoff.as_mut() {
                Some(b) => b.next_delay_ms(attempts, &mut self.rng),
                None => 0.0,
            };
            lg.next_is_retry = true;
            self.edge_stats[edge as usize].patterns.retries += 1;
            self.global.retries += 1;
            self.queue.push(now + from_ms(delay), Ev::Retry(l));
        } else {
            self.logicals[i].done = true;
            let (caller, first) = (self.logicals[i].caller, self.logicals[i].first_sent);
            self.free_logical_if_idle(l);
            self.deliver_up(caller, edge, outcome, now - first, fb);
        }
    }

    /// Hedging: the first success wins; the other attempts still out are cancelled.
    fn cancel_other_attempts(&mut self, l: LRef, winner: CallRef) {
        let refs = self.logicals[l.idx as usize].refs;
        for c in refs {
            if c == winner {
                continue;
            }
            let Some(call) = self.get(c) else { continue };
            let mine = matches!(call.caller, Caller::Attempt(x) if x == l);
            if call.caller_done || !mine {
                continue;
            }
            let (edge, replica, holds, is_retry) =
                (call.edge, call.replica, call.holds_permit, call.is_retry);
            let call = self.call_mut(c);
            call.caller_done = true;
            call.cancelled = true;
            call.holds_permit = false;
            if call.callee_done {
                call.phase = Phase::Idle;
            }
            if replica != u32::MAX {
                self.replicas[replica as usize].outstanding -= 1;
            }
            self.logicals[l.idx as usize].outstanding -= 1;
            self.edge_stats[edge as usize].patterns.cancelled += 1;
            let e = &mut self.edges[edge as usize];
            if let Some(r) = e.retry.as_mut() {
                if let Some(b) = r.budget.as_mut() {
                    b.on_attempt_cancelled(is_retry);
                }
            }
            if holds {
                self.release_permit(edge);
            } else if let Some(bh) = self.edges[edge as usize].bulkhead.as_mut() {
                bh.0.abandon(c);
            }
            self.release_if_done(c);
        }
    }

    fn free_logical_if_idle(&mut self, l: LRef) {
        let lg = &mut self.logicals[l.idx as usize];
        if lg.live && lg.gen == l.gen && lg.done && lg.outstanding == 0 {
            lg.live = false;
            self.lfree.push(l.idx);
        }
    }

    // ----- faults ------------------------------------------------------------------------------

    fn replicas_of(&self, service: &str, replica: Option<u32>) -> Vec<u32> {
        let Some(s) = self
            .scenario
            .services
            .iter()
            .position(|x| x.name == service)
        else {
            return Vec::new();
        };
        let svc = &self.services[s];
        match replica {
            Some(r) => vec![svc.rep_start + r],
            None => (svc.rep_start..svc.rep_start + svc.replicas).collect(),
        }
    }

    fn node_of(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.scenario.services.iter().position(|s| s.name == name) {
            return Some(i);
        }
        self.scenario
            .clients
            .iter()
            .position(|c| c.name == name)
            .map(|i| i + self.scenario.services.len())
    }

    fn fault(&mut self, i: usize, on: bool) {
        let fault = self.scenario.faults[i].fault.clone();
        match fault {
            Fault::LatencySpike {
                service,
                replica,
                factor,
                add_ms,
            } => {
                for r in self.replicas_of(&service, replica) {
                    let rep = &mut self.replicas[r as usize];
                    // factor > 0 (validated), so spikes stack and unstack exactly
                    if on {
                        rep.lat_factor *= factor;
                        rep.add_latency_ms += add_ms;
                    } else {
                        rep.lat_factor /= factor;
                        rep.add_latency_ms = (rep.add_latency_ms - add_ms).max(0.0);
                    }
                }
            }
            Fault::ErrorBurst {
                service,
                replica,
                error_rate,
            } => {
                for r in self.replicas_of(&service, replica) {
                    let bursts = &mut self.replicas[r as usize].error_bursts;
                    bursts.retain(|b| b.0 != i);
                    if on {
                        bursts.push((i, error_rate));
                    }
                }
            }
            Fault::ReplyLoss {
                service,
                replica,
                probability,
            } => {
                for r in self.replicas_of(&service, replica) {
                    let losses = &mut self.replicas[r as usize].reply_losses;
                    losses.retain(|l| l.0 != i);
                    if on {
                        losses.push((i, probability));
                    }
                }
            }
            Fault::Crash { service, replica } => {
                for r in self.replicas_of(&service, replica) {
                    if on {
                        self.crash(r);
                        self.replicas[r as usize].crashed += 1;
                    } else {
                        let rep = &mut self.replicas[r as usize];
                        rep.crashed = rep.crashed.saturating_sub(1);
                    }
                }
            }
            Fault::Restart { service, replica } => {
                if on {
                    for r in self.replicas_of(&service, replica) {
                        self.crash(r);
                    }
                }
            }
            Fault::Partition { a, b } => {
                if on {
                    let n = self.scenario.services.len() + self.scenario.clients.len();
                    let mut ma = vec![false; n];
                    let mut mb = vec![false; n];
                    for x in &a {
                        if let Some(k) = self.node_of(x) {
                            ma[k] = true;
                        }
                    }
                    for x in &b {
                        if let Some(k) = self.node_of(x) {
                            mb[k] = true;
                        }
                    }
                    self.partitions.push((ma, mb, true));
                    self.partition_ids.push(i);
                } else if let Some(k) = self.partition_ids.iter().position(|&x| x == i) {
                    self.partition_ids.remove(k);
                    self.partitions.remove(k);
                }
            }
            Fault::PacketLoss { probability } => {
                self.packet_losses.retain(|l| l.0 != i);
                if on {
                    self.packet_losses.push((i, probability));
                }
                self.extra_loss = combined_loss(self.packet_losses.iter().map(|l| l.1));
            }
        }
        self.net_faults = self.extra_loss > 0.0 || !self.partitions.is_empty();
    }

    /// The replica loses all in-progress and queued work and comes back empty.
    fn crash(&mut self, r: u32) {
        self.touch(r);
        let s = self.replicas[r as usize].service as usize;
        let rep = &mut self.replicas[r as usize];
        rep.incarnation = rep.incarnation.wrapping_add(1);
        rep.busy = 0;
        let queued: Vec<CallRef> = rep.queue.drain(..).collect();
        for c in queued {
            if self.get(c).is_some() {
                self.service_stats[s].lost += 1;
                let call = self.call_mut(c);
                call.callee_done = true;
                call.phase = Phase::Idle;
                self.release_if_done(c);
            }
        }
    }

    // ----- metrics -----------------------------------------------------------------------------

    fn take_sample(&mut self) {
        let now = self.now;
        let dt = (now - self.last_sample) as f64;
        self.last_sample = now;
        let mut services = Vec::with_capacity(self.services.len());
        for s in 0..self.services.len() {
            let (start, n, workers) = {
                let svc = &self.services[s];
                (svc.rep_start, svc.replicas, svc.workers)
            };
            let mut busy = 0.0;
            let mut queue = 0.0;
            for r in start..start + n {
                self.touch(r);
                let rep = &self.replicas[r as usize];
                let (b0, q0) = self.window_area[r as usize];
                busy += rep.busy_area - b0;
                queue += rep.queue_area - q0;
                self.window_area[r as usize] = (rep.busy_area, rep.queue_area);
            }
            let st = &mut self.service_stats[s];
            let w = st.take_window();
            let mut q = [0.0; 2];
            st.window.quantiles_us(&[0.5, 0.99], &mut q);
            services.push(ServiceSample {
                busy_fraction: if dt > 0.0 {
                    busy / (dt * (workers * n) as f64)
                } else {
                    0.0
                },
                queue_length: if dt > 0.0 { queue / dt } else { 0.0 },
                arrivals: w.arrivals,
                ok: w.ok,
                errors: w.errors,
                rejected: w.rejected,
                p50_ms: q[0] / 1000.0,
                p99_ms: q[1] / 1000.0,
            });
            st.window.clear();
        }
        let g = &mut self.global;
        let w = g.take_window();
        let mut q = [0.0; 2];
        g.window.quantiles_us(&[0.5, 0.99], &mut q);
        let sample = Sample {
            t_s: super::time::to_secs(now),
            requests: w.requests,
            ok: w.ok,
            errors: w.errors,
            timeouts: w.timeouts,
            rejected: w.rejected,
            p50_ms: q[0] / 1000.0,
            p99_ms: q[1] / 1000.0,
            attempts: w.attempts,
            retries: w.retries,
            levels: w.levels,
            duplicates: w.duplicates,
            breakers_open: self
                .edges
                .iter()
                .filter_map(|e| e.breaker.as_ref())
                .filter(|b| {
                    !matches!(
                        b.state(),
                        cb::State::Closed | cb::State::Disabled | cb::State::MetricsOnly
                    )
                })
                .count() as u32,
            services,
        };
        g.window.clear();
        if self.series.len() >= self.history {
            self.series.pop_front();
        }
        self.series.push_back(sample);
    }

    /// The sampled time series, oldest first (a bounded ring buffer).
    pub fn series(&self) -> &VecDeque<Sample> {
        &self.series
    }

    /// Recorded spans of traced requests, oldest first (a bounded ring buffer).
    pub fn spans(&self) -> &VecDeque<Span> {
        &self.spans
    }

    /// Spans of one correlation id, in start order.
    pub fn trace(&self, corr: u64) -> Vec<Span> {
        let mut v: Vec<Span> = self
            .spans
            .iter()
            .filter(|s| s.corr == corr)
            .cloned()
            .collect();
        v.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
        v
    }

    /// Fills `snap` with the current state for drawing (reuses its buffers).
    pub fn snapshot_into(&self, snap: &mut Snapshot) {
        snap.time_s = super::time::to_secs(self.now);
        snap.services.resize_with(self.services.len(), Vec::new);
        for (s, svc) in self.services.iter().enumerate() {
            let v = &mut snap.services[s];
            v.clear();
            for r in svc.rep_start..svc.rep_start + svc.replicas {
                let rep = &self.replicas[r as usize];
                v.push(ReplicaView {
                    busy: rep.busy,
                    workers: rep.workers,
                    queued: rep.queue.len() as u32,
                    capacity: svc.capacity.min(u32::MAX as usize) as u32,
                    crashed: rep.crashed > 0,
                });
            }
        }
        snap.in_flight.clear();
        for call in self.calls.iter().filter(|c| c.live) {
            let visible = match call.phase {
                Phase::Idle => !call.caller_done,
                _ => true,
            };
            if !visible {
                continue;
            }
            let progress = match call.phase {
                Phase::ToCallee | Phase::ToCaller if call.transit_to > call.transit_from => {
                    ((self.now.saturating_sub(call.transit_from)) as f64
                        / (call.transit_to - call.transit_from) as f64)
                        .clamp(0.0, 1.0) as f32
                }
                _ => 0.0,
            };
            snap.in_flight.push(InFlight {
                corr: call.corr,
                edge: call.edge,
                attempt: call.attempt,
                phase: call.phase,
                progress,
                outcome: (call.phase == Phase::ToCaller).then_some(call.reply),
            });
        }
    }

    /// The current state for drawing.
    pub fn snapshot(&self) -> Snapshot {
        let mut s = Snapshot::default();
        self.snapshot_into(&mut s);
        s
    }

    /// Time-weighted areas of one service so far: (busy worker·ns, queued·ns, saturated ns).
    pub(crate) fn service_areas(&self, s: usize) -> (f64, f64, f64) {
        let svc = &self.services[s];
        let mut a = (0.0, 0.0, 0.0);
        for r in svc.rep_start..svc.rep_start + svc.replicas {
            let rep = &self.replicas[r as usize];
            let dt = (self.now - rep.last_change) as f64;
            a.0 += rep.busy_area + rep.busy as f64 * dt;
            a.1 += rep.queue_area + rep.queue.len() as f64 * dt;
            a.2 += rep.saturated_area + if rep.busy >= rep.workers { dt } else { 0.0 };
        }
        a
    }

    /// Counters of one service (scenario order).
    pub fn service_stats(&self, i: usize) -> &ServiceStats {
        &self.service_stats[i]
    }

    /// Logical calls made on edge `i` (plain edges do not count them apart: each is one attempt).
    pub(crate) fn edge_logical_calls(&self, i: usize) -> u64 {
        let es = &self.edge_stats[i];
        if self.edges[i].plain {
            es.sent
        } else {
            es.patterns.calls
        }
    }

    /// Counters of user requests.
    pub fn global_stats(&self) -> &GlobalStats {
        &self.global
    }

    /// Latency of user requests: the merged histograms of the clients' edges.
    pub fn user_latency(&self) -> Histogram {
        let mut h = Histogram::new();
        for c in &self.clients {
            h.merge(&self.edge_stats[c.edge as usize].latency);
        }
        h
    }

    /// Workers of one service over all its replicas.
    pub(crate) fn service_capacity(&self, s: usize) -> u32 {
        self.services[s].workers * self.services[s].replicas
    }

    /// Every edge's breaker: (edge index, state, metrics), for the breaker panels.
    pub fn breakers(&self) -> Vec<(usize, cb::State, cb::MetricsSnapshot)> {
        self.edges
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.breaker.as_ref().map(|b| (i, b.state(), b.metrics())))
            .collect()
    }

    /// Every edge's breaker thresholds: (edge index, limits), for the breaker panels.
    pub fn breaker_limits(&self) -> Vec<(usize, cb::Limits)> {
        self.edges
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.breaker.as_ref().map(|b| (i, b.limits())))
            .collect()
    }

    /// Live call records (allocated slots in use), for memory checks.
    pub fn live_calls(&self) -> usize {
        self.calls.len() - self.free_len
    }

    /// Allocated call slots (the high-water mark of concurrent calls).
    pub fn call_slots(&self) -> usize {
        self.calls.len()
    }

    /// Pending events.
    pub fn pending_events(&self) -> usize {
        self.queue.len()
    }

    /// Checks the engine's invariants; returns a description of the first one broken.
    pub fn check_invariants(&self) -> Result<(), String> {
        for (i, rep) in self.replicas.iter().enumerate() {
            if rep.busy > rep.workers {
                return Err(format!(
                    "replica {i}: {} busy > {} workers",
                    rep.busy, rep.workers
                ));
            }
            let cap = self.services[rep.service as usize].capacity;
            if rep.queue.len() > cap {
                return Err(format!(
                    "replica {i}: queue {} > capacity {cap}",
                    rep.queue.len()
                ));
            }
            if rep.busy < rep.workers && !rep.queue.is_empty() && rep.crashed == 0 {
                return Err(format!(
                    "replica {i}: idle worker while {} wait",
                    rep.queue.len()
                ));
            }
        }
        let g = &self.global;
        if g.requests != g.ok + g.errors + g.timeouts + g.rejected + g.in_flight {
            return Err(format!("conservation broken: {g:?}"));
        }
        if let Some(t) = self.queue.peek_time() {
            if t < self.now {
                return Err(format!("pending event at {t} before now {}", self.now));
            }
        }
        Ok(())
    }
}

/// One draw from a latency distribution, in milliseconds.
#[inline(always)]
fn sample_latency_ms(rng: &mut SimRng, l: &Latency) -> f64 {
    match *l {
        Latency::Constant { ms } => ms,
        Latency::Exponential { mean_ms } => rng.exponential(mean_ms),
        Latency::LogNormal { median_ms, sigma } => rng.lognormal(median_ms, sigma),
        Latency::Bimodal {
            fast_ms,
            slow_ms,
            slow_fraction,
        } => {
            if rng.chance(slow_fraction) {
                slow_ms
            } else {
                fast_ms
            }
        }
        Latency::LongTail { min_ms, alpha } => rng.pareto(min_ms, alpha),
    }
}

/// Brings a replica's time-weighted areas up to `now`.
#[inline(always)]
fn touch_replica(rep: &mut Replica, now: Time) {
    if now > rep.last_change {
        let dt = u64_to_f64(now - rep.last_change);
        rep.busy_area += rep.busy as f64 * dt;
        rep.queue_area += u64_to_f64(rep.queue.len() as u64) * dt;
        if rep.busy >= rep.workers {
            rep.saturated_area += dt;
        }
        rep.last_change = now;
    }
}

/// `x as f64`, exactly, by the signed conversion (one instruction on x86-64, where the unsigned
/// one takes several) whenever it applies: always, for simulated nanoseconds and counts.
#[inline(always)]
fn u64_to_f64(x: u64) -> f64 {
    if x < 1 << 63 {
        x as i64 as f64
    } else {
        // out of line, or the compiler merges both branches into the slow unsigned conversion
        u64_to_f64_big(x)
    }
}

#[cold]
#[inline(never)]
fn u64_to_f64_big(x: u64) -> f64 {
    x as f64
}

/// The probability that at least one of several independent losses happens.
fn combined_loss(ps: impl Iterator<Item = f64>) -> f64 {
    1.0 - ps.fold(1.0, |keep, p| keep * (1.0 - p))
}

fn make_edge(
    from_node: u32,
    to_service: u32,
    spec: &super::scenario::CallSpec,
    name: String,
) -> Edge {
    let mut e = Edge {
        from_node,
        to_service,
        timeout: spec.timeout_ms.map(from_ms),
        delay: from_ms(spec.network.delay_ms),
        jitter_ns: spec.network.jitter_ms * 1e6,
        loss: spec.network.loss,
        critical: spec.critical,
        name,
        breaker: spec
            .breaker
            .as_ref()
            .and_then(|v| BreakerConfig::from_json_value(v).ok())
            .and_then(|c| CircuitBreaker::new(c).ok())
            .map(Box::new),
        adaptive: spec
            .timeout
            .as_ref()
            .and_then(AdaptiveTimeout::for_timeout)
            .map(Box::new),
        deadline: match &spec.timeout {
            Some(Timeout::Deadline {
                budget_ms,
                margin_ms,
            }) => Some((from_ms(*budget_ms), from_ms(*margin_ms))),
            _ => None,
        },
        connect_timeout: spec.connect_timeout_ms.map(from_ms),
        retry: spec.retry.as_ref().map(|r| {
            Box::new(EdgeRetry {
                policy: r.policy(),
                budget: r.budget.as_ref().and_then(BudgetRt::new),
            })
        }),
        hedge: spec
            .hedge
            .as_ref()
            .map(|h| (from_ms(h.delay_ms), h.max_hedges)),
        bulkhead: spec
            .bulkhead
            .as_ref()
            .map(|b| Box::new((Bulkhead::new(b.clone()), from_ms(b.max_wait_ms)))),
        throttle: spec
            .throttle
            .as_ref()
            .map(|t| Box::new(AdaptiveThrottle::new(t))),
        fallback: spec.fallback,
        idempotency_key: spec.idempotency_key,
        dedup: (!spec.idempotent).then(|| Box::new(DedupTable::new(from_secs(60.0)))),
        plain: false,
        ideal: false,
        direct: false,
    };
    e.ideal = e.delay == 0 && e.jitter_ns == 0.0 && e.loss == 0.0;
    e.plain = e.breaker.is_none()
        && e.adaptive.is_none()
        && e.deadline.is_none()
        && e.connect_timeout.is_none()
        && e.retry.is_none()
        && e.hedge.is_none()
        && e.bulkhead.is_none()
        && e.throttle.is_none()
        && e.fallback.is_none()
        && e.dedup.is_none();
    e.direct = e.plain && e.ideal;
    e
}
