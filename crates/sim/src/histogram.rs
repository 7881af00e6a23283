//! Recording latencies and reading percentiles: [`Histogram`] and [`Percentiles`].
//!
//! Benchmarks and the UI ask the same questions of a stream of latencies: how many, the
//! mean, the median, p95, p99, the worst. Keeping every sample answers them exactly but
//! grows without bound, and a playground left running for an hour records millions of
//! requests. So the histogram keeps counts in log-linear buckets, the scheme HdrHistogram
//! uses: values below 128 µs are counted exactly, and each power of two above that is split
//! into 64 equal buckets. A bucket is then at most 1/64 of its values wide and a quantile,
//! reported as its bucket's midpoint, is within 0.8% of the true sample — well below what
//! anyone reads off a latency chart — while memory stays a few kilobytes at worst. Buckets
//! live in a sparse `BTreeMap`, so an idle histogram costs almost nothing and iteration
//! order is fixed. Count, sum, minimum and maximum are tracked exactly.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::time::SimDuration;

/// log2 of the number of buckets per power of two.
const SUB_BITS: u32 = 6;
const SUB_BUCKETS: u64 = 1 << SUB_BITS;
/// Values below this are their own bucket.
const EXACT_LIMIT: u64 = 2 * SUB_BUCKETS;

/// A bounded-memory record of durations that answers quantile queries within 0.8%.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histogram {
    buckets: BTreeMap<u16, u64>,
    count: u64,
    /// Saturates at `u64::MAX` µs (584,000 years of summed latency).
    sum_micros: u64,
    min_micros: u64,
    max_micros: u64,
}

/// A summary of a [`Histogram`], for benchmark output and the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Percentiles {
    pub count: u64,
    pub min: SimDuration,
    pub mean: SimDuration,
    pub p50: SimDuration,
    pub p90: SimDuration,
    pub p95: SimDuration,
    pub p99: SimDuration,
    pub p999: SimDuration,
    pub max: SimDuration,
}

impl fmt::Display for Percentiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "n={} mean={} p50={} p90={} p95={} p99={} p99.9={} max={}",
            self.count, self.mean, self.p50, self.p90, self.p95, self.p99, self.p999, self.max
        )
    }
}

fn bucket_of(micros: u64) -> u16 {
    if micros < EXACT_LIMIT {
        return micros as u16;
    }
    // micros >= 128, so the top set bit is at position 7..=63 and shift is 1..=57.
    let shift = 63 - micros.leading_zeros() - SUB_BITS;
    let sub = micros >> shift; // in 64..128
    // At most 57 * 64 + 127 = 3775, well inside u16.
    (u64::from(shift) * SUB_BUCKETS + sub) as u16
}

/// The smallest and largest value that land in `bucket`.
fn bucket_bounds(bucket: u16) -> (u64, u64) {
    let bucket = u64::from(bucket);
    if bucket < EXACT_LIMIT {
        return (bucket, bucket);
    }
    let shift = bucket / SUB_BUCKETS - 1;
    let sub = bucket % SUB_BUCKETS + SUB_BUCKETS;
    let lo = sub << shift;
    (lo, lo + ((1u64 << shift) - 1))
}

impl Histogram {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn record(&mut self, d: SimDuration) {
        self.record_n(d, 1);
    }

    /// Records `d` as if it had been seen `n` times.
    pub fn record_n(&mut self, d: SimDuration, n: u64) {
        if n == 0 {
            return;
        }
        let micros = d.as_micros();
        if self.count == 0 {
            self.min_micros = micros;
            self.max_micros = micros;
        } else {
            self.min_micros = self.min_micros.min(micros);
            self.max_micros = self.max_micros.max(micros);
        }
        self.count = self.count.saturating_add(n);
        self.sum_micros = self.sum_micros.saturating_add(micros.saturating_mul(n));
        let slot = self.buckets.entry(bucket_of(micros)).or_insert(0);
        *slot = slot.saturating_add(n);
    }

    /// Adds everything `other` recorded.
    pub fn merge(&mut self, other: &Histogram) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            self.min_micros = other.min_micros;
            self.max_micros = other.max_micros;
        } else {
            self.min_micros = self.min_micros.min(other.min_micros);
            self.max_micros = self.max_micros.max(other.max_micros);
        }
        self.count = self.count.saturating_add(other.count);
        self.sum_micros = self.sum_micros.saturating_add(other.sum_micros);
        for (&bucket, &n) in &other.buckets {
            let slot = self.buckets.entry(bucket).or_insert(0);
            *slot = slot.saturating_add(n);
        }
    }

    pub fn clear(&mut self) {
        *self = Histogram::default();
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn min(&self) -> Option<SimDuration> {
        (self.count > 0).then_some(SimDuration::from_micros(self.min_micros))
    }

    pub fn max(&self) -> Option<SimDuration> {
        (self.count > 0).then_some(SimDuration::from_micros(self.max_micros))
    }

    /// The exact arithmetic mean, rounded down to the microsecond.
    pub fn mean(&self) -> Option<SimDuration> {
        (self.count > 0).then(|| SimDuration::from_micros(self.sum_micros / self.count))
    }

    /// The `q`-quantile (`0.5` = median, `0.99` = p99) by nearest rank: the smallest
    /// recorded value with at least `q` of the samples at or below it, to within 0.8%.
    /// `q` is clamped to `[0, 1]`; `None` if nothing was recorded or `q` is NaN.
    pub fn quantile(&self, q: f64) -> Option<SimDuration> {
        if self.count == 0 || q.is_nan() {
            return None;
        }
        let q = q.clamp(0.0, 1.0);
        // Ranks are 1-based; the float product is exact for any realistic count.
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0u64;
        for (&bucket, &n) in &self.buckets {
            seen = seen.saturating_add(n);
            if seen >= rank {
                let (lo, hi) = bucket_bounds(bucket);
                let mid = lo + (hi - lo) / 2;
                let value = mid.clamp(self.min_micros, self.max_micros);
                return Some(SimDuration::from_micros(value));
            }
        }
        self.max()
    }

    pub fn p50(&self) -> Option<SimDuration> {
        self.quantile(0.50)
    }

    pub fn p95(&self) -> Option<SimDuration> {
        self.quantile(0.95)
    }

    pub fn p99(&self) -> Option<SimDuration> {
        self.quantile(0.99)
    }

    /// All the usual numbers at once, or `None` if nothing was recorded.
    pub fn percentiles(&self) -> Option<Percentiles> {
        Some(Percentiles {
            count: self.count,
            min: self.min()?,
            mean: self.mean()?,
            p50: self.quantile(0.50)?,
            p90: self.quantile(0.90)?,
            p95: self.quantile(0.95)?,
            p99: self.quantile(0.99)?,
            p999: self.quantile(0.999)?,
            max: self.max()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;
    use proptest::prelude::*;

    fn us(v: u64) -> SimDuration {
        SimDuration::from_micros(v)
    }

    #[test]
    fn buckets_tile_the_whole_range() {
        // Every bucket's bounds contain exactly the values mapped to it, and consecutive
        // buckets are adjacent.
        let mut expected_lo = 0u64;
        for bucket in 0..=bucket_of(u64::MAX) {
            let (lo, hi) = bucket_bounds(bucket);
            assert_eq!(lo, expected_lo, "bucket {bucket}");
            assert_eq!(bucket_of(lo), bucket);
            assert_eq!(bucket_of(hi), bucket);
            // Width at most 1/64 of the bucket's smallest value.
            assert!(lo < EXACT_LIMIT || (hi - lo + 1) * SUB_BUCKETS <= lo);
            expected_lo = hi.wrapping_add(1);
        }
        assert_eq!(expected_lo, 0, "the last bucket ends at u64::MAX");
    }

    #[test]
    fn small_values_are_exact() {
        let mut h = Histogram::new();
        for v in 1..=100 {
            h.record(us(v));
        }
        assert_eq!(h.count(), 100);
        assert_eq!(h.p50(), Some(us(50)));
        assert_eq!(h.p95(), Some(us(95)));
        assert_eq!(h.p99(), Some(us(99)));
        assert_eq!(h.quantile(0.0), Some(us(1)));
        assert_eq!(h.quantile(1.0), Some(us(100)));
        assert_eq!(h.quantile(7.0), Some(us(100)), "clamped");
        assert_eq!(h.quantile(f64::NAN), None);
        assert_eq!(h.mean(), Some(us(50)));
        assert_eq!((h.min(), h.max()), (Some(us(1)), Some(us(100))));
    }

    #[test]
    fn empty_histogram_answers_none() {
        let h = Histogram::new();
        assert!(h.is_empty());
        assert_eq!(
            (h.p50(), h.mean(), h.min(), h.max()),
            (None, None, None, None)
        );
        assert_eq!(h.percentiles(), None);
    }

    #[test]
    fn quantiles_are_within_one_percent_of_exact() {
        let mut rng = SimRng::seed_from(1);
        let mut exact: Vec<u64> = (0..20_000)
            .map(|_| rng.range_u64(0..50_000_000).unwrap())
            .collect();
        let mut h = Histogram::new();
        for &v in &exact {
            h.record(us(v));
        }
        exact.sort_unstable();
        for q in [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999] {
            let rank = ((q * exact.len() as f64).ceil() as usize).max(1);
            let want = exact[rank - 1] as f64;
            let got = h.quantile(q).unwrap().as_micros() as f64;
            assert!(
                (got - want).abs() <= want * 0.008 + 1.0,
                "q={q}: {got} vs {want}"
            );
        }
        assert_eq!(h.max(), Some(us(*exact.last().unwrap())));
    }

    #[test]
    fn merge_equals_recording_everything_in_one() {
        let mut a = Histogram::new();
        let mut b = Histogram::new();
        let mut both = Histogram::new();
        for v in [5, 900, 12_000, 3, 7_000_000] {
            a.record(us(v));
            both.record(us(v));
        }
        for v in [40, 2_500, 2_500, 99_999] {
            b.record(us(v));
            both.record(us(v));
        }
        let mut merged = a.clone();
        merged.merge(&b);
        assert_eq!(merged, both);
        let mut empty = Histogram::new();
        empty.merge(&a);
        assert_eq!(empty, a);
        a.merge(&Histogram::new());
        assert_eq!(a.count(), 5);
    }

    #[test]
    fn record_n_counts_repeats() {
        let mut h = Histogram::new();
        h.record_n(us(10), 3);
        h.record_n(us(1_000), 0);
        h.record(us(20));
        assert_eq!(h.count(), 4);
        assert_eq!(h.mean(), Some(us(12)));
        assert_eq!(h.p50(), Some(us(10)));
        assert_eq!(h.quantile(1.0), Some(us(20)));
        h.clear();
        assert!(h.is_empty());
    }

    #[test]
    fn percentiles_summarise_and_print() {
        let mut h = Histogram::new();
        for v in 1..=1000 {
            h.record(SimDuration::from_millis(v));
        }
        let p = h.percentiles().unwrap();
        assert_eq!(p.count, 1000);
        assert_eq!(p.min, SimDuration::from_millis(1));
        assert_eq!(p.max, SimDuration::from_millis(1000));
        assert!(p.p50 <= p.p90 && p.p90 <= p.p95 && p.p95 <= p.p99 && p.p99 <= p.p999);
        let within = |got: SimDuration, want_ms: f64| {
            (got.as_millis_f64() - want_ms).abs() <= want_ms * 0.008
        };
        assert!(within(p.p50, 500.0) && within(p.p99, 990.0), "{p}");
        let text = p.to_string();
        assert!(text.starts_with("n=1000 mean=500.5 ms p50="), "{text}");
    }

    proptest! {
        #[test]
        fn quantiles_stay_between_min_and_max_and_are_monotonic(
            values in proptest::collection::vec(any::<u64>(), 1..100),
            q1 in 0.0f64..=1.0,
            q2 in 0.0f64..=1.0,
        ) {
            let mut h = Histogram::new();
            for &v in &values {
                h.record(us(v));
            }
            let (lo_q, hi_q) = (q1.min(q2), q1.max(q2));
            let (a, b) = (h.quantile(lo_q).unwrap(), h.quantile(hi_q).unwrap());
            prop_assert!(a <= b);
            prop_assert!(h.min().unwrap() <= a && b <= h.max().unwrap());
        }
    }
}
