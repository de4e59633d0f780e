//! A network partition of a three-node replicated store: split brain versus majority quorums.
//!
//! Three replicas hold the same keys. Clients on the "left" write through replica A, clients on
//! the "right" through replica B. A partition cuts A off from B and C for a while.
//!
//! * **No quorum** (each replica accepts a write on its own and replicates it later): both sides
//!   keep accepting and acknowledging writes, so the same key gets different values on the two
//!   sides — *split brain*. When the partition heals, anti-entropy keeps one value per key (last
//!   writer wins, by timestamp) and silently throws away the other side's acknowledged writes.
//! * **Majority quorum** (a write needs acknowledgements from 2 of the 3 replicas): A, alone,
//!   cannot reach a majority and refuses writes — the price, paid in availability on the minority
//!   side — while B and C carry on. Nothing diverges and no acknowledged write is lost.
//!
//! Replication delays (milliseconds) are tiny next to the partition (seconds), so writes outside
//! the partition are taken as applied everywhere; what matters is what each side accepted while
//! cut off. Deterministic: the writes come from the engine's PRNG.

use crate::sim::rng::SimRng;
use serde::{Deserialize, Serialize};

/// How the store accepts writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Replication {
    /// Any one replica accepts (W = 1), replication is asynchronous.
    NoQuorum,
    /// A majority must accept (W = 2 of 3).
    Majority,
}

/// Settings of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QuorumConfig {
    /// Keys written (uniformly at random).
    pub keys: u32,
    /// Writes per second on each side (Poisson).
    pub rate_per_side: f64,
    /// Length of the run, seconds.
    pub duration_s: f64,
    /// The partition starts, s.
    pub partition_from_s: f64,
    /// …and heals, s.
    pub partition_to_s: f64,
    /// Seed.
    pub seed: u64,
}

impl Default for QuorumConfig {
    fn default() -> Self {
        QuorumConfig {
            keys: 50,
            rate_per_side: 20.0,
            duration_s: 60.0,
            partition_from_s: 20.0,
            partition_to_s: 40.0,
            seed: 1,
        }
    }
}

/// What a run measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuorumReport {
    /// The replication mode.
    pub replication: Replication,
    /// Writes attempted.
    pub writes: u64,
    /// Writes acknowledged to their client.
    pub acknowledged: u64,
    /// Writes refused (no majority reachable).
    pub refused: u64,
    /// Of those, on the minority (left) side during the partition.
    pub refused_minority: u64,
    /// Keys whose value differed between the two sides when the partition healed.
    pub divergent_keys: u64,
    /// Acknowledged writes thrown away when the partition healed (last writer wins).
    pub acknowledged_writes_lost: u64,
}

/// Runs the model.
pub fn run(c: &QuorumConfig, mode: Replication) -> Result<QuorumReport, String> {
    if !(1..=100_000).contains(&c.keys) {
        return Err(format!(
            "keys: must be between 1 and 100000, got {}",
            c.keys
        ));
    }
    if !(c.rate_per_side.is_finite() && c.rate_per_side > 0.0 && c.rate_per_side <= 10_000.0) {
        return Err(format!(
            "rate_per_side: must be above 0 and at most 10000, got {}",
            c.rate_per_side
        ));
    }
    if !(c.duration_s.is_finite() && c.duration_s > 0.0 && c.duration_s <= 3600.0) {
        return Err(format!(
            "duration_s: must be above 0 and at most 3600, got {}",
            c.duration_s
        ));
    }
    if !(c.partition_from_s >= 0.0 && c.partition_to_s > c.partition_from_s) {
        return Err("partition_to_s must come after partition_from_s ≥ 0".into());
    }
    let mut rng = SimRng::new(c.seed);
    // both sides' writes, in time order: (time, side, key); side 0 = left (A), 1 = right (B)
    let mut writes = Vec::new();
    for side in 0..2u8 {
        let mut t = 0.0;
        loop {
            t += rng.exponential(1.0 / c.rate_per_side);
            if t >= c.duration_s {
                break;
            }
            writes.push((t, side, 0u32));
        }
    }
    writes.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for w in &mut writes {
        w.2 = rng.below(c.keys);
    }
    let k = c.keys as usize;
    // per key and side: acknowledged writes during the partition, and the last one's time
    let mut count = vec![[0u64; 2]; k];
    let mut last = vec![[f64::NEG_INFINITY; 2]; k];
    let mut r = QuorumReport {
        replication: mode,
        writes: writes.len() as u64,
        acknowledged: 0,
        refused: 0,
        refused_minority: 0,
        divergent_keys: 0,
        acknowledged_writes_lost: 0,
    };
    for &(t, side, key) in &writes {
        let cut = t >= c.partition_from_s && t < c.partition_to_s;
        if !cut {
            r.acknowledged += 1;
            continue;
        }
        // during the partition: the left side has one replica, the right side two
        let accepted = match mode {
            Replication::NoQuorum => true,
            Replication::Majority => side == 1,
        };
        if accepted {
            r.acknowledged += 1;
            count[key as usize][side as usize] += 1;
            last[key as usize][side as usize] = t;
        } else {
            r.refused += 1;
            r.refused_minority += 1;
        }
    }
    for key in 0..k {
        if count[key][0] > 0 && count[key][1] > 0 {
            // both sides changed the key: the values differ; last writer wins at the heal
            r.divergent_keys += 1;
            let loser = if last[key][0] > last[key][1] { 1 } else { 0 };
            r.acknowledged_writes_lost += count[key][loser];
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_quorum_both_sides_write_and_diverge() {
        let r = run(&QuorumConfig::default(), Replication::NoQuorum).unwrap();
        assert_eq!(r.refused, 0);
        assert_eq!(r.acknowledged, r.writes);
        assert!(r.divergent_keys > 40, "{r:?}");
        assert!(r.acknowledged_writes_lost > 100, "{r:?}");
    }

    #[test]
    fn with_a_majority_the_minority_refuses_and_nothing_diverges() {
        let r = run(&QuorumConfig::default(), Replication::Majority).unwrap();
        assert_eq!(r.divergent_keys, 0);
        assert_eq!(r.acknowledged_writes_lost, 0);
        // about 20 s × 20 writes/s refused on the left
        assert!((300..=500).contains(&r.refused_minority), "{r:?}");
        assert_eq!(r.acknowledged + r.refused, r.writes);
    }

    #[test]
    fn same_writes_in_both_modes() {
        let a = run(&QuorumConfig::default(), Replication::NoQuorum).unwrap();
        let b = run(&QuorumConfig::default(), Replication::Majority).unwrap();
        assert_eq!(a.writes, b.writes);
    }
}
