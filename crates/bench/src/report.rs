//! What a run measured, and the tables and ratios it prints.
//!
//! Numbers from different runs on a shared two-core machine are not comparable, so the
//! report never stands alone: every table lists all targets of one run, measured one after
//! another with the same request stream, and every ratio is against the first target of
//! that same run — the baseline. Throughput ratios above 1 and latency ratios below 1 mean
//! "better than the baseline". The tables are Markdown so they can be pasted into
//! docs/BENCHMARKS.md as printed.

use std::fmt::Write as _;

use dynaplay_sim::{Histogram, SimDuration};

use crate::workload::{Mix, Operation};

/// One timed phase against one target: fixed connections, bounded time and count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhaseResult {
    pub connections: usize,
    /// Wall time from the first request sent to the last response read, in seconds.
    pub elapsed_secs: f64,
    /// Latencies of successful requests, by operation in [`Operation::ALL`] order.
    pub latencies: [Histogram; 4],
    /// Requests that failed: transport errors, non-200 answers, or 200s that did not
    /// carry the expected item(s).
    pub errors: u64,
    pub first_error: Option<String>,
    /// CPU seconds the server process spent during the phase, when its pid is known.
    pub server_cpu_secs: Option<f64>,
}

impl PhaseResult {
    pub fn new(connections: usize) -> PhaseResult {
        PhaseResult {
            connections,
            ..PhaseResult::default()
        }
    }

    /// Folds in the results of one connection.
    pub fn merge(&mut self, other: &PhaseResult) {
        for (mine, theirs) in self.latencies.iter_mut().zip(&other.latencies) {
            mine.merge(theirs);
        }
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error.clone_from(&other.first_error);
        }
    }

    pub fn record(&mut self, operation: Operation, latency: SimDuration) {
        if let Some(histogram) = self.latencies.get_mut(operation.index()) {
            histogram.record(latency);
        }
    }

    pub fn fail(&mut self, message: impl FnOnce() -> String) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(message());
        }
    }

    pub fn completed(&self) -> u64 {
        self.latencies.iter().map(Histogram::count).sum()
    }

    /// Successful requests per second.
    pub fn throughput(&self) -> f64 {
        if self.elapsed_secs > 0.0 {
            self.completed() as f64 / self.elapsed_secs
        } else {
            0.0
        }
    }

    /// Server CPU microseconds per successful request, when the server's pid is known.
    pub fn cpu_micros_per_request(&self) -> Option<f64> {
        let completed = self.completed();
        self.server_cpu_secs
            .filter(|_| completed > 0)
            .map(|s| s * 1e6 / completed as f64)
    }

    pub fn all(&self) -> Histogram {
        let mut all = Histogram::new();
        for histogram in &self.latencies {
            all.merge(histogram);
        }
        all
    }

    pub fn operation(&self, operation: Operation) -> Option<&Histogram> {
        self.latencies.get(operation.index())
    }
}

/// Everything measured against one target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetResult {
    pub name: String,
    pub address: String,
    pub preload_items: u64,
    pub preload_secs: f64,
    pub phases: Vec<PhaseResult>,
    /// Why the target could not be measured (setup or preload failed).
    pub failure: Option<String>,
}

impl TargetResult {
    /// Keeps `phase` if it is the first or the fastest round at its connection count.
    /// Interference from other processes on a shared machine only ever slows a round
    /// down, so the best round is the closest to what the server can do.
    pub fn keep_best(&mut self, phase: PhaseResult) {
        let slot = self
            .phases
            .iter_mut()
            .find(|p| p.connections == phase.connections);
        match slot {
            Some(best) if best.throughput() >= phase.throughput() => {}
            Some(best) => *best = phase,
            None => self.phases.push(phase),
        }
    }

    fn phase(&self, connections: usize) -> Option<&PhaseResult> {
        self.phases
            .iter()
            .find(|p| p.connections == connections && p.completed() > 0)
    }
}

/// How the run was set up, for the report's header.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub seed: u64,
    pub items: u64,
    pub mix: Mix,
    pub duration_secs: f64,
    pub max_requests: u64,
    pub warmup_secs: f64,
    pub client_threads: usize,
    /// Interleaved rounds of timed phases; each target's best round is reported.
    pub rounds: usize,
}

/// Milliseconds with three decimals, or `-` when nothing was recorded.
fn ms(duration: Option<SimDuration>) -> String {
    duration.map_or_else(|| "-".to_string(), |d| format!("{:.3}", d.as_millis_f64()))
}

fn p50_p99(histogram: Option<&Histogram>) -> String {
    match histogram {
        Some(h) if !h.is_empty() => format!("{} / {}", ms(h.p50()), ms(h.p99())),
        _ => "-".into(),
    }
}

fn ratio(value: f64, baseline: f64) -> String {
    if baseline > 0.0 && value.is_finite() {
        format!("{:.2}×", value / baseline)
    } else {
        "-".into()
    }
}

fn micros(duration: Option<SimDuration>) -> Option<f64> {
    duration.map(|d| d.as_millis_f64() * 1000.0)
}

/// The whole report: set-up, preload, then one table and the ratios per connection count.
pub fn render(info: &RunInfo, targets: &[TargetResult]) -> String {
    let mut out = String::new();
    let mix: Vec<String> = Operation::ALL
        .iter()
        .zip(info.mix.percentages())
        .filter(|(_, share)| *share > 0.0)
        .map(|(operation, share)| format!("{} {share:.0}%", operation.name()))
        .collect();
    let _ = writeln!(
        out,
        "Seed {}, {} items, mix {}, \
         {:.0} s or {} requests per phase (whichever ends first), {:.0} s warm-up, \
         best of {} interleaved round(s), {} load-generator thread(s). \
         Latencies in ms; ratios against the first target.",
        info.seed,
        info.items,
        mix.join(" / "),
        info.duration_secs,
        info.max_requests,
        info.warmup_secs,
        info.rounds,
        info.client_threads,
    );
    out.push('\n');
    out.push_str("| target | preload (BatchWriteItem) | status |\n|---|---|---|\n");
    for target in targets {
        let rate = if target.preload_secs > 0.0 {
            format!(
                "{} items in {:.1} s ({:.0} items/s)",
                target.preload_items,
                target.preload_secs,
                target.preload_items as f64 / target.preload_secs
            )
        } else {
            "-".into()
        };
        let status = target.failure.as_deref().unwrap_or("measured");
        let _ = writeln!(out, "| {} | {rate} | {status} |", target.name);
    }

    let mut levels: Vec<usize> = targets
        .iter()
        .flat_map(|t| t.phases.iter().map(|p| p.connections))
        .collect();
    levels.sort_unstable();
    levels.dedup();
    for connections in levels {
        render_level(&mut out, connections, targets);
    }
    out
}

fn render_level(out: &mut String, connections: usize, targets: &[TargetResult]) {
    let _ = writeln!(out, "\n### {connections} connections\n");
    out.push_str(
        "| target | requests/s | vs baseline | all p50 / p99 | GetItem p50 / p99 \
         | PutItem p50 / p99 | Query p50 / p99 | server CPU µs/request | requests | errors |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let baseline = targets.iter().find_map(|t| t.phase(connections));
    for target in targets {
        let Some(phase) = target.phase(connections) else {
            let _ = writeln!(
                out,
                "| {} | - | - | - | - | - | - | - | - | - |",
                target.name
            );
            continue;
        };
        let vs = baseline.map_or_else(|| "-".into(), |b| ratio(phase.throughput(), b.throughput()));
        let all = phase.all();
        let _ = writeln!(
            out,
            "| {} | {:.0} | {vs} | {} | {} | {} | {} | {} | {} | {} |",
            target.name,
            phase.throughput(),
            p50_p99(Some(&all)),
            p50_p99(phase.operation(Operation::GetItem)),
            p50_p99(phase.operation(Operation::PutItem)),
            p50_p99(phase.operation(Operation::Query)),
            phase
                .cpu_micros_per_request()
                .map_or_else(|| "-".into(), |c| format!("{c:.1}")),
            phase.completed(),
            phase.errors,
        );
    }
    let Some(baseline) = baseline else { return };
    let baseline_name = targets
        .iter()
        .find(|t| t.phase(connections).is_some())
        .map_or("", |t| t.name.as_str());
    out.push('\n');
    for target in targets {
        let Some(phase) = target.phase(connections) else {
            continue;
        };
        if std::ptr::eq(phase, baseline) {
            continue;
        }
        let mut line = format!(
            "- {} vs {baseline_name}: throughput {}",
            target.name,
            ratio(phase.throughput(), baseline.throughput())
        );
        if let (Some(mine), Some(theirs)) = (
            phase.cpu_micros_per_request(),
            baseline.cpu_micros_per_request(),
        ) {
            let _ = write!(line, ", server CPU per request {}", ratio(mine, theirs));
        }
        for operation in Operation::ALL {
            let mine = phase.operation(operation).and_then(|h| micros(h.p99()));
            let theirs = baseline.operation(operation).and_then(|h| micros(h.p99()));
            if let (Some(mine), Some(theirs)) = (mine, theirs) {
                let _ = write!(line, ", {} p99 {}", operation.name(), ratio(mine, theirs));
            }
        }
        let _ = writeln!(out, "{line}");
    }
    for target in targets {
        if let Some(error) = target
            .phase(connections)
            .and_then(|p| p.first_error.as_deref())
        {
            let _ = writeln!(out, "- first error from {}: {}", target.name, error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase(connections: usize, secs: f64, micros: u64, count: u64) -> PhaseResult {
        let mut phase = PhaseResult::new(connections);
        phase.elapsed_secs = secs;
        for operation in [Operation::GetItem, Operation::PutItem, Operation::Query] {
            for _ in 0..count {
                phase.record(operation, SimDuration::from_micros(micros));
            }
        }
        phase
    }

    fn info() -> RunInfo {
        RunInfo {
            seed: 1,
            items: 100_000,
            mix: Mix::default(),
            duration_secs: 10.0,
            max_requests: 1000,
            warmup_secs: 1.0,
            client_threads: 1,
            rounds: 1,
        }
    }

    #[test]
    fn ratios_are_against_the_first_target() {
        let mut slow_phase = phase(16, 1.0, 1000, 100);
        slow_phase.server_cpu_secs = Some(0.3);
        let slow = TargetResult {
            name: "slow".into(),
            phases: vec![slow_phase],
            ..TargetResult::default()
        };
        let mut fast_phase = phase(16, 1.0, 250, 400);
        fast_phase.server_cpu_secs = Some(0.6);
        let fast = TargetResult {
            name: "fast".into(),
            phases: vec![fast_phase],
            ..TargetResult::default()
        };
        let report = render(&info(), &[slow, fast]);
        // 300 vs 1,200 requests per second.
        assert!(report.contains("| slow | 300 | 1.00× |"), "{report}");
        // 0.3 s of server CPU over 300 requests, 0.6 s over 1,200.
        assert!(report.contains("| 1000.0 | 300 | 0 |"), "{report}");
        assert!(report.contains("| 500.0 | 1200 | 0 |"), "{report}");
        assert!(report.contains("| fast | 1200 | 4.00× |"), "{report}");
        assert!(report.contains("| 0.250 / 0.250 |"), "{report}");
        assert!(
            report.contains(
                "- fast vs slow: throughput 4.00×, server CPU per request 0.50×, \
                 GetItem p99 0.25×, PutItem p99 0.25×, Query p99 0.25×"
            ),
            "{report}"
        );
    }

    #[test]
    fn a_failed_target_is_listed_with_its_reason_and_no_numbers() {
        let broken = TargetResult {
            name: "broken".into(),
            failure: Some("CreateTable: 400 UnknownOperationException".into()),
            ..TargetResult::default()
        };
        let good = TargetResult {
            name: "good".into(),
            phases: vec![phase(64, 2.0, 100, 10)],
            preload_items: 100_000,
            preload_secs: 4.0,
            ..TargetResult::default()
        };
        let report = render(&info(), &[broken, good]);
        assert!(report.contains("| broken | - | CreateTable: 400 UnknownOperationException |"));
        assert!(report.contains("| good | 100000 items in 4.0 s (25000 items/s) | measured |"));
        assert!(
            report.contains("| broken | - | - | - | - | - | - | - | - |"),
            "{report}"
        );
        // The first target with numbers becomes the baseline.
        assert!(report.contains("| good | 15 | 1.00× |"), "{report}");
    }

    #[test]
    fn the_fastest_round_is_kept_per_connection_count() {
        let mut target = TargetResult::default();
        target.keep_best(phase(16, 1.0, 100, 10));
        target.keep_best(phase(64, 1.0, 100, 5));
        target.keep_best(phase(16, 1.0, 50, 20));
        target.keep_best(phase(16, 1.0, 200, 15));
        assert_eq!(target.phases.len(), 2);
        assert_eq!(target.phases[0].completed(), 60);
        assert_eq!(target.phases[1].completed(), 15);
    }

    #[test]
    fn merging_connections_adds_counts_and_keeps_the_first_error() {
        let mut total = PhaseResult::new(2);
        let mut a = phase(2, 0.0, 10, 1);
        a.fail(|| "first".into());
        let mut b = phase(2, 0.0, 20, 2);
        b.fail(|| "second".into());
        b.fail(|| unreachable!("only the first message is built"));
        total.merge(&a);
        total.merge(&b);
        assert_eq!(total.completed(), 9);
        assert_eq!(total.errors, 3);
        assert_eq!(total.first_error.as_deref(), Some("first"));
        assert_eq!(total.all().count(), 9);
    }
}
