//! Admission and charging: whether a partition takes a request, and paying for it.
//!
//! A request is admitted on a partition's lane while three things hold: the partition is
//! under its hardware ceiling (3,000 RCU / 1,000 WCU in the current second), and either
//! its own provisioned share (with burst) still holds units, or — adaptive capacity — the
//! table as a whole has capacity its other partitions left unused. On-demand tables have
//! no shares; the table-wide allowance (twice the previous peak) takes their place. After
//! the request ran, the units the engine reports are charged to every bucket involved;
//! units served on borrowed table capacity are counted as such.
//!
//! An on-demand table given a maximum throughput (OnDemandThroughput) also has a
//! table-wide bucket of one second at that rate, checked before any partition: a request
//! finding it empty is throttled however idle the partitions are.
//!
//! A refusal is DynamoDB's: `ProvisionedThroughputExceededException` on a provisioned
//! table, `ThrottlingException` on an on-demand one, with AWS's messages.

use dynaplay_sim::SimTime;

use super::config::HEAT_SECONDS;
use super::layout::{grow_by_halves, partitions_for_throughput};
use super::partition::ThrottleCause;
use super::table_model::{CapacityMode, TableModel};
use crate::error::{DynamoError, ErrorKind};

pub(crate) const PROVISIONED_MESSAGE: &str = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.";
/// The message AWS's developer guide shows for a request beyond an on-demand table's
/// maximum throughput (throttling reason `TableReadMaxOnDemandThroughputExceeded` and
/// friends).
pub(crate) const MAXIMUM_MESSAGE: &str =
    "Throughput exceeds the maximum OnDemandThroughput configured on table or index";
pub(crate) const ON_DEMAND_MESSAGE: &str = "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html.";

/// The error a request throttled for `cause` gets on a table in `mode`.
pub(crate) fn throttle_error(mode: CapacityMode, cause: ThrottleCause) -> DynamoError {
    match (mode, cause) {
        (_, ThrottleCause::OnDemandMaximum) => {
            DynamoError::new(ErrorKind::Throttling, MAXIMUM_MESSAGE)
        }
        (CapacityMode::Provisioned { .. }, _) => DynamoError::new(
            ErrorKind::ProvisionedThroughputExceeded,
            PROVISIONED_MESSAGE,
        ),
        (CapacityMode::OnDemand, _) => DynamoError::new(ErrorKind::Throttling, ON_DEMAND_MESSAGE),
    }
}

/// The error while a partition has no leader or no quorum: the request cannot be served
/// now and should be retried.
pub(crate) fn unavailable_error() -> DynamoError {
    DynamoError::new(ErrorKind::InternalServerError, "Internal server error")
}

/// Whether partition `index` of `model` admits a read or write at `now`.
pub(crate) fn admit(
    model: &mut TableModel,
    index: usize,
    write: bool,
    now: SimTime,
    adaptive: bool,
) -> Result<(), ThrottleCause> {
    if model.mode == CapacityMode::OnDemand && model.peaks.adopt(now) {
        model.reshare(now);
    }
    // The maximum applies to the table as a whole, before any partition is asked.
    if let Some(maximum) = model.maximum_lane(write)
        && !maximum.admits(now)
    {
        return Err(ThrottleCause::OnDemandMaximum);
    }
    let table_has_room = if write {
        model.table_write.admits(now)
    } else {
        model.table_read.admits(now)
    };
    let Some(partition) = model.partitions.get_mut(index) else {
        return Ok(());
    };
    let lane = partition.lane_mut(write);
    if !lane.ceiling.admits(now) {
        return Err(ThrottleCause::PartitionLimit);
    }
    let share_has_room = lane.share.as_mut().map(|share| share.admits(now));
    match share_has_room {
        Some(true) => Ok(()),
        Some(false) if adaptive && table_has_room => Ok(()),
        Some(false) => Err(ThrottleCause::Provisioned),
        None if table_has_room => Ok(()),
        None => Err(ThrottleCause::OnDemandPeak),
    }
}

/// What charging found worth acting on.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ChargeSignals {
    /// The partition ran hot long enough to split at this hash.
    pub heat_split_at: Option<u128>,
    /// An on-demand table reached a new peak and wants this many partitions.
    pub wants_partitions: Option<u32>,
}

/// Charges `units` of reads or writes, for a key at `hash`, to partition `index`.
pub(crate) fn charge(
    model: &mut TableModel,
    index: usize,
    write: bool,
    units: f64,
    hash: Option<u128>,
    now: SimTime,
) -> ChargeSignals {
    let mut signals = ChargeSignals::default();
    let on_demand = model.mode == CapacityMode::OnDemand;
    if let Some(maximum) = model.maximum_lane(write) {
        maximum.spend(units);
    }
    let (table_bucket, table_window) = if write {
        (&mut model.table_write, &mut model.write_window)
    } else {
        (&mut model.table_read, &mut model.read_window)
    };
    table_bucket.spend(units);
    if let Some((second, ended, _)) = table_window.roll(now) {
        let (read, write_units) = if write { (0.0, ended) } else { (ended, 0.0) };
        if on_demand && model.peaks.observe(second, read, write_units) {
            let (top_read, top_write) = model.peaks.highest();
            let required = partitions_for_throughput((top_read * 2.0).ceil() as u64, 0).max(
                partitions_for_throughput(0, (top_write * 2.0).ceil() as u64),
            );
            let current = u32::try_from(model.partitions.len()).unwrap_or(u32::MAX);
            if required > current {
                signals.wants_partitions = Some(grow_by_halves(current, required));
            }
        }
    }
    if write {
        model.write_window.add(units);
    } else {
        model.read_window.add(units);
    }
    let Some(partition) = model.partitions.get_mut(index) else {
        return signals;
    };
    let lane = partition.lane_mut(write);
    if let Some((_, ended, consecutive)) = lane.window.roll(now) {
        // Heat is about the hardware: a partition near its ceiling for seconds on end
        // is split so that two storage nodes share its load.
        let hot = ended >= lane.ceiling.rate() * 0.8;
        if !consecutive {
            partition.heat.hot_streak = 0;
        }
        partition.heat.hot_streak = if hot {
            partition.heat.hot_streak + 1
        } else {
            0
        };
        if partition.heat.hot_streak >= HEAT_SECONDS {
            signals.heat_split_at = match partition.heat.hottest() {
                // A key with the partition to itself cannot be helped by a split.
                Some((_, share)) if share >= 0.95 => None,
                Some((hash, share)) if share >= 0.2 => Some(isolating_cut(partition.range, hash)),
                _ => Some(partition.range.midpoint()),
            };
            partition.heat.hot_streak = 0;
        }
        partition.heat.reset();
    }
    let lane = partition.lane_mut(write);
    lane.ceiling.spend(units);
    match &mut lane.share {
        Some(share) if share.balance_at(now) > 0.0 => share.spend(units),
        Some(_) => lane.borrowed += units,
        None => {}
    }
    lane.window.add(units);
    lane.consumed += units;
    lane.served += 1;
    if let Some(hash) = hash {
        partition.heat.record(hash, units);
    }
    signals
}

/// Where to cut a range to put the hot key at `hash` at the edge of the smaller side:
/// its neighbours on the other side of the cut no longer share its capacity.
fn isolating_cut(range: super::hash_range::HashRange, hash: u128) -> u128 {
    let left = hash.saturating_sub(range.start);
    let right = range.end.saturating_sub(hash);
    if right >= left && hash < range.end {
        hash + 1
    } else {
        hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physical::hash_range::HashRange;

    #[test]
    fn the_hot_key_ends_up_on_the_smaller_side() {
        let range = HashRange::new(0, 100);
        assert_eq!(isolating_cut(range, 10), 11, "cut just after it");
        assert_eq!(isolating_cut(range, 90), 90, "cut just before it");
        assert_eq!(isolating_cut(range, 100), 100);
    }
}
