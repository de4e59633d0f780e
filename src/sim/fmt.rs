//! Fixed-decimal number formatting by integer arithmetic, without `core::fmt`'s float code
//! (`{:.2}` on an f64 pulls in several kB of the app's wasm): the time-series CSV and the page use
//! it.

/// Appends an unsigned integer in decimal.
pub fn push_uint(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
}

/// `x` with exactly `decimals` decimals (0 to 6), rounded half away from zero, by integer
/// arithmetic: no `core::fmt` float code. Non-finite values print as "–".
pub fn fmt_fixed(x: f64, decimals: u32) -> String {
    let mut out = String::new();
    push_fixed(&mut out, x, decimals);
    out
}

/// Appends `x` with exactly `decimals` decimals; see [`fmt_fixed`].
pub fn push_fixed(out: &mut String, x: f64, decimals: u32) {
    let decimals = decimals.min(6);
    let scale = 10u64.pow(decimals);
    let scaled = libm::round(x.abs() * scale as f64);
    if !x.is_finite() || scaled >= 1.8e19 {
        out.push('–');
        return;
    }
    let n = scaled as u64;
    if x < 0.0 && n != 0 {
        out.push('-');
    }
    push_uint(out, n / scale);
    if decimals > 0 {
        out.push('.');
        let frac = n % scale;
        let mut digits = String::new();
        push_uint(&mut digits, frac);
        for _ in digits.len()..decimals as usize {
            out.push('0');
        }
        out.push_str(&digits);
    }
}
