//! The Learn pages: the chapter list (`#/learn`) and one chapter (`#/learn/SLUG`).
//!
//! The lesson text is not in the wasm: `lessons/index.json` and `lessons/SLUG.html` are static
//! files (copied by Trunk from `public/lessons/`) fetched at run time, with a loading state and a
//! retry button when a fetch fails. Parsing lives in [`content`], which has no browser types.

pub mod content;
mod fetch;
mod widget;

use crate::route::Route;
use content::{position, split, ChapterMeta, Segment};
use leptos::prelude::*;
use std::sync::Arc;
pub use widget::LessonWidget;

/// A fetched thing, as the page shows it.
#[derive(Clone)]
enum Load<T> {
    Loading,
    Ready(T),
    Failed(String),
}

/// "Loading …" or the failure with a retry button.
fn status_view(what: &'static str, error: Option<String>, retry: Callback<()>) -> AnyView {
    match error {
        None => view! {
            <p class="learn-status" role="status" data-testid="learn-loading">{format!("Loading {what}…")}</p>
        }
        .into_any(),
        Some(e) => view! {
            <div class="learn-error" role="alert" data-testid="learn-error">
                <p>{format!("Could not load {what}: {e}.")}</p>
                <p>"Check your connection, then try again."</p>
                <button type="button" data-testid="learn-retry" on:click=move |_| retry.run(())>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
    }
}

/// `#/learn`: every chapter with its summary and reading time.
#[component]
pub fn LearnPage() -> impl IntoView {
    let state = RwSignal::new(Load::<Arc<[ChapterMeta]>>::Loading);
    let load = move || {
        state.set(Load::Loading);
        fetch::load_index(move |r| {
            let _ = state.try_set(r.map_or_else(Load::Failed, Load::Ready));
        });
    };
    load();
    let retry = Callback::new(move |()| load());

    view! {
        <section class="page learn" aria-labelledby="page-title">
            <h1 id="page-title">"Learn"</h1>
            <p class="lead">"Short lessons on partial failure, each with a simulation you can run."</p>
            <p>
                "Start with why a missing reply is not a crash, then meet the patterns that contain the damage: "
                "circuit breakers, bulkheads, timeouts and deadlines, retries with backoff and jitter, idempotency keys "
                "and graceful degradation. Four incident stories, the common mistakes and a monitoring checklist close the course. "
                "Every chapter asks you to predict, run and compare."
            </p>
            {move || match state.get() {
                Load::Ready(idx) => view! {
                    <ol class="lesson-list" data-testid="lesson-list">
                        {idx.iter().map(|c| view! {
                            <li>
                                <h2><a href=Route::Lesson(c.slug.clone()).href()>{c.title.clone()}</a></h2>
                                <p>{c.summary.clone()}</p>
                                <p class="lesson-meta">{minutes(c.minutes)}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
                Load::Loading => status_view("the chapter list", None, retry),
                Load::Failed(e) => status_view("the chapter list", Some(e), retry),
            }}
        </section>
    }
}

fn minutes(m: u32) -> String {
    format!("{m} min read")
}

/// A loaded chapter: the index, its place in it and its parts.
struct Chapter {
    index: Arc<[ChapterMeta]>,
    pos: usize,
    parts: Vec<Segment>,
}

/// `#/learn/SLUG`: one chapter, with its widgets and links to the neighbours.
#[component]
pub fn LessonPage(slug: String) -> impl IntoView {
    let state = RwSignal::new(Load::<Option<Arc<Chapter>>>::Loading);
    let slug = StoredValue::new(slug);
    let load = move || {
        state.set(Load::Loading);
        fetch::load_index(move |r| {
            let slug = slug.get_value();
            let index = match r {
                Ok(i) => i,
                Err(e) => {
                    let _ = state.try_set(Load::Failed(e));
                    return;
                }
            };
            let Some(pos) = position(&index, &slug) else {
                let _ = state.try_set(Load::Ready(None));
                return;
            };
            let url = format!("{}{slug}.html", fetch::LESSONS_DIR);
            fetch::fetch_text(&url, move |r| {
                let next = match r.and_then(|html| split(&html)) {
                    Ok(parts) => {
                        let title = &index[pos].title;
                        document().set_title(&format!("{title} · Learn · Faultline"));
                        Load::Ready(Some(Arc::new(Chapter { index, pos, parts })))
                    }
                    Err(e) => Load::Failed(e),
                };
                let _ = state.try_set(next);
            });
        });
    };
    load();
    window().scroll_to_with_x_and_y(0.0, 0.0);
    let retry = Callback::new(move |()| load());

    move || match state.get() {
        Load::Ready(Some(ch)) => chapter_view(&ch).into_any(),
        other => view! {
            <section class="page learn" aria-labelledby="page-title">
                <p class="lesson-kicker"><a href=Route::Learn.href()>"All chapters"</a></p>
                <h1 id="page-title">"Learn"</h1>
                {match other {
                    Load::Failed(e) => status_view("this chapter", Some(e), retry),
                    Load::Ready(_) => view! {
                        <p data-testid="lesson-missing">
                            {format!("There is no chapter called “{}”. ", slug.get_value())}
                            <a href=Route::Learn.href()>"See all chapters"</a>"."
                        </p>
                    }.into_any(),
                    Load::Loading => status_view("this chapter", None, retry),
                }}
            </section>
        }
        .into_any(),
    }
}

fn chapter_view(ch: &Chapter) -> impl IntoView {
    let meta = &ch.index[ch.pos];
    let total = ch.index.len();
    let link = |i: usize| Route::Lesson(ch.index[i].slug.clone()).href();
    let prev = ch.pos.checked_sub(1).map(|i| {
        view! {
            <a href=link(i) rel="prev" data-testid="lesson-prev">
                <span class="lesson-nav-dir">"Previous"</span>{ch.index[i].title.clone()}
            </a>
        }
    });
    let next = (ch.pos + 1 < total).then(|| {
        view! {
            <a href=link(ch.pos + 1) rel="next" data-testid="lesson-next">
                <span class="lesson-nav-dir">"Next"</span>{ch.index[ch.pos + 1].title.clone()}
            </a>
        }
    });
    let parts = ch
        .parts
        .iter()
        .map(|p| match p {
            Segment::Html(h) => {
                view! { <div class="lesson-body" inner_html=h.clone()></div> }.into_any()
            }
            Segment::Widget(w) => view! { <LessonWidget spec=w.clone() /> }.into_any(),
        })
        .collect_view();

    view! {
        <article class="page learn lesson" data-testid="lesson" data-slug=meta.slug.clone() aria-labelledby="page-title">
            <header class="lesson-header">
                <p class="lesson-kicker">
                    <a href=Route::Learn.href() data-testid="lesson-all">"All chapters"</a>
                    {format!(" · Chapter {} of {total} · {}", ch.pos + 1, minutes(meta.minutes))}
                </p>
                <h1 id="page-title">{meta.title.clone()}</h1>
                <p class="lead">{meta.summary.clone()}</p>
            </header>
            {parts}
            <footer class="lesson-footer">
                <p class="lesson-cards">
                    <a href=Route::Flashcards.href() data-testid="lesson-cards">"Review the cards for this chapter"</a>
                    {format!(" — in the card browser, choose “{}” under Chapter or tag.", meta.title)}
                </p>
                <nav class="lesson-nav" aria-label="Chapters">
                    {prev}
                    <a href=Route::Learn.href() class="lesson-nav-all">"All chapters"</a>
                    {next}
                </nav>
            </footer>
        </article>
    }
}
