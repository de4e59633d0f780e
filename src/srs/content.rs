//! The Faultline deck: the cards shipped with the app, in `faultline_deck.tsv` (Anki's
//! tab-separated text, read with [`Deck::from_tsv`]), and the chapters they belong to.

use crate::srs::deck::{Deck, Note};

/// The deck file, compiled into the app.
pub const DECK_TSV: &str = include_str!("faultline_deck.tsv");

/// One lesson chapter: its id (as in the `chapter::` tag) and its title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chapter {
    /// The id used in `chapter::ID` tags.
    pub id: &'static str,
    /// The human title.
    pub title: &'static str,
}

/// Every chapter, in lesson order.
pub const CHAPTERS: [Chapter; 11] = [
    Chapter {
        id: "partial-failure",
        title: "Partial failure",
    },
    Chapter {
        id: "fallacies",
        title: "The fallacies of distributed computing",
    },
    Chapter {
        id: "circuit-breakers",
        title: "Circuit breakers",
    },
    Chapter {
        id: "bulkheads",
        title: "Bulkheads",
    },
    Chapter {
        id: "timeouts",
        title: "Timeouts and deadlines",
    },
    Chapter {
        id: "degradation",
        title: "Graceful degradation",
    },
    Chapter {
        id: "retries",
        title: "Retries, backoff and budgets",
    },
    Chapter {
        id: "idempotency",
        title: "Idempotency",
    },
    Chapter {
        id: "incidents",
        title: "Incident stories",
    },
    Chapter {
        id: "mistakes",
        title: "Common mistakes",
    },
    Chapter {
        id: "monitoring",
        title: "Monitoring",
    },
];

/// The lab presets a card may link to (`#/lab?preset=ID`).
pub const PRESETS: [&str; 8] = [
    "flash-sale",
    "lock-saga",
    "partition-quorum",
    "retry-amplification",
    "thundering-herd",
    "ambiguous-failure",
    "jitter",
    "breaker-playground",
];

/// The title of chapter `id`, or the id itself if it is not a known chapter.
pub fn chapter_title(id: &str) -> &str {
    CHAPTERS
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.title)
        .unwrap_or(id)
}

/// The lab link for a preset: `#/lab?preset=ID`.
pub fn preset_href(preset: &str) -> String {
    format!("#/lab?preset={preset}")
}

/// The shipped deck. The file is checked by this module's tests, so this never fails.
pub fn faultline_deck() -> Deck {
    Deck::from_tsv(DECK_TSV).expect("the bundled deck is valid (checked by tests)")
}

/// `base` with the notes of `imported` added: a note whose id is already in `base` replaces
/// it in place, the others are appended in file order. Nothing of `base` is removed.
pub fn with_imported(base: &Deck, imported: &Deck) -> Deck {
    let mut notes: Vec<Note> = base
        .notes()
        .iter()
        .map(|n| imported.get(&n.id).unwrap_or(n).clone())
        .collect();
    notes.extend(
        imported
            .notes()
            .iter()
            .filter(|n| !base.contains(&n.id))
            .cloned(),
    );
    // ids are unique in each deck and appended notes are not in `base`: always valid
    Deck::new(notes).unwrap_or_else(|_| base.clone())
}

/// `earlier` with the notes of `later` added the same way (to keep every imported file).
pub fn union(earlier: &Deck, later: &Deck) -> Deck {
    with_imported(earlier, later)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_deck_parses_with_enough_cards() {
        let deck = Deck::from_tsv(DECK_TSV).unwrap_or_else(|e| panic!("{e}"));
        assert!(deck.len() >= 60, "only {} cards", deck.len());
    }

    #[test]
    fn every_card_has_a_known_chapter_and_every_chapter_three_cards() {
        let deck = faultline_deck();
        let known: BTreeSet<&str> = CHAPTERS.iter().map(|c| c.id).collect();
        for note in deck.notes() {
            assert!(
                known.contains(note.chapter.as_str()),
                "{}: chapter {:?}",
                note.id,
                note.chapter
            );
        }
        for chapter in CHAPTERS {
            let n = deck.chapter(chapter.id).count();
            assert!(n >= 3, "chapter {} has {n} cards", chapter.id);
        }
    }

    #[test]
    fn ids_are_explicit_and_unique() {
        let deck = faultline_deck();
        let mut seen = BTreeSet::new();
        for note in deck.notes() {
            assert!(seen.insert(note.id.clone()), "duplicate id {}", note.id);
        }
        // every line of the file names its id explicitly
        let cards = DECK_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty());
        for line in cards {
            assert!(line.contains("id::"), "no id:: tag on {line:?}");
        }
    }

    #[test]
    fn every_preset_is_a_known_lab_preset() {
        let deck = faultline_deck();
        let mut used = BTreeSet::new();
        for note in deck.notes() {
            if let Some(p) = &note.preset {
                assert!(
                    PRESETS.contains(&p.as_str()),
                    "{}: unknown preset {p}",
                    note.id
                );
                used.insert(p.as_str());
            }
        }
        assert_eq!(
            used.len(),
            PRESETS.len(),
            "every preset is linked by some card"
        );
    }

    #[test]
    fn the_deck_round_trips_through_anki_tsv() {
        let deck = faultline_deck();
        assert_eq!(Deck::from_tsv(&deck.to_tsv()).expect("re-import"), deck);
    }

    #[test]
    fn imported_notes_replace_by_id_and_append_the_rest() {
        let base = faultline_deck();
        let file = "#separator:tab\nchanged front\tchanged back\tid::pf-no-reply chapter::partial-failure\nbrand new\tcard\tmine\n";
        let imported = Deck::from_tsv(file).unwrap();
        let d = with_imported(&base, &imported);
        assert_eq!(d.len(), base.len() + 1);
        assert_eq!(d.get("pf-no-reply").unwrap().front, "changed front");
        assert_eq!(d.notes()[0].id, base.notes()[0].id, "order kept");
        assert_eq!(d.notes().last().unwrap().front, "brand new");
        assert_eq!(union(&imported, &imported), imported);
    }

    #[test]
    fn chapter_titles_and_preset_links() {
        assert_eq!(chapter_title("retries"), "Retries, backoff and budgets");
        assert_eq!(chapter_title("other"), "other");
        assert_eq!(preset_href("jitter"), "#/lab?preset=jitter");
    }
}
