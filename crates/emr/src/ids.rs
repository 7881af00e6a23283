//! Identifiers: small copyable names for nodes, blocks, jobs, steps, tasks and attempts.
//!
//! Everything in the engine refers to everything else by id rather than by reference, the
//! way the real services do (a NameNode knows block ids and DataNode ids, an
//! ApplicationMaster knows task and attempt ids). Ids are dense indexes handed out in
//! creation order, which keeps the state in plain vectors and every listing in a
//! deterministic order.

use std::fmt;

use serde::Serialize;

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident($int:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub $int);

        impl $name {
            /// The position of the thing this id names in its owner's list.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

dense_id!(
    /// A node (an EC2 instance) of a cluster: primary, core or task.
    NodeId(u32)
);
dense_id!(
    /// An HDFS block.
    BlockId(u64)
);
dense_id!(
    /// A MapReduce job run on the cluster (one per step).
    JobId(u32)
);
dense_id!(
    /// A cluster step.
    StepId(u32)
);
dense_id!(
    /// One attempt at running a task, unique within its job.
    AttemptId(u32)
);

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "blk_{}", self.0)
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job_{:04}", self.0 + 1)
    }
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s-{}", self.0 + 1)
    }
}

/// A task of a job: the `i`th map or the `i`th reduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "lowercase")]
pub enum TaskRef {
    Map(u32),
    Reduce(u32),
}

impl TaskRef {
    pub fn kind(self) -> TaskKind {
        match self {
            TaskRef::Map(_) => TaskKind::Map,
            TaskRef::Reduce(_) => TaskKind::Reduce,
        }
    }

    pub fn index(self) -> usize {
        match self {
            TaskRef::Map(i) | TaskRef::Reduce(i) => i as usize,
        }
    }
}

impl fmt::Display for TaskRef {
    /// Hadoop's spelling without the job prefix: `m_000003`, `r_000000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskRef::Map(i) => write!(f, "m_{i:06}"),
            TaskRef::Reduce(i) => write!(f, "r_{i:06}"),
        }
    }
}

/// Map or reduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskKind {
    Map,
    Reduce,
}

impl fmt::Display for TaskKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TaskKind::Map => "map",
            TaskKind::Reduce => "reduce",
        })
    }
}
