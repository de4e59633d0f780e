//! Bar charts on a `<canvas>`, with the lab's small plot helper.

use crate::lab::fmt::fmt_short;
use crate::ui::lab::plot::{colours, Axes, Plot};

/// One bar chart: `values[i]` is drawn at x = `first_x + i`.
pub struct Bars<'a> {
    /// Bar heights.
    pub values: &'a [f64],
    /// The x value of the first bar.
    pub first_x: i32,
    /// Caption of the x axis.
    pub x_desc: &'a str,
    /// Caption of the y axis.
    pub y_desc: &'a str,
    /// Fixed top of the y axis (e.g. 100 for percentages); otherwise from the data.
    pub y_max: Option<f64>,
}

/// Draws `bars` on `canvas`, replacing what was there.
pub fn draw_bars(canvas: &web_sys::HtmlCanvasElement, bars: &Bars) -> Result<(), String> {
    let dark = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches());
    // the values of --info / --accent in style/main.css
    let bar = if dark { "#58a6ff" } else { "#0072b2" };
    let n = bars.values.len().max(1) as i32;
    let data_max = bars.values.iter().cloned().fold(0.0_f64, f64::max);
    let y_max = bars
        .y_max
        .unwrap_or_else(|| libm::ceil((data_max * 1.15).max(4.0)));
    let x0 = f64::from(bars.first_x) - 0.5;
    let x1 = f64::from(bars.first_x + n) - 0.5;
    let p = Plot::new(
        canvas,
        (62.0, 10.0, 10.0, 50.0),
        (x0, x1),
        (0.0, y_max),
        colours(dark),
        15,
    )
    .ok_or_else(|| "no 2D context on the canvas".to_string())?;
    p.axes(
        &Axes {
            x_desc: bars.x_desc,
            y_desc: bars.y_desc,
            // whole-number steps only: at most one tick per bar
            x_ticks: (n as usize).min(8),
            y_ticks: 5,
            x_grid: false,
        },
        |v| fmt_short(libm::round(v)),
    );
    for (i, &v) in bars.values.iter().enumerate() {
        p.bar(f64::from(bars.first_x + i as i32), v, 0.38, bar);
    }
    Ok(())
}
