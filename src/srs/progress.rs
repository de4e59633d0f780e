//! A learner's progress through a [`Deck`]: the review log (the source of truth), every
//! card's scheduling state derived from it, an Anki-like review queue with daily limits, undo,
//! merging two tabs' progress, and the versioned JSON backup.
//!
//! Nothing here reads a clock: every call takes `now` (unix seconds) and, for the daily
//! limits, the unix time at which the learner's current day began (see [`day_start_unix`]).
//!
//! # The queue
//!
//! * **Learning** cards (Learning or Relearning, already seen) are due when `due ≤ now`; they
//!   have no daily limit.
//! * **Review** cards are due when their due time falls before the end of the current day
//!   (`due < day_start + 24 h`), like Anki, which shows a day's reviews from the start of the
//!   day. At most `reviews_per_day` are answered per day (counting answers given to cards that
//!   were in Review).
//! * **New** cards (never answered) come in deck order, at most `new_per_day` per day
//!   (counting cards whose first answer was today).
//! * [`Progress::next_card`] picks due learning cards first (earliest due first), then due
//!   reviews (earliest due first), then new cards.
//!
//! # Backup format (schema 1)
//!
//! ```json
//! {"schema": 1,
//!  "config": {"parameters": [...21...], "desired_retention": 0.9, "learning_steps_s": [60, 600],
//!             "relearning_steps_s": [600], "maximum_interval": 36500, "enable_fuzzing": true},
//!  "limits": {"new_per_day": 20, "reviews_per_day": 200},
//!  "cards": ["card-id", ...],
//!  "log": [{"card_id": "card-id", "rating": 3, "review_at_unix": 1704110400, "fuzz": 0.42}, ...]}
//! ```
//!
//! `cards` are the deck's card ids in deck order when the backup was made. Card states are not
//! stored: importing replays the log. `fuzz` may be left out (0 is used).
//!
//! **Unknown card ids are kept.** A log entry whose card is not in the deck (a card removed
//! from the app, or a backup from another version) stays in the log and keeps its state, so
//! nothing is lost if the card comes back or the progress is merged and exported again; such
//! cards are never queued and cannot be answered. [`Progress::orphan_card_ids`] lists them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::deck::Deck;
use super::fsrs::{Card, CardState, Rating, ReviewPreview, Scheduler, SchedulerConfig};
use super::json;

/// The backup schema version written by [`Progress::to_json`] and read by
/// [`Progress::from_json`].
pub const SCHEMA_VERSION: u64 = 1;

const DAY: i64 = 86_400;

/// The unix time at which the local day containing `now_unix` began, for a clock `utc_offset_s`
/// seconds ahead of UTC (e.g. +3600 for UTC+1) and a day that rolls over at `rollover_hour`
/// local time (Anki's default is 4, so reviews after midnight count for the evening before).
pub fn day_start_unix(now_unix: i64, utc_offset_s: i64, rollover_hour: u32) -> i64 {
    let shift = utc_offset_s.saturating_sub(i64::from(rollover_hour.min(23)) * 3600);
    let local = now_unix.saturating_add(shift);
    local
        .div_euclid(DAY)
        .saturating_mul(DAY)
        .saturating_sub(shift)
}

/// One answer: enough to replay it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewLogEntry {
    /// The card answered.
    pub card_id: String,
    /// The button pressed.
    pub rating: Rating,
    /// When, in unix seconds.
    pub review_at_unix: i64,
    /// The random number in `[0, 1)` given to the scheduler for fuzzing.
    #[serde(default)]
    pub fuzz: f64,
}

/// Daily limits of the review queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyLimits {
    /// New cards introduced per day (default 20).
    pub new_per_day: u32,
    /// Review-card answers per day (default 200).
    pub reviews_per_day: u32,
}

impl Default for DailyLimits {
    fn default() -> Self {
        DailyLimits {
            new_per_day: 20,
            reviews_per_day: 200,
        }
    }
}

/// How many cards of each kind the queue would show now (after the daily limits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// New cards still allowed today.
    pub new: usize,
    /// Learning and relearning cards due now.
    pub learning: usize,
    /// Review cards due today and still allowed today.
    pub review: usize,
}

/// Which part of the queue a card comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueKind {
    /// A due Learning or Relearning card.
    Learning,
    /// A due Review card.
    Review,
    /// A card never answered.
    New,
}

/// The card to show next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedCard {
    /// Its id in the deck.
    pub card_id: String,
    /// Where it comes from.
    pub kind: QueueKind,
}

/// Why an answer was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerError {
    /// The id is not a card of the current deck.
    UnknownCard(String),
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::UnknownCard(id) => write!(f, "there is no card {id:?} in the deck"),
        }
    }
}

impl std::error::Error for AnswerError {}

/// Why a backup could not be imported. Every message is a sentence naming what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not JSON at all; holds the parser's message.
    MalformedJson(String),
    /// JSON, but without a `schema` field.
    NotABackup,
    /// A schema version this code does not read; holds the version found.
    WrongSchema(String),
    /// A field is missing or wrong; the message starts with its path, e.g.
    /// `log[3].rating: 7 is not a rating (…)`.
    Invalid(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::MalformedJson(e) => write!(f, "The file is not valid JSON ({e})."),
            ImportError::NotABackup => write!(
                f,
                "The file has no \"schema\" field, so it is not a Faultline progress backup."
            ),
            ImportError::WrongSchema(found) => write!(
                f,
                "The backup has schema version {found}, but this version of Faultline reads only schema {SCHEMA_VERSION}."
            ),
            ImportError::Invalid(message) => write!(f, "The backup is invalid: {message}."),
        }
    }
}

impl std::error::Error for ImportError {}

fn invalid(message: String) -> ImportError {
    ImportError::Invalid(message)
}

/// A learner's progress; see the module docs.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    scheduler: Scheduler,
    limits: DailyLimits,
    deck_ids: Vec<String>,
    deck_index: BTreeMap<String, usize>,
    /// States of every card with at least one log entry (including orphans).
    cards: BTreeMap<String, Card>,
    log: Vec<ReviewLogEntry>,
    /// The card's state before each log entry (None: it was new); parallel to `log`.
    before: Vec<Option<Card>>,
}

impl Progress {
    /// Fresh progress for `deck`: every card new, default daily limits.
    pub fn new(deck: &Deck, config: SchedulerConfig) -> Result<Progress, String> {
        Progress::rebuild(deck, Vec::new(), config)
    }

    /// Progress for `deck` recreated by replaying `log` with `config` (entries sorted by time,
    /// keeping the given order for equal times). Entries for cards not in the deck are kept
    /// (see the module docs). Errors only for an invalid `config`.
    pub fn rebuild(
        deck: &Deck,
        log: Vec<ReviewLogEntry>,
        config: SchedulerConfig,
    ) -> Result<Progress, String> {
        let scheduler = Scheduler::new(config)?;
        let deck_ids: Vec<String> = deck.ids().map(str::to_string).collect();
        Ok(Progress::replay(
            scheduler,
            DailyLimits::default(),
            deck_ids,
            log,
        ))
    }

    fn replay(
        scheduler: Scheduler,
        limits: DailyLimits,
        deck_ids: Vec<String>,
        mut log: Vec<ReviewLogEntry>,
    ) -> Progress {
        log.sort_by_key(|e| e.review_at_unix); // stable
        let deck_index = deck_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let mut progress = Progress {
            scheduler,
            limits,
            deck_ids,
            deck_index,
            cards: BTreeMap::new(),
            log: Vec::with_capacity(log.len()),
            before: Vec::with_capacity(log.len()),
        };
        for entry in log {
            progress.apply(entry);
        }
        progress
    }

    /// Applies one entry to its card and appends it to the log.
    fn apply(&mut self, entry: ReviewLogEntry) -> Card {
        let before = self.cards.get(&entry.card_id).cloned();
        let current = before
            .clone()
            .unwrap_or_else(|| Card::new(entry.review_at_unix));
        let next =
            self.scheduler
                .review_card(&current, entry.rating, entry.review_at_unix, entry.fuzz);
        self.cards.insert(entry.card_id.clone(), next.clone());
        self.log.push(entry);
        self.before.push(before);
        next
    }

    /// The scheduler configuration.
    pub fn config(&self) -> &SchedulerConfig {
        self.scheduler.config()
    }

    /// The scheduler (for retrievability, formulas and previews).
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// Replaces the configuration and reschedules every card by replaying the log.
    pub fn set_config(&mut self, config: SchedulerConfig) -> Result<(), String> {
        let scheduler = Scheduler::new(config)?;
        *self = Progress::replay(
            scheduler,
            self.limits,
            std::mem::take(&mut self.deck_ids),
            std::mem::take(&mut self.log),
        );
        Ok(())
    }

    /// The daily limits.
    pub fn limits(&self) -> DailyLimits {
        self.limits
    }

    /// Replaces the daily limits.
    pub fn set_limits(&mut self, limits: DailyLimits) {
        self.limits = limits;
    }

    /// Switches to another version of the deck: its cards are queued in its order; states of
    /// cards that left the deck are kept (orphans); new cards start new.
    pub fn set_deck(&mut self, deck: &Deck) {
        self.deck_ids = deck.ids().map(str::to_string).collect();
        self.deck_index = self
            .deck_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
    }

    /// The card ids of the deck, in deck order.
    pub fn deck_ids(&self) -> &[String] {
        &self.deck_ids
    }

    /// The review log, oldest first.
    pub fn log(&self) -> &[ReviewLogEntry] {
        &self.log
    }

    /// A card's state, or `None` if it was never answered.
    pub fn card(&self, card_id: &str) -> Option<&Card> {
        self.cards.get(card_id)
    }

    /// Ids with log entries that are not in the deck, sorted.
    pub fn orphan_card_ids(&self) -> Vec<&str> {
        self.cards
            .keys()
            .filter(|id| !self.deck_index.contains_key(id.as_str()))
            .map(String::as_str)
            .collect()
    }

    /// New cards introduced (first answered) since `day_start_unix`.
    pub fn new_answered_since(&self, day_start_unix: i64) -> usize {
        self.today(day_start_unix)
            .filter(|(_, before)| before.is_none())
            .count()
    }

    /// Answers given since `day_start_unix` to cards that were in Review.
    pub fn reviews_answered_since(&self, day_start_unix: i64) -> usize {
        self.today(day_start_unix)
            .filter(|(_, before)| matches!(before, Some(c) if c.state == CardState::Review))
            .count()
    }

    fn today(
        &self,
        day_start_unix: i64,
    ) -> impl Iterator<Item = (&ReviewLogEntry, &Option<Card>)> + '_ {
        // The log is sorted by time: walk back from the end.
        self.log
            .iter()
            .zip(&self.before)
            .rev()
            .take_while(move |(e, _)| e.review_at_unix >= day_start_unix)
    }

    /// Deck cards by queue kind at `now`: (learning due, reviews due today, new), each in
    /// queue order, before daily limits.
    fn due_lists(&self, now_unix: i64, day_start_unix: i64) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
        let day_end = day_start_unix.saturating_add(DAY);
        let mut learning: Vec<(i64, usize, &str)> = Vec::new();
        let mut review: Vec<(i64, usize, &str)> = Vec::new();
        let mut new = Vec::new();
        for (i, id) in self.deck_ids.iter().enumerate() {
            match self.cards.get(id) {
                None => new.push(id.as_str()),
                Some(card) => match card.state {
                    CardState::Learning | CardState::Relearning => {
                        if card.due_unix <= now_unix {
                            learning.push((card.due_unix, i, id));
                        }
                    }
                    CardState::Review => {
                        if card.due_unix < day_end {
                            review.push((card.due_unix, i, id));
                        }
                    }
                },
            }
        }
        learning.sort_unstable();
        review.sort_unstable();
        (
            learning.into_iter().map(|(_, _, id)| id).collect(),
            review.into_iter().map(|(_, _, id)| id).collect(),
            new,
        )
    }

    fn remaining(&self, day_start_unix: i64) -> (usize, usize) {
        let new_left = (self.limits.new_per_day as usize)
            .saturating_sub(self.new_answered_since(day_start_unix));
        let reviews_left = (self.limits.reviews_per_day as usize)
            .saturating_sub(self.reviews_answered_since(day_start_unix));
        (new_left, reviews_left)
    }

    /// Counts of new / learning / review cards the queue would show at `now_unix`, within
    /// today's remaining limits.
    pub fn counts(&self, now_unix: i64, day_start_unix: i64) -> QueueCounts {
        let (learning, review, new) = self.due_lists(now_unix, day_start_unix);
        let (new_left, reviews_left) = self.remaining(day_start_unix);
        QueueCounts {
            new: new.len().min(new_left),
            learning: learning.len(),
            review: review.len().min(reviews_left),
        }
    }

    /// The card to show at `now_unix`: due learning cards first, then due reviews, then new
    /// cards, within today's limits; `None` when nothing is left for now.
    pub fn next_card(&self, now_unix: i64, day_start_unix: i64) -> Option<QueuedCard> {
        let (learning, review, new) = self.due_lists(now_unix, day_start_unix);
        let (new_left, reviews_left) = self.remaining(day_start_unix);
        let pick = |id: &str, kind| {
            Some(QueuedCard {
                card_id: id.to_string(),
                kind,
            })
        };
        if let Some(id) = learning.first() {
            return pick(id, QueueKind::Learning);
        }
        if reviews_left > 0 {
            if let Some(id) = review.first() {
                return pick(id, QueueKind::Review);
            }
        }
        if new_left > 0 {
            if let Some(id) = new.first() {
                return pick(id, QueueKind::New);
            }
        }
        None
    }

    /// The earliest due time of a deck card in Learning or Relearning that is not due yet at
    /// `now_unix` (to show "next card in 7m" when the queue is empty).
    pub fn next_learning_due_unix(&self, now_unix: i64) -> Option<i64> {
        self.deck_ids
            .iter()
            .filter_map(|id| self.cards.get(id))
            .filter(|c| c.state != CardState::Review && c.due_unix > now_unix)
            .map(|c| c.due_unix)
            .min()
    }

    /// What each button would do to the card at `now_unix` (a new card if never answered).
    pub fn preview(&self, card_id: &str, now_unix: i64, fuzz: f64) -> Option<[ReviewPreview; 4]> {
        if !self.deck_index.contains_key(card_id) {
            return None;
        }
        let card = self
            .cards
            .get(card_id)
            .cloned()
            .unwrap_or_else(|| Card::new(now_unix));
        Some(
            self.scheduler
                .preview(&card, self.answer_time(now_unix), fuzz),
        )
    }

    /// `now`, moved forward to the latest logged answer if the clock went backwards, so the
    /// log stays in time order.
    fn answer_time(&self, now_unix: i64) -> i64 {
        match self.log.last() {
            Some(last) => now_unix.max(last.review_at_unix),
            None => now_unix,
        }
    }

    /// Answers a deck card with `rating` at `now_unix` (moved forward to the latest logged
    /// answer if the clock went backwards), with the random number `fuzz` in `[0, 1)`;
    /// updates its state, appends to the log and returns the new state.
    ///
    /// `fuzz` is first rounded down to a multiple of 10⁻⁶ (NaN and negatives count as 0), so
    /// that it is written to the backup in at most six decimals and replays bit for bit.
    pub fn answer(
        &mut self,
        card_id: &str,
        rating: Rating,
        now_unix: i64,
        fuzz: f64,
    ) -> Result<Card, AnswerError> {
        if !self.deck_index.contains_key(card_id) {
            return Err(AnswerError::UnknownCard(card_id.to_string()));
        }
        let entry = ReviewLogEntry {
            card_id: card_id.to_string(),
            rating,
            review_at_unix: self.answer_time(now_unix),
            fuzz: quantize_fuzz(fuzz),
        };
        Ok(self.apply(entry))
    }

    /// Takes back the last answer: the card returns to its previous state and the log entry is
    /// removed and returned. `None` if the log is empty.
    pub fn undo(&mut self) -> Option<ReviewLogEntry> {
        let entry = self.log.pop()?;
        match self.before.pop().flatten() {
            Some(card) => {
                self.cards.insert(entry.card_id.clone(), card);
            }
            None => {
                self.cards.remove(&entry.card_id);
            }
        }
        Some(entry)
    }

    /// Combines two tabs' progress: the union of both logs, without duplicates (same card id,
    /// review time and rating; the first copy's fuzz is kept), replayed with this progress's
    /// deck, configuration and limits. Cards only `other` knows are kept as orphans.
    pub fn merge(&self, other: &Progress) -> Progress {
        let mut seen: BTreeSet<(&str, i64, Rating)> = BTreeSet::new();
        let mut log = Vec::with_capacity(self.log.len() + other.log.len());
        for entry in self.log.iter().chain(&other.log) {
            if seen.insert((entry.card_id.as_str(), entry.review_at_unix, entry.rating)) {
                log.push(entry.clone());
            }
        }
        Progress::replay(
            self.scheduler.clone(),
            self.limits,
            self.deck_ids.clone(),
            log,
        )
    }

    /// The full backup as JSON (schema 1; see the module docs).
    pub fn to_json(&self) -> String {
        json!({
            "schema": SCHEMA_VERSION,
            "config": self.scheduler.config(),
            "limits": self.limits,
            "cards": self.deck_ids,
            "log": self.log,
        })
        .to_string()
    }

    /// Reads a backup written by [`Progress::to_json`] and replays its log. All or nothing:
    /// it returns a new value or an error, and the caller's current progress is untouched.
    pub fn from_json(text: &str) -> Result<Progress, ImportError> {
        let root: Value =
            serde_json::from_str(text).map_err(|e| ImportError::MalformedJson(e.to_string()))?;
        let obj = json::object(&root, "").map_err(invalid)?;
        match obj.get("schema") {
            None => return Err(ImportError::NotABackup),
            Some(v) if v.as_u64() == Some(SCHEMA_VERSION) => {}
            Some(v) => return Err(ImportError::WrongSchema(v.to_string())),
        }
        json::no_unknown_fields(obj, "", &["schema", "config", "limits", "cards", "log"])
            .map_err(invalid)?;

        let config = json::config(
            json::field(obj, "", "config", "an object").map_err(invalid)?,
            "config",
        )
        .map_err(invalid)?;

        let limits = match obj.get("limits") {
            None => DailyLimits::default(),
            Some(v) => {
                let l = json::object(v, "limits").map_err(invalid)?;
                json::no_unknown_fields(l, "limits", &["new_per_day", "reviews_per_day"])
                    .map_err(invalid)?;
                let get = |key: &str| -> Result<u32, ImportError> {
                    let path = json::join("limits", key);
                    let n = json::uint(
                        json::field(l, "limits", key, "a number of cards").map_err(invalid)?,
                        &path,
                    )
                    .map_err(invalid)?;
                    u32::try_from(n).map_err(|_| invalid(format!("{path}: {n} is too large")))
                };
                DailyLimits {
                    new_per_day: get("new_per_day")?,
                    reviews_per_day: get("reviews_per_day")?,
                }
            }
        };

        let mut deck_ids = Vec::new();
        let mut seen = BTreeMap::new();
        let cards = json::array(
            json::field(obj, "", "cards", "an array of card ids").map_err(invalid)?,
            "cards",
        )
        .map_err(invalid)?;
        for (i, v) in cards.iter().enumerate() {
            let path = format!("cards[{i}]");
            let id = card_id(v, &path)?;
            if let Some(first) = seen.insert(id.to_string(), i) {
                return Err(invalid(format!(
                    "{path}: card id {id:?} is listed twice (also at cards[{first}])"
                )));
            }
            deck_ids.push(id.to_string());
        }

        let entries = json::array(
            json::field(obj, "", "log", "an array of reviews").map_err(invalid)?,
            "log",
        )
        .map_err(invalid)?;
        let mut log = Vec::with_capacity(entries.len());
        for (i, v) in entries.iter().enumerate() {
            let path = format!("log[{i}]");
            let e = json::object(v, &path).map_err(invalid)?;
            json::no_unknown_fields(e, &path, &["card_id", "rating", "review_at_unix", "fuzz"])
                .map_err(invalid)?;
            let id = card_id(
                json::field(e, &path, "card_id", "a card id").map_err(invalid)?,
                &json::join(&path, "card_id"),
            )?;
            let rating = json::rating(
                json::field(e, &path, "rating", "1 to 4").map_err(invalid)?,
                &json::join(&path, "rating"),
            )
            .map_err(invalid)?;
            let at = json::int(
                json::field(e, &path, "review_at_unix", "unix seconds").map_err(invalid)?,
                &json::join(&path, "review_at_unix"),
            )
            .map_err(invalid)?;
            let fuzz = match e.get("fuzz") {
                None => 0.0,
                Some(f) => {
                    let f_path = json::join(&path, "fuzz");
                    let x = json::number(f, &f_path).map_err(invalid)?;
                    if !(0.0..1.0).contains(&x) {
                        return Err(invalid(format!("{f_path}: {x} is not in [0, 1)")));
                    }
                    x
                }
            };
            log.push(ReviewLogEntry {
                card_id: id.to_string(),
                rating,
                review_at_unix: at,
                fuzz,
            });
        }

        // The config was validated above.
        let scheduler = Scheduler::new(config).map_err(invalid)?;
        Ok(Progress::replay(scheduler, limits, deck_ids, log))
    }
}

/// `fuzz` rounded down to a multiple of 10⁻⁶ within `[0, 0.999999]`: such a number prints in
/// at most six decimals and parses back to the same `f64`.
pub fn quantize_fuzz(fuzz: f64) -> f64 {
    if fuzz.is_nan() {
        return 0.0;
    }
    let micros = (fuzz.clamp(0.0, 1.0) * 1e6).floor().min(999_999.0);
    micros / 1e6
}

/// A card id at `path`: a non-empty string without whitespace.
fn card_id<'a>(v: &'a Value, path: &str) -> Result<&'a str, ImportError> {
    let id = json::string(v, path).map_err(invalid)?;
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        return Err(invalid(format!(
            "{path}: card id {id:?} is empty or contains whitespace"
        )));
    }
    Ok(id)
}
