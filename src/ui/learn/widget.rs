//! The widget embedded in a lesson. The widgets — live simulations, the breaker playground, the
//! jitter chart, the small models — are drawn by the lazily loaded labx module
//! (`ui::labx::lesson`), so the first load carries neither them nor their engine runs; this is
//! the place in the lesson that loads and mounts one.

use super::content::WidgetSpec;
use crate::ui::labx::LABX;
use crate::ui::lazy::LazyView;
use leptos::prelude::*;

/// One lesson widget, loaded on demand.
#[component]
pub fn LessonWidget(spec: WidgetSpec) -> impl IntoView {
    view! {
        <div class="lesson-widget-host">
            <LazyView module=LABX arg=format!("lesson\n{}", spec.encode()) />
        </div>
    }
}
