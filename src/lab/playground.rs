//! The breaker playground: one Resilience4j circuit breaker that the learner drives by hand —
//! a successful call, a failed one, a slow one, or time passing — to watch each rule act.
//!
//! Plain logic over [`Resilience4jBreaker`]; the page draws [`Playground::view`]. The cells are
//! the outcomes the breaker's current window holds: Resilience4j starts a fresh window on every
//! state change, and HALF_OPEN judges its permitted calls in a window of that size.

use crate::sim::patterns::circuit_breaker::{
    Outcome, Resilience4jBreaker, Resilience4jConfig, SlidingWindowType, State,
};
use std::collections::VecDeque;

/// What the learner does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A call that succeeds quickly.
    Success,
    /// A call that fails.
    Failure,
    /// A call that succeeds, but slower than the slow-call threshold.
    Slow,
    /// Time passes (milliseconds).
    Advance(u64),
    /// Start over with a fresh breaker.
    Reset,
}

/// One recorded call in the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Succeeded in time.
    Success,
    /// Failed (fast).
    Failure,
    /// Succeeded, slowly.
    Slow,
}

/// What the page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    /// Current state.
    pub state: State,
    /// The breaker's clock, ms.
    pub now_ms: u64,
    /// Failure rate in percent, −1 below the minimum number of calls.
    pub failure_rate: f32,
    /// Slow-call rate in percent, −1 below the minimum.
    pub slow_call_rate: f32,
    /// The failure-rate threshold, percent.
    pub failure_threshold: f32,
    /// The slow-call-rate threshold, percent.
    pub slow_threshold: f32,
    /// Calls the window holds at most (the permitted calls in HALF_OPEN).
    pub window_size: u32,
    /// Calls needed before the rates count.
    pub minimum_calls: u32,
    /// The window's recorded calls, oldest first.
    pub cells: Vec<Cell>,
    /// In OPEN: milliseconds until a call is let through to probe.
    pub open_for_ms: Option<u64>,
    /// Calls refused so far in this state.
    pub not_permitted: u64,
}

/// The breaker, its clock, its window as cells, and a log of what happened.
#[derive(Clone, Debug)]
pub struct Playground {
    config: Resilience4jConfig,
    breaker: Resilience4jBreaker,
    now_ms: u64,
    cells: VecDeque<Cell>,
    state: State,
    log: VecDeque<String>,
}

/// Lines of log kept.
const LOG_LINES: usize = 12;

impl Playground {
    /// Small numbers, so each rule shows within a few clicks: a count-based window of 10 calls,
    /// rates counted from 5 calls, trip at 50 % failures or 50 % slow calls (slow: over 2 s),
    /// 10 s open, 3 trial calls in HALF_OPEN.
    pub fn default_config() -> Resilience4jConfig {
        Resilience4jConfig {
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 50.0,
            slow_call_duration_threshold_ms: 2_000,
            permitted_number_of_calls_in_half_open_state: 3,
            sliding_window_type: SlidingWindowType::CountBased,
            sliding_window_size: 10,
            minimum_number_of_calls: 5,
            wait_duration_in_open_state_ms: Some(10_000),
            ..Resilience4jConfig::default()
        }
    }

    /// A fresh CLOSED breaker with `config` at time 0.
    pub fn new(config: Resilience4jConfig) -> Result<Playground, String> {
        let breaker = Resilience4jBreaker::new(config.clone()).map_err(|e| e.to_string())?;
        Ok(Playground {
            config,
            breaker,
            now_ms: 0,
            cells: VecDeque::new(),
            state: State::Closed,
            log: VecDeque::new(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &Resilience4jConfig {
        &self.config
    }

    /// Applies one action and returns the line it adds to the log.
    pub fn act(&mut self, action: Action) -> String {
        let line = match action {
            Action::Reset => {
                if let Ok(p) = Playground::new(self.config.clone()) {
                    *self = p;
                }
                "Reset: a fresh CLOSED breaker at 0 s.".to_string()
            }
            Action::Advance(ms) => {
                self.now_ms = self.now_ms.saturating_add(ms);
                self.breaker.advance_to(self.now_ms);
                format!("{} s pass.", fmt_secs(ms))
            }
            Action::Success | Action::Failure | Action::Slow => {
                let (outcome, duration, cell, what) = match action {
                    Action::Success => (Outcome::Success, 50, Cell::Success, "a quick success"),
                    Action::Failure => (Outcome::Failure, 50, Cell::Failure, "a failure"),
                    _ => (
                        Outcome::Success,
                        self.config.slow_call_duration_threshold_ms + 500,
                        Cell::Slow,
                        "a slow success",
                    ),
                };
                if self.breaker.try_acquire(self.now_ms) {
                    self.sync_state();
                    self.breaker.on_result(self.now_ms, outcome, duration);
                    self.cells.push_back(cell);
                    let size = self.window_size() as usize;
                    while self.cells.len() > size {
                        self.cells.pop_front();
                    }
                    format!("Call permitted: {what}.")
                } else {
                    format!(
                        "Call refused at once: the breaker is {}.",
                        self.breaker.state()
                    )
                }
            }
        };
        let before = self.state;
        self.sync_state();
        let line = if self.state != before {
            format!("{line} {before} → {}.", self.state)
        } else {
            line
        };
        self.log
            .push_back(format!("{} s — {line}", fmt_secs(self.now_ms)));
        while self.log.len() > LOG_LINES {
            self.log.pop_front();
        }
        line
    }

    /// Starts a fresh window (as Resilience4j does) when the state changed.
    fn sync_state(&mut self) {
        let s = self.breaker.state();
        if s != self.state {
            self.state = s;
            self.cells.clear();
        }
    }

    fn window_size(&self) -> u32 {
        match self.breaker.state() {
            State::HalfOpen => self.config.permitted_number_of_calls_in_half_open_state,
            _ => self.config.sliding_window_size,
        }
    }

    /// The log, oldest first.
    pub fn log(&self) -> impl Iterator<Item = &str> {
        self.log.iter().map(String::as_str)
    }

    /// What the page shows.
    pub fn view(&self) -> View {
        let m = self.breaker.metrics();
        let state = self.breaker.state();
        View {
            state,
            now_ms: self.now_ms,
            failure_rate: m.failure_rate,
            slow_call_rate: m.slow_call_rate,
            failure_threshold: self.config.failure_rate_threshold,
            slow_threshold: self.config.slow_call_rate_threshold,
            window_size: self.window_size(),
            minimum_calls: match state {
                State::HalfOpen => self.config.permitted_number_of_calls_in_half_open_state,
                _ => self.config.effective_minimum_number_of_calls(),
            },
            cells: self.cells.iter().copied().collect(),
            open_for_ms: self
                .breaker
                .retry_after_ms()
                .map(|t| t.saturating_sub(self.now_ms)),
            not_permitted: m.not_permitted,
        }
    }
}

/// Milliseconds as seconds with at most one decimal ("10", "2.5").
pub fn fmt_secs(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        (ms / 1000).to_string()
    } else {
        format!("{}.{}", ms / 1000, (ms % 1000) / 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg() -> Playground {
        Playground::new(Playground::default_config()).unwrap()
    }

    #[test]
    fn five_failures_open_it_four_do_not() {
        let mut p = pg();
        for _ in 0..4 {
            p.act(Action::Failure);
        }
        assert_eq!(p.view().state, State::Closed);
        assert_eq!(
            p.view().failure_rate,
            -1.0,
            "below the minimum of 5 the rate reads -1"
        );
        let line = p.act(Action::Failure);
        assert_eq!(p.view().state, State::Open, "{line}");
        assert!(line.contains("CLOSED → OPEN"), "{line}");
        assert!(p.view().cells.is_empty(), "a fresh window in the new state");
    }

    #[test]
    fn the_threshold_trips_at_equal_rate() {
        let mut p = pg();
        for a in [
            Action::Success,
            Action::Success,
            Action::Success,
            Action::Failure,
        ] {
            p.act(a);
        }
        assert_eq!(p.view().state, State::Closed);
        p.act(Action::Failure); // 2 of 5 = 40 %
        assert_eq!(p.view().state, State::Closed);
        assert_eq!(p.view().failure_rate, 40.0);
        p.act(Action::Failure); // 3 of 6 = 50 % ≥ 50 %
        assert_eq!(p.view().state, State::Open);
    }

    #[test]
    fn slow_calls_trip_the_slow_rate() {
        let mut p = pg();
        for _ in 0..5 {
            p.act(Action::Slow);
        }
        assert_eq!(p.view().state, State::Open);
    }

    #[test]
    fn open_refuses_then_half_open_after_the_wait_then_closes_on_good_trials() {
        let mut p = pg();
        for _ in 0..5 {
            p.act(Action::Failure);
        }
        let line = p.act(Action::Success);
        assert!(line.contains("refused"), "{line}");
        assert_eq!(p.view().open_for_ms, Some(10_000));
        p.act(Action::Advance(10_000));
        // lazily: still OPEN until a call asks strictly after the wait
        p.act(Action::Advance(1));
        p.act(Action::Success);
        assert_eq!(p.view().state, State::HalfOpen);
        assert_eq!(p.view().window_size, 3);
        p.act(Action::Success);
        p.act(Action::Success);
        assert_eq!(p.view().state, State::Closed);
        assert_eq!(p.log().count(), 11);
    }

    #[test]
    fn window_cells_are_bounded_by_the_window() {
        let mut p = pg();
        for _ in 0..25 {
            p.act(Action::Success);
        }
        assert_eq!(p.view().cells.len(), 10);
        assert!(p.log().count() <= LOG_LINES);
        p.act(Action::Reset);
        assert_eq!(p.view().now_ms, 0);
        assert!(p.view().cells.is_empty());
    }
}
