//! The lab's extra views as a lazily loaded WebAssembly module (`labx.js` + `labx_bg.wasm` next
//! to `index.html`, built by Trunk from a `data-type="worker"` link in `index.html`): the breaker
//! playground, the lock-vs-saga and split-brain models and Brooker's jitter chart. The lab and
//! the lessons load it the first time one of these is shown, so the app's first load stays
//! without them.
//!
//! [`mount_extra`] mounts the view named by `what` into an element the app hands over;
//! [`unmount_extra`] takes it down again. It also reads and writes scenario files
//! (`save_scenario_json`, `load_scenario_json`): serde's JSON code for the Scenario costs tens of
//! kB that the first load does without. Natively this binary is an empty `main`.

#[cfg(target_arch = "wasm32")]
mod web {
    use faultline::lab::state;
    use faultline::ui::{labx, mounted};
    use wasm_bindgen::prelude::*;

    /// Mounts the extra view `what` ("breaker-playground", "lock-saga", "partition-quorum", "jitter")
    /// into `el`; an unknown name mounts a notice saying so.
    #[wasm_bindgen]
    pub fn mount_extra(el: web_sys::HtmlElement, what: String) {
        mounted::mount_into(el, move || labx::Extra(labx::ExtraProps { what }));
    }

    /// The scenario file for a lab state (its URL fragment): the scenario the lab runs for it,
    /// with the preset's own duration, as pretty JSON that `faultline-cli run` reads. Reading and
    /// writing scenario JSON lives here, not in the app's first load.
    #[wasm_bindgen]
    pub fn save_scenario_json(hash: String) -> Result<String, String> {
        let (st, notices) = state::LabState::from_hash(&hash);
        if let Some(n) = notices.first() {
            return Err(n.clone());
        }
        let running = state::build(&st)?;
        Ok(state::to_save(&running, &st).to_json_pretty())
    }

    /// Reads a scenario file and returns the lab state (URL fragment) that runs it; the error
    /// says what is wrong with the file, naming the field.
    #[wasm_bindgen]
    pub fn load_scenario_json(text: String) -> Result<String, String> {
        let scenario = faultline::sim::Scenario::from_json(&text).map_err(|e| {
            format!(
                "This file is not a scenario Faultline can read: {}",
                e.problems.join("; ")
            )
        })?;
        Ok(state::state_for(&scenario)?.to_hash())
    }

    /// Unmounts the view mounted into `el`, if any: its view, timers and frames go.
    #[wasm_bindgen]
    pub fn unmount_extra(el: &web_sys::HtmlElement) {
        mounted::unmount(el);
    }
}

fn main() {}
