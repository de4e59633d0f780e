//! `faultline-cli run` as a user calls it: presets, variants, `--set`, and every bad input
//! getting a message that names the problem and a non-zero exit, never a panic.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline-cli"))
        .args(args)
        .output()
        .expect("the CLI runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = cli(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
}

fn fails(args: &[&str], needle: &str) {
    let (code, out, err) = cli(args);
    assert_eq!(code, 2, "{args:?} should fail; stdout {out}");
    assert!(err.contains(needle), "{args:?}: “{needle}” not in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn presets_run_in_both_variants_with_the_same_seed() {
    let bad = json(&["run", "--preset", "flash-sale", "--until", "30"]);
    let fixed = json(&[
        "run",
        "--preset",
        "flash-sale",
        "--variant",
        "fixed",
        "--until",
        "30",
    ]);
    assert_eq!(bad["seed"], fixed["seed"]);
    assert!(
        bad["global"]["success_rate"].as_f64().unwrap()
            < fixed["global"]["success_rate"].as_f64().unwrap()
    );
    let saga = json(&["run", "--preset", "lock-saga", "--variant", "fixed"]);
    assert_eq!(saga["money"]["unaccounted_cents"], 0);
    let q = json(&["run", "--preset", "partition-quorum"]);
    assert!(q["divergent_keys"].as_u64().unwrap() > 0);
    let j = json(&["run", "--preset", "jitter", "--variant", "fixed"]);
    assert_eq!(j["strategy"], "full");
}

#[test]
fn set_changes_one_value_by_path() {
    let base = json(&["run", "--preset", "flash-sale", "--until", "10"]);
    let more = json(&[
        "run",
        "--preset",
        "flash-sale",
        "--until",
        "10",
        "--set",
        "clients[shoppers].load.rate_per_s=600",
    ]);
    let (a, b) = (
        base["global"]["requests"].as_u64().unwrap(),
        more["global"]["requests"].as_u64().unwrap(),
    );
    assert!(b > a * 3 / 2, "{a} -> {b}");
    let saga = json(&[
        "run",
        "--preset",
        "lock-saga",
        "--variant",
        "fixed",
        "--set",
        "rate_per_s=5",
    ]);
    assert!(saga["orders"].as_u64().unwrap() < 500);
}

#[test]
fn series_prints_csv() {
    let (code, out, err) = cli(&[
        "run",
        "--preset",
        "ambiguous-failure",
        "--until",
        "5",
        "--series",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("t_s,requests,ok,"));
    assert_eq!(lines.len(), 1 + 5);
}

#[test]
fn bad_input_is_named_and_exits_non_zero() {
    fails(&["run", "--preset", "nope"], "no preset “nope”");
    fails(
        &["run", "--preset", "flash-sale", "--variant", "worse"],
        "“worse” is not a variant",
    );
    fails(
        &[
            "run",
            "--preset",
            "flash-sale",
            "--set",
            "services[nope].workers=3",
        ],
        "no element named “nope”",
    );
    fails(
        &[
            "run",
            "--preset",
            "flash-sale",
            "--set",
            "services[0].wrokers=3",
        ],
        "wrokers",
    );
    fails(
        &[
            "run",
            "--preset",
            "flash-sale",
            "--set",
            "services[0].workers=0",
        ],
        "services[0].workers",
    );
    fails(
        &["run", "--preset", "flash-sale", "--set", "no-equals-sign"],
        "expected PATH=VALUE",
    );
    fails(
        &["run", "--preset", "lock-saga", "--set", "rate_per_sec=5"],
        "rate_per_sec",
    );
    fails(
        &["run", "--preset", "lock-saga", "--until", "5"],
        "do not apply",
    );
    fails(
        &["run", "examples/shop.json", "--variant", "bad"],
        "only applies to --preset",
    );
    fails(&["run"], "exactly one SCENARIO.json or --preset");
    fails(&["run", "--preset"], "--preset needs a value");
    fails(&["breaker", "/nonexistent.json"], "cannot read");
}
