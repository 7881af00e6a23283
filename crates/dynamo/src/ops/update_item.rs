//! UpdateItem: change some attributes of one item, creating it if it is missing.
//!
//! The changes come as an UpdateExpression (`SET a = :v REMOVE b ADD n :one DELETE s :x`)
//! or as legacy `AttributeUpdates`, never both. An update is an upsert: on a missing item
//! it starts from the key alone, so even `REMOVE x` on nothing leaves an item behind. The
//! key attributes themselves cannot be updated; index key attributes can, but must keep
//! their declared types, the result must still fit in 400 KB, and on a table with local
//! secondary indexes its item collection must have room for it.
//!
//! `ReturnValues` has all five modes here: the whole item before or after, or just the
//! parts the update touched (`UPDATED_OLD` / `UPDATED_NEW`: each written or removed path,
//! as it was or as it is). The write is billed on the larger of the item before and after.

use serde_json::Value;

use crate::capacity::{ConsumedCapacity, ReturnConsumedCapacity};
use crate::db::{Answer, Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::expr::{DocumentPath, ExpressionKind, UpdateExpression};
use crate::key::KeySchema;
use crate::ops::item_collection::{CollectionBudget, collection_size_exceeded};
use crate::ops::item_expressions::ExpressionParams;
use crate::ops::item_request::{
    METRICS_NAMES, ON_CONDITION_FAILURE_NAMES, ReturnValues, decode_item, required, wants_metrics,
    wants_old_on_failure,
};
use crate::ops::legacy::{AttributeUpdates, Expected, LegacyUpdate};
use crate::ops::write::{
    Change, UPDATED_ITEM_TOO_LARGE, WriteCondition, check_condition, check_item_size,
    item_collection_metrics, returned_attributes, write_response,
};
use crate::request::{Fields, Violations};
use crate::value::Item;

pub(crate) const ACCEPTED: &[ExpressionKind] = &[ExpressionKind::Update, ExpressionKind::Condition];

/// The update of a request, in whichever style it came.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ItemUpdate {
    Expression(UpdateExpression),
    Legacy(LegacyUpdate),
    /// Neither member: the item is created from its key if missing, else left alone.
    Nothing,
}

impl ItemUpdate {
    pub(crate) fn from_parts(
        expression: Option<UpdateExpression>,
        legacy: Option<LegacyUpdate>,
    ) -> ItemUpdate {
        match (expression, legacy) {
            (Some(expression), _) => ItemUpdate::Expression(expression),
            (None, Some(legacy)) => ItemUpdate::Legacy(legacy),
            (None, None) => ItemUpdate::Nothing,
        }
    }

    /// The paths the update writes or removes.
    pub(crate) fn paths(&self) -> Vec<DocumentPath> {
        match self {
            ItemUpdate::Expression(expression) => expression.target_paths().to_vec(),
            ItemUpdate::Legacy(legacy) => {
                legacy.attributes().map(DocumentPath::attribute).collect()
            }
            ItemUpdate::Nothing => Vec::new(),
        }
    }

    /// AWS refuses any update that touches a key attribute, before looking at the item.
    pub(crate) fn check_keys(&self, schema: &KeySchema) -> Result<()> {
        let touched = self
            .paths()
            .into_iter()
            .map(|path| path.top_level().to_string())
            .find(|name| schema.is_key_attribute(name));
        match touched {
            Some(name) => Err(DynamoError::validation(format!(
                "One or more parameter values were invalid: Cannot update attribute {name}. This attribute is part of the key"
            ))),
            None => Ok(()),
        }
    }

    /// The item after the update. `base` is the stored item or, for a new item, its key.
    pub(crate) fn apply(&self, base: &Item) -> Result<Item> {
        match self {
            ItemUpdate::Expression(expression) => expression.apply(base),
            ItemUpdate::Legacy(legacy) => legacy.apply(base),
            ItemUpdate::Nothing => Ok(base.clone()),
        }
    }
}

pub(crate) fn execute(db: &mut Database, request: &Value, _ctx: &RequestContext) -> Result<Answer> {
    let fields = Fields::of(request)?;
    let table_name = fields.string("TableName")?;
    let key = decode_item(&fields, "Key")?;
    let expressions = ExpressionParams::read(&fields, ACCEPTED)?;
    let expected_map = fields.object("Expected")?;
    let conditional_operator = fields.string("ConditionalOperator")?;
    let updates_map = fields.object("AttributeUpdates")?;
    let return_values = fields.string("ReturnValues")?;
    let consumed = fields.string("ReturnConsumedCapacity")?;
    let metrics = fields.string("ReturnItemCollectionMetrics")?;
    let on_failure = fields.string("ReturnValuesOnConditionCheckFailure")?;

    let mut violations = Violations::new();
    violations.one_of(
        "returnConsumedCapacity",
        consumed,
        &ReturnConsumedCapacity::NAMES,
    );
    violations.name("tableName", table_name, true);
    violations.one_of("returnItemCollectionMetrics", metrics, &METRICS_NAMES);
    violations.one_of("returnValues", return_values, &ReturnValues::NAMES);
    violations.not_null("key", key.as_ref());
    let expected = Expected::read(expected_map, conditional_operator, &mut violations)?;
    let updates = AttributeUpdates::read(updates_map, &mut violations)?;
    violations.one_of(
        "returnValuesOnConditionCheckFailure",
        on_failure,
        &ON_CONDITION_FAILURE_NAMES,
    );
    violations.finish()?;
    let table_name = required(table_name, "tableName")?;
    let key = required(key, "key")?;

    let mut legacy = Vec::new();
    if updates.is_some() {
        legacy.push("AttributeUpdates");
    }
    if expected.is_some() {
        legacy.push("Expected");
    }
    expressions.check_style(&legacy)?;
    let key = key?;
    let updates = updates.map(AttributeUpdates::validate).transpose()?;
    let expected = expected.map(Expected::validate).transpose()?;
    let parsed = expressions.parse()?;
    let update = ItemUpdate::from_parts(parsed.update, updates);
    let condition = WriteCondition::from_parts(parsed.condition, expected);
    let return_values = ReturnValues::parse(return_values);

    let table = db.usable_table(table_name)?;
    let schema = &table.def.key_schema;
    let key = schema.key_from_request(&key)?;
    update.check_keys(schema)?;
    let old = table.get(&key).cloned();
    check_condition(
        condition.as_ref(),
        old.as_ref(),
        wants_old_on_failure(on_failure),
    )?;
    let base = old.clone().unwrap_or_else(|| schema.key_item(&key));
    let new = update.apply(&base)?;
    check_item_size(&new, UPDATED_ITEM_TOO_LARGE)?;
    table.check_index_keys(&new)?;

    let mut capacity = ConsumedCapacity::new(table_name);
    let change = Change {
        key: key.clone(),
        old,
        new: Some(new),
    };
    if !CollectionBudget::new(db.item_collection_limit()).admits(table_name, table, &change) {
        return Err(collection_size_exceeded());
    }
    change.charge(table, false, &mut capacity);
    let attributes = returned_attributes(
        return_values,
        change.old.as_ref(),
        change.new.as_ref(),
        &update.paths(),
    );

    let table = db.usable_table_mut(table_name)?;
    change.commit(table);
    let metrics = if wants_metrics(metrics) {
        item_collection_metrics(table, &key)
    } else {
        None
    };
    let mode = ReturnConsumedCapacity::parse(consumed);
    Ok(write_response(attributes, capacity, mode, metrics))
}

#[cfg(test)]
mod tests {
    use crate::ops::item_fixtures::{database, get_h, message, run};
    use serde_json::{Value, json};

    fn update(db: &mut crate::db::Database, expression: &str, values: Value, mode: &str) -> Value {
        let mut request = json!({
            "TableName": "hash", "Key": {"pk": {"S": "a"}},
            "UpdateExpression": expression, "ReturnValues": mode
        });
        if !values.is_null() {
            request["ExpressionAttributeValues"] = values;
        }
        run(db, "UpdateItem", request).unwrap()
    }

    #[test]
    fn updates_create_missing_items_and_return_what_was_asked() {
        let mut db = database();
        let created = update(
            &mut db,
            "SET n = :one",
            json!({":one": {"N": "1"}}),
            "ALL_NEW",
        );
        assert_eq!(
            created,
            json!({"Attributes": {"n": {"N": "1"}, "pk": {"S": "a"}}})
        );
        let added = update(
            &mut db,
            "ADD n :one SET m = :one",
            json!({":one": {"N": "1"}}),
            "UPDATED_NEW",
        );
        assert_eq!(
            added,
            json!({"Attributes": {"m": {"N": "1"}, "n": {"N": "2"}}})
        );
        let old = update(&mut db, "REMOVE m", Value::Null, "UPDATED_OLD");
        assert_eq!(old, json!({"Attributes": {"m": {"N": "1"}}}));
        let all_old = update(
            &mut db,
            "SET n = :one",
            json!({":one": {"N": "1"}}),
            "ALL_OLD",
        );
        assert_eq!(
            all_old,
            json!({"Attributes": {"n": {"N": "2"}, "pk": {"S": "a"}}})
        );
        assert_eq!(
            get_h(&mut db, "a"),
            json!({"n": {"N": "1"}, "pk": {"S": "a"}})
        );
        // REMOVE on a missing item still creates it from its key.
        let request =
            json!({"TableName": "hash", "Key": {"pk": {"S": "b"}}, "UpdateExpression": "REMOVE x"});
        run(&mut db, "UpdateItem", request).unwrap();
        assert_eq!(get_h(&mut db, "b"), json!({"pk": {"S": "b"}}));
    }

    #[test]
    fn key_attributes_cannot_be_updated() {
        let mut db = database();
        let request = json!({
            "TableName": "hash", "Key": {"pk": {"S": "a"}},
            "UpdateExpression": "SET #k = :v", "ExpressionAttributeNames": {"#k": "pk"},
            "ExpressionAttributeValues": {":v": {"S": "b"}}
        });
        assert_eq!(
            message(&mut db, "UpdateItem", request),
            "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
        );
        let legacy = json!({"TableName": "hash", "Key": {"pk": {"S": "a"}}, "AttributeUpdates": {"pk": {"Value": {"S": "b"}}}});
        assert_eq!(
            message(&mut db, "UpdateItem", legacy),
            "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
        );
    }

    #[test]
    fn index_keys_keep_their_types_and_moves_cost_two_writes() {
        let mut db = database();
        let key = json!({"pk": {"S": "a"}, "sk": {"N": "1"}});
        let request = json!({
            "TableName": "ranged", "Key": key, "UpdateExpression": "SET gk = :v",
            "ExpressionAttributeValues": {":v": {"N": "5"}}
        });
        assert_eq!(
            message(&mut db, "UpdateItem", request),
            "One or more parameter values were invalid: Type mismatch for Index Key gk Expected: S Actual: N IndexName: g"
        );
        let set = |value: &str| {
            json!({
                "TableName": "ranged", "Key": key, "UpdateExpression": "SET gk = :v",
                "ExpressionAttributeValues": {":v": {"S": value}},
                "ReturnConsumedCapacity": "INDEXES"
            })
        };
        let first = run(&mut db, "UpdateItem", set("one")).unwrap();
        assert_eq!(
            first["ConsumedCapacity"]["GlobalSecondaryIndexes"]["g"]["CapacityUnits"],
            1.0
        );
        let moved = run(&mut db, "UpdateItem", set("two")).unwrap();
        assert_eq!(
            moved["ConsumedCapacity"]["GlobalSecondaryIndexes"]["g"]["CapacityUnits"],
            2.0
        );
        assert_eq!(moved["ConsumedCapacity"]["CapacityUnits"], 3.0);
    }

    #[test]
    fn runtime_update_errors_and_conditions() {
        let mut db = database();
        update(&mut db, "SET s = :s", json!({":s": {"S": "x"}}), "NONE");
        let request = json!({
            "TableName": "hash", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "ADD s :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}}
        });
        assert_eq!(
            message(&mut db, "UpdateItem", request),
            "An operand in the update expression has an incorrect data type"
        );
        let request = json!({
            "TableName": "hash", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET s = :v",
            "ConditionExpression": "s = :v", "ExpressionAttributeValues": {":v": {"S": "y"}}
        });
        assert_eq!(
            message(&mut db, "UpdateItem", request),
            "The conditional request failed"
        );
        let big = "x".repeat(400 * 1024);
        let request = json!({
            "TableName": "hash", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET big = :v",
            "ExpressionAttributeValues": {":v": {"S": big}}
        });
        assert_eq!(
            message(&mut db, "UpdateItem", request),
            "Item size to update has exceeded the maximum allowed size"
        );
    }
}
