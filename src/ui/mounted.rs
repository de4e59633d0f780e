//! The registry of a lazily loaded module (`src/bin/cards.rs`, `src/bin/labx.rs`): the views it
//! has mounted into elements the app handed over, so it can take each down again (its listeners,
//! timers and animation frames included) when the app asks.

use std::any::Any;
use std::cell::RefCell;

thread_local! {
    /// The views mounted now, with the element each lives in.
    static MOUNTED: RefCell<Vec<(web_sys::HtmlElement, Box<dyn Any>)>> = const { RefCell::new(Vec::new()) };
}

/// Mounts `view` into `el`, replacing a view this module mounted there before.
pub fn mount_into<F, N>(el: web_sys::HtmlElement, view: F)
where
    F: FnOnce() -> N + 'static,
    N: leptos::IntoView + 'static,
{
    unmount(&el);
    let handle = leptos::mount::mount_to(el.clone(), view);
    MOUNTED.with_borrow_mut(|m| m.push((el, Box::new(handle))));
}

/// Unmounts the view mounted into `el`, if any.
pub fn unmount(el: &web_sys::HtmlElement) {
    let gone: Vec<_> = MOUNTED.with_borrow_mut(|m| {
        let (gone, kept) = std::mem::take(m).into_iter().partition(|(e, _)| e == el);
        *m = kept;
        gone
    });
    // dropped outside the borrow: cleanups may run arbitrary code
    drop(gone);
}
