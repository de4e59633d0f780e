use crate::route::Route;
use crate::ui::flashcards::LazyFlashcardsPage;
use crate::ui::hooks::use_hash_route;
use crate::ui::pages::{LearnPage, LessonPage, NotFoundPage};
use crate::ui::LabPage;
use leptos::prelude::*;

/// The app shell: header with the product name and navigation, the current page, and a footer.
#[component]
pub fn App() -> impl IntoView {
    let route = use_hash_route();

    Effect::new(move |_| {
        document().set_title(&format!("{} · Faultline", route.get().title()));
    });

    view! {
        <a class="skip-link" href="#main" on:click=move |ev| {
            ev.prevent_default();
            focus_main();
        }>"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href=Route::Lab.href() data-testid="brand">
                <span class="brand-mark" aria-hidden="true"></span>
                "Faultline"
            </a>
            <Nav route=route />
        </header>
        <main id="main" tabindex="-1" data-testid="page" data-route=move || route.get().slug().to_string()>
            {move || match route.get() {
                Route::Lab => view! { <LabPage /> }.into_any(),
                Route::Learn => view! { <LearnPage /> }.into_any(),
                Route::Lesson(slug) => view! { <LessonPage slug=slug /> }.into_any(),
                // a second wasm module, downloaded when the page is first opened
                Route::Flashcards => view! { <LazyFlashcardsPage /> }.into_any(),
                // the benchmark page lives in the labx module: the first load does without it
                Route::Bench => view! {
                    <crate::ui::lazy::LazyView module=crate::ui::labx::LABX arg="bench" />
                }
                .into_any(),
                Route::NotFound(path) => view! { <NotFoundPage path=path /> }.into_any(),
            }}
        </main>
        <footer class="site-footer">
            "Faultline runs entirely in your browser: nothing you do here leaves this page."
        </footer>
    }
}

/// The main navigation; the current page is marked with `aria-current="page"`.
#[component]
pub fn Nav(route: ReadSignal<Route>) -> impl IntoView {
    view! {
        <nav aria-label="Main">
            <ul class="nav-list">
                {Route::NAV
                    .into_iter()
                    .map(|r| {
                        let target = r.clone();
                        // a lesson is part of Learn: its menu entry stays marked
                        let current = move || (route.with(|r| r.slug() == target.slug())).then_some("page");
                        view! {
                            <li>
                                <a
                                    href=r.href()
                                    aria-current=current
                                    data-testid=format!("nav-{}", r.slug())
                                >
                                    {r.title()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

fn focus_main() {
    use leptos::wasm_bindgen::JsCast;
    if let Some(main) = document()
        .get_element_by_id("main")
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = main.focus();
    }
}
