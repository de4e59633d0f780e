//! The lab's plain logic, apart from the browser: presets, knobs, URL state and the topology
//! layout. The Leptos components in `ui::lab` only draw and wire these up.

pub mod fmt;
pub mod frames;
pub mod history;
pub mod knobs;
pub mod layout;
pub mod monitor;
pub mod panels;
pub mod playground;
pub mod presets;
pub mod replay;
pub mod state;
pub mod trace;
