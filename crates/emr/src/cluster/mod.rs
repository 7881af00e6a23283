//! The cluster: nodes, HDFS, YARN and the jobs of its steps, driven by one event queue.
//!
//! A [`Cluster`] is a discrete-event simulation on a [`Scheduler`]: everything that takes
//! time — provisioning and bootstrapping, a task attempt's phases, shuffle transfers, block
//! copies, a failure being noticed — is an event at a simulated instant, and
//! [`Cluster::advance_to`] handles them in order. Nothing reads a clock or the operating
//! system's randomness: every draw comes from streams forked from the cluster's seed, so a
//! seed and a sequence of commands always produce the same [`EmrEvent`] history.
//!
//! The lifecycle is EMR's: STARTING (instances launch) → BOOTSTRAPPING (bootstrap actions)
//! → RUNNING while a step runs → WAITING when idle (or TERMINATING when the cluster was
//! asked to end after its steps) → TERMINATED, or TERMINATED_WITH_ERRORS when a step's
//! `TERMINATE_CLUSTER` action or the loss of the primary node ends it. The submodules hold
//! the rest: [`steps`] (steps and ActionOnFailure), [`resize`] (growing, shrinking,
//! decommissioning, Spot interruptions), [`faults`] (crashes, lost nodes, HDFS
//! re-replication), and for a MapReduce job `run` (setup and its end), `schedule` (which
//! task goes where), `attempts` (their phases, commits and failures), `scan` (a map reading
//! a live DynamoDB table page by page through a [`TableSource`]), `shuffle` (data movement)
//! and `speculate` (backup tasks).
//!
//! The simulation is event-driven with aggregated flows: a map attempt is one event at the
//! end of its planned duration; a reduce's shuffle is one fluid flow per reducer whose rate
//! is recomputed every shuffle tick from the nodes' network shares and the core network's
//! capacity. That is what lets the MapReduce paper's 1,800 machines and 19,000 tasks run
//! in well under a second.

mod attempts;
pub mod faults;
mod job;
pub mod resize;
mod run;
mod scan;
mod schedule;
mod shuffle;
mod speculate;
pub mod steps;

use std::sync::Arc;

use dynaplay_sim::{Scheduler, SimDuration, SimRng, SimTime};
use serde::Serialize;

pub use job::{
    Attempt, AttemptPhase, AttemptState, InputSource, JobRun, JobState, LiveRead, MapTask,
    ReduceTask, TaskState,
};
pub use steps::{ActionOnFailure, Step, StepConfig, StepState};

use crate::error::{EmrError, Result};
use crate::events::{EmrEvent, EventKind};
use crate::hdfs::{self, FileData, Hdfs};
use crate::ids::{AttemptId, BlockId, JobId, NodeId};
use crate::instance::{self, InstanceType};
use crate::node::{HealthModel, Market, Node, NodeRole, NodeState};
use crate::table_source::{NoTables, TableSource};
use crate::yarn::{ContainerSizing, NodeResources};

/// One instance group (core or task).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstanceGroupConfig {
    pub instance_type: String,
    pub count: u32,
    pub market: Market,
}

/// How to build a cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterConfig {
    pub name: String,
    pub seed: u64,
    pub primary_type: String,
    pub core: InstanceGroupConfig,
    pub task: InstanceGroupConfig,
    /// `dfs.blocksize`.
    pub block_size: u64,
    /// `dfs.replication`; `None` applies EMR's rule to the core count.
    pub replication: Option<u32>,
    /// Container sizes; `None` uses EMR's defaults for each instance type.
    pub sizing: Option<ContainerSizing>,
    pub health: HealthModel,
    /// Capacity of the network core all cross-node traffic shares, MB/s; `None` is
    /// unlimited (the instances' own interfaces are the limit).
    pub core_network_mbps: Option<f64>,
    /// STARTING: launching the instances.
    pub provisioning: SimDuration,
    /// BOOTSTRAPPING: bootstrap actions and daemons.
    pub bootstrap: SimDuration,
    /// TERMINATING: shutting the instances down.
    pub termination: SimDuration,
    /// How long a node added by a resize takes to join.
    pub node_provisioning: SimDuration,
    /// Stay up in WAITING after the last step (`false`: terminate after the steps).
    pub keep_alive: bool,
    /// How long YARN waits for a silent NodeManager before declaring it lost.
    pub node_expiry: SimDuration,
    /// How long the NameNode waits for a silent DataNode before declaring it dead.
    pub datanode_expiry: SimDuration,
    /// How long the ApplicationMaster takes to notice a crashed worker process.
    pub worker_failure_detection: SimDuration,
    /// The notice EC2 gives before reclaiming a Spot instance.
    pub spot_notice: SimDuration,
    /// Longest a graceful decommission waits before forcing the node out.
    pub decommission_timeout: SimDuration,
    /// Concurrent block copies per DataNode during re-replication.
    pub replication_streams: u32,
}

impl Default for ClusterConfig {
    /// An EMR cluster with EMR's defaults: m5.xlarge everywhere, two core nodes, realistic
    /// start-up and failure-detection times.
    fn default() -> Self {
        ClusterConfig {
            name: "My cluster".into(),
            seed: 1,
            primary_type: instance::DEFAULT_TYPE.into(),
            core: InstanceGroupConfig {
                instance_type: instance::DEFAULT_TYPE.into(),
                count: 2,
                market: Market::OnDemand,
            },
            task: InstanceGroupConfig {
                instance_type: instance::DEFAULT_TYPE.into(),
                count: 0,
                market: Market::Spot,
            },
            block_size: hdfs::DEFAULT_BLOCK_SIZE,
            replication: None,
            sizing: None,
            health: HealthModel::default(),
            core_network_mbps: None,
            provisioning: SimDuration::from_secs(300),
            bootstrap: SimDuration::from_secs(60),
            termination: SimDuration::from_secs(60),
            node_provisioning: SimDuration::from_secs(300),
            keep_alive: true,
            node_expiry: SimDuration::from_secs(600),
            datanode_expiry: SimDuration::from_secs(630),
            worker_failure_detection: SimDuration::from_secs(10),
            spot_notice: SimDuration::from_secs(120),
            decommission_timeout: SimDuration::from_secs(3600),
            replication_streams: 2,
        }
    }
}

impl ClusterConfig {
    /// A cluster for demonstrations: up at once, `core` and `task` m5.xlarge nodes, small
    /// blocks so that a page of text makes several splits.
    pub fn demo(core: u32, task: u32, seed: u64) -> ClusterConfig {
        let mut c = ClusterConfig {
            seed,
            provisioning: SimDuration::ZERO,
            bootstrap: SimDuration::ZERO,
            termination: SimDuration::ZERO,
            node_provisioning: SimDuration::from_secs(60),
            block_size: 1 << 10,
            ..ClusterConfig::default()
        };
        c.core.count = core;
        c.task.count = task;
        c
    }

    fn validate(&self) -> Result<()> {
        for t in [
            &self.primary_type,
            &self.core.instance_type,
            &self.task.instance_type,
        ] {
            if InstanceType::named(t).is_none() {
                return Err(EmrError::InvalidConfig(format!(
                    "unknown instance type {t:?}; known types: {}",
                    InstanceType::names().join(", ")
                )));
            }
        }
        if self.core.count == 0 {
            return Err(EmrError::InvalidConfig(
                "a cluster needs at least one core node (HDFS lives on core nodes)".into(),
            ));
        }
        if self.core.count + self.task.count > 10_000 {
            return Err(EmrError::InvalidConfig("at most 10,000 nodes".into()));
        }
        if self.block_size < 1 {
            return Err(EmrError::InvalidConfig(
                "the block size must be positive".into(),
            ));
        }
        if self.replication == Some(0) {
            return Err(EmrError::InvalidConfig(
                "dfs.replication must be at least 1".into(),
            ));
        }
        if self
            .core_network_mbps
            .is_some_and(|c| !c.is_finite() || c <= 0.0)
        {
            return Err(EmrError::InvalidConfig(
                "the core network must be positive".into(),
            ));
        }
        if let Some(s) = &self.sizing
            && (s.map_mb == 0 || s.reduce_mb == 0 || s.map_mb > s.nodemanager_mb)
        {
            return Err(EmrError::InvalidConfig(
                "containers must be positive and fit the NodeManager".into(),
            ));
        }
        Ok(())
    }
}

/// EMR's cluster states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClusterState {
    Starting,
    Bootstrapping,
    Running,
    Waiting,
    Terminating,
    Terminated,
    TerminatedWithErrors,
}

impl ClusterState {
    pub fn name(self) -> &'static str {
        match self {
            ClusterState::Starting => "STARTING",
            ClusterState::Bootstrapping => "BOOTSTRAPPING",
            ClusterState::Running => "RUNNING",
            ClusterState::Waiting => "WAITING",
            ClusterState::Terminating => "TERMINATING",
            ClusterState::Terminated => "TERMINATED",
            ClusterState::TerminatedWithErrors => "TERMINATED_WITH_ERRORS",
        }
    }

    /// Whether the cluster's daemons are up (HDFS can be used, steps can run).
    pub fn is_up(self) -> bool {
        matches!(
            self,
            ClusterState::Bootstrapping | ClusterState::Running | ClusterState::Waiting
        )
    }

    pub fn is_terminated(self) -> bool {
        matches!(
            self,
            ClusterState::Terminated | ClusterState::TerminatedWithErrors
        )
    }
}

/// Things that happen at an instant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ev {
    Provisioned,
    Bootstrapped,
    TerminationDone,
    NodeUp(NodeId),
    NextStep,
    JobSetupDone(JobId),
    WorkerReady(JobId, NodeId),
    OfferRound(JobId),
    AttemptDone(JobId, AttemptId, u32),
    /// A map attempt reading a live table sends its next Scan page.
    ScanPage(JobId, AttemptId, u32),
    ShuffleTick(JobId),
    SpeculationTick(JobId),
    Fault(faults::FaultAction),
    /// YARN gives up on a silent node.
    NodeExpired(NodeId),
    /// The NameNode gives up on a silent DataNode.
    DataNodeExpired(NodeId),
    WorkerRestarted(NodeId),
    ReplicationMonitor,
    CopyDone(BlockId, NodeId, NodeId),
    DecommissionCheck(NodeId),
}

/// Independent random streams, so that a draw in one subsystem never shifts another.
#[derive(Debug, Clone)]
pub(crate) struct Streams {
    pub health: SimRng,
    pub placement: SimRng,
    pub tasks: SimRng,
    pub faults: SimRng,
}

/// An EMR cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    config: ClusterConfig,
    id: String,
    state: ClusterState,
    state_reason: String,
    sched: Scheduler<Ev>,
    rng: Streams,
    nodes: Vec<Node>,
    hdfs: Hdfs,
    events: Vec<EmrEvent>,
    steps: Vec<Step>,
    active: Option<JobRun>,
    finished_jobs: Vec<JobRun>,
    next_job: u32,
    core_names: u32,
    task_names: u32,
    pub(crate) injections: Vec<faults::Injection>,
    pub(crate) copies: faults::CopyBook,
    terminate_after_steps: bool,
    terminate_with_errors: bool,
    /// YARN memory of the nodes taking containers (for the reduce ramp-up limit).
    pub(crate) yarn_mb: u64,
    /// How many nodes take containers.
    pub(crate) workers: usize,
}

impl Cluster {
    /// Launches a cluster: it starts in STARTING and comes up as simulated time passes.
    pub fn new(config: ClusterConfig) -> Result<Cluster> {
        config.validate()?;
        let mut root = SimRng::seed_from(config.seed);
        let rng = Streams {
            health: root.fork(1),
            placement: root.fork(2),
            tasks: root.fork(3),
            faults: root.fork(4),
        };
        let id = format!("j-{:013X}", root.next_u64() >> 12);
        let replication = config
            .replication
            .unwrap_or_else(|| hdfs::replication_for(config.core.count as usize));
        let hdfs = Hdfs::new(config.block_size, replication)?;
        let mut cluster = Cluster {
            id,
            state: ClusterState::Starting,
            state_reason: String::new(),
            sched: Scheduler::new(),
            rng,
            nodes: Vec::new(),
            hdfs,
            events: Vec::new(),
            steps: Vec::new(),
            active: None,
            finished_jobs: Vec::new(),
            next_job: 0,
            core_names: 0,
            task_names: 0,
            injections: Vec::new(),
            copies: faults::CopyBook::default(),
            terminate_after_steps: !config.keep_alive,
            terminate_with_errors: false,
            yarn_mb: 0,
            workers: 0,
            config,
        };
        cluster.emit(EventKind::ClusterState {
            state: ClusterState::Starting.name().into(),
            reason: String::new(),
        });
        let primary = cluster.config.primary_type.clone();
        cluster.add_node(NodeRole::Primary, &primary, Market::OnDemand)?;
        let core = cluster.config.core.clone();
        for _ in 0..core.count {
            cluster.add_node(NodeRole::Core, &core.instance_type, core.market)?;
        }
        let task = cluster.config.task.clone();
        for _ in 0..task.count {
            cluster.add_node(NodeRole::Task, &task.instance_type, task.market)?;
        }
        let at = cluster.config.provisioning;
        cluster.sched.schedule_after(at, Ev::Provisioned);
        Ok(cluster)
    }

    /// Creates a node in PROVISIONING.
    pub(crate) fn add_node(
        &mut self,
        role: NodeRole,
        instance_type: &str,
        market: Market,
    ) -> Result<NodeId> {
        let instance = InstanceType::named(instance_type).ok_or_else(|| {
            EmrError::InvalidConfig(format!("unknown instance type {instance_type:?}"))
        })?;
        let id = NodeId(self.nodes.len() as u32);
        let name = match role {
            NodeRole::Primary => "primary".to_string(),
            NodeRole::Core => {
                self.core_names += 1;
                format!("core-{}", self.core_names)
            }
            NodeRole::Task => {
                self.task_names += 1;
                format!("task-{}", self.task_names)
            }
        };
        let sizing = self
            .config
            .sizing
            .unwrap_or_else(|| ContainerSizing::for_instance(instance));
        let (slowdown, degraded) = self.config.health.sample_node(&mut self.rng.health);
        let vcores = if role == NodeRole::Primary {
            0
        } else {
            instance.vcpus
        };
        self.nodes.push(Node {
            id,
            name: name.clone(),
            role,
            instance,
            market,
            state: NodeState::Provisioning,
            since: self.now(),
            yarn: NodeResources::new(sizing, vcores),
            slowdown,
            degraded,
            fault_slowdown: 1.0,
        });
        self.emit(EventKind::NodeAdded {
            node: id,
            name,
            role,
            instance_type: instance.name.into(),
        });
        Ok(id)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    pub fn state(&self) -> ClusterState {
        self.state
    }

    /// Why the cluster is in its state (for TERMINATED_WITH_ERRORS).
    pub fn state_reason(&self) -> &str {
        &self.state_reason
    }

    pub fn now(&self) -> SimTime {
        self.sched.now()
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.index())
    }

    pub(crate) fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.nodes.get_mut(id.index())
    }

    /// Finds a node by name (`core-2`).
    pub fn node_named(&self, name: &str) -> Result<NodeId> {
        self.nodes
            .iter()
            .find(|n| n.name == name)
            .map(|n| n.id)
            .ok_or_else(|| EmrError::NotFound(format!("node {name:?}")))
    }

    pub(crate) fn node_name(&self, id: NodeId) -> String {
        self.node(id)
            .map_or_else(|| format!("node-{}", id.0), |n| n.name.clone())
    }

    pub(crate) fn node_is_up(&self, id: NodeId) -> bool {
        self.node(id).is_some_and(Node::is_up)
    }

    /// Whether the node's DataNode serves blocks: a crashed worker process leaves the
    /// DataNode (a separate daemon) running.
    pub(crate) fn datanode_up(&self, id: NodeId) -> bool {
        self.node(id).is_some_and(|n| {
            matches!(
                n.state,
                NodeState::Running | NodeState::Decommissioning | NodeState::Restarting
            )
        })
    }

    pub fn hdfs(&self) -> &Hdfs {
        &self.hdfs
    }

    /// The whole history.
    pub fn events(&self) -> &[EmrEvent] {
        &self.events
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The running job, if any.
    pub fn active_job(&self) -> Option<&JobRun> {
        self.active.as_ref()
    }

    /// Every job, finished ones first, in submission order.
    pub fn jobs(&self) -> impl Iterator<Item = &JobRun> {
        self.finished_jobs.iter().chain(self.active.iter())
    }

    pub fn job(&self, id: JobId) -> Option<&JobRun> {
        self.jobs().find(|j| j.id == id)
    }

    /// The time of the next pending event.
    pub fn next_event_at(&self) -> Option<SimTime> {
        self.sched.peek_time()
    }

    /// Handles every event up to `until`, then leaves the clock there. Live tables
    /// cannot be read this way (see [`Cluster::advance_to_with`]).
    pub fn advance_to(&mut self, until: SimTime) -> usize {
        self.advance_to_with(until, &mut NoTables)
    }

    /// [`Cluster::advance_to`], reading live tables from `tables`.
    pub fn advance_to_with(&mut self, until: SimTime, tables: &mut dyn TableSource) -> usize {
        let mut handled = 0;
        while let Some((_, ev)) = self.sched.step_until(until) {
            self.handle(ev, tables);
            handled += 1;
        }
        handled
    }

    pub fn advance_by(&mut self, by: SimDuration) -> usize {
        self.advance_to(self.now() + by)
    }

    /// Handles the next event, whenever it is; `None` if nothing is pending.
    pub fn step(&mut self) -> Option<SimTime> {
        self.step_with(&mut NoTables)
    }

    /// [`Cluster::step`], reading live tables from `tables`.
    pub fn step_with(&mut self, tables: &mut dyn TableSource) -> Option<SimTime> {
        let (at, ev) = self.sched.step()?;
        self.handle(ev, tables);
        Some(at)
    }

    /// Runs until nothing is pending or the clock would pass `limit`; returns whether it
    /// went quiet.
    pub fn run_until_quiet(&mut self, limit: SimTime) -> bool {
        while let Some(at) = self.sched.peek_time() {
            if at > limit {
                return false;
            }
            self.step();
        }
        true
    }

    pub(crate) fn emit(&mut self, kind: EventKind) {
        self.events.push(EmrEvent {
            at: self.sched.now(),
            kind,
        });
    }

    pub(crate) fn set_state(&mut self, state: ClusterState, reason: &str) {
        if self.state == state {
            return;
        }
        self.state = state;
        self.state_reason = reason.to_string();
        self.emit(EventKind::ClusterState {
            state: state.name().into(),
            reason: reason.into(),
        });
    }

    pub(crate) fn set_node_state(&mut self, id: NodeId, state: NodeState, reason: &str) {
        let now = self.now();
        let Some(node) = self.nodes.get_mut(id.index()) else {
            return;
        };
        if node.state == state {
            return;
        }
        node.state = state;
        node.since = now;
        let name = node.name.clone();
        let workers = self.nodes.iter().filter(|n| n.accepts_containers());
        self.workers = workers.clone().count();
        self.yarn_mb = workers.map(|n| n.yarn.sizing.nodemanager_mb).sum();
        self.emit(EventKind::NodeState {
            node: id,
            name,
            state,
            reason: reason.into(),
        });
    }

    fn handle(&mut self, ev: Ev, tables: &mut dyn TableSource) {
        match ev {
            Ev::Provisioned => self.on_provisioned(),
            Ev::Bootstrapped => self.on_bootstrapped(),
            Ev::TerminationDone => self.on_termination_done(),
            Ev::NodeUp(n) => self.on_node_up(n),
            Ev::NextStep => self.start_next_step(),
            Ev::JobSetupDone(j) => self.on_job_setup_done(j),
            Ev::WorkerReady(j, n) => self.on_worker_ready(j, n),
            Ev::OfferRound(j) => self.on_offer_round(j),
            Ev::AttemptDone(j, a, seq) => self.on_attempt_done(j, a, seq),
            Ev::ScanPage(j, a, seq) => self.on_scan_page(j, a, seq, tables),
            Ev::ShuffleTick(j) => self.on_shuffle_tick(j),
            Ev::SpeculationTick(j) => self.on_speculation_tick(j),
            Ev::Fault(f) => self.on_fault(f),
            Ev::NodeExpired(n) => self.on_node_expired(n),
            Ev::DataNodeExpired(n) => self.on_datanode_expired(n),
            Ev::WorkerRestarted(n) => self.on_worker_restarted(n),
            Ev::ReplicationMonitor => self.on_replication_monitor(),
            Ev::CopyDone(b, from, to) => self.on_copy_done(b, from, to),
            Ev::DecommissionCheck(n) => self.on_decommission_check(n),
        }
    }

    fn on_provisioned(&mut self) {
        if self.state != ClusterState::Starting {
            return;
        }
        let ids: Vec<NodeId> = self
            .nodes
            .iter()
            .filter(|n| n.state == NodeState::Provisioning)
            .map(|n| n.id)
            .collect();
        for id in ids {
            self.bring_up(id);
        }
        self.set_state(ClusterState::Bootstrapping, "");
        let at = self.config.bootstrap;
        self.sched.schedule_after(at, Ev::Bootstrapped);
    }

    /// A node's daemons start: a core node's DataNode registers with the NameNode.
    pub(crate) fn bring_up(&mut self, id: NodeId) {
        let Some(node) = self.node(id) else { return };
        if node.role == NodeRole::Core {
            let capacity = node.instance.storage_bytes;
            self.hdfs.add_datanode(id, capacity);
        }
        self.set_node_state(id, NodeState::Running, "");
    }

    fn on_bootstrapped(&mut self) {
        if self.state != ClusterState::Bootstrapping {
            return;
        }
        self.set_state(ClusterState::Waiting, "");
        self.start_next_step();
    }

    /// Writes a file into HDFS from the primary node (as `hdfs dfs -put` does).
    pub fn put_file(&mut self, path: &str, data: FileData) -> Result<()> {
        self.require_up("write to HDFS")?;
        let file = self
            .hdfs
            .create(path, data, None, None, &mut self.rng.placement)?;
        let kind = EventKind::FileWritten {
            path: file.path.clone(),
            bytes: file.data.len(),
            blocks: file.blocks.len(),
            replication: file.replication,
        };
        self.emit(kind);
        Ok(())
    }

    /// Writes text into HDFS.
    pub fn put_text(&mut self, path: &str, text: &str) -> Result<()> {
        self.put_file(path, FileData::Bytes(Arc::new(text.as_bytes().to_vec())))
    }

    /// Reads a file's bytes from whatever replicas are up.
    pub fn read_file(&self, path: &str) -> Result<Arc<Vec<u8>>> {
        self.hdfs.read(path, |n| self.datanode_up(n)).cloned()
    }

    /// Reads every file under a directory, in path order, concatenated.
    pub fn read_dir_text(&self, dir: &str) -> Result<String> {
        let files = self.hdfs.list(dir);
        if files.is_empty() {
            return Err(EmrError::NotFound(format!(
                "{dir}: no such file or directory"
            )));
        }
        let mut out = String::new();
        for f in files {
            let bytes = self.read_file(&f.path)?;
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
        Ok(out)
    }

    pub fn delete_file(&mut self, path: &str) -> Result<()> {
        self.require_up("delete from HDFS")?;
        self.hdfs.delete(path)
    }

    pub(crate) fn require_up(&self, what: &str) -> Result<()> {
        if self.state.is_up() {
            Ok(())
        } else {
            Err(EmrError::InvalidState(format!(
                "cannot {what}: the cluster is {}",
                self.state.name()
            )))
        }
    }

    /// Asks the cluster to shut down now (running steps are cancelled).
    pub fn terminate(&mut self) -> Result<()> {
        if matches!(
            self.state,
            ClusterState::Terminating
                | ClusterState::Terminated
                | ClusterState::TerminatedWithErrors
        ) {
            return Err(EmrError::InvalidState(format!(
                "the cluster is already {}",
                self.state.name()
            )));
        }
        self.begin_termination(false, "terminated by user request");
        Ok(())
    }

    /// Schedules an event from the outside world's point of view (crate-internal).
    pub(crate) fn schedule_at(&mut self, at: SimTime, ev: Ev) {
        self.sched.schedule_at(at, ev);
    }

    pub(crate) fn schedule_after(&mut self, d: SimDuration, ev: Ev) {
        self.sched.schedule_after(d, ev);
    }

    /// The number of map containers the cluster could run at once (for the connector).
    pub fn map_slots(&self) -> u64 {
        self.nodes
            .iter()
            .filter(|n| n.role != NodeRole::Primary && n.is_up())
            .map(|n| {
                let by_mem = n.yarn.sizing.nodemanager_mb / n.yarn.sizing.map_mb.max(1);
                by_mem.min(u64::from(n.yarn.vcores))
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::JobLogic;
    use crate::mapreduce::spec::{JobConfig, JobInput, JobSpec};

    fn wordcount(output: &str, reduces: u32) -> StepConfig {
        StepConfig {
            name: output.into(),
            job: JobSpec {
                name: output.into(),
                logic: JobLogic::WordCount,
                input: JobInput::Hdfs(vec!["/in".into()]),
                output: output.into(),
                config: JobConfig {
                    reduces: Some(reduces),
                    ..JobConfig::default()
                },
            },
            action_on_failure: ActionOnFailure::Continue,
        }
    }

    #[test]
    fn the_lifecycle_follows_emr_and_its_timings() {
        let mut config = ClusterConfig::demo(2, 0, 1);
        config.provisioning = SimDuration::from_secs(300);
        config.bootstrap = SimDuration::from_secs(60);
        config.keep_alive = false;
        let mut c = Cluster::new(config).unwrap();
        assert_eq!(c.state(), ClusterState::Starting);
        assert!(
            c.put_text("/in/a", "x").is_err(),
            "no HDFS before the nodes are up"
        );
        c.advance_to(SimTime::from_secs(299));
        assert_eq!(c.state(), ClusterState::Starting);
        c.advance_to(SimTime::from_secs(300));
        assert_eq!(c.state(), ClusterState::Bootstrapping);
        c.put_text("/in/a", "a b a\n").unwrap();
        c.add_step(wordcount("/out", 1)).unwrap();
        c.advance_to(SimTime::from_secs(361));
        assert_eq!(c.state(), ClusterState::Running);
        assert!(c.run_until_quiet(SimTime::from_secs(3_600)));
        assert_eq!(
            c.state(),
            ClusterState::Terminated,
            "no keep-alive: ends after its steps"
        );
        assert!(c.add_step(wordcount("/out2", 1)).is_err());
        assert_eq!(c.steps()[0].state, StepState::Completed);
    }

    #[test]
    fn maps_starved_by_reduces_get_a_preempted_reduce_s_room() {
        // Reduces fill every container once the maps are done. Then the task node that
        // ran some of the maps crashes: its outputs must be recomputed, but every
        // container left is held by a reduce waiting for exactly those outputs.
        let mut config = ClusterConfig::demo(3, 1, 3);
        config.block_size = 16;
        config.health = HealthModel::uniform();
        // An ApplicationMaster as large as a reduce, so that its node fills up too.
        config.sizing = Some(ContainerSizing {
            nodemanager_mb: 12_288,
            map_mb: 3_072,
            reduce_mb: 6_144,
            am_mb: 6_144,
        });
        let mut c = Cluster::new(config).unwrap();
        c.advance_to(SimTime::ZERO);
        c.put_text("/in/input.txt", &"ab ba abc b a\n".repeat(40))
            .unwrap();
        let mut step = wordcount("/out", 8);
        step.job.config.reduce_rampup_limit = 1.0;
        c.add_step(step).unwrap();
        while c.active_job().is_none_or(|j| j.maps_done.is_none()) {
            let at = c.step().unwrap();
            assert!(at < SimTime::from_secs(60), "the maps never finish");
        }
        let task = c.node_named("task-1").unwrap();
        let job = c.active_job().unwrap();
        assert!(
            job.maps
                .iter()
                .any(|m| m.committed.is_some_and(|(_, n)| n == task))
        );
        let free_map_room = c
            .nodes()
            .iter()
            .any(|n| n.id != task && n.yarn.fits(crate::yarn::ContainerKind::Map));
        assert!(!free_map_room, "reduces hold every other container");
        c.crash_worker(task, SimDuration::from_secs(60)).unwrap();
        assert!(c.run_until_quiet(SimTime::from_secs(3_600)), "no deadlock");
        let job = c.job(JobId(0)).unwrap();
        assert_eq!(job.state, JobState::Succeeded);
        let preempted = job
            .attempts
            .iter()
            .any(|a| matches!(&a.state, AttemptState::Killed(r) if r.starts_with("preempted")));
        assert!(preempted);
        let back = c.events().iter().find(|e| {
            matches!(&e.kind, crate::events::EventKind::NodeState { name, state: NodeState::Running, .. } if name == "task-1")
                && e.at > SimTime::from_secs(1)
        });
        assert!(
            job.finished.unwrap() < back.unwrap().at,
            "done before task-1 is back"
        );
        let counts = c.read_dir_text("/out").unwrap();
        let mut lines: Vec<&str> = counts.lines().collect();
        lines.sort_unstable();
        assert_eq!(lines, ["a\t40", "ab\t40", "abc\t40", "b\t40", "ba\t40"]);
    }

    #[test]
    fn the_snapshot_shows_containers_blocks_and_attempts_as_json() {
        let mut c = Cluster::new(ClusterConfig::demo(3, 1, 2)).unwrap();
        c.advance_to(SimTime::ZERO);
        c.put_text("/in/words", &"map reduce shuffle\n".repeat(200))
            .unwrap();
        c.add_step(wordcount("/out", 2)).unwrap();
        c.advance_to(SimTime::from_millis(5_000));
        let snap = c.snapshot();
        let running: usize = snap.nodes.iter().map(|n| n.containers.len()).sum();
        assert!(running > 1, "the AM and some maps are running");
        let file = snap
            .hdfs
            .files
            .iter()
            .find(|f| f.path == "/in/words")
            .unwrap();
        assert!(file.blocks.len() > 2 && file.blocks.iter().all(|b| b.replicas.len() == 1));
        let job = &snap.jobs[0];
        assert!(job.maps.running > 0);
        let json = serde_json::to_value(&snap).unwrap();
        assert_eq!(json["state"], "RUNNING");
        assert!(json["jobs"][0]["attempts"][0]["node"].is_number());
        assert!(json["jobs"][0]["input_rate"]["bytes"].is_array());
        assert_eq!(json["nodes"][1]["role"], "core");
    }

    #[test]
    fn the_same_seed_and_commands_give_the_same_history() {
        let history = |seed| {
            let mut c = Cluster::new(ClusterConfig::demo(4, 2, seed)).unwrap();
            c.advance_to(SimTime::ZERO);
            c.put_text("/in/t", &"alpha beta gamma delta\n".repeat(300))
                .unwrap();
            c.add_step(wordcount("/out", 3)).unwrap();
            c.advance_to(SimTime::from_millis(5_500));
            let victim = c.node_named("core-2").unwrap();
            c.crash_worker(victim, SimDuration::from_secs(15)).unwrap();
            c.run_until_quiet(SimTime::from_secs(3_600));
            serde_json::to_string(c.events()).unwrap()
        };
        assert_eq!(history(7), history(7));
        assert_ne!(history(7), history(8));
    }
}
