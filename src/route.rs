//! Page addressing for the app.
//!
//! Pages live in the URL fragment (`#/lab`, `#/learn`, `#/cards`) so that the app works from any
//! static host, under any sub-path and inside an iframe, and a reload lands on the same page: the
//! server only ever sees the path of `index.html`.

/// One page of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The simulator.
    Lab,
    /// Lessons: the chapter list.
    Learn,
    /// One lesson chapter, `#/learn/SLUG`; holds the chapter's slug.
    Lesson(String),
    /// Spaced-repetition flashcards.
    Flashcards,
    /// The engine benchmark (not in the navigation): M/M/c through the engine, timed in the page.
    Bench,
    /// A fragment that names no page; holds the page part that was asked for.
    NotFound(String),
}

impl Route {
    /// Every page reachable from the navigation, in menu order.
    pub const NAV: [Route; 3] = [Route::Lab, Route::Learn, Route::Flashcards];

    /// Reads a route from a URL fragment such as `#/learn` or `#/lab?p=…`.
    /// An empty fragment is the Lab, the landing page.
    /// The query part (`?a=1&b=2`) is read by [`query_param`].
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#');
        let path = path.split(['?', '&']).next().unwrap_or("");
        let path = path.trim_matches('/');
        match path {
            "" | "lab" => Route::Lab,
            "learn" => Route::Learn,
            p if p.starts_with("learn/") && is_slug(&p[6..]) => Route::Lesson(p[6..].to_string()),
            "cards" | "flashcards" => Route::Flashcards,
            "bench" => Route::Bench,
            other => Route::NotFound(other.to_string()),
        }
    }

    /// The fragment that addresses this page, e.g. `#/learn` or `#/learn/retries`.
    pub fn href(&self) -> String {
        match self {
            Route::Lesson(s) => format!("#/learn/{s}"),
            _ => format!("#/{}", self.slug()),
        }
    }

    /// The path segment of this page's section (a lesson is in `learn`).
    pub fn slug(&self) -> &str {
        match self {
            Route::Lab => "lab",
            Route::Learn | Route::Lesson(_) => "learn",
            Route::Flashcards => "cards",
            Route::Bench => "bench",
            Route::NotFound(p) => p,
        }
    }

    /// The human name of the page, as shown in the navigation and the document title.
    pub fn title(&self) -> &'static str {
        match self {
            Route::Lab => "Lab",
            Route::Learn | Route::Lesson(_) => "Learn",
            Route::Flashcards => "Flashcards",
            Route::Bench => "Benchmark",
            Route::NotFound(_) => "Page not found",
        }
    }
}

/// True for a lesson slug: 1–64 characters, lowercase ASCII letters, digits and inner hyphens.
/// Only such names ever become a `#/learn/SLUG` route (and so a file name to fetch).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The value of `name` in the query part of a fragment such as `#/bench?servers=50&rho=0.9`.
pub fn query_param(hash: &str, name: &str) -> Option<String> {
    let query = hash.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| v.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fragment_is_the_lab() {
        assert_eq!(Route::from_hash(""), Route::Lab);
        assert_eq!(Route::from_hash("#"), Route::Lab);
        assert_eq!(Route::from_hash("#/"), Route::Lab);
    }

    #[test]
    fn every_nav_route_round_trips_through_its_href() {
        for r in Route::NAV {
            assert_eq!(Route::from_hash(&r.href()), r);
        }
    }

    #[test]
    fn query_and_trailing_slash_are_ignored() {
        assert_eq!(Route::from_hash("#/learn/"), Route::Learn);
        assert_eq!(Route::from_hash("#/lab?s=abc"), Route::Lab);
        assert_eq!(Route::from_hash("#/flashcards"), Route::Flashcards);
    }

    #[test]
    fn query_parameters_are_read_from_the_fragment() {
        let h = "#/bench?servers=50&rho=0.9&run";
        assert_eq!(Route::from_hash(h), Route::Bench);
        assert_eq!(query_param(h, "servers").as_deref(), Some("50"));
        assert_eq!(query_param(h, "rho").as_deref(), Some("0.9"));
        assert_eq!(query_param(h, "run").as_deref(), Some(""));
        assert_eq!(query_param(h, "seed"), None);
        assert_eq!(query_param("#/bench", "servers"), None);
    }

    #[test]
    fn lesson_routes_carry_their_slug_and_belong_to_learn() {
        let r = Route::from_hash("#/learn/circuit-breakers");
        assert_eq!(r, Route::Lesson("circuit-breakers".into()));
        assert_eq!(r.href(), "#/learn/circuit-breakers");
        assert_eq!(r.slug(), "learn");
        assert_eq!(r.title(), "Learn");
        assert_eq!(Route::from_hash(&r.href()), r);
        assert_eq!(
            Route::from_hash("#/learn/retries/?x=1"),
            Route::Lesson("retries".into())
        );
        assert_eq!(Route::from_hash("#/learn//"), Route::Learn);
    }

    #[test]
    fn lesson_slugs_are_plain_names_only() {
        assert!(is_slug("partial-failure"));
        assert!(is_slug("a1"));
        for bad in ["", "-a", "a-", "A", "a/b", "../x", "a.html", "a b", "é"] {
            assert!(!is_slug(bad), "{bad:?}");
        }
        assert_eq!(
            Route::from_hash("#/learn/../secret"),
            Route::NotFound("learn/../secret".into())
        );
        assert_eq!(
            Route::from_hash("#/learn/a/b"),
            Route::NotFound("learn/a/b".into())
        );
    }

    #[test]
    fn unknown_page_is_not_found_with_its_name() {
        assert_eq!(
            Route::from_hash("#/nowhere"),
            Route::NotFound("nowhere".into())
        );
        assert_eq!(Route::NotFound("x".into()).title(), "Page not found");
    }
}
