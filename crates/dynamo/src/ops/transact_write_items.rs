//! TransactWriteItems: up to 100 writes and condition checks that happen all together or
//! not at all.
//!
//! Each action is a `ConditionCheck` (a condition on an item, nothing written), a `Put`, an
//! `Update` or a `Delete`, on any table, and no two actions may name the same item. After
//! the request is validated — every action alone, then the tables, keys and the
//! one-action-per-item rule — every condition is evaluated and every update worked out
//! against the items as they are, and every write against the room left in its item
//! collection (on tables with local secondary indexes). If anything fails, nothing is
//! written and the `TransactionCanceledException` lists a reason for each action in
//! request order (with the item, for actions that asked for it with
//! `ReturnValuesOnConditionCheckFailure`).
//! Otherwise all the changes are applied at once. Everything costs double: a
//! transactional write unit is two units, condition checks included.
//!
//! A `ClientRequestToken` makes the call idempotent for ten minutes: the same token with
//! the same actions returns the first call's response without writing again (its
//! ConsumedCapacity is then the transactional reads of the items, as AWS reports for a
//! replay), and the same token with different actions is an
//! `IdempotentParameterMismatchException`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::capacity::{
    ConsumedCapacity, ReadKind, ReturnConsumedCapacity, read_units, write_units,
};
use crate::db::{Database, IDEMPOTENCY_WINDOW, RequestContext, TransactionRecord};
use crate::error::{DynamoError, ErrorKind, Result};
use crate::expr::{ConditionExpression, ExpressionKind};
use crate::key::PrimaryKey;
use crate::ops::echo;
use crate::ops::item_collection::CollectionBudget;
use crate::ops::item_expressions::ExpressionParams;
use crate::ops::item_request::{
    METRICS_NAMES, ON_CONDITION_FAILURE_NAMES, decode_item_value, required, wants_metrics,
    wants_old_on_failure,
};
use crate::ops::transaction::{Failure, MAX_ACTIONS, cancelled, check_distinct, check_total_size};
use crate::ops::update_item::ItemUpdate;
use crate::ops::write::{
    Change, ITEM_TOO_LARGE, UPDATED_ITEM_TOO_LARGE, check_item_size, item_collection_metrics,
};
use crate::request::{Fields, Violations, type_error};
use crate::table::Table;
use crate::value::{Item, item_size, item_to_wire};

/// The longest `ClientRequestToken` AWS accepts.
const MAX_TOKEN_CHARS: usize = 36;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    ConditionCheck,
    Put,
    Delete,
    Update,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::ConditionCheck, Kind::Put, Kind::Delete, Kind::Update];

    fn member(self) -> &'static str {
        match self {
            Kind::ConditionCheck => "ConditionCheck",
            Kind::Put => "Put",
            Kind::Delete => "Delete",
            Kind::Update => "Update",
        }
    }

    /// The member's name in constraint paths.
    fn path(self) -> &'static str {
        match self {
            Kind::ConditionCheck => "conditionCheck",
            Kind::Put => "put",
            Kind::Delete => "delete",
            Kind::Update => "update",
        }
    }

    fn accepted(self) -> &'static [ExpressionKind] {
        match self {
            Kind::Update => &[ExpressionKind::Update, ExpressionKind::Condition],
            _ => &[ExpressionKind::Condition],
        }
    }
}

/// One action after the first pass.
struct ActionRequest<'a> {
    /// Every member the action set (exactly one is valid).
    kinds: Vec<Kind>,
    table_name: Option<&'a str>,
    /// The Put's `Item` or the others' `Key`.
    target: Option<Result<Item>>,
    expressions: ExpressionParams<'a>,
    on_failure: Option<&'a str>,
}

/// One action, validated and resolved against its table.
struct Action<'a> {
    kind: Kind,
    table: &'a str,
    key: PrimaryKey,
    item: Option<Item>,
    condition: Option<ConditionExpression>,
    update: ItemUpdate,
    return_old: bool,
}

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let items = fields.list("TransactItems")?;
    let token = fields.string("ClientRequestToken")?;
    let consumed = fields.string("ReturnConsumedCapacity")?;
    let metrics = fields.string("ReturnItemCollectionMetrics")?;
    let mut requests = Vec::new();
    for entry in items.into_iter().flatten() {
        requests.push(read_action(entry)?);
    }

    let mut violations = Violations::new();
    violations.one_of(
        "returnConsumedCapacity",
        consumed,
        &ReturnConsumedCapacity::NAMES,
    );
    violations.one_of("returnItemCollectionMetrics", metrics, &METRICS_NAMES);
    if let Some(token) = token {
        let length = token.chars().count();
        if length < 1 {
            violations.push(
                Some(token),
                "clientRequestToken",
                "Member must have length greater than or equal to 1",
            );
        }
        if length > MAX_TOKEN_CHARS {
            violations.push(
                Some(token),
                "clientRequestToken",
                "Member must have length less than or equal to 36",
            );
        }
    }
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
            let shown = echo::list(list.iter().map(|a| echo::structure("TransactWriteItem", a)));
            violations.push(
                Some(&shown),
                "transactItems",
                "Member must have length less than or equal to 100",
            );
        }
    }
    for (index, action) in requests.iter().enumerate() {
        for kind in &action.kinds {
            let path = format!("transactItems.{}.member.{}", index + 1, kind.path());
            violations.name(&format!("{path}.tableName"), action.table_name, true);
            let target = if *kind == Kind::Put { "item" } else { "key" };
            violations.not_null(&format!("{path}.{target}"), action.target.as_ref());
            if *kind == Kind::ConditionCheck
                && action.expressions.text(ExpressionKind::Condition).is_none()
            {
                violations.not_null::<()>(&format!("{path}.conditionExpression"), None);
            }
            if *kind == Kind::Update && action.expressions.text(ExpressionKind::Update).is_none() {
                violations.not_null::<()>(&format!("{path}.updateExpression"), None);
            }
            violations.one_of(
                &format!("{path}.returnValuesOnConditionCheckFailure"),
                action.on_failure,
                &ON_CONDITION_FAILURE_NAMES,
            );
        }
    }
    violations.finish()?;

    // Each action on its own, in request order.
    let mut validated = Vec::new();
    let mut bytes = 0;
    for action in requests {
        let [kind] = action.kinds.as_slice() else {
            return Err(DynamoError::validation(
                "The action or operation requested is invalid. Verify that the action is typed correctly.",
            ));
        };
        let table = required(action.table_name, "tableName")?;
        let target = required(action.target, "key")??;
        if *kind == Kind::Put {
            check_item_size(&target, ITEM_TOO_LARGE)?;
        }
        bytes += item_size(&target);
        action.expressions.check_style(&[])?;
        let parsed = action.expressions.parse()?;
        let update = ItemUpdate::from_parts(parsed.update, None);
        let return_old = wants_old_on_failure(action.on_failure);
        validated.push((*kind, table, target, parsed.condition, update, return_old));
    }
    check_total_size(bytes)?;

    // Then against the tables.
    for (_, table, ..) in &validated {
        db.usable_table(table)?;
    }
    let mut actions = Vec::new();
    for (kind, table_name, target, condition, update, return_old) in validated {
        let table = db.usable_table(table_name)?;
        let schema = &table.def.key_schema;
        let (key, item) = match kind {
            Kind::Put => {
                let key = schema.key_of_new_item(&target)?;
                table.check_index_keys(&target)?;
                (key, Some(target))
            }
            _ => (schema.key_from_request(&target)?, None),
        };
        update.check_keys(schema)?;
        actions.push(Action {
            kind,
            table: table_name,
            key,
            item,
            condition,
            update,
            return_old,
        });
    }
    let targets: Vec<(&str, &PrimaryKey)> = actions.iter().map(|a| (a.table, &a.key)).collect();
    check_distinct(&targets)?;

    let mode = ctx.capacity_mode(ReturnConsumedCapacity::parse(consumed));
    let fingerprint = token.map(|_| fingerprint(items));
    // A token older than the window is forgotten. Expired records are only dropped on
    // success below, so that a request that fails changes nothing at all.
    if let (Some(token), Some(fingerprint)) = (token, &fingerprint)
        && let Some(record) = db.transactions.get(token)
        && ctx.now - record.at < IDEMPOTENCY_WINDOW
    {
        // AWS sends this exception without a message.
        if &record.fingerprint != fingerprint {
            return Err(DynamoError::new(ErrorKind::IdempotentParameterMismatch, ""));
        }
        return Ok(replay(db, &record.response, &actions, mode));
    }

    // Every condition and update against the items as they are; nothing changes yet.
    let mut outcomes = Vec::new();
    let mut changes = Vec::new();
    let mut budget = CollectionBudget::new(db.item_collection_limit());
    for action in &actions {
        let table = db.usable_table(action.table)?;
        let old = table.get(&action.key).cloned();
        match evaluate(action, table, old.clone()) {
            Ok(new) => {
                let change = Change {
                    key: action.key.clone(),
                    old,
                    new,
                };
                if budget.admits(action.table, table, &change) {
                    outcomes.push(None);
                } else {
                    outcomes.push(Some(Failure::CollectionSize));
                }
                changes.push(change);
            }
            Err(failure) => outcomes.push(Some(failure)),
        }
    }
    if outcomes.iter().any(Option::is_some) {
        return Err(cancelled(outcomes));
    }

    // All of it, at once.
    let mut capacities: BTreeMap<&str, ConsumedCapacity> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    let mut collections = Map::new();
    for (action, change) in actions.iter().zip(changes) {
        let table = db.usable_table_mut(action.table)?;
        if !order.contains(&action.table) {
            order.push(action.table);
        }
        let capacity = capacities
            .entry(action.table)
            .or_insert_with(|| ConsumedCapacity::new(action.table));
        if action.kind == Kind::ConditionCheck {
            let bytes = change
                .old
                .as_ref()
                .map(|i| item_size(i) as u64)
                .unwrap_or(0);
            capacity.write(write_units(bytes, true));
            continue;
        }
        change.charge(table, true, capacity);
        change.commit(table);
        if wants_metrics(metrics)
            && let Some(entry) = item_collection_metrics(table, &action.key)
            && let Value::Array(list) = collections
                .entry(action.table.to_string())
                .or_insert_with(|| Value::Array(Vec::new()))
        {
            list.push(entry);
        }
    }
    let mut response = Map::new();
    if mode != ReturnConsumedCapacity::None {
        let list: Vec<Value> = order
            .iter()
            .filter_map(|t| capacities.get(t)?.to_wire(mode))
            .collect();
        response.insert("ConsumedCapacity".into(), Value::Array(list));
    }
    if !collections.is_empty() {
        response.insert("ItemCollectionMetrics".into(), Value::Object(collections));
    }
    let response = Value::Object(response);
    db.expire_transactions(ctx.now);
    if let (Some(token), Some(fingerprint)) = (token, fingerprint) {
        db.transactions.insert(
            token.to_string(),
            TransactionRecord {
                at: ctx.now,
                fingerprint,
                response: response.clone(),
            },
        );
    }
    Ok(response)
}

/// The first pass over one `TransactItems` element.
fn read_action(entry: &Value) -> Result<ActionRequest<'_>> {
    let Value::Object(entry) = entry else {
        return Err(type_error(entry, "a structure"));
    };
    let entry = Fields::of_map(entry);
    let mut kinds = Vec::new();
    let mut chosen = None;
    for kind in Kind::ALL {
        if let Some(member) = entry.object(kind.member())? {
            kinds.push(kind);
            chosen.get_or_insert((kind, member));
        }
    }
    let Some((kind, member)) = chosen else {
        return Ok(ActionRequest {
            kinds,
            table_name: None,
            target: None,
            expressions: ExpressionParams::default(),
            on_failure: None,
        });
    };
    let fields = Fields::of_map(member);
    let target_name = if kind == Kind::Put { "Item" } else { "Key" };
    let target = fields.raw(target_name).map(decode_item_value).transpose()?;
    Ok(ActionRequest {
        kinds,
        table_name: fields.string("TableName")?,
        target,
        expressions: ExpressionParams::read(&fields, kind.accepted())?,
        on_failure: fields.string("ReturnValuesOnConditionCheckFailure")?,
    })
}

/// What one action would leave behind (`None`: no item), or why it cannot.
fn evaluate(
    action: &Action<'_>,
    table: &Table,
    old: Option<Item>,
) -> Result<Option<Item>, Failure> {
    if let Some(condition) = &action.condition {
        let empty = Item::new();
        if !condition.evaluate(old.as_ref().unwrap_or(&empty)) {
            let item = old.as_ref().filter(|_| action.return_old).map(item_to_wire);
            return Err(Failure::Condition { item });
        }
    }
    match action.kind {
        Kind::ConditionCheck => Ok(old),
        Kind::Put => Ok(action.item.clone()),
        Kind::Delete => Ok(None),
        Kind::Update => {
            let schema = &table.def.key_schema;
            let base = old.unwrap_or_else(|| schema.key_item(&action.key));
            let invalid = |error: DynamoError| Failure::Invalid(error.message);
            let new = action.update.apply(&base).map_err(invalid)?;
            check_item_size(&new, UPDATED_ITEM_TOO_LARGE).map_err(invalid)?;
            table.check_index_keys(&new).map_err(invalid)?;
            Ok(Some(new))
        }
    }
}

/// The response to a retry within the idempotency window: the first response, with the
/// capacity of reading the items transactionally (what AWS bills a replay).
fn replay(
    db: &Database,
    first: &Value,
    actions: &[Action<'_>],
    mode: ReturnConsumedCapacity,
) -> Value {
    let mut response = Map::new();
    if mode != ReturnConsumedCapacity::None {
        let mut order: Vec<&str> = Vec::new();
        let mut capacities: BTreeMap<&str, ConsumedCapacity> = BTreeMap::new();
        for action in actions {
            if !order.contains(&action.table) {
                order.push(action.table);
            }
            let item = db
                .usable_table(action.table)
                .ok()
                .and_then(|t| t.get(&action.key));
            let bytes = item.map(|i| item_size(i) as u64).unwrap_or(0);
            capacities
                .entry(action.table)
                .or_insert_with(|| ConsumedCapacity::new(action.table))
                .read(read_units(bytes, ReadKind::Transactional));
        }
        let list: Vec<Value> = order
            .iter()
            .filter_map(|t| capacities.get(t)?.to_wire(mode))
            .collect();
        response.insert("ConsumedCapacity".into(), Value::Array(list));
    }
    if let Some(metrics) = first.get("ItemCollectionMetrics") {
        response.insert("ItemCollectionMetrics".into(), metrics.clone());
    }
    Value::Object(response)
}

/// A canonical text of the actions, for telling a retry from a different request: object
/// members in name order, so the order a client wrote them in does not matter.
fn fingerprint(items: Option<&Vec<Value>>) -> String {
    fn canonical(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let sorted: BTreeMap<&String, Value> =
                    map.iter().map(|(k, v)| (k, canonical(v))).collect();
                Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(list) => Value::Array(list.iter().map(canonical).collect()),
            other => other.clone(),
        }
    }
    items
        .map(|list| canonical(&Value::Array(list.clone())).to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fingerprints_ignore_member_order() {
        let a = vec![json!({"Put": {"TableName": "t", "Item": {"pk": {"S": "a"}}}})];
        let b = vec![json!({"Put": {"Item": {"pk": {"S": "a"}}, "TableName": "t"}})];
        let c = vec![json!({"Put": {"Item": {"pk": {"S": "b"}}, "TableName": "t"}})];
        assert_eq!(fingerprint(Some(&a)), fingerprint(Some(&b)));
        assert_ne!(fingerprint(Some(&a)), fingerprint(Some(&c)));
    }
}

#[cfg(test)]
mod scenario_tests {
    use crate::db::RequestContext;
    use crate::error::ErrorKind;
    use crate::ops::item_fixtures::{database, get_h, message, run};
    use dynaplay_sim::{SimDuration, SimTime};
    use serde_json::{Value, json};

    fn put(pk: &str) -> Value {
        json!({"Put": {"TableName": "hash", "Item": {"pk": {"S": pk}}}})
    }

    #[test]
    fn all_or_nothing_with_reasons_in_order() {
        let mut db = database();
        let request = json!({"TransactItems": [
            put("a"),
            {"ConditionCheck": {"TableName": "hash", "Key": {"pk": {"S": "b"}}, "ConditionExpression": "attribute_exists(pk)"}}
        ]});
        let error = run(&mut db, "TransactWriteItems", request).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TransactionCanceled);
        assert_eq!(
            error.message,
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]"
        );
        assert_eq!(get_h(&mut db, "a"), Value::Null, "the put was not applied");
        let request =
            json!({"TransactItems": [put("a"), put("b")], "ReturnConsumedCapacity": "TOTAL"});
        assert_eq!(
            run(&mut db, "TransactWriteItems", request).unwrap(),
            json!({"ConsumedCapacity": [{"TableName": "hash", "CapacityUnits": 4.0}]})
        );
        assert_eq!(get_h(&mut db, "b"), json!({"pk": {"S": "b"}}));
    }

    #[test]
    fn failed_updates_are_validation_reasons_and_old_items_can_be_returned() {
        let mut db = database();
        run(
            &mut db,
            "PutItem",
            json!({"TableName": "hash", "Item": {"pk": {"S": "a"}, "s": {"S": "x"}}}),
        )
        .unwrap();
        let request = json!({"TransactItems": [
            {"Update": {"TableName": "hash", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "ADD s :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Delete": {"TableName": "hash", "Key": {"pk": {"S": "b"}}, "ConditionExpression": "attribute_exists(pk)"}},
            {"ConditionCheck": {"TableName": "hash", "Key": {"pk": {"S": "c"}}, "ConditionExpression": "attribute_not_exists(pk)"}}
        ]});
        let error = run(&mut db, "TransactWriteItems", request).unwrap_err();
        assert_eq!(
            error.message,
            "Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError, ConditionalCheckFailed, None]"
        );
        let request = json!({"TransactItems": [
            {"ConditionCheck": {"TableName": "hash", "Key": {"pk": {"S": "a"}}, "ConditionExpression": "attribute_not_exists(pk)",
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}
        ]});
        let error = run(&mut db, "TransactWriteItems", request).unwrap_err();
        let reasons = error.cancellation_reasons.unwrap();
        assert_eq!(
            reasons[0].item,
            Some(json!({"pk": {"S": "a"}, "s": {"S": "x"}}))
        );
    }

    #[test]
    fn client_tokens_make_retries_idempotent_for_ten_minutes() {
        let mut db = database();
        let at = |secs| RequestContext::at(SimTime::ZERO + SimDuration::from_secs(secs));
        let counter = json!({"Update": {"TableName": "hash", "Key": {"pk": {"S": "n"}},
                                       "UpdateExpression": "ADD c :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}});
        let request = json!({"TransactItems": [counter], "ClientRequestToken": "tok"});
        db.execute("TransactWriteItems", &request, &at(0)).unwrap();
        db.execute("TransactWriteItems", &request, &at(599))
            .unwrap();
        assert_eq!(
            get_h(&mut db, "n"),
            json!({"c": {"N": "1"}, "pk": {"S": "n"}}),
            "replayed, not re-applied"
        );
        let other = json!({"TransactItems": [put("z")], "ClientRequestToken": "tok"});
        let error = db
            .execute("TransactWriteItems", &other, &at(599))
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::IdempotentParameterMismatch);
        db.execute("TransactWriteItems", &request, &at(601))
            .unwrap();
        assert_eq!(
            get_h(&mut db, "n"),
            json!({"c": {"N": "2"}, "pk": {"S": "n"}}),
            "a new request after the window"
        );
    }

    #[test]
    fn size_limits_per_item_and_per_transaction() {
        let mut db = database();
        let big = |pk: &str, bytes: usize| json!({"Put": {"TableName": "hash", "Item": {"pk": {"S": pk}, "d": {"S": "x".repeat(bytes)}}}});
        let request = json!({"TransactItems": [big("a", 400 * 1024)]});
        assert_eq!(
            message(&mut db, "TransactWriteItems", request),
            "Item size has exceeded the maximum allowed size"
        );
        let items: Vec<Value> = (0..11).map(|i| big(&format!("k{i}"), 390 * 1024)).collect();
        let request = json!({"TransactItems": items});
        assert_eq!(
            message(&mut db, "TransactWriteItems", request),
            "Collection size of items exceeded, which can also be caused by the aggregate size of the items in the transaction exceeding the 4MB limit"
        );
        let items: Vec<Value> = (0..101).map(|i| put(&i.to_string())).collect();
        let text = message(
            &mut db,
            "TransactWriteItems",
            json!({"TransactItems": items}),
        );
        assert!(text.starts_with("1 validation error detected: Value '[com.amazonaws.dynamodb.v20120810.TransactWriteItem@"), "{text}");
        assert!(text.ends_with("at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"));
        // An update that would grow an item past 400 KB cancels the transaction.
        run(&mut db, "PutItem", json!({"TableName": "hash", "Item": {"pk": {"S": "g"}, "d": {"S": "x".repeat(300 * 1024)}}})).unwrap();
        let grow = json!({"TransactItems": [{"Update": {"TableName": "hash", "Key": {"pk": {"S": "g"}},
            "UpdateExpression": "SET e = :e", "ExpressionAttributeValues": {":e": {"S": "y".repeat(200 * 1024)}}}}]});
        let error = run(&mut db, "TransactWriteItems", grow).unwrap_err();
        let reasons = error.cancellation_reasons.unwrap();
        assert_eq!(reasons[0].code.as_deref(), Some("ValidationError"));
        assert_eq!(
            reasons[0].message.as_deref(),
            Some("Item size to update has exceeded the maximum allowed size")
        );
    }

    #[test]
    fn request_level_rules() {
        let mut db = database();
        let request = json!({"TransactItems": [put("a"), {"Delete": {"TableName": "hash", "Key": {"pk": {"S": "a"}}}}]});
        assert_eq!(
            message(&mut db, "TransactWriteItems", request),
            "Transaction request cannot include multiple operations on one item"
        );
        let request = json!({"TransactItems": [{}]});
        assert_eq!(
            message(&mut db, "TransactWriteItems", request),
            "The action or operation requested is invalid. Verify that the action is typed correctly."
        );
        let request = json!({"TransactItems": [{"ConditionCheck": {"TableName": "hash", "Key": {"pk": {"S": "a"}}}}]});
        assert_eq!(
            message(&mut db, "TransactWriteItems", request),
            "1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null"
        );
    }
}
