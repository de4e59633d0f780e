//! plotters' HTML canvas backend with text measured by the canvas itself.
//!
//! `plotters_canvas::CanvasBackend` leaves text measurement to plotters' web font code, which
//! measures a text by appending a `<span>` to the page and reading its `offsetHeight` and
//! `offsetWidth`: a forced style-and-layout pass of the page per measurement. The charts'
//! axis labels are drawn without measuring, but plotters' series-label legend measured each
//! entry twice that way, and in headless Chromium those layouts were the largest cost of a chart
//! drawing (a full layout for the first one after a view appears). [`PlotCanvas`] draws with
//! `CanvasBackend` and measures with the 2D context's `measureText`, which touches no layout; the
//! lab's line chart draws its legend itself with it (`ui::lab::chart::lines`).

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

type Error = DrawingErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>;

/// A canvas drawing backend: `CanvasBackend`'s drawing, `measureText`'s text sizes.
pub struct PlotCanvas {
    inner: CanvasBackend,
    /// The same 2D context `inner` draws with (`getContext` returns one context per canvas).
    context: CanvasRenderingContext2d,
}

impl PlotCanvas {
    /// A backend drawing on `canvas`, if it has a 2D context.
    pub fn new(canvas: &HtmlCanvasElement) -> Option<Self> {
        let context = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        let inner = CanvasBackend::with_canvas_object(canvas.clone())?;
        Some(PlotCanvas { inner, context })
    }
}

/// The CSS font of a text style, as `CanvasBackend::draw_text` sets it.
fn css_font<S: BackendTextStyle>(style: &S) -> String {
    format!(
        "{} {}px {}",
        style.style().as_str(),
        style.size(),
        style.family().as_str()
    )
}

impl DrawingBackend for PlotCanvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Error> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Error> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Error> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Error> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Error> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Error> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Error> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), Error> {
        self.inner.draw_text(text, style, pos)
    }

    /// The text's advance width, and the height of a line of the font (what the `<span>`
    /// measurement gave: `line-height: normal` is about 1.15 em for the usual sans-serif fonts),
    /// in whole pixels, rounded up.
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), Error> {
        self.context.set_font(&css_font(style));
        let size = style.size();
        // measureText fails only for a broken context: estimate from the size then (bytes for
        // characters is close enough for the labels' ASCII)
        let width = match self.context.measure_text(text) {
            Ok(m) => m.width(),
            Err(_) => text.len() as f64 * size * 0.6,
        };
        Ok((width.ceil() as u32, (size * 1.15).ceil() as u32))
    }
}
