//! Items in key-space order.
//!
//! An [`ItemStore`] keeps items the way DynamoDB lays them out: grouped by partition key,
//! partition keys ordered by their 128-bit hash (their place in the key space), and the
//! items of one partition key — an item collection — ordered by sort key. A table is one
//! store; each secondary index is another, whose entries are ordered by the index's sort
//! key and then by the table's primary key (two index entries may share index keys).
//!
//! Query reads one collection in sort-key order; Scan walks the whole store in key-space
//! order; a parallel Scan segment walks one slice of the hash range. The store knows
//! nothing of capacity or expressions: it only keeps order and counts.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::key::{KeyValue, PrimaryKey};
use crate::keyhash::key_hash;
use crate::value::{Item, item_size};

/// A partition key at its place in the key space.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    pub hash: u128,
    pub key: KeyValue,
}

impl Slot {
    pub fn of(key: &KeyValue) -> Slot {
        Slot {
            hash: key_hash(key),
            key: key.clone(),
        }
    }
}

/// An entry's place within its item collection: its sort key, then — in an index — the
/// table's primary key of the item it came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryKey {
    pub sort: Option<KeyValue>,
    pub base: Option<PrimaryKey>,
}

/// The entries sharing one partition key, in sort-key order.
pub type Collection = BTreeMap<EntryKey, Item>;

/// One collection and the total size of its entries, kept as they change so that the
/// size of an item collection (which local secondary indexes limit) costs no walk.
#[derive(Debug, Clone, Default)]
struct Group {
    entries: Collection,
    bytes: u64,
}

#[derive(Debug, Clone, Default)]
pub struct ItemStore {
    slots: BTreeMap<Slot, Group>,
    count: u64,
    bytes: u64,
}

impl ItemStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Total of the entries' item sizes, in bytes.
    pub fn size_bytes(&self) -> u64 {
        self.bytes
    }

    pub fn get(&self, partition: &KeyValue, entry: &EntryKey) -> Option<&Item> {
        self.slots.get(&Slot::of(partition))?.entries.get(entry)
    }

    /// Stores `item`, returning the entry it replaced.
    pub fn insert(&mut self, partition: &KeyValue, entry: EntryKey, item: Item) -> Option<Item> {
        let added = item_size(&item) as u64;
        let group = self.slots.entry(Slot::of(partition)).or_default();
        let old = group.entries.insert(entry, item);
        let removed = old.as_ref().map_or(0, |old| item_size(old) as u64);
        group.bytes = group.bytes.saturating_sub(removed) + added;
        self.bytes = self.bytes.saturating_sub(removed) + added;
        if old.is_none() {
            self.count += 1;
        }
        old
    }

    pub fn remove(&mut self, partition: &KeyValue, entry: &EntryKey) -> Option<Item> {
        let slot = Slot::of(partition);
        let group = self.slots.get_mut(&slot)?;
        let old = group.entries.remove(entry)?;
        let removed = item_size(&old) as u64;
        group.bytes = group.bytes.saturating_sub(removed);
        if group.entries.is_empty() {
            self.slots.remove(&slot);
        }
        self.count = self.count.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(removed);
        Some(old)
    }

    /// The item collection of one partition key.
    pub fn collection(&self, partition: &KeyValue) -> Option<&Collection> {
        self.slots.get(&Slot::of(partition)).map(|g| &g.entries)
    }

    /// All collections in key-space order, starting after (or at) `from`.
    pub fn slots_from(
        &self,
        from: Bound<&Slot>,
    ) -> impl DoubleEndedIterator<Item = (&Slot, &Collection)> {
        self.slots
            .range::<Slot, _>((from, Bound::Unbounded))
            .map(|(slot, group)| (slot, &group.entries))
    }

    /// Every entry in key-space order: (partition slot, entry key, item).
    pub fn iter(&self) -> impl Iterator<Item = (&Slot, &EntryKey, &Item)> {
        self.slots.iter().flat_map(|(slot, group)| {
            group
                .entries
                .iter()
                .map(move |(entry, item)| (slot, entry, item))
        })
    }

    /// Number of distinct partition keys.
    pub fn partition_keys(&self) -> usize {
        self.slots.len()
    }

    /// The number of entries and their total size in bytes in one item collection.
    pub fn collection_size(&self, partition: &KeyValue) -> (u64, u64) {
        self.slots
            .get(&Slot::of(partition))
            .map_or((0, 0), |g| (g.entries.len() as u64, g.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{AttributeValue, Number};

    fn n(v: i64) -> KeyValue {
        KeyValue::N(Number::from_i64(v))
    }

    fn item(pk: &str, sk: i64) -> Item {
        let mut item = Item::new();
        item.insert("pk".into(), AttributeValue::S(pk.into()));
        item.insert("sk".into(), AttributeValue::N(Number::from_i64(sk)));
        item
    }

    #[test]
    fn collections_are_in_sort_key_order_and_counts_follow_writes() {
        let mut store = ItemStore::new();
        let pk = KeyValue::S("a".into());
        for sk in [3, -1, 10, 2] {
            store.insert(
                &pk,
                EntryKey {
                    sort: Some(n(sk)),
                    base: None,
                },
                item("a", sk),
            );
        }
        let order: Vec<_> = store
            .collection(&pk)
            .unwrap()
            .keys()
            .map(|e| e.sort.clone())
            .collect();
        assert_eq!(order, [-1, 2, 3, 10].map(|v| Some(n(v))));
        assert_eq!(store.len(), 4);
        let replaced = store.insert(
            &pk,
            EntryKey {
                sort: Some(n(2)),
                base: None,
            },
            item("a", 2),
        );
        assert!(replaced.is_some());
        assert_eq!(store.len(), 4);
        store.remove(
            &pk,
            &EntryKey {
                sort: Some(n(2)),
                base: None,
            },
        );
        assert_eq!(store.len(), 3);
        let bytes: u64 = store.iter().map(|(_, _, i)| item_size(i) as u64).sum();
        assert_eq!(store.size_bytes(), bytes);
        assert_eq!(
            store.collection_size(&pk),
            (3, bytes),
            "kept per collection"
        );
        assert_eq!(store.collection_size(&KeyValue::S("b".into())), (0, 0));
    }

    #[test]
    fn scan_order_is_key_space_order() {
        let mut store = ItemStore::new();
        for pk in ["a", "b", "c", "d", "e"] {
            let key = KeyValue::S(pk.into());
            store.insert(
                &key,
                EntryKey {
                    sort: None,
                    base: None,
                },
                item(pk, 0),
            );
        }
        let hashes: Vec<u128> = store.iter().map(|(slot, _, _)| slot.hash).collect();
        let mut sorted = hashes.clone();
        sorted.sort();
        assert_eq!(hashes, sorted);
    }
}
