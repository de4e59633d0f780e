//! Browser glue for the Flashcards page: localStorage (with every failure handled), the
//! clock, random numbers, file downloads and file reading. No reactive state here.

use crate::srs::content::{faultline_deck, union, with_imported};
use crate::srs::deck::Deck;
use crate::srs::fsrs::SchedulerConfig;
use crate::srs::progress::{day_start_unix, Progress, ReviewLogEntry};
use crate::srs::stats::without_entry;
use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};

/// The progress backup (schema 1 JSON). The version in the key changes only if the stored
/// format ever does.
pub const PROGRESS_KEY: &str = "faultline.srs.v1";
/// Cards the learner imported from TSV files, added to the built-in deck.
pub const DECK_KEY: &str = "faultline.srs.deck.v1";
/// Anki's default: a day rolls over at 4 am local time.
pub const ROLLOVER_HOUR: u32 = 4;

/// Whether answers are written to localStorage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Persist {
    /// Saved after every answer.
    Saving,
    /// localStorage cannot be used: progress lives in this tab only.
    MemoryOnly,
    /// The stored progress could not be read; it is never written over until the learner
    /// asks, and only when a copy was kept under `copy` (the `…corrupt-<time>` key).
    Protected {
        /// Where the unreadable value was copied, if the copy succeeded.
        copy: Option<String>,
    },
}

/// What the page starts with.
pub struct Loaded {
    /// The built-in deck plus imported cards.
    pub deck: Deck,
    /// The learner's progress (fresh if none could be read).
    pub progress: Progress,
    /// How answers are kept.
    pub persist: Persist,
    /// Something the learner must know about storage, if anything.
    pub notice: Option<String>,
}

/// localStorage, or why it cannot be used (access can throw in sandboxed frames or when the
/// browser blocks site data).
pub fn storage() -> Result<web_sys::Storage, String> {
    match web_sys::window().map(|w| w.local_storage()) {
        Some(Ok(Some(s))) => Ok(s),
        _ => Err("this browser does not let the page use its storage (localStorage is blocked or unavailable)".into()),
    }
}

const MEMORY_ONLY: &str = "Your progress cannot be saved in this browser: localStorage is blocked or unavailable here (for example in a private window or a sandboxed frame). You can keep reviewing; your answers stay in this tab until you close it. Use “Download progress” to keep them.";

/// Loads the deck and the progress, never writing anything except a copy of unreadable data.
pub fn load() -> Loaded {
    let builtin = faultline_deck();
    let store = match storage() {
        Ok(s) => s,
        Err(_) => {
            return Loaded {
                progress: fresh(&builtin),
                deck: builtin,
                persist: Persist::MemoryOnly,
                notice: Some(MEMORY_ONLY.into()),
            }
        }
    };
    let mut notices = Vec::new();
    let deck = match store.get_item(DECK_KEY) {
        Ok(Some(tsv)) => match Deck::from_tsv(&tsv) {
            Ok(extra) => with_imported(&builtin, &extra),
            Err(e) => {
                notices.push(format!(
                    "Your imported cards could not be read ({e}); the built-in deck is shown and the stored cards are left as they are."
                ));
                builtin
            }
        },
        _ => builtin,
    };
    let (progress, persist) = match store.get_item(PROGRESS_KEY) {
        Ok(None) => (fresh(&deck), Persist::Saving),
        Ok(Some(text)) => match Progress::from_json(&text) {
            Ok(mut p) => {
                p.set_deck(&deck);
                (p, Persist::Saving)
            }
            Err(e) => {
                let copy = format!("{PROGRESS_KEY}.corrupt-{}", js_sys::Date::now() as i64);
                let copied = store.set_item(&copy, &text).is_ok();
                notices.push(format!(
                    "Your saved progress could not be read: {e} It has not been changed{}. You are reviewing with fresh progress kept in this tab only, so nothing is written over the stored data.",
                    if copied { format!(", and a copy was kept under “{copy}”") } else { String::new() }
                ));
                (
                    fresh(&deck),
                    Persist::Protected {
                        copy: copied.then_some(copy),
                    },
                )
            }
        },
        Err(_) => {
            notices.push(MEMORY_ONLY.into());
            (fresh(&deck), Persist::MemoryOnly)
        }
    };
    Loaded {
        deck,
        progress,
        persist,
        notice: (!notices.is_empty()).then(|| notices.join(" ")),
    }
}

/// Fresh progress with the default scheduler (fuzzing on).
pub fn fresh(deck: &Deck) -> Progress {
    Progress::new(deck, SchedulerConfig::default()).expect("the default configuration is valid")
}

/// Saves `progress` after merging what another tab may have saved meanwhile, so neither
/// loses reviews; `undone` is an answer just taken back, which must not come back from the
/// stored copy. Returns the progress to keep (merged), and whether it was written.
pub fn save(
    progress: &Progress,
    deck: &Deck,
    undone: Option<&ReviewLogEntry>,
) -> (Progress, Result<(), String>) {
    let store = match storage() {
        Ok(s) => s,
        Err(e) => return (progress.clone(), Err(e)),
    };
    let mut merged = match store.get_item(PROGRESS_KEY) {
        Ok(Some(text)) => match Progress::from_json(&text) {
            Ok(stored) => progress.merge(&stored),
            Err(_) => {
                // unreadable data written by someone else: keep a copy before replacing it
                let copy = format!("{PROGRESS_KEY}.corrupt-{}", js_sys::Date::now() as i64);
                if store.set_item(&copy, &text).is_err() {
                    return (
                        progress.clone(),
                        Err("the stored progress is unreadable and could not be copied aside, so it was not replaced".into()),
                    );
                }
                progress.clone()
            }
        },
        _ => progress.clone(),
    };
    if let Some(entry) = undone {
        merged = without_entry(&merged, deck, entry);
    }
    match store.set_item(PROGRESS_KEY, &merged.to_json()) {
        Ok(()) => (merged, Ok(())),
        Err(_) => (
            merged,
            Err("the browser refused to store it (storage is full or blocked)".into()),
        ),
    }
}

/// Adds `imported` to the cards stored under [`DECK_KEY`].
pub fn save_imported_deck(imported: &Deck) -> Result<(), String> {
    let store = storage()?;
    let all = match store.get_item(DECK_KEY) {
        Ok(Some(tsv)) => match Deck::from_tsv(&tsv) {
            Ok(before) => union(&before, imported),
            Err(_) => {
                return Err(
                    "the cards imported earlier are unreadable, so they were not replaced".into(),
                )
            }
        },
        _ => imported.clone(),
    };
    store
        .set_item(DECK_KEY, &all.to_tsv())
        .map_err(|_| "the browser refused to store it (storage is full or blocked)".into())
}

/// Forgets the imported cards (the built-in deck stays; progress is kept).
pub fn remove_imported_deck() -> Result<(), String> {
    storage()?
        .remove_item(DECK_KEY)
        .map_err(|_| "the browser refused to change its storage".into())
}

/// Now, in unix seconds.
pub fn now_unix() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

/// When the learner's current day began (local time zone, 4 am rollover).
pub fn day_start(now_unix: i64) -> i64 {
    let date = js_sys::Date::new(&JsValue::from_f64(now_unix as f64 * 1000.0));
    // getTimezoneOffset is minutes *behind* UTC (UTC+1 gives −60)
    let offset_s = -(date.get_timezone_offset() * 60.0) as i64;
    day_start_unix(now_unix, offset_s, ROLLOVER_HOUR)
}

/// A random number in `[0, 1)` for the scheduler's fuzz.
pub fn fuzz() -> f64 {
    js_sys::Math::random()
}

/// Offers `text` as a file download (Blob, object URL and a temporary `<a download>`).
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |_| format!("the browser could not prepare {filename} for download");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = leptos::prelude::document();
    let a = document
        .create_element("a")
        .map_err(fail)?
        .unchecked_into::<web_sys::HtmlAnchorElement>();
    a.set_href(&url);
    a.set_download(filename);
    a.set_hidden(true);
    if let Some(body) = document.body() {
        let _ = body.append_child(&a);
    }
    a.click();
    a.remove();
    // revoke after the download has started
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1000);
    }
    Ok(())
}

/// Reads a chosen file as text and calls `done` with it (or why it could not be read).
pub fn read_file(file: &web_sys::File, done: impl FnOnce(Result<String, String>) + 'static) {
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let call = {
        let done = done.clone();
        move |r: Result<String, String>| {
            if let Some(f) = done.borrow_mut().take() {
                f(r)
            }
        }
    };
    let call2 = call.clone();
    let ok = Closure::<dyn FnMut(JsValue)>::once(move |v: JsValue| {
        call(
            v.as_string()
                .ok_or_else(|| "the file is not text".to_string()),
        )
    });
    let err = Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| {
        call2(Err("the browser could not read the file".into()))
    });
    let _ = file.text().then2(&ok, &err);
    ok.forget();
    err.forget();
}
