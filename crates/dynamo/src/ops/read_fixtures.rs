//! Test tables for Query and Scan, built directly on [`Table`] so the read operations can
//! be tested without the table and item operations.
//!
//! The table `tbl` has a string partition key `pk` and a number sort key `sk`, a global
//! index `gsi` on (`gpk`, `gsk`) projecting only keys plus `inc`, a hash-only global index
//! `all` on `gpk` projecting everything, and a local index `lsi` on (`pk`, `lsk`)
//! projecting only keys. Items without `gpk` or `lsk` are absent from those (sparse)
//! indexes.

use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::Result;
use crate::key::{KeyAttribute, KeySchema, ScalarType};
use crate::table::{
    BillingMode, IndexDef, IndexKind, Projection, Table, TableDef, TableStatus, Throughput,
    WarmThroughput,
};
use crate::value::{Item, item_from_wire};

fn attribute(name: &str, scalar_type: ScalarType) -> KeyAttribute {
    KeyAttribute {
        name: name.into(),
        scalar_type,
    }
}

fn index(
    name: &str,
    kind: IndexKind,
    hash: KeyAttribute,
    range: Option<KeyAttribute>,
    projection: Projection,
) -> IndexDef {
    IndexDef {
        name: name.into(),
        kind,
        key_schema: KeySchema { hash, range },
        projection,
        throughput: None,
        status: TableStatus::Active,
        backfilling: false,
        on_demand_maximum: Default::default(),
        warm: WarmThroughput::initial(None),
    }
}

/// The definition of the test table `tbl`.
pub(crate) fn table_def() -> TableDef {
    TableDef {
        name: "tbl".into(),
        key_schema: KeySchema {
            hash: attribute("pk", ScalarType::S),
            range: Some(attribute("sk", ScalarType::N)),
        },
        attribute_definitions: vec![
            ("pk".into(), ScalarType::S),
            ("sk".into(), ScalarType::N),
            ("gpk".into(), ScalarType::S),
            ("gsk".into(), ScalarType::N),
            ("lsk".into(), ScalarType::S),
        ],
        billing: BillingMode::Provisioned(Throughput { read: 5, write: 5 }),
        global_indexes: vec![
            index(
                "gsi",
                IndexKind::Global,
                attribute("gpk", ScalarType::S),
                Some(attribute("gsk", ScalarType::N)),
                Projection::Include(vec!["inc".into()]),
            ),
            index(
                "all",
                IndexKind::Global,
                attribute("gpk", ScalarType::S),
                None,
                Projection::All,
            ),
        ],
        local_indexes: vec![index(
            "lsi",
            IndexKind::Local,
            attribute("pk", ScalarType::S),
            Some(attribute("lsk", ScalarType::S)),
            Projection::KeysOnly,
        )],
        status: TableStatus::Active,
        created_at: dynaplay_sim::SimTime::ZERO,
        table_id: "00000000-0000-4000-8000-000000000001".into(),
        arn: "arn:aws:dynamodb:us-east-1:000000000000:table/tbl".into(),
        deletion_protection: false,
        on_demand_maximum: Default::default(),
        warm: WarmThroughput::initial(None),
        last_increase: None,
        last_decrease: None,
        decreases_today: 0,
        decreases_day: 0,
        index_throughput_history: Default::default(),
        last_update_to_pay_per_request: None,
        deletion_protection_changed_at: None,
        stream: None,
        latest_stream_label: None,
        sse: None,
        table_class: None,
        table_class_updated_at: None,
        table_class_changes: Vec::new(),
        ttl_attribute: None,
        ttl_changed_at: None,
        tags: Default::default(),
    }
}

/// A database holding table `tbl` with `items` (wire JSON) in it.
pub(crate) fn database(items: &[Value]) -> Database {
    let mut table = Table::new(table_def());
    for wire in items {
        put(&mut table, wire);
    }
    let mut db = Database::default();
    db.insert_table(table);
    db
}

fn put(table: &mut Table, wire: &Value) {
    let item: Item = item_from_wire(wire).expect("fixture items are valid");
    let key = table
        .def
        .key_schema
        .key_of_new_item(&item)
        .expect("fixture items have keys");
    table.put(&key, item);
}

/// An item of `tbl` with the given keys and extra attributes.
pub(crate) fn item(pk: &str, sk: i64, extra: Value) -> Value {
    let mut item = json!({"pk": {"S": pk}, "sk": {"N": sk.to_string()}});
    if let (Some(map), Value::Object(more)) = (item.as_object_mut(), extra) {
        map.extend(more);
    }
    item
}

pub(crate) fn run(db: &mut Database, operation: &str, request: Value) -> Result<Value> {
    db.execute(operation, &request, &RequestContext::default())
}

/// The message of a request that must fail.
pub(crate) fn fail(db: &mut Database, operation: &str, request: Value) -> String {
    match run(db, operation, request) {
        Ok(response) => format!("unexpected success: {response}"),
        Err(error) => error.message,
    }
}
