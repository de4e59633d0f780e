//! The lesson files in `public/lessons/` (fetched by the Learn pages at run time) and the pure
//! parser the pages use, `src/ui/learn/content.rs`, included here so it runs natively.

#[path = "../src/ui/learn/content.rs"]
mod content;

/// `content.rs` refers to `crate::route` and `crate::lab`: in this test crate, the library's.
mod route {
    pub use faultline::route::*;
}
mod lab {
    pub use faultline::lab::*;
}

use content::{parse_index, split, ChapterMeta, Segment, WidgetKind};
use faultline::srs::content::{CHAPTERS, PRESETS};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("public/lessons")
}

fn index() -> Vec<ChapterMeta> {
    let text = fs::read_to_string(dir().join("index.json")).expect("lessons/index.json");
    parse_index(&text).expect("the lesson index parses")
}

fn chapter(slug: &str) -> String {
    fs::read_to_string(dir().join(format!("{slug}.html")))
        .unwrap_or_else(|e| panic!("lessons/{slug}.html: {e}"))
}

/// The text of an HTML fragment with its tags removed (a `>` inside a quoted attribute value,
/// as in `data-knobs="retries.l1->l2"`, does not end the tag).
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut quoted = false;
    for ch in html.chars() {
        match ch {
            '<' if !in_tag => in_tag = true,
            '"' if in_tag => quoted = !quoted,
            '>' if in_tag && !quoted => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn words(html: &str) -> usize {
    visible_text(html).split_whitespace().count()
}

/// Every tag name opened in `html`, lowercase.
fn tags(html: &str) -> BTreeSet<String> {
    html.split('<')
        .skip(1)
        .filter(|t| !t.starts_with('/'))
        .map(|t| {
            t.chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .collect()
}

#[test]
fn index_lists_every_flashcard_chapter_in_order_with_the_same_titles() {
    let idx = index();
    assert!(idx.len() >= 11, "{} chapters", idx.len());
    let slugs: Vec<&str> = idx.iter().map(|c| c.slug.as_str()).collect();
    let deck: Vec<&str> = CHAPTERS.iter().map(|c| c.id).collect();
    assert_eq!(
        slugs, deck,
        "lesson slugs are the deck's chapter ids, in order"
    );
    for (c, d) in idx.iter().zip(CHAPTERS.iter()) {
        assert_eq!(c.title, d.title, "title of {}", c.slug);
        assert!(
            !c.summary.is_empty() && c.summary.len() < 140,
            "summary of {}",
            c.slug
        );
    }
}

#[test]
fn every_chapter_parses_and_has_a_widget_and_a_try_this() {
    for c in index() {
        let html = chapter(&c.slug);
        let parts = split(&html).unwrap_or_else(|e| panic!("{}: {e}", c.slug));
        let widgets: Vec<_> = parts
            .iter()
            .filter_map(|p| match p {
                Segment::Widget(w) => Some(w),
                Segment::Html(_) => None,
            })
            .collect();
        assert!(!widgets.is_empty(), "{} has no widget", c.slug);
        for w in &widgets {
            assert!(
                PRESETS.contains(&w.preset.as_str()),
                "{}: preset {}",
                c.slug,
                w.preset
            );
            assert!(!w.caption.is_empty(), "{}: widget without caption", c.slug);
            if let Some(v) = &w.variant {
                assert!(
                    ["bad", "fixed"].contains(&v.as_str()),
                    "{}: variant {v}",
                    c.slug
                );
            }
        }
        // one "try this" per widget, each with predict, run and compare
        let tries = html.matches("data-testid=\"try-this\"").count();
        assert_eq!(
            tries,
            widgets.len(),
            "{}: try-this blocks vs widgets",
            c.slug
        );
        for block in html.split("data-testid=\"try-this\"").skip(1) {
            let block = &block[..block.find("</aside>").expect("try-this closes")];
            for step in ["Predict:", "Run:", "Compare:"] {
                assert!(block.contains(step), "{}: try-this without {step}", c.slug);
            }
        }
    }
}

#[test]
fn chapters_use_only_simple_semantic_tags_and_no_page_heading() {
    let allowed: BTreeSet<&str> = [
        "h2",
        "h3",
        "p",
        "ul",
        "ol",
        "li",
        "code",
        "pre",
        "strong",
        "em",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "blockquote",
        "a",
        "aside",
        "div",
        "sup",
    ]
    .into_iter()
    .collect();
    for c in index() {
        let html = chapter(&c.slug);
        for t in tags(&html) {
            assert!(allowed.contains(t.as_str()), "{}: tag <{t}>", c.slug);
        }
        // every div is a widget marker; the page supplies the h1
        assert_eq!(
            html.matches("<div").count(),
            html.matches("<div data-widget=").count(),
            "{}: a div that is not a widget marker",
            c.slug
        );
        let lower = html.to_ascii_lowercase();
        for bad in [
            "<script",
            "<style",
            "<h1",
            "javascript:",
            " onclick=",
            " onload=",
            " onerror=",
        ] {
            assert!(!lower.contains(bad), "{}: contains {bad:?}", c.slug);
        }
        // code is escaped: no raw '<' inside <pre>
        for pre in html.split("<pre><code>").skip(1) {
            let code = &pre[..pre.find("</code></pre>").expect("pre closes")];
            assert!(!code.contains('<'), "{}: unescaped < in code", c.slug);
        }
    }
}

#[test]
fn chapters_are_short_and_reading_times_match() {
    for c in index() {
        let n = words(&chapter(&c.slug));
        assert!((300..=800).contains(&n), "{}: {n} words", c.slug);
        let minutes = n.div_ceil(200).max(1) as u32;
        assert_eq!(c.minutes, minutes, "{}: reading time for {n} words", c.slug);
    }
}

#[test]
fn every_preset_and_widget_kind_is_used_somewhere() {
    let mut presets = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for c in index() {
        for p in split(&chapter(&c.slug)).expect("parses") {
            if let Segment::Widget(w) = p {
                presets.insert(w.preset.clone());
                kinds.insert(w.kind.name());
            }
        }
    }
    for p in PRESETS {
        assert!(presets.contains(p), "preset {p} is in no lesson");
    }
    for k in [
        WidgetKind::Lab,
        WidgetKind::BreakerPlayground,
        WidgetKind::JitterChart,
    ] {
        assert!(
            kinds.contains(k.name()),
            "widget {} is in no lesson",
            k.name()
        );
    }
}

#[test]
fn lessons_state_the_numbers_the_simulator_implements() {
    let all: String = index().iter().map(|c| chapter(&c.slug)).collect();
    for needle in [
        "the network is reliable",
        "latency is zero",
        "bandwidth is infinite",
        "the network is secure",
        "topology doesn’t change",
        "there is one administrator",
        "transport cost is zero",
        "the network is homogeneous",
        "27",
        "23 s",
        "19 s",
        "grpc-timeout",
        "budget_percent",
        "min_retry_concurrency",
        "maxTokens",
        "tokenRatio",
        "permittedNumberOfCallsInHalfOpenState",
        "minimumNumberOfCalls",
        "slowCallDurationThreshold",
        "automaticTransitionFromOpenToHalfOpenEnabled",
        "maxWaitDurationInHalfOpenState",
        "DISABLED",
        "FORCED_OPEN",
        "METRICS_ONLY",
        "FailureRatio",
        "SamplingDuration",
        "MinimumThroughput",
        "BreakDuration",
        "Full",
        "Reduced",
        "Minimal",
        "Maintenance",
        "&gt; 10 % of services",
        "p99 &gt; 2 × p50",
        "&gt; 5 % of calls",
        "&gt; 20 % of requests",
        "&gt; 80 %",
    ] {
        assert!(
            all.to_lowercase().contains(&needle.to_lowercase()),
            "no lesson mentions {needle:?}"
        );
    }
}

#[test]
fn list_and_footer_links_are_the_lesson_routes() {
    use faultline::route::Route;
    let idx = index();
    let list = content::list_html(&idx);
    for (i, c) in idx.iter().enumerate() {
        let href = Route::Lesson(c.slug.clone()).href();
        assert_eq!(Route::from_hash(&href), Route::Lesson(c.slug.clone()));
        assert!(list.contains(&format!("href=\"{href}\"")), "{}", c.slug);
        let footer = content::footer_html(&idx, i);
        if i + 1 < idx.len() {
            let next = Route::Lesson(idx[i + 1].slug.clone()).href();
            assert!(footer.contains(&format!("href=\"{next}\" rel=\"next\"")));
        }
        assert!(footer.contains(&format!("href=\"{}\"", Route::Flashcards.href())));
    }
}

/// The knobs a preset has in either variant.
fn preset_knobs(preset: &str) -> Vec<faultline::lab::knobs::Knob> {
    use faultline::lab::presets::{scenario_of, Variant};
    [Variant::Bad, Variant::Fixed]
        .into_iter()
        .filter_map(|v| scenario_of(preset, v))
        .flat_map(|s| faultline::lab::knobs::knobs_for(&s))
        .collect()
}

/// Every live widget (a lab widget with an engine preset) names one or two of its preset's knobs
/// in `data-knobs`, at least one of them in the variant it opens with; and in the "try this"
/// that follows it, every control the learner is told to move (written `<em>NAME</em>`) is one
/// of those knobs under the very label the widget and the lab show.
#[test]
fn live_widgets_offer_real_knobs_and_the_lessons_call_them_by_their_labels() {
    use faultline::lab::presets::{self, Kind, Variant};
    let mut live = 0;
    for c in index() {
        let parts = split(&chapter(&c.slug)).expect("parses");
        for (i, p) in parts.iter().enumerate() {
            let Segment::Widget(w) = p else { continue };
            let engine = presets::find(&w.preset).is_some_and(|p| p.kind == Kind::Engine);
            if w.kind != WidgetKind::Lab || !engine {
                assert!(
                    w.knobs.is_empty(),
                    "{}: knobs on a widget that is not live",
                    c.slug
                );
                continue;
            }
            live += 1;
            let at = format!("{} ({})", c.slug, w.title);
            assert!(
                (1..=2).contains(&w.knobs.len()),
                "{at}: a live widget offers one or two knobs, not {:?}",
                w.knobs
            );
            let all = preset_knobs(&w.preset);
            let variant = w
                .variant
                .as_deref()
                .and_then(Variant::parse)
                .unwrap_or(Variant::Bad);
            let first: Vec<String> = presets::scenario_of(&w.preset, variant)
                .map(|s| {
                    faultline::lab::knobs::knobs_for(&s)
                        .into_iter()
                        .map(|k| k.id)
                        .collect()
                })
                .unwrap_or_default();
            let mut labels = Vec::new();
            for id in &w.knobs {
                let k = all
                    .iter()
                    .find(|k| &k.id == id)
                    .unwrap_or_else(|| panic!("{at}: {id} is not a knob of {}", w.preset));
                labels.push(k.label.clone());
            }
            assert!(
                w.knobs.iter().any(|id| first.contains(id)),
                "{at}: no knob of {:?} is in the {} variant it opens with",
                w.knobs,
                variant.as_str()
            );
            // the try-this right after the widget
            let Some(Segment::Html(next)) = parts.get(i + 1) else {
                panic!("{at}: no try-this after the widget")
            };
            let start = next
                .find("data-testid=\"try-this\"")
                .unwrap_or_else(|| panic!("{at}: no try-this after the widget"));
            let block = &next[start..start + next[start..].find("</aside>").expect("closes")];
            for em in block.split("<em>").skip(1) {
                let name = &em[..em.find("</em>").expect("em closes")];
                assert!(
                    labels.iter().any(|l| l == name),
                    "{at}: the try-this names “{name}”, which is not one of the widget's knobs {labels:?}"
                );
            }
        }
    }
    assert!(live >= 9, "{live} live widgets");
}
