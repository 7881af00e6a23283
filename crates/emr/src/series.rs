//! Rate time series: how many bytes per second were read, shuffled and written.
//!
//! The MapReduce paper's figures 2 and 3 plot a job's data rates over time — the input
//! rate, the shuffle rate and the output rate — and those three curves tell the story of a
//! job better than any table: locality makes input fast, the network makes the shuffle
//! slower, replication makes output slower still, and reduce waves show up as humps. The
//! engine records the same three curves.
//!
//! Work in the simulation is made of *flows*: a map attempt reads its split at a constant
//! rate between two instants, a shuffle tick moves some bytes during one tick. A
//! [`RateSeries`] spreads each flow's bytes over fixed-width buckets in proportion to the
//! overlap, so a bucket holds exactly the bytes moved in it and the rate is bytes divided by
//! the width. Work that is thrown away (a map output lost with its node) is subtracted at
//! the instant it is lost, which is why the paper's figure 3(c) shows a negative input
//! rate, and so does this series.

use dynaplay_sim::{SimDuration, SimTime};
use serde::Serialize;

/// Bytes moved per fixed-width bucket of simulated time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateSeries {
    /// Bucket width in microseconds.
    pub bucket_micros: u64,
    /// Bytes moved in each bucket (negative when work was lost), from time zero.
    pub bytes: Vec<f64>,
}

impl RateSeries {
    /// An empty series with buckets of `width` (at least one microsecond).
    pub fn new(width: SimDuration) -> RateSeries {
        RateSeries {
            bucket_micros: width.as_micros().max(1),
            bytes: Vec::new(),
        }
    }

    fn slot(&mut self, index: u64) -> Option<&mut f64> {
        // A series is for charts: a flow beyond ten million buckets is clipped rather than
        // allowed to allocate without bound.
        let index = usize::try_from(index).ok().filter(|&i| i < 10_000_000)?;
        if index >= self.bytes.len() {
            self.bytes.resize(index + 1, 0.0);
        }
        self.bytes.get_mut(index)
    }

    /// Records `bytes` moved at a constant rate from `start` to `end`.
    pub fn add_flow(&mut self, start: SimTime, end: SimTime, bytes: f64) {
        if bytes == 0.0 {
            return;
        }
        let (s, e) = (start.as_micros(), end.as_micros());
        if e <= s {
            self.add_instant(start, bytes);
            return;
        }
        let span = (e - s) as f64;
        let w = self.bucket_micros;
        let mut t = s;
        while t < e {
            let bucket = t / w;
            let bucket_end = (bucket + 1).saturating_mul(w).min(e);
            let share = bytes * ((bucket_end - t) as f64) / span;
            match self.slot(bucket) {
                Some(slot) => *slot += share,
                None => return,
            }
            t = bucket_end;
        }
    }

    /// Records `bytes` (possibly negative) at one instant.
    pub fn add_instant(&mut self, at: SimTime, bytes: f64) {
        let bucket = at.as_micros() / self.bucket_micros;
        if let Some(slot) = self.slot(bucket) {
            *slot += bytes;
        }
    }

    /// Rates in MB/s (10^6 bytes per second), one per bucket.
    pub fn rates_mbps(&self) -> Vec<f64> {
        let secs = self.bucket_micros as f64 / 1e6;
        self.bytes.iter().map(|b| b / 1e6 / secs).collect()
    }

    /// The highest rate of any bucket, MB/s.
    pub fn peak_mbps(&self) -> f64 {
        self.rates_mbps().into_iter().fold(0.0, f64::max)
    }

    /// The lowest rate of any bucket, MB/s (negative if work was lost).
    pub fn trough_mbps(&self) -> f64 {
        self.rates_mbps().into_iter().fold(0.0, f64::min)
    }

    /// Total bytes recorded (lost work subtracted).
    pub fn total(&self) -> f64 {
        self.bytes.iter().sum()
    }

    /// The series smoothed by a centred moving average over `window` buckets, in MB/s.
    pub fn smoothed_mbps(&self, window: usize) -> Vec<f64> {
        let rates = self.rates_mbps();
        let half = window / 2;
        (0..rates.len())
            .map(|i| {
                let lo = i.saturating_sub(half);
                let hi = (i + half + 1).min(rates.len());
                let part = rates.get(lo..hi).unwrap_or(&[]);
                if part.is_empty() {
                    0.0
                } else {
                    part.iter().sum::<f64>() / part.len() as f64
                }
            })
            .collect()
    }

    /// The humps of the curve: maximal runs of buckets above `threshold` MB/s (of the
    /// smoothed curve), each given as `(start, end, peak)` in seconds and MB/s. Runs
    /// separated by a lull shorter than `min_gap` seconds count as one hump.
    pub fn humps(&self, window: usize, threshold: f64, min_gap: f64) -> Vec<(f64, f64, f64)> {
        let mut merged: Vec<(f64, f64, f64)> = Vec::new();
        for h in self.runs_above(window, threshold) {
            match merged.last_mut() {
                Some(last) if h.0 - last.1 < min_gap => {
                    last.1 = h.1;
                    last.2 = last.2.max(h.2);
                }
                _ => merged.push(h),
            }
        }
        merged
    }

    fn runs_above(&self, window: usize, threshold: f64) -> Vec<(f64, f64, f64)> {
        let secs = self.bucket_micros as f64 / 1e6;
        let mut humps = Vec::new();
        let mut current: Option<(usize, f64)> = None;
        let smoothed = self.smoothed_mbps(window);
        for (i, &r) in smoothed.iter().enumerate() {
            match (&mut current, r > threshold) {
                (None, true) => current = Some((i, r)),
                (Some((_, peak)), true) => *peak = peak.max(r),
                (Some((start, peak)), false) => {
                    humps.push((*start as f64 * secs, i as f64 * secs, *peak));
                    current = None;
                }
                (None, false) => {}
            }
        }
        if let Some((start, peak)) = current {
            humps.push((start as f64 * secs, smoothed.len() as f64 * secs, peak));
        }
        humps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: u64) -> SimTime {
        SimTime::from_secs(x)
    }

    #[test]
    fn a_flow_is_spread_over_the_buckets_it_overlaps() {
        let mut series = RateSeries::new(SimDuration::from_secs(1));
        series.add_flow(SimTime::from_millis(500), SimTime::from_millis(2500), 2e6);
        assert_eq!(series.bytes, vec![0.5e6, 1e6, 0.5e6]);
        assert_eq!(series.rates_mbps(), vec![0.5, 1.0, 0.5]);
        assert_eq!(series.peak_mbps(), 1.0);
        assert_eq!(series.total(), 2e6);
    }

    #[test]
    fn lost_work_makes_the_rate_negative() {
        let mut series = RateSeries::new(SimDuration::from_secs(10));
        series.add_flow(s(0), s(10), 100e6);
        series.add_instant(s(15), -300e6);
        assert_eq!(series.trough_mbps(), -30.0);
        assert_eq!(series.total(), -200e6);
    }

    #[test]
    fn humps_are_runs_above_the_threshold() {
        let mut series = RateSeries::new(SimDuration::from_secs(1));
        series.add_flow(s(0), s(3), 30e6);
        series.add_flow(s(6), s(8), 10e6);
        let humps = series.humps(1, 1.0, 0.0);
        assert_eq!(humps, vec![(0.0, 3.0, 10.0), (6.0, 8.0, 5.0)]);
        // A short lull does not split a hump.
        assert_eq!(series.humps(1, 1.0, 5.0), vec![(0.0, 8.0, 10.0)]);
    }
}
