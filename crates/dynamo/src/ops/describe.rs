//! The TableDescription: how DynamoDB reports a table.
//!
//! DescribeTable, CreateTable, UpdateTable and DeleteTable all answer with a
//! TableDescription, and the playground's table view shows the same thing. Members come
//! in the order DynamoDB's wire responses (and the AWS CLI's examples) use, which is the
//! API model's order: AttributeDefinitions, TableName, KeySchema, TableStatus,
//! CreationDateTime, ProvisionedThroughput, TableSizeBytes, ItemCount, TableArn, TableId,
//! BillingModeSummary, LocalSecondaryIndexes, GlobalSecondaryIndexes, StreamSpecification,
//! LatestStreamLabel, LatestStreamArn, SSEDescription, TableClassSummary,
//! DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput. Members that do not apply
//! are left out, as DynamoDB leaves them out; AttributeDefinitions and INCLUDE projections'
//! NonKeyAttributes are sorted by name, as DynamoDB returns them.
//!
//! Every table and global secondary index has a warm throughput, and DescribeTable always
//! shows it; CreateTable's response shows it only when the request asked for some (then
//! UPDATING, being warmed), as DynamoDB's does. OnDemandThroughput appears once a maximum
//! is set, with just the members that are.
//!
//! Each operation's response is a slightly different [`View`] of the same table:
//! CreateTable's omits the on-demand timestamp DynamoDB adds a moment later, DeleteTable's
//! leaves out the schema and indexes, and so on. Statuses come from the definition
//! passed in, so an operation shows a transitional status (CREATING, UPDATING) by
//! rendering a copy of the definition carrying it while the stored table is already
//! ACTIVE.
//!
//! ItemCount, TableSizeBytes and the index counterparts are live. DynamoDB refreshes them
//! about every six hours; a simulator that lags by hours would only confuse, so these
//! numbers are exact at every moment.

use std::collections::BTreeMap;

use dynaplay_sim::SimTime;
use serde_json::{Map, Value, json};

use crate::key::KeySchema;
use crate::ops::calendar::epoch_seconds;
use crate::ops::throughput::{decreases_today, table_history};
use crate::table::def::ThroughputHistory;
use crate::table::{
    BillingMode, IndexDef, OnDemandMaximum, Projection, Table, TableDef, TableStatus, Throughput,
    WarmThroughput,
};

/// Which response a description is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// DescribeTable (and the playground): everything.
    Current,
    /// CreateTable's response: no LastUpdateToPayPerRequestDateTime yet.
    Created,
    /// UpdateTable's response; `to_on_demand` when this request switched the table to
    /// PAY_PER_REQUEST (DynamoDB stamps the switch only later). New indexes show
    /// `Backfilling`.
    Updated { to_on_demand: bool },
    /// DeleteTable's response: identity, status, throughput and counters only.
    Deleting,
}

/// A table's live sizes: what DescribeTable counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sizes {
    pub item_count: u64,
    pub size_bytes: u64,
    /// Per index: (item count, size in bytes).
    pub indexes: BTreeMap<String, (u64, u64)>,
}

impl Sizes {
    pub fn of(table: &Table) -> Sizes {
        let indexes = table
            .def
            .indexes()
            .map(|i| {
                (
                    i.name.clone(),
                    (
                        table.index_item_count(&i.name),
                        table.index_size_bytes(&i.name),
                    ),
                )
            })
            .collect();
        Sizes {
            item_count: table.item_count(),
            size_bytes: table.size_bytes(),
            indexes,
        }
    }

    fn index(&self, name: &str) -> (u64, u64) {
        self.indexes.get(name).copied().unwrap_or((0, 0))
    }
}

/// DescribeTable's `Table` for `table` as it is at `now`.
pub fn describe(table: &Table, now: SimTime) -> Value {
    table_description(&table.def, &Sizes::of(table), now, View::Current)
}

/// The TableDescription of `def` with the given sizes, as `view` shows it.
pub fn table_description(def: &TableDef, sizes: &Sizes, now: SimTime, view: View) -> Value {
    let mut out = Map::new();
    let deleting = view == View::Deleting;
    if !deleting {
        out.insert("AttributeDefinitions".into(), attribute_definitions(def));
    }
    out.insert("TableName".into(), json!(def.name));
    if !deleting {
        out.insert("KeySchema".into(), key_schema(&def.key_schema));
    }
    out.insert("TableStatus".into(), json!(def.status.name()));
    if !deleting {
        out.insert("CreationDateTime".into(), epoch_seconds(def.created_at));
    }
    let table_throughput = match def.billing {
        BillingMode::Provisioned(t) => Some(t),
        BillingMode::PayPerRequest => None,
    };
    out.insert(
        "ProvisionedThroughput".into(),
        throughput(&table_history(def), table_throughput, now),
    );
    out.insert("TableSizeBytes".into(), json!(sizes.size_bytes));
    out.insert("ItemCount".into(), json!(sizes.item_count));
    out.insert("TableArn".into(), json!(def.arn));
    out.insert("TableId".into(), json!(def.table_id));
    if let Some(summary) = billing_mode_summary(def, view) {
        out.insert("BillingModeSummary".into(), summary);
    }
    if deleting {
        return Value::Object(out);
    }
    if !def.local_indexes.is_empty() {
        let list = def
            .local_indexes
            .iter()
            .map(|i| local_index(def, i, sizes))
            .collect();
        out.insert("LocalSecondaryIndexes".into(), Value::Array(list));
    }
    if !def.global_indexes.is_empty() {
        let list = def
            .global_indexes
            .iter()
            .map(|i| global_index(def, i, sizes, now, view))
            .collect();
        out.insert("GlobalSecondaryIndexes".into(), Value::Array(list));
    }
    if let Some(stream) = &def.stream {
        out.insert(
            "StreamSpecification".into(),
            json!({"StreamEnabled": true, "StreamViewType": stream.view_type.name()}),
        );
    }
    if let Some(label) = &def.latest_stream_label {
        out.insert("LatestStreamLabel".into(), json!(label));
        out.insert(
            "LatestStreamArn".into(),
            json!(format!("{}/stream/{label}", def.arn)),
        );
    }
    if let Some(sse) = &def.sse {
        out.insert(
            "SSEDescription".into(),
            json!({"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": sse.kms_master_key_arn}),
        );
    }
    if let Some(class) = def.table_class {
        let mut summary = Map::new();
        summary.insert("TableClass".into(), json!(class.name()));
        if let Some(at) = def.table_class_updated_at {
            summary.insert("LastUpdateDateTime".into(), epoch_seconds(at));
        }
        out.insert("TableClassSummary".into(), Value::Object(summary));
    }
    out.insert(
        "DeletionProtectionEnabled".into(),
        json!(def.deletion_protection),
    );
    if let Some(maximum) = on_demand_maximum(&def.on_demand_maximum) {
        out.insert("OnDemandThroughput".into(), maximum);
    }
    if shows_warm(&def.warm, view) {
        out.insert("WarmThroughput".into(), warm_throughput(&def.warm));
    }
    Value::Object(out)
}

/// An OnDemandThroughput with the maximums that are set; `None` without any.
fn on_demand_maximum(maximum: &OnDemandMaximum) -> Option<Value> {
    let mut out = Map::new();
    if let Some(read) = maximum.read {
        out.insert("MaxReadRequestUnits".into(), json!(read));
    }
    if let Some(write) = maximum.write {
        out.insert("MaxWriteRequestUnits".into(), json!(write));
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// Whether `view` shows the warm throughput: CreateTable's answer only when the request
/// asked for some.
fn shows_warm(warm: &WarmThroughput, view: View) -> bool {
    view != View::Created || warm.status == TableStatus::Updating
}

/// A TableWarmThroughputDescription (or an index's).
fn warm_throughput(warm: &WarmThroughput) -> Value {
    json!({
        "ReadUnitsPerSecond": warm.read,
        "WriteUnitsPerSecond": warm.write,
        "Status": warm.status.name(),
    })
}

fn attribute_definitions(def: &TableDef) -> Value {
    let mut defs: Vec<&(String, crate::key::ScalarType)> =
        def.attribute_definitions.iter().collect();
    defs.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Array(
        defs.into_iter()
            .map(|(name, t)| json!({"AttributeName": name, "AttributeType": t.name()}))
            .collect(),
    )
}

fn key_schema(schema: &KeySchema) -> Value {
    let mut list = vec![json!({"AttributeName": schema.hash.name, "KeyType": "HASH"})];
    if let Some(range) = &schema.range {
        list.push(json!({"AttributeName": range.name, "KeyType": "RANGE"}));
    }
    Value::Array(list)
}

/// A ProvisionedThroughputDescription; on-demand tables and indexes report 0/0.
fn throughput(history: &ThroughputHistory, units: Option<Throughput>, now: SimTime) -> Value {
    let mut out = Map::new();
    if let Some(at) = history.last_increase {
        out.insert("LastIncreaseDateTime".into(), epoch_seconds(at));
    }
    if let Some(at) = history.last_decrease {
        out.insert("LastDecreaseDateTime".into(), epoch_seconds(at));
    }
    out.insert(
        "NumberOfDecreasesToday".into(),
        json!(decreases_today(history, now)),
    );
    let units = units.unwrap_or(Throughput { read: 0, write: 0 });
    out.insert("ReadCapacityUnits".into(), json!(units.read));
    out.insert("WriteCapacityUnits".into(), json!(units.write));
    Value::Object(out)
}

/// Present for tables that are or once were on-demand; absent for tables that were
/// always provisioned.
fn billing_mode_summary(def: &TableDef, view: View) -> Option<Value> {
    let on_demand = def.billing == BillingMode::PayPerRequest;
    if !on_demand && def.last_update_to_pay_per_request.is_none() {
        return None;
    }
    let mut summary = Map::new();
    summary.insert("BillingMode".into(), json!(def.billing.name()));
    let fresh = matches!(view, View::Created | View::Updated { to_on_demand: true });
    if let Some(at) = def.last_update_to_pay_per_request.filter(|_| !fresh) {
        summary.insert(
            "LastUpdateToPayPerRequestDateTime".into(),
            epoch_seconds(at),
        );
    }
    Some(Value::Object(summary))
}

fn projection(p: &Projection) -> Value {
    match p {
        Projection::Include(names) => {
            let mut sorted = names.clone();
            sorted.sort();
            json!({"ProjectionType": p.type_name(), "NonKeyAttributes": sorted})
        }
        _ => json!({"ProjectionType": p.type_name()}),
    }
}

fn index_arn(def: &TableDef, index: &IndexDef) -> String {
    format!("{}/index/{}", def.arn, index.name)
}

fn local_index(def: &TableDef, index: &IndexDef, sizes: &Sizes) -> Value {
    let (count, bytes) = sizes.index(&index.name);
    json!({
        "IndexName": index.name,
        "KeySchema": key_schema(&index.key_schema),
        "Projection": projection(&index.projection),
        "IndexSizeBytes": bytes,
        "ItemCount": count,
        "IndexArn": index_arn(def, index),
    })
}

fn global_index(
    def: &TableDef,
    index: &IndexDef,
    sizes: &Sizes,
    now: SimTime,
    view: View,
) -> Value {
    let (count, bytes) = sizes.index(&index.name);
    let mut out = Map::new();
    out.insert("IndexName".into(), json!(index.name));
    out.insert("KeySchema".into(), key_schema(&index.key_schema));
    out.insert("Projection".into(), projection(&index.projection));
    out.insert("IndexStatus".into(), json!(index.status.name()));
    // Only indexes added by UpdateTable report Backfilling, and only while CREATING.
    let added_later = matches!(view, View::Updated { .. }) || index.backfilling;
    if index.status == TableStatus::Creating && added_later {
        out.insert("Backfilling".into(), json!(index.backfilling));
    }
    let history = def
        .index_throughput_history
        .get(&index.name)
        .copied()
        .unwrap_or_default();
    out.insert(
        "ProvisionedThroughput".into(),
        throughput(&history, index.throughput, now),
    );
    out.insert("IndexSizeBytes".into(), json!(bytes));
    out.insert("ItemCount".into(), json!(count));
    out.insert("IndexArn".into(), json!(index_arn(def, index)));
    if let Some(maximum) = on_demand_maximum(&index.on_demand_maximum) {
        out.insert("OnDemandThroughput".into(), maximum);
    }
    if shows_warm(&index.warm, view) {
        out.insert("WarmThroughput".into(), warm_throughput(&index.warm));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Database, RequestContext};

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    fn table() -> Database {
        let mut db = Database::default();
        let request = serde_json::json!({
            "TableName": "Tab",
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "z", "AttributeType": "S"},
                                     {"AttributeName": "a", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "z", "KeyType": "HASH"},
                          {"AttributeName": "a", "KeyType": "RANGE"}],
        });
        db.execute("CreateTable", &request, &RequestContext::default())
            .unwrap();
        db
    }

    #[test]
    fn members_come_in_the_api_models_order() {
        let db = table();
        let described = describe(db.table("Tab").unwrap(), SimTime::ZERO);
        assert_eq!(
            keys(&described),
            [
                "AttributeDefinitions",
                "TableName",
                "KeySchema",
                "TableStatus",
                "CreationDateTime",
                "ProvisionedThroughput",
                "TableSizeBytes",
                "ItemCount",
                "TableArn",
                "TableId",
                "BillingModeSummary",
                "DeletionProtectionEnabled",
                "WarmThroughput"
            ]
        );
        assert_eq!(
            described["AttributeDefinitions"][0]["AttributeName"], "a",
            "sorted by name"
        );
    }

    #[test]
    fn views_differ_where_dynamodb_responses_differ() {
        let db = table();
        let table = db.table("Tab").unwrap();
        let sizes = Sizes::of(table);
        let deleting = table_description(&table.def, &sizes, SimTime::ZERO, View::Deleting);
        assert!(deleting.get("KeySchema").is_none() && deleting.get("CreationDateTime").is_none());
        assert!(
            deleting["BillingModeSummary"]
                .get("LastUpdateToPayPerRequestDateTime")
                .is_some()
        );
        let created = table_description(&table.def, &sizes, SimTime::ZERO, View::Created);
        assert!(
            created["BillingModeSummary"]
                .get("LastUpdateToPayPerRequestDateTime")
                .is_none()
        );
    }
}
