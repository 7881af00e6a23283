//! One DAX node: an item cache, a query cache and a request budget, in one Availability
//! Zone.
//!
//! A cluster has one primary node and up to ten read replicas. Every node serves reads
//! from its own caches; writes go to the primary. A node's caches live only in its memory,
//! so a node that fails or reboots comes back empty, and its replacement has to be warmed
//! up again by misses and by updates replicated from the other nodes.
//!
//! Lifecycle: a node is `creating` until it has launched, then `available`; a reboot
//! makes it `rebooting` for a while and a failure `failed` until DAX has replaced it.
//! Only available nodes take requests or receive replicated updates.

use std::fmt;

use dynaplay_sim::SimTime;
use serde::Serialize;
use serde_json::Value;

use crate::dax::keys::{ItemKey, QueryKey};
use crate::dax::lru::LruCache;
use crate::dax::throttle::RequestBudget;
use crate::value::Item;

/// A node's part in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NodeRole {
    /// Takes the writes; replicates cache updates to the others.
    Primary,
    ReadReplica,
}

/// A node's state, with the names `DescribeClusters` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NodeStatus {
    Creating,
    Available,
    Rebooting,
    Failed,
}

impl NodeStatus {
    pub fn name(self) -> &'static str {
        match self {
            NodeStatus::Creating => "creating",
            NodeStatus::Available => "available",
            NodeStatus::Rebooting => "rebooting",
            NodeStatus::Failed => "failed",
        }
    }
}

impl fmt::Display for NodeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An item cache value: the whole item, or `None` for a negative entry ("no such item").
pub type CachedItem = Option<Item>;

/// One node of a cluster.
#[derive(Debug, Clone)]
pub struct DaxNode {
    /// `<cluster>-a`, `<cluster>-b`, ...
    pub id: String,
    pub availability_zone: String,
    pub role: NodeRole,
    pub status: NodeStatus,
    pub created_at: SimTime,
    /// When a creating, rebooting or failed node becomes available.
    pub ready_at: Option<SimTime>,
    pub(crate) items: LruCache<ItemKey, CachedItem>,
    /// Query and Scan responses without their ConsumedCapacity.
    pub(crate) queries: LruCache<QueryKey, Value>,
    pub(crate) budget: RequestBudget,
    /// Requests this node has taken (including throttled ones).
    pub requests: u64,
    pub throttled: u64,
}

impl DaxNode {
    pub(crate) fn new(
        id: String,
        availability_zone: String,
        role: NodeRole,
        cache_memory_bytes: u64,
        requests_per_second: u64,
        now: SimTime,
    ) -> DaxNode {
        DaxNode {
            id,
            availability_zone,
            role,
            status: NodeStatus::Available,
            created_at: now,
            ready_at: None,
            items: LruCache::new(cache_memory_bytes / 2),
            queries: LruCache::new(cache_memory_bytes / 2),
            budget: RequestBudget::new(requests_per_second, now),
            requests: 0,
            throttled: 0,
        }
    }

    pub fn is_available(&self) -> bool {
        self.status == NodeStatus::Available
    }

    pub fn is_primary(&self) -> bool {
        self.role == NodeRole::Primary
    }

    /// Takes the node out of service until `ready_at`, losing both caches.
    pub(crate) fn go_down(&mut self, status: NodeStatus, ready_at: SimTime) {
        self.status = status;
        self.ready_at = Some(ready_at);
        self.items.clear();
        self.queries.clear();
    }

    /// Brings the node back if its time has come; returns whether it did.
    pub(crate) fn come_up_if_ready(&mut self, now: SimTime) -> bool {
        match self.ready_at {
            Some(at) if at <= now => {
                self.status = NodeStatus::Available;
                self.ready_at = None;
                true
            }
            _ => false,
        }
    }

    pub fn item_cache(&self) -> &LruCache<ItemKey, CachedItem> {
        &self.items
    }

    pub fn query_cache(&self) -> &LruCache<QueryKey, Value> {
        &self.queries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_sim::SimDuration;

    #[test]
    fn a_node_that_goes_down_comes_back_empty_when_ready() {
        let now = SimTime::ZERO;
        let mut node = DaxNode::new(
            "c-a".into(),
            "us-east-1a".into(),
            NodeRole::Primary,
            1_000,
            10,
            now,
        );
        node.items
            .insert(ItemKey::of_key("t", &Item::new()), None, 10, now, now);
        assert_eq!(node.item_cache().len(), 1);
        let back = now + SimDuration::from_secs(30);
        node.go_down(NodeStatus::Failed, back);
        assert!(!node.is_available());
        assert!(node.item_cache().is_empty());
        assert!(!node.come_up_if_ready(now + SimDuration::from_secs(29)));
        assert!(node.come_up_if_ready(back));
        assert!(node.is_available());
        assert_eq!(
            node.items.budget_bytes(),
            500,
            "memory is split between the caches"
        );
    }
}
