//! TransactGetItems: up to 100 GetItems that read one consistent snapshot.
//!
//! Each action is a `Get` of one item by its key, on any table, optionally projected; no
//! item may be named twice. The `Responses` list has one entry per action in request order:
//! `{"Item": ...}` for an item that exists, `{}` for one that does not. Reads in a
//! transaction cost double a strongly consistent read — two units per 4 KB of each item,
//! rounded per item — and a missing item still costs the minimum.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::capacity::{ConsumedCapacity, ReadKind, ReturnConsumedCapacity};
use crate::db::{Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::expr::ExpressionKind;
use crate::key::PrimaryKey;
use crate::ops::echo;
use crate::ops::item_expressions::ExpressionParams;
use crate::ops::item_read::{ReadProjection, read_cost};
use crate::ops::item_request::{decode_item_value, required};
use crate::ops::transaction::{MAX_ACTIONS, check_distinct};
use crate::request::{Fields, Violations, type_error};
use crate::value::Item;

const ACCEPTED: &[ExpressionKind] = &[ExpressionKind::Projection];

/// One `Get` after the first pass; `None` when the element had no `Get`.
struct GetRequest<'a> {
    table_name: Option<&'a str>,
    key: Option<Result<Item>>,
    expressions: ExpressionParams<'a>,
}

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let items = fields.list("TransactItems")?;
    let consumed = fields.string("ReturnConsumedCapacity")?;
    let mut gets: Vec<Option<GetRequest<'_>>> = Vec::new();
    for entry in items.into_iter().flatten() {
        let Value::Object(entry) = entry else {
            return Err(type_error(entry, "a structure"));
        };
        let Some(get) = Fields::of_map(entry).object("Get")? else {
            gets.push(None);
            continue;
        };
        let get = Fields::of_map(get);
        gets.push(Some(GetRequest {
            table_name: get.string("TableName")?,
            key: get.raw("Key").map(decode_item_value).transpose()?,
            expressions: ExpressionParams::read(&get, ACCEPTED)?,
        }));
    }

    let mut violations = Violations::new();
    violations.one_of(
        "returnConsumedCapacity",
        consumed,
        &ReturnConsumedCapacity::NAMES,
    );
    violations.not_null("transactItems", items);
    if let Some(list) = items {
        if list.is_empty() {
            violations.push(
                Some("[]"),
                "transactItems",
                "Member must have length greater than or equal to 1",
            );
        }
        if list.len() > MAX_ACTIONS {
            let shown = echo::list(list.iter().map(|a| echo::structure("TransactGetItem", a)));
            violations.push(
                Some(&shown),
                "transactItems",
                "Member must have length less than or equal to 100",
            );
        }
    }
    for (index, get) in gets.iter().enumerate() {
        let path = format!("transactItems.{}.member.get", index + 1);
        match get {
            None => violations.not_null::<()>(&path, None),
            Some(get) => {
                violations.name(&format!("{path}.tableName"), get.table_name, true);
                violations.not_null(&format!("{path}.key"), get.key.as_ref());
            }
        }
    }
    violations.finish()?;

    let mut validated = Vec::new();
    for get in gets {
        let get = required(get, "get")?;
        let table = required(get.table_name, "tableName")?;
        let key = required(get.key, "key")??;
        get.expressions.check_style(&[])?;
        let projection = ReadProjection::from_parts(get.expressions.parse()?.projection, None);
        validated.push((table, key, projection));
    }
    for (table, ..) in &validated {
        db.usable_table(table)?;
    }
    let mut reads: Vec<(&str, PrimaryKey, ReadProjection)> = Vec::new();
    for (table_name, key, projection) in validated {
        let key = db
            .usable_table(table_name)?
            .def
            .key_schema
            .key_from_request(&key)?;
        reads.push((table_name, key, projection));
    }
    let targets: Vec<(&str, &PrimaryKey)> = reads.iter().map(|(t, k, _)| (*t, k)).collect();
    check_distinct(&targets)?;

    let mut responses = Vec::new();
    let mut order: Vec<&str> = Vec::new();
    let mut capacities: BTreeMap<&str, ConsumedCapacity> = BTreeMap::new();
    for (table_name, key, projection) in &reads {
        let table = db
            .usable_table(table_name)
            .map_err(|_| DynamoError::resource_not_found())?;
        let item = table.get(key);
        if !order.contains(table_name) {
            order.push(table_name);
        }
        capacities
            .entry(table_name)
            .or_insert_with(|| ConsumedCapacity::new(table_name))
            .read(read_cost(item, ReadKind::Transactional));
        let mut entry = Map::new();
        if let Some(item) = item {
            entry.insert("Item".into(), projection.to_wire(item));
        }
        responses.push(Value::Object(entry));
    }

    let mut response = Map::new();
    let mode = ctx.capacity_mode(ReturnConsumedCapacity::parse(consumed));
    if mode != ReturnConsumedCapacity::None {
        let list: Vec<Value> = order
            .iter()
            .filter_map(|t| capacities.get(t)?.to_wire(mode))
            .collect();
        response.insert("ConsumedCapacity".into(), Value::Array(list));
    }
    response.insert("Responses".into(), Value::Array(responses));
    Ok(Value::Object(response))
}

#[cfg(test)]
mod tests {
    use crate::ops::item_fixtures::{database, message, run};
    use serde_json::json;

    #[test]
    fn responses_follow_request_order_and_cost_double() {
        let mut db = database();
        let item = json!({"pk": {"S": "a"}, "data": {"S": "x".repeat(5000)}});
        run(
            &mut db,
            "PutItem",
            json!({"TableName": "hash", "Item": item}),
        )
        .unwrap();
        let request = json!({
            "TransactItems": [
                {"Get": {"TableName": "hash", "Key": {"pk": {"S": "missing"}}}},
                {"Get": {"TableName": "hash", "Key": {"pk": {"S": "a"}}, "ProjectionExpression": "pk"}}
            ],
            "ReturnConsumedCapacity": "TOTAL"
        });
        assert_eq!(
            run(&mut db, "TransactGetItems", request).unwrap(),
            json!({
                // 2 units for the miss + 4 for two 4 KB units of the 5 KB item.
                "ConsumedCapacity": [{"TableName": "hash", "CapacityUnits": 6.0}],
                "Responses": [{}, {"Item": {"pk": {"S": "a"}}}]
            })
        );
    }

    #[test]
    fn one_read_per_item() {
        let mut db = database();
        let get = json!({"Get": {"TableName": "hash", "Key": {"pk": {"S": "a"}}}});
        let request = json!({"TransactItems": [get.clone(), get]});
        assert_eq!(
            message(&mut db, "TransactGetItems", request),
            "Transaction request cannot include multiple operations on one item"
        );
    }
}
