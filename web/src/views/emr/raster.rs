//! Pictures with thousands of marks, drawn as pixels.
//!
//! The EMR view's canvases show every task attempt of a job (the MapReduce paper's sort
//! makes about 20,000) and every node and block of a cluster (its 1,746 machines hold
//! 45,000 block replicas). Drawing each mark with its own canvas call would cross from
//! WebAssembly into JavaScript tens of thousands of times a frame; instead a picture is
//! rasterised here, in plain Rust, into one RGBA buffer that the browser takes in a single
//! `putImageData`, and the few words on it (node names, axis ticks) are drawn on top as
//! [`Label`]s. Rasterising is a loop over memory, so it is fast, and — being pure — it is
//! tested without a page.

/// An opaque colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, for labels drawn by the canvas.
    pub fn css(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// This colour mixed with `other`: `share` of `other` (0 to 1).
    pub fn mix(self, other: Rgb, share: f64) -> Rgb {
        let share = share.clamp(0.0, 1.0);
        let blend =
            |a: u8, b: u8| (f64::from(a) * (1.0 - share) + f64::from(b) * share).round() as u8;
        Rgb(
            blend(self.0, other.0),
            blend(self.1, other.1),
            blend(self.2, other.2),
        )
    }
}

/// How a label's text sits on its point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

impl Align {
    pub fn css(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        }
    }
}

/// A word drawn over the pixels; `y` is the text's middle. Sizes are device pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
    pub colour: Rgb,
    pub size: f64,
    pub bold: bool,
    pub align: Align,
}

/// An RGBA picture `width` × `height` device pixels, with labels to draw over it.
#[derive(Debug, Clone, PartialEq)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
    pub labels: Vec<Label>,
}

impl Raster {
    /// A picture filled with `background`. Sizes are capped so a bad measurement can never
    /// ask for gigabytes.
    pub fn new(width: u32, height: u32, background: Rgb) -> Raster {
        let width = width.clamp(1, 8_192);
        let height = height.clamp(1, 8_192);
        let mut pixels = Vec::with_capacity(width as usize * height as usize * 4);
        for _ in 0..(width as usize * height as usize) {
            pixels.extend_from_slice(&[background.0, background.1, background.2, 255]);
        }
        Raster {
            width,
            height,
            pixels,
            labels: Vec::new(),
        }
    }

    /// Fills the rectangle from (`x0`, `y0`) to (`x1`, `y1`), clipped to the picture.
    /// Edges are rounded to whole pixels, but a rectangle that would round to nothing
    /// still covers one pixel: a one-second attempt on a fifteen-minute axis must show.
    pub fn fill(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, colour: Rgb) {
        let (Some((left, right)), Some((top, bottom))) =
            (span(x0, x1, self.width), span(y0, y1, self.height))
        else {
            return;
        };
        let stride = self.width as usize * 4;
        let texel = [colour.0, colour.1, colour.2, 255];
        for row in self
            .pixels
            .chunks_exact_mut(stride)
            .skip(top)
            .take(bottom - top)
        {
            if let Some(cells) = row.get_mut(left * 4..right * 4) {
                for cell in cells.chunks_exact_mut(4) {
                    cell.copy_from_slice(&texel);
                }
            }
        }
    }

    /// A one-pixel-wide outline inside the rectangle.
    pub fn outline(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, width: f64, colour: Rgb) {
        self.fill(x0, y0, x1, y0 + width, colour);
        self.fill(x0, y1 - width, x1, y1, colour);
        self.fill(x0, y0, x0 + width, y1, colour);
        self.fill(x1 - width, y0, x1, y1, colour);
    }

    /// Adds a label.
    pub fn label(
        &mut self,
        x: f64,
        y: f64,
        text: impl Into<String>,
        colour: Rgb,
        size: f64,
        align: Align,
    ) {
        self.labels.push(Label {
            x,
            y,
            text: text.into(),
            colour,
            size,
            bold: false,
            align,
        });
    }

    /// The colour at one pixel (for tests).
    pub fn at(&self, x: u32, y: u32) -> Option<Rgb> {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        match self.pixels.get(i..i + 3) {
            Some([r, g, b]) if x < self.width => Some(Rgb(*r, *g, *b)),
            _ => None,
        }
    }

    /// How many pixels have exactly `colour` (for tests and for the page's test hooks).
    pub fn count(&self, colour: Rgb) -> usize {
        self.pixels
            .chunks_exact(4)
            .filter(|p| p.get(..3) == Some(&[colour.0, colour.1, colour.2][..]))
            .count()
    }
}

/// The whole pixels from `a` to `b` inside `0..limit`, at least one wide when any of it
/// is inside.
fn span(a: f64, b: f64, limit: u32) -> Option<(usize, usize)> {
    if !a.is_finite() || !b.is_finite() {
        return None;
    }
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let limit = f64::from(limit);
    if b < 0.0 || a >= limit {
        return None;
    }
    let start = a.round().clamp(0.0, limit - 1.0);
    let end = b.round().clamp(start + 1.0, limit);
    Some((start as usize, end as usize))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    const WHITE: Rgb = Rgb(255, 255, 255);
    const RED: Rgb = Rgb(255, 0, 0);

    #[wasm_bindgen_test]
    fn fills_are_clipped_and_never_vanish() {
        let mut r = Raster::new(10, 4, WHITE);
        r.fill(-5.0, 1.0, 3.0, 3.0, RED);
        assert_eq!(r.count(RED), 6, "3 columns × 2 rows, clipped on the left");
        assert_eq!(r.at(0, 0), Some(WHITE));
        assert_eq!(r.at(2, 2), Some(RED));
        assert_eq!(r.at(3, 2), Some(WHITE));
        // A sliver narrower than a pixel still shows as one pixel.
        let mut r = Raster::new(10, 4, WHITE);
        r.fill(5.2, 0.0, 5.3, 1.0, RED);
        assert_eq!(r.count(RED), 1);
        // Entirely outside, or not a number: nothing.
        r.fill(20.0, 0.0, 30.0, 4.0, RED);
        r.fill(f64::NAN, 0.0, 3.0, 4.0, RED);
        assert_eq!(r.count(RED), 1);
        assert_eq!(r.at(10, 0), None, "outside the picture");
    }

    #[wasm_bindgen_test]
    fn outlines_leave_the_inside_alone() {
        let mut r = Raster::new(6, 6, WHITE);
        r.outline(0.0, 0.0, 6.0, 6.0, 1.0, RED);
        assert_eq!(r.count(RED), 20);
        assert_eq!(r.at(3, 3), Some(WHITE));
    }

    #[wasm_bindgen_test]
    fn colours_mix_and_print() {
        assert_eq!(WHITE.mix(Rgb(0, 0, 0), 0.5), Rgb(128, 128, 128));
        assert_eq!(RED.css(), "#ff0000");
        assert_eq!(Raster::new(0, 0, WHITE).width, 1, "never empty");
    }
}
