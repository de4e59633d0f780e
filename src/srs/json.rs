//! Path-aware reading of untrusted JSON: every error names the field (`reviews[2].rating`)
//! and the reason, instead of serde's generic "invalid type" messages.

use serde_json::{Map, Value};

use super::fsrs::SchedulerConfig;

/// `path` joined with `key`: `"config"` + `"parameters"` → `"config.parameters"`.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A short description of a JSON value's type, for error messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `v` as an object, or "`path`: expected an object, found …".
pub(crate) fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object().ok_or_else(|| {
        let name = if path.is_empty() { "input" } else { path };
        format!("{name}: expected an object, found {}", kind(v))
    })
}

/// The required field `key` of `obj`, or "`path.key`: missing".
pub(crate) fn field<'a>(
    obj: &'a Map<String, Value>,
    path: &str,
    key: &str,
    expected: &str,
) -> Result<&'a Value, String> {
    obj.get(key)
        .ok_or_else(|| format!("{}: missing (expected {expected})", join(path, key)))
}

/// Rejects fields of `obj` other than `known`, naming the first unknown one.
pub(crate) fn no_unknown_fields(
    obj: &Map<String, Value>,
    path: &str,
    known: &[&str],
) -> Result<(), String> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "{}: unknown field (expected only {})",
            join(path, k),
            known.join(", ")
        )),
        None => Ok(()),
    }
}

pub(crate) fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("{path}: expected an array, found {}", kind(v)))
}

pub(crate) fn int(v: &Value, path: &str) -> Result<i64, String> {
    match v.as_i64() {
        Some(n) => Ok(n),
        None if v.is_number() => Err(format!("{path}: expected an integer, found {v}")),
        None => Err(format!("{path}: expected an integer, found {}", kind(v))),
    }
}

pub(crate) fn uint(v: &Value, path: &str) -> Result<u64, String> {
    match v.as_u64() {
        Some(n) => Ok(n),
        None if v.is_number() => Err(format!(
            "{path}: expected a non-negative integer, found {v}"
        )),
        None => Err(format!(
            "{path}: expected a non-negative integer, found {}",
            kind(v)
        )),
    }
}

pub(crate) fn number(v: &Value, path: &str) -> Result<f64, String> {
    v.as_f64()
        .ok_or_else(|| format!("{path}: expected a number, found {}", kind(v)))
}

pub(crate) fn boolean(v: &Value, path: &str) -> Result<bool, String> {
    v.as_bool()
        .ok_or_else(|| format!("{path}: expected true or false, found {}", kind(v)))
}

pub(crate) fn string<'a>(v: &'a Value, path: &str) -> Result<&'a str, String> {
    v.as_str()
        .ok_or_else(|| format!("{path}: expected a string, found {}", kind(v)))
}

/// The rating at `path`: an integer 1..=4.
pub(crate) fn rating(v: &Value, path: &str) -> Result<super::fsrs::Rating, String> {
    let n = int(v, path)
        .map_err(|_| format!("{path}: expected a rating 1 (Again) to 4 (Easy), found {v}"))?;
    super::fsrs::Rating::from_number(n).ok_or_else(|| {
        format!("{path}: {n} is not a rating (expected 1 = Again, 2 = Hard, 3 = Good or 4 = Easy)")
    })
}

const CONFIG_FIELDS: [&str; 6] = [
    "parameters",
    "desired_retention",
    "learning_steps_s",
    "relearning_steps_s",
    "maximum_interval",
    "enable_fuzzing",
];

/// Reads and validates a [`SchedulerConfig`] at `path`. All six fields are required and no
/// others are allowed; validation errors are prefixed with `path`.
pub(crate) fn config(v: &Value, path: &str) -> Result<SchedulerConfig, String> {
    let obj = object(v, path)?;
    no_unknown_fields(obj, path, &CONFIG_FIELDS)?;

    let p_path = join(path, "parameters");
    let list = array(field(obj, path, "parameters", "21 numbers")?, &p_path)?;
    if list.len() != 21 {
        return Err(format!(
            "{p_path}: expected 21 numbers (w0 … w20), found {}",
            list.len()
        ));
    }
    let mut parameters = [0.0; 21];
    for (i, (slot, w)) in parameters.iter_mut().zip(list).enumerate() {
        *slot = number(w, &format!("{p_path}[{i}]"))?;
    }

    let steps = |key: &str| -> Result<Vec<u64>, String> {
        let s_path = join(path, key);
        array(field(obj, path, key, "an array of seconds")?, &s_path)?
            .iter()
            .enumerate()
            .map(|(i, s)| uint(s, &format!("{s_path}[{i}]")))
            .collect()
    };
    let learning_steps_s = steps("learning_steps_s")?;
    let relearning_steps_s = steps("relearning_steps_s")?;

    let r_path = join(path, "desired_retention");
    let desired_retention = number(field(obj, path, "desired_retention", "a number")?, &r_path)?;
    let m_path = join(path, "maximum_interval");
    let max = uint(field(obj, path, "maximum_interval", "days")?, &m_path)?;
    let maximum_interval = u32::try_from(max)
        .map_err(|_| format!("{m_path}: {max} days is too large (at most {})", u32::MAX))?;
    let f_path = join(path, "enable_fuzzing");
    let enable_fuzzing = boolean(
        field(obj, path, "enable_fuzzing", "true or false")?,
        &f_path,
    )?;

    let config = SchedulerConfig {
        parameters,
        desired_retention,
        learning_steps_s,
        relearning_steps_s,
        maximum_interval,
        enable_fuzzing,
    };
    config.validate().map_err(|e| {
        if path.is_empty() {
            e
        } else {
            format!("{path}.{e}")
        }
    })?;
    Ok(config)
}

/// serde_json's parse error as a sentence.
pub(crate) fn malformed(e: &serde_json::Error) -> String {
    format!("malformed JSON: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Result<SchedulerConfig, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| malformed(&e))?;
        config(&v, "config")
    }

    #[test]
    fn default_config_round_trips_through_serde_and_reader() {
        let text = serde_json::to_string(&SchedulerConfig::default()).expect("serializes");
        assert_eq!(cfg(&text), Ok(SchedulerConfig::default()));
    }

    #[test]
    fn errors_name_field_and_reason() {
        let mut v = serde_json::to_value(SchedulerConfig::default()).expect("serializes");
        v["parameters"][3] = Value::from("x");
        assert_eq!(
            config(&v, "config"),
            Err("config.parameters[3]: expected a number, found a string".to_string())
        );
        v["parameters"][3] = Value::from(200.0);
        assert_eq!(
            config(&v, "config"),
            Err("config.parameters[3] = 200 is out of bounds [0.001, 100]".to_string())
        );
        let mut v = serde_json::to_value(SchedulerConfig::default()).expect("serializes");
        v["learning_steps_s"][0] = Value::from(-1);
        assert_eq!(
            config(&v, "config"),
            Err(
                "config.learning_steps_s[0]: expected a non-negative integer, found -1".to_string()
            )
        );
        let mut v = serde_json::to_value(SchedulerConfig::default()).expect("serializes");
        v["learning_steps"] = Value::from(1);
        assert!(config(&v, "config")
            .unwrap_err()
            .starts_with("config.learning_steps: unknown field"));
    }
}
