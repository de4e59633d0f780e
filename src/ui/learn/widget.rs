//! The live widget embedded in a lesson.
//!
//! Interface: [`LessonWidget`] takes one [`WidgetSpec`] (kind, preset, optional variant, title,
//! caption) parsed from a `<div data-widget=…>` marker in the lesson file, and renders one
//! element with `data-testid="lesson-widget"`. For now it is a framed card that says what the
//! widget will show and links to the lab with the same preset; the live embedded lab replaces
//! this body later without changing the interface.

use super::content::{WidgetKind, WidgetSpec};
use leptos::prelude::*;

#[component]
pub fn LessonWidget(spec: WidgetSpec) -> impl IntoView {
    let kind = match spec.kind {
        WidgetKind::Lab => "Lab scenario",
        WidgetKind::BreakerPlayground => "Breaker playground",
        WidgetKind::JitterChart => "Jitter chart",
    };
    let variant = spec.variant.clone().map(|v| format!(" · {v} variant"));
    view! {
        <figure
            class="lesson-widget"
            data-testid="lesson-widget"
            data-widget=spec.kind.name()
            data-preset=spec.preset.clone()
        >
            <figcaption>
                <span class="lesson-widget-kind">{kind}{variant}</span>
                <strong class="lesson-widget-title">{spec.title.clone()}</strong>
            </figcaption>
            <p>{spec.caption.clone()}</p>
            <p>
                <a class="lesson-widget-run" href=spec.lab_href() data-testid="widget-lab-link">
                    "Run it in the lab"
                </a>
            </p>
        </figure>
    }
}
