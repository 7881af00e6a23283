//! Item collections and their size limit.
//!
//! An item collection is every item sharing one partition key value, together with those
//! items' entries in the table's local secondary indexes. A local index lives on the same
//! partition as the items it indexes, so a partition key's items and their local index
//! entries cannot be spread over partitions, and DynamoDB caps what one collection may
//! hold: 10 GB. A write that would grow a collection past the cap fails with
//! `ItemCollectionSizeLimitExceededException` ("Collection size exceeded"); writes that
//! shrink a collection are always allowed, even one already over the cap. Tables without
//! a local index have no such cap (their collections can span partitions) and report no
//! collection metrics.
//!
//! A collection's size counts what DynamoDB stores for it: each item's size, and each
//! local index entry's size — the table's keys, the index key and the projected attributes
//! — plus the 100 bytes of overhead DynamoDB adds to every index entry. The same size
//! feeds `SizeEstimateRangeGB` in `ReturnItemCollectionMetrics`.
//!
//! Ten gigabytes cannot be filled in a browser tab or a test, so the cap is a setting of
//! the [`Database`](crate::Database) (`set_item_collection_limit`), 10 GiB unless changed:
//! lowered, it lets a learner or a test watch the limit bite at a few kilobytes. A request
//! with several writes (BatchWriteItem, TransactWriteItems) is judged write by write in
//! request order, each against its collection as the earlier writes leave it.

use std::collections::BTreeMap;

use crate::error::{DynamoError, ErrorKind};
use crate::key::KeyValue;
use crate::ops::write::Change;
use crate::table::{INDEX_ENTRY_OVERHEAD, Table};
use crate::value::{Item, item_size};

/// The message of `ItemCollectionSizeLimitExceededException`, as AWS documents it (and
/// of the `ItemCollectionSizeLimitExceeded` cancellation reason of a transaction).
pub(crate) const COLLECTION_SIZE_EXCEEDED: &str = "Collection size exceeded";

/// `ItemCollectionSizeLimitExceededException`.
pub(crate) fn collection_size_exceeded() -> DynamoError {
    DynamoError::new(
        ErrorKind::ItemCollectionSizeLimitExceeded,
        COLLECTION_SIZE_EXCEEDED,
    )
}

/// The size in bytes of the item collection of partition key `hash`: its items and their
/// local index entries (with their overhead).
pub(crate) fn collection_bytes(table: &Table, hash: &KeyValue) -> u64 {
    let (_, mut bytes) = table.items().collection_size(hash);
    for index in &table.def.local_indexes {
        if let Some(store) = table.index_items(&index.name) {
            let (entries, entry_bytes) = store.collection_size(hash);
            bytes += entry_bytes + entries * INDEX_ENTRY_OVERHEAD;
        }
    }
    bytes
}

/// What one item adds to its collection: its own size and its local index entries.
fn footprint(table: &Table, change: &Change, item: Option<&Item>) -> u64 {
    let Some(item) = item else {
        return 0;
    };
    let mut bytes = item_size(item) as u64;
    for index in &table.def.local_indexes {
        if let Some((_, _, entry)) = table.index_entry(index, &change.key, item) {
            bytes += item_size(&entry) as u64 + INDEX_ENTRY_OVERHEAD;
        }
    }
    bytes
}

/// The item collections a request's writes touch, with their sizes as the writes admitted
/// so far leave them.
#[derive(Debug)]
pub(crate) struct CollectionBudget<'r> {
    limit: u64,
    sizes: BTreeMap<(&'r str, KeyValue), u64>,
}

impl<'r> CollectionBudget<'r> {
    pub(crate) fn new(limit: u64) -> CollectionBudget<'r> {
        CollectionBudget {
            limit,
            sizes: BTreeMap::new(),
        }
    }

    /// Whether `change` to `table` (named `name`) keeps its collection within the limit or
    /// shrinks it; an admitted change counts towards the later ones.
    pub(crate) fn admits(&mut self, name: &'r str, table: &Table, change: &Change) -> bool {
        if table.def.local_indexes.is_empty() {
            return true;
        }
        let hash = &change.key.hash;
        let size = self
            .sizes
            .entry((name, hash.clone()))
            .or_insert_with(|| collection_bytes(table, hash));
        let removed = footprint(table, change, change.old.as_ref());
        let added = footprint(table, change, change.new.as_ref());
        let after = size.saturating_sub(removed) + added;
        if after > self.limit && after > *size {
            return false;
        }
        *size = after;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::PrimaryKey;
    use crate::ops::item_fixtures::{database, run};
    use crate::value::{AttributeValue, Number};
    use serde_json::json;

    /// Table `ranged` of the fixtures: (pk S, sk N), GSI `g` on `gk` (ALL), LSI `l` on
    /// (pk, lk) projecting KEYS_ONLY.
    fn item(sk: i64, lk: Option<&str>, padding: usize) -> Item {
        let mut item = Item::new();
        item.insert("pk".into(), AttributeValue::S("a".into()));
        item.insert("sk".into(), AttributeValue::N(Number::from_i64(sk)));
        if let Some(lk) = lk {
            item.insert("lk".into(), AttributeValue::S(lk.into()));
        }
        item.insert("x".into(), AttributeValue::S("x".repeat(padding)));
        item
    }

    fn key(sk: i64) -> PrimaryKey {
        PrimaryKey {
            hash: KeyValue::S("a".into()),
            range: Some(KeyValue::N(Number::from_i64(sk))),
        }
    }

    #[test]
    fn collections_count_items_and_local_index_entries_with_their_overhead() {
        let mut db = database();
        let request = json!({"TableName": "ranged", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "lk": {"S": "l"}, "gk": {"S": "g"}, "x": {"S": "xyz"}}});
        run(&mut db, "PutItem", request).unwrap();
        let table = db.table("ranged").unwrap();
        // pk(2+1) sk(2+2) lk(2+1) gk(2+1) x(1+3) = 17; the KEYS_ONLY entry holds pk, sk
        // and lk: 3 + 4 + 3 = 10, plus 100 of overhead. The global index does not count.
        assert_eq!(
            collection_bytes(table, &KeyValue::S("a".into())),
            17 + 10 + 100
        );
        assert_eq!(collection_bytes(table, &KeyValue::S("b".into())), 0);
    }

    #[test]
    fn the_limit_admits_up_to_the_byte_and_always_lets_a_collection_shrink() {
        let mut db = database();
        let change = |sk: i64, old: Option<Item>, new: Option<Item>| Change {
            key: key(sk),
            old,
            new,
        };
        let first = item(1, Some("l"), 100);
        let table = db.table("ranged").unwrap();
        let exact = footprint(table, &change(1, None, None), Some(&first));
        let mut budget = CollectionBudget::new(exact);
        assert!(budget.admits("ranged", table, &change(1, None, Some(first.clone()))));
        let mut tight = CollectionBudget::new(exact - 1);
        assert!(!tight.admits("ranged", table, &change(1, None, Some(first.clone()))));
        // The budget remembers what it admitted: one more byte is too many.
        let one_more = item(2, None, 0);
        assert!(!budget.admits("ranged", table, &change(2, None, Some(one_more))));

        // A collection over the limit may still shrink, but not grow.
        db.table_mut("ranged").unwrap().put(&key(1), first.clone());
        let table = db.table("ranged").unwrap();
        let smaller = item(1, Some("l"), 50);
        let larger = item(1, Some("l"), 150);
        let mut over = CollectionBudget::new(0);
        assert!(over.admits(
            "ranged",
            table,
            &change(1, Some(first.clone()), Some(smaller))
        ));
        let mut over = CollectionBudget::new(0);
        assert!(!over.admits(
            "ranged",
            table,
            &change(1, Some(first.clone()), Some(larger))
        ));
        assert!(over.admits("ranged", table, &change(1, Some(first), None)));

        // Tables without a local index are never limited.
        let hash = db.table("hash").unwrap();
        let mut none = CollectionBudget::new(0);
        let big = Change {
            key: PrimaryKey {
                hash: KeyValue::S("a".into()),
                range: None,
            },
            old: None,
            new: Some(item(1, None, 1000)),
        };
        assert!(none.admits("hash", hash, &big));
    }
}
