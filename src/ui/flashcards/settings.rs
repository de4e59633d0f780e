//! Daily limits, downloads (Anki TSV deck, JSON progress) and imports (file or pasted text).

use super::{storage, Cards};
use crate::srs::stats::parse_limits;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

#[component]
pub fn Settings(cards: Cards) -> impl IntoView {
    let limits = cards.progress.with_untracked(|p| p.limits());
    let new_text = RwSignal::new(limits.new_per_day.to_string());
    let review_text = RwSignal::new(limits.reviews_per_day.to_string());
    let limits_msg = RwSignal::new(None::<Result<String, String>>);
    let download_error = RwSignal::new(None::<String>);
    let paste = RwSignal::new(String::new());

    let save_limits = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_limits(&new_text.get_untracked(), &review_text.get_untracked()) {
            Ok(l) => {
                cards.set_limits(l);
                limits_msg.set(Some(Ok(format!(
                    "Saved: {} new cards and {} reviews per day.",
                    l.new_per_day, l.reviews_per_day
                ))));
            }
            Err(e) => limits_msg.set(Some(Err(e))),
        }
    };

    let export_deck = move |_| {
        let tsv = cards.deck.with_untracked(|d| d.to_tsv());
        download_error
            .set(storage::download("faultline-deck.txt", "text/tab-separated-values", &tsv).err());
    };
    let export_progress = move |_| {
        let json = cards.progress.with_untracked(|p| p.to_json());
        download_error
            .set(storage::download("faultline-progress.json", "application/json", &json).err());
    };

    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // the same file can be chosen again
        input.set_value("");
        let name = file.name();
        storage::read_file(&file, move |r| match r {
            Ok(text) => cards.import(&name, &text),
            Err(e) => cards.import_result.set(Some(Err(format!(
                "{name} was not imported, nothing changed: {e}."
            )))),
        });
    };

    view! {
        <section class="fc-settings" aria-labelledby="fc-settings-title">
            <h2 id="fc-settings-title">"Settings and backups"</h2>
            <div class="fc-settings-grid">
                <form class="fc-box" on:submit=save_limits novalidate>
                    <h3>"Daily limits"</h3>
                    <label>
                        "New cards per day "
                        <input type="text" inputmode="numeric" size="5" data-testid="limit-new"
                            prop:value=move || new_text.get()
                            on:input=move |ev| new_text.set(event_target_value(&ev)) />
                    </label>
                    <label>
                        "Reviews per day "
                        <input type="text" inputmode="numeric" size="5" data-testid="limit-reviews"
                            prop:value=move || review_text.get()
                            on:input=move |ev| review_text.set(event_target_value(&ev)) />
                    </label>
                    <button type="submit" data-testid="limits-save">"Save limits"</button>
                    {move || limits_msg.get().map(|m| match m {
                        Ok(t) => view! { <p class="fc-ok" role="status">{t}</p> }.into_any(),
                        Err(t) => view! { <p class="fc-error" role="alert" data-testid="limits-error">{t}</p> }.into_any(),
                    })}
                </form>
                <div class="fc-box">
                    <h3>"Download"</h3>
                    <p class="fc-muted">"Your progress is kept in this browser. Download a backup to move it or keep it safe."</p>
                    <p class="fc-buttons">
                        <button type="button" data-testid="export-deck" on:click=export_deck>"Download deck (Anki text)"</button>
                        <button type="button" data-testid="export-progress" on:click=export_progress>"Download progress (JSON)"</button>
                    </p>
                    {move || download_error.get().map(|e| view! { <p class="fc-error" role="alert">{e}</p> })}
                </div>
                <div class="fc-box">
                    <h3>"Import"</h3>
                    <label for="fc-import-file">
                        "A progress backup (.json) is merged with your progress; cards in Anki text (.txt, .tsv) are added to the deck."
                    </label>
                    <input id="fc-import-file" type="file" data-testid="import-file"
                        accept=".json,.txt,.tsv,application/json,text/plain,text/tab-separated-values"
                        on:change=on_file />
                    <details class="fc-paste">
                        <summary>"Or paste the text"</summary>
                        <label>
                            "Backup JSON or Anki text "
                            <textarea rows="4" data-testid="import-text"
                                prop:value=move || paste.get()
                                on:input=move |ev| paste.set(event_target_value(&ev))></textarea>
                        </label>
                        <button type="button" data-testid="import-paste"
                            on:click=move |_| cards.import("The pasted text", &paste.get_untracked())>
                            "Import pasted text"
                        </button>
                    </details>
                    {move || {
                        let builtin = crate::srs::content::faultline_deck().len();
                        (cards.deck.with(|d| d.len()) > builtin).then(|| view! {
                            <p><button type="button" data-testid="remove-imported" on:click=move |_| cards.remove_imported()>
                                "Remove imported cards"
                            </button></p>
                        })
                    }}
                    {move || cards.import_result.get().map(|m| match m {
                        Ok(t) => view! { <p class="fc-ok" role="status" data-testid="import-ok">{t}</p> }.into_any(),
                        Err(t) => view! { <p class="fc-error" role="alert" data-testid="import-error">{t}</p> }.into_any(),
                    })}
                </div>
            </div>
        </section>
    }
}
