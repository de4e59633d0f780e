//! The reviewer: counts, the card, Show answer, the four grade buttons and Undo.

use super::Cards;
use crate::srs::content::{chapter_title, preset_href};
use crate::srs::fsrs::{format_interval, Rating};
use crate::srs::progress::QueueKind;
use crate::srs::stats::{format_relative, next_available_unix, queue_counts};
use leptos::prelude::*;

#[component]
pub fn Reviewer(cards: Cards) -> impl IntoView {
    let counts = Memo::new(move |_| {
        let day = cards.day_start();
        let now = cards.now.get();
        cards.progress.with(|p| {
            let c = queue_counts(p, now, day);
            (c.new, c.learning, c.review)
        })
    });
    let current_kind = move || cards.current.get().map(|q| q.kind);

    view! {
        <section class="fc-reviewer" aria-labelledby="fc-review-title">
            <h2 id="fc-review-title">"Review"</h2>
            <p class="fc-counts" aria-label="Cards left for now">
                <span class="fc-count fc-count-new" class:fc-count-active=move || current_kind() == Some(QueueKind::New)>
                    "New " <b data-testid="count-new">{move || counts.get().0}</b>
                </span>
                <span class="fc-count fc-count-learning" class:fc-count-active=move || current_kind() == Some(QueueKind::Learning)>
                    "Learning " <b data-testid="count-learning">{move || counts.get().1}</b>
                </span>
                <span class="fc-count fc-count-due" class:fc-count-active=move || current_kind() == Some(QueueKind::Review)>
                    "Due " <b data-testid="count-due">{move || counts.get().2}</b>
                </span>
            </p>
            {move || match cards.current.get() {
                Some(q) => view! { <CardView cards=cards card_id=q.card_id kind=q.kind /> }.into_any(),
                None => view! { <Done cards=cards /> }.into_any(),
            }}
            <p class="fc-undo-row">
                <button
                    type="button"
                    class="fc-undo"
                    data-testid="undo"
                    aria-keyshortcuts="Control+Z U"
                    disabled=move || !cards.can_undo()
                    on:click=move |_| cards.undo()
                >
                    "Undo last answer"
                </button>
                <span class="fc-hint">"Keys: Space or Enter shows the answer; 1 Again, 2 Hard, 3 Good, 4 Easy; U or Ctrl+Z undoes."</span>
            </p>
        </section>
    }
}

#[component]
fn CardView(cards: Cards, card_id: String, kind: QueueKind) -> impl IntoView {
    let Some(note) = cards.deck.with_untracked(|d| d.get(&card_id).cloned()) else {
        return view! { <p>"This card is no longer in the deck."</p> }.into_any();
    };
    let kind_label = match kind {
        QueueKind::New => "New card",
        QueueKind::Learning => "Learning",
        QueueKind::Review => "Review",
    };
    let id = card_id.clone();
    let intervals = Memo::new(move |_| {
        let now = cards.now.get();
        let fuzz = cards.fuzz.get();
        cards.progress.with(|p| {
            p.preview(&id, now, fuzz)
                .map(|pv| pv.map(|x| format_interval(x.interval_s)))
        })
    });
    let tags: Vec<String> = note.tags.clone();
    let preset = note.preset.clone();
    let back = note.back.clone();
    view! {
        <article class="fc-card" data-testid="card" data-card-id=card_id.clone()>
            <p class="fc-meta">
                <span class="fc-chapter" data-testid="card-chapter">{chapter_title(&note.chapter).to_string()}</span>
                <span class="fc-kind">{kind_label}</span>
                {tags.into_iter().map(|t| view! { <span class="fc-tag">{t}</span> }).collect_view()}
            </p>
            <p class="fc-front" data-testid="card-front">{note.front.clone()}</p>
            <div class="fc-answer" aria-live="polite" data-testid="answer-region">
                {move || cards.revealed.get().then(|| {
                    let preset = preset.clone();
                    view! {
                        <p class="fc-back" data-testid="card-back">{back.clone()}</p>
                        {preset.map(|p| view! {
                            <p class="fc-lab">
                                <a href=preset_href(&p) data-testid="lab-link">"Show me in the lab"</a>
                                <span class="fc-muted">{format!(" (preset “{p}”)")}</span>
                            </p>
                        })}
                    }
                })}
            </div>
            {move || if cards.revealed.get() {
                view! {
                    <div class="fc-grades" role="group" aria-label="How well did you remember?">
                        {Rating::ALL.into_iter().map(|r| {
                            let n = r.number();
                            let ivl = move || intervals.get().map(|a| a[usize::from(n) - 1].clone()).unwrap_or_default();
                            view! {
                                <button
                                    type="button"
                                    class=format!("fc-grade fc-grade-{n}")
                                    data-testid=format!("grade-{n}")
                                    aria-keyshortcuts=n.to_string()
                                    aria-label=move || format!("{}, next review in {}", r.label(), ivl())
                                    on:click=move |_| cards.answer(r)
                                >
                                    <span class="fc-ivl">{ivl}</span>
                                    <span class="fc-grade-label">{r.label()}</span>
                                    <kbd>{n}</kbd>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="fc-grades">
                        <button type="button" class="fc-show" data-testid="show-answer"
                            aria-keyshortcuts="Space Enter"
                            on:click=move |_| cards.reveal()>
                            "Show answer" <kbd>"Space"</kbd>
                        </button>
                    </div>
                }.into_any()
            }}
        </article>
    }
    .into_any()
}

#[component]
fn Done(cards: Cards) -> impl IntoView {
    let next = move || {
        let now = cards.now.get();
        let day = cards.day_start();
        cards
            .progress
            .with(|p| next_available_unix(p, now, day))
            .map(|t| format_relative(t, now))
    };
    view! {
        <div class="fc-done" data-testid="done" role="status">
            <p class="fc-done-title">"Congratulations! You have finished for now."</p>
            <p data-testid="next-due">
                {move || match next() {
                    Some(when) => format!("The next card is due {when}."),
                    None => "No more cards are scheduled. Import more cards or raise the daily limits below.".to_string(),
                }}
            </p>
        </div>
    }
}
