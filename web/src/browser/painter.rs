//! Drawing on a `<canvas>`: the one place the app touches the 2D canvas API.
//!
//! A [`Painter`] draws in *logical* pixels — a fixed coordinate space chosen by the
//! picture (say 1000 × 260) — while its backing store follows the size the canvas is
//! shown at and the screen's pixel ratio, so lines stay crisp however wide the page is.
//! Pictures that hold thousands of marks draw them once onto an off-screen painter (a
//! canvas that is not on the page) and copy that layer onto the visible canvas in one call
//! on every redraw. Everything returns quietly if the browser refuses (no 2D context):
//! a picture that cannot be drawn must not take the page down.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, MouseEvent};

/// A canvas and its 2D context.
#[derive(Clone)]
pub struct Painter {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
}

fn context_of(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// How many device pixels make one CSS pixel (1 when unknown).
pub fn device_pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0)
}

impl Painter {
    /// A painter for a `<canvas>` element on the page.
    pub fn on(element: &Element) -> Option<Painter> {
        let canvas: HtmlCanvasElement = element.clone().dyn_into().ok()?;
        let context = context_of(&canvas)?;
        Some(Painter { canvas, context })
    }

    /// A painter for a canvas that is not on the page, `width × height` device pixels.
    pub fn offscreen(width: u32, height: u32) -> Option<Painter> {
        let document = web_sys::window()?.document()?;
        let canvas: HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
        canvas.set_width(width.max(1));
        canvas.set_height(height.max(1));
        let context = context_of(&canvas)?;
        Some(Painter { canvas, context })
    }

    /// The backing store's size in device pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.canvas.width(), self.canvas.height())
    }

    /// The width the canvas is shown at, in CSS pixels (0 while it is not laid out).
    pub fn shown_width(&self) -> f64 {
        f64::from(self.canvas.client_width())
    }

    /// Sizes the backing store to `device` pixels (clearing it if that changes it) and
    /// maps `logical` coordinates onto it.
    pub fn fit(&self, device: (u32, u32), logical: (f64, f64)) {
        let (width, height) = (device.0.max(1), device.1.max(1));
        if self.size() != (width, height) {
            self.canvas.set_width(width);
            self.canvas.set_height(height);
        }
        let (sx, sy) = (
            f64::from(width) / logical.0.max(1.0),
            f64::from(height) / logical.1.max(1.0),
        );
        let _ = self.context.set_transform(sx, 0.0, 0.0, sy, 0.0, 0.0);
    }

    /// Clears everything (in logical coordinates up to `logical`).
    pub fn clear(&self, logical: (f64, f64)) {
        self.context.clear_rect(0.0, 0.0, logical.0, logical.1);
    }

    pub fn fill_rect(&self, color: &str, x: f64, y: f64, w: f64, h: f64) {
        self.context.set_fill_style_str(color);
        self.context.fill_rect(x, y, w, h);
    }

    /// Many squares of one colour and `size`, each at its top-left corner.
    pub fn fill_squares(&self, color: &str, size: f64, corners: impl Iterator<Item = (f64, f64)>) {
        self.context.set_fill_style_str(color);
        for (x, y) in corners {
            self.context.fill_rect(x, y, size, size);
        }
    }

    pub fn stroke_rect(&self, color: &str, width: f64, x: f64, y: f64, w: f64, h: f64) {
        self.context.set_stroke_style_str(color);
        self.context.set_line_width(width);
        self.context.stroke_rect(x, y, w, h);
    }

    /// A straight line, dashed or solid.
    pub fn line(&self, color: &str, width: f64, dash: &[f64], from: (f64, f64), to: (f64, f64)) {
        let pattern: js_sys::Array = dash
            .iter()
            .map(|d| wasm_bindgen::JsValue::from(*d))
            .collect();
        let _ = self.context.set_line_dash(&pattern);
        self.context.set_stroke_style_str(color);
        self.context.set_line_width(width);
        self.context.begin_path();
        self.context.move_to(from.0, from.1);
        self.context.line_to(to.0, to.1);
        self.context.stroke();
        let _ = self.context.set_line_dash(&js_sys::Array::new());
    }

    /// A circle's outline.
    pub fn ring(&self, color: &str, width: f64, centre: (f64, f64), radius: f64) {
        self.context.set_stroke_style_str(color);
        self.context.set_line_width(width);
        self.context.begin_path();
        let _ = self
            .context
            .arc(centre.0, centre.1, radius, 0.0, std::f64::consts::TAU);
        self.context.stroke();
    }

    /// Text in `font` (a CSS font), aligned `left`, `center` or `right` at `x`, with its
    /// baseline at `y`.
    pub fn text(&self, color: &str, font: &str, align: &str, at: (f64, f64), text: &str) {
        self.context.set_fill_style_str(color);
        self.context.set_font(font);
        self.context.set_text_align(align);
        let _ = self.context.fill_text(text, at.0, at.1);
    }

    /// Copies all of `layer` onto this canvas, stretched over the logical rectangle.
    pub fn draw_layer(&self, layer: &Painter, x: f64, y: f64, w: f64, h: f64) {
        let _ = self
            .context
            .draw_image_with_html_canvas_element_and_dw_and_dh(&layer.canvas, x, y, w, h);
    }

    /// Sets an attribute on the canvas element (how tests and assistive text learn what
    /// was drawn).
    pub fn set_attribute(&self, name: &str, value: &str) {
        let _ = self.canvas.set_attribute(name, value);
    }
}

/// Where `event` happened on the element it was registered on, in that element's logical
/// coordinates (`logical` is the size of its logical space).
pub fn event_point(event: &MouseEvent, logical: (f64, f64)) -> Option<(f64, f64)> {
    let target: Element = event.current_target()?.dyn_into().ok()?;
    let rect = target.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    let x = (f64::from(event.client_x()) - rect.left()) / rect.width() * logical.0;
    let y = (f64::from(event.client_y()) - rect.top()) / rect.height() * logical.1;
    Some((x, y))
}
