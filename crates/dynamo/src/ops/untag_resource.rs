//! UntagResource: removes tags from a table by key.
//!
//! Keys the table does not carry are ignored, but every key must still be a valid tag
//! key — an `aws:` key is refused even though it could never have been set.

use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::ops::tags::{check_arn_shape, check_count, check_key, parse_strings, table_for_arn};
use crate::request::{Fields, Violations};

pub(crate) fn execute(db: &mut Database, request: &Value, _ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let arn = fields.string("ResourceArn")?;
    let keys = match fields.list("TagKeys")? {
        Some(list) => Some(parse_strings(list)?),
        None => None,
    };
    let mut v = Violations::new();
    check_arn_shape(&mut v, arn);
    v.not_null("tagKeys", keys.as_ref());
    v.finish()?;
    let (arn, keys) = (arn.unwrap_or_default(), keys.unwrap_or_default());

    if keys.is_empty() {
        return Err(DynamoError::validation(
            "Atleast one Tag Key needs to be provided as Input.",
        ));
    }
    for key in &keys {
        check_key(Some(key))?;
    }
    check_count(keys.len())?;
    let name = table_for_arn(db, arn)?.def.name.clone();
    let Some(table) = db.table_mut(&name) else {
        return Err(DynamoError::resource_not_found());
    };
    for key in &keys {
        table.def.tags.remove(key);
    }
    Ok(json!({}))
}
