//! Browser hooks, one per file, in the `use_x` style.

mod use_hash_route;
mod use_interval;
mod use_keydown;
mod use_storage_event;

pub use use_hash_route::use_hash_route;
pub use use_interval::use_interval;
pub use use_keydown::use_keydown;
pub use use_storage_event::use_storage_event;
