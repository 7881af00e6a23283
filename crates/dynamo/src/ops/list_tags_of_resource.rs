//! ListTagsOfResource: a table's tags.
//!
//! A table carries at most 50 tags and DynamoDB returns them all in one page, so no
//! NextToken is ever returned; a NextToken in the request is accepted and ignored, as
//! DynamoDB ignores one it does not recognise. Tags are listed in key order.

use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::Result;
use crate::ops::tags::{check_arn_shape, table_for_arn};
use crate::request::{Fields, Violations};

pub(crate) fn execute(db: &mut Database, request: &Value, _ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let arn = fields.string("ResourceArn")?;
    fields.string("NextToken")?;
    let mut v = Violations::new();
    check_arn_shape(&mut v, arn);
    v.finish()?;

    let table = table_for_arn(db, arn.unwrap_or_default())?;
    let tags: Vec<Value> = table
        .def
        .tags
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    Ok(json!({ "Tags": tags }))
}
