//! Bar charts on a `<canvas>` with plotters, through [`PlotCanvas`] like the lab's charts (these
//! bar charts measure no text themselves; the wrapper keeps any that plotters measures off the
//! page's layout).

use crate::ui::plot_canvas::PlotCanvas;
use plotters::prelude::*;

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

struct Palette {
    bg: RGBColor,
    fg: RGBColor,
    grid: RGBColor,
    bar: RGBColor,
}

fn palette() -> Palette {
    let dark = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches());
    // the values of --surface, --text, --border and --info / --accent in style/main.css
    if dark {
        Palette {
            bg: RGBColor(0x17, 0x1d, 0x24),
            fg: RGBColor(0xe6, 0xed, 0xf3),
            grid: RGBColor(0x30, 0x36, 0x3d),
            bar: RGBColor(0x58, 0xa6, 0xff),
        }
    } else {
        Palette {
            bg: RGBColor(0xff, 0xff, 0xff),
            fg: RGBColor(0x1b, 0x1f, 0x24),
            grid: RGBColor(0xd0, 0xd7, 0xde),
            bar: RGBColor(0x00, 0x72, 0xb2),
        }
    }
}

/// Draws `bars` on `canvas`, replacing what was there.
pub fn draw_bars(canvas: &web_sys::HtmlCanvasElement, bars: &Bars) -> Result<(), String> {
    let p = palette();
    let backend =
        PlotCanvas::new(canvas).ok_or_else(|| "no 2D context on the canvas".to_string())?;
    let root = backend.into_drawing_area();
    root.fill(&p.bg).map_err(|e| e.to_string())?;
    let n = bars.values.len().max(1) as i32;
    let data_max = bars.values.iter().cloned().fold(0.0_f64, f64::max);
    let y_max = bars
        .y_max
        .unwrap_or_else(|| libm::ceil((data_max * 1.15).max(4.0)));
    let x0 = f64::from(bars.first_x) - 0.5;
    let x1 = f64::from(bars.first_x + n) - 0.5;
    let label = ("sans-serif", 15).into_font().color(&p.fg);
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(52)
        .build_cartesian_2d(x0..x1, 0.0..y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        // whole-number steps only: at most one tick per bar
        .x_labels((n as usize).min(8))
        .y_labels(5)
        .x_label_formatter(&|x| format!("{}", libm::round(*x) as i64))
        .y_label_formatter(&|y| format!("{}", libm::round(*y) as i64))
        .x_desc(bars.x_desc)
        .y_desc(bars.y_desc)
        .label_style(label.clone())
        .axis_desc_style(label)
        .axis_style(p.fg)
        .bold_line_style(p.grid)
        .light_line_style(p.bg)
        .draw()
        .map_err(|e| e.to_string())?;
    let first = bars.first_x;
    chart
        .draw_series(bars.values.iter().enumerate().map(|(i, &v)| {
            let x = f64::from(first + i as i32);
            Rectangle::new([(x - 0.38, 0.0), (x + 0.38, v)], p.bar.filled())
        }))
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}
