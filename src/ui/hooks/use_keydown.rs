use leptos::prelude::*;

/// Calls `handler` for every `keydown` on the window while the owner lives, except while the
/// learner types in a text field (`input`, `textarea`, `select` or an editable element), so
/// shortcuts never steal keystrokes. The listener is removed when the owner is cleaned up.
pub fn use_keydown(handler: impl Fn(web_sys::KeyboardEvent) + 'static) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if is_typing_target(&ev) {
            return;
        }
        handler(ev);
    });
    on_cleanup(move || handle.remove());
}

/// True if the event comes from a place where keys are text.
fn is_typing_target(ev: &web_sys::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.is_content_editable()
}
