//! The breaker playground: buttons drive one Resilience4j breaker; the page shows its state
//! machine, its window as cells, its rates against their thresholds, and a log.

use crate::lab::fmt::fmt_fixed;
use crate::lab::panels::state_machine_svg;
use crate::lab::playground::{fmt_secs, Action, Cell, Playground};
use crate::sim::patterns::circuit_breaker::State;
use leptos::prelude::*;

fn rate(r: f32) -> String {
    if r < 0.0 {
        "– (below the minimum number of calls)".into()
    } else {
        fmt_fixed(f64::from(r), 0) + " %"
    }
}

/// The playground section.
#[component]
pub fn PlaygroundView() -> impl IntoView {
    let pg = StoredValue::new(Playground::new(Playground::default_config()).ok());
    let view_sig = RwSignal::new(pg.with_value(|p| p.as_ref().map(|p| p.view())));
    let log = RwSignal::new(Vec::<String>::new());
    let act = move |a: Action| {
        pg.update_value(|p| {
            if let Some(p) = p {
                p.act(a);
                view_sig.set(Some(p.view()));
                log.set(p.log().map(str::to_string).collect());
            }
        });
    };
    let state = Signal::derive(move || view_sig.get().map(|v| v.state).unwrap_or(State::Closed));
    let cfg = pg.with_value(|p| p.as_ref().map(|p| p.config().clone()));
    let rules = cfg
        .map(|c| {
            format!(
                "Count-based window of {} calls; rates count from {} calls; opens at ≥ {} % failures or ≥ {} % slow calls (slower than {} s); stays open {} s; then lets {} trial calls through.",
                c.sliding_window_size,
                c.minimum_number_of_calls,
                c.failure_rate_threshold,
                c.slow_call_rate_threshold,
                fmt_secs(c.slow_call_duration_threshold_ms),
                fmt_secs(c.wait_duration_in_open_state_ms.unwrap_or(0)),
                c.permitted_number_of_calls_in_half_open_state
            )
        })
        .unwrap_or_default();
    view! {
        <section class="playground" aria-labelledby="pg-title" data-testid="playground">
            <h2 id="pg-title">"Breaker playground"</h2>
            <p class="muted">{rules}</p>
            <div class="pg-buttons" role="group" aria-label="Drive the breaker">
                <button type="button" data-testid="pg-success" on:click=move |_| act(Action::Success)>"✓ Success"</button>
                <button type="button" data-testid="pg-failure" on:click=move |_| act(Action::Failure)>"✗ Failure"</button>
                <button type="button" data-testid="pg-slow" on:click=move |_| act(Action::Slow)>"◷ Slow success"</button>
                <button type="button" data-testid="pg-advance" on:click=move |_| act(Action::Advance(5_000))>"+5 s"</button>
                <button type="button" data-testid="pg-reset" on:click=move |_| act(Action::Reset)>"Reset"</button>
            </div>
            <div inner_html=move || state_machine_svg(state.get())></div>
            <p>
                "State: " <strong data-testid="pg-state" aria-live="polite">{move || state.get().as_str()}</strong>
                {move || view_sig.get().map(|v| format!(" · clock {} s", fmt_secs(v.now_ms)))}
                {move || view_sig.get().and_then(|v| v.open_for_ms).map(|ms| format!(" · a probe is allowed in {} s", fmt_secs(ms)))}
            </p>
            <p>
                {move || view_sig.get().map(|v| format!(
                    "Failure rate {} (threshold {} %) · slow-call rate {} (threshold {} %)",
                    rate(v.failure_rate), v.failure_threshold, rate(v.slow_call_rate), v.slow_threshold
                ))}
            </p>
            <div class="pg-window" aria-label="The breaker's window: one cell per recorded call">
                {move || view_sig.get().map(|v| {
                    let empty = (v.window_size as usize).saturating_sub(v.cells.len());
                    v.cells.iter().map(|c| {
                        let (cls, mark, name) = match c {
                            Cell::Success => ("cell ok", "✓", "success"),
                            Cell::Failure => ("cell bad", "✗", "failure"),
                            Cell::Slow => ("cell slow", "◷", "slow"),
                        };
                        view! { <span class=cls title=name>{mark}</span> }.into_any()
                    }).chain((0..empty).map(|_| view! { <span class="cell" title="empty">"·"</span> }.into_any()))
                    .collect_view()
                })}
            </div>
            <ol class="pg-log" aria-label="What happened">
                {move || log.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ol>
        </section>
    }
}
