//! Draws one frame of the topology on a 2D canvas from an engine snapshot. Outcomes are told by
//! colour (Okabe–Ito) and by shape: requests are circles, successful replies filled circles, error
//! replies squares, rejections triangles; crashed replicas are crossed out.

use crate::lab::layout::NodePos;
use crate::sim::engine::{Outcome, Phase, Snapshot};
use web_sys::CanvasRenderingContext2d as Ctx;

/// Colours for the current theme.
pub struct Theme {
    /// Background.
    pub bg: &'static str,
    /// Text and outlines.
    pub fg: &'static str,
    /// Secondary lines.
    pub muted: &'static str,
    /// Box fill.
    pub surface: &'static str,
}

/// The theme matching `prefers-color-scheme`.
pub fn theme(dark: bool) -> Theme {
    if dark {
        Theme {
            bg: "#171d24",
            fg: "#e6edf3",
            muted: "#30363d",
            surface: "#0f1419",
        }
    } else {
        Theme {
            bg: "#ffffff",
            fg: "#1b1f24",
            muted: "#d0d7de",
            surface: "#f7f7f5",
        }
    }
}

const REQUEST: &str = "#0072b2";
const OK: &str = "#009e73";
const ERROR: &str = "#d55e00";
const REJECTED: &str = "#e69f00";
const BUSY: &str = "#0072b2";
const QUEUE: &str = "#cc79a7";

/// What to draw besides the snapshot.
pub struct Scene<'a> {
    /// Node positions (services, then clients), fractions of the area.
    pub nodes: &'a [NodePos],
    /// Per edge: (from node index, to node index) into `nodes`.
    pub edges: &'a [(usize, usize)],
    /// Draw messages in flight (off with reduced motion).
    pub moving: bool,
}

/// The page's clock, ms (`performance.now()`).
pub fn now_ms() -> f64 {
    leptos::prelude::window()
        .performance()
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The person's display preferences: (reduced motion, dark theme), from media queries.
pub fn prefs() -> (bool, bool) {
    let media = |query: &str| {
        leptos::prelude::window()
            .match_media(query)
            .ok()
            .flatten()
            .is_some_and(|m| m.matches())
    };
    (
        media("(prefers-reduced-motion: reduce)"),
        media("(prefers-color-scheme: dark)"),
    )
}

/// The engine and the drawing state a canvas view keeps between frames (outside signals).
#[derive(Clone, Copy)]
pub struct Stage {
    /// The running engine, if any.
    pub engine: Local<Option<crate::sim::Simulation>>,
    /// The snapshot, reused frame after frame (no allocation per frame).
    pub snap: Local<Snapshot>,
    /// Node positions.
    pub nodes: Local<Vec<NodePos>>,
    /// Edge ends, indices into `nodes`.
    pub edges: Local<Vec<(usize, usize)>>,
}

type Local<T> = leptos::prelude::StoredValue<T, leptos::prelude::LocalStorage>;

impl Stage {
    /// Empty: no engine yet.
    pub fn new() -> Stage {
        use leptos::prelude::StoredValue;
        Stage {
            engine: StoredValue::new_local(None),
            snap: StoredValue::new_local(Snapshot::default()),
            nodes: StoredValue::new_local(Vec::new()),
            edges: StoredValue::new_local(Vec::new()),
        }
    }

    /// Takes the engine's snapshot and draws it on `canvas`, in the theme for `dark`, with the
    /// messages in flight unless `reduced` (reduced motion).
    pub fn draw(self, canvas: &web_sys::HtmlCanvasElement, reduced: bool, dark: bool) {
        use leptos::prelude::{UpdateValue, WithValue};
        self.engine.with_value(|e| {
            if let Some(sim) = e {
                self.snap.update_value(|s| sim.snapshot_into(s));
            }
        });
        self.snap
            .with_value(|snap| self.paint(canvas, snap, reduced, dark));
    }

    /// Draws `snap` (the engine's, or a recorded one) with this stage's layout.
    pub fn paint(
        self,
        canvas: &web_sys::HtmlCanvasElement,
        snap: &Snapshot,
        reduced: bool,
        dark: bool,
    ) {
        use leptos::prelude::WithValue;
        use wasm_bindgen::JsCast;
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<Ctx>().ok())
        else {
            return;
        };
        let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
        self.nodes.with_value(|nodes| {
            self.edges.with_value(|edges| {
                let scene = Scene {
                    nodes,
                    edges,
                    moving: !reduced,
                };
                frame(&ctx, w, h, snap, &scene, &theme(dark));
            })
        });
    }

    /// Builds the engine for `scenario` with its layout, replacing the stage's; the error names
    /// what is wrong with the scenario.
    pub fn load(self, scenario: crate::sim::Scenario) -> Result<(), String> {
        use leptos::prelude::SetValue;
        let nodes = crate::lab::layout::layout(&scenario);
        let sim = crate::sim::Simulation::new(scenario).map_err(|e| e.to_string())?;
        self.edges
            .set_value(crate::lab::layout::edge_ends(&nodes, sim.edge_names()));
        self.nodes.set_value(nodes);
        self.engine.set_value(Some(sim));
        Ok(())
    }
}

/// Draws the whole frame.
pub fn frame(c: &Ctx, w: f64, h: f64, snap: &Snapshot, scene: &Scene, t: &Theme) {
    c.set_fill_style_str(t.bg);
    c.fill_rect(0.0, 0.0, w, h);
    let pad = 70.0;
    let at = |n: &NodePos| (pad + n.x * (w - 2.0 * pad), 30.0 + n.y * (h - 60.0));
    // edges
    c.set_stroke_style_str(t.muted);
    c.set_line_width(2.0);
    for &(a, b) in scene.edges {
        let (x1, y1) = at(&scene.nodes[a]);
        let (x2, y2) = at(&scene.nodes[b]);
        c.begin_path();
        c.move_to(x1, y1);
        c.line_to(x2, y2);
        c.stroke();
    }
    // messages on the wire
    if scene.moving {
        for m in snap.in_flight.iter().take(3000) {
            let Some(&(a, b)) = scene.edges.get(m.edge as usize) else {
                continue;
            };
            let (p, colour, shape) = match m.phase {
                Phase::ToCallee => (m.progress as f64, REQUEST, Shape::Ring),
                Phase::ToCaller => {
                    let (colour, shape) = match m.outcome {
                        Some(Outcome::Ok) => (OK, Shape::Dot),
                        Some(Outcome::Rejected) => (REJECTED, Shape::Triangle),
                        _ => (ERROR, Shape::Square),
                    };
                    (1.0 - m.progress as f64, colour, shape)
                }
                _ => continue,
            };
            let (x1, y1) = at(&scene.nodes[a]);
            let (x2, y2) = at(&scene.nodes[b]);
            // offset replies a little so both directions stay visible
            let off = if m.phase == Phase::ToCaller {
                5.0
            } else {
                -5.0
            };
            let (x, y) = (x1 + (x2 - x1) * p, y1 + (y2 - y1) * p + off);
            marker(c, x, y, colour, shape);
        }
    }
    // nodes
    c.set_font("13px system-ui, sans-serif");
    c.set_text_align("center");
    for (i, n) in scene.nodes.iter().enumerate() {
        let (x, y) = at(n);
        if n.client {
            c.set_fill_style_str(t.surface);
            c.set_stroke_style_str(t.fg);
            c.begin_path();
            let _ = c.arc(x, y, 16.0, 0.0, std::f64::consts::TAU);
            c.fill();
            c.stroke();
            c.set_fill_style_str(t.fg);
            let _ = c.fill_text(&n.name, x, y + 32.0);
            continue;
        }
        let Some(reps) = snap.services.get(i) else {
            continue;
        };
        service_box(c, x, y, &n.name, reps, t);
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Ring,
    Dot,
    Square,
    Triangle,
}

fn marker(c: &Ctx, x: f64, y: f64, colour: &str, shape: Shape) {
    c.set_fill_style_str(colour);
    c.set_stroke_style_str(colour);
    c.begin_path();
    match shape {
        Shape::Ring => {
            let _ = c.arc(x, y, 3.5, 0.0, std::f64::consts::TAU);
            c.set_line_width(1.5);
            c.stroke();
        }
        Shape::Dot => {
            let _ = c.arc(x, y, 3.5, 0.0, std::f64::consts::TAU);
            c.fill();
        }
        Shape::Square => c.fill_rect(x - 3.5, y - 3.5, 7.0, 7.0),
        Shape::Triangle => {
            c.move_to(x, y - 4.5);
            c.line_to(x + 4.5, y + 3.5);
            c.line_to(x - 4.5, y + 3.5);
            c.close_path();
            c.fill();
        }
    }
}

fn service_box(
    c: &Ctx,
    x: f64,
    y: f64,
    name: &str,
    reps: &[crate::sim::engine::ReplicaView],
    t: &Theme,
) {
    let bw = 150.0;
    let row = 22.0;
    let bh = 26.0 + row * reps.len() as f64;
    let (left, top) = (x - bw / 2.0, y - bh / 2.0);
    c.set_fill_style_str(t.surface);
    c.fill_rect(left, top, bw, bh);
    c.set_stroke_style_str(t.fg);
    c.set_line_width(1.5);
    c.stroke_rect(left, top, bw, bh);
    c.set_fill_style_str(t.fg);
    let _ = c.fill_text(name, x, top + 16.0);
    for (k, r) in reps.iter().enumerate() {
        let ry = top + 24.0 + k as f64 * row;
        // pool: one cell per worker when few, a bar otherwise
        let pool_w = bw - 50.0;
        let (px, ph) = (left + 6.0, 9.0);
        c.set_stroke_style_str(t.muted);
        c.set_line_width(1.0);
        if r.workers <= 40 {
            let cell = pool_w / r.workers as f64;
            for wi in 0..r.workers {
                let cx = px + wi as f64 * cell;
                if wi < r.busy {
                    c.set_fill_style_str(BUSY);
                    c.fill_rect(cx, ry, (cell - 1.0).max(1.0), ph);
                } else {
                    c.stroke_rect(cx, ry, (cell - 1.0).max(1.0), ph);
                }
            }
        } else {
            c.stroke_rect(px, ry, pool_w, ph);
            c.set_fill_style_str(BUSY);
            c.fill_rect(px, ry, pool_w * r.busy as f64 / r.workers as f64, ph);
        }
        // queue: a bar against capacity (or against 100 when unbounded), striped colour
        let qy = ry + 11.0;
        let cap = if r.capacity == u32::MAX {
            100.0
        } else {
            r.capacity.max(1) as f64
        };
        c.stroke_rect(px, qy, pool_w, 5.0);
        c.set_fill_style_str(QUEUE);
        c.fill_rect(px, qy, pool_w * (r.queued as f64 / cap).min(1.0), 5.0);
        c.set_fill_style_str(t.fg);
        c.set_text_align("left");
        let _ = c.fill_text(
            &format!("{}/{}", r.busy, r.workers),
            px + pool_w + 4.0,
            ry + 9.0,
        );
        c.set_text_align("center");
        if r.crashed {
            c.set_stroke_style_str(ERROR);
            c.set_line_width(2.5);
            c.begin_path();
            c.move_to(left, ry - 2.0);
            c.line_to(left + bw, ry + row - 4.0);
            c.move_to(left + bw, ry - 2.0);
            c.line_to(left, ry + row - 4.0);
            c.stroke();
        }
    }
}
