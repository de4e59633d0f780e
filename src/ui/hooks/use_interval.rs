use leptos::prelude::*;
use std::time::Duration;

/// Calls `tick` every `period` while the owner lives; the timer is cleared on cleanup.
pub fn use_interval(period: Duration, tick: impl Fn() + 'static) {
    if let Ok(handle) = set_interval_with_handle(tick, period) {
        on_cleanup(move || handle.clear());
    }
}
