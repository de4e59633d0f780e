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
    use std::any::Any;
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;

    thread_local! {
        /// The pages mounted now, with the element each lives in.
        static MOUNTED: RefCell<Vec<(web_sys::HtmlElement, Box<dyn Any>)>> = const { RefCell::new(Vec::new()) };
    }

    /// Mounts the Flashcards page into `el` (replacing a page already mounted there).
    #[wasm_bindgen]
    pub fn mount_cards(el: web_sys::HtmlElement) {
        unmount_cards(&el);
        let handle = leptos::mount::mount_to(el.clone(), faultline::ui::FlashcardsPage);
        MOUNTED.with_borrow_mut(|m| m.push((el, Box::new(handle))));
    }

    /// Unmounts the page mounted into `el`, if any: its view, listeners and timers go.
    #[wasm_bindgen]
    pub fn unmount_cards(el: &web_sys::HtmlElement) {
        let gone: Vec<_> = MOUNTED.with_borrow_mut(|m| {
            let (gone, kept) = std::mem::take(m).into_iter().partition(|(e, _)| e == el);
            *m = kept;
            gone
        });
        // dropped outside the borrow: cleanups may run arbitrary code
        drop(gone);
    }
}

fn main() {}
