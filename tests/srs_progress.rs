//! The progress model: queue order, daily limits, counts, undo, rebuild, merge and the JSON
//! backup.
#![cfg(not(target_arch = "wasm32"))]

use faultline::srs::deck::{Deck, Note};
use faultline::srs::fsrs::{CardState, Rating, SchedulerConfig};
use faultline::srs::progress::{
    day_start_unix, quantize_fuzz, DailyLimits, ImportError, Progress, QueueCounts, QueueKind,
    ReviewLogEntry, SCHEMA_VERSION,
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// 2024-01-01 12:00 UTC; the day starts at midnight UTC in these tests.
const T0: i64 = 1_704_110_400;
const DAY0: i64 = 1_704_067_200;
const DAY: i64 = 86_400;

fn deck(n: usize) -> Deck {
    Deck::new(
        (0..n)
            .map(|i| Note {
                id: format!("c{i}"),
                front: format!("question {i}"),
                back: format!("answer {i}"),
                tags: vec![],
                chapter: "ch1".to_string(),
                preset: None,
            })
            .collect(),
    )
    .expect("valid deck")
}

fn no_fuzz() -> SchedulerConfig {
    SchedulerConfig {
        enable_fuzzing: false,
        ..SchedulerConfig::default()
    }
}

fn progress(n: usize) -> Progress {
    Progress::new(&deck(n), no_fuzz()).expect("valid config")
}

fn next(p: &Progress, now: i64) -> Option<(String, QueueKind)> {
    p.next_card(now, day_start_unix(now, 0, 0))
        .map(|q| (q.card_id, q.kind))
}

fn answer(p: &mut Progress, id: &str, rating: Rating, now: i64) {
    p.answer(id, rating, now, 0.5).expect("deck card");
}

#[test]
fn day_start_follows_offset_and_rollover() {
    assert_eq!(day_start_unix(T0, 0, 0), DAY0);
    assert_eq!(day_start_unix(DAY0, 0, 0), DAY0);
    assert_eq!(day_start_unix(DAY0 - 1, 0, 0), DAY0 - DAY);
    // UTC+2: local midnight is 22:00 UTC the day before.
    assert_eq!(day_start_unix(T0, 7200, 0), DAY0 - 7200);
    // Anki's 4 am rollover: 02:00 still belongs to the previous day.
    assert_eq!(day_start_unix(DAY0 + 2 * 3600, 0, 4), DAY0 - DAY + 4 * 3600);
    assert_eq!(day_start_unix(DAY0 + 5 * 3600, 0, 4), DAY0 + 4 * 3600);
}

#[test]
fn new_cards_come_in_deck_order() {
    let mut p = progress(3);
    assert_eq!(next(&p, T0), Some(("c0".into(), QueueKind::New)));
    assert_eq!(
        p.counts(T0, DAY0),
        QueueCounts {
            new: 3,
            learning: 0,
            review: 0
        }
    );
    answer(&mut p, "c0", Rating::Good, T0); // c0 → learning, due in 10 min
    assert_eq!(next(&p, T0 + 1), Some(("c1".into(), QueueKind::New)));
    assert_eq!(
        p.counts(T0 + 1, DAY0),
        QueueCounts {
            new: 2,
            learning: 0,
            review: 0
        }
    );
    // Once c0's step is due, it comes before new cards.
    assert_eq!(next(&p, T0 + 600), Some(("c0".into(), QueueKind::Learning)));
    assert_eq!(p.counts(T0 + 600, DAY0).learning, 1);
    assert_eq!(p.next_learning_due_unix(T0 + 1), Some(T0 + 600));
}

#[test]
fn queue_order_learning_then_review_then_new() {
    let mut p = progress(4);
    // c0 and c1 graduate to Review (Easy: 8 days); c2 stays in learning.
    answer(&mut p, "c0", Rating::Easy, T0);
    answer(&mut p, "c1", Rating::Easy, T0 + 10);
    answer(&mut p, "c2", Rating::Again, T0 + 20);
    let later = T0 + 8 * DAY + 100; // both reviews due, c2 overdue
    assert_eq!(next(&p, later), Some(("c2".into(), QueueKind::Learning)));
    answer(&mut p, "c2", Rating::Easy, later);
    assert_eq!(next(&p, later), Some(("c0".into(), QueueKind::Review)));
    answer(&mut p, "c0", Rating::Good, later);
    assert_eq!(next(&p, later), Some(("c1".into(), QueueKind::Review)));
    answer(&mut p, "c1", Rating::Good, later);
    assert_eq!(next(&p, later), Some(("c3".into(), QueueKind::New)));
    answer(&mut p, "c3", Rating::Easy, later);
    assert_eq!(next(&p, later), None);
}

#[test]
fn reviews_due_later_today_are_shown_from_the_start_of_the_day() {
    let mut p = progress(1);
    answer(&mut p, "c0", Rating::Easy, T0); // due T0 + 8 days, at 12:00
    let morning = DAY0 + 8 * DAY + 3600; // 01:00 that day
    assert_eq!(
        p.next_card(morning, DAY0 + 8 * DAY).map(|q| q.kind),
        Some(QueueKind::Review)
    );
    assert_eq!(p.counts(morning, DAY0 + 8 * DAY).review, 1);
    // The day before, it is not due.
    assert_eq!(p.next_card(morning - DAY, DAY0 + 7 * DAY), None);
}

#[test]
fn daily_new_limit() {
    let mut p = progress(5);
    p.set_limits(DailyLimits {
        new_per_day: 2,
        reviews_per_day: 200,
    });
    assert_eq!(p.counts(T0, DAY0).new, 2);
    answer(&mut p, "c0", Rating::Easy, T0);
    answer(&mut p, "c1", Rating::Easy, T0 + 1);
    assert_eq!(p.counts(T0 + 2, DAY0).new, 0);
    assert_eq!(p.next_card(T0 + 2, DAY0), None);
    // Answering a card that is no longer new does not use the new limit.
    assert_eq!(p.new_answered_since(DAY0), 2);
    // Tomorrow two more.
    let tomorrow = T0 + DAY;
    assert_eq!(p.counts(tomorrow, DAY0 + DAY).new, 2);
    assert_eq!(
        p.next_card(tomorrow, DAY0 + DAY).map(|q| q.card_id),
        Some("c2".to_string())
    );
    assert_eq!(DailyLimits::default().new_per_day, 20);
    assert_eq!(DailyLimits::default().reviews_per_day, 200);
}

#[test]
fn daily_review_limit() {
    let mut p = progress(4);
    for (i, id) in ["c0", "c1", "c2", "c3"].iter().enumerate() {
        answer(&mut p, id, Rating::Easy, T0 + i as i64);
    }
    p.set_limits(DailyLimits {
        new_per_day: 20,
        reviews_per_day: 3,
    });
    let day8 = DAY0 + 8 * DAY;
    let now = T0 + 8 * DAY + 10;
    assert_eq!(p.counts(now, day8).review, 3);
    for expected_left in [2, 1, 0] {
        let q = p.next_card(now, day8).expect("a review");
        assert_eq!(q.kind, QueueKind::Review);
        // Again: the lapse goes to relearning, but the review still counts.
        answer(&mut p, &q.card_id, Rating::Good, now);
        assert_eq!(p.counts(now, day8).review, expected_left);
    }
    assert_eq!(p.reviews_answered_since(day8), 3);
    assert_eq!(p.next_card(now, day8), None);
    // Learning cards are not limited: a lapse still shows up.
    let mut q = p.clone();
    q.set_limits(DailyLimits {
        new_per_day: 20,
        reviews_per_day: 4,
    });
    let last = q.next_card(now, day8).expect("fourth review");
    answer(&mut q, &last.card_id, Rating::Again, now);
    assert_eq!(q.counts(now + 600, day8).learning, 1);
    assert_eq!(
        q.next_card(now + 600, day8).map(|c| c.kind),
        Some(QueueKind::Learning)
    );
}

#[test]
fn answer_rejects_unknown_cards_and_keeps_log_in_time_order() {
    let mut p = progress(2);
    let e = p.answer("nope", Rating::Good, T0, 0.0).unwrap_err();
    assert_eq!(e.to_string(), "there is no card \"nope\" in the deck");
    answer(&mut p, "c0", Rating::Good, T0);
    // The clock went back a minute: the answer is logged at the latest time instead.
    answer(&mut p, "c1", Rating::Good, T0 - 60);
    assert_eq!(p.log()[1].review_at_unix, T0);
    assert_eq!(p.card("c1").map(|c| c.due_unix), Some(T0 + 600));
}

#[test]
fn undo_restores_the_previous_state() {
    let mut p = progress(2);
    assert_eq!(p.undo(), None);
    answer(&mut p, "c0", Rating::Good, T0);
    let after_first = p.clone();
    answer(&mut p, "c0", Rating::Good, T0 + 600);
    assert_eq!(p.card("c0").map(|c| c.state), Some(CardState::Review));
    let undone = p.undo().expect("an entry");
    assert_eq!(undone.card_id, "c0");
    assert_eq!(undone.rating, Rating::Good);
    assert_eq!(undone.review_at_unix, T0 + 600);
    assert_eq!(p, after_first);
    // Undoing a new card's first answer makes it new again.
    p.undo();
    assert_eq!(p.card("c0"), None);
    assert!(p.log().is_empty());
    assert_eq!(p, progress(2));
    assert_eq!(next(&p, T0), Some(("c0".into(), QueueKind::New)));
}

#[test]
fn undo_gives_back_the_daily_quota() {
    let mut p = progress(3);
    p.set_limits(DailyLimits {
        new_per_day: 1,
        reviews_per_day: 10,
    });
    answer(&mut p, "c0", Rating::Easy, T0);
    assert_eq!(p.counts(T0, DAY0).new, 0);
    p.undo();
    assert_eq!(p.counts(T0, DAY0).new, 1);
}

/// Random answers to random cards: the state kept answer by answer equals the state rebuilt
/// from the log, including after undo.
fn session(p: &mut Progress, steps: &[(usize, u8, i64, f64)], cards: usize, start: i64) {
    let mut now = start;
    for &(card, rating, gap, fuzz) in steps {
        now += gap;
        let id = format!("c{}", card % cards);
        let rating = Rating::from_number(i64::from(rating)).expect("1..=4");
        p.answer(&id, rating, now, fuzz).expect("deck card");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rebuild_equals_incremental(
        steps in prop::collection::vec((0usize..6, 1u8..=4, 0i64..5 * DAY, 0.0f64..1.0), 0..60),
        undos in 0usize..3,
        fuzzing in any::<bool>(),
    ) {
        let config = SchedulerConfig { enable_fuzzing: fuzzing, ..SchedulerConfig::default() };
        let d = deck(6);
        let mut p = Progress::new(&d, config.clone()).expect("valid");
        session(&mut p, &steps, 6, T0);
        for _ in 0..undos {
            p.undo();
        }
        let rebuilt = Progress::rebuild(&d, p.log().to_vec(), config).expect("valid");
        prop_assert_eq!(&rebuilt, &p);
        // And through the JSON backup.
        let restored = Progress::from_json(&p.to_json()).expect("imports");
        prop_assert_eq!(&restored, &p);
    }
}

#[test]
fn merge_keeps_both_tabs_reviews() {
    let d = deck(4);
    let mut base = Progress::new(&d, no_fuzz()).expect("valid");
    answer(&mut base, "c0", Rating::Good, T0);
    // Two tabs start from the same stored progress.
    let mut tab_a = base.clone();
    let mut tab_b = base.clone();
    answer(&mut tab_a, "c1", Rating::Easy, T0 + 100);
    answer(&mut tab_a, "c0", Rating::Good, T0 + 700);
    answer(&mut tab_b, "c2", Rating::Hard, T0 + 200);
    answer(&mut tab_b, "c3", Rating::Again, T0 + 300);

    let merged = tab_a.merge(&tab_b);
    assert_eq!(merged.log().len(), 5, "the shared entry is not duplicated");
    for id in ["c0", "c1", "c2", "c3"] {
        assert!(merged.card(id).is_some(), "{id} lost");
    }
    assert_eq!(merged.card("c0"), tab_a.card("c0"));
    assert_eq!(merged.card("c1"), tab_a.card("c1"));
    assert_eq!(merged.card("c2"), tab_b.card("c2"));
    assert_eq!(merged.card("c3"), tab_b.card("c3"));
    // The log is in time order and merging is idempotent and symmetric in content.
    let times: Vec<i64> = merged.log().iter().map(|e| e.review_at_unix).collect();
    assert_eq!(times, vec![T0, T0 + 100, T0 + 200, T0 + 300, T0 + 700]);
    assert_eq!(merged.merge(&tab_b), merged);
    assert_eq!(merged.merge(&merged), merged);
    assert_eq!(tab_b.merge(&tab_a).log(), merged.log());
    assert_eq!(base.merge(&base), base);
}

#[test]
fn merge_with_interleaved_reviews_of_the_same_card_replays_in_time_order() {
    let d = deck(1);
    let mut a = Progress::new(&d, no_fuzz()).expect("valid");
    let mut b = a.clone();
    answer(&mut a, "c0", Rating::Good, T0);
    answer(&mut b, "c0", Rating::Again, T0 + 30);
    answer(&mut a, "c0", Rating::Good, T0 + 600);
    let merged = a.merge(&b);
    let expected = Progress::rebuild(&d, merged.log().to_vec(), no_fuzz()).expect("valid");
    assert_eq!(merged, expected);
    let ratings: Vec<Rating> = merged.log().iter().map(|e| e.rating).collect();
    assert_eq!(ratings, [Rating::Good, Rating::Again, Rating::Good]);
}

#[test]
fn backup_round_trip_and_format() {
    let mut p = progress(3);
    p.set_limits(DailyLimits {
        new_per_day: 5,
        reviews_per_day: 50,
    });
    answer(&mut p, "c1", Rating::Good, T0);
    p.answer("c1", Rating::Hard, T0 + 600, 0.123_456_789)
        .expect("deck card");
    let text = p.to_json();
    let v: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v["schema"], json!(SCHEMA_VERSION));
    assert_eq!(v["cards"], json!(["c0", "c1", "c2"]));
    assert_eq!(
        v["limits"],
        json!({"new_per_day": 5, "reviews_per_day": 50})
    );
    assert_eq!(
        v["log"][1],
        json!({"card_id": "c1", "rating": 2, "review_at_unix": T0 + 600, "fuzz": 0.123456})
    );
    assert_eq!(v["config"]["learning_steps_s"], json!([60, 600]));
    assert_eq!(Progress::from_json(&text), Ok(p));
    assert_eq!(quantize_fuzz(f64::NAN), 0.0);
    assert_eq!(quantize_fuzz(1.0), 0.999_999);
}

fn backup() -> Value {
    let mut p = progress(2);
    answer(&mut p, "c0", Rating::Good, T0);
    serde_json::from_str(&p.to_json()).expect("JSON")
}

fn import_err(v: &Value) -> String {
    match Progress::from_json(&v.to_string()) {
        Ok(_) => panic!("expected an error for {v}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn import_errors_are_sentences() {
    assert!(matches!(
        Progress::from_json("{\"schema\": 1,"),
        Err(ImportError::MalformedJson(_))
    ));
    assert!(Progress::from_json("not json")
        .unwrap_err()
        .to_string()
        .starts_with("The file is not valid JSON ("));
    assert_eq!(
        import_err(&json!({"log": []})),
        "The file has no \"schema\" field, so it is not a Faultline progress backup."
    );
    let mut v = backup();
    v["schema"] = json!(2);
    assert_eq!(
        import_err(&v),
        "The backup has schema version 2, but this version of Faultline reads only schema 1."
    );
    let mut v = backup();
    v["log"][0]["rating"] = json!(7);
    assert_eq!(
        import_err(&v),
        "The backup is invalid: log[0].rating: 7 is not a rating (expected 1 = Again, 2 = Hard, 3 = Good or 4 = Easy)."
    );
    let mut v = backup();
    v["log"][0]
        .as_object_mut()
        .expect("object")
        .remove("review_at_unix");
    assert_eq!(
        import_err(&v),
        "The backup is invalid: log[0].review_at_unix: missing (expected unix seconds)."
    );
    let mut v = backup();
    v["cards"] = json!(["a", "a"]);
    assert_eq!(
        import_err(&v),
        "The backup is invalid: cards[1]: card id \"a\" is listed twice (also at cards[0])."
    );
    let mut v = backup();
    v["config"]["desired_retention"] = json!(0);
    assert_eq!(
        import_err(&v),
        "The backup is invalid: config.desired_retention = 0 must be strictly between 0 and 1."
    );
    let mut v = backup();
    v["log"][0]["fuzz"] = json!(1.5);
    assert_eq!(
        import_err(&v),
        "The backup is invalid: log[0].fuzz: 1.5 is not in [0, 1)."
    );
    let mut v = backup();
    v["extra"] = json!(1);
    assert_eq!(
        import_err(&v),
        "The backup is invalid: extra: unknown field (expected only schema, config, limits, cards, log)."
    );
    assert_eq!(
        import_err(&json!([1])),
        "The backup is invalid: input: expected an object, found an array."
    );
}

#[test]
fn failed_import_leaves_current_progress_alone() {
    let mut current = progress(2);
    answer(&mut current, "c1", Rating::Good, T0);
    let before = current.clone();
    let mut bad = backup();
    bad["log"][0]["rating"] = json!(0);
    if let Ok(p) = Progress::from_json(&bad.to_string()) {
        current = p;
    }
    assert_eq!(current, before);
}

#[test]
fn unknown_card_ids_are_kept_as_orphans() {
    let mut v = backup();
    v["log"]
        .as_array_mut()
        .expect("array")
        .push(json!({"card_id": "gone", "rating": 3, "review_at_unix": T0 + 5}));
    let mut p = Progress::from_json(&v.to_string()).expect("imports");
    assert_eq!(p.orphan_card_ids(), vec!["gone"]);
    assert_eq!(p.log().len(), 2);
    assert!(p.card("gone").is_some());
    // Orphans are never queued nor answerable, but survive export.
    assert!(p.answer("gone", Rating::Good, T0 + 10, 0.0).is_err());
    let again = Progress::from_json(&p.to_json()).expect("imports");
    assert_eq!(again.orphan_card_ids(), vec!["gone"]);
    // If the card comes back in a new deck version, its history resumes.
    let mut notes = deck(2).notes().to_vec();
    notes.push(Note {
        id: "gone".to_string(),
        front: "back again".to_string(),
        back: "".to_string(),
        tags: vec![],
        chapter: String::new(),
        preset: None,
    });
    p.set_deck(&Deck::new(notes).expect("valid"));
    assert!(p.orphan_card_ids().is_empty());
    assert_eq!(
        p.next_card(T0 + 600, DAY0).map(|q| q.card_id),
        Some("c0".to_string())
    );
}

#[test]
fn set_config_reschedules_from_the_log() {
    let mut p = progress(1);
    answer(&mut p, "c0", Rating::Easy, T0);
    let due_default = p.card("c0").map(|c| c.due_unix);
    p.set_config(SchedulerConfig {
        desired_retention: 0.8,
        ..no_fuzz()
    })
    .expect("valid");
    assert!(p.card("c0").map(|c| c.due_unix) > due_default);
    assert!(p
        .set_config(SchedulerConfig {
            desired_retention: 2.0,
            ..no_fuzz()
        })
        .is_err());
    let log: Vec<ReviewLogEntry> = p.log().to_vec();
    assert_eq!(log.len(), 1);
}

#[test]
fn preview_for_new_and_reviewed_cards() {
    let mut p = progress(1);
    let labels = |p: &Progress, now| {
        p.preview("c0", now, 0.0)
            .expect("deck card")
            .iter()
            .map(|x| faultline::srs::fsrs::format_interval(x.interval_s))
            .collect::<Vec<_>>()
    };
    assert_eq!(labels(&p, T0), ["1m", "6m", "10m", "8d"]);
    answer(&mut p, "c0", Rating::Good, T0);
    assert_eq!(labels(&p, T0 + 600), ["1m", "10m", "2d", "4d"]);
    assert!(p.preview("nope", T0, 0.0).is_none());
}
