//! The browser UI: thin Leptos components over the pure cores.

mod app;
mod bench;
mod flashcards;
pub mod hooks;
pub(crate) mod lab;
pub mod labx;
pub(crate) mod lazy;
pub(crate) mod learn;
pub mod mounted;
mod pages;
pub(crate) mod plot_canvas;

pub use app::App;
pub use bench::BenchPage;
pub use flashcards::FlashcardsPage;
pub use lab::LabPage;
pub use pages::{LearnPage, LessonPage, NotFoundPage};

use leptos::prelude::*;

/// Starts the app: installs the panic hook (debug builds only: it pulls in panic-message
/// formatting the release wasm does without), removes the loading notice and mounts [`App`].
pub fn start() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
}
