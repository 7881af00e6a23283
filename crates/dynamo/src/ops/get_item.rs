//! GetItem: read one item by its full primary key.
//!
//! The key must name exactly the table's key attributes with their declared types. The
//! response holds the item (or the parts a ProjectionExpression or `AttributesToGet`
//! names) under `Item`, or no `Item` at all when there is none: `{}`. The read is billed
//! on the whole item, half price unless `ConsistentRead` is set, and a miss still costs
//! the minimum half unit.

use serde_json::{Map, Value};

use crate::capacity::{ConsumedCapacity, ReturnConsumedCapacity};
use crate::db::{Answer, Database, ItemsAs, RequestContext};
use crate::error::Result;
use crate::expr::ExpressionKind;
use crate::ops::item_expressions::ExpressionParams;
use crate::ops::item_read::{ReadProjection, read_cost, read_kind};
use crate::ops::item_request::{decode_item, required};
use crate::ops::legacy::{check_attributes_to_get, read_attributes_to_get};
use crate::request::{Fields, Violations};
use crate::value::RenderedItems;

pub(crate) const ACCEPTED: &[ExpressionKind] = &[ExpressionKind::Projection];

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Answer> {
    let fields = Fields::of(request)?;
    let table_name = fields.string("TableName")?;
    let key = decode_item(&fields, "Key")?;
    let consistent = fields.boolean("ConsistentRead")?;
    let consumed = fields.string("ReturnConsumedCapacity")?;
    let expressions = ExpressionParams::read(&fields, ACCEPTED)?;

    let mut violations = Violations::new();
    violations.one_of(
        "returnConsumedCapacity",
        consumed,
        &ReturnConsumedCapacity::NAMES,
    );
    let names = read_attributes_to_get(&fields, "attributesToGet", &mut violations)?;
    violations.name("tableName", table_name, true);
    violations.not_null("key", key.as_ref());
    violations.finish()?;
    let table_name = required(table_name, "tableName")?;
    let key = required(key, "key")?;

    let legacy: Vec<&str> = names.iter().map(|_| "AttributesToGet").collect();
    expressions.check_style(&legacy)?;
    let key = key?;
    if let Some(names) = &names {
        check_attributes_to_get(names)?;
    }
    let parsed = expressions.parse()?;
    let projection = ReadProjection::from_parts(parsed.projection, names);

    let table = db.usable_table(table_name)?;
    let key = table.def.key_schema.key_from_request(&key)?;
    let item = table.get(&key);
    let mut capacity = ConsumedCapacity::new(table_name);
    capacity.read(read_cost(item, read_kind(consistent)));

    let mut response = Map::new();
    let mut rendered = None;
    if let Some(item) = item {
        let wire = match ctx.items_as {
            ItemsAs::Values => projection.to_wire(item),
            ItemsAs::Text => {
                // Room for a typical item up front rather than a string of doublings.
                let mut json = Vec::with_capacity(1024);
                projection.write_text(&mut json, item);
                rendered = Some(RenderedItems {
                    member: "Item",
                    json,
                });
                Value::Null
            }
        };
        response.insert("Item".into(), wire);
    }
    let mode = ReturnConsumedCapacity::parse(consumed);
    if let Some(wire) = capacity.to_wire(mode) {
        response.insert("ConsumedCapacity".into(), wire);
    }
    Ok(Answer {
        response: Value::Object(response),
        items: rendered,
        capacity: Some(capacity),
    })
}

#[cfg(test)]
mod tests {
    use crate::ops::item_fixtures::{database, message, run};
    use serde_json::json;

    #[test]
    fn missing_items_read_as_empty_and_still_cost() {
        let mut db = database();
        let request = json!({"TableName": "hash", "Key": {"pk": {"S": "a"}}, "ReturnConsumedCapacity": "TOTAL"});
        assert_eq!(
            run(&mut db, "GetItem", request).unwrap(),
            json!({"ConsumedCapacity": {"TableName": "hash", "CapacityUnits": 0.5}})
        );
    }

    #[test]
    fn reads_are_projected_but_billed_whole() {
        let mut db = database();
        let item = json!({"pk": {"S": "a"}, "big": {"S": "x".repeat(5 * 1024)}, "m": {"M": {"k": {"N": "1"}, "j": {"N": "2"}}}});
        run(
            &mut db,
            "PutItem",
            json!({"TableName": "hash", "Item": item}),
        )
        .unwrap();
        let request = json!({
            "TableName": "hash", "Key": {"pk": {"S": "a"}},
            "ProjectionExpression": "#m.k", "ExpressionAttributeNames": {"#m": "m"},
            "ReturnConsumedCapacity": "TOTAL"
        });
        assert_eq!(
            run(&mut db, "GetItem", request).unwrap(),
            json!({
                "Item": {"m": {"M": {"k": {"N": "1"}}}},
                "ConsumedCapacity": {"TableName": "hash", "CapacityUnits": 1.0}
            })
        );
        let legacy = json!({"TableName": "hash", "Key": {"pk": {"S": "a"}}, "AttributesToGet": ["pk"], "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"});
        assert_eq!(
            run(&mut db, "GetItem", legacy).unwrap(),
            json!({"Item": {"pk": {"S": "a"}}, "ConsumedCapacity": {"TableName": "hash", "CapacityUnits": 2.0}})
        );
    }

    #[test]
    fn key_and_style_errors() {
        let mut db = database();
        let extra = json!({"TableName": "hash", "Key": {"pk": {"S": "a"}, "x": {"S": "b"}}});
        assert_eq!(
            message(&mut db, "GetItem", extra),
            "The provided key element does not match the schema"
        );
        let mixed = json!({"TableName": "hash", "Key": {"pk": {"S": "a"}}, "AttributesToGet": ["a"], "ProjectionExpression": "a"});
        assert_eq!(
            message(&mut db, "GetItem", mixed),
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"
        );
        let unused = json!({"TableName": "hash", "Key": {"pk": {"S": "a"}}, "ProjectionExpression": "a", "ExpressionAttributeNames": {"#b": "b"}});
        assert_eq!(
            message(&mut db, "GetItem", unused),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"
        );
    }
}
