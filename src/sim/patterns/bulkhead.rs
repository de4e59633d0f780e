//! Bulkheads: a caller-side limit on concurrent calls to one dependency, so that a slow
//! dependency can take at most its share of the caller's workers instead of all of them.
//!
//! Two flavours, as in Resilience4j:
//! * **semaphore** (`SemaphoreBulkhead`): at most `max_concurrent_calls` calls in flight; a call
//!   that finds no permit waits up to `max_wait_ms` for one (Resilience4j's `maxWaitDuration`,
//!   default 0: fail at once with `BulkheadFullException`);
//! * **thread pool** (`FixedThreadPoolBulkhead`): `max_concurrent_calls` threads with a bounded
//!   queue of `queue_capacity` waiting calls; a call finding the queue full is rejected.
//!
//! Without a bulkhead every dependency shares the caller's one worker pool — the anti-pattern the
//! flash-sale scenario shows.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// `"bulkhead"` on a call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkheadSpec {
    /// Calls allowed in flight at once on this edge (per caller service).
    pub max_concurrent_calls: u32,
    /// Semaphore: how long a call may wait for a permit, ms (0: reject at once).
    #[serde(default)]
    pub max_wait_ms: f64,
    /// Thread pool: waiting calls allowed (absent: a semaphore, bounded by `max_wait_ms` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_capacity: Option<u32>,
}

impl BulkheadSpec {
    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_concurrent_calls == 0 || self.max_concurrent_calls > 100_000 {
            return Err(format!(
                "max_concurrent_calls: must be between 1 and 100000, got {}",
                self.max_concurrent_calls
            ));
        }
        if !(self.max_wait_ms.is_finite() && (0.0..=3_600_000.0).contains(&self.max_wait_ms)) {
            return Err(format!(
                "max_wait_ms: must be between 0 and 3600000, got {}",
                self.max_wait_ms
            ));
        }
        if let Some(q) = self.queue_capacity {
            if q > 1_000_000 {
                return Err(format!("queue_capacity: must be at most 1000000, got {q}"));
            }
        }
        Ok(())
    }
}

/// What a bulkhead says to a call asking for a permit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admit {
    /// Go ahead (the permit is taken).
    Now,
    /// Wait in line (the caller should arm its wait timer, if the bulkhead has one).
    Wait,
    /// Full: rejected at once.
    Reject,
}

/// The runtime state of one bulkhead: permits in use and the line of waiting calls (`T` is the
/// engine's call handle).
#[derive(Clone, Debug)]
pub struct Bulkhead<T> {
    spec: BulkheadSpec,
    in_use: u32,
    waiting: VecDeque<T>,
}

impl<T: Copy + PartialEq> Bulkhead<T> {
    /// An empty bulkhead.
    pub fn new(spec: BulkheadSpec) -> Self {
        Bulkhead {
            spec,
            in_use: 0,
            waiting: VecDeque::new(),
        }
    }

    /// The settings.
    pub fn spec(&self) -> &BulkheadSpec {
        &self.spec
    }

    /// Permits in use.
    pub fn in_use(&self) -> u32 {
        self.in_use
    }

    /// Calls waiting for a permit.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// `call` asks for a permit.
    pub fn acquire(&mut self, call: T) -> Admit {
        if self.in_use < self.spec.max_concurrent_calls && self.waiting.is_empty() {
            self.in_use += 1;
            return Admit::Now;
        }
        let may_wait = match self.spec.queue_capacity {
            Some(cap) => (self.waiting.len() as u64) < cap as u64,
            None => self.spec.max_wait_ms > 0.0,
        };
        if may_wait {
            self.waiting.push_back(call);
            Admit::Wait
        } else {
            Admit::Reject
        }
    }

    /// A call holding a permit is done. Returns the waiting call that now gets the permit (it is
    /// taken on its behalf), if any.
    pub fn release(&mut self) -> Option<T> {
        self.in_use = self.in_use.saturating_sub(1);
        if self.in_use < self.spec.max_concurrent_calls {
            if let Some(next) = self.waiting.pop_front() {
                self.in_use += 1;
                return Some(next);
            }
        }
        None
    }

    /// A waiting call gives up (its wait ran out, or its caller left). True if it was waiting.
    pub fn abandon(&mut self, call: T) -> bool {
        if let Some(i) = self.waiting.iter().position(|c| *c == call) {
            self.waiting.remove(i);
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(max: u32, wait: f64, queue: Option<u32>) -> BulkheadSpec {
        BulkheadSpec {
            max_concurrent_calls: max,
            max_wait_ms: wait,
            queue_capacity: queue,
        }
    }

    #[test]
    fn semaphore_without_wait_rejects_when_full() {
        let mut b = Bulkhead::new(spec(2, 0.0, None));
        assert_eq!(b.acquire(1), Admit::Now);
        assert_eq!(b.acquire(2), Admit::Now);
        assert_eq!(b.acquire(3), Admit::Reject);
        assert_eq!(b.release(), None);
        assert_eq!(b.acquire(4), Admit::Now);
        assert_eq!(b.in_use(), 2);
    }

    #[test]
    fn semaphore_with_wait_hands_the_permit_over_in_order() {
        let mut b = Bulkhead::new(spec(1, 50.0, None));
        assert_eq!(b.acquire(1), Admit::Now);
        assert_eq!(b.acquire(2), Admit::Wait);
        assert_eq!(b.acquire(3), Admit::Wait);
        assert!(b.abandon(2));
        assert!(!b.abandon(2));
        assert_eq!(b.release(), Some(3));
        assert_eq!(b.in_use(), 1);
        assert_eq!(b.release(), None);
        assert_eq!(b.in_use(), 0);
    }

    #[test]
    fn thread_pool_queue_is_bounded() {
        let mut b = Bulkhead::new(spec(1, 0.0, Some(1)));
        assert_eq!(b.acquire(1), Admit::Now);
        assert_eq!(b.acquire(2), Admit::Wait);
        assert_eq!(b.acquire(3), Admit::Reject);
        assert_eq!(b.waiting(), 1);
    }

    #[test]
    fn validation_names_the_field() {
        assert!(spec(0, 0.0, None)
            .validate()
            .unwrap_err()
            .contains("max_concurrent_calls"));
        assert!(spec(1, -1.0, None)
            .validate()
            .unwrap_err()
            .contains("max_wait_ms"));
        spec(10, 100.0, Some(5)).validate().unwrap();
    }
}
