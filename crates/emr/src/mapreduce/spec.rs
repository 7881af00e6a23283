//! What a job is: its logic, its input and output, and the knobs Hadoop exposes.
//!
//! A [`JobSpec`] is what a step submits: the computation ([`JobLogic`]), where the input
//! comes from (HDFS paths, or DynamoDB items through the connector), the output directory,
//! and a [`JobConfig`] whose defaults are Hadoop's: four attempts per task, a node
//! blacklisted for the job after three of its task failures, reducers requested once 5% of
//! the maps are done, speculative execution on.
//!
//! The config also carries the parts of the simulation that are about *cost* rather than
//! behaviour: how much CPU a megabyte of input takes to map, how many times map output is
//! spilled and merged, how fast a reduce sorts ([`CostModel`]); how long the job takes to
//! start ([`StartupModel`]); and, for inputs that are sizes only, how much data the map
//! and the reduce produce ([`SyntheticProfile`]). Each built-in job has default costs; the
//! paper presets carry costs calibrated to the 2004 hardware.

use dynaplay_dynamo::value::Item;
use dynaplay_sim::SimDuration;
use serde::Serialize;

use crate::error::{EmrError, Result};
use crate::jobs::JobLogic;

/// A job as submitted.
#[derive(Debug, Clone)]
pub struct JobSpec {
    pub name: String,
    pub logic: JobLogic,
    pub input: JobInput,
    /// HDFS directory the output files go to; it must not exist yet.
    pub output: String,
    pub config: JobConfig,
}

/// Where a job's records come from.
#[derive(Debug, Clone)]
pub enum JobInput {
    /// HDFS files, or directories whose files are all read.
    Hdfs(Vec<String>),
    /// A DynamoDB table's items, read by the EMR DynamoDB connector.
    Table(TableInput),
}

/// A DynamoDB table as the connector sees it.
///
/// Either the items are given outright (`items`; the timing then comes from the
/// connector's arithmetic alone), or `live` says the table lives elsewhere and the job's
/// maps read it with real Scan pages through the cluster's
/// [`TableSource`](crate::table_source::TableSource) while they run.
#[derive(Debug, Clone)]
pub struct TableInput {
    pub table: String,
    /// The items, when the table is given outright (ignored when `live`).
    pub items: Vec<Item>,
    /// The table's provisioned read capacity units.
    pub read_capacity_units: f64,
    /// `dynamodb.throughput.read.percent` (default 0.5).
    pub read_percent: f64,
    pub live: Option<LiveTable>,
}

/// What the connector knows of a live table before reading it (from DescribeTable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LiveTable {
    /// The table's size in bytes.
    pub bytes: u64,
    pub items: u64,
}

/// Hadoop's knobs, with Hadoop's defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobConfig {
    /// `mapreduce.job.reduces`; `None` uses the job's default.
    pub reduces: Option<u32>,
    /// Split size; `None` means the HDFS block size.
    pub split_size: Option<u64>,
    /// `mapreduce.map.maxattempts` / `mapreduce.reduce.maxattempts`.
    pub max_attempts: u32,
    /// `mapreduce.job.maxtaskfailures.per.tracker`.
    pub blacklist_after: u32,
    /// `mapreduce.job.reduce.slowstart.completedmaps`.
    pub slowstart: f64,
    /// `yarn.app.mapreduce.am.job.reduce.rampup.limit`: the share of the cluster's memory
    /// reduces may hold while maps still wait.
    pub reduce_rampup_limit: f64,
    /// `mapreduce.map.speculative` and `mapreduce.reduce.speculative`.
    pub speculative: bool,
    /// Whether to run the job's combiner, if it has one.
    pub combiner: bool,
    /// Replication of the output files; `None` is `dfs.replication`.
    pub output_replication: Option<u32>,
    /// How often the shuffle's network shares are recomputed.
    pub shuffle_tick: SimDuration,
    /// How often the speculator looks for stragglers.
    pub speculation_interval: SimDuration,
    /// Width of the buckets of the rate time series.
    pub series_bucket: SimDuration,
    /// Per-megabyte costs; `None` uses the job's defaults.
    pub cost: Option<CostModel>,
    pub startup: StartupModel,
    /// Sizes of map and reduce output for inputs that are sizes only.
    pub synthetic: SyntheticProfile,
    /// Random task failures, for exercising retries.
    pub failures: FailureModel,
}

impl Default for JobConfig {
    fn default() -> Self {
        JobConfig {
            reduces: None,
            split_size: None,
            max_attempts: 4,
            blacklist_after: 3,
            slowstart: 0.05,
            reduce_rampup_limit: 0.5,
            speculative: true,
            combiner: true,
            output_replication: None,
            shuffle_tick: SimDuration::from_millis(250),
            speculation_interval: SimDuration::from_secs(1),
            series_bucket: SimDuration::from_secs(1),
            cost: None,
            startup: StartupModel::default(),
            synthetic: SyntheticProfile::default(),
            failures: FailureModel::default(),
        }
    }
}

impl JobConfig {
    /// Rejects values Hadoop would reject (or that make no sense).
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(EmrError::InvalidConfig(m.to_string()));
        if self.reduces.is_some_and(|r| r > 100_000) {
            return bad("mapreduce.job.reduces is at most 100000 here");
        }
        if self.split_size == Some(0) {
            return bad("the split size must be positive");
        }
        if !(1..=100).contains(&self.max_attempts) {
            return bad("max attempts must be between 1 and 100");
        }
        if self.blacklist_after == 0 {
            return bad("the blacklist threshold must be at least 1");
        }
        if !(0.0..=1.0).contains(&self.slowstart) {
            return bad("slowstart must be between 0 and 1");
        }
        if !(0.0..=1.0).contains(&self.reduce_rampup_limit) || self.reduce_rampup_limit == 0.0 {
            return bad("the reduce ramp-up limit must be in (0, 1]");
        }
        if self.shuffle_tick.is_zero() || self.speculation_interval.is_zero() {
            return bad("the shuffle tick and speculation interval must be positive");
        }
        if self.series_bucket.is_zero() {
            return bad("the series bucket must be positive");
        }
        if let Some(c) = &self.cost {
            c.validate()?;
        }
        self.synthetic.validate()?;
        self.failures.validate()?;
        Ok(())
    }
}

/// What work costs, per megabyte (10^6 bytes) at nominal speed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostModel {
    /// Starting a task's JVM and reading its configuration, seconds.
    pub task_launch_secs: f64,
    /// CPU seconds a map spends per MB of input.
    pub map_cpu_secs_per_mb: f64,
    /// Times each byte of map output is written to local disk (the spill, plus merges).
    pub spill_passes: f64,
    /// CPU seconds a reduce spends merge-sorting each MB of its input.
    pub sort_cpu_secs_per_mb: f64,
    /// Disk passes (read plus write) of the reduce's input while merging.
    pub merge_passes: f64,
    /// CPU seconds the reduce function spends per MB of input.
    pub reduce_cpu_secs_per_mb: f64,
    /// Throughput of the replicated output write path per reduce, MB/s; `None` means the
    /// container's share of the disk and network.
    pub output_write_mbps: Option<f64>,
}

impl CostModel {
    fn validate(&self) -> Result<()> {
        let all = [
            self.task_launch_secs,
            self.map_cpu_secs_per_mb,
            self.spill_passes,
            self.sort_cpu_secs_per_mb,
            self.merge_passes,
            self.reduce_cpu_secs_per_mb,
        ];
        if all.iter().any(|x| !x.is_finite() || *x < 0.0)
            || self
                .output_write_mbps
                .is_some_and(|w| !w.is_finite() || w <= 0.0)
        {
            return Err(EmrError::InvalidConfig(
                "costs must be finite and not negative (write rates positive)".into(),
            ));
        }
        Ok(())
    }
}

/// How a job gets going before its first task runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StartupModel {
    /// Launching the ApplicationMaster.
    pub am_launch: SimDuration,
    /// Opening one input file and fetching its block locations from the NameNode.
    pub per_input_file: SimDuration,
    /// The job's program is copied to this many workers at a time...
    pub program_push_batch: u32,
    /// ...each batch taking this long.
    pub program_push_interval: SimDuration,
}

impl Default for StartupModel {
    /// YARN: a few seconds for the AM container, milliseconds per file, the job jar
    /// localised to every node within a second.
    fn default() -> Self {
        StartupModel {
            am_launch: SimDuration::from_secs(4),
            per_input_file: SimDuration::from_millis(5),
            program_push_batch: 1_000,
            program_push_interval: SimDuration::from_millis(500),
        }
    }
}

/// Output sizes for synthetic inputs (whose records are never materialised).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyntheticProfile {
    /// Bytes per input record.
    pub record_bytes: u64,
    /// Map output bytes per input byte.
    pub map_output_ratio: f64,
    /// Reduce output bytes per shuffled byte.
    pub reduce_output_ratio: f64,
}

impl Default for SyntheticProfile {
    fn default() -> Self {
        SyntheticProfile {
            record_bytes: 100,
            map_output_ratio: 1.0,
            reduce_output_ratio: 1.0,
        }
    }
}

impl SyntheticProfile {
    fn validate(&self) -> Result<()> {
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        if self.record_bytes == 0 || !ok(self.map_output_ratio) || !ok(self.reduce_output_ratio) {
            return Err(EmrError::InvalidConfig(
                "synthetic record size must be positive and ratios not negative".into(),
            ));
        }
        Ok(())
    }
}

/// Random task-attempt failures (a bad record, an out-of-memory kill).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FailureModel {
    /// Probability that a map attempt fails partway.
    pub map_attempt_failure: f64,
    /// Probability that a reduce attempt fails partway.
    pub reduce_attempt_failure: f64,
}

impl FailureModel {
    fn validate(&self) -> Result<()> {
        let ok = |p: f64| (0.0..=1.0).contains(&p);
        if !ok(self.map_attempt_failure) || !ok(self.reduce_attempt_failure) {
            return Err(EmrError::InvalidConfig(
                "failure probabilities must be between 0 and 1".into(),
            ));
        }
        Ok(())
    }
}
