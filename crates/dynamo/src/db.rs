//! The database: every table of one account in one region, and the single entry point
//! that executes a DynamoDB operation.
//!
//! [`Database::execute`] takes an operation name and a request body in the AWS JSON shape
//! and returns the response body or a [`DynamoError`]. The browser console, the page's
//! JavaScript API and the native HTTP endpoint all call it, so they behave identically.
//! The caller supplies the simulated time in a [`RequestContext`]; the database never
//! looks at a clock.

use std::collections::BTreeMap;

use dynaplay_sim::{SimDuration, SimTime};
use serde_json::Value;

use crate::capacity::{ConsumedCapacity, ReturnConsumedCapacity};
use crate::error::{DynamoError, ErrorKind, Result};
use crate::ops;
use crate::table::{Table, TableStatus};
use crate::value::RenderedItems;

/// Where the simulated account lives; shows up in ARNs and endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub region: String,
    pub account_id: String,
    /// The account's table quota (AWS's default is 2,500 per region).
    pub max_tables: usize,
    /// The most bytes one item collection of a table with local secondary indexes may
    /// hold: DynamoDB's 10 GB unless lowered for teaching or tests (see
    /// [`Database::set_item_collection_limit`]).
    pub item_collection_limit: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            max_tables: 2500,
            item_collection_limit: DEFAULT_ITEM_COLLECTION_LIMIT,
        }
    }
}

/// DynamoDB's cap on one item collection of a table with local secondary indexes: 10 GB.
pub const DEFAULT_ITEM_COLLECTION_LIMIT: u64 = 10 * 1024 * 1024 * 1024;

/// What the caller tells the database about a request beyond its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestContext {
    /// The moment the request arrives.
    pub now: SimTime,
    /// Report `ConsumedCapacity` (by index) even when the request did not ask for it. The
    /// physical model reads each request's cost off its response and removes the member
    /// again before the client sees it; asking here spares copying the request to add
    /// `ReturnConsumedCapacity` to it.
    pub report_capacity: bool,
    /// How the items of a GetItem, Query or Scan response are rendered.
    pub items_as: ItemsAs,
}

impl RequestContext {
    pub fn at(now: SimTime) -> Self {
        RequestContext {
            now,
            ..RequestContext::default()
        }
    }

    /// The `ReturnConsumedCapacity` an operation answers with, given what its request
    /// asked for.
    pub(crate) fn capacity_mode(&self, asked: ReturnConsumedCapacity) -> ReturnConsumedCapacity {
        if self.report_capacity && asked == ReturnConsumedCapacity::None {
            ReturnConsumedCapacity::Indexes
        } else {
            asked
        }
    }
}

/// How an operation renders the items it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ItemsAs {
    /// As `serde_json::Value`s inside the response, for callers that keep or inspect it.
    #[default]
    Values,
    /// As JSON text beside the response (see [`RenderedItems`]), for a caller that only
    /// sends the response on.
    Text,
}

/// An operation's response, with the items it rendered as text when the request context
/// asked for [`ItemsAs::Text`].
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub response: Value,
    pub items: Option<RenderedItems>,
    /// What a single-table operation consumed, whatever its request asked to see: the
    /// physical model charges partitions from it without rendering `ConsumedCapacity`
    /// into the response and reading it back. `None` for the operations that only report
    /// capacity in their response (batches, transactions, the control plane).
    pub capacity: Option<ConsumedCapacity>,
}

impl From<Value> for Answer {
    fn from(response: Value) -> Answer {
        Answer {
            response,
            items: None,
            capacity: None,
        }
    }
}

/// A completed TransactWriteItems, remembered for `ClientRequestToken` idempotency.
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionRecord {
    pub at: SimTime,
    /// A fingerprint of the request, to tell a retry from a different request reusing a token.
    pub fingerprint: String,
    pub response: Value,
}

/// How long a `ClientRequestToken` makes a TransactWriteItems idempotent.
pub const IDEMPOTENCY_WINDOW: SimDuration = SimDuration::from_secs(600);

#[derive(Debug, Clone, Default)]
pub struct Database {
    pub settings: Settings,
    tables: BTreeMap<String, Table>,
    pub(crate) transactions: BTreeMap<String, TransactionRecord>,
    tables_created: u64,
}

/// Every operation the engine implements, in the API reference's order.
pub const OPERATIONS: &[&str] = ops::OPERATIONS;

impl Database {
    pub fn new(settings: Settings) -> Self {
        Database {
            settings,
            ..Self::default()
        }
    }

    /// Executes `operation` (e.g. `"PutItem"`) on a request body in AWS's JSON shape.
    /// A request that fails changes nothing.
    pub fn execute(
        &mut self,
        operation: &str,
        request: &Value,
        ctx: &RequestContext,
    ) -> Result<Value> {
        let ctx = RequestContext {
            items_as: ItemsAs::Values,
            ..*ctx
        };
        ops::dispatch(self, operation, request, &ctx).map(|answer| answer.response)
    }

    /// [`Database::execute`], with the items rendered as `ctx.items_as` says.
    pub fn answer(
        &mut self,
        operation: &str,
        request: &Value,
        ctx: &RequestContext,
    ) -> Result<Answer> {
        ops::dispatch(self, operation, request, ctx)
    }

    /// Sets how many bytes one item collection of a table with local secondary indexes
    /// may hold (10 GiB, DynamoDB's limit, by default). Ten gigabytes cannot be filled in
    /// a lesson or a test; a limit of a few kilobytes shows the same
    /// `ItemCollectionSizeLimitExceededException` after a handful of writes.
    pub fn set_item_collection_limit(&mut self, bytes: u64) {
        self.settings.item_collection_limit = bytes;
    }

    /// The item collection size limit in bytes.
    pub fn item_collection_limit(&self) -> u64 {
        self.settings.item_collection_limit
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.values()
    }

    pub fn table_names(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.get_mut(name)
    }

    /// The table a data-plane request names, or `ResourceNotFoundException`. Tables that
    /// are being created or deleted are not found by data-plane operations.
    pub fn usable_table(&self, name: &str) -> Result<&Table> {
        match self.tables.get(name) {
            Some(table)
                if !matches!(
                    table.def.status,
                    TableStatus::Creating | TableStatus::Deleting
                ) =>
            {
                Ok(table)
            }
            _ => Err(DynamoError::resource_not_found()),
        }
    }

    pub fn usable_table_mut(&mut self, name: &str) -> Result<&mut Table> {
        match self.tables.get_mut(name) {
            Some(table)
                if !matches!(
                    table.def.status,
                    TableStatus::Creating | TableStatus::Deleting
                ) =>
            {
                Ok(table)
            }
            _ => Err(DynamoError::resource_not_found()),
        }
    }

    pub(crate) fn insert_table(&mut self, table: Table) {
        self.tables_created += 1;
        self.tables.insert(table.def.name.clone(), table);
    }

    pub(crate) fn remove_table(&mut self, name: &str) -> Option<Table> {
        self.tables.remove(name)
    }

    /// A fresh, deterministic table id in UUID form.
    pub(crate) fn next_table_id(&self) -> String {
        let n = self.tables_created + 1;
        format!(
            "{:08x}-0000-4000-8000-{:012x}",
            n.wrapping_mul(0x9e37_79b9) as u32,
            n
        )
    }

    /// The ARN of a table in this account and region.
    pub fn table_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:dynamodb:{}:{}:table/{name}",
            self.settings.region, self.settings.account_id
        )
    }

    /// Forgets idempotency tokens older than the window.
    pub(crate) fn expire_transactions(&mut self, now: SimTime) {
        self.transactions
            .retain(|_, record| now - record.at < IDEMPOTENCY_WINDOW);
    }
}

/// `UnknownOperationException`, which AWS sends without a message.
pub fn unknown_operation() -> DynamoError {
    DynamoError::new(ErrorKind::UnknownOperation, "")
}

impl Database {
    /// Everything a request could change, for tests that check a failed request changed
    /// nothing.
    #[doc(hidden)]
    pub fn debug_state(&self) -> impl std::fmt::Debug + '_ {
        (&self.tables, &self.transactions)
    }
}
