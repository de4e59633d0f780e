//! The Learn pages: the chapter list (`#/learn`) and one chapter (`#/learn/SLUG`).
//!
//! The lesson text is not in the wasm: `lessons/index.json` and `lessons/SLUG.html` are static
//! files (copied by Trunk from `public/lessons/`) fetched at run time, with a loading notice and
//! a retry button when a fetch fails. Every piece of HTML is built by [`content`], which has no
//! browser types and is tested natively; this module only fetches, swaps the page's
//! `inner_html` and mounts a [`LessonWidget`] into each widget slot. (Few typed views: each one
//! costs wasm, and the first load has a size budget.)

pub mod content;
mod fetch;
mod widget;

use content::{
    error_html, lesson_html, list_html, list_page_html, loading_html, missing_html, position,
    split, status_page_html, WidgetSpec,
};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use std::any::Any;
use std::cell::{Cell, RefCell};
pub use widget::LessonWidget;

/// The id of the element whose content a Learn page swaps.
const ROOT: &str = "learn-root";

thread_local! {
    /// Bumped by every Learn page created: a fetch that finishes for an older page is ignored.
    static PAGE: Cell<u32> = const { Cell::new(0) };
    /// The mounted widgets of the chapter shown, and the page they belong to.
    static WIDGETS: RefCell<(u32, Vec<Box<dyn Any>>)> = RefCell::new((0, Vec::new()));
}

fn new_page() -> u32 {
    PAGE.with(|p| {
        p.set(p.get().wrapping_add(1));
        p.get()
    })
}

/// Replaces the page's content, if `page` is still the page shown; returns whether it did.
fn show(page: u32, html: &str) -> bool {
    if PAGE.with(Cell::get) != page {
        return false;
    }
    match document().get_element_by_id(ROOT) {
        Some(root) => {
            root.set_inner_html(html);
            true
        }
        None => false,
    }
}

/// True if the click was on a retry button (`data-retry`) inside the page.
fn is_retry(ev: &web_sys::MouseEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("[data-retry]").ok().flatten())
        .is_some()
}

/// `#/learn`: every chapter with its summary and reading time.
#[component]
pub fn LearnPage() -> impl IntoView {
    let page = new_page();
    load_list(page);
    view! {
        <section
            id=ROOT
            class="page learn"
            aria-labelledby="page-title"
            on:click=move |ev| if is_retry(&ev) { load_list(page) }
            inner_html=list_page_html(&loading_html("the chapter list"))
        ></section>
    }
}

fn load_list(page: u32) {
    show(page, &list_page_html(&loading_html("the chapter list")));
    fetch::load_index(move |r| {
        let body = match r {
            Ok(idx) => list_html(&idx),
            Err(e) => error_html("the chapter list", &e),
        };
        show(page, &list_page_html(&body));
    });
}

/// `#/learn/SLUG`: one chapter, with its widgets and links to the neighbours.
#[component]
pub fn LessonPage(slug: String) -> impl IntoView {
    let page = new_page();
    load_lesson(page, slug.clone());
    on_cleanup(move || unmount_widgets(page));
    window().scroll_to_with_x_and_y(0.0, 0.0);
    view! {
        <div
            id=ROOT
            class="page learn"
            on:click=move |ev| if is_retry(&ev) { load_lesson(page, slug.clone()) }
            inner_html=status_page_html(&loading_html("this chapter"))
        ></div>
    }
}

fn load_lesson(page: u32, slug: String) {
    let status = move |body: String| {
        show(page, &status_page_html(&body));
    };
    status(loading_html("this chapter"));
    fetch::load_index(move |r| {
        let index = match r {
            Ok(i) => i,
            Err(e) => return status(error_html("this chapter", &e)),
        };
        let Some(pos) = position(&index, &slug) else {
            return status(missing_html(&slug));
        };
        let url = format!("{}{slug}.html", fetch::LESSONS_DIR);
        fetch::fetch_text(&url, move |r| match r.and_then(|html| split(&html)) {
            Ok(parts) => {
                let (html, widgets) = lesson_html(&index, pos, &parts);
                if show(page, &html) {
                    document().set_title(&format!("{} · Learn · Faultline", index[pos].title));
                    mount_widgets(page, widgets);
                }
            }
            Err(e) => status(error_html("this chapter", &e)),
        });
    });
}

/// Mounts a [`LessonWidget`] into each slot `lesson-widget-N` of the chapter just shown.
fn mount_widgets(page: u32, widgets: Vec<WidgetSpec>) {
    let mut handles: Vec<Box<dyn Any>> = Vec::with_capacity(widgets.len());
    for (i, spec) in widgets.into_iter().enumerate() {
        let slot = document()
            .get_element_by_id(&format!("lesson-widget-{i}"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(slot) = slot {
            let handle = leptos::mount::mount_to(slot, move || view! { <LessonWidget spec /> });
            handles.push(Box::new(handle));
        }
    }
    let old = WIDGETS.with(|w| std::mem::replace(&mut *w.borrow_mut(), (page, handles)));
    drop(old);
}

/// Unmounts the widgets of `page` (when the page goes away).
fn unmount_widgets(page: u32) {
    let old = WIDGETS.with(|w| {
        let mut w = w.borrow_mut();
        (w.0 == page).then(|| std::mem::take(&mut w.1))
    });
    drop(old);
}
