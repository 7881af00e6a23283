//! The latency histogram: the same read-heavy workload straight to DynamoDB and through
//! DAX, drawn on one logarithmic axis.
//!
//! The numbers come from the engine's own benchmark ([`run_read_heavy`]), which plays one
//! sequence of requests twice on identical tables, so the two distributions differ only
//! in the path the reads took. A log axis is the honest scale here: DAX's hits sit in the
//! hundreds of microseconds and DynamoDB's reads in single-digit milliseconds, an order of
//! magnitude apart, and the few misses through DAX show up as a small second hump under
//! DynamoDB's.
//!
//! The engine keeps latencies in a bounded histogram that answers quantiles; the chart's
//! bins are read from it through that public question alone (how many samples lie at or
//! below an edge), never from its internal buckets. The chart is a few dozen bars, so it
//! is SVG rather than a canvas.

use dynaplay_sim::{Histogram, Percentiles};
use dynaplay_world::SimDuration;
use dynaplay_world::dynamo::DynamoError;
use dynaplay_world::dynamo::dax::{ReadHeavyWorkload, run_read_heavy};
use yew::prelude::*;

/// The benchmark the view runs: small enough to finish in a fraction of a second in the
/// browser, large enough that the popular keys dominate as they do in production.
pub fn workload(seed: u64) -> ReadHeavyWorkload {
    ReadHeavyWorkload {
        items: 200,
        requests: 5_000,
        read_fraction: 0.95,
        interval: SimDuration::from_millis(1),
        item_bytes: 200,
        nodes: 3,
        seed,
    }
}

/// Bin edges: 50 µs to 100 ms, ten bins per decade.
const FIRST_EDGE_MICROS: f64 = 50.0;
const BINS_PER_DECADE: f64 = 10.0;
const BINS: usize = 33;

/// One bar pair: the share of each run's reads with a latency in `lo..hi`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub lo_micros: u64,
    pub hi_micros: u64,
    pub direct: f64,
    pub dax: f64,
}

/// What the chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedupChart {
    pub items: u32,
    pub requests: u32,
    pub reads: u64,
    pub writes: u64,
    pub direct: Option<Percentiles>,
    pub dax: Option<Percentiles>,
    /// Mean direct read latency over mean read latency through DAX.
    pub speedup: f64,
    pub hit_ratio: f64,
    pub bins: Vec<Bin>,
}

impl SpeedupChart {
    /// Runs the engine's benchmark and bins both histograms.
    pub fn run(seed: u64) -> Result<SpeedupChart, DynamoError> {
        let workload = workload(seed);
        let report = run_read_heavy(&workload)?;
        let edges = edges();
        let direct = shares(&report.direct, &edges);
        let dax = shares(&report.dax, &edges);
        let bins = edges
            .windows(2)
            .zip(direct.into_iter().zip(dax))
            .filter_map(|(pair, (direct, dax))| {
                Some(Bin {
                    lo_micros: *pair.first()?,
                    hi_micros: *pair.get(1)?,
                    direct,
                    dax,
                })
            })
            .collect();
        Ok(SpeedupChart {
            items: workload.items,
            requests: workload.requests,
            reads: report.reads,
            writes: report.writes,
            direct: report.direct_percentiles,
            dax: report.dax_percentiles,
            speedup: report.speedup,
            hit_ratio: report.hit_ratio,
            bins,
        })
    }

    /// One sentence with the figures.
    pub fn summary(&self) -> String {
        let mean = |p: &Option<Percentiles>| p.map_or("–".to_string(), |p| p.mean.to_string());
        format!(
            "{} reads: mean {} straight to DynamoDB, {} through DAX — {:.1}× faster; item cache hit ratio {:.1}%.",
            self.reads,
            mean(&self.direct),
            mean(&self.dax),
            self.speedup,
            self.hit_ratio * 100.0
        )
    }
}

fn edges() -> Vec<u64> {
    (0..=BINS)
        .map(|k| (FIRST_EDGE_MICROS * 10f64.powf(k as f64 / BINS_PER_DECADE)).round() as u64)
        .collect()
}

/// How many samples are at most `micros`, by binary search over ranks: the `r`-th
/// smallest sample is at most `micros` exactly when the quantile at rank `r` is.
fn count_at_most(histogram: &Histogram, micros: u64) -> u64 {
    let n = histogram.count();
    let at_most = |rank: u64| {
        // Half a rank below `rank`, so rounding can never push the quantile up a rank.
        let q = (rank as f64 - 0.5) / n as f64;
        histogram
            .quantile(q)
            .is_some_and(|d| d.as_micros() <= micros)
    };
    let (mut lo, mut hi) = (0u64, n);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if at_most(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// Each bin's share of the samples; the first bin takes everything below it and the
/// last everything above, so the shares add up to one.
fn shares(histogram: &Histogram, edges: &[u64]) -> Vec<f64> {
    let n = histogram.count();
    if n == 0 {
        return vec![0.0; edges.len().saturating_sub(1)];
    }
    let last = edges.len().saturating_sub(1);
    let cumulative: Vec<u64> = edges
        .iter()
        .enumerate()
        .map(|(i, &edge)| match i {
            0 => 0,
            i if i == last => n,
            _ => count_at_most(histogram, edge),
        })
        .collect();
    cumulative
        .windows(2)
        .map(|pair| match pair {
            [a, b] => b.saturating_sub(*a) as f64 / n as f64,
            _ => 0.0,
        })
        .collect()
}

// The drawing, in SVG user units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 238.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 708.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 196.0;

fn x_of(micros: f64) -> f64 {
    let decades = BINS as f64 / BINS_PER_DECADE;
    let t = (micros.max(1.0) / FIRST_EDGE_MICROS).log10() / decades;
    LEFT + t.clamp(0.0, 1.0) * (RIGHT - LEFT)
}

/// The histogram and its figures.
pub fn chart(chart: &SpeedupChart) -> Html {
    let peak = chart
        .bins
        .iter()
        .map(|b| b.direct.max(b.dax))
        .fold(0.0, f64::max)
        .max(0.01);
    // Round the axis up to a whole ten per cent.
    let top_share = ((peak * 10.0).ceil() / 10.0).min(1.0);
    let y_of = |share: f64| BOTTOM - (share / top_share) * (BOTTOM - TOP);
    let bars = chart.bins.iter().flat_map(|bin| {
        let x0 = x_of(bin.lo_micros as f64);
        let x1 = x_of(bin.hi_micros as f64);
        let width = (x1 - x0 - 1.0).max(1.0);
        [("lat-direct", bin.direct), ("lat-dax", bin.dax)]
            .into_iter()
            .filter(|(_, share)| *share > 0.0)
            .map(move |(class, share)| {
                let y = y_of(share);
                html! {
                    <rect class={class} x={fmt(x0 + 0.5)} y={fmt(y)} width={fmt(width)}
                        height={fmt((BOTTOM - y).max(0.5))}>
                        <title>{format!("{:.1}% of reads {} between {} and {}",
                            share * 100.0,
                            if class == "lat-dax" { "through DAX" } else { "straight to DynamoDB" },
                            SimDuration::from_micros(bin.lo_micros),
                            SimDuration::from_micros(bin.hi_micros))}</title>
                    </rect>
                }
            })
    });
    let ticks = [100u64, 1_000, 10_000, 100_000].into_iter().map(|micros| {
        let x = x_of(micros as f64);
        html! {
            <g key={micros} class="lat-tick">
                <line x1={fmt(x)} x2={fmt(x)} y1={fmt(TOP)} y2={fmt(BOTTOM + 4.0)} />
                <text x={fmt(x)} y={fmt(BOTTOM + 18.0)}
                    text-anchor={if x > RIGHT - 20.0 { "end" } else { "middle" }}>
                    {SimDuration::from_micros(micros).to_string()}
                </text>
            </g>
        }
    });
    let grid = [0.5, 1.0].into_iter().map(|f| {
        let y = y_of(top_share * f);
        html! {
            <g key={format!("{f}")} class="lat-grid">
                <line x1={fmt(LEFT)} x2={fmt(RIGHT)} y1={fmt(y)} y2={fmt(y)} />
                <text x={fmt(LEFT - 6.0)} y={fmt(y + 4.0)} text-anchor="end">
                    {format!("{:.0}%", top_share * f * 100.0)}
                </text>
            </g>
        }
    });
    let mean_marker = |p: &Option<Percentiles>, class: &'static str, label: &str, row: f64| {
        let Some(p) = p else {
            return Html::default();
        };
        let x = x_of(p.mean.as_micros() as f64);
        html! {
            <g class={classes!("lat-mean", class)}>
                <line x1={fmt(x)} x2={fmt(x)} y1={fmt(TOP - 4.0)} y2={fmt(BOTTOM)} />
                <text x={fmt(x + 4.0)} y={fmt(TOP + 10.0 + row * 14.0)}>
                    {format!("{label} mean {}", p.mean)}
                </text>
            </g>
        }
    };
    html! {
        <figure class="lat-figure" data-testid="latency-chart">
            <svg class="lat-chart" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
                aria-labelledby="lat-chart-title lat-chart-desc">
                <title id="lat-chart-title">{"Read latency: straight to DynamoDB and through DAX"}</title>
                <desc id="lat-chart-desc">{chart.summary()}</desc>
                { for grid }
                { for ticks }
                <line class="lat-axis" x1={fmt(LEFT)} x2={fmt(RIGHT)} y1={fmt(BOTTOM)} y2={fmt(BOTTOM)} />
                { for bars }
                {mean_marker(&chart.direct, "lat-mean-direct", "DynamoDB", 0.0)}
                {mean_marker(&chart.dax, "lat-mean-dax", "DAX", 1.0)}
                <text class="lat-label" x={fmt((x_of(1_000.0) + x_of(10_000.0)) / 2.0)} y={fmt(HEIGHT - 3.0)}
                    text-anchor="middle">
                    {"read latency (log scale)"}
                </text>
            </svg>
            <figcaption class="lat-legend">
                <span class="lat-key lat-key-direct">{"Straight to DynamoDB"}</span>
                <span class="lat-key lat-key-dax">{"Through DAX"}</span>
            </figcaption>
            <dl class="lat-figures">
                {figure_row("DynamoDB", &chart.direct, "latency-direct")}
                {figure_row("DAX", &chart.dax, "latency-dax")}
            </dl>
            <p class="lat-summary" data-testid="speedup" data-speedup={format!("{:.2}", chart.speedup)}>
                <strong>{format!("{:.1}× faster through DAX", chart.speedup)}</strong>
                {format!(" on average — {} reads and {} writes over {} items; item cache hit ratio {:.1}%.",
                    chart.reads, chart.writes, chart.items, chart.hit_ratio * 100.0)}
            </p>
        </figure>
    }
}

fn figure_row(label: &str, p: &Option<Percentiles>, testid: &str) -> Html {
    let text = p.map_or("no reads".to_string(), |p| {
        format!(
            "mean {} · p50 {} · p99 {} · max {}",
            p.mean, p.p50, p.p99, p.max
        )
    });
    html! {
        <div>
            <dt>{label.to_string()}</dt>
            <dd data-testid={testid.to_string()}>{text}</dd>
        </div>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn micros(v: u64) -> SimDuration {
        SimDuration::from_micros(v)
    }

    #[wasm_bindgen_test]
    fn counts_at_or_below_an_edge_come_from_quantiles() {
        let mut h = Histogram::new();
        for v in [10, 20, 30, 200, 5_000] {
            h.record(micros(v));
        }
        assert_eq!(count_at_most(&h, 5), 0);
        assert_eq!(count_at_most(&h, 30), 3);
        assert_eq!(count_at_most(&h, 199), 3);
        assert_eq!(count_at_most(&h, 300), 4);
        assert_eq!(count_at_most(&h, 1_000_000), 5);
        assert_eq!(count_at_most(&Histogram::new(), 10), 0);
    }

    #[wasm_bindgen_test]
    fn shares_add_up_and_land_in_the_right_bins() {
        let mut h = Histogram::new();
        h.record_n(micros(200), 90);
        h.record_n(micros(4_000), 10);
        h.record(micros(10)); // below the first edge: counted in the first bin
        let edges = edges();
        assert_eq!(edges.first(), Some(&50));
        assert_eq!(edges.last(), Some(&99_763));
        let shares = shares(&h, &edges);
        assert_eq!(shares.len(), BINS);
        let total: f64 = shares.iter().sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        let bin_of = |v: u64| {
            edges
                .windows(2)
                .position(|w| w[0] <= v && v < w[1])
                .unwrap()
        };
        assert!((shares[bin_of(200)] - 90.0 / 101.0).abs() < 1e-9);
        assert!((shares[bin_of(4_000)] - 10.0 / 101.0).abs() < 1e-9);
        assert!((shares[0] - 1.0 / 101.0).abs() < 1e-9);
    }

    #[wasm_bindgen_test]
    fn the_benchmark_is_an_order_of_magnitude_faster_through_dax() {
        let chart = SpeedupChart::run(1).unwrap();
        assert_eq!(chart.reads + chart.writes, 5_000);
        assert!(chart.speedup > 5.0, "{}", chart.speedup);
        let dax_mode = chart
            .bins
            .iter()
            .max_by(|a, b| a.dax.total_cmp(&b.dax))
            .unwrap();
        let direct_mode = chart
            .bins
            .iter()
            .max_by(|a, b| a.direct.total_cmp(&b.direct))
            .unwrap();
        assert!(
            dax_mode.hi_micros <= 1_000,
            "hits are sub-millisecond: {dax_mode:?}"
        );
        assert!(
            direct_mode.lo_micros >= 1_000,
            "DynamoDB takes milliseconds: {direct_mode:?}"
        );
        assert!(chart.summary().contains("faster"));
    }
}
