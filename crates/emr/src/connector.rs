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
//! Everything here is a pure function of the table's size and capacity. A job given the
//! table's items outright (a script, a test) takes its timing from [`TokenBucket`] and
//! [`scan_duration`], which turn a split's byte count into simulated time. A job reading a
//! *live* table (see [`crate::table_source`]) really sends its Scan pages, sized by
//! [`page_items`] and paced by a [`PagePacer`]: the connector learns what a page cost only
//! from the response, so it pays afterwards and lets the next page wait out the debt.
//! Refused pages are retried after [`retry_delay`], doubling each time.

use dynaplay_sim::{SimDuration, SimTime};
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
/// Read capacity the connector assumes for an on-demand table
/// (`DEFAULT_CAPACITY_FOR_ON_DEMAND` in the connector).
pub const ON_DEMAND_READ_UNITS: f64 = 40_000.0;
/// The first wait after a refused Scan page; each refusal in a row doubles it...
pub const FIRST_RETRY_DELAY: SimDuration = SimDuration::from_millis(100);
/// ...up to this.
pub const MAX_RETRY_DELAY: SimDuration = SimDuration::from_millis(6_400);

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

/// Items per Scan page: about one second of a split's read units, given the table's
/// average item size. DynamoDB still ends a page at 1 MB.
pub fn page_items(units_per_split: f64, average_item_bytes: f64) -> u32 {
    let bytes = units_per_split * BYTES_PER_READ_UNIT;
    let items = (bytes / average_item_bytes.max(1.0)).floor();
    if items.is_finite() && items >= 1.0 {
        items.min(f64::from(u32::MAX)) as u32
    } else {
        1
    }
}

/// How long to wait before retrying after `refusals` refused pages in a row (1, 2, ...).
pub fn retry_delay(refusals: u32) -> SimDuration {
    let doublings = refusals.saturating_sub(1).min(16);
    FIRST_RETRY_DELAY
        .saturating_mul(1u64 << doublings)
        .min(MAX_RETRY_DELAY)
}

/// Paces one split's live Scan pages: a bucket of `rate` read units per second holding
/// one second's worth, charged after each page with what the page consumed.
#[derive(Debug, Clone, PartialEq)]
pub struct PagePacer {
    rate: f64,
    tokens: f64,
    updated: SimTime,
}

impl PagePacer {
    /// A full bucket at `now`.
    pub fn new(rate: f64, now: SimTime) -> PagePacer {
        let rate = if rate.is_finite() && rate > 0.0 {
            rate
        } else {
            1.0
        };
        PagePacer {
            rate,
            tokens: rate,
            updated: now,
        }
    }

    fn refill(&mut self, now: SimTime) {
        if now > self.updated {
            let elapsed = (now - self.updated).as_secs_f64();
            self.tokens = (self.tokens + self.rate * elapsed).min(self.rate);
            self.updated = now;
        }
    }

    /// Pays for a page that consumed `units` at `now` (possibly into debt).
    pub fn spend(&mut self, units: f64, now: SimTime) {
        self.refill(now);
        self.tokens -= units.max(0.0);
    }

    /// When the next page may be sent: at once while the bucket holds anything, else
    /// when the refill has paid off the debt.
    pub fn next_page_at(&mut self, now: SimTime) -> SimTime {
        self.refill(now);
        if self.tokens >= 0.0 {
            now
        } else {
            now + SimDuration::from_secs_f64(-self.tokens / self.rate)
        }
    }

    /// Read units per second.
    pub fn rate(&self) -> f64 {
        self.rate
    }
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

    #[test]
    fn live_pages_are_sized_to_the_rate_and_paid_for_afterwards() {
        // 100 units a second buy 800 KiB: 200 items of 4 KiB.
        assert_eq!(page_items(100.0, 4096.0), 200);
        assert_eq!(page_items(0.1, 4096.0), 1, "at least one item");
        let mut pacer = PagePacer::new(100.0, SimTime::ZERO);
        assert_eq!(pacer.next_page_at(SimTime::ZERO), SimTime::ZERO);
        // A page of 150 units leaves a debt of 50: half a second.
        pacer.spend(150.0, SimTime::ZERO);
        assert_eq!(pacer.next_page_at(SimTime::ZERO), SimTime::from_millis(500));
        // Ten pages of 100 units take about ten seconds: the rate holds.
        let mut at = SimTime::from_millis(500);
        for _ in 0..10 {
            at = pacer.next_page_at(at);
            pacer.spend(100.0, at);
        }
        assert_eq!(pacer.next_page_at(at), SimTime::from_millis(10_500));
    }

    #[test]
    fn refused_pages_back_off_exponentially_up_to_a_cap() {
        let delays: Vec<u64> = (1..=9)
            .map(|n| retry_delay(n).as_micros() / 1_000)
            .collect();
        assert_eq!(delays, [100, 200, 400, 800, 1600, 3200, 6400, 6400, 6400]);
        assert_eq!(retry_delay(u32::MAX), MAX_RETRY_DELAY);
    }
}
