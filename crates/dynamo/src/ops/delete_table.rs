//! DeleteTable: removes a table, its items and its indexes.
//!
//! A table with deletion protection enabled refuses. DynamoDB answers with the table's
//! description in status DELETING — without its key schema, attribute definitions,
//! creation time or indexes, which DeleteTable's response leaves out — and removes it
//! over the next few seconds. Here the table is gone as soon as the response is written,
//! so a DescribeTable right after is already ResourceNotFoundException and the name can
//! be used again at once.

use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::ops::describe::{Sizes, View, table_description};
use crate::ops::lookup::{table, table_name_only};
use crate::request::Fields;
use crate::table::TableStatus;

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let name = table_name_only(&fields)?;
    let table = table(db, name)?;
    if table.def.deletion_protection {
        return Err(DynamoError::validation(
            "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
        ));
    }
    let mut shown = table.def.clone();
    shown.status = TableStatus::Deleting;
    let description = table_description(&shown, &Sizes::of(table), ctx.now, View::Deleting);
    db.remove_table(name);
    Ok(json!({ "TableDescription": description }))
}
