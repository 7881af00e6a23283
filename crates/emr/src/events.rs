//! Events: everything that happens in a cluster, in order, for the UI to animate and for
//! tests to read.
//!
//! Each step of the simulation appends [`EmrEvent`]s to the cluster's history: state
//! changes of the cluster, its nodes and its steps; HDFS writes, re-replications and lost
//! blocks; job phases; and every task attempt starting, finishing, failing or being
//! killed, with its node. The history is the simulation's observable output: the same
//! seed and the same commands give a byte-identical history, which the determinism test
//! checks. `Display` writes one readable line per event, which the golden tests use.

use std::fmt;

use dynaplay_sim::SimTime;
use serde::Serialize;

use crate::ids::{BlockId, JobId, NodeId, StepId, TaskRef};
use crate::node::{NodeRole, NodeState};

/// One thing that happened, and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmrEvent {
    pub at: SimTime,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Whether a map read its split from its own disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Locality {
    NodeLocal,
    /// Read over the network from another node.
    OffNode,
    /// Not read from HDFS at all (a DynamoDB table).
    NotApplicable,
}

impl fmt::Display for Locality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Locality::NodeLocal => "node-local",
            Locality::OffNode => "off-node",
            Locality::NotApplicable => "table scan",
        })
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum EventKind {
    ClusterState {
        state: String,
        reason: String,
    },
    NodeAdded {
        node: NodeId,
        name: String,
        role: NodeRole,
        instance_type: String,
    },
    NodeState {
        node: NodeId,
        name: String,
        state: NodeState,
        reason: String,
    },
    FileWritten {
        path: String,
        bytes: u64,
        blocks: usize,
        replication: u32,
    },
    BlockReplicated {
        block: BlockId,
        from: String,
        to: String,
    },
    BlocksUnderReplicated {
        node: String,
        blocks: usize,
    },
    BlockMissing {
        block: BlockId,
        file: String,
    },
    StepState {
        step: StepId,
        name: String,
        state: String,
        reason: String,
    },
    JobPhase {
        job: JobId,
        phase: String,
    },
    AttemptStarted {
        job: JobId,
        task: TaskRef,
        attempt: u32,
        node: String,
        speculative: bool,
        locality: Option<Locality>,
    },
    AttemptSucceeded {
        job: JobId,
        task: TaskRef,
        attempt: u32,
        node: String,
    },
    AttemptFailed {
        job: JobId,
        task: TaskRef,
        attempt: u32,
        node: String,
        reason: String,
    },
    AttemptKilled {
        job: JobId,
        task: TaskRef,
        attempt: u32,
        node: String,
        reason: String,
    },
    /// Completed maps whose output went with a node: they run again.
    MapOutputsLost {
        job: JobId,
        tasks: Vec<TaskRef>,
        node: String,
    },
    NodeBlacklisted {
        job: JobId,
        node: String,
        failures: u32,
    },
    JobFinished {
        job: JobId,
        state: String,
        reason: String,
    },
}

impl fmt::Display for EmrEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>9} ", format!("{}", self.at.compact()))?;
        write!(f, "{}", self.kind)
    }
}

fn with_reason(f: &mut fmt::Formatter<'_>, reason: &str) -> fmt::Result {
    if reason.is_empty() {
        Ok(())
    } else {
        write!(f, " ({reason})")
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventKind::ClusterState { state, reason } => {
                write!(f, "cluster {state}")?;
                with_reason(f, reason)
            }
            EventKind::NodeAdded {
                name,
                role,
                instance_type,
                ..
            } => write!(f, "node {name} added ({role}, {instance_type})"),
            EventKind::NodeState {
                name,
                state,
                reason,
                ..
            } => {
                write!(f, "node {name} {state}")?;
                with_reason(f, reason)
            }
            EventKind::FileWritten {
                path,
                bytes,
                blocks,
                replication,
            } => write!(
                f,
                "hdfs wrote {path}: {bytes} bytes, {blocks} blocks × {replication} replicas"
            ),
            EventKind::BlockReplicated { block, from, to } => {
                write!(f, "hdfs re-replicated {block} {from} → {to}")
            }
            EventKind::BlocksUnderReplicated { node, blocks } => {
                write!(
                    f,
                    "hdfs DataNode {node} dead: {blocks} blocks under-replicated"
                )
            }
            EventKind::BlockMissing { block, file } => {
                write!(
                    f,
                    "hdfs MISSING {block} of {file}: its last replica is gone"
                )
            }
            EventKind::StepState {
                step,
                name,
                state,
                reason,
            } => {
                write!(f, "step {step} {name:?} {state}")?;
                with_reason(f, reason)
            }
            EventKind::JobPhase { job, phase } => write!(f, "{job} {phase}"),
            EventKind::AttemptStarted {
                job,
                task,
                attempt,
                node,
                speculative,
                locality,
            } => {
                write!(f, "{job} {task}_{attempt} started on {node}")?;
                match (locality, speculative) {
                    (Some(l), true) => write!(f, " ({l}, speculative)"),
                    (Some(l), false) => write!(f, " ({l})"),
                    (None, true) => write!(f, " (speculative)"),
                    (None, false) => Ok(()),
                }
            }
            EventKind::AttemptSucceeded {
                job,
                task,
                attempt,
                node,
            } => write!(f, "{job} {task}_{attempt} succeeded on {node}"),
            EventKind::AttemptFailed {
                job,
                task,
                attempt,
                node,
                reason,
            } => write!(f, "{job} {task}_{attempt} FAILED on {node}: {reason}"),
            EventKind::AttemptKilled {
                job,
                task,
                attempt,
                node,
                reason,
            } => write!(f, "{job} {task}_{attempt} killed on {node}: {reason}"),
            EventKind::MapOutputsLost { job, tasks, node } => {
                let shown: Vec<String> = tasks.iter().take(6).map(|t| t.to_string()).collect();
                let more = if tasks.len() > 6 { ", …" } else { "" };
                write!(
                    f,
                    "{job} {} completed map outputs lost with {node} ({}{more}): re-run",
                    tasks.len(),
                    shown.join(", ")
                )
            }
            EventKind::NodeBlacklisted {
                job,
                node,
                failures,
            } => write!(f, "{job} blacklisted {node} after {failures} task failures"),
            EventKind::JobFinished { job, state, reason } => {
                write!(f, "{job} {state}")?;
                with_reason(f, reason)
            }
        }
    }
}
