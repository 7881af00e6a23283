//! Where a request goes, decided before it runs.
//!
//! DynamoDB's request router reads the key out of a request and sends it to the storage
//! node leading that key's partition. So does this: the key of GetItem, PutItem,
//! UpdateItem and DeleteItem; the partition key value of a Query (from its
//! KeyConditionExpression, or the legacy KeyConditions); the hash range of a Scan or of
//! one parallel Scan segment; each key of a batch or a transaction. A Query or Scan of a
//! global secondary index reads the index, which has partitions of its own; the model
//! follows only how far the index has caught up with the table.
//!
//! Routing never fails a request: a request it cannot read is left to the engine, which
//! rejects it with the right message, and is simply not placed.

use serde_json::Value;

use super::hash_range::HashRange;
use crate::Database;
use crate::expr::{KeyConditionExpression, Placeholders};
use crate::key::{KeyValue, PrimaryKey};
use crate::keyhash::{key_hash, segment_range};
use crate::table::{IndexKind, Table};
use crate::value::{AttributeValue, item_from_wire};

/// What a request reads or writes in one place.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    /// One item; `logged` when the request writes it (a ConditionCheck only reads).
    Key { key: PrimaryKey, logged: bool },
    /// Every item of one partition key (a Query).
    PartitionKey(KeyValue),
    /// A stretch of the key space (a Scan or a Scan segment).
    Range(HashRange),
}

impl Target {
    pub(crate) fn hash_range(&self) -> HashRange {
        match self {
            Target::Key { key, .. } => {
                let hash = key_hash(&key.hash);
                HashRange::new(hash, hash)
            }
            Target::PartitionKey(value) => {
                let hash = key_hash(value);
                HashRange::new(hash, hash)
            }
            Target::Range(range) => *range,
        }
    }
}

/// The part of a request that concerns one table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableRoute {
    pub table: String,
    /// A global secondary index read instead of the table.
    pub global_index: Option<String>,
    pub consistent: bool,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Route {
    pub write: bool,
    pub transactional: bool,
    /// Only the first partition a Scan page starts in is charged and admitted.
    pub scan: bool,
    pub tables: Vec<TableRoute>,
}

impl Route {
    fn new(write: bool) -> Route {
        Route {
            write,
            transactional: false,
            scan: false,
            tables: Vec::new(),
        }
    }

    fn table(&mut self, name: &str, consistent: bool) -> Option<&mut TableRoute> {
        let position = match self.tables.iter().position(|t| t.table == name) {
            Some(position) => position,
            None => {
                self.tables.push(TableRoute {
                    table: name.to_string(),
                    global_index: None,
                    consistent,
                    targets: Vec::new(),
                });
                self.tables.len() - 1
            }
        };
        self.tables.get_mut(position)
    }
}

fn text<'a>(value: &'a Value, field: &str) -> Option<&'a str> {
    value.get(field)?.as_str()
}

fn usable<'a>(db: &'a Database, name: &str) -> Option<&'a Table> {
    db.usable_table(name).ok()
}

fn request_key(table: &Table, wire: &Value) -> Option<PrimaryKey> {
    let item = item_from_wire(wire).ok()?;
    table.def.key_schema.key_from_request(&item).ok()
}

fn item_key(table: &Table, wire: &Value) -> Option<PrimaryKey> {
    let item = item_from_wire(wire).ok()?;
    table.def.key_schema.key_of_new_item(&item).ok()
}

/// Where `operation` on `request` goes; `None` for table-level operations and for
/// requests too malformed to place.
pub(crate) fn route(db: &Database, operation: &str, request: &Value) -> Option<Route> {
    match operation {
        "GetItem" => {
            let mut route = Route::new(false);
            single(db, request, "Key", &mut route, false, request_key)?;
            Some(route)
        }
        "PutItem" => {
            let mut route = Route::new(true);
            single(db, request, "Item", &mut route, true, item_key)?;
            Some(route)
        }
        "UpdateItem" | "DeleteItem" => {
            let mut route = Route::new(true);
            single(db, request, "Key", &mut route, true, request_key)?;
            Some(route)
        }
        "Query" => query(db, request),
        "Scan" => scan(db, request),
        "BatchGetItem" => batch_get(db, request),
        "BatchWriteItem" => batch_write(db, request),
        "TransactGetItems" => transact(db, request, false),
        "TransactWriteItems" => transact(db, request, true),
        _ => None,
    }
}

fn consistent_read(request: &Value) -> bool {
    request
        .get("ConsistentRead")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn single(
    db: &Database,
    request: &Value,
    field: &str,
    route: &mut Route,
    logged: bool,
    key_of: fn(&Table, &Value) -> Option<PrimaryKey>,
) -> Option<()> {
    let name = text(request, "TableName")?;
    let table = usable(db, name)?;
    let key = key_of(table, request.get(field)?)?;
    route
        .table(name, consistent_read(request))?
        .targets
        .push(Target::Key { key, logged });
    Some(())
}

/// The partition key value a Query names, from either style of key condition.
fn query_partition_value(
    request: &Value,
    hash_key: &str,
    range_key: Option<&str>,
) -> Option<AttributeValue> {
    if let Some(source) = text(request, "KeyConditionExpression") {
        let mut placeholders = Placeholders::new(
            request
                .get("ExpressionAttributeNames")
                .and_then(Value::as_object),
            request
                .get("ExpressionAttributeValues")
                .and_then(Value::as_object),
        )
        .ok()?;
        let condition = KeyConditionExpression::parse(source, &mut placeholders).ok()?;
        return Some(condition.analyse(hash_key, range_key).ok()?.partition_value);
    }
    let condition = request.get("KeyConditions")?.get(hash_key)?;
    if text(condition, "ComparisonOperator")? != "EQ" {
        return None;
    }
    let value = condition.get("AttributeValueList")?.as_array()?.first()?;
    AttributeValue::from_wire(value).ok()
}

fn query(db: &Database, request: &Value) -> Option<Route> {
    let name = text(request, "TableName")?;
    let table = usable(db, name)?;
    let index = text(request, "IndexName").and_then(|i| table.def.index(i));
    let schema = index.map_or(&table.def.key_schema, |i| &i.key_schema);
    let hash_key = schema.hash.name.as_str();
    let range_key = schema.range.as_ref().map(|r| r.name.as_str());
    let mut route = Route::new(false);
    let consistent = consistent_read(request);
    if let Some(index) = index.filter(|i| i.kind == IndexKind::Global) {
        route.table(name, consistent)?.global_index = Some(index.name.clone());
        return Some(route);
    }
    let value = query_partition_value(request, hash_key, range_key)?;
    let key = KeyValue::from_value(&value)?;
    route
        .table(name, consistent)?
        .targets
        .push(Target::PartitionKey(key));
    Some(route)
}

fn scan(db: &Database, request: &Value) -> Option<Route> {
    let name = text(request, "TableName")?;
    let table = usable(db, name)?;
    let mut route = Route::new(false);
    route.scan = true;
    let consistent = consistent_read(request);
    let index = text(request, "IndexName").and_then(|i| table.def.index(i));
    if let Some(index) = index.filter(|i| i.kind == IndexKind::Global) {
        route.table(name, consistent)?.global_index = Some(index.name.clone());
        return Some(route);
    }
    let segment = request.get("Segment").and_then(Value::as_u64);
    let total = request.get("TotalSegments").and_then(Value::as_u64);
    let (mut start, end) = match (segment, total) {
        (Some(segment), Some(total)) => {
            segment_range(u32::try_from(segment).ok()?, u32::try_from(total).ok()?)
        }
        _ => (0, u128::MAX),
    };
    // A later page starts where the last one stopped.
    if index.is_none()
        && let Some(key) = request
            .get("ExclusiveStartKey")
            .and_then(|k| request_key(table, k))
    {
        start = start.max(key_hash(&key.hash));
    }
    route
        .table(name, consistent)?
        .targets
        .push(Target::Range(HashRange::new(start, end.max(start))));
    Some(route)
}

fn batch_get(db: &Database, request: &Value) -> Option<Route> {
    let mut route = Route::new(false);
    for (name, entry) in request.get("RequestItems")?.as_object()? {
        let table = usable(db, name)?;
        let consistent = consistent_read(entry);
        let keys = entry.get("Keys")?.as_array()?;
        for key in keys {
            let key = request_key(table, key)?;
            route
                .table(name, consistent)?
                .targets
                .push(Target::Key { key, logged: false });
        }
    }
    (!route.tables.is_empty()).then_some(route)
}

fn batch_write(db: &Database, request: &Value) -> Option<Route> {
    let mut route = Route::new(true);
    for (name, writes) in request.get("RequestItems")?.as_object()? {
        let table = usable(db, name)?;
        for write in writes.as_array()? {
            let key = if let Some(put) = write.get("PutRequest") {
                item_key(table, put.get("Item")?)?
            } else {
                request_key(table, write.get("DeleteRequest")?.get("Key")?)?
            };
            route
                .table(name, true)?
                .targets
                .push(Target::Key { key, logged: true });
        }
    }
    (!route.tables.is_empty()).then_some(route)
}

fn transact(db: &Database, request: &Value, write: bool) -> Option<Route> {
    let mut route = Route::new(write);
    route.transactional = true;
    for action in request.get("TransactItems")?.as_array()? {
        let (kind, body) = action.as_object()?.iter().next()?;
        let name = text(body, "TableName")?;
        let table = usable(db, name)?;
        let (key, logged) = match kind.as_str() {
            "Put" => (item_key(table, body.get("Item")?)?, true),
            "Update" | "Delete" => (request_key(table, body.get("Key")?)?, true),
            "ConditionCheck" | "Get" => (request_key(table, body.get("Key")?)?, false),
            _ => return None,
        };
        route
            .table(name, true)?
            .targets
            .push(Target::Key { key, logged });
    }
    (!route.tables.is_empty()).then_some(route)
}
