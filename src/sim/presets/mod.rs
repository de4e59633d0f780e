//! The lesson scenarios, each with a "bad" and a "fixed" variant that share the seed.
//!
//! A preset is an ordinary scenario file (the bad variant, `*.json` next to this file) plus the
//! list of changes that fix it, written as `--set PATH=VALUE` edits — so the difference between
//! the two variants is explicit, small and readable, and the command line's `--set` uses the
//! very same code ([`set`]).

use super::patterns::jitter_model::{self, JitterStrategy};
use super::patterns::quorum::{self, QuorumConfig, Replication};
use super::patterns::saga::{self, Design, SagaConfig};
use super::scenario::Scenario;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Which variant of a preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The system as it fails.
    Bad,
    /// The same system with the patterns that contain the failure.
    Fixed,
}

impl Variant {
    /// Reads `bad` or `fixed`.
    pub fn parse(s: &str) -> Option<Variant> {
        match s {
            "bad" => Some(Variant::Bad),
            "fixed" => Some(Variant::Fixed),
            _ => None,
        }
    }

    /// `bad` or `fixed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Bad => "bad",
            Variant::Fixed => "fixed",
        }
    }

    /// The other of bad and fixed (the view beside this one, side by side).
    pub fn other(self) -> Variant {
        match self {
            Variant::Bad => Variant::Fixed,
            Variant::Fixed => Variant::Bad,
        }
    }
}

mod build;

/// One lesson scenario.
#[derive(Debug)]
pub struct Preset {
    /// Stable id used in URLs and on the command line.
    pub id: &'static str,
    /// Menu label.
    pub title: &'static str,
    /// What the fix changes, in one line.
    pub fix: &'static str,
    build: fn(Variant) -> Scenario,
    edits: &'static [(&'static str, &'static str)],
}

const BREAKER: &str = r#"{"sliding_window_size": 20, "minimum_number_of_calls": 10, "failure_rate_threshold": 50, "wait_duration_in_open_state_ms": 5000, "permitted_number_of_calls_in_half_open_state": 3}"#;
const DEADLINE: &str = r#"{"kind": "deadline", "budget_ms": 800, "margin_ms": 20}"#;

/// Every engine preset, in menu order.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "flash-sale",
        title: "Flash-sale cascade",
        fix: "one 800 ms deadline shared by parallel calls, a bulkhead and a quicker breaker on inventory, fallbacks (cached stock, no reviews)",
        build: build::flash_sale,
        edits: &[
            ("clients[shoppers].call.timeout_ms", "null"),
            ("clients[shoppers].call.timeout", DEADLINE),
            ("services[frontend].call_mode", "\"parallel\""),
            ("services[frontend].calls[product].timeout_ms", "null"),
            ("services[frontend].calls[product].timeout", DEADLINE),
            ("services[frontend].calls[reviews].timeout_ms", "null"),
            ("services[frontend].calls[reviews].timeout", DEADLINE),
            ("services[frontend].calls[reviews].fallback", "\"skip\""),
            ("services[frontend].calls[inventory].timeout_ms", "null"),
            ("services[frontend].calls[inventory].timeout", DEADLINE),
            ("services[frontend].calls[inventory].fallback", "\"cached\""),
            (
                "services[frontend].calls[inventory].bulkhead",
                r#"{"max_concurrent_calls": 10, "max_wait_ms": 0}"#,
            ),
            ("services[frontend].calls[inventory].breaker", BREAKER),
        ],
    },
    Preset {
        id: "retry-amplification",
        title: "Retry amplification",
        fix: "retry at one layer only, with a 10 % retry budget, and a breaker in front of the backend",
        build: build::retry_amplification,
        edits: &[
            ("retry_scope", "\"one_layer\""),
            (
                "services[l1].calls[l2].retry.budget",
                r#"{"kind": "ratio", "ratio": 0.1}"#,
            ),
            ("services[l3].calls[backend].breaker", BREAKER),
        ],
    },
    Preset {
        id: "thundering-herd",
        title: "Thundering herd on recovery",
        fix: "jittered, growing open-state waits: the breakers probe at different moments",
        build: build::thundering_herd,
        edits: &[(
            "clients[*].call.breaker.wait_interval",
            r#"{"initial_interval_ms": 5000, "multiplier": 1.5, "randomization_factor": 0.8, "max_interval_ms": 20000}"#,
        )],
    },
    Preset {
        id: "ambiguous-failure",
        title: "Ambiguous failure",
        fix: "an idempotency key on every attempt (the callee answers repeats from its record) and a connect timeout",
        build: build::ambiguous_failure,
        edits: &[
            ("services[checkout].calls[payment].idempotency_key", "true"),
            ("services[checkout].calls[payment].connect_timeout_ms", "50"),
        ],
    },
];

/// The preset with this id.
pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The ids of every preset (engine scenarios and models), for error messages.
pub fn ids() -> String {
    PRESETS
        .iter()
        .map(|p| p.id)
        .chain(MODELS.iter().map(|m| m.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The lesson scenarios that are small models of their own rather than engine scenarios:
/// (id, title, what the fix changes).
pub const MODELS: &[(&str, &str, &str)] = &[
    (
        "lock-saga",
        "Lock held across a remote call vs saga",
        "reserve → charge (idempotency key, retries) → finalize as short local steps, with refund and cancel as compensations",
    ),
    (
        "partition-quorum",
        "Partition of a three-node store: split brain vs quorum",
        "majority quorum writes: the minority side refuses instead of diverging",
    ),
    (
        "jitter",
        "Backoff and jitter (Brooker's contention model, 100 clients)",
        "full jitter instead of plain exponential backoff",
    ),
];

/// Runs a model preset (see [`MODELS`]) and returns its report as pretty JSON. `sets` are
/// `PATH=VALUE` edits of the model's settings (e.g. `rate_per_s=50`); `seed` replaces its seed.
pub fn run_model(
    id: &str,
    variant: Variant,
    sets: &[(&str, &str)],
    seed: Option<u64>,
) -> Result<String, String> {
    fn pretty(v: &impl Serialize) -> Result<String, String> {
        serde_json::to_string_pretty(v).map_err(|e| e.to_string())
    }
    match id {
        "lock-saga" => {
            let mut c = SagaConfig::default();
            for (path, value) in sets {
                c = set_value(&c, path, value)?;
            }
            if let Some(s) = seed {
                c.seed = s;
            }
            let d = match variant {
                Variant::Bad => Design::LockAcrossCall,
                Variant::Fixed => Design::Saga,
            };
            pretty(&saga::run(&c, d)?)
        }
        "partition-quorum" => {
            let mut c = QuorumConfig::default();
            for (path, value) in sets {
                c = set_value(&c, path, value)?;
            }
            if let Some(s) = seed {
                c.seed = s;
            }
            let m = match variant {
                Variant::Bad => Replication::NoQuorum,
                Variant::Fixed => Replication::Majority,
            };
            pretty(&quorum::run(&c, m)?)
        }
        "jitter" => {
            if !sets.is_empty() {
                return Err(
                    "--preset jitter takes no --set (use faultline-cli jitter for other settings)"
                        .into(),
                );
            }
            let strategy = match variant {
                Variant::Bad => JitterStrategy::Exponential,
                Variant::Fixed => JitterStrategy::Full,
            };
            let s = jitter_model::run_trials(100, strategy, 100, seed.unwrap_or(1));
            pretty(&serde_json::json!({
                "clients": 100,
                "strategy": strategy,
                "trials": 100,
                "calls_mean": s.calls_mean,
                "calls_sd": s.calls_sd,
                "time_mean_ms": s.time_mean_ms,
                "time_sd_ms": s.time_sd_ms,
            }))
        }
        other => Err(format!("no preset “{other}” (presets: {})", ids())),
    }
}

impl Preset {
    /// The changes from bad to fixed, as `PATH=VALUE` lines.
    pub fn edits(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        self.edits.iter().copied()
    }

    /// The scenario of a variant.
    pub fn scenario(&self, variant: Variant) -> Result<Scenario, String> {
        Ok((self.build)(variant))
    }
}

/// Reads a `--set` value: JSON if it parses (numbers, `true`, `null`, objects, quoted strings),
/// otherwise the text itself as a string.
pub fn parse_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// The scenario with the value at `path` replaced (or added, for an optional field). `path` is
/// dotted: `seed`, `clients[0].load.rate_per_s`, `services[inventory].calls[0].timeout_ms`. An
/// index is a position or a name (an element's `name`, or a call's `to`); `[*]` means every
/// element. The result is read back as a Scenario and validated, so a misspelt field or an
/// out-of-range value is refused with the field's name.
pub fn set(scenario: &Scenario, path: &str, value: &str) -> Result<Scenario, String> {
    let s = set_value(scenario, path, value)?;
    s.validate()
        .map_err(|e| format!("--set {path}={value}: {e}"))?;
    Ok(s)
}

/// [`set`] for any serde type (the models' settings): edits the JSON form and reads it back.
pub fn set_value<T: Serialize + DeserializeOwned>(
    x: &T,
    path: &str,
    value: &str,
) -> Result<T, String> {
    let mut root = serde_json::to_value(x).map_err(|e| e.to_string())?;
    let segs = parse_path(path)?;
    let new = parse_value(value);
    set_in(&mut root, &segs, &new, "")?;
    serde_json::from_value(root).map_err(|e| format!("--set {path}={value}: {e}"))
}

#[derive(Debug, PartialEq)]
enum Seg {
    Key(String),
    Index(String),
}

fn parse_path(path: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return Err(format!("--set {path}: empty field name"));
        }
        segs.push(Seg::Key(key.to_string()));
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .filter(|_| rest.starts_with('['))
                .ok_or_else(|| format!("--set {path}: malformed index in “{part}”"))?;
            let inner = &rest[1..close];
            if inner.is_empty() {
                return Err(format!("--set {path}: empty index in “{part}”"));
            }
            segs.push(Seg::Index(inner.to_string()));
            rest = &rest[close + 1..];
        }
    }
    Ok(segs)
}

fn set_in(v: &mut Value, segs: &[Seg], new: &Value, at: &str) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        *v = new.clone();
        return Ok(());
    };
    match first {
        Seg::Key(k) => {
            let Value::Object(map) = v else {
                return Err(format!(
                    "--set: {at} has no field “{k}” (it is not an object)"
                ));
            };
            let here = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if rest.is_empty() {
                map.insert(k.clone(), new.clone());
                return Ok(());
            }
            match map.get_mut(k) {
                Some(next) if !next.is_null() => set_in(next, rest, new, &here),
                _ => Err(format!("--set: there is no “{here}”")),
            }
        }
        Seg::Index(i) => {
            let Value::Array(items) = v else {
                return Err(format!("--set: {at} is not a list"));
            };
            if i == "*" {
                for (n, item) in items.iter_mut().enumerate() {
                    set_in(item, rest, new, &format!("{at}[{n}]"))?;
                }
                return Ok(());
            }
            let pos = match i.parse::<usize>() {
                Ok(n) if n < items.len() => n,
                Ok(n) => {
                    return Err(format!(
                        "--set: {at}[{n}] does not exist ({} element(s))",
                        items.len()
                    ))
                }
                Err(_) => items
                    .iter()
                    .position(|x| {
                        x.get("name").and_then(Value::as_str) == Some(i.as_str())
                            || x.get("to").and_then(Value::as_str) == Some(i.as_str())
                    })
                    .ok_or_else(|| format!("--set: {at} has no element named “{i}”"))?,
            };
            set_in(&mut items[pos], rest, new, &format!("{at}[{i}]"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edits_turn_bad_into_fixed() {
        for p in PRESETS {
            let mut s = p.scenario(Variant::Bad).unwrap();
            for (path, value) in p.edits() {
                s = set(&s, path, value).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            }
            s.name = format!("{} (fixed)", s.name);
            assert_eq!(s, p.scenario(Variant::Fixed).unwrap(), "{}", p.id);
        }
    }

    #[test]
    fn every_preset_and_variant_is_valid() {
        for p in PRESETS {
            for v in [Variant::Bad, Variant::Fixed] {
                let s = p
                    .scenario(v)
                    .unwrap_or_else(|e| panic!("{} {}: {e}", p.id, v.as_str()));
                s.validate().unwrap();
            }
        }
    }

    #[test]
    fn model_presets_run_and_refuse_unknown_settings() {
        for (id, _, _) in MODELS {
            for v in [Variant::Bad, Variant::Fixed] {
                let out = run_model(id, v, &[], Some(1)).unwrap();
                assert!(out.starts_with('{'), "{id}: {out}");
            }
        }
        let e = run_model("lock-saga", Variant::Bad, &[("rate_per_sec", "3")], None).unwrap_err();
        assert!(e.contains("rate_per_sec"), "{e}");
        let e = run_model("lock-saga", Variant::Bad, &[("attempts", "0")], None).unwrap_err();
        assert!(e.contains("attempts"), "{e}");
        assert!(run_model("nope", Variant::Bad, &[], None).is_err());
    }

    #[test]
    fn set_by_index_name_and_star() {
        let s = find("flash-sale").unwrap().scenario(Variant::Bad).unwrap();
        let t = set(&s, "services[frontend].calls[inventory].timeout_ms", "300").unwrap();
        assert_eq!(t.services[0].calls[2].timeout_ms, Some(300.0));
        let t = set(&s, "clients[0].load.rate_per_s", "5000").unwrap();
        assert!(
            matches!(t.clients[0].load, crate::sim::scenario::Load::Open { rate_per_s, .. } if rate_per_s == 5000.0)
        );
        let t = set(&s, "seed", "9").unwrap();
        assert_eq!(t.seed, 9);
        let t = set(&s, "services[*].workers", "7").unwrap();
        assert!(t.services.iter().all(|x| x.workers == 7));
    }

    #[test]
    fn set_refuses_what_does_not_exist_or_is_out_of_range() {
        let s = find("flash-sale").unwrap().scenario(Variant::Bad).unwrap();
        let e = set(&s, "services[nope].workers", "3").unwrap_err();
        assert!(e.contains("no element named “nope”"), "{e}");
        let e = set(&s, "services[9].workers", "3").unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
        let e = set(&s, "services[0].wrokers", "3").unwrap_err();
        assert!(e.contains("wrokers"), "{e}");
        let e = set(&s, "services[0].workers", "0").unwrap_err();
        assert!(e.contains("services[0].workers"), "{e}");
        let e = set(&s, "services[0].queue.capacity.x", "1").unwrap_err();
        assert!(e.contains("not an object"), "{e}");
        let e = set(&s, "services[0", "1").unwrap_err();
        assert!(e.contains("malformed"), "{e}");
        let e = set(&s, "nothere.deeper", "1").unwrap_err();
        assert!(e.contains("there is no “nothere”"), "{e}");
    }
}
