//! The trace view's plain logic: the requests one can pick, and one request's spans laid out as
//! a waterfall (rows by start time, indented by depth in the call tree, times relative to the
//! user's request).

use crate::sim::engine::Outcome;
use crate::sim::metrics::Span;

/// One row of the waterfall.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// "caller → callee", with the attempt when it is a retry or a hedge.
    pub label: String,
    /// Depth in the call tree (0: the user's call).
    pub depth: usize,
    /// Sent, ms after the user's request started.
    pub start_ms: f64,
    /// Reached the callee, ms (absent if it never did).
    pub arrived_ms: Option<f64>,
    /// A worker started on it, ms.
    pub started_ms: Option<f64>,
    /// The caller learned the outcome, ms.
    pub end_ms: f64,
    /// That outcome.
    pub outcome: Outcome,
}

/// The outcome in words.
pub fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok => "ok",
        Outcome::Error => "error",
        Outcome::Timeout => "timed out",
        Outcome::Rejected => "rejected",
    }
}

/// Correlation ids of the latest traced requests, newest first, at most `n`.
pub fn recent(spans: impl DoubleEndedIterator<Item = u64>, n: usize) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::new();
    for c in spans.rev() {
        if !out.contains(&c) {
            out.push(c);
            if out.len() == n {
                break;
            }
        }
    }
    out
}

/// Lays out the spans of one request. `edge_name(i)` gives "caller->callee" for edge `i`.
pub fn waterfall(spans: &[Span], edge_name: impl Fn(u32) -> String) -> Vec<Row> {
    let mut spans: Vec<&Span> = spans.iter().collect();
    spans.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
    let Some(t0) = spans.first().map(|s| s.start_ms) else {
        return Vec::new();
    };
    // depth: how many callers up the chain until a caller that is no service's callee
    let names: Vec<(String, String)> = spans
        .iter()
        .map(|s| {
            let n = edge_name(s.edge);
            let (a, b) = n.split_once("->").unwrap_or((n.as_str(), ""));
            (a.to_string(), b.to_string())
        })
        .collect();
    let depth_of = |caller: &str| {
        let mut d = 0;
        let mut cur = caller.to_string();
        while let Some((from, _)) = names.iter().find(|(_, to)| *to == cur) {
            d += 1;
            cur = from.clone();
            if d > 32 {
                break;
            }
        }
        d
    };
    spans
        .iter()
        .zip(&names)
        .map(|(s, (from, to))| Row {
            label: if s.attempt > 1 {
                format!("{from} → {to} (attempt {})", s.attempt)
            } else {
                format!("{from} → {to}")
            },
            depth: depth_of(from),
            start_ms: s.start_ms - t0,
            arrived_ms: s.arrived_ms.map(|t| t - t0),
            started_ms: s.started_ms.map(|t| t - t0),
            end_ms: s.end_ms - t0,
            outcome: s.outcome,
        })
        .collect()
}

/// The picker's options' markup: a prompt, then the recent requests, `picked` selected (it stays
/// listed while it is still traced).
pub fn options_html(recent: &[u64], picked: Option<u64>) -> String {
    let mut out = String::from(r#"<option value="">choose one…</option>"#);
    let listed = picked.filter(|p| !recent.contains(p));
    for c in listed.iter().chain(recent) {
        let sel = if Some(*c) == picked { " selected" } else { "" };
        out.push_str(&format!(
            r#"<option value="{c}"{sel}>request #{c}</option>"#
        ));
    }
    out
}

/// The waterfall as a table's markup (the lab patches it into the page): a row per span with its
/// call, its outcome in words and a bar from its start to its end; a failed call's bar is hatched.
pub fn waterfall_html(rows: &[Row]) -> String {
    use crate::lab::fmt::fmt_fixed;
    use crate::lab::panels::escape;
    use std::fmt::Write;
    let end = rows.iter().map(|r| r.end_ms).fold(1.0, f64::max);
    let pct = |t: f64| fmt_fixed(100.0 * t / end, 2) + "%";
    let mut out = String::from(
        r#"<table class="waterfall" data-testid="waterfall"><thead><tr><th scope="col">call</th><th scope="col">outcome</th><th scope="col">time</th></tr></thead><tbody>"#,
    );
    for r in rows {
        let _ = write!(
            out,
            r#"<tr><th scope="row" style="padding-left:{}em">{}</th><td>{}</td><td class="bar-cell"><span class="bar{}" style="margin-left:{};width:{}"></span><span class="muted">{}–{} ms</span></td></tr>"#,
            r.depth,
            escape(&r.label),
            outcome_text(r.outcome),
            if r.outcome == Outcome::Ok { "" } else { " bad" },
            pct(r.start_ms),
            pct((r.end_ms - r.start_ms).max(end * 0.005)),
            fmt_fixed(r.start_ms, 1),
            fmt_fixed(r.end_ms, 1),
        );
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(corr: u64, edge: u32, attempt: u8, start: f64, end: f64, o: Outcome) -> Span {
        Span {
            corr,
            edge,
            attempt,
            replica: Some(0),
            start_ms: start,
            arrived_ms: Some(start + 1.0),
            started_ms: Some(start + 2.0),
            end_ms: end,
            outcome: o,
        }
    }

    #[test]
    fn rows_are_relative_ordered_and_indented() {
        let names = ["users->front", "front->db"];
        let spans = vec![
            span(7, 1, 2, 130.0, 140.0, Outcome::Ok),
            span(7, 0, 1, 100.0, 150.0, Outcome::Ok),
            span(7, 1, 1, 110.0, 120.0, Outcome::Timeout),
        ];
        let rows = waterfall(&spans, |i| names[i as usize].to_string());
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].label, "users → front");
        assert_eq!(rows[0].depth, 0);
        assert_eq!(rows[1].label, "front → db");
        assert_eq!(rows[1].depth, 1);
        assert_eq!(rows[1].start_ms, 10.0);
        assert_eq!(rows[2].label, "front → db (attempt 2)");
        assert_eq!(rows[2].end_ms, 40.0);
        assert_eq!(outcome_text(rows[1].outcome), "timed out");
    }

    #[test]
    fn the_waterfall_markup_has_a_row_per_span_and_hatches_failures() {
        let rows = vec![
            Row {
                label: "client → a".into(),
                depth: 0,
                start_ms: 0.0,
                arrived_ms: Some(1.0),
                started_ms: Some(1.0),
                end_ms: 40.0,
                outcome: Outcome::Ok,
            },
            Row {
                label: "a → <b>".into(),
                depth: 1,
                start_ms: 10.0,
                arrived_ms: None,
                started_ms: None,
                end_ms: 30.0,
                outcome: Outcome::Timeout,
            },
        ];
        let html = waterfall_html(&rows);
        assert_eq!(html.matches("<tr>").count(), 3);
        assert!(html.contains("a → &lt;b&gt;"));
        assert!(html.contains(r#"class="bar bad" style="margin-left:25.00%;width:50.00%""#));
        assert!(html.contains("timed out"));
        assert!(html.contains("10.0–30.0 ms"));
    }

    #[test]
    fn the_picked_request_stays_listed_and_selected() {
        let html = options_html(&[9, 8], Some(3));
        assert_eq!(html.matches("<option").count(), 4);
        assert!(html.contains(r#"<option value="3" selected>request #3</option>"#));
        assert!(!options_html(&[9, 8], None).contains("selected"));
    }

    #[test]
    fn recent_requests_newest_first_without_repeats() {
        assert_eq!(recent([1, 1, 2, 3, 3, 2].into_iter(), 2), vec![2, 3]);
        assert_eq!(recent(std::iter::empty(), 5), Vec::<u64>::new());
    }
}
