//! DAX node types: how much a node remembers and how hard it can be driven.
//!
//! Every node of a cluster has the same type, chosen at creation and never changed (to
//! scale up you create a new cluster). The type fixes the node's memory, which bounds what
//! its caches hold before LRU eviction starts, and its CPU, which bounds the request rate
//! before DAX answers with `ThrottlingException` — DAX throttles on CPU utilisation, not
//! on a published request quota.
//!
//! Memory and vCPUs are the instance sizes AWS lists. The request rate is Dynaplay's
//! assumption — AWS publishes none — set at 10,000 requests per second per vCPU for the
//! memory-optimised r5 family and a quarter of that for the burstable t3 family, whose
//! baseline is a fraction of a vCPU. A node's memory is split evenly between its item cache
//! and its query cache (DAX shares one heap between them; an even split keeps each cache's
//! LRU behaviour easy to see).

use serde::Serialize;

const GIB: u64 = 1 << 30;

/// A DAX node type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NodeType {
    /// The API name, e.g. `dax.r5.large`.
    pub name: &'static str,
    pub vcpus: u32,
    pub memory_bytes: u64,
    /// Requests per second one node serves before it throttles (Dynaplay's assumption).
    pub requests_per_second: u64,
}

const fn r5(name: &'static str, vcpus: u32, memory_gib: u64) -> NodeType {
    NodeType {
        name,
        vcpus,
        memory_bytes: memory_gib * GIB,
        requests_per_second: vcpus as u64 * 10_000,
    }
}

const fn t3(name: &'static str, memory_gib: u64) -> NodeType {
    NodeType {
        name,
        vcpus: 2,
        memory_bytes: memory_gib * GIB,
        requests_per_second: 2 * 2_500,
    }
}

/// The node types Dynaplay offers, smallest first.
pub const NODE_TYPES: &[NodeType] = &[
    t3("dax.t3.small", 2),
    t3("dax.t3.medium", 4),
    r5("dax.r5.large", 2, 16),
    r5("dax.r5.xlarge", 4, 32),
    r5("dax.r5.2xlarge", 8, 64),
    r5("dax.r5.4xlarge", 16, 128),
    r5("dax.r5.8xlarge", 32, 256),
    r5("dax.r5.12xlarge", 48, 384),
    r5("dax.r5.16xlarge", 64, 512),
    r5("dax.r5.24xlarge", 96, 768),
];

/// The default node type of a new cluster.
pub const DEFAULT_NODE_TYPE: &str = "dax.r5.large";

/// The node type with this API name.
pub fn node_type(name: &str) -> Option<&'static NodeType> {
    NODE_TYPES.iter().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_found_by_name_with_their_sizes() {
        let large = node_type("dax.r5.large").unwrap();
        assert_eq!(large.memory_bytes, 16 * GIB);
        assert_eq!(large.requests_per_second, 20_000);
        assert!(node_type("dax.r5.huge").is_none());
        assert!(node_type(DEFAULT_NODE_TYPE).is_some());
        assert!(
            NODE_TYPES
                .windows(2)
                .all(|w| w[0].memory_bytes <= w[1].memory_bytes)
        );
    }
}
