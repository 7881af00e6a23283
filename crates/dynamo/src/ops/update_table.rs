//! UpdateTable: changes a table's capacity, billing mode, maximum on-demand or warm
//! throughput, global secondary indexes, stream, encryption, table class or deletion
//! protection.
//!
//! DynamoDB makes one logical change per call. Deletion protection, encryption and the
//! table class must each be the only change in a request; a stream change cannot ride
//! along with a capacity change; an index can be created or deleted only on its own (or
//! with a billing switch or other index updates), one at a time. Re-sending values the
//! table already has is mostly an error ("The provisioned throughput for the table will
//! not change", "Table already has an enabled stream"), except for re-sending
//! PAY_PER_REQUEST or the current table class, which DynamoDB accepts as no-ops.
//!
//! Checks run in DynamoDB's order: shape constraints; whether anything is asked at all;
//! how the members combine; each member's own rules; then the table (not found is named
//! "Table: <name> not found") and the rules that depend on its state; finally the
//! account's quotas (index count, capacity, the daily decrease budget, the table-class
//! budget). Nothing changes unless everything passes.
//!
//! DynamoDB applies most changes asynchronously: its response says UPDATING, echoes the
//! old capacity of a table or index whose throughput is changing and the old table class,
//! shows a new index as CREATING (Backfilling false) and a dropped one as DELETING. The
//! response here says the same, while the change is applied at once and the next
//! DescribeTable shows the table ACTIVE with the new settings — a new index is backfilled
//! from the table's items immediately, not over minutes. Maximum on-demand and warm
//! throughput (see [`super::throughput_settings`]) change without making the table
//! UPDATING; the response echoes the maximums asked for and shows warm throughput asked
//! for as UPDATING.

use dynaplay_sim::SimDuration;
use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::{DynamoError, ErrorKind, Result};
use crate::key::ScalarType;
use crate::ops::calendar::{iso_millis, utc_day};
use crate::ops::describe::{Sizes, View, table_description};
use crate::ops::lookup::table;
use crate::ops::table_options::{BILLING_MODES, SseRequest, StreamRequest, table_class};
use crate::ops::table_spec::{
    AttributeSpec, IndexSpec, ThroughputSpec, build_key_schema, build_projection,
    check_attribute_definitions, check_bounds, check_index, check_key_order, check_throughput,
    invalid, key_names, parse_attribute_definitions, parse_index, parse_throughput, scalar_type_of,
    structure, throughput_of, undefined_keys,
};
use crate::ops::throughput::{
    account_reserved, check_account, check_table_max, record_change, reserved_by,
    set_table_history, table_history,
};
use crate::ops::throughput_settings::{
    Members, Operation, Scope, check_initial_warm, check_maximum, check_warm_update,
    echoed_maximum, merge_maximum, parse_maximum, parse_warm,
};
use crate::request::{Fields, Violations};
use crate::table::def::{SseSpec, StreamSpec, TableClass, TableDef};
use crate::table::{
    BillingMode, IndexDef, IndexKind, OnDemandMaximum, TableStatus, Throughput, WarmThroughput,
};

/// The required-member message, naming every member DynamoDB counts as a change.
const NOTHING_TO_UPDATE: &str = "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required";
const MAX_GLOBAL_INDEXES: usize = 20;
const DELETION_PROTECTION_COOLDOWN: SimDuration = SimDuration::from_secs(15);
const TABLE_CLASS_WINDOW: SimDuration = SimDuration::from_secs(30 * 86_400);
const TABLE_CLASS_CHANGES: usize = 2;

/// A GlobalSecondaryIndexUpdate's Update action as given.
#[derive(Debug, Default)]
struct IndexUpdate {
    name: Option<String>,
    throughput: Option<ThroughputSpec>,
    maximum: Option<Members>,
    warm: Option<Members>,
}

/// One entry of GlobalSecondaryIndexUpdates, each action as given.
#[derive(Debug, Default)]
struct GsiUpdate {
    create: Option<IndexSpec>,
    update: Option<IndexUpdate>,
    delete: Option<Option<String>>,
}

impl GsiUpdate {
    fn actions(&self) -> usize {
        usize::from(self.create.is_some())
            + usize::from(self.update.is_some())
            + usize::from(self.delete.is_some())
    }

    fn index_name(&self) -> Option<&str> {
        match (&self.create, &self.update, &self.delete) {
            (Some(create), _, _) => create.name.as_deref(),
            (_, Some(update), _) => update.name.as_deref(),
            (_, _, Some(name)) => name.as_deref(),
            _ => None,
        }
    }
}

struct Request<'a> {
    name: Option<&'a str>,
    attribute_definitions: Option<Vec<AttributeSpec>>,
    billing_mode: Option<&'a str>,
    throughput: Option<ThroughputSpec>,
    gsi_updates: Option<Vec<GsiUpdate>>,
    stream: Option<StreamRequest>,
    sse: Option<SseRequest>,
    table_class: Option<&'a str>,
    deletion_protection: Option<bool>,
    maximum: Option<Members>,
    warm: Option<Members>,
}

fn parse_gsi_update(value: &Value) -> Result<GsiUpdate> {
    let fields = structure(value)?;
    let update = match fields.object("Update")? {
        Some(map) => {
            let inner = Fields::of_map(map);
            Some(IndexUpdate {
                name: inner.string("IndexName")?.map(str::to_string),
                throughput: parse_throughput(&inner, "ProvisionedThroughput")?,
                maximum: parse_maximum(&inner)?,
                warm: parse_warm(&inner)?,
            })
        }
        None => None,
    };
    let delete = match fields.object("Delete")? {
        Some(map) => Some(Fields::of_map(map).string("IndexName")?.map(str::to_string)),
        None => None,
    };
    let create = match fields.raw("Create") {
        Some(value @ Value::Object(_)) => Some(parse_index(value, true)?),
        Some(_) => {
            fields.object("Create")?;
            None
        }
        None => None,
    };
    Ok(GsiUpdate {
        create,
        update,
        delete,
    })
}

fn parse(request: &Value) -> Result<Request<'_>> {
    let fields = Fields::of(request)?;
    Ok(Request {
        name: fields.string("TableName")?,
        attribute_definitions: match fields.list("AttributeDefinitions")? {
            Some(list) => Some(parse_attribute_definitions(list)?),
            None => None,
        },
        billing_mode: fields.string("BillingMode")?,
        throughput: parse_throughput(&fields, "ProvisionedThroughput")?,
        gsi_updates: match fields.list("GlobalSecondaryIndexUpdates")? {
            Some(list) => Some(list.iter().map(parse_gsi_update).collect::<Result<_>>()?),
            None => None,
        },
        stream: StreamRequest::parse(&fields)?,
        sse: SseRequest::parse(&fields)?,
        table_class: fields.string("TableClass")?,
        deletion_protection: fields.boolean("DeletionProtectionEnabled")?,
        maximum: parse_maximum(&fields)?,
        warm: parse_warm(&fields)?,
    })
}

fn check_shape(req: &Request<'_>) -> Result<()> {
    let mut v = Violations::new();
    v.name("tableName", req.name, true);
    if let Some(defs) = &req.attribute_definitions {
        check_attribute_definitions(&mut v, Some(defs));
    }
    v.one_of("billingMode", req.billing_mode, &BILLING_MODES);
    if let Some(throughput) = &req.throughput {
        check_throughput(&mut v, "provisionedThroughput", throughput);
    }
    for (i, entry) in req.gsi_updates.iter().flatten().enumerate() {
        let member = format!("globalSecondaryIndexUpdates.{}.member", i + 1);
        if let Some(update) = &entry.update {
            v.name(
                &format!("{member}.update.indexName"),
                update.name.as_deref(),
                true,
            );
            if let Some(throughput) = &update.throughput {
                check_throughput(
                    &mut v,
                    &format!("{member}.update.provisionedThroughput"),
                    throughput,
                );
            }
        }
        if let Some(create) = &entry.create {
            check_index(&mut v, &format!("{member}.create"), create);
        }
        if let Some(name) = &entry.delete {
            v.name(&format!("{member}.delete.indexName"), name.as_deref(), true);
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

/// How the request's members combine, and each member's own rules (no table needed).
fn check_request(req: &Request<'_>) -> Result<()> {
    let gsi_empty = req.gsi_updates.as_ref().is_some_and(Vec::is_empty);
    let present = [
        req.throughput.is_some(),
        req.billing_mode.is_some(),
        req.stream.is_some(),
        req.gsi_updates.as_ref().is_some_and(|l| !l.is_empty()),
        req.sse.is_some(),
        req.deletion_protection.is_some(),
        req.table_class.is_some(),
        req.maximum.is_some(),
        req.warm.is_some(),
    ];
    let count = present.iter().filter(|p| **p).count();
    if count == 0 {
        return Err(DynamoError::validation(NOTHING_TO_UPDATE));
    }
    if gsi_empty {
        return Err(invalid("List of GlobalSecondaryIndexUpdates is empty"));
    }
    if count > 1 {
        let exclusive = [
            (req.sse.is_some(), "Server-Side Encryption"),
            (req.table_class.is_some(), "TableClass"),
            (req.deletion_protection.is_some(), "DeletionProtection"),
        ];
        if let Some((_, what)) = exclusive.iter().find(|(given, _)| *given) {
            return Err(invalid(format!(
                "{what} modification must be the only operation in the request"
            )));
        }
    }
    let iops = req.throughput.is_some() || req.billing_mode == Some("PROVISIONED");
    if req.stream.is_some() && iops {
        return Err(invalid(
            "You cannot modify stream status while updating table IOPS",
        ));
    }
    let updates = req.gsi_updates.as_deref().unwrap_or_default();
    let mut seen: Vec<&str> = Vec::new();
    for entry in updates {
        match entry.actions() {
            0 => {
                return Err(invalid(
                    "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null",
                ));
            }
            1 => {}
            _ => {
                return Err(invalid(
                    "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object",
                ));
            }
        }
        let name = entry.index_name().unwrap_or_default();
        if seen.contains(&name) {
            return Err(invalid(format!(
                "Only one global secondary index update per index is allowed simultaneously. Index: {name}"
            )));
        }
        seen.push(name);
    }
    let creates_or_deletes = updates
        .iter()
        .any(|u| u.create.is_some() || u.delete.is_some());
    if creates_or_deletes && req.throughput.is_some() {
        return Err(invalid(
            "You cannot create or delete index while updating table IOPS",
        ));
    }
    if creates_or_deletes && req.stream.is_some() {
        return Err(invalid(
            "You cannot create or delete index while changing stream status",
        ));
    }
    if let Some(stream) = &req.stream {
        match (stream.is_enabled(), stream.view_type.is_some()) {
            (true, false) => {
                return Err(invalid(
                    "If stream is being enabled then UpdateViewType is required",
                ));
            }
            (false, true) => {
                return Err(invalid(
                    "If stream is being disabled, then UpdateViewType must not be specified",
                ));
            }
            _ => {}
        }
    }
    if let Some(sse) = &req.sse {
        sse.check()?;
    }
    table_class(req.table_class)?;
    if let Some(throughput) = &req.throughput {
        check_bounds(throughput)?;
    }
    for entry in updates {
        if let Some(throughput) = entry.update.as_ref().and_then(|u| u.throughput.as_ref()) {
            check_bounds(throughput)?;
        }
        if let Some(throughput) = entry.create.as_ref().and_then(|c| c.throughput.as_ref()) {
            check_bounds(throughput)?;
        }
    }
    Ok(())
}

fn will_not_change(what: &str, current: Throughput, requested: Throughput) -> DynamoError {
    DynamoError::validation(format!(
        "The provisioned throughput for the {what} will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for {the}: {}. Requested ReadCapacityUnits: {}. Current WriteCapacityUnits provisioned for {the}: {}. Requested WriteCapacityUnits: {}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
        current.read,
        requested.read,
        current.write,
        requested.write,
        the = if what == "table" {
            "the table".to_string()
        } else {
            what.to_string()
        },
    ))
}

/// The table's billing after the request, with the errors of a bad combination.
fn new_billing(req: &Request<'_>, def: &TableDef) -> Result<BillingMode> {
    let requested = req.throughput.as_ref().map(throughput_of);
    match (def.billing, req.billing_mode, requested) {
        (BillingMode::PayPerRequest, None | Some("PAY_PER_REQUEST"), Some(_)) => Err(invalid(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        )),
        (BillingMode::Provisioned(_), Some("PAY_PER_REQUEST"), Some(_)) => Err(invalid(
            "ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST",
        )),
        (_, Some("PROVISIONED"), None) => Err(invalid(
            "ProvisionedThroughput must be specified when BillingMode is PROVISIONED",
        )),
        (BillingMode::Provisioned(current), _, Some(requested)) if current == requested => {
            Err(will_not_change("table", current, requested))
        }
        (_, Some("PAY_PER_REQUEST"), None) => Ok(BillingMode::PayPerRequest),
        (_, _, Some(requested)) => Ok(BillingMode::Provisioned(requested)),
        (current, _, None) => Ok(current),
    }
}

fn index_not_found(index: &str, table: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::ResourceNotFound,
        format!("Requested resource not found: Index {index} for table {table}"),
    )
}

/// A GSI Create action, checked against the table: the new index.
fn new_index(
    req: &Request<'_>,
    def: &TableDef,
    spec: &IndexSpec,
    provisioned: bool,
) -> Result<IndexDef> {
    let name = spec.name.clone().unwrap_or_default();
    if def.index(&name).is_some() {
        return Err(DynamoError::validation(
            "Attempting to create an index which already exists",
        ));
    }
    let Some(defs) = &req.attribute_definitions else {
        return Err(invalid(format!(
            "AttributeDefinitions is not specified for index: {name}"
        )));
    };
    let keys = spec.key_schema.as_deref().unwrap_or_default();
    let type_of = |attr: &str| -> Option<ScalarType> {
        def.attribute_definitions
            .iter()
            .find(|(n, _)| n == attr)
            .map(|(_, t)| *t)
            .or_else(|| {
                defs.iter()
                    .find(|d| d.name.as_deref() == Some(attr))
                    .and_then(scalar_type_of)
            })
    };
    let names = key_names(keys);
    if names.iter().any(|n| type_of(n).is_none()) {
        let defined: Vec<&str> = defs.iter().filter_map(|d| d.name.as_deref()).collect();
        return Err(undefined_keys(&names, &defined));
    }
    check_key_order(keys)?;
    let projection = build_projection(spec.projection.as_ref())?;
    let throughput = match (provisioned, &spec.throughput) {
        (true, None) => {
            return Err(invalid(format!(
                "Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: {name}"
            )));
        }
        (false, Some(_)) => {
            return Err(invalid(format!(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: {name} when BillingMode is PAY_PER_REQUEST"
            )));
        }
        (true, Some(t)) => Some(throughput_of(t)),
        (false, None) => None,
    };
    let scope = Scope::Index(&name);
    let on_demand_maximum = match spec.maximum {
        Some(maximum) => merge_maximum(
            OnDemandMaximum::default(),
            check_maximum(maximum, provisioned, scope, Operation::Update)?,
        ),
        None => OnDemandMaximum::default(),
    };
    let warm = match spec.warm {
        Some(warm) => check_initial_warm(warm, throughput, scope)?,
        None => WarmThroughput::initial(throughput),
    };
    Ok(IndexDef {
        name,
        kind: IndexKind::Global,
        key_schema: build_key_schema(keys, type_of)?,
        projection,
        throughput,
        status: TableStatus::Active,
        backfilling: false,
        on_demand_maximum,
        warm,
    })
}

/// What the request will do to the table, worked out and checked before anything changes.
struct Plan {
    def: TableDef,
    /// The response's description (old capacities, transitional statuses).
    shown: TableDef,
    created: Option<IndexDef>,
    deleted: Option<String>,
    to_on_demand: bool,
}

fn plan(db: &Database, req: &Request<'_>, ctx: &RequestContext) -> Result<Plan> {
    let now = ctx.now;
    let table_name = req.name.unwrap_or_default();
    let old = &table(db, table_name)?.def;
    let mut def = old.clone();
    let billing = new_billing(req, old)?;
    let provisioned = matches!(billing, BillingMode::Provisioned(_));
    let switching = billing.name() != old.billing.name();

    // The table's maximum on-demand throughput and warm throughput.
    let maximum = req
        .maximum
        .map(|maximum| check_maximum(maximum, provisioned, Scope::Table, Operation::Update))
        .transpose()?;
    let warm = req
        .warm
        .map(|warm| check_warm_update(warm, old.warm, Scope::Table))
        .transpose()?;

    // Global secondary index actions, in request order.
    let updates = req.gsi_updates.as_deref().unwrap_or_default();
    let mut created: Option<IndexDef> = None;
    let mut deleted: Option<String> = None;
    let mut index_changes: Vec<(String, Throughput)> = Vec::new();
    let mut index_maximums: Vec<(String, OnDemandMaximum)> = Vec::new();
    let mut index_warms: Vec<(String, WarmThroughput)> = Vec::new();
    let mut creates_and_deletes = 0;
    for entry in updates {
        if let Some(update) = &entry.update {
            let name = update.name.clone().unwrap_or_default();
            let Some(index) = old.global_indexes.iter().find(|i| i.name == name) else {
                return Err(match old.index(&name) {
                    Some(_) => DynamoError::validation(format!(
                        "Cannot update an index that is not a GlobalSecondaryIndex: {name}"
                    )),
                    None => index_not_found(&name, table_name),
                });
            };
            let settings_only = update.maximum.is_some() || update.warm.is_some();
            let requested = match (provisioned, &update.throughput) {
                (_, None) if settings_only => None,
                (false, _) => {
                    return Err(invalid(format!(
                        "The only Updates for index: {name} when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput"
                    )));
                }
                (true, None) => {
                    return Err(invalid(format!(
                        "Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: {name}"
                    )));
                }
                (true, Some(t)) => Some(throughput_of(t)),
            };
            if let Some(requested) = requested {
                if let Some(current) = index.throughput.filter(|c| *c == requested) {
                    return Err(will_not_change(
                        &format!("index {name}"),
                        current,
                        requested,
                    ));
                }
                index_changes.push((name.clone(), requested));
            }
            let scope = Scope::Index(&name);
            if let Some(maximum) = update.maximum {
                let maximum = check_maximum(maximum, provisioned, scope, Operation::Update)?;
                index_maximums.push((name.clone(), maximum));
            }
            if let Some(warm) = update.warm {
                index_warms.push((name.clone(), check_warm_update(warm, index.warm, scope)?));
            }
        }
        if let Some(name) = &entry.delete {
            let name = name.clone().unwrap_or_default();
            if !old.global_indexes.iter().any(|i| i.name == name) {
                return Err(match old.index(&name) {
                    Some(_) => DynamoError::validation(format!(
                        "Cannot delete an index that is not a GlobalSecondaryIndex: {name}"
                    )),
                    None => index_not_found(&name, table_name),
                });
            }
            creates_and_deletes += 1;
            deleted = Some(name);
        }
        if let Some(spec) = &entry.create {
            created = Some(new_index(req, old, spec, provisioned)?);
            creates_and_deletes += 1;
        }
    }
    // Switching to provisioned needs capacity for every remaining index.
    if provisioned && switching {
        for index in &old.global_indexes {
            let kept = deleted.as_deref() != Some(index.name.as_str());
            if kept && !index_changes.iter().any(|(n, _)| *n == index.name) {
                return Err(invalid(format!(
                    "ProvisionedThroughput must be specified for index: {}",
                    index.name
                )));
            }
        }
    }

    // Stream, encryption, table class, deletion protection.
    if let Some(stream) = &req.stream {
        match (stream.is_enabled(), &old.stream) {
            (true, Some(_)) => {
                return Err(DynamoError::validation(format!(
                    "Table already has an enabled stream: TableName: {table_name}"
                )));
            }
            (false, None) => {
                return Err(DynamoError::validation(format!(
                    "Table has no stream to disable: TableName: {table_name}"
                )));
            }
            (true, None) => {
                let label = iso_millis(now);
                def.stream = stream.view().map(|view_type| StreamSpec {
                    view_type,
                    label: label.clone(),
                });
                def.latest_stream_label = Some(label);
            }
            (false, Some(_)) => def.stream = None,
        }
    }
    if let Some(sse) = &req.sse {
        if sse.wants_kms() {
            let arn = sse.key_arn(&db.settings);
            let resend = sse.kms_master_key_id.as_deref() == Some(arn.as_str());
            if resend
                && old
                    .sse
                    .as_ref()
                    .is_some_and(|s| s.kms_master_key_arn == arn)
            {
                return Err(invalid(
                    "Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to change Master Key",
                ));
            }
            def.sse = Some(SseSpec {
                kms_master_key_arn: arn,
            });
        } else if old.sse.is_none() {
            return Err(invalid("Table is already encrypted by default"));
        } else {
            def.sse = None;
        }
    }
    if let Some(class) = table_class(req.table_class)?
        && class != old.table_class.unwrap_or(TableClass::Standard)
    {
        let recent = old
            .table_class_changes
            .iter()
            .filter(|at| now < at.saturating_add(TABLE_CLASS_WINDOW))
            .count();
        if recent >= TABLE_CLASS_CHANGES {
            return Err(DynamoError::new(
                ErrorKind::LimitExceeded,
                "Updates to TableClass are limited to 2 times in 30 day(s).",
            ));
        }
        def.table_class = Some(class);
        def.table_class_updated_at = Some(now);
        def.table_class_changes.push(now);
    }
    if let Some(enabled) = req.deletion_protection {
        if let Some(at) = old.deletion_protection_changed_at {
            let until = at.saturating_add(DELETION_PROTECTION_COOLDOWN);
            if now < until {
                return Err(DynamoError::new(
                    ErrorKind::Throttling,
                    format!(
                        "Deletion protection setting for table {table_name} modified within the previous 15000 milliseconds. Please try again after {}",
                        iso_millis(until)
                    ),
                ));
            }
        }
        def.deletion_protection = enabled;
        def.deletion_protection_changed_at = Some(now);
    }

    // Quotas: index count, then capacity, then the decrease budgets.
    if creates_and_deletes > 1 {
        return Err(DynamoError::new(
            ErrorKind::LimitExceeded,
            "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table",
        ));
    }
    if created.is_some() && old.global_indexes.len() >= MAX_GLOBAL_INDEXES {
        return Err(DynamoError::new(
            ErrorKind::LimitExceeded,
            "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 20",
        ));
    }
    def.billing = billing;
    if switching && !provisioned {
        def.last_update_to_pay_per_request = Some(now);
    }
    // A provisioned table has no maximums; warm throughput follows the capacity up.
    let maximum = maximum.unwrap_or_default();
    def.on_demand_maximum = if provisioned {
        OnDemandMaximum::default()
    } else {
        merge_maximum(old.on_demand_maximum, maximum)
    };
    def.warm = warm.unwrap_or(old.warm).at_least(billing.throughput());
    for index in &mut def.global_indexes {
        index.throughput = if provisioned {
            index_changes
                .iter()
                .find(|(n, _)| *n == index.name)
                .map(|(_, t)| *t)
                .or(index.throughput)
        } else {
            None
        };
        let requested = index_maximums.iter().find(|(n, _)| *n == index.name);
        index.on_demand_maximum = match requested {
            _ if provisioned => OnDemandMaximum::default(),
            Some((_, update)) => merge_maximum(index.on_demand_maximum, *update),
            None => index.on_demand_maximum,
        };
        let warm = index_warms.iter().find(|(n, _)| *n == index.name);
        index.warm = warm
            .map_or(index.warm, |(_, warm)| *warm)
            .at_least(index.throughput);
    }
    if let Some(index) = &created {
        def.global_indexes.push(index.clone());
    }
    if let Some(name) = &deleted {
        def.global_indexes.retain(|i| &i.name != name);
    }
    let region = &db.settings.region;
    check_account(
        account_reserved(db),
        reserved_by(old),
        reserved_by(&def),
        region,
    )?;
    if let BillingMode::Provisioned(t) = def.billing {
        check_table_max(t, None, region)?;
    }
    for index in &def.global_indexes {
        if let Some(t) = index.throughput {
            check_table_max(t, Some(&index.name), region)?;
        }
    }
    if let (BillingMode::Provisioned(from), BillingMode::Provisioned(to)) =
        (old.billing, def.billing)
    {
        let mut history = table_history(old);
        record_change(&mut history, from, to, now)?;
        set_table_history(&mut def, history);
    }
    for (name, to) in &index_changes {
        let from = old
            .global_indexes
            .iter()
            .find(|i| &i.name == name)
            .and_then(|i| i.throughput);
        if let Some(from) = from {
            let history = def
                .index_throughput_history
                .entry(name.clone())
                .or_default();
            record_change(history, from, *to, now)?;
        }
    }
    if let Some(index) = &created {
        def.index_throughput_history.remove(&index.name);
    }
    if let Some(name) = &deleted {
        def.index_throughput_history.remove(name);
    }
    prune_attribute_definitions(&mut def, req);

    let updating = req.throughput.is_some()
        || req.billing_mode.is_some()
        || req.stream.is_some()
        || req.table_class.is_some()
        || creates_and_deletes > 0;
    let mut shown = shown_in_response(
        old,
        &def,
        &index_changes,
        created.as_ref(),
        deleted.as_deref(),
        updating,
        now,
    );
    // The response echoes the maximums asked for, removals as -1, and warm throughput
    // asked for as being warmed; warm throughput that follows a capacity change rises only
    // once the change is done, so the answer still shows the old one.
    if warm.is_none() {
        shown.warm = old.warm;
    }
    for index in &mut shown.global_indexes {
        let requested = index_warms.iter().any(|(n, _)| *n == index.name);
        if let Some(before) = old.global_indexes.iter().find(|i| i.name == index.name)
            && !requested
        {
            index.warm = before.warm;
        }
    }
    if !provisioned {
        shown.on_demand_maximum = echoed_maximum(old.on_demand_maximum, maximum);
        for index in &mut shown.global_indexes {
            let before = old.global_indexes.iter().find(|i| i.name == index.name);
            if let (Some((_, update)), Some(before)) = (
                index_maximums.iter().find(|(n, _)| *n == index.name),
                before,
            ) {
                index.on_demand_maximum = echoed_maximum(before.on_demand_maximum, *update);
            }
        }
    }
    def.warm.status = TableStatus::Active;
    for index in def.global_indexes.iter_mut().chain(created.as_mut()) {
        index.warm.status = TableStatus::Active;
    }
    def.global_indexes
        .retain(|i| created.as_ref().is_none_or(|c| c.name != i.name));
    Ok(Plan {
        def,
        shown,
        created,
        deleted,
        to_on_demand: switching && !provisioned,
    })
}

/// Attribute definitions are exactly the key attributes of the table and its indexes: a
/// new index adds its own, a dropped index takes its away.
fn prune_attribute_definitions(def: &mut TableDef, req: &Request<'_>) {
    let mut used: Vec<String> = def.key_schema.names().map(str::to_string).collect();
    for index in def.indexes() {
        used.extend(index.key_schema.names().map(str::to_string));
    }
    for name in &used {
        if !def.attribute_definitions.iter().any(|(n, _)| n == name) {
            let declared = req
                .attribute_definitions
                .iter()
                .flatten()
                .find(|d| d.name.as_deref() == Some(name.as_str()))
                .and_then(scalar_type_of);
            if let Some(t) = declared {
                def.attribute_definitions.push((name.clone(), t));
            }
        }
    }
    def.attribute_definitions.retain(|(n, _)| used.contains(n));
}

/// The table as UpdateTable's response shows it: changing capacities still at their
/// old values, the old table class, and transitional statuses.
fn shown_in_response(
    old: &TableDef,
    new: &TableDef,
    index_changes: &[(String, Throughput)],
    created: Option<&IndexDef>,
    deleted: Option<&str>,
    updating: bool,
    now: dynaplay_sim::SimTime,
) -> TableDef {
    let mut shown = new.clone();
    shown.status = if updating {
        TableStatus::Updating
    } else {
        TableStatus::Active
    };
    if let (BillingMode::Provisioned(_), BillingMode::Provisioned(_)) = (old.billing, new.billing) {
        shown.billing = old.billing;
        shown.decreases_today = if old.decreases_day == utc_day(now) {
            old.decreases_today
        } else {
            0
        };
        shown.decreases_day = utc_day(now);
    }
    shown.table_class = old.table_class;
    shown.table_class_updated_at = old.table_class_updated_at;
    for index in &mut shown.global_indexes {
        if index_changes.iter().any(|(n, _)| *n == index.name) {
            index.status = TableStatus::Updating;
            // A capacity change echoes the old capacity; a switch from on-demand shows
            // the new one straight away.
            let before = old.global_indexes.iter().find(|i| i.name == index.name);
            if let Some(previous) = before.and_then(|i| i.throughput) {
                index.throughput = Some(previous);
            }
            if let (Some(history), Some(old_history)) = (
                shown.index_throughput_history.get_mut(&index.name),
                old.index_throughput_history.get(&index.name),
            ) {
                history.decreases_today = old_history.decreases_today;
                history.decreases_day = old_history.decreases_day;
            } else if let Some(history) = shown.index_throughput_history.get_mut(&index.name) {
                history.decreases_today = 0;
            }
        }
        if created.is_some_and(|c| c.name == index.name) {
            index.status = TableStatus::Creating;
            index.backfilling = false;
        }
    }
    if let Some(name) = deleted
        && let Some(position) = old.global_indexes.iter().position(|i| i.name == name)
        && let Some(index) = old.global_indexes.get(position)
    {
        let mut dying = index.clone();
        dying.status = TableStatus::Deleting;
        let at = position.min(shown.global_indexes.len());
        shown.global_indexes.insert(at, dying);
    }
    shown
}

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Value> {
    let req = parse(request)?;
    check_shape(&req)?;
    check_request(&req)?;
    let plan = plan(db, &req, ctx)?;
    let name = req.name.unwrap_or_default();
    let Some(table) = db.table_mut(name) else {
        return Err(DynamoError::resource_not_found());
    };
    let sizes = Sizes::of(table);
    let view = View::Updated {
        to_on_demand: plan.to_on_demand,
    };
    let description = table_description(&plan.shown, &sizes, ctx.now, view);
    if let Some(index) = &plan.deleted {
        table.remove_global_index(index);
    }
    table.def = plan.def;
    if let Some(index) = plan.created {
        table.add_global_index(index);
    }
    Ok(json!({ "TableDescription": description }))
}
