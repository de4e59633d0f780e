//! The engine against queueing theory, judged with batch-means confidence intervals.
#![cfg(not(target_arch = "wasm32"))]

use faultline::sim::time::from_secs;
use faultline::sim::{models, theory, Simulation};

/// Student t quantile t(0.995, 19): two-sided 99 % interval with 20 batches.
const T_99_19: f64 = 2.861;
const BATCHES: usize = 20;

struct Interval {
    mean: f64,
    half_width: f64,
}

impl Interval {
    fn of(xs: &[f64]) -> Interval {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
        Interval {
            mean,
            half_width: T_99_19 * (var / n).sqrt(),
        }
    }
    fn contains(&self, x: f64) -> bool {
        (x - self.mean).abs() <= self.half_width
    }
}

/// Runs the model for a warm-up, then `BATCHES` consecutive batches of `batch_s` simulated seconds;
/// returns per-batch (mean wait in s, fraction that waited, fraction blocked).
fn batch_means(
    c: u32,
    rho: f64,
    k: Option<u32>,
    seed: u64,
    warmup_s: f64,
    batch_s: f64,
) -> Vec<(f64, f64, f64)> {
    let mut s = models::mmc(c, rho, seed, k);
    s.duration_s = warmup_s + batch_s * BATCHES as f64 + 1.0;
    let mut sim = Simulation::new(s).expect("valid model");
    sim.step_until(from_secs(warmup_s));
    let snap = |sim: &Simulation| {
        let st = sim.service_stats(0);
        (
            st.wait_sum_ns,
            st.started,
            st.waited,
            st.arrivals,
            st.rejected,
        )
    };
    let mut prev = snap(&sim);
    let mut out = Vec::new();
    for b in 1..=BATCHES {
        sim.step_until(from_secs(warmup_s + batch_s * b as f64));
        let cur = snap(&sim);
        let started = (cur.1 - prev.1) as f64;
        let arrivals = (cur.3 - prev.3) as f64;
        out.push((
            (cur.0 - prev.0) / started / 1e9,
            (cur.2 - prev.2) as f64 / started,
            (cur.4 - prev.4) as f64 / arrivals,
        ));
        prev = cur;
    }
    out
}

#[test]
fn mmc_wait_and_probability_of_waiting_match_erlang_c() {
    // (servers, utilisation, batch length in simulated seconds)
    for (c, rho, batch_s) in [
        (1, 0.5, 20_000.0),
        (2, 0.8, 30_000.0),
        (10, 0.7, 5_000.0),
        (50, 0.9, 5_000.0),
    ] {
        let lambda = rho * c as f64;
        let batches = batch_means(c, rho, None, 11, 500.0, batch_s);
        let wait = Interval::of(&batches.iter().map(|b| b.0).collect::<Vec<_>>());
        let pwait = Interval::of(&batches.iter().map(|b| b.1).collect::<Vec<_>>());
        let want_wait = theory::mmc_mean_wait(c, lambda, 1.0);
        let want_p = theory::erlang_c(c, lambda);
        assert!(
            wait.contains(want_wait),
            "M/M/{c} rho={rho}: mean wait {:.5} ± {:.5} s, Erlang C says {want_wait:.5}",
            wait.mean,
            wait.half_width
        );
        assert!(
            pwait.contains(want_p),
            "M/M/{c} rho={rho}: P(wait) {:.5} ± {:.5}, Erlang C says {want_p:.5}",
            pwait.mean,
            pwait.half_width
        );
        // the interval must be informative, not a tolerance wide enough to pass anything
        assert!(
            wait.half_width < 0.1 * want_wait,
            "M/M/{c}: interval too wide ({:.5})",
            wait.half_width
        );
        assert!(
            pwait.half_width < 0.05,
            "M/M/{c}: interval too wide ({:.5})",
            pwait.half_width
        );
    }
}

#[test]
fn mmck_blocking_probability_matches_theory() {
    // (servers, system capacity K, offered load per server)
    for (c, k, rho) in [(1, 5, 0.8), (5, 10, 1.0), (3, 3, 0.9), (10, 15, 1.3)] {
        let batches = batch_means(c, rho, Some(k), 5, 200.0, 10_000.0);
        let blocked = Interval::of(&batches.iter().map(|b| b.2).collect::<Vec<_>>());
        let want = theory::mmck_blocking(c, k, rho * c as f64);
        assert!(
            blocked.contains(want),
            "M/M/{c}/{k} rho={rho}: blocking {:.5} ± {:.5}, theory {want:.5}",
            blocked.mean,
            blocked.half_width
        );
        assert!(
            blocked.half_width < 0.1 * want,
            "M/M/{c}/{k}: interval too wide"
        );
    }
}

#[test]
fn littles_law_holds_on_the_report() {
    for (c, rho) in [(1, 0.6), (8, 0.85)] {
        let mut s = models::mmc(c, rho, 3, None);
        s.duration_s = 50_000.0;
        let mut sim = Simulation::new(s).expect("valid");
        sim.run();
        let r = sim.report();
        let svc = &r.services[0];
        let l = svc.mean_in_system;
        let lambda_w = svc.throughput_per_s * svc.mean_response_ms / 1000.0;
        assert!(
            (l - lambda_w).abs() / l < 0.005,
            "M/M/{c}: L = {l:.4} but λW = {lambda_w:.4}"
        );
        // and the utilisation is the offered load
        assert!(
            (svc.utilisation - rho).abs() < 0.01,
            "utilisation {}",
            svc.utilisation
        );
    }
}
