//! DynamoDB Accelerator (DAX): a write-through cache cluster in front of DynamoDB.
//!
//! DAX speaks DynamoDB's API and answers eventually consistent reads from memory. It can
//! make a read-heavy workload an order of magnitude faster — a hit takes microseconds, a
//! DynamoDB read milliseconds — and it can return surprisingly old data, because its two
//! caches follow rules of their own:
//!
//! - The **item cache** serves GetItem and BatchGetItem by table and primary key. A miss
//!   reads DynamoDB eventually consistently and caches what it found, including the fact
//!   that there was nothing (a negative entry). Writes through DAX go to DynamoDB first
//!   and then replace the cached item (write-through). Writes made straight to DynamoDB
//!   do not: DAX serves the old item until its TTL runs out.
//! - The **query cache** serves Query and Scan by the whole request. No write ever
//!   invalidates it, so a Query through DAX can return an older answer than a GetItem
//!   through DAX of an item in it.
//! - Strongly consistent reads and TransactGetItems pass straight through, uncached.
//! - Each cache has its own TTL (5 minutes by default; see [`params`] for what 0 means)
//!   and its own LRU eviction under the node's memory.
//! - A cluster is a primary and up to ten read replicas; cache updates reach the other
//!   nodes after a short lag, so two clients can briefly disagree; nodes fail and are
//!   replaced empty; an overloaded node throttles.
//!
//! The pieces: [`service`] (all clusters, the entry points), [`cluster`] (nodes, routing,
//! replication), [`node`], [`lru`] (one TTL+LRU cache), [`keys`] (what entries are filed
//! under), `read` and `write` (the request paths), [`backend`] (what DAX sits in
//! front of), [`outcome`] (the record of each request), [`control`] (the management API),
//! [`params`], [`node_type`], [`throttle`], [`latency`], [`snapshot`] (for the view) and
//! [`experiment`] (the read-heavy speed-up).
//!
//! ```
//! use dynaplay_dynamo::dax::{ClusterSpec, DaxService, Route};
//! use dynaplay_dynamo::Database;
//! use dynaplay_sim::SimTime;
//! use serde_json::json;
//!
//! let mut db = Database::default();
//! let now = SimTime::ZERO;
//! let table = json!({"TableName": "users", "BillingMode": "PAY_PER_REQUEST",
//!     "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
//!     "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]});
//! db.execute("CreateTable", &table, &dynaplay_dynamo::RequestContext::at(now)).unwrap();
//!
//! let mut dax = DaxService::new(1);
//! dax.provision(&ClusterSpec::new("demo"), now).unwrap();
//! let get = json!({"TableName": "users", "Key": {"id": {"S": "ada"}}});
//! let first = dax.execute("demo", "GetItem", &get, &mut db, now);
//! assert_eq!(first.request.route, Route::CacheMiss);
//! assert!(first.request.touches[0].negative, "nothing there: cached as a negative entry");
//! ```

pub mod backend;
pub mod cluster;
pub mod control;
pub mod error;
pub mod experiment;
pub mod keys;
pub mod latency;
pub mod lru;
pub mod node;
pub mod node_type;
pub mod outcome;
pub mod params;
mod read;
pub mod service;
pub mod snapshot;
pub mod throttle;
mod write;

pub use backend::{Backend, BackendReply, ServiceBackend};
pub use cluster::{ClusterSpec, ClusterStatus, DaxCluster};
pub use control::{CONTROL_OPERATIONS, describe_cluster};
pub use error::DaxError;
pub use experiment::{ReadHeavyWorkload, SpeedupReport, run_read_heavy};
pub use latency::DaxLatency;
pub use node::{DaxNode, NodeRole, NodeStatus};
pub use outcome::{CacheKind, CacheTouch, DaxOutcome, DaxRequest, PassThrough, Route, Touch};
pub use params::ParameterGroup;
pub use service::DaxService;
pub use snapshot::DaxSnapshot;
