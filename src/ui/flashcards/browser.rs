//! The card browser: search front and back text, filter by chapter or tag, see each card's
//! state and due date.

use super::Cards;
use crate::srs::content::{chapter_title, CHAPTERS};
use crate::srs::stats::{browse, filter_tags, format_relative};
use leptos::prelude::*;

#[component]
pub fn CardBrowser(cards: Cards) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let rows = Memo::new(move |_| {
        let q = query.get();
        let t = tag.get();
        cards
            .deck
            .with(|d| cards.progress.with(|p| browse(d, p, &q, &t)))
    });
    let extra_tags = Memo::new(move |_| cards.deck.with(filter_tags));

    view! {
        <section class="fc-browser" aria-labelledby="fc-browser-title">
            <h2 id="fc-browser-title">"Browse cards"</h2>
            <div class="fc-filters">
                <label>
                    "Search "
                    <input
                        type="search"
                        data-testid="browser-search"
                        placeholder="words on the front or back"
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    "Chapter or tag "
                    <select data-testid="browser-tag" on:change=move |ev| tag.set(event_target_value(&ev))>
                        <option value="">"All cards"</option>
                        <optgroup label="Chapters">
                            {CHAPTERS.iter().map(|c| view! {
                                <option value=format!("chapter::{}", c.id)>{c.title}</option>
                            }).collect_view()}
                        </optgroup>
                        <optgroup label="Tags and lab presets">
                            {move || extra_tags.get().into_iter().map(|t| view! {
                                <option value=t.clone()>{t.clone()}</option>
                            }).collect_view()}
                        </optgroup>
                    </select>
                </label>
                <span class="fc-muted" data-testid="browser-count" aria-live="polite">
                    {move || format!("{} card{}", rows.get().len(), if rows.get().len() == 1 { "" } else { "s" })}
                </span>
            </div>
            <div class="fc-table-wrap">
                <table class="fc-table" data-testid="browser-table">
                    <thead>
                        <tr><th scope="col">"Question"</th><th scope="col">"Chapter"</th><th scope="col">"State"</th><th scope="col">"Due"</th></tr>
                    </thead>
                    <tbody>
                        {move || {
                            let now = cards.now.get();
                            rows.get().into_iter().map(|r| {
                                let due = r.due_unix.map_or_else(|| "—".to_string(), |t| format_relative(t, now));
                                view! {
                                    <tr data-card-id=r.id.clone()>
                                        <td><details><summary>{r.front.clone()}</summary><p>{r.back.clone()}</p></details></td>
                                        <td>{chapter_title(&r.chapter).to_string()}</td>
                                        <td>{r.state}</td>
                                        <td>{due}</td>
                                    </tr>
                                }
                            }).collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
