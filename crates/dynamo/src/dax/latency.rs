//! How long things take through DAX.
//!
//! The whole point of DAX is a latency gap: a cache hit is answered from the node's memory
//! in a couple of hundred microseconds, while DynamoDB answers reads in single-digit
//! milliseconds. A miss pays for both — the trip to DynamoDB plus DAX's own hop — and so
//! is a little *slower* than reading DynamoDB directly; writes through DAX likewise. Every
//! figure is sampled from a distribution (see [`LatencyDistribution`]) so that averages,
//! percentiles and the tail behave like measurements rather than constants.
//!
//! The DynamoDB figures here are used only when the backend behind DAX does not report a
//! latency of its own (the purely logical [`crate::Database`] does not); a backend that
//! models partitions and replicas reports its own and DAX adds its hop to that.
//!
//! Replication lag is the time a cache update made on one node takes to reach each of the
//! others: AWS says "usually less than one second"; the default median is 30 ms.

use dynaplay_sim::{LatencyDistribution, SimDuration, SimRng};
use serde::{Deserialize, Serialize};

/// The latency model of a DAX deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaxLatency {
    /// A request a node answers from its own memory (a hit, or a request it rejects).
    pub hit: LatencyDistribution,
    /// DAX's own hop on top of a DynamoDB call (misses, pass-through reads, writes).
    pub overhead: LatencyDistribution,
    /// Node-to-node propagation of a cache update.
    pub replication: LatencyDistribution,
    /// A DynamoDB read, when the backend reports no latency.
    pub dynamodb_read: LatencyDistribution,
    /// A DynamoDB write, when the backend reports no latency.
    pub dynamodb_write: LatencyDistribution,
}

impl Default for DaxLatency {
    fn default() -> Self {
        let micros = SimDuration::from_micros;
        let millis = SimDuration::from_millis;
        DaxLatency {
            hit: LatencyDistribution::log_normal(micros(200), 0.3),
            overhead: LatencyDistribution::log_normal(micros(300), 0.3),
            replication: LatencyDistribution::log_normal(millis(30), 0.6),
            dynamodb_read: LatencyDistribution::with_tail(
                LatencyDistribution::log_normal(millis(4), 0.35),
                LatencyDistribution::log_normal(millis(20), 0.5),
                0.01,
            ),
            dynamodb_write: LatencyDistribution::with_tail(
                LatencyDistribution::log_normal(millis(6), 0.35),
                LatencyDistribution::log_normal(millis(25), 0.5),
                0.01,
            ),
        }
    }
}

impl DaxLatency {
    /// DynamoDB's latency for a call: what the backend reported, else a sample.
    pub fn dynamodb(
        &self,
        reported: Option<SimDuration>,
        write: bool,
        rng: &mut SimRng,
    ) -> SimDuration {
        match reported {
            Some(latency) => latency,
            None if write => self.dynamodb_write.sample(rng),
            None => self.dynamodb_read.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_are_an_order_of_magnitude_faster_than_dynamodb_reads() {
        let model = DaxLatency::default();
        let hit = model.hit.mean().as_micros();
        let read = model.dynamodb_read.mean().as_micros();
        assert!(hit < 300, "hits take microseconds: {hit}");
        assert!(
            (3_000..10_000).contains(&read),
            "reads take milliseconds: {read}"
        );
        assert!(read > 10 * hit);
    }

    #[test]
    fn a_reported_latency_wins_over_the_model() {
        let model = DaxLatency::default();
        let mut rng = SimRng::seed_from(1);
        let reported = SimDuration::from_millis(42);
        assert_eq!(model.dynamodb(Some(reported), false, &mut rng), reported);
        assert!(model.dynamodb(None, true, &mut rng) > SimDuration::from_millis(1));
    }
}
