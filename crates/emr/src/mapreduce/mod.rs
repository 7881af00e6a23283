//! MapReduce: jobs, their splits and the real computation of their tasks.
//!
//! A job's life on the cluster — attempts placed in containers, the shuffle over the
//! network, retries, speculation, node loss — is simulated by the cluster (see
//! [`crate::cluster`]); this module holds what a job *is* ([`spec`]), what its input looks
//! like ([`record`]), what its tasks compute ([`compute`]) and what it counts
//! ([`counters`]).

pub mod compute;
pub mod counters;
pub mod record;
pub mod spec;

pub use compute::{MapOutput, Partitioner, ReduceOutput};
pub use counters::Counters;
pub use record::{Record, Split};
pub use spec::{
    CostModel, FailureModel, JobConfig, JobInput, JobSpec, LiveTable, StartupModel,
    SyntheticProfile, TableInput,
};
