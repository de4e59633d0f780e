//! Breaker panels in the lab: one per breaker, patched in place as the readout refreshes; a
//! diagram is replaced only when its breaker changes state, so its flash (off with reduced
//! motion) runs once per transition. The markup comes from [`crate::lab::panels`].

use crate::lab::panels::{panel_html, state_machine_svg, stats_html, BreakerRow};
use crate::sim::patterns::circuit_breaker::State;
use leptos::html::Div;
use leptos::prelude::*;

/// One panel per breaker, patched in place as the readout refreshes.
#[component]
pub fn BreakerPanels(#[prop(into)] rows: Signal<Vec<BreakerRow>>) -> impl IntoView {
    let host = NodeRef::<Div>::new();
    // the edges and states drawn now
    let shown = StoredValue::new_local(Vec::<(String, State)>::new());
    Effect::new(move |_| {
        let rows = rows.get();
        let Some(el) = host.get() else { return };
        let same_edges = shown.with_value(|s| {
            s.len() == rows.len() && s.iter().zip(&rows).all(|(a, b)| a.0 == b.edge)
        });
        if !same_edges {
            el.set_inner_html(
                &rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| panel_html(i, r))
                    .collect::<String>(),
            );
        } else {
            let before = shown.get_value();
            for (i, r) in rows.iter().enumerate() {
                let part = |class: &str| {
                    el.query_selector(&format!(".{class}[data-i=\"{i}\"]"))
                        .ok()
                        .flatten()
                };
                if before.get(i).is_some_and(|b| b.1 != r.state) {
                    if let Some(sm) = part("bp-sm") {
                        sm.set_inner_html(&state_machine_svg(r.state));
                    }
                }
                if let Some(stats) = part("bp-stats") {
                    stats.set_inner_html(&stats_html(&r.metrics, &r.limits));
                }
            }
        }
        shown.set_value(rows.iter().map(|r| (r.edge.clone(), r.state)).collect());
    });
    view! {
        <details class="breaker-panels" open=true data-testid="breaker-panels" class:hidden=move || rows.with(Vec::is_empty)>
            <summary>{move || format!("Breaker panels ({})", rows.with(Vec::len))}</summary>
            <div class="panels" node_ref=host></div>
        </details>
    }
}
