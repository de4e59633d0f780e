//! The lab's frame budget: script time per animation frame (engine step + drawing), kept in a
//! small fixed ring buffer, with percentiles for the readout and the benchmark
//! (`scripts/bench-frames.mjs`). Pushing a frame never allocates; the percentiles sort a copy in a
//! scratch array owned by the ring, so reading them does not allocate either.

use super::fmt::fmt_fixed;

/// Frames remembered: about four seconds at 60 frames per second.
pub const CAPACITY: usize = 256;

/// The last [`CAPACITY`] frames' timings, in milliseconds.
#[derive(Clone, Debug)]
pub struct FrameTimes {
    /// Whole frame: engine step, topology drawing, and (a few times a second) readout and chart.
    total: [f32; CAPACITY],
    /// The engine step alone.
    engine: [f32; CAPACITY],
    /// Where the next frame goes.
    next: usize,
    /// Frames recorded since the start (not capped).
    count: u64,
    scratch: [f32; CAPACITY],
}

impl Default for FrameTimes {
    fn default() -> Self {
        FrameTimes {
            total: [0.0; CAPACITY],
            engine: [0.0; CAPACITY],
            next: 0,
            count: 0,
            scratch: [0.0; CAPACITY],
        }
    }
}

/// What the readout shows and the benchmark reads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameStats {
    /// 95th percentile of the whole frame's script time over the remembered frames, ms.
    pub p95_ms: f64,
    /// 95th percentile of the engine step alone, ms.
    pub engine_p95_ms: f64,
    /// Frames recorded since the start.
    pub count: u64,
    /// The remembered frames' total times, oldest first, comma-separated with 0.01 ms steps.
    pub recent: String,
}

impl FrameTimes {
    /// Records one frame: its whole script time and the engine step's part of it.
    pub fn push(&mut self, total_ms: f64, engine_ms: f64) {
        self.total[self.next] = total_ms.max(0.0) as f32;
        self.engine[self.next] = engine_ms.max(0.0) as f32;
        self.next = (self.next + 1) % CAPACITY;
        self.count += 1;
    }

    /// Frames recorded since the start.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Frames remembered now (at most [`CAPACITY`]).
    pub fn len(&self) -> usize {
        (self.count as usize).min(CAPACITY)
    }

    /// Whether no frame has been recorded.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The remembered whole-frame times, oldest first.
    pub fn recent(&self) -> impl Iterator<Item = f32> + '_ {
        let n = self.len();
        let start = (self.next + CAPACITY - n) % CAPACITY;
        (0..n).map(move |i| self.total[(start + i) % CAPACITY])
    }

    /// The `q`-th percentile (0–100, nearest rank) of the whole frame's time; 0 when empty.
    pub fn percentile(&mut self, q: f64) -> f64 {
        let n = self.len();
        self.scratch[..n].copy_from_slice(&self.total[..n]);
        nearest_rank(&mut self.scratch[..n], q)
    }

    /// The `q`-th percentile of the engine step alone.
    pub fn engine_percentile(&mut self, q: f64) -> f64 {
        let n = self.len();
        self.scratch[..n].copy_from_slice(&self.engine[..n]);
        nearest_rank(&mut self.scratch[..n], q)
    }

    /// The readout's numbers (a few times a second: this one allocates the `recent` text).
    pub fn stats(&mut self) -> FrameStats {
        let mut recent = String::with_capacity(self.len() * 5);
        for (i, v) in self.recent().enumerate() {
            if i > 0 {
                recent.push(',');
            }
            recent.push_str(&fmt_fixed(f64::from(v), 2));
        }
        FrameStats {
            p95_ms: self.percentile(95.0),
            engine_p95_ms: self.engine_percentile(95.0),
            count: self.count,
            recent,
        }
    }
}

/// Nearest-rank percentile: the smallest value with at least `q` % of the values at or below it.
fn nearest_rank(values: &mut [f32], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable_by(f32::total_cmp);
    let n = values.len();
    let rank = ((q.clamp(0.0, 100.0) / 100.0 * n as f64).ceil() as usize).clamp(1, n);
    f64::from(values[rank - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_set() {
        let mut f = FrameTimes::default();
        assert!(f.is_empty());
        assert_eq!(f.percentile(95.0), 0.0, "empty ring");
        // 1..=100 ms in a scrambled order
        for i in 0..100u32 {
            let v = f64::from((i * 37) % 100 + 1);
            f.push(v, v / 10.0);
        }
        assert_eq!(f.len(), 100);
        assert_eq!(f.percentile(50.0), 50.0);
        assert_eq!(f.percentile(95.0), 95.0);
        assert_eq!(f.percentile(99.0), 99.0);
        assert_eq!(f.percentile(100.0), 100.0);
        assert_eq!(f.percentile(0.0), 1.0);
        assert_eq!(f.engine_percentile(95.0), 9.5);
        // reading the percentiles leaves the frames in their order
        let first: Vec<f32> = f.recent().take(3).collect();
        assert_eq!(first, vec![1.0, 38.0, 75.0]);
    }

    #[test]
    fn the_ring_keeps_the_last_frames_oldest_first() {
        let mut f = FrameTimes::default();
        for i in 0..(CAPACITY as u32 + 10) {
            f.push(f64::from(i), 0.0);
        }
        assert_eq!(f.count(), CAPACITY as u64 + 10);
        assert_eq!(f.len(), CAPACITY);
        let recent: Vec<f32> = f.recent().collect();
        assert_eq!(recent.len(), CAPACITY);
        assert_eq!(recent[0], 10.0, "the ten oldest frames were overwritten");
        assert_eq!(recent[CAPACITY - 1], (CAPACITY + 9) as f32);
        // p95 of 10..=265: rank ceil(0.95 * 256) = 244 → 10 + 243
        assert_eq!(f.percentile(95.0), 253.0);
    }

    #[test]
    fn stats_carry_the_count_and_the_recent_frames_as_text() {
        let mut f = FrameTimes::default();
        f.push(1.25, 0.5);
        f.push(3.0, 1.0);
        f.push(-1.0, -1.0); // a clock that went backwards counts as 0
        let s = f.stats();
        assert_eq!(s.count, 3);
        assert_eq!(s.recent, "1.25,3.00,0.00");
        assert_eq!(s.p95_ms, 3.0);
        assert_eq!(s.engine_p95_ms, 1.0);
    }
}
