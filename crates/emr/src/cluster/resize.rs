//! Changing the cluster's size: adding nodes, decommissioning them, Spot interruptions.
//!
//! Growing is simple: new instances launch, bootstrap and join, and a running job starts
//! using them as soon as they have its program. Shrinking is graceful: a node to be removed
//! is *decommissioned* — YARN gives it no new containers and waits for the running ones
//! (and for any map output a running job still needs from its disk); HDFS copies its blocks
//! to the remaining core nodes first. Only then does the node leave. EMR refuses to shrink
//! the core group below what HDFS needs: fewer core nodes than `dfs.replication`, or too
//! little storage left for the data already stored.
//!
//! A Spot task node can be taken back by EC2 with two minutes' notice; the node is
//! decommissioned during the notice, and whatever has not drained when it ends is lost with
//! it — including completed map output on its local disk, which must then be recomputed.

use dynaplay_sim::SimDuration;

use super::faults::FaultAction;
use super::job::TaskState;
use super::{Cluster, Ev};
use crate::error::{EmrError, Result};
use crate::ids::NodeId;
use crate::node::{Market, NodeRole, NodeState};

/// How often a decommissioning node checks whether it may leave.
const DECOMMISSION_POLL: SimDuration = SimDuration::from_secs(5);

impl Cluster {
    /// Nodes of a group that count towards its size (not leaving, not gone).
    pub fn group_size(&self, role: NodeRole) -> u32 {
        self.nodes
            .iter()
            .filter(|n| {
                n.role == role
                    && matches!(
                        n.state,
                        NodeState::Provisioning | NodeState::Running | NodeState::Restarting
                    )
            })
            .count() as u32
    }

    /// Resizes the core or task group to `target` nodes; returns the nodes being added or
    /// decommissioned.
    pub fn resize(&mut self, role: NodeRole, target: u32) -> Result<Vec<NodeId>> {
        self.require_up("resize")?;
        let group = match role {
            NodeRole::Primary => {
                return Err(EmrError::InvalidConfig(
                    "the primary group cannot be resized".into(),
                ));
            }
            NodeRole::Core => self.config.core.clone(),
            NodeRole::Task => self.config.task.clone(),
        };
        let current = self.group_size(role);
        if target > current {
            if target + self.nodes.len() as u32 > 10_000 {
                return Err(EmrError::InvalidConfig("at most 10,000 nodes".into()));
            }
            let mut added = Vec::new();
            for _ in current..target {
                let id = self.add_node(role, &group.instance_type, group.market)?;
                let at = self.config.node_provisioning;
                self.schedule_after(at, Ev::NodeUp(id));
                added.push(id);
            }
            return Ok(added);
        }
        let remove = (current - target) as usize;
        let mut candidates: Vec<(u32, std::cmp::Reverse<NodeId>)> = self
            .nodes
            .iter()
            .filter(|n| n.role == role && n.state == NodeState::Running)
            .map(|n| (n.yarn.vcores_used, std::cmp::Reverse(n.id)))
            .collect();
        candidates.sort();
        let chosen: Vec<NodeId> = candidates.into_iter().take(remove).map(|c| c.1.0).collect();
        if role == NodeRole::Core {
            self.check_hdfs_allows(&chosen)?;
        }
        for &n in &chosen {
            self.start_decommission(n, "resize");
        }
        Ok(chosen)
    }

    /// EMR's guard: HDFS must keep enough DataNodes and room after `leaving` go.
    fn check_hdfs_allows(&self, leaving: &[NodeId]) -> Result<()> {
        let staying: Vec<_> = self
            .nodes
            .iter()
            .filter(|n| n.role == NodeRole::Core && n.is_up() && !leaving.contains(&n.id))
            .collect();
        let replication = self
            .hdfs
            .files()
            .map(|f| f.replication)
            .max()
            .unwrap_or(1)
            .max(self.hdfs.replication());
        if (staying.len() as u32) < replication {
            return Err(EmrError::InsufficientCapacity(format!(
                "cannot shrink the core group to {} nodes: HDFS keeps {replication} replicas and \
                 needs at least {replication} core nodes",
                staying.len()
            )));
        }
        let room: u64 = staying.iter().map(|n| n.instance.storage_bytes).sum();
        let used = self.hdfs.raw_used();
        if used > room {
            return Err(EmrError::InsufficientCapacity(format!(
                "cannot shrink the core group to {} nodes: HDFS holds {used} bytes of replicas \
                 and only {room} would remain",
                staying.len()
            )));
        }
        Ok(())
    }

    /// Gracefully removes one core or task node.
    pub fn decommission(&mut self, node: NodeId) -> Result<()> {
        self.require_up("decommission a node")?;
        let n = self
            .node(node)
            .ok_or_else(|| EmrError::NotFound(format!("node {}", node.0)))?;
        if n.role == NodeRole::Primary {
            return Err(EmrError::InvalidConfig(
                "the primary node cannot be decommissioned".into(),
            ));
        }
        if n.state != NodeState::Running {
            return Err(EmrError::InvalidState(format!(
                "node {} is {}",
                n.name, n.state
            )));
        }
        if n.role == NodeRole::Core {
            self.check_hdfs_allows(&[node])?;
        }
        self.start_decommission(node, "decommission requested");
        Ok(())
    }

    fn start_decommission(&mut self, node: NodeId, reason: &str) {
        self.set_node_state(node, NodeState::Decommissioning, reason);
        if self.node(node).is_some_and(|n| n.role == NodeRole::Core) {
            self.hdfs.start_decommission(node);
            self.kick_replication();
        }
        if let Some(mut job) = self.active.take() {
            job.reserved.remove(&node);
            self.put_job(job);
        }
        self.schedule_after(SimDuration::ZERO, Ev::DecommissionCheck(node));
    }

    /// EC2 is reclaiming a Spot instance: it drains during the notice, then is gone.
    pub fn interrupt_spot(&mut self, node: NodeId) -> Result<()> {
        self.require_up("interrupt a Spot instance")?;
        let n = self
            .node(node)
            .ok_or_else(|| EmrError::NotFound(format!("node {}", node.0)))?;
        if n.market != Market::Spot {
            return Err(EmrError::InvalidState(format!(
                "node {} is not a Spot instance",
                n.name
            )));
        }
        if !n.is_up() {
            return Err(EmrError::InvalidState(format!(
                "node {} is {}",
                n.name, n.state
            )));
        }
        if n.state == NodeState::Running {
            self.start_decommission(node, "Spot interruption notice");
        }
        let notice = self.config.spot_notice;
        self.schedule_after(notice, Ev::Fault(FaultAction::SpotTerminate(node)));
        Ok(())
    }

    pub(crate) fn on_decommission_check(&mut self, node: NodeId) {
        let Some(n) = self.node(node) else { return };
        if n.state != NodeState::Decommissioning {
            return;
        }
        let overdue = self.now() >= n.since + self.config.decommission_timeout;
        let is_core = n.role == NodeRole::Core;
        let containers_idle = n.yarn.is_idle();
        let outputs_needed = self.active.as_ref().is_some_and(|j| {
            !j.state.is_done()
                && j.maps.iter().any(|m| {
                    m.state == TaskState::Succeeded && m.committed.is_some_and(|(_, at)| at == node)
                })
                && j.reduces.iter().any(|r| r.state != TaskState::Succeeded)
        });
        let drained = containers_idle && !outputs_needed;
        if drained && (!is_core || self.hdfs.finish_decommission(node)) {
            self.set_node_state(node, NodeState::Terminated, "decommissioned");
            return;
        }
        if overdue {
            // The graceful period is over: the node leaves with whatever was on it.
            self.set_node_state(node, NodeState::Lost, "decommission timed out");
            self.on_node_expired(node);
            if is_core {
                self.on_datanode_expired(node);
            }
            return;
        }
        self.schedule_after(DECOMMISSION_POLL, Ev::DecommissionCheck(node));
    }

    pub(crate) fn on_node_up(&mut self, node: NodeId) {
        if self.node(node).map(|n| n.state) != Some(NodeState::Provisioning) || !self.state.is_up()
        {
            return;
        }
        self.bring_up(node);
        self.kick_replication();
        if let Some(job) = self.active.as_ref() {
            let (id, interval) = (job.id, job.config.startup.program_push_interval);
            if job.state == super::JobState::Running {
                self.schedule_after(interval, Ev::WorkerReady(id, node));
            }
        }
    }
}
