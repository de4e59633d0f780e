//! Lesson content, read without the browser: the chapter index (`lessons/index.json`) and the
//! widget markers inside a chapter's HTML fragment (`lessons/SLUG.html`).
//!
//! This file is plain Rust with no browser types, so the native test `tests/learn_content.rs`
//! includes it (`#[path]`) and checks both the parsers and the shipped lesson files.
//!
//! A widget marker is an empty `div` on its own, between top-level blocks of the fragment:
//!
//! ```html
//! <div data-widget="lab" data-preset="flash-sale" data-variant="bad"
//!      data-title="The flash sale, unprotected" data-caption="What it shows."></div>
//! ```
//!
//! `data-widget` is `lab` (needs `data-preset`), `breaker-playground` or `jitter-chart` (their
//! preset defaults to `breaker-playground` and `jitter`). `data-variant` is optional, and so is
//! `data-knobs`: a comma-separated list of the preset's knob ids (`latency.inventory`,
//! `retries.l1->l2`; see `lab::knobs`) that a live widget offers as controls. Attribute values
//! are plain text: double-quoted, without `"`, `<` or `&` (a `>` is allowed only inside
//! `data-knobs`, for the arrow of an edge).

/// One chapter as listed in `lessons/index.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterMeta {
    /// The chapter's name in URLs and file names: `#/learn/SLUG`, `lessons/SLUG.html`.
    pub slug: String,
    /// The human title.
    pub title: String,
    /// One line saying what the chapter teaches.
    pub summary: String,
    /// Reading time in minutes.
    pub minutes: u32,
}

/// Reads `lessons/index.json`: `{"chapters": [{"slug", "title", "summary", "minutes"}]}`.
/// Slugs must be plain names and unique; the slug is also the flashcards' chapter id.
pub fn parse_index(text: &str) -> Result<Vec<ChapterMeta>, String> {
    let v = json::parse(text).map_err(|e| format!("the lesson index is not JSON ({e})"))?;
    let list = v
        .get("chapters")
        .and_then(json::Json::as_array)
        .ok_or("the lesson index has no “chapters” list")?;
    let mut out: Vec<ChapterMeta> = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let text = |key: &str| -> Result<String, String> {
            c.get(key)
                .and_then(json::Json::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("chapter {} of the lesson index has no “{key}”", i + 1))
        };
        let slug = text("slug")?;
        if !crate::route::is_slug(&slug) || out.iter().any(|o| o.slug == slug) {
            return Err(format!("lesson index: bad or repeated slug “{slug}”"));
        }
        let minutes = match c.get("minutes") {
            None => 1,
            Some(m) => m
                .as_whole()
                .filter(|m| (1..=600).contains(m))
                .ok_or_else(|| {
                    format!(
                        "chapter {} of the lesson index: “minutes” must be a whole number from 1 to 600",
                        i + 1
                    )
                })? as u32,
        };
        out.push(ChapterMeta {
            title: text("title")?,
            summary: text("summary")?,
            minutes,
            slug,
        });
    }
    if out.is_empty() {
        return Err("the lesson index lists no chapters".into());
    }
    Ok(out)
}

/// A small JSON reader for the lesson index. The main module reads no other JSON text, and
/// serde_json's parser (with its float parsing) would cost ~4 kB of the first load for this one
/// file; numbers are kept as their text and only whole numbers are read.
mod json {
    /// A JSON value.
    #[derive(Debug, PartialEq)]
    pub enum Json {
        Null,
        Bool(bool),
        /// A number, as written.
        Num(String),
        Str(String),
        Arr(Vec<Json>),
        Obj(Vec<(String, Json)>),
    }

    impl Json {
        /// The member `key` of an object.
        pub fn get(&self, key: &str) -> Option<&Json> {
            match self {
                Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
                _ => None,
            }
        }

        pub fn as_array(&self) -> Option<&[Json]> {
            match self {
                Json::Arr(a) => Some(a),
                _ => None,
            }
        }

        pub fn as_str(&self) -> Option<&str> {
            match self {
                Json::Str(s) => Some(s),
                _ => None,
            }
        }

        /// A number written as a whole number (`3`, not `3.0` or `3e0`).
        pub fn as_whole(&self) -> Option<u64> {
            match self {
                Json::Num(n) if n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok(),
                _ => None,
            }
        }
    }

    /// Nesting deeper than this is refused (the index needs three levels).
    const MAX_DEPTH: usize = 32;

    /// Parses a whole JSON text; the error names what was expected and the byte offset.
    pub fn parse(text: &str) -> Result<Json, String> {
        let mut r = Reader {
            s: text.as_bytes(),
            i: 0,
        };
        let v = r.value(0)?;
        r.ws();
        if r.i < r.s.len() {
            return Err(r.err("unexpected text after the value"));
        }
        Ok(v)
    }

    struct Reader<'a> {
        s: &'a [u8],
        i: usize,
    }

    impl Reader<'_> {
        fn err(&self, what: &str) -> String {
            format!("{what} at byte {}", self.i)
        }

        fn ws(&mut self) {
            while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.i += 1;
            }
        }

        /// Skips ASCII digits; returns how many.
        fn digits(&mut self) -> usize {
            let start = self.i;
            while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
            self.i - start
        }

        /// A number by JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        fn number(&mut self) -> Result<Json, String> {
            let start = self.i;
            if self.s.get(self.i) == Some(&b'-') {
                self.i += 1;
            }
            match self.s.get(self.i) {
                Some(b'0') => self.i += 1,
                Some(b'1'..=b'9') => {
                    self.digits();
                }
                _ => return Err(self.err("bad number")),
            }
            if self.s.get(self.i) == Some(&b'.') {
                self.i += 1;
                if self.digits() == 0 {
                    return Err(self.err("bad number"));
                }
            }
            if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
                self.i += 1;
                if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                    self.i += 1;
                }
                if self.digits() == 0 {
                    return Err(self.err("bad number"));
                }
            }
            // the bytes are ASCII
            Ok(Json::Num(
                String::from_utf8_lossy(&self.s[start..self.i]).into_owned(),
            ))
        }

        fn eat(&mut self, b: u8) -> bool {
            self.ws();
            let hit = self.s.get(self.i) == Some(&b);
            if hit {
                self.i += 1;
            }
            hit
        }

        fn word(&mut self, w: &str, v: Json) -> Result<Json, String> {
            if self.s[self.i..].starts_with(w.as_bytes()) {
                self.i += w.len();
                Ok(v)
            } else {
                Err(self.err("expected a value"))
            }
        }

        fn value(&mut self, depth: usize) -> Result<Json, String> {
            if depth > MAX_DEPTH {
                return Err(self.err("nested too deeply"));
            }
            self.ws();
            match self.s.get(self.i) {
                None => Err(self.err("unexpected end")),
                Some(b'{') => {
                    self.i += 1;
                    let mut m = Vec::new();
                    if self.eat(b'}') {
                        return Ok(Json::Obj(m));
                    }
                    loop {
                        self.ws();
                        let k = self.string()?;
                        if !self.eat(b':') {
                            return Err(self.err("expected `:`"));
                        }
                        m.push((k, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            return Ok(Json::Obj(m));
                        }
                        if !self.eat(b',') {
                            return Err(self.err("expected `,` or `}`"));
                        }
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    let mut a = Vec::new();
                    if self.eat(b']') {
                        return Ok(Json::Arr(a));
                    }
                    loop {
                        a.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            return Ok(Json::Arr(a));
                        }
                        if !self.eat(b',') {
                            return Err(self.err("expected `,` or `]`"));
                        }
                    }
                }
                Some(b'"') => self.string().map(Json::Str),
                Some(b't') => self.word("true", Json::Bool(true)),
                Some(b'f') => self.word("false", Json::Bool(false)),
                Some(b'n') => self.word("null", Json::Null),
                Some(b'-' | b'0'..=b'9') => self.number(),
                Some(_) => Err(self.err("expected a value")),
            }
        }

        /// A string at the cursor, escapes decoded.
        fn string(&mut self) -> Result<String, String> {
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.err("expected a string"));
            }
            self.i += 1;
            let mut out: Vec<u8> = Vec::new();
            loop {
                let Some(&b) = self.s.get(self.i) else {
                    return Err(self.err("unterminated string"));
                };
                self.i += 1;
                match b {
                    b'"' => return String::from_utf8(out).map_err(|_| self.err("bad text")),
                    b'\\' => {
                        let Some(&e) = self.s.get(self.i) else {
                            return Err(self.err("unterminated string"));
                        };
                        self.i += 1;
                        let c = match e {
                            b'"' => '"',
                            b'\\' => '\\',
                            b'/' => '/',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            b'u' => {
                                let hi = self.hex4()?;
                                let code = if (0xD800..0xDC00).contains(&hi)
                                    && self.s[self.i..].starts_with(b"\\u")
                                {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..=0xDFFF).contains(&lo) {
                                        return Err(self.err("bad surrogate pair"));
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    hi
                                };
                                char::from_u32(code).ok_or_else(|| self.err("bad \\u escape"))?
                            }
                            _ => return Err(self.err("bad escape")),
                        };
                        let mut buf = [0; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    0..=0x1f => return Err(self.err("control character in a string")),
                    _ => out.push(b),
                }
            }
        }

        fn hex4(&mut self) -> Result<u32, String> {
            let digits = self
                .s
                .get(self.i..self.i + 4)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .ok_or_else(|| self.err("bad \\u escape"))?;
            self.i += 4;
            Ok(digits)
        }
    }
}

/// The position of `slug` in the index, if it is there.
pub fn position(index: &[ChapterMeta], slug: &str) -> Option<usize> {
    index.iter().position(|c| c.slug == slug)
}

/// What a widget marker asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WidgetKind {
    /// The lab with a preset (and optionally a variant such as `bad` or `fixed`).
    Lab,
    /// The circuit-breaker playground.
    BreakerPlayground,
    /// Brooker's backoff-and-jitter chart.
    JitterChart,
}

impl WidgetKind {
    /// The kind named in `data-widget`.
    pub fn parse(name: &str) -> Option<WidgetKind> {
        match name {
            "lab" => Some(WidgetKind::Lab),
            "breaker-playground" => Some(WidgetKind::BreakerPlayground),
            "jitter-chart" => Some(WidgetKind::JitterChart),
            _ => None,
        }
    }

    /// The name used in `data-widget`.
    pub fn name(self) -> &'static str {
        match self {
            WidgetKind::Lab => "lab",
            WidgetKind::BreakerPlayground => "breaker-playground",
            WidgetKind::JitterChart => "jitter-chart",
        }
    }
}

/// One widget embedded in a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WidgetSpec {
    /// Which widget.
    pub kind: WidgetKind,
    /// The lab preset it runs.
    pub preset: String,
    /// The preset's variant, e.g. `bad` or `fixed`.
    pub variant: Option<String>,
    /// Heading shown on the widget.
    pub title: String,
    /// One or two sentences on what the widget shows.
    pub caption: String,
    /// Ids of the knobs the widget offers (`data-knobs`), in order; empty when not given.
    pub knobs: Vec<String>,
}

impl WidgetSpec {
    /// The spec as one line per field (kind, preset, variant, knobs, title, caption), the form
    /// in which the app hands it to the labx module that draws the widget.
    pub fn encode(&self) -> String {
        let one_line = |s: &str| s.replace(['\n', '\r'], " ");
        [
            self.kind.name().to_string(),
            one_line(&self.preset),
            one_line(self.variant.as_deref().unwrap_or("")),
            one_line(&self.knobs.join(",")),
            one_line(&self.title),
            one_line(&self.caption),
        ]
        .join("\n")
    }

    /// Reads [`WidgetSpec::encode`]'s form back.
    pub fn decode(text: &str) -> Option<WidgetSpec> {
        let mut f = text.split('\n');
        let mut next = || f.next().map(str::to_string);
        let kind = WidgetKind::parse(&next()?)?;
        let preset = next()?;
        let variant = next().filter(|v| !v.is_empty());
        let knobs = next()?
            .split(',')
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect();
        Some(WidgetSpec {
            kind,
            preset,
            variant,
            knobs,
            title: next()?,
            caption: next()?,
        })
    }

    /// The lab link that runs this widget's scenario: `#/lab?preset=ID[&variant=V]`.
    pub fn lab_href(&self) -> String {
        match &self.variant {
            Some(v) => format!("#/lab?preset={}&variant={v}", self.preset),
            None => format!("#/lab?preset={}", self.preset),
        }
    }
}

/// A piece of a chapter: trusted HTML to insert as is, or a widget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// HTML between widgets (whole top-level elements).
    Html(String),
    /// A widget marker, parsed.
    Widget(WidgetSpec),
}

const MARKER: &str = "<div data-widget=";

/// Splits a chapter's HTML at its widget markers. Whitespace-only HTML between markers is
/// dropped. A malformed marker is an error naming it.
pub fn split(html: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(MARKER) {
        push_html(&mut out, &rest[..at]);
        let tag_end = tag_end(&rest[at..])
            .map(|i| at + i)
            .ok_or("a widget marker is not closed")?;
        let tag = &rest[at + 4..tag_end];
        let after = rest[tag_end + 1..].trim_start();
        let after = after
            .strip_prefix("</div>")
            .ok_or_else(|| format!("widget marker <div{tag}> must be empty"))?;
        out.push(Segment::Widget(parse_widget(tag)?));
        rest = after;
    }
    push_html(&mut out, rest);
    Ok(out)
}

/// The index of the `>` that closes the tag `s` starts with (a `>` inside quotes does not).
fn tag_end(s: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '>' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

fn push_html(out: &mut Vec<Segment>, html: &str) {
    if !html.trim().is_empty() {
        out.push(Segment::Html(html.to_string()));
    }
}

/// Parses the attributes of a marker (the text between `<div` and `>`).
pub fn parse_widget(attrs: &str) -> Result<WidgetSpec, String> {
    let pairs =
        attributes(attrs).ok_or_else(|| format!("widget marker: bad attributes in “{attrs}”"))?;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .filter(|v| !v.is_empty())
    };
    let kind_name = get("data-widget").unwrap_or_default();
    let kind =
        WidgetKind::parse(&kind_name).ok_or_else(|| format!("unknown widget “{kind_name}”"))?;
    let preset = match (kind, get("data-preset")) {
        (_, Some(p)) => p,
        (WidgetKind::BreakerPlayground, None) => "breaker-playground".into(),
        (WidgetKind::JitterChart, None) => "jitter".into(),
        (WidgetKind::Lab, None) => return Err("a lab widget needs data-preset".into()),
    };
    if !crate::route::is_slug(&preset) {
        return Err(format!("widget preset “{preset}” is not a plain name"));
    }
    let variant = get("data-variant");
    if variant
        .as_deref()
        .is_some_and(|v| !crate::route::is_slug(v))
    {
        return Err("widget variant is not a plain name".into());
    }
    let knobs: Vec<String> = get("data-knobs")
        .map(|k| k.split(',').map(|id| id.trim().to_string()).collect())
        .unwrap_or_default();
    if let Some(bad) = knobs.iter().find(|id| !is_knob_id(id)) {
        return Err(format!("widget knob “{bad}” is not a knob id"));
    }
    Ok(WidgetSpec {
        kind,
        preset,
        variant,
        title: get("data-title").unwrap_or_else(|| kind.name().replace('-', " ")),
        caption: get("data-caption").unwrap_or_default(),
        knobs,
    })
}

/// A knob id as `lab::knobs` makes them: letters, digits and `.`, `_`, `-`, `>` (for edges).
fn is_knob_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '>'))
}

/// `name="value"` pairs separated by whitespace; `None` if anything else is there.
fn attributes(mut s: &str) -> Option<Vec<(&str, &str)>> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Some(out);
        }
        let (name, rest) = s.split_once("=\"")?;
        let (value, rest) = rest.split_once('"')?;
        if name.is_empty() || name.contains(char::is_whitespace) || value.contains(['<', '&']) {
            return None;
        }
        out.push((name, value));
        s = rest;
    }
}

/// `s` with the HTML special characters escaped, for text and attribute values.
pub use crate::lab::panels::escape;

/// The chapter list of `#/learn`: an ordered list of linked titles, summaries and reading times.
pub fn list_html(index: &[ChapterMeta]) -> String {
    let mut h = String::from("<ol class=\"lesson-list\" data-testid=\"lesson-list\">");
    for c in index {
        h += &format!(
            "<li><h2><a href=\"#/learn/{}\">{}</a></h2><p>{}</p><p class=\"lesson-meta\">{} min read</p></li>",
            c.slug,
            escape(&c.title),
            escape(&c.summary),
            c.minutes
        );
    }
    h + "</ol>"
}

/// The top of chapter `pos`: a link back to the list, its place and reading time, the title
/// (the page's `h1`, id `page-title`) and the summary.
pub fn header_html(index: &[ChapterMeta], pos: usize) -> String {
    let c = &index[pos];
    format!(
        "<p class=\"lesson-kicker\"><a href=\"#/learn\" data-testid=\"lesson-all\">All chapters</a> · Chapter {} of {} · {} min read</p><h1 id=\"page-title\">{}</h1><p class=\"lead\">{}</p>",
        pos + 1,
        index.len(),
        c.minutes,
        escape(&c.title),
        escape(&c.summary)
    )
}

/// The bottom of chapter `pos`: the flashcards link and the previous / all / next links.
pub fn footer_html(index: &[ChapterMeta], pos: usize) -> String {
    let link = |i: usize, rel: &str, dir: &str| {
        format!(
            "<a href=\"#/learn/{}\" rel=\"{rel}\" data-testid=\"lesson-{rel}\"><span class=\"lesson-nav-dir\">{dir}</span>{}</a>",
            index[i].slug,
            escape(&index[i].title)
        )
    };
    let prev = pos.checked_sub(1).map(|i| link(i, "prev", "Previous"));
    let next = (pos + 1 < index.len()).then(|| link(pos + 1, "next", "Next"));
    format!(
        "<p class=\"lesson-cards\"><a href=\"#/cards\" data-testid=\"lesson-cards\">Review the cards for this chapter</a> — in the card browser, choose “{}” under Chapter or tag.</p><nav class=\"lesson-nav\" aria-label=\"Chapters\">{}<a href=\"#/learn\" class=\"lesson-nav-all\">All chapters</a>{}</nav>",
        escape(&index[pos].title),
        prev.unwrap_or_default(),
        next.unwrap_or_default()
    )
}

/// The top of `#/learn`, above the list (or its loading or error notice).
const LEARN_INTRO: &str = "<h1 id=\"page-title\">Learn</h1>\
<p class=\"lead\">Short lessons on partial failure, each with a simulation you can run.</p>\
<p>Start with why a missing reply is not a crash, then meet the patterns that contain the damage: \
circuit breakers, bulkheads, timeouts and deadlines, retries with backoff and jitter, idempotency keys \
and graceful degradation. Four incident stories, the common mistakes and a monitoring checklist close \
the course. Every chapter asks you to predict, run and compare.</p>";

/// The whole `#/learn` page: the introduction, then `body` (the list or a notice).
pub fn list_page_html(body: &str) -> String {
    format!("{LEARN_INTRO}{body}")
}

/// A chapter page that has no chapter to show yet: a way back, the heading and `body`.
pub fn status_page_html(body: &str) -> String {
    format!("<p class=\"lesson-kicker\"><a href=\"#/learn\">All chapters</a></p><h1 id=\"page-title\">Learn</h1>{body}")
}

/// The notice shown while `what` loads.
pub fn loading_html(what: &str) -> String {
    format!("<p class=\"learn-status\" role=\"status\" data-testid=\"learn-loading\">Loading {what}…</p>")
}

/// The notice shown when `what` failed to load, with a retry button (`data-retry`).
pub fn error_html(what: &str, error: &str) -> String {
    format!(
        "<div class=\"learn-error\" role=\"alert\" data-testid=\"learn-error\"><p>Could not load {what}: {}.</p>\
<p>Check your connection, then try again.</p>\
<button type=\"button\" data-retry data-testid=\"learn-retry\">Try again</button></div>",
        escape(error)
    )
}

/// The notice for a slug that names no chapter.
pub fn missing_html(slug: &str) -> String {
    format!(
        "<p data-testid=\"lesson-missing\">There is no chapter called “{}”. <a href=\"#/learn\">See all chapters</a>.</p>",
        escape(slug)
    )
}

/// Chapter `pos` as one article: header, its parts, footer. Widget markers become empty slots
/// `<div class="lesson-widget-slot" id="lesson-widget-N">` for the page to mount
/// `LessonWidget`s into; their specs are returned in the same order.
pub fn lesson_html(
    index: &[ChapterMeta],
    pos: usize,
    parts: &[Segment],
) -> (String, Vec<WidgetSpec>) {
    let mut widgets = Vec::new();
    let mut h = format!(
        "<article class=\"lesson\" data-testid=\"lesson\" data-slug=\"{}\" aria-labelledby=\"page-title\"><header class=\"lesson-header\">{}</header>",
        index[pos].slug,
        header_html(index, pos)
    );
    for p in parts {
        match p {
            Segment::Html(s) => h += s,
            Segment::Widget(w) => {
                h += &format!(
                    "<div class=\"lesson-widget-slot\" id=\"lesson-widget-{}\"></div>",
                    widgets.len()
                );
                widgets.push(w.clone());
            }
        }
    }
    h += &format!(
        "<footer class=\"lesson-footer\">{}</footer></article>",
        footer_html(index, pos)
    );
    (h, widgets)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = r#"{"chapters": [
        {"slug": "one", "title": "One", "summary": "First.", "minutes": 3},
        {"slug": "two", "title": "Two", "summary": "Second.", "minutes": 2}
    ]}"#;

    #[test]
    fn index_reads_chapters_in_order() {
        let idx = parse_index(INDEX).expect("valid");
        assert_eq!(idx.len(), 2);
        assert_eq!(idx[0].slug, "one");
        assert_eq!(idx[1].minutes, 2);
        assert_eq!(position(&idx, "two"), Some(1));
        assert_eq!(position(&idx, "three"), None);
    }

    #[test]
    fn list_header_and_footer_link_the_chapters() {
        let idx = parse_index(INDEX).expect("valid");
        let list = list_html(&idx);
        assert!(list.starts_with("<ol class=\"lesson-list\" data-testid=\"lesson-list\">"));
        assert!(list.contains("<a href=\"#/learn/one\">One</a>"));
        assert!(list.contains("3 min read"));
        let head = header_html(&idx, 1);
        assert!(head.contains("Chapter 2 of 2 · 2 min read"));
        assert!(head.contains("<h1 id=\"page-title\">Two</h1>"));
        let first = footer_html(&idx, 0);
        assert!(!first.contains("rel=\"prev\""));
        assert!(first.contains("<a href=\"#/learn/two\" rel=\"next\" data-testid=\"lesson-next\">"));
        let last = footer_html(&idx, 1);
        assert!(last.contains("href=\"#/learn/one\" rel=\"prev\""));
        assert!(!last.contains("rel=\"next\""));
        assert!(last.contains("choose “Two”"));
    }

    #[test]
    fn a_lesson_becomes_one_article_with_widget_slots() {
        let idx = parse_index(INDEX).expect("valid");
        let parts = split("<p>A</p><div data-widget=\"jitter-chart\"></div><p>B</p><div data-widget=\"breaker-playground\"></div>")
            .expect("valid");
        let (html, widgets) = lesson_html(&idx, 0, &parts);
        assert!(
            html.starts_with("<article class=\"lesson\" data-testid=\"lesson\" data-slug=\"one\"")
        );
        assert!(html.contains("<h1 id=\"page-title\">One</h1>"));
        assert!(html.contains(
            "<p>A</p><div class=\"lesson-widget-slot\" id=\"lesson-widget-0\"></div><p>B</p>"
        ));
        assert!(html.contains("id=\"lesson-widget-1\""));
        assert!(!html.contains("data-widget"));
        assert!(html.ends_with("</footer></article>"));
        assert_eq!(widgets.len(), 2);
        assert_eq!(widgets[1].kind, WidgetKind::BreakerPlayground);
    }

    #[test]
    fn notices_say_what_failed_and_offer_a_retry() {
        let e = error_html("this chapter", "the server answered 404 <Not Found>");
        assert!(e.contains("role=\"alert\""));
        assert!(
            e.contains("Could not load this chapter: the server answered 404 &lt;Not Found&gt;.")
        );
        assert!(e.contains("<button type=\"button\" data-retry"));
        assert!(loading_html("the chapter list").contains("Loading the chapter list…"));
        assert!(missing_html("a<b").contains("“a&lt;b”"));
        assert!(list_page_html("X").starts_with("<h1 id=\"page-title\">Learn</h1>"));
        assert!(list_page_html("X").ends_with("X"));
        assert!(status_page_html("Y").contains("<h1 id=\"page-title\">Learn</h1>Y"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
        let idx = vec![ChapterMeta {
            slug: "x".into(),
            title: "<script>".into(),
            summary: "a & b".into(),
            minutes: 1,
        }];
        assert!(list_html(&idx).contains("&lt;script&gt;"));
        assert!(header_html(&idx, 0).contains("a &amp; b"));
    }

    #[test]
    fn the_json_reader_reads_what_json_allows() {
        use json::{parse, Json};
        let v = parse(r#" {"a": [1, -2.5e3, true, false, null], "b": "q\"\\\/\n\u00e9\ud83d\ude00 ✓", "c": {}} "#)
            .expect("valid");
        let a = v.get("a").and_then(Json::as_array).expect("array");
        assert_eq!(a[0].as_whole(), Some(1));
        assert_eq!(a[1], Json::Num("-2.5e3".into()));
        assert_eq!(a[1].as_whole(), None);
        assert_eq!(&a[2..], &[Json::Bool(true), Json::Bool(false), Json::Null]);
        assert_eq!(v.get("b").and_then(Json::as_str), Some("q\"\\/\né😀 ✓"));
        assert_eq!(v.get("c"), Some(&Json::Obj(Vec::new())));
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "\"abc",
            "[1] x",
            "tru",
            "\"\\x\"",
            "\"\\u12\"",
            "\"a\nb\"",
            "-",
            "1-2",
            "1..2",
            "1e",
            "--1",
            "007",
            "1.",
            ".5",
            "\u{c}1",
            "\"\\ud800\\u0041\"",
            "\"\\ud800\\ue000\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&deep).unwrap_err().contains("nested too deeply"));
    }

    #[test]
    fn bad_indexes_are_refused_with_a_reason() {
        let bad_minutes =
            r#"{"chapters": [{"slug": "a", "title": "t", "summary": "s", "minutes": 2.5}]}"#;
        assert!(parse_index(bad_minutes).unwrap_err().contains("minutes"));
        assert!(parse_index("not json").unwrap_err().contains("not JSON"));
        assert!(parse_index("{}").unwrap_err().contains("chapters"));
        assert!(parse_index(r#"{"chapters": []}"#).is_err());
        let no_title = r#"{"chapters": [{"slug": "a", "summary": "s"}]}"#;
        assert!(parse_index(no_title).unwrap_err().contains("title"));
        let bad_slug = r#"{"chapters": [{"slug": "../a", "title": "t", "summary": "s"}]}"#;
        assert!(parse_index(bad_slug).is_err());
        let twice = r#"{"chapters": [{"slug": "a", "title": "t", "summary": "s"},
            {"slug": "a", "title": "t", "summary": "s"}]}"#;
        assert!(parse_index(twice).unwrap_err().contains("repeated"));
    }

    #[test]
    fn markers_split_the_html_and_parse() {
        let html = "<p>Before.</p>\n<div data-widget=\"lab\" data-preset=\"flash-sale\" data-variant=\"fixed\" data-title=\"Flash sale\" data-caption=\"A cascade.\"></div>\n<p>After.</p>\n<div data-widget=\"jitter-chart\"></div>";
        let parts = split(html).expect("valid");
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0], Segment::Html("<p>Before.</p>\n".into()));
        let Segment::Widget(w) = &parts[1] else {
            panic!("widget expected")
        };
        assert_eq!(w.kind, WidgetKind::Lab);
        assert_eq!(w.preset, "flash-sale");
        assert_eq!(w.variant.as_deref(), Some("fixed"));
        assert_eq!(w.title, "Flash sale");
        assert_eq!(w.caption, "A cascade.");
        assert_eq!(w.lab_href(), "#/lab?preset=flash-sale&variant=fixed");
        let Segment::Widget(j) = &parts[3] else {
            panic!("widget expected")
        };
        assert_eq!(j.kind, WidgetKind::JitterChart);
        assert_eq!(j.lab_href(), "#/lab?preset=jitter");
        assert_eq!(j.title, "jitter chart");
    }

    #[test]
    fn a_spec_survives_its_encoding() {
        let spec = WidgetSpec {
            kind: WidgetKind::Lab,
            preset: "retry-amplification".into(),
            variant: Some("fixed".into()),
            title: "Three layers".into(),
            caption: "Count the\nattempts.".into(),
            knobs: vec!["retries.l1->l2".into(), "scope".into()],
        };
        let back = WidgetSpec::decode(&spec.encode()).expect("decodes");
        assert_eq!(back.caption, "Count the attempts.");
        assert_eq!(
            WidgetSpec {
                caption: spec.caption.replace('\n', " "),
                ..spec.clone()
            },
            back
        );
        let bare = WidgetSpec {
            variant: None,
            knobs: Vec::new(),
            kind: WidgetKind::JitterChart,
            caption: "One line.".into(),
            ..spec
        };
        assert_eq!(WidgetSpec::decode(&bare.encode()), Some(bare));
        assert_eq!(WidgetSpec::decode("lab\nshop"), None);
        assert_eq!(WidgetSpec::decode("nonsense\na\n\n\nt\nc"), None);
    }

    #[test]
    fn markers_may_name_the_knobs_to_offer() {
        let parts = split("<p>x</p><div data-widget=\"lab\" data-preset=\"retry-amplification\" data-knobs=\"retries.l1->l2, scope\" data-caption=\"c\"></div><p>y</p>")
            .expect("valid");
        assert_eq!(
            parts.len(),
            3,
            "the > of an edge does not end the tag: {parts:?}"
        );
        let Segment::Widget(w) = &parts[1] else {
            panic!("widget expected")
        };
        assert_eq!(w.knobs, vec!["retries.l1->l2".to_string(), "scope".into()]);
        assert_eq!(w.caption, "c");
        assert_eq!(parts[2], Segment::Html("<p>y</p>".into()));
        let none = parse_widget(" data-widget=\"lab\" data-preset=\"flash-sale\"").expect("valid");
        assert!(none.knobs.is_empty());
        assert!(
            parse_widget(" data-widget=\"lab\" data-preset=\"x\" data-knobs=\"a b\"")
                .unwrap_err()
                .contains("not a knob id")
        );
        assert!(
            parse_widget(" data-widget=\"lab\" data-preset=\"x\" data-knobs=\"a,,b\"").is_err()
        );
    }

    #[test]
    fn html_without_markers_is_one_segment() {
        assert_eq!(
            split("<p>x</p>").expect("valid"),
            vec![Segment::Html("<p>x</p>".into())]
        );
        assert_eq!(split("  \n").expect("valid"), vec![]);
    }

    #[test]
    fn malformed_markers_are_errors() {
        assert!(split("<div data-widget=\"lab\"></div>")
            .unwrap_err()
            .contains("preset"));
        assert!(split("<div data-widget=\"nope\"></div>")
            .unwrap_err()
            .contains("unknown"));
        assert!(
            split("<div data-widget=\"lab\" data-preset=\"x\"><p>no</p></div>")
                .unwrap_err()
                .contains("empty")
        );
        assert!(split("<div data-widget=\"lab\" data-preset=x></div>").is_err());
        assert!(split("<div data-widget=\"lab\" data-preset=\"a/b\"></div>").is_err());
        assert!(split("<div data-widget=\"lab\" data-preset=\"x\"").is_err());
    }
}
