//! What happened to one request sent through DAX.
//!
//! The answer a client gets from DAX looks exactly like DynamoDB's; everything that makes
//! DAX interesting is in *how* it was produced. So every request leaves a [`DaxRequest`]:
//! which node took it, which cache it consulted, whether each lookup hit or missed and
//! how old the entry was, whether the request went on to DynamoDB, whether the answer
//! differs from what the table holds right now (the annotation that makes a stale cache
//! visible), and how long it took. The UI draws the request's path from it — client → node
//! → cache, or client → node → DynamoDB — and the golden scripts print its one-line
//! [`Display`](std::fmt::Display) form.

use std::fmt;

use dynaplay_sim::{SimDuration, SimTime};
use serde::Serialize;
use serde_json::Value;

use crate::error::DynamoError;

/// Which of a node's two caches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum CacheKind {
    /// GetItem and BatchGetItem, by table and primary key.
    Item,
    /// Query and Scan, by the whole request.
    Query,
}

impl CacheKind {
    pub fn name(self) -> &'static str {
        match self {
            CacheKind::Item => "item cache",
            CacheKind::Query => "query cache",
        }
    }
}

/// Why a request went straight to DynamoDB without touching a cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PassThrough {
    /// `ConsistentRead: true`: DAX cannot serve it and does not cache the answer.
    StronglyConsistentRead,
    /// TransactGetItems: passed through, never cached.
    Transaction,
    /// Not a data operation DAX caches (table management and the like); forwarded.
    NotCacheable,
}

/// The route a request took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Route {
    /// Every lookup hit: answered from the node's memory.
    CacheHit,
    /// At least one lookup missed: DAX read DynamoDB (eventually consistently) and, as a
    /// rule, cached what it read.
    CacheMiss,
    /// Forwarded to DynamoDB and not cached.
    PassThrough(PassThrough),
    /// A write: DynamoDB first, then the primary's item cache.
    WriteThrough,
    /// The node refused the request (invalid request or over its request rate).
    Rejected,
    /// No node could take the request.
    Unavailable,
}

/// What happened to one cache entry during a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Touch {
    Hit,
    Miss,
    /// A write through DAX replaced the entry.
    WriteThrough,
}

/// One cache entry a request looked up or wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CacheTouch {
    pub cache: CacheKind,
    pub table: String,
    /// The item's key (item cache) or the canonical request (query cache).
    pub key: String,
    pub touch: Touch,
    /// The entry says "no such item" (item cache) or holds an empty result (query cache).
    pub negative: bool,
    /// How long the entry had been cached, for hits.
    pub age: Option<SimDuration>,
    /// The answer for this entry differs from the table's current contents.
    pub stale: bool,
    /// The entry was stored on this request (filled after a miss, or written through).
    /// `false` for hits, for results a query TTL of 0 keeps out of the cache, and for
    /// entries too large for the cache.
    pub stored: bool,
}

/// The record of one request through DAX.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DaxRequest {
    /// Sequence number within the cluster, from 1.
    pub id: u64,
    pub at: SimTime,
    pub operation: String,
    /// The node that handled it (none if no node could).
    pub node: Option<String>,
    /// Whether that node was the primary.
    pub primary: bool,
    pub route: Route,
    pub touches: Vec<CacheTouch>,
    /// The request went on to DynamoDB.
    pub dynamodb: bool,
    /// The answer differs from what the table holds now (some touch is stale).
    pub stale: bool,
    /// The sampled end-to-end latency, as the client sees it.
    pub latency: SimDuration,
    /// The exception name, if the request failed.
    pub error: Option<String>,
}

impl DaxRequest {
    pub fn hits(&self) -> usize {
        self.touches
            .iter()
            .filter(|t| t.touch == Touch::Hit)
            .count()
    }

    pub fn misses(&self) -> usize {
        self.touches
            .iter()
            .filter(|t| t.touch == Touch::Miss)
            .count()
    }

    /// Whether the operation is a read the comparison with direct reads counts.
    pub fn is_read(&self) -> bool {
        matches!(
            self.operation.as_str(),
            "GetItem" | "BatchGetItem" | "Query" | "Scan" | "TransactGetItems"
        )
    }
}

/// The answer to a request through DAX, and how it was produced.
#[derive(Debug, Clone, PartialEq)]
pub struct DaxOutcome {
    pub result: Result<Value, DynamoError>,
    pub request: DaxRequest,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl fmt::Display for DaxRequest {
    /// One line: `node: what happened`, e.g. `c-b: item cache hit (age 2 s)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(node) if self.primary => write!(f, "{node} (primary): ")?,
            Some(node) => write!(f, "{node}: ")?,
            None => write!(f, "no node: ")?,
        }
        let first = self.touches.first();
        let cache = first.map_or("cache", |t| t.cache.name());
        match self.route {
            Route::Unavailable => write!(f, "no available node to take the request")?,
            Route::Rejected => match &self.error {
                Some(error) => write!(f, "rejected: {error}")?,
                None => write!(f, "rejected")?,
            },
            Route::PassThrough(why) => {
                let what = match why {
                    PassThrough::StronglyConsistentRead => "strongly consistent read",
                    PassThrough::Transaction | PassThrough::NotCacheable => &self.operation,
                };
                write!(f, "{what} → DynamoDB, not cached")?;
            }
            Route::CacheHit if self.touches.len() == 1 => {
                let negative = first.is_some_and(|t| t.negative);
                write!(f, "{cache} hit")?;
                if negative {
                    write!(f, ", negative entry")?;
                }
                if let Some(age) = first.and_then(|t| t.age) {
                    write!(f, " (age {age})")?;
                }
            }
            Route::CacheMiss if self.touches.len() == 1 => {
                write!(f, "{cache} miss → DynamoDB")?;
                match first {
                    Some(t) if !t.stored => write!(f, ", not cached")?,
                    Some(t) if t.negative => write!(f, ", cached as a negative entry")?,
                    _ => write!(f, ", cached")?,
                }
            }
            Route::CacheHit | Route::CacheMiss => {
                write!(
                    f,
                    "{cache} {}, {}",
                    plural(self.hits(), "hit", "hits"),
                    plural(self.misses(), "miss", "misses")
                )?;
                if self.dynamodb {
                    write!(f, " → DynamoDB")?;
                }
            }
            Route::WriteThrough => {
                write!(f, "{} → DynamoDB", self.operation)?;
                let written: Vec<&CacheTouch> = self
                    .touches
                    .iter()
                    .filter(|t| t.touch == Touch::WriteThrough)
                    .collect();
                if !written.is_empty() {
                    let negative = written.iter().filter(|t| t.negative).count();
                    let items = written.len() - negative;
                    let mut parts = Vec::new();
                    if items > 0 {
                        parts.push(plural(items, "item", "items"));
                    }
                    if negative > 0 {
                        parts.push(plural(negative, "negative entry", "negative entries"));
                    }
                    write!(f, " → item cache (write-through: {})", parts.join(", "))?;
                }
            }
        }
        if self.route != Route::Rejected
            && let Some(error) = &self.error
        {
            write!(f, " → {error}")?;
        }
        if self.stale {
            write!(f, " [stale: the table has changed]")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(touch: Touch, negative: bool, age: Option<u64>) -> CacheTouch {
        CacheTouch {
            cache: CacheKind::Item,
            table: "t".into(),
            key: "{}".into(),
            touch,
            negative,
            age: age.map(SimDuration::from_secs),
            stale: false,
            stored: touch != Touch::Hit,
        }
    }

    fn request(route: Route, touches: Vec<CacheTouch>) -> DaxRequest {
        DaxRequest {
            id: 1,
            at: SimTime::ZERO,
            operation: "GetItem".into(),
            node: Some("c-b".into()),
            primary: false,
            route,
            dynamodb: route != Route::CacheHit,
            stale: false,
            touches,
            latency: SimDuration::ZERO,
            error: None,
        }
    }

    #[test]
    fn one_line_summaries() {
        let hit = request(Route::CacheHit, vec![touch(Touch::Hit, false, Some(2))]);
        assert_eq!(hit.to_string(), "c-b: item cache hit (age 2 s)");
        let negative = request(Route::CacheMiss, vec![touch(Touch::Miss, true, None)]);
        assert_eq!(
            negative.to_string(),
            "c-b: item cache miss → DynamoDB, cached as a negative entry"
        );
        let mut batch = request(
            Route::CacheMiss,
            vec![
                touch(Touch::Hit, false, Some(1)),
                touch(Touch::Miss, false, None),
            ],
        );
        batch.stale = true;
        assert_eq!(
            batch.to_string(),
            "c-b: item cache 1 hit, 1 miss → DynamoDB [stale: the table has changed]"
        );
        let mut write = request(
            Route::WriteThrough,
            vec![touch(Touch::WriteThrough, true, None)],
        );
        write.operation = "DeleteItem".into();
        write.primary = true;
        assert_eq!(
            write.to_string(),
            "c-b (primary): DeleteItem → DynamoDB → item cache (write-through: 1 negative entry)"
        );
        let strong = request(
            Route::PassThrough(PassThrough::StronglyConsistentRead),
            vec![],
        );
        assert_eq!(
            strong.to_string(),
            "c-b: strongly consistent read → DynamoDB, not cached"
        );
        let mut throttled = request(Route::Rejected, vec![]);
        throttled.error = Some("ThrottlingException".into());
        assert_eq!(throttled.to_string(), "c-b: rejected: ThrottlingException");
    }
}
