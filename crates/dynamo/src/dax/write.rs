//! Writes through DAX: DynamoDB first, then the item cache.
//!
//! PutItem, UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems go to the
//! cluster's primary node, which sends them on to DynamoDB. Only when DynamoDB has
//! accepted the write does DAX touch its cache: each written item is stored in the
//! primary's item cache as it now is — the new item, or a negative entry for a delete —
//! whatever TTL the old entry had left, and the update is replicated to the other nodes.
//! A write that fails (a condition, a throttle, a cancelled transaction) changes no
//! cache at all.
//!
//! Two things a write never does, and both are where DAX surprises people. It never
//! touches the query cache: a Query cached before the write keeps returning the old
//! result set until its own TTL runs out, even though a GetItem of the same item through
//! DAX already returns the new one. And a write sent straight to DynamoDB, around DAX,
//! reaches no cache at all: DAX keeps serving what it had until the entry expires.
//!
//! What was written is read back from the table's latest state (see
//! [`crate::dax::backend::Backend::peek`]) rather than recomputed, so an UpdateItem's
//! result is exactly what DynamoDB made of it. Items a BatchWriteItem left unprocessed
//! were not written and are not cached.

use serde_json::Value;

use crate::dax::backend::Backend;
use crate::dax::cluster::{DaxCluster, Env, Handled};
use crate::dax::keys::{ItemKey, canonical_json};
use crate::dax::outcome::{CacheKind, CacheTouch, Route, Touch};
use crate::error::DynamoError;
use crate::value::item_from_wire;

/// Where a written item is: its table and the wire JSON that names it.
enum Written<'a> {
    /// A whole new item (PutItem, a put in a batch or transaction): its key must be cut
    /// out of it with the table's key schema.
    Item(&'a str, &'a Value),
    /// A key (UpdateItem, DeleteItem and their batch and transaction forms).
    Key(&'a str, &'a Value),
}

fn str_of<'a>(value: &'a Value, name: &str) -> &'a str {
    value.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// The items a successful write changed.
fn written<'a>(operation: &str, request: &'a Value, response: &Value) -> Vec<Written<'a>> {
    let null = &Value::Null;
    let table = str_of(request, "TableName");
    match operation {
        "PutItem" => vec![Written::Item(table, request.get("Item").unwrap_or(null))],
        "UpdateItem" | "DeleteItem" => {
            vec![Written::Key(table, request.get("Key").unwrap_or(null))]
        }
        "BatchWriteItem" => {
            let mut out = Vec::new();
            let tables = request.get("RequestItems").and_then(Value::as_object);
            for (table, writes) in tables.into_iter().flatten() {
                let unprocessed: Vec<String> = response
                    .get("UnprocessedItems")
                    .and_then(|u| u.get(table))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(canonical_json)
                    .collect();
                for write in writes.as_array().into_iter().flatten() {
                    if unprocessed.contains(&canonical_json(write)) {
                        continue;
                    }
                    if let Some(item) = write.pointer("/PutRequest/Item") {
                        out.push(Written::Item(table, item));
                    } else if let Some(key) = write.pointer("/DeleteRequest/Key") {
                        out.push(Written::Key(table, key));
                    }
                }
            }
            out
        }
        "TransactWriteItems" => request
            .get("TransactItems")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|action| {
                if let Some(put) = action.get("Put") {
                    Some(Written::Item(str_of(put, "TableName"), put.get("Item")?))
                } else {
                    // A ConditionCheck writes nothing.
                    let change = action.get("Update").or_else(|| action.get("Delete"))?;
                    Some(Written::Key(
                        str_of(change, "TableName"),
                        change.get("Key")?,
                    ))
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl DaxCluster {
    pub(crate) fn write_through<B: Backend + ?Sized>(
        &mut self,
        index: usize,
        operation: &str,
        request: &Value,
        env: &mut Env<'_, B>,
    ) -> Handled {
        let reply = env.backend.call(operation, request, env.now);
        let dynamodb = Some(reply.latency);
        let response = match reply.result {
            Ok(response) => response,
            Err(error) => {
                return Handled {
                    result: Err(error),
                    route: Route::WriteThrough,
                    touches: Vec::new(),
                    dynamodb,
                };
            }
        };
        let mut touches = Vec::new();
        for target in written(operation, request, &response) {
            // The write succeeded; failing to work out its key only means it is not cached.
            let Ok(key) = key_of(target, env) else {
                continue;
            };
            let table_now = serde_json::json!({"TableName": key.table, "Key": key.key_wire(), "ConsistentRead": true});
            let Ok(now_in_table) = env.backend.peek("GetItem", &table_now, env.now) else {
                continue;
            };
            let Ok(value) = now_in_table.get("Item").map(item_from_wire).transpose() else {
                continue;
            };
            let negative = value.is_none();
            let stored = self.fill_item(index, key.clone(), value, env.now, env.latency);
            touches.push(CacheTouch {
                cache: CacheKind::Item,
                table: key.table,
                key: key.key,
                touch: Touch::WriteThrough,
                negative,
                age: None,
                stale: false,
                stored,
            });
        }
        Handled {
            result: Ok(response),
            route: Route::WriteThrough,
            touches,
            dynamodb,
        }
    }
}

fn key_of<B: Backend + ?Sized>(
    target: Written<'_>,
    env: &mut Env<'_, B>,
) -> Result<ItemKey, DynamoError> {
    match target {
        Written::Key(table, key) => ItemKey::from_wire(table, key),
        Written::Item(table, item) => {
            let attributes = DaxCluster::key_attributes(table, env)?;
            let item = item_from_wire(item)?;
            ItemKey::of_item(table, &item, &attributes).ok_or_else(crate::key::schema_mismatch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unprocessed_batch_writes_and_condition_checks_are_not_written() {
        let request = json!({"RequestItems": {"t": [
            {"PutRequest": {"Item": {"pk": {"S": "a"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "b"}}}}
        ]}});
        let response =
            json!({"UnprocessedItems": {"t": [{"DeleteRequest": {"Key": {"pk": {"S": "b"}}}}]}});
        let out = written("BatchWriteItem", &request, &response);
        assert_eq!(out.len(), 1);
        assert!(matches!(out[0], Written::Item("t", _)));

        let request = json!({"TransactItems": [
            {"ConditionCheck": {"TableName": "t", "Key": {"pk": {"S": "c"}}, "ConditionExpression": "x"}},
            {"Update": {"TableName": "u", "Key": {"pk": {"S": "d"}}, "UpdateExpression": "SET v = :v"}},
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "e"}}}}
        ]});
        let out = written("TransactWriteItems", &request, &json!({}));
        assert_eq!(out.len(), 2);
        assert!(matches!(out[0], Written::Key("u", _)));
        assert!(matches!(out[1], Written::Item("t", _)));
    }
}
