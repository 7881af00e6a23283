//! Every browser API the playground touches, in one place.
//!
//! Animation frames, keyboard shortcuts, the system colour scheme, local storage, the URL
//! fragment, globals on `window` (the page's JavaScript API) and the values of form fields
//! are all reached from here, so the rest of the app stays a function of state and
//! can be reasoned about (and tested) without a page. Anything the browser refuses — storage
//! disabled, no `matchMedia` — degrades to a sensible default instead of failing.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::render::{AnimationFrame, request_animation_frame};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Event, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent, MediaQueryList,
};

use crate::theme::{Theme, ThemePreference};

/// Drawing on canvases (the Partitions view's key space).
pub mod painter;

const THEME_KEY: &str = "dynaplay.theme";
const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

fn dark_query() -> Option<MediaQueryList> {
    web_sys::window()?.match_media(DARK_QUERY).ok().flatten()
}

/// Whether the system currently prefers a dark colour scheme.
pub fn system_prefers_dark() -> bool {
    dark_query().is_some_and(|query| query.matches())
}

/// Calls `on_change(dark)` whenever the system colour scheme changes, until dropped.
pub fn watch_system_theme(on_change: impl Fn(bool) + 'static) -> Option<EventListener> {
    let query = dark_query()?;
    let target = query.clone();
    Some(EventListener::new(&target, "change", move |_| {
        on_change(query.matches())
    }))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load_theme() -> ThemePreference {
    let stored = storage().and_then(|s| s.get_item(THEME_KEY).ok().flatten());
    ThemePreference::from_stored(stored.as_deref())
}

pub fn save_theme(preference: ThemePreference) {
    if let Some(storage) = storage() {
        // Storage can be full or disabled; the theme then lasts only for this visit.
        let _ = match preference.stored_name() {
            Some(name) => storage.set_item(THEME_KEY, name),
            None => storage.remove_item(THEME_KEY),
        };
    }
}

/// Puts the theme on `<html data-theme>`, where the style sheet reads it.
pub fn apply_theme(theme: Theme) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme.name());
    }
}

/// The URL fragment (`#/dax`), or empty.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Calls `on_change(fragment)` when the URL fragment changes (links, back/forward).
pub fn watch_fragment(on_change: impl Fn(String) + 'static) -> Option<EventListener> {
    let window = web_sys::window()?;
    Some(EventListener::new(&window, "hashchange", move |_| {
        on_change(fragment())
    }))
}

/// Sets `window[name] = value`; false if there is no window or it refused.
pub fn set_global(name: &str, value: &JsValue) -> bool {
    web_sys::window().is_some_and(|window| {
        js_sys::Reflect::set(&window, &JsValue::from_str(name), value).is_ok()
    })
}

/// Removes `window[name]`, but only while it is still `value`: a newer installation by
/// another mount of the app is left alone.
pub fn remove_global_if(name: &str, value: &JsValue) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let key = JsValue::from_str(name);
    if js_sys::Reflect::get(&window, &key).is_ok_and(|current| js_sys::Object::is(&current, value))
    {
        let _ = js_sys::Reflect::delete_property(&window, &key);
    }
}

/// The text of the input, textarea or select an event came from.
pub fn event_value(event: &Event) -> Option<String> {
    let target = event.target()?;
    if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        return Some(input.value());
    }
    if let Some(area) = target.dyn_ref::<HtmlTextAreaElement>() {
        return Some(area.value());
    }
    target
        .dyn_ref::<HtmlSelectElement>()
        .map(HtmlSelectElement::value)
}

/// Whether the checkbox an event came from is now checked.
pub fn event_checked(event: &Event) -> Option<bool> {
    event
        .target()?
        .dyn_ref::<HtmlInputElement>()
        .map(HtmlInputElement::checked)
}

/// A keyboard shortcut the playground understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    TogglePlay,
    Step,
    Help,
    Escape,
}

impl Shortcut {
    pub fn from_key(key: &str) -> Option<Shortcut> {
        match key {
            " " | "Spacebar" => Some(Shortcut::TogglePlay),
            "." => Some(Shortcut::Step),
            "?" => Some(Shortcut::Help),
            "Escape" => Some(Shortcut::Escape),
            _ => None,
        }
    }
}

/// Whether a key press belongs to a form field rather than to the playground. Checkboxes
/// and radio buttons count: Space is the only key that ticks them.
fn typing_into_field(event: &KeyboardEvent) -> bool {
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let tag = element.tag_name().to_ascii_lowercase();
    let text_input = tag == "input"
        && !matches!(
            element.get_attribute("type").as_deref(),
            Some("range" | "button")
        );
    text_input
        || tag == "textarea"
        || tag == "select"
        || element
            .get_attribute("contenteditable")
            .is_some_and(|v| v != "false")
}

/// Calls `on_shortcut` for shortcuts pressed anywhere on the page except in text fields.
pub fn watch_shortcuts(on_shortcut: impl Fn(Shortcut) + 'static) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    Some(EventListener::new(&document, "keydown", move |event| {
        let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
            return;
        };
        if event.ctrl_key() || event.meta_key() || event.alt_key() || typing_into_field(event) {
            return;
        }
        if let Some(shortcut) = Shortcut::from_key(&event.key()) {
            // Space would otherwise scroll the page or press the focused button twice.
            event.prevent_default();
            on_shortcut(shortcut);
        }
    }))
}

/// A running loop of animation frames, stopped when dropped.
pub struct FrameLoop {
    _handle: Rc<RefCell<Option<AnimationFrame>>>,
}

/// Calls `on_frame(elapsed_ms)` on every animation frame until the returned loop is dropped.
/// The first frame only sets the baseline, so starting the loop never jumps time.
pub fn frame_loop(on_frame: impl Fn(f64) + 'static) -> FrameLoop {
    let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
    let on_frame = Rc::new(on_frame);
    schedule_frame(Rc::downgrade(&handle), on_frame, None);
    FrameLoop { _handle: handle }
}

fn schedule_frame(
    slot: std::rc::Weak<RefCell<Option<AnimationFrame>>>,
    on_frame: Rc<dyn Fn(f64)>,
    previous: Option<f64>,
) {
    let Some(strong) = slot.upgrade() else { return };
    let next_slot = slot.clone();
    let frame = request_animation_frame(move |timestamp| {
        if let Some(previous) = previous {
            on_frame(timestamp - previous);
        }
        schedule_frame(next_slot, on_frame, Some(timestamp));
    });
    *strong.borrow_mut() = Some(frame);
}

// ---- The EMR view: real time for budgets, uploaded files, pixel canvases ----

/// Milliseconds of real time since the page loaded, for bounding work done in one frame
/// (never for simulated time); zero without a page.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The largest text file the EMR view accepts, in bytes.
pub const MAX_UPLOAD_BYTES: f64 = 2_000_000.0;

/// Reads the file chosen in the `<input type="file">` an event came from and calls
/// `on_read` with its name and text, or with why it could not be used. Nothing happens if
/// no file was chosen (the dialog was cancelled).
pub fn read_chosen_file(
    event: &Event,
    on_read: impl FnOnce(Result<(String, String), String>) + 'static,
) {
    let Some(file) = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
    else {
        return;
    };
    let name = file.name();
    if file.size() > MAX_UPLOAD_BYTES {
        on_read(Err(format!(
            "{name} is {:.1} MB; the playground takes text files up to {:.0} MB",
            file.size() / 1e6,
            MAX_UPLOAD_BYTES / 1e6
        )));
        return;
    }
    let text = file.text();
    wasm_bindgen_futures::spawn_local(async move {
        let read = wasm_bindgen_futures::JsFuture::from(text).await;
        on_read(match read.ok().and_then(|v| v.as_string()) {
            Some(text) if text.contains('\0') => Err(format!("{name} is not a text file")),
            Some(text) => Ok((name, text)),
            None => Err(format!("{name} could not be read")),
        });
    });
}

/// Device pixels per CSS pixel (at least 1).
pub fn device_scale() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r >= 1.0)
        .unwrap_or(1.0)
}

/// The laid-out width of a canvas in device pixels, and the device pixel ratio.
pub fn canvas_width(canvas: &web_sys::HtmlCanvasElement) -> (u32, f64) {
    let scale = device_scale();
    let css = f64::from(canvas.client_width().max(1));
    ((css * scale).round() as u32, scale)
}

/// Shows a rasterised picture on a canvas: its pixels in one `putImageData`, then its
/// labels. The canvas takes the picture's size (its CSS height follows, at `scale`).
pub fn paint_raster(
    canvas: &web_sys::HtmlCanvasElement,
    raster: &crate::views::emr::raster::Raster,
    scale: f64,
) {
    if canvas.width() != raster.width {
        canvas.set_width(raster.width);
    }
    if canvas.height() != raster.height {
        canvas.set_height(raster.height);
        let css = f64::from(raster.height) / scale.max(1.0);
        let _ = canvas.set_attribute("style", &format!("height: {css:.1}px"));
    }
    let Some(context) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let pixels = wasm_bindgen::Clamped(raster.pixels.as_slice());
    if let Ok(image) =
        web_sys::ImageData::new_with_u8_clamped_array_and_sh(pixels, raster.width, raster.height)
    {
        let _ = context.put_image_data(&image, 0.0, 0.0);
    }
    context.set_text_baseline("middle");
    for label in &raster.labels {
        let weight = if label.bold { "600 " } else { "" };
        context.set_font(&format!(
            "{weight}{:.1}px system-ui, sans-serif",
            label.size
        ));
        context.set_fill_style_str(&label.colour.css());
        context.set_text_align(label.align.css());
        let _ = context.fill_text(&label.text, label.x, label.y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn shortcut_keys() {
        assert_eq!(Shortcut::from_key(" "), Some(Shortcut::TogglePlay));
        assert_eq!(Shortcut::from_key("."), Some(Shortcut::Step));
        assert_eq!(Shortcut::from_key("?"), Some(Shortcut::Help));
        assert_eq!(Shortcut::from_key("a"), None);
    }
}
