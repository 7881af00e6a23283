//! The Gantt chart: every task attempt of a job, on the node slot that ran it.
//!
//! Each worker node gets a band of *lanes*, one per attempt it ran at the same time (a
//! lane is a YARN container slot in use), and each attempt is a bar from its start to its
//! end — or to now, while it runs. Bars are coloured by phase: a map is blue; a reduce is
//! amber while it launches and shuffles and green once it merges, reduces and writes. An
//! attempt that failed is red, one that was killed (a losing speculative twin, or work on a
//! lost node) is grey, and a speculative backup carries a magenta stripe. So a straggler
//! shows as a long bar with a short magenta one beside it, a lost node as a band that
//! stops, and its re-run maps as a burst of blue elsewhere.
//!
//! Lanes are assigned greedily in start order — an attempt takes the lowest lane of its
//! node whose previous attempt had ended when it started. Attempts are recorded in start
//! order, so the assignment is incremental: [`GanttLayout::update`] only places the
//! attempts that are new since the last frame, which keeps a 20,000-attempt job smooth.

use std::collections::BTreeMap;

use dynaplay_emr::cluster::{Attempt, AttemptPhase, AttemptState};
use dynaplay_emr::{Cluster, JobId, JobRun, NodeId, NodeRole, TaskRef};
use dynaplay_world::SimTime;

use super::palette::Palette;
use super::raster::{Align, Raster, Rgb};

/// Where each attempt of one job is drawn.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GanttLayout {
    job: Option<JobId>,
    /// The lane of each attempt, by attempt index.
    lane_of: Vec<u32>,
    /// For each node, the attempt last placed in each of its lanes.
    occupants: BTreeMap<NodeId, Vec<usize>>,
}

impl GanttLayout {
    /// Places the attempts of `job` that are not placed yet (all of them for a new job).
    pub fn update(&mut self, job: &JobRun) {
        if self.job != Some(job.id) || self.lane_of.len() > job.attempts.len() {
            *self = GanttLayout {
                job: Some(job.id),
                ..GanttLayout::default()
            };
        }
        let placed = self.lane_of.len();
        for (index, attempt) in job.attempts.iter().enumerate().skip(placed) {
            let lanes = self.occupants.entry(attempt.node).or_default();
            let free = lanes.iter().position(|&previous| {
                job.attempts
                    .get(previous)
                    .and_then(|p| p.end)
                    .is_some_and(|end| end <= attempt.start)
            });
            let lane = match free.and_then(|l| lanes.get_mut(l).map(|slot| (l, slot))) {
                Some((l, slot)) => {
                    *slot = index;
                    l
                }
                None => {
                    lanes.push(index);
                    lanes.len() - 1
                }
            };
            self.lane_of.push(lane as u32);
        }
    }

    pub fn job(&self) -> Option<JobId> {
        self.job
    }

    /// The lane of attempt `index`, once placed.
    pub fn lane(&self, index: usize) -> Option<u32> {
        self.lane_of.get(index).copied()
    }

    /// How many lanes a node's attempts needed.
    pub fn lanes(&self, node: NodeId) -> u32 {
        self.occupants.get(&node).map_or(0, |l| l.len() as u32)
    }

    /// Attempts placed so far.
    pub fn placed(&self) -> usize {
        self.lane_of.len()
    }
}

/// One node's rows in the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub node: NodeId,
    pub name: String,
    pub role: NodeRole,
    pub first_lane: u32,
    pub lanes: u32,
}

/// The worker nodes in chart order — core nodes, then task nodes — each with at least
/// one lane, so an idle node shows as an empty row.
pub fn bands(cluster: &Cluster, layout: &GanttLayout) -> Vec<Band> {
    let mut bands = Vec::new();
    let mut next = 0;
    for role in [NodeRole::Core, NodeRole::Task] {
        for node in cluster.nodes().iter().filter(|n| n.role == role) {
            let lanes = layout.lanes(node.id).max(1);
            bands.push(Band {
                node: node.id,
                name: node.name.clone(),
                role,
                first_lane: next,
                lanes,
            });
            next += lanes;
        }
    }
    bands
}

/// What an attempt's bar looks like: its pieces in time and their colours.
pub fn pieces(attempt: &Attempt, now: SimTime, p: &Palette) -> Vec<(SimTime, SimTime, Rgb)> {
    let end = attempt.end.unwrap_or(now).max(attempt.start);
    let split = attempt.phase_start.clamp(attempt.start, end);
    match (&attempt.state, attempt.task) {
        (AttemptState::Failed(_), _) => vec![(attempt.start, end, p.failed)],
        (AttemptState::Killed(_), _) => vec![(attempt.start, end, p.killed)],
        (_, TaskRef::Map(_)) => vec![(attempt.start, end, p.map)],
        (AttemptState::Running(AttemptPhase::Launching | AttemptPhase::Shuffle), _) => {
            vec![(attempt.start, end, p.shuffle)]
        }
        // A reduce in (or past) its reduce phase: its phase began when the shuffle ended.
        (_, TaskRef::Reduce(_)) => vec![(attempt.start, split, p.shuffle), (split, end, p.reduce)],
    }
}

/// The chart's frame: the plot area and the time axis, in device pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub t0: SimTime,
    pub t1: SimTime,
    pub total_lanes: u32,
}

impl Frame {
    /// The frame of a chart of `job` over `bands`, `width` × `height` device pixels.
    pub fn of(
        cluster: &Cluster,
        job: &JobRun,
        bands: &[Band],
        (width, height, scale): (u32, u32, f64),
    ) -> Frame {
        let end = job.finished.unwrap_or(cluster.now());
        let second = job
            .submitted
            .saturating_add(dynaplay_world::SimDuration::from_secs(1));
        Frame {
            left: 78.0 * scale,
            right: f64::from(width) - 10.0 * scale,
            top: 4.0 * scale,
            bottom: f64::from(height) - 20.0 * scale,
            t0: job.submitted,
            t1: end.max(second),
            total_lanes: bands.last().map_or(1, |b| b.first_lane + b.lanes),
        }
    }

    /// The instant under `x`.
    pub fn time_at(&self, x: f64) -> SimTime {
        let span = self.t1.saturating_duration_since(self.t0).as_secs_f64();
        let share = ((x - self.left) / (self.right - self.left).max(1.0)).clamp(0.0, 1.0);
        self.t0
            .saturating_add(dynaplay_world::SimDuration::from_secs_f64(span * share))
    }

    /// The lane under `y`.
    pub fn lane_at(&self, y: f64) -> Option<u32> {
        let share = (y - self.top) / (self.bottom - self.top).max(1.0);
        (0.0..1.0)
            .contains(&share)
            .then(|| (share * f64::from(self.total_lanes.max(1))) as u32)
    }

    pub fn x(&self, t: SimTime) -> f64 {
        let span = self
            .t1
            .saturating_duration_since(self.t0)
            .as_secs_f64()
            .max(1e-6);
        let at = t.saturating_duration_since(self.t0).as_secs_f64();
        self.left + (self.right - self.left) * at / span
    }

    /// The top of lane `lane` (and, for `lane + 1`, its bottom).
    pub fn y(&self, lane: u32) -> f64 {
        let lanes = f64::from(self.total_lanes.max(1));
        self.top + (self.bottom - self.top) * f64::from(lane) / lanes
    }
}

/// Draws `job` on `cluster` as it is at `now`, `width` × `height` device pixels at
/// `scale` device pixels per CSS pixel.
pub fn draw(
    cluster: &Cluster,
    job: &JobRun,
    layout: &GanttLayout,
    p: &Palette,
    (width, height, scale): (u32, u32, f64),
) -> Raster {
    let now = cluster.now();
    let mut r = Raster::new(width, height, p.background);
    let bands = bands(cluster, layout);
    let frame = Frame::of(cluster, job, &bands, (r.width, r.height, scale));
    let total_lanes = frame.total_lanes;
    let lane_px = (frame.bottom - frame.top) / f64::from(total_lanes.max(1));
    let named = bands
        .iter()
        .all(|b| f64::from(b.lanes) * lane_px >= 10.0 * scale);

    // Bands: alternate shading, names in the gutter when there is room for them.
    for (i, band) in bands.iter().enumerate() {
        let (y0, y1) = (
            frame.y(band.first_lane),
            frame.y(band.first_lane + band.lanes),
        );
        if i % 2 == 1 {
            r.fill(frame.left, y0, frame.right, y1, p.panel);
        }
        if named {
            r.label(
                frame.left - 6.0 * scale,
                (y0 + y1) / 2.0,
                band.name.clone(),
                p.muted,
                11.0 * scale,
                Align::Right,
            );
        }
    }
    if !named {
        group_labels(&mut r, &bands, &frame, p, scale);
    }
    time_axis(&mut r, &frame, p, scale);

    // Bars. A lane tall enough gets a gap below it, and a speculative attempt a stripe on
    // top; in a thin lane the stripe would be the whole bar, so the bar itself turns magenta.
    let mut base = vec![None; cluster.nodes().len()];
    for band in &bands {
        if let Some(slot) = base.get_mut(band.node.index()) {
            *slot = Some(band.first_lane);
        }
    }
    let gap = if lane_px >= 4.0 * scale {
        scale.max(1.0)
    } else {
        0.0
    };
    let stripe = lane_px >= 4.0 * scale;
    for (index, attempt) in job.attempts.iter().enumerate() {
        let (Some(lane), Some(Some(first))) = (layout.lane(index), base.get(attempt.node.index()))
        else {
            continue;
        };
        let y0 = frame.y(first + lane);
        let y1 = (frame.y(first + lane + 1) - gap).max(y0 + 1.0);
        for (from, to, colour) in pieces(attempt, now, p) {
            let colour = if attempt.speculative && !stripe {
                p.speculative
            } else {
                colour
            };
            r.fill(frame.x(from), y0, frame.x(to), y1, colour);
        }
        if attempt.speculative && stripe {
            let end = attempt.end.unwrap_or(now);
            r.fill(
                frame.x(attempt.start),
                y0,
                frame.x(end),
                y0 + (y1 - y0) / 3.0,
                p.speculative,
            );
        }
    }
    if job.finished.is_none() {
        let x = frame.x(now);
        r.fill(x, frame.top, x + scale.max(1.0), frame.bottom, p.muted);
    }
    r
}

/// The attempt drawn under the point (`x`, `y`) of a chart `size` device pixels, if any:
/// the one whose bar covers that instant in that lane (the nearest within a few pixels, so
/// a one-pixel sliver can still be pointed at).
pub fn attempt_at(
    cluster: &Cluster,
    job: &JobRun,
    layout: &GanttLayout,
    size: (u32, u32, f64),
    (x, y): (f64, f64),
) -> Option<usize> {
    let bands = bands(cluster, layout);
    let frame = Frame::of(cluster, job, &bands, size);
    let lane = frame.lane_at(y)?;
    let band = bands
        .iter()
        .find(|b| (b.first_lane..b.first_lane + b.lanes).contains(&lane))?;
    let slack = 3.0 * size.2;
    let now = cluster.now();
    job.attempts
        .iter()
        .enumerate()
        .filter(|(i, a)| a.node == band.node && layout.lane(*i) == Some(lane - band.first_lane))
        .map(|(i, a)| {
            let (x0, x1) = (
                frame.x(a.start),
                frame.x(a.end.unwrap_or(now)).max(frame.x(a.start) + 1.0),
            );
            let distance = if x < x0 {
                x0 - x
            } else if x > x1 {
                x - x1
            } else {
                0.0
            };
            (i, distance)
        })
        .filter(|(_, d)| *d <= slack)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// One attempt in words, for the readout under the chart.
pub fn describe(cluster: &Cluster, job: &JobRun, index: usize) -> Option<String> {
    let a = job.attempts.get(index)?;
    let node = cluster.node(a.node).map_or("?", |n| n.name.as_str());
    let since = |t: SimTime| t.saturating_duration_since(job.submitted).as_secs_f64();
    let end = a
        .end
        .map_or_else(|| "now".to_string(), |e| format!("{:.1} s", since(e)));
    let outcome = match &a.state {
        AttemptState::Running(phase) => format!("running ({phase:?})").to_lowercase(),
        AttemptState::Succeeded => "succeeded".to_string(),
        AttemptState::Failed(why) => format!("failed: {why}"),
        AttemptState::Killed(why) => format!("killed: {why}"),
    };
    let mut words = format!(
        "{} on {node}, {:.1} s to {end}: {outcome}",
        a.label(),
        since(a.start)
    );
    if let Some(locality) = a.locality {
        words.push_str(&format!(" · {locality}"));
    }
    if a.speculative {
        words.push_str(" · speculative backup");
    }
    Some(words)
}

/// With too many nodes to name, each role's block of bands is named once.
fn group_labels(r: &mut Raster, bands: &[Band], frame: &Frame, p: &Palette, scale: f64) {
    for role in [NodeRole::Core, NodeRole::Task] {
        let group: Vec<&Band> = bands.iter().filter(|b| b.role == role).collect();
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (y0, y1) = (
            frame.y(first.first_lane),
            frame.y(last.first_lane + last.lanes),
        );
        r.fill(
            frame.left - 4.0 * scale,
            y0,
            frame.left - 2.0 * scale,
            y1,
            p.grid,
        );
        let text = format!("{} × {}", role, group.len());
        r.label(
            frame.left - 8.0 * scale,
            (y0 + y1) / 2.0,
            text,
            p.muted,
            11.0 * scale,
            Align::Right,
        );
    }
}

/// Ticks under the plot every round number of seconds.
fn time_axis(r: &mut Raster, frame: &Frame, p: &Palette, scale: f64) {
    let span = frame.t1.saturating_duration_since(frame.t0).as_secs_f64();
    let step = nice_step(span, ((frame.right - frame.left) / (70.0 * scale)).max(1.0));
    r.fill(
        frame.left,
        frame.bottom,
        frame.right,
        frame.bottom + scale.max(1.0),
        p.grid,
    );
    let mut t = 0.0;
    while t <= span + 1e-9 {
        let x = frame.left + (frame.right - frame.left) * t / span.max(1e-6);
        r.fill(x, frame.top, x + scale.max(1.0), frame.bottom, p.grid);
        r.label(
            x,
            frame.bottom + 11.0 * scale,
            format_seconds(t),
            p.muted,
            10.5 * scale,
            Align::Center,
        );
        t += step;
    }
}

/// A round step (1, 2 or 5 × 10ⁿ) giving at most about `ticks` ticks over `span`.
pub fn nice_step(span: f64, ticks: f64) -> f64 {
    if !span.is_finite() || span <= 0.0 || !ticks.is_finite() || ticks < 1.0 {
        return 1.0;
    }
    let raw = span / ticks;
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude)
}

/// Seconds as an axis shows them: `0 s`, `2.5 s`, `120 s`.
pub fn format_seconds(t: f64) -> String {
    if (t - t.round()).abs() < 1e-6 {
        format!("{} s", t.round())
    } else {
        format!("{t:.1} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::Theme;
    use crate::views::emr::palette::palette;
    use dynaplay_emr::cluster::{ActionOnFailure, StepConfig};
    use dynaplay_emr::{ClusterConfig, JobConfig, JobInput, JobLogic, JobSpec};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn word_count(text: &str) -> Cluster {
        let mut cluster = Cluster::new(ClusterConfig::demo(2, 1, 3)).unwrap();
        cluster.advance_to(SimTime::ZERO);
        cluster.put_text("/in/a.txt", text).unwrap();
        cluster
            .add_step(StepConfig {
                name: "wc".into(),
                job: JobSpec {
                    name: "wc".into(),
                    logic: JobLogic::WordCount,
                    input: JobInput::Hdfs(vec!["/in/a.txt".into()]),
                    output: "/out".into(),
                    config: JobConfig::default(),
                },
                action_on_failure: ActionOnFailure::Continue,
            })
            .unwrap();
        cluster
    }

    fn lorem(lines: usize) -> String {
        (0..lines)
            .map(|i| format!("line {i} of the text with some words\n"))
            .collect()
    }

    #[wasm_bindgen_test]
    fn lanes_never_hold_two_attempts_at_once_and_updates_are_incremental() {
        let mut cluster = word_count(&lorem(400));
        let mut layout = GanttLayout::default();
        // Placing a few attempts at a time gives the same lanes as placing all at the end.
        while cluster.step().is_some() {
            if let Some(job) = cluster.active_job() {
                layout.update(job);
            }
        }
        let job = cluster.jobs().last().unwrap();
        layout.update(job);
        let mut fresh = GanttLayout::default();
        fresh.update(job);
        assert_eq!(layout, fresh);
        assert!(job.attempts.len() > 10, "{} attempts", job.attempts.len());
        for (i, a) in job.attempts.iter().enumerate() {
            for (j, b) in job.attempts.iter().enumerate().skip(i + 1) {
                if a.node == b.node && layout.lane(i) == layout.lane(j) {
                    let a_end = a.end.unwrap();
                    assert!(
                        a_end <= b.start,
                        "{} and {} overlap in a lane",
                        a.label(),
                        b.label()
                    );
                }
            }
        }
        let busiest = cluster
            .nodes()
            .iter()
            .map(|n| layout.lanes(n.id))
            .max()
            .unwrap();
        assert!(
            (2..=4).contains(&busiest),
            "an m5.xlarge runs up to four maps: {busiest}"
        );
    }

    #[wasm_bindgen_test]
    fn the_chart_shows_maps_and_reduces_in_their_colours() {
        let mut cluster = word_count(&lorem(200));
        cluster.run_until_quiet(SimTime::from_secs(3_600));
        let job = cluster.jobs().last().unwrap();
        assert_eq!(job.state.name(), "SUCCEEDED");
        let mut layout = GanttLayout::default();
        layout.update(job);
        let p = palette(Theme::Light);
        let r = draw(&cluster, job, &layout, &p, (600, 200, 1.0));
        assert!(r.count(p.map) > 100, "map bars drawn");
        assert!(r.count(p.reduce) > 0, "the reduce phase drawn");
        assert!(r.count(p.shuffle) > 0, "the shuffle drawn");
        assert_eq!(r.count(p.failed), 0, "nothing failed");
        let names: Vec<&str> = r.labels.iter().map(|l| l.text.as_str()).collect();
        assert!(
            names.contains(&"core-1") && names.contains(&"task-1"),
            "{names:?}"
        );
        assert!(
            names.contains(&"0 s"),
            "time axis from submission: {names:?}"
        );
    }

    #[wasm_bindgen_test]
    fn pointing_at_a_bar_finds_its_attempt() {
        let mut cluster = word_count(&lorem(200));
        cluster.run_until_quiet(SimTime::from_secs(3_600));
        let job = cluster.jobs().last().unwrap();
        let mut layout = GanttLayout::default();
        layout.update(job);
        let size = (600, 200, 1.0);
        let bands = bands(&cluster, &layout);
        let frame = Frame::of(&cluster, job, &bands, size);
        for (i, a) in job.attempts.iter().enumerate() {
            let band = bands.iter().find(|b| b.node == a.node).unwrap();
            let lane = band.first_lane + layout.lane(i).unwrap();
            let y = (frame.y(lane) + frame.y(lane + 1)) / 2.0;
            let x = (frame.x(a.start) + frame.x(a.end.unwrap())) / 2.0;
            assert_eq!(
                attempt_at(&cluster, job, &layout, size, (x, y)),
                Some(i),
                "{}",
                a.label()
            );
        }
        assert_eq!(
            attempt_at(&cluster, job, &layout, size, (2.0, 2.0)),
            None,
            "the gutter"
        );
        let words = describe(&cluster, job, 0).unwrap();
        let first = job.attempts.first().unwrap().label();
        assert!(words.starts_with(&format!("{first} on core-")), "{words}");
        assert!(words.contains("succeeded"), "{words}");
    }

    #[wasm_bindgen_test]
    fn steps_are_round() {
        assert_eq!(nice_step(900.0, 10.0), 100.0);
        assert_eq!(nice_step(14.0, 10.0), 2.0);
        assert_eq!(nice_step(0.0, 10.0), 1.0);
        assert_eq!(format_seconds(2.5), "2.5 s");
        assert_eq!(format_seconds(120.0), "120 s");
    }
}
