//! The lab's shareable state — preset, variant, side by side, seed and knob values — in the URL
//! fragment: `#/lab?preset=shop&seed=42&k=latency.inventory:10,workers.frontend:80`, or
//! `#/lab?preset=flash-sale&variant=fixed&compare=1&seed=7` for bad and fixed side by side.
//! Reading never fails: anything unusable falls back to the default and is reported as a notice.

use super::knobs;
use super::presets::{self, Variant};

/// What the URL carries.
#[derive(Clone, Debug, PartialEq)]
pub struct LabState {
    /// Preset id.
    pub preset: String,
    /// Bad or fixed (for presets that have both).
    pub variant: Variant,
    /// Seed of the run.
    pub seed: u64,
    /// Knob values that differ from the preset's.
    pub knobs: Vec<(String, f64)>,
    /// Whether the other variant runs beside this one (same seed, same clock).
    pub compare: bool,
}

impl Default for LabState {
    fn default() -> Self {
        LabState {
            preset: presets::PRESETS[0].id.to_string(),
            variant: Variant::Bad,
            seed: 1,
            knobs: Vec::new(),
            compare: false,
        }
    }
}

/// The knob values of `values` that `variant` of `preset` has (a knob may exist in one variant
/// only).
pub fn applicable_knobs(
    preset: &str,
    variant: Variant,
    values: &[(String, f64)],
) -> Vec<(String, f64)> {
    let known: Vec<String> = presets::scenario_of(preset, variant)
        .map(|s| knobs::knobs_for(&s).into_iter().map(|k| k.id).collect())
        .unwrap_or_default();
    values
        .iter()
        .filter(|(id, _)| known.contains(id))
        .cloned()
        .collect()
}

impl LabState {
    /// This state with `variant` in place of its own, keeping the knob values that variant has.
    pub fn with_variant(&self, variant: Variant) -> LabState {
        LabState {
            variant,
            knobs: applicable_knobs(&self.preset, variant, &self.knobs),
            ..self.clone()
        }
    }

    /// The fragment for this state.
    pub fn to_hash(&self) -> String {
        let mut h = format!("#/lab?preset={}", self.preset);
        if self.variant == Variant::Fixed {
            h.push_str("&variant=fixed");
        }
        if self.compare {
            h.push_str("&compare=1");
        }
        h.push_str(&format!("&seed={}", self.seed));
        if !self.knobs.is_empty() {
            let k: Vec<String> = self
                .knobs
                .iter()
                .map(|(id, v)| format!("{}:{}", id.replace('>', "%3E"), trim(*v)))
                .collect();
            h.push_str("&k=");
            h.push_str(&k.join(","));
        }
        h
    }

    /// Reads the state from a fragment; returns it with a notice per value that was ignored.
    pub fn from_hash(hash: &str) -> (LabState, Vec<String>) {
        let mut st = LabState::default();
        let mut notices = Vec::new();
        let hash = percent_decode(hash);
        let get = |name: &str| crate::route::query_param(&hash, name);
        if let Some(p) = get("preset") {
            if presets::find(&p).is_some() {
                st.preset = p;
            } else {
                notices.push(format!("Unknown preset “{p}”: showing the default one."));
            }
        }
        if let Some(v) = get("variant") {
            match Variant::parse(&v) {
                Some(v) if presets::find(&st.preset).is_some_and(|p| p.variants) => st.variant = v,
                Some(_) => notices.push("This preset has no bad and fixed variants.".into()),
                None => notices.push(format!(
                    "Unknown variant “{v}” (bad or fixed): showing the bad one."
                )),
            }
        }
        if let Some(c) = get("compare") {
            let variants = presets::find(&st.preset).is_some_and(|p| p.variants);
            match c.as_str() {
                "1" if variants => st.compare = true,
                "0" => {}
                "1" => notices
                    .push("This preset has no bad and fixed variants to show side by side.".into()),
                _ => notices.push(format!(
                    "Unknown compare value “{c}” (1 or 0): showing one variant."
                )),
            }
        }
        if let Some(s) = presets::scenario_of(&st.preset, st.variant) {
            st.seed = s.seed;
        }
        if let Some(seed) = get("seed") {
            match seed.parse::<u64>() {
                Ok(v) => st.seed = v,
                Err(_) => notices.push(format!(
                    "Seed “{seed}” is not a whole number: using {}.",
                    st.seed
                )),
            }
        }
        if let Some(k) = get("k") {
            let base = presets::scenario_of(&st.preset, st.variant).unwrap_or_default_scenario();
            let known = knobs::knobs_for(&base);
            for part in k.split(',').filter(|p| !p.is_empty()) {
                let parsed = part
                    .rsplit_once(':')
                    .and_then(|(id, v)| super::fmt::parse_decimal(v).map(|v| (id.to_string(), v)));
                match parsed {
                    Some((id, v)) => match known.iter().find(|x| x.id == id) {
                        Some(knob) if v.is_finite() && v >= knob.min && v <= knob.max => {
                            st.knobs.push((id, v))
                        }
                        Some(knob) => notices.push(format!(
                            "{}: {v} is outside {}–{} {}; using the preset's value.",
                            knob.label, knob.min, knob.max, knob.unit
                        )),
                        None => notices
                            .push(format!("“{id}” is not a setting of this preset; ignored.")),
                    },
                    None => notices.push(format!("Could not read the setting “{part}”; ignored.")),
                }
            }
        }
        (st, notices)
    }
}

/// The lab runs open-ended: it raises a scenario's duration to at least this (an hour), which then
/// only bounds how far the page can run.
pub const LAB_MIN_DURATION_S: f64 = 3600.0;

/// The scenario of a lab state as a file carries it: the preset (and variant) with the knob values
/// and the seed, and the preset's own duration, so that `faultline-cli run FILE.json` runs the
/// lesson's length rather than the lab's open-ended hour.
pub fn scenario(state: &LabState) -> Result<crate::sim::Scenario, String> {
    let base = presets::scenario_of(&state.preset, state.variant)
        .ok_or_else(|| format!("unknown preset {}", state.preset))?;
    let mut s = knobs::apply(&base, &state.knobs)?;
    s.seed = state.seed;
    Ok(s)
}

/// The scenario the lab runs for a state: [`scenario`] with the duration raised to
/// [`LAB_MIN_DURATION_S`].
pub fn build(state: &LabState) -> Result<crate::sim::Scenario, String> {
    let mut s = scenario(state)?;
    s.duration_s = s.duration_s.max(LAB_MIN_DURATION_S);
    Ok(s)
}

/// The file to save for the scenario the lab is running: the same scenario with the preset's own
/// duration back in place of the lab's open-ended one, and the lab state it came from noted in the
/// description.
pub fn to_save(running: &crate::sim::Scenario, state: &LabState) -> crate::sim::Scenario {
    let mut s = running.clone();
    if let Some(base) = presets::scenario_of(&state.preset, state.variant) {
        s.duration_s = base.duration_s;
    }
    let from = format!("Saved from the Faultline lab: {}", state.to_hash());
    s.description = if s.description.is_empty() {
        from
    } else {
        format!("{} {from}", s.description)
    };
    s
}

impl LabState {
    /// A file name stem for exports: `faultline-flash-sale-bad-seed7`, `faultline-shop-seed42`.
    pub fn file_stem(&self) -> String {
        let variant = match presets::find(&self.preset) {
            Some(p) if p.variants => match self.variant {
                Variant::Bad => "-bad",
                Variant::Fixed => "-fixed",
            },
            _ => "",
        };
        let safe: String = self
            .preset
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("faultline-{safe}{variant}-seed{}", self.seed)
    }
}

trait OrDefault {
    fn unwrap_or_default_scenario(self) -> crate::sim::Scenario;
}

impl OrDefault for Option<crate::sim::Scenario> {
    fn unwrap_or_default_scenario(self) -> crate::sim::Scenario {
        self.or_else(|| presets::scenario(presets::PRESETS[0].id))
            .unwrap_or_else(|| crate::sim::models::mmc(1, 0.5, 1, None))
    }
}

fn trim(v: f64) -> String {
    let s = super::fmt::fmt_fixed(v, 3);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Decodes `%XX` escapes (browsers escape some characters in the fragment).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The lab state that runs a scenario read from a file: the preset (and variant) it was made
/// from, with the knob values that turn that preset into the file's scenario, and its seed. The
/// lab runs presets and knobs, so a file that differs from every preset in anything the knobs do
/// not set is refused, naming the first difference from the nearest preset (the command line
/// runs any scenario). The duration and the description are not compared: the lab runs without
/// end, and saving notes the lab state in the description.
pub fn state_for(file: &crate::sim::Scenario) -> Result<LabState, String> {
    let mut nearest: Option<(usize, String)> = None;
    for p in presets::PRESETS
        .iter()
        .filter(|p| p.kind == presets::Kind::Engine)
    {
        for variant in [Variant::Bad, Variant::Fixed] {
            if variant == Variant::Fixed && !p.variants {
                continue;
            }
            let Some(base) = presets::scenario_of(p.id, variant) else {
                continue;
            };
            let defaults = knobs::knobs_for(&base);
            // absolute knobs read their value from the file; the latency knobs are factors on
            // the preset's own work time
            let mean = |s: &crate::sim::Scenario, name: &str| {
                s.services
                    .iter()
                    .find(|x| x.name == name)
                    .map(|x| x.latency.mean_ms())
            };
            let values: Vec<(String, f64)> = knobs::knobs_for(file)
                .into_iter()
                .filter_map(|k| {
                    let d = defaults.iter().find(|d| d.id == k.id)?;
                    let v = if k.unit == "×" {
                        let name = k.id.strip_prefix("latency.")?;
                        match (mean(file, name), mean(&base, name)) {
                            (Some(f), Some(b)) if b > 0.0 => f / b,
                            _ => return None,
                        }
                    } else {
                        k.default
                    };
                    (v != d.default).then_some((k.id, v))
                })
                .collect();
            let Ok(mut candidate) = knobs::apply(&base, &values) else {
                continue;
            };
            candidate.seed = file.seed;
            candidate.duration_s = file.duration_s;
            candidate.description.clone_from(&file.description);
            match differences(&candidate, file) {
                (0, _) => {
                    return Ok(LabState {
                        preset: p.id.to_string(),
                        variant,
                        seed: file.seed,
                        knobs: values,
                        compare: false,
                    })
                }
                (n, first) if nearest.as_ref().is_none_or(|(m, _)| n < *m) => {
                    nearest = Some((n, format!("{first} (compared with the {} preset)", p.id)))
                }
                _ => {}
            }
        }
    }
    let first = nearest.map(|(_, f)| f).unwrap_or_default();
    Err(format!(
        "The lab runs its presets with their knobs, and this scenario differs from every preset beyond what the knobs set; first difference: {first}. Run it with faultline-cli run FILE.json."
    ))
}

/// How many values differ between two scenarios, and the JSON path of the first.
fn differences(a: &crate::sim::Scenario, b: &crate::sim::Scenario) -> (usize, String) {
    fn walk(a: &serde_json::Value, b: &serde_json::Value, path: &str, out: &mut (usize, String)) {
        use serde_json::Value;
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for (k, va) in x {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(va, y.get(k).unwrap_or(&Value::Null), &p, out);
                }
                for k in y.keys().filter(|k| !x.contains_key(*k)) {
                    walk(&Value::Null, &y[k], &format!("{path}.{k}"), out);
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                    walk(va, vb, &format!("{path}[{i}]"), out);
                }
            }
            (Value::Number(x), Value::Number(y))
                if x.as_f64()
                    .zip(y.as_f64())
                    .is_some_and(|(x, y)| (x - y).abs() <= 1e-9 * x.abs().max(y.abs())) => {}
            _ if a != b => {
                if out.0 == 0 {
                    out.1 = path.to_string();
                }
                out.0 += 1;
            }
            _ => {}
        }
    }
    let mut out = (0, String::new());
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(x), Ok(y)) => walk(&x, &y, "", &mut out),
        _ => out = (usize::MAX, "the scenario".into()),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Switching variant keeps the knob values the new variant has and drops the others.
    #[test]
    fn with_variant_keeps_only_the_knobs_of_the_new_variant() {
        let ids = |p: &str, v| -> Vec<String> {
            presets::scenario_of(p, v)
                .map(|s| knobs::knobs_for(&s).into_iter().map(|k| k.id).collect())
                .unwrap_or_default()
        };
        // a preset whose fixed variant has a knob the bad one lacks, and one they share
        let (preset, only_fixed, shared) = presets::PRESETS
            .iter()
            .filter(|p| p.variants)
            .find_map(|p| {
                let (bad, fixed) = (ids(p.id, Variant::Bad), ids(p.id, Variant::Fixed));
                let only = fixed.iter().find(|id| !bad.contains(id))?.clone();
                let both = fixed.iter().find(|id| bad.contains(id))?.clone();
                Some((p.id, only, both))
            })
            .expect("some preset has a knob in its fixed variant only");
        let st = LabState {
            preset: preset.into(),
            variant: Variant::Fixed,
            seed: 5,
            knobs: vec![(only_fixed.clone(), 1.0), (shared.clone(), 2.0)],
            compare: true,
        };
        let bad = st.with_variant(Variant::Bad);
        assert_eq!(bad.variant, Variant::Bad);
        assert_eq!(bad.knobs, vec![(shared, 2.0)]);
        assert_eq!(
            (bad.seed, bad.compare, bad.preset.as_str()),
            (5, true, preset)
        );
        assert_eq!(bad.with_variant(Variant::Fixed).knobs, bad.knobs);
        assert_eq!(st.with_variant(Variant::Fixed), st);
    }

    #[test]
    fn state_round_trips_through_the_fragment() {
        let st = LabState {
            preset: "shop".into(),
            variant: Variant::Bad,
            seed: 7,
            knobs: vec![
                ("latency.inventory".into(), 12.5),
                ("timeout.frontend->inventory".into(), 800.0),
            ],
            compare: false,
        };
        let hash = st.to_hash();
        assert_eq!(
            hash,
            "#/lab?preset=shop&seed=7&k=latency.inventory:12.5,timeout.frontend-%3Einventory:800"
        );
        let (back, notices) = LabState::from_hash(&hash);
        assert_eq!(back, st);
        assert!(notices.is_empty(), "{notices:?}");
    }

    #[test]
    fn bad_values_fall_back_with_a_notice() {
        let (st, notices) =
            LabState::from_hash("#/lab?preset=nope&seed=x&k=workers.frontend:0,bogus.knob:3,junk");
        assert_eq!(st.preset, "shop");
        assert_eq!(st.seed, 42, "the shop's own seed");
        assert!(st.knobs.is_empty());
        assert_eq!(notices.len(), 5, "{notices:?}");
        assert!(notices[0].contains("Unknown preset “nope”"));
        assert!(notices[1].contains("Seed “x”"));
        assert!(notices[2].contains("frontend workers: 0 is outside"));
    }

    #[test]
    fn side_by_side_travels_in_the_fragment_for_presets_with_variants_only() {
        let (st, notices) = LabState::from_hash("#/lab?preset=flash-sale&compare=1&seed=3");
        assert!(notices.is_empty(), "{notices:?}");
        assert!(st.compare);
        assert_eq!(st.to_hash(), "#/lab?preset=flash-sale&compare=1&seed=3");
        assert_eq!(LabState::from_hash(&st.to_hash()).0, st);
        let (st, notices) = LabState::from_hash("#/lab?preset=mmc&compare=1");
        assert!(!st.compare);
        assert!(
            notices[0].contains("no bad and fixed variants"),
            "{notices:?}"
        );
        let (st, notices) = LabState::from_hash("#/lab?preset=flash-sale&compare=yes");
        assert!(!st.compare);
        assert!(
            notices[0].contains("Unknown compare value “yes”"),
            "{notices:?}"
        );
    }

    #[test]
    fn the_variant_travels_in_the_fragment() {
        let (st, notices) = LabState::from_hash("#/lab?preset=flash-sale&variant=fixed");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(st.variant, Variant::Fixed);
        assert_eq!(st.seed, 7, "the preset's seed");
        assert_eq!(st.to_hash(), "#/lab?preset=flash-sale&variant=fixed&seed=7");
        let (st, notices) = LabState::from_hash("#/lab?preset=shop&variant=fixed");
        assert_eq!(st.variant, Variant::Bad);
        assert_eq!(notices.len(), 1);
        let (_, notices) = LabState::from_hash("#/lab?preset=flash-sale&variant=worse");
        assert!(
            notices[0].contains("Unknown variant “worse”"),
            "{notices:?}"
        );
        let (st, notices) = LabState::from_hash("#/lab?preset=breaker-playground");
        assert!(notices.is_empty());
        assert_eq!(st.preset, "breaker-playground");
    }

    #[test]
    fn an_empty_fragment_is_the_default() {
        let (st, notices) = LabState::from_hash("");
        assert_eq!(st.preset, "shop");
        assert!(notices.is_empty());
    }

    #[test]
    fn export_file_names_carry_preset_variant_and_seed() {
        let (st, _) = LabState::from_hash("#/lab?preset=flash-sale&seed=1");
        assert_eq!(st.file_stem(), "faultline-flash-sale-bad-seed1");
        let (st, _) = LabState::from_hash("#/lab?preset=flash-sale&variant=fixed");
        assert_eq!(st.file_stem(), "faultline-flash-sale-fixed-seed7");
        let (st, _) = LabState::from_hash("#/lab?preset=shop");
        assert_eq!(
            st.file_stem(),
            "faultline-shop-seed42",
            "no variants, no variant part"
        );
    }

    #[test]
    fn the_lab_runs_open_ended_but_saves_the_presets_duration() {
        let (st, notices) = LabState::from_hash(
            "#/lab?preset=flash-sale&variant=fixed&seed=3&k=rate.shoppers:2500,latency.inventory:5",
        );
        assert!(notices.is_empty(), "{notices:?}");
        let running = build(&st).expect("the state builds");
        assert_eq!(running.duration_s, LAB_MIN_DURATION_S);
        assert_eq!(running.seed, 3);
        let saved = to_save(&running, &st);
        assert_eq!(saved.duration_s, 90.0, "the preset's own run length");
        assert_eq!(saved.seed, 3);
        assert_eq!(saved.services, running.services);
        assert_eq!(saved.clients, running.clients);
        assert!(
            saved.description.ends_with(&st.to_hash()),
            "{}",
            saved.description
        );
        assert_eq!(
            saved,
            scenario(&st)
                .map(|mut s| {
                    s.description = saved.description.clone();
                    s
                })
                .expect("builds")
        );
        assert!(build(&LabState {
            preset: "nope".into(),
            ..LabState::default()
        })
        .is_err());
    }

    #[test]
    fn a_saved_file_loads_back_as_its_lab_state() {
        for hash in [
            "#/lab?preset=flash-sale&variant=fixed&seed=5&k=workers.frontend:80,latency.inventory:250",
            "#/lab?preset=shop&seed=42",
            "#/lab?preset=retry-amplification&seed=3",
        ] {
            let (st, notices) = LabState::from_hash(hash);
            assert!(notices.is_empty(), "{notices:?}");
            let saved = to_save(&build(&st).expect("builds"), &st);
            let file = crate::sim::Scenario::from_json(&saved.to_json_pretty()).expect("parses");
            let back = state_for(&file).expect("loads");
            assert_eq!(back.preset, st.preset);
            assert_eq!(back.variant, st.variant);
            assert_eq!(back.seed, st.seed);
            let mut want = st.knobs.clone();
            want.sort_by(|a, b| a.0.cmp(&b.0));
            let mut got = back.knobs.clone();
            got.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(got.len(), want.len(), "{hash}: {got:?}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.0, w.0);
                assert!((g.1 - w.1).abs() < 1e-9, "{hash}: {got:?}");
            }
        }
    }

    #[test]
    fn the_reference_example_is_the_shop_preset() {
        let text = include_str!("../../examples/shop.json");
        let file = crate::sim::Scenario::from_json(text).expect("parses");
        assert_eq!(state_for(&file).expect("loads").preset, "shop");
    }

    #[test]
    fn a_scenario_beyond_the_knobs_is_refused_naming_the_difference() {
        let mut s = presets::scenario("shop").expect("shop");
        s.services[0].queue.capacity = Some(s.services[0].queue.capacity.unwrap_or(0) + 7);
        let e = state_for(&s).expect_err("refused");
        assert!(e.contains("services[0].queue.capacity"), "{e}");
        assert!(e.contains("faultline-cli run"), "{e}");
    }
}
