//! The Learn pages: the chapter list (`#/learn`) and one chapter (`#/learn/SLUG`).
//!
//! The lesson text is not in the wasm: `lessons/index.json` and `lessons/SLUG.html` are static
//! files (copied by Trunk from `public/lessons/`) fetched at run time, with a loading state and a
//! retry button when a fetch fails. Parsing lives in [`content`], which has no browser types.

pub mod content;
mod fetch;
mod widget;

use content::{footer_html, header_html, list_html, position, split, Segment};
use leptos::either::Either;
use leptos::prelude::*;
pub use widget::LessonWidget;

/// What a Learn page shows. The list and the chapter's header and footer are built as HTML
/// strings by [`content`] (a few typed views keep the wasm small).
#[derive(Clone)]
enum Load {
    Loading,
    Failed(String),
    /// The chapter list, as HTML.
    List(String),
    /// The slug names no chapter in the index.
    Missing,
    Chapter {
        header: String,
        parts: Vec<Segment>,
        footer: String,
    },
}

/// The loading notice, or the failure with a retry button.
#[component]
fn Status(state: RwSignal<Load>, what: &'static str, retry: Callback<()>) -> impl IntoView {
    view! {
        {move || state.with(|s| matches!(s, Load::Loading)).then(|| view! {
            <p class="learn-status" role="status" data-testid="learn-loading">"Loading " {what} "…"</p>
        })}
        {move || state.with(|s| match s {
            Load::Failed(e) => Some(view! {
                <div class="learn-error" role="alert" data-testid="learn-error">
                    <p>"Could not load " {what} ": " {e.clone()} "."</p>
                    <p>"Check your connection, then try again."</p>
                    <button type="button" data-testid="learn-retry" on:click=move |_| retry.run(())>
                        "Try again"
                    </button>
                </div>
            }),
            _ => None,
        })}
    }
}

/// `#/learn`: every chapter with its summary and reading time.
#[component]
pub fn LearnPage() -> impl IntoView {
    let state = RwSignal::new(Load::Loading);
    let load = move || {
        state.set(Load::Loading);
        fetch::load_index(move |r| {
            let _ = state.try_set(r.map_or_else(Load::Failed, |idx| Load::List(list_html(&idx))));
        });
    };
    load();

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
            <Status state what="the chapter list" retry=Callback::new(move |()| load()) />
            {move || state.with(|s| match s {
                Load::List(h) => Some(view! { <div inner_html=h.clone()></div> }),
                _ => None,
            })}
        </section>
    }
}

/// `#/learn/SLUG`: one chapter, with its widgets and links to the neighbours.
#[component]
pub fn LessonPage(slug: String) -> impl IntoView {
    let state = RwSignal::new(Load::Loading);
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
                let _ = state.try_set(Load::Missing);
                return;
            };
            let url = format!("{}{slug}.html", fetch::LESSONS_DIR);
            fetch::fetch_text(&url, move |r| {
                let next = match r.and_then(|html| split(&html)) {
                    Ok(parts) => {
                        document().set_title(&format!("{} · Learn · Faultline", index[pos].title));
                        Load::Chapter {
                            header: header_html(&index, pos),
                            parts,
                            footer: footer_html(&index, pos),
                        }
                    }
                    Err(e) => Load::Failed(e),
                };
                let _ = state.try_set(next);
            });
        });
    };
    load();
    window().scroll_to_with_x_and_y(0.0, 0.0);

    view! {
        <div class="page learn">
            {move || state.with(|s| !matches!(s, Load::Chapter { .. })).then(|| view! {
                <p class="lesson-kicker"><a href="#/learn">"All chapters"</a></p>
                <h1 id="page-title">"Learn"</h1>
            })}
            <Status state what="this chapter" retry=Callback::new(move |()| load()) />
            {move || state.with(|s| matches!(s, Load::Missing)).then(|| view! {
                <p data-testid="lesson-missing">
                    "There is no chapter called “" {slug.get_value()} "”. "
                    <a href="#/learn">"See all chapters"</a> "."
                </p>
            })}
            {move || state.with(|s| match s {
                Load::Chapter { header, parts, footer } => Some(view! {
                    <article class="lesson" data-testid="lesson" data-slug=slug.get_value() aria-labelledby="page-title">
                        <header class="lesson-header" inner_html=header.clone()></header>
                        {parts.iter().map(|p| match p {
                            Segment::Html(h) => Either::Left(view! { <div class="lesson-body" inner_html=h.clone()></div> }),
                            Segment::Widget(w) => Either::Right(view! { <LessonWidget spec=w.clone() /> }),
                        }).collect_view()}
                        <footer class="lesson-footer" inner_html=footer.clone()></footer>
                    </article>
                }),
                _ => None,
            })}
        </div>
    }
}
