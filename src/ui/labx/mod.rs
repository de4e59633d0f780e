//! The lab's extra views, built into the lazily loaded `labx` module (`src/bin/labx.rs`) and
//! shown by the lab and the lessons through [`crate::ui::lazy::LazyView`] with [`LABX`].

mod lesson;
mod lesson_live;
mod models;
mod playground;

pub use models::{JitterView, QuorumView, SagaView};
pub use playground::PlaygroundView;

use crate::ui::lazy::LazyModule;
use crate::ui::learn::content::WidgetSpec;
use leptos::prelude::*;

/// The `labx` module and its exports, for [`crate::ui::lazy::LazyView`].
pub const LABX: LazyModule = LazyModule {
    module: "labx",
    mount: "mount_extra",
    unmount: "unmount_extra",
    what: "this view",
    id: "labx",
};

/// The extra view named `what`: "breaker-playground", "lock-saga", "partition-quorum",
/// "jitter" or "bench" (the engine benchmark page); or a lesson's widget, "lesson" and its encoded [`WidgetSpec`] on the next lines.
#[component]
pub fn Extra(what: String) -> impl IntoView {
    if let Some(spec) = what.strip_prefix("lesson\n") {
        return match WidgetSpec::decode(spec) {
            Some(spec) => view! { <lesson::LessonWidget spec /> }.into_any(),
            None => view! { <p role="alert">"This lesson's widget is described wrongly."</p> }
                .into_any(),
        };
    }
    match what.as_str() {
        "breaker-playground" => view! { <PlaygroundView /> }.into_any(),
        "lock-saga" => view! { <SagaView /> }.into_any(),
        "partition-quorum" => view! { <QuorumView /> }.into_any(),
        "jitter" => view! { <JitterView /> }.into_any(),
        "bench" => view! { <crate::ui::BenchPage /> }.into_any(),
        other => {
            view! { <p role="alert">{format!("There is no view called {other:?}.")}</p> }.into_any()
        }
    }
}
