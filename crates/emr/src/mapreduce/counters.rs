//! Job counters, with Hadoop's names.
//!
//! Hadoop reports a job by its counters, and a learner comparing this simulation with a
//! real cluster's output should find the same ones. Record and byte counters count only
//! *successful* attempts (a killed duplicate's work is not output); the launched-task
//! counters count every attempt. So do the DynamoDB connector's counters of a job reading
//! a live table — read units consumed, Scan requests sent, Scans throttled — because the
//! table's capacity is spent by every attempt, committed or not; they are left out of the
//! serialised counters of jobs that read no live table.

use serde::Serialize;

/// The counters of one job.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Counters {
    pub map_input_records: u64,
    pub map_output_records: u64,
    pub map_output_bytes: u64,
    pub combine_input_records: u64,
    pub combine_output_records: u64,
    pub reduce_input_groups: u64,
    pub reduce_input_records: u64,
    pub reduce_output_records: u64,
    pub reduce_shuffle_bytes: u64,
    pub hdfs_bytes_read: u64,
    /// Bytes of output the job wrote, before replication.
    pub hdfs_bytes_written: u64,
    pub total_launched_maps: u64,
    pub total_launched_reduces: u64,
    pub data_local_maps: u64,
    pub other_local_maps: u64,
    pub num_failed_maps: u64,
    pub num_failed_reduces: u64,
    pub num_killed_maps: u64,
    pub num_killed_reduces: u64,
    pub speculative_maps: u64,
    pub speculative_reduces: u64,
    /// Read units the connector's Scan pages consumed.
    #[serde(skip_serializing_if = "is_zero")]
    pub dynamodb_read_units: f64,
    /// Scan requests sent (throttled ones included).
    #[serde(skip_serializing_if = "is_naught")]
    pub dynamodb_scans: u64,
    /// Scan requests DynamoDB throttled (each retried after a back-off).
    #[serde(skip_serializing_if = "is_naught")]
    pub dynamodb_throttled_scans: u64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_naught(n: &u64) -> bool {
    *n == 0
}
