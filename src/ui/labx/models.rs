//! The lesson scenarios that are small models of their own, each showing its bad and fixed
//! design side by side: a lock held across a remote call vs a saga, split brain vs a majority
//! quorum, and Brooker's jitter chart computed a slice of trials per animation frame.

use crate::lab::fmt::fmt_fixed;
use crate::sim::patterns::jitter_model::{JitterStrategy, JitterSweep, SweepCell};
use crate::sim::patterns::quorum::{self, QuorumConfig, Replication};
use crate::sim::patterns::saga::{self, Design, SagaConfig};
use crate::ui::lab::chart::{self, Axes, Series, Stroke};
use crate::ui::lab::draw;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::style::RGBColor;

fn row(label: &'static str, bad: String, fixed: String) -> impl IntoView {
    view! { <tr><th scope="row">{label}</th><td>{bad}</td><td>{fixed}</td></tr> }
}

fn euros(cents: i64) -> String {
    format!("{} €", fmt_fixed(cents as f64 / 100.0, 2))
}

fn failed() -> AnyView {
    view! { <p role="alert">"The model could not run with these settings."</p> }.into_any()
}

/// Lock held across the payment call vs a saga, same orders and faults.
#[component]
pub fn SagaView() -> impl IntoView {
    let c = SagaConfig::default();
    let (Ok(b), Ok(f)) = (
        saga::run(&c, Design::LockAcrossCall),
        saga::run(&c, Design::Saga),
    ) else {
        return failed();
    };
    view! {
        <table class="compare" data-testid="model-results" data-model="lock-saga">
            <caption>"Orders for 60 s at 20 a second; payment loses 30 % of its replies at 15–25 s and is down at 35–45 s"</caption>
            <thead><tr><th scope="col"></th><th scope="col">"Lock across the call (bad)"</th><th scope="col">"Saga (fixed)"</th></tr></thead>
            <tbody>
                {row("orders completed", format!("{} of {}", b.completed, b.orders), format!("{} of {}", f.completed, f.orders))}
                {row("longest row lock", format!("{} s", fmt_fixed(b.max_lock_held_ms / 1000.0, 1)), format!("{} ms", fmt_fixed(f.max_lock_held_ms, 0)))}
                {row("units of stock lost", b.stock.lost.to_string(), f.stock.lost.to_string())}
                {row("money taken for nothing", euros(b.money.unaccounted_cents), euros(f.money.unaccounted_cents))}
                {row("cards charged for failed orders", b.money.charged_without_order.to_string(), f.money.charged_without_order.to_string())}
                {row("compensations (refund + cancel)", b.compensations.to_string(), f.compensations.to_string())}
            </tbody>
        </table>
    }
    .into_any()
}

/// A three-replica store cut in two: without a quorum vs with a majority.
#[component]
pub fn QuorumView() -> impl IntoView {
    let c = QuorumConfig::default();
    let (Ok(b), Ok(f)) = (
        quorum::run(&c, Replication::NoQuorum),
        quorum::run(&c, Replication::Majority),
    ) else {
        return failed();
    };
    view! {
        <table class="compare" data-testid="model-results" data-model="partition-quorum">
            <caption>"Replica A is cut off from B and C from 20 s to 40 s; 20 writes a second on each side"</caption>
            <thead><tr><th scope="col"></th><th scope="col">"No quorum (bad)"</th><th scope="col">"Majority quorum (fixed)"</th></tr></thead>
            <tbody>
                {row("writes acknowledged", format!("{} of {}", b.acknowledged, b.writes), format!("{} of {}", f.acknowledged, f.writes))}
                {row("writes refused (minority side)", b.refused.to_string(), f.refused.to_string())}
                {row("keys that diverged", b.divergent_keys.to_string(), f.divergent_keys.to_string())}
                {row("acknowledged writes lost at the heal", b.acknowledged_writes_lost.to_string(), f.acknowledged_writes_lost.to_string())}
            </tbody>
        </table>
    }
    .into_any()
}

/// Colour and dash of each strategy's line, in `JitterStrategy::ALL` order (Okabe–Ito).
const STRATEGY_STYLE: [(RGBColor, Stroke); 5] = [
    (RGBColor(0xd5, 0x5e, 0x00), Stroke::Solid),
    (RGBColor(0x00, 0x72, 0xb2), Stroke::Dashed),
    (RGBColor(0x00, 0x9e, 0x73), Stroke::Dotted),
    (RGBColor(0xe6, 0x9f, 0x00), Stroke::DashDotted),
    (RGBColor(0xcc, 0x79, 0xa7), Stroke::LongDashed),
];

/// The strategy as the chart's legend and table name it.
fn label(s: JitterStrategy) -> &'static str {
    match s {
        JitterStrategy::None => "no backoff",
        JitterStrategy::Exponential => "exponential",
        JitterStrategy::Full => "full jitter",
        JitterStrategy::Equal => "equal jitter",
        JitterStrategy::Decorrelated => "decorrelated jitter",
    }
}

/// Length of one slice (trials, plus a chart when one is due), ms: under two frames at 60 Hz with
/// room for the browser's paint, so the page keeps 30 frames a second. (At 30 ms, a frame that
/// also had a small task waiting before it went just over 50 ms now and then.)
const SLICE_MS: f64 = 28.0;

/// How often the charts and the table are redrawn while the sweep runs, ms. A redraw is spread
/// over two slices: the table and the calls chart in one, the time chart in the next.
const REDRAW_MS: f64 = 600.0;

/// Length of the first three slices (the two empty charts, then the first chart with data), ms:
/// one frame's worth. The frames right after the view appears also lay it out and paint it for
/// the first time, and the first calls into the trial code compile it; at full length those
/// frames went over 50 ms now and then.
const EARLY_SLICE_MS: f64 = 16.0;

/// Slices counted as early (see [`EARLY_SLICE_MS`]).
const EARLY_SLICES: u32 = 3;

/// Time set aside for the first drawing with data, ms (measured in headless Chromium: 2–10 ms);
/// each later one is budgeted at what the one before took.
const FIRST_DRAW_MS: f64 = 12.0;

/// Timing of the sweep and its drawing state.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Timing {
    started_ms: f64,
    /// When the first slice began (after the frame that showed the view), ms.
    first_slice_ms: f64,
    /// The longest slice (trials + drawing), ms.
    longest_slice_ms: f64,
    /// From the start to the final charts, ms.
    total_ms: Option<f64>,
    /// When the last redraw began.
    drawn_ms: f64,
    /// The longest drawing of one chart, ms.
    longest_draw_ms: f64,
    /// The last drawing of a chart, ms: what the next one is expected to take.
    last_draw_ms: f64,
    /// Time spent drawing, ms.
    draw_ms: f64,
    /// Charts drawn.
    draws: u32,
    /// Time spent running trials, ms.
    work_ms: f64,
    /// Slices (animation frames) used.
    slices: u32,
    /// The table and the calls chart show the latest results; the time chart comes next slice.
    time_chart_due: bool,
    /// The results in the table are final.
    final_results: bool,
}

/// Runs trials until the sweep is done or `budget` ms have passed since `t0`; whether it is done.
fn trials_until(sweep: StoredValue<JitterSweep, LocalStorage>, t0: f64, budget: f64) -> bool {
    sweep
        .try_update_value(|s| {
            let mut done = s.is_done();
            while !done && draw::now_ms() - t0 < budget {
                done = s.step(1);
            }
            done
        })
        .unwrap_or(true)
}

/// Reads one number from a cell.
type Measure = fn(&SweepCell) -> f64;

/// The two charts: calls, then time to finish.
const CHARTS: [(&str, Measure); 2] = [
    ("calls (mean of 100 trials)", |c| c.summary.calls_mean),
    ("time to finish (s)", |c| c.summary.time_mean_ms / 1000.0),
];

/// Draws chart `which` of [`CHARTS`] on `canvas`.
fn draw_chart(canvas: Option<web_sys::HtmlCanvasElement>, which: usize, cells: &[SweepCell]) {
    let Some(canvas) = canvas else { return };
    let (y_desc, get) = CHARTS[which];
    let dark = draw::prefs().1;
    let y_max = cells.iter().map(get).fold(1.0, f64::max) * 1.1;
    let series = JitterStrategy::ALL
        .iter()
        .zip(STRATEGY_STYLE)
        .map(|(s, (colour, stroke))| Series {
            name: label(*s),
            colour,
            stroke,
            points: cells
                .iter()
                .filter(|c| c.strategy == *s)
                .map(|c| (f64::from(c.clients), get(c)))
                .collect(),
        })
        .collect();
    let axes = Axes {
        x: (0.0, 200.0),
        y_max,
        x_desc: "clients",
        y_desc,
    };
    let _ = chart::lines(&canvas, &axes, series, dark);
}

/// Brooker's chart: calls and time to finish against the number of clients, one line per
/// strategy, computed in the page a slice of trials per animation frame.
#[component]
pub fn JitterView() -> impl IntoView {
    let sweep = StoredValue::new_local(JitterSweep::brooker(1));
    let progress = RwSignal::new((0u64, 1u64));
    let cells = RwSignal::new(Vec::<SweepCell>::new());
    let timing = RwSignal::new(Timing::default());
    let calls_ref = NodeRef::<Canvas>::new();
    let time_ref = NodeRef::<Canvas>::new();
    let stop = StoredValue::new_local(false);
    let frame = StoredValue::new_local(None::<AnimationFrameRequestHandle>);

    fn slice(
        sweep: StoredValue<JitterSweep, LocalStorage>,
        progress: RwSignal<(u64, u64)>,
        cells: RwSignal<Vec<SweepCell>>,
        timing: RwSignal<Timing>,
        canvases: (NodeRef<Canvas>, NodeRef<Canvas>),
        stop: StoredValue<bool, LocalStorage>,
        frame: StoredValue<Option<AnimationFrameRequestHandle>, LocalStorage>,
    ) {
        if stop.try_get_value().unwrap_or(true) {
            return;
        }
        let t0 = draw::now_ms();
        let t = timing.get_untracked();
        // The first two slices draw the empty charts (axes, grid, legend), one each, so the
        // reader sees the axes at once; the rest of each (early, short) slice runs trials.
        if t.slices < 2 {
            let which = t.slices as usize;
            let canvas = if which == 0 { canvases.0 } else { canvases.1 };
            draw_chart(canvas.get_untracked(), which, &[]);
            let drawn = draw::now_ms();
            trials_until(sweep, t0, EARLY_SLICE_MS);
            let end = draw::now_ms();
            timing.update_untracked(|t| {
                if which == 0 {
                    t.first_slice_ms = t0;
                }
                t.longest_slice_ms = t.longest_slice_ms.max(end - t0);
                t.longest_draw_ms = t.longest_draw_ms.max(drawn - t0);
                t.draw_ms += drawn - t0;
                t.work_ms += end - drawn;
                t.slices += 1;
            });
            again(sweep, progress, cells, timing, canvases, stop, frame);
            return;
        }
        let finished = sweep.with_value(|s| s.is_done());
        // At most one chart per slice, and the trials leave room for it (as long as the last
        // chart drawing), so that the slice as a whole stays within its length.
        let length = if t.slices < EARLY_SLICES {
            EARLY_SLICE_MS
        } else {
            SLICE_MS
        };
        let draw_est = if t.draws == 0 {
            FIRST_DRAW_MS
        } else {
            t.last_draw_ms
        };
        let redraw_due =
            !t.time_chart_due && (finished || t.draws == 0 || t0 - t.drawn_ms >= REDRAW_MS);
        let budget = if redraw_due || t.time_chart_due {
            length - draw_est
        } else {
            length
        };
        let done = finished || trials_until(sweep, t0, budget);
        let worked = draw::now_ms();
        // the trials ended in this slice with time left for the calls chart: draw it now
        let draw_calls = redraw_due
            || (t.draws > 0 && !t.time_chart_due && done && worked - t0 + draw_est <= length);
        if draw_calls {
            let results = sweep.with_value(|s| {
                progress.set(s.progress());
                s.results()
            });
            draw_chart(canvases.0.get_untracked(), 0, &results);
            cells.set(results);
        } else if t.time_chart_due {
            cells.with_untracked(|c| draw_chart(canvases.1.get_untracked(), 1, c));
        }
        let end = draw::now_ms();
        let drew = draw_calls || t.time_chart_due;
        let complete = t.time_chart_due && t.final_results;
        // The timing figures go to the page (the progress line's data-* attributes) only when
        // a chart was drawn: re-rendering them every frame would add to every frame.
        timing.update_untracked(|t| {
            t.longest_slice_ms = t.longest_slice_ms.max(end - t0);
            t.work_ms += worked - t0;
            t.slices += 1;
            if drew {
                t.longest_draw_ms = t.longest_draw_ms.max(end - worked);
                t.last_draw_ms = end - worked;
                t.draw_ms += end - worked;
                t.draws += 1;
            }
            if draw_calls {
                t.drawn_ms = t0;
                t.time_chart_due = true;
                t.final_results = done;
            } else if t.time_chart_due {
                t.time_chart_due = false;
            }
            if complete {
                t.total_ms = Some(end - t.started_ms);
            }
        });
        if drew {
            timing.notify();
        }
        if !complete {
            again(sweep, progress, cells, timing, canvases, stop, frame);
        }
    }

    /// Asks for the next slice in the next animation frame.
    fn again(
        sweep: StoredValue<JitterSweep, LocalStorage>,
        progress: RwSignal<(u64, u64)>,
        cells: RwSignal<Vec<SweepCell>>,
        timing: RwSignal<Timing>,
        canvases: (NodeRef<Canvas>, NodeRef<Canvas>),
        stop: StoredValue<bool, LocalStorage>,
        frame: StoredValue<Option<AnimationFrameRequestHandle>, LocalStorage>,
    ) {
        let next = move || slice(sweep, progress, cells, timing, canvases, stop, frame);
        frame.set_value(request_animation_frame_with_handle(next).ok());
    }

    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            timing.set(Timing {
                started_ms: draw::now_ms(),
                ..Timing::default()
            });
            let canvases = (calls_ref, time_ref);
            // The first slice waits a frame: the frame that shows the new view already builds
            // and lays it out, and a chart drawn in it as well would make it a long one.
            let wait = move || {
                if !stop.try_get_value().unwrap_or(true) {
                    again(sweep, progress, cells, timing, canvases, stop, frame);
                }
            };
            frame.set_value(request_animation_frame_with_handle(wait).ok());
        }
    });
    on_cleanup(move || {
        stop.set_value(true);
        frame.with_value(|h| {
            if let Some(h) = h {
                h.cancel();
            }
        });
    });
    let at_100 = move || {
        cells
            .get()
            .into_iter()
            .filter(|c| c.clients == 100)
            .map(|c| {
                view! {
                    <tr>
                        <th scope="row">{label(c.strategy)}</th>
                        <td>{fmt_fixed(c.summary.calls_mean, 0)}</td>
                        <td>{fmt_fixed(c.summary.time_mean_ms / 1000.0, 1)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="jitter" data-testid="jitter-chart">
            <p aria-live="polite" data-testid="jitter-progress"
                data-done=move || timing.get().total_ms.is_some().to_string()
                data-total-ms=move || timing.get().total_ms.map(|ms| fmt_fixed(ms, 0)).unwrap_or_default()
                data-longest-slice-ms=move || fmt_fixed(timing.get().longest_slice_ms, 1)
                data-longest-draw-ms=move || fmt_fixed(timing.get().longest_draw_ms, 1)
                data-draw-ms=move || fmt_fixed(timing.get().draw_ms, 0)
                data-draws=move || timing.get().draws.to_string()
                data-work-ms=move || fmt_fixed(timing.get().work_ms, 0)
                data-slices=move || timing.get().slices.to_string()
                data-started-at=move || fmt_fixed(timing.get().started_ms, 1)
                data-first-slice-at=move || fmt_fixed(timing.get().first_slice_ms, 1)>
                {move || {
                    let (d, t) = progress.get();
                    match timing.get().total_ms {
                        Some(ms) if d >= t => format!("All {t} trials done in {} s (computed in this page).", fmt_fixed(ms / 1000.0, 2)),
                        _ => format!("Running trials: {d} of {t}…"),
                    }
                }}
            </p>
            <div class="jitter-charts">
                <figure>
                    <canvas node_ref=calls_ref width="520" height="280" role="img"
                        aria-label="Writes sent (calls) against the number of clients, one line per backoff strategy"></canvas>
                    <figcaption>"Calls: every write that reached the database, mean of 100 trials per point."</figcaption>
                </figure>
                <figure>
                    <canvas node_ref=time_ref width="520" height="280" role="img"
                        aria-label="Time until the last client's write succeeded against the number of clients, one line per strategy"></canvas>
                    <figcaption>"Time until the last client's write succeeded."</figcaption>
                </figure>
            </div>
            <table class="compare" data-testid="jitter-table">
                <caption>"At 100 clients"</caption>
                <thead><tr><th scope="col">"strategy"</th><th scope="col">"calls"</th><th scope="col">"time (s)"</th></tr></thead>
                <tbody>{at_100}</tbody>
            </table>
            <p class="muted">{format!("Lines: {}.", JitterStrategy::ALL.iter().zip(["solid", "dashed", "dotted", "dash-dot", "long dashes"]).map(|(s, l)| format!("{} {l}", label(*s))).collect::<Vec<_>>().join(", "))}</p>
        </div>
    }
}
