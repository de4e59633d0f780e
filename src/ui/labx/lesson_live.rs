//! A live simulation embedded in a lesson: the lab's engine and canvas drawing, made compact.
//!
//! It follows the lab page's pattern (`ui::lab`): the engine, its snapshot and the layout live in
//! local stored values, not signals; the canvas is drawn from the snapshot on every animation
//! frame; a few times a second coarse numbers are written into the readout's text. Unlike
//! the lab it starts paused (a lesson may hold several widgets), it runs no animation frame at
//! all while paused, and while it plays off screen it neither steps the engine nor draws.

use super::lesson::WidgetFrame;
use crate::lab::fmt::{fmt_fixed, fmt_short, parse_decimal};
use crate::lab::knobs::{self, Knob};
use crate::lab::monitor;
use crate::lab::presets::{self, Variant};
use crate::lab::state::{applicable_knobs, LabState, LAB_MIN_DURATION_S};
use crate::sim::{time, Scenario};
use crate::ui::lab::{draw, edge_label};
use crate::ui::learn::content::{escape, WidgetSpec};
use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use std::cell::Cell;

/// The speed a widget starts at, simulated seconds per real second (the menu offers 1, 5, 20).
const START_SPEED: f64 = 5.0;

/// How often (ms of real time) the text readout and the on-screen check are refreshed.
const READOUT_MS: f64 = 250.0;

thread_local! {
    /// Numbers the widgets of a page apart, for their element ids.
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// Coarse numbers shown as text.
#[derive(Clone, Debug, Default, PartialEq)]
struct Readout {
    time_s: f64,
    /// Success rate of the last metrics window, percent; `None` before the first window.
    success: Option<f64>,
    p99_ms: Option<f64>,
    /// Calls on every hop per user request in the last window.
    calls: Option<f64>,
    /// Duplicate side effects (double charges) since the start.
    duplicates: u64,
    /// Per breaker: edge name (`from->to`) and state (`CLOSED`, `OPEN`, …).
    breakers: Vec<(String, &'static str)>,
    /// The monitoring strip's items (the lab's five alert signals), as markup.
    alerts: String,
}

impl Readout {
    /// The text of each readout element, by its `data-testid`.
    fn texts(&self) -> [(&'static str, String); 5] {
        let or_dash = |v: Option<f64>, decimals: u32, unit: &str| {
            v.map(|v| fmt_fixed(v, decimals) + unit)
                .unwrap_or_else(|| "–".into())
        };
        [
            ("widget-time", fmt_fixed(self.time_s, 1) + " s"),
            ("widget-success", or_dash(self.success, 1, " %")),
            ("widget-p99", or_dash(self.p99_ms, 0, " ms")),
            ("widget-calls", or_dash(self.calls, 1, "")),
            ("widget-duplicates", self.duplicates.to_string()),
        ]
    }

    /// The breaker list's items: each state told by a shape and words, not by colour alone.
    fn breakers_html(&self) -> String {
        let mut h = String::new();
        for (edge, state) in &self.breakers {
            let (mark, words) = match *state {
                "CLOSED" => ("●", "closed"),
                "OPEN" | "FORCED_OPEN" => ("○", "open"),
                "HALF_OPEN" => ("◐", "half-open"),
                _ => ("◌", "not counting"),
            };
            h += &format!(
                "<li>Breaker {}: <strong data-testid=\"widget-breaker-state\" data-edge=\"{}\" data-state=\"{state}\">{mark} {words}</strong></li>",
                escape(&edge.replace("->", " → ")),
                escape(edge)
            );
        }
        h
    }
}

type Local<T> = StoredValue<T, LocalStorage>;

/// What the frame loop needs; all fields are cheap handles.
#[derive(Clone, Copy)]
struct Loop {
    /// The engine, its snapshot and the layout.
    stage: draw::Stage,
    canvas: NodeRef<Canvas>,
    playing: RwSignal<bool>,
    speed: RwSignal<f64>,
    /// The readout's container and what it shows now.
    readout_box: NodeRef<Div>,
    shown: Local<Readout>,
    last_frame: Local<f64>,
    last_readout: Local<f64>,
    /// Whether the canvas was on screen at the last check.
    on_screen: Local<bool>,
    /// Whether an animation frame is requested.
    running: Local<bool>,
    handle: Local<Option<AnimationFrameRequestHandle>>,
    stopped: Local<bool>,
    /// (reduced motion, dark theme), read with the readout, not per frame.
    prefs: Local<(bool, bool)>,
}

impl Loop {
    fn is_stopped(self) -> bool {
        self.stopped.try_get_value().unwrap_or(true)
    }

    /// Starts the frame loop if it is not running (after Play).
    fn start(self) {
        if self.is_stopped() || self.running.get_value() {
            return;
        }
        self.running.set_value(true);
        self.last_frame.set_value(draw::now_ms());
        self.last_readout.set_value(0.0);
        self.schedule();
    }

    fn schedule(self) {
        if let Ok(h) = request_animation_frame_with_handle(move || self.frame()) {
            self.handle.set_value(Some(h));
        } else {
            self.running.set_value(false);
        }
    }

    fn frame(self) {
        if self.is_stopped() {
            return;
        }
        let now = draw::now_ms();
        if !self.playing.get_untracked() {
            // paused: show where it stopped, then request no more frames until Play
            self.running.set_value(false);
            self.draw();
            self.refresh_readout();
            return;
        }
        if now - self.last_readout.get_value() > READOUT_MS {
            self.last_readout.set_value(now);
            self.on_screen.set_value(self.canvas_on_screen());
            self.prefs.set_value(draw::prefs());
            self.refresh_readout();
        }
        let dt_ms = (now - self.last_frame.get_value()).clamp(0.0, 100.0);
        self.last_frame.set_value(now);
        // off screen the run holds still: no stepping, no drawing
        if self.on_screen.get_value() {
            let advance = (dt_ms * self.speed.get_untracked() * 1e6) as u64;
            self.stage.engine.update_value(|e| {
                if let Some(sim) = e {
                    sim.step_until(sim.now() + advance);
                }
            });
            self.draw();
        }
        self.schedule();
    }

    fn canvas_on_screen(self) -> bool {
        let Some(canvas) = self.canvas.get_untracked() else {
            return false;
        };
        let r = canvas.get_bounding_client_rect();
        let height = window()
            .inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        r.bottom() > 0.0 && r.top() < height && r.width() > 0.0
    }

    fn draw(self) {
        if let Some(canvas) = self.canvas.get_untracked() {
            let (reduced, dark) = self.prefs.get_value();
            self.stage.draw(&canvas, reduced, dark);
        }
    }

    fn refresh_readout(self) {
        let r = self.stage.engine.with_value(|e| {
            let sim = e.as_ref()?;
            let last = sim.series().back();
            let names: Vec<&str> = sim.edge_names().collect();
            Some(Readout {
                time_s: time::to_secs(sim.now()),
                success: last.map(|s| s.success_rate()),
                p99_ms: last.map(|s| s.p99_ms),
                calls: last
                    .filter(|s| s.requests > 0)
                    .map(|s| s.attempts as f64 / s.requests as f64),
                duplicates: sim.global_stats().duplicates,
                alerts: last
                    .map(|s| {
                        monitor::strip_html(&monitor::alerts(s, sim.scenario().services.len()))
                    })
                    .unwrap_or_default(),
                breakers: sim
                    .breakers()
                    .into_iter()
                    .map(|(i, state, _)| (edge_label(&names, i), state.as_str()))
                    .collect(),
            })
        });
        let (Some(r), Some(root)) = (r, self.readout_box.get_untracked()) else {
            return;
        };
        let old = self.shown.get_value();
        if old == r {
            return;
        }
        // plain text writes: no reactive views for numbers that change four times a second
        for ((id, text), (_, was)) in r.texts().into_iter().zip(old.texts()) {
            if text != was {
                if let Ok(Some(el)) = root.query_selector(&format!("[data-testid={id}]")) {
                    el.set_text_content(Some(&text));
                }
            }
        }
        if r.breakers != old.breakers {
            if let Ok(Some(list)) = root.query_selector("ul.lw-breakers") {
                list.set_inner_html(&r.breakers_html());
            }
        }
        if r.alerts != old.alerts {
            if let Ok(Some(list)) = root.query_selector("ul.monitor") {
                list.set_inner_html(&r.alerts);
            }
        }
        self.shown.set_value(r);
    }

    /// Replaces the engine with a fresh run of `scenario`.
    fn load(self, scenario: Scenario) -> Result<(), String> {
        self.stage.load(scenario)?;
        self.draw();
        self.refresh_readout();
        Ok(())
    }
}

/// The knobs of the preset's variant.
fn knobs_of(preset: &str, variant: Variant) -> Vec<Knob> {
    presets::scenario_of(preset, variant)
        .map(|s| knobs::knobs_for(&s))
        .unwrap_or_default()
}

/// The scenario for a variant and knob values, open-ended like the lab's.
fn build(preset: &str, variant: Variant, values: &[(String, f64)]) -> Result<Scenario, String> {
    let base =
        presets::scenario_of(preset, variant).ok_or_else(|| format!("unknown preset {preset}"))?;
    let mut s = knobs::apply(&base, &applicable_knobs(preset, variant, values))?;
    s.duration_s = s.duration_s.max(LAB_MIN_DURATION_S);
    Ok(s)
}

/// The readout's fixed markup; [`Loop::refresh_readout`] fills in the numbers.
fn readout_html(window_s: f64, side_effects: bool) -> String {
    let window = fmt_short(window_s);
    let mut h = format!(
        "<p class=\"lw-readout\"><span>Simulated time <strong data-testid=\"widget-time\">0.0 s</strong></span>\
<span>Success (last {window} s) <strong data-testid=\"widget-success\">–</strong></span>\
<span>p99 <strong data-testid=\"widget-p99\">–</strong></span></p>\
<p class=\"lw-readout muted\"><span>Calls per request, all hops (last {window} s) <strong data-testid=\"widget-calls\">–</strong></span>"
    );
    if side_effects {
        h += "<span>Double charges since 0 s <strong data-testid=\"widget-duplicates\">0</strong></span>";
    }
    h + "</p><ul class=\"lw-breakers\" aria-label=\"Circuit breakers\"></ul>\
<ul class=\"monitor\" aria-label=\"Monitoring: the alert thresholds\" data-testid=\"widget-monitor\"></ul>"
}

/// A lab scenario running live in the lesson, with a few controls and a link to the full lab.
#[component]
pub fn LiveLab(spec: WidgetSpec) -> impl IntoView {
    let uid = NEXT_ID.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    let preset: &'static str = presets::find(&spec.preset).map(|p| p.id).unwrap_or("shop");
    let has_variants = presets::find(preset).is_some_and(|p| p.variants);
    let start_variant = spec
        .variant
        .as_deref()
        .and_then(Variant::parse)
        .filter(|_| has_variants)
        .unwrap_or(Variant::Bad);
    let variant = RwSignal::new(start_variant);
    let values = RwSignal::new(Vec::<(String, f64)>::new());
    let error = RwSignal::new(None::<String>);
    let playing = RwSignal::new(false);
    let speed = RwSignal::new(START_SPEED);
    let readout_box = NodeRef::<Div>::new();
    let canvas = NodeRef::<Canvas>::new();
    let lp = Loop {
        stage: draw::Stage::new(),
        canvas,
        playing,
        speed,
        readout_box,
        shown: StoredValue::new_local(Readout::default()),
        last_frame: StoredValue::new_local(0.0),
        last_readout: StoredValue::new_local(0.0),
        on_screen: StoredValue::new_local(true),
        running: StoredValue::new_local(false),
        handle: StoredValue::new_local(None),
        stopped: StoredValue::new_local(false),
        prefs: StoredValue::new_local(draw::prefs()),
    };

    // a fresh run whenever the variant or a knob changes, or on Restart
    // a fresh run now, and again whenever the variant or a knob changes, or on Restart (called
    // from the handlers rather than from an effect: one reactive closure less in the wasm)
    let rebuild = move || {
        let v = variant.get_untracked();
        let result = values
            .with_untracked(|vals| build(preset, v, vals))
            .and_then(|s| lp.load(s));
        error.set(result.err());
    };
    rebuild();
    // one frame, once the canvas is in the page: it draws the start and, paused, stops there
    lp.start();
    on_cleanup(move || {
        lp.stopped.set_value(true);
        lp.handle.with_value(|h| {
            if let Some(h) = h {
                h.cancel();
            }
        });
    });

    let toggle = move |_| {
        let play = !playing.get_untracked();
        playing.set(play);
        if play {
            lp.on_screen.set_value(true);
            lp.start();
        }
    };
    let lab_href = move || {
        let v = variant.get();
        LabState {
            preset: preset.to_string(),
            variant: v,
            seed: presets::scenario_of(preset, v).map(|s| s.seed).unwrap_or(1),
            knobs: values.with(|vals| applicable_knobs(preset, v, vals)),
            compare: false,
        }
        .to_hash()
    };
    let base = presets::scenario_of(preset, start_variant);
    let window_s = base
        .as_ref()
        .map(|s| s.metrics.interval_ms / 1000.0)
        .unwrap_or(1.0);
    // double charges are counted only where a call is not idempotent
    let side_effects = base.as_ref().is_some_and(|s| {
        s.services
            .iter()
            .flat_map(|x| &x.calls)
            .any(|c| !c.idempotent)
    });
    let knob_ids = spec.knobs.clone();
    let knob_rows = move || {
        let v = variant.get();
        let here = knobs_of(preset, v);
        let other = knobs_of(
            preset,
            if v == Variant::Bad {
                Variant::Fixed
            } else {
                Variant::Bad
            },
        );
        knob_ids
            .iter()
            .filter_map(|id| {
                let Some(k) = here.iter().find(|k| &k.id == id).cloned() else {
                    // a knob of the other variant only: say so instead of hiding it
                    return other.iter().find(|k| &k.id == id).map(|k| {
                        view! {
                            <p class="lw-knob-absent muted" data-testid=format!("widget-knob-{id}")>
                                {format!("{}: not part of the {} variant.", k.label, v.as_str())}
                            </p>
                        }
                        .into_any()
                    });
                };
                Some(knob_row(uid, k, values, rebuild).into_any())
            })
            .collect_view()
    };

    let title = spec.title.clone();
    view! {
        <WidgetFrame spec kind="Live simulation".to_string() live=true link="Open in the lab"
            href=Signal::derive(lab_href)>
            <div class="lab-controls lw-controls" role="group" aria-label=format!("Controls: {title}")>
                <button type="button" data-testid="widget-play" aria-pressed=move || playing.get().to_string()
                    on:click=toggle>
                    {move || if playing.get() { "⏸ Pause" } else { "▶ Run" }}
                </button>
                <button type="button" data-testid="widget-restart" title="Start the run again from 0 s"
                    on:click=move |_| rebuild()>
                    "↺ Restart"
                </button>
                {has_variants.then(|| view! {
                    <label>
                        "Variant "
                        <select data-testid="widget-variant" on:change=move |ev| {
                            if let Some(v) = Variant::parse(&event_target_value(&ev)) { variant.set(v); rebuild() }
                        }>
                            <option value="bad" selected=start_variant == Variant::Bad>"bad: as it fails"</option>
                            <option value="fixed" selected=start_variant == Variant::Fixed>"fixed: with the patterns"</option>
                        </select>
                    </label>
                })}
                <label>
                    "Speed "
                    <select data-testid="widget-speed" on:change=move |ev| {
                        if let Some(v) = parse_decimal(&event_target_value(&ev)) { speed.set(v) }
                    }>
                        <option value="1">"1×"</option>
                        <option value="5" selected>"5×"</option>
                        <option value="20">"20×"</option>
                    </select>
                </label>
            </div>
            {move || error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
            <canvas node_ref=canvas width="760" height="340" class="lab-canvas lw-canvas" role="img"
                aria-label="Animated topology: clients on the left, services with their worker pools (filled cells are busy) and queues; requests move along the lines."></canvas>
            <div class="lw-readout-box" aria-live="off" node_ref=readout_box
                inner_html=readout_html(window_s, side_effects)></div>
            {move || {
                let rows = knob_rows();
                view! { <div class="lw-knobs">{rows}</div> }
            }}
            <p class="muted lw-note">"Changing the variant or a setting starts the run again."</p>
        </WidgetFrame>
    }
}

/// One knob: its label (the lab's), a slider, the value and the hint.
fn knob_row(
    uid: u32,
    k: Knob,
    values: RwSignal<Vec<(String, f64)>>,
    rebuild: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let input_id = format!("w{uid}-{}", k.id);
    let hint_id = format!("{input_id}-hint");
    let id = k.id.clone();
    let default = k.default;
    let current = {
        let id = k.id.clone();
        move || {
            values.with(|vals| {
                vals.iter()
                    .find(|(i, _)| i == &id)
                    .map(|(_, v)| *v)
                    .unwrap_or(default)
            })
        }
    };
    let k2 = k.clone();
    let shown = {
        let current = current.clone();
        move || k2.show(current())
    };
    view! {
        <div class="knob">
            <label for=input_id.clone()>{k.label.clone()}</label>
            <input type="range" id=input_id data-testid=format!("widget-knob-{}", k.id)
                aria-describedby=hint_id.clone()
                min=k.min max=k.max step=k.step prop:value=current
                on:change=move |ev| {
                    if let Some(v) = parse_decimal(&event_target_value(&ev)) {
                        let id = id.clone();
                        values.update(|vals| {
                            vals.retain(|(i, _)| i != &id);
                            vals.push((id, v));
                        });
                        rebuild();
                    }
                } />
            <output>{shown}</output>
            <small class="hint" id=hint_id>{k.hint.clone()}</small>
        </div>
    }
}
