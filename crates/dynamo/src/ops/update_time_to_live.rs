//! UpdateTimeToLive: turns item expiry on (naming the attribute that holds each item's
//! expiry time) or off.
//!
//! DynamoDB refuses changes that change nothing ("TimeToLive is already enabled"), will
//! not switch the attribute while enabled (disable first, naming the current attribute),
//! and after any change refuses further changes for a while: "It can take up to one hour
//! for the change to fully process", says the API reference, and calls within that hour
//! fail with "Time to live has been modified multiple times within a fixed interval".
//! Those content checks come before the cooldown check, as DynamoDB's do.
//!
//! Only the setting is stored; deleting expired items is not part of the simulation yet.

use dynaplay_sim::SimDuration;
use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::ops::lookup::table_mut;
use crate::request::{Fields, Violations};

/// How long after a change further changes are refused.
const COOLDOWN: SimDuration = SimDuration::from_secs(3600);

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let name = fields.string("TableName")?;
    let spec = fields
        .object("TimeToLiveSpecification")?
        .map(Fields::of_map);
    let (enabled, attribute) = match &spec {
        Some(spec) => (spec.boolean("Enabled")?, spec.string("AttributeName")?),
        None => (None, None),
    };
    let mut v = Violations::new();
    v.name("tableName", name, true);
    if spec.is_none() {
        v.not_null::<()>("timeToLiveSpecification", None);
    } else {
        let path = "timeToLiveSpecification.attributeName";
        v.not_null(path, attribute);
        match attribute.map(|a| a.chars().count()) {
            Some(0) => v.push(
                attribute,
                path,
                "Member must have length greater than or equal to 1",
            ),
            Some(n) if n > 255 => v.push(
                attribute,
                path,
                "Member must have length less than or equal to 255",
            ),
            _ => {}
        }
        v.not_null("timeToLiveSpecification.enabled", enabled);
    }
    v.finish()?;
    let (name, enabled, attribute) = (
        name.unwrap_or_default(),
        enabled.unwrap_or(false),
        attribute.unwrap_or_default(),
    );

    let table = table_mut(db, name)?;
    let def = &mut table.def;
    match (&def.ttl_attribute, enabled) {
        (Some(current), true) if current == attribute => {
            return Err(DynamoError::validation("TimeToLive is already enabled"));
        }
        (None, false) => return Err(DynamoError::validation("TimeToLive is already disabled")),
        (Some(current), _) if current != attribute => {
            return Err(DynamoError::validation(format!(
                "TimeToLive is active on a different AttributeName: current AttributeName is {current}"
            )));
        }
        _ => {}
    }
    if def
        .ttl_changed_at
        .is_some_and(|at| ctx.now < at.saturating_add(COOLDOWN))
    {
        return Err(DynamoError::validation(
            "Time to live has been modified multiple times within a fixed interval",
        ));
    }
    def.ttl_attribute = enabled.then(|| attribute.to_string());
    def.ttl_changed_at = Some(ctx.now);
    Ok(json!({
        "TimeToLiveSpecification": { "Enabled": enabled, "AttributeName": attribute }
    }))
}
