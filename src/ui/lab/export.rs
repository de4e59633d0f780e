//! Exports under the lab's chart: the metrics as CSV, the chart or the topology as PNG, and the
//! running scenario as a JSON file that `faultline-cli run FILE.json` accepts.
//!
//! Scenario JSON is written and read by the lazily loaded labx module (`src/bin/labx.rs`): serde's
//! JSON code for the Scenario would cost the first load tens of kB. A file that loads becomes a
//! lab state (preset, variant, knobs, seed) and goes into the URL like any other.

use crate::lab::state::LabState;
use crate::sim::Simulation;
use crate::ui::lazy::call_module;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};

/// Offers `text` as a file: a Blob, an object URL and a temporary `<a download>`; the URL is
/// revoked a little later, once the download has started.
fn download_text(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |_| format!("The browser could not prepare {filename} for download.");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let clicked = click_link(&url, filename);
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1000);
    clicked
}

/// Clicks a hidden `<a href=url download=filename>`.
fn click_link(url: &str, filename: &str) -> Result<(), String> {
    let doc = document();
    let a = doc
        .create_element("a")
        .map_err(|_| format!("The browser could not offer {filename}."))?
        .unchecked_into::<web_sys::HtmlAnchorElement>();
    a.set_href(url);
    a.set_download(filename);
    a.set_hidden(true);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
    }
    a.click();
    a.remove();
    Ok(())
}

/// Offers a canvas's picture as a PNG file.
fn download_png(canvas: Option<web_sys::HtmlCanvasElement>, filename: &str) -> Result<(), String> {
    let canvas = canvas.ok_or("The picture is not on the page yet.")?;
    let url = canvas
        .to_data_url_with_type("image/png")
        .map_err(|_| format!("The browser could not turn the picture into {filename}."))?;
    click_link(&url, filename)
}

/// The export buttons.
#[component]
pub fn LabExport(
    /// The running engine (none for presets that are not engine scenarios).
    engine: StoredValue<Option<Simulation>, LocalStorage>,
    /// The lab state: preset, variant, seed and knobs (for file names and the saved file).
    state: RwSignal<LabState>,
    /// The topology canvas.
    topology: NodeRef<Canvas>,
    /// The chart canvas.
    chart: NodeRef<Canvas>,
) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let report = move |r: Result<String, String>| match r {
        Ok(m) | Err(m) => message.set(m),
    };
    let stem = move || state.with_untracked(LabState::file_stem);
    let no_engine = || "This scenario has no engine run to export.".to_string();

    let csv = move |_| {
        let name = format!("{}.csv", stem());
        let text = engine.with_value(|e| e.as_ref().map(crate::sim::report::series_csv));
        report(text.ok_or_else(no_engine).and_then(|t| {
            let rows = t.lines().count().saturating_sub(1);
            download_text(&name, "text/csv", &t).map(|_| format!("Saved {name} ({rows} seconds)."))
        }));
    };
    let json = move |_| {
        let name = format!("{}.json", stem());
        let hash = state.with_untracked(LabState::to_hash);
        message.set(format!("Preparing {name}…"));
        leptos::task::spawn_local(async move {
            let saved = call_module("labx", "save_scenario_json", &hash).await;
            report(saved.and_then(|t| {
                download_text(&name, "application/json", &t)
                    .map(|_| format!("Saved {name}. Run it with: faultline-cli run {name}"))
            }));
        });
    };
    let load = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // the same file may be chosen again after a fix
        input.set_value("");
        let name = file.name();
        message.set(format!("Reading {name}…"));
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
                .ok_or_else(|| format!("The browser could not read {name}."));
            let loaded = match text {
                Ok(t) => call_module("labx", "load_scenario_json", &t).await,
                Err(e) => Err(e),
            };
            match loaded {
                Ok(hash) => {
                    let (st, _) = LabState::from_hash(&hash);
                    message.set(format!(
                        "Loaded {name}: the {} preset with its knobs and seed {}.",
                        st.preset, st.seed
                    ));
                    state.set(st);
                }
                Err(e) => message.set(format!("{name} was not loaded, and nothing changed. {e}")),
            }
        });
    };
    let png = move |which: NodeRef<Canvas>, what: &'static str| {
        move |_| {
            let name = format!("{}-{what}.png", stem());
            report(download_png(which.get_untracked(), &name).map(|_| format!("Saved {name}.")));
        }
    };

    view! {
        <div class="lab-controls lab-export" role="group" aria-label="Save and export">
            <button type="button" data-testid="save-json" on:click=json
                title="The scenario as it runs now: preset, variant, knob values and seed">
                "Save scenario (JSON)"
            </button>
            <label class="file-button">
                "Load scenario (JSON) "
                <input type="file" accept=".json,application/json" data-testid="load-json" on:change=load />
            </label>
            <button type="button" data-testid="export-csv" on:click=csv
                title="One row per simulated second: requests, outcomes, latencies, pools">
                "Metrics as CSV"
            </button>
            <button type="button" data-testid="export-png" on:click=png(chart, "chart")>
                "Chart as PNG"
            </button>
            <button type="button" data-testid="export-topology-png" on:click=png(topology, "topology")>
                "Topology as PNG"
            </button>
        </div>
        <p class="hint muted">
            "The saved scenario runs with " <code>"faultline-cli run FILE.json"</code>
            " for the preset's own length (the lab itself runs on without end; add "
            <code>"--until SECONDS"</code> " for longer)."
        </p>
        <p class="muted" role="status" data-testid="export-status">{move || message.get()}</p>
    }
}
