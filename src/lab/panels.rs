//! The breaker panels' markup: for every breaker, its state-machine diagram (the current state
//! marked by shape and text), its window as cells and its rates against their thresholds. The
//! lab patches these strings into the page a few times a second (`ui::lab::breaker`), rather than
//! building a reactive view per panel, which would cost far more code in the first load; the
//! playground draws the same diagram.

use crate::lab::fmt::fmt_fixed;
use crate::sim::patterns::circuit_breaker::{Limits, MetricsSnapshot, State};
use std::fmt::Write;

/// One breaker as the panels show it.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakerRow {
    /// The edge, `caller->callee`.
    pub edge: String,
    /// Its state now.
    pub state: State,
    /// Its counters now.
    pub metrics: MetricsSnapshot,
    /// What the counters are judged against.
    pub limits: Limits,
}

/// Escapes text for markup.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The state machine as SVG markup: CLOSED, OPEN and HALF_OPEN with their transitions, and the
/// special states below; the current state is outlined thickly, marked ▶ and named in the label.
pub fn state_machine_svg(state: State) -> String {
    let mut out = format!(
        r#"<svg class="state-machine" viewBox="0 0 420 150" role="img" aria-label="Breaker state machine, now {}">"#,
        state.as_str()
    );
    let nodes = [
        (State::Closed, 0, 10),
        (State::Open, 150, 10),
        (State::HalfOpen, 300, 10),
        (State::Disabled, 0, 100),
        (State::ForcedOpen, 150, 100),
        (State::MetricsOnly, 300, 100),
    ];
    for (s, x, y) in nodes {
        let on = s == state;
        let _ = write!(
            out,
            r#"<g class="sm-node{}{}"><rect x="{x}" y="{y}" width="120" height="36" rx="8"></rect><text x="{}" y="{}" text-anchor="middle">{}{}</text></g>"#,
            if on { " on" } else { "" },
            if y > 10 { " special" } else { "" },
            x + 60,
            y + 23,
            if on { "▶ " } else { "" },
            s.as_str()
        );
    }
    out.push_str(concat!(
        r#"<text x="135" y="62" class="sm-edge" text-anchor="middle">rate ≥ threshold →</text>"#,
        r#"<text x="285" y="62" class="sm-edge" text-anchor="middle">wait over →</text>"#,
        r#"<text x="210" y="76" class="sm-edge" text-anchor="middle">half-open: trials pass → CLOSED · fail → OPEN</text>"#,
        r#"<text x="210" y="94" class="sm-edge" text-anchor="middle">special states, set by hand:</text></svg>"#
    ));
    out
}

fn rate_text(out: &mut String, what: &str, rate: f32, limit: Option<f32>) {
    let _ = write!(out, "<p>{what} ");
    if rate < 0.0 {
        out.push_str("– (too few calls yet)");
    } else {
        out.push_str(&fmt_fixed(f64::from(rate), 0));
        out.push_str(" %");
    }
    if let Some(l) = limit {
        let _ = write!(out, " · opens at ≥ {} %", fmt_fixed(f64::from(l), 0));
    }
    out.push_str("</p>");
}

/// The window as cells — failed ✗, slow ◷, the other recorded calls ✓, then empty places
/// (counts, not the order the calls came in) — and the rates against their thresholds. Large
/// time-based windows are told by their counts only.
pub fn stats_html(m: &MetricsSnapshot, limits: &Limits) -> String {
    let mut out = format!(
        "<p>{} calls in the window: {} failed, {} slow",
        m.buffered, m.failed, m.slow
    );
    if let Some(n) = limits.consecutive_failures {
        let _ = write!(out, " · opens after {n} failures in a row");
    }
    out.push_str("</p>");
    let size = limits.window_calls.map(u64::from).unwrap_or(m.buffered);
    if size <= 100 {
        let failed = m.failed.min(m.buffered);
        let slow = m.slow.min(m.buffered - failed);
        let ok = m.buffered - failed - slow;
        let empty = size.saturating_sub(m.buffered);
        out.push_str(r#"<div class="pg-window" aria-hidden="true">"#);
        for (n, class, mark) in [
            (failed, "cell bad", "✗"),
            (slow, "cell slow", "◷"),
            (ok, "cell ok", "✓"),
            (empty, "cell", "·"),
        ] {
            for _ in 0..n {
                let _ = write!(out, r#"<span class="{class}">{mark}</span>"#);
            }
        }
        out.push_str("</div>");
    }
    if limits.failure_rate_pct.is_some() || m.failure_rate >= 0.0 {
        rate_text(
            &mut out,
            "Failure rate",
            m.failure_rate,
            limits.failure_rate_pct,
        );
    }
    if let Some(l) = limits.slow_call_rate_pct {
        rate_text(&mut out, "Slow-call rate", m.slow_call_rate, Some(l));
    }
    out
}

pub fn panel_html(i: usize, r: &BreakerRow) -> String {
    format!(
        r#"<section class="breaker-panel" data-edge="{}"><h3>{}</h3><div class="bp-sm" data-i="{i}">{}</div><div class="bp-stats" data-i="{i}">{}</div></section>"#,
        escape(&r.edge),
        escape(&r.edge.replace("->", " → ")),
        state_machine_svg(r.state),
        stats_html(&r.metrics, &r.limits)
    )
}

/// The worker-pool table: per service (name, busy fraction, mean queue, workers), the busy
/// share in words and as `data-busy` on the cell with `data-testid="pool-NAME"`; pools over
/// 80 % busy are marked ▲ as well as highlighted.
pub fn pools_html(services: &[(String, f64, f64, u32)]) -> String {
    let mut out = String::from(
        r#"<table class="pools"><caption>Worker pools (last second)</caption><thead><tr><th scope="col">Service</th><th scope="col">Busy</th><th scope="col">Queue</th></tr></thead><tbody>"#,
    );
    for (name, busy, queue, workers) in services {
        let hot = *busy > 0.8;
        let name = escape(name);
        let _ = write!(
            out,
            r#"<tr class="{}"><th scope="row">{name}</th><td data-testid="pool-{name}" data-busy="{}">{}% of {workers}{}</td><td>{}</td></tr>"#,
            if hot { "hot" } else { "" },
            fmt_fixed(*busy, 3),
            fmt_fixed(busy * 100.0, 0),
            if hot { " ▲" } else { "" },
            fmt_fixed(*queue, 1)
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// The breakers at a glance: per breaker its state by text and shape (● closed, ◐ half-open,
/// ○ otherwise) in the cell with `data-testid="breaker-state"` and `data-edge`, and its failure
/// rate. Empty without breakers.
pub fn breakers_html(rows: &[BreakerRow]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        r#"<table class="pools"><caption>Circuit breakers</caption><thead><tr><th scope="col">Call</th><th scope="col">State</th><th scope="col">Failure rate</th></tr></thead><tbody>"#,
    );
    for r in rows {
        let state = r.state.as_str();
        let mark = match r.state {
            State::Closed => "●",
            State::HalfOpen => "◐",
            _ => "○",
        };
        let rate = if r.metrics.failure_rate < 0.0 {
            "–".to_string()
        } else {
            fmt_fixed(f64::from(r.metrics.failure_rate), 0) + "%"
        };
        let _ = write!(
            out,
            r#"<tr class="{}"><th scope="row">{}</th><td data-testid="breaker-state" data-edge="{}">{mark} {state}</td><td>{rate}</td></tr>"#,
            if r.state == State::Closed { "" } else { "hot" },
            escape(&r.edge.replace("->", " → ")),
            escape(&r.edge),
        );
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diagram_marks_the_current_state_only() {
        let svg = state_machine_svg(State::HalfOpen);
        assert!(svg.contains("now HALF_OPEN"));
        assert_eq!(svg.matches("sm-node on").count(), 1);
        assert!(svg.contains("▶ HALF_OPEN"));
        assert!(!svg.contains("▶ CLOSED"));
    }

    #[test]
    fn the_window_is_drawn_as_cells_with_the_rates_against_their_thresholds() {
        let m = MetricsSnapshot {
            failure_rate: 60.0,
            slow_call_rate: 0.0,
            buffered: 5,
            failed: 3,
            slow: 0,
            not_permitted: 0,
        };
        let limits = Limits {
            failure_rate_pct: Some(50.0),
            slow_call_rate_pct: Some(100.0),
            window_calls: Some(10),
            consecutive_failures: None,
        };
        let html = stats_html(&m, &limits);
        assert_eq!(html.matches("cell bad").count(), 3);
        assert_eq!(html.matches("cell ok").count(), 2);
        assert_eq!(html.matches(r#"class="cell""#).count(), 5);
        assert!(html.contains("Failure rate 60 % · opens at ≥ 50 %"));
        assert!(html.contains("Slow-call rate 0 % · opens at ≥ 100 %"));
        let below = MetricsSnapshot {
            failure_rate: -1.0,
            ..m
        };
        assert!(stats_html(&below, &limits).contains("Failure rate – (too few calls yet)"));
    }

    #[test]
    fn a_panel_names_its_edge_escaped() {
        let r = BreakerRow {
            edge: "a<b->c".into(),
            state: State::Open,
            metrics: MetricsSnapshot {
                failure_rate: -1.0,
                slow_call_rate: -1.0,
                buffered: 0,
                failed: 0,
                slow: 0,
                not_permitted: 0,
            },
            limits: Limits {
                failure_rate_pct: None,
                slow_call_rate_pct: None,
                window_calls: None,
                consecutive_failures: Some(5),
            },
        };
        let html = panel_html(0, &r);
        assert!(html.contains(r#"data-edge="a&lt;b-&gt;c""#));
        assert!(html.contains("a&lt;b → c"));
        assert!(html.contains("opens after 5 failures in a row"));
        assert!(html.contains("now OPEN"));
    }

    #[test]
    fn the_glance_tables_carry_the_test_hooks() {
        let pools = pools_html(&[
            ("frontend".into(), 0.96, 3.25, 50),
            ("db".into(), 0.5, 0.0, 4),
        ]);
        assert!(pools.contains(r#"data-testid="pool-frontend" data-busy="0.960">96% of 50 ▲"#));
        assert!(pools.contains(r#"<tr class="hot"><th scope="row">frontend"#));
        assert!(pools.contains(r#"data-busy="0.500">50% of 4</td><td>0.0</td>"#));
        let m = MetricsSnapshot {
            failure_rate: 75.0,
            slow_call_rate: -1.0,
            buffered: 4,
            failed: 3,
            slow: 0,
            not_permitted: 2,
        };
        let limits = Limits {
            failure_rate_pct: Some(50.0),
            slow_call_rate_pct: None,
            window_calls: None,
            consecutive_failures: None,
        };
        let row = |edge: &str, state| BreakerRow {
            edge: edge.into(),
            state,
            metrics: m,
            limits,
        };
        let html = breakers_html(&[
            row("frontend->inventory", State::Open),
            row("a->b", State::HalfOpen),
        ]);
        assert!(html.contains(r#"data-testid="breaker-state" data-edge="frontend-&gt;inventory">○ OPEN</td><td>75%</td>"#));
        assert!(html.contains("◐ HALF_OPEN"));
        assert!(html.contains("frontend → inventory"));
        assert_eq!(breakers_html(&[]), "");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
