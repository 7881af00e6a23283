//! TagResource: adds tags to a table, or changes the values of existing keys.
//!
//! The whole request is validated before anything is applied (see [`super::tags`]); the
//! 50-tag limit counts the table's tags after the merge, so re-tagging existing keys is
//! fine at 50 while any new key is not.

use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::ops::tags::{check_arn_shape, check_count, check_tags, parse_tags, table_for_arn};
use crate::request::{Fields, Violations};

pub(crate) fn execute(db: &mut Database, request: &Value, _ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let arn = fields.string("ResourceArn")?;
    let tags = match fields.list("Tags")? {
        Some(list) => Some(parse_tags(list)?),
        None => None,
    };
    let mut v = Violations::new();
    check_arn_shape(&mut v, arn);
    v.not_null("tags", tags.as_ref());
    v.finish()?;
    let (arn, tags) = (arn.unwrap_or_default(), tags.unwrap_or_default());

    if tags.is_empty() {
        return Err(DynamoError::validation(
            "Atleast one Tag needs to be provided as Input.",
        ));
    }
    let tags = check_tags(&tags)?;
    let name = table_for_arn(db, arn)?.def.name.clone();
    let Some(table) = db.table_mut(&name) else {
        return Err(DynamoError::resource_not_found());
    };
    let mut merged = table.def.tags.clone();
    merged.extend(tags);
    check_count(merged.len())?;
    table.def.tags = merged;
    Ok(json!({}))
}
