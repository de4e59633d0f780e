//! The lab's live chart: user requests per second by outcome, drawn with plotters.

use crate::sim::metrics::Sample;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// A series: its name, colour and how to read it from a sample.
type Line = (&'static str, RGBColor, fn(&Sample) -> u64);

/// Draws the last samples: ok, errors, timeouts and rejections per second, one line each.
pub fn throughput(
    canvas: &web_sys::HtmlCanvasElement,
    samples: &[Sample],
    interval_s: f64,
    dark: bool,
) -> Result<(), String> {
    let (bg, fg, grid) = if dark {
        (
            RGBColor(0x17, 0x1d, 0x24),
            RGBColor(0xe6, 0xed, 0xf3),
            RGBColor(0x30, 0x36, 0x3d),
        )
    } else {
        (
            RGBColor(0xff, 0xff, 0xff),
            RGBColor(0x1b, 0x1f, 0x24),
            RGBColor(0xd0, 0xd7, 0xde),
        )
    };
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&bg).map_err(|e| e.to_string())?;
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
    let text = ("sans-serif", 12).into_font().color(&fg);
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(48)
        .build_cartesian_2d(t0..t1, 0.0..y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(grid)
        .bold_line_style(grid)
        .axis_style(fg)
        .label_style(text.clone())
        .x_desc("simulated time (s)")
        .y_desc("requests/s")
        .draw()
        .map_err(|e| e.to_string())?;
    let lines: [Line; 4] = [
        ("ok", RGBColor(0x00, 0x9e, 0x73), |s| s.ok),
        ("errors", RGBColor(0xd5, 0x5e, 0x00), |s| s.errors),
        ("timeouts", RGBColor(0xe6, 0x9f, 0x00), |s| s.timeouts),
        ("rejected", RGBColor(0xcc, 0x79, 0xa7), |s| s.rejected),
    ];
    for (k, (name, colour, get)) in lines.into_iter().enumerate() {
        // different dash patterns as well as colours, so lines differ without colour too
        let style = ShapeStyle::from(&colour).stroke_width(2);
        let points: Vec<(f64, f64)> = samples.iter().map(|s| (s.t_s, per_s(get(s)))).collect();
        let series = chart
            .draw_series(LineSeries::new(points.clone(), style))
            .map_err(|e| e.to_string())?;
        series
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], style));
        if k > 0 {
            // markers every few points identify the line by shape
            let every = (points.len() / 12).max(1);
            let marks = points.into_iter().step_by(every);
            match k {
                1 => chart
                    .draw_series(marks.map(|p| Rectangle::new([(p.0, p.1), (p.0, p.1)], style))),
                2 => chart.draw_series(marks.map(|p| TriangleMarker::new(p, 4, style))),
                _ => chart.draw_series(marks.map(|p| Cross::new(p, 4, style))),
            }
            .map_err(|e| e.to_string())?;
        }
    }
    chart
        .configure_series_labels()
        .background_style(bg)
        .border_style(grid)
        .label_font(text)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}
