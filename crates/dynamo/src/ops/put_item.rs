//! PutItem: create an item, or replace one whole.
//!
//! The request is checked in AWS's order before the table is even looked up: JSON types,
//! shape constraints, the expression/legacy style rules, the attribute values, the
//! `ReturnValues` mode (only `NONE` and `ALL_OLD` make sense for a put), the 400 KB limit,
//! the legacy `Expected` rules and the ConditionExpression. Only then does the table
//! matter: its key schema decides whether the item has a valid key, its indexes whether
//! the index key attributes have the declared types. Then comes the condition, against
//! the item as it stands; a failed condition changes nothing but can return that item
//! (`ReturnValuesOnConditionCheckFailure: ALL_OLD`). Last, on a table with local secondary
//! indexes, the item collection must have room for the item.

use serde_json::Value;

use crate::capacity::{ConsumedCapacity, ReturnConsumedCapacity};
use crate::db::{Answer, Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::expr::ExpressionKind;
use crate::ops::item_collection::{CollectionBudget, collection_size_exceeded};
use crate::ops::item_expressions::ExpressionParams;
use crate::ops::item_request::{
    METRICS_NAMES, ON_CONDITION_FAILURE_NAMES, ReturnValues, decode_item, required, wants_metrics,
    wants_old_on_failure,
};
use crate::ops::legacy::Expected;
use crate::ops::write::{
    Change, ITEM_TOO_LARGE, WriteCondition, check_condition, check_item_size,
    item_collection_metrics, returned_attributes, write_response,
};
use crate::request::{Fields, Violations};

pub(crate) const ACCEPTED: &[ExpressionKind] = &[ExpressionKind::Condition];

pub(crate) fn execute(db: &mut Database, request: &Value, _ctx: &RequestContext) -> Result<Answer> {
    let fields = Fields::of(request)?;
    let table_name = fields.string("TableName")?;
    let item = decode_item(&fields, "Item")?;
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
    violations.not_null("item", item.as_ref());
    let expected = Expected::read(expected_map, conditional_operator, &mut violations)?;
    violations.one_of("returnValues", return_values, &ReturnValues::NAMES);
    violations.one_of("returnItemCollectionMetrics", metrics, &METRICS_NAMES);
    violations.one_of(
        "returnValuesOnConditionCheckFailure",
        on_failure,
        &ON_CONDITION_FAILURE_NAMES,
    );
    violations.finish()?;
    let table_name = required(table_name, "tableName")?;
    let item = required(item, "item")?;

    let legacy: Vec<&str> = expected.iter().map(|_| "Expected").collect();
    expressions.check_style(&legacy)?;
    let item = item?;
    let return_values = ReturnValues::parse(return_values);
    if !matches!(return_values, ReturnValues::None | ReturnValues::AllOld) {
        return Err(DynamoError::validation(
            "ReturnValues can only be ALL_OLD or NONE",
        ));
    }
    check_item_size(&item, ITEM_TOO_LARGE)?;
    let expected = expected.map(Expected::validate).transpose()?;
    let parsed = expressions.parse()?;
    let condition = WriteCondition::from_parts(parsed.condition, expected);

    let table = db.usable_table(table_name)?;
    let key = table.def.key_schema.key_of_new_item(&item)?;
    table.check_index_keys(&item)?;
    let old = table.get(&key).cloned();
    check_condition(
        condition.as_ref(),
        old.as_ref(),
        wants_old_on_failure(on_failure),
    )?;

    let mode = ReturnConsumedCapacity::parse(consumed);
    let mut capacity = ConsumedCapacity::new(table_name);
    let change = Change {
        key: key.clone(),
        old,
        new: Some(item),
    };
    if !CollectionBudget::new(db.item_collection_limit()).admits(table_name, table, &change) {
        return Err(collection_size_exceeded());
    }
    change.charge(table, false, &mut capacity);
    let attributes = returned_attributes(return_values, change.old.as_ref(), None, &[]);

    let table = db.usable_table_mut(table_name)?;
    change.commit(table);
    let metrics = if wants_metrics(metrics) {
        item_collection_metrics(table, &key)
    } else {
        None
    };
    Ok(write_response(attributes, capacity, mode, metrics))
}

#[cfg(test)]
mod tests {
    use crate::error::ErrorKind;
    use crate::ops::item_fixtures::{database, get_h, message, run};
    use serde_json::json;

    #[test]
    fn puts_replace_whole_items_and_return_the_old_one() {
        let mut db = database();
        let first = json!({"TableName": "hash", "Item": {"pk": {"S": "a"}, "x": {"N": "1"}}});
        assert_eq!(run(&mut db, "PutItem", first).unwrap(), json!({}));
        let second = json!({
            "TableName": "hash", "Item": {"pk": {"S": "a"}, "y": {"S": "2"}},
            "ReturnValues": "ALL_OLD", "ReturnConsumedCapacity": "TOTAL"
        });
        assert_eq!(
            run(&mut db, "PutItem", second).unwrap(),
            json!({
                "Attributes": {"pk": {"S": "a"}, "x": {"N": "1"}},
                "ConsumedCapacity": {"TableName": "hash", "CapacityUnits": 1.0}
            })
        );
        assert_eq!(
            get_h(&mut db, "a"),
            json!({"pk": {"S": "a"}, "y": {"S": "2"}})
        );
    }

    #[test]
    fn checks_run_in_aws_order() {
        let mut db = database();
        // Shape violations are reported together, before anything else.
        let error = run(
            &mut db,
            "PutItem",
            json!({"TableName": "a;", "ReturnValues": "x"}),
        )
        .unwrap_err();
        assert_eq!(error.kind, ErrorKind::CoralValidation);
        assert!(
            error.message.starts_with("4 validation errors detected"),
            "{}",
            error.message
        );
        // ReturnValues before item size before the table lookup.
        let big = "x".repeat(400 * 1024);
        let request =
            json!({"TableName": "nope", "Item": {"pk": {"S": big}}, "ReturnValues": "ALL_NEW"});
        assert_eq!(
            message(&mut db, "PutItem", request),
            "ReturnValues can only be ALL_OLD or NONE"
        );
        let request = json!({"TableName": "nope", "Item": {"pk": {"S": big}}});
        assert_eq!(
            message(&mut db, "PutItem", request),
            "Item size has exceeded the maximum allowed size"
        );
        let request = json!({"TableName": "nope", "Item": {}});
        assert_eq!(
            message(&mut db, "PutItem", request),
            "Requested resource not found"
        );
        let request = json!({"TableName": "hash", "Item": {}});
        assert_eq!(
            message(&mut db, "PutItem", request),
            "One or more parameter values were invalid: Missing the key pk in the item"
        );
        let request = json!({"TableName": "ranged", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "gk": {"N": "1"}}});
        assert_eq!(
            message(&mut db, "PutItem", request),
            "One or more parameter values were invalid: Type mismatch for Index Key gk Expected: S Actual: N IndexName: g"
        );
    }

    #[test]
    fn a_failed_condition_changes_nothing_and_can_return_the_item() {
        let mut db = database();
        run(
            &mut db,
            "PutItem",
            json!({"TableName": "hash", "Item": {"pk": {"S": "a"}, "v": {"N": "1"}}}),
        )
        .unwrap();
        let request = json!({
            "TableName": "hash", "Item": {"pk": {"S": "a"}},
            "ConditionExpression": "attribute_not_exists(pk)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"
        });
        let error = run(&mut db, "PutItem", request).unwrap_err();
        assert_eq!(error.kind, ErrorKind::ConditionalCheckFailed);
        assert_eq!(
            error.item.as_deref(),
            Some(&json!({"pk": {"S": "a"}, "v": {"N": "1"}}))
        );
        assert_eq!(
            get_h(&mut db, "a"),
            json!({"pk": {"S": "a"}, "v": {"N": "1"}})
        );
        // The legacy form of the same condition.
        let legacy = json!({"TableName": "hash", "Item": {"pk": {"S": "a"}}, "Expected": {"pk": {"Exists": false}}});
        assert_eq!(
            message(&mut db, "PutItem", legacy),
            "The conditional request failed"
        );
        let ok = json!({"TableName": "hash", "Item": {"pk": {"S": "a"}}, "Expected": {"v": {"Value": {"N": "1"}}}});
        assert!(run(&mut db, "PutItem", ok).is_ok());
    }

    #[test]
    fn gsi_and_lsi_writes_are_billed_and_metrics_reported() {
        let mut db = database();
        let request = json!({
            "TableName": "ranged",
            "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "gk": {"S": "g"}, "lk": {"S": "l"}, "big": {"S": "x".repeat(1500)}},
            "ReturnConsumedCapacity": "INDEXES",
            "ReturnItemCollectionMetrics": "SIZE"
        });
        let response = run(&mut db, "PutItem", request).unwrap();
        assert_eq!(
            response,
            json!({
                "ConsumedCapacity": {
                    "TableName": "ranged", "CapacityUnits": 5.0, "Table": {"CapacityUnits": 2.0},
                    "GlobalSecondaryIndexes": {"g": {"CapacityUnits": 2.0}},
                    "LocalSecondaryIndexes": {"l": {"CapacityUnits": 1.0}}
                },
                "ItemCollectionMetrics": {"ItemCollectionKey": {"pk": {"S": "a"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
            })
        );
    }
}
