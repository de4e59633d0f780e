//! The lab's live chart: user requests per second by outcome, one line each.

use super::plot::{self, Axes, Plot};
use crate::lab::fmt::fmt_short;
use crate::sim::metrics::Sample;

/// A series: its name, colour, dash pattern and how to read it from a sample.
type Line = (
    &'static str,
    &'static str,
    &'static [f64],
    fn(&Sample) -> u64,
);

/// Draws the last samples: ok, errors, timeouts and rejections per second, one line each.
pub fn throughput(
    canvas: &web_sys::HtmlCanvasElement,
    samples: &[Sample],
    interval_s: f64,
    dark: bool,
) -> Result<(), String> {
    let per_s = |v: u64| v as f64 / interval_s;
    let (t0, t1) = match (samples.first(), samples.last()) {
        (Some(a), Some(b)) if b.t_s > a.t_s => (a.t_s, b.t_s),
        (Some(a), _) => (a.t_s - 1.0, a.t_s + 1.0),
        _ => (0.0, 10.0),
    };
    let y_max = samples
        .iter()
        .map(|s| per_s(s.ok + s.errors + s.timeouts + s.rejected))
        .fold(10.0, f64::max)
        * 1.1;
    let p = Plot::new(
        canvas,
        (56.0, 8.0, 8.0, 40.0),
        (t0, t1),
        (0.0, y_max),
        plot::colours(dark),
        12,
    )
    .ok_or("no 2D context")?;
    p.axes(
        &Axes {
            x_desc: "simulated time (s)",
            y_desc: "requests/s",
            x_ticks: 8,
            y_ticks: 5,
            x_grid: true,
        },
        fmt_short,
    );
    // different dash patterns as well as colours, so lines differ without colour too
    let lines: [Line; 4] = [
        ("ok", "#009e73", &[], |s| s.ok),
        ("errors", "#d55e00", &[8.0, 4.0], |s| s.errors),
        ("timeouts", "#e69f00", &[2.0, 3.0], |s| s.timeouts),
        ("rejected", "#cc79a7", &[8.0, 3.0, 2.0, 3.0], |s| s.rejected),
    ];
    for (_, colour, dash, get) in lines {
        let points: Vec<(f64, f64)> = samples.iter().map(|s| (s.t_s, per_s(get(s)))).collect();
        p.series(&points, colour, 2.0, dash);
    }
    let legend: Vec<(&str, &str, &[f64])> = lines.iter().map(|l| (l.0, l.1, l.2)).collect();
    p.legend(&legend);
    Ok(())
}
