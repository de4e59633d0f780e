//! The monitoring strip: the lesson's alert thresholds, evaluated on the latest time-series
//! sample. Each alert says its value and its threshold in words, so its state never depends on
//! colour alone.

use crate::lab::fmt::fmt_fixed;
use crate::sim::metrics::Sample;

/// One alert of the strip.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    /// Stable id (`breakers`, `tail`, `timeouts`, `retries`, `saturation`), for test hooks.
    pub id: &'static str,
    /// What it watches.
    pub label: &'static str,
    /// The rule, e.g. "> 5 %".
    pub rule: &'static str,
    /// The current value, formatted.
    pub value: String,
    /// Whether the rule is broken now.
    pub firing: bool,
}

fn pct(x: f64) -> String {
    fmt_fixed(x * 100.0, 0) + " %"
}

/// The five alerts for `sample` in a system of `services` services.
pub fn alerts(sample: &Sample, services: usize) -> Vec<Alert> {
    let ended = sample.ok + sample.errors + sample.timeouts + sample.rejected;
    let open = sample.breakers_open as f64 / services.max(1) as f64;
    let timeouts = if ended > 0 {
        sample.timeouts as f64 / ended as f64
    } else {
        0.0
    };
    let retries = if sample.attempts > 0 {
        sample.retries as f64 / sample.attempts as f64
    } else {
        0.0
    };
    let saturation = sample
        .services
        .iter()
        .map(|s| s.busy_fraction)
        .fold(0.0, f64::max);
    let tail = if sample.p50_ms > 0.0 {
        sample.p99_ms / sample.p50_ms
    } else {
        0.0
    };
    vec![
        Alert {
            id: "breakers",
            label: "breakers open",
            rule: "on > 10 % of services",
            value: format!("{} ({})", sample.breakers_open, pct(open)),
            firing: open > 0.10,
        },
        Alert {
            id: "tail",
            label: "tail latency",
            rule: "p99 > 2 × p50",
            value: format!("p99 = {} × p50", fmt_fixed(tail, 1)),
            firing: tail > 2.0,
        },
        Alert {
            id: "timeouts",
            label: "timeout rate",
            rule: "> 5 %",
            value: pct(timeouts),
            firing: timeouts > 0.05,
        },
        Alert {
            id: "retries",
            label: "retry rate",
            rule: "> 20 % of attempts",
            value: pct(retries),
            firing: retries > 0.20,
        },
        Alert {
            id: "saturation",
            label: "pool saturation",
            rule: "> 80 % busy",
            value: pct(saturation),
            firing: saturation > 0.80,
        },
    ]
}

/// The strip as list items' markup (the lab patches it into the page): each alert's state in a
/// mark and a word as well as a border, its value and its rule.
pub fn strip_html(alerts: &[Alert]) -> String {
    use crate::lab::panels::escape;
    alerts
        .iter()
        .map(|a| {
            format!(
                r#"<li class="{}" data-testid="alert-{}" data-firing="{}">{} <strong>{}</strong> {} <span class="muted">(alert {})</span></li>"#,
                if a.firing { "firing" } else { "" },
                a.id,
                a.firing,
                if a.firing { "⚠ firing:" } else { "✓" },
                a.label,
                escape(&a.value),
                escape(a.rule)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::metrics::ServiceSample;

    fn sample() -> Sample {
        Sample {
            t_s: 1.0,
            requests: 100,
            ok: 90,
            errors: 0,
            timeouts: 10,
            rejected: 0,
            p50_ms: 10.0,
            p99_ms: 15.0,
            attempts: 200,
            retries: 10,
            levels: [90, 0, 0, 10],
            duplicates: 0,
            breakers_open: 0,
            services: vec![ServiceSample {
                busy_fraction: 0.5,
                queue_length: 0.0,
                arrivals: 100,
                ok: 100,
                errors: 0,
                rejected: 0,
                p50_ms: 1.0,
                p99_ms: 2.0,
            }],
        }
    }

    #[test]
    fn each_threshold_fires_strictly_above_its_rule() {
        let mut s = sample();
        let firing = |s: &Sample, n| -> Vec<&'static str> {
            alerts(s, n)
                .into_iter()
                .filter(|a| a.firing)
                .map(|a| a.id)
                .collect()
        };
        assert_eq!(firing(&s, 10), vec!["timeouts"], "10 % timeouts");
        s.timeouts = 5;
        s.ok = 95;
        assert!(firing(&s, 10).is_empty(), "exactly 5 % does not fire");
        s.breakers_open = 2;
        s.p99_ms = 25.0;
        s.retries = 50;
        s.services[0].busy_fraction = 0.9;
        assert_eq!(
            firing(&s, 10),
            vec!["breakers", "tail", "retries", "saturation"]
        );
        s.breakers_open = 1;
        assert!(
            !firing(&s, 10).contains(&"breakers"),
            "10 % of services does not fire"
        );
    }

    #[test]
    fn the_strip_markup_tells_each_state_by_mark_and_word() {
        let html = strip_html(&alerts(&sample(), 10));
        assert_eq!(html.matches("<li").count(), 5);
        assert!(html.contains(r#"data-testid="alert-timeouts" data-firing="true">⚠ firing:"#));
        assert!(html.contains(r#"data-testid="alert-tail" data-firing="false">✓"#));
        assert!(html.contains("(alert &gt; 5 %)"));
    }

    #[test]
    fn values_are_told_in_words() {
        let a = alerts(&sample(), 4);
        assert_eq!(a[2].value, "10 %");
        assert_eq!(a[1].value, "p99 = 1.5 × p50");
    }
}
