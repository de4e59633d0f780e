use crate::route::Route;
use leptos::prelude::*;

/// Lessons, each with a live simulation.
#[component]
pub fn LearnPage() -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">"Learn"</h1>
            <p class="lead">"Short lessons on partial failure, each with a simulation you can run."</p>
            <p>
                "This page will hold the chapters: why a missing reply is not a crash, the fallacies of distributed computing, "
                "circuit breakers, bulkheads, timeouts and deadline propagation, retries with backoff and jitter, idempotency keys, "
                "graceful degradation, four incident stories and a monitoring checklist. Each chapter asks you to predict, run and compare."
            </p>
        </section>
    }
}

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
