//! TransactGetItems.

use serde_json::Value;

use crate::db::{Database, RequestContext};
use crate::error::{DynamoError, ErrorKind, Result};

pub(crate) fn execute(_db: &mut Database, _request: &Value, _ctx: &RequestContext) -> Result<Value> {
    Err(DynamoError::new(ErrorKind::UnknownOperation, "TransactGetItems is not built yet"))
}
