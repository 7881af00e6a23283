//! A job in numbers: what the command line prints and the paper comparison uses.

use serde::Serialize;

use crate::cluster::{AttemptState, JobRun};
use crate::mapreduce::counters::Counters;

/// The headline numbers of one job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobSummary {
    pub job: String,
    pub name: String,
    pub state: String,
    pub failure: Option<String>,
    /// From submission to the end (or to now, if still running).
    pub simulated_seconds: f64,
    /// From submission to the first task attempt.
    pub startup_seconds: Option<f64>,
    /// From submission to the last map's commit.
    pub maps_done_seconds: Option<f64>,
    pub map_tasks: usize,
    pub reduce_tasks: usize,
    pub attempts: usize,
    pub attempts_failed: usize,
    pub attempts_killed: usize,
    pub speculative_attempts: usize,
    /// Speculative attempts that committed (beat the original).
    pub speculative_wins: usize,
    pub bytes_read: u64,
    pub bytes_shuffled: u64,
    pub bytes_written: u64,
    /// Share of launched HDFS maps that read a local replica.
    pub locality_ratio: Option<f64>,
    pub peak_input_mbps: f64,
    pub peak_shuffle_mbps: f64,
    pub peak_output_mbps: f64,
    /// The most negative input rate (work lost with nodes), MB/s.
    pub min_input_mbps: f64,
    /// Distinct humps of the shuffle rate.
    pub shuffle_humps: usize,
    pub counters: Counters,
}

/// Window (in buckets) of the moving average the peaks and humps are read from.
pub const SMOOTHING: usize = 5;
/// Runs of shuffle separated by less than this many seconds of quiet are one hump.
pub const HUMP_GAP_SECS: f64 = 30.0;

impl JobSummary {
    pub fn of(job: &JobRun, now: dynaplay_sim::SimTime) -> JobSummary {
        let end = job.finished.unwrap_or(now);
        let since = |t: Option<dynaplay_sim::SimTime>| t.map(|t| (t - job.submitted).as_secs_f64());
        let count =
            |f: &dyn Fn(&AttemptState) -> bool| job.attempts.iter().filter(|a| f(&a.state)).count();
        let c = &job.counters;
        let hdfs_maps = c.data_local_maps + c.other_local_maps;
        let peak = |s: &crate::series::RateSeries| {
            s.smoothed_mbps(SMOOTHING).into_iter().fold(0.0, f64::max)
        };
        let shuffle_peak = peak(&job.shuffle_rate);
        let humps = job
            .shuffle_rate
            .humps(SMOOTHING, shuffle_peak * 0.05, HUMP_GAP_SECS)
            .into_iter()
            .filter(|h| h.2 >= shuffle_peak * 0.1)
            .count();
        JobSummary {
            job: job.id.to_string(),
            name: job.name.clone(),
            state: job.state.name().into(),
            failure: job.failure.clone(),
            simulated_seconds: (end - job.submitted).as_secs_f64(),
            startup_seconds: since(job.first_task),
            maps_done_seconds: since(job.maps_done),
            map_tasks: job.maps.len(),
            reduce_tasks: job.reduces.len(),
            attempts: job.attempts.len(),
            attempts_failed: count(&|s| matches!(s, AttemptState::Failed(_))),
            attempts_killed: count(&|s| matches!(s, AttemptState::Killed(_))),
            speculative_attempts: job.attempts.iter().filter(|a| a.speculative).count(),
            speculative_wins: job
                .attempts
                .iter()
                .filter(|a| a.speculative && a.state == AttemptState::Succeeded)
                .count(),
            bytes_read: job.maps.iter().map(|m| m.split.length).sum(),
            bytes_shuffled: c.reduce_shuffle_bytes,
            bytes_written: c.hdfs_bytes_written,
            locality_ratio: (hdfs_maps > 0).then(|| c.data_local_maps as f64 / hdfs_maps as f64),
            peak_input_mbps: peak(&job.input_rate),
            peak_shuffle_mbps: shuffle_peak,
            peak_output_mbps: peak(&job.output_rate),
            min_input_mbps: job.input_rate.trough_mbps(),
            shuffle_humps: humps,
            counters: c.clone(),
        }
    }
}
