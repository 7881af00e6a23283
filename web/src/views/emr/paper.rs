//! The MapReduce paper's experiments as one-click runs, and the comparison with its numbers.
//!
//! Section 5 of Dean and Ghemawat's OSDI 2004 paper ran grep and sort over a terabyte on
//! about 1,800 machines, and then sort twice more: without backup (speculative) tasks, and
//! with 200 worker processes killed part-way. The engine's presets rebuild each run on
//! the same simulation every other job uses; here each becomes a button, and the finished
//! run is set beside what the paper reports — the elapsed time, and the shapes of the rate
//! curves (grep's input peak, sort's two shuffle humps, the negative input rate when
//! killed workers' map output is lost).

use dynaplay_emr::presets::{self, PaperNumbers, Preset, PresetOptions};
use dynaplay_emr::summary::JobSummary;

/// One of the paper's four runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperRun {
    Grep,
    Sort,
    SortWithoutBackups,
    SortKilled,
}

impl PaperRun {
    pub const ALL: [PaperRun; 4] = [
        PaperRun::Grep,
        PaperRun::Sort,
        PaperRun::SortWithoutBackups,
        PaperRun::SortKilled,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            PaperRun::Grep => "grep",
            PaperRun::Sort => "sort",
            PaperRun::SortWithoutBackups => "sort-no-backup",
            PaperRun::SortKilled => "sort-killed",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PaperRun::Grep => "Grep",
            PaperRun::Sort => "Sort",
            PaperRun::SortWithoutBackups => "Sort without backup tasks",
            PaperRun::SortKilled => "Sort, 200 workers killed",
        }
    }

    pub fn preset(self) -> Preset {
        match self {
            PaperRun::Grep => Preset::OsdiGrep,
            _ => Preset::OsdiSort,
        }
    }

    pub fn options(self, seed: u64) -> PresetOptions {
        PresetOptions {
            seed,
            speculation: self != PaperRun::SortWithoutBackups,
            kill_workers: if self == PaperRun::SortKilled { 200 } else { 0 },
            ..PresetOptions::default()
        }
    }

    /// What the paper reports for this run.
    pub fn paper(self) -> Option<PaperNumbers> {
        presets::paper_numbers(self.preset(), &self.options(1))
    }

    /// What to look for, in the paper's words.
    pub fn lesson(self) -> &'static str {
        match self {
            PaperRun::Grep => {
                "10^10 records scanned for a rare pattern by 15,000 maps: about a minute of \
                 start-up, then the input rate climbs past 30 GB/s as machines join."
            }
            PaperRun::Sort => {
                "A terabyte sorted by 15,000 maps and 4,000 reduces. Input is faster than the \
                 shuffle, which is faster than the output; the shuffle comes in two humps \
                 because each machine runs at most two reduces at a time."
            }
            PaperRun::SortWithoutBackups => {
                "The same sort with speculative execution off: a few straggling reduces \
                 finish long after the rest, and the whole job waits for them."
            }
            PaperRun::SortKilled => {
                "200 worker processes are killed a couple of minutes in. Their finished map \
                 output is lost (the input rate dips below zero) and re-run; the job still \
                 ends only a little later."
            }
        }
    }
}

/// One line of the comparison: what, the paper's figure, the simulation's.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub what: String,
    pub paper: String,
    pub simulated: String,
}

/// The finished (or running) run beside the paper.
pub fn compare(run: PaperRun, summary: &JobSummary) -> Vec<Comparison> {
    let row = |what: &str, paper: String, simulated: String| Comparison {
        what: what.to_string(),
        paper,
        simulated,
    };
    let mut rows = Vec::new();
    if let Some(paper) = run.paper() {
        let simulated = summary.simulated_seconds;
        let delta = (simulated - paper.seconds) / paper.seconds * 100.0;
        rows.push(row(
            "Elapsed",
            format!("{:.0} s", paper.seconds),
            format!("{simulated:.0} s ({delta:+.0}%)"),
        ));
    }
    let startup = summary
        .startup_seconds
        .map_or_else(|| "—".to_string(), |s| format!("{s:.0} s"));
    match run {
        PaperRun::Grep => {
            rows.push(row("Start-up", "about 60 s".into(), startup));
            rows.push(row(
                "Peak input rate",
                "above 30 GB/s".into(),
                format!("{:.1} GB/s", summary.peak_input_mbps / 1000.0),
            ));
        }
        _ => {
            rows.push(row(
                "Peak rates: input > shuffle > output",
                "13 > 12.5 > 2–4 GB/s (figure 3)".into(),
                format!(
                    "{:.1} > {:.1} > {:.1} GB/s",
                    summary.peak_input_mbps / 1000.0,
                    summary.peak_shuffle_mbps / 1000.0,
                    summary.peak_output_mbps / 1000.0
                ),
            ));
            rows.push(row(
                "Shuffle humps",
                "2 (two waves of reduces)".into(),
                summary.shuffle_humps.to_string(),
            ));
            rows.push(row(
                "Backup attempts",
                if run == PaperRun::SortWithoutBackups {
                    "none"
                } else {
                    "a few"
                }
                .into(),
                format!(
                    "{} ({} won)",
                    summary.speculative_attempts, summary.speculative_wins
                ),
            ));
        }
    }
    if run == PaperRun::SortKilled {
        rows.push(row(
            "Lowest input rate",
            "negative: lost map output".into(),
            format!("{:.1} GB/s", summary.min_input_mbps / 1000.0),
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn every_run_has_the_papers_figure() {
        let seconds: Vec<f64> = PaperRun::ALL
            .iter()
            .map(|r| r.paper().unwrap().seconds)
            .collect();
        assert_eq!(seconds, [150.0, 891.0, 1283.0, 933.0]);
        assert!(!PaperRun::SortWithoutBackups.options(1).speculation);
        assert_eq!(PaperRun::SortKilled.options(1).kill_workers, 200);
    }
}
