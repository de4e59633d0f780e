//! Hedged requests ("The Tail at Scale", Dean and Barroso, 2013): if no reply came after a delay,
//! send the same request again — to another replica — and take whichever answers first; the
//! slower attempt is cancelled. With the delay at about the 95th percentile, a few percent extra
//! load cuts the tail latency caused by one slow replica. Only safe for idempotent calls.

use serde::{Deserialize, Serialize};

fn one() -> u32 {
    1
}

/// `"hedge"` on a call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HedgeSpec {
    /// Send a hedge when no reply came this long after the previous attempt, ms.
    pub delay_ms: f64,
    /// Extra attempts at most (default 1).
    #[serde(default = "one")]
    pub max_hedges: u32,
}

impl HedgeSpec {
    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.delay_ms.is_finite() && self.delay_ms > 0.0 && self.delay_ms <= 3_600_000.0) {
            return Err(format!(
                "delay_ms: must be above 0 and at most 3600000, got {}",
                self.delay_ms
            ));
        }
        if self.max_hedges == 0 || self.max_hedges > 3 {
            return Err(format!(
                "max_hedges: must be between 1 and 3, got {}",
                self.max_hedges
            ));
        }
        Ok(())
    }
}
