//! A view that lives in a lazily loaded WebAssembly module (`NAME.js` + `NAME_bg.wasm` next to
//! `index.html`, built by Trunk from a `data-type="worker"` link in `index.html`), so the app's
//! first load does not carry it. [`LazyView`] shows that the module is loading (or why it failed,
//! with a retry button), calls the module's mount export with its container and an argument, and
//! calls the unmount export when it goes away.

use leptos::html::Div;
use leptos::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `public/boot.js`: imports `NAME.js` (relative to the document's base URL) once and
    /// initialises its wasm; resolves to the module's exports.
    #[wasm_bindgen(catch, js_namespace = faultlineBoot, js_name = loadModule)]
    fn load_module(name: &str) -> Result<js_sys::Promise, JsValue>;
}

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Ready,
    Failed(String),
}

/// Which module and exports a [`LazyView`] uses, and how it names itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LazyModule {
    /// The module's file name without `.js`.
    pub module: &'static str,
    /// Export called as `mount(element, arg)`.
    pub mount: &'static str,
    /// Export called as `unmount(element)`.
    pub unmount: &'static str,
    /// What is loading, for the messages ("the flashcards").
    pub what: &'static str,
    /// Prefix of the test ids: `{id}-loading`, `{id}-error`, `{id}-retry`, `{id}-host`.
    pub id: &'static str,
}

/// A view from a lazily loaded module, mounted into a container of its own.
#[component]
pub fn LazyView(
    /// The module and its exports.
    module: LazyModule,
    /// Passed to the mount export as its second argument.
    #[prop(optional, into)]
    arg: String,
) -> impl IntoView {
    let host = NodeRef::<Div>::new();
    let state = RwSignal::new(Load::Loading);
    // the module's exports and the element its view is mounted in
    let mounted = StoredValue::new_local(None::<(JsValue, web_sys::HtmlElement)>);
    let alive = Arc::new(AtomicBool::new(true));

    let start = {
        let alive = alive.clone();
        move || {
            state.set(Load::Loading);
            let alive = alive.clone();
            let arg = arg.clone();
            leptos::task::spawn_local(async move {
                let loaded = load(module.module).await;
                // the view went away meanwhile (another page, another preset)
                if !alive.load(Ordering::Relaxed) {
                    return;
                }
                let outcome = loaded.and_then(|exports| {
                    let el: web_sys::HtmlElement = host
                        .get_untracked()
                        .ok_or_else(|| "the page has no container".to_string())?
                        .into();
                    call(&exports, module.mount, &el, Some(&arg))?;
                    mounted.set_value(Some((exports, el)));
                    Ok(())
                });
                state.set(match outcome {
                    Ok(()) => Load::Ready,
                    Err(e) => Load::Failed(e),
                });
            });
        }
    };
    start();

    on_cleanup(move || {
        alive.store(false, Ordering::Relaxed);
        if let Some((exports, el)) = mounted.try_update_value(Option::take).flatten() {
            let _ = call(&exports, module.unmount, &el, None);
        }
    });

    let status = move || match state.get() {
        Load::Ready => None,
        Load::Loading => Some(
            view! {
                <p class="lazy-loading" role="status" data-testid=format!("{}-loading", module.id)>
                    {format!("Loading {}…", module.what)}
                </p>
            }
            .into_any(),
        ),
        Load::Failed(e) => {
            let retry = start.clone();
            Some(
                view! {
                    <div class="fc-notice" role="alert" data-testid=format!("{}-error", module.id)>
                        <p>
                            {format!("{} could not be loaded ({e}). Check your connection and try again; nothing you had is lost.", capitalised(module.what))}
                        </p>
                        <button type="button" data-testid=format!("{}-retry", module.id) on:click=move |_| retry()>
                            "Try again"
                        </button>
                    </div>
                }
                .into_any(),
            )
        }
    };

    view! {
        {status}
        <div class="lazy-host" node_ref=host data-testid=format!("{}-host", module.id)></div>
    }
}

/// Loads `module` (once) and calls its export `name` with `arg`; the export returns a string or
/// throws one.
pub async fn call_module(module: &str, name: &str, arg: &str) -> Result<String, String> {
    let exports = load(module).await?;
    let f = js_sys::Reflect::get(&exports, &JsValue::from_str(name))
        .map_err(describe)?
        .dyn_into::<js_sys::Function>()
        .map_err(|_| format!("the module has no {name}"))?;
    f.call1(&JsValue::UNDEFINED, &JsValue::from_str(arg))
        .map_err(describe)?
        .as_string()
        .ok_or_else(|| format!("{name} returned no text"))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

async fn load(name: &str) -> Result<JsValue, String> {
    let promise = load_module(name).map_err(describe)?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(describe)
}

/// Calls the module's export `name` with `el` (and `arg`, when given).
fn call(
    exports: &JsValue,
    name: &str,
    el: &web_sys::HtmlElement,
    arg: Option<&str>,
) -> Result<(), String> {
    let f = js_sys::Reflect::get(exports, &JsValue::from_str(name))
        .map_err(describe)?
        .dyn_into::<js_sys::Function>()
        .map_err(|_| format!("the module has no {name}"))?;
    match arg {
        Some(a) => f.call2(&JsValue::UNDEFINED, el, &JsValue::from_str(a)),
        None => f.call1(&JsValue::UNDEFINED, el),
    }
    .map(drop)
    .map_err(describe)
}

fn describe(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
