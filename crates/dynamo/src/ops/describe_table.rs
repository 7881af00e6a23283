//! DescribeTable: the table as DynamoDB reports it (see [`super::describe`]).

use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::Result;
use crate::ops::describe::describe;
use crate::ops::lookup::{table, table_name_only};
use crate::request::Fields;

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let name = table_name_only(&fields)?;
    let table = table(db, name)?;
    Ok(json!({ "Table": describe(table, ctx.now) }))
}
