//! The discrete-event simulation engine: pure Rust, deterministic, drivable step by step.
//!
//! Nothing in this module may depend on the browser; it runs natively (tests, command line,
//! benchmarks) and in the page alike.

pub mod engine;
pub mod fmt;
pub mod histogram;
pub mod metrics;
pub mod models;
pub mod patterns;
pub mod presets;
pub mod queue;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod theory;
pub mod time;

pub use engine::{Outcome, Phase, Simulation, Snapshot};
pub use report::Report;
pub use scenario::{Scenario, ScenarioError};
