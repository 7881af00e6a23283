//! Test tables for the item operations, built directly on [`Table`] so that PutItem and
//! friends can be tested on their own.
//!
//! `hash` has a string partition key `pk` and nothing else. `ranged` has a string partition key
//! `pk` and a number sort key `sk`, a global index `g` on the string `gk` projecting all
//! attributes, and a local index `l` on (`pk`, the string `lk`) projecting only keys.

use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::Result;
use crate::key::{KeyAttribute, KeySchema, ScalarType};
use crate::table::{
    BillingMode, IndexDef, IndexKind, Projection, Table, TableDef, TableStatus, WarmThroughput,
};

fn attribute(name: &str, scalar_type: ScalarType) -> KeyAttribute {
    KeyAttribute {
        name: name.into(),
        scalar_type,
    }
}

fn index(name: &str, kind: IndexKind, key_schema: KeySchema, projection: Projection) -> IndexDef {
    IndexDef {
        name: name.into(),
        kind,
        key_schema,
        projection,
        throughput: None,
        status: TableStatus::Active,
        backfilling: false,
        on_demand_maximum: Default::default(),
        warm: WarmThroughput::initial(None),
    }
}

fn def(name: &str, key_schema: KeySchema) -> TableDef {
    TableDef {
        name: name.into(),
        key_schema,
        attribute_definitions: Vec::new(),
        billing: BillingMode::PayPerRequest,
        global_indexes: Vec::new(),
        local_indexes: Vec::new(),
        status: TableStatus::Active,
        created_at: dynaplay_sim::SimTime::ZERO,
        table_id: format!("{name}-id"),
        arn: format!("arn:aws:dynamodb:us-east-1:000000000000:table/{name}"),
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

/// A database holding the tables `hash` and `ranged`.
pub(crate) fn database() -> Database {
    let mut db = Database::default();
    let mut hash_only = def(
        "hash",
        KeySchema {
            hash: attribute("pk", ScalarType::S),
            range: None,
        },
    );
    hash_only.attribute_definitions = vec![("pk".into(), ScalarType::S)];
    db.insert_table(Table::new(hash_only));

    let mut ranged = def(
        "ranged",
        KeySchema {
            hash: attribute("pk", ScalarType::S),
            range: Some(attribute("sk", ScalarType::N)),
        },
    );
    ranged.attribute_definitions = vec![
        ("pk".into(), ScalarType::S),
        ("sk".into(), ScalarType::N),
        ("gk".into(), ScalarType::S),
        ("lk".into(), ScalarType::S),
    ];
    ranged.global_indexes = vec![index(
        "g",
        IndexKind::Global,
        KeySchema {
            hash: attribute("gk", ScalarType::S),
            range: None,
        },
        Projection::All,
    )];
    ranged.local_indexes = vec![index(
        "l",
        IndexKind::Local,
        KeySchema {
            hash: attribute("pk", ScalarType::S),
            range: Some(attribute("lk", ScalarType::S)),
        },
        Projection::KeysOnly,
    )];
    db.insert_table(Table::new(ranged));
    db
}

/// Runs `operation` at time zero.
pub(crate) fn run(db: &mut Database, operation: &str, request: Value) -> Result<Value> {
    db.execute(operation, &request, &RequestContext::default())
}

/// The message of a request that must fail.
pub(crate) fn message(db: &mut Database, operation: &str, request: Value) -> String {
    match run(db, operation, request) {
        Ok(response) => format!("unexpected success: {response}"),
        Err(error) => error.message,
    }
}

/// `GetItem` of `hash` by `pk`, strongly consistent, returning the item or `null`.
pub(crate) fn get_h(db: &mut Database, pk: &str) -> Value {
    let response = run(
        db,
        "GetItem",
        json!({"TableName": "hash", "Key": {"pk": {"S": pk}}}),
    );
    response
        .ok()
        .and_then(|r| r.get("Item").cloned())
        .unwrap_or(Value::Null)
}
