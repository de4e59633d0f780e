//! Knobs: the parameters a preset exposes, each with a unit, a range and a one-line hint, and
//! how a set of knob values turns into a scenario.

use crate::sim::scenario::{Latency, Load, Scenario};

/// One adjustable parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Knob {
    /// Stable id used in URLs, e.g. `rate.shoppers` or `latency.inventory`.
    pub id: String,
    /// Label shown next to the slider.
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
}

/// The knobs a scenario exposes: each open-loop client's rate, each service's workers and a
/// latency multiplier, and each call's timeout.
pub fn knobs_for(s: &Scenario) -> Vec<Knob> {
    let mut k = Vec::new();
    for c in &s.clients {
        if let Load::Open { rate_per_s, .. } = c.load {
            k.push(Knob {
                id: format!("rate.{}", c.name),
                label: format!("{} load", c.name),
                unit: "req/s",
                hint: format!(
                    "Requests per second sent by {} (before any rate phase).",
                    c.name
                ),
                min: 0.0,
                max: (rate_per_s * 5.0).max(10.0).round(),
                step: 1.0,
                default: rate_per_s,
            });
        }
    }
    for svc in &s.services {
        k.push(Knob {
            id: format!("workers.{}", svc.name),
            label: format!("{} workers", svc.name),
            unit: "threads",
            hint: "Worker threads per replica; a worker stays busy while it waits on calls.".into(),
            min: 1.0,
            max: (svc.workers as f64 * 4.0).clamp(8.0, 400.0),
            step: 1.0,
            default: svc.workers as f64,
        });
        k.push(Knob {
            id: format!("latency.{}", svc.name),
            label: format!("{} latency", svc.name),
            unit: "×",
            hint: format!(
                "Multiplies {}'s own work time (mean now {:.1} ms).",
                svc.name,
                svc.latency.mean_ms()
            ),
            min: 0.1,
            max: 50.0,
            step: 0.1,
            default: 1.0,
        });
        for c in &svc.calls {
            if let Some(t) = c.timeout_ms {
                k.push(Knob {
                    id: format!("timeout.{}->{}", svc.name, c.to),
                    label: format!("timeout {} → {}", svc.name, c.to),
                    unit: "ms",
                    hint: "How long the caller waits before giving up on this call.".into(),
                    min: 10.0,
                    max: (t * 10.0).max(1000.0),
                    step: 10.0,
                    default: t,
                });
            }
        }
    }
    k
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
                "{id}: must be between {} and {}, got {v}",
                knob.min, knob.max
            ));
        }
        let (kind, rest) = id.split_once('.').unwrap_or((id.as_str(), ""));
        match kind {
            "rate" => {
                if let Some(c) = s.clients.iter_mut().find(|c| c.name == rest) {
                    if let Load::Open { rate_per_s, .. } = &mut c.load {
                        *rate_per_s = *v;
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
                    svc.latency = scaled(&svc.latency, *v);
                }
            }
            "timeout" => {
                let (from, to) = rest.split_once("->").unwrap_or((rest, ""));
                if let Some(svc) = s.services.iter_mut().find(|x| x.name == from) {
                    if let Some(c) = svc.calls.iter_mut().find(|c| c.to == to) {
                        c.timeout_ms = Some(*v);
                    }
                }
            }
            _ => return Err(format!("“{id}” is not a knob of this preset")),
        }
    }
    s.validate().map_err(|e| e.to_string())?;
    Ok(s)
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
    use crate::lab::presets;

    #[test]
    fn the_shop_exposes_load_workers_latency_and_timeouts() {
        let s = presets::scenario("shop").expect("preset");
        let ids: Vec<String> = knobs_for(&s).into_iter().map(|k| k.id).collect();
        for id in [
            "rate.shoppers",
            "workers.frontend",
            "latency.inventory",
            "timeout.frontend->inventory",
        ] {
            assert!(ids.iter().any(|x| x == id), "missing {id} in {ids:?}");
        }
        // closed-loop clients have no rate knob
        assert!(!ids.iter().any(|x| x == "rate.mobile"));
    }

    #[test]
    fn applying_knobs_changes_exactly_those_parameters() {
        let base = presets::scenario("shop").expect("preset");
        let s = apply(
            &base,
            &[
                ("latency.inventory".into(), 10.0),
                ("workers.frontend".into(), 80.0),
                ("timeout.frontend->inventory".into(), 500.0),
            ],
        )
        .expect("valid");
        let inv = s
            .services
            .iter()
            .find(|x| x.name == "inventory")
            .expect("inventory");
        let base_inv = base
            .services
            .iter()
            .find(|x| x.name == "inventory")
            .expect("inventory");
        assert!((inv.latency.mean_ms() - 10.0 * base_inv.latency.mean_ms()).abs() < 1e-9);
        assert_eq!(s.services[0].workers, 80);
        assert_eq!(s.services[0].calls[2].timeout_ms, Some(500.0));
        assert_eq!(s.services[1], base.services[1]);
    }

    #[test]
    fn bad_knob_values_are_named() {
        let base = presets::scenario("shop").expect("preset");
        let e = apply(&base, &[("workers.frontend".into(), 0.0)]).expect_err("too small");
        assert!(e.starts_with("workers.frontend: must be between 1"), "{e}");
        let e = apply(&base, &[("speed.x".into(), 1.0)]).expect_err("unknown");
        assert!(e.contains("“speed.x” is not a knob"), "{e}");
    }
}
