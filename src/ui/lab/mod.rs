//! The lab page: the engine runs in the page, drawn on a canvas every animation frame.
//!
//! Per-frame state (the engine, its snapshot, the canvas) lives outside signals in local stored
//! values; a few times a second the page copies coarse numbers (success rate, pool use) into
//! signals for the text, the test hooks and the chart.

pub(crate) mod breaker;
pub(crate) mod chart;
pub(crate) mod draw;
mod export;

use crate::lab::fmt::{fmt_fixed, fmt_short, parse_decimal};
use crate::lab::frames::{FrameStats, FrameTimes};
use crate::lab::history::{History, Shot};
use crate::lab::knobs::{self, Knob};
use crate::lab::monitor::{self, Alert};
use crate::lab::panels::{self, BreakerRow};
use crate::lab::presets::{self, Kind, Variant, PRESETS};
use crate::lab::replay::{self, ViewLine};
use crate::lab::state::{build, LabState};
use crate::lab::trace;
use crate::sim::patterns::circuit_breaker::State;
use crate::sim::Simulation;
use crate::ui::labx::LABX;
use crate::ui::lazy::LazyView;
use breaker::BreakerPanels;
use leptos::html::{Canvas, Div};
use leptos::prelude::*;

/// Speeds offered, simulated seconds per real second.
const SPEEDS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0];

/// Coarse numbers shown as text, refreshed a few times a second.
#[derive(Clone, Debug, Default, PartialEq)]
struct Readout {
    time_s: f64,
    success_rate: Option<f64>,
    requests: u64,
    ok: u64,
    errors: u64,
    timeouts: u64,
    rejected: u64,
    p50_ms: f64,
    p99_ms: f64,
    services: Vec<(String, f64, f64, u32)>,
    /// Per breaker: its state, counters and thresholds.
    breakers: Vec<BreakerRow>,
    /// The monitoring strip.
    alerts: Vec<Alert>,
    /// Correlation ids of recent traced requests, newest first.
    traced: Vec<u64>,
    /// Script time per frame (engine step + drawing) over the last few seconds.
    frames: FrameStats,
    /// The other variant, when both run side by side.
    twin: Option<ViewLine>,
    /// Recorded history: (oldest, newest) simulated time, seconds.
    span: Option<(f64, f64)>,
    /// The recorded moment shown instead of the live run, if any: (main view, other variant).
    replay: Option<(ViewLine, Option<ViewLine>)>,
}

impl Readout {
    /// The readout beside the canvas as markup, with its test hooks: `success-rate` (percent of
    /// user requests that succeeded in the last window), `frame-p95` (script time per frame,
    /// with the recent frames in `data-frames`), the pools and the breakers.
    fn aside_html(&self) -> String {
        let f = &self.frames;
        format!(
            r#"<p class="big">Success <strong data-testid="success-rate">{}</strong> <span class="muted">(last second)</span></p><p>p50 {} ms · p99 {} ms</p><p class="muted" data-testid="frame-p95" data-ms="{}" data-engine-ms="{}" data-count="{}" data-frames="{}">frame: {} ms p95 (engine + draw)</p><p class="muted">{} requests: {} ok, {} errors, {} timeouts, {} rejected</p><div>{}{}</div>"#,
            replay::percent(self.success_rate),
            fmt_fixed(self.p50_ms, 0),
            fmt_fixed(self.p99_ms, 0),
            fmt_fixed(f.p95_ms, 2),
            fmt_fixed(f.engine_p95_ms, 2),
            f.count,
            f.recent,
            fmt_fixed(f.p95_ms, 1),
            self.requests,
            self.ok,
            self.errors,
            self.timeouts,
            self.rejected,
            panels::pools_html(&self.services),
            panels::breakers_html(&self.breakers),
        )
    }

    /// The main view's line for its title in the side-by-side view.
    fn line(&self) -> ViewLine {
        ViewLine {
            time_s: self.time_s,
            success_rate: self.success_rate,
            p99_ms: Some(self.p99_ms),
            breakers: self
                .breakers
                .iter()
                .map(|b| (b.edge.clone(), b.state))
                .collect(),
        }
    }
}

/// The name of edge `i` ("caller->callee"), or "?" for an index the engine does not know.
pub(crate) fn edge_label(names: &[&str], i: usize) -> String {
    names.get(i).copied().unwrap_or("?").to_string()
}

/// Breakers given as (edge index, state), named.
fn name_breakers(
    names: &[&str],
    breakers: impl IntoIterator<Item = (usize, State)>,
) -> Vec<(String, State)> {
    breakers
        .into_iter()
        .map(|(i, st)| (edge_label(names, i), st))
        .collect()
}

/// The breakers of `sim` as (edge name, state).
fn named_breakers(sim: &Simulation) -> Vec<(String, State)> {
    let names: Vec<&str> = sim.edge_names().collect();
    name_breakers(&names, sim.breakers().into_iter().map(|(i, st, _)| (i, st)))
}

/// Fills a recorded shot from a stage's engine and its latest snapshot.
fn shoot(stage: draw::Stage, shot: &mut Shot) {
    stage.engine.with_value(|e| {
        if let Some(sim) = e {
            let rate = sim.series().back().map(|s| s.success_rate());
            let breakers = sim.breakers().into_iter().map(|(i, st, _)| (i, st));
            stage
                .snap
                .with_value(|snap| shot.fill(snap, rate, breakers));
        }
    });
}

type Local<T> = StoredValue<T, LocalStorage>;

/// Everything the frame loop needs; all fields are cheap handles.
#[derive(Clone, Copy)]
struct Loop {
    /// The engine, its snapshot and the layout.
    stage: draw::Stage,
    canvas: NodeRef<Canvas>,
    chart: NodeRef<Canvas>,
    playing: RwSignal<bool>,
    speed: RwSignal<f64>,
    readout: RwSignal<Readout>,
    last_frame: Local<f64>,
    last_readout: Local<f64>,
    handle: Local<Option<AnimationFrameRequestHandle>>,
    stopped: Local<bool>,
    /// (reduced motion, dark theme), read from media queries with the readout, not per frame.
    prefs: Local<(bool, bool)>,
    /// Script time of the last frames (engine step + drawing), for the frame-budget readout.
    frames: Local<FrameTimes>,
    /// What the chart shows now: (last sample's time, samples, dark theme).
    chart_key: Local<Option<(Option<f64>, usize, bool)>>,
    /// The other variant, run beside this one on the same clock (side by side), if any.
    twin: draw::Stage,
    twin_canvas: NodeRef<Canvas>,
    /// Recorded frames for the time scrubber.
    history: Local<History>,
    /// The simulated time being replayed; `None` while live.
    replay_t: Local<Option<f64>>,
    /// The recorded frame on the canvases while replaying: (its time, reduced motion, dark
    /// theme). A replay that stays on one frame is painted once, not every animation frame.
    replayed: Local<Option<(f64, bool, bool)>>,
    /// The variant of the main view.
    variant: Local<Variant>,
    /// The engine view's root: the side-by-side titles and the scrubber are updated in place
    /// from the readout (markup, not reactive views: they cost far less in the first load).
    root: NodeRef<Div>,
}

impl Loop {
    fn schedule(self) {
        if self.stopped.try_get_value().unwrap_or(true) {
            return;
        }
        if let Ok(h) = request_animation_frame_with_handle(move || self.frame()) {
            self.handle.set_value(Some(h));
        }
    }

    fn frame(self) {
        if self.stopped.try_get_value().unwrap_or(true) {
            return;
        }
        let now = draw::now_ms();
        let dt_ms = (now - self.last_frame.get_value()).clamp(0.0, 100.0);
        self.last_frame.set_value(now);
        let playing = self.playing.get_untracked();
        if let Some(t) = self.replay_t.get_value() {
            // replaying the recording: move through it at the chosen speed, then go live
            if playing {
                self.seek(t + dt_ms * self.speed.get_untracked() / 1000.0);
            }
        } else if playing {
            self.advance((dt_ms * self.speed.get_untracked() * 1e6) as u64);
        }
        let stepped = draw::now_ms();
        self.draw();
        self.record();
        if now - self.last_readout.get_value() > 250.0 {
            self.last_readout.set_value(now);
            self.refresh_readout();
        } else {
            self.draw_chart();
        }
        let (end, engine_ms) = (draw::now_ms(), stepped - now);
        self.frames.update_value(|f| f.push(end - now, engine_ms));
        self.schedule();
    }

    /// Steps the engine, and the other variant's beside it, by `ns` of simulated time: one clock.
    fn advance(self, ns: u64) {
        for stage in [self.stage, self.twin] {
            stage.engine.update_value(|e| {
                if let Some(sim) = e {
                    sim.step_until(sim.now() + ns);
                }
            });
        }
    }

    /// Shows the recording at `t` simulated seconds; at or past its newest frame, goes live.
    fn seek(self, t: f64) {
        let newest = self.history.with_value(|h| h.span().map(|(_, last)| last));
        // the scrubber shows times to 0.1 s: its right end (the newest frame, rounded) is live
        match newest {
            Some(last) if t < last - 0.05 => self.replay_t.set_value(Some(t)),
            _ => self.replay_t.set_value(None),
        }
    }

    fn draw(self) {
        let (reduced, dark) = self.prefs.get_value();
        let pairs = [
            (self.stage, self.canvas.get_untracked()),
            (self.twin, self.twin_canvas.get_untracked()),
        ];
        match self.replay_t.get_value() {
            None => {
                self.replayed.set_value(None);
                for (stage, canvas) in pairs {
                    // a stage without an engine (the other variant when not side by side) is hidden
                    if let (Some(canvas), true) = (canvas, stage.engine.with_value(Option::is_some))
                    {
                        stage.draw(&canvas, reduced, dark);
                    }
                }
            }
            Some(t) => self.history.with_value(|h| {
                let Some(f) = h.at(t) else { return };
                let key = Some((f.time_s(), reduced, dark));
                if self.replayed.get_value() == key {
                    return;
                }
                self.replayed.set_value(key);
                for ((stage, canvas), shot) in
                    pairs.into_iter().zip([Some(&f.main), f.twin.as_ref()])
                {
                    if let (Some(canvas), Some(shot)) = (canvas, shot) {
                        // the stage's snapshot buffer holds the recorded frame while replaying
                        stage.snap.update_value(|s| shot.restore(s));
                        stage
                            .snap
                            .with_value(|s| stage.paint(&canvas, s, reduced, dark));
                    }
                }
            }),
        }
    }

    /// Records the frame just drawn, live, when one is due.
    fn record(self) {
        if self.replay_t.get_value().is_some() || self.stage.engine.with_value(Option::is_none) {
            return;
        }
        let t = self.stage.snap.with_value(|s| s.time_s);
        if !self.history.with_value(|h| h.due(t)) {
            return;
        }
        let twin = self.twin.engine.with_value(Option::is_some);
        self.history.update_value(|h| {
            h.record(|f| {
                shoot(self.stage, &mut f.main);
                if twin {
                    shoot(self.twin, f.twin.get_or_insert_with(Shot::default));
                } else {
                    f.twin = None;
                }
            })
        });
    }

    /// Forgets the recording and goes live (a new run).
    fn reset_history(self) {
        self.history.update_value(History::clear);
        self.replay_t.set_value(None);
    }

    fn refresh_readout(self) {
        self.prefs.set_value(draw::prefs());
        let r = self.stage.engine.with_value(|e| {
            let sim = e.as_ref()?;
            // the counters only: a full report (every histogram's percentiles) is too slow per readout
            let g = sim.global_stats();
            let last = sim.series().back();
            Some(Readout {
                time_s: crate::sim::time::to_secs(sim.now()),
                success_rate: last.map(|s| s.success_rate()),
                requests: g.requests,
                ok: g.ok,
                errors: g.errors,
                timeouts: g.timeouts,
                rejected: g.rejected,
                p50_ms: last.map(|s| s.p50_ms).unwrap_or(0.0),
                alerts: last
                    .map(|s| monitor::alerts(s, sim.scenario().services.len()))
                    .unwrap_or_default(),
                traced: trace::recent(sim.spans().iter().map(|s| s.corr), 12),
                p99_ms: last.map(|s| s.p99_ms).unwrap_or(0.0),
                frames: self
                    .frames
                    .try_update_value(|f| f.stats())
                    .unwrap_or_default(),
                breakers: {
                    let names: Vec<&str> = sim.edge_names().collect();
                    let limits = sim.breaker_limits();
                    sim.breakers()
                        .into_iter()
                        .zip(limits)
                        .map(|((i, state, metrics), (_, limits))| BreakerRow {
                            edge: edge_label(&names, i),
                            state,
                            metrics,
                            limits,
                        })
                        .collect()
                },
                twin: self.twin.engine.with_value(|t| {
                    let t = t.as_ref()?;
                    let last = t.series().back();
                    Some(ViewLine {
                        time_s: crate::sim::time::to_secs(t.now()),
                        success_rate: last.map(|s| s.success_rate()),
                        p99_ms: Some(last.map(|s| s.p99_ms).unwrap_or(0.0)),
                        breakers: named_breakers(t),
                    })
                }),
                span: self.history.with_value(History::span),
                replay: self.replay_t.get_value().and_then(|t| {
                    self.history.with_value(|h| {
                        let f = h.at(t)?;
                        let names: Vec<&str> = sim.edge_names().collect();
                        let line = |shot: &Shot| ViewLine {
                            time_s: shot.time_s,
                            success_rate: shot.success_rate,
                            p99_ms: None,
                            breakers: name_breakers(&names, shot.breakers.iter().copied()),
                        };
                        Some((line(&f.main), f.twin.as_ref().map(line)))
                    })
                }),
                services: sim
                    .scenario()
                    .services
                    .iter()
                    .enumerate()
                    .map(|(i, spec)| {
                        let busy = last
                            .and_then(|s| s.services.get(i))
                            .map(|s| s.busy_fraction)
                            .unwrap_or(0.0);
                        let queue = last
                            .and_then(|s| s.services.get(i))
                            .map(|s| s.queue_length)
                            .unwrap_or(0.0);
                        (spec.name.clone(), busy, queue, spec.workers * spec.replicas)
                    })
                    .collect(),
            })
        });
        if let Some(r) = r {
            self.sync_dom(&r);
            if self.readout.get_untracked() != r {
                self.readout.set(r);
            }
        }
    }

    /// Updates the side-by-side titles and the scrubber in place from the readout.
    fn sync_dom(self, r: &Readout) {
        use wasm_bindgen::JsCast;
        let Some(root) = self.root.get_untracked() else {
            return;
        };
        let q = |sel: &str| root.query_selector(sel).ok().flatten();
        if let Some(e) = q("[data-readout]") {
            e.set_inner_html(&r.aside_html());
        }
        if let Some(e) = q("[data-testid=monitor]") {
            e.set_inner_html(&monitor::strip_html(&r.alerts));
        }
        if let Some(e) = root
            .owner_document()
            .and_then(|d| d.query_selector("[data-testid=sim-time]").ok().flatten())
        {
            e.set_text_content(Some(&format!("t = {} s", fmt_fixed(r.time_s, 1))));
        }
        let compare = r.twin.is_some();
        let v = self.variant.get_value();
        if let Some(e) = q(".lab-main") {
            e.set_class_name(if compare {
                "lab-main compare"
            } else {
                "lab-main"
            });
        }
        // while replaying, the titles tell the recorded moment (without p99: not recorded)
        let replay = r.replay.as_ref();
        if let Some(e) = q("[data-title=main]") {
            let _ = e.toggle_attribute_with_force("hidden", !compare);
            let live = r.line();
            let line = replay.map_or(&live, |p| &p.0);
            e.set_inner_html(&replay::stage_title_html(
                variant_label(v),
                Some(line),
                None,
            ));
        }
        if let Some(e) = q("[data-testid=twin]") {
            let _ = e.toggle_attribute_with_force("hidden", !compare);
            let _ = e.set_attribute("data-variant", v.other().as_str());
            let t = r
                .twin
                .as_ref()
                .map(|t| fmt_fixed(t.time_s, 1))
                .unwrap_or_default();
            let _ = e.set_attribute("data-time", &t);
        }
        if let Some(e) = q("[data-title=twin]") {
            let line = match replay {
                Some(p) => p.1.as_ref(),
                None => r.twin.as_ref(),
            };
            e.set_inner_html(&replay::stage_title_html(
                variant_label(v.other()),
                line,
                Some("twin-success-rate"),
            ));
        }
        if let Some(e) =
            q("[data-testid=scrubber]").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            let (lo, hi) = r.span.unwrap_or((0.0, 0.0));
            e.set_min(&fmt_fixed(lo, 1));
            e.set_max(&fmt_fixed(hi, 1));
            e.set_value(&fmt_fixed(self.replay_t.get_value().unwrap_or(hi), 1));
            let text = match replay {
                Some(p) => format!("replaying t = {} s", fmt_fixed(p.0.time_s, 1)),
                None => "live".into(),
            };
            let _ = e.set_attribute("aria-valuetext", &text);
        }
        if let Some(e) = q("[data-testid=live]") {
            let _ = e.toggle_attribute_with_force("disabled", replay.is_none());
        }
        if let Some(e) = q("[data-status]") {
            e.set_inner_html(&replay::status_html(
                replay.map(|p| &p.0),
                replay.and_then(|p| p.1.as_ref()),
                r.span,
            ));
        }
    }

    fn draw_chart(self) {
        let Some(canvas) = self.chart.get_untracked() else {
            return;
        };
        self.stage.engine.with_value(|e| {
            if let Some(sim) = e {
                // while replaying, the chart ends at the replayed moment
                let upto = self.replay_t.get_value().unwrap_or(f64::INFINITY);
                let shown = || sim.series().iter().rev().skip_while(move |s| s.t_s > upto);
                // redraw only for a new sample (once per simulated second) or a new theme
                let key = (
                    shown().next().map(|s| s.t_s),
                    sim.series().len(),
                    self.prefs.get_value().1,
                );
                if self.chart_key.get_value() == Some(key) {
                    return;
                }
                self.chart_key.set_value(Some(key));
                let mut samples: Vec<_> = shown().take(120).cloned().collect();
                samples.reverse();
                let interval = sim.scenario().metrics.interval_ms / 1000.0;
                let _ = chart::throughput(&canvas, &samples, interval, self.prefs.get_value().1);
            }
        });
    }
}

/// How a variant is named on the page.
fn variant_label(v: Variant) -> &'static str {
    match v {
        Variant::Bad => "bad: as it fails",
        Variant::Fixed => "fixed: with the patterns",
    }
}

/// Writes the lab state into the URL — only while the URL still names the lab: a link clicked
/// meanwhile must not be undone.
fn write_url(st: &LabState) {
    let here = window().location().hash().unwrap_or_default();
    let on_lab = crate::route::Route::from_hash(&here) == crate::route::Route::Lab;
    if let (true, Ok(history)) = (on_lab, window().history()) {
        let _ =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&st.to_hash()));
    }
}

/// The lab: pick a preset, move the knobs, and watch the system cope or cascade.
#[component]
pub fn LabPage() -> impl IntoView {
    let (initial, first_notices) =
        LabState::from_hash(&window().location().hash().unwrap_or_default());
    let state = RwSignal::new(initial);
    let notices = RwSignal::new(first_notices);
    let playing = RwSignal::new(true);
    let speed = RwSignal::new(1.0);
    let readout = RwSignal::new(Readout::default());
    let canvas = NodeRef::<Canvas>::new();
    let chart_ref = NodeRef::<Canvas>::new();
    let lp = Loop {
        stage: draw::Stage::new(),
        canvas,
        chart: chart_ref,
        playing,
        speed,
        readout,
        last_frame: StoredValue::new_local(draw::now_ms()),
        last_readout: StoredValue::new_local(0.0),
        handle: StoredValue::new_local(None),
        stopped: StoredValue::new_local(false),
        prefs: StoredValue::new_local(draw::prefs()),
        frames: StoredValue::new_local(FrameTimes::default()),
        chart_key: StoredValue::new_local(None),
        twin: draw::Stage::new(),
        twin_canvas: NodeRef::new(),
        history: StoredValue::new_local(History::lab()),
        replay_t: StoredValue::new_local(None),
        replayed: StoredValue::new_local(None),
        variant: StoredValue::new_local(Variant::Bad),
        root: NodeRef::new(),
    };

    // (re)build the engine whenever the preset, seed or a knob changes, and keep the URL in step
    Effect::new(move |_| {
        let st = state.get();
        // a new run: forget the recording and the other variant before anything can fail
        lp.reset_history();
        lp.twin.engine.set_value(None);
        if presets::find(&st.preset).is_some_and(|p| p.kind != Kind::Engine) {
            lp.stage.engine.set_value(None);
            write_url(&st);
            return;
        }
        lp.variant.set_value(st.variant);
        let scenario = match build(&st) {
            Ok(s) => s,
            Err(e) => {
                notices.update(|n| n.push(format!("{e}; using the preset's values.")));
                match presets::scenario_of(&st.preset, st.variant) {
                    Some(s) => s,
                    None => return,
                }
            }
        };
        if let Err(e) = lp.stage.load(scenario) {
            notices.update(|n| n.push(e));
            return;
        }
        // side by side: the other variant with the same seed and the knobs it shares (or, if
        // those do not build, the preset's values, as for the main view)
        if st.compare {
            let v = st.variant.other();
            let built = build(&st.with_variant(v))
                .ok()
                .or_else(|| presets::scenario_of(&st.preset, v));
            if let Some(Err(e)) = built.map(|s| lp.twin.load(s)) {
                notices.update(|n| n.push(e));
            }
        }
        lp.chart_key.set_value(None);
        lp.refresh_readout();
        write_url(&st);
    });

    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            lp.last_frame.set_value(draw::now_ms());
            lp.schedule();
        }
    });
    on_cleanup(move || {
        lp.stopped.set_value(true);
        lp.handle.with_value(|h| {
            if let Some(h) = h {
                h.cancel();
            }
        });
    });

    let knob_list = Memo::new(move |_| {
        let st = state.get();
        presets::scenario_of(&st.preset, st.variant)
            .map(|s| knobs::knobs_for(&s))
            .unwrap_or_default()
    });
    let knob_value = move |k: &Knob| {
        state
            .get()
            .knobs
            .iter()
            .find(|(id, _)| id == &k.id)
            .map(|(_, v)| *v)
            .unwrap_or(k.default)
    };
    let on_seed = move |text: String| match text.trim().parse::<u64>() {
        Ok(v) => state.update(|st| st.seed = v),
        Err(_) => notices.update(|n| n.push("The seed must be a whole number.".into())),
    };
    let set_knob = move |id: String, v: f64| {
        state.update(|st| {
            st.knobs.retain(|(k, _)| k != &id);
            st.knobs.push((id, v));
        });
    };

    view! {
        <section class="page lab" aria-labelledby="page-title">
            <h1 id="page-title">"Lab"</h1>
            <p class="lead">
                "Watch a system of services fail one part at a time. Move a knob and see whether the damage spreads."
            </p>
            <Show when=move || !notices.get().is_empty()>
                <div class="notice" role="alert" data-testid="lab-notice">
                    <ul>{move || notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                    <button type="button" on:click=move |_| notices.set(Vec::new())>"Dismiss"</button>
                </div>
            </Show>
            <div class="lab-controls" role="group" aria-label="Simulation controls">
                <label>
                    "Scenario "
                    <select data-testid="preset" on:change=move |ev| {
                        let id = event_target_value(&ev);
                        let seed = presets::scenario(&id).map(|s| s.seed).unwrap_or(1);
                        state.set(LabState { preset: id, variant: Variant::Bad, seed, knobs: Vec::new(), compare: false });
                    }>
                        {PRESETS.iter().map(|p| {
                            let id = p.id;
                            view! { <option value=id selected=move || state.get().preset == id>{p.label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || presets::find(&state.get().preset).is_some_and(|p| p.variants)>
                    <label>
                        "Variant "
                        <select data-testid="variant" on:change=move |ev| {
                            let v = Variant::parse(&event_target_value(&ev)).unwrap_or(Variant::Bad);
                            state.update(|st| *st = st.with_variant(v));
                        }>
                            <option value="bad" selected=move || state.get().variant == Variant::Bad>"bad: as it fails"</option>
                            <option value="fixed" selected=move || state.get().variant == Variant::Fixed>"fixed: with the patterns"</option>
                        </select>
                    </label>
                    <label>
                        <input type="checkbox" data-testid="compare" prop:checked=move || state.get().compare
                            on:change=move |ev| { let on = event_target_checked(&ev); state.update(|st| st.compare = on) } />
                        " Side by side"
                    </label>
                </Show>
                <button type="button" data-testid="play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| playing.update(|p| *p = !*p)>
                    {move || if playing.get() { "⏸ Pause" } else { "▶ Play" }}
                </button>
                <button type="button" data-testid="step" title="Advance 100 ms of simulated time (of the recording, while replaying)" on:click=move |_| {
                    playing.set(false);
                    match lp.replay_t.get_value() {
                        // the next frame after the one on screen (the scrubber may sit before the oldest)
                        Some(t) => lp.seek(lp.history.with_value(|h| h.at(t).and_then(|f| h.next_after(f.time_s()))).unwrap_or(f64::INFINITY)),
                        None => lp.advance(100_000_000),
                    }
                    lp.refresh_readout();
                }>"Step 100 ms"</button>
                <label>
                    "Speed "
                    <select data-testid="speed" on:change=move |ev| { if let Some(v) = parse_decimal(&event_target_value(&ev)) { speed.set(v) } }>
                        {SPEEDS.iter().map(|s| {
                            let s = *s;
                            view! { <option value=fmt_short(s) selected=move || speed.get() == s>{fmt_short(s) + "×"}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    "Seed "
                    <input type="number" min="0" data-testid="seed" prop:value=move || state.get().seed.to_string()
                        on:change=move |ev| on_seed(event_target_value(&ev)) />
                </label>
                <button type="button" data-testid="restart" on:click=move |_| state.update(|_| {})>"Restart"</button>
                <span class="lab-time" data-testid="sim-time">"t = 0.0 s"</span>
            </div>
            {move || {
                let st = state.get();
                let fix = presets::fix_of(&st.preset).filter(|_| st.variant == Variant::Fixed);
                fix.map(|f| view! { <p class="lab-fix"><strong>"The fix: "</strong>{f}</p> })
            }}
            // the small models and the playground live in the lazily loaded labx module
            {move || {
                let id = state.with(|st| presets::find(&st.preset).filter(|p| p.kind != Kind::Engine).map(|p| p.id));
                id.map(|id| view! { <div class="lab-extra" data-testid="lab-model" data-model=id><LazyView module=LABX arg=id /></div> })
            }}
            <div class="lab-engine" node_ref=lp.root class:hidden=move || presets::find(&state.get().preset).is_some_and(|p| p.kind != Kind::Engine)>
            <ul class="monitor" aria-label="Monitoring: the lesson's alert thresholds" data-testid="monitor"></ul>
            <div class="lab-main">
                <div class="lab-stage">
                    <p class="stage-title" data-title="main" hidden></p>
                    <canvas node_ref=canvas width="900" height="420" class="lab-canvas" role="img"
                        aria-label="Animated topology: clients on the left, services with their worker pools (filled cells are busy) and queues; requests move along the lines."></canvas>
                </div>
                // the other variant, same seed and clock: shown (and running) side by side only
                <div class="lab-stage" data-testid="twin" hidden>
                    <p class="stage-title" data-title="twin"></p>
                    <canvas node_ref=lp.twin_canvas width="900" height="420" class="twin-canvas" role="img"
                        aria-label="The other variant, same seed and clock: the same topology drawing."></canvas>
                </div>
                // written from the readout in place (markup: far smaller than a view per line)
                <aside class="lab-readout" aria-live="off" data-readout></aside>
            </div>
            <div class="lab-replay" role="group" aria-label="Replay">
                <label for="lab-scrubber">"Replay "</label>
                <input type="range" id="lab-scrubber" data-testid="scrubber" step="0.1" min="0" max="0"
                    on:input=move |ev| {
                        if let Some(t) = parse_decimal(&event_target_value(&ev)) {
                            lp.seek(t);
                            lp.refresh_readout();
                        }
                    } />
                <button type="button" data-testid="live" disabled on:click=move |_| {
                    lp.seek(f64::INFINITY);
                    // the button disables itself: keep the keyboard focus on the scrubber
                    if let Some(el) = document().get_element_by_id("lab-scrubber") {
                        use wasm_bindgen::JsCast;
                        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                            let _ = el.focus();
                        }
                    }
                    lp.refresh_readout();
                }>"Back to live"</button>
                <span data-status></span>
            </div>
            <div class="lab-lower">
                <fieldset class="knobs">
                    <legend>"Knobs"</legend>
                    {move || knob_list.get().into_iter().map(|k| {
                        let id = k.id.clone();
                        let id2 = k.id.clone();
                        let k2 = k.clone();
                        let k3 = k.clone();
                        let value = move || knob_value(&k2);
                        let shown = move || knob_value(&k3);
                        view! {
                            <div class="knob">
                                <label for=format!("knob-{id}")>{k.label.clone()}</label>
                                <input type="range" id=format!("knob-{id}") data-testid=format!("knob-{id}")
                                    min=k.min max=k.max step=k.step prop:value=value
                                    on:change=move |ev| { if let Some(v) = parse_decimal(&event_target_value(&ev)) { set_knob(id2.clone(), v) } } />
                                <output for=format!("knob-{}", k.id)>{move || format!("{} {}", fmt_short(shown()), k.unit)}</output>
                                <small class="hint">{k.hint.clone()}</small>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <figure class="lab-chart">
                    <canvas node_ref=chart_ref width="520" height="260" role="img"
                        aria-label="User requests per second by outcome over the last two simulated minutes"></canvas>
                    <figcaption>"User requests per second: ok (solid line), errors (dashed), timeouts (dotted), rejected (dash-dot)."</figcaption>
                    <export::LabExport engine=lp.stage.engine state=state topology=canvas chart=chart_ref />
                </figure>
            </div>
            <BreakerPanels rows=Signal::derive(move || readout.get().breakers) />
            <TraceView engine=lp.stage.engine traced=Signal::derive(move || readout.get().traced) />
            </div>
        </section>
    }
}

/// The trace view: pick a recent traced request and see its calls as a waterfall.
#[component]
fn TraceView(
    engine: Local<Option<Simulation>>,
    #[prop(into)] traced: Signal<Vec<u64>>,
) -> impl IntoView {
    let picked = RwSignal::new(None::<u64>);
    let rows = move || {
        let corr = picked.get()?;
        engine.with_value(|e| {
            let sim = e.as_ref()?;
            let names: Vec<String> = sim.edge_names().map(str::to_string).collect();
            Some(trace::waterfall(&sim.trace(corr), |i| {
                names.get(i as usize).cloned().unwrap_or_default()
            }))
        })
    };
    view! {
        <section class="trace" aria-labelledby="trace-title" data-testid="trace">
            <h2 id="trace-title">"Trace a request"</h2>
            <label>
                "Recent requests "
                <select data-testid="trace-pick" on:change=move |ev| picked.set(event_target_value(&ev).parse().ok())
                    inner_html=move || trace::options_html(&traced.get(), picked.get())>
                </select>
            </label>
            <div inner_html=move || rows().map(|rows| trace::waterfall_html(&rows)).unwrap_or_default()></div>
        </section>
    }
}
