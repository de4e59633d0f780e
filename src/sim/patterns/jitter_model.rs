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
//! the last successful write. So each attempt is one event, which is what makes the full
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
/// Most clients accepted by [`run_jitter_json`]; [`run_trial`], [`run_trials`] and
/// [`JitterSweep`] clamp larger counts to it.
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
/// order like the values; `+∞` marks a client with nothing pending) and the client.
#[derive(Clone, Copy, Debug)]
struct WriteEvent {
    time: u64,
    client: u32,
}

/// The bits of `+∞`: later than every pending write.
const NEVER: u64 = 0x7FF0_0000_0000_0000;

/// The pending conditional writes, one slot per client, as a tournament (winner) tree: leaf
/// `leaves + c` holds client `c`'s write and every inner node the earlier of its two children,
/// so the root is the earliest write. The model's one operation per call — replace the earliest
/// client's write by its next one, or clear it — rewrites the path from that client's leaf to the
/// root. Unlike a binary heap's sift-down, whose every step loads the child chosen by the step
/// before, the path here is known in advance (each sibling's address is fixed), so the loads run
/// ahead and only a compare-and-select per level is left in sequence (the sweep takes ~25–30 %
/// less time than with the heap, natively and in V8). Ties (vanishingly rare with continuous
/// delays) resolve deterministically by the order of updates: the write being placed wins each
/// tie on its way up, which is one comparison cheaper than a fixed order by client.
#[derive(Default)]
struct EventTree {
    /// `2 * leaves` entries; index 0 unused, 1 is the root.
    nodes: Vec<WriteEvent>,
    /// A power of two, at least the number of clients.
    leaves: usize,
}

impl EventTree {
    /// Every client's slot empty, for `clients` clients.
    fn reset(&mut self, clients: usize) {
        self.leaves = clients.max(1).next_power_of_two();
        self.nodes.clear();
        self.nodes.resize(
            2 * self.leaves,
            WriteEvent {
                time: NEVER,
                client: 0,
            },
        );
    }

    /// Puts client `client`'s write at `time` in its leaf without updating the inner nodes
    /// (call [`Self::build`] once every leaf is set).
    fn set_leaf(&mut self, client: u32, time: f64) {
        self.nodes[self.leaves + client as usize] = WriteEvent {
            time: time.to_bits(),
            client,
        };
    }

    /// Computes every inner node from its children.
    fn build(&mut self) {
        for k in (1..self.leaves).rev() {
            self.nodes[k] = earlier(self.nodes[2 * k], self.nodes[2 * k + 1]);
        }
    }

    /// The earliest pending write, `(time, client)`, if any.
    #[inline(always)]
    fn peek(&self) -> Option<(f64, u32)> {
        let root = self.nodes[1];
        (root.time != NEVER).then(|| (f64::from_bits(root.time), root.client))
    }

    /// Sets client `client`'s next write to `time` and updates the path to the root.
    #[inline(always)]
    fn update(&mut self, client: u32, time: f64) {
        self.place(client, time.to_bits());
    }

    /// Marks client `client` as done (nothing pending) and updates the path to the root.
    #[inline(always)]
    fn clear(&mut self, client: u32) {
        self.place(client, NEVER);
    }

    /// Puts `(time bits, client)` in the client's leaf and recomputes the path to the root.
    #[inline(always)]
    fn place(&mut self, client: u32, time: u64) {
        let nodes = &mut self.nodes[..];
        let mut pos = self.leaves + client as usize;
        let mut cur = WriteEvent { time, client };
        nodes[pos] = cur;
        while pos > 1 {
            cur = earlier(cur, nodes[pos ^ 1]);
            pos >>= 1;
            nodes[pos] = cur;
        }
    }
}

/// The earlier of two writes, `a` on a tie. Which one wins is a coin toss for the branch
/// predictor, so it is told so: the choice compiles to conditional moves even in the
/// size-optimised release build (with a branch there, the native sweep took 60 % longer).
#[inline(always)]
fn earlier(a: WriteEvent, b: WriteEvent) -> WriteEvent {
    std::hint::select_unpredictable(b.time < a.time, b, a)
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
    /// Each client's pending conditional write.
    events: EventTree,
    /// Per client.
    clients: Vec<Client>,
}

impl OccSim {
    fn new() -> Self {
        OccSim {
            events: EventTree::default(),
            clients: Vec::new(),
        }
    }

    /// One trial. Each client has exactly one pending event, the arrival of its conditional
    /// write; the read it depends on is the time stored in `read_at`. The row's version at the
    /// write equals the one read iff no write succeeded after the read arrived, that is iff the
    /// last success is earlier than the read (events are processed in time order, so every
    /// success before the write has been seen).
    fn run(&mut self, clients: u32, strategy: JitterStrategy, rng: &mut SimRng) -> TrialResult {
        let clients = clients.min(MAX_CLIENTS);
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
    /// Not inlined: the browser's optimising compiler then takes five functions of moderate size,
    /// each as soon as it is hot, rather than one large one (a few per cent faster in V8).
    #[inline(never)]
    fn run_with<const S: u8>(&mut self, clients: u32, rng: &mut SimRng) -> TrialResult {
        let n = clients as usize;
        self.events.reset(n);
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
            self.events.set_leaf(client as u32, write);
        }
        self.events.build();
        let mut last_success = f64::NEG_INFINITY;
        let mut calls: u64 = 0;
        let mut completion: f64 = 0.0;
        while let Some((t, client)) = self.events.peek() {
            let state = &mut self.clients[client as usize];
            calls += 1;
            if state.read_at > last_success {
                // The version is still the one read: the write succeeds; the reply travels back.
                last_success = t;
                let reply = t + net_delay(rng);
                if reply > completion {
                    completion = reply;
                }
                self.events.clear(client);
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
                self.events.update(client, write);
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

// proptest is a native dev-dependency
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The earliest pending time by a plain scan.
    fn scan(times: &[u64]) -> Option<f64> {
        let time = *times.iter().min()?;
        (time != NEVER).then(|| f64::from_bits(time))
    }

    /// The root names a client whose pending write is the earliest (any of them on a tie).
    fn check(tree: &EventTree, times: &[u64]) -> Result<(), TestCaseError> {
        let root = tree.peek();
        prop_assert_eq!(root.map(|(t, _)| t), scan(times));
        if let Some((t, c)) = root {
            prop_assert_eq!(times[c as usize], t.to_bits());
        }
        Ok(())
    }

    proptest! {
        /// After any sequence of updates, the root is an earliest write, as a scan of every
        /// client finds it.
        #[test]
        fn tree_root_is_the_earliest_write(
            clients in 1usize..70,
            start in proptest::collection::vec(0u32..50, 70),
            updates in proptest::collection::vec((0usize..70, proptest::option::of(0u32..50)), 0..300),
        ) {
            let mut tree = EventTree::default();
            tree.reset(clients);
            let mut times = vec![NEVER; clients];
            for c in 0..clients {
                // small integers: ties are frequent
                let t = f64::from(start[c]);
                tree.set_leaf(c as u32, t);
                times[c] = t.to_bits();
            }
            tree.build();
            check(&tree, &times)?;
            for (c, t) in updates {
                let c = c % clients;
                let bits = t.map_or(NEVER, |t| f64::from(t).to_bits());
                match t {
                    Some(t) => tree.update(c as u32, f64::from(t)),
                    None => tree.clear(c as u32),
                }
                times[c] = bits;
                check(&tree, &times)?;
            }
        }
    }

    #[test]
    fn an_empty_tree_has_nothing_pending() {
        let mut tree = EventTree::default();
        tree.reset(0);
        assert_eq!(tree.peek(), None);
        tree.reset(5);
        tree.build();
        assert_eq!(tree.peek(), None);
        tree.update(4, 2.5);
        assert_eq!(tree.peek(), Some((2.5, 4)));
        tree.clear(4);
        assert_eq!(tree.peek(), None);
    }

    /// The tie rule, pinned (the sweep's numbers depend on it only through exact ties): the write
    /// being placed wins every tie on its path, so among equal times the one placed last wins,
    /// whichever client it is.
    #[test]
    fn a_tie_goes_to_the_write_being_placed() {
        let mut tree = EventTree::default();
        tree.reset(4);
        for c in 0..4 {
            tree.set_leaf(c, 10.0);
        }
        tree.build();
        // building compares existing leaves: the left one wins
        assert_eq!(tree.peek(), Some((10.0, 0)));
        tree.update(3, 5.0);
        tree.update(1, 5.0);
        assert_eq!(tree.peek(), Some((5.0, 1)));
        tree.update(3, 5.0);
        assert_eq!(tree.peek(), Some((5.0, 3)));
    }

    /// Counts above `MAX_CLIENTS` are clamped, not allocated.
    #[test]
    fn clients_are_clamped_to_the_maximum() {
        let r = run_trial(MAX_CLIENTS + 1, JitterStrategy::Full, 7);
        let s = run_trial(MAX_CLIENTS, JitterStrategy::Full, 7);
        assert_eq!(r, s);
    }
}
