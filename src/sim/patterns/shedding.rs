//! Load shedding: refuse work early and cheaply instead of accepting it and failing late.
//!
//! * **Server side** (`"shed"` on a service): admission by queue length (refuse when this many
//!   requests already wait) and by queueing delay (a worker that picks a request which has waited
//!   longer than `max_queue_wait_ms` refuses it instead of serving an answer nobody waits for —
//!   the idea behind CoDel-style and LIFO-under-load admission).
//! * **Client side** (`"throttle"` on a call): adaptive throttling from the Google SRE book,
//!   chapter "Handling Overload". Over a sliding window the client counts `requests` (attempts
//!   it made) and `accepts` (those the backend accepted, i.e. did not refuse as overloaded) and
//!   refuses a new request locally with probability `max(0, (requests − K·accepts) / (requests + 1))`.
//!   With K = 2 the backend sees at most about twice the traffic it accepts.

use serde::{Deserialize, Serialize};

/// `"shed"` on a service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ShedSpec {
    /// Refuse arrivals when this many requests already wait (per replica).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_queue_length: Option<u32>,
    /// Refuse a request whose wait in the queue exceeded this, ms, when a worker picks it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_queue_wait_ms: Option<f64>,
}

impl ShedSpec {
    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(w) = self.max_queue_wait_ms {
            if !(w.is_finite() && w > 0.0 && w <= 3_600_000.0) {
                return Err(format!(
                    "max_queue_wait_ms: must be above 0 and at most 3600000, got {w}"
                ));
            }
        }
        if self.max_queue_length.is_none() && self.max_queue_wait_ms.is_none() {
            return Err("give max_queue_length, max_queue_wait_ms or both".into());
        }
        Ok(())
    }
}

fn two() -> f64 {
    2.0
}
fn window() -> f64 {
    10_000.0
}

/// `"throttle"` on a call: client-side adaptive throttling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThrottleSpec {
    /// The multiplier K (default 2; lower is more aggressive).
    #[serde(default = "two")]
    pub k: f64,
    /// Length of the sliding window, ms (default 10000, in 10 buckets).
    #[serde(default = "window")]
    pub window_ms: f64,
}

impl ThrottleSpec {
    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.k.is_finite() && self.k >= 1.0 && self.k <= 100.0) {
            return Err(format!("k: must be between 1 and 100, got {}", self.k));
        }
        if !(self.window_ms.is_finite() && self.window_ms >= 10.0 && self.window_ms <= 3_600_000.0)
        {
            return Err(format!(
                "window_ms: must be between 10 and 3600000, got {}",
                self.window_ms
            ));
        }
        Ok(())
    }
}

const BUCKETS: usize = 10;

/// The client's counts over the window, in ten buckets.
#[derive(Clone, Debug)]
pub struct AdaptiveThrottle {
    k: f64,
    bucket_ms: f64,
    ring: [(i64, u64, u64); BUCKETS],
}

impl AdaptiveThrottle {
    /// Empty counts.
    pub fn new(spec: &ThrottleSpec) -> Self {
        AdaptiveThrottle {
            k: spec.k,
            bucket_ms: spec.window_ms / BUCKETS as f64,
            ring: [(i64::MIN, 0, 0); BUCKETS],
        }
    }

    fn slot(&mut self, now_ms: f64) -> &mut (i64, u64, u64) {
        let index = libm::floor(now_ms / self.bucket_ms) as i64;
        let b = &mut self.ring[index.rem_euclid(BUCKETS as i64) as usize];
        if b.0 != index {
            *b = (index, 0, 0);
        }
        b
    }

    /// `(requests, accepts)` in the window ending at `now_ms`.
    pub fn counts(&self, now_ms: f64) -> (u64, u64) {
        let index = libm::floor(now_ms / self.bucket_ms) as i64;
        let oldest = index - (BUCKETS as i64 - 1);
        self.ring
            .iter()
            .filter(|b| b.0 >= oldest && b.0 <= index)
            .fold((0, 0), |(r, a), b| (r + b.1, a + b.2))
    }

    /// The probability of refusing a request now.
    pub fn reject_probability(&self, now_ms: f64) -> f64 {
        let (requests, accepts) = self.counts(now_ms);
        let r = requests as f64;
        ((r - self.k * accepts as f64) / (r + 1.0)).max(0.0)
    }

    /// Counts a request (made or refused locally: the SRE book counts both).
    pub fn on_request(&mut self, now_ms: f64) {
        self.slot(now_ms).1 += 1;
    }

    /// Counts a request the backend accepted.
    pub fn on_accept(&mut self, now_ms: f64) {
        self.slot(now_ms).2 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sre_formula() {
        let mut t = AdaptiveThrottle::new(&ThrottleSpec {
            k: 2.0,
            window_ms: 1000.0,
        });
        assert_eq!(t.reject_probability(0.0), 0.0);
        for _ in 0..100 {
            t.on_request(0.0);
        }
        for _ in 0..10 {
            t.on_accept(0.0);
        }
        // (100 − 2·10) / 101
        assert!((t.reject_probability(50.0) - 80.0 / 101.0).abs() < 1e-12);
        for _ in 0..40 {
            t.on_accept(0.0);
        }
        assert_eq!(
            t.reject_probability(50.0),
            0.0,
            "accepting half is enough with K = 2"
        );
        // the window forgets
        assert_eq!(t.counts(2000.0), (0, 0));
    }

    #[test]
    fn shed_needs_a_rule() {
        assert!(ShedSpec::default().validate().is_err());
        let s = ShedSpec {
            max_queue_wait_ms: Some(-1.0),
            ..Default::default()
        };
        assert!(s.validate().unwrap_err().contains("max_queue_wait_ms"));
    }
}
