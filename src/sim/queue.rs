//! The event queue: a binary heap keyed by (time, sequence), so events at equal times run in the
//! order they were scheduled (FIFO).

use super::time::Time;

/// One scheduled event. `key` packs (time, sequence) into one integer, time in the high half, so
/// a single comparison orders entries.
#[derive(Clone, Copy)]
struct Entry<E> {
    key: u128,
    event: E,
}

#[inline(always)]
fn key(time: Time, seq: u64) -> u128 {
    ((time as u128) << 64) | seq as u128
}

/// A priority queue of events ordered by (time, insertion sequence): a binary min-heap written
/// out here (rather than `std::collections::BinaryHeap`) so that its few lines stay inlined in the
/// engine's loop even in the size-optimised release build.
///
/// Keys are unique, so any correct priority queue hands events out in the same order; this one is
/// shaped around the engine's usual step — pop an event, schedule one or two — to touch as little
/// of the heap as it can:
///
/// - A pop leaves the root as a hole and repairs the heap only when needed: the handler of an
///   event usually schedules another one at once, and that push then fills the hole with a single
///   sift-down, instead of a sift-down to close the hole plus a sift-up for the new entry.
/// - The first push into a hole is only parked beside it (`pending`). If a second push comes
///   before the next pop, the earlier of the two fills the hole by a sift-down (short: it is near
///   the front) and the later one goes in at the bottom by a sift-up (short: it is far off) — an
///   arrival that starts a job schedules both the job's end and the next arrival.
pub struct EventQueue<E> {
    /// The heap is `heap[..len]`; the slots above are spare (kept, so that growing back costs no
    /// call into `Vec`, which the size-optimised build does not inline), and their keys are
    /// `u128::MAX`, above every real key: a sift-down then stops at them by itself, bounded by
    /// `heap.len()`, against which the compiler drops the bounds checks. That length is kept odd
    /// (or zero), so a sift-down never meets a node with a single child.
    heap: Vec<Entry<E>>,
    len: usize,
    seq: u64,
    /// Whether `heap[0]` was already popped (the rest of `heap` is still a valid heap below it).
    hole: bool,
    /// An entry pushed while there was a hole, not yet in the heap (only ever set with `hole`).
    pending: Option<Entry<E>>,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::with_capacity(1024),
            len: 0,
            seq: 0,
            hole: false,
            pending: None,
        }
    }

    /// [`Self::push`], with its commonest case — the first push after a pop, parked beside the
    /// hole — inlined at the call site, saving the call for the engine's hottest pushes.
    #[inline(always)]
    pub fn push_hot(&mut self, time: Time, event: E) {
        if self.hole && self.pending.is_none() {
            self.seq += 1;
            self.pending = Some(Entry {
                key: key(time, self.seq),
                event,
            });
        } else {
            self.push(time, event);
        }
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn push(&mut self, time: Time, event: E) {
        self.push_inline(time, event);
    }

    /// [`Self::push`], inlined at the call site: for the engine's one site where a second push
    /// after a pop is the rule (an arrival that starts a job, then schedules the next arrival).
    #[inline(always)]
    pub fn push_inline(&mut self, time: Time, event: E) {
        self.seq += 1;
        let entry = Entry {
            key: key(time, self.seq),
            event,
        };
        if self.hole {
            let Some(p) = self.pending.take() else {
                self.pending = Some(entry);
                return;
            };
            let (early, late) = if p.key < entry.key {
                (p, entry)
            } else {
                (entry, p)
            };
            self.hole = false;
            sift_down(self.heap.as_mut_slice(), early);
            self.sift_up_new(late);
            return;
        }
        self.sift_up_new(entry);
    }

    /// Adds `entry` at the bottom of the heap and sifts it up.
    #[inline(always)]
    fn sift_up_new(&mut self, entry: Entry<E>) {
        let i = self.len;
        if i == self.heap.len() {
            self.heap.push(entry);
            if self.heap.len().is_multiple_of(2) {
                // keep the buffer's length odd: then every node with a left child in it also has
                // a right one, spare if not real
                self.heap.push(Entry {
                    key: u128::MAX,
                    ..entry
                });
            }
        }
        self.len = i + 1;
        sift_up(self.heap.as_mut_slice(), i, entry);
    }

    /// The smallest key below a hole at the root (`u128::MAX` when the root has no children).
    #[inline(always)]
    fn below_hole(&self) -> u128 {
        let h = self.heap.as_slice();
        match self.len {
            0 | 1 => u128::MAX,
            2 => h[1].key,
            _ => h[1].key.min(h[2].key),
        }
    }

    /// The time of the next event.
    #[inline(always)]
    pub fn peek_time(&self) -> Option<Time> {
        let k = if self.hole {
            let below = self.below_hole();
            match self.pending {
                Some(p) if p.key < below => p.key,
                _ if below == u128::MAX => return None,
                _ => below,
            }
        } else if self.len == 0 {
            return None;
        } else {
            self.heap.as_slice()[0].key
        };
        Some((k >> 64) as Time)
    }

    /// Removes and returns the next event.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        self.pop_due(Time::MAX)
    }

    /// Removes and returns the next event if it is due by `until` (its time is at most that).
    #[inline(always)]
    pub fn pop_due(&mut self, until: Time) -> Option<(Time, E)> {
        if self.hole {
            let fill = match self.pending.take() {
                Some(p) => p,
                None => {
                    self.len -= 1;
                    if self.len == 0 {
                        // that was the hole itself
                        self.hole = false;
                        return None;
                    }
                    let last = &mut self.heap.as_mut_slice()[self.len];
                    let fill = *last;
                    // the slot becomes spare
                    last.key = u128::MAX;
                    fill
                }
            };
            sift_down(self.heap.as_mut_slice(), fill);
            self.hole = false;
        } else if self.len == 0 {
            return None;
        }
        let top = self.heap.as_slice()[0];
        let time = (top.key >> 64) as Time;
        if time > until {
            return None;
        }
        self.hole = true;
        Some((time, top.event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len - self.hole as usize + self.pending.is_some() as usize
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Puts `entry` at the root of the heap (replacing what is there) and sifts it down to its place.
/// `h` is the whole buffer: the spare slots past the heap, keyed `u128::MAX`, never move up.
#[inline(always)]
fn sift_down<E: Copy>(h: &mut [Entry<E>], entry: Entry<E>) {
    let n = h.len();
    let k = entry.key;
    let mut i = 0;
    loop {
        let mut child = 2 * i + 1;
        // `n` is odd: a left child in the buffer has a right one too
        if child + 1 >= n {
            break;
        }
        // branch-free: which child is smaller is a coin flip the CPU cannot predict
        child += (h[child + 1].key < h[child].key) as usize;
        if k <= h[child].key {
            break;
        }
        h[i] = h[child];
        i = child;
    }
    h[i] = entry;
}

/// Puts `entry` into the free slot `i` of `h` and sifts it up to its place.
#[inline(always)]
fn sift_up<E: Copy>(h: &mut [Entry<E>], mut i: usize, entry: Entry<E>) {
    // move parents down into the free slot until the new key fits
    while i > 0 {
        let parent = (i - 1) / 2;
        if h[parent].key <= entry.key {
            break;
        }
        h[i] = h[parent];
        i = parent;
    }
    h[i] = entry;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_fifo_at_equal_times() {
        let mut q = EventQueue::new();
        q.push(5, "c");
        q.push(1, "a");
        q.push(5, "d");
        q.push(1, "b");
        q.push(3, "x");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!["a", "b", "x", "c", "d"]);
    }

    #[test]
    fn matches_a_sorted_order_under_interleaved_pushes_and_pops() {
        // a small LCG drives a mix of pushes (with many equal times) and pops
        let mut q = EventQueue::new();
        let mut reference: Vec<(Time, u64)> = Vec::new();
        let mut x: u64 = 12345;
        let mut id = 0u64;
        let mut now: Time = 0;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if !(x >> 33).is_multiple_of(3) || reference.is_empty() {
                let t = now + (x >> 40) % 8;
                id += 1;
                if id.is_multiple_of(2) {
                    q.push_hot(t, id);
                } else {
                    q.push(t, id);
                }
                reference.push((t, id));
            } else {
                // ids grow with insertion, so (time, id) is the expected order
                reference.sort_unstable();
                let want = reference.remove(0);
                assert_eq!(q.peek_time(), Some(want.0));
                let got = q.pop().expect("non-empty");
                assert_eq!(got, want);
                now = got.0;
            }
            assert_eq!(q.len(), reference.len());
        }
        reference.sort_unstable();
        for want in reference {
            assert_eq!(q.peek_time(), Some(want.0));
            assert_eq!(q.pop(), Some(want));
        }
        assert_eq!(q.peek_time(), None);
        assert!(q.pop().is_none() && q.is_empty());
    }
}
