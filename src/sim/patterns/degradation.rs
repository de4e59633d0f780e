//! Graceful degradation: dependencies are critical or optional, a failed call can fall back to a
//! cached value, a default or nothing, and the system reports how degraded its answers are.
//!
//! Per user request the engine derives a level:
//! * **full** — every dependency answered;
//! * **reduced** — an optional dependency failed and was skipped or replaced by its fallback
//!   (the page shows without recommendations);
//! * **minimal** — a critical dependency failed and its fallback stood in (stale prices from a
//!   cache: the shop still sells, carefully);
//! * **maintenance** — the request failed: the user sees an error page.
//!
//! The level of the *system* over a sampling window is the median request's level: the best
//! level that at least half of the window's requests reached or beat.

use serde::{Deserialize, Serialize};

/// What a caller uses when a call fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// The last good answer, from a cache.
    Cached,
    /// A fixed default answer.
    Default,
    /// Leave the part out.
    Skip,
}

/// How degraded an answer (or the system) is, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Everything worked.
    Full,
    /// Optional parts missing or replaced.
    Reduced,
    /// Critical parts served by fallbacks.
    Minimal,
    /// Failed.
    Maintenance,
}

impl Level {
    /// Every level, best first.
    pub const ALL: [Level; 4] = [
        Level::Full,
        Level::Reduced,
        Level::Minimal,
        Level::Maintenance,
    ];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Full => "full",
            Level::Reduced => "reduced",
            Level::Minimal => "minimal",
            Level::Maintenance => "maintenance",
        }
    }

    /// The level of one request from what happened to it.
    pub fn of_request(ok: bool, optional_fallbacks: u32, critical_fallbacks: u32) -> Level {
        if !ok {
            Level::Maintenance
        } else if critical_fallbacks > 0 {
            Level::Minimal
        } else if optional_fallbacks > 0 {
            Level::Reduced
        } else {
            Level::Full
        }
    }

    /// The median level of a window with `counts[l]` requests at each level (best first), or
    /// `None` when the window had no request.
    pub fn median(counts: [u64; 4]) -> Option<Level> {
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let mut acc = 0;
        for (i, c) in counts.iter().enumerate() {
            acc += c;
            if 2 * acc >= total {
                return Some(Level::ALL[i]);
            }
        }
        Some(Level::Maintenance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_levels() {
        assert_eq!(Level::of_request(true, 0, 0), Level::Full);
        assert_eq!(Level::of_request(true, 2, 0), Level::Reduced);
        assert_eq!(Level::of_request(true, 2, 1), Level::Minimal);
        assert_eq!(Level::of_request(false, 0, 0), Level::Maintenance);
    }

    #[test]
    fn system_level_is_the_median_request() {
        assert_eq!(Level::median([0; 4]), None);
        assert_eq!(Level::median([10, 0, 0, 0]), Some(Level::Full));
        assert_eq!(Level::median([5, 5, 0, 0]), Some(Level::Full));
        assert_eq!(Level::median([4, 6, 0, 0]), Some(Level::Reduced));
        assert_eq!(Level::median([1, 1, 1, 7]), Some(Level::Maintenance));
        assert_eq!(Level::median([2, 0, 4, 4]), Some(Level::Minimal));
    }
}
