//! The `faultline-cli srs INPUT.json` entry: schedule one new card through a list of reviews.
//!
//! Input:
//!
//! ```json
//! {"config": {"parameters": [21 numbers], "desired_retention": 0.9,
//!             "learning_steps_s": [60, 600], "relearning_steps_s": [600],
//!             "maximum_interval": 36500, "enable_fuzzing": false},
//!  "reviews": [{"rating": 1, "review_at_unix": 1704110400}, ...]}
//! ```
//!
//! Output: one JSON line per review, in py-fsrs's names and conventions:
//! `{"state":"Learning","step":0,"stability":0.212,"difficulty":6.4133,"due_unix":1704110460}`.
//!
//! With `enable_fuzzing: true`, each review may carry `"fuzz": x` (the random number in
//! `[0, 1)` that py-fsrs would draw); reviews without one draw from xoshiro256++ seeded with the
//! optional top-level `"seed"` (default 0), so a run is always reproducible.

use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use serde_json::Value;

use super::fsrs::{Card, CardState, Scheduler};
use super::json;

/// One output line.
#[derive(Serialize)]
struct ReviewLine {
    state: CardState,
    step: Option<u32>,
    stability: Option<f64>,
    difficulty: Option<f64>,
    due_unix: i64,
}

/// Schedules a new card through the reviews in `input` (see the module docs) and returns one
/// JSON line per review. Errors name the field and the reason, e.g.
/// `reviews[2].rating: 5 is not a rating (expected 1 = Again, 2 = Hard, 3 = Good or 4 = Easy)`;
/// it never panics on any input.
pub fn run_reviews_json(input: &str) -> Result<Vec<String>, String> {
    let root: Value = serde_json::from_str(input).map_err(|e| json::malformed(&e))?;
    let obj = json::object(&root, "")?;
    json::no_unknown_fields(obj, "", &["config", "reviews", "seed"])?;
    let config = json::config(json::field(obj, "", "config", "an object")?, "config")?;
    let seed = match obj.get("seed") {
        Some(v) => json::uint(v, "seed")?,
        None => 0,
    };
    let reviews = json::array(
        json::field(obj, "", "reviews", "an array of reviews")?,
        "reviews",
    )?;

    let scheduler = Scheduler::new(config)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut card: Option<Card> = None;
    let mut previous_at: Option<i64> = None;
    let mut lines = Vec::with_capacity(reviews.len());
    for (i, review) in reviews.iter().enumerate() {
        let path = format!("reviews[{i}]");
        let r = json::object(review, &path)?;
        json::no_unknown_fields(r, &path, &["rating", "review_at_unix", "fuzz"])?;
        let rating = json::rating(
            json::field(r, &path, "rating", "1 to 4")?,
            &json::join(&path, "rating"),
        )?;
        let at_path = json::join(&path, "review_at_unix");
        let at = json::int(
            json::field(r, &path, "review_at_unix", "unix seconds")?,
            &at_path,
        )?;
        if let Some(prev) = previous_at {
            if at < prev {
                return Err(format!(
                    "{at_path}: {at} is earlier than the previous review ({prev}); reviews must be in time order"
                ));
            }
        }
        previous_at = Some(at);
        let fuzz = match r.get("fuzz") {
            Some(v) => {
                let f_path = json::join(&path, "fuzz");
                let f = json::number(v, &f_path)?;
                if !(0.0..1.0).contains(&f) {
                    return Err(format!("{f_path}: {f} must be in [0, 1)"));
                }
                f
            }
            None => unit_f64(rng.next_u64()),
        };
        let current = card.take().unwrap_or_else(|| Card::new(at));
        let next = scheduler.review_card(&current, rating, at, fuzz);
        let line = ReviewLine {
            state: next.state,
            step: next.step,
            stability: next.stability,
            difficulty: next.difficulty,
            due_unix: next.due_unix,
        };
        lines.push(serde_json::to_string(&line).map_err(|e| format!("{path}: {e}"))?);
        card = Some(next);
    }
    Ok(lines)
}

/// A uniform f64 in [0, 1) from the top 53 bits.
fn unit_f64(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}
