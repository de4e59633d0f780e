//! The Flashcards module: a second WebAssembly module, loaded only when the Flashcards page is
//! opened (`cards.js` + `cards_bg.wasm` next to `index.html`, built by Trunk from the
//! `data-type="worker"` link in `index.html`). The app's first load stays without the
//! spaced-repetition code, its deck and the statistics charts.
//!
//! The module runs its own Leptos runtime: [`mount_cards`] mounts the Flashcards page into an
//! element the app hands over, and [`unmount_cards`] takes it down again (its keyboard, storage
//! and timer listeners included). Natively this binary is an empty `main`.

#[cfg(target_arch = "wasm32")]
mod web {
    use faultline::ui::mounted;
    use wasm_bindgen::prelude::*;

    /// Mounts the Flashcards page into `el` (replacing a page already mounted there).
    #[wasm_bindgen]
    pub fn mount_cards(el: web_sys::HtmlElement) {
        mounted::mount_into(el, faultline::ui::FlashcardsPage);
    }

    /// Unmounts the page mounted into `el`, if any: its view, listeners and timers go.
    #[wasm_bindgen]
    pub fn unmount_cards(el: &web_sys::HtmlElement) {
        mounted::unmount(el);
    }
}

fn main() {}
