//! A table: its definition and its items, with every secondary index kept in step.
//!
//! Writes go through [`Table::put`] and [`Table::delete`] so that indexes can never
//! drift from the items: each write removes the item's old index entries and adds the new
//! ones, projected as each index says. Indexes are sparse — an item without an index's key
//! attributes simply has no entry there.
//!
//! Operations validate everything before they call a mutating method here, so a request
//! that fails changes nothing.

pub mod def;
pub mod store;

use std::collections::BTreeMap;

use crate::error::{DynamoError, Result};
use crate::key::{KeyValue, PrimaryKey};
use crate::value::{AttributeValue, Item};
pub use def::{
    BillingMode, IndexDef, IndexKind, OnDemandMaximum, Projection, TableDef, TableStatus,
    Throughput, WarmThroughput,
};
pub use store::{Collection, EntryKey, ItemStore, Slot};

#[derive(Debug, Clone)]
pub struct Table {
    pub def: TableDef,
    items: ItemStore,
    indexes: BTreeMap<String, ItemStore>,
}

/// Extra bytes DynamoDB counts per index entry in an index's size.
pub const INDEX_ENTRY_OVERHEAD: u64 = 100;

impl Table {
    pub fn new(def: TableDef) -> Table {
        let indexes = def
            .indexes()
            .map(|i| (i.name.clone(), ItemStore::new()))
            .collect();
        Table {
            def,
            items: ItemStore::new(),
            indexes,
        }
    }

    pub fn name(&self) -> &str {
        &self.def.name
    }

    pub fn items(&self) -> &ItemStore {
        &self.items
    }

    /// The entries of the index called `name`.
    pub fn index_items(&self, name: &str) -> Option<&ItemStore> {
        self.indexes.get(name)
    }

    pub fn item_count(&self) -> u64 {
        self.items.len()
    }

    pub fn size_bytes(&self) -> u64 {
        self.items.size_bytes()
    }

    /// IndexSizeBytes as DescribeTable reports it.
    pub fn index_size_bytes(&self, name: &str) -> u64 {
        self.indexes
            .get(name)
            .map(|s| s.size_bytes() + s.len() * INDEX_ENTRY_OVERHEAD)
            .unwrap_or(0)
    }

    pub fn index_item_count(&self, name: &str) -> u64 {
        self.indexes.get(name).map(ItemStore::len).unwrap_or(0)
    }

    fn entry_key(key: &PrimaryKey) -> EntryKey {
        EntryKey {
            sort: key.range.clone(),
            base: None,
        }
    }

    pub fn get(&self, key: &PrimaryKey) -> Option<&Item> {
        self.items.get(&key.hash, &Self::entry_key(key))
    }

    /// Stores `item` under `key` (which the caller derived from it), replacing and
    /// returning any previous item, and updates every index.
    pub fn put(&mut self, key: &PrimaryKey, item: Item) -> Option<Item> {
        // The new index entries are cut from the item before it moves into the store.
        let added: Vec<_> = self
            .def
            .indexes()
            .map(|index| index_entry_of(&self.def, index, key, &item))
            .collect();
        let old = self.items.insert(&key.hash, Self::entry_key(key), item);
        for (index, added) in self.def.indexes().zip(added) {
            let Some(store) = self.indexes.get_mut(&index.name) else {
                continue;
            };
            if let Some(old_item) = &old {
                remove_index_entry(store, index, key, old_item);
            }
            if let Some((partition, entry, projected)) = added {
                store.insert(&partition, entry, projected);
            }
        }
        old
    }

    /// Removes and returns the item under `key`, and its index entries.
    pub fn delete(&mut self, key: &PrimaryKey) -> Option<Item> {
        let old = self.items.remove(&key.hash, &Self::entry_key(key))?;
        for index in self.def.indexes() {
            if let Some(store) = self.indexes.get_mut(&index.name) {
                remove_index_entry(store, index, key, &old);
            }
        }
        Some(old)
    }

    /// The index entry `item` has in `index`: its index partition key, its place, and
    /// the projected item. `None` when the item lacks the index's key attributes.
    pub fn index_entry(
        &self,
        index: &IndexDef,
        key: &PrimaryKey,
        item: &Item,
    ) -> Option<(KeyValue, EntryKey, Item)> {
        index_entry_of(&self.def, index, key, item)
    }

    /// Checks a new item's values for the indexes' key attributes: where present they
    /// must have the index's declared type and must not be empty.
    pub fn check_index_keys(&self, item: &Item) -> Result<()> {
        for index in self.def.indexes() {
            for attr in index.key_schema.names() {
                let Some(value) = item.get(attr) else {
                    continue;
                };
                let Some(declared) = self
                    .def
                    .attribute_definitions
                    .iter()
                    .find(|(name, _)| name == attr)
                    .map(|(_, t)| *t)
                else {
                    continue;
                };
                let matches = KeyValue::from_value(value).filter(|k| k.scalar_type() == declared);
                let Some(key_value) = matches else {
                    return Err(DynamoError::validation(format!(
                        "One or more parameter values were invalid: Type mismatch for Index Key {attr} Expected: {declared} Actual: {} IndexName: {}",
                        value.type_name(),
                        index.name
                    )));
                };
                if key_value.is_empty() {
                    return Err(DynamoError::validation(format!(
                        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty {} value. IndexName: {}, IndexKey: {attr}",
                        if matches!(value, AttributeValue::B(_)) {
                            "binary"
                        } else {
                            "string"
                        },
                        index.name
                    )));
                }
            }
        }
        Ok(())
    }

    /// Adds a new global secondary index and backfills it from the table's items.
    pub fn add_global_index(&mut self, index: IndexDef) {
        self.indexes.insert(index.name.clone(), ItemStore::new());
        let entries: Vec<(KeyValue, EntryKey, Item)> = self
            .items
            .iter()
            .filter_map(|(slot, entry, item)| {
                let key = PrimaryKey {
                    hash: slot.key.clone(),
                    range: entry.sort.clone(),
                };
                self.index_entry(&index, &key, item)
            })
            .collect();
        if let Some(store) = self.indexes.get_mut(&index.name) {
            for (partition, entry, projected) in entries {
                store.insert(&partition, entry, projected);
            }
        }
        self.def.global_indexes.push(index);
    }

    /// Drops a global secondary index and its entries.
    pub fn remove_global_index(&mut self, name: &str) -> bool {
        let before = self.def.global_indexes.len();
        self.def.global_indexes.retain(|i| i.name != name);
        self.indexes.remove(name);
        self.def.global_indexes.len() != before
    }
}

/// [`Table::index_entry`] for a table's definition.
fn index_entry_of(
    def: &TableDef,
    index: &IndexDef,
    key: &PrimaryKey,
    item: &Item,
) -> Option<(KeyValue, EntryKey, Item)> {
    let index_key = index.key_schema.key_of_stored(item)?;
    let projected: Item = item
        .iter()
        .filter(|(name, _)| index.projects(&def.key_schema, name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let entry = EntryKey {
        sort: index_key.range,
        base: Some(key.clone()),
    };
    Some((index_key.hash, entry, projected))
}

/// Removes the entry `item` (stored under `key`) has in `index`'s store, if it has one.
fn remove_index_entry(store: &mut ItemStore, index: &IndexDef, key: &PrimaryKey, item: &Item) {
    if let Some(index_key) = index.key_schema.key_of_stored(item) {
        let entry = EntryKey {
            sort: index_key.range,
            base: Some(key.clone()),
        };
        store.remove(&index_key.hash, &entry);
    }
}
