//! CreateTable: a new table with its key schema, indexes, billing mode and options.
//!
//! The request is checked in DynamoDB's three stages (JSON types, shape constraints,
//! then the rules below in the order DynamoDB applies them) before the name is looked
//! up, so a bad definition is a ValidationException even when the table exists. The
//! semantic order: billing mode against ProvisionedThroughput; duplicate attribute
//! definitions; the table's key schema against the definitions and its element order;
//! without indexes, definitions must match the key schema one for one; with indexes,
//! empty index lists and local indexes without a table sort key come first, then the
//! definitions must be exactly the key attributes of the table and every index; then
//! each local and global index in turn (a global index's own OnDemandThroughput and
//! WarmThroughput after its capacity); then streams, encryption, table class and tags. The
//! table's OnDemandThroughput and WarmThroughput come right after the billing mode (see
//! [`super::throughput_settings`]).
//! Only then: "Table already exists", and the account's quotas (table count, capacity).
//!
//! DynamoDB answers with TableStatus CREATING and makes the table ACTIVE seconds later.
//! A local endpoint should not make a learner's code wait, so the response says CREATING
//! as DynamoDB's does while the stored table is ACTIVE at once: the very next
//! DescribeTable shows ACTIVE, and reads and writes work immediately.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::{DynamoError, ErrorKind, Result};
use crate::key::{KeySchema, ScalarType};
use crate::ops::calendar::iso_millis;
use crate::ops::describe::{Sizes, View, table_description};
use crate::ops::table_options::{BILLING_MODES, SseRequest, StreamRequest, table_class};
use crate::ops::table_spec::{
    AttributeSpec, IndexSpec, KeyElementSpec, ThroughputSpec, bracket, build_key_schema,
    build_projection, check_attribute_definitions, check_bounds, check_index, check_key_order,
    check_key_schema, check_throughput, invalid, java_hash_set_order, key_names,
    parse_attribute_definitions, parse_indexes, parse_key_schema, parse_throughput, scalar_type_of,
    throughput_of, undefined_keys,
};
use crate::ops::tags::{TagSpec, check_tags, parse_tags};
use crate::ops::throughput::{account_reserved, check_account, check_table_max, reserved_by};
use crate::ops::throughput_settings::{
    Members, Operation, Scope, check_initial_warm, check_maximum, parse_maximum, parse_warm,
};
use crate::request::{Fields, Violations};
use crate::table::def::{SseSpec, StreamSpec};
use crate::table::{
    BillingMode, IndexDef, IndexKind, OnDemandMaximum, Table, TableDef, TableStatus, Throughput,
    WarmThroughput,
};

const MAX_LOCAL_INDEXES: usize = 5;
const MAX_GLOBAL_INDEXES: usize = 20;
/// Non-key attributes projected by all of a table's INCLUDE indexes together.
const MAX_PROJECTED_ATTRIBUTES: usize = 100;

/// The request, read.
struct Request<'a> {
    name: Option<&'a str>,
    attribute_definitions: Option<Vec<AttributeSpec>>,
    key_schema: Option<Vec<KeyElementSpec>>,
    billing_mode: Option<&'a str>,
    throughput: Option<ThroughputSpec>,
    local_indexes: Option<Vec<IndexSpec>>,
    global_indexes: Option<Vec<IndexSpec>>,
    stream: Option<StreamRequest>,
    sse: Option<SseRequest>,
    table_class: Option<&'a str>,
    tags: Vec<TagSpec>,
    deletion_protection: bool,
    maximum: Option<Members>,
    warm: Option<Members>,
}

fn parse(request: &Value) -> Result<Request<'_>> {
    let fields = Fields::of(request)?;
    Ok(Request {
        name: fields.string("TableName")?,
        attribute_definitions: match fields.list("AttributeDefinitions")? {
            Some(list) => Some(parse_attribute_definitions(list)?),
            None => None,
        },
        key_schema: match fields.list("KeySchema")? {
            Some(list) => Some(parse_key_schema(list)?),
            None => None,
        },
        billing_mode: fields.string("BillingMode")?,
        throughput: parse_throughput(&fields, "ProvisionedThroughput")?,
        local_indexes: parse_indexes(&fields, "LocalSecondaryIndexes", false)?,
        global_indexes: parse_indexes(&fields, "GlobalSecondaryIndexes", true)?,
        stream: StreamRequest::parse(&fields)?,
        sse: SseRequest::parse(&fields)?,
        table_class: fields.string("TableClass")?,
        tags: match fields.list("Tags")? {
            Some(list) => parse_tags(list)?,
            None => Vec::new(),
        },
        deletion_protection: fields
            .boolean("DeletionProtectionEnabled")?
            .unwrap_or(false),
        maximum: parse_maximum(&fields)?,
        warm: parse_warm(&fields)?,
    })
}

fn check_shape(req: &Request<'_>) -> Result<()> {
    let mut v = Violations::new();
    check_attribute_definitions(&mut v, req.attribute_definitions.as_deref());
    v.name("tableName", req.name, true);
    v.one_of("billingMode", req.billing_mode, &BILLING_MODES);
    if let Some(throughput) = &req.throughput {
        check_throughput(&mut v, "provisionedThroughput", throughput);
    }
    check_key_schema(&mut v, "keySchema", req.key_schema.as_deref());
    for (member, list) in [
        ("localSecondaryIndexes", &req.local_indexes),
        ("globalSecondaryIndexes", &req.global_indexes),
    ] {
        for (i, index) in list.iter().flatten().enumerate() {
            check_index(&mut v, &format!("{member}.{}.member", i + 1), index);
        }
    }
    if let Some(stream) = &req.stream {
        stream.check_shape(&mut v);
    }
    if let Some(sse) = &req.sse {
        sse.check_shape(&mut v);
    }
    v.finish()
}

fn no_definition() -> DynamoError {
    DynamoError::validation("Invalid KeySchema: Some index key attribute have no definition")
}

/// The table's own key schema against the attribute definitions.
fn check_table_keys(keys: &[KeyElementSpec], defined: &[&str]) -> Result<()> {
    let names = key_names(keys);
    let is_defined = |n: &&str| defined.contains(n);
    match names.as_slice() {
        [first, second]
            if !is_defined(first)
                || !is_defined(second)
                || (first == second && defined.len() == 1) =>
        {
            return Err(no_definition());
        }
        [only] if !is_defined(only) => {
            return Err(if defined.is_empty() {
                no_definition()
            } else {
                undefined_keys(&names, defined)
            });
        }
        _ => {}
    }
    check_key_order(keys)
}

/// With indexes, the definitions must be exactly the key attributes of the table and all
/// its indexes: more is "not used", fewer (or others) is "not defined".
fn check_definitions_used(
    req: &Request<'_>,
    keys: &[KeyElementSpec],
    defined: &[&str],
) -> Result<()> {
    let mut used: Vec<&str> = key_names(keys);
    for index in req
        .local_indexes
        .iter()
        .chain(&req.global_indexes)
        .flatten()
    {
        used.extend(key_names(index.key_schema.as_deref().unwrap_or_default()));
    }
    let used = java_hash_set_order(used);
    let unique_defined = java_hash_set_order(defined.iter().copied());
    let missing: Vec<&str> = used
        .iter()
        .copied()
        .filter(|n| !defined.contains(n))
        .collect();
    if unique_defined.len() > used.len() {
        return Err(invalid(format!(
            "Some AttributeDefinitions are not used. AttributeDefinitions: {}, keys used: {}",
            bracket(defined),
            bracket(&used)
        )));
    }
    if !missing.is_empty() {
        return Err(undefined_keys(&missing, defined));
    }
    Ok(())
}

fn check_local_index(index: &IndexSpec, table_keys: &[KeyElementSpec]) -> Result<()> {
    let name = index.name.as_deref().unwrap_or_default();
    let keys = index.key_schema.as_deref().unwrap_or_default();
    check_key_order(keys)?;
    if keys.len() != 2 {
        return Err(invalid(format!(
            "Index KeySchema does not have a range key for index: {name}"
        )));
    }
    let index_hash = keys
        .first()
        .and_then(|k| k.name.as_deref())
        .unwrap_or_default();
    let table_hash = table_keys
        .first()
        .and_then(|k| k.name.as_deref())
        .unwrap_or_default();
    if index_hash != table_hash {
        return Err(invalid(format!(
            "Index KeySchema does not have the same leading hash key as table KeySchema for index: {name}. index hash key: {index_hash}, table hash key: {table_hash}"
        )));
    }
    build_projection(index.projection.as_ref()).map(|_| ())
}

fn check_global_index(index: &IndexSpec, on_demand: bool) -> Result<()> {
    let name = index.name.as_deref().unwrap_or_default();
    check_key_order(index.key_schema.as_deref().unwrap_or_default())?;
    build_projection(index.projection.as_ref())?;
    match (&index.throughput, on_demand) {
        (Some(_), true) => {
            return Err(invalid(format!(
                "ProvisionedThroughput should not be specified for index: {name} when BillingMode is PAY_PER_REQUEST"
            )));
        }
        (None, false) => {
            return Err(invalid(format!(
                "ProvisionedThroughput is not specified for index: {name}"
            )));
        }
        (Some(throughput), false) => check_bounds(throughput)?,
        (None, true) => {}
    }
    let scope = Scope::Index(name);
    if let Some(maximum) = index.maximum {
        check_maximum(maximum, !on_demand, scope, Operation::Create)?;
    }
    if let Some(warm) = index.warm {
        let provisioned = index.throughput.as_ref().map(throughput_of);
        check_initial_warm(warm, provisioned.filter(|_| !on_demand), scope)?;
    }
    Ok(())
}

fn check_indexes<'a>(
    req: &'a Request<'_>,
    keys: &[KeyElementSpec],
    defined: &[&str],
    on_demand: bool,
) -> Result<()> {
    if let Some(list) = &req.local_indexes {
        if list.is_empty() {
            return Err(invalid("List of LocalSecondaryIndexes is empty"));
        }
        if keys.len() != 2 {
            return Err(invalid(
                "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex",
            ));
        }
    }
    if req.global_indexes.as_ref().is_some_and(Vec::is_empty) {
        return Err(invalid("List of GlobalSecondaryIndexes is empty"));
    }
    check_definitions_used(req, keys, defined)?;
    let mut names: Vec<&str> = Vec::new();
    let mut seen = |index: &'a IndexSpec| -> Result<()> {
        let name = index.name.as_deref().unwrap_or_default();
        if names.contains(&name) {
            return Err(invalid(format!("Duplicate index name: {name}")));
        }
        names.push(name);
        Ok(())
    };
    if let Some(list) = &req.local_indexes {
        for index in list {
            check_local_index(index, keys)?;
            seen(index)?;
        }
        if list.len() > MAX_LOCAL_INDEXES {
            return Err(invalid(
                "Number of LocalSecondaryIndexes exceeds per-table limit of 5",
            ));
        }
    }
    if let Some(list) = &req.global_indexes {
        for index in list {
            check_global_index(index, on_demand)?;
            seen(index)?;
        }
        if list.len() > MAX_GLOBAL_INDEXES {
            return Err(invalid(
                "GlobalSecondaryIndex count exceeds the per-table limit of 20",
            ));
        }
    }
    let projected: usize = req
        .local_indexes
        .iter()
        .chain(&req.global_indexes)
        .flatten()
        .filter_map(|i| i.projection.as_ref()?.non_key_attributes.as_ref())
        .map(Vec::len)
        .sum();
    if projected > MAX_PROJECTED_ATTRIBUTES {
        return Err(invalid(
            "Number of projected attributes in all indexes exceeds limit of 100",
        ));
    }
    Ok(())
}

/// Every semantic rule, in DynamoDB's order; returns the validated tags.
fn check_semantics(req: &Request<'_>) -> Result<Vec<(String, String)>> {
    let on_demand = req.billing_mode == Some("PAY_PER_REQUEST");
    match (&req.throughput, on_demand) {
        (Some(_), true) => {
            return Err(invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
            ));
        }
        (None, false) => {
            return Err(invalid(
                "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
            ));
        }
        (Some(throughput), false) => check_bounds(throughput)?,
        (None, true) => {}
    }
    if let Some(maximum) = req.maximum {
        check_maximum(maximum, !on_demand, Scope::Table, Operation::Create)?;
    }
    if let Some(warm) = req.warm {
        let provisioned = req.throughput.as_ref().map(throughput_of);
        check_initial_warm(warm, provisioned.filter(|_| !on_demand), Scope::Table)?;
    }
    let defs = req.attribute_definitions.as_deref().unwrap_or_default();
    let defined: Vec<&str> = defs.iter().filter_map(|d| d.name.as_deref()).collect();
    for (i, name) in defined.iter().enumerate() {
        if defined.iter().take(i).any(|earlier| earlier == name) {
            return Err(DynamoError::validation(format!(
                "Attribute Name is duplicated: {name}"
            )));
        }
    }
    let keys = req.key_schema.as_deref().unwrap_or_default();
    check_table_keys(keys, &defined)?;
    if req.local_indexes.is_none() && req.global_indexes.is_none() {
        if keys.len() != defined.len() {
            return Err(invalid(
                "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
            ));
        }
    } else {
        check_indexes(req, keys, &defined, on_demand)?;
    }
    if let Some(stream) = &req.stream {
        match (stream.is_enabled(), stream.view_type.is_some()) {
            (true, false) => {
                return Err(invalid(
                    "Table is being created with a stream enabled, UpdateViewType is required",
                ));
            }
            (false, true) => {
                return Err(invalid(
                    "Table is being created with a stream disabled, UpdateViewType should not be specified",
                ));
            }
            _ => {}
        }
    }
    if let Some(sse) = &req.sse {
        sse.check()?;
    }
    table_class(req.table_class)?;
    check_tags(&req.tags)
}

fn build_index(
    spec: &IndexSpec,
    kind: IndexKind,
    type_of: &impl Fn(&str) -> Option<ScalarType>,
    provisioned: bool,
) -> Result<IndexDef> {
    let name = spec.name.clone().unwrap_or_default();
    let throughput = match (kind, provisioned) {
        (IndexKind::Global, true) => spec.throughput.as_ref().map(throughput_of),
        _ => None,
    };
    let scope = Scope::Index(&name);
    let warm = match spec.warm {
        Some(warm) => check_initial_warm(warm, throughput, scope)?,
        None => WarmThroughput::initial(throughput),
    };
    let on_demand_maximum = match spec.maximum {
        Some(maximum) => check_maximum(maximum, provisioned, scope, Operation::Create)?,
        None => OnDemandMaximum::default(),
    };
    Ok(IndexDef {
        key_schema: build_key_schema(spec.key_schema.as_deref().unwrap_or_default(), type_of)?,
        projection: build_projection(spec.projection.as_ref())?,
        throughput,
        status: TableStatus::Active,
        backfilling: false,
        on_demand_maximum,
        warm,
        name,
        kind,
    })
}

/// The definition of the new table (the request is known to be valid).
fn build(
    db: &Database,
    req: &Request<'_>,
    tags: Vec<(String, String)>,
    ctx: &RequestContext,
) -> Result<TableDef> {
    let now = ctx.now;
    let name = req.name.unwrap_or_default().to_string();
    let attribute_definitions: Vec<(String, ScalarType)> = req
        .attribute_definitions
        .iter()
        .flatten()
        .filter_map(|d| Some((d.name.clone()?, scalar_type_of(d)?)))
        .collect();
    let type_of = |attr: &str| {
        attribute_definitions
            .iter()
            .find(|(n, _)| n == attr)
            .map(|(_, t)| *t)
    };
    let key_schema: KeySchema =
        build_key_schema(req.key_schema.as_deref().unwrap_or_default(), type_of)?;
    let billing = match &req.throughput {
        Some(t) if req.billing_mode != Some("PAY_PER_REQUEST") => {
            BillingMode::Provisioned(throughput_of(t))
        }
        _ => BillingMode::PayPerRequest,
    };
    let provisioned = matches!(billing, BillingMode::Provisioned(_));
    let warm = match req.warm {
        Some(warm) => check_initial_warm(warm, billing.throughput(), Scope::Table)?,
        None => WarmThroughput::initial(billing.throughput()),
    };
    let on_demand_maximum = match req.maximum {
        Some(maximum) => check_maximum(maximum, provisioned, Scope::Table, Operation::Create)?,
        None => OnDemandMaximum::default(),
    };
    let local_indexes = req
        .local_indexes
        .iter()
        .flatten()
        .map(|i| build_index(i, IndexKind::Local, &type_of, provisioned))
        .collect::<Result<Vec<_>>>()?;
    let global_indexes = req
        .global_indexes
        .iter()
        .flatten()
        .map(|i| build_index(i, IndexKind::Global, &type_of, provisioned))
        .collect::<Result<Vec<_>>>()?;
    let stream = req
        .stream
        .as_ref()
        .filter(|s| s.is_enabled())
        .and_then(|s| {
            Some(StreamSpec {
                view_type: s.view()?,
                label: iso_millis(now),
            })
        });
    Ok(TableDef {
        arn: db.table_arn(&name),
        table_id: db.next_table_id(),
        name,
        key_schema,
        attribute_definitions,
        billing,
        global_indexes,
        local_indexes,
        status: TableStatus::Active,
        created_at: now,
        deletion_protection: req.deletion_protection,
        on_demand_maximum,
        warm,
        last_increase: None,
        last_decrease: None,
        decreases_today: 0,
        decreases_day: 0,
        index_throughput_history: BTreeMap::new(),
        last_update_to_pay_per_request: (!provisioned).then_some(now),
        deletion_protection_changed_at: None,
        latest_stream_label: stream.as_ref().map(|s| s.label.clone()),
        stream,
        sse: req.sse.as_ref().filter(|s| s.wants_kms()).map(|s| SseSpec {
            kms_master_key_arn: s.key_arn(&db.settings),
        }),
        table_class: table_class(req.table_class)?,
        table_class_updated_at: None,
        table_class_changes: Vec::new(),
        ttl_attribute: None,
        ttl_changed_at: None,
        tags: tags.into_iter().collect(),
    })
}

/// The account's quotas: number of tables, then capacity across the account, then per
/// table and per index.
fn check_quotas(db: &Database, def: &TableDef) -> Result<()> {
    let max_tables = db.settings.max_tables;
    if db.tables().count() >= max_tables {
        return Err(DynamoError::new(
            ErrorKind::LimitExceeded,
            format!(
                "Subscriber limit exceeded: There is a limit of {max_tables} tables per subscriber"
            ),
        ));
    }
    let region = &db.settings.region;
    let none = Throughput { read: 0, write: 0 };
    check_account(account_reserved(db), none, reserved_by(def), region)?;
    if let BillingMode::Provisioned(t) = def.billing {
        check_table_max(t, None, region)?;
    }
    for index in &def.global_indexes {
        if let Some(t) = index.throughput {
            check_table_max(t, Some(&index.name), region)?;
        }
    }
    Ok(())
}

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Value> {
    let req = parse(request)?;
    check_shape(&req)?;
    let tags = check_semantics(&req)?;
    let name = req.name.unwrap_or_default();
    if db.table(name).is_some() {
        return Err(DynamoError::new(
            ErrorKind::ResourceInUse,
            format!("Table already exists: {name}"),
        ));
    }
    let mut def = build(db, &req, tags, ctx)?;
    check_quotas(db, &def)?;

    // DynamoDB's answer shows the table (and its indexes) still being created, and warm
    // throughput asked for still being warmed.
    let mut shown = def.clone();
    shown.status = TableStatus::Creating;
    for index in &mut shown.global_indexes {
        index.status = TableStatus::Creating;
    }
    let description = table_description(&shown, &Sizes::default(), ctx.now, View::Created);
    def.warm.status = TableStatus::Active;
    for index in &mut def.global_indexes {
        index.warm.status = TableStatus::Active;
    }
    db.insert_table(Table::new(def));
    Ok(json!({ "TableDescription": description }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::db::{Database, RequestContext, Settings};
    use crate::error::ErrorKind;
    use crate::table::TableStatus;

    fn create(db: &mut Database, name: &str) -> crate::error::Result<serde_json::Value> {
        db.execute(
            "CreateTable",
            &json!({
                "TableName": name,
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            }),
            &RequestContext::default(),
        )
    }

    #[test]
    fn the_table_quota_is_the_accounts() {
        let mut db = Database::new(Settings {
            max_tables: 2,
            ..Settings::default()
        });
        create(&mut db, "one").unwrap();
        create(&mut db, "two").unwrap();
        let err = create(&mut db, "three").unwrap_err();
        assert_eq!(err.kind, ErrorKind::LimitExceeded);
        assert_eq!(
            err.message,
            "Subscriber limit exceeded: There is a limit of 2 tables per subscriber"
        );
        assert_eq!(db.tables().count(), 2);
    }

    #[test]
    fn the_answer_says_creating_while_the_table_is_active() {
        let mut db = Database::default();
        let answer = create(&mut db, "fresh").unwrap();
        assert_eq!(answer["TableDescription"]["TableStatus"], "CREATING");
        assert_eq!(db.table("fresh").unwrap().def.status, TableStatus::Active);
        assert!(db.usable_table("fresh").is_ok());
    }
}
