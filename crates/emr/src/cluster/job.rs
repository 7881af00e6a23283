//! A job while it runs: its tasks, their attempts, and what the ApplicationMaster tracks.
//!
//! A task is the unit of work (one split's map, one partition's reduce); an *attempt* is
//! one try at running it in one container on one node. A task may have several attempts:
//! retries after failures (at most four), re-runs after its output was lost with a node,
//! and speculative duplicates racing the original. Exactly one attempt per task commits
//! its output; every attempt, successful or not, stays in the job's history for the Gantt
//! chart.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use dynaplay_sim::SimTime;
use serde::Serialize;

use crate::connector::ConnectorPlan;
use crate::events::Locality;
use crate::ids::{AttemptId, JobId, NodeId, StepId, TaskKind, TaskRef};
use crate::jobs::JobLogic;
use crate::mapreduce::compute::{MapOutput, Partitioner, ReduceOutput};
use crate::mapreduce::counters::Counters;
use crate::mapreduce::record::Split;
use crate::mapreduce::spec::{CostModel, JobConfig};
use crate::series::RateSeries;

/// Where a job is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobState {
    /// The ApplicationMaster is starting and opening the input.
    Setup,
    Running,
    Succeeded,
    Failed,
    Killed,
}

impl JobState {
    pub fn name(&self) -> &'static str {
        match self {
            JobState::Setup => "SETUP",
            JobState::Running => "RUNNING",
            JobState::Succeeded => "SUCCEEDED",
            JobState::Failed => "FAILED",
            JobState::Killed => "KILLED",
        }
    }

    pub fn is_done(&self) -> bool {
        matches!(
            self,
            JobState::Succeeded | JobState::Failed | JobState::Killed
        )
    }
}

/// A task's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskState {
    Pending,
    Running,
    Succeeded,
    Failed,
}

/// What an attempt is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttemptPhase {
    /// A map reading, computing and spilling.
    Map,
    /// A reduce's container starting.
    Launching,
    /// A reduce fetching map outputs.
    Shuffle,
    /// A reduce merge-sorting, reducing and writing its output.
    Reduce,
}

/// How an attempt ended, or that it has not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttemptState {
    Running(AttemptPhase),
    Succeeded,
    Failed(String),
    Killed(String),
}

/// One try at a task.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub id: AttemptId,
    pub task: TaskRef,
    /// 0 for the first attempt of the task, then 1, 2…
    pub number: u32,
    pub node: NodeId,
    pub speculative: bool,
    pub locality: Option<Locality>,
    pub start: SimTime,
    pub end: Option<SimTime>,
    pub state: AttemptState,
    /// When the current phase began and is planned to end (for progress).
    pub phase_start: SimTime,
    pub planned_end: SimTime,
    /// Bytes fetched so far (reduces).
    pub fetched: f64,
    #[serde(skip)]
    pub(crate) seq: u32,
    /// A failure decided when the phase was planned: it fails at `planned_end`.
    #[serde(skip)]
    pub(crate) doomed: Option<String>,
    #[serde(skip)]
    pub(crate) input_flow: Option<(SimTime, SimTime, f64)>,
    #[serde(skip)]
    pub(crate) output_flow: Option<(SimTime, SimTime, f64)>,
    #[serde(skip)]
    pub(crate) map_output: Option<Arc<MapOutput>>,
    #[serde(skip)]
    pub(crate) reduce_output: Option<Arc<ReduceOutput>>,
    /// Map output or reduce output bytes of this attempt.
    #[serde(skip)]
    pub(crate) out_bytes: u64,
    #[serde(skip)]
    pub(crate) jitter: f64,
    #[serde(skip)]
    pub(crate) shuffle_done: Option<SimTime>,
    /// A map reading a live table: where its segments are (see `scan.rs`).
    #[serde(skip)]
    pub(crate) scan: Option<Box<super::scan::ScanState>>,
}

impl Attempt {
    pub fn is_running(&self) -> bool {
        matches!(self.state, AttemptState::Running(_))
    }

    pub fn phase(&self) -> Option<AttemptPhase> {
        match self.state {
            AttemptState::Running(p) => Some(p),
            _ => None,
        }
    }

    /// Hadoop's short attempt name: `m_000003_1`.
    pub fn label(&self) -> String {
        format!("{}_{}", self.task, self.number)
    }
}

/// A map task.
#[derive(Debug, Clone)]
pub struct MapTask {
    pub split: Split,
    pub state: TaskState,
    pub attempts: Vec<AttemptId>,
    /// Failed attempts (killed ones do not count).
    pub failures: u32,
    /// The attempt whose output is committed, and where that output lives.
    pub committed: Option<(AttemptId, NodeId)>,
    /// Nodes where an attempt of this task failed (a retry goes elsewhere if it can).
    pub failed_on: Vec<NodeId>,
    /// The committed output is on a node that is down: it cannot be fetched.
    pub(crate) withheld: bool,
    pub(crate) output: Option<Arc<MapOutput>>,
    pub(crate) output_bytes: u64,
}

/// A reduce task.
#[derive(Debug, Clone)]
pub struct ReduceTask {
    pub partition: u32,
    pub state: TaskState,
    pub attempts: Vec<AttemptId>,
    pub failures: u32,
    pub committed: Option<AttemptId>,
    pub failed_on: Vec<NodeId>,
}

/// Where the job's records come from, once resolved.
#[derive(Debug, Clone)]
pub enum InputSource {
    /// Real records, split by HDFS blocks.
    Files { files: usize },
    /// Sizes only.
    Synthetic { files: usize },
    /// A DynamoDB table via the connector.
    Table(ConnectorPlan),
    /// A live DynamoDB table, scanned while the maps run.
    LiveTable(LiveRead),
}

/// How a job reads a live table.
#[derive(Debug, Clone)]
pub struct LiveRead {
    pub table: String,
    pub plan: ConnectorPlan,
    /// Items per Scan page.
    pub page_items: u32,
}

/// A job on the cluster.
#[derive(Debug, Clone)]
pub struct JobRun {
    pub id: JobId,
    pub step: Option<StepId>,
    pub name: String,
    pub logic: JobLogic,
    pub output: String,
    pub config: JobConfig,
    pub cost: CostModel,
    pub state: JobState,
    pub failure: Option<String>,
    pub submitted: SimTime,
    pub setup_done: Option<SimTime>,
    pub first_task: Option<SimTime>,
    pub maps_done: Option<SimTime>,
    pub finished: Option<SimTime>,
    pub source: InputSource,
    pub maps: Vec<MapTask>,
    pub reduces: Vec<ReduceTask>,
    pub attempts: Vec<Attempt>,
    pub counters: Counters,
    pub input_rate: RateSeries,
    pub shuffle_rate: RateSeries,
    pub output_rate: RateSeries,
    pub am_node: Option<NodeId>,
    pub blacklist: BTreeSet<NodeId>,
    pub node_failures: BTreeMap<NodeId, u32>,
    pub output_files: Vec<String>,
    pub(crate) partitioner: Partitioner,
    pub(crate) pending_maps: BTreeSet<u32>,
    pub(crate) retry_maps: BTreeSet<u32>,
    pub(crate) pending_reduces: BTreeSet<u32>,
    /// Map tasks with a replica on each node (by node index), consumed lazily.
    pub(crate) local_maps: Vec<Vec<u32>>,
    /// Whether each node (by index) has the job's program and may run its tasks.
    pub(crate) ready: Vec<bool>,
    pub(crate) reserved: BTreeSet<NodeId>,
    pub(crate) reduces_on_node: BTreeMap<NodeId, u32>,
    pub(crate) reduce_mb_running: u64,
    pub(crate) committed_maps: u32,
    /// Committed map output spread evenly over the partitions (synthetic input)...
    pub(crate) committed_uniform: f64,
    /// ...and committed map output per partition (real input).
    pub(crate) committed_by_partition: Vec<f64>,
    pub(crate) shuffling: BTreeSet<AttemptId>,
    pub(crate) shuffle_ticking: bool,
    pub(crate) offer_round: bool,
    /// Maps are waiting with no room anywhere: no new reduces until they are placed.
    pub(crate) maps_starved: bool,
    /// Running map attempts.
    pub(crate) running_maps: usize,
    /// Running map attempts reading their split over the network.
    pub(crate) remote_reads: usize,
    /// Reducers that had data to fetch at the last shuffle tick.
    pub(crate) backlogged_fetches: usize,
    pub(crate) map_time: (f64, u32),
    pub(crate) reduce_post_time: (f64, u32),
}

impl JobRun {
    pub fn task_count(&self, kind: TaskKind) -> usize {
        match kind {
            TaskKind::Map => self.maps.len(),
            TaskKind::Reduce => self.reduces.len(),
        }
    }

    pub fn attempt(&self, id: AttemptId) -> Option<&Attempt> {
        self.attempts.get(id.index())
    }

    pub(crate) fn attempt_mut(&mut self, id: AttemptId) -> Option<&mut Attempt> {
        self.attempts.get_mut(id.index())
    }

    /// Bytes of partition `p` committed by maps so far.
    pub(crate) fn available(&self, p: u32) -> f64 {
        let r = self.reduces.len().max(1) as f64;
        self.committed_uniform / r
            + self
                .committed_by_partition
                .get(p as usize)
                .copied()
                .unwrap_or(0.0)
    }

    pub(crate) fn has_pending_maps(&self) -> bool {
        !self.pending_maps.is_empty() || !self.retry_maps.is_empty()
    }

    pub fn maps_succeeded(&self) -> usize {
        self.maps
            .iter()
            .filter(|m| m.state == TaskState::Succeeded)
            .count()
    }

    pub fn reduces_succeeded(&self) -> usize {
        self.reduces
            .iter()
            .filter(|r| r.state == TaskState::Succeeded)
            .count()
    }

    /// The running attempts of a task.
    pub fn running_attempts(&self, task: TaskRef) -> Vec<AttemptId> {
        let ids = match task {
            TaskRef::Map(i) => self.maps.get(i as usize).map(|t| &t.attempts),
            TaskRef::Reduce(i) => self.reduces.get(i as usize).map(|t| &t.attempts),
        };
        ids.into_iter()
            .flatten()
            .copied()
            .filter(|a| self.attempt(*a).is_some_and(Attempt::is_running))
            .collect()
    }
}
