//! DescribeTimeToLive: whether items expire, and by which attribute.
//!
//! A table that never had Time to Live and one where it was disabled look the same:
//! `{"TimeToLiveStatus": "DISABLED"}` with no attribute name. DynamoDB passes through
//! ENABLING and DISABLING on the way; those phases are too short to observe on a small
//! table and are not modelled.

use serde_json::{Map, Value, json};

use crate::db::{Database, RequestContext};
use crate::error::Result;
use crate::ops::lookup::{table, table_name_only};
use crate::request::Fields;

pub(crate) fn execute(db: &mut Database, request: &Value, _ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let name = table_name_only(&fields)?;
    let table = table(db, name)?;
    let mut description = Map::new();
    match &table.def.ttl_attribute {
        Some(attribute) => {
            description.insert("TimeToLiveStatus".into(), json!("ENABLED"));
            description.insert("AttributeName".into(), json!(attribute));
        }
        None => {
            description.insert("TimeToLiveStatus".into(), json!("DISABLED"));
        }
    }
    Ok(json!({ "TimeToLiveDescription": description }))
}
