//! The EMR DynamoDB connector: how a MapReduce job reads a DynamoDB table.
//!
//! A job whose input is a DynamoDB table does not read HDFS; its mappers run parallel
//! `Scan` segments against the table, and the connector's arithmetic decides how many. It
//! reads at `dynamodb.throughput.read.percent` (default 0.5) of the table's read capacity:
//!
//! * read rate = ⌊RCU × percent⌋ read units per second;
//! * segments = max(⌊table size ÷ 1 GiB⌋, ⌊rate ÷ 100⌋);
//! * mappers = min(map slots of the cluster, ⌊rate ÷ 100⌋) — no mapper gets less than
//!   100 units per second;
//! * splits = min(mappers, segments), the segments dealt round-robin to the splits, each
//!   split scanning its segments under a token bucket of rate ÷ splits.
//!
//! Each of these is at least one, as in the connector. Reads are eventually consistent, so
//! a read unit buys 8 KiB. The lesson is in the example: a 10 GiB table at 1,000 RCU reads
//! at 500 units per second with 10 segments and 5 mappers — about 4 MB/s in total — and
//! **adding nodes does not make it faster**; only more read capacity (or a higher
//! percentage, at the expense of the application using the table) does.
//!
//! Everything here is a pure function of the table's size and capacity, so the world can
//! later feed it a live table's numbers; [`TokenBucket`] and [`scan_duration`] turn a
//! split's byte count into simulated time.

use dynaplay_sim::SimDuration;
use serde::Serialize;

use crate::error::{EmrError, Result};

/// `dynamodb.throughput.read.percent`'s default.
pub const DEFAULT_READ_PERCENT: f64 = 0.5;
/// Table bytes per scan segment.
pub const BYTES_PER_SEGMENT: u64 = 1 << 30;
/// Read units per second each mapper (and each segment) is worth.
pub const MIN_UNITS_PER_MAPPER: u64 = 100;
/// Bytes an eventually consistent read unit buys: two reads of 4 KiB.
pub const BYTES_PER_READ_UNIT: f64 = 8192.0;
/// A Scan page is at most 1 MB.
pub const SCAN_PAGE_BYTES: u64 = 1 << 20;

/// ⌊RCU × percent⌋, at least 1.
pub fn read_rate(read_capacity_units: f64, read_percent: f64) -> u64 {
    let r = (read_capacity_units * read_percent).floor();
    if r.is_finite() && r >= 1.0 {
        r as u64
    } else {
        1
    }
}

/// max(⌊size ÷ 1 GiB⌋, ⌊rate ÷ 100⌋), at least 1.
pub fn segments(table_bytes: u64, rate: u64) -> u64 {
    (table_bytes / BYTES_PER_SEGMENT)
        .max(rate / MIN_UNITS_PER_MAPPER)
        .max(1)
}

/// min(map slots, ⌊rate ÷ 100⌋), at least 1.
pub fn mappers(map_slots: u64, rate: u64) -> u64 {
    map_slots.min(rate / MIN_UNITS_PER_MAPPER).max(1)
}

/// min(mappers, segments), at least 1.
pub fn splits(mappers: u64, segments: u64) -> u64 {
    mappers.min(segments).max(1)
}

/// The connector's plan for one scan of a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectorPlan {
    pub table_bytes: u64,
    pub read_capacity_units: f64,
    pub read_percent: f64,
    pub map_slots: u64,
    /// Read units per second for the whole job.
    pub read_rate: u64,
    pub segments: u64,
    pub mappers: u64,
    pub splits: u64,
    /// The segments each split scans.
    pub segments_by_split: Vec<Vec<u64>>,
    /// Bytes per second for the whole job.
    pub bytes_per_second: f64,
    /// Seconds to read the whole table at that rate.
    pub scan_seconds: f64,
}

impl ConnectorPlan {
    /// Read units per second each split's token bucket allows.
    pub fn units_per_split(&self) -> f64 {
        self.read_rate as f64 / self.splits as f64
    }
}

/// Plans a scan of a table of `table_bytes` with `read_capacity_units` provisioned, on a
/// cluster with `map_slots` map containers.
pub fn plan(
    table_bytes: u64,
    read_capacity_units: f64,
    read_percent: f64,
    map_slots: u64,
) -> Result<ConnectorPlan> {
    if !read_capacity_units.is_finite() || read_capacity_units < 1.0 {
        return Err(EmrError::InvalidConfig(format!(
            "read capacity must be at least 1 unit, not {read_capacity_units}"
        )));
    }
    if !read_percent.is_finite() || read_percent <= 0.0 || read_percent > 1.5 {
        return Err(EmrError::InvalidConfig(format!(
            "dynamodb.throughput.read.percent must be in (0, 1.5], not {read_percent}"
        )));
    }
    let rate = read_rate(read_capacity_units, read_percent);
    let segments = segments(table_bytes, rate);
    let mappers = mappers(map_slots, rate);
    let splits = splits(mappers, segments);
    let segments_by_split = (0..splits)
        .map(|s| (s..segments).step_by(splits as usize).collect())
        .collect();
    let bytes_per_second = rate as f64 * BYTES_PER_READ_UNIT;
    Ok(ConnectorPlan {
        table_bytes,
        read_capacity_units,
        read_percent,
        map_slots,
        read_rate: rate,
        segments,
        mappers,
        splits,
        segments_by_split,
        bytes_per_second,
        scan_seconds: table_bytes as f64 / bytes_per_second,
    })
}

/// A token bucket of read units: `rate` per second, holding at most one second's worth.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    rate: f64,
    tokens: f64,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(rate: f64) -> TokenBucket {
        let rate = if rate.is_finite() && rate > 0.0 {
            rate
        } else {
            1.0
        };
        TokenBucket { rate, tokens: rate }
    }

    /// Spends `units`, returning how long the reader had to wait for them (seconds).
    pub fn take(&mut self, units: f64) -> f64 {
        let units = units.max(0.0);
        if self.tokens >= units {
            self.tokens -= units;
            return 0.0;
        }
        let wait = (units - self.tokens) / self.rate;
        self.tokens = 0.0;
        wait
    }
}

/// How long one split takes to scan `bytes` in 1 MB pages at `units_per_second`.
pub fn scan_duration(bytes: u64, units_per_second: f64) -> SimDuration {
    let mut bucket = TokenBucket::new(units_per_second);
    let mut left = bytes;
    let mut secs = 0.0;
    while left > 0 {
        let page = left.min(SCAN_PAGE_BYTES);
        secs += bucket.take(page as f64 / BYTES_PER_READ_UNIT);
        left -= page;
    }
    SimDuration::from_secs_f64(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_example() {
        let p = plan(10 << 30, 1000.0, DEFAULT_READ_PERCENT, 64).unwrap();
        assert_eq!(
            (p.read_rate, p.segments, p.mappers, p.splits),
            (500, 10, 5, 5)
        );
        assert_eq!(p.segments_by_split[0], vec![0, 5]);
        assert!(
            (p.bytes_per_second / 1e6 - 4.096).abs() < 1e-9,
            "about 4 MB/s"
        );
        // More nodes (map slots) change nothing: the read rate caps the mappers.
        let bigger = plan(10 << 30, 1000.0, DEFAULT_READ_PERCENT, 640).unwrap();
        assert_eq!(bigger.mappers, 5);
        assert_eq!(bigger.bytes_per_second, p.bytes_per_second);
        // More capacity does.
        let faster = plan(10 << 30, 4000.0, DEFAULT_READ_PERCENT, 640).unwrap();
        assert_eq!(
            (faster.segments, faster.mappers, faster.splits),
            (20, 20, 20)
        );
        assert_eq!(faster.bytes_per_second, 4.0 * p.bytes_per_second);
    }

    #[test]
    fn everything_is_at_least_one() {
        let p = plan(10, 1.0, 0.5, 0).unwrap();
        assert_eq!((p.read_rate, p.segments, p.mappers, p.splits), (1, 1, 1, 1));
        assert!(plan(10, 0.0, 0.5, 4).is_err());
        assert!(plan(10, 5.0, f64::NAN, 4).is_err());
    }

    #[test]
    fn the_token_bucket_paces_the_scan() {
        // 100 units/s buys 800 KiB/s; 8 MiB takes about ten seconds, less the first
        // second's full bucket.
        let d = scan_duration(8 << 20, 100.0);
        assert!((d.as_secs_f64() - 9.24).abs() < 0.01, "{d}");
        assert_eq!(scan_duration(0, 100.0), SimDuration::ZERO);
    }
}
