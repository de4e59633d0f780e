//! Pure helpers behind the Flashcards page: statistics (reviews per day, forecast of due
//! cards, retention), the card browser's rows and filter, when the next card comes, and the
//! validation of the daily-limit fields. No clock, no browser: every call takes the times.

use std::collections::BTreeMap;

use super::deck::Deck;
use super::fsrs::{format_interval, Card, CardState, Rating};
use super::progress::{DailyLimits, Progress, QueueCounts, QueueKind, QueuedCard, ReviewLogEntry};

const DAY: i64 = 86_400;

/// Anki's "learn ahead limit": when nothing else is left, learning cards due within this many
/// seconds are shown early, and the learning count includes them.
pub const LEARN_AHEAD_S: i64 = 20 * 60;

/// The queue counts as Anki shows them: like [`Progress::counts`], but the learning count
/// includes learning and relearning cards due within [`LEARN_AHEAD_S`].
pub fn queue_counts(progress: &Progress, now_unix: i64, day_start_unix: i64) -> QueueCounts {
    let mut counts = progress.counts(now_unix, day_start_unix);
    counts.learning = progress
        .deck_ids()
        .iter()
        .filter_map(|id| progress.card(id))
        .filter(|c| c.state != CardState::Review && c.due_unix <= now_unix + LEARN_AHEAD_S)
        .count();
    counts
}

/// The card to show: [`Progress::next_card`], or else a learning card due within
/// [`LEARN_AHEAD_S`] (learning ahead, like Anki).
pub fn next_card(progress: &Progress, now_unix: i64, day_start_unix: i64) -> Option<QueuedCard> {
    progress.next_card(now_unix, day_start_unix).or_else(|| {
        progress
            .next_card(now_unix + LEARN_AHEAD_S, day_start_unix)
            .filter(|q| q.kind == QueueKind::Learning)
    })
}

/// Which part of the queue a card belongs to now (to show a card again after an undo).
pub fn kind_of(progress: &Progress, card_id: &str) -> QueueKind {
    match progress.card(card_id) {
        None => QueueKind::New,
        Some(c) if c.state == CardState::Review => QueueKind::Review,
        Some(_) => QueueKind::Learning,
    }
}

/// `progress` without the log entry `removed` (same card, time and rating), replayed with
/// the same deck, configuration and limits: used to save an undo over a stored copy that
/// may still hold the answer taken back.
pub fn without_entry(progress: &Progress, deck: &Deck, removed: &ReviewLogEntry) -> Progress {
    let log: Vec<ReviewLogEntry> = progress
        .log()
        .iter()
        .filter(|e| {
            !(e.card_id == removed.card_id
                && e.review_at_unix == removed.review_at_unix
                && e.rating == removed.rating)
        })
        .cloned()
        .collect();
    match Progress::rebuild(deck, log, progress.config().clone()) {
        Ok(mut p) => {
            p.set_limits(progress.limits());
            p
        }
        // the configuration came from a valid progress: cannot fail
        Err(_) => progress.clone(),
    }
}

/// Answers per local day for the `days` days ending with today (oldest first): entry
/// `days - 1` is today, which began at `day_start_unix`. Days are taken as 24 h each.
pub fn reviews_per_day(progress: &Progress, day_start_unix: i64, days: usize) -> Vec<u32> {
    let mut counts = vec![0u32; days];
    if days == 0 {
        return counts;
    }
    let first = day_start_unix - (days as i64 - 1) * DAY;
    for entry in progress.log() {
        let t = entry.review_at_unix;
        if t < first || t >= day_start_unix + DAY {
            continue;
        }
        let i = ((t - first).div_euclid(DAY)) as usize;
        if let Some(c) = counts.get_mut(i) {
            *c += 1;
        }
    }
    counts
}

/// How many deck cards (already seen) come due on each of the next `days` local days, today
/// first; cards overdue are counted today.
pub fn due_forecast(progress: &Progress, day_start_unix: i64, days: usize) -> Vec<u32> {
    let mut counts = vec![0u32; days];
    for id in progress.deck_ids() {
        if let Some(card) = progress.card(id) {
            let i = (card.due_unix - day_start_unix).div_euclid(DAY).max(0) as usize;
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
        }
    }
    counts
}

/// Answers given to cards that were in Review when answered: how many, and how many were not
/// Again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retention {
    /// Review-state answers that were Hard, Good or Easy.
    pub passed: u32,
    /// All review-state answers.
    pub total: u32,
}

impl Retention {
    /// The share passed in `[0, 1]`, or `None` when there were no review answers.
    pub fn rate(&self) -> Option<f64> {
        (self.total > 0).then(|| f64::from(self.passed) / f64::from(self.total))
    }
}

/// Retention per 7-day week for the `weeks` weeks ending with today (oldest first; the last
/// week is the 7 days ending at the end of today), and overall.
pub fn retention(
    progress: &Progress,
    day_start_unix: i64,
    weeks: usize,
) -> (Vec<Retention>, Retention) {
    let mut per_week = vec![Retention::default(); weeks];
    let mut overall = Retention::default();
    let end = day_start_unix + DAY;
    let first = end - weeks as i64 * 7 * DAY;
    let mut cards: BTreeMap<&str, Card> = BTreeMap::new();
    let scheduler = progress.scheduler();
    for entry in progress.log() {
        let before = cards.get(entry.card_id.as_str()).cloned();
        if matches!(&before, Some(c) if c.state == CardState::Review) {
            let passed = u32::from(entry.rating != Rating::Again);
            overall.total += 1;
            overall.passed += passed;
            let t = entry.review_at_unix;
            if t >= first && t < end {
                let i = ((t - first) / (7 * DAY)) as usize;
                if let Some(w) = per_week.get_mut(i) {
                    w.total += 1;
                    w.passed += passed;
                }
            }
        }
        let current = before.unwrap_or_else(|| Card::new(entry.review_at_unix));
        let next = scheduler.review_card(&current, entry.rating, entry.review_at_unix, entry.fuzz);
        cards.insert(entry.card_id.as_str(), next);
    }
    (per_week, overall)
}

/// When the queue, empty at `now_unix`, will next have a card: the next learning step, the
/// start of the day on which the next review falls, or tomorrow when today's limits hold
/// back new cards or reviews. `None` if nothing will ever come (every card done, no limits
/// reached — impossible with a non-empty deck — or an empty deck).
pub fn next_available_unix(progress: &Progress, now_unix: i64, day_start_unix: i64) -> Option<i64> {
    let day_end = day_start_unix + DAY;
    let mut best = progress.next_learning_due_unix(now_unix);
    let mut consider = |t: i64| best = Some(best.map_or(t, |b: i64| b.min(t)));
    let limits = progress.limits();
    let mut unseen = false;
    let mut review_today = false;
    for id in progress.deck_ids() {
        match progress.card(id) {
            None => unseen = true,
            Some(c) if c.state == CardState::Review => {
                if c.due_unix < day_end {
                    review_today = true;
                } else {
                    let k = (c.due_unix - day_start_unix).div_euclid(DAY);
                    consider(day_start_unix + k * DAY);
                }
            }
            Some(_) => {}
        }
    }
    let new_blocked =
        unseen && progress.new_answered_since(day_start_unix) >= limits.new_per_day as usize;
    let reviews_blocked = review_today
        && progress.reviews_answered_since(day_start_unix) >= limits.reviews_per_day as usize;
    if (new_blocked && limits.new_per_day > 0) || reviews_blocked {
        consider(day_end);
    }
    if unseen && limits.new_per_day == 0 {
        // new cards are switched off: they never come by themselves
    }
    best
}

/// "in 7m", "in 3d", "now" (for `at_unix ≤ now_unix`).
pub fn format_relative(at_unix: i64, now_unix: i64) -> String {
    if at_unix <= now_unix {
        "now".to_string()
    } else {
        format!("in {}", format_interval(at_unix - now_unix))
    }
}

/// Parses a daily-limit field: a whole number from 0 to 9999. The error says what is wrong.
pub fn parse_limit(text: &str, what: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("{what}: enter a number from 0 to 9999."));
    }
    match t.parse::<u32>() {
        Ok(n) if n <= 9999 => Ok(n),
        Ok(_) => Err(format!("{what}: {t} is more than 9999.")),
        Err(_) => Err(format!(
            "{what}: “{t}” is not a whole number from 0 to 9999."
        )),
    }
}

/// Both limit fields, validated.
pub fn parse_limits(new_text: &str, reviews_text: &str) -> Result<DailyLimits, String> {
    Ok(DailyLimits {
        new_per_day: parse_limit(new_text, "New cards per day")?,
        reviews_per_day: parse_limit(reviews_text, "Reviews per day")?,
    })
}

/// One row of the card browser.
#[derive(Clone, Debug, PartialEq)]
pub struct CardRow {
    /// Card id.
    pub id: String,
    /// Question.
    pub front: String,
    /// Answer.
    pub back: String,
    /// Chapter id.
    pub chapter: String,
    /// "New", "Learning", "Review" or "Relearning".
    pub state: &'static str,
    /// When due; `None` for a new card.
    pub due_unix: Option<i64>,
}

/// The browser's filter: `query` matches front or back text (case-insensitive, every word
/// must appear); `tag` is empty (all), `chapter::ID`, `preset::ID` or a free tag.
pub fn browse(deck: &Deck, progress: &Progress, query: &str, tag: &str) -> Vec<CardRow> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    deck.notes()
        .iter()
        .filter(|n| {
            if tag.is_empty() {
                true
            } else if let Some(ch) = tag.strip_prefix("chapter::") {
                n.chapter == ch
            } else if let Some(p) = tag.strip_prefix("preset::") {
                n.preset.as_deref() == Some(p)
            } else {
                n.tags.iter().any(|t| t == tag)
            }
        })
        .filter(|n| {
            let text = format!("{}\n{}", n.front, n.back).to_lowercase();
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .map(|n| {
            let card = progress.card(&n.id);
            CardRow {
                id: n.id.clone(),
                front: n.front.clone(),
                back: n.back.clone(),
                chapter: n.chapter.clone(),
                state: match card {
                    None => "New",
                    Some(c) => c.state.name(),
                },
                due_unix: card.map(|c| c.due_unix),
            }
        })
        .collect()
}

/// Tag-filter choices beyond the chapters: every free tag and preset in the deck, sorted.
pub fn filter_tags(deck: &Deck) -> Vec<String> {
    let mut tags: Vec<String> = deck
        .notes()
        .iter()
        .flat_map(|n| {
            n.tags
                .iter()
                .cloned()
                .chain(n.preset.iter().map(|p| format!("preset::{p}")))
        })
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srs::deck::Note;
    use crate::srs::fsrs::SchedulerConfig;

    const T0: i64 = 1_704_110_400; // 2024-01-01 12:00 UTC

    fn deck() -> Deck {
        let note = |id: &str, front: &str, chapter: &str, preset: Option<&str>| Note {
            id: id.into(),
            front: front.into(),
            back: format!("answer to {front}"),
            tags: vec!["core".into()],
            chapter: chapter.into(),
            preset: preset.map(String::from),
        };
        Deck::new(vec![
            note(
                "a",
                "Circuit breaker states",
                "cb",
                Some("breaker-playground"),
            ),
            note("b", "Full jitter", "retries", Some("jitter")),
            note("c", "Bulkhead", "bulkheads", None),
        ])
        .unwrap()
    }

    fn progress() -> Progress {
        Progress::new(
            &deck(),
            SchedulerConfig {
                enable_fuzzing: false,
                ..SchedulerConfig::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn reviews_are_counted_on_their_day() {
        let mut p = progress();
        let today = T0 - 8 * 3600; // day began at 04:00
        p.answer("a", Rating::Good, T0 - 2 * DAY, 0.0).unwrap();
        p.answer("b", Rating::Good, T0, 0.0).unwrap();
        p.answer("a", Rating::Good, T0 + 60, 0.0).unwrap();
        let days = reviews_per_day(&p, today, 30);
        assert_eq!(days.len(), 30);
        assert_eq!(days[29], 2);
        assert_eq!(days[27], 1);
        assert_eq!(days.iter().sum::<u32>(), 3);
        assert!(reviews_per_day(&p, today, 0).is_empty());
    }

    #[test]
    fn forecast_puts_overdue_cards_today_and_graduated_cards_later() {
        let mut p = progress();
        let today = T0 - 8 * 3600;
        p.answer("a", Rating::Easy, T0, 0.0).unwrap(); // graduates: days away
        p.answer("b", Rating::Again, T0, 0.0).unwrap(); // due in 1 minute: today
        let f = due_forecast(&p, today, 30);
        assert_eq!(f[0], 1);
        assert_eq!(f.iter().sum::<u32>(), 2);
        let due_a = p.card("a").unwrap().due_unix;
        assert_eq!(f[((due_a - today) / DAY) as usize], 1);
    }

    #[test]
    fn retention_counts_only_answers_to_review_cards() {
        let mut p = progress();
        let mut t = T0;
        p.answer("a", Rating::Easy, t, 0.0).unwrap(); // learning → review: not counted
        t = p.card("a").unwrap().due_unix;
        p.answer("a", Rating::Good, t, 0.0).unwrap(); // review, passed
        t = p.card("a").unwrap().due_unix;
        p.answer("a", Rating::Again, t, 0.0).unwrap(); // review, failed
        let day_start = t - 3600;
        let (weeks, overall) = retention(&p, day_start, 8);
        assert_eq!(
            overall,
            Retention {
                passed: 1,
                total: 2
            }
        );
        assert_eq!(overall.rate(), Some(0.5));
        assert_eq!(weeks.len(), 8);
        assert_eq!(weeks[7].total, 1, "the lapse happened this week");
        assert_eq!(Retention::default().rate(), None);
    }

    #[test]
    fn next_available_is_the_next_learning_step() {
        let mut p = progress();
        p.set_limits(DailyLimits {
            new_per_day: 1,
            reviews_per_day: 200,
        });
        let today = T0 - 8 * 3600;
        p.answer("a", Rating::Good, T0, 0.0).unwrap(); // next step in 10 minutes
        assert_eq!(
            p.next_card(T0, today),
            None,
            "new limit reached, a not due yet"
        );
        assert_eq!(next_available_unix(&p, T0, today), Some(T0 + 600));
        // once a graduates, the next thing is tomorrow's new card
        p.answer("a", Rating::Easy, T0 + 600, 0.0).unwrap();
        assert_eq!(next_available_unix(&p, T0 + 600, today), Some(today + DAY));
    }

    #[test]
    fn learn_ahead_counts_and_shows_cards_due_soon() {
        let mut p = progress();
        let today = T0 - 8 * 3600;
        p.answer("a", Rating::Good, T0, 0.0).unwrap(); // due in 10 minutes
        let c = queue_counts(&p, T0, today);
        assert_eq!((c.new, c.learning, c.review), (2, 1, 0));
        assert_eq!(
            p.counts(T0, today).learning,
            0,
            "the core counts only due cards"
        );
        // new cards come first while there are any
        assert_eq!(next_card(&p, T0, today).unwrap().card_id, "b");
        p.set_limits(DailyLimits {
            new_per_day: 1,
            reviews_per_day: 200,
        });
        let q = next_card(&p, T0, today).expect("learn ahead");
        assert_eq!((q.card_id.as_str(), q.kind), ("a", QueueKind::Learning));
        assert_eq!(kind_of(&p, "a"), QueueKind::Learning);
        assert_eq!(kind_of(&p, "b"), QueueKind::New);
    }

    #[test]
    fn an_entry_can_be_removed_from_a_merged_log() {
        let d = deck();
        let mut p = progress();
        p.set_limits(DailyLimits {
            new_per_day: 7,
            reviews_per_day: 70,
        });
        p.answer("a", Rating::Good, T0, 0.0).unwrap();
        p.answer("b", Rating::Again, T0 + 5, 0.0).unwrap();
        let removed = p.log()[1].clone();
        let q = without_entry(&p, &d, &removed);
        assert_eq!(q.log().len(), 1);
        assert!(q.card("b").is_none());
        assert_eq!(q.limits(), p.limits());
    }

    #[test]
    fn relative_times() {
        assert_eq!(format_relative(T0, T0), "now");
        assert_eq!(format_relative(T0 + 420, T0), "in 7m");
        assert_eq!(format_relative(T0 + 3 * DAY, T0), "in 3d");
    }

    #[test]
    fn limits_are_validated_with_clear_messages() {
        assert_eq!(parse_limit(" 20 ", "New"), Ok(20));
        assert_eq!(parse_limit("0", "New"), Ok(0));
        assert!(parse_limit("", "New")
            .unwrap_err()
            .contains("enter a number"));
        assert!(parse_limit("-1", "New")
            .unwrap_err()
            .contains("not a whole number"));
        assert!(parse_limit("2.5", "New")
            .unwrap_err()
            .contains("not a whole number"));
        assert!(parse_limit("10000", "New")
            .unwrap_err()
            .contains("more than 9999"));
        assert_eq!(
            parse_limits("5", "50"),
            Ok(DailyLimits {
                new_per_day: 5,
                reviews_per_day: 50
            })
        );
        assert!(parse_limits("5", "x")
            .unwrap_err()
            .starts_with("Reviews per day"));
    }

    #[test]
    fn browser_filters_by_text_and_tag() {
        let d = deck();
        let mut p = progress();
        p.answer("b", Rating::Good, T0, 0.0).unwrap();
        assert_eq!(browse(&d, &p, "", "").len(), 3);
        let rows = browse(&d, &p, "JITTER", "");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].state, "Learning");
        assert_eq!(rows[0].due_unix, Some(T0 + 600));
        assert_eq!(browse(&d, &p, "answer bulkhead", "")[0].id, "c");
        assert_eq!(browse(&d, &p, "", "chapter::cb")[0].id, "a");
        assert_eq!(browse(&d, &p, "", "preset::jitter")[0].id, "b");
        assert_eq!(browse(&d, &p, "", "core").len(), 3);
        assert!(browse(&d, &p, "nothing-like-this", "").is_empty());
        assert_eq!(browse(&d, &p, "", "")[0].state, "New");
        assert_eq!(
            filter_tags(&d),
            vec!["core", "preset::breaker-playground", "preset::jitter"]
        );
    }
}
