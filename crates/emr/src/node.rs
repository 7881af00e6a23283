//! Nodes: the instances of a cluster, their roles, their state and their health.
//!
//! An EMR cluster has three kinds of node. The **primary** node runs the HDFS NameNode and
//! the YARN ResourceManager; losing it (there is only one here) ends the cluster. **Core**
//! nodes run a DataNode and a NodeManager: they store HDFS blocks and run tasks. **Task**
//! nodes run only a NodeManager: they add compute without storage, which makes them the
//! natural Spot instances — when EC2 takes one back, no HDFS data goes with it (though map
//! output on its local disk does).
//!
//! Real machines are not identical. Each node gets a *slowdown* factor from a seeded
//! [`HealthModel`]: a little log-normal jitter for everyone and, rarely, a *degraded* node
//! several times slower — the MapReduce paper's "machine with a bad disk", or one whose
//! CPU is shared with other work. Stragglers, and the value of speculative backup tasks,
//! emerge from these draws rather than being scripted.

use std::fmt;

use dynaplay_sim::{LatencyDistribution, SimDuration, SimRng, SimTime};
use serde::Serialize;

use crate::ids::NodeId;
use crate::instance::InstanceType;
use crate::yarn::NodeResources;

/// What a node does in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeRole {
    Primary,
    Core,
    Task,
}

impl fmt::Display for NodeRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NodeRole::Primary => "primary",
            NodeRole::Core => "core",
            NodeRole::Task => "task",
        })
    }
}

/// How the instance is bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Market {
    OnDemand,
    Spot,
}

/// A node's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NodeState {
    /// Being launched and bootstrapped.
    Provisioning,
    /// Up and taking containers.
    Running,
    /// Draining: no new containers; leaves when its work (and its HDFS blocks) are
    /// elsewhere.
    Decommissioning,
    /// Its worker processes died and are being restarted; the machine and its HDFS
    /// blocks are fine, its local map outputs are gone.
    Restarting,
    /// Gone without notice; the cluster has not noticed yet.
    Lost,
    /// Gone, and known to be gone.
    Terminated,
}

impl fmt::Display for NodeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NodeState::Provisioning => "PROVISIONING",
            NodeState::Running => "RUNNING",
            NodeState::Decommissioning => "DECOMMISSIONING",
            NodeState::Restarting => "RESTARTING",
            NodeState::Lost => "LOST",
            NodeState::Terminated => "TERMINATED",
        })
    }
}

/// One instance.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub id: NodeId,
    /// `primary`, `core-3`, `task-2`.
    pub name: String,
    pub role: NodeRole,
    pub instance: &'static InstanceType,
    pub market: Market,
    pub state: NodeState,
    /// Since when the node is in its state.
    pub since: SimTime,
    pub yarn: NodeResources,
    /// How many times slower than nominal this node works (1.0 = nominal).
    pub slowdown: f64,
    /// Whether the health model made this node a degraded one.
    pub degraded: bool,
    /// Extra slowdown from an injected `slow` fault (1.0 when none).
    pub fault_slowdown: f64,
}

impl Node {
    /// Whether the node's daemons answer: its DataNode serves blocks and its containers
    /// run.
    pub fn is_up(&self) -> bool {
        matches!(self.state, NodeState::Running | NodeState::Decommissioning)
    }

    /// Whether YARN may start new containers here.
    pub fn accepts_containers(&self) -> bool {
        self.state == NodeState::Running && self.role != NodeRole::Primary
    }

    /// Whether the node runs a DataNode.
    pub fn is_datanode(&self) -> bool {
        self.role == NodeRole::Core
    }

    /// The total slowdown applied to work on this node.
    pub fn factor(&self) -> f64 {
        self.slowdown * self.fault_slowdown
    }

    /// Disk throughput available to one container, MB/s: the node's disks shared by as
    /// many containers as it has vcores.
    pub fn disk_share_mbps(&self) -> f64 {
        self.instance.disk_mbps / f64::from(self.instance.vcpus.max(1))
    }

    /// Network throughput available to one container, MB/s.
    pub fn network_share_mbps(&self) -> f64 {
        self.instance.network_mbps / f64::from(self.instance.vcpus.max(1))
    }
}

/// How healthy the machines of a cluster are: a seeded source of slowdowns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthModel {
    /// Spread of every node's speed: the sigma of a log-normal slowdown with median 1.
    pub jitter_sigma: f64,
    /// Share of nodes that are degraded.
    pub degraded_fraction: f64,
    /// A degraded node's slowdown, drawn uniformly from this range.
    pub degraded_slowdown: (f64, f64),
    /// Spread of each task attempt's own duration (log-normal sigma, median 1).
    pub attempt_jitter_sigma: f64,
}

impl Default for HealthModel {
    /// Modern cloud instances: a few percent of jitter, no degraded nodes.
    fn default() -> Self {
        HealthModel {
            jitter_sigma: 0.03,
            degraded_fraction: 0.0,
            degraded_slowdown: (2.0, 4.0),
            attempt_jitter_sigma: 0.05,
        }
    }
}

impl HealthModel {
    /// Machines that never vary: for golden tests whose times should read as round numbers.
    pub fn uniform() -> HealthModel {
        HealthModel {
            jitter_sigma: 0.0,
            degraded_fraction: 0.0,
            degraded_slowdown: (1.0, 1.0),
            attempt_jitter_sigma: 0.0,
        }
    }

    /// Draws one node's slowdown and whether it is degraded (always three draws).
    pub fn sample_node(&self, rng: &mut SimRng) -> (f64, bool) {
        let jitter = log_normal_factor(self.jitter_sigma, rng);
        let degraded = rng.chance(self.degraded_fraction);
        let u = rng.next_f64();
        let (lo, hi) = self.degraded_slowdown;
        let factor = if degraded { lo + (hi - lo) * u } else { 1.0 };
        (jitter * factor, degraded)
    }

    /// Draws one attempt's own variation (always one draw).
    pub fn sample_attempt(&self, rng: &mut SimRng) -> f64 {
        log_normal_factor(self.attempt_jitter_sigma, rng)
    }
}

/// A log-normal factor with median 1, sampled through the kernel's portable sampler so it
/// is the same on every platform.
fn log_normal_factor(sigma: f64, rng: &mut SimRng) -> f64 {
    let unit = SimDuration::from_secs(1);
    let d = LatencyDistribution::log_normal(unit, sigma.max(0.0)).sample(rng);
    (d.as_micros() as f64 / 1e6).clamp(0.2, 5.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degraded_nodes_are_rare_and_slow() {
        let model = HealthModel {
            jitter_sigma: 0.05,
            degraded_fraction: 0.01,
            degraded_slowdown: (2.0, 3.5),
            attempt_jitter_sigma: 0.0,
        };
        let mut rng = SimRng::seed_from(2);
        let draws: Vec<(f64, bool)> = (0..20_000).map(|_| model.sample_node(&mut rng)).collect();
        let degraded: Vec<f64> = draws.iter().filter(|d| d.1).map(|d| d.0).collect();
        assert!((150..250).contains(&degraded.len()), "{}", degraded.len());
        assert!(
            degraded.iter().all(|f| *f > 1.6),
            "degraded nodes are at least ~2x slower"
        );
        let healthy_max = draws
            .iter()
            .filter(|d| !d.1)
            .map(|d| d.0)
            .fold(0.0, f64::max);
        assert!(healthy_max < 1.4, "jitter stays small: {healthy_max}");
    }

    #[test]
    fn a_uniform_model_never_varies() {
        let mut rng = SimRng::seed_from(2);
        let m = HealthModel::uniform();
        for _ in 0..100 {
            assert_eq!(m.sample_node(&mut rng), (1.0, false));
            assert_eq!(m.sample_attempt(&mut rng), 1.0);
        }
    }
}
