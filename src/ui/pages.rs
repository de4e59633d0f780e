use crate::route::Route;
use leptos::prelude::*;

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
