//! Closed-form queueing results the engine is checked against: Erlang C (M/M/c) and the
//! blocking probability of M/M/c/K.

/// Erlang C: the probability that an arrival must wait in an M/M/c queue with `c` servers and
/// offered load `a = λ/μ` (in Erlangs, `a < c`).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    assert!(
        c > 0 && a >= 0.0 && a < c as f64,
        "erlang_c needs 0 <= a < c"
    );
    // Erlang B by the stable recurrence, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    b / (1.0 - rho + rho * b)
}

/// Mean waiting time in queue for M/M/c with arrival rate `lambda` and service rate `mu` per server.
pub fn mmc_mean_wait(c: u32, lambda: f64, mu: f64) -> f64 {
    let a = lambda / mu;
    erlang_c(c, a) / (c as f64 * mu - lambda)
}

/// Blocking probability of M/M/c/K: `c` servers, at most `k` customers in the system (k ≥ c),
/// offered load `a = λ/μ`.
pub fn mmck_blocking(c: u32, k: u32, a: f64) -> f64 {
    assert!(c > 0 && k >= c && a > 0.0);
    // Unnormalised state probabilities p_n / p_0, built by their ratios to stay finite.
    let mut term = 1.0f64;
    let mut total = 1.0f64;
    for n in 1..=k {
        term *= a / (n.min(c) as f64);
        total += term;
    }
    term / total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_known_values() {
        // One server: P(wait) = rho.
        assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
        // Two servers, a = 1: C = 1/3.
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        // Textbook value: c = 10, a = 8: C ≈ 0.409.
        assert!((erlang_c(10, 8.0) - 0.40918).abs() < 1e-4);
    }

    #[test]
    fn mm1_wait() {
        // M/M/1: Wq = rho / (mu - lambda).
        let w = mmc_mean_wait(1, 0.5, 1.0);
        assert!((w - 1.0).abs() < 1e-12);
    }

    #[test]
    fn mmck_blocking_known_values() {
        // M/M/1/1 (Erlang loss with one server): B = a/(1+a).
        assert!((mmck_blocking(1, 1, 1.0) - 0.5).abs() < 1e-12);
        // M/M/c/c is Erlang B: c = 2, a = 1 -> 1/5.
        assert!((mmck_blocking(2, 2, 1.0) - 0.2).abs() < 1e-12);
        // M/M/1/K: p_K = (1-ρ)ρ^K / (1-ρ^{K+1}).
        let rho: f64 = 0.8;
        let want = (1.0 - rho) * rho.powi(5) / (1.0 - rho.powi(6));
        assert!((mmck_blocking(1, 5, rho) - want).abs() < 1e-12);
    }
}
