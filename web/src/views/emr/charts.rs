//! The small pictures of a job, in SVG: its DAG (input → map → shuffle → reduce → output)
//! with how far each stage has got, and its input, shuffle and output rates over time.
//!
//! The rate chart is the MapReduce paper's figures 2 and 3 for whatever job is running:
//! bytes read by maps, bytes fetched by reduces and bytes written by reduces, per second,
//! from the job's submission. A few hundred points at most are drawn (neighbouring buckets
//! are averaged), so it stays light even for a fifteen-minute job in one-second buckets.

use dynaplay_emr::JobRun;
use dynaplay_emr::series::RateSeries;
use dynaplay_world::SimTime;
use yew::prelude::*;

use super::gantt::{format_seconds, nice_step};

/// Most points drawn per curve.
const MAX_POINTS: usize = 320;

/// A rate curve as (seconds since submission, bytes per second) points.
pub fn curve(series: &RateSeries, submitted: SimTime, end: SimTime) -> Vec<(f64, f64)> {
    let width = series.bucket_micros.max(1);
    let first = (submitted.as_micros() / width) as usize;
    let last = (end.as_micros().div_ceil(width) as usize).max(first + 1);
    let buckets = last - first;
    let group = buckets.div_ceil(MAX_POINTS).max(1);
    let secs = width as f64 / 1e6;
    let start = submitted.as_micros() as f64 / 1e6;
    (first..last)
        .step_by(group)
        .map(|i| {
            let upto = (i + group).min(last);
            let bytes: f64 = (i..upto)
                .map(|b| series.bytes.get(b).copied().unwrap_or(0.0))
                .sum();
            let mid = (i + upto) as f64 / 2.0 * secs - start;
            (mid.max(0.0), bytes / ((upto - i) as f64 * secs))
        })
        .collect()
}

/// Bytes per second in the largest unit that keeps the number at least 1.
pub fn format_rate(bytes_per_sec: f64) -> String {
    let (value, unit) = scale_bytes(bytes_per_sec);
    format!("{} {unit}/s", trim_number(value))
}

/// Bytes in the largest unit that keeps the number at least 1.
pub fn format_bytes(bytes: f64) -> String {
    let (value, unit) = scale_bytes(bytes);
    format!("{} {unit}", trim_number(value))
}

fn scale_bytes(b: f64) -> (f64, &'static str) {
    let a = b.abs();
    if a >= 1e9 {
        (b / 1e9, "GB")
    } else if a >= 1e6 {
        (b / 1e6, "MB")
    } else if a >= 1e3 {
        (b / 1e3, "KB")
    } else {
        (b, "B")
    }
}

fn trim_number(v: f64) -> String {
    if v.abs() >= 100.0 || (v - v.round()).abs() < 0.05 {
        format!("{:.0}", v)
    } else {
        format!("{:.1}", v)
    }
}

const W: f64 = 640.0;
const H: f64 = 210.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 628.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 178.0;

/// The three rate curves of `job` up to `now`.
pub fn rate_chart(job: &JobRun, now: SimTime) -> Html {
    let end = job.finished.unwrap_or(now).max(job.submitted);
    let span = end
        .saturating_duration_since(job.submitted)
        .as_secs_f64()
        .max(1.0);
    let curves = [
        (
            "input",
            "Input (maps read)",
            curve(&job.input_rate, job.submitted, end),
        ),
        (
            "shuffle",
            "Shuffle (reduces fetch)",
            curve(&job.shuffle_rate, job.submitted, end),
        ),
        (
            "output",
            "Output (reduces write)",
            curve(&job.output_rate, job.submitted, end),
        ),
    ];
    let high = curves
        .iter()
        .flat_map(|(_, _, c)| c.iter().map(|p| p.1))
        .fold(0.0f64, f64::max);
    let low = curves
        .iter()
        .flat_map(|(_, _, c)| c.iter().map(|p| p.1))
        .fold(0.0f64, f64::min);
    let top = if high > 0.0 { high * 1.1 } else { 1.0 };
    let bottom = if low < 0.0 { low * 1.1 } else { 0.0 };
    let x = |t: f64| LEFT + (RIGHT - LEFT) * t / span;
    let y = |r: f64| BOTTOM - (BOTTOM - TOP) * (r - bottom) / (top - bottom);
    let step = nice_step(span, 8.0);
    let ticks: Vec<f64> = (0..=((span / step).floor() as usize))
        .map(|i| i as f64 * step)
        .collect();
    let rate_step = nice_step(top - bottom, 4.0);
    let first_rate = (bottom / rate_step).ceil() as i64;
    let rate_ticks: Vec<f64> = (first_rate..)
        .map(|i| i as f64 * rate_step)
        .take_while(|r| *r <= top)
        .collect();
    let peak = |i: usize| {
        curves
            .get(i)
            .map_or(0.0, |(_, _, c)| c.iter().map(|p| p.1).fold(0.0, f64::max))
    };
    html! {
        <figure class="emr-rates" data-testid="emr-rates"
            data-peak-input={format!("{:.0}", peak(0))}
            data-peak-shuffle={format!("{:.0}", peak(1))}
            data-peak-output={format!("{:.0}", peak(2))}>
            <svg viewBox={format!("0 0 {W} {H}")} role="img"
                aria-label={format!("Data rates over {}: input peaks at {}, shuffle at {}, output at {}",
                    format_seconds(span.round()), format_rate(peak(0)), format_rate(peak(1)), format_rate(peak(2)))}>
                { for rate_ticks.iter().map(|r| html! {
                    <g key={format!("r{r}")} class="emr-grid">
                        <line x1={LEFT.to_string()} x2={RIGHT.to_string()}
                            y1={format!("{:.1}", y(*r))} y2={format!("{:.1}", y(*r))} />
                        <text x={(LEFT - 6.0).to_string()} y={format!("{:.1}", y(*r) + 4.0)}
                            text-anchor="end">{format_rate(*r)}</text>
                    </g>
                }) }
                { for ticks.iter().map(|t| html! {
                    <text key={format!("t{t}")} class="emr-axis" x={format!("{:.1}", x(*t))}
                        y={(BOTTOM + 16.0).to_string()} text-anchor="middle">{format_seconds(*t)}</text>
                }) }
                <line class="emr-baseline" x1={LEFT.to_string()} x2={RIGHT.to_string()}
                    y1={format!("{:.1}", y(0.0))} y2={format!("{:.1}", y(0.0))} />
                { for curves.iter().map(|(class, _, points)| {
                    let path: Vec<String> = points
                        .iter()
                        .map(|(t, r)| format!("{:.1},{:.1}", x(*t), y(*r)))
                        .collect();
                    html! {
                        <polyline key={*class} class={format!("emr-curve emr-{class}")}
                            points={path.join(" ")} />
                    }
                }) }
                <text class="emr-axis" x={RIGHT.to_string()} y={(H - 4.0).to_string()}
                    text-anchor="end">{"seconds since the job was submitted"}</text>
            </svg>
            <figcaption class="emr-legend">
                { for curves.iter().enumerate().map(|(i, (class, label, _))| html! {
                    <span key={*class}>
                        <i class={format!("swatch emr-{class}")} aria-hidden="true"></i>
                        {format!("{label}: peak {}", format_rate(peak(i)))}
                    </span>
                }) }
            </figcaption>
        </figure>
    }
}

/// One stage of the DAG: its name, two short lines of numbers, and how far it is (0 to 1).
struct Stage {
    id: &'static str,
    title: &'static str,
    detail: String,
    more: String,
    progress: f64,
    done: usize,
    total: usize,
}

/// The job as a pipeline of stages, each filled as far as it has got.
pub fn dag(job: &JobRun) -> Html {
    let maps_done = job.maps_succeeded();
    let reduces_done = job.reduces_succeeded();
    let running = |map: bool| {
        job.attempts
            .iter()
            .filter(|a| a.is_running() && matches!(a.task, dynaplay_emr::TaskRef::Map(_)) == map)
            .count()
    };
    let read: u64 = job.maps.iter().map(|m| m.split.length).sum();
    let moved = job.shuffle_rate.total().max(0.0);
    let produced = (job.counters.map_output_bytes as f64).max(moved);
    let fraction = |a: f64, b: f64| {
        if b > 0.0 {
            (a / b).clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let stages = [
        Stage {
            id: "input",
            title: "Input",
            detail: format!("{} splits", job.maps.len()),
            more: format_bytes(read as f64),
            progress: fraction(maps_done as f64, job.maps.len() as f64),
            done: maps_done,
            total: job.maps.len(),
        },
        Stage {
            id: "map",
            title: "Map",
            detail: format!("{maps_done}/{} done", job.maps.len()),
            more: format!("{} running", running(true)),
            progress: fraction(maps_done as f64, job.maps.len() as f64),
            done: maps_done,
            total: job.maps.len(),
        },
        Stage {
            id: "shuffle",
            title: "Shuffle",
            detail: format!("{} fetched", format_bytes(moved)),
            more: format!("of {}", format_bytes(produced)),
            progress: if job.reduces.is_empty() {
                0.0
            } else {
                fraction(moved, produced)
            },
            done: moved as usize,
            total: produced as usize,
        },
        Stage {
            id: "reduce",
            title: "Reduce",
            detail: format!("{reduces_done}/{} done", job.reduces.len()),
            more: format!("{} running", running(false)),
            progress: fraction(reduces_done as f64, job.reduces.len() as f64),
            done: reduces_done,
            total: job.reduces.len(),
        },
        Stage {
            id: "output",
            title: "Output",
            detail: format!(
                "{} files",
                job.output_files
                    .iter()
                    .filter(|f| !f.ends_with("_SUCCESS"))
                    .count()
            ),
            more: format_bytes(job.counters.hdfs_bytes_written as f64),
            progress: if job.state.is_done() && job.state.name() == "SUCCEEDED" {
                1.0
            } else {
                0.0
            },
            done: job.output_files.len(),
            total: job.reduces.len(),
        },
    ];
    let box_w = 112.0;
    let gap = (W - box_w * 5.0) / 4.0;
    html! {
        <svg class="emr-dag" data-testid="emr-dag" viewBox={format!("0 0 {W} 86")} role="img"
            aria-label={format!("Job {}: {} of {} maps and {} of {} reduces done",
                job.state.name(), maps_done, job.maps.len(), reduces_done, job.reduces.len())}>
            <defs>
                <marker id="emr-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"
                    markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="emr-arrowhead" />
                </marker>
            </defs>
            { for stages.iter().enumerate().map(|(i, s)| {
                let x = i as f64 * (box_w + gap);
                html! {
                    <g key={s.id} class={format!("emr-stage emr-stage-{}", s.id)}
                        data-testid={format!("emr-dag-{}", s.id)}
                        data-done={s.done.to_string()} data-total={s.total.to_string()}>
                        <rect class="emr-stage-box" x={x.to_string()} y="2" width={box_w.to_string()}
                            height="80" rx="8" />
                        <rect class="emr-stage-track" x={(x + 8.0).to_string()} y="68"
                            width={(box_w - 16.0).to_string()} height="6" rx="3" />
                        <rect class="emr-stage-fill" x={(x + 8.0).to_string()} y="68"
                            width={format!("{:.1}", (box_w - 16.0) * s.progress)} height="6" rx="3" />
                        <text class="emr-stage-title" x={(x + 10.0).to_string()} y="22">{s.title}</text>
                        <text class="emr-stage-detail" x={(x + 10.0).to_string()} y="40">{s.detail.clone()}</text>
                        <text class="emr-stage-detail" x={(x + 10.0).to_string()} y="56">{s.more.clone()}</text>
                        if i + 1 < stages.len() {
                            <line class="emr-edge" x1={(x + box_w + 3.0).to_string()} y1="42"
                                x2={(x + box_w + gap - 3.0).to_string()} y2="42" marker-end="url(#emr-arrow)" />
                        }
                    </g>
                }
            }) }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_world::SimDuration;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn curves_start_at_submission_and_average_neighbours() {
        let mut s = RateSeries::new(SimDuration::from_secs(1));
        s.add_flow(SimTime::from_secs(10), SimTime::from_secs(12), 4e6);
        let c = curve(&s, SimTime::from_secs(10), SimTime::from_secs(14));
        assert_eq!(c, vec![(0.5, 2e6), (1.5, 2e6), (2.5, 0.0), (3.5, 0.0)]);
        // A long series is averaged down to at most MAX_POINTS points, keeping the total.
        let mut long = RateSeries::new(SimDuration::from_secs(1));
        long.add_flow(SimTime::ZERO, SimTime::from_secs(1_000), 1e9);
        let c = curve(&long, SimTime::ZERO, SimTime::from_secs(1_000));
        assert!(c.len() <= MAX_POINTS, "{}", c.len());
        assert!(c.iter().all(|(_, r)| (*r - 1e6).abs() < 1.0));
    }

    #[wasm_bindgen_test]
    fn rates_and_sizes_read_naturally() {
        assert_eq!(format_rate(12_500e6), "12.5 GB/s");
        assert_eq!(format_rate(3_000.0), "3 KB/s");
        assert_eq!(format_bytes(999.0), "999 B");
        assert_eq!(format_bytes(-120e9), "-120 GB");
    }
}
