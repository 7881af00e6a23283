//! The single-item write: what PutItem, UpdateItem, DeleteItem, BatchWriteItem and
//! TransactWriteItems have in common once a request is understood.
//!
//! Every one of them ends in the same few steps. Read the item as it is; check the
//! condition against it (a missing item is the empty item); compute the item as it will
//! be — or its absence — as a [`Change`]; work out what the change costs, on the table and
//! on every index whose entry it touches; and only then, when nothing can fail any more,
//! commit it. Keeping the change as a value until the end is what lets a transaction check
//! all its actions before applying any, and lets every operation promise that a request
//! which fails changes nothing.
//!
//! Costs follow the developer guide. The table pays for the larger of the old and new
//! item, in 1 KB write units (a delete pays for the old item; deleting nothing still costs
//! one unit). An index pays only when its entry changes: a new entry is one write, a
//! removed entry one write, an entry whose projected attributes changed one write (at the
//! larger of its two sizes), and an entry whose index key changed moves — a delete and a
//! put, two writes. Transactions pay twice for everything. Local indexes bill against the
//! table's capacity but are reported separately under `INDEXES`.
//!
//! For tables with local secondary indexes DynamoDB can report the size of the item
//! collection a write touched (`ReturnItemCollectionMetrics: SIZE`): all items sharing the
//! partition key plus their entries in every local index, as a range in gigabytes (see
//! [`super::item_collection`], which also enforces the collection's size limit).

use serde_json::{Map, Value, json};

use crate::capacity::{ConsumedCapacity, ReturnConsumedCapacity, write_units};
use crate::db::Answer;
use crate::error::{DynamoError, Result};
use crate::expr::{ConditionExpression, DocumentPath, project};
use crate::key::PrimaryKey;
use crate::ops::item_collection::collection_bytes;
use crate::ops::item_request::ReturnValues;
use crate::ops::legacy::ExpectedCondition;
use crate::table::{IndexDef, IndexKind, Table};
use crate::value::{Item, item_size, item_to_wire};

/// The largest item DynamoDB stores: 400 KB.
pub(crate) const MAX_ITEM_BYTES: usize = 400 * 1024;

/// PutItem's (and every Put's) message for an item over 400 KB.
pub(crate) const ITEM_TOO_LARGE: &str = "Item size has exceeded the maximum allowed size";

/// UpdateItem's message when the updated item would be over 400 KB.
pub(crate) const UPDATED_ITEM_TOO_LARGE: &str =
    "Item size to update has exceeded the maximum allowed size";

/// Rejects an item over 400 KB with `message`.
pub(crate) fn check_item_size(item: &Item, message: &str) -> Result<()> {
    if item_size(item) > MAX_ITEM_BYTES {
        return Err(DynamoError::validation(message));
    }
    Ok(())
}

/// A write's condition, in either style.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum WriteCondition {
    Expression(ConditionExpression),
    Expected(ExpectedCondition),
}

impl WriteCondition {
    /// The request's condition, if it has one.
    pub(crate) fn from_parts(
        expression: Option<ConditionExpression>,
        expected: Option<ExpectedCondition>,
    ) -> Option<WriteCondition> {
        match (expression, expected) {
            (Some(expression), _) => Some(WriteCondition::Expression(expression)),
            (None, Some(expected)) => Some(WriteCondition::Expected(expected)),
            (None, None) => None,
        }
    }

    /// Whether the item as it stands satisfies the condition; no item is the empty item.
    pub(crate) fn holds(&self, item: Option<&Item>) -> bool {
        let empty = Item::new();
        let item = item.unwrap_or(&empty);
        match self {
            WriteCondition::Expression(expression) => expression.evaluate(item),
            WriteCondition::Expected(expected) => expected.evaluate(item),
        }
    }
}

/// `ConditionalCheckFailedException`, carrying the item when the request asked for it
/// with `ReturnValuesOnConditionCheckFailure: ALL_OLD` and there was one.
pub(crate) fn condition_failed(old: Option<&Item>, return_old: bool) -> DynamoError {
    let error = DynamoError::conditional_check_failed();
    match old {
        Some(item) if return_old => error.with_item(item_to_wire(item)),
        _ => error,
    }
}

/// Checks `condition` (if any) against the item as it is.
pub(crate) fn check_condition(
    condition: Option<&WriteCondition>,
    old: Option<&Item>,
    return_old: bool,
) -> Result<()> {
    match condition {
        Some(condition) if !condition.holds(old) => Err(condition_failed(old, return_old)),
        _ => Ok(()),
    }
}

/// What one write will do to one item: the item before (if any) and after (`None` for a
/// delete). Nothing has changed yet.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    pub key: PrimaryKey,
    pub old: Option<Item>,
    pub new: Option<Item>,
}

impl Change {
    /// Adds what the change costs on `table` and its indexes to `capacity`.
    pub(crate) fn charge(
        &self,
        table: &Table,
        transactional: bool,
        capacity: &mut ConsumedCapacity,
    ) {
        let bytes = |item: &Option<Item>| item.as_ref().map(|i| item_size(i) as u64).unwrap_or(0);
        capacity.write(write_units(
            bytes(&self.old).max(bytes(&self.new)),
            transactional,
        ));
        for index in table.def.indexes() {
            let units = self.index_units(table, index, transactional);
            if units > 0.0 {
                capacity.index_write(&index.name, index.kind == IndexKind::Local, units);
            }
        }
    }

    /// Write units the change costs in one index: nothing if its entry is untouched.
    fn index_units(&self, table: &Table, index: &IndexDef, transactional: bool) -> f64 {
        let entry = |item: &Option<Item>| {
            item.as_ref()
                .and_then(|item| table.index_entry(index, &self.key, item))
        };
        let units = |entry: &Item| write_units(item_size(entry) as u64, transactional);
        match (entry(&self.old), entry(&self.new)) {
            (None, None) => 0.0,
            (Some((_, _, old)), None) => units(&old),
            (None, Some((_, _, new))) => units(&new),
            (Some((old_partition, old_place, old)), Some((new_partition, new_place, new))) => {
                if old_partition != new_partition || old_place != new_place {
                    // The entry moves: a delete at the old index key, a put at the new.
                    units(&old) + units(&new)
                } else if old != new {
                    units(&old).max(units(&new))
                } else {
                    0.0
                }
            }
        }
    }

    /// Applies the change to `table`.
    pub(crate) fn commit(self, table: &mut Table) {
        match self.new {
            Some(item) => {
                table.put(&self.key, item);
            }
            None => {
                table.delete(&self.key);
            }
        }
    }
}

/// The `Attributes` a write returns for its `ReturnValues`, or `None` when there is
/// nothing to return. `updated` are the paths an UpdateItem wrote or removed (for the
/// `UPDATED_*` modes, which return just those parts of the item).
pub(crate) fn returned_attributes(
    mode: ReturnValues,
    old: Option<&Item>,
    new: Option<&Item>,
    updated: &[DocumentPath],
) -> Option<Item> {
    let attributes = match mode {
        ReturnValues::None => return None,
        ReturnValues::AllOld => old?.clone(),
        ReturnValues::AllNew => new?.clone(),
        ReturnValues::UpdatedOld => project(old?, updated),
        ReturnValues::UpdatedNew => project(new?, updated),
    };
    (!attributes.is_empty()).then_some(attributes)
}

/// One gigabyte, the unit of `SizeEstimateRangeGB`.
const GIGABYTE: f64 = (1u64 << 30) as f64;

/// The `ItemCollectionMetrics` for the collection `key` belongs to, as it stands now, or
/// `None` for tables without local secondary indexes (which have no collection limit and
/// report no metrics).
pub(crate) fn item_collection_metrics(table: &Table, key: &PrimaryKey) -> Option<Value> {
    if table.def.local_indexes.is_empty() {
        return None;
    }
    let bytes = collection_bytes(table, &key.hash);
    // AWS gives a one-gigabyte bracket around the estimate: [0.0, 1.0] for small ones.
    let lower = (bytes as f64 / GIGABYTE).floor();
    let mut collection_key = Map::new();
    collection_key.insert(
        table.def.key_schema.hash.name.clone(),
        key.hash.to_value().to_wire(),
    );
    Some(json!({
        "ItemCollectionKey": Value::Object(collection_key),
        "SizeEstimateRangeGB": [lower, lower + 1.0],
    }))
}

/// Assembles a single-item write's response in AWS's member order.
pub(crate) fn write_response(
    attributes: Option<Item>,
    capacity: ConsumedCapacity,
    mode: ReturnConsumedCapacity,
    metrics: Option<Value>,
) -> Answer {
    let mut response = Map::new();
    if let Some(attributes) = attributes {
        response.insert("Attributes".into(), item_to_wire(&attributes));
    }
    if let Some(wire) = capacity.to_wire(mode) {
        response.insert("ConsumedCapacity".into(), wire);
    }
    if let Some(metrics) = metrics {
        response.insert("ItemCollectionMetrics".into(), metrics);
    }
    Answer {
        response: Value::Object(response),
        items: None,
        capacity: Some(capacity),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::ReturnConsumedCapacity;
    use crate::key::KeyValue;
    use crate::ops::item_fixtures::database;
    use crate::value::{AttributeValue, Number};

    /// Table `r` of the fixtures: (pk S, sk N), GSI `g` on `gk` projecting ALL, LSI `l`
    /// on (pk, lk) projecting KEYS_ONLY.
    fn table() -> Table {
        database().table("ranged").cloned().unwrap()
    }

    /// An item of string attributes; `sk` becomes the number 1.
    fn item(pairs: &[(&str, &str)]) -> Item {
        pairs
            .iter()
            .map(|(k, v)| {
                let value = if *k == "sk" {
                    AttributeValue::N(Number::from_i64(1))
                } else {
                    AttributeValue::S(v.to_string())
                };
                (k.to_string(), value)
            })
            .collect()
    }

    fn key() -> PrimaryKey {
        PrimaryKey {
            hash: KeyValue::S("a".into()),
            range: Some(KeyValue::N(Number::from_i64(1))),
        }
    }

    fn cost(table: &Table, old: Option<Item>, new: Option<Item>) -> ConsumedCapacity {
        let mut capacity = ConsumedCapacity::new("t");
        Change {
            key: key(),
            old,
            new,
        }
        .charge(table, false, &mut capacity);
        capacity
    }

    #[test]
    fn table_pays_for_the_larger_item_in_kilobytes() {
        let t = table();
        let big = item(&[("pk", "a"), ("sk", "1"), ("x", &"x".repeat(1500))]);
        let small = item(&[("pk", "a"), ("sk", "1")]);
        assert_eq!(cost(&t, None, Some(big.clone())).table_write, 2.0);
        assert_eq!(
            cost(&t, Some(big.clone()), Some(small.clone())).table_write,
            2.0
        );
        assert_eq!(cost(&t, Some(big), None).table_write, 2.0);
        assert_eq!(
            cost(&t, None, None).table_write,
            1.0,
            "deleting nothing costs one unit"
        );
    }

    #[test]
    fn indexes_pay_only_when_their_entry_changes() {
        let t = table();
        let plain = item(&[("pk", "a"), ("sk", "1"), ("x", "1")]);
        let plain2 = item(&[("pk", "a"), ("sk", "1"), ("x", "2")]);
        // No index keys: nothing in either index.
        assert_eq!(
            cost(&t, Some(plain.clone()), Some(plain2.clone())).total(),
            1.0
        );
        // Entering the GSI: one write there.
        let indexed = item(&[("pk", "a"), ("sk", "1"), ("gk", "g1"), ("x", "1")]);
        let c = cost(&t, Some(plain), Some(indexed.clone()));
        assert_eq!(c.global_indexes.get("g"), Some(&(0.0, 1.0)));
        // A non-key attribute: the ALL-projecting GSI rewrites its entry, the KEYS_ONLY LSI
        // has nothing to change.
        let local = item(&[
            ("pk", "a"),
            ("sk", "1"),
            ("gk", "g1"),
            ("lk", "l"),
            ("x", "1"),
        ]);
        let local2 = item(&[
            ("pk", "a"),
            ("sk", "1"),
            ("gk", "g1"),
            ("lk", "l"),
            ("x", "2"),
        ]);
        let c = cost(&t, Some(local), Some(local2));
        assert_eq!(c.global_indexes.get("g"), Some(&(0.0, 1.0)));
        assert_eq!(c.local_indexes.get("l"), None);
        // Changing the GSI key: a delete and a put.
        let moved = item(&[("pk", "a"), ("sk", "1"), ("gk", "g2"), ("x", "1")]);
        let c = cost(&t, Some(indexed), Some(moved));
        assert_eq!(c.global_indexes.get("g"), Some(&(0.0, 2.0)));
        assert_eq!(c.total(), 3.0);
    }

    #[test]
    fn local_indexes_are_reported_apart_and_transactions_pay_double() {
        let t = table();
        let new = item(&[("pk", "a"), ("sk", "1"), ("lk", "z")]);
        let mut capacity = ConsumedCapacity::new("t");
        Change {
            key: key(),
            old: None,
            new: Some(new),
        }
        .charge(&t, true, &mut capacity);
        assert_eq!(capacity.table_write, 2.0);
        assert_eq!(capacity.local_indexes.get("l"), Some(&(0.0, 2.0)));
        let wire = capacity.to_wire(ReturnConsumedCapacity::Indexes).unwrap();
        assert_eq!(wire["LocalSecondaryIndexes"]["l"]["CapacityUnits"], 2.0);
    }

    #[test]
    fn commit_applies_and_metrics_measure_the_collection() {
        let mut t = table();
        let new = item(&[("pk", "a"), ("sk", "1"), ("lk", "z")]);
        Change {
            key: key(),
            old: None,
            new: Some(new.clone()),
        }
        .commit(&mut t);
        assert_eq!(t.get(&key()), Some(&new));
        let metrics = item_collection_metrics(&t, &key()).unwrap();
        assert_eq!(
            metrics,
            json!({"ItemCollectionKey": {"pk": {"S": "a"}}, "SizeEstimateRangeGB": [0.0, 1.0]})
        );
        Change {
            key: key(),
            old: Some(new),
            new: None,
        }
        .commit(&mut t);
        assert_eq!(t.get(&key()), None);
    }

    #[test]
    fn return_values_pick_old_new_or_the_updated_paths() {
        let old = item(&[("pk", "a"), ("x", "1"), ("y", "1")]);
        let new = item(&[("pk", "a"), ("x", "2"), ("y", "1")]);
        let x = [DocumentPath::attribute("x")];
        let updated_new = returned_attributes(ReturnValues::UpdatedNew, Some(&old), Some(&new), &x);
        assert_eq!(updated_new, Some(item(&[("x", "2")])));
        let updated_old = returned_attributes(ReturnValues::UpdatedOld, Some(&old), Some(&new), &x);
        assert_eq!(updated_old, Some(item(&[("x", "1")])));
        assert_eq!(
            returned_attributes(ReturnValues::AllOld, None, Some(&new), &x),
            None
        );
        assert_eq!(
            returned_attributes(ReturnValues::None, Some(&old), Some(&new), &x),
            None
        );
    }

    #[test]
    fn failed_conditions_carry_the_item_only_when_asked() {
        let old = item(&[("pk", "a")]);
        assert!(condition_failed(Some(&old), false).item.is_none());
        assert!(condition_failed(Some(&old), true).item.is_some());
        assert!(condition_failed(None, true).item.is_none());
        assert!(
            check_item_size(&item(&[("x", &"x".repeat(MAX_ITEM_BYTES))]), ITEM_TOO_LARGE).is_err()
        );
        assert!(
            check_item_size(
                &item(&[("x", &"x".repeat(MAX_ITEM_BYTES - 1))]),
                ITEM_TOO_LARGE
            )
            .is_ok()
        );
    }
}
