//! Fetching lesson files at run time (they are not compiled into the wasm): `window.fetch` with
//! plain promise callbacks, and the parsed chapter index kept for the rest of the session.

use super::content::{parse_index, ChapterMeta};
use leptos::prelude::*;
use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

/// The lesson files, relative to the document (the app may live under any sub-path).
pub const LESSONS_DIR: &str = "lessons/";

type Done = Box<dyn FnOnce(Result<String, String>)>;
type Callback = Closure<dyn FnMut(JsValue)>;

/// One fetch in flight: who to tell, and the promise callbacks kept alive until then.
struct Pending {
    done: Option<Done>,
    keep: Vec<Callback>,
}

type Shared = Rc<RefCell<Pending>>;

/// Fetches `url` as text and calls `done` once with the body, or with a sentence saying why not
/// (network failure or an HTTP error status).
pub fn fetch_text(url: &str, done: impl FnOnce(Result<String, String>) + 'static) {
    let state: Shared = Rc::new(RefCell::new(Pending {
        done: Some(Box::new(done)),
        keep: Vec::new(),
    }));
    let promise = window().fetch_with_str(url);
    listen(&state, &promise, on_response);
}

fn listen(state: &Shared, promise: &js_sys::Promise, next: fn(&Shared, JsValue)) {
    let (a, b) = (state.clone(), state.clone());
    let on_ok = Callback::new(move |v: JsValue| next(&a, v));
    let on_err = Callback::new(move |e: JsValue| finish(&b, Err(describe(&e))));
    let _ = promise.then2(&on_ok, &on_err);
    state.borrow_mut().keep.extend([on_ok, on_err]);
}

fn on_response(state: &Shared, v: JsValue) {
    let resp: web_sys::Response = v.unchecked_into();
    if !resp.ok() {
        let status = format!("{} {}", resp.status(), resp.status_text());
        return finish(state, Err(format!("the server answered {}", status.trim())));
    }
    match resp.text() {
        Ok(p) => listen(state, &p, |s, v| {
            finish(s, Ok(v.as_string().unwrap_or_default()))
        }),
        Err(e) => finish(state, Err(describe(&e))),
    }
}

fn finish(state: &Shared, result: Result<String, String>) {
    let (done, keep) = {
        let mut s = state.borrow_mut();
        (s.done.take(), std::mem::take(&mut s.keep))
    };
    // One of these callbacks is running right now: drop them on a later tick.
    leptos::task::spawn_local(async move { drop(keep) });
    if let Some(done) = done {
        done(result);
    }
}

fn describe(e: &JsValue) -> String {
    let msg = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_default();
    if msg.is_empty() {
        "the network request failed".into()
    } else {
        format!("the network request failed ({msg})")
    }
}

thread_local! {
    static INDEX: RefCell<Option<Arc<[ChapterMeta]>>> = const { RefCell::new(None) };
}

/// The chapter index, fetched once per session (at once if already loaded).
pub fn load_index(done: impl FnOnce(Result<Arc<[ChapterMeta]>, String>) + 'static) {
    if let Some(idx) = INDEX.with(|i| i.borrow().clone()) {
        // later, like a fetch: the caller's page is in the document by then
        leptos::task::spawn_local(async move { done(Ok(idx)) });
        return;
    }
    fetch_text(&format!("{LESSONS_DIR}index.json"), move |r| {
        let r = r
            .and_then(|t| parse_index(&t))
            .map(Arc::<[ChapterMeta]>::from);
        if let Ok(idx) = &r {
            INDEX.with(|i| *i.borrow_mut() = Some(idx.clone()));
        }
        done(r);
    });
}
