//! How many partitions a table has.
//!
//! A partition serves at most 3,000 read units and 1,000 write units per second and holds
//! at most 10 GB. A provisioned table starts with enough partitions for its throughput —
//! `ceil(RCU / 3,000 + WCU / 1,000)` — and for its size; the table's throughput is divided
//! evenly among them. Partitions are never merged: lowering throughput leaves them in
//! place with smaller shares, and raising it beyond what they can serve splits *every*
//! partition in half, as many times as needed. Hence REFERENCE.md's example: 3,200 WCU is
//! 4 partitions of 800; raised to 3,600 the 4 partitions serve 900 each; raised to 6,000
//! they split into 8 of 750.

/// Read units one partition can serve per second.
pub const PARTITION_MAX_RCU: u64 = 3_000;
/// Write units one partition can serve per second.
pub const PARTITION_MAX_WCU: u64 = 1_000;
/// Bytes one partition holds before it splits.
pub const PARTITION_MAX_BYTES: u64 = 10 * 1024 * 1024 * 1024;

/// Partitions needed to serve `read` RCU and `write` WCU: `ceil(read/3000 + write/1000)`,
/// at least one.
pub fn partitions_for_throughput(read: u64, write: u64) -> u32 {
    let thousandths = u128::from(read) + u128::from(write) * 3;
    let count = thousandths.div_ceil(u128::from(PARTITION_MAX_RCU));
    u32::try_from(count).unwrap_or(u32::MAX).max(1)
}

/// Partitions needed to hold `bytes`.
pub fn partitions_for_size(bytes: u64) -> u32 {
    u32::try_from(bytes.div_ceil(PARTITION_MAX_BYTES))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// Partitions a new table gets.
pub fn initial_partitions(read: u64, write: u64, bytes: u64) -> u32 {
    partitions_for_throughput(read, write).max(partitions_for_size(bytes))
}

/// How many partitions `current` become when at least `required` are needed: every
/// partition splits in half until there are enough. Never fewer than `current`.
pub fn grow_by_halves(current: u32, required: u32) -> u32 {
    let mut count = current.max(1);
    while count < required {
        count = count.saturating_mul(2);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_examples() {
        assert_eq!(initial_partitions(0, 3_200, 0), 4);
        assert_eq!(3_200 / 4, 800);
        let raised = grow_by_halves(4, partitions_for_throughput(0, 3_600));
        assert_eq!((raised, 3_600 / raised), (4, 900));
        let raised = grow_by_halves(4, partitions_for_throughput(0, 6_000));
        assert_eq!((raised, 6_000 / raised), (8, 750));
    }

    #[test]
    fn reads_and_writes_add_up() {
        assert_eq!(partitions_for_throughput(0, 0), 1);
        assert_eq!(partitions_for_throughput(3_000, 0), 1);
        assert_eq!(partitions_for_throughput(3_001, 0), 2);
        assert_eq!(partitions_for_throughput(1_500, 500), 1);
        assert_eq!(partitions_for_throughput(1_500, 501), 2);
        assert_eq!(partitions_for_throughput(12_000, 4_000), 8);
    }

    #[test]
    fn size_needs_a_partition_per_ten_gigabytes() {
        assert_eq!(partitions_for_size(0), 1);
        assert_eq!(partitions_for_size(PARTITION_MAX_BYTES), 1);
        assert_eq!(partitions_for_size(PARTITION_MAX_BYTES + 1), 2);
        assert_eq!(initial_partitions(100, 100, 25 * 1024 * 1024 * 1024), 3);
    }

    #[test]
    fn lowering_never_merges() {
        assert_eq!(grow_by_halves(8, 1), 8);
        assert_eq!(grow_by_halves(3, 5), 6);
    }
}
