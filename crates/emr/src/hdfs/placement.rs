//! Where replicas go: EMR's replication rule and HDFS's placement policy.
//!
//! EMR sets `dfs.replication` from the number of core nodes the cluster starts with: one
//! copy below four core nodes, two below ten, three from ten up. Small clusters keep fewer
//! copies because each copy costs a whole node's worth of disk per node — which is also why
//! losing a core node of a three-node cluster loses data outright.
//!
//! HDFS's default policy puts the first replica on the writer's own DataNode (when the
//! writer is one; a task node has no DataNode) and the others on distinct, randomly chosen
//! DataNodes with room for the block. Real HDFS also spreads replicas across racks; EMR
//! clusters run in one placement group, so there is no rack level here.

use dynaplay_sim::SimRng;

use crate::ids::NodeId;

/// EMR's default `dfs.replication` for a cluster with `core_nodes` core nodes.
pub fn replication_for(core_nodes: usize) -> u32 {
    match core_nodes {
        0..=3 => 1,
        4..=9 => 2,
        _ => 3,
    }
}

/// Chooses up to `count` distinct targets for a new block. `eligible` lists the DataNodes
/// that are live, not decommissioning and have room, in id order; `writer` is placed first
/// when it is among them. Fewer than `count` come back when there are not enough nodes.
pub fn choose_targets(
    eligible: &[NodeId],
    writer: Option<NodeId>,
    count: usize,
    rng: &mut SimRng,
) -> Vec<NodeId> {
    let mut chosen = Vec::with_capacity(count);
    if count == 0 {
        return chosen;
    }
    if let Some(w) = writer.filter(|w| eligible.binary_search(w).is_ok()) {
        chosen.push(w);
    }
    let wanted = count.min(eligible.len());
    // Rejection sampling is cheap while the cluster is much larger than the replication
    // factor (the common case: 3 of 1,800); a bounded number of tries, then a scan, keeps
    // a nearly full choice from looping.
    let mut tries = 0;
    while chosen.len() < wanted && tries < 8 * count + 16 {
        tries += 1;
        if let Some(&n) = rng.pick(eligible)
            && !chosen.contains(&n)
        {
            chosen.push(n);
        }
    }
    if chosen.len() < wanted {
        let mut rest: Vec<NodeId> = eligible
            .iter()
            .copied()
            .filter(|n| !chosen.contains(n))
            .collect();
        rng.shuffle(&mut rest);
        chosen.extend(rest.into_iter().take(wanted - chosen.len()));
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emr_replication_rule() {
        let rule: Vec<u32> = [1, 3, 4, 9, 10, 500].map(replication_for).to_vec();
        assert_eq!(rule, vec![1, 1, 2, 2, 3, 3]);
    }

    #[test]
    fn writer_first_then_distinct_random_nodes() {
        let nodes: Vec<NodeId> = (1..=6).map(NodeId).collect();
        let mut rng = SimRng::seed_from(1);
        for _ in 0..50 {
            let t = choose_targets(&nodes, Some(NodeId(4)), 3, &mut rng);
            assert_eq!(t.len(), 3);
            assert_eq!(t[0], NodeId(4));
            let mut d = t.clone();
            d.sort();
            d.dedup();
            assert_eq!(d.len(), 3);
        }
        // A writer that is not a DataNode (a task node) gets no replica.
        let t = choose_targets(&nodes, Some(NodeId(99)), 2, &mut rng);
        assert!(!t.contains(&NodeId(99)));
        // Not enough nodes: as many as there are.
        assert_eq!(choose_targets(&nodes[..2], None, 3, &mut rng).len(), 2);
        assert!(choose_targets(&[], None, 3, &mut rng).is_empty());
    }
}
