//! The experiment's plot: the share of stale reads against the delay between a write and
//! the read, for eventually consistent GetItem, a Query on a global secondary index, and
//! strongly consistent GetItem.
//!
//! Delays span three orders of magnitude, so the axis is logarithmic (in 1 + delay, so that
//! zero has a place). The numbers behind every point are in the table beside it.

use std::collections::BTreeMap;

use yew::prelude::*;

use super::experiment::Point;
use crate::views::partitions::format::percent;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 44.0;

/// Which stale count of a point a series plots.
type Count = fn(&Point) -> u32;

/// The three series: name, test id, and which count of a point.
pub const SERIES: [(&str, &str, Count); 3] = [
    ("Eventually consistent GetItem", "eventual", |p| {
        p.eventual_stale
    }),
    ("Query on a global secondary index", "index", |p| {
        p.index_stale
    }),
    ("Strongly consistent GetItem", "strong", |p| p.strong_stale),
];

/// The x of `delay` on a log scale reaching `max` at the right edge.
pub fn x_of(delay_ms: u32, max_ms: u32) -> f64 {
    let span = (1.0 + f64::from(max_ms.max(1))).log10();
    LEFT + (1.0 + f64::from(delay_ms)).log10() / span * (WIDTH - LEFT - RIGHT)
}

pub fn y_of(share: f64) -> f64 {
    TOP + (1.0 - share.clamp(0.0, 1.0)) * (HEIGHT - TOP - BOTTOM)
}

fn delay_label(ms: u32) -> String {
    if ms >= 1_000 && ms.is_multiple_of(100) {
        format!("{} s", f64::from(ms) / 1_000.0)
    } else {
        format!("{ms}")
    }
}

pub fn plot(points: &BTreeMap<u32, Point>) -> Html {
    let max = points.keys().copied().max().unwrap_or(1_600).max(100);
    let axis_y = HEIGHT - BOTTOM;
    html! {
        <svg class="stale-plot" data-testid="experiment-plot" viewBox={format!("0 0 {WIDTH} {HEIGHT}")}
            role="img" aria-label="Share of stale reads against the delay after the write">
            { for [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|share| html! {
                <g key={format!("{share}")} class="grid">
                    <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={y_of(*share).to_string()} y2={y_of(*share).to_string()} />
                    <text x={(LEFT - 6.0).to_string()} y={(y_of(*share) + 4.0).to_string()} text-anchor="end">{percent(*share)}</text>
                </g>
            }) }
            { for points.keys().map(|delay| html! {
                <text key={*delay} class="tick" x={x_of(*delay, max).to_string()} y={(axis_y + 16.0).to_string()} text-anchor="middle">
                    {delay_label(*delay)}
                </text>
            }) }
            <text class="axis-title" x={((LEFT + WIDTH - RIGHT) / 2.0).to_string()} y={(HEIGHT - 6.0).to_string()} text-anchor="middle">
                {"delay between the write and the read (ms, log scale)"}
            </text>
            { for SERIES.iter().map(|(name, id, count)| {
                let coords: Vec<(f64, f64, &Point)> = points
                    .values()
                    .map(|p| (x_of(p.delay_ms, max), y_of(p.share(count(p))), p))
                    .collect();
                let line = coords.iter().map(|(x, y, _)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
                html! {
                    <g key={*id} class={classes!("series", *id)}>
                        <polyline points={line} />
                        { for coords.iter().map(|(x, y, p)| html! {
                            <circle key={p.delay_ms} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="4">
                                <title>{format!("{name}: {} stale after {} ms", percent(p.share(count(p))), p.delay_ms)}</title>
                            </circle>
                        }) }
                    </g>
                }
            }) }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn axes_map_delays_logarithmically_and_shares_upwards() {
        assert_eq!(x_of(0, 1_600), LEFT);
        assert!((x_of(1_600, 1_600) - (WIDTH - RIGHT)).abs() < 1e-9);
        assert!(x_of(10, 1_600) - x_of(0, 1_600) > x_of(1_600, 1_600) - x_of(800, 1_600));
        assert_eq!(y_of(1.0), TOP);
        assert_eq!(y_of(0.0), HEIGHT - BOTTOM);
        assert_eq!(delay_label(1_600), "1.6 s");
        assert_eq!(delay_label(25), "25");
    }
}
