//! Idempotency: what happens when the same operation reaches a service twice.
//!
//! A retry after a timeout cannot know whether the first attempt ran: the request may have been
//! lost, or only its reply. For an idempotent operation (a read, "set x to 5") running it twice
//! is harmless. For a non-idempotent one ("charge 40 €") it is a duplicate side effect — a
//! double charge. The fix is an **idempotency key** sent with every attempt of one operation
//! (Stripe's `Idempotency-Key` header): the callee remembers the keys it has executed and answers
//! a repeat from its record instead of executing again.
//!
//! The engine names an operation by its correlation id and the edge it travels on, so every
//! attempt — retries at any layer above included — carries the same key. [`DedupTable`] is the
//! callee's memory of executed keys, kept for a limited time (bounded memory).

use std::collections::{HashSet, VecDeque};

/// Keys executed by one callee, remembered for `ttl` (in the engine's time unit).
#[derive(Clone, Debug, Default)]
pub struct DedupTable {
    ttl: u64,
    seen: HashSet<u64>,
    order: VecDeque<(u64, u64)>,
}

impl DedupTable {
    /// An empty table that forgets keys `ttl` after they were recorded.
    pub fn new(ttl: u64) -> Self {
        DedupTable {
            ttl,
            seen: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// Whether `key` was executed (and not yet forgotten).
    pub fn contains(&self, key: u64) -> bool {
        self.seen.contains(&key)
    }

    /// Records that `key` executed at `now`; false if it already had.
    pub fn record(&mut self, key: u64, now: u64) -> bool {
        self.expire(now);
        if self.seen.insert(key) {
            self.order.push_back((now, key));
            true
        } else {
            false
        }
    }

    /// Forgets keys older than the time to live.
    pub fn expire(&mut self, now: u64) {
        while let Some(&(t, k)) = self.order.front() {
            if now.saturating_sub(t) < self.ttl {
                break;
            }
            self.order.pop_front();
            self.seen.remove(&k);
        }
    }

    /// Keys remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether none is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_once_and_forgets_after_the_ttl() {
        let mut t = DedupTable::new(100);
        assert!(t.record(7, 0));
        assert!(!t.record(7, 50));
        assert!(t.contains(7));
        assert!(t.record(8, 99));
        t.expire(100);
        assert!(!t.contains(7));
        assert!(t.contains(8));
        assert_eq!(t.len(), 1);
    }
}
