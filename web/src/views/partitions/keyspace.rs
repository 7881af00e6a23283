//! The key space on a canvas: partitions as contiguous ranges, every item as a mark.
//!
//! The horizontal axis is the 128-bit hash of the partition key, left (0x000…) to right
//! (0xfff…). Each partition is a band over its range — tinted warm while it runs hot, with
//! a dashed cut and a progress bar while it splits — and each item is a small square at
//! its hash. The vertical spread of the marks carries no meaning beyond making a dense
//! range readable: it comes from the hash's low bits, so an item always sits at the same
//! spot. Marks take the colour of their partition.
//!
//! Ten thousand marks are too many to draw on every frame, so they are drawn once onto an
//! off-screen layer whenever the items or the partition boundaries change, and each redraw
//! — when the bands' heat, a split's progress, the selection or the theme change — paints
//! the bands, copies the layer in one call and adds the overlays. Nothing is redrawn when
//! nothing changed.

use std::cell::RefCell;
use std::rc::Rc;

use dynaplay_world::dynamo::physical::ItemMark;
use yew::prelude::*;

use super::state::Selected;
use crate::browser::painter::{Painter, device_pixel_ratio, event_point};

/// The picture's logical size.
pub const WIDTH: f64 = 1000.0;
pub const HEIGHT: f64 = 250.0;
const LEFT: f64 = 12.0;
const RIGHT: f64 = WIDTH - 12.0;
const BAND_TOP: f64 = 26.0;
const BAND_HEIGHT: f64 = 176.0;
const BAND_BOTTOM: f64 = BAND_TOP + BAND_HEIGHT;
/// How close (in logical pixels) a click must be to a mark to pick it.
const PICK_RADIUS: f64 = 6.0;

/// A split under way, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitMark {
    /// Where the cut falls, as a fraction of the key space.
    pub at: f64,
    /// 0 at the start, 1 when the items have moved.
    pub progress: f64,
    pub reason: &'static str,
}

/// One partition as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub id: u32,
    pub start: f64,
    pub end: f64,
    pub hot: bool,
    pub split: Option<SplitMark>,
}

/// The table's items, in key-space order, with each mark's height in the band.
#[derive(Debug, Default)]
pub struct Marks {
    pub items: Vec<ItemMark>,
    /// 0..1 from the hash's low 16 bits.
    pub heights: Vec<f32>,
}

impl Marks {
    pub fn new(items: Vec<ItemMark>) -> Marks {
        let heights = items.iter().map(|m| height_of(&m.hash)).collect();
        Marks { items, heights }
    }

    /// The marks whose position lies in `from..=to`, as an index range.
    fn between(&self, from: f64, to: f64) -> std::ops::Range<usize> {
        let first = self.items.partition_point(|m| m.position < from);
        let last = self.items.partition_point(|m| m.position <= to);
        first..last.max(first)
    }
}

/// A shared set of marks that compares by identity: a new fetch is a new set, and two
/// renders of the same fetch never compare ten thousand marks.
#[derive(Debug, Clone, Default)]
pub struct MarksRef(pub Rc<Marks>);

impl PartialEq for MarksRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A mark's height from the last four hex digits of its hash.
pub fn height_of(hash: &str) -> f32 {
    let tail = hash.get(hash.len().saturating_sub(4)..).unwrap_or_default();
    u16::from_str_radix(tail, 16).map_or(0.5, |v| f32::from(v) / f32::from(u16::MAX))
}

/// The x of a key-space fraction.
pub fn x_of(fraction: f64) -> f64 {
    LEFT + fraction.clamp(0.0, 1.0) * (RIGHT - LEFT)
}

/// The key-space fraction at `x`.
pub fn fraction_at(x: f64) -> f64 {
    ((x - LEFT) / (RIGHT - LEFT)).clamp(0.0, 1.0)
}

/// Side of the square a mark is drawn as: larger when there are few.
fn mark_size(count: usize) -> f64 {
    if count <= 2_000 { 3.0 } else { 2.0 }
}

fn mark_point(position: f64, height: f32, size: f64) -> (f64, f64) {
    let x = x_of(position) - size / 2.0;
    let y = BAND_TOP + 4.0 + f64::from(height) * (BAND_HEIGHT - 8.0 - size);
    (x, y)
}

/// What a click at `(x, y)` points at: the nearest item mark within reach, else the
/// partition under it.
pub fn pick(bands: &[Band], marks: &Marks, x: f64, y: f64) -> Option<Selected> {
    if !(LEFT - PICK_RADIUS..=RIGHT + PICK_RADIUS).contains(&x) || !(0.0..=HEIGHT).contains(&y) {
        return None;
    }
    let size = mark_size(marks.items.len());
    let reach = PICK_RADIUS / (RIGHT - LEFT);
    let fraction = fraction_at(x);
    let range = marks.between(fraction - reach, fraction + reach);
    let nearest = range
        .filter_map(|i| {
            let mark = marks.items.get(i)?;
            let height = marks.heights.get(i).copied().unwrap_or(0.5);
            let (mx, my) = mark_point(mark.position, height, size);
            let distance = (mx + size / 2.0 - x).hypot(my + size / 2.0 - y);
            (distance <= PICK_RADIUS).then_some((distance, mark))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, mark)) = nearest {
        return Some(Selected::Item {
            key: mark.key.clone(),
            hash: mark.hash.clone(),
            partition: mark.partition,
            position: mark.position,
        });
    }
    bands
        .iter()
        .find(|b| b.start <= fraction && fraction <= b.end)
        .map(|b| Selected::Partition(b.id))
}

/// Colours for one theme.
struct Palette {
    band: [&'static str; 2],
    hot: &'static str,
    edge: &'static str,
    text: &'static str,
    muted: &'static str,
    marks: [&'static str; 4],
    split: &'static str,
    select: &'static str,
}

const LIGHT: Palette = Palette {
    band: ["#eef1fb", "#f7f8fc"],
    hot: "#ffe3c2",
    edge: "#c3c9d6",
    text: "#1c2230",
    muted: "#5b6475",
    marks: ["#3b5bdb", "#0b7285", "#7048e8", "#2b8a3e"],
    split: "#d9480f",
    select: "#e03131",
};

const DARK: Palette = Palette {
    band: ["#1e2432", "#181d28"],
    hot: "#44301a",
    edge: "#3a4252",
    text: "#e6e9ef",
    muted: "#9aa3b5",
    marks: ["#91a7ff", "#3bc9db", "#b197fc", "#69db7c"],
    split: "#ff922b",
    select: "#ff6b6b",
};

fn palette(dark: bool) -> &'static Palette {
    if dark { &DARK } else { &LIGHT }
}

fn mark_colour(palette: &Palette, band_index: usize) -> &'static str {
    palette
        .marks
        .get(band_index % palette.marks.len())
        .copied()
        .unwrap_or("#888")
}

/// Draws every mark onto `layer`, coloured by the band it falls in.
fn paint_marks(layer: &Painter, bands: &[Band], marks: &Marks, dark: bool) {
    layer.clear((WIDTH, HEIGHT));
    let palette = palette(dark);
    let size = mark_size(marks.items.len());
    for (index, band) in bands.iter().enumerate() {
        let range = marks.between(band.start, band.end);
        let corners = range.filter_map(|i| {
            let mark = marks.items.get(i)?;
            let height = marks.heights.get(i).copied().unwrap_or(0.5);
            Some(mark_point(mark.position, height, size))
        });
        layer.fill_squares(mark_colour(palette, index), size, corners);
    }
}

/// Paints the bands, the marks layer and the overlays.
fn paint(painter: &Painter, layer: &Painter, props: &KeySpaceProps) {
    let palette = palette(props.dark);
    painter.clear((WIDTH, HEIGHT));
    for (index, band) in props.bands.iter().enumerate() {
        let (x0, x1) = (x_of(band.start), x_of(band.end));
        let fill = if band.hot {
            palette.hot
        } else {
            palette.band.get(index % 2).copied().unwrap_or(palette.hot)
        };
        painter.fill_rect(fill, x0, BAND_TOP, (x1 - x0).max(1.0), BAND_HEIGHT);
        painter.line(
            palette.edge,
            1.0,
            &[],
            (x0, BAND_TOP - 4.0),
            (x0, BAND_BOTTOM + 4.0),
        );
        if x1 - x0 >= 22.0 {
            let label = if band.hot && x1 - x0 >= 70.0 {
                format!("p{} · hot", band.id)
            } else {
                format!("p{}", band.id)
            };
            let colour = if band.hot {
                palette.split
            } else {
                palette.text
            };
            painter.text(
                colour,
                "600 12px system-ui, sans-serif",
                "center",
                ((x0 + x1) / 2.0, 18.0),
                &label,
            );
        }
    }
    painter.line(
        palette.edge,
        1.0,
        &[],
        (RIGHT, BAND_TOP - 4.0),
        (RIGHT, BAND_BOTTOM + 4.0),
    );
    painter.draw_layer(layer, 0.0, 0.0, WIDTH, HEIGHT);

    for band in &props.bands {
        let Some(split) = &band.split else { continue };
        let (x0, x1) = (x_of(band.start), x_of(band.end));
        let cut = x_of(split.at);
        painter.line(
            palette.split,
            2.0,
            &[6.0, 4.0],
            (cut, BAND_TOP - 4.0),
            (cut, BAND_BOTTOM + 4.0),
        );
        painter.fill_rect(
            palette.edge,
            x0 + 2.0,
            BAND_BOTTOM + 6.0,
            (x1 - x0 - 4.0).max(1.0),
            5.0,
        );
        painter.fill_rect(
            palette.split,
            x0 + 2.0,
            BAND_BOTTOM + 6.0,
            ((x1 - x0 - 4.0) * split.progress.clamp(0.0, 1.0)).max(1.0),
            5.0,
        );
    }

    match &props.selected {
        Some(Selected::Item { position, hash, .. }) => {
            let size = mark_size(props.marks.0.items.len());
            let (x, y) = mark_point(*position, height_of(hash), size);
            let centre = (x + size / 2.0, y + size / 2.0);
            painter.ring(palette.select, 2.0, centre, 7.0);
            painter.line(
                palette.select,
                1.0,
                &[2.0, 3.0],
                (centre.0, BAND_BOTTOM),
                (centre.0, BAND_BOTTOM + 14.0),
            );
        }
        Some(selected) => {
            if let Some(band) = props.bands.iter().find(|b| b.id == selected.partition()) {
                let (x0, x1) = (x_of(band.start), x_of(band.end));
                painter.stroke_rect(
                    palette.select,
                    2.0,
                    x0 + 1.0,
                    BAND_TOP + 1.0,
                    (x1 - x0 - 2.0).max(1.0),
                    BAND_HEIGHT - 2.0,
                );
            }
        }
        None => {}
    }

    let axis = "12px ui-monospace, monospace";
    painter.text(
        palette.muted,
        axis,
        "left",
        (LEFT, HEIGHT - 12.0),
        "0x0000…",
    );
    painter.text(
        palette.muted,
        axis,
        "right",
        (RIGHT, HEIGHT - 12.0),
        "0xffff…",
    );
    painter.text(
        palette.muted,
        "12px system-ui, sans-serif",
        "center",
        (WIDTH / 2.0, HEIGHT - 12.0),
        "hash of the partition key →",
    );
}

/// What the off-screen layer was drawn from.
#[derive(PartialEq)]
struct LayerKey {
    marks: MarksRef,
    edges: Vec<(f64, f64)>,
    dark: bool,
    device: (u32, u32),
}

struct Layer {
    painter: Painter,
    key: LayerKey,
}

#[derive(Properties, PartialEq)]
pub struct KeySpaceProps {
    pub bands: Vec<Band>,
    pub marks: MarksRef,
    pub selected: Option<Selected>,
    pub dark: bool,
    pub on_pick: Callback<Option<Selected>>,
    /// The accessible description of the picture.
    pub label: String,
}

#[function_component(KeySpace)]
pub fn key_space(props: &KeySpaceProps) -> Html {
    let canvas = use_node_ref();
    let layer: Rc<RefCell<Option<Layer>>> = use_mut_ref(|| None);
    {
        let canvas = canvas.clone();
        let deps = (
            props.bands.clone(),
            props.marks.clone(),
            props.selected.clone(),
            props.dark,
        );
        let props_for_draw = KeySpaceProps {
            bands: props.bands.clone(),
            marks: props.marks.clone(),
            selected: props.selected.clone(),
            dark: props.dark,
            on_pick: props.on_pick.clone(),
            label: String::new(),
        };
        use_effect_with(deps, move |_| {
            draw(&canvas, &layer, &props_for_draw);
        });
    }
    let onclick = {
        let bands = props.bands.clone();
        let marks = props.marks.clone();
        let on_pick = props.on_pick.clone();
        Callback::from(move |event: MouseEvent| {
            if let Some((x, y)) = event_point(&event, (WIDTH, HEIGHT)) {
                on_pick.emit(pick(&bands, &marks.0, x, y));
            }
        })
    };
    html! {
        <canvas
            ref={canvas}
            class="keyspace-canvas"
            data-testid="keyspace-canvas"
            width={WIDTH.to_string()}
            height={HEIGHT.to_string()}
            role="img"
            aria-label={props.label.clone()}
            {onclick}
        />
    }
}

fn draw(canvas: &NodeRef, layer: &RefCell<Option<Layer>>, props: &KeySpaceProps) {
    let Some(painter) = canvas
        .cast::<web_sys::Element>()
        .and_then(|e| Painter::on(&e))
    else {
        return;
    };
    let shown = painter.shown_width();
    let scale = if shown > 0.0 { shown / WIDTH } else { 1.0 } * device_pixel_ratio();
    // Whole device pixels; the picture is at most a few thousand pixels wide.
    let device = (
        (WIDTH * scale).round() as u32,
        (HEIGHT * scale).round() as u32,
    );
    painter.fit(device, (WIDTH, HEIGHT));
    let key = LayerKey {
        marks: props.marks.clone(),
        edges: props.bands.iter().map(|b| (b.start, b.end)).collect(),
        dark: props.dark,
        device,
    };
    let mut layer = layer.borrow_mut();
    let fresh = layer.as_ref().is_some_and(|l| l.key == key);
    if !fresh {
        let Some(off) = Painter::offscreen(device.0, device.1) else {
            return;
        };
        off.fit(device, (WIDTH, HEIGHT));
        paint_marks(&off, &props.bands, &props.marks.0, props.dark);
        *layer = Some(Layer { painter: off, key });
    }
    let Some(current) = layer.as_ref() else {
        return;
    };
    paint(&painter, &current.painter, props);
    painter.set_attribute("data-marks", &props.marks.0.items.len().to_string());
    painter.set_attribute("data-bands", &props.bands.len().to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn mark(position: f64, hash: &str, partition: u32) -> ItemMark {
        ItemMark {
            position,
            hash: hash.into(),
            key: format!("k{position}"),
            partition,
        }
    }

    fn bands() -> Vec<Band> {
        vec![
            Band {
                id: 0,
                start: 0.0,
                end: 0.5,
                hot: false,
                split: None,
            },
            Band {
                id: 1,
                start: 0.5,
                end: 1.0,
                hot: true,
                split: None,
            },
        ]
    }

    #[wasm_bindgen_test]
    fn heights_come_from_the_low_bits_of_the_hash() {
        assert_eq!(height_of("00000000000000000000000000000000"), 0.0);
        assert_eq!(height_of("0000000000000000000000000000ffff"), 1.0);
        assert_eq!(height_of("zz"), 0.5, "not hex: the middle");
    }

    #[wasm_bindgen_test]
    fn a_click_picks_the_nearest_mark_or_else_the_partition() {
        let marks = Marks::new(vec![
            mark(0.25, "00000000000000000000000000008000", 0),
            mark(0.2505, "0000000000000000000000000000ffff", 0),
            mark(0.75, "00000000000000000000000000000000", 1),
        ]);
        let size = mark_size(3);
        let (x, y) = mark_point(0.25, 0.5, size);
        let picked = pick(&bands(), &marks, x + 1.0, y + 1.0);
        assert!(
            matches!(picked, Some(Selected::Item { ref key, .. }) if key == "k0.25"),
            "{picked:?}"
        );
        // Same x, far from both marks vertically: the partition.
        assert_eq!(
            pick(&bands(), &marks, x, BAND_TOP + 20.0),
            Some(Selected::Partition(0))
        );
        assert_eq!(
            pick(&bands(), &marks, x_of(0.9), BAND_BOTTOM - 2.0),
            Some(Selected::Partition(1))
        );
        assert_eq!(
            pick(&bands(), &marks, -50.0, 50.0),
            None,
            "outside the key space"
        );
    }

    #[wasm_bindgen_test]
    fn positions_map_across_the_plot_and_back() {
        assert_eq!(x_of(0.0), LEFT);
        assert_eq!(x_of(1.0), RIGHT);
        assert!((fraction_at(x_of(0.37)) - 0.37).abs() < 1e-12);
        assert_eq!(fraction_at(-5.0), 0.0);
    }

    #[wasm_bindgen_test]
    fn marks_between_bounds_are_found_by_binary_search() {
        let marks = Marks::new(vec![
            mark(0.1, "0", 0),
            mark(0.5, "0", 0),
            mark(0.9, "0", 1),
        ]);
        assert_eq!(marks.between(0.0, 0.5), 0..2);
        assert_eq!(marks.between(0.5, 1.0), 1..3);
        assert_eq!(marks.between(0.95, 1.0), 3..3);
    }

    #[wasm_bindgen_test]
    fn marks_compare_by_identity() {
        let a = MarksRef(Rc::new(Marks::default()));
        assert_eq!(a, a.clone());
        assert_ne!(a, MarksRef(Rc::new(Marks::default())));
    }
}
