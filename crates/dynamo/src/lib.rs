//! The DynamoDB engine.
//!
//! Everything DynamoDB does to data lives here, free of I/O and wall clocks so that the
//! same engine runs in a browser tab, in a native HTTP endpoint and in tests, and behaves
//! identically in all three. [`Database::execute`] runs an operation on a request in the
//! AWS JSON shape; failures are [`DynamoError`]s carrying AWS's exception names and
//! messages.
//!
//! The layers, bottom up: [`value`] (attribute values and exact numbers), [`key`] and
//! [`keyhash`] (keys, their order and their place in the key space), [`table`] (items in
//! key-space order with their indexes kept in step), [`capacity`] (what requests cost),
//! [`request`] (reading request bodies as AWS's front door does), `expr` (expressions), and
//! the operations themselves behind [`Database`].

pub mod capacity;
pub mod dax;
pub mod db;
pub mod error;
pub mod expr;
pub mod key;
pub mod keyhash;
mod ops;
pub mod physical;
pub mod request;
pub mod table;
pub mod value;

pub use db::{Answer, Database, ItemsAs, OPERATIONS, RequestContext, Settings};
pub use error::{DynamoError, ErrorKind, Result};
