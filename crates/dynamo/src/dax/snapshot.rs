//! A picture of every DAX cluster at one instant, for the DAX view.
//!
//! The view draws a cluster's nodes, the contents of each node's two caches with every
//! entry's age and the TTL it has left (draining as time passes), hit and miss counters
//! with hit ratios, and the paths of the latest requests. [`DaxService::snapshot`] gathers
//! all of it into plain serialisable structs, so the browser, the JavaScript API and tests
//! read the same thing. All durations are [`SimDuration`]s, which serialise as whole
//! microseconds; instants are [`SimTime`]s, microseconds since the world started.
//!
//! Entries are listed most recently used first — the order LRU eviction works through
//! from the other end — and at most [`SNAPSHOT_ENTRIES`] per cache, with the full count
//! alongside, so a long benchmark does not produce a megabyte of JSON.

use dynaplay_sim::{Percentiles, SimDuration, SimTime};
use serde::Serialize;
use serde_json::Value;

use crate::dax::cluster::DaxCluster;
use crate::dax::lru::{CacheStats, LruCache, Slot};
use crate::dax::node::{DaxNode, NodeRole};
use crate::dax::outcome::{CacheKind, DaxRequest};
use crate::dax::params::ParameterGroup;
use crate::dax::service::DaxService;
use crate::value::item_to_wire;

/// The most entries a snapshot lists per cache.
pub const SNAPSHOT_ENTRIES: usize = 200;

/// Every cluster and parameter group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DaxSnapshot {
    pub at: SimTime,
    pub clusters: Vec<ClusterSnapshot>,
    pub parameter_groups: Vec<ParameterGroup>,
}

/// One cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterSnapshot {
    pub name: String,
    /// `creating`, `available`, `modifying` or `deleting`.
    pub status: &'static str,
    pub node_type: &'static str,
    pub parameter_group: String,
    pub record_ttl_millis: u64,
    pub query_ttl_millis: u64,
    pub nodes: Vec<NodeSnapshot>,
    /// Item cache counters summed over the nodes.
    pub item_cache: CacheStats,
    /// Query cache counters summed over the nodes.
    pub query_cache: CacheStats,
    /// Hits over lookups across both caches and all nodes.
    pub hit_ratio: Option<f64>,
    /// Cache updates on their way between nodes.
    pub pending_replications: usize,
    /// Successful reads through the cluster so far.
    pub read_latency: Option<Percentiles>,
    /// The latest requests, oldest first.
    pub recent_requests: Vec<DaxRequest>,
}

/// One node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeSnapshot {
    pub id: String,
    pub role: NodeRole,
    pub availability_zone: String,
    /// `creating`, `available`, `rebooting` or `failed`.
    pub status: &'static str,
    /// How long until a node that is not available is back.
    pub back_in: Option<SimDuration>,
    pub requests: u64,
    pub throttled: u64,
    pub item_cache: CacheSnapshot,
    pub query_cache: CacheSnapshot,
}

/// One cache of one node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CacheSnapshot {
    pub kind: CacheKind,
    pub budget_bytes: u64,
    pub used_bytes: u64,
    pub entry_count: usize,
    pub stats: CacheStats,
    pub hit_ratio: Option<f64>,
    /// Most recently used first; at most [`SNAPSHOT_ENTRIES`].
    pub entries: Vec<EntrySnapshot>,
}

/// One cache entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntrySnapshot {
    pub table: String,
    /// The item's key (item cache) or the canonical request (query cache).
    pub key: String,
    /// `Query` or `Scan` for query cache entries.
    pub operation: Option<String>,
    /// No such item (item cache) or an empty result set (query cache).
    pub negative: bool,
    /// The cached item (item cache; `null` if negative) or the cached `Items` (query cache).
    pub value: Value,
    pub size_bytes: u64,
    pub age: SimDuration,
    /// Time left before the entry expires; `None` when it never expires by time.
    pub ttl_remaining: Option<SimDuration>,
    pub hits: u64,
    pub last_used: SimTime,
}

fn entry<V>(slot: &Slot<V>, now: SimTime, expiry: Option<SimDuration>) -> EntrySnapshot {
    EntrySnapshot {
        table: String::new(),
        key: String::new(),
        operation: None,
        negative: false,
        value: Value::Null,
        size_bytes: slot.size,
        age: slot.age(now),
        ttl_remaining: slot.remaining(now, expiry),
        hits: slot.hits,
        last_used: slot.last_used,
    }
}

fn cache<K: Ord + Clone, V>(
    kind: CacheKind,
    cache: &LruCache<K, V>,
    describe: impl Fn(&K, &Slot<V>) -> EntrySnapshot,
) -> CacheSnapshot {
    CacheSnapshot {
        kind,
        budget_bytes: cache.budget_bytes(),
        used_bytes: cache.used_bytes(),
        entry_count: cache.len(),
        stats: *cache.stats(),
        hit_ratio: cache.stats().hit_ratio(),
        entries: cache
            .iter_recent_first()
            .take(SNAPSHOT_ENTRIES)
            .map(|(key, slot)| describe(key, slot))
            .collect(),
    }
}

fn node(node: &DaxNode, params: &ParameterGroup, now: SimTime) -> NodeSnapshot {
    let item_expiry = params.item_expiry();
    let query_ttl = params.query_ttl();
    NodeSnapshot {
        id: node.id.clone(),
        role: node.role,
        availability_zone: node.availability_zone.clone(),
        status: node.status.name(),
        back_in: node.ready_at.map(|at| at.saturating_duration_since(now)),
        requests: node.requests,
        throttled: node.throttled,
        item_cache: cache(CacheKind::Item, node.item_cache(), |key, slot| {
            EntrySnapshot {
                table: key.table.clone(),
                key: key.key.clone(),
                negative: slot.value.is_none(),
                value: slot.value.as_ref().map_or(Value::Null, item_to_wire),
                ..entry(slot, now, item_expiry)
            }
        }),
        query_cache: cache(CacheKind::Query, node.query_cache(), |key, slot| {
            let items = slot.value.get("Items").cloned().unwrap_or(Value::Null);
            EntrySnapshot {
                table: key.table.clone(),
                key: key.request.clone(),
                operation: Some(key.operation.clone()),
                negative: items.as_array().is_some_and(Vec::is_empty),
                value: items,
                ..entry(slot, now, query_ttl)
            }
        }),
    }
}

fn cluster(cluster: &DaxCluster, params: &ParameterGroup, now: SimTime) -> ClusterSnapshot {
    let nodes: Vec<NodeSnapshot> = cluster
        .nodes()
        .iter()
        .map(|n| node(n, params, now))
        .collect();
    let mut item_cache = CacheStats::default();
    let mut query_cache = CacheStats::default();
    for n in &nodes {
        item_cache.add(&n.item_cache.stats);
        query_cache.add(&n.query_cache.stats);
    }
    let mut both = item_cache;
    both.add(&query_cache);
    ClusterSnapshot {
        name: cluster.name.clone(),
        status: cluster.status.name(),
        node_type: cluster.node_type.name,
        parameter_group: cluster.parameter_group.clone(),
        record_ttl_millis: params.record_ttl_millis,
        query_ttl_millis: params.query_ttl_millis,
        nodes,
        item_cache,
        query_cache,
        hit_ratio: both.hit_ratio(),
        pending_replications: cluster.pending_replications(),
        read_latency: cluster.read_latency().percentiles(),
        recent_requests: cluster.recent_requests().cloned().collect(),
    }
}

impl DaxService {
    /// Every cluster as of its last advance, with ages and remaining TTLs computed at
    /// `now` (call [`DaxService::advance_to`] first to apply what is due by then).
    pub fn snapshot(&self, now: SimTime) -> DaxSnapshot {
        DaxSnapshot {
            at: now,
            clusters: self
                .clusters()
                .map(|c| cluster(c, &self.parameters_of(c), now))
                .collect(),
            parameter_groups: self.parameter_groups().cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use dynaplay_sim::{SimDuration, SimTime};
    use serde_json::json;

    use crate::dax::backend::Backend;
    use crate::dax::cluster::ClusterSpec;
    use crate::dax::service::DaxService;
    use crate::db::Database;

    #[test]
    fn a_snapshot_shows_entries_draining_counters_and_request_paths() {
        let mut db = Database::default();
        let t0 = SimTime::ZERO;
        db.call(
            "CreateTable",
            &json!({"TableName": "users", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
            t0,
        )
        .result
        .unwrap();
        let mut dax = DaxService::new(1);
        let mut spec = ClusterSpec::new("view");
        spec.replication_factor = 1;
        dax.provision(&spec, t0).unwrap();
        dax.set_ttls("view", 60_000, 0, t0).unwrap();
        let get = json!({"TableName": "users", "Key": {"id": {"S": "ada"}}});
        dax.execute("view", "GetItem", &get, &mut db, t0);
        let later = t0 + SimDuration::from_secs(20);
        dax.execute("view", "GetItem", &get, &mut db, later);

        let snapshot = dax.snapshot(later);
        let cluster = &snapshot.clusters[0];
        assert_eq!(
            (cluster.record_ttl_millis, cluster.query_ttl_millis),
            (60_000, 0)
        );
        assert_eq!(cluster.parameter_group, "view-ttl");
        assert_eq!((cluster.item_cache.hits, cluster.item_cache.misses), (1, 1));
        assert_eq!(cluster.hit_ratio, Some(0.5));
        let entry = &cluster.nodes[0].item_cache.entries[0];
        assert!(entry.negative);
        assert_eq!(entry.age, SimDuration::from_secs(20));
        assert_eq!(entry.ttl_remaining, Some(SimDuration::from_secs(40)));
        assert_eq!(cluster.recent_requests.len(), 2);
        assert_eq!(cluster.read_latency.map(|p| p.count), Some(2));

        let wire = serde_json::to_value(&snapshot).unwrap();
        let node = &wire["clusters"][0]["nodes"][0];
        assert_eq!(node["role"], "Primary");
        assert_eq!(
            node["item_cache"]["entries"][0]["ttl_remaining"],
            40_000_000
        );
        assert_eq!(
            wire["clusters"][0]["recent_requests"][1]["route"],
            "CacheHit"
        );
        assert_eq!(
            wire["clusters"][0]["recent_requests"][0]["touches"][0]["touch"],
            "Miss"
        );
    }
}
