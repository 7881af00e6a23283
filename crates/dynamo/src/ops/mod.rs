//! The operations, one file each, and the dispatch from an operation's name.
//!
//! Every operation has the same signature: it reads its request body (see
//! [`crate::request`]), validates all of it before touching anything, and then either
//! fails with the error DynamoDB would give or applies its change and renders the
//! response. Shared behaviour lives in modules beside them.

mod batch_get_item;
mod batch_write_item;
mod calendar;
mod create_table;
mod delete_item;
mod delete_table;
pub mod describe;
mod describe_endpoints;
mod describe_limits;
mod describe_table;
mod describe_time_to_live;
pub(crate) mod echo;
mod get_item;
pub(crate) mod item_collection;
pub(crate) mod item_expressions;
#[cfg(test)]
mod item_fixtures;
pub(crate) mod item_read;
pub(crate) mod item_request;
pub(crate) mod legacy;
mod list_tables;
mod list_tags_of_resource;
mod lookup;
mod put_item;
mod query;
#[cfg(test)]
mod read_fixtures;
mod read_legacy;
mod read_page;
mod read_request;
mod scan;
mod table_options;
mod table_spec;
mod tag_resource;
mod tags;
mod throughput;
mod throughput_settings;
mod transact_get_items;
mod transact_write_items;
pub(crate) mod transaction;
mod untag_resource;
mod update_item;
mod update_table;
mod update_time_to_live;
pub(crate) mod write;

use serde_json::Value;

use crate::db::{Answer, Database, RequestContext, unknown_operation};
use crate::error::Result;

/// Every operation the engine implements.
pub const OPERATIONS: &[&str] = &[
    "CreateTable",
    "DescribeTable",
    "ListTables",
    "DeleteTable",
    "UpdateTable",
    "DescribeLimits",
    "DescribeEndpoints",
    "DescribeTimeToLive",
    "UpdateTimeToLive",
    "TagResource",
    "UntagResource",
    "ListTagsOfResource",
    "PutItem",
    "GetItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
];

pub(crate) fn dispatch(
    db: &mut Database,
    operation: &str,
    request: &Value,
    ctx: &RequestContext,
) -> Result<Answer> {
    let response = match operation {
        "CreateTable" => create_table::execute(db, request, ctx),
        "DescribeTable" => describe_table::execute(db, request, ctx),
        "ListTables" => list_tables::execute(db, request, ctx),
        "DeleteTable" => delete_table::execute(db, request, ctx),
        "UpdateTable" => update_table::execute(db, request, ctx),
        "DescribeLimits" => describe_limits::execute(db, request, ctx),
        "DescribeEndpoints" => describe_endpoints::execute(db, request, ctx),
        "DescribeTimeToLive" => describe_time_to_live::execute(db, request, ctx),
        "UpdateTimeToLive" => update_time_to_live::execute(db, request, ctx),
        "TagResource" => tag_resource::execute(db, request, ctx),
        "UntagResource" => untag_resource::execute(db, request, ctx),
        "ListTagsOfResource" => list_tags_of_resource::execute(db, request, ctx),
        "PutItem" => return put_item::execute(db, request, ctx),
        "GetItem" => return get_item::execute(db, request, ctx),
        "UpdateItem" => return update_item::execute(db, request, ctx),
        "DeleteItem" => return delete_item::execute(db, request, ctx),
        "Query" => return query::execute(db, request, ctx),
        "Scan" => return scan::execute(db, request, ctx),
        "BatchGetItem" => batch_get_item::execute(db, request, ctx),
        "BatchWriteItem" => batch_write_item::execute(db, request, ctx),
        "TransactWriteItems" => transact_write_items::execute(db, request, ctx),
        "TransactGetItems" => transact_get_items::execute(db, request, ctx),
        _ => Err(unknown_operation()),
    };
    response.map(Answer::from)
}
