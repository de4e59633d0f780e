//! The lab's charts, drawn with plotters: the live chart of user requests per second by outcome,
//! and [`lines`], the line chart it and the jitter chart share.

use crate::lab::fmt::fmt_short;
use crate::sim::metrics::Sample;
use plotters::element::{DashedPathElement, DottedPathElement};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// How a line is drawn, so lines differ without colour too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    /// A solid line.
    Solid,
    /// Dashes of 8 with gaps of 4.
    Dashed,
    /// Dots.
    Dotted,
    /// Dash, dot, dash.
    DashDotted,
    /// Long dashes of 14 with gaps of 4.
    LongDashed,
}

/// One line of a chart.
pub struct Series {
    /// Legend text.
    pub name: &'static str,
    /// Colour (Okabe–Ito).
    pub colour: RGBColor,
    /// Dash pattern.
    pub stroke: Stroke,
    /// (x, y) points in order of x.
    pub points: Vec<(f64, f64)>,
}

/// The axes of a chart.
pub struct Axes {
    /// The x range.
    pub x: (f64, f64),
    /// The top of the y axis (the bottom is 0).
    pub y_max: f64,
    /// Description under the x axis.
    pub x_desc: &'static str,
    /// Description beside the y axis.
    pub y_desc: &'static str,
}

/// Draws the last samples: ok, errors, timeouts and rejections per second, one line each.
pub fn throughput(
    canvas: &web_sys::HtmlCanvasElement,
    samples: &[Sample],
    interval_s: f64,
    dark: bool,
) -> Result<(), String> {
    let per_s = |v: u64| v as f64 / interval_s;
    let x = match (samples.first(), samples.last()) {
        (Some(a), Some(b)) if b.t_s > a.t_s => (a.t_s, b.t_s),
        (Some(a), _) => (a.t_s - 1.0, a.t_s + 1.0),
        _ => (0.0, 10.0),
    };
    let y_max = samples
        .iter()
        .map(|s| per_s(s.ok + s.errors + s.timeouts + s.rejected))
        .fold(10.0, f64::max)
        * 1.1;
    let line = |name, colour, stroke, get: fn(&Sample) -> u64| Series {
        name,
        colour,
        stroke,
        points: samples.iter().map(|s| (s.t_s, per_s(get(s)))).collect(),
    };
    let series = vec![
        line("ok", RGBColor(0x00, 0x9e, 0x73), Stroke::Solid, |s| s.ok),
        line("errors", RGBColor(0xd5, 0x5e, 0x00), Stroke::Dashed, |s| {
            s.errors
        }),
        line(
            "timeouts",
            RGBColor(0xe6, 0x9f, 0x00),
            Stroke::Dotted,
            |s| s.timeouts,
        ),
        line(
            "rejected",
            RGBColor(0xcc, 0x79, 0xa7),
            Stroke::DashDotted,
            |s| s.rejected,
        ),
    ];
    let axes = Axes {
        x,
        y_max,
        x_desc: "simulated time (s)",
        y_desc: "requests/s",
    };
    lines(canvas, &axes, series, dark)
}

/// Draws a line chart: the axes with a grid, one line per series, and a legend.
pub fn lines(
    canvas: &web_sys::HtmlCanvasElement,
    axes: &Axes,
    series: Vec<Series>,
    dark: bool,
) -> Result<(), String> {
    // the values of --surface, --text and --border in style/main.css
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
    let text = ("sans-serif", 12).into_font().color(&fg);
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(axes.x.0..axes.x.1, 0.0..axes.y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(5)
        // integer arithmetic (lab::fmt), not core's float formatting
        .x_label_formatter(&|v| fmt_short(*v))
        .y_label_formatter(&|v| fmt_short(*v))
        .light_line_style(bg)
        .bold_line_style(grid)
        .axis_style(fg)
        .label_style(text.clone())
        .axis_desc_style(text.clone())
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .draw()
        .map_err(|e| e.to_string())?;
    for Series {
        name,
        colour,
        stroke,
        points,
    } in series
    {
        let style = ShapeStyle::from(&colour).stroke_width(2);
        let dot = move |c: (i32, i32)| Circle::new(c, 1, style.filled());
        let series = match stroke {
            Stroke::Solid => chart.draw_series(LineSeries::new(points, style)),
            Stroke::Dashed => chart.draw_series(DashedLineSeries::new(points, 8, 4, style)),
            Stroke::LongDashed => chart.draw_series(DashedLineSeries::new(points, 14, 4, style)),
            Stroke::Dotted => chart.draw_series(DottedLineSeries::new(points, 0, 5, dot)),
            Stroke::DashDotted => {
                // dashes of 8 with gaps of 7, and a dot in the middle of each gap
                chart
                    .draw_series(DottedLineSeries::new(points.clone(), 11, 15, dot))
                    .map_err(|e| e.to_string())?;
                chart.draw_series(DashedLineSeries::new(points, 8, 7, style))
            }
        }
        .map_err(|e| e.to_string())?;
        series.label(name).legend(move |(x, y)| {
            let to = (x + 20, y);
            match stroke {
                Stroke::Solid => PathElement::new(vec![(x, y), to], style).into_dyn(),
                Stroke::Dashed => DashedPathElement::new(vec![(x, y), to], 6, 3, style).into_dyn(),
                Stroke::LongDashed => {
                    DashedPathElement::new(vec![(x, y), to], 12, 3, style).into_dyn()
                }
                Stroke::Dotted => DottedPathElement::new(vec![(x, y), to], 0, 4, dot).into_dyn(),
                // dash, dot, dash
                Stroke::DashDotted => (EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (7, 0)], style)
                    + Circle::new((10, 0), 1, style.filled())
                    + PathElement::new(vec![(13, 0), (20, 0)], style))
                .into_dyn(),
            }
        });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(bg.mix(0.85))
        .border_style(grid)
        .label_font(text)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}
