//! DynamoDB's expression languages.
//!
//! Five request parameters hold small programs: `ConditionExpression` (PutItem,
//! UpdateItem, DeleteItem, transactions) and `FilterExpression` (Query, Scan) are
//! conditions on an item; `KeyConditionExpression` (Query) is a restricted condition that
//! selects a partition and a range of sort keys; `UpdateExpression` (UpdateItem) rewrites
//! an item; `ProjectionExpression` (reads) picks parts of one. They share a lexer
//! ([`lexer`]) and a document-path syntax (`a.b[2].#c`), and each is parsed into a syntax
//! tree ([`ast`]) that prints back as equivalent text.
//!
//! Between parsing and use sit the checks DynamoDB performs without looking at any item
//! ([`checks`]): reserved words ([`reserved`]), undefined placeholders, unknown or misused
//! functions, operand counts and types, overlapping update paths. Their messages are
//! AWS's, word for word ([`messages`]), because that is what people compare against.
//!
//! # Using it for a request
//!
//! ```
//! use dynaplay_dynamo::expr::{ConditionExpression, ExpressionKind, Placeholders, UpdateExpression};
//! use dynaplay_dynamo::value::{AttributeValue, Item};
//!
//! # fn main() -> dynaplay_dynamo::Result<()> {
//! // One Placeholders per request: built from ExpressionAttributeNames/Values...
//! let mut placeholders = Placeholders::from_entries(
//!     [("#c".to_string(), "count".to_string())],
//!     [(":one".to_string(), AttributeValue::N(dynaplay_dynamo::value::Number::from_i64(1)))],
//! );
//! // ...shared by every expression of the request (UpdateItem: update, then condition)...
//! let update = UpdateExpression::parse("SET #c = if_not_exists(#c, :one)", &mut placeholders)?;
//! let condition = ConditionExpression::parse(
//!     ExpressionKind::Condition,
//!     "attribute_not_exists(#c)",
//!     &mut placeholders,
//! )?;
//! // ...and checked once at the end for entries no expression used.
//! placeholders.check_all_used()?;
//!
//! let old = Item::new();
//! assert!(condition.evaluate(&old));
//! let new = update.apply(&old)?;
//! assert_eq!(new.get("count"), Some(&AttributeValue::N(dynaplay_dynamo::value::Number::from_i64(1))));
//! # Ok(())
//! # }
//! ```
//!
//! DynamoDB parses a request's expressions in this order, which decides which error a
//! request with several bad expressions reports: UpdateExpression, ConditionExpression,
//! KeyConditionExpression, FilterExpression, ProjectionExpression; then unused
//! ExpressionAttributeNames, then unused ExpressionAttributeValues.
//!
//! Evaluation lives with each expression kind: [`condition`] (conditions and filters,
//! never an error), [`update`] (applying to an item, with the errors that depend on the
//! item), [`projection`] (also used for `UPDATED_OLD`/`UPDATED_NEW`) and
//! [`key_condition`] (matching a key schema and testing sort keys).

// `DynamoError` carries AWS's message and optional payloads, so it is larger than clippy's
// threshold; every fallible function of the engine returns it by design of `error.rs`.
#![allow(clippy::result_large_err)]

pub mod ast;
pub mod checks;
pub mod condition;
pub mod document;
pub mod key_condition;
pub mod lexer;
pub mod messages;
pub mod parser;
pub mod placeholders;
pub mod projection;
pub mod reserved;
pub mod update;

#[cfg(test)]
mod testing;

pub use condition::ConditionExpression;
pub use document::{DocumentPath, PathStep};
pub use key_condition::{KeyComparison, KeyConditionExpression, KeyQuery, SortKeyCondition};
pub use placeholders::{Bindings, Placeholders};
pub use projection::{ProjectionExpression, project};
pub use update::UpdateExpression;

/// Which request parameter an expression came from; it names the parameter in messages
/// (`Invalid FilterExpression: ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExpressionKind {
    Condition,
    Filter,
    KeyCondition,
    Update,
    Projection,
}

impl ExpressionKind {
    /// The parameter's name as it appears in the request and in messages.
    pub fn parameter_name(self) -> &'static str {
        match self {
            ExpressionKind::Condition => "ConditionExpression",
            ExpressionKind::Filter => "FilterExpression",
            ExpressionKind::KeyCondition => "KeyConditionExpression",
            ExpressionKind::Update => "UpdateExpression",
            ExpressionKind::Projection => "ProjectionExpression",
        }
    }
}
