//! Component tests in a real browser (headless Chromium): `scripts/test.sh` runs them with
//! wasm-bindgen-test-runner and ChromeDriver.
#![cfg(target_arch = "wasm32")]

use faultline::ui::App;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `App` into a fresh container and returns the container; the mount lives for the test.
fn mount_app() -> web_sys::HtmlElement {
    let document = document();
    let container = document
        .create_element("div")
        .expect("create container")
        .dyn_into::<web_sys::HtmlElement>()
        .expect("div is an HtmlElement");
    document
        .body()
        .expect("body")
        .append_child(&container)
        .expect("append container");
    let handle = leptos::mount::mount_to(container.clone(), App);
    std::mem::forget(handle);
    container
}

fn query(root: &web_sys::HtmlElement, selector: &str) -> web_sys::HtmlElement {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .dyn_into::<web_sys::HtmlElement>()
        .expect("HtmlElement")
}

#[wasm_bindgen_test]
async fn clicking_the_nav_switches_page_and_marks_it_current() {
    window().location().set_hash("#/lab").expect("set hash");
    TimeoutFuture::new(0).await;
    let root = mount_app();

    assert_eq!(query(&root, "h1").text_content().as_deref(), Some("Lab"));
    assert_eq!(
        query(&root, "[data-testid=nav-lab]")
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );

    query(&root, "[data-testid=nav-learn]").click();
    // hashchange is dispatched asynchronously after the navigation
    for _ in 0..50 {
        if query(&root, "h1").text_content().as_deref() == Some("Learn") {
            break;
        }
        TimeoutFuture::new(10).await;
    }

    assert_eq!(query(&root, "h1").text_content().as_deref(), Some("Learn"));
    assert_eq!(window().location().hash().ok().as_deref(), Some("#/learn"));
    assert_eq!(
        query(&root, "[data-testid=nav-learn]")
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );
    assert_eq!(
        query(&root, "[data-testid=nav-lab]").get_attribute("aria-current"),
        None
    );
    assert_eq!(document().title(), "Learn · Faultline");
    root.remove();
}

/// The same fingerprint as `SHOP_DIGEST` in tests/sim_engine.rs: the example scenario runs
/// bit-identically in the browser and natively.
const SHOP_DIGEST: u64 = 13_659_481_672_376_985_520;

#[wasm_bindgen_test]
fn the_engine_runs_bit_identically_in_the_browser() {
    let scenario = faultline::sim::Scenario::from_json(include_str!("../examples/shop.json"))
        .expect("example scenario is valid");
    let mut sim = faultline::sim::Simulation::new(scenario).expect("valid");
    sim.run();
    assert_eq!(sim.report().fingerprint(), SHOP_DIGEST);
}

/// Mounts the Flashcards page alone into a fresh container, with empty localStorage.
fn mount_flashcards() -> web_sys::HtmlElement {
    if let Ok(Some(storage)) = window().local_storage() {
        storage.clear().expect("clear localStorage");
    }
    let container = document()
        .create_element("div")
        .expect("create container")
        .dyn_into::<web_sys::HtmlElement>()
        .expect("div is an HtmlElement");
    document()
        .body()
        .expect("body")
        .append_child(&container)
        .expect("append container");
    let handle = leptos::mount::mount_to(container.clone(), faultline::ui::FlashcardsPage);
    std::mem::forget(handle);
    container
}

fn text_of(root: &web_sys::HtmlElement, selector: &str) -> String {
    query(root, selector).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn flashcards_show_answer_then_good_moves_a_card_from_new_to_learning() {
    let root = mount_flashcards();
    TimeoutFuture::new(0).await;
    assert_eq!(text_of(&root, "h1"), "Flashcards");
    assert_eq!(text_of(&root, "[data-testid=count-new]"), "20");
    assert_eq!(text_of(&root, "[data-testid=count-learning]"), "0");
    assert_eq!(text_of(&root, "[data-testid=count-due]"), "0");
    assert!(root
        .query_selector("[data-testid=card-back]")
        .unwrap()
        .is_none());
    let first = text_of(&root, "[data-testid=card-front]");

    query(&root, "[data-testid=show-answer]").click();
    TimeoutFuture::new(0).await;
    assert!(!text_of(&root, "[data-testid=card-back]").is_empty());
    assert!(text_of(&root, "[data-testid=grade-1]").contains("1m"));
    assert!(text_of(&root, "[data-testid=grade-3]").contains("10m"));

    query(&root, "[data-testid=grade-3]").click();
    TimeoutFuture::new(0).await;
    assert_eq!(text_of(&root, "[data-testid=count-new]"), "19");
    assert_eq!(text_of(&root, "[data-testid=count-learning]"), "1");
    assert_ne!(text_of(&root, "[data-testid=card-front]"), first);
    // saved before the next card showed
    let saved = window()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("faultline.srs.v1")
        .unwrap()
        .expect("progress saved");
    assert!(saved.contains("\"rating\":3"), "{saved}");

    query(&root, "[data-testid=undo]").click();
    TimeoutFuture::new(0).await;
    assert_eq!(text_of(&root, "[data-testid=count-new]"), "20");
    assert_eq!(text_of(&root, "[data-testid=card-front]"), first);
    root.remove();
}
