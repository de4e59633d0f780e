//! The lab's "Save scenario JSON": the file it writes for a preset with moved knobs reads back as
//! the same scenario, and `faultline-cli run FILE.json` runs it.
#![cfg(not(target_arch = "wasm32"))]

use faultline::lab::state::{self, LabState};
use faultline::sim::scenario::Load;
use faultline::sim::{Scenario, Simulation};
use std::process::Command;

/// The file the lab saves for a URL state, built the way the page builds and saves it.
fn saved_for(hash: &str) -> (LabState, Scenario) {
    let (st, notices) = LabState::from_hash(hash);
    assert!(notices.is_empty(), "{notices:?}");
    let running = state::build(&st).expect("the lab builds the state");
    // the page saves from the running engine's scenario
    let sim = Simulation::new(running).expect("the engine accepts it");
    (st.clone(), state::to_save(sim.scenario(), &st))
}

#[test]
fn a_saved_lab_scenario_round_trips_through_json() {
    for hash in [
        "#/lab?preset=flash-sale&seed=11&k=rate.shoppers:2500,latency.inventory:5",
        "#/lab?preset=flash-sale&variant=fixed&seed=7&k=bulkhead.frontend-%3Einventory:20",
        "#/lab?preset=shop&seed=42&k=workers.frontend:80",
        "#/lab?preset=retry-amplification&variant=fixed",
        "#/lab?preset=thundering-herd",
        "#/lab?preset=ambiguous-failure&variant=fixed",
        "#/lab?preset=mmc&seed=3",
    ] {
        let (_, s) = saved_for(hash);
        let text = s.to_json_pretty();
        assert!(text.starts_with("{\n"), "{hash}: pretty JSON");
        let back = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{hash}: {e}"));
        assert_eq!(back, s, "{hash}");
    }
}

#[test]
fn the_saved_file_carries_the_knobs_and_the_cli_runs_it() {
    let (st, s) =
        saved_for("#/lab?preset=flash-sale&seed=11&k=rate.shoppers:2500,workers.frontend:80");
    assert_eq!(st.seed, 11);
    assert_eq!(s.seed, 11);
    assert_eq!(
        s.duration_s, 90.0,
        "the preset's run length, not the lab's hour"
    );
    let frontend = s
        .services
        .iter()
        .find(|x| x.name == "frontend")
        .expect("frontend");
    assert_eq!(frontend.workers, 80);
    match &s.clients[0].load {
        Load::Open { rate_per_s, phases } => {
            assert_eq!(*rate_per_s, 2500.0);
            assert_eq!(phases[0].rate_per_s, 5000.0, "the flash sale doubles it");
        }
        other => panic!("open load expected, got {other:?}"),
    }

    let dir = std::env::temp_dir().join(format!("faultline-lab-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}.json", st.file_stem()));
    std::fs::write(&path, s.to_json_pretty()).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_faultline-cli"))
        .args(["run", path.to_str().expect("utf-8 path"), "--until", "5"])
        .output()
        .expect("the CLI runs");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report");
    let requests = report["global"]["requests"]
        .as_u64()
        .expect("global.requests");
    // 5 s at 2,500 requests per second
    assert!(
        (11_500..=13_500).contains(&requests),
        "{requests} requests in 5 s"
    );
}
