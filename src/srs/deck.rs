//! Flashcard content: [`Note`]s (one card each) gathered in a [`Deck`], and the deck's
//! Anki-compatible tab-separated text format.
//!
//! # Tab-separated text
//!
//! [`Deck::to_tsv`] writes what Anki's "Import File" reads as plain text:
//!
//! ```text
//! #separator:tab
//! #html:false
//! #tags column:3
//! front<TAB>back<TAB>tags
//! ```
//!
//! * A field that contains a tab, a line break or a double quote, or that starts with `#`, is
//!   wrapped in double quotes, with each quote doubled (`say "hi"` → `"say ""hi"""`).
//! * Tags are separated by spaces. The note's own fields travel as tags too, so that a round
//!   trip loses nothing and Anki groups the cards usefully: `id::<id>`, `chapter::<chapter>` and
//!   `preset::<preset>` (Anki shows `::` as a tag hierarchy).
//!
//! [`Deck::from_tsv`] reads the same format, and plain Anki exports: header lines (`#key:value`
//! before the first card) are allowed — `#separator:` must be tab, `#tags column:` must be 3,
//! the others (`#html:`, `#columns:`, `#deck:`, …) are ignored — and other lines that start with
//! `#` are comments. Each card line has 2 or 3 fields. A card without an `id::` tag gets an id
//! derived from its front text (`h` + 16 hex digits), stable across imports of the same file.
//! Errors carry the line number: `line 3: expected 2 or 3 tab-separated fields, found 1`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Tag prefix carrying [`Note::id`] in the tab-separated format.
pub const ID_TAG: &str = "id::";
/// Tag prefix carrying [`Note::chapter`] in the tab-separated format.
pub const CHAPTER_TAG: &str = "chapter::";
/// Tag prefix carrying [`Note::preset`] in the tab-separated format.
pub const PRESET_TAG: &str = "preset::";

/// One flashcard's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Stable identifier; the review log refers to cards by it. Non-empty, no whitespace.
    pub id: String,
    /// The question side (plain text, non-empty).
    pub front: String,
    /// The answer side (plain text).
    pub back: String,
    /// Free tags: each non-empty, without whitespace, and not starting with a reserved prefix
    /// (`id::`, `chapter::`, `preset::`).
    pub tags: Vec<String>,
    /// The lesson chapter the card belongs to (no whitespace; empty for none).
    pub chapter: String,
    /// The lab preset that demonstrates the card, if any (non-empty, no whitespace).
    pub preset: Option<String>,
}

impl Note {
    /// Checks the rules documented on each field; the error names the field and the reason.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.is_empty() {
            return Err("id is empty".to_string());
        }
        if self.id.chars().any(char::is_whitespace) {
            return Err(format!("id {:?} contains whitespace", self.id));
        }
        if self.front.trim().is_empty() {
            return Err(format!("card {:?}: front is empty", self.id));
        }
        for tag in &self.tags {
            if tag.is_empty() || tag.chars().any(char::is_whitespace) {
                return Err(format!(
                    "card {:?}: tag {tag:?} is empty or contains whitespace",
                    self.id
                ));
            }
            if [ID_TAG, CHAPTER_TAG, PRESET_TAG]
                .iter()
                .any(|p| tag.starts_with(p))
            {
                return Err(format!(
                    "card {:?}: tag {tag:?} uses a reserved prefix (id::, chapter::, preset::)",
                    self.id
                ));
            }
        }
        if self.chapter.chars().any(char::is_whitespace) {
            return Err(format!(
                "card {:?}: chapter {:?} contains whitespace",
                self.id, self.chapter
            ));
        }
        if let Some(preset) = &self.preset {
            if preset.is_empty() || preset.chars().any(char::is_whitespace) {
                return Err(format!(
                    "card {:?}: preset {preset:?} is empty or contains whitespace",
                    self.id
                ));
            }
        }
        Ok(())
    }

    /// All tags as written to the tags column: the free tags, then `chapter::…`,
    /// `preset::…` and `id::…`.
    pub fn export_tags(&self) -> Vec<String> {
        let mut tags = self.tags.clone();
        if !self.chapter.is_empty() {
            tags.push(format!("{CHAPTER_TAG}{}", self.chapter));
        }
        if let Some(preset) = &self.preset {
            tags.push(format!("{PRESET_TAG}{preset}"));
        }
        tags.push(format!("{ID_TAG}{}", self.id));
        tags
    }
}

/// Why a deck could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeckError {
    /// A note broke a rule of [`Note::validate`]; `index` is its position.
    InvalidNote {
        /// Position of the note in the list.
        index: usize,
        /// The rule broken.
        reason: String,
    },
    /// Two notes share an id.
    DuplicateId {
        /// The shared id.
        id: String,
        /// Position of the first note with that id.
        first: usize,
        /// Position of the second note.
        second: usize,
    },
}

impl fmt::Display for DeckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeckError::InvalidNote { index, reason } => write!(f, "note {index}: {reason}"),
            DeckError::DuplicateId { id, first, second } => {
                write!(f, "notes {first} and {second} have the same id {id:?}")
            }
        }
    }
}

impl std::error::Error for DeckError {}

/// An ordered set of notes with unique ids. The order is the order new cards are introduced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deck {
    notes: Vec<Note>,
    index: BTreeMap<String, usize>,
}

impl Deck {
    /// A deck of `notes` in this order, after checking each note and that ids are unique.
    pub fn new(notes: Vec<Note>) -> Result<Deck, DeckError> {
        let mut index = BTreeMap::new();
        for (i, note) in notes.iter().enumerate() {
            note.validate()
                .map_err(|reason| DeckError::InvalidNote { index: i, reason })?;
            if let Some(&first) = index.get(&note.id) {
                return Err(DeckError::DuplicateId {
                    id: note.id.clone(),
                    first,
                    second: i,
                });
            }
            index.insert(note.id.clone(), i);
        }
        Ok(Deck { notes, index })
    }

    /// The notes in deck order.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// The card ids in deck order.
    pub fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.notes.iter().map(|n| n.id.as_str())
    }

    /// The note with this id.
    pub fn get(&self, id: &str) -> Option<&Note> {
        self.index.get(id).and_then(|&i| self.notes.get(i))
    }

    /// True if the deck has a note with this id.
    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// Number of notes.
    pub fn len(&self) -> usize {
        self.notes.len()
    }

    /// True if the deck has no notes.
    pub fn is_empty(&self) -> bool {
        self.notes.is_empty()
    }

    /// The notes of one chapter, in deck order.
    pub fn chapter<'a>(&'a self, chapter: &'a str) -> impl Iterator<Item = &'a Note> + 'a {
        self.notes.iter().filter(move |n| n.chapter == chapter)
    }

    /// The deck as Anki-importable tab-separated text (see the module docs).
    pub fn to_tsv(&self) -> String {
        let mut out = String::from("#separator:tab\n#html:false\n#tags column:3\n");
        for note in &self.notes {
            out.push_str(&quote_field(&note.front));
            out.push('\t');
            out.push_str(&quote_field(&note.back));
            out.push('\t');
            out.push_str(&quote_field(&note.export_tags().join(" ")));
            out.push('\n');
        }
        out
    }

    /// Reads tab-separated text (see the module docs). All or nothing: any error rejects the
    /// whole file.
    pub fn from_tsv(text: &str) -> Result<Deck, TsvError> {
        let records = parse_records(text)?;
        let mut notes = Vec::with_capacity(records.len());
        let mut lines = Vec::with_capacity(records.len());
        let mut seen: BTreeMap<String, (usize, bool)> = BTreeMap::new();
        for record in records {
            let line = record.line;
            let err = |message: String| TsvError { line, message };
            let n = record.fields.len();
            if n != 2 && n != 3 {
                return Err(err(format!(
                    "expected 2 or 3 tab-separated fields, found {n}"
                )));
            }
            let mut fields = record.fields.into_iter();
            let front = fields.next().unwrap_or_default();
            let back = fields.next().unwrap_or_default();
            let tag_field = fields.next().unwrap_or_default();
            let mut note = Note {
                id: String::new(),
                front,
                back,
                tags: Vec::new(),
                chapter: String::new(),
                preset: None,
            };
            let mut explicit_id = false;
            for tag in tag_field.split_whitespace() {
                if let Some(id) = tag.strip_prefix(ID_TAG) {
                    if explicit_id {
                        return Err(err(format!("more than one id tag ({tag:?})")));
                    }
                    note.id = id.to_string();
                    explicit_id = true;
                } else if let Some(chapter) = tag.strip_prefix(CHAPTER_TAG) {
                    if !note.chapter.is_empty() {
                        return Err(err(format!("more than one chapter tag ({tag:?})")));
                    }
                    note.chapter = chapter.to_string();
                } else if let Some(preset) = tag.strip_prefix(PRESET_TAG) {
                    if note.preset.is_some() {
                        return Err(err(format!("more than one preset tag ({tag:?})")));
                    }
                    note.preset = Some(preset.to_string());
                } else {
                    note.tags.push(tag.to_string());
                }
            }
            if note.front.trim().is_empty() {
                return Err(err("the front (first field) is empty".to_string()));
            }
            if !explicit_id {
                note.id = derived_id(&note.front);
            }
            note.validate().map_err(err)?;
            if let Some(&(first, first_explicit)) = seen.get(&note.id) {
                let message = if explicit_id || first_explicit {
                    format!(
                        "duplicate card id {:?} (first used on line {first})",
                        note.id
                    )
                } else {
                    format!(
                        "same front as line {first} and no id:: tag to tell them apart (add a tag like id::my-card)"
                    )
                };
                return Err(err(message));
            }
            seen.insert(note.id.clone(), (line, explicit_id));
            lines.push(line);
            notes.push(note);
        }
        // Every note was validated and ids are unique, so this cannot fail; map defensively.
        Deck::new(notes).map_err(|e| {
            let line = match &e {
                DeckError::InvalidNote { index, .. } => lines.get(*index).copied(),
                DeckError::DuplicateId { second, .. } => lines.get(*second).copied(),
            };
            TsvError {
                line: line.unwrap_or(0),
                message: e.to_string(),
            }
        })
    }
}

/// A tab-separated import error at a 1-based line (the line where the bad card starts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TsvError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, e.g. "expected 2 or 3 tab-separated fields, found 1".
    pub message: String,
}

impl fmt::Display for TsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for TsvError {}

/// The id given to a card without an `id::` tag: `h` + FNV-1a 64 of its front, in hex.
pub fn derived_id(front: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in front.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("h{hash:016x}")
}

/// `field` as written in the tab-separated format: quoted (quotes doubled) if it contains a
/// tab, a line break or a quote, or starts with `#`.
pub fn quote_field(field: &str) -> String {
    let needs_quotes =
        field.starts_with('#') || field.chars().any(|c| matches!(c, '\t' | '\n' | '\r' | '"'));
    if needs_quotes {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// One card line: its fields and the line it starts on.
struct Record {
    line: usize,
    fields: Vec<String>,
}

/// Splits `text` into records of fields, handling quotes, headers, comments and blank lines.
fn parse_records(text: &str) -> Result<Vec<Record>, TsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    let mut in_header = true;
    while chars.peek().is_some() {
        let start_line = line;
        // Blank lines.
        if matches!(chars.peek(), Some('\n')) {
            chars.next();
            line += 1;
            continue;
        }
        if matches!(chars.peek(), Some('\r')) {
            let mut ahead = chars.clone();
            ahead.next();
            if matches!(ahead.peek(), Some('\n') | None) {
                chars.next();
                continue;
            }
        }
        // Header and comment lines.
        if matches!(chars.peek(), Some('#')) {
            let mut raw = String::new();
            for c in chars.by_ref() {
                if c == '\n' {
                    line += 1;
                    break;
                }
                raw.push(c);
            }
            if in_header {
                header(raw.trim_end_matches('\r'), start_line)?;
            }
            continue;
        }
        in_header = false;
        // A record: fields separated by tabs, ended by a newline outside quotes.
        let mut fields = Vec::new();
        loop {
            let mut field = String::new();
            if matches!(chars.peek(), Some('"')) {
                chars.next();
                loop {
                    match chars.next() {
                        None => {
                            return Err(TsvError {
                                line: start_line,
                                message: "a quoted field is never closed (missing \")".to_string(),
                            })
                        }
                        Some('"') => {
                            if matches!(chars.peek(), Some('"')) {
                                chars.next();
                                field.push('"');
                            } else {
                                break;
                            }
                        }
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                    }
                }
                // After the closing quote: a separator, the end of the line or of the text.
                if matches!(chars.peek(), Some('\r')) {
                    chars.next();
                }
                match chars.peek() {
                    None | Some('\t') | Some('\n') => {}
                    Some(c) => {
                        return Err(TsvError {
                            line,
                            message: format!(
                                "unexpected {c:?} after a closing quote (a quote inside a quoted field must be doubled)"
                            ),
                        })
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == '\t' || c == '\n' {
                        break;
                    }
                    field.push(c);
                    chars.next();
                }
                if field.ends_with('\r') && !matches!(chars.peek(), Some('\t')) {
                    field.pop();
                }
            }
            fields.push(field);
            match chars.next() {
                Some('\t') => continue,
                Some('\n') => {
                    line += 1;
                    break;
                }
                _ => break,
            }
        }
        records.push(Record {
            line: start_line,
            fields,
        });
    }
    Ok(records)
}

/// Checks one `#key:value` header line.
fn header(raw: &str, line: usize) -> Result<(), TsvError> {
    let body = raw.trim_start_matches('#');
    let Some((key, value)) = body.split_once(':') else {
        return Ok(()); // a comment
    };
    let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
    match key.as_str() {
        "separator" if !matches!(value.to_ascii_lowercase().as_str(), "tab" | "\t") => {
            Err(TsvError {
                line,
                message: format!("only the tab separator is supported, not {value:?}"),
            })
        }
        "tags column" if value != "3" => Err(TsvError {
            line,
            message: format!("tags must be in column 3, not {value:?}"),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(id: &str, front: &str, back: &str) -> Note {
        Note {
            id: id.to_string(),
            front: front.to_string(),
            back: back.to_string(),
            tags: vec!["quorum".to_string()],
            chapter: "ch1".to_string(),
            preset: None,
        }
    }

    fn tsv_err(text: &str) -> String {
        match Deck::from_tsv(text) {
            Ok(deck) => panic!("expected an error, got {deck:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn deck_rejects_duplicates_and_bad_notes() {
        let e = Deck::new(vec![note("a", "x", "y"), note("a", "z", "w")]).unwrap_err();
        assert_eq!(e.to_string(), "notes 0 and 1 have the same id \"a\"");
        let e = Deck::new(vec![note("a b", "x", "y")]).unwrap_err();
        assert_eq!(e.to_string(), "note 0: id \"a b\" contains whitespace");
        let mut bad = note("a", "x", "y");
        bad.tags.push("chapter::x".to_string());
        assert!(Deck::new(vec![bad])
            .unwrap_err()
            .to_string()
            .contains("reserved prefix"));
        let deck = Deck::new(vec![note("a", "x", "y"), note("b", "z", "w")]).expect("valid");
        assert_eq!(deck.ids().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(deck.get("b").map(|n| n.front.as_str()), Some("z"));
        assert_eq!(deck.chapter("ch1").count(), 2);
    }

    #[test]
    fn tsv_round_trip_with_tabs_newlines_and_quotes() {
        let mut tricky = note("tricky", "say \"hi\"\tthen\nleave", "line1\r\nline2 \"\"");
        tricky.preset = Some("split-brain".to_string());
        tricky.tags = vec!["a".to_string(), "b::c".to_string()];
        let plain = Note {
            chapter: String::new(),
            tags: vec![],
            ..note("plain", "#not a comment", "")
        };
        let deck = Deck::new(vec![tricky, plain, note("c", "\"", "\t")]).expect("valid");
        let text = deck.to_tsv();
        assert!(text.starts_with("#separator:tab\n#html:false\n#tags column:3\n"));
        assert!(text.contains("\"say \"\"hi\"\"\tthen\nleave\"\t"));
        assert_eq!(Deck::from_tsv(&text), Ok(deck));
    }

    #[test]
    fn tsv_import_plain_anki_file() {
        let text = "#separator:tab\r\n#html:false\r\n\r\nWhat is a quorum?\tA majority\tconsensus chapter::ch2\r\nFLP?\tImpossibility\r\n# a comment\n";
        let deck = Deck::from_tsv(text).expect("imports");
        assert_eq!(deck.len(), 2);
        let first = &deck.notes()[0];
        assert_eq!(first.back, "A majority");
        assert_eq!(first.tags, ["consensus"]);
        assert_eq!(first.chapter, "ch2");
        assert_eq!(first.id, derived_id("What is a quorum?"));
        assert_eq!(deck.notes()[1].back, "Impossibility");
        assert_eq!(deck.notes()[1].tags, Vec::<String>::new());
        // Ids derived from the front are stable.
        assert_eq!(Deck::from_tsv(text).expect("imports"), deck);
    }

    #[test]
    fn tsv_errors_are_line_numbered() {
        assert_eq!(
            tsv_err("#html:false\nq\ta\nq2\na\tb\tc\td\n"),
            "line 3: expected 2 or 3 tab-separated fields, found 1"
        );
        assert_eq!(
            tsv_err("q\ta\tid::x\nq2\ta\tid::x\n"),
            "line 2: duplicate card id \"x\" (first used on line 1)"
        );
        assert_eq!(
            tsv_err("q\ta\n\"multi\nline\"\tb\nq\tc\n"),
            "line 4: same front as line 1 and no id:: tag to tell them apart (add a tag like id::my-card)"
        );
        assert_eq!(
            tsv_err("q\ta\n\"open\tb\n"),
            "line 2: a quoted field is never closed (missing \")"
        );
        assert_eq!(
            tsv_err("\"a\"b\tc\n"),
            "line 1: unexpected 'b' after a closing quote (a quote inside a quoted field must be doubled)"
        );
        assert_eq!(
            tsv_err("#separator:comma\na,b\n"),
            "line 1: only the tab separator is supported, not \"comma\""
        );
        assert_eq!(
            tsv_err("\tback\n"),
            "line 1: the front (first field) is empty"
        );
        assert_eq!(
            tsv_err("q\ta\tid::a chapter::x chapter::y\n"),
            "line 1: more than one chapter tag (\"chapter::y\")"
        );
    }

    #[test]
    fn quote_field_rules() {
        assert_eq!(quote_field("plain text"), "plain text");
        assert_eq!(quote_field("a\tb"), "\"a\tb\"");
        assert_eq!(quote_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(quote_field("#x"), "\"#x\"");
    }
}
