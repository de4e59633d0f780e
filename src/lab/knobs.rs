//! Knobs: the parameters a preset exposes, each with a unit, a range and a one-line hint, and
//! how a set of knob values turns into a scenario.
//!
//! A knob id names what it changes, so it reads well in a URL: `rate.shoppers`,
//! `workers.frontend`, `latency.inventory`, `timeout.frontend->inventory`,
//! `retries.l1->l2`, `fault.0.len`. Knobs are found from the scenario itself — every open-loop
//! client has a load knob, every call with a retry policy has retry knobs, and so on — so any
//! preset or loaded file gets the knobs that make sense for it. Values are applied by changing
//! the scenario's fields directly (no JSON round trip: the web bundle stays small).

use crate::sim::patterns::backoff::BackoffStrategy;
use crate::sim::patterns::retry::RetryBudgetSpec;
use crate::sim::scenario::{CallSpec, Fault, Latency, Load, RetryScope, Scenario};

/// One adjustable parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Knob {
    /// Stable id used in URLs, e.g. `rate.shoppers` or `latency.inventory`.
    pub id: String,
    /// Label shown next to the control.
    pub label: String,
    /// Unit shown after the value.
    pub unit: &'static str,
    /// One-line hint.
    pub hint: String,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Slider step.
    pub step: f64,
    /// The preset's value.
    pub default: f64,
    /// For a choice between named options: their names (the value is the index).
    pub choices: Option<&'static [&'static str]>,
    /// Which group of the knob panel it belongs to.
    pub group: Group,
}

/// The knob panel's sections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Arrival rates.
    Load,
    /// Pools, latencies, error rates.
    Services,
    /// Timeouts, retries, budgets, breakers, bulkheads.
    Patterns,
    /// The fault timeline.
    Faults,
}

impl Group {
    /// Section heading.
    pub fn title(self) -> &'static str {
        match self {
            Group::Load => "Load",
            Group::Services => "Services",
            Group::Patterns => "Resilience patterns",
            Group::Faults => "Fault timeline",
        }
    }
}

/// Names of the backoff choices, in index order.
pub const BACKOFFS: &[&str] = &[
    "none",
    "constant",
    "exponential",
    "full jitter",
    "equal jitter",
    "decorrelated jitter",
];

/// Names of the retry-scope choices.
pub const SCOPES: &[&str] = &["every layer", "one layer"];

fn knob(id: String, label: String, unit: &'static str, hint: String) -> Knob {
    Knob {
        id,
        label,
        unit,
        hint,
        min: 0.0,
        max: 1.0,
        step: 1.0,
        default: 0.0,
        choices: None,
        group: Group::Patterns,
    }
}

impl Knob {
    fn range(mut self, min: f64, max: f64, step: f64, default: f64) -> Knob {
        self.min = min;
        self.max = max;
        self.step = step;
        self.default = default;
        self
    }
    fn in_group(mut self, g: Group) -> Knob {
        self.group = g;
        self
    }
    fn choose(mut self, names: &'static [&'static str], default: usize) -> Knob {
        self.choices = Some(names);
        self.min = 0.0;
        self.max = (names.len() - 1) as f64;
        self.step = 1.0;
        self.default = default as f64;
        self
    }

    /// The value as shown: a choice's name, or the number with its unit.
    pub fn show(&self, v: f64) -> String {
        match self.choices {
            Some(names) => names.get(v as usize).copied().unwrap_or("?").to_string(),
            None if self.step >= 1.0 => format!("{} {}", v.round(), self.unit),
            None => format!("{} {}", (v * 10.0).round() / 10.0, self.unit),
        }
    }
}

fn backoff_index(b: &BackoffStrategy) -> usize {
    match b {
        BackoffStrategy::None => 0,
        BackoffStrategy::Constant { .. } => 1,
        BackoffStrategy::Exponential { .. } => 2,
        BackoffStrategy::FullJitter { .. } | BackoffStrategy::PollyV2 { .. } => 3,
        BackoffStrategy::EqualJitter { .. } => 4,
        BackoffStrategy::DecorrelatedJitter { .. } => 5,
    }
}

fn backoff_base_cap(b: &BackoffStrategy) -> (f64, f64) {
    match *b {
        BackoffStrategy::None => (20.0, 2000.0),
        BackoffStrategy::Constant { base_ms } => (base_ms, 2000.0_f64.max(base_ms)),
        BackoffStrategy::Exponential { base_ms, cap_ms }
        | BackoffStrategy::FullJitter { base_ms, cap_ms }
        | BackoffStrategy::EqualJitter { base_ms, cap_ms }
        | BackoffStrategy::DecorrelatedJitter { base_ms, cap_ms } => (base_ms, cap_ms),
        BackoffStrategy::PollyV2 {
            base_ms,
            max_delay_ms,
        } => (base_ms, max_delay_ms.unwrap_or(2000.0)),
    }
}

fn backoff_of(index: usize, base_ms: f64, cap_ms: f64) -> BackoffStrategy {
    match index {
        0 => BackoffStrategy::None,
        1 => BackoffStrategy::Constant { base_ms },
        2 => BackoffStrategy::Exponential { base_ms, cap_ms },
        3 => BackoffStrategy::FullJitter { base_ms, cap_ms },
        4 => BackoffStrategy::EqualJitter { base_ms, cap_ms },
        _ => BackoffStrategy::DecorrelatedJitter { base_ms, cap_ms },
    }
}

/// Every call of the scenario with its caller's name: clients' calls first.
fn calls(s: &Scenario) -> Vec<(String, &CallSpec)> {
    let mut v: Vec<(String, &CallSpec)> = s
        .clients
        .iter()
        .map(|c| (c.name.clone(), &c.call))
        .collect();
    for svc in &s.services {
        for c in &svc.calls {
            v.push((svc.name.clone(), c));
        }
    }
    v
}

fn call_mut<'a>(s: &'a mut Scenario, edge: &str) -> Option<&'a mut CallSpec> {
    let (from, to) = edge.split_once("->")?;
    if let Some(c) = s.clients.iter_mut().find(|c| c.name == from) {
        return (c.call.to == to).then_some(&mut c.call);
    }
    s.services
        .iter_mut()
        .find(|x| x.name == from)?
        .calls
        .iter_mut()
        .find(|c| c.to == to)
}

/// The breaker's failure-rate threshold, if the call has a Resilience4j-style breaker.
fn breaker_threshold(c: &CallSpec) -> Option<f64> {
    let b = c.breaker.as_ref()?;
    if b.get("kind").is_some_and(|k| k != "resilience4j") {
        return None;
    }
    Some(
        b.get("failure_rate_threshold")
            .and_then(|v| v.as_f64())
            .unwrap_or(50.0),
    )
}

/// The knobs a scenario exposes.
pub fn knobs_for(s: &Scenario) -> Vec<Knob> {
    let mut k = Vec::new();
    for c in &s.clients {
        if let Load::Open { rate_per_s, .. } = c.load {
            k.push(
                knob(
                    format!("rate.{}", c.name),
                    format!("{} load", c.name),
                    "req/s",
                    format!(
                        "Requests per second sent by {} (rate phases later in the run scale with it).",
                        c.name
                    ),
                )
                .range(0.0, (rate_per_s * 20.0).clamp(100.0, 20_000.0).round(), 1.0, rate_per_s)
                .in_group(Group::Load),
            );
        }
    }
    if s.clients.len() > 1
        && s.clients
            .iter()
            .all(|c| matches!(c.load, Load::Open { .. }))
    {
        k.push(
            knob(
                "rate.all".into(),
                "all clients' load".into(),
                "×",
                "Multiplies every client's arrival rate.".into(),
            )
            .range(0.1, 10.0, 0.1, 1.0)
            .in_group(Group::Load),
        );
    }
    for svc in &s.services {
        k.push(
            knob(
                format!("workers.{}", svc.name),
                format!("{} workers", svc.name),
                "threads",
                "Worker threads per replica; a worker stays busy while it waits on its calls."
                    .into(),
            )
            .range(
                1.0,
                (svc.workers as f64 * 4.0).clamp(8.0, 2000.0),
                1.0,
                svc.workers as f64,
            )
            .in_group(Group::Services),
        );
        k.push(
            knob(
                format!("latency.{}", svc.name),
                format!("{} latency", svc.name),
                "×",
                format!(
                    "Multiplies {}'s own work time (mean {} ms at ×1).",
                    svc.name,
                    (svc.latency.mean_ms() * 10.0).round() / 10.0
                ),
            )
            .range(0.1, 1000.0, 0.1, 1.0)
            .in_group(Group::Services),
        );
        k.push(
            knob(
                format!("errors.{}", svc.name),
                format!("{} error rate", svc.name),
                "%",
                format!("Percent of requests {} fails with an error.", svc.name),
            )
            .range(0.0, 100.0, 1.0, svc.error_rate * 100.0)
            .in_group(Group::Services),
        );
    }
    for (from, c) in calls(s) {
        let edge = format!("{from}->{}", c.to);
        let arrow = format!("{from} → {}", c.to);
        if let Some(t) = c.timeout_ms {
            k.push(
                knob(
                    format!("timeout.{edge}"),
                    format!("timeout {arrow}"),
                    "ms",
                    "How long the caller waits for one attempt before giving up.".into(),
                )
                .range(10.0, (t * 4.0).clamp(1000.0, 120_000.0).max(t), 10.0, t),
            );
        }
        if let Some(r) = &c.retry {
            k.push(
                knob(
                    format!("retries.{edge}"),
                    format!("attempts {arrow}"),
                    "in all",
                    "Attempts per call, counting the first: 1 means no retry.".into(),
                )
                .range(1.0, 10.0, 1.0, r.max_attempts as f64),
            );
            k.push(
                knob(
                    format!("backoff.{edge}"),
                    format!("backoff {arrow}"),
                    "",
                    "The pause before each retry; jitter spreads retries out.".into(),
                )
                .choose(BACKOFFS, backoff_index(&r.backoff)),
            );
            if let Some(RetryBudgetSpec::Ratio(b)) = &r.budget {
                k.push(
                    knob(
                        format!("budget.{edge}"),
                        format!("retry budget {arrow}"),
                        "%",
                        "Retries allowed as a percent of requests over the last 10 s.".into(),
                    )
                    .range(0.0, 100.0, 1.0, b.ratio * 100.0),
                );
            }
        }
        if let Some(t) = breaker_threshold(c) {
            k.push(
                knob(
                    format!("breaker.{edge}"),
                    format!("breaker threshold {arrow}"),
                    "%",
                    "The breaker opens when at least this percent of recent calls failed.".into(),
                )
                .range(1.0, 100.0, 1.0, t),
            );
        }
        if let Some(b) = &c.bulkhead {
            k.push(
                knob(
                    format!("bulkhead.{edge}"),
                    format!("bulkhead {arrow}"),
                    "calls",
                    "Most calls in flight at once to this dependency.".into(),
                )
                .range(1.0, 500.0, 1.0, b.max_concurrent_calls as f64),
            );
        }
    }
    if calls(s).iter().filter(|(_, c)| c.retry.is_some()).count() > 1 {
        k.push(
            knob(
                "scope".into(),
                "who retries".into(),
                "",
                "Every layer with a retry policy, or only the first one a request meets.".into(),
            )
            .choose(SCOPES, usize::from(s.retry_scope == RetryScope::OneLayer)),
        );
    }
    for (i, f) in s.faults.iter().enumerate() {
        let what = fault_name(&f.fault);
        k.push(
            knob(
                format!("fault.{i}.at"),
                format!("{what}: starts"),
                "s",
                "When the fault begins.".into(),
            )
            .range(0.0, s.duration_s, 1.0, f.at_s)
            .in_group(Group::Faults),
        );
        if let Some(d) = f.duration_s {
            k.push(
                knob(
                    format!("fault.{i}.len"),
                    format!("{what}: lasts"),
                    "s",
                    "How long the fault lasts.".into(),
                )
                .range(1.0, s.duration_s.max(d), 1.0, d)
                .in_group(Group::Faults),
            );
        }
    }
    k
}

/// A short name for a fault.
pub fn fault_name(f: &Fault) -> String {
    match f {
        Fault::LatencySpike { service, .. } => format!("{service} slows down"),
        Fault::ErrorBurst { service, .. } => format!("{service} errors"),
        Fault::Crash { service, .. } => format!("{service} crashes"),
        Fault::Restart { service, .. } => format!("{service} restarts"),
        Fault::Partition { .. } => "partition".into(),
        Fault::ReplyLoss { service, .. } => format!("{service} loses replies"),
        Fault::PacketLoss { .. } => "packet loss".into(),
    }
}

/// Applies knob values to a copy of `base`. Unknown ids and out-of-range values are errors that
/// name the knob; the result is validated like any scenario.
pub fn apply(base: &Scenario, values: &[(String, f64)]) -> Result<Scenario, String> {
    let knobs = knobs_for(base);
    let mut s = base.clone();
    for (id, v) in values {
        let knob = knobs
            .iter()
            .find(|k| &k.id == id)
            .ok_or_else(|| format!("“{id}” is not a knob of this preset"))?;
        if !(v.is_finite() && *v >= knob.min && *v <= knob.max) {
            return Err(format!(
                "{}: must be between {} and {}, got {v}",
                knob.label, knob.min, knob.max
            ));
        }
        set(&mut s, id, *v);
    }
    s.validate().map_err(|e| e.to_string())?;
    Ok(s)
}

fn set(s: &mut Scenario, id: &str, v: f64) {
    let (kind, rest) = id.split_once('.').unwrap_or((id, ""));
    match kind {
        "rate" if rest == "all" => {
            for c in &mut s.clients {
                scale_rate(&mut c.load, v);
            }
        }
        "rate" => {
            if let Some(c) = s.clients.iter_mut().find(|c| c.name == rest) {
                if let Load::Open { rate_per_s, .. } = c.load {
                    if rate_per_s > 0.0 {
                        scale_rate(&mut c.load, v / rate_per_s);
                    } else if let Load::Open { rate_per_s, .. } = &mut c.load {
                        *rate_per_s = v;
                    }
                }
            }
        }
        "workers" => {
            if let Some(svc) = s.services.iter_mut().find(|x| x.name == rest) {
                svc.workers = v.round() as u32;
            }
        }
        "latency" => {
            if let Some(svc) = s.services.iter_mut().find(|x| x.name == rest) {
                svc.latency = scaled(&svc.latency, v);
            }
        }
        "errors" => {
            if let Some(svc) = s.services.iter_mut().find(|x| x.name == rest) {
                svc.error_rate = v / 100.0;
            }
        }
        "scope" => {
            s.retry_scope = if v >= 0.5 {
                RetryScope::OneLayer
            } else {
                RetryScope::EveryLayer
            };
        }
        "fault" => {
            let (i, part) = rest.split_once('.').unwrap_or((rest, ""));
            if let Some(f) = i.parse::<usize>().ok().and_then(|i| s.faults.get_mut(i)) {
                match part {
                    "at" => f.at_s = v,
                    "len" => f.duration_s = Some(v),
                    _ => {}
                }
            }
        }
        _ => {
            let Some(c) = call_mut(s, rest) else { return };
            match kind {
                "timeout" => c.timeout_ms = Some(v),
                "retries" => {
                    if let Some(r) = &mut c.retry {
                        r.max_attempts = v.round() as u32;
                    }
                }
                "backoff" => {
                    if let Some(r) = &mut c.retry {
                        let (base, cap) = backoff_base_cap(&r.backoff);
                        r.backoff = backoff_of(v as usize, base, cap);
                    }
                }
                "budget" => {
                    if let Some(RetryBudgetSpec::Ratio(b)) =
                        c.retry.as_mut().and_then(|r| r.budget.as_mut())
                    {
                        b.ratio = v / 100.0;
                    }
                }
                "breaker" => {
                    if let Some(serde_json::Value::Object(m)) = &mut c.breaker {
                        m.insert("failure_rate_threshold".into(), serde_json::json!(v));
                    }
                }
                "bulkhead" => {
                    if let Some(b) = &mut c.bulkhead {
                        b.max_concurrent_calls = v.round() as u32;
                    }
                }
                _ => {}
            }
        }
    }
}

/// Multiplies an open-loop client's rates (start and every phase) by `f`.
fn scale_rate(load: &mut Load, f: f64) {
    if let Load::Open { rate_per_s, phases } = load {
        *rate_per_s *= f;
        for p in phases {
            p.rate_per_s *= f;
        }
    }
}

/// The same distribution with every duration multiplied by `f`.
fn scaled(l: &Latency, f: f64) -> Latency {
    match *l {
        Latency::Constant { ms } => Latency::Constant { ms: ms * f },
        Latency::Exponential { mean_ms } => Latency::Exponential {
            mean_ms: mean_ms * f,
        },
        Latency::LogNormal { median_ms, sigma } => Latency::LogNormal {
            median_ms: median_ms * f,
            sigma,
        },
        Latency::Bimodal {
            fast_ms,
            slow_ms,
            slow_fraction,
        } => Latency::Bimodal {
            fast_ms: fast_ms * f,
            slow_ms: slow_ms * f,
            slow_fraction,
        },
        Latency::LongTail { min_ms, alpha } => Latency::LongTail {
            min_ms: min_ms * f,
            alpha,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets::{self, Variant};

    fn flash(v: Variant) -> Scenario {
        presets::find("flash-sale").unwrap().scenario(v).unwrap()
    }

    fn ids(s: &Scenario) -> Vec<String> {
        knobs_for(s).into_iter().map(|k| k.id).collect()
    }

    #[test]
    fn knobs_come_from_what_the_scenario_has() {
        let bad = ids(&flash(Variant::Bad));
        for id in [
            "rate.shoppers",
            "workers.frontend",
            "latency.inventory",
            "errors.product",
            "timeout.frontend->inventory",
            "fault.0.at",
            "fault.0.len",
        ] {
            assert!(bad.iter().any(|x| x == id), "missing {id} in {bad:?}");
        }
        let fixed = ids(&flash(Variant::Fixed));
        assert!(fixed.iter().any(|x| x == "bulkhead.frontend->inventory"));
        assert!(fixed.iter().any(|x| x == "breaker.frontend->inventory"));
        assert!(
            !fixed.iter().any(|x| x == "timeout.frontend->inventory"),
            "a deadline, not a fixed timeout"
        );
        let amp = presets::find("retry-amplification").unwrap();
        let a = ids(&amp.scenario(Variant::Fixed).unwrap());
        for id in ["retries.l1->l2", "backoff.l2->l3", "budget.l1->l2", "scope"] {
            assert!(a.iter().any(|x| x == id), "missing {id} in {a:?}");
        }
    }

    #[test]
    fn applying_knobs_changes_exactly_those_parameters() {
        let base = flash(Variant::Bad);
        let s = apply(
            &base,
            &[
                ("latency.inventory".into(), 10.0),
                ("workers.frontend".into(), 80.0),
                ("timeout.frontend->inventory".into(), 500.0),
                ("rate.shoppers".into(), 600.0),
                ("errors.product".into(), 5.0),
                ("fault.0.len".into(), 5.0),
            ],
        )
        .expect("valid");
        assert!(
            (s.services[3].latency.mean_ms() - 10.0 * base.services[3].latency.mean_ms()).abs()
                < 1e-9
        );
        assert_eq!(s.services[0].workers, 80);
        assert_eq!(s.services[0].calls[2].timeout_ms, Some(500.0));
        assert_eq!(s.services[1].error_rate, 0.05);
        assert_eq!(s.faults[0].duration_s, Some(5.0));
        // the rate and its later phase scale together
        let Load::Open { rate_per_s, phases } = &s.clients[0].load else {
            panic!()
        };
        assert_eq!(*rate_per_s, 600.0);
        assert_eq!(phases[0].rate_per_s, 1200.0);
        assert_eq!(s.services[2], base.services[2]);
    }

    #[test]
    fn pattern_knobs_change_the_patterns() {
        let base = presets::find("retry-amplification")
            .unwrap()
            .scenario(Variant::Fixed)
            .unwrap();
        let s = apply(
            &base,
            &[
                ("retries.l2->l3".into(), 5.0),
                ("backoff.l2->l3".into(), 3.0),
                ("budget.l1->l2".into(), 20.0),
                ("scope".into(), 0.0),
                ("breaker.l3->backend".into(), 25.0),
            ],
        )
        .expect("valid");
        let r = s.services[1].calls[0].retry.as_ref().unwrap();
        assert_eq!(r.max_attempts, 5);
        assert!(matches!(r.backoff, BackoffStrategy::FullJitter { .. }));
        assert_eq!(s.retry_scope, RetryScope::EveryLayer);
        let b = &s.services[2].calls[0].breaker.as_ref().unwrap()["failure_rate_threshold"];
        assert_eq!(b.as_f64(), Some(25.0));
        let Some(RetryBudgetSpec::Ratio(rb)) =
            &s.services[0].calls[0].retry.as_ref().unwrap().budget
        else {
            panic!()
        };
        assert_eq!(rb.ratio, 0.2);
    }

    #[test]
    fn bad_knob_values_are_named() {
        let base = flash(Variant::Bad);
        let e = apply(&base, &[("workers.frontend".into(), 0.0)]).expect_err("too small");
        assert!(e.starts_with("frontend workers: must be between 1"), "{e}");
        let e = apply(&base, &[("speed.x".into(), 1.0)]).expect_err("unknown");
        assert!(e.contains("“speed.x” is not a knob"), "{e}");
    }

    #[test]
    fn choices_show_their_names() {
        let base = presets::find("retry-amplification")
            .unwrap()
            .scenario(Variant::Bad)
            .unwrap();
        let k = knobs_for(&base);
        let b = k.iter().find(|k| k.id == "backoff.l1->l2").unwrap();
        assert_eq!(b.show(3.0), "full jitter");
        assert_eq!(b.default, 0.0);
        let w = k.iter().find(|k| k.id == "workers.l1").unwrap();
        assert_eq!(w.show(200.0), "200 threads");
    }
}
