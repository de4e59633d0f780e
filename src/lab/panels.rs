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
    fn markup_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
