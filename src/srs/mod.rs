//! The spaced-repetition scheduler (FSRS-6) and the deck model: pure Rust, no browser types.
//!
//! * [`fsrs`]: the FSRS-6 scheduler (matches py-fsrs 6.3.2), [`fsrs::format_interval`].
//! * [`deck`]: notes, decks and the Anki-compatible tab-separated text format.
//! * [`progress`]: the review log, the daily queue, undo, merge and the JSON backup.
//! * [`content`]: the Faultline deck shipped with the app and its chapters.
//! * [`stats`]: statistics, the card browser's filter and other helpers of the Flashcards page.
//! * [`cli`]: the `faultline-cli srs INPUT.json` entry.

pub mod cli;
pub mod content;
pub mod deck;
pub mod fsrs;
mod json;
pub mod progress;
pub mod stats;
