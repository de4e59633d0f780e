//! The Flashcards route in the app: the page itself is a second WebAssembly module
//! (`src/bin/cards.rs`), downloaded the first time the page is opened, so the first load of the
//! app carries neither the scheduler nor the deck.

use crate::ui::lazy::{LazyModule, LazyView};
use leptos::prelude::*;

/// The Flashcards module and its exports.
const CARDS: LazyModule = LazyModule {
    module: "cards",
    mount: "mount_cards",
    unmount: "unmount_cards",
    what: "the flashcards",
    id: "cards",
};

/// The Flashcards page, loaded on demand.
#[component]
pub fn LazyFlashcardsPage() -> impl IntoView {
    view! { <LazyView module=CARDS /> }
}
