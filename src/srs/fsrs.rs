//! The FSRS-6 scheduler, written to match py-fsrs 6.3.2 exactly when fuzzing is off.
//!
//! Everything is plain `f64` arithmetic with [`libm`] for the transcendental functions, so a
//! schedule is bit-identical natively and in the browser. Times are unix seconds (`i64`); the
//! caller supplies the review time and, for fuzzing, a random number in `[0, 1)`, so the
//! scheduler itself is deterministic and never reads a clock or a random source.
//!
//! Conventions taken from py-fsrs (see `tests/fixtures/fsrs/gen_reference.py`):
//!
//! * **Elapsed days** between two reviews are whole 24-hour periods: `floor(seconds / 86400)`
//!   (negative gaps floor too, like Python's `timedelta.days`).
//! * **Same-day reviews** (elapsed days < 1) update stability with the short-term formula
//!   `S' = S · max(1, e^(w17·(G − 3 + w18)) · S^(−w19))` (no `max` for Again), in every state.
//! * **Hard on the first learning (or relearning) step** waits the mean of the first two steps,
//!   or 1.5 × the step when there is only one; Hard on a later step repeats that step.
//! * **Intervals** in days are `round_half_even(S / F · (r^(1/decay) − 1))`, at least 1 and at
//!   most `maximum_interval`, where `decay = −w20` and `F = 0.9^(1/decay) − 1`.
//! * **Stability** is clamped to at least 0.001; **difficulty** to `[1, 10]`.
//! * A learning step that is not a whole number of seconds (the Hard mean of two odd steps) is
//!   rounded down to the second, since due times here are whole unix seconds; py-fsrs keeps the
//!   half second.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds in a day: py-fsrs counts elapsed time in whole 24-hour periods.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// The published FSRS-6 default weights `w0 … w20` (py-fsrs 6.3.2 `DEFAULT_PARAMETERS`).
pub const DEFAULT_PARAMETERS: [f64; 21] = [
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
];

/// Lowest stability the scheduler ever stores, in days.
pub const STABILITY_MIN: f64 = 0.001;
/// Difficulty is kept within `[MIN_DIFFICULTY, MAX_DIFFICULTY]`.
pub const MIN_DIFFICULTY: f64 = 1.0;
/// Difficulty is kept within `[MIN_DIFFICULTY, MAX_DIFFICULTY]`.
pub const MAX_DIFFICULTY: f64 = 10.0;

/// Inclusive lower bounds of each weight, as py-fsrs validates them.
pub const PARAMETER_LOWER_BOUNDS: [f64; 21] = [
    STABILITY_MIN,
    STABILITY_MIN,
    STABILITY_MIN,
    STABILITY_MIN,
    1.0,
    0.001,
    0.001,
    0.001,
    0.0,
    0.0,
    0.001,
    0.001,
    0.001,
    0.001,
    0.0,
    0.0,
    1.0,
    0.0,
    0.0,
    0.0,
    0.1,
];

/// Inclusive upper bounds of each weight, as py-fsrs validates them.
pub const PARAMETER_UPPER_BOUNDS: [f64; 21] = [
    100.0, 100.0, 100.0, 100.0, 10.0, 4.0, 4.0, 0.75, 4.5, 0.8, 3.5, 5.0, 0.25, 0.9, 4.0, 1.0, 6.0,
    2.0, 2.0, 0.8, 0.8,
];

/// py-fsrs's fuzz ranges: `(start, end, factor)` in days. The fuzz half-width of an interval
/// of `d` days is `1 + Σ factor · max(min(d, end) − start, 0)`.
pub const FUZZ_RANGES: [(f64, f64, f64); 3] = [
    (2.5, 7.0, 0.15),
    (7.0, 20.0, 0.1),
    (20.0, f64::INFINITY, 0.05),
];

/// The four answer buttons. Serialized as the integers 1–4, like py-fsrs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rating {
    /// Forgot: 1.
    Again = 1,
    /// Recalled with serious difficulty: 2.
    Hard = 2,
    /// Recalled: 3.
    Good = 3,
    /// Recalled effortlessly: 4.
    Easy = 4,
}

impl Rating {
    /// All four ratings in button order.
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// The rating with number `n` (1 = Again … 4 = Easy), or `None` outside 1..=4.
    pub fn from_number(n: i64) -> Option<Rating> {
        match n {
            1 => Some(Rating::Again),
            2 => Some(Rating::Hard),
            3 => Some(Rating::Good),
            4 => Some(Rating::Easy),
            _ => None,
        }
    }

    /// The rating's number, 1 (Again) to 4 (Easy).
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The button label: "Again", "Hard", "Good" or "Easy".
    pub fn label(self) -> &'static str {
        match self {
            Rating::Again => "Again",
            Rating::Hard => "Hard",
            Rating::Good => "Good",
            Rating::Easy => "Easy",
        }
    }

    /// `G` in the formulas, as a float.
    fn g(self) -> f64 {
        f64::from(self.number())
    }
}

impl Serialize for Rating {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.number())
    }
}

impl<'de> Deserialize<'de> for Rating {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(deserializer)?;
        Rating::from_number(n).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{n} is not a rating (expected 1 = Again, 2 = Hard, 3 = Good or 4 = Easy)"
            ))
        })
    }
}

/// A card's learning state, with py-fsrs's names. Serialized as `"Learning"`, `"Review"` or
/// `"Relearning"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CardState {
    /// New or still on the learning steps (`step` is `Some`).
    Learning,
    /// Graduated: scheduled in whole days (`step` is `None`).
    Review,
    /// Lapsed from Review and on the relearning steps (`step` is `Some`).
    Relearning,
}

impl CardState {
    /// The state's name, as py-fsrs spells it.
    pub fn name(self) -> &'static str {
        match self {
            CardState::Learning => "Learning",
            CardState::Review => "Review",
            CardState::Relearning => "Relearning",
        }
    }
}

/// One card's scheduling state (py-fsrs's `Card` without the id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// Learning, Review or Relearning.
    pub state: CardState,
    /// Index into the learning or relearning steps; `None` in Review.
    pub step: Option<u32>,
    /// Days until retrievability falls to 90 %; `None` until the first review.
    pub stability: Option<f64>,
    /// 1 (easy) to 10 (hard); `None` until the first review.
    pub difficulty: Option<f64>,
    /// When the card is next due, unix seconds.
    pub due_unix: i64,
    /// When the card was last reviewed, unix seconds; `None` for a new card.
    pub last_review_unix: Option<i64>,
}

impl Card {
    /// A new, never-reviewed card: Learning, step 0, no stability or difficulty, due at `due_unix`.
    pub fn new(due_unix: i64) -> Card {
        Card {
            state: CardState::Learning,
            step: Some(0),
            stability: None,
            difficulty: None,
            due_unix,
            last_review_unix: None,
        }
    }

    /// True if the card has never been reviewed.
    pub fn is_new(&self) -> bool {
        self.last_review_unix.is_none()
    }
}

/// Scheduler settings, with py-fsrs's meanings. The serde field names are exactly the Rust
/// field names (`parameters`, `desired_retention`, `learning_steps_s`, `relearning_steps_s`,
/// `maximum_interval`, `enable_fuzzing`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchedulerConfig {
    /// The 21 FSRS-6 weights `w0 … w20`.
    pub parameters: [f64; 21],
    /// Target probability of recall when a Review card comes due, in (0, 1).
    pub desired_retention: f64,
    /// Learning steps in seconds (default 1 min, 10 min).
    pub learning_steps_s: Vec<u64>,
    /// Relearning steps in seconds (default 10 min).
    pub relearning_steps_s: Vec<u64>,
    /// Longest Review interval, in days (default 36500).
    pub maximum_interval: u32,
    /// Whether Review intervals get py-fsrs's random fuzz.
    pub enable_fuzzing: bool,
}

impl Default for SchedulerConfig {
    /// The published defaults: default weights, retention 0.9, learning steps 1 min and
    /// 10 min, relearning step 10 min, maximum interval 36500 days, fuzzing on (as in py-fsrs).
    fn default() -> Self {
        SchedulerConfig {
            parameters: DEFAULT_PARAMETERS,
            desired_retention: 0.9,
            learning_steps_s: vec![60, 600],
            relearning_steps_s: vec![600],
            maximum_interval: 36_500,
            enable_fuzzing: true,
        }
    }
}

/// Longest learning or relearning step accepted, in seconds (100 years).
pub const MAX_STEP_S: u64 = 36_500 * 86_400;

impl SchedulerConfig {
    /// Checks every field; the error names the field and the reason, e.g.
    /// `parameters[20] = 0.95 is out of bounds [0.1, 0.8]`.
    ///
    /// Rules: each parameter finite and within py-fsrs's bounds; `desired_retention` strictly
    /// between 0 and 1; each step between 1 second and 100 years; `maximum_interval` at least 1.
    pub fn validate(&self) -> Result<(), String> {
        for (i, &w) in self.parameters.iter().enumerate() {
            if !w.is_finite() {
                return Err(format!("parameters[{i}] = {w} is not a finite number"));
            }
            let (lo, hi) = (PARAMETER_LOWER_BOUNDS[i], PARAMETER_UPPER_BOUNDS[i]);
            if !(lo..=hi).contains(&w) {
                return Err(format!(
                    "parameters[{i}] = {w} is out of bounds [{lo}, {hi}]"
                ));
            }
        }
        let r = self.desired_retention;
        if !(r.is_finite() && r > 0.0 && r < 1.0) {
            return Err(format!(
                "desired_retention = {r} must be strictly between 0 and 1"
            ));
        }
        for (name, steps) in [
            ("learning_steps_s", &self.learning_steps_s),
            ("relearning_steps_s", &self.relearning_steps_s),
        ] {
            for (i, &s) in steps.iter().enumerate() {
                if s == 0 || s > MAX_STEP_S {
                    return Err(format!(
                        "{name}[{i}] = {s} must be between 1 and {MAX_STEP_S} seconds"
                    ));
                }
            }
        }
        if self.maximum_interval == 0 {
            return Err("maximum_interval = 0 must be at least 1 day".to_string());
        }
        Ok(())
    }
}

/// Whole 24-hour periods from `from` to `to` (floored, so negative for `to < from`), like
/// Python's `(to - from).days`.
pub fn elapsed_days(from_unix: i64, to_unix: i64) -> i64 {
    to_unix
        .saturating_sub(from_unix)
        .div_euclid(SECONDS_PER_DAY)
}

/// `e^x` spelled as py-fsrs spells it (`math.e ** x`).
fn exp(x: f64) -> f64 {
    libm::pow(core::f64::consts::E, x)
}

/// Python's `round()` on a float: to the nearest integer, ties to even.
fn round_half_even(x: f64) -> f64 {
    x.round_ties_even()
}

/// What one rating would do to a card: the resulting card and the wait until it is due.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewPreview {
    /// The button.
    pub rating: Rating,
    /// The card as it would be after this answer.
    pub card: Card,
    /// Seconds from the review to the new due time (show it with [`format_interval`]).
    pub interval_s: i64,
}

/// The FSRS-6 scheduler for one validated [`SchedulerConfig`].
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduler {
    config: SchedulerConfig,
    decay: f64,
    factor: f64,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::from_valid(SchedulerConfig::default())
    }
}

impl Scheduler {
    /// A scheduler for `config`, or the [`SchedulerConfig::validate`] error.
    pub fn new(config: SchedulerConfig) -> Result<Scheduler, String> {
        config.validate()?;
        Ok(Scheduler::from_valid(config))
    }

    fn from_valid(config: SchedulerConfig) -> Scheduler {
        let decay = -config.parameters[20];
        let factor = libm::pow(0.9, 1.0 / decay) - 1.0;
        Scheduler {
            config,
            decay,
            factor,
        }
    }

    /// The configuration this scheduler was built from.
    pub fn config(&self) -> &SchedulerConfig {
        &self.config
    }

    fn w(&self, i: usize) -> f64 {
        self.config.parameters[i]
    }

    /// Probability of recall at `now_unix`: `(1 + F · t / S)^(−w20)` with `t` the whole days
    /// since the last review (at least 0). 0 for a card never reviewed.
    pub fn retrievability(&self, card: &Card, now_unix: i64) -> f64 {
        match (card.last_review_unix, card.stability) {
            (Some(last), Some(stability)) => {
                let t = elapsed_days(last, now_unix).max(0) as f64;
                libm::pow(1.0 + self.factor * t / stability, self.decay)
            }
            _ => 0.0,
        }
    }

    /// Initial stability after the first rating: `w[G − 1]`, at least 0.001.
    pub fn initial_stability(&self, rating: Rating) -> f64 {
        clamp_stability(self.w(rating as usize - 1))
    }

    /// Initial difficulty after the first rating: `w4 − e^(w5·(G − 1)) + 1`, clamped to
    /// `[1, 10]`.
    pub fn initial_difficulty(&self, rating: Rating) -> f64 {
        clamp_difficulty(self.initial_difficulty_unclamped(rating))
    }

    fn initial_difficulty_unclamped(&self, rating: Rating) -> f64 {
        self.w(4) - exp(self.w(5) * (rating.g() - 1.0)) + 1.0
    }

    /// Next difficulty: linear damping `D + (10 − D) · (−w6·(G − 3)) / 9`, then mean reversion
    /// towards the unclamped initial difficulty of Easy with weight `w7`, clamped to `[1, 10]`.
    pub fn next_difficulty(&self, difficulty: f64, rating: Rating) -> f64 {
        let target = self.initial_difficulty_unclamped(Rating::Easy);
        let delta = -(self.w(6) * (rating.g() - 3.0));
        let damped = difficulty + (10.0 - difficulty) * delta / 9.0;
        clamp_difficulty(self.w(7) * target + (1.0 - self.w(7)) * damped)
    }

    /// Short-term (same-day) stability: `S · e^(w17·(G − 3 + w18)) · S^(−w19)`, where the
    /// growth factor is at least 1 for Hard, Good and Easy; at least 0.001.
    pub fn short_term_stability(&self, stability: f64, rating: Rating) -> f64 {
        let mut increase =
            exp(self.w(17) * (rating.g() - 3.0 + self.w(18))) * libm::pow(stability, -self.w(19));
        if rating != Rating::Again {
            increase = increase.max(1.0);
        }
        clamp_stability(stability * increase)
    }

    /// Stability after a successful recall (Hard, Good, Easy) at retrievability `r`:
    /// `S · (1 + e^w8 · (11 − D) · S^(−w9) · (e^((1 − R)·w10) − 1) · hard · easy)` with
    /// `hard = w15` for Hard and `easy = w16` for Easy (else 1). Not clamped.
    pub fn next_recall_stability(
        &self,
        difficulty: f64,
        stability: f64,
        r: f64,
        rating: Rating,
    ) -> f64 {
        let hard_penalty = if rating == Rating::Hard {
            self.w(15)
        } else {
            1.0
        };
        let easy_bonus = if rating == Rating::Easy {
            self.w(16)
        } else {
            1.0
        };
        stability
            * (1.0
                + exp(self.w(8))
                    * (11.0 - difficulty)
                    * libm::pow(stability, -self.w(9))
                    * (exp((1.0 - r) * self.w(10)) - 1.0)
                    * hard_penalty
                    * easy_bonus)
    }

    /// Stability after a lapse (Again) at retrievability `r`: the smaller of
    /// `w11 · D^(−w12) · ((S + 1)^w13 − 1) · e^((1 − R)·w14)` and `S / e^(w17·w18)`. Not clamped.
    pub fn next_forget_stability(&self, difficulty: f64, stability: f64, r: f64) -> f64 {
        let long_term = self.w(11)
            * libm::pow(difficulty, -self.w(12))
            * (libm::pow(stability + 1.0, self.w(13)) - 1.0)
            * exp((1.0 - r) * self.w(14));
        let short_term = stability / exp(self.w(17) * self.w(18));
        long_term.min(short_term)
    }

    /// Stability after a review on a later day: recall or forget formula, at least 0.001.
    pub fn next_stability(&self, difficulty: f64, stability: f64, r: f64, rating: Rating) -> f64 {
        let s = match rating {
            Rating::Again => self.next_forget_stability(difficulty, stability, r),
            _ => self.next_recall_stability(difficulty, stability, r, rating),
        };
        clamp_stability(s)
    }

    /// The Review interval in days for `stability`: `S / F · (r^(1/decay) − 1)` rounded half to
    /// even, at least 1 and at most `maximum_interval`.
    pub fn interval_days(&self, stability: f64) -> u32 {
        let raw = (stability / self.factor)
            * (libm::pow(self.config.desired_retention, 1.0 / self.decay) - 1.0);
        let max = f64::from(self.config.maximum_interval);
        let days = round_half_even(raw);
        let days = if days.is_nan() {
            max
        } else {
            days.clamp(1.0, max)
        };
        // In [1, maximum_interval]: the cast is exact.
        days as u32
    }

    /// py-fsrs's fuzz range `(min_ivl, max_ivl)` in days for an interval of `interval_days`
    /// (meaningful for intervals of at least 3 days; shorter ones are never fuzzed).
    ///
    /// Note that py-fsrs then draws `round(fuzz · (max − min + 1) + min)`, which can land on
    /// `max_ivl + 1` for a fuzz close to 1 (still capped at `maximum_interval`); this scheduler
    /// does the same, so a fuzzed interval lies in `[min_ivl, min(max_ivl + 1, maximum_interval)]`.
    pub fn fuzz_range(&self, interval_days: u32) -> (u32, u32) {
        let d = f64::from(interval_days);
        let mut delta = 1.0;
        for (start, end, factor) in FUZZ_RANGES {
            delta += factor * (d.min(end) - start).max(0.0);
        }
        let max_allowed = i64::from(self.config.maximum_interval);
        // |d ± delta| is well within i64: d ≤ u32::MAX and delta ≤ 1 + 0.05·d + small.
        let min_ivl = (round_half_even(d - delta) as i64).max(2);
        let max_ivl = (round_half_even(d + delta) as i64).min(max_allowed);
        let min_ivl = min_ivl.min(max_ivl);
        // Both in [0, maximum_interval] (max_ivl ≥ d - ... ≥ 0): the casts are exact.
        (min_ivl.max(0) as u32, max_ivl.max(0) as u32)
    }

    /// The fuzzed interval for `interval_days` with the random number `fuzz` in `[0, 1)`
    /// (out-of-range values are clamped into it, NaN counts as 0). Intervals under 2.5 days
    /// are returned unchanged.
    pub fn fuzzed_interval_days(&self, interval_days: u32, fuzz: f64) -> u32 {
        if f64::from(interval_days) < 2.5 {
            return interval_days;
        }
        let fuzz = if fuzz.is_nan() {
            0.0
        } else {
            fuzz.clamp(0.0, 1.0 - f64::EPSILON)
        };
        let (min_ivl, max_ivl) = self.fuzz_range(interval_days);
        let span = f64::from(max_ivl) - f64::from(min_ivl) + 1.0;
        let days = round_half_even(fuzz * span + f64::from(min_ivl));
        let days = days.min(f64::from(self.config.maximum_interval));
        // In [min_ivl, maximum_interval]: the cast is exact.
        days as u32
    }

    /// Reviews `card` with `rating` at `review_at_unix` and returns the updated card.
    ///
    /// `fuzz` is a random number in `[0, 1)`, used only when fuzzing is enabled and the card
    /// lands in Review with an interval of at least 3 days (pass anything, e.g. 0.0, otherwise).
    ///
    /// Follows py-fsrs 6.3.2 `Scheduler.review_card` step by step. Where py-fsrs would assert
    /// (a Review or Relearning card without stability/difficulty, a Learning card without a
    /// step), this treats the missing stability/difficulty as a first review and a missing
    /// step as step 0 instead of panicking.
    pub fn review_card(&self, card: &Card, rating: Rating, review_at_unix: i64, fuzz: f64) -> Card {
        let mut card = card.clone();
        let days_since_last = card
            .last_review_unix
            .map(|last| elapsed_days(last, review_at_unix));
        let same_day = matches!(days_since_last, Some(d) if d < 1);

        // Stability and difficulty.
        match (card.stability, card.difficulty) {
            (Some(s), Some(d)) => {
                let s = if same_day {
                    self.short_term_stability(s, rating)
                } else {
                    let r = self.retrievability(&card, review_at_unix);
                    self.next_stability(d, s, r, rating)
                };
                card.stability = Some(s);
                card.difficulty = Some(self.next_difficulty(d, rating));
            }
            _ => {
                card.stability = Some(self.initial_stability(rating));
                card.difficulty = Some(self.initial_difficulty(rating));
            }
        }
        let stability = card.stability.unwrap_or(STABILITY_MIN);

        // Next state, step and interval.
        let interval_s: i64 = match card.state {
            CardState::Learning | CardState::Relearning => {
                let steps = if card.state == CardState::Learning {
                    &self.config.learning_steps_s
                } else {
                    &self.config.relearning_steps_s
                };
                let step = card.step.unwrap_or(0) as usize;
                let exhausted = step >= steps.len() && rating != Rating::Again;
                if steps.is_empty() || exhausted {
                    self.graduate(&mut card, stability)
                } else {
                    match rating {
                        Rating::Again => {
                            card.step = Some(0);
                            step_seconds(steps[0])
                        }
                        Rating::Hard => {
                            // The step stays the same.
                            if step == 0 && steps.len() == 1 {
                                step_seconds(steps[0].saturating_mul(3) / 2)
                            } else if step == 0 {
                                step_seconds(steps[0].saturating_add(steps[1]) / 2)
                            } else {
                                step_seconds(steps[step])
                            }
                        }
                        Rating::Good => {
                            if step + 1 == steps.len() {
                                self.graduate(&mut card, stability)
                            } else if let Some(&next) = steps.get(step + 1) {
                                card.step = Some(step as u32 + 1);
                                step_seconds(next)
                            } else {
                                // step + 1 > len: only reachable with step ≥ len, handled above.
                                self.graduate(&mut card, stability)
                            }
                        }
                        Rating::Easy => self.graduate(&mut card, stability),
                    }
                }
            }
            CardState::Review => {
                if rating == Rating::Again && !self.config.relearning_steps_s.is_empty() {
                    card.state = CardState::Relearning;
                    card.step = Some(0);
                    step_seconds(self.config.relearning_steps_s[0])
                } else {
                    card.step = None;
                    i64::from(self.interval_days(stability)) * SECONDS_PER_DAY
                }
            }
        };

        let interval_s = if self.config.enable_fuzzing && card.state == CardState::Review {
            // Review intervals are whole days here.
            let days = u32::try_from(interval_s / SECONDS_PER_DAY).unwrap_or(u32::MAX);
            i64::from(self.fuzzed_interval_days(days, fuzz)) * SECONDS_PER_DAY
        } else {
            interval_s
        };

        card.due_unix = review_at_unix.saturating_add(interval_s);
        card.last_review_unix = Some(review_at_unix);
        card
    }

    /// Moves `card` to Review and returns the interval in seconds.
    fn graduate(&self, card: &mut Card, stability: f64) -> i64 {
        card.state = CardState::Review;
        card.step = None;
        i64::from(self.interval_days(stability)) * SECONDS_PER_DAY
    }

    /// What each of the four buttons would do to `card` if answered at `now_unix` (with the
    /// same `fuzz` for all four), in button order.
    pub fn preview(&self, card: &Card, now_unix: i64, fuzz: f64) -> [ReviewPreview; 4] {
        Rating::ALL.map(|rating| {
            let next = self.review_card(card, rating, now_unix, fuzz);
            ReviewPreview {
                rating,
                interval_s: next.due_unix.saturating_sub(now_unix),
                card: next,
            }
        })
    }
}

fn clamp_stability(s: f64) -> f64 {
    s.max(STABILITY_MIN)
}

fn clamp_difficulty(d: f64) -> f64 {
    d.clamp(MIN_DIFFICULTY, MAX_DIFFICULTY)
}

/// A step in seconds as a signed duration (steps are validated to at most 100 years).
fn step_seconds(s: u64) -> i64 {
    i64::try_from(s).unwrap_or(i64::MAX)
}

/// A wait in seconds as Anki shows it on its answer buttons: minutes below an hour ("1m",
/// "10m"; never less than "1m"), hours below a day ("1h"), days below a 30-day month ("4d"),
/// months with one decimal below a 365-day year ("1.1mo"), then years with one decimal
/// ("2.3y"). Minutes, hours and days are rounded to the nearest whole unit (bumping to the
/// next unit when that reaches it, so 59m 40s shows "1h"); a trailing ".0" is dropped ("1mo",
/// "2y").
pub fn format_interval(seconds: i64) -> String {
    const MINUTE: f64 = 60.0;
    const HOUR: f64 = 3600.0;
    const DAY: f64 = 86_400.0;
    const MONTH: f64 = 30.0 * DAY;
    const YEAR: f64 = 365.0 * DAY;
    let s = seconds.max(0) as f64;
    let minutes = (s / MINUTE).round().max(1.0);
    if minutes < 60.0 {
        return format!("{minutes}m");
    }
    let hours = (s / HOUR).round();
    if hours < 24.0 {
        return format!("{hours}h");
    }
    let days = (s / DAY).round();
    if days < 30.0 {
        return format!("{days}d");
    }
    if s < YEAR {
        return format!("{}mo", one_decimal(s / MONTH));
    }
    format!("{}y", one_decimal(s / YEAR))
}

/// `x` with one decimal, without a trailing ".0".
fn one_decimal(x: f64) -> String {
    let text = format!("{:.1}", x);
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sched() -> Scheduler {
        Scheduler::new(SchedulerConfig {
            enable_fuzzing: false,
            ..SchedulerConfig::default()
        })
        .expect("defaults are valid")
    }

    const T0: i64 = 1_704_110_400;

    #[test]
    fn default_config_is_the_published_one() {
        let c = SchedulerConfig::default();
        assert_eq!(c.parameters, DEFAULT_PARAMETERS);
        assert_eq!(c.desired_retention, 0.9);
        assert_eq!(c.learning_steps_s, vec![60, 600]);
        assert_eq!(c.relearning_steps_s, vec![600]);
        assert_eq!(c.maximum_interval, 36_500);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn validate_names_field_and_reason() {
        let mut c = SchedulerConfig::default();
        c.parameters[20] = 0.95;
        assert_eq!(
            c.validate().unwrap_err(),
            "parameters[20] = 0.95 is out of bounds [0.1, 0.8]"
        );
        c.parameters[20] = f64::NAN;
        assert_eq!(
            c.validate().unwrap_err(),
            "parameters[20] = NaN is not a finite number"
        );
        let c = SchedulerConfig {
            desired_retention: 1.0,
            ..SchedulerConfig::default()
        };
        assert!(c
            .validate()
            .unwrap_err()
            .starts_with("desired_retention = 1"));
        let c = SchedulerConfig {
            relearning_steps_s: vec![600, 0],
            ..SchedulerConfig::default()
        };
        assert!(c
            .validate()
            .unwrap_err()
            .starts_with("relearning_steps_s[1] = 0"));
        let c = SchedulerConfig {
            maximum_interval: 0,
            ..SchedulerConfig::default()
        };
        assert!(c.validate().unwrap_err().starts_with("maximum_interval"));
        assert!(Scheduler::new(c).is_err());
    }

    #[test]
    fn elapsed_days_floor_whole_24h_periods() {
        assert_eq!(elapsed_days(T0, T0 + 86_399), 0);
        assert_eq!(elapsed_days(T0, T0 + 86_400), 1);
        assert_eq!(elapsed_days(T0, T0 + 2 * 86_400 - 1), 1);
        assert_eq!(elapsed_days(T0, T0 - 1), -1);
    }

    #[test]
    fn round_half_even_like_python() {
        assert_eq!(round_half_even(0.5), 0.0);
        assert_eq!(round_half_even(1.5), 2.0);
        assert_eq!(round_half_even(2.5), 2.0);
        assert_eq!(round_half_even(2.5000001), 3.0);
    }

    #[test]
    fn first_review_uses_initial_formulas() {
        let s = sched();
        let w = DEFAULT_PARAMETERS;
        for rating in Rating::ALL {
            let card = s.review_card(&Card::new(T0), rating, T0, 0.0);
            let g = f64::from(rating.number());
            assert_eq!(card.stability, Some(w[rating as usize - 1]));
            let d0 = (w[4] - (w[5] * (g - 1.0)).exp() + 1.0).clamp(1.0, 10.0);
            let d = card.difficulty.expect("set");
            assert!((d - d0).abs() < 1e-12, "{rating:?}: {d} vs {d0}");
            assert_eq!(card.last_review_unix, Some(T0));
        }
    }

    #[test]
    fn new_card_steps() {
        let s = sched();
        let new = Card::new(T0);
        let again = s.review_card(&new, Rating::Again, T0, 0.0);
        assert_eq!(
            (again.state, again.step, again.due_unix),
            (CardState::Learning, Some(0), T0 + 60)
        );
        let hard = s.review_card(&new, Rating::Hard, T0, 0.0);
        assert_eq!(
            (hard.state, hard.step, hard.due_unix),
            (CardState::Learning, Some(0), T0 + 330)
        );
        let good = s.review_card(&new, Rating::Good, T0, 0.0);
        assert_eq!(
            (good.state, good.step, good.due_unix),
            (CardState::Learning, Some(1), T0 + 600)
        );
        let easy = s.review_card(&new, Rating::Easy, T0, 0.0);
        assert_eq!((easy.state, easy.step), (CardState::Review, None));
        let days = s.interval_days(DEFAULT_PARAMETERS[3]);
        assert_eq!(easy.due_unix, T0 + i64::from(days) * SECONDS_PER_DAY);
    }

    #[test]
    fn interval_is_stability_at_retention_point_nine() {
        // With r = 0.9, S / F · (0.9^(1/decay) − 1) = S exactly (up to rounding).
        let s = sched();
        assert_eq!(s.interval_days(10.0), 10);
        assert_eq!(s.interval_days(0.2), 1);
        assert_eq!(s.interval_days(1e9), 36_500);
        let r = s.retrievability(
            &Card {
                state: CardState::Review,
                step: None,
                stability: Some(10.0),
                difficulty: Some(5.0),
                due_unix: T0,
                last_review_unix: Some(T0),
            },
            T0 + 10 * SECONDS_PER_DAY + 86_399,
        );
        assert!((r - 0.9).abs() < 1e-12, "{r}");
    }

    #[test]
    fn fuzz_range_matches_py_fsrs() {
        let s = sched();
        assert_eq!(s.fuzz_range(3), (2, 4));
        // 10 days: delta = 1 + 0.15·4.5 + 0.1·3 = 1.975 → round(8.025) = 8, round(11.975) = 12.
        assert_eq!(s.fuzz_range(10), (8, 12));
        assert_eq!(s.fuzzed_interval_days(2, 0.9), 2);
        assert_eq!(s.fuzzed_interval_days(10, 0.0), 8);
        // The py-fsrs quirk: fuzz near 1 rounds to max + 1.
        assert_eq!(s.fuzzed_interval_days(10, 0.999_999), 13);
    }

    #[test]
    fn format_interval_like_anki() {
        assert_eq!(format_interval(0), "1m");
        assert_eq!(format_interval(60), "1m");
        assert_eq!(format_interval(330), "6m");
        assert_eq!(format_interval(600), "10m");
        assert_eq!(format_interval(3_580), "1h");
        assert_eq!(format_interval(3_600), "1h");
        assert_eq!(format_interval(5 * 3_600), "5h");
        assert_eq!(format_interval(86_400), "1d");
        assert_eq!(format_interval(4 * 86_400), "4d");
        assert_eq!(format_interval(29 * 86_400), "29d");
        assert_eq!(format_interval(30 * 86_400), "1mo");
        assert_eq!(format_interval(33 * 86_400), "1.1mo");
        assert_eq!(format_interval(364 * 86_400), "12.1mo");
        assert_eq!(format_interval(365 * 86_400), "1y");
        assert_eq!(format_interval(840 * 86_400), "2.3y");
        assert_eq!(format_interval(-5), "1m");
    }

    #[test]
    fn rating_serde_is_a_number() {
        assert_eq!(
            serde_json::to_string(&Rating::Good).ok().as_deref(),
            Some("3")
        );
        assert_eq!(serde_json::from_str::<Rating>("4").ok(), Some(Rating::Easy));
        let err = serde_json::from_str::<Rating>("5")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("5 is not a rating")));
    }
}
