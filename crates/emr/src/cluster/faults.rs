//! Failures: crashed workers, lost nodes, slow nodes, and how HDFS heals afterwards.
//!
//! Three kinds of trouble, as in the MapReduce paper and on EMR:
//!
//! * **A worker crashes** ([`Cluster::crash_worker`]): the machine is fine but the processes
//!   on it die and are restarted — the paper's "200 worker processes killed". The job
//!   notices after a short detection delay: attempts that were running there are re-run
//!   elsewhere, and so are the node's *completed* maps, because their output lived on the
//!   node's local disk and went with the process. Completed reduces are safe in HDFS.
//! * **A node is lost** ([`Cluster::lose_node`]): the instance is gone. YARN declares the
//!   NodeManager lost after its expiry interval (the job's work there is redone as above);
//!   the NameNode declares the DataNode dead after its own, longer, expiry and then copies
//!   every under-replicated block from a surviving replica. A block whose last replica was
//!   there is lost for good. Losing the primary node ends the cluster.
//! * **A node is slow** ([`Cluster::slow_node`]): its work takes longer until healed.
//!
//! Faults can be applied now, scheduled, or given as a [`FaultPlan`] with targets named
//! `node:<name>`. Task-level failures (a bad record, an out-of-memory kill) are injected
//! with [`Cluster::inject_failures`].

use std::collections::{BTreeMap, BTreeSet};

use dynaplay_sim::{FaultKind, FaultPlan, SimDuration, SimTime};
use serde::Serialize;

use super::job::{JobRun, TaskState};
use super::{Cluster, Ev};
use crate::error::{EmrError, Result};
use crate::events::EventKind;
use crate::ids::{BlockId, NodeId, TaskRef};
use crate::node::{NodeRole, NodeState};

/// A fault to happen at some instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum FaultAction {
    /// The node's worker processes die; they are back after `restart_after`.
    CrashWorker {
        node: NodeId,
        restart_after: SimDuration,
    },
    /// The node is gone for good.
    LoseNode(NodeId),
    /// The node works `factor` times slower.
    Slow { node: NodeId, factor: f64 },
    /// The node works at its normal speed again.
    Heal(NodeId),
    /// `count` randomly chosen workers crash and restart after `restart_after`.
    KillWorkers {
        count: u32,
        restart_after: SimDuration,
    },
    /// EC2 takes back a Spot instance (after its notice).
    SpotTerminate(NodeId),
}

/// Attempts to fail on purpose, for exercising retries and blacklisting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Injection {
    /// Only attempts of this task (any task when `None`).
    pub task: Option<TaskRef>,
    /// Only attempts on this node (any node when `None`).
    pub node: Option<NodeId>,
    /// How many attempts to fail.
    pub count: u32,
}

/// Block copies in flight during re-replication.
#[derive(Debug, Clone, Default)]
pub(crate) struct CopyBook {
    in_flight: BTreeMap<BlockId, (NodeId, NodeId)>,
    streams: BTreeMap<NodeId, u32>,
    monitor_scheduled: bool,
}

impl Cluster {
    /// Fails the next `count` matching task attempts (of any job).
    pub fn inject_failures(&mut self, injection: Injection) {
        if injection.count > 0 {
            self.injections.push(injection);
        }
    }

    /// Whether an attempt of `task` on `node` is to fail; consumes one injection.
    pub(crate) fn take_injection(&mut self, task: TaskRef, node: NodeId) -> bool {
        let hit = self.injections.iter_mut().find(|i| {
            i.count > 0 && i.task.is_none_or(|t| t == task) && i.node.is_none_or(|n| n == node)
        });
        match hit {
            Some(i) => {
                i.count -= 1;
                self.injections.retain(|i| i.count > 0);
                true
            }
            None => false,
        }
    }

    fn worker(&self, node: NodeId) -> Result<()> {
        let n = self
            .node(node)
            .ok_or_else(|| EmrError::NotFound(format!("node {}", node.0)))?;
        if !n.is_up() {
            return Err(EmrError::InvalidState(format!(
                "node {} is {}, not running",
                n.name, n.state
            )));
        }
        Ok(())
    }

    /// Kills the worker processes on a node now; they restart after `restart_after`.
    pub fn crash_worker(&mut self, node: NodeId, restart_after: SimDuration) -> Result<()> {
        self.worker(node)?;
        if self.node(node).is_some_and(|n| n.role == NodeRole::Primary) {
            return Err(EmrError::InvalidState(
                "the primary node runs no worker; lose it instead".into(),
            ));
        }
        self.set_node_state(node, NodeState::Restarting, "worker processes crashed");
        self.withhold_outputs(node);
        let detect = self.config.worker_failure_detection;
        let restart = restart_after.max(detect);
        self.schedule_after(detect, Ev::NodeExpired(node));
        self.schedule_after(restart, Ev::WorkerRestarted(node));
        Ok(())
    }

    /// Crashes `count` randomly chosen running workers; returns which.
    pub fn kill_workers(&mut self, count: u32, restart_after: SimDuration) -> Vec<NodeId> {
        let mut workers: Vec<NodeId> = self
            .nodes
            .iter()
            .filter(|n| n.role != NodeRole::Primary && n.state == NodeState::Running)
            .map(|n| n.id)
            .collect();
        self.rng.faults.shuffle(&mut workers);
        workers.truncate(count as usize);
        workers.sort();
        for &n in &workers {
            let _ = self.crash_worker(n, restart_after);
        }
        workers
    }

    /// The node's instance is gone for good.
    pub fn lose_node(&mut self, node: NodeId) -> Result<()> {
        self.worker(node)?;
        let role = self.node(node).map(|n| n.role);
        self.set_node_state(node, NodeState::Lost, "instance lost");
        self.withhold_outputs(node);
        if role == Some(NodeRole::Primary) {
            self.fail_cluster("the primary node was lost");
            return Ok(());
        }
        let yarn = self.config.node_expiry;
        self.schedule_after(yarn, Ev::NodeExpired(node));
        if role == Some(NodeRole::Core) {
            let hdfs = self.config.datanode_expiry;
            self.schedule_after(hdfs, Ev::DataNodeExpired(node));
        }
        Ok(())
    }

    /// Slows a node's work by `factor` (new attempts only) until healed.
    pub fn slow_node(&mut self, node: NodeId, factor: f64) -> Result<()> {
        if !factor.is_finite() || factor <= 0.0 {
            return Err(EmrError::InvalidConfig(format!(
                "slowdown {factor} must be positive"
            )));
        }
        let n = self
            .node_mut(node)
            .ok_or_else(|| EmrError::NotFound(format!("node {}", node.0)))?;
        n.fault_slowdown = factor;
        Ok(())
    }

    /// Schedules a fault.
    pub fn schedule_fault(&mut self, at: SimTime, fault: FaultAction) {
        self.schedule_at(at, Ev::Fault(fault));
    }

    /// Schedules every fault of a plan. Targets are `node:<name>`; the kinds EMR nodes
    /// take are `crash` (with a duration: the workers restart when it ends; without: the
    /// node is lost), `kill` (lost) and `slow`.
    pub fn apply_fault_plan(&mut self, plan: &FaultPlan) -> Result<()> {
        let mut actions = Vec::new();
        for f in plan.iter() {
            let name = match f.target.scope() {
                Some("node") => f.target.name(),
                _ => {
                    return Err(EmrError::InvalidConfig(format!(
                        "fault target {} is not an EMR node: write node:<name>",
                        f.target.as_str()
                    )));
                }
            };
            let node = self.node_named(name)?;
            match (f.kind, f.duration) {
                (FaultKind::Crash, Some(d)) => actions.push((
                    f.at,
                    FaultAction::CrashWorker {
                        node,
                        restart_after: d,
                    },
                )),
                (FaultKind::Crash | FaultKind::Kill, _) => {
                    actions.push((f.at, FaultAction::LoseNode(node)))
                }
                (FaultKind::Slow { factor }, d) => {
                    actions.push((f.at, FaultAction::Slow { node, factor }));
                    if let Some(d) = d {
                        actions.push((f.at + d, FaultAction::Heal(node)));
                    }
                }
                (kind, _) => {
                    return Err(EmrError::InvalidConfig(format!(
                        "EMR nodes take crash, kill and slow faults, not {kind}"
                    )));
                }
            }
        }
        for (at, a) in actions {
            self.schedule_fault(at, a);
        }
        Ok(())
    }

    pub(crate) fn on_fault(&mut self, fault: FaultAction) {
        // A fault against a node that is already down simply does not apply.
        let _ = match fault {
            FaultAction::CrashWorker {
                node,
                restart_after,
            } => self.crash_worker(node, restart_after),
            FaultAction::LoseNode(node) => self.lose_node(node),
            FaultAction::Slow { node, factor } => self.slow_node(node, factor),
            FaultAction::Heal(node) => self.slow_node(node, 1.0),
            FaultAction::KillWorkers {
                count,
                restart_after,
            } => {
                self.kill_workers(count, restart_after);
                Ok(())
            }
            FaultAction::SpotTerminate(node) => {
                if self.node_is_up(node) {
                    self.set_node_state(node, NodeState::Lost, "Spot instance reclaimed");
                    self.on_node_expired(node);
                    if self.node(node).is_some_and(|n| n.role == NodeRole::Core) {
                        self.on_datanode_expired(node);
                    }
                }
                Ok(())
            }
        };
    }

    /// YARN (or the AM) has noticed a node's work is gone.
    pub(crate) fn on_node_expired(&mut self, node: NodeId) {
        let Some(state) = self.node(node).map(|n| n.state) else {
            return;
        };
        let reason = match state {
            NodeState::Restarting => "worker lost",
            NodeState::Lost => "node lost",
            _ => return,
        };
        if let Some(n) = self.node_mut(node) {
            n.yarn.reset();
        }
        if state == NodeState::Lost {
            self.set_node_state(node, NodeState::Terminated, "lost");
        }
        if let Some(mut job) = self.active.take() {
            self.node_gone_for_job(&mut job, node, reason);
            self.put_job(job);
        }
    }

    /// Redoes a job's work that was on a node that is gone.
    fn node_gone_for_job(&mut self, job: &mut JobRun, node: NodeId, reason: &str) {
        let now = self.now();
        let running: Vec<_> = job
            .attempts
            .iter()
            .filter(|a| a.is_running() && a.node == node)
            .map(|a| a.id)
            .collect();
        for a in running {
            self.kill_attempt(job, a, reason);
        }
        job.reserved.remove(&node);
        job.reduces_on_node.remove(&node);
        let needed = job.reduces.iter().any(|r| r.state != TaskState::Succeeded);
        if needed && !job.state.is_done() {
            let lost: Vec<u32> = job
                .maps
                .iter()
                .enumerate()
                .filter(|(_, m)| {
                    m.state == TaskState::Succeeded && m.committed.is_some_and(|(_, n)| n == node)
                })
                .map(|(i, _)| i as u32)
                .collect();
            for &m in &lost {
                self.uncommit_map(job, m, now);
            }
            if !lost.is_empty() {
                let name = self.node_name(node);
                self.emit(EventKind::MapOutputsLost {
                    job: job.id,
                    tasks: lost.into_iter().map(TaskRef::Map).collect(),
                    node: name,
                });
            }
        }
        if job.am_node == Some(node) && !job.state.is_done() {
            job.am_node = None;
            let placed = self.nodes.iter().find(|n| {
                n.role == NodeRole::Core
                    && n.accepts_containers()
                    && n.yarn.fits(crate::yarn::ContainerKind::AppMaster)
            });
            if let Some(id) = placed.map(|n| n.id) {
                if let Some(n) = self.node_mut(id) {
                    n.yarn.allocate(crate::yarn::ContainerKind::AppMaster);
                }
                job.am_node = Some(id);
                let name = self.node_name(id);
                self.emit(EventKind::JobPhase {
                    job: job.id,
                    phase: format!("ApplicationMaster restarted on {name}"),
                });
            }
        }
        self.offer_all(job);
    }

    /// Map outputs on a node that just went down can no longer be fetched, even before
    /// anyone has noticed the node is gone: reducers stop counting them as available.
    pub(crate) fn withhold_outputs(&mut self, node: NodeId) {
        let Some(mut job) = self.active.take() else {
            return;
        };
        let held: Vec<u32> = job
            .maps
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                m.state == TaskState::Succeeded
                    && !m.withheld
                    && m.committed.is_some_and(|(_, n)| n == node)
            })
            .map(|(i, _)| i as u32)
            .collect();
        for m in held {
            Self::withhold_output(&mut job, m);
        }
        self.put_job(job);
    }

    fn withhold_output(job: &mut JobRun, m: u32) {
        let Some(t) = job.maps.get_mut(m as usize) else {
            return;
        };
        if t.withheld {
            return;
        }
        t.withheld = true;
        match &t.output {
            Some(o) => {
                for (slot, b) in job.committed_by_partition.iter_mut().zip(&o.bytes) {
                    *slot -= *b as f64;
                }
            }
            None => job.committed_uniform -= t.output_bytes as f64,
        }
        job.committed_maps = job.committed_maps.saturating_sub(1);
        job.maps_done = None;
    }

    /// Forgets a committed map output (its node is gone) and queues the map again.
    fn uncommit_map(&mut self, job: &mut JobRun, m: u32, now: SimTime) {
        Self::withhold_output(job, m);
        let rb = job.config.synthetic.record_bytes.max(1);
        let Some(t) = job.maps.get_mut(m as usize) else {
            return;
        };
        let output = t.output.take();
        t.committed = None;
        t.withheld = false;
        let length = t.split.length;
        let records = t.split.record_count;
        let from_hdfs = t.split.block.is_some();
        let bytes = t.output_bytes;
        let c = &mut job.counters;
        match &output {
            Some(o) => {
                c.map_output_records -= o.output_records.min(c.map_output_records);
                c.combine_input_records -= o.combine_input_records.min(c.combine_input_records);
                c.combine_output_records -= o.combine_output_records.min(c.combine_output_records);
            }
            None => c.map_output_records -= (bytes / rb).min(c.map_output_records),
        }
        c.map_input_records -= records.min(c.map_input_records);
        c.map_output_bytes -= bytes.min(c.map_output_bytes);
        if from_hdfs {
            c.hdfs_bytes_read -= length.min(c.hdfs_bytes_read);
        }
        // The paper's figure 3(c): completed map work disappearing shows as negative input.
        job.input_rate.add_instant(now, -(length as f64));
        self.requeue_map(job, m);
    }

    pub(crate) fn on_worker_restarted(&mut self, node: NodeId) {
        if self.node(node).map(|n| n.state) != Some(NodeState::Restarting) {
            return;
        }
        if let Some(n) = self.node_mut(node) {
            n.yarn.reset();
        }
        self.set_node_state(node, NodeState::Running, "worker processes restarted");
        if let Some(mut job) = self.active.take() {
            self.offer(&mut job, node);
            self.put_job(job);
        }
    }

    /// The NameNode declares a DataNode dead: its blocks need new copies, or are lost.
    pub(crate) fn on_datanode_expired(&mut self, node: NodeId) {
        let report = self.hdfs.mark_dead(node);
        let name = self.node_name(node);
        if !report.under_replicated.is_empty() || !report.missing.is_empty() {
            self.emit(EventKind::BlocksUnderReplicated {
                node: name,
                blocks: report.under_replicated.len(),
            });
        }
        for (block, file) in report.missing {
            self.emit(EventKind::BlockMissing { block, file });
        }
        self.copies
            .in_flight
            .retain(|_, (a, b)| *a != node && *b != node);
        self.copies.streams.remove(&node);
        self.kick_replication();
    }

    /// Makes sure the replication monitor will run.
    pub(crate) fn kick_replication(&mut self) {
        if !self.copies.monitor_scheduled {
            self.copies.monitor_scheduled = true;
            self.schedule_after(SimDuration::ZERO, Ev::ReplicationMonitor);
        }
    }

    /// HDFS's replication monitor: starts copies of under-replicated blocks (and of the
    /// blocks of decommissioning nodes), a few streams per DataNode at a time.
    pub(crate) fn on_replication_monitor(&mut self) {
        self.copies.monitor_scheduled = false;
        let mut work: BTreeSet<BlockId> = self.hdfs.under_replicated().into_iter().collect();
        let leaving: Vec<NodeId> = self
            .nodes
            .iter()
            .filter(|n| n.state == NodeState::Decommissioning && n.role == NodeRole::Core)
            .map(|n| n.id)
            .collect();
        for n in leaving {
            work.extend(self.hdfs.needs_copies_from(n));
        }
        let limit = self.config.replication_streams.max(1);
        let mut waiting = false;
        for b in work {
            if self.copies.in_flight.contains_key(&b) {
                continue;
            }
            let busy: BTreeSet<NodeId> = self
                .copies
                .streams
                .iter()
                .filter(|(_, s)| **s >= limit)
                .map(|(n, _)| *n)
                .chain(
                    self.nodes
                        .iter()
                        .map(|n| n.id)
                        .filter(|n| !self.datanode_up(*n)),
                )
                .collect();
            let Some((from, to)) = self.hdfs.plan_copy(b, &busy, &mut self.rng.placement) else {
                waiting = true;
                continue;
            };
            let size = self.hdfs.block(b).map_or(0, |blk| blk.size) as f64;
            let rate = [from, to]
                .iter()
                .filter_map(|n| self.node(*n))
                .map(|n| n.instance.disk_mbps.min(n.instance.network_mbps))
                .fold(f64::INFINITY, f64::min)
                / f64::from(limit);
            let took = super::run::secs(size / 1e6 / rate.max(1e-3));
            self.copies.in_flight.insert(b, (from, to));
            *self.copies.streams.entry(from).or_insert(0) += 1;
            *self.copies.streams.entry(to).or_insert(0) += 1;
            self.schedule_after(took, Ev::CopyDone(b, from, to));
        }
        if waiting && self.copies.in_flight.is_empty() {
            // Nothing can be copied now (no room, or no target): look again later.
            self.copies.monitor_scheduled = true;
            self.schedule_after(SimDuration::from_secs(30), Ev::ReplicationMonitor);
        }
    }

    pub(crate) fn on_copy_done(&mut self, block: BlockId, from: NodeId, to: NodeId) {
        if self.copies.in_flight.get(&block) != Some(&(from, to)) {
            return;
        }
        self.copies.in_flight.remove(&block);
        for n in [from, to] {
            if let Some(s) = self.copies.streams.get_mut(&n) {
                *s = s.saturating_sub(1);
            }
        }
        if self.datanode_up(from) && self.datanode_up(to) && self.hdfs.add_replica(block, to) {
            let (from, to) = (self.node_name(from), self.node_name(to));
            self.emit(EventKind::BlockReplicated { block, from, to });
        }
        self.kick_replication();
    }
}
