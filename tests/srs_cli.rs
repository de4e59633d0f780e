//! `run_reviews_json`: the reference sequences through the command-line entry, and its errors.
#![cfg(not(target_arch = "wasm32"))]

use faultline::srs::cli::run_reviews_json;
use serde_json::{json, Value};

const REFERENCE: &str = include_str!("fixtures/fsrs/reference.json");

fn default_input(reviews: Value) -> Value {
    json!({
        "config": {
            "parameters": [0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722,
                0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912,
                0.0658, 0.1542],
            "desired_retention": 0.9,
            "learning_steps_s": [60, 600],
            "relearning_steps_s": [600],
            "maximum_interval": 36500,
            "enable_fuzzing": false
        },
        "reviews": reviews
    })
}

fn run(v: &Value) -> Result<Vec<String>, String> {
    run_reviews_json(&v.to_string())
}

fn err(v: &Value) -> String {
    match run(v) {
        Ok(lines) => panic!("expected an error, got {lines:?}"),
        Err(e) => e,
    }
}

#[test]
fn reference_sequences_through_the_cli() {
    let reference: Value = serde_json::from_str(REFERENCE).expect("parses");
    for seq in reference["sequences"].as_array().expect("sequences") {
        let reviews: Vec<Value> = seq["reviews"]
            .as_array()
            .expect("reviews")
            .iter()
            .map(|r| {
                let mut out = json!({"rating": r["rating"], "review_at_unix": r["review_at_unix"]});
                if let Some(f) = r.get("fuzz") {
                    out["fuzz"] = f.clone();
                }
                out
            })
            .collect();
        let input = json!({"config": seq["config"], "reviews": reviews});
        let lines = run(&input).expect("runs");
        assert_eq!(lines.len(), reviews.len());
        for (i, (line, review)) in lines
            .iter()
            .zip(seq["reviews"].as_array().expect("reviews"))
            .enumerate()
        {
            let got: Value = serde_json::from_str(line).expect("line is JSON");
            let want = &review["expected"];
            let ctx = format!("{}[{i}]", seq["name"]);
            assert_eq!(got["state"], want["state"], "{ctx}");
            assert_eq!(got["step"], want["step"], "{ctx}");
            assert_eq!(got["due_unix"], want["due_unix"], "{ctx}");
            for key in ["stability", "difficulty"] {
                let (g, w) = (
                    got[key].as_f64().expect("number"),
                    want[key].as_f64().expect("number"),
                );
                assert!(((g - w) / w).abs() <= 1e-9, "{ctx}: {key} {g} vs {w}");
            }
        }
    }
}

#[test]
fn output_line_format() {
    let lines = run(&default_input(json!([
        {"rating": 3, "review_at_unix": 1704110400},
        {"rating": 3, "review_at_unix": 1704111000}
    ])))
    .expect("runs");
    assert_eq!(
        lines[0],
        r#"{"state":"Learning","step":1,"stability":2.3065,"difficulty":2.118103970459016,"due_unix":1704111000}"#
    );
    assert!(
        lines[1].starts_with(r#"{"state":"Review","step":null,"stability":"#),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with(r#""due_unix":1704283800}"#),
        "{}",
        lines[1]
    );
    assert_eq!(run(&default_input(json!([]))), Ok(vec![]));
}

#[test]
fn fuzz_is_reproducible() {
    let mut input = default_input(json!([
        {"rating": 4, "review_at_unix": 1704110400},
        {"rating": 3, "review_at_unix": 1705110400},
        {"rating": 3, "review_at_unix": 1708110400, "fuzz": 0.25}
    ]));
    input["config"]["enable_fuzzing"] = json!(true);
    let a = run(&input).expect("runs");
    assert_eq!(run(&input).expect("runs"), a);
    input["seed"] = json!(99);
    assert_eq!(run(&input).expect("runs").len(), 3);
}

#[test]
fn errors_name_the_field_and_reason() {
    assert!(run_reviews_json("{\"config\": ")
        .unwrap_err()
        .starts_with("malformed JSON: "));
    assert_eq!(
        run_reviews_json("[]").unwrap_err(),
        "input: expected an object, found an array"
    );
    assert_eq!(
        err(&json!({"reviews": []})),
        "config: missing (expected an object)"
    );
    assert_eq!(
        err(&json!({"config": default_input(json!([]))["config"]})),
        "reviews: missing (expected an array of reviews)"
    );

    let mut missing = default_input(json!([]));
    missing["config"]
        .as_object_mut()
        .expect("object")
        .remove("desired_retention");
    assert_eq!(
        err(&missing),
        "config.desired_retention: missing (expected a number)"
    );

    let mut short = default_input(json!([]));
    short["config"]["parameters"]
        .as_array_mut()
        .expect("array")
        .pop();
    assert_eq!(
        err(&short),
        "config.parameters: expected 21 numbers (w0 … w20), found 20"
    );

    let mut bad_param = default_input(json!([]));
    bad_param["config"]["parameters"][20] = json!(2.0);
    assert_eq!(
        err(&bad_param),
        "config.parameters[20] = 2 is out of bounds [0.1, 0.8]"
    );

    let mut retention = default_input(json!([]));
    retention["config"]["desired_retention"] = json!(1.5);
    assert_eq!(
        err(&retention),
        "config.desired_retention = 1.5 must be strictly between 0 and 1"
    );

    assert_eq!(
        err(&default_input(
            json!([{"rating": 5, "review_at_unix": 1704110400}])
        )),
        "reviews[0].rating: 5 is not a rating (expected 1 = Again, 2 = Hard, 3 = Good or 4 = Easy)"
    );
    assert_eq!(
        err(&default_input(
            json!([{"rating": 0, "review_at_unix": 1704110400}])
        )),
        "reviews[0].rating: 0 is not a rating (expected 1 = Again, 2 = Hard, 3 = Good or 4 = Easy)"
    );
    assert_eq!(
        err(&default_input(
            json!([{"rating": "Good", "review_at_unix": 1704110400}])
        )),
        "reviews[0].rating: expected a rating 1 (Again) to 4 (Easy), found \"Good\""
    );
    assert_eq!(
        err(&default_input(json!([{"rating": 3}]))),
        "reviews[0].review_at_unix: missing (expected unix seconds)"
    );
    assert_eq!(
        err(&default_input(json!([
            {"rating": 3, "review_at_unix": 1704110400},
            {"rating": 3, "review_at_unix": 1704110399}
        ]))),
        "reviews[1].review_at_unix: 1704110399 is earlier than the previous review (1704110400); reviews must be in time order"
    );
    assert_eq!(
        err(&default_input(
            json!([{"rating": 3, "review_at_unix": 1.5}])
        )),
        "reviews[0].review_at_unix: expected an integer, found 1.5"
    );
    assert_eq!(
        err(&default_input(
            json!([{"rating": 3, "review_at_unix": 1, "fuzz": 1.0}])
        )),
        "reviews[0].fuzz: 1 must be in [0, 1)"
    );
    assert_eq!(
        err(&default_input(json!([{"rating": 3, "at": 1}]))),
        "reviews[0].at: unknown field (expected only rating, review_at_unix, fuzz)"
    );
    assert_eq!(
        err(&default_input(json!([3]))),
        "reviews[0]: expected an object, found a number"
    );
}

#[test]
fn never_panics_on_odd_input() {
    for text in [
        "",
        "null",
        "{}",
        r#"{"config": null, "reviews": null}"#,
        r#"{"config": {}, "reviews": []}"#,
        &default_input(json!([{"rating": 1, "review_at_unix": i64::MAX}, {"rating": 4, "review_at_unix": i64::MAX}])).to_string(),
        &default_input(json!([{"rating": 4, "review_at_unix": i64::MIN}, {"rating": 3, "review_at_unix": i64::MAX}])).to_string(),
    ] {
        let _ = run_reviews_json(text);
    }
}
