//! Statistics: reviews per day, the forecast of due cards and retention, each as a chart
//! with a text summary next to it.

use super::charts::{draw_bars, Bars};
use super::Cards;
use crate::srs::stats::{due_forecast, retention, reviews_per_day};
use leptos::html::Canvas;
use leptos::prelude::*;

const DAYS: usize = 30;
const WEEKS: usize = 8;

#[component]
pub fn Stats(cards: Cards) -> impl IntoView {
    let per_day = Memo::new(move |_| {
        let day = cards.day_start();
        cards.progress.with(|p| reviews_per_day(p, day, DAYS))
    });
    let forecast = Memo::new(move |_| {
        let day = cards.day_start();
        cards.progress.with(|p| due_forecast(p, day, DAYS))
    });
    let kept = Memo::new(move |_| {
        let day = cards.day_start();
        cards.progress.with(|p| retention(p, day, WEEKS))
    });

    let per_day_summary = move || {
        let d = per_day.get();
        let total: u32 = d.iter().sum();
        let active = d.iter().filter(|&&n| n > 0).count();
        format!(
            "{total} answers in the last {DAYS} days, on {active} day{}; {} today.",
            if active == 1 { "" } else { "s" },
            d.last().copied().unwrap_or(0)
        )
    };
    let forecast_summary = move || {
        let f = forecast.get();
        let week: u32 = f.iter().take(7).sum();
        let month: u32 = f.iter().sum();
        format!(
            "{} due today (including overdue), {week} in the next 7 days, {month} in the next {DAYS} days.",
            f.first().copied().unwrap_or(0)
        )
    };
    let retention_summary = move || {
        let (weeks, overall) = kept.get();
        match overall.rate() {
            None => "No review answers yet: retention counts answers to cards that had graduated to review.".to_string(),
            Some(r) => {
                let this_week = weeks.last().and_then(|w| w.rate());
                format!(
                    "{:.0} % of {} review answers were not Again{}.",
                    r * 100.0,
                    overall.total,
                    this_week
                        .map(|w| format!(" ({:.0} % in the last 7 days)", w * 100.0))
                        .unwrap_or_default()
                )
            }
        }
    };

    let per_day_values = Signal::derive(move || {
        per_day
            .get()
            .iter()
            .map(|&n| f64::from(n))
            .collect::<Vec<_>>()
    });
    let forecast_values = Signal::derive(move || {
        forecast
            .get()
            .iter()
            .map(|&n| f64::from(n))
            .collect::<Vec<_>>()
    });
    let retention_values = Signal::derive(move || {
        kept.get()
            .0
            .iter()
            .map(|w| w.rate().map_or(0.0, |r| r * 100.0))
            .collect::<Vec<_>>()
    });

    view! {
        <section class="fc-stats" aria-labelledby="fc-stats-title">
            <h2 id="fc-stats-title">"Statistics"</h2>
            <div class="fc-charts">
                <Chart
                    title="Reviews per day"
                    label="Bar chart of answers per day over the last 30 days"
                    testid="chart-reviews"
                    values=per_day_values
                    first_x=-(DAYS as i32 - 1)
                    x_desc="days ago (0 = today)"
                    y_desc="answers"
                    y_max=None
                    summary=Signal::derive(per_day_summary)
                />
                <Chart
                    title="Due in the next 30 days"
                    label="Bar chart of cards coming due on each of the next 30 days"
                    testid="chart-forecast"
                    values=forecast_values
                    first_x=0
                    x_desc="days from today"
                    y_desc="cards due"
                    y_max=None
                    summary=Signal::derive(forecast_summary)
                />
                <Chart
                    title="Retention per week"
                    label="Bar chart of the share of review answers that were not Again, per week over the last 8 weeks"
                    testid="chart-retention"
                    values=retention_values
                    first_x=-(WEEKS as i32 - 1)
                    x_desc="weeks ago (0 = this week)"
                    y_desc="% recalled"
                    y_max=Some(100.0)
                    summary=Signal::derive(retention_summary)
                />
            </div>
        </section>
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn Chart(
    title: &'static str,
    label: &'static str,
    testid: &'static str,
    values: Signal<Vec<f64>>,
    first_x: i32,
    x_desc: &'static str,
    y_desc: &'static str,
    y_max: Option<f64>,
    summary: Signal<String>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    // drawn after mount, and again whenever the data changes
    Effect::new(move |_| {
        let v = values.get();
        if let Some(c) = canvas.get() {
            let _ = draw_bars(
                &c,
                &Bars {
                    values: &v,
                    first_x,
                    x_desc,
                    y_desc,
                    y_max,
                },
            );
        }
    });
    view! {
        <figure class="fc-chart">
            <figcaption>{title}</figcaption>
            <canvas node_ref=canvas width="440" height="260" role="img" aria-label=label data-testid=testid></canvas>
            <p class="fc-summary" data-testid=format!("{testid}-summary")>{summary}</p>
        </figure>
    }
}
