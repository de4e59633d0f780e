use crate::route::Route;
use leptos::prelude::*;

/// The lab: where the simulator will run (the animated page is behind the `lab-ui` feature).
#[cfg(not(feature = "lab-ui"))]
#[component]
pub fn LabPage() -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">"Lab"</h1>
            <p class="lead">
                "Watch a system of services fail one part at a time, and see which pattern keeps the damage small."
            </p>
            <p>
                "This page will hold the live simulator: clients sending requests to services with thread pools and queues, "
                "injected faults (slow replies, errors, crashes, partitions), and the resilience patterns on every call — "
                "circuit breakers switching between closed, open and half-open, bulkheads, timeouts and deadlines, retries with "
                "jitter and retry budgets, and graceful degradation. You will move sliders and watch the cascade happen, or not, on live charts."
            </p>
        </section>
    }
}

/// Lessons: the chapter list and the chapters live in [`crate::ui::learn`].
pub use crate::ui::learn::{LearnPage, LessonPage};

/// Shown when the URL fragment names no page.
#[component]
pub fn NotFoundPage(path: String) -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">"Page not found"</h1>
            <p>
                "There is no page called “" {path} "”. "
                <a href=Route::Lab.href()>"Go to the lab"</a> "."
            </p>
        </section>
    }
}
