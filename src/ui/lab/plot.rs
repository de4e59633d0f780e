//! A very small chart helper on a 2D canvas: a plot area with linear axes, "nice" ticks, grid
//! lines, axis captions, poly-lines and bars. It replaces plotters, whose generic drawing stack
//! cost several kB of the first load for the two or three charts the app draws. Shared by the
//! lab's live chart and the flashcard statistics.

use crate::lab::fmt::{nice_ticks, push_uint};
use leptos::wasm_bindgen::{JsCast, JsValue};
use web_sys::CanvasRenderingContext2d as Ctx;

/// Colours of a chart, as CSS colour strings.
#[derive(Clone, Copy)]
pub struct Colours {
    /// Background.
    pub bg: &'static str,
    /// Text and axes.
    pub fg: &'static str,
    /// Grid lines.
    pub grid: &'static str,
}

/// Theme colours: the values of --surface, --text and --border in style/main.css.
pub fn colours(dark: bool) -> Colours {
    if dark {
        Colours {
            bg: "#171d24",
            fg: "#e6edf3",
            grid: "#30363d",
        }
    } else {
        Colours {
            bg: "#ffffff",
            fg: "#1b1f24",
            grid: "#d0d7de",
        }
    }
}

/// A plot area on a canvas, mapping data coordinates to pixels.
pub struct Plot {
    ctx: Ctx,
    /// Plot area in pixels: left, top, right, bottom.
    area: (f64, f64, f64, f64),
    /// Data ranges: x from `x.0` to `x.1`, y from `y.0` to `y.1`.
    x: (f64, f64),
    y: (f64, f64),
    c: Colours,
    font_px: u32,
}

/// Axis captions and label format.
pub struct Axes<'a> {
    /// Caption under the x axis.
    pub x_desc: &'a str,
    /// Caption left of the y axis (drawn rotated).
    pub y_desc: &'a str,
    /// About how many ticks per axis.
    pub x_ticks: usize,
    /// About how many ticks on the y axis.
    pub y_ticks: usize,
    /// Vertical grid lines at the x ticks.
    pub x_grid: bool,
}

impl Plot {
    /// Clears `canvas` to the background and sets up a plot area inside the given margins
    /// (left, top, right, bottom, in pixels) for the data ranges `x` and `y`.
    pub fn new(
        canvas: &web_sys::HtmlCanvasElement,
        margins: (f64, f64, f64, f64),
        x: (f64, f64),
        y: (f64, f64),
        c: Colours,
        font_px: u32,
    ) -> Option<Plot> {
        let ctx = canvas
            .get_context("2d")
            .ok()
            .flatten()?
            .dyn_into::<Ctx>()
            .ok()?;
        let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
        ctx.set_fill_style_str(c.bg);
        ctx.fill_rect(0.0, 0.0, w, h);
        let area = (margins.0, margins.1, w - margins.2, h - margins.3);
        Some(Plot {
            ctx,
            area,
            x,
            y,
            c,
            font_px,
        })
    }

    /// Pixel x of a data x.
    pub fn px(&self, x: f64) -> f64 {
        let (l, _, r, _) = self.area;
        l + (x - self.x.0) / (self.x.1 - self.x.0) * (r - l)
    }

    /// Pixel y of a data y.
    pub fn py(&self, y: f64) -> f64 {
        let (_, t, _, b) = self.area;
        b - (y - self.y.0) / (self.y.1 - self.y.0) * (b - t)
    }

    fn font(&self) {
        let mut f = String::new();
        push_uint(&mut f, u64::from(self.font_px));
        f.push_str("px sans-serif");
        self.ctx.set_font(&f);
    }

    /// Draws grid lines, tick labels (`label(value)`), the axes and their captions.
    pub fn axes(&self, a: &Axes, label: impl Fn(f64) -> String) {
        let c = &self.ctx;
        let (l, t, r, b) = self.area;
        self.font();
        c.set_line_width(1.0);
        c.set_stroke_style_str(self.c.grid);
        c.set_fill_style_str(self.c.fg);
        // y ticks: grid line and label to the left
        c.set_text_align("right");
        c.set_text_baseline("middle");
        for v in nice_ticks(self.y.0, self.y.1, a.y_ticks) {
            let y = self.py(v).round() + 0.5;
            self.line(&[(l, y), (r, y)]);
            let _ = c.fill_text(&label(v), l - 6.0, y);
        }
        // x ticks: optional grid line and label below
        c.set_text_align("center");
        c.set_text_baseline("top");
        for v in nice_ticks(self.x.0, self.x.1, a.x_ticks) {
            let x = self.px(v).round() + 0.5;
            if a.x_grid {
                self.line(&[(x, t), (x, b)]);
            }
            self.line(&[(x, b), (x, b + 4.0)]);
            let _ = c.fill_text(&label(v), x, b + 6.0);
        }
        // axes
        c.set_stroke_style_str(self.c.fg);
        self.line(&[(l + 0.5, t), (l + 0.5, b + 0.5), (r, b + 0.5)]);
        // captions
        let fs = f64::from(self.font_px);
        c.set_text_baseline("bottom");
        let _ = c.fill_text(a.x_desc, (l + r) / 2.0, b + 2.0 * fs + 12.0);
        c.save();
        let _ = c.translate(fs + 2.0, (t + b) / 2.0);
        let _ = c.rotate(-std::f64::consts::FRAC_PI_2);
        c.set_text_baseline("middle");
        let _ = c.fill_text(a.y_desc, 0.0, 0.0);
        c.restore();
    }

    /// Strokes a poly-line through pixel points with the current stroke style.
    fn line(&self, pts: &[(f64, f64)]) {
        let c = &self.ctx;
        c.begin_path();
        for (i, &(x, y)) in pts.iter().enumerate() {
            if i == 0 {
                c.move_to(x, y);
            } else {
                c.line_to(x, y);
            }
        }
        c.stroke();
    }

    /// A data series as a line, clipped to the plot area, with a dash pattern (`&[]` is solid).
    pub fn series(&self, pts: &[(f64, f64)], colour: &str, width: f64, dash: &[f64]) {
        let c = &self.ctx;
        let (l, t, r, b) = self.area;
        c.save();
        c.begin_path();
        c.rect(l, t, r - l, b - t);
        c.clip();
        c.set_stroke_style_str(colour);
        c.set_line_width(width);
        set_dash(c, dash);
        let px: Vec<(f64, f64)> = pts.iter().map(|&(x, y)| (self.px(x), self.py(y))).collect();
        self.line(&px);
        c.restore();
    }

    /// A filled bar from y = 0 to `y`, `half_width` data units either side of `x`.
    pub fn bar(&self, x: f64, y: f64, half_width: f64, colour: &str) {
        let (x0, x1) = (self.px(x - half_width), self.px(x + half_width));
        let (y0, y1) = (self.py(0.0), self.py(y));
        self.ctx.set_fill_style_str(colour);
        self.ctx.fill_rect(x0, y1, x1 - x0, y0 - y1);
    }

    /// A legend box in the top-right corner: per entry a short line sample and its name.
    pub fn legend(&self, entries: &[(&str, &str, &[f64])]) {
        let c = &self.ctx;
        let (_, t, r, _) = self.area;
        self.font();
        let fs = f64::from(self.font_px);
        let row = fs + 6.0;
        let width = entries
            .iter()
            .map(|e| c.measure_text(e.0).map(|m| m.width()).unwrap_or(40.0))
            .fold(0.0, f64::max)
            + 40.0;
        let (x, y) = (r - width - 8.0, t + 8.0);
        c.set_fill_style_str(self.c.bg);
        c.fill_rect(x, y, width, row * entries.len() as f64 + 6.0);
        c.set_stroke_style_str(self.c.grid);
        c.set_line_width(1.0);
        c.stroke_rect(x + 0.5, y + 0.5, width, row * entries.len() as f64 + 6.0);
        c.set_text_align("left");
        c.set_text_baseline("middle");
        for (i, &(name, colour, dash)) in entries.iter().enumerate() {
            let yy = y + 3.0 + row * (i as f64 + 0.5);
            c.save();
            c.set_stroke_style_str(colour);
            c.set_line_width(2.0);
            set_dash(c, dash);
            self.line(&[(x + 6.0, yy), (x + 28.0, yy)]);
            c.restore();
            c.set_fill_style_str(self.c.fg);
            let _ = c.fill_text(name, x + 34.0, yy);
        }
    }
}

fn set_dash(c: &Ctx, dash: &[f64]) {
    let arr = js_sys::Array::new();
    for d in dash {
        arr.push(&JsValue::from_f64(*d));
    }
    let _ = c.set_line_dash(&arr);
}
