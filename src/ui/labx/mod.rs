//! The lab's extra views, built into the lazily loaded `labx` module (`src/bin/labx.rs`) and
//! shown by the lab and the lessons through [`crate::ui::lazy::LazyView`] with [`LABX`].

mod models;
mod playground;

pub use models::{JitterView, QuorumView, SagaView};
pub use playground::PlaygroundView;

use crate::ui::lazy::LazyModule;
use leptos::prelude::*;

/// The `labx` module and its exports, for [`crate::ui::lazy::LazyView`].
pub const LABX: LazyModule = LazyModule {
    module: "labx",
    mount: "mount_extra",
    unmount: "unmount_extra",
    what: "this view",
    id: "labx",
};

/// The extra view named `what`: "breaker-playground", "lock-saga", "partition-quorum" or "jitter".
#[component]
pub fn Extra(what: String) -> impl IntoView {
    match what.as_str() {
        "breaker-playground" => view! { <PlaygroundView /> }.into_any(),
        "lock-saga" => view! { <SagaView /> }.into_any(),
        "partition-quorum" => view! { <QuorumView /> }.into_any(),
        "jitter" => view! { <JitterView /> }.into_any(),
        other => {
            view! { <p role="alert">{format!("There is no view called {other:?}.")}</p> }.into_any()
        }
    }
}
