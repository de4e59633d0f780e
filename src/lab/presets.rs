//! Scenarios the lab offers. Each is an ordinary [`Scenario`].

use crate::sim::models;
use crate::sim::Scenario;

/// One entry of the preset menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Stable id used in URLs (`#/lab?preset=shop`).
    pub id: &'static str,
    /// Menu label.
    pub label: &'static str,
}

/// Every preset, in menu order; the first is the default.
pub const PRESETS: [Preset; 2] = [
    Preset {
        id: "shop",
        label: "Free play: a shop with a slow inventory",
    },
    Preset {
        id: "mmc",
        label: "A single queue (M/M/8 at 80 % load)",
    },
];

/// The scenario of a preset, or `None` for an unknown id.
pub fn scenario(id: &str) -> Option<Scenario> {
    match id {
        "shop" => Scenario::from_json(include_str!("../../examples/shop.json")).ok(),
        "mmc" => {
            let mut s = models::mmc(8, 0.8, 1, Some(40));
            s.duration_s = 600.0;
            s.name = "A single queue".into();
            Some(s)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_builds_a_valid_scenario() {
        for p in PRESETS {
            let s = scenario(p.id).unwrap_or_else(|| panic!("preset {} missing", p.id));
            s.validate()
                .unwrap_or_else(|e| panic!("preset {}: {e}", p.id));
        }
        assert!(scenario("nope").is_none());
    }
}
