//! BatchWriteItem: up to 25 puts and deletes across tables in one request.
//!
//! Each request in the batch is an unconditional PutItem or DeleteItem: no conditions, no
//! return values. The batch is not a transaction — AWS may apply some requests and hand
//! the rest back in `UnprocessedItems` when a table is throttled — but it is validated as
//! a whole before anything is written: the 25-request limit (per table a shape constraint,
//! over all tables "Too many items requested for the BatchWriteItem call"), every item's
//! size and key, every table's existence, and no item named twice ("Provided list of item
//! keys contains duplicates", even a put and a delete of the same key) and, on tables with
//! local secondary indexes, room in every item collection the puts grow (else the whole
//! batch is an `ItemCollectionSizeLimitExceededException`). Without throttling every request
//! is applied, and `UnprocessedItems` is empty.
//!
//! Capacity is reported per table, each write billed as its single-item equivalent.

use serde_json::{Map, Value};

use crate::capacity::{ConsumedCapacity, ReturnConsumedCapacity};
use crate::db::{Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::key::PrimaryKey;
use crate::ops::echo;
use crate::ops::item_collection::{CollectionBudget, collection_size_exceeded};
use crate::ops::item_request::{
    METRICS_NAMES, decode_item_value, required, table_name_keys, wants_metrics,
};
use crate::ops::write::{Change, ITEM_TOO_LARGE, check_item_size, item_collection_metrics};
use crate::request::{Fields, Violations, type_error};
use crate::value::Item;

/// Requests one batch may carry, per table and in all.
pub(crate) const MAX_REQUESTS: usize = 25;

/// One write request after the first pass.
struct WriteRequest {
    put: Option<Option<Result<Item>>>,
    delete: Option<Option<Result<Item>>>,
}

enum Write {
    Put(Item),
    Delete(Item),
}

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let request_items = fields.object("RequestItems")?;
    let consumed = fields.string("ReturnConsumedCapacity")?;
    let metrics = fields.string("ReturnItemCollectionMetrics")?;
    let mut tables: Vec<(&str, Vec<WriteRequest>)> = Vec::new();
    for (name, list) in request_items.into_iter().flatten() {
        let Value::Array(list) = list else {
            return Err(type_error(list, "a list"));
        };
        let mut requests = Vec::new();
        for entry in list {
            let Value::Object(entry) = entry else {
                return Err(type_error(entry, "a structure"));
            };
            let entry = Fields::of_map(entry);
            let member = |name: &str, inner: &str| -> Result<Option<Option<Result<Item>>>> {
                let Some(request) = entry.object(name)? else {
                    return Ok(None);
                };
                match Fields::of_map(request).raw(inner) {
                    None => Ok(Some(None)),
                    Some(value) => decode_item_value(value).map(|item| Some(Some(item))),
                }
            };
            requests.push(WriteRequest {
                put: member("PutRequest", "Item")?,
                delete: member("DeleteRequest", "Key")?,
            });
        }
        tables.push((name.as_str(), requests));
    }

    let mut violations = Violations::new();
    violations.one_of(
        "returnConsumedCapacity",
        consumed,
        &ReturnConsumedCapacity::NAMES,
    );
    violations.one_of("returnItemCollectionMetrics", metrics, &METRICS_NAMES);
    violations.not_null("requestItems", request_items);
    if let Some(items) = request_items {
        if items.is_empty() {
            violations.push(
                Some("{}"),
                "requestItems",
                "Member must have length greater than or equal to 1",
            );
        }
        let shown = echo::map(items.iter().map(|(name, list)| {
            let requests = list.as_array().into_iter().flatten();
            (
                name.as_str(),
                echo::list(requests.map(|r| echo::structure("WriteRequest", r))),
            )
        }));
        table_name_keys(&mut violations, "requestItems", items.keys(), &shown);
        for (_, requests) in &tables {
            if requests.is_empty() || requests.len() > MAX_REQUESTS {
                violations.push(
                    Some(&shown),
                    "requestItems",
                    "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]",
                );
            }
        }
    }
    for (name, requests) in &tables {
        for (index, request) in requests.iter().enumerate() {
            let path = format!("requestItems.{name}.member.{}.member", index + 1);
            if let Some(None) = request.delete {
                violations.not_null::<()>(&format!("{path}.deleteRequest.key"), None);
            }
            if let Some(None) = request.put {
                violations.not_null::<()>(&format!("{path}.putRequest.item"), None);
            }
        }
    }
    violations.finish()?;

    let mut writes: Vec<(&str, Vec<Write>)> = Vec::new();
    let mut total = 0;
    for (name, requests) in tables {
        let mut table_writes = Vec::new();
        for request in requests {
            let write = match (request.put, request.delete) {
                (Some(item), None) => {
                    let item = required(item, "item")??;
                    check_item_size(&item, ITEM_TOO_LARGE)?;
                    Write::Put(item)
                }
                (None, Some(key)) => Write::Delete(required(key, "key")??),
                // AWS's message for a WriteRequest that is neither (or both).
                _ => {
                    return Err(DynamoError::validation(
                        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
                    ));
                }
            };
            table_writes.push(write);
        }
        total += table_writes.len();
        writes.push((name, table_writes));
    }
    if total > MAX_REQUESTS {
        return Err(DynamoError::validation(
            "Too many items requested for the BatchWriteItem call",
        ));
    }

    // Every table must exist before any key is checked against one.
    for (name, _) in &writes {
        db.usable_table(name)?;
    }
    let mut planned: Vec<(&str, Vec<Change>)> = Vec::new();
    for (name, table_writes) in writes {
        let table = db.usable_table(name)?;
        let mut changes = Vec::new();
        let schema = &table.def.key_schema;
        let mut seen: Vec<PrimaryKey> = Vec::new();
        for write in table_writes {
            let (key, new) = match write {
                Write::Put(item) => {
                    let key = schema.key_of_new_item(&item)?;
                    table.check_index_keys(&item)?;
                    (key, Some(item))
                }
                Write::Delete(key) => (schema.key_from_request(&key)?, None),
            };
            if seen.contains(&key) {
                return Err(DynamoError::validation(
                    "Provided list of item keys contains duplicates",
                ));
            }
            seen.push(key.clone());
            let old = table.get(&key).cloned();
            changes.push(Change { key, old, new });
        }
        planned.push((name, changes));
    }

    // The item collections must have room for every put, in request order.
    let mut budget = CollectionBudget::new(db.item_collection_limit());
    for (name, changes) in &planned {
        let table = db.usable_table(name)?;
        if !changes
            .iter()
            .all(|change| budget.admits(name, table, change))
        {
            return Err(collection_size_exceeded());
        }
    }

    let mode = ctx.capacity_mode(ReturnConsumedCapacity::parse(consumed));
    let mut capacities = Vec::new();
    let mut collections = Map::new();
    for (name, changes) in planned {
        let table = db.usable_table_mut(name)?;
        let mut capacity = ConsumedCapacity::new(name);
        let mut touched: Vec<PrimaryKey> = Vec::new();
        for change in changes {
            change.charge(table, false, &mut capacity);
            if !touched.iter().any(|k| k.hash == change.key.hash) {
                touched.push(change.key.clone());
            }
            change.commit(table);
        }
        if wants_metrics(metrics) {
            let list: Vec<Value> = touched
                .iter()
                .filter_map(|key| item_collection_metrics(table, key))
                .collect();
            if !list.is_empty() {
                collections.insert(name.to_string(), Value::Array(list));
            }
        }
        capacities.extend(capacity.to_wire(mode));
    }

    let mut response = Map::new();
    response.insert("UnprocessedItems".into(), Value::Object(Map::new()));
    if mode != ReturnConsumedCapacity::None {
        response.insert("ConsumedCapacity".into(), Value::Array(capacities));
    }
    if !collections.is_empty() {
        response.insert("ItemCollectionMetrics".into(), Value::Object(collections));
    }
    Ok(Value::Object(response))
}

#[cfg(test)]
mod tests {
    use crate::ops::item_fixtures::{database, get_h, message, run};
    use serde_json::{Value, json};

    fn put(pk: &str) -> Value {
        json!({"PutRequest": {"Item": {"pk": {"S": pk}}}})
    }

    fn delete(pk: &str) -> Value {
        json!({"DeleteRequest": {"Key": {"pk": {"S": pk}}}})
    }

    #[test]
    fn applies_puts_and_deletes_and_reports_per_table() {
        let mut db = database();
        run(
            &mut db,
            "PutItem",
            json!({"TableName": "hash", "Item": {"pk": {"S": "old"}}}),
        )
        .unwrap();
        let request = json!({
            "RequestItems": {
                "hash": [put("a"), put("b"), delete("old")],
                "ranged": [{"PutRequest": {"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "lk": {"S": "x"}}}}]
            },
            "ReturnConsumedCapacity": "TOTAL",
            "ReturnItemCollectionMetrics": "SIZE"
        });
        let response = run(&mut db, "BatchWriteItem", request).unwrap();
        assert_eq!(
            response,
            json!({
                "UnprocessedItems": {},
                "ConsumedCapacity": [
                    {"TableName": "hash", "CapacityUnits": 3.0},
                    {"TableName": "ranged", "CapacityUnits": 2.0}
                ],
                "ItemCollectionMetrics": {"ranged": [
                    {"ItemCollectionKey": {"pk": {"S": "a"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
                ]}
            })
        );
        assert_eq!(get_h(&mut db, "old"), Value::Null);
        assert_eq!(get_h(&mut db, "b"), json!({"pk": {"S": "b"}}));
    }

    #[test]
    fn the_whole_batch_is_validated_first() {
        let mut db = database();
        let request = json!({"RequestItems": {"hash": [put("a"), delete("a")]}});
        assert_eq!(
            message(&mut db, "BatchWriteItem", request),
            "Provided list of item keys contains duplicates"
        );
        let request = json!({"RequestItems": {"hash": [put("a")], "nope": [put("a")]}});
        assert_eq!(
            message(&mut db, "BatchWriteItem", request),
            "Requested resource not found"
        );
        assert_eq!(get_h(&mut db, "a"), Value::Null, "nothing was written");
        let many: Vec<Value> = (0..26).map(|i| put(&i.to_string())).collect();
        let text = message(
            &mut db,
            "BatchWriteItem",
            json!({"RequestItems": {"hash": many}}),
        );
        assert!(text.starts_with("1 validation error detected: Value '{hash=[com.amazonaws.dynamodb.v20120810.WriteRequest@"), "{text}");
        assert!(text.ends_with("at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"));
        let h: Vec<Value> = (0..20).map(|i| put(&i.to_string())).collect();
        let r: Vec<Value> = (0..6)
            .map(
                |i| json!({"PutRequest": {"Item": {"pk": {"S": "a"}, "sk": {"N": i.to_string()}}}}),
            )
            .collect();
        let request = json!({"RequestItems": {"hash": h, "ranged": r}});
        assert_eq!(
            message(&mut db, "BatchWriteItem", request),
            "Too many items requested for the BatchWriteItem call"
        );
        let request = json!({"RequestItems": {"hash": [{}]}});
        assert_eq!(
            message(&mut db, "BatchWriteItem", request),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
        );
    }
}
