//! Number formatting for the page without `core::fmt`'s float code (`{:.1}` on an f64 pulls in
//! Grisu/Dragon, several kB of wasm), and "nice" axis ticks. Integer arithmetic only.

pub use crate::sim::fmt::{fmt_fixed, push_fixed, push_uint};

/// Tick values between `lo` and `hi` at a 1-2-5 step, about `n` of them.
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) || n == 0 {
        return vec![lo];
    }
    let raw = span / n as f64;
    let mag = libm::pow(10.0, libm::floor(libm::log10(raw)));
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut v = libm::ceil(lo / step) * step;
    let mut out = Vec::new();
    while v <= hi + step * 1e-9 && out.len() < 50 {
        out.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        v += step;
    }
    out
}

/// A tick or value label: whole numbers without decimals, others with up to two (trailing
/// zeros dropped), e.g. 40, 2.5, 0.25.
pub fn fmt_short(x: f64) -> String {
    let s = fmt_fixed(x, 2);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Parses a plain decimal number (`12`, `-0.25`, `.5`, `3.`; no exponent, no `inf`/`NaN`) with at
/// most 15 significant digits, as the page's inputs and URL values are. The result is the
/// correctly rounded f64 (one exact integer divided by an exact power of ten), the same as
/// `str::parse::<f64>`, without linking core's general float parser.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let t = text.trim();
    let (neg, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut significant = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        if mantissa > 0 || b != b'0' {
            significant += 1;
        }
        if significant > 15 {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    let scale = *[
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
    .get(frac.len())?;
    let v = mantissa as f64 / scale;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_decimals_round_half_away_from_zero() {
        assert_eq!(fmt_fixed(0.0, 1), "0.0");
        assert_eq!(fmt_fixed(12.345, 0), "12");
        assert_eq!(fmt_fixed(99.95, 1), "100.0");
        assert_eq!(fmt_fixed(0.05, 1), "0.1");
        assert_eq!(fmt_fixed(-2.5, 0), "-3");
        assert_eq!(fmt_fixed(-0.04, 1), "0.0");
        assert_eq!(fmt_fixed(1.23456, 3), "1.235");
        assert_eq!(fmt_fixed(1.005, 2), "1.00", "1.005 is 1.00499… in binary");
        assert_eq!(fmt_fixed(7.0, 2), "7.00");
        assert_eq!(fmt_fixed(f64::NAN, 1), "–");
        assert_eq!(fmt_fixed(f64::INFINITY, 1), "–");
        for x in [0.0, 0.1, 1.3, 33.333, 1234.5678, 99999.99, 0.987654] {
            for d in 0..4 {
                assert_eq!(fmt_fixed(x, d), format!("{:.*}", d as usize, x), "{x} {d}");
            }
        }
    }

    #[test]
    fn short_labels_drop_trailing_zeros() {
        assert_eq!(fmt_short(40.0), "40");
        assert_eq!(fmt_short(2.5), "2.5");
        assert_eq!(fmt_short(0.25), "0.25");
        assert_eq!(fmt_short(0.1), "0.1");
        assert_eq!(fmt_short(1e6), "1000000");
    }

    #[test]
    fn ticks_step_by_one_two_or_five() {
        assert_eq!(
            nice_ticks(0.0, 100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 11.0, 5), vec![0.0, 5.0, 10.0]);
        let t = nice_ticks(0.5, 1.6, 4);
        let want = [0.5, 1.0, 1.5];
        assert_eq!(t.len(), want.len(), "{t:?}");
        assert!(
            t.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9),
            "{t:?}"
        );
        assert_eq!(nice_ticks(3.0, 3.0, 5), vec![3.0]);
        let t = nice_ticks(117.0, 237.0, 6);
        assert_eq!(t.first(), Some(&120.0));
        assert_eq!(t.last(), Some(&220.0));
    }

    #[test]
    fn decimals_parse_like_std() {
        for t in [
            "0",
            "12",
            "-0.25",
            "0.1",
            "2.5",
            "3.",
            ".5",
            "+7",
            "1000000",
            "0.001",
            "99.95",
            "123456.789012345",
            "0.30000000000000",
            " 42 ",
        ] {
            assert_eq!(parse_decimal(t), t.trim().parse::<f64>().ok(), "{t}");
        }
        for t in [
            "",
            ".",
            "-",
            "1e3",
            "inf",
            "NaN",
            "1.2.3",
            "12a",
            "1,5",
            "1234567890123456",
        ] {
            assert_eq!(parse_decimal(t), None, "{t}");
        }
    }

    #[test]
    fn integers_print_in_decimal() {
        let mut s = String::new();
        push_uint(&mut s, 0);
        s.push(' ');
        push_uint(&mut s, u64::MAX);
        assert_eq!(s, "0 18446744073709551615");
    }
}
