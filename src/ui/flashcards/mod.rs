//! The Flashcards page: the reviewer, statistics, the card browser, settings and backups.
//!
//! All decisions (queue, intervals, statistics, filters) come from `crate::srs`; this module
//! holds the reactive state and the browser glue ([`storage`]).

mod browser;
mod charts;
mod lazy;
mod reviewer;
mod settings;
mod stats;
mod storage;

use crate::srs::deck::Deck;
use crate::srs::fsrs::Rating;
use crate::srs::progress::{DailyLimits, Progress, QueuedCard, ReviewLogEntry};
use crate::srs::{content, stats as srs_stats};
use crate::ui::hooks::{use_interval, use_keydown, use_storage_event};
use leptos::prelude::*;
use std::time::Duration;
use storage::Persist;

pub use lazy::LazyFlashcardsPage;

/// The page's shared state: every field is a signal, so the struct is `Copy` and handed to
/// each part of the page.
#[derive(Clone, Copy)]
pub(crate) struct Cards {
    deck: RwSignal<Deck>,
    progress: RwSignal<Progress>,
    persist: RwSignal<Persist>,
    notice: RwSignal<Option<String>>,
    now: RwSignal<i64>,
    current: RwSignal<Option<QueuedCard>>,
    revealed: RwSignal<bool>,
    fuzz: RwSignal<f64>,
    /// This tab's answers, newest last: undo takes back only these.
    session: RwSignal<Vec<ReviewLogEntry>>,
    import_result: RwSignal<Option<Result<String, String>>>,
}

impl Cards {
    fn load() -> Cards {
        let loaded = storage::load();
        let now = storage::now_unix();
        Cards {
            deck: RwSignal::new(loaded.deck),
            progress: RwSignal::new(loaded.progress),
            persist: RwSignal::new(loaded.persist),
            notice: RwSignal::new(loaded.notice),
            now: RwSignal::new(now),
            current: RwSignal::new(None),
            revealed: RwSignal::new(false),
            fuzz: RwSignal::new(storage::fuzz()),
            session: RwSignal::new(Vec::new()),
            import_result: RwSignal::new(None),
        }
    }

    fn day_start(self) -> i64 {
        storage::day_start(self.now.get())
    }

    /// Picks the card to show now, with the answer hidden.
    fn refresh(self) {
        let now = storage::now_unix();
        self.now.set(now);
        let next = self
            .progress
            .with_untracked(|p| srs_stats::next_card(p, now, storage::day_start(now)));
        self.current.set(next);
        self.revealed.set(false);
        self.fuzz.set(storage::fuzz());
    }

    fn reveal(self) {
        if self.current.with_untracked(Option::is_some) {
            self.revealed.set(true);
        }
    }

    /// Saves `p` (merged with what other tabs saved) and makes it the current progress.
    fn commit(self, p: Progress, undone: Option<&ReviewLogEntry>) {
        let p = if self.persist.get_untracked() == Persist::Saving {
            let (merged, result) = self.deck.with_untracked(|d| storage::save(&p, d, undone));
            if let Err(e) = result {
                self.notice.set(Some(format!(
                    "Your progress could not be saved: {e}. Keep reviewing: your answers stay in this tab until you close it; use “Download progress” to keep them."
                )));
            }
            merged
        } else {
            p
        };
        self.progress.set(p);
    }

    /// Grades the card shown (only once its answer is shown); saved before the next card.
    fn answer(self, rating: Rating) {
        if !self.revealed.get_untracked() {
            return;
        }
        let Some(q) = self.current.get_untracked() else {
            return;
        };
        let mut p = self.progress.get_untracked();
        if p.answer(
            &q.card_id,
            rating,
            storage::now_unix(),
            self.fuzz.get_untracked(),
        )
        .is_err()
        {
            self.refresh();
            return;
        }
        if let Some(entry) = p.log().last().cloned() {
            self.session.update(|s| s.push(entry));
        }
        self.commit(p, None);
        self.refresh();
    }

    /// True if the last answer in the log is this tab's last answer.
    fn can_undo(self) -> bool {
        self.session.with(|s| {
            self.progress
                .with(|p| s.last().is_some() && s.last() == p.log().last())
        })
    }

    /// Takes back this tab's last answer and shows that card again.
    fn undo(self) {
        if !self.can_undo_untracked() {
            return;
        }
        let mut p = self.progress.get_untracked();
        let Some(entry) = p.undo() else { return };
        self.session.update(|s| {
            s.pop();
        });
        self.commit(p, Some(&entry));
        let kind = self
            .progress
            .with_untracked(|p| srs_stats::kind_of(p, &entry.card_id));
        self.now.set(storage::now_unix());
        self.current.set(Some(QueuedCard {
            card_id: entry.card_id,
            kind,
        }));
        self.revealed.set(false);
        self.fuzz.set(storage::fuzz());
    }

    fn can_undo_untracked(self) -> bool {
        self.session.with_untracked(|s| {
            self.progress
                .with_untracked(|p| s.last().is_some() && s.last() == p.log().last())
        })
    }

    /// Another tab saved its progress: merge it so neither tab loses reviews.
    fn merge_stored(self, text: Option<String>) {
        let Some(text) = text else { return };
        let Ok(stored) = Progress::from_json(&text) else {
            return;
        };
        let shown = self.current.get_untracked();
        let before = shown.as_ref().and_then(|q| {
            self.progress
                .with_untracked(|p| p.card(&q.card_id).cloned())
        });
        let mut merged = self.progress.with_untracked(|p| p.merge(&stored));
        merged.set_limits(stored.limits());
        let after = shown
            .as_ref()
            .and_then(|q| merged.card(&q.card_id).cloned());
        self.progress.set(merged);
        // the card on screen was answered in the other tab, or nothing was shown
        if shown.is_none() || before != after {
            self.refresh();
        }
    }

    fn set_limits(self, limits: DailyLimits) {
        let mut p = self.progress.get_untracked();
        p.set_limits(limits);
        self.commit(p, None);
        if !self.revealed.get_untracked() {
            self.refresh();
        }
    }

    /// Imports a progress backup (JSON, merged in) or cards (Anki TSV, added to the deck).
    /// A bad file changes nothing and says what is wrong.
    fn import(self, name: &str, text: &str) {
        let lower = name.to_lowercase();
        let looks_json = if lower.ends_with(".json") {
            true
        } else if lower.ends_with(".tsv") || lower.ends_with(".txt") {
            false
        } else {
            text.trim_start().starts_with(['{', '['])
        };
        let result = if text.trim().is_empty() {
            Err(format!("{name} is empty: nothing was imported."))
        } else if looks_json {
            self.import_backup(name, text)
        } else {
            self.import_deck(name, text)
        };
        self.import_result.set(Some(result));
    }

    fn import_backup(self, name: &str, text: &str) -> Result<String, String> {
        let imported = Progress::from_json(text)
            .map_err(|e| format!("{name} was not imported, nothing changed. {e}"))?;
        let before = self.progress.with_untracked(|p| p.log().len());
        let merged = self.progress.with_untracked(|p| p.merge(&imported));
        let added = merged.log().len() - before;
        self.commit(merged, None);
        self.refresh();
        Ok(format!(
            "Imported {name}: {added} review{} added to your progress ({} already known).",
            if added == 1 { "" } else { "s" },
            imported.log().len() - added.min(imported.log().len())
        ))
    }

    fn import_deck(self, name: &str, text: &str) -> Result<String, String> {
        let imported = Deck::from_tsv(text)
            .map_err(|e| format!("{name} was not imported, nothing changed. Anki text, {e}."))?;
        if imported.is_empty() {
            return Err(format!(
                "{name} was not imported, nothing changed: it holds no cards."
            ));
        }
        let (replaced, added) = self.deck.with_untracked(|d| {
            let replaced = imported.ids().filter(|id| d.contains(id)).count();
            (replaced, imported.len() - replaced)
        });
        let note = match storage::save_imported_deck(&imported) {
            Ok(()) => String::new(),
            Err(e) => format!(" They are kept in this tab only: {e}."),
        };
        let deck = self
            .deck
            .with_untracked(|d| content::with_imported(d, &imported));
        let mut p = self.progress.get_untracked();
        p.set_deck(&deck);
        self.deck.set(deck);
        self.commit(p, None);
        self.refresh();
        Ok(format!(
            "Imported {name}: {added} new card{} added, {replaced} updated.{note}",
            if added == 1 { "" } else { "s" }
        ))
    }

    /// Forgets the imported cards: the built-in deck remains, progress on every card is kept.
    fn remove_imported(self) {
        let result = storage::remove_imported_deck();
        let deck = content::faultline_deck();
        let mut p = self.progress.get_untracked();
        p.set_deck(&deck);
        self.deck.set(deck);
        self.commit(p, None);
        self.refresh();
        self.import_result.set(Some(match result {
            Ok(()) => Ok(
                "Imported cards removed; the built-in deck remains and your progress is kept."
                    .into(),
            ),
            Err(e) => Err(format!(
                "The imported cards could not be removed from storage: {e}."
            )),
        }));
    }

    /// Lets saving resume over unreadable stored progress (a copy of it was kept).
    fn resume_saving(self) {
        self.persist.set(Persist::Saving);
        self.notice.set(None);
        let p = self.progress.get_untracked();
        self.commit(p, None);
    }
}

/// Spaced-repetition flashcards.
#[component]
pub fn FlashcardsPage() -> impl IntoView {
    let cards = Cards::load();
    cards.refresh();

    use_keydown(move |ev| on_key(cards, ev));
    use_storage_event(storage::PROGRESS_KEY, move |value| {
        cards.merge_stored(value)
    });
    use_interval(Duration::from_secs(15), move || {
        cards.now.set(storage::now_unix());
        if cards.current.with_untracked(Option::is_none) {
            cards.refresh();
        }
    });

    view! {
        <section class="page flashcards" aria-labelledby="page-title">
            <h1 id="page-title">"Flashcards"</h1>
            <p class="lead">"Keep what you learned, with reviews spaced the way memory fades."</p>
            <StorageNotice cards=cards />
            <reviewer::Reviewer cards=cards />
            <stats::Stats cards=cards />
            <browser::CardBrowser cards=cards />
            <settings::Settings cards=cards />
        </section>
    }
}

/// Keyboard shortcuts, like Anki: Space or Enter shows the answer (then counts as Good),
/// 1–4 grade, Ctrl+Z or U undoes. Text fields never trigger them (see `use_keydown`).
fn on_key(cards: Cards, ev: web_sys::KeyboardEvent) {
    if ev.alt_key() || ev.meta_key() || ev.repeat() {
        return;
    }
    let key = ev.key();
    if ev.ctrl_key() {
        if key == "z" || key == "Z" {
            ev.prevent_default();
            cards.undo();
        }
        return;
    }
    match key.as_str() {
        " " | "Enter" => {
            // a focused button or link reacts to these keys itself
            if on_control(&ev) || cards.current.with_untracked(Option::is_none) {
                return;
            }
            ev.prevent_default();
            if cards.revealed.get_untracked() {
                cards.answer(Rating::Good);
            } else {
                cards.reveal();
            }
        }
        "1" | "2" | "3" | "4" => {
            let n = i64::from(key.as_bytes()[0] - b'0');
            if let Some(r) = Rating::from_number(n) {
                cards.answer(r);
            }
        }
        "u" | "U" => cards.undo(),
        _ => {}
    }
}

fn on_control(ev: &web_sys::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.closest("button, a, summary").ok().flatten().is_some())
}

/// What the learner must know about storage: blocked, full, or unreadable saved data.
#[component]
fn StorageNotice(cards: Cards) -> impl IntoView {
    move || {
        cards.notice.get().map(|text| {
            let resumable = matches!(cards.persist.get(), Persist::Protected { copy: Some(_) });
            view! {
                <div class="fc-notice" role="alert" data-testid="storage-notice">
                    <p>{text}</p>
                    {resumable.then(|| view! {
                        <button type="button" on:click=move |_| cards.resume_saving()>
                            "Start saving my new progress (the unreadable copy is kept)"
                        </button>
                    })}
                </div>
            }
        })
    }
}
