//! Simulated time: integer nanoseconds since the start of the run, totally ordered.

/// A point in simulated time, in nanoseconds since the start.
pub type Time = u64;

/// Nanoseconds in one millisecond.
pub const MS: Time = 1_000_000;
/// Nanoseconds in one second.
pub const SEC: Time = 1_000_000_000;

/// Milliseconds (may be fractional) to simulated time, rounded to the nearest nanosecond.
#[inline(always)]
pub fn from_ms(ms: f64) -> Time {
    let ns = ms * MS as f64 + 0.5;
    // the usual case by the signed conversion, a few instructions fewer than the unsigned one;
    // both truncate, so the value is the same
    if ms > 0.0 && ns < 9.2e18 {
        ns as i64 as Time
    } else {
        from_ms_slow(ms)
    }
}

#[cold]
#[inline(never)]
fn from_ms_slow(ms: f64) -> Time {
    if ms <= 0.0 {
        0
    } else {
        (ms * MS as f64 + 0.5) as Time
    }
}

/// Seconds (may be fractional) to simulated time.
#[inline(always)]
pub fn from_secs(s: f64) -> Time {
    from_ms(s * 1000.0)
}

/// Simulated time to milliseconds.
#[inline]
pub fn to_ms(t: Time) -> f64 {
    t as f64 / MS as f64
}

/// Simulated time to seconds.
#[inline]
pub fn to_secs(t: Time) -> f64 {
    t as f64 / SEC as f64
}
