//! DeleteItem: remove one item by its full primary key.
//!
//! Deleting an item that is not there succeeds (and still costs a write unit) unless a
//! condition says otherwise. `ReturnValues: ALL_OLD` returns the item that was removed;
//! the other modes have nothing to say about a delete and are refused with the same
//! message PutItem gives. The cost is the old item's size in 1 KB units, plus one write in
//! every index that held an entry for it.

use serde_json::Value;

use crate::capacity::{ConsumedCapacity, ReturnConsumedCapacity};
use crate::db::{Answer, Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::expr::ExpressionKind;
use crate::ops::item_expressions::ExpressionParams;
use crate::ops::item_request::{
    METRICS_NAMES, ON_CONDITION_FAILURE_NAMES, ReturnValues, decode_item, required, wants_metrics,
    wants_old_on_failure,
};
use crate::ops::legacy::Expected;
use crate::ops::write::{
    Change, WriteCondition, check_condition, item_collection_metrics, returned_attributes,
    write_response,
};
use crate::request::{Fields, Violations};

pub(crate) const ACCEPTED: &[ExpressionKind] = &[ExpressionKind::Condition];

pub(crate) fn execute(db: &mut Database, request: &Value, _ctx: &RequestContext) -> Result<Answer> {
    let fields = Fields::of(request)?;
    let table_name = fields.string("TableName")?;
    let key = decode_item(&fields, "Key")?;
    let expressions = ExpressionParams::read(&fields, ACCEPTED)?;
    let expected_map = fields.object("Expected")?;
    let conditional_operator = fields.string("ConditionalOperator")?;
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
    violations.one_of("returnValues", return_values, &ReturnValues::NAMES);
    violations.one_of("returnItemCollectionMetrics", metrics, &METRICS_NAMES);
    violations.not_null("key", key.as_ref());
    let expected = Expected::read(expected_map, conditional_operator, &mut violations)?;
    violations.one_of(
        "returnValuesOnConditionCheckFailure",
        on_failure,
        &ON_CONDITION_FAILURE_NAMES,
    );
    violations.finish()?;
    let table_name = required(table_name, "tableName")?;
    let key = required(key, "key")?;

    let legacy: Vec<&str> = expected.iter().map(|_| "Expected").collect();
    expressions.check_style(&legacy)?;
    let key = key?;
    let return_values = ReturnValues::parse(return_values);
    if !matches!(return_values, ReturnValues::None | ReturnValues::AllOld) {
        return Err(DynamoError::validation(
            "ReturnValues can only be ALL_OLD or NONE",
        ));
    }
    let expected = expected.map(Expected::validate).transpose()?;
    let parsed = expressions.parse()?;
    let condition = WriteCondition::from_parts(parsed.condition, expected);

    let table = db.usable_table(table_name)?;
    let key = table.def.key_schema.key_from_request(&key)?;
    let old = table.get(&key).cloned();
    check_condition(
        condition.as_ref(),
        old.as_ref(),
        wants_old_on_failure(on_failure),
    )?;

    let mut capacity = ConsumedCapacity::new(table_name);
    let change = Change {
        key: key.clone(),
        old,
        new: None,
    };
    change.charge(table, false, &mut capacity);
    let attributes = returned_attributes(return_values, change.old.as_ref(), None, &[]);

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

    #[test]
    fn deletes_return_the_old_item_and_bill_its_size() {
        let mut db = database();
        let item = json!({"pk": {"S": "a"}, "big": {"S": "x".repeat(2000)}});
        run(
            &mut db,
            "PutItem",
            json!({"TableName": "hash", "Item": item.clone()}),
        )
        .unwrap();
        let request = json!({
            "TableName": "hash", "Key": {"pk": {"S": "a"}},
            "ReturnValues": "ALL_OLD", "ReturnConsumedCapacity": "TOTAL"
        });
        assert_eq!(
            run(&mut db, "DeleteItem", request.clone()).unwrap(),
            json!({"Attributes": item, "ConsumedCapacity": {"TableName": "hash", "CapacityUnits": 2.0}})
        );
        assert_eq!(get_h(&mut db, "a"), Value::Null);
        // Deleting nothing succeeds and costs one unit.
        assert_eq!(
            run(&mut db, "DeleteItem", request).unwrap(),
            json!({"ConsumedCapacity": {"TableName": "hash", "CapacityUnits": 1.0}})
        );
    }

    #[test]
    fn conditions_and_return_values() {
        let mut db = database();
        let request = json!({"TableName": "hash", "Key": {"pk": {"S": "a"}}, "ConditionExpression": "attribute_exists(pk)"});
        assert_eq!(
            message(&mut db, "DeleteItem", request),
            "The conditional request failed"
        );
        let request =
            json!({"TableName": "hash", "Key": {"pk": {"S": "a"}}, "ReturnValues": "ALL_NEW"});
        assert_eq!(
            message(&mut db, "DeleteItem", request),
            "ReturnValues can only be ALL_OLD or NONE"
        );
        let request = json!({"TableName": "hash", "Key": {"pk": {"S": "a"}}, "ExpressionAttributeValues": {":a": {"S": "a"}}});
        assert_eq!(
            message(&mut db, "DeleteItem", request),
            "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"
        );
    }
}
