use crate::route::query_param;
use crate::sim::models::bench_mmc;
use leptos::prelude::*;

/// The engine benchmark in the browser: M/M/c through the same engine and Scenario path as the
/// CLI's `bench-mmc`, timed with `performance.now()`. Parameters come from the URL
/// (`#/bench?servers=50&rho=0.9&customers=1000000&seed=1&run`) or the form.
#[component]
pub fn BenchPage() -> impl IntoView {
    let hash = window().location().hash().unwrap_or_default();
    let param =
        |name: &str, default: &str| query_param(&hash, name).unwrap_or_else(|| default.to_string());
    let servers = RwSignal::new(param("servers", "50"));
    let rho = RwSignal::new(param("rho", "0.9"));
    let customers = RwSignal::new(param("customers", "1000000"));
    let seed = RwSignal::new(param("seed", "1"));
    let result = RwSignal::new(String::new());
    let running = RwSignal::new(false);

    let run = move || {
        let parsed = (
            servers.get_untracked().trim().parse::<u32>(),
            crate::lab::fmt::parse_decimal(&rho.get_untracked()).ok_or(()),
            customers.get_untracked().trim().parse::<u64>(),
            seed.get_untracked().trim().parse::<u64>(),
        );
        let (Ok(c), Ok(r), Ok(n), Ok(s)) = parsed else {
            result.set(
                "Error: servers, customers and seed must be whole numbers; rho a number.".into(),
            );
            return;
        };
        running.set(true);
        result.set(String::new());
        // let the "running" state paint before the main thread is busy
        gloo_timers::callback::Timeout::new(30, move || {
            let perf = window().performance();
            let clock = move || perf.as_ref().map(|p| p.now() / 1000.0).unwrap_or(0.0);
            let text = match bench_mmc(c, r, n, s, clock) {
                Ok(b) => serde_json::to_string_pretty(&b).unwrap_or_default(),
                Err(e) => format!("Error: {e}"),
            };
            result.set(text);
            running.set(false);
        })
        .forget();
    };
    if query_param(&hash, "run").is_some() {
        run();
    }

    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">"Benchmark"</h1>
            <p class="lead">
                "An M/M/c queue (Poisson arrivals at ρ·c per second, exponential service with mean 1 s) run through the lab's engine in this page."
            </p>
            <form class="bench-form" on:submit=move |ev| {
                ev.prevent_default();
                run();
            }>
                <label>"Servers " <input type="number" min="1" max="10000" prop:value=servers on:input=move |ev| servers.set(event_target_value(&ev)) /></label>
                <label>"ρ " <input type="number" step="0.01" min="0.01" max="0.99" prop:value=rho on:input=move |ev| rho.set(event_target_value(&ev)) /></label>
                <label>"Customers " <input type="number" min="1" prop:value=customers on:input=move |ev| customers.set(event_target_value(&ev)) /></label>
                <label>"Seed " <input type="number" min="0" prop:value=seed on:input=move |ev| seed.set(event_target_value(&ev)) /></label>
                <button type="submit" data-testid="bench-run" disabled=move || running.get()>"Run"</button>
            </form>
            <p role="status" data-testid="bench-status">
                {move || if running.get() { "Running…" } else if result.get().is_empty() { "Ready." } else { "Done." }}
            </p>
            <pre data-testid="bench-result">{move || result.get()}</pre>
        </section>
    }
}
