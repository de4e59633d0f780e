//! The lab's recorded history, for the time scrubber: what the canvas showed (the engine's
//! snapshot) and the few numbers beside it, taken every [`History::every_s`] of simulated time,
//! in bounded memory. When a bound is reached the oldest frames go; their buffers are reused for
//! the new ones, so a long run records without allocating.
//!
//! Two bounds: the number of frames, and the number of messages in flight held over all frames
//! (a frame of a busy system holds many, a quiet one a handful). Each frame keeps the messages
//! on the wire only (the ones the canvas draws), at most [`MAX_MARKS`] of them, spread evenly
//! over all of them, in 12 bytes each.

use crate::sim::engine::{InFlight, Outcome, Phase, ReplicaView, Snapshot};
use crate::sim::patterns::circuit_breaker::State;
use std::collections::VecDeque;

/// Messages on the wire kept per frame.
pub const MAX_MARKS: usize = 1000;

/// A message on the wire as the canvas draws it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    /// Edge index.
    pub edge: u32,
    /// How far along, 0 to 1.
    pub progress: f32,
    /// To the callee or back to the caller.
    pub phase: Phase,
    /// For replies, what they carry.
    pub outcome: Option<Outcome>,
}

/// One view's recorded state: what the canvas draws, the success rate of the last window and
/// each breaker's state (edge index, state).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shot {
    /// Simulated time, seconds.
    pub time_s: f64,
    /// Per service, per replica.
    pub services: Vec<Vec<ReplicaView>>,
    /// Messages on the wire.
    pub marks: Vec<Mark>,
    /// Percent of user requests that succeeded in the last metrics window.
    pub success_rate: Option<f64>,
    /// Per breaker: edge index and state.
    pub breakers: Vec<(usize, State)>,
}

impl Shot {
    /// Copies what the canvas draws of `snap` and the numbers into this shot, reusing its
    /// buffers. Of more than [`MAX_MARKS`] messages on the wire, an even spread is kept.
    pub fn fill(
        &mut self,
        snap: &Snapshot,
        success_rate: Option<f64>,
        breakers: impl IntoIterator<Item = (usize, State)>,
    ) {
        self.time_s = snap.time_s;
        self.services.clone_from(&snap.services);
        self.marks.clear();
        let wire = || {
            snap.in_flight
                .iter()
                .filter(|m| matches!(m.phase, Phase::ToCallee | Phase::ToCaller))
        };
        let n = wire().count();
        let keep = n.min(MAX_MARKS);
        let mut next = 0;
        for (i, m) in wire().enumerate() {
            // the k-th kept message is the (k·n/keep)-th one
            if next < keep && i == next * n / keep {
                next += 1;
                self.marks.push(Mark {
                    edge: m.edge,
                    progress: m.progress,
                    phase: m.phase,
                    outcome: m.outcome,
                });
            }
        }
        self.success_rate = success_rate;
        self.breakers.clear();
        self.breakers.extend(breakers);
    }

    /// Writes this shot into `snap` for drawing, reusing its buffers.
    pub fn restore(&self, snap: &mut Snapshot) {
        snap.time_s = self.time_s;
        snap.services.clone_from(&self.services);
        snap.in_flight.clear();
        snap.in_flight.extend(self.marks.iter().map(|m| InFlight {
            corr: 0,
            edge: m.edge,
            attempt: 1,
            phase: m.phase,
            progress: m.progress,
            outcome: m.outcome,
        }));
    }

    fn items(&self) -> usize {
        self.marks.len()
    }
}

/// One recorded moment: the lab's view and, when bad and fixed run side by side, the other
/// variant's view at the same simulated time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    /// The main view.
    pub main: Shot,
    /// The other variant, side by side.
    pub twin: Option<Shot>,
}

impl Frame {
    /// Simulated time of the frame, seconds.
    pub fn time_s(&self) -> f64 {
        self.main.time_s
    }

    fn items(&self) -> usize {
        self.main.items() + self.twin.as_ref().map_or(0, Shot::items)
    }
}

/// Recorded frames, oldest first, within the bounds.
#[derive(Debug)]
pub struct History {
    frames: VecDeque<Frame>,
    max_frames: usize,
    max_items: usize,
    every_s: f64,
    /// Messages in flight held over all frames.
    items: usize,
}

impl History {
    /// The lab's history: a frame every 0.1 simulated seconds (at most one per animation frame),
    /// at most 600 frames (a minute at 1×) and 600,000 messages over all of them (about 7 MB with
    /// both variants side by side at their busiest).
    pub fn lab() -> History {
        History::new(600, 600_000, 0.1)
    }

    /// A history of at most `max_frames` frames holding at most `max_items` messages in flight,
    /// one frame per `every_s` simulated seconds.
    pub fn new(max_frames: usize, max_items: usize, every_s: f64) -> History {
        History {
            frames: VecDeque::with_capacity(max_frames.min(4096)),
            max_frames: max_frames.max(1),
            max_items,
            every_s,
            items: 0,
        }
    }

    /// Forgets every frame (a new run).
    pub fn clear(&mut self) {
        self.frames.clear();
        self.items = 0;
    }

    /// Whether a frame at `time_s` is due: the first one, or `every_s` after the last.
    pub fn due(&self, time_s: f64) -> bool {
        self.frames
            .back()
            .is_none_or(|f| time_s >= f.time_s() + self.every_s - 1e-9)
    }

    /// Records a frame, filled by `fill` into a recycled frame when a bound is reached. Frames
    /// must come in time order; an earlier time than the last frame's clears the history first
    /// (the run restarted).
    pub fn record(&mut self, fill: impl FnOnce(&mut Frame)) {
        let mut frame = if self.frames.len() >= self.max_frames {
            self.pop_oldest().unwrap_or_default()
        } else {
            Frame::default()
        };
        // a recycled frame keeps its main buffers; its other view is only there if `fill` puts it
        frame.twin = None;
        fill(&mut frame);
        if self
            .frames
            .back()
            .is_some_and(|f| frame.time_s() < f.time_s())
        {
            self.clear();
        }
        self.items += frame.items();
        self.frames.push_back(frame);
        // drop the oldest frames while over the message budget (the newest always stays)
        while self.items > self.max_items && self.frames.len() > 1 {
            self.pop_oldest();
        }
    }

    fn pop_oldest(&mut self) -> Option<Frame> {
        let f = self.frames.pop_front()?;
        self.items -= f.items();
        Some(f)
    }

    /// Frames held.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Messages in flight held over all frames.
    pub fn items(&self) -> usize {
        self.items
    }

    /// Frame `i`, oldest first.
    pub fn get(&self, i: usize) -> Option<&Frame> {
        self.frames.get(i)
    }

    /// Simulated times of the oldest and newest frames, seconds.
    pub fn span(&self) -> Option<(f64, f64)> {
        Some((self.frames.front()?.time_s(), self.frames.back()?.time_s()))
    }

    /// The frame shown at `time_s`: the last one recorded at or before it (the oldest when
    /// `time_s` is earlier than every frame).
    pub fn at(&self, time_s: f64) -> Option<&Frame> {
        let i = self.frames.partition_point(|f| f.time_s() <= time_s);
        self.frames.get(i.saturating_sub(1))
    }

    /// The time of the first frame after `time_s`, if any (for stepping through a replay).
    pub fn next_after(&self, time_s: f64) -> Option<f64> {
        let i = self.frames.partition_point(|f| f.time_s() <= time_s);
        self.frames.get(i).map(Frame::time_s)
    }

    /// Bytes held by the frames' buffers, roughly (the tests bound it).
    pub fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let per_shot = |s: &Shot| {
            size_of::<Shot>()
                + s.marks.capacity() * size_of::<Mark>()
                + s.services
                    .iter()
                    .map(|r| {
                        size_of::<Vec<ReplicaView>>() + r.capacity() * size_of::<ReplicaView>()
                    })
                    .sum::<usize>()
                + s.breakers.capacity() * size_of::<(usize, State)>()
        };
        self.frames
            .iter()
            .map(|f| per_shot(&f.main) + f.twin.as_ref().map_or(0, per_shot))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(t: f64, in_flight: usize) -> Snapshot {
        Snapshot {
            time_s: t,
            services: vec![vec![Default::default(); 2]],
            in_flight: (0..in_flight)
                .map(|i| InFlight {
                    corr: i as u64,
                    edge: 0,
                    attempt: 1,
                    phase: Phase::ToCallee,
                    progress: 0.5,
                    outcome: None,
                })
                .collect(),
        }
    }

    fn record(h: &mut History, t: f64, in_flight: usize) {
        let s = snap(t, in_flight);
        h.record(|f| {
            f.main.fill(&s, Some(t), [(0, State::Closed)]);
            f.twin = None;
        });
    }

    #[test]
    fn frames_are_due_every_interval() {
        let mut h = History::new(10, 1000, 0.1);
        assert!(h.due(0.0));
        record(&mut h, 0.0, 1);
        assert!(!h.due(0.05));
        assert!(h.due(0.1));
        record(&mut h, 0.1, 1);
        assert_eq!(h.len(), 2);
        assert_eq!(h.span(), Some((0.0, 0.1)));
    }

    #[test]
    fn the_frame_count_is_bounded_and_the_newest_frames_stay() {
        let mut h = History::new(50, 1_000_000, 0.1);
        for i in 0..10_000 {
            record(&mut h, i as f64 * 0.1, 3);
        }
        assert_eq!(h.len(), 50);
        assert_eq!(h.items(), 150);
        let (first, last) = h.span().unwrap();
        assert!((last - 999.9).abs() < 1e-9);
        assert!((first - 995.0).abs() < 1e-9);
    }

    #[test]
    fn the_message_budget_drops_old_frames_and_memory_stays_flat() {
        let mut h = History::new(600, 10_000, 0.1);
        for i in 0..2_000 {
            record(&mut h, i as f64 * 0.1, 1000);
        }
        assert_eq!(h.items(), 10_000);
        assert_eq!(h.len(), 10);
        let bytes = h.approx_bytes();
        for i in 2_000..4_000 {
            record(&mut h, i as f64 * 0.1, 1000);
        }
        assert_eq!(h.len(), 10);
        assert_eq!(h.approx_bytes(), bytes, "recycled buffers: no growth");
        // a frame is capped; older frames make room for it
        record(&mut h, 500.0, MAX_MARKS + 500);
        assert_eq!(h.get(h.len() - 1).unwrap().main.marks.len(), MAX_MARKS);
        assert_eq!(h.items(), 10_000);
        assert_eq!(h.len(), 10);
        // a budget bigger than the frames' cap never drops a frame early
        let mut big = History::lab();
        for i in 0..700 {
            record(&mut big, i as f64 * 0.1, 5_000);
        }
        assert_eq!((big.len(), big.items()), (600, 600 * MAX_MARKS));
        assert!(
            big.approx_bytes() < 8_000_000,
            "{} bytes",
            big.approx_bytes()
        );
        // a budget smaller than one frame still keeps the newest frame
        let mut tiny = History::new(600, 10, 0.1);
        record(&mut tiny, 0.0, 50);
        record(&mut tiny, 0.1, 50);
        assert_eq!((tiny.len(), tiny.items()), (1, 50));
    }

    #[test]
    fn only_messages_on_the_wire_are_kept_spread_evenly() {
        let mut s = snap(1.0, 5000);
        for (i, m) in s.in_flight.iter_mut().enumerate() {
            m.edge = (i / 1000) as u32; // five edges, 1000 messages each
        }
        s.in_flight[0].phase = Phase::Working;
        s.in_flight[1].phase = Phase::Queued;
        let mut shot = Shot::default();
        shot.fill(&s, None, []);
        assert_eq!(shot.marks.len(), MAX_MARKS);
        for edge in 0..5 {
            let n = shot.marks.iter().filter(|m| m.edge == edge).count();
            assert!((195..=205).contains(&n), "edge {edge}: {n}");
        }
        let mut small = snap(1.0, 3);
        small.in_flight[1].phase = Phase::Idle;
        shot.fill(&small, None, []);
        assert_eq!(shot.marks.len(), 2);
    }

    #[test]
    fn at_finds_the_frame_on_screen_at_a_time() {
        let mut h = History::new(100, 1_000_000, 0.1);
        for i in 0..10 {
            record(&mut h, 1.0 + i as f64 * 0.1, i);
        }
        assert_eq!(
            h.at(0.0).unwrap().time_s(),
            1.0,
            "before the first: the first"
        );
        assert!((h.at(1.25).unwrap().time_s() - 1.2).abs() < 1e-9);
        assert!((h.at(99.0).unwrap().time_s() - 1.9).abs() < 1e-9);
        assert_eq!(h.at(1.35).unwrap().main.marks.len(), 3);
        assert!((h.next_after(1.25).unwrap() - 1.3).abs() < 1e-9);
        assert_eq!(h.next_after(1.9), None);
        assert_eq!(History::new(5, 5, 0.1).at(1.0), None);
    }

    #[test]
    fn an_earlier_time_starts_a_new_history() {
        let mut h = History::new(100, 1_000_000, 0.1);
        for i in 0..5 {
            record(&mut h, 10.0 + i as f64 * 0.1, 2);
        }
        record(&mut h, 0.0, 2);
        assert_eq!(h.len(), 1);
        assert_eq!(h.items(), 2);
    }

    #[test]
    fn recorded_shots_keep_what_the_lab_shows() {
        let mut h = History::new(10, 1000, 0.1);
        let s = snap(2.0, 4);
        let twin = snap(2.0, 1);
        h.record(|f| {
            f.main.fill(&s, Some(55.5), [(1, State::Open)]);
            f.twin
                .get_or_insert_with(Shot::default)
                .fill(&twin, Some(99.0), [(1, State::Closed)]);
        });
        let f = h.at(2.0).unwrap();
        let mut back = Snapshot::default();
        f.main.restore(&mut back);
        assert_eq!(back.time_s, 2.0);
        assert_eq!(back.services, s.services);
        assert_eq!(back.in_flight.len(), 4);
        assert_eq!(back.in_flight[3].edge, s.in_flight[3].edge);
        assert_eq!(back.in_flight[3].progress, s.in_flight[3].progress);
        assert_eq!(f.main.success_rate, Some(55.5));
        assert_eq!(f.main.breakers, vec![(1, State::Open)]);
        let t = f.twin.as_ref().unwrap();
        assert_eq!(t.marks.len(), 1);
        assert_eq!(t.breakers, vec![(1, State::Closed)]);
        assert_eq!(h.items(), 5);
    }

    #[test]
    fn a_real_run_records_within_its_bounds() {
        let scenario = crate::lab::presets::scenario("flash-sale").unwrap();
        let mut sim = crate::sim::Simulation::new(scenario).unwrap();
        let mut h = History::new(100, 20_000, 0.1);
        let mut s = Snapshot::default();
        for _ in 0..300 {
            let t = sim.now() + 100_000_000;
            sim.step_until(t);
            sim.snapshot_into(&mut s);
            if h.due(s.time_s) {
                let rate = sim.series().back().map(|x| x.success_rate());
                let b: Vec<_> = sim
                    .breakers()
                    .into_iter()
                    .map(|(i, st, _)| (i, st))
                    .collect();
                h.record(|f| f.main.fill(&s, rate, b));
            }
        }
        assert!(h.len() <= 100 && h.items() <= 20_000);
        let (first, last) = h.span().unwrap();
        assert!(
            (last - 30.0).abs() < 1e-6,
            "newest frame is the engine's time: {last}"
        );
        assert!(first >= last - 10.0 - 1e-6);
        assert!(h.at(last).unwrap().main.services.len() >= 2);
    }
}
