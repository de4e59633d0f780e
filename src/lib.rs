//! Faultline: learn how distributed systems fail partially.
//!
//! The crate has two pure cores that build and test natively — [`sim`] (the discrete-event
//! engine) and [`srs`] (the flashcard scheduler) — plus [`route`], the app's page addressing.
//! The browser UI in `ui` is a thin Leptos layer over them and only exists on wasm32.

pub mod lab;
pub mod route;
pub mod sim;
pub mod srs;

#[cfg(target_arch = "wasm32")]
pub mod ui;
