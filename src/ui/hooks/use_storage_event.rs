use leptos::prelude::*;

/// Calls `handler(new_value)` when another tab of this site changes the localStorage item
/// `key` (the `storage` event; `None` when the item was removed). The listener is removed
/// when the owner is cleaned up.
pub fn use_storage_event(key: &'static str, handler: impl Fn(Option<String>) + 'static) {
    let handle = window_event_listener(leptos::ev::storage, move |ev: web_sys::StorageEvent| {
        if ev.key().as_deref() == Some(key) {
            handler(ev.new_value());
        }
    });
    on_cleanup(move || handle.remove());
}
