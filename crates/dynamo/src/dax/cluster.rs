//! A DAX cluster: nodes, how requests find one, and how a cache update spreads.
//!
//! A cluster is one primary node and up to ten read replicas, spread over Availability
//! Zones. DAX's client balances requests across the nodes: reads go to any available node
//! (Dynaplay picks one uniformly with the cluster's seeded generator), writes to the
//! primary. Each node has its own caches, and a cache update made on one node — an item
//! written through the primary, a result fetched on a miss — is replicated to every other
//! node *eventually*: each copy arrives after its own sampled lag (well under a second).
//! Until it does, two clients reading the same key from two nodes can get two different
//! answers, which is exactly the behaviour AWS documents.
//!
//! Nodes fail and are replaced: a failed node's caches are gone, its requests go to the
//! other nodes meanwhile, and if it was the primary a read replica is promoted at once.
//! The replacement starts empty. An overloaded node refuses requests with
//! `ThrottlingException` (see [`crate::dax::throttle`]).
//!
//! Time only moves when the cluster is told: `DaxCluster::advance_to` brings nodes up,
//! delivers replicated updates in time order and drops expired entries. Every request
//! advances the cluster to its own time first, so a cluster left idle and then asked is
//! exactly as if it had been ticking all along.

use std::collections::VecDeque;

use dynaplay_sim::{EventQueue, Histogram, SimDuration, SimRng, SimTime};
use serde_json::Value;

use crate::dax::backend::Backend;
use crate::dax::keys::{ItemKey, QueryKey};
use crate::dax::latency::DaxLatency;
use crate::dax::lru::ENTRY_OVERHEAD_BYTES;
use crate::dax::node::{CachedItem, DaxNode, NodeRole, NodeStatus};
use crate::dax::node_type::NodeType;
use crate::dax::outcome::{CacheTouch, DaxOutcome, DaxRequest, PassThrough, Route};
use crate::dax::params::ParameterGroup;
use crate::dax::throttle::THROTTLING_MESSAGE;
use crate::error::{DynamoError, ErrorKind};
use crate::value::item_size;

/// At most one primary and ten read replicas.
pub const MAX_NODES: usize = 11;
/// How long a new node takes to launch (AWS takes minutes; Dynaplay compresses it).
pub const NODE_LAUNCH_TIME: SimDuration = SimDuration::from_secs(60);
/// How long DAX takes to replace a failed node.
pub const NODE_REPLACEMENT_TIME: SimDuration = SimDuration::from_secs(60);
/// How long a rebooting node is away.
pub const NODE_REBOOT_TIME: SimDuration = SimDuration::from_secs(30);
/// How long a deleted cluster stays `deleting` before it is gone.
pub const CLUSTER_DELETION_TIME: SimDuration = SimDuration::from_secs(30);
/// How many recent requests a cluster remembers for the UI.
pub const RECENT_REQUESTS: usize = 64;
/// The port DAX clusters listen on.
pub const DAX_PORT: u16 = 8111;
/// How often requests sweep expired entries out. Lookups never serve an expired entry
/// whatever the sweep, so this only bounds how long dead entries occupy memory.
const SWEEP_INTERVAL: SimDuration = SimDuration::from_secs(1);

/// What to build: the knobs of `CreateCluster`, plus two of Dynaplay's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSpec {
    pub name: String,
    pub description: String,
    /// e.g. `dax.r5.large`.
    pub node_type: String,
    /// Total nodes: the primary plus read replicas (1..=11).
    pub replication_factor: usize,
    pub parameter_group: String,
    /// Zones for the nodes in order; empty spreads them over the region's zones.
    pub availability_zones: Vec<String>,
    pub iam_role_arn: String,
    /// Dynaplay only: cache memory per node (split between the two caches) instead of the
    /// node type's whole memory, so a few small items can show LRU eviction.
    pub cache_memory_bytes: Option<u64>,
    /// Dynaplay only: a node's request rate instead of the node type's, to show throttling.
    pub node_requests_per_second: Option<u64>,
}

impl ClusterSpec {
    /// Three `dax.r5.large` nodes on the default parameter group.
    pub fn new(name: impl Into<String>) -> ClusterSpec {
        ClusterSpec {
            name: name.into(),
            description: String::new(),
            node_type: crate::dax::node_type::DEFAULT_NODE_TYPE.to_string(),
            replication_factor: 3,
            parameter_group: crate::dax::params::DEFAULT_PARAMETER_GROUP.to_string(),
            availability_zones: Vec::new(),
            iam_role_arn: "arn:aws:iam::000000000000:role/DAXServiceRole".to_string(),
            cache_memory_bytes: None,
            node_requests_per_second: None,
        }
    }
}

/// A cluster's state, with the names `DescribeClusters` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ClusterStatus {
    Creating,
    Available,
    Modifying,
    Deleting,
}

impl ClusterStatus {
    pub fn name(self) -> &'static str {
        match self {
            ClusterStatus::Creating => "creating",
            ClusterStatus::Available => "available",
            ClusterStatus::Modifying => "modifying",
            ClusterStatus::Deleting => "deleting",
        }
    }
}

/// A cache update on its way from one node to another.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CacheUpdate {
    Item {
        key: ItemKey,
        value: CachedItem,
        size: u64,
        stored_at: SimTime,
    },
    Query {
        key: QueryKey,
        value: Value,
        size: u64,
        stored_at: SimTime,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Replication {
    pub target: String,
    pub update: CacheUpdate,
}

/// Everything a request needs besides the cluster.
pub(crate) struct Env<'a, B: ?Sized> {
    pub backend: &'a mut B,
    pub now: SimTime,
    pub params: &'a ParameterGroup,
    pub latency: &'a DaxLatency,
}

/// What a request handler produced, before latency and bookkeeping.
pub(crate) struct Handled {
    pub result: Result<Value, DynamoError>,
    pub route: Route,
    pub touches: Vec<CacheTouch>,
    /// `Some` if DynamoDB was called, with the latency it reported (if any).
    pub dynamodb: Option<Option<SimDuration>>,
}

impl Handled {
    /// The node refused the request itself.
    pub fn rejected(error: DynamoError) -> Handled {
        Handled {
            result: Err(error),
            route: Route::Rejected,
            touches: Vec::new(),
            dynamodb: None,
        }
    }
}

/// One DAX cluster.
#[derive(Debug, Clone)]
pub struct DaxCluster {
    pub name: String,
    pub description: String,
    pub arn: String,
    pub node_type: NodeType,
    pub parameter_group: String,
    pub iam_role_arn: String,
    pub status: ClusterStatus,
    pub created_at: SimTime,
    /// Six hex digits in the cluster's endpoint names, derived from its name.
    pub endpoint_id: String,
    pub region: String,
    pub(crate) deleted_at: Option<SimTime>,
    pub(crate) nodes: Vec<DaxNode>,
    zones: Vec<String>,
    cache_memory_bytes: u64,
    requests_per_second: u64,
    pub(crate) replication: EventQueue<Replication>,
    next_sweep: SimTime,
    recent: VecDeque<DaxRequest>,
    requests: u64,
    /// Latencies of successful reads through this cluster.
    pub(crate) read_latency: Histogram,
    pub(crate) rng: SimRng,
}

impl DaxCluster {
    /// A cluster per `spec`; its nodes launch for [`NODE_LAUNCH_TIME`] unless `running`.
    pub(crate) fn new(
        spec: &ClusterSpec,
        node_type: NodeType,
        region: &str,
        account_id: &str,
        rng: SimRng,
        now: SimTime,
        running: bool,
    ) -> DaxCluster {
        let zones = if spec.availability_zones.is_empty() {
            ["a", "b", "c"]
                .iter()
                .map(|z| format!("{region}{z}"))
                .collect()
        } else {
            spec.availability_zones.clone()
        };
        let mut cluster = DaxCluster {
            name: spec.name.clone(),
            description: spec.description.clone(),
            arn: format!("arn:aws:dax:{region}:{account_id}:cache/{}", spec.name),
            node_type,
            parameter_group: spec.parameter_group.clone(),
            iam_role_arn: spec.iam_role_arn.clone(),
            status: if running {
                ClusterStatus::Available
            } else {
                ClusterStatus::Creating
            },
            created_at: now,
            endpoint_id: endpoint_id(&spec.name),
            region: region.to_string(),
            deleted_at: None,
            nodes: Vec::new(),
            zones,
            cache_memory_bytes: spec.cache_memory_bytes.unwrap_or(node_type.memory_bytes),
            requests_per_second: spec
                .node_requests_per_second
                .unwrap_or(node_type.requests_per_second),
            replication: EventQueue::new(),
            next_sweep: now,
            recent: VecDeque::new(),
            requests: 0,
            read_latency: Histogram::new(),
            rng,
        };
        let launch = (!running).then_some(now + NODE_LAUNCH_TIME);
        cluster.add_nodes(spec.replication_factor, &[], now, launch);
        cluster
    }

    pub fn nodes(&self) -> &[DaxNode] {
        &self.nodes
    }

    pub fn node(&self, id: &str) -> Option<&DaxNode> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The most recent requests, oldest first.
    pub fn recent_requests(&self) -> impl Iterator<Item = &DaxRequest> {
        self.recent.iter()
    }

    /// Latencies of successful reads through this cluster.
    pub fn read_latency(&self) -> &Histogram {
        &self.read_latency
    }

    /// Cache updates sent but not yet applied on their target node.
    pub fn pending_replications(&self) -> usize {
        self.replication.len()
    }

    pub fn cache_memory_bytes(&self) -> u64 {
        self.cache_memory_bytes
    }

    pub fn requests_per_second(&self) -> u64 {
        self.requests_per_second
    }

    /// Adds `count` nodes; the first node of an empty cluster is the primary. With
    /// `ready_at` the nodes are `creating` until then. `zones` places the new nodes in
    /// order; without it they are spread over the cluster's zones.
    pub(crate) fn add_nodes(
        &mut self,
        count: usize,
        zones: &[String],
        now: SimTime,
        ready_at: Option<SimTime>,
    ) {
        for added in 0..count {
            let Some(letter) = ('a'..='z').find(|l| {
                let id = format!("{}-{l}", self.name);
                !self.nodes.iter().any(|n| n.id == id)
            }) else {
                return;
            };
            let position = self.nodes.len();
            let zone = zones
                .get(added)
                .or_else(|| self.zones.get(position % self.zones.len().max(1)))
                .cloned()
                .unwrap_or_default();
            let role = if self.nodes.is_empty() {
                NodeRole::Primary
            } else {
                NodeRole::ReadReplica
            };
            let mut node = DaxNode::new(
                format!("{}-{letter}", self.name),
                zone,
                role,
                self.cache_memory_bytes,
                self.requests_per_second,
                now,
            );
            if let Some(at) = ready_at {
                node.status = NodeStatus::Creating;
                node.ready_at = Some(at);
            }
            self.nodes.push(node);
        }
    }

    /// Removes the named nodes, or else the newest replicas, down to `keep` nodes.
    pub(crate) fn remove_nodes(&mut self, keep: usize, named: &[String]) {
        if named.is_empty() {
            while self.nodes.len() > keep {
                let Some(index) = self.nodes.iter().rposition(|n| !n.is_primary()) else {
                    break;
                };
                self.nodes.remove(index);
            }
        } else {
            self.nodes.retain(|n| !named.contains(&n.id));
        }
        let ids: Vec<String> = self.nodes.iter().map(|n| n.id.clone()).collect();
        self.replication.retain(|_, r| ids.contains(&r.target));
        self.promote_if_needed();
    }

    /// Takes a node down (`Failed` or `Rebooting`) until `ready_at`; its caches are lost
    /// and the updates on their way to it are dropped. Returns `false` for an unknown node.
    pub(crate) fn take_down(&mut self, id: &str, status: NodeStatus, ready_at: SimTime) -> bool {
        let Some(node) = self.nodes.iter_mut().find(|n| n.id == id) else {
            return false;
        };
        node.go_down(status, ready_at);
        self.replication.retain(|_, r| r.target != id);
        self.promote_if_needed();
        true
    }

    /// If the primary is out of service, the first available read replica takes over.
    fn promote_if_needed(&mut self) {
        if self
            .nodes
            .iter()
            .any(|n| n.is_primary() && n.is_available())
        {
            return;
        }
        let Some(heir) = self.nodes.iter().position(|n| n.is_available()) else {
            // Nobody to hand over to; a cluster with no primary at all gets one back.
            if !self.nodes.iter().any(DaxNode::is_primary)
                && let Some(first) = self.nodes.first_mut()
            {
                first.role = NodeRole::Primary;
            }
            return;
        };
        for node in &mut self.nodes {
            node.role = NodeRole::ReadReplica;
        }
        if let Some(node) = self.nodes.get_mut(heir) {
            node.role = NodeRole::Primary;
        }
    }

    /// Moves the cluster's own time to `now`: nodes whose time has come are back, cache
    /// updates due by then are applied in time order, and expired entries are dropped —
    /// always with `sweep`, else at most once per [`SWEEP_INTERVAL`] (a sweep visits every
    /// entry, too much to do on every request).
    pub(crate) fn advance_to(&mut self, now: SimTime, params: &ParameterGroup, sweep: bool) {
        loop {
            let next_ready = self
                .nodes
                .iter()
                .filter_map(|n| n.ready_at)
                .filter(|&at| at <= now)
                .min();
            let next_update = self.replication.peek_time().filter(|&at| at <= now);
            match (next_ready, next_update) {
                (Some(ready), update) if update.is_none_or(|u| ready <= u) => {
                    for node in &mut self.nodes {
                        if node.ready_at == Some(ready) {
                            node.come_up_if_ready(ready);
                        }
                    }
                    self.promote_if_needed();
                }
                (_, Some(_)) => {
                    if let Some((at, replication)) = self.replication.pop_due(now) {
                        self.apply(replication, at);
                    }
                }
                _ => break,
            }
        }
        if matches!(
            self.status,
            ClusterStatus::Creating | ClusterStatus::Modifying
        ) && self.nodes.iter().all(|n| n.status != NodeStatus::Creating)
        {
            self.status = ClusterStatus::Available;
        }
        if !sweep && now < self.next_sweep {
            return;
        }
        self.next_sweep = now + SWEEP_INTERVAL;
        let item_expiry = params.item_expiry();
        let query_ttl = params.query_ttl();
        for node in &mut self.nodes {
            node.items.purge_expired(now, item_expiry);
            match query_ttl {
                Some(ttl) => {
                    node.queries.purge_expired(now, Some(ttl));
                }
                // A query TTL of 0 caches nothing; what was cached before is dead weight.
                None => node.queries.clear(),
            }
        }
    }

    fn apply(&mut self, replication: Replication, at: SimTime) {
        let Some(node) = self
            .nodes
            .iter_mut()
            .find(|n| n.id == replication.target && n.is_available())
        else {
            return;
        };
        match replication.update {
            CacheUpdate::Item {
                key,
                value,
                size,
                stored_at,
            } => {
                node.items.insert_if_newer(key, value, size, stored_at, at);
            }
            CacheUpdate::Query {
                key,
                value,
                size,
                stored_at,
            } => {
                node.queries
                    .insert_if_newer(key, value, size, stored_at, at);
            }
        }
    }

    /// Stores an item cache entry on node `index` and sends it to every other available
    /// node. Returns whether it fitted in the cache.
    pub(crate) fn fill_item(
        &mut self,
        index: usize,
        key: ItemKey,
        value: CachedItem,
        now: SimTime,
        latency: &DaxLatency,
    ) -> bool {
        let size = ENTRY_OVERHEAD_BYTES
            + key.size()
            + value.as_ref().map_or(0, |item| item_size(item) as u64);
        let update = CacheUpdate::Item {
            key: key.clone(),
            value: value.clone(),
            size,
            stored_at: now,
        };
        let stored = self
            .nodes
            .get_mut(index)
            .is_some_and(|node| node.items.insert(key, value, size, now, now));
        self.replicate(index, update, now, latency);
        stored
    }

    /// Stores a query cache entry on node `index` and sends it to every other node.
    pub(crate) fn fill_query(
        &mut self,
        index: usize,
        key: QueryKey,
        value: Value,
        items_bytes: u64,
        now: SimTime,
        latency: &DaxLatency,
    ) -> bool {
        let size = ENTRY_OVERHEAD_BYTES + key.size() + items_bytes;
        let update = CacheUpdate::Query {
            key: key.clone(),
            value: value.clone(),
            size,
            stored_at: now,
        };
        let stored = self
            .nodes
            .get_mut(index)
            .is_some_and(|node| node.queries.insert(key, value, size, now, now));
        self.replicate(index, update, now, latency);
        stored
    }

    fn replicate(&mut self, from: usize, update: CacheUpdate, now: SimTime, latency: &DaxLatency) {
        let targets: Vec<String> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| *i != from && n.is_available())
            .map(|(_, n)| n.id.clone())
            .collect();
        for target in targets {
            let lag = latency.replication.sample(&mut self.rng);
            self.replication.schedule(
                now + lag,
                Replication {
                    target,
                    update: update.clone(),
                },
            );
        }
    }

    /// A node for a read: any available node, chosen at random.
    fn pick_reader(&mut self) -> Option<usize> {
        let available: Vec<usize> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.is_available())
            .map(|(i, _)| i)
            .collect();
        self.rng.pick(&available).copied()
    }

    /// The node for a write: the primary, if it is in service.
    fn primary(&self) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.is_primary() && n.is_available())
    }

    /// Runs one request through the cluster at `env.now`.
    pub(crate) fn execute<B: Backend + ?Sized>(
        &mut self,
        operation: &str,
        request: &Value,
        env: &mut Env<'_, B>,
    ) -> DaxOutcome {
        self.advance_to(env.now, env.params, false);
        let class = classify(operation, request);
        let chosen = if self.status == ClusterStatus::Deleting {
            None
        } else if class == Class::Write {
            self.primary()
        } else {
            self.pick_reader()
        };
        let Some(index) = chosen else {
            let error = DynamoError::new(
                ErrorKind::ServiceUnavailable,
                format!("No node of DAX cluster {} is available", self.name),
            );
            let handled = Handled {
                result: Err(error),
                route: Route::Unavailable,
                touches: Vec::new(),
                dynamodb: None,
            };
            return self.finish(operation, None, handled, env);
        };
        let admitted = match self.nodes.get_mut(index) {
            Some(node) => {
                node.requests += 1;
                let admitted = node.budget.try_take(env.now);
                if !admitted {
                    node.throttled += 1;
                }
                admitted
            }
            None => false,
        };
        let handled = if !admitted {
            Handled::rejected(DynamoError::new(ErrorKind::Throttling, THROTTLING_MESSAGE))
        } else {
            match class {
                Class::ItemRead => self.get_item(index, request, env),
                Class::BatchItemRead => self.batch_get_item(index, request, env),
                Class::QueryRead => self.query(index, operation, request, env),
                Class::PassThrough(why) => pass_through(operation, request, why, env),
                Class::Write => self.write_through(index, operation, request, env),
            }
        };
        self.finish(operation, Some(index), handled, env)
    }

    /// Samples the latency, records the request and packages the outcome.
    fn finish<B: ?Sized>(
        &mut self,
        operation: &str,
        index: Option<usize>,
        handled: Handled,
        env: &Env<'_, B>,
    ) -> DaxOutcome {
        let write = classify(operation, &Value::Null) == Class::Write;
        let latency = match handled.dynamodb {
            Some(reported) => {
                env.latency.dynamodb(reported, write, &mut self.rng)
                    + env.latency.overhead.sample(&mut self.rng)
            }
            None if handled.route == Route::Unavailable => SimDuration::ZERO,
            None => env.latency.hit.sample(&mut self.rng),
        };
        self.requests += 1;
        let node = index.and_then(|i| self.nodes.get(i));
        let request = DaxRequest {
            id: self.requests,
            at: env.now,
            operation: operation.to_string(),
            node: node.map(|n| n.id.clone()),
            primary: node.is_some_and(DaxNode::is_primary),
            route: handled.route,
            stale: handled.touches.iter().any(|t| t.stale),
            touches: handled.touches,
            dynamodb: handled.dynamodb.is_some(),
            latency,
            error: handled
                .result
                .as_ref()
                .err()
                .map(|e| e.kind.name().to_string()),
        };
        if request.is_read() && handled.result.is_ok() {
            self.read_latency.record(latency);
        }
        if self.recent.len() == RECENT_REQUESTS {
            self.recent.pop_front();
        }
        self.recent.push_back(request.clone());
        DaxOutcome {
            result: handled.result,
            request,
        }
    }
}

/// How DAX treats an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    ItemRead,
    BatchItemRead,
    QueryRead,
    PassThrough(PassThrough),
    Write,
}

fn consistent(params: &Value) -> bool {
    params.get("ConsistentRead") == Some(&Value::Bool(true))
}

fn classify(operation: &str, request: &Value) -> Class {
    let strong = Class::PassThrough(PassThrough::StronglyConsistentRead);
    match operation {
        "GetItem" if consistent(request) => strong,
        "GetItem" => Class::ItemRead,
        "BatchGetItem" => {
            let any_strong = request
                .get("RequestItems")
                .and_then(Value::as_object)
                .is_some_and(|tables| tables.values().any(consistent));
            if any_strong {
                strong
            } else {
                Class::BatchItemRead
            }
        }
        "Query" | "Scan" if consistent(request) => strong,
        "Query" | "Scan" => Class::QueryRead,
        "TransactGetItems" => Class::PassThrough(PassThrough::Transaction),
        "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" | "TransactWriteItems" => {
            Class::Write
        }
        _ => Class::PassThrough(PassThrough::NotCacheable),
    }
}

fn pass_through<B: Backend + ?Sized>(
    operation: &str,
    request: &Value,
    why: PassThrough,
    env: &mut Env<'_, B>,
) -> Handled {
    let reply = env.backend.call(operation, request, env.now);
    Handled {
        result: reply.result,
        route: Route::PassThrough(why),
        touches: Vec::new(),
        dynamodb: Some(reply.latency),
    }
}

/// Six hex digits from the cluster name (FNV-1a), standing in for the random part of a
/// real cluster's endpoint names; deterministic so the same script describes the same
/// endpoints.
fn endpoint_id(name: &str) -> String {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:06x}", hash & 0xff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_classified_as_dax_treats_them() {
        use serde_json::json;
        assert_eq!(classify("GetItem", &json!({})), Class::ItemRead);
        assert_eq!(
            classify("GetItem", &json!({"ConsistentRead": true})),
            Class::PassThrough(PassThrough::StronglyConsistentRead)
        );
        assert_eq!(
            classify(
                "BatchGetItem",
                &json!({"RequestItems": {"a": {}, "b": {"ConsistentRead": true}}})
            ),
            Class::PassThrough(PassThrough::StronglyConsistentRead)
        );
        assert_eq!(
            classify("Scan", &json!({"ConsistentRead": false})),
            Class::QueryRead
        );
        assert_eq!(
            classify("TransactGetItems", &json!({})),
            Class::PassThrough(PassThrough::Transaction)
        );
        assert_eq!(classify("TransactWriteItems", &json!({})), Class::Write);
        assert_eq!(
            classify("DescribeTable", &json!({})),
            Class::PassThrough(PassThrough::NotCacheable)
        );
    }

    mod routing {
        use dynaplay_sim::SimTime;
        use serde_json::json;

        use crate::dax::backend::Backend;
        use crate::dax::cluster::ClusterSpec;
        use crate::dax::outcome::Route;
        use crate::dax::service::DaxService;
        use crate::db::Database;

        fn world(seed: u64) -> (DaxService, Database) {
            let mut db = Database::default();
            db.call(
                "CreateTable",
                &json!({"TableName": "users", "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
                SimTime::ZERO,
            )
            .result
            .unwrap();
            let mut dax = DaxService::new(seed);
            dax.provision(&ClusterSpec::new("c"), SimTime::ZERO)
                .unwrap();
            (dax, db)
        }

        fn reader_counts(dax: &mut DaxService, db: &mut Database, reads: u64) -> Vec<usize> {
            let get = json!({"TableName": "users", "Key": {"id": {"S": "x"}}});
            let mut counts = vec![0; 3];
            for n in 0..reads {
                let outcome = dax.execute("c", "GetItem", &get, db, SimTime::from_millis(n));
                let node = outcome.request.node.unwrap();
                let index = ["c-a", "c-b", "c-c"]
                    .iter()
                    .position(|id| *id == node)
                    .unwrap();
                counts[index] += 1;
            }
            counts
        }

        #[test]
        fn reads_spread_over_every_available_node_the_same_way_for_a_seed() {
            let (mut dax, mut db) = world(9);
            let counts = reader_counts(&mut dax, &mut db, 600);
            assert!(counts.iter().all(|&c| c > 150), "{counts:?}");
            let (mut again, mut db) = world(9);
            assert_eq!(reader_counts(&mut again, &mut db, 600), counts);
        }

        #[test]
        fn a_failed_node_takes_no_requests_and_its_primary_role_moves_on() {
            let (mut dax, mut db) = world(9);
            dax.fail_node("c", "c-a", SimTime::ZERO).unwrap();
            let counts = reader_counts(&mut dax, &mut db, 300);
            assert_eq!(counts[0], 0);
            let put = json!({"TableName": "users", "Item": {"id": {"S": "y"}}});
            let write = dax.execute("c", "PutItem", &put, &mut db, SimTime::from_secs(1));
            assert_eq!(write.request.route, Route::WriteThrough);
            assert_eq!(write.request.node.as_deref(), Some("c-b"));
            assert!(write.request.primary);
        }

        #[test]
        fn an_update_reaches_the_other_nodes_after_the_replication_lag() {
            let (mut dax, mut db) = world(2);
            let put = json!({"TableName": "users", "Item": {"id": {"S": "y"}}});
            dax.execute("c", "PutItem", &put, &mut db, SimTime::ZERO);
            let cluster = dax.cluster("c").unwrap();
            let cached: Vec<usize> = cluster
                .nodes()
                .iter()
                .map(|n| n.item_cache().len())
                .collect();
            assert_eq!(cached, [1, 0, 0], "only the primary has it at once");
            assert_eq!(cluster.pending_replications(), 2);
            dax.advance_to(SimTime::from_secs(5));
            let cluster = dax.cluster("c").unwrap();
            let cached: Vec<usize> = cluster
                .nodes()
                .iter()
                .map(|n| n.item_cache().len())
                .collect();
            assert_eq!(cached, [1, 1, 1]);
        }
    }

    #[test]
    fn endpoint_ids_are_stable_six_hex_digits() {
        assert_eq!(endpoint_id("demo"), endpoint_id("demo"));
        assert_ne!(endpoint_id("demo"), endpoint_id("demo2"));
        assert_eq!(endpoint_id("demo").len(), 6);
    }
}
