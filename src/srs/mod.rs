//! The spaced-repetition scheduler (FSRS-6) and the deck model: pure Rust, no browser types.
