//! The Flashcards route in the app: the page itself is a second WebAssembly module
//! (`src/bin/cards.rs`), downloaded the first time the page is opened, so the first load of the
//! app carries neither the scheduler nor the deck. This component shows that it is loading (or
//! why it failed, with a retry button), mounts the module's page into its container and
//! unmounts it when the route changes.

use leptos::html::Div;
use leptos::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `public/boot.js`: imports `cards.js` (relative to the document's base URL) once and
    /// initialises its wasm; resolves to the module's exports.
    #[wasm_bindgen(catch, js_namespace = faultlineBoot, js_name = loadCards)]
    fn load_cards() -> Result<js_sys::Promise, JsValue>;
}

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Ready,
    Failed(String),
}

/// The Flashcards page, loaded on demand.
#[component]
pub fn LazyFlashcardsPage() -> impl IntoView {
    let host = NodeRef::<Div>::new();
    let state = RwSignal::new(Load::Loading);
    // the module's exports and the element its page is mounted in
    let mounted = StoredValue::new_local(None::<(JsValue, web_sys::HtmlElement)>);
    let alive = Arc::new(AtomicBool::new(true));

    let start = {
        let alive = alive.clone();
        move || {
            state.set(Load::Loading);
            let alive = alive.clone();
            leptos::task::spawn_local(async move {
                let module = load().await;
                // the learner went to another page meanwhile: this view is gone
                if !alive.load(Ordering::Relaxed) {
                    return;
                }
                let outcome = module.and_then(|module| {
                    let el: web_sys::HtmlElement = host
                        .get_untracked()
                        .ok_or_else(|| "the page has no container".to_string())?
                        .into();
                    call(&module, "mount_cards", &el)?;
                    mounted.set_value(Some((module, el)));
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
        if let Some((module, el)) = mounted.try_update_value(Option::take).flatten() {
            let _ = call(&module, "unmount_cards", &el);
        }
    });

    let status = move || match state.get() {
        Load::Ready => None,
        Load::Loading => Some(
            view! {
                <p class="fc-loading" role="status" data-testid="cards-loading">
                    "Loading the flashcards…"
                </p>
            }
            .into_any(),
        ),
        Load::Failed(e) => {
            let retry = start.clone();
            Some(
                view! {
                    <div class="fc-notice" role="alert" data-testid="cards-error">
                        <p>
                            "The flashcards could not be loaded (" {e}
                            "). Check your connection and try again; your progress is safe in this browser."
                        </p>
                        <button type="button" data-testid="cards-retry" on:click=move |_| retry()>
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
        <div class="fc-host" node_ref=host data-testid="cards-host"></div>
    }
}

async fn load() -> Result<JsValue, String> {
    let promise = load_cards().map_err(describe)?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(describe)
}

/// Calls the module's export `name` with `el`.
fn call(module: &JsValue, name: &str, el: &web_sys::HtmlElement) -> Result<(), String> {
    let f = js_sys::Reflect::get(module, &JsValue::from_str(name))
        .map_err(describe)?
        .dyn_into::<js_sys::Function>()
        .map_err(|_| format!("the module has no {name}"))?;
    f.call1(&JsValue::UNDEFINED, el).map(drop).map_err(describe)
}

fn describe(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
