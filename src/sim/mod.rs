//! The discrete-event simulation engine: pure Rust, deterministic, drivable step by step.
//!
//! Nothing in this module may depend on the browser; it runs natively (tests, command line,
//! benchmarks) and in the page alike.
