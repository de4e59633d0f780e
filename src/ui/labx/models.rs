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

/// Work per slice: the sweep runs trials for this long, then lets the page paint.
const SLICE_MS: f64 = 24.0;

/// How often the charts and the table are redrawn while the sweep runs, ms.
const REDRAW_MS: f64 = 250.0;

/// Timing of the sweep: when it started, the longest slice (work + drawing), the total, and the
/// last redraw.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Timing {
    started_ms: f64,
    longest_slice_ms: f64,
    total_ms: Option<f64>,
    /// When the charts were last drawn.
    drawn_ms: f64,
}

/// Reads one number from a cell.
type Measure = fn(&SweepCell) -> f64;

fn draw_jitter(
    calls: Option<web_sys::HtmlCanvasElement>,
    time: Option<web_sys::HtmlCanvasElement>,
    cells: &[SweepCell],
) {
    let dark = draw::prefs().1;
    let charts: [(_, &str, Measure); 2] = [
        (calls, "calls (mean of 100 trials)", |c| {
            c.summary.calls_mean
        }),
        (time, "time to finish (s)", |c| {
            c.summary.time_mean_ms / 1000.0
        }),
    ];
    for (canvas, y_desc, get) in charts {
        let Some(canvas) = canvas else { continue };
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
        let mut done = false;
        while !done && draw::now_ms() - t0 < SLICE_MS {
            sweep.update_value(|s| done = s.step(1));
        }
        // the charts and the table are redrawn a few times a second, not after every slice
        if done || t0 - timing.get_untracked().drawn_ms >= REDRAW_MS {
            let results = sweep.with_value(|s| {
                progress.set(s.progress());
                s.results()
            });
            draw_jitter(
                canvases.0.get_untracked(),
                canvases.1.get_untracked(),
                &results,
            );
            cells.set(results);
            timing.update(|t| t.drawn_ms = draw::now_ms());
        }
        let end = draw::now_ms();
        timing.update(|t| {
            t.longest_slice_ms = t.longest_slice_ms.max(end - t0);
            if done {
                t.total_ms = Some(end - t.started_ms);
            }
        });
        if !done {
            let next = move || slice(sweep, progress, cells, timing, canvases, stop, frame);
            frame.set_value(request_animation_frame_with_handle(next).ok());
        }
    }

    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            timing.set(Timing {
                started_ms: draw::now_ms(),
                ..Timing::default()
            });
            let canvases = (calls_ref, time_ref);
            let first = move || slice(sweep, progress, cells, timing, canvases, stop, frame);
            frame.set_value(request_animation_frame_with_handle(first).ok());
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
                data-done=move || { let (d, t) = progress.get(); (d >= t).to_string() }
                data-total-ms=move || timing.get().total_ms.map(|ms| fmt_fixed(ms, 0)).unwrap_or_default()
                data-longest-slice-ms=move || fmt_fixed(timing.get().longest_slice_ms, 1)>
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
