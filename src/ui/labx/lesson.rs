//! The widget embedded in a lesson, drawn by the labx module (the app's lesson page mounts it
//! through `ui::learn::LessonWidget`).
//!
//! [`LessonWidget`] takes one [`WidgetSpec`] (kind, preset, optional variant and knobs, title,
//! caption) parsed from a `<div data-widget=…>` marker in the lesson file, and renders one
//! element with `data-testid="lesson-widget"`, `data-widget` and `data-preset`.
//!
//! A lab widget whose preset the engine runs becomes a live simulation ([`LiveLab`]). Every
//! other widget — the breaker playground, the jitter chart and the model presets (lock-saga,
//! partition-quorum) — is [`ExtraWidget`]: a frame with the title and caption around the
//! lab's own view of it, and a link to the lab.

use super::lesson_live::LiveLab;
use super::{JitterView, PlaygroundView, QuorumView, SagaView};
use crate::lab::presets::{self, Kind};
use crate::ui::learn::content::{WidgetKind, WidgetSpec};
use leptos::either::Either;
use leptos::prelude::*;

/// Whether `spec` is a lab widget with an engine preset (shown live).
fn is_live(spec: &WidgetSpec) -> bool {
    spec.kind == WidgetKind::Lab
        && presets::find(&spec.preset).is_some_and(|p| p.kind == Kind::Engine)
}

#[component]
pub fn LessonWidget(spec: WidgetSpec) -> impl IntoView {
    if is_live(&spec) {
        Either::Left(view! { <LiveLab spec /> })
    } else {
        Either::Right(view! { <ExtraWidget spec /> })
    }
}

/// The widgets that are not engine runs: the title, the caption, the view itself and a link to
/// the lab with the same preset.
#[component]
pub fn ExtraWidget(spec: WidgetSpec) -> impl IntoView {
    let kind = match spec.kind {
        WidgetKind::Lab => "Lab scenario",
        WidgetKind::BreakerPlayground => "Breaker playground",
        WidgetKind::JitterChart => "Jitter chart",
    };
    let variant = spec.variant.clone().map(|v| format!(" · {v} variant"));
    let view = match (spec.kind, spec.preset.as_str()) {
        (WidgetKind::BreakerPlayground, _) => view! { <PlaygroundView /> }.into_any(),
        (WidgetKind::JitterChart, _) => view! { <JitterView /> }.into_any(),
        (_, "lock-saga") => view! { <SagaView /> }.into_any(),
        (_, "partition-quorum") => view! { <QuorumView /> }.into_any(),
        _ => ().into_any(),
    };
    let href = spec.lab_href();
    view! {
        <WidgetFrame spec kind=format!("{kind}{}", variant.unwrap_or_default()) live=false
            link="Run it in the lab" href=href>
            {view}
        </WidgetFrame>
    }
}

/// The frame every lesson widget shares: the figure with its test hooks, the kind and title, the
/// caption, the widget's own body, and the link to the lab.
#[component]
pub fn WidgetFrame(
    /// The marker's spec.
    spec: WidgetSpec,
    /// What kind of widget, as shown above the title.
    kind: String,
    /// A live simulation (styled as such).
    live: bool,
    /// The link's text.
    link: &'static str,
    /// The link's target (a lab URL fragment).
    #[prop(into)]
    href: Signal<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <figure
            class="lesson-widget"
            class:lesson-widget-live=live
            data-testid="lesson-widget"
            data-widget=spec.kind.name()
            data-preset=spec.preset.clone()
        >
            <figcaption>
                <span class="lesson-widget-kind">{kind}</span>
                <strong class="lesson-widget-title">{spec.title.clone()}</strong>
            </figcaption>
            <p>{spec.caption.clone()}</p>
            {children()}
            <p>
                <a class="lesson-widget-run" href=move || href.get() data-testid="widget-lab-link">
                    {link}
                </a>
            </p>
        </figure>
    }
}
