//! Browser hooks, one per file, in the `use_x` style.

mod use_hash_route;

pub use use_hash_route::use_hash_route;
