//! Snapshots: the whole cluster as plain serialisable data, for the UI to draw.
//!
//! A snapshot is what a view needs in one piece: every node with its containers and its
//! HDFS share, every file with its blocks and where their replicas are, the steps, and for
//! each job its task counts, every attempt (for a Gantt chart), its counters and its
//! input, shuffle and output rate series. It is computed on demand from the engine's state
//! and holds no references into it.

use dynaplay_sim::SimTime;
use serde::Serialize;

use crate::cluster::{Attempt, Cluster, JobRun, Step, TaskState};
use crate::hdfs::DataNodeState;
use crate::ids::{BlockId, JobId, NodeId, TaskRef};
use crate::mapreduce::counters::Counters;
use crate::node::{Market, NodeRole, NodeState};
use crate::series::RateSeries;
use crate::summary::JobSummary;
use crate::yarn::ContainerKind;

#[derive(Debug, Clone, Serialize)]
pub struct ClusterSnapshot {
    pub id: String,
    pub name: String,
    pub now: SimTime,
    pub state: String,
    pub state_reason: String,
    pub nodes: Vec<NodeSnapshot>,
    pub hdfs: HdfsSnapshot,
    pub steps: Vec<Step>,
    pub jobs: Vec<JobSnapshot>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeSnapshot {
    pub id: NodeId,
    pub name: String,
    pub role: NodeRole,
    pub instance_type: String,
    pub market: Market,
    pub state: NodeState,
    pub slowdown: f64,
    pub degraded: bool,
    pub vcores: u32,
    pub vcores_used: u32,
    pub memory_mb: u64,
    pub memory_used_mb: u64,
    pub containers: Vec<ContainerSnapshot>,
    pub datanode: Option<DataNodeState>,
    pub hdfs_blocks: usize,
    pub hdfs_used: u64,
    pub hdfs_capacity: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContainerSnapshot {
    pub kind: ContainerKind,
    pub job: JobId,
    pub task: Option<TaskRef>,
    pub attempt: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HdfsSnapshot {
    pub block_size: u64,
    pub replication: u32,
    pub capacity: u64,
    pub raw_capacity: u64,
    pub raw_used: u64,
    pub under_replicated: usize,
    pub missing: usize,
    pub files: Vec<FileSnapshot>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileSnapshot {
    pub path: String,
    pub bytes: u64,
    pub replication: u32,
    pub blocks: Vec<BlockSnapshot>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockSnapshot {
    pub id: BlockId,
    pub size: u64,
    pub replicas: Vec<NodeId>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct TaskCounts {
    pub pending: usize,
    pub running: usize,
    pub succeeded: usize,
    pub failed: usize,
}

impl TaskCounts {
    fn of(states: impl Iterator<Item = TaskState>) -> TaskCounts {
        let mut c = TaskCounts::default();
        for s in states {
            match s {
                TaskState::Pending => c.pending += 1,
                TaskState::Running => c.running += 1,
                TaskState::Succeeded => c.succeeded += 1,
                TaskState::Failed => c.failed += 1,
            }
        }
        c
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct JobSnapshot {
    pub id: JobId,
    pub name: String,
    pub state: String,
    pub failure: Option<String>,
    pub submitted: SimTime,
    pub finished: Option<SimTime>,
    pub maps: TaskCounts,
    pub reduces: TaskCounts,
    pub attempts: Vec<Attempt>,
    pub counters: Counters,
    pub input_rate: RateSeries,
    pub shuffle_rate: RateSeries,
    pub output_rate: RateSeries,
    pub output_files: Vec<String>,
    pub summary: JobSummary,
}

impl JobSnapshot {
    pub fn of(job: &JobRun, now: SimTime) -> JobSnapshot {
        JobSnapshot {
            id: job.id,
            name: job.name.clone(),
            state: job.state.name().into(),
            failure: job.failure.clone(),
            submitted: job.submitted,
            finished: job.finished,
            maps: TaskCounts::of(job.maps.iter().map(|t| t.state)),
            reduces: TaskCounts::of(job.reduces.iter().map(|t| t.state)),
            attempts: job.attempts.clone(),
            counters: job.counters.clone(),
            input_rate: job.input_rate.clone(),
            shuffle_rate: job.shuffle_rate.clone(),
            output_rate: job.output_rate.clone(),
            output_files: job.output_files.clone(),
            summary: JobSummary::of(job, now),
        }
    }
}

impl Cluster {
    /// The whole cluster, for drawing.
    pub fn snapshot(&self) -> ClusterSnapshot {
        let now = self.now();
        let active = self.active_job();
        let nodes = self
            .nodes()
            .iter()
            .map(|n| {
                let mut containers = Vec::new();
                if let Some(job) = active {
                    if job.am_node == Some(n.id) {
                        containers.push(ContainerSnapshot {
                            kind: ContainerKind::AppMaster,
                            job: job.id,
                            task: None,
                            attempt: None,
                        });
                    }
                    for a in job
                        .attempts
                        .iter()
                        .filter(|a| a.is_running() && a.node == n.id)
                    {
                        containers.push(ContainerSnapshot {
                            kind: match a.task {
                                TaskRef::Map(_) => ContainerKind::Map,
                                TaskRef::Reduce(_) => ContainerKind::Reduce,
                            },
                            job: job.id,
                            task: Some(a.task),
                            attempt: Some(a.number),
                        });
                    }
                }
                let dn = self.hdfs().datanode(n.id);
                NodeSnapshot {
                    id: n.id,
                    name: n.name.clone(),
                    role: n.role,
                    instance_type: n.instance.name.into(),
                    market: n.market,
                    state: n.state,
                    slowdown: n.factor(),
                    degraded: n.degraded,
                    vcores: n.yarn.vcores,
                    vcores_used: n.yarn.vcores_used,
                    memory_mb: n.yarn.sizing.nodemanager_mb,
                    memory_used_mb: n.yarn.memory_used_mb,
                    containers,
                    datanode: dn.map(|d| d.state),
                    hdfs_blocks: dn.map_or(0, |d| d.blocks.len()),
                    hdfs_used: dn.map_or(0, |d| d.used),
                    hdfs_capacity: dn.map_or(0, |d| d.capacity),
                }
            })
            .collect();
        let h = self.hdfs();
        let files = h
            .files()
            .map(|f| FileSnapshot {
                path: f.path.clone(),
                bytes: f.data.len(),
                replication: f.replication,
                blocks: f
                    .blocks
                    .iter()
                    .filter_map(|b| h.block(*b))
                    .map(|b| BlockSnapshot {
                        id: b.id,
                        size: b.size,
                        replicas: b.replicas.clone(),
                    })
                    .collect(),
            })
            .collect();
        ClusterSnapshot {
            id: self.id().into(),
            name: self.config().name.clone(),
            now,
            state: self.state().name().into(),
            state_reason: self.state_reason().into(),
            nodes,
            hdfs: HdfsSnapshot {
                block_size: h.block_size(),
                replication: h.replication(),
                capacity: h.capacity(),
                raw_capacity: h.raw_capacity(),
                raw_used: h.raw_used(),
                under_replicated: h.under_replicated().len(),
                missing: h.missing_blocks().len(),
                files,
            },
            steps: self.steps().to_vec(),
            jobs: self.jobs().map(|j| JobSnapshot::of(j, now)).collect(),
        }
    }

    /// The headline numbers of a job.
    pub fn job_summary(&self, id: JobId) -> Option<JobSummary> {
        self.job(id).map(|j| JobSummary::of(j, self.now()))
    }
}
