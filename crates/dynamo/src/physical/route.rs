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
//!
//! Routing runs before every request, so it reads only what it needs: a key whose
//! attributes are all plain strings (`{"S": "..."}`) is read straight from the JSON,
//! without decoding the rest of the item; anything else goes through the engine's own
//! decoding. Both ways place exactly the same requests (a test compares them).

use serde_json::{Map, Value};

use super::events::Few;
use super::hash_range::HashRange;
use crate::Database;
use crate::expr::{KeyConditionExpression, Placeholders};
use crate::key::{
    KeyAttribute, KeySchema, KeyValue, MAX_HASH_KEY_BYTES, MAX_RANGE_KEY_BYTES, PrimaryKey,
    ScalarType,
};
use crate::keyhash::{key_hash, murmur3_x64_128, segment_range};
use crate::table::{IndexKind, Table};
use crate::value::{AttributeValue, item_from_wire};

/// What a request reads or writes in one place.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    /// One item; `logged` when the request writes it (a ConditionCheck only reads).
    /// `hash` is its partition key's.
    Key {
        key: PrimaryKey,
        hash: u128,
        logged: bool,
    },
    /// Every item of one partition key (a Query).
    PartitionKey(KeyValue),
    /// A stretch of the key space (a Scan or a Scan segment).
    Range(HashRange),
}

impl Target {
    pub(crate) fn hash_range(&self) -> HashRange {
        match self {
            Target::Key { hash, .. } => HashRange::new(*hash, *hash),
            Target::PartitionKey(value) => {
                let hash = key_hash(value);
                HashRange::new(hash, hash)
            }
            Target::Range(range) => *range,
        }
    }

    /// One item's target.
    fn key(key: PrimaryKey, logged: bool) -> Target {
        Target::Key {
            hash: partition_hash(&key.hash),
            key,
            logged,
        }
    }
}

/// Strings shorter than this are hashed from a buffer on the stack.
const SHORT_KEY: usize = 64;

/// [`key_hash`] of a partition key, without allocating for the short string keys usually
/// are (whose canonical bytes are the tag `S` and the text).
pub(crate) fn partition_hash(key: &KeyValue) -> u128 {
    if let KeyValue::S(text) = key
        && text.len() < SHORT_KEY
    {
        let mut buffer = [0u8; SHORT_KEY];
        if let Some((tag, rest)) = buffer.split_first_mut()
            && let Some(body) = rest.get_mut(..text.len())
        {
            *tag = b'S';
            body.copy_from_slice(text.as_bytes());
            if let Some(bytes) = buffer.get(..=text.len()) {
                return murmur3_x64_128(bytes, 0);
            }
        }
    }
    key_hash(key)
}

/// Most members of a JSON object searched one by one; larger objects are hashed.
const LINEAR_MEMBERS: usize = 16;

/// `value[name]`: a member of a JSON object (`None` for anything else). Requests and
/// responses are small objects, where comparing names beats hashing them.
pub(crate) fn member<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    let Value::Object(members) = value else {
        return None;
    };
    if members.len() <= LINEAR_MEMBERS {
        members.iter().find(|(key, _)| *key == name).map(|(_, v)| v)
    } else {
        members.get(name)
    }
}

/// The part of a request that concerns one table (named as in the request).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableRoute<'a> {
    pub table: &'a str,
    /// A global secondary index read instead of the table.
    pub global_index: Option<String>,
    pub consistent: bool,
    pub targets: Few<Target>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Route<'a> {
    pub write: bool,
    pub transactional: bool,
    /// Only the first partition a Scan page starts in is charged and admitted.
    pub scan: bool,
    pub tables: Few<TableRoute<'a>>,
}

impl<'a> Route<'a> {
    fn new(write: bool) -> Route<'a> {
        Route {
            write,
            transactional: false,
            scan: false,
            tables: Few::Empty,
        }
    }

    fn table(&mut self, name: &'a str, consistent: bool) -> Option<&mut TableRoute<'a>> {
        let position = match self.tables.as_slice().iter().position(|t| t.table == name) {
            Some(position) => position,
            None => {
                self.tables.push(TableRoute {
                    table: name,
                    global_index: None,
                    consistent,
                    targets: Few::Empty,
                });
                self.tables.as_slice().len() - 1
            }
        };
        self.tables.get_mut(position)
    }
}

fn text<'a>(value: &'a Value, field: &str) -> Option<&'a str> {
    member(value, field)?.as_str()
}

fn usable<'a>(db: &'a Database, name: &str) -> Option<&'a Table> {
    db.usable_table(name).ok()
}

/// The string of a plain `{"S": "..."}` attribute value.
fn plain_string(value: &Value) -> Option<&str> {
    let Value::Object(members) = value else {
        return None;
    };
    match members.iter().next() {
        Some((tag, Value::String(text))) if members.len() == 1 && tag == "S" => Some(text),
        _ => None,
    }
}

/// One key attribute read from an item whose attributes are all plain strings, as the
/// engine reads it: present, of the schema's type, not empty and not too long.
fn plain_key_part(
    attributes: &Map<String, Value>,
    attr: &KeyAttribute,
    max_bytes: usize,
) -> Option<KeyValue> {
    let (_, value) = attributes.iter().find(|(name, _)| **name == attr.name)?;
    let text = plain_string(value)?;
    if attr.scalar_type != ScalarType::S {
        return None;
    }
    let key = KeyValue::S(text.to_string());
    (!key.is_empty() && key.size() <= max_bytes).then_some(key)
}

/// The key of an item whose attributes are all plain strings (`None` when any is not,
/// for the engine's decoding to read): `Some(None)` when the engine would refuse it.
/// `exact` asks for the key alone, as a request's `Key` must be.
fn plain_key(schema: &KeySchema, wire: &Value, exact: bool) -> Option<Option<PrimaryKey>> {
    let Value::Object(attributes) = wire else {
        return None;
    };
    if !attributes
        .values()
        .all(|value| plain_string(value).is_some())
    {
        return None;
    }
    if exact && attributes.len() != 1 + usize::from(schema.range.is_some()) {
        return Some(None);
    }
    let Some(hash) = plain_key_part(attributes, &schema.hash, MAX_HASH_KEY_BYTES) else {
        return Some(None);
    };
    let range = match &schema.range {
        Some(attr) => match plain_key_part(attributes, attr, MAX_RANGE_KEY_BYTES) {
            Some(range) => Some(range),
            None => return Some(None),
        },
        None => None,
    };
    Some(Some(PrimaryKey { hash, range }))
}

fn request_key(table: &Table, wire: &Value) -> Option<PrimaryKey> {
    if let Some(key) = plain_key(&table.def.key_schema, wire, true) {
        return key;
    }
    decoded_request_key(table, wire)
}

fn item_key(table: &Table, wire: &Value) -> Option<PrimaryKey> {
    if let Some(key) = plain_key(&table.def.key_schema, wire, false) {
        return key;
    }
    decoded_item_key(table, wire)
}

/// [`request_key`] by the engine's decoding of the whole item.
fn decoded_request_key(table: &Table, wire: &Value) -> Option<PrimaryKey> {
    let item = item_from_wire(wire).ok()?;
    table.def.key_schema.key_from_request(&item).ok()
}

/// [`item_key`] by the engine's decoding of the whole item.
fn decoded_item_key(table: &Table, wire: &Value) -> Option<PrimaryKey> {
    let item = item_from_wire(wire).ok()?;
    table.def.key_schema.key_of_new_item(&item).ok()
}

/// Where `operation` on `request` goes; `None` for table-level operations and for
/// requests too malformed to place.
pub(crate) fn route<'a>(db: &Database, operation: &str, request: &'a Value) -> Option<Route<'a>> {
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
    member(request, "ConsistentRead")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn single<'a>(
    db: &Database,
    request: &'a Value,
    field: &str,
    route: &mut Route<'a>,
    logged: bool,
    key_of: fn(&Table, &Value) -> Option<PrimaryKey>,
) -> Option<()> {
    let name = text(request, "TableName")?;
    let table = usable(db, name)?;
    let key = key_of(table, member(request, field)?)?;
    route
        .table(name, consistent_read(request))?
        .targets
        .push(Target::key(key, logged));
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

fn query<'a>(db: &Database, request: &'a Value) -> Option<Route<'a>> {
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

fn scan<'a>(db: &Database, request: &'a Value) -> Option<Route<'a>> {
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

fn batch_get<'a>(db: &Database, request: &'a Value) -> Option<Route<'a>> {
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
                .push(Target::key(key, false));
        }
    }
    (!route.tables.as_slice().is_empty()).then_some(route)
}

fn batch_write<'a>(db: &Database, request: &'a Value) -> Option<Route<'a>> {
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
                .push(Target::key(key, true));
        }
    }
    (!route.tables.as_slice().is_empty()).then_some(route)
}

/// The actions of a TransactWriteItems or TransactGetItems in request order: the table,
/// the item's key, and whether the action writes it (a ConditionCheck or Get only reads).
pub(crate) fn transaction_actions<'a>(
    db: &Database,
    request: &'a Value,
) -> Option<Vec<(&'a str, PrimaryKey, bool)>> {
    let mut actions = Vec::new();
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
        actions.push((name, key, logged));
    }
    Some(actions)
}

fn transact<'a>(db: &Database, request: &'a Value, write: bool) -> Option<Route<'a>> {
    let mut route = Route::new(write);
    route.transactional = true;
    for (name, key, logged) in transaction_actions(db, request)? {
        route
            .table(name, true)?
            .targets
            .push(Target::key(key, logged));
    }
    (!route.tables.as_slice().is_empty()).then_some(route)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::RequestContext;
    use dynaplay_sim::SimTime;
    use serde_json::json;

    fn database() -> Database {
        let mut db = Database::default();
        let ctx = RequestContext::at(SimTime::ZERO);
        for (name, keys) in [
            ("hash_s", vec![("pk", "S", "HASH")]),
            ("hash_n", vec![("pk", "N", "HASH")]),
            ("both_s", vec![("pk", "S", "HASH"), ("sk", "S", "RANGE")]),
            ("both_sn", vec![("pk", "S", "HASH"), ("sk", "N", "RANGE")]),
        ] {
            let schema: Vec<Value> = keys
                .iter()
                .map(|(n, _, k)| json!({"AttributeName": n, "KeyType": k}))
                .collect();
            let definitions: Vec<Value> = keys
                .iter()
                .map(|(n, t, _)| json!({"AttributeName": n, "AttributeType": t}))
                .collect();
            let request = json!({
                "TableName": name,
                "KeySchema": schema,
                "AttributeDefinitions": definitions,
                "BillingMode": "PAY_PER_REQUEST",
            });
            assert!(db.execute("CreateTable", &request, &ctx).is_ok());
        }
        db
    }

    #[test]
    fn reading_plain_keys_places_exactly_what_decoding_places() {
        let db = database();
        let long = |n: usize| "x".repeat(n);
        let wires = [
            json!({"pk": {"S": "a"}}),
            json!({"pk": {"S": ""}}),
            json!({"pk": {"S": long(2048)}}),
            json!({"pk": {"S": long(2049)}}),
            json!({"pk": {"S": "é".repeat(1025)}}),
            json!({"pk": {"S": "a"}, "sk": {"S": "b"}}),
            json!({"pk": {"S": "a"}, "sk": {"S": ""}}),
            json!({"pk": {"S": "a"}, "sk": {"S": long(1024)}}),
            json!({"pk": {"S": "a"}, "sk": {"S": long(1025)}}),
            json!({"pk": {"S": "a"}, "sk": {"N": "7"}}),
            json!({"pk": {"N": "1"}}),
            json!({"pk": {"N": "1"}, "sk": {"S": "b"}}),
            json!({"pk": {"S": "a"}, "payload": {"S": "y"}}),
            json!({"pk": {"S": "a"}, "payload": {"S": ""}}),
            json!({"pk": {"S": "a"}, "payload": {"N": "nope"}}),
            json!({"pk": {"S": "a"}, "payload": {"N": "12"}}),
            json!({"pk": {"S": "a", "N": "1"}}),
            json!({"pk": {"S": "a", "X": null}}),
            json!({"pk": {"S": null}}),
            json!({"pk": {"S": 5}}),
            json!({"pk": {"B": "AA=="}}),
            json!({"pk": null}),
            json!({"PK": {"S": "a"}}),
            json!({"sk": {"S": "b"}}),
            json!({}),
            json!(null),
            json!([]),
            json!("pk"),
        ];
        for name in ["hash_s", "hash_n", "both_s", "both_sn"] {
            let table = usable(&db, name).unwrap();
            for wire in &wires {
                assert_eq!(
                    request_key(table, wire),
                    decoded_request_key(table, wire),
                    "request key of {wire} in {name}"
                );
                assert_eq!(
                    item_key(table, wire),
                    decoded_item_key(table, wire),
                    "item key of {wire} in {name}"
                );
            }
        }
    }

    #[test]
    fn partition_hashes_are_the_key_hashes() {
        let mut keys: Vec<KeyValue> = (0..70).map(|n| KeyValue::S("k".repeat(n))).collect();
        keys.push(KeyValue::S("é".repeat(31)));
        keys.push(KeyValue::S("é".repeat(32)));
        keys.push(KeyValue::B(vec![0, 1, 2]));
        keys.extend(
            AttributeValue::from_wire(&json!({"N": "1.50"}))
                .ok()
                .and_then(|v| KeyValue::from_value(&v)),
        );
        for key in &keys {
            assert_eq!(partition_hash(key), key_hash(key), "{key:?}");
        }
    }
}
