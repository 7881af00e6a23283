//! DescribeLimits: the account's capacity quotas in this region.
//!
//! The numbers are DynamoDB's default quotas, the same ones CreateTable and UpdateTable
//! enforce (see [`super::throughput`]). DescribeLimits reports quotas, not headroom: they
//! do not shrink as tables reserve capacity.

use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::Result;
use crate::ops::throughput::{ACCOUNT_MAX_CAPACITY, TABLE_MAX_CAPACITY};
use crate::request::Fields;

pub(crate) fn execute(_db: &mut Database, request: &Value, _ctx: &RequestContext) -> Result<Value> {
    Fields::of(request)?;
    Ok(json!({
        "AccountMaxReadCapacityUnits": ACCOUNT_MAX_CAPACITY,
        "AccountMaxWriteCapacityUnits": ACCOUNT_MAX_CAPACITY,
        "TableMaxReadCapacityUnits": TABLE_MAX_CAPACITY,
        "TableMaxWriteCapacityUnits": TABLE_MAX_CAPACITY,
    }))
}
