//! The lab's charts, drawn with plotters: the live chart of user requests per second by outcome,
//! and [`lines`], the line chart it and the jitter chart share.

use crate::lab::fmt::fmt_short;
use crate::sim::metrics::Sample;
use crate::ui::plot_canvas::PlotCanvas;
use plotters::element::{DashedPathElement, DottedPathElement};
use plotters::prelude::*;

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
    let backend = PlotCanvas::new(canvas).ok_or("no 2D context")?;
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
    let mut legend = Vec::with_capacity(series.len());
    for Series {
        name,
        colour,
        stroke,
        points,
    } in series
    {
        let style = ShapeStyle::from(&colour).stroke_width(2);
        let dot = move |c: (i32, i32)| Circle::new(c, 1, style.filled());
        match stroke {
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
        legend.push((name, stroke, style));
    }
    // The legend, upper left in the plotting area, laid out as plotters' series labels would
    // (margin 10, 30 px for the line sample, lines 1.25 em apart). Drawn here because plotters'
    // own legend measures each entry with a <span> in the page: a forced layout each time.
    let area = chart.plotting_area().strip_coord_spec();
    let width = legend
        .iter()
        .map(|(name, _, _)| root.estimate_text_size(name, &text).map_or(0, |(w, _)| w))
        .max()
        .unwrap_or(0) as i32;
    let (margin, sample, line_h, font_h) = (10, 30, 15, 14);
    let n = legend.len() as i32;
    let (x0, y0) = (5, 5);
    let (x1, y1) = (
        x0 + width + sample + 2 * margin,
        y0 + (n - 1).max(0) * line_h + font_h + 2 * margin,
    );
    let map = |e: DrawingAreaErrorKind<_>| e.to_string();
    if n > 0 {
        area.draw(&Rectangle::new([(x0, y0), (x1, y1)], bg.mix(0.85).filled()))
            .map_err(map)?;
        area.draw(&Rectangle::new([(x0, y0), (x1, y1)], grid))
            .map_err(map)?;
    }
    for (i, (name, stroke, style)) in legend.into_iter().enumerate() {
        let top = y0 + margin + i as i32 * line_h;
        let (x, y) = (x0 + margin, top + font_h / 2);
        let to = (x + 20, y);
        let dot = move |c: (i32, i32)| Circle::new(c, 1, style.filled());
        match stroke {
            Stroke::Solid => area.draw(&PathElement::new(vec![(x, y), to], style)),
            Stroke::Dashed => area.draw(&DashedPathElement::new(vec![(x, y), to], 6, 3, style)),
            Stroke::LongDashed => {
                area.draw(&DashedPathElement::new(vec![(x, y), to], 12, 3, style))
            }
            Stroke::Dotted => area.draw(&DottedPathElement::new(vec![(x, y), to], 0, 4, dot)),
            // dash, dot, dash
            Stroke::DashDotted => area.draw(
                &(EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (7, 0)], style)
                    + Circle::new((10, 0), 1, style.filled())
                    + PathElement::new(vec![(13, 0), (20, 0)], style)),
            ),
        }
        .map_err(map)?;
        area.draw(&Text::new(name, (x0 + margin + sample, top), text.clone()))
            .map_err(map)?;
    }
    root.present().map_err(|e| e.to_string())
}
