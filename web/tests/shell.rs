//! The app shell mounted in a real browser page (wasm-bindgen-test in headless Chromium):
//! the navigation, the time controls and the reducer wired to the DOM.

// Tests may unwrap and panic (clippy.toml), but clippy cannot tell that the helpers of a
// wasm-bindgen-test file are test code.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<dynaplay_web::app::App>::with_root(root.clone()).render();
    settle().await;
    root
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

fn by_testid(root: &Element, id: &str) -> HtmlElement {
    root.query_selector(&format!("[data-testid={id}]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={id}"))
        .dyn_into()
        .unwrap()
}

#[wasm_bindgen_test]
async fn navigation_lists_every_view() {
    let root = mount().await;
    let links = root.query_selector_all("nav[aria-label=Views] a").unwrap();
    let names: Vec<String> = (0..links.length())
        .filter_map(|i| links.item(i))
        .filter_map(|node| node.text_content())
        .collect();
    assert_eq!(
        names,
        [
            "Tables",
            "Console",
            "Partitions",
            "Consistency",
            "DAX",
            "EMR",
            "Lessons"
        ]
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn step_button_advances_the_shown_time_by_one_step() {
    let root = mount().await;
    let time = by_testid(&root, "sim-time");
    assert_eq!(time.get_attribute("data-micros").as_deref(), Some("0"));
    by_testid(&root, "step").click();
    settle().await;
    assert_eq!(time.get_attribute("data-micros").as_deref(), Some("100000"));
    assert_eq!(time.text_content().as_deref(), Some("0.100 s"));
    root.remove();
}

#[wasm_bindgen_test]
async fn play_runs_on_animation_frames_until_paused() {
    let root = mount().await;
    let toggle = by_testid(&root, "play-toggle");
    toggle.click();
    yew::platform::time::sleep(Duration::from_millis(300)).await;
    toggle.click();
    settle().await;
    let time = by_testid(&root, "sim-time");
    let after_pause: u64 = time.get_attribute("data-micros").unwrap().parse().unwrap();
    assert!(after_pause > 0, "time advanced while playing");
    yew::platform::time::sleep(Duration::from_millis(150)).await;
    let later: u64 = time.get_attribute("data-micros").unwrap().parse().unwrap();
    assert_eq!(later, after_pause, "time stands still while paused");
    root.remove();
}
