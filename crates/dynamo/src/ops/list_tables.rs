//! ListTables: table names, a page at a time.
//!
//! Names come in ascending order of their bytes (upper case before lower case), at most
//! `Limit` (1..=100, default 100) per page, starting after `ExclusiveStartTableName` —
//! which need not name an existing table. `LastEvaluatedTableName` is present exactly
//! when more names follow the page.

use serde_json::{Map, Value, json};

use crate::db::{Database, RequestContext};
use crate::error::Result;
use crate::request::{Fields, Violations};

const MAX_LIMIT: i64 = 100;

pub(crate) fn execute(db: &mut Database, request: &Value, _ctx: &RequestContext) -> Result<Value> {
    let fields = Fields::of(request)?;
    let start = fields.string("ExclusiveStartTableName")?;
    let limit = fields.integer("Limit")?;
    let mut v = Violations::new();
    v.name("exclusiveStartTableName", start, false);
    v.at_least("limit", limit, 1);
    v.at_most("limit", limit, MAX_LIMIT);
    v.finish()?;

    let limit = usize::try_from(limit.unwrap_or(MAX_LIMIT)).unwrap_or(0);
    let mut after = db
        .table_names()
        .filter(|name| start.is_none_or(|s| *name > s));
    let page: Vec<&str> = after.by_ref().take(limit).collect();
    let more = after.next().is_some();
    let mut out = Map::new();
    out.insert("TableNames".into(), json!(page));
    if more && let Some(last) = page.last() {
        out.insert("LastEvaluatedTableName".into(), json!(last));
    }
    Ok(Value::Object(out))
}
