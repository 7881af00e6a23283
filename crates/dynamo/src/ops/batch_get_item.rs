//! BatchGetItem: up to 100 GetItems across tables in one request.
//!
//! Each table in `RequestItems` lists its `Keys` with its own projection and consistency.
//! The whole request is validated first — at most 100 keys in all ("Too many items
//! requested for the BatchGetItem call"), no key twice in one table ("Provided list of item
//! keys contains duplicates"), every table present and every key matching its schema — so
//! a bad request reads nothing. Then the keys are read in request order until the response
//! reaches 16 MB; keys left over come back in `UnprocessedKeys`, in the same shape as the
//! request so a client can send them again. Unlike Query, each item's read is rounded up to
//! whole units on its own, and ConsumedCapacity is a list with one entry per table.

use serde_json::{Map, Value};

use crate::capacity::{ConsumedCapacity, ReadKind, ReturnConsumedCapacity};
use crate::db::{Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::expr::ExpressionKind;
use crate::key::PrimaryKey;
use crate::ops::echo;
use crate::ops::item_expressions::ExpressionParams;
use crate::ops::item_read::{ReadProjection, read_cost, read_kind};
use crate::ops::item_request::{decode_item_value, required, table_name_keys};
use crate::ops::legacy::{check_attributes_to_get, read_attributes_to_get};
use crate::request::{Fields, Violations, type_error};
use crate::value::{Item, item_size, item_to_wire};

/// Keys one request may ask for, over all its tables.
pub(crate) const MAX_KEYS: usize = 100;

/// The most a response carries before the rest is returned unprocessed.
pub(crate) const MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

const ACCEPTED: &[ExpressionKind] = &[ExpressionKind::Projection];

/// One table's part of the request after the first pass.
struct TableRequest<'a> {
    name: &'a str,
    /// The table's entry as sent, echoed back in `UnprocessedKeys`.
    raw: &'a Map<String, Value>,
    keys: Option<Vec<Result<Item>>>,
    names: Option<Vec<String>>,
    consistent: Option<bool>,
    expressions: ExpressionParams<'a>,
}

/// One table's part after validation.
struct TableRead<'a> {
    name: &'a str,
    raw: &'a Map<String, Value>,
    /// Each key as sent (for `UnprocessedKeys`) and as resolved against the schema.
    keys: Vec<(Item, PrimaryKey)>,
    projection: ReadProjection,
    kind: ReadKind,
}

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let request_items = fields.object("RequestItems")?;
    let consumed = fields.string("ReturnConsumedCapacity")?;
    let mut tables = Vec::new();
    for (name, entry) in request_items.into_iter().flatten() {
        let Value::Object(raw) = entry else {
            return Err(type_error(entry, "a structure"));
        };
        let entry_fields = Fields::of_map(raw);
        let keys = match entry_fields.list("Keys")? {
            Some(list) => Some(
                list.iter()
                    .map(decode_item_value)
                    .collect::<Result<Vec<_>>>()?,
            ),
            None => None,
        };
        tables.push(TableRequest {
            name,
            raw,
            keys,
            names: None,
            consistent: entry_fields.boolean("ConsistentRead")?,
            expressions: ExpressionParams::read(&entry_fields, ACCEPTED)?,
        });
    }

    let mut violations = Violations::new();
    violations.one_of(
        "returnConsumedCapacity",
        consumed,
        &ReturnConsumedCapacity::NAMES,
    );
    let request_items = required_map(request_items, &mut violations);
    if let Some(items) = request_items {
        let shown = echo::map(
            items
                .iter()
                .map(|(k, v)| (k.as_str(), echo::structure("KeysAndAttributes", v))),
        );
        if items.is_empty() {
            violations.push(
                Some("{}"),
                "requestItems",
                "Member must have length greater than or equal to 1",
            );
        }
        table_name_keys(&mut violations, "requestItems", items.keys(), &shown);
    }
    for table in &mut tables {
        let path = format!("requestItems.{}.member", table.name);
        let keys_path = format!("{path}.keys");
        match &table.keys {
            None => violations.not_null::<()>(&keys_path, None),
            Some(keys) if keys.is_empty() => violations.push(
                Some("[]"),
                &keys_path,
                "Member must have length greater than or equal to 1",
            ),
            Some(keys) if keys.len() > MAX_KEYS => {
                let raw_keys = table.raw.get("Keys").and_then(Value::as_array);
                let shown = echo::list(raw_keys.into_iter().flatten().map(echo::attribute_map));
                violations.push(
                    Some(&shown),
                    &keys_path,
                    "Member must have length less than or equal to 100",
                );
            }
            Some(_) => {}
        }
        let entry_fields = Fields::of_map(table.raw);
        table.names = read_attributes_to_get(
            &entry_fields,
            &format!("{path}.attributesToGet"),
            &mut violations,
        )?;
    }
    violations.finish()?;

    let mut total = 0;
    let mut parsed = Vec::new();
    for table in tables {
        let legacy: Vec<&str> = table.names.iter().map(|_| "AttributesToGet").collect();
        table.expressions.check_style(&legacy)?;
        let keys = required(table.keys, "keys")?
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        for (index, key) in keys.iter().enumerate() {
            if keys.iter().take(index).any(|earlier| earlier == key) {
                return Err(DynamoError::validation(
                    "Provided list of item keys contains duplicates",
                ));
            }
            total += 1;
            if total > MAX_KEYS {
                return Err(DynamoError::validation(
                    "Too many items requested for the BatchGetItem call",
                ));
            }
        }
        if let Some(names) = &table.names {
            check_attributes_to_get(names)?;
        }
        let expressions = table.expressions.parse()?;
        let projection = ReadProjection::from_parts(expressions.projection, table.names);
        parsed.push((
            table.name,
            table.raw,
            keys,
            projection,
            read_kind(table.consistent),
        ));
    }

    let mut reads = Vec::new();
    for (name, raw, keys, projection, kind) in parsed {
        let schema = &db.usable_table(name)?.def.key_schema;
        let keys = keys
            .into_iter()
            .map(|key| {
                schema
                    .key_from_request(&key)
                    .map(|resolved| (key, resolved))
            })
            .collect::<Result<Vec<_>>>()?;
        reads.push(TableRead {
            name,
            raw,
            keys,
            projection,
            kind,
        });
    }

    let mut responses = Map::new();
    let mut unprocessed = Map::new();
    let mut capacities = Vec::new();
    let mut bytes = 0u64;
    // Once the response is full, every key after it waits for the next call.
    let mut full = false;
    for read in reads {
        let table = db.usable_table(read.name)?;
        let mut capacity = ConsumedCapacity::new(read.name);
        let mut found = Vec::new();
        let mut left = Vec::new();
        for (sent, key) in read.keys {
            if full {
                left.push(item_to_wire(&sent));
                continue;
            }
            let item = table.get(&key);
            let projected = item.map(|item| read.projection.apply(item));
            let size = projected.as_ref().map(|p| item_size(p) as u64).unwrap_or(0);
            if bytes + size > MAX_RESPONSE_BYTES {
                full = true;
                left.push(item_to_wire(&sent));
                continue;
            }
            bytes += size;
            capacity.read(read_cost(item, read.kind));
            found.extend(projected.map(|p| item_to_wire(&p)));
        }
        responses.insert(read.name.to_string(), Value::Array(found));
        if !left.is_empty() {
            let mut entry = read.raw.clone();
            entry.insert("Keys".into(), Value::Array(left));
            unprocessed.insert(read.name.to_string(), Value::Object(entry));
        }
        capacities.push(capacity);
    }

    let mut response = Map::new();
    response.insert("Responses".into(), Value::Object(responses));
    response.insert("UnprocessedKeys".into(), Value::Object(unprocessed));
    let mode = ctx.capacity_mode(ReturnConsumedCapacity::parse(consumed));
    let wire: Vec<Value> = capacities.iter().filter_map(|c| c.to_wire(mode)).collect();
    if mode != ReturnConsumedCapacity::None {
        response.insert("ConsumedCapacity".into(), Value::Array(wire));
    }
    Ok(Value::Object(response))
}

/// `RequestItems` must be present.
fn required_map<'a>(
    map: Option<&'a Map<String, Value>>,
    violations: &mut Violations,
) -> Option<&'a Map<String, Value>> {
    violations.not_null("requestItems", map);
    map
}

#[cfg(test)]
mod tests {
    use crate::ops::item_fixtures::{database, message, run};
    use serde_json::{Value, json};

    fn put(db: &mut crate::db::Database, pk: &str, bytes: usize) {
        let item = json!({"pk": {"S": pk}, "data": {"S": "x".repeat(bytes)}});
        run(db, "PutItem", json!({"TableName": "hash", "Item": item})).unwrap();
    }

    fn keys(names: &[&str]) -> Value {
        Value::Array(names.iter().map(|n| json!({"pk": {"S": n}})).collect())
    }

    #[test]
    fn reads_each_table_and_rounds_each_item() {
        let mut db = database();
        put(&mut db, "a", 100);
        put(&mut db, "b", 5000);
        let request = json!({
            "RequestItems": {"hash": {"Keys": keys(&["a", "b", "c"]), "ProjectionExpression": "pk"}},
            "ReturnConsumedCapacity": "TOTAL"
        });
        let response = run(&mut db, "BatchGetItem", request).unwrap();
        assert_eq!(
            response,
            json!({
                "Responses": {"hash": [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}]},
                "UnprocessedKeys": {},
                // 0.5 + 1.0 (5 KB) + 0.5 (missing): rounded per item, not summed first.
                "ConsumedCapacity": [{"TableName": "hash", "CapacityUnits": 2.0}]
            })
        );
    }

    #[test]
    fn limits_and_duplicates() {
        let mut db = database();
        let names: Vec<String> = (0..101).map(|i| i.to_string()).collect();
        let many: Vec<&str> = names.iter().map(String::as_str).collect();
        let request = json!({"RequestItems": {"hash": {"Keys": keys(&many)}}});
        let text = message(&mut db, "BatchGetItem", request);
        assert!(
            text.starts_with("1 validation error detected: Value '[{pk=com.amazonaws"),
            "{text}"
        );
        assert!(text.ends_with("at 'requestItems.hash.member.keys' failed to satisfy constraint: Member must have length less than or equal to 100"));
        let request = json!({"RequestItems": {"hash": {"Keys": keys(&many[..100])}, "ranged": {"Keys": [{"pk": {"S": "x"}, "sk": {"N": "1"}}]}}});
        assert_eq!(
            message(&mut db, "BatchGetItem", request),
            "Too many items requested for the BatchGetItem call"
        );
        let request = json!({"RequestItems": {"hash": {"Keys": keys(&["a", "b", "a"])}}});
        assert_eq!(
            message(&mut db, "BatchGetItem", request),
            "Provided list of item keys contains duplicates"
        );
        let request = json!({"RequestItems": {"hash": {"Keys": keys(&["a"])}, "nope": {"Keys": keys(&["a"])}}});
        assert_eq!(
            message(&mut db, "BatchGetItem", request),
            "Requested resource not found"
        );
    }

    #[test]
    fn sixteen_megabytes_then_unprocessed_keys() {
        let mut db = database();
        let names: Vec<String> = (0..45).map(|i| format!("k{i:02}")).collect();
        for name in &names {
            put(&mut db, name, 390 * 1024);
        }
        let all: Vec<&str> = names.iter().map(String::as_str).collect();
        let request =
            json!({"RequestItems": {"hash": {"Keys": keys(&all), "ConsistentRead": true}}});
        let response = run(&mut db, "BatchGetItem", request).unwrap();
        let returned = response["Responses"]["hash"].as_array().unwrap().len();
        let left = &response["UnprocessedKeys"]["hash"];
        assert_eq!(returned, 42, "42 items of 390 KB fit in 16 MB");
        assert_eq!(left["Keys"].as_array().unwrap().len(), 3);
        assert_eq!(
            left["ConsistentRead"], true,
            "unprocessed keys keep their options"
        );
    }
}
