//! Errors: one enum for everything the engine refuses to do.
//!
//! The engine never panics on bad input. A request that makes no sense (a step on a
//! terminated cluster, a resize that would leave HDFS without room for its replicas, a job
//! script that does not parse) comes back as an [`EmrError`] whose message names the
//! problem in the terms a learner sees on screen. Failures *inside* a simulation — a task
//! attempt that fails, a block whose last replica is gone — are not errors of the API; they
//! are events, and the cluster carries on the way the real one would.

use std::fmt;

use serde::Serialize;

use crate::script::ParseError;

/// Why the engine refused a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "detail")]
pub enum EmrError {
    /// A configuration value is out of range or inconsistent.
    InvalidConfig(String),
    /// The cluster is not in a state that allows the action.
    InvalidState(String),
    /// No such file, node, step or job.
    NotFound(String),
    /// The name is taken (an HDFS path, an output directory).
    AlreadyExists(String),
    /// HDFS or YARN has no room for what was asked.
    InsufficientCapacity(String),
    /// A job script does not parse.
    Script(ParseError),
    /// Input data that cannot be used (not text, malformed).
    BadInput(String),
}

impl fmt::Display for EmrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmrError::InvalidConfig(m) => write!(f, "invalid configuration: {m}"),
            EmrError::InvalidState(m) => write!(f, "{m}"),
            EmrError::NotFound(m) => write!(f, "not found: {m}"),
            EmrError::AlreadyExists(m) => write!(f, "already exists: {m}"),
            EmrError::InsufficientCapacity(m) => write!(f, "insufficient capacity: {m}"),
            EmrError::Script(e) => write!(f, "job script: {e}"),
            EmrError::BadInput(m) => write!(f, "bad input: {m}"),
        }
    }
}

impl std::error::Error for EmrError {}

impl From<ParseError> for EmrError {
    fn from(e: ParseError) -> Self {
        EmrError::Script(e)
    }
}

pub type Result<T, E = EmrError> = std::result::Result<T, E>;
