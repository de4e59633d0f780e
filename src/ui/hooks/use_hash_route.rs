use crate::route::Route;
use leptos::prelude::*;

/// The page named by the URL fragment, kept up to date as the fragment changes (links, the back
/// button, a typed URL). The `hashchange` listener is removed when the owner is cleaned up.
pub fn use_hash_route() -> ReadSignal<Route> {
    let (route, set_route) = signal(current_route());
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        set_route.set(current_route());
    });
    on_cleanup(move || handle.remove());
    route
}

fn current_route() -> Route {
    let hash = window().location().hash().unwrap_or_default();
    Route::from_hash(&hash)
}
