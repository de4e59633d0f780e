//! Marc Brooker's jitter experiment ("Exponential Backoff And Jitter", AWS Architecture Blog,
//! 2015), rebuilt as a small deterministic discrete-event simulation.
//!
//! N clients each need one successful optimistic-concurrency write to the same row. An attempt
//! is four one-way messages, each delayed by `|Normal(10 ms, 2 ms)|`: read request, read reply,
//! conditional write, write reply. The server is instant and unlimited; it reads the row's
//! version when the read request arrives, and the conditional write succeeds iff the version is
//! still the one that attempt read (the version then increments). A client whose write failed
//! sleeps for its backoff (base 5 ms, cap 2 s; the first retry uses attempt 1) and sends its next
//! read. All clients start at t = 0. A trial reports the writes that reached the server
//! ("calls") and the time the last client received its successful write reply.
//!
//! Only the arrival of a conditional write needs to be an event: the read reply and the write
//! leave with no decision in between, and so do the write reply, the sleep and the next read;
//! and whether the version changed since a read is a comparison of the read's arrival time with
//! the last successful write. So each attempt is one heap event, which is what makes the full
//! sweep fast enough for the page. Two delays in a row with no decision between them are drawn
//! as one: the sum of two independent `Normal(10 ms, 2 ms)` is exactly `Normal(20 ms, 2√2 ms)`
//! (the absolute values differ from the plain normals only for draws five standard deviations
//! below the mean, p ≈ 3·10⁻⁷ per delay). A failed attempt thus takes two normal draws: the
//! failure reply with the next read request, and the read reply with the conditional write.
//!
//! Each trial has its own [`SimRng`], seeded from the run's seed and the trial's index, so
//! [`run_trials`] and [`JitterSweep`] give bit-identical numbers for the same cell, natively
//! and in wasm.

use crate::sim::patterns::backoff::{
    capped_exponential_ms, decorrelated_jitter_ms, equal_jitter_ms, full_jitter_ms, BackoffStrategy,
};
use crate::sim::rng::SimRng;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Backoff base of the experiment, in milliseconds.
pub const BASE_MS: f64 = 5.0;
/// Backoff cap of the experiment, in milliseconds.
pub const CAP_MS: f64 = 2000.0;
/// Mean one-way network delay, in milliseconds.
pub const NET_MEAN_MS: f64 = 10.0;
/// Standard deviation of the one-way network delay, in milliseconds.
pub const NET_SD_MS: f64 = 2.0;
/// Most clients accepted by [`run_jitter_json`] and [`run_trials`].
pub const MAX_CLIENTS: u32 = 5_000;
/// Most trials accepted by [`run_jitter_json`].
pub const MAX_TRIALS: u32 = 100_000;

/// The five strategies of the experiment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JitterStrategy {
    /// Retry at once.
    None,
    /// Capped exponential, no jitter.
    Exponential,
    /// Full jitter.
    Full,
    /// Equal jitter.
    Equal,
    /// Decorrelated jitter.
    Decorrelated,
}

impl JitterStrategy {
    /// All five, in the order of the blog's figures.
    pub const ALL: [JitterStrategy; 5] = [
        JitterStrategy::None,
        JitterStrategy::Exponential,
        JitterStrategy::Full,
        JitterStrategy::Equal,
        JitterStrategy::Decorrelated,
    ];

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            JitterStrategy::None => "none",
            JitterStrategy::Exponential => "exponential",
            JitterStrategy::Full => "full",
            JitterStrategy::Equal => "equal",
            JitterStrategy::Decorrelated => "decorrelated",
        }
    }

    /// Parses a name; the error lists the allowed ones.
    pub fn parse(name: &str) -> Result<Self, String> {
        JitterStrategy::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| {
                format!(
                    "unknown strategy {name:?}; expected one of: none, exponential, full, equal, decorrelated"
                )
            })
    }

    /// The backoff with the experiment's base (5 ms) and cap (2 s).
    pub fn backoff(self) -> BackoffStrategy {
        let (base_ms, cap_ms) = (BASE_MS, CAP_MS);
        match self {
            JitterStrategy::None => BackoffStrategy::None,
            JitterStrategy::Exponential => BackoffStrategy::Exponential { base_ms, cap_ms },
            JitterStrategy::Full => BackoffStrategy::FullJitter { base_ms, cap_ms },
            JitterStrategy::Equal => BackoffStrategy::EqualJitter { base_ms, cap_ms },
            JitterStrategy::Decorrelated => BackoffStrategy::DecorrelatedJitter { base_ms, cap_ms },
        }
    }
}

impl fmt::Display for JitterStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One trial's result.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrialResult {
    /// Conditional writes that reached the server (successful or not).
    pub calls: u64,
    /// When the last client received its successful write reply, in milliseconds.
    pub completion_ms: f64,
}

/// Means and sample standard deviations over trials.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Mean calls per trial.
    pub calls_mean: f64,
    /// Sample standard deviation of the calls (0 for a single trial).
    pub calls_sd: f64,
    /// Mean completion time, in milliseconds.
    pub time_mean_ms: f64,
    /// Sample standard deviation of the completion time (0 for a single trial).
    pub time_sd_ms: f64,
}

/// Welford's running mean and variance.
#[derive(Clone, Copy, Debug, Default)]
struct Running {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Running {
    fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    fn sd(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            libm::sqrt(self.m2 / (self.n - 1) as f64)
        }
    }
}

/// Running summary of a cell's trials.
#[derive(Clone, Copy, Debug, Default)]
struct Accumulator {
    calls: Running,
    time: Running,
}

impl Accumulator {
    fn push(&mut self, r: TrialResult) {
        self.calls.push(r.calls as f64);
        self.time.push(r.completion_ms);
    }

    fn summary(&self) -> Summary {
        Summary {
            calls_mean: self.calls.mean,
            calls_sd: self.calls.sd(),
            time_mean_ms: self.time.mean,
            time_sd_ms: self.time.sd(),
        }
    }
}

/// SplitMix64's finaliser: a bijective scramble of 64 bits.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of trial number `trial` of a run seeded with `seed`.
fn trial_rng(seed: u64, trial: u32) -> SimRng {
    SimRng::new(seed ^ mix64((trial as u64).wrapping_add(0x9E37_79B9_7F4A_7C15)))
}

/// One one-way network delay: `|Normal(10 ms, 2 ms)|` (taking the absolute value is exact in
/// IEEE arithmetic, so std's `abs` is as portable as libm's `fabs`).
#[inline(always)]
fn net_delay(rng: &mut SimRng) -> f64 {
    (NET_MEAN_MS + NET_SD_MS * rng.standard_normal()).abs()
}

/// Two one-way delays in a row with no decision between them, in one draw: the sum of two
/// independent `Normal(10 ms, 2 ms)` is `Normal(20 ms, 2√2 ms)`. (Each delay's absolute value
/// differs from the delay itself only when a draw falls 5 standard deviations below its mean,
/// p ≈ 3·10⁻⁷; the sum's, 7 below, p ≈ 10⁻¹².)
#[inline(always)]
fn two_net_delays(rng: &mut SimRng) -> f64 {
    (2.0 * NET_MEAN_MS + NET_SD_MS * std::f64::consts::SQRT_2 * rng.standard_normal()).abs()
}

/// A pending conditional write: the arrival time as the bits of a non-negative f64 (which
/// order like the values) and the client.
#[derive(Clone, Copy, Debug, Default)]
struct WriteEvent {
    time: u64,
    client: u32,
}

/// A binary min-heap of pending conditional writes. Besides push and pop it offers the one
/// operation the model runs per call: replace the earliest event. Ties (vanishingly rare with
/// continuous delays) resolve by the heap's deterministic layout. Hand-written on a slice
/// because std's `BinaryHeap::peek_mut` measured markedly slower here at the size-optimised
/// `opt-level = "z"` of the release (and wasm) build.
#[derive(Default)]
struct EventHeap {
    items: Vec<WriteEvent>,
}

impl EventHeap {
    fn clear(&mut self) {
        self.items.clear();
    }

    /// The earliest event: (time, client).
    #[inline(always)]
    fn peek(&self) -> Option<(f64, u32)> {
        self.items
            .first()
            .map(|e| (f64::from_bits(e.time), e.client))
    }

    fn push(&mut self, time: f64, client: u32) {
        self.items.push(WriteEvent::default());
        let pos = self.items.len() - 1;
        sift_up(
            &mut self.items[..],
            pos,
            WriteEvent {
                time: time.to_bits(),
                client,
            },
        );
    }

    /// Removes the earliest event.
    fn pop(&mut self) {
        if let Some(last) = self.items.pop() {
            if !self.items.is_empty() {
                replace_top(&mut self.items[..], last);
            }
        }
    }

    /// Replaces the earliest event by `(time, client)` (the heap is not empty).
    #[inline(always)]
    fn replace_top(&mut self, time: f64, client: u32) {
        replace_top(
            &mut self.items[..],
            WriteEvent {
                time: time.to_bits(),
                client,
            },
        );
    }
}

#[inline(always)]
fn sift_up(items: &mut [WriteEvent], mut pos: usize, ev: WriteEvent) {
    while pos > 0 {
        let parent = (pos - 1) / 2;
        if ev.time >= items[parent].time {
            break;
        }
        items[pos] = items[parent];
        pos = parent;
    }
    items[pos] = ev;
}

/// Puts `ev` in place of the root and restores the heap, bottom-up (Floyd): the hole first
/// descends along the smaller children to a leaf, one comparison per level, and `ev` then climbs
/// back to its place. A rescheduled write is usually among the latest events, so it climbs little:
/// about half the comparisons of the textbook sift-down. The heap ends exactly as with the
/// textbook version (same children chosen, `ev` above children equal to it).
#[inline(always)]
fn replace_top(items: &mut [WriteEvent], ev: WriteEvent) {
    let n = items.len();
    let mut pos = 0;
    // both children exist
    while 2 * pos + 2 < n {
        let left = 2 * pos + 1;
        let child = left + usize::from(items[left + 1].time < items[left].time);
        items[pos] = items[child];
        pos = child;
    }
    // an only child
    if 2 * pos + 1 < n {
        items[pos] = items[2 * pos + 1];
        pos = 2 * pos + 1;
    }
    // climb while the parent is not earlier than `ev` (the textbook sift-down stops above
    // children equal to `ev`, so `ev` goes above them here too)
    while pos > 0 {
        let parent = (pos - 1) / 2;
        if items[parent].time < ev.time {
            break;
        }
        items[pos] = items[parent];
        pos = parent;
    }
    items[pos] = ev;
}

/// A client's state between its events.
#[derive(Clone, Copy, Debug, Default)]
struct Client {
    /// When its current read request reached the server.
    read_at: f64,
    /// Its previous sleep (decorrelated jitter's state; the base before the first retry).
    prev_sleep_ms: f64,
    /// Failed attempts so far.
    attempt: u32,
}

/// The strategies as constants, so that each gets its own copy of the trial loop with the backoff
/// formula inlined (`OccSim::run_with`).
const NONE: u8 = 0;
const EXPONENTIAL: u8 = 1;
const FULL: u8 = 2;
const EQUAL: u8 = 3;
const DECORRELATED: u8 = 4;

/// The simulator's reusable buffers (so a sweep allocates once).
struct OccSim {
    /// Each client's pending conditional write, earliest first.
    heap: EventHeap,
    /// Per client.
    clients: Vec<Client>,
}

impl OccSim {
    fn new() -> Self {
        OccSim {
            heap: EventHeap::default(),
            clients: Vec::new(),
        }
    }

    /// One trial. Each client has exactly one pending event, the arrival of its conditional
    /// write; the read it depends on is the time stored in `read_at`. The row's version at the
    /// write equals the one read iff no write succeeded after the read arrived, that is iff the
    /// last success is earlier than the read (events are processed in time order, so every
    /// success before the write has been seen).
    fn run(&mut self, clients: u32, strategy: JitterStrategy, rng: &mut SimRng) -> TrialResult {
        match strategy {
            JitterStrategy::None => self.run_with::<NONE>(clients, rng),
            JitterStrategy::Exponential => self.run_with::<EXPONENTIAL>(clients, rng),
            JitterStrategy::Full => self.run_with::<FULL>(clients, rng),
            JitterStrategy::Equal => self.run_with::<EQUAL>(clients, rng),
            JitterStrategy::Decorrelated => self.run_with::<DECORRELATED>(clients, rng),
        }
    }

    /// [`Self::run`] for strategy `S`. The sleep is exactly `Backoff::next_delay_ms` of
    /// `JitterStrategy::backoff()` (the same formulas from `backoff`, the same one uniform draw
    /// for the jittered strategies and none for the others), without its per-call dispatch.
    fn run_with<const S: u8>(&mut self, clients: u32, rng: &mut SimRng) -> TrialResult {
        let n = clients as usize;
        self.heap.clear();
        self.clients.clear();
        self.clients.resize(
            n,
            Client {
                prev_sleep_ms: BASE_MS,
                ..Client::default()
            },
        );
        for (client, state) in self.clients.iter_mut().enumerate() {
            // Read request, then read reply and conditional write.
            let read = net_delay(rng);
            state.read_at = read;
            let write = read + two_net_delays(rng);
            self.heap.push(write, client as u32);
        }
        let mut last_success = f64::NEG_INFINITY;
        let mut calls: u64 = 0;
        let mut completion: f64 = 0.0;
        while let Some((t, client)) = self.heap.peek() {
            let state = &mut self.clients[client as usize];
            calls += 1;
            if state.read_at > last_success {
                // The version is still the one read: the write succeeds; the reply travels back.
                last_success = t;
                let reply = t + net_delay(rng);
                if reply > completion {
                    completion = reply;
                }
                self.heap.pop();
            } else {
                // Failure reply, backoff sleep, next read request, its reply, the next write.
                state.attempt += 1;
                let attempt = state.attempt;
                let sleep = match S {
                    NONE => 0.0,
                    EXPONENTIAL => capped_exponential_ms(BASE_MS, CAP_MS, attempt),
                    FULL => full_jitter_ms(BASE_MS, CAP_MS, attempt, rng.uniform()),
                    EQUAL => equal_jitter_ms(BASE_MS, CAP_MS, attempt, rng.uniform()),
                    _ => {
                        let u = rng.uniform();
                        let sleep = decorrelated_jitter_ms(BASE_MS, CAP_MS, state.prev_sleep_ms, u);
                        state.prev_sleep_ms = sleep;
                        sleep
                    }
                };
                // the failure reply and the next read request, then its reply and the write
                let read = t + sleep + two_net_delays(rng);
                state.read_at = read;
                let write = read + two_net_delays(rng);
                self.heap.replace_top(write, client);
            }
        }
        TrialResult {
            calls,
            completion_ms: completion,
        }
    }
}

/// One trial with `clients` clients (0 gives an empty trial) under `strategy`, seeded by `seed`.
pub fn run_trial(clients: u32, strategy: JitterStrategy, seed: u64) -> TrialResult {
    OccSim::new().run(clients, strategy, &mut SimRng::new(seed))
}

/// `trials` trials (trial `i` seeded from `seed` and `i`), summarised.
pub fn run_trials(clients: u32, strategy: JitterStrategy, trials: u32, seed: u64) -> Summary {
    let mut sim = OccSim::new();
    let mut acc = Accumulator::default();
    for i in 0..trials {
        acc.push(sim.run(clients, strategy, &mut trial_rng(seed, i)));
    }
    acc.summary()
}

/// One cell of a [`JitterSweep`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepCell {
    /// Number of clients.
    pub clients: u32,
    /// Backoff strategy.
    pub strategy: JitterStrategy,
    /// Trials run so far for this cell.
    pub trials_done: u32,
    /// Their summary.
    pub summary: Summary,
}

/// The whole experiment (every client count × every strategy × `trials` trials), run a few
/// trials at a time so a page can spread it over animation frames. Cell `(clients, strategy)`
/// ends with exactly the numbers of `run_trials(clients, strategy, trials, seed)`.
pub struct JitterSweep {
    clients: Vec<u32>,
    strategies: Vec<JitterStrategy>,
    trials: u32,
    seed: u64,
    /// Next cell (clients-major), next trial within it.
    cell: usize,
    trial: u32,
    acc: Vec<Accumulator>,
    sim: OccSim,
}

impl JitterSweep {
    /// A sweep over these client counts (each clamped to `1..=MAX_CLIENTS`) and strategies.
    pub fn new(clients: Vec<u32>, strategies: Vec<JitterStrategy>, trials: u32, seed: u64) -> Self {
        let clients: Vec<u32> = clients
            .into_iter()
            .map(|c| c.clamp(1, MAX_CLIENTS))
            .collect();
        let cells = clients.len() * strategies.len();
        JitterSweep {
            clients,
            strategies,
            trials,
            seed,
            cell: 0,
            trial: 0,
            acc: vec![Accumulator::default(); cells],
            sim: OccSim::new(),
        }
    }

    /// Brooker's figure: 10, 20 … 190 clients, all five strategies, 100 trials each.
    pub fn brooker(seed: u64) -> Self {
        JitterSweep::new(
            (1..=19).map(|k| k * 10).collect(),
            JitterStrategy::ALL.to_vec(),
            100,
            seed,
        )
    }

    fn cells(&self) -> usize {
        self.acc.len()
    }

    /// Whether every trial has run.
    pub fn is_done(&self) -> bool {
        self.trials == 0 || self.cell >= self.cells()
    }

    /// `(trials run, trials in all)`.
    pub fn progress(&self) -> (u64, u64) {
        let total = self.cells() as u64 * self.trials as u64;
        let done = if self.is_done() {
            total
        } else {
            self.cell as u64 * self.trials as u64 + self.trial as u64
        };
        (done, total)
    }

    /// Runs up to `budget_trials` more trials; returns whether the sweep is complete.
    pub fn step(&mut self, budget_trials: usize) -> bool {
        for _ in 0..budget_trials {
            if self.is_done() {
                break;
            }
            let n_strategies = self.strategies.len();
            let clients = self.clients[self.cell / n_strategies];
            let strategy = self.strategies[self.cell % n_strategies];
            let r = self
                .sim
                .run(clients, strategy, &mut trial_rng(self.seed, self.trial));
            self.acc[self.cell].push(r);
            self.trial += 1;
            if self.trial >= self.trials {
                self.trial = 0;
                self.cell += 1;
            }
        }
        self.is_done()
    }

    /// The cells with at least one trial run, clients-major in the order given.
    pub fn results(&self) -> Vec<SweepCell> {
        let n_strategies = self.strategies.len().max(1);
        self.acc
            .iter()
            .enumerate()
            .filter(|(_, a)| a.calls.n > 0)
            .map(|(i, a)| SweepCell {
                clients: self.clients[i / n_strategies],
                strategy: self.strategies[i % n_strategies],
                trials_done: a.calls.n as u32,
                summary: a.summary(),
            })
            .collect()
    }
}

/// The JSON printed by `faultline-cli jitter`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JitterReport {
    /// Number of clients.
    pub clients: u32,
    /// Strategy name.
    pub strategy: JitterStrategy,
    /// Number of trials.
    pub trials: u32,
    /// Seed of the run.
    pub seed: u64,
    /// Mean calls per trial.
    pub calls_mean: f64,
    /// Sample standard deviation of the calls.
    pub calls_sd: f64,
    /// Mean completion time, in milliseconds.
    pub time_mean_ms: f64,
    /// Sample standard deviation of the completion time, in milliseconds.
    pub time_sd_ms: f64,
}

/// Runs the experiment for one cell and returns one JSON object (`clients`, `strategy`,
/// `trials`, `seed`, `calls_mean`, `calls_sd`, `time_mean_ms`, `time_sd_ms`). Errors name the
/// problem: an unknown strategy (listing the allowed ones), or clients / trials out of range.
pub fn run_jitter_json(
    clients: u32,
    strategy: &str,
    trials: u32,
    seed: u64,
) -> Result<String, String> {
    let strategy = JitterStrategy::parse(strategy)?;
    if clients == 0 || clients > MAX_CLIENTS {
        return Err(format!(
            "--clients must be in 1..={MAX_CLIENTS}, got {clients}"
        ));
    }
    if trials == 0 || trials > MAX_TRIALS {
        return Err(format!(
            "--trials must be in 1..={MAX_TRIALS}, got {trials}"
        ));
    }
    let s = run_trials(clients, strategy, trials, seed);
    let report = JitterReport {
        clients,
        strategy,
        trials,
        seed,
        calls_mean: s.calls_mean,
        calls_sd: s.calls_sd,
        time_mean_ms: s.time_mean_ms,
        time_sd_ms: s.time_sd_ms,
    };
    serde_json::to_string(&report).map_err(|e| e.to_string())
}

/// Parses `--clients N --strategy S --trials T --seed S` (each optional: 100 clients, `full`,
/// 100 trials, seed 1) and runs [`run_jitter_json`]. Unknown flags and bad numbers are errors.
pub fn jitter_cli(args: &[String]) -> Result<String, String> {
    let mut clients: u32 = 100;
    let mut strategy = String::from("full");
    let mut trials: u32 = 100;
    let mut seed: u64 = 1;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .map(String::as_str)
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--clients" => clients = parse_num(flag, value()?)?,
            "--strategy" => strategy = value()?.to_string(),
            "--trials" => trials = parse_num(flag, value()?)?,
            "--seed" => seed = parse_num(flag, value()?)?,
            other => {
                return Err(format!(
                    "unknown argument {other:?}; usage: jitter [--clients N] [--strategy none|exponential|full|equal|decorrelated] [--trials T] [--seed S]"
                ))
            }
        }
    }
    run_jitter_json(clients, &strategy, trials, seed)
}

fn parse_num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag} expects a non-negative integer, got {v:?}"))
}
