//! The lab's extra views as a lazily loaded WebAssembly module (`labx.js` + `labx_bg.wasm` next
//! to `index.html`, built by Trunk from a `data-type="worker"` link in `index.html`): the breaker
//! playground, the lock-vs-saga and split-brain models and Brooker's jitter chart. The lab and
//! the lessons load it the first time one of these is shown, so the app's first load stays
//! without them.
//!
//! [`mount_extra`] mounts the view named by `what` into an element the app hands over;
//! [`unmount_extra`] takes it down again. Natively this binary is an empty `main`.

#[cfg(target_arch = "wasm32")]
mod web {
    use faultline::ui::{labx, mounted};
    use wasm_bindgen::prelude::*;

    /// Mounts the extra view `what` ("breaker-playground", "lock-saga", "partition-quorum", "jitter")
    /// into `el`; an unknown name mounts a notice saying so.
    #[wasm_bindgen]
    pub fn mount_extra(el: web_sys::HtmlElement, what: String) {
        mounted::mount_into(el, move || labx::Extra(labx::ExtraProps { what }));
    }

    /// Unmounts the view mounted into `el`, if any: its view, timers and frames go.
    #[wasm_bindgen]
    pub fn unmount_extra(el: &web_sys::HtmlElement) {
        mounted::unmount(el);
    }
}

fn main() {}
