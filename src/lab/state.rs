//! The lab's shareable state — preset, seed and knob values — in the URL fragment:
//! `#/lab?preset=shop&seed=42&k=latency.inventory:10,workers.frontend:80`.
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
}

impl Default for LabState {
    fn default() -> Self {
        LabState {
            preset: presets::PRESETS[0].id.to_string(),
            variant: Variant::Bad,
            seed: 1,
            knobs: Vec::new(),
        }
    }
}

impl LabState {
    /// The fragment for this state.
    pub fn to_hash(&self) -> String {
        let mut h = format!("#/lab?preset={}", self.preset);
        if self.variant == Variant::Fixed {
            h.push_str("&variant=fixed");
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
    let s = format!("{v:.3}");
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
