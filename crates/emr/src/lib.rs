//! The EMR engine: clusters of primary, core and task nodes, HDFS blocks and their
//! replicas, YARN containers, and MapReduce jobs that compute real output on simulated time.
//!
//! Amazon EMR runs Hadoop on EC2 instances, and most of what a learner needs to understand
//! about it is invisible on a real cluster: where the blocks of a file are, why a map ran on
//! the node it ran on, what the shuffle is waiting for, why one reduce finishes five minutes
//! after the others, what a lost node takes with it. This crate simulates all of it on the
//! deterministic kernel of `dynaplay-sim`, and records every step as events and snapshots
//! the playground can draw.
//!
//! The layers, bottom up:
//!
//! * [`instance`], [`node`], [`yarn`]: the machines, their health, and the containers YARN
//!   carves out of them.
//! * [`hdfs`]: files, blocks, replica placement, capacity, re-replication and data loss.
//! * [`datum`], [`jobs`], [`script`], [`mapreduce`]: what a job computes — the built-in
//!   jobs, user-defined jobs in a small safe language — and how input becomes splits and
//!   records, map output, partitions and reduce output. The computation is real.
//! * [`cluster`]: the event-driven simulation — lifecycle, steps, resizing, failures, and a
//!   MapReduce job's scheduling, shuffle and speculative execution on simulated time.
//! * [`connector`]: the EMR DynamoDB connector's arithmetic for reading a table, and
//!   [`table_source`]: what a cluster asks of DynamoDB to read a live one.
//! * [`presets`]: the MapReduce paper's (OSDI 2004) grep and sort experiments.
//! * [`events`], [`snapshot`], [`summary`], [`series`]: what the outside sees.
//!
//! Like every core crate, this one is pure: no I/O, no clock, no entropy, and it builds for
//! `wasm32-unknown-unknown`.

pub mod cluster;
pub mod connector;
pub mod datum;
pub mod error;
pub mod events;
pub mod hdfs;
pub mod ids;
pub mod instance;
pub mod jobs;
pub mod mapreduce;
pub mod node;
pub mod presets;
pub mod script;
pub mod series;
pub mod snapshot;
pub mod summary;
pub mod table_source;
pub mod yarn;

pub use cluster::{
    ActionOnFailure, Cluster, ClusterConfig, ClusterState, InstanceGroupConfig, JobRun, JobState,
    StepConfig, StepState,
};
pub use datum::Datum;
pub use error::{EmrError, Result};
pub use events::{EmrEvent, EventKind};
pub use hdfs::FileData;
pub use ids::{AttemptId, BlockId, JobId, NodeId, StepId, TaskKind, TaskRef};
pub use jobs::JobLogic;
pub use mapreduce::{JobConfig, JobInput, JobSpec, LiveTable, TableInput};
pub use node::{HealthModel, NodeRole};
pub use snapshot::ClusterSnapshot;
pub use summary::JobSummary;
pub use table_source::{NoTables, ScanPage, ScanReply, ScanRequest, TableSource};
