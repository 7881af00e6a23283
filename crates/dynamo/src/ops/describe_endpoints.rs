//! DescribeEndpoints: where SDKs that discover endpoints should send requests.
//!
//! DynamoDB names its regional endpoint and asks clients to cache the answer for a day
//! (1440 minutes). The simulator gives the same answer for its configured region; SDKs
//! pointed at a local endpoint do not call this operation.

use serde_json::{Value, json};

use crate::db::{Database, RequestContext};
use crate::error::Result;
use crate::request::Fields;

pub(crate) fn execute(db: &mut Database, request: &Value, _ctx: &RequestContext) -> Result<Value> {
    Fields::of(request)?;
    Ok(json!({
        "Endpoints": [{
            "Address": format!("dynamodb.{}.amazonaws.com", db.settings.region),
            "CachePeriodInMinutes": 1440,
        }]
    }))
}
