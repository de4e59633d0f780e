//! Markup for the side-by-side view and the time scrubber: written as strings (like the other
//! lab panels) because a reactive view per line costs far more in the first load.

use super::fmt::fmt_fixed;
use super::panels::escape;
use crate::sim::patterns::circuit_breaker::State;
use std::fmt::Write;

/// One view's numbers beside its canvas, or of a recorded frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewLine {
    /// Simulated time, seconds.
    pub time_s: f64,
    /// Percent of user requests that succeeded in the last window.
    pub success_rate: Option<f64>,
    /// 99th percentile latency of the last window, ms (not recorded for replays).
    pub p99_ms: Option<f64>,
    /// Per breaker: edge name and state.
    pub breakers: Vec<(String, State)>,
}

/// `54.2%`, or `–` before the first window.
pub fn percent(v: Option<f64>) -> String {
    v.map(|v| fmt_fixed(v, 1) + "%")
        .unwrap_or_else(|| "–".into())
}

/// Breaker states as text: `frontend → inventory OPEN, …` (`no breakers` without any).
pub fn breaker_text(breakers: &[(String, State)]) -> String {
    if breakers.is_empty() {
        return "no breakers".into();
    }
    let parts: Vec<String> = breakers
        .iter()
        .map(|(edge, st)| format!("{} {}", escape(&edge.replace("->", " → ")), st.as_str()))
        .collect();
    parts.join(", ")
}

/// The title above a canvas in the side-by-side view: the variant's name, its success rate (in
/// an element with `data-testid=success_id` when given), p99 and breaker states.
pub fn stage_title_html(label: &str, line: Option<&ViewLine>, success_id: Option<&str>) -> String {
    let mut out = format!("<strong>{}</strong> · success ", escape(label));
    let rate = percent(line.and_then(|l| l.success_rate));
    match success_id {
        Some(id) => {
            let _ = write!(
                out,
                r#"<strong data-testid="{}">{rate}</strong>"#,
                escape(id)
            );
        }
        None => out.push_str(&rate),
    }
    if let Some(l) = line {
        if let Some(p99) = l.p99_ms {
            let _ = write!(out, " · p99 {} ms", fmt_fixed(p99, 0));
        }
        let _ = write!(out, " · {}", breaker_text(&l.breakers));
    }
    out
}

/// The scrubber's status line, with its test hooks (`data-testid="replay-status"`,
/// `data-replaying`, and `data-time`: the recorded frame's time while replaying).
pub fn status_html(
    replay: Option<&ViewLine>,
    twin: Option<&ViewLine>,
    span: Option<(f64, f64)>,
) -> String {
    let text = match (replay, span) {
        (Some(p), Some((a, b))) => format!(
            "Replaying t = {} s of the recorded {}–{} s · success {}{} · {}",
            fmt_fixed(p.time_s, 1),
            fmt_fixed(a, 1),
            fmt_fixed(b, 1),
            percent(p.success_rate),
            twin.map(|t| format!(" (other variant {})", percent(t.success_rate)))
                .unwrap_or_default(),
            breaker_text(&p.breakers)
        ),
        (_, Some((a, b))) => format!(
            "Live; recorded {}–{} s (drag back to replay)",
            fmt_fixed(a, 1),
            fmt_fixed(b, 1)
        ),
        _ => "Live".into(),
    };
    let time = replay
        .map(|p| format!(r#" data-time="{}""#, fmt_fixed(p.time_s, 1)))
        .unwrap_or_default();
    format!(
        r#"<span data-testid="replay-status" data-replaying="{}"{time}>{text}</span>"#,
        replay.is_some()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> ViewLine {
        ViewLine {
            time_s: 12.34,
            success_rate: Some(54.25),
            p99_ms: Some(812.4),
            breakers: vec![("frontend->inventory".into(), State::Open)],
        }
    }

    #[test]
    fn stage_titles_name_the_variant_and_its_numbers() {
        let html = stage_title_html(
            "fixed: with the patterns",
            Some(&line()),
            Some("twin-success-rate"),
        );
        assert_eq!(
            html,
            r#"<strong>fixed: with the patterns</strong> · success <strong data-testid="twin-success-rate">54.3%</strong> · p99 812 ms · frontend → inventory OPEN"#
        );
        assert_eq!(
            stage_title_html("bad: as it fails", None, None),
            "<strong>bad: as it fails</strong> · success –"
        );
    }

    #[test]
    fn the_status_tells_live_from_replay_with_its_hooks() {
        assert!(status_html(None, None, None).contains(r#"data-replaying="false">Live<"#));
        let live = status_html(None, None, Some((0.0, 30.0)));
        assert!(live.contains("Live; recorded 0.0–30.0 s"), "{live}");
        assert!(!live.contains("data-time"));
        let mut twin = line();
        twin.success_rate = Some(99.0);
        let rep = status_html(Some(&line()), Some(&twin), Some((0.0, 30.0)));
        assert!(
            rep.contains(r#"data-replaying="true" data-time="12.3""#),
            "{rep}"
        );
        assert!(rep.contains("Replaying t = 12.3 s of the recorded 0.0–30.0 s · success 54.3% (other variant 99.0%) · frontend → inventory OPEN"), "{rep}");
    }

    #[test]
    fn names_are_escaped() {
        let l = ViewLine {
            breakers: vec![("a<b->c".into(), State::Closed)],
            ..ViewLine::default()
        };
        assert_eq!(breaker_text(&l.breakers), "a&lt;b → c CLOSED");
        assert_eq!(breaker_text(&[]), "no breakers");
    }
}
