//! The replication log of one partition, and rewinding to a log position.
//!
//! Every write the leader accepts becomes a [`LogRecord`]: its log sequence number (LSN,
//! increasing across the table), the item's key, and the item before the write (the item
//! after it is the engine's, or the next record's before-image, so the log keeps no copy).
//! Replicas persist and apply records in LSN order, so a replica's state is "every record
//! up to my applied LSN". The engine's `Database` always holds the newest state, so the
//! state as of an older position is recovered by *rewinding*: for each key written after
//! that position, the before-image of its first such record is what the replica still
//! has. An item created after the position is absent there; one deleted after it is still
//! present.
//!
//! Records are kept while any replica or index might still need them and trimmed once all
//! have applied them; a bound keeps a long outage from growing the log without limit (a
//! replica that falls behind the trimmed horizon is rebuilt rather than replayed).

use std::collections::{BTreeMap, VecDeque};

use dynaplay_sim::SimTime;

use crate::key::PrimaryKey;
use crate::value::Item;

/// Records a partition keeps at most, whatever replicas lag.
pub const MAX_RECORDS: usize = 8_192;

#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    pub lsn: u64,
    pub key: PrimaryKey,
    /// The partition key's hash, to divide the log when a partition splits.
    pub hash: u128,
    pub before: Option<Item>,
    /// When the leader accepted it, and when the quorum acknowledged it.
    pub at: SimTime,
    pub acked_at: SimTime,
    /// The request that wrote it, so a stale read can name the write it missed.
    pub request: u64,
}

/// What a replica at some position has not seen of one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Missed {
    /// The item as that replica has it.
    pub before: Option<Item>,
    /// The first write it has not applied.
    pub lsn: u64,
    pub request: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplicationLog {
    records: VecDeque<LogRecord>,
}

impl ReplicationLog {
    pub fn push(&mut self, record: LogRecord) {
        self.records.push_back(record);
        if self.records.len() > MAX_RECORDS {
            self.records.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The LSN of the oldest record kept (0 when empty).
    pub fn oldest_lsn(&self) -> u64 {
        self.records.front().map_or(0, |r| r.lsn)
    }

    /// The records after `lsn`, oldest first.
    pub fn after(&self, lsn: u64) -> impl Iterator<Item = &LogRecord> {
        let first = self.records.partition_point(|r| r.lsn <= lsn);
        self.records.range(first..)
    }

    /// Drops the records every reader has applied.
    pub fn trim_through(&mut self, lsn: u64) {
        while self.records.front().is_some_and(|r| r.lsn <= lsn) {
            self.records.pop_front();
        }
    }

    /// The records whose hash `keep` accepts, for one half of a split.
    pub fn filtered(&self, keep: impl Fn(u128) -> bool) -> ReplicationLog {
        ReplicationLog {
            records: self
                .records
                .iter()
                .filter(|r| keep(r.hash))
                .cloned()
                .collect(),
        }
    }

    /// For each key that `wanted` accepts and that was written after `lsn`: the item as
    /// of `lsn` and the first write after it.
    pub fn rewind(
        &self,
        lsn: u64,
        wanted: impl Fn(&LogRecord) -> bool,
        into: &mut BTreeMap<PrimaryKey, Missed>,
    ) {
        for record in self.after(lsn).filter(|r| wanted(r)) {
            into.entry(record.key.clone()).or_insert_with(|| Missed {
                before: record.before.clone(),
                lsn: record.lsn,
                request: record.request,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::KeyValue;
    use crate::value::AttributeValue;

    fn key(pk: &str) -> PrimaryKey {
        PrimaryKey {
            hash: KeyValue::S(pk.into()),
            range: None,
        }
    }

    fn item(v: &str) -> Item {
        [("v".to_string(), AttributeValue::S(v.into()))].into()
    }

    fn record(lsn: u64, pk: &str, before: Option<&str>, _after: Option<&str>) -> LogRecord {
        LogRecord {
            lsn,
            key: key(pk),
            hash: lsn as u128,
            before: before.map(item),
            at: SimTime::ZERO,
            acked_at: SimTime::ZERO,
            request: lsn * 10,
        }
    }

    #[test]
    fn rewinding_gives_the_first_before_image_after_the_position() {
        let mut log = ReplicationLog::default();
        log.push(record(1, "a", None, Some("1")));
        log.push(record(2, "a", Some("1"), Some("2")));
        log.push(record(3, "b", Some("x"), None));
        log.push(record(4, "a", Some("2"), Some("3")));
        let mut missed = BTreeMap::new();
        log.rewind(1, |_| true, &mut missed);
        assert_eq!(missed[&key("a")].before, Some(item("1")), "as of LSN 1");
        assert_eq!(missed[&key("a")].lsn, 2);
        assert_eq!(missed[&key("a")].request, 20);
        assert_eq!(
            missed[&key("b")].before,
            Some(item("x")),
            "deleted later: still there"
        );
        let mut missed = BTreeMap::new();
        log.rewind(0, |r| r.key == key("a"), &mut missed);
        assert_eq!(missed.len(), 1);
        assert_eq!(missed[&key("a")].before, None, "created later: absent");
        let mut missed = BTreeMap::new();
        log.rewind(4, |_| true, &mut missed);
        assert!(missed.is_empty(), "fully applied");
    }

    #[test]
    fn trimming_and_splitting_keep_the_right_records() {
        let mut log = ReplicationLog::default();
        for lsn in 1..=6 {
            log.push(record(lsn, "a", None, None));
        }
        log.trim_through(2);
        assert_eq!(log.oldest_lsn(), 3);
        assert_eq!(log.after(4).count(), 2);
        let even = log.filtered(|hash| hash % 2 == 0);
        assert_eq!(even.after(0).map(|r| r.lsn).collect::<Vec<_>>(), [4, 6]);
    }
}
