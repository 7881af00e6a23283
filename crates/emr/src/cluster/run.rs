//! Running a MapReduce job: setup, placing attempts, their phases, commits and failures.
//!
//! The ApplicationMaster's logic, in the order a job lives it:
//!
//! 1. **Setup.** The AM gets a container on a core node, resolves the input (opening each
//!    file costs a NameNode round trip) and computes the splits; then the job's program
//!    reaches the workers in batches. The MapReduce paper measured about a minute of this
//!    for its terabyte jobs.
//! 2. **Maps.** Whenever a node has room, it gets a map whose split has a replica on that
//!    node if there is one (node-local), and any pending map otherwise; failed maps go
//!    first. A map's duration is planned when it starts: launch, read (from the local disk,
//!    over the network, or from DynamoDB at the connector's rate), compute, spill.
//! 3. **Reduces** are requested once 5% of the maps are done and take priority over maps,
//!    but while maps are still waiting they may hold only part of the cluster's memory
//!    (the ramp-up limit); a node that cannot fit a reduce yet is *reserved* until it can.
//!    A reduce launches, shuffles (see `shuffle.rs`), then merge-sorts, reduces and writes.
//! 4. **Commit.** The first attempt of a task to finish commits; any other is killed. A
//!    failed attempt is retried (up to four attempts), and a node with three failures of
//!    the job's tasks is blacklisted for the job — unless a third of the nodes already are,
//!    when Hadoop stops trusting the blacklist. When every reduce has committed, the job
//!    writes `_SUCCESS`.
//!
//! The computation is real: each map attempt runs the job's map over its split when it
//! starts, and each reduce runs over the committed map outputs when its shuffle completes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use dynaplay_sim::{SimDuration, SimTime};

use super::job::*;
use super::{Cluster, Ev};
use crate::connector;
use crate::error::EmrError;
use crate::events::{EventKind, Locality};
use crate::hdfs::FileData;
use crate::ids::{AttemptId, JobId, NodeId, TaskRef};
use crate::mapreduce::compute::{self, Partitioner};
use crate::mapreduce::counters::Counters;
use crate::mapreduce::record::{self, Record, Split};
use crate::mapreduce::spec::{JobInput, JobSpec};
use crate::node::NodeRole;
use crate::script::ast::InputKind;
use crate::series::RateSeries;
use crate::yarn::ContainerKind;

/// Seconds as a simulated duration (negative and NaN count as zero).
pub(crate) fn secs(x: f64) -> SimDuration {
    if x.is_finite() && x > 0.0 {
        SimDuration::from_secs_f64(x)
    } else {
        SimDuration::ZERO
    }
}

/// Removes the part of a flow that had not happened by `now`.
pub(crate) fn trim_flow(
    series: &mut RateSeries,
    flow: Option<(SimTime, SimTime, f64)>,
    now: SimTime,
) {
    let Some((start, end, bytes)) = flow else {
        return;
    };
    if now >= end {
        return;
    }
    let from = now.max(start);
    let span = end.as_micros().saturating_sub(start.as_micros()) as f64;
    if span <= 0.0 {
        series.add_instant(start, -bytes);
        return;
    }
    let share = end.as_micros().saturating_sub(from.as_micros()) as f64 / span;
    series.add_flow(from, end, -bytes * share);
}

/// What setup resolves from a job's input.
struct Resolved {
    source: InputSource,
    splits: Vec<Split>,
}

impl Cluster {
    /// Submits a step's job: it starts in SETUP, or fails at once if its input or output
    /// is unusable (as `FileInputFormat` and `FileOutputFormat` check before any task).
    pub(crate) fn submit_job(&mut self, spec: JobSpec, step: Option<crate::ids::StepId>) -> JobId {
        let id = JobId(self.next_job);
        self.next_job += 1;
        let now = self.now();
        if let Some(s) = step.and_then(|s| self.steps.get_mut(s.index())) {
            s.job = Some(id);
        }
        let cost = spec
            .config
            .cost
            .clone()
            .unwrap_or_else(|| spec.logic.default_cost());
        let bucket = spec.config.series_bucket;
        let mut job = JobRun {
            id,
            step,
            name: spec.name.clone(),
            logic: spec.logic.clone(),
            output: spec.output.clone(),
            config: spec.config.clone(),
            cost,
            state: JobState::Setup,
            failure: None,
            submitted: now,
            setup_done: None,
            first_task: None,
            maps_done: None,
            finished: None,
            source: InputSource::Files { files: 0 },
            maps: Vec::new(),
            reduces: Vec::new(),
            attempts: Vec::new(),
            counters: Counters::default(),
            input_rate: RateSeries::new(bucket),
            shuffle_rate: RateSeries::new(bucket),
            output_rate: RateSeries::new(bucket),
            am_node: None,
            blacklist: BTreeSet::new(),
            node_failures: BTreeMap::new(),
            output_files: Vec::new(),
            partitioner: Partitioner::Hash,
            pending_maps: BTreeSet::new(),
            retry_maps: BTreeSet::new(),
            pending_reduces: BTreeSet::new(),
            local_maps: vec![Vec::new(); self.nodes.len()],
            ready: vec![false; self.nodes.len()],
            reserved: BTreeSet::new(),
            reduces_on_node: BTreeMap::new(),
            reduce_mb_running: 0,
            committed_maps: 0,
            committed_uniform: 0.0,
            committed_by_partition: Vec::new(),
            shuffling: BTreeSet::new(),
            shuffle_ticking: false,
            offer_round: false,
            maps_starved: false,
            running_maps: 0,
            remote_reads: 0,
            backlogged_fetches: 0,
            map_time: (0.0, 0),
            reduce_post_time: (0.0, 0),
        };
        self.emit(EventKind::JobPhase {
            job: id,
            phase: format!("SETUP {:?}", job.name),
        });
        match self.setup(&mut job, &spec.input) {
            Ok(files) => {
                let delay = job.config.startup.am_launch
                    + job
                        .config
                        .startup
                        .per_input_file
                        .saturating_mul(files as u64);
                self.schedule_after(delay, Ev::JobSetupDone(id));
                self.active = Some(job);
            }
            Err(e) => {
                job.state = JobState::Failed;
                job.failure = Some(e.to_string());
                job.finished = Some(now);
                self.emit(EventKind::JobFinished {
                    job: id,
                    state: "FAILED".into(),
                    reason: e.to_string(),
                });
                self.finished_jobs.push(job);
                self.on_job_finished(id, &JobState::Failed, &e.to_string());
            }
        }
        id
    }

    /// Validates the job and builds its tasks; returns the number of input files.
    fn setup(&mut self, job: &mut JobRun, input: &JobInput) -> Result<usize, EmrError> {
        if !job.output.starts_with('/') || job.output.len() < 2 {
            return Err(EmrError::BadInput(format!(
                "output {:?} is not an absolute HDFS path",
                job.output
            )));
        }
        if self.hdfs.exists(&job.output) {
            return Err(EmrError::AlreadyExists(format!(
                "Output directory hdfs://{} already exists",
                job.output
            )));
        }
        let reduces = job
            .logic
            .required_reduces()
            .unwrap_or_else(|| {
                job.config
                    .reduces
                    .unwrap_or_else(|| job.logic.default_reduces())
            })
            .max(1);
        let resolved = match input {
            JobInput::Hdfs(paths) => self.resolve_files(job, paths)?,
            JobInput::Table(t) => self.resolve_table(job, t)?,
        };
        let files = match &resolved.source {
            InputSource::Files { files } | InputSource::Synthetic { files } => *files,
            InputSource::Table(_) => 1,
        };
        // The total-order partitioner samples the input, as Hadoop's InputSampler does.
        let all: Vec<&Record> = resolved
            .splits
            .iter()
            .filter_map(|s| s.records.as_deref())
            .flatten()
            .collect();
        let step = (all.len() / 1000).max(1);
        let sample: Vec<&Record> = all.iter().step_by(step).copied().collect();
        job.partitioner = Partitioner::build(&job.logic, reduces, &sample).map_err(|e| {
            EmrError::BadInput(format!("sampling the input for the partitioner: {e}"))
        })?;
        let am = self.place_am()?;
        job.am_node = Some(am);
        job.source = resolved.source;
        job.committed_by_partition = vec![0.0; reduces as usize];
        for (i, split) in resolved.splits.into_iter().enumerate() {
            for h in &split.hosts {
                if let Some(list) = job.local_maps.get_mut(h.index()) {
                    list.push(i as u32);
                }
            }
            job.pending_maps.insert(i as u32);
            job.maps.push(MapTask {
                split,
                state: TaskState::Pending,
                attempts: Vec::new(),
                failures: 0,
                committed: None,
                failed_on: Vec::new(),
                withheld: false,
                output: None,
                output_bytes: 0,
            });
        }
        for list in &mut job.local_maps {
            list.reverse();
        }
        for p in 0..reduces {
            job.pending_reduces.insert(p);
            job.reduces.push(ReduceTask {
                partition: p,
                state: TaskState::Pending,
                attempts: Vec::new(),
                failures: 0,
                committed: None,
                failed_on: Vec::new(),
            });
        }
        Ok(files)
    }

    fn resolve_files(&self, job: &JobRun, paths: &[String]) -> Result<Resolved, EmrError> {
        if job.logic.input_kind() == Some(InputKind::Items) {
            return Err(EmrError::BadInput(format!(
                "{} reads DynamoDB items; give it a table as input",
                job.logic.name()
            )));
        }
        if paths.is_empty() {
            return Err(EmrError::BadInput("the job has no input paths".into()));
        }
        let mut files = Vec::new();
        for p in paths {
            let found: Vec<_> = self
                .hdfs
                .list(p)
                .into_iter()
                .filter(|f| {
                    let name = f.path.rsplit('/').next().unwrap_or_default();
                    !name.starts_with('_') && !name.starts_with('.')
                })
                .collect();
            if found.is_empty() {
                return Err(EmrError::NotFound(format!(
                    "Input path does not exist: hdfs://{p}"
                )));
            }
            files.extend(found);
        }
        let synthetic = files
            .iter()
            .filter(|f| matches!(f.data, FileData::Synthetic { .. }))
            .count();
        if synthetic != 0 && synthetic != files.len() {
            return Err(EmrError::BadInput(
                "the input mixes real files with synthetic ones".into(),
            ));
        }
        let split_size = job.config.split_size.unwrap_or(self.hdfs.block_size());
        let several = files.len() > 1;
        let mut splits = Vec::new();
        for (fi, f) in files.iter().enumerate() {
            let ranges = record::file_splits(f.data.len(), split_size);
            let per_split: Vec<Option<Arc<Vec<Record>>>> = match &f.data {
                FileData::Bytes(bytes) => {
                    let lines = record::lines(bytes)
                        .map_err(|e| EmrError::BadInput(format!("{}: {e}", f.path)))?;
                    let name: Option<Arc<str>> =
                        several.then(|| Arc::from(f.path.rsplit('/').next().unwrap_or_default()));
                    record::assign_lines(lines, &ranges, fi as u32, name)
                        .into_iter()
                        .map(|r| Some(Arc::new(r)))
                        .collect()
                }
                FileData::Synthetic { .. } => vec![None; ranges.len()],
            };
            for ((start, length), records) in ranges.into_iter().zip(per_split) {
                let block = f
                    .blocks
                    .iter()
                    .copied()
                    .find(|b| {
                        self.hdfs.block(*b).is_some_and(|blk| {
                            blk.offset <= start && start < blk.offset + blk.size.max(1)
                        })
                    })
                    .or_else(|| f.blocks.first().copied());
                let hosts = block
                    .and_then(|b| self.hdfs.block(b))
                    .map(|b| b.replicas.clone())
                    .unwrap_or_default();
                let record_count = match &records {
                    Some(r) => r.len() as u64,
                    None => length / job.config.synthetic.record_bytes.max(1),
                };
                splits.push(Split {
                    source: f.path.clone(),
                    start,
                    length,
                    hosts,
                    block,
                    records,
                    record_count,
                });
            }
        }
        let source = if synthetic > 0 {
            InputSource::Synthetic { files: files.len() }
        } else {
            InputSource::Files { files: files.len() }
        };
        Ok(Resolved { source, splits })
    }

    fn resolve_table(
        &self,
        job: &JobRun,
        t: &crate::mapreduce::spec::TableInput,
    ) -> Result<Resolved, EmrError> {
        if job.logic.input_kind() == Some(InputKind::Lines) {
            return Err(EmrError::BadInput(format!(
                "{} reads lines of text; give it HDFS files as input",
                job.logic.name()
            )));
        }
        let sizes: Vec<u64> = t
            .items
            .iter()
            .map(|i| dynaplay_dynamo::value::item_size(i) as u64)
            .collect();
        let table_bytes = sizes.iter().sum();
        let plan = connector::plan(
            table_bytes,
            t.read_capacity_units,
            t.read_percent,
            self.map_slots(),
        )?;
        // Items fall into scan segments by the hash of their contents, as the table's
        // partitions hash their keys; the splits take the segments round-robin.
        let mut by_split: Vec<Vec<Record>> = vec![Vec::new(); plan.splits as usize];
        let mut bytes_by_split = vec![0u64; plan.splits as usize];
        for (item, size) in t.items.iter().zip(sizes) {
            let segment = crate::datum::Datum::from_item(item).stable_hash() % plan.segments;
            let split = (segment % plan.splits) as usize;
            if let (Some(list), Some(b)) = (by_split.get_mut(split), bytes_by_split.get_mut(split))
            {
                list.push(Record::Item(item.clone()));
                *b += size;
            }
        }
        let splits = by_split
            .into_iter()
            .zip(bytes_by_split)
            .enumerate()
            .map(|(i, (records, length))| Split {
                source: format!("dynamodb://{}/split-{i}", t.table),
                start: 0,
                length,
                hosts: Vec::new(),
                block: None,
                record_count: records.len() as u64,
                records: Some(Arc::new(records)),
            })
            .collect();
        Ok(Resolved {
            source: InputSource::Table(plan),
            splits,
        })
    }

    /// Picks a core node for the ApplicationMaster and takes its container.
    fn place_am(&mut self) -> Result<NodeId, EmrError> {
        let candidates = |role: Option<NodeRole>| -> Vec<NodeId> {
            self.nodes
                .iter()
                .filter(|n| role.is_none_or(|r| n.role == r))
                .filter(|n| n.accepts_containers() && n.yarn.fits(ContainerKind::AppMaster))
                .map(|n| n.id)
                .collect()
        };
        let mut pool = candidates(Some(NodeRole::Core));
        if pool.is_empty() {
            pool = candidates(None);
        }
        let Some(&node) = self.rng.tasks.pick(&pool) else {
            return Err(EmrError::InsufficientCapacity(
                "no NodeManager has room for the ApplicationMaster".into(),
            ));
        };
        if let Some(n) = self.node_mut(node) {
            n.yarn.allocate(ContainerKind::AppMaster);
        }
        Ok(node)
    }

    pub(crate) fn take_job(&mut self, id: JobId) -> Option<JobRun> {
        if self.active.as_ref().is_some_and(|j| j.id == id) {
            self.active.take()
        } else {
            None
        }
    }

    /// Puts a job back after handling an event; a finished job moves to the history and
    /// its step learns the outcome.
    pub(crate) fn put_job(&mut self, job: JobRun) {
        if !job.state.is_done() {
            self.active = Some(job);
            return;
        }
        let (id, state) = (job.id, job.state.clone());
        let reason = job.failure.clone().unwrap_or_default();
        let killed = state == JobState::Killed;
        let step = job.step;
        self.finished_jobs.push(job);
        if killed {
            if let Some(s) = step {
                self.set_step_state(s, super::StepState::Cancelled, &reason);
            }
        } else {
            self.on_job_finished(id, &state, &reason);
        }
    }

    pub(crate) fn on_job_setup_done(&mut self, id: JobId) {
        let Some(mut job) = self.take_job(id) else {
            return;
        };
        if job.state == JobState::Setup {
            job.state = JobState::Running;
            job.setup_done = Some(self.now());
            self.emit(EventKind::JobPhase {
                job: id,
                phase: format!(
                    "MAP ({} map{}, {} reduce{})",
                    job.maps.len(),
                    if job.maps.len() == 1 { "" } else { "s" },
                    job.reduces.len(),
                    if job.reduces.len() == 1 { "" } else { "s" }
                ),
            });
            // The program reaches the workers a batch at a time, in a random order.
            let mut workers: Vec<NodeId> = self
                .nodes
                .iter()
                .filter(|n| n.role != NodeRole::Primary && n.is_up())
                .map(|n| n.id)
                .collect();
            self.rng.tasks.shuffle(&mut workers);
            let startup = job.config.startup.clone();
            let batch = startup.program_push_batch.max(1) as usize;
            for (i, n) in workers.into_iter().enumerate() {
                let wave = (i / batch) as u64 + 1;
                self.schedule_after(
                    startup.program_push_interval.saturating_mul(wave),
                    Ev::WorkerReady(id, n),
                );
            }
            if job.config.speculative {
                let every = job.config.speculation_interval;
                self.schedule_after(every, Ev::SpeculationTick(id));
            }
        }
        self.put_job(job);
    }

    pub(crate) fn on_worker_ready(&mut self, id: JobId, node: NodeId) {
        let Some(mut job) = self.take_job(id) else {
            return;
        };
        if job.ready.len() < self.nodes.len() {
            job.ready.resize(self.nodes.len(), false);
            job.local_maps.resize(self.nodes.len(), Vec::new());
        }
        if let Some(r) = job.ready.get_mut(node.index()) {
            *r = true;
        }
        if !job.offer_round {
            job.offer_round = true;
            self.schedule_after(SimDuration::ZERO, Ev::OfferRound(id));
        }
        self.put_job(job);
    }

    /// Whether the blacklist is being honoured: Hadoop ignores it once a third of the
    /// nodes are on it.
    fn blacklist_active(&self, job: &JobRun) -> bool {
        let workers = self.nodes.iter().filter(|n| n.accepts_containers()).count();
        (job.blacklist.len() as f64) < 0.33 * workers as f64
    }

    pub(crate) fn usable(&self, job: &JobRun, node: NodeId) -> bool {
        self.node(node).is_some_and(|n| n.accepts_containers())
            && job.ready.get(node.index()).copied().unwrap_or(false)
            && !(job.blacklist.contains(&node) && self.blacklist_active(job))
    }

    fn slowstart_reached(job: &JobRun) -> bool {
        let need = (job.config.slowstart * job.maps.len() as f64).ceil() as u32;
        job.committed_maps >= need
    }

    fn reduce_wanted(&self, job: &JobRun, reduce_mb: u64) -> bool {
        if job.pending_reduces.is_empty() || !Self::slowstart_reached(job) || job.maps_starved {
            return false;
        }
        if !job.has_pending_maps() {
            return true;
        }
        let limit = job.config.reduce_rampup_limit * self.yarn_mb as f64;
        (job.reduce_mb_running + reduce_mb) as f64 <= limit
    }

    /// Offers a node's free room to the job: reduces first (when wanted), then maps.
    pub(crate) fn offer(&mut self, job: &mut JobRun, node: NodeId) {
        self.offer_with(job, node, true);
        self.preempt_if_maps_starve(job);
    }

    /// Offers a node's room; with `remote` false only node-local maps are placed.
    ///
    /// The order is Hadoop's request priorities: maps being retried after a failure,
    /// then reduces (when wanted), then the other maps.
    fn offer_with(&mut self, job: &mut JobRun, node: NodeId, remote: bool) {
        if job.state != JobState::Running {
            return;
        }
        loop {
            if !self.usable(job, node) {
                job.reserved.remove(&node);
                return;
            }
            let Some(n) = self.node(node) else { return };
            let sizing = n.yarn.sizing;
            let fits_map = n.yarn.fits(ContainerKind::Map);
            if fits_map && let Some(m) = self.next_retry(job, node) {
                self.start_map(job, node, m, false);
                continue;
            }
            if self.reduce_wanted(job, sizing.reduce_mb) {
                let fits = self
                    .node(node)
                    .is_some_and(|n| n.yarn.fits(ContainerKind::Reduce));
                if fits {
                    if let Some(r) = self.next_reduce(job, node) {
                        job.reserved.remove(&node);
                        self.start_reduce(job, node, r, false);
                        continue;
                    }
                } else {
                    // Could this node ever hold one more reduce beside the long-lived
                    // containers (reduces, the AM)? Then hold its room for it.
                    let on_node = u64::from(job.reduces_on_node.get(&node).copied().unwrap_or(0));
                    let am = u64::from(job.am_node == Some(node));
                    let vcores = self.node(node).map_or(0, |n| u64::from(n.yarn.vcores));
                    let room = (on_node + 1) * sizing.reduce_mb + am * sizing.am_mb
                        <= sizing.nodemanager_mb
                        && on_node + 1 + am <= vcores;
                    if room
                        && (job.reserved.contains(&node)
                            || job.reserved.len() < job.pending_reduces.len())
                    {
                        job.reserved.insert(node);
                        return;
                    }
                }
            } else {
                job.reserved.remove(&node);
            }
            if fits_map && let Some(m) = Self::next_map(job, node, remote) {
                self.start_map(job, node, m, false);
                continue;
            }
            return;
        }
    }

    /// Offers every node (after a change that may let waiting tasks run): first every
    /// node takes the maps whose data it holds, then what is left goes anywhere — so a
    /// node does not take another node's local work just because it was asked first.
    pub(crate) fn offer_all(&mut self, job: &mut JobRun) {
        let ids: Vec<NodeId> = self.nodes.iter().map(|n| n.id).collect();
        for remote in [false, true] {
            for &id in &ids {
                if job.state != JobState::Running {
                    return;
                }
                if !job.has_pending_maps() && job.pending_reduces.is_empty() {
                    return;
                }
                self.offer_with(job, id, remote);
            }
        }
        self.preempt_if_maps_starve(job);
    }

    /// Reduces wait for every map, so maps that can find no room while reduces hold the
    /// containers would wait for ever. Like Hadoop's ApplicationMaster, when maps wait,
    /// none can be placed and none is running to free a container, preempt the youngest
    /// reduce to make room, and hold new reduces back until the maps are placed.
    fn preempt_if_maps_starve(&mut self, job: &mut JobRun) {
        if job.state != JobState::Running || !job.has_pending_maps() {
            return;
        }
        let room = self
            .nodes
            .iter()
            .any(|n| self.usable(job, n.id) && n.yarn.fits(ContainerKind::Map));
        let maps_running = job.attempts.iter().any(|a| {
            a.is_running() && a.task.kind() == crate::ids::TaskKind::Map && self.node_is_up(a.node)
        });
        if room || maps_running {
            return;
        }
        let victim = job
            .attempts
            .iter()
            .filter(|a| {
                a.is_running()
                    && a.task.kind() == crate::ids::TaskKind::Reduce
                    && self.usable(job, a.node)
            })
            .max_by_key(|a| (a.start, a.id))
            .map(|a| (a.id, a.node));
        if let Some((victim, node)) = victim {
            job.maps_starved = true;
            self.kill_attempt(job, victim, "preempted: maps are waiting for a container");
            self.offer(job, node);
        }
    }

    /// Workers that became ready at this instant are offered work together.
    pub(crate) fn on_offer_round(&mut self, id: JobId) {
        let Some(mut job) = self.take_job(id) else {
            return;
        };
        job.offer_round = false;
        self.offer_all(&mut job);
        self.put_job(job);
    }

    /// Whether some node other than `node` and those in `avoid` could take a map now.
    fn room_elsewhere(
        &self,
        job: &JobRun,
        node: NodeId,
        avoid: &[NodeId],
        kind: ContainerKind,
    ) -> bool {
        self.nodes.iter().any(|n| {
            n.id != node && !avoid.contains(&n.id) && self.usable(job, n.id) && n.yarn.fits(kind)
        })
    }

    /// A failed map to retry here: not on a node where it already failed while another
    /// node has room for it.
    fn next_retry(&self, job: &mut JobRun, node: NodeId) -> Option<u32> {
        let m = job.retry_maps.iter().copied().find(|m| {
            job.maps.get(*m as usize).is_some_and(|t| {
                !t.failed_on.contains(&node)
                    || !self.room_elsewhere(job, node, &t.failed_on, ContainerKind::Map)
            })
        })?;
        job.retry_maps.remove(&m);
        if !job.has_pending_maps() {
            job.maps_starved = false;
        }
        Some(m)
    }

    fn next_reduce(&self, job: &mut JobRun, node: NodeId) -> Option<u32> {
        let r = job.pending_reduces.iter().copied().find(|r| {
            job.reduces.get(*r as usize).is_some_and(|t| {
                !t.failed_on.contains(&node)
                    || !self.room_elsewhere(job, node, &t.failed_on, ContainerKind::Reduce)
            })
        })?;
        job.pending_reduces.remove(&r);
        Some(r)
    }

    fn next_map(job: &mut JobRun, node: NodeId, remote: bool) -> Option<u32> {
        let mut found = None;
        if let Some(list) = job.local_maps.get_mut(node.index()) {
            while let Some(m) = list.pop() {
                if job.pending_maps.remove(&m) {
                    found = Some(m);
                    break;
                }
            }
        }
        if found.is_none() && remote {
            found = job.pending_maps.pop_first();
        }
        if found.is_some() && !job.has_pending_maps() {
            job.maps_starved = false;
        }
        found
    }

    /// Puts a map back in the queue (its output was lost, or its attempt was killed).
    pub(crate) fn requeue_map(&self, job: &mut JobRun, m: u32) {
        let Some(task) = job.maps.get_mut(m as usize) else {
            return;
        };
        task.state = TaskState::Pending;
        let hosts: Vec<NodeId> = task
            .split
            .block
            .and_then(|b| self.hdfs.block(b))
            .map(|b| b.replicas.clone())
            .unwrap_or_default();
        for h in hosts {
            if let Some(list) = job.local_maps.get_mut(h.index()) {
                list.push(m);
            }
        }
        job.pending_maps.insert(m);
    }

    fn new_attempt(
        job: &mut JobRun,
        task: TaskRef,
        node: NodeId,
        speculative: bool,
        now: SimTime,
        jitter: f64,
    ) -> AttemptId {
        let id = AttemptId(job.attempts.len() as u32);
        let list = match task {
            TaskRef::Map(i) => job.maps.get_mut(i as usize).map(|t| &mut t.attempts),
            TaskRef::Reduce(i) => job.reduces.get_mut(i as usize).map(|t| &mut t.attempts),
        };
        let number = list.as_ref().map_or(0, |l| l.len() as u32);
        if let Some(l) = list {
            l.push(id);
        }
        job.attempts.push(Attempt {
            id,
            task,
            number,
            node,
            speculative,
            locality: None,
            start: now,
            end: None,
            state: AttemptState::Running(AttemptPhase::Map),
            phase_start: now,
            planned_end: now,
            fetched: 0.0,
            seq: 0,
            doomed: None,
            input_flow: None,
            output_flow: None,
            map_output: None,
            reduce_output: None,
            out_bytes: 0,
            jitter,
            shuffle_done: None,
        });
        id
    }

    /// Draws whether an attempt fails (always two draws, so the stream never shifts).
    fn draw_failure(&mut self, p: f64) -> Option<f64> {
        let fails = self.rng.tasks.chance(p);
        let at = self.rng.tasks.next_f64();
        fails.then_some(at)
    }

    /// Starts a map attempt on `node`.
    pub(crate) fn start_map(&mut self, job: &mut JobRun, node: NodeId, m: u32, speculative: bool) {
        let now = self.now();
        let allocated = self
            .node_mut(node)
            .is_some_and(|n| n.yarn.allocate(ContainerKind::Map));
        if !allocated {
            if !speculative {
                job.pending_maps.insert(m);
            }
            return;
        }
        let jitter = self.config.health.sample_attempt(&mut self.rng.tasks);
        let random_failure = self.draw_failure(job.config.failures.map_attempt_failure);
        let injected = self.take_injection(TaskRef::Map(m), node);
        let Some(task) = job.maps.get(m as usize) else {
            return;
        };
        let split = task.split.clone();
        let readable = split
            .block
            .is_none_or(|b| self.hdfs.readable(b, |n| self.datanode_up(n)));
        let locality = match &job.source {
            InputSource::Table(_) => Locality::NotApplicable,
            _ if split.hosts.contains(&node) => Locality::NodeLocal,
            _ => Locality::OffNode,
        };
        let Some(n) = self.node(node) else { return };
        let factor = n.factor() * jitter;
        let disk = n.disk_share_mbps();
        let speed = n.instance.speed;
        let net = n.network_share_mbps();
        // On-node reads come off the local disk. Off-node reads cross the core network
        // and get a fair share of it among the flows using it when the read starts: the
        // other off-node reads and the reducers still fetching.
        let core_share = self.config.core_network_mbps.map(|c| {
            let flows = 1 + job.remote_reads + job.backlogged_fetches;
            c / flows as f64
        });
        let (output, compute_error) = match &split.records {
            Some(records) => match compute::run_map(
                &job.logic,
                records,
                &job.partitioner,
                job.reduces.len() as u32,
                job.config.combiner,
            ) {
                Ok(o) => (Some(Arc::new(o)), None),
                Err(e) => (None, Some(format!("map function failed: {e}"))),
            },
            None => (None, None),
        };
        let out_bytes = match &output {
            Some(o) => o.total_bytes(),
            None => (split.length as f64 * job.config.synthetic.map_output_ratio) as u64,
        };
        let mb = split.length as f64 / 1e6;
        let cost = &job.cost;
        let launch = cost.task_launch_secs * factor;
        let read = match (&job.source, locality) {
            (InputSource::Table(plan), _) => {
                connector::scan_duration(split.length, plan.units_per_split()).as_secs_f64()
            }
            (_, Locality::NodeLocal) => mb / disk * factor,
            _ => {
                let rate = core_share.map_or(net.min(disk), |c| c.min(net).min(disk));
                mb / rate * factor
            }
        };
        let cpu = mb * cost.map_cpu_secs_per_mb / speed * factor;
        let spill = out_bytes as f64 / 1e6 * cost.spill_passes / disk * factor;
        let total = launch + read + cpu + spill;
        let (doomed, run_for) = if !readable {
            let b = split.block.map(|b| b.to_string()).unwrap_or_default();
            (
                Some(format!("could not obtain block {b}: no live replica")),
                launch + 1.0,
            )
        } else if let Some(e) = compute_error {
            (Some(e), launch + (read + cpu) / 2.0)
        } else if injected {
            (
                Some("injected failure".to_string()),
                launch + (total - launch) / 2.0,
            )
        } else if let Some(u) = random_failure {
            (
                Some("task attempt failed".to_string()),
                launch + (total - launch) * u,
            )
        } else {
            (None, total)
        };
        let start_read = now + secs(launch);
        let end_read = now + secs(launch + read + cpu);
        let planned_end = now + secs(run_for);
        let id = Self::new_attempt(job, TaskRef::Map(m), node, speculative, now, jitter);
        job.input_rate
            .add_flow(start_read, end_read, split.length as f64);
        if let Some(a) = job.attempt_mut(id) {
            a.locality = Some(locality);
            a.planned_end = planned_end;
            a.doomed = doomed;
            a.input_flow = Some((start_read, end_read, split.length as f64));
            a.map_output = output;
            a.out_bytes = out_bytes;
        }
        if let Some(t) = job.maps.get_mut(m as usize) {
            t.state = TaskState::Running;
        }
        job.running_maps += 1;
        job.first_task.get_or_insert(now);
        if locality == Locality::OffNode {
            job.remote_reads += 1;
        }
        job.counters.total_launched_maps += 1;
        match locality {
            Locality::NodeLocal => job.counters.data_local_maps += 1,
            Locality::OffNode => job.counters.other_local_maps += 1,
            Locality::NotApplicable => {}
        }
        if speculative {
            job.counters.speculative_maps += 1;
        }
        self.schedule_at(planned_end, Ev::AttemptDone(job.id, id, 0));
        let name = self.node_name(node);
        self.emit(EventKind::AttemptStarted {
            job: job.id,
            task: TaskRef::Map(m),
            attempt: job.attempt(id).map_or(0, |a| a.number),
            node: name,
            speculative,
            locality: Some(locality),
        });
    }

    /// Starts a reduce attempt on `node`: its container launches first.
    pub(crate) fn start_reduce(
        &mut self,
        job: &mut JobRun,
        node: NodeId,
        r: u32,
        speculative: bool,
    ) {
        let now = self.now();
        let allocated = self
            .node_mut(node)
            .is_some_and(|n| n.yarn.allocate(ContainerKind::Reduce));
        if !allocated {
            if !speculative {
                job.pending_reduces.insert(r);
            }
            return;
        }
        let jitter = self.config.health.sample_attempt(&mut self.rng.tasks);
        let Some(n) = self.node(node) else { return };
        let reduce_mb = n.yarn.sizing.reduce_mb;
        let launch = job.cost.task_launch_secs * n.factor() * jitter;
        let id = Self::new_attempt(job, TaskRef::Reduce(r), node, speculative, now, jitter);
        let planned_end = now + secs(launch);
        if let Some(a) = job.attempt_mut(id) {
            a.state = AttemptState::Running(AttemptPhase::Launching);
            a.planned_end = planned_end;
        }
        if let Some(t) = job.reduces.get_mut(r as usize) {
            t.state = TaskState::Running;
        }
        *job.reduces_on_node.entry(node).or_insert(0) += 1;
        job.reduce_mb_running += reduce_mb;
        job.counters.total_launched_reduces += 1;
        if speculative {
            job.counters.speculative_reduces += 1;
        }
        self.schedule_at(planned_end, Ev::AttemptDone(job.id, id, 0));
        let name = self.node_name(node);
        self.emit(EventKind::AttemptStarted {
            job: job.id,
            task: TaskRef::Reduce(r),
            attempt: job.attempt(id).map_or(0, |a| a.number),
            node: name,
            speculative,
            locality: None,
        });
    }

    pub(crate) fn on_attempt_done(&mut self, id: JobId, attempt: AttemptId, seq: u32) {
        let Some(mut job) = self.take_job(id) else {
            return;
        };
        let current = job
            .attempt(attempt)
            .filter(|a| a.seq == seq && a.is_running())
            .and_then(|a| a.phase().map(|p| (p, a.node, a.doomed.clone())));
        if let Some((phase, node, doomed)) = current
            && self.node(node).is_some_and(|n| n.is_up())
        {
            match (phase, doomed) {
                (_, Some(reason)) => self.fail_attempt(&mut job, attempt, &reason),
                (AttemptPhase::Map, None) => self.commit_map(&mut job, attempt),
                (AttemptPhase::Launching, None) => self.begin_shuffle(&mut job, attempt),
                (AttemptPhase::Reduce, None) => self.commit_reduce(&mut job, attempt),
                (AttemptPhase::Shuffle, None) => {}
            }
        }
        self.put_job(job);
    }

    /// Returns an attempt's container and the job's book-keeping of it.
    fn release(&mut self, job: &mut JobRun, attempt: AttemptId) {
        let Some(a) = job.attempt(attempt) else {
            return;
        };
        let (node, task) = (a.node, a.task);
        let running = a.is_running();
        if a.locality == Some(Locality::OffNode) && running {
            job.remote_reads = job.remote_reads.saturating_sub(1);
        }
        if task.kind() == crate::ids::TaskKind::Map && running {
            job.running_maps = job.running_maps.saturating_sub(1);
        }
        let kind = match task {
            TaskRef::Map(_) => ContainerKind::Map,
            TaskRef::Reduce(_) => ContainerKind::Reduce,
        };
        let reduce_mb = self.node(node).map_or(0, |n| n.yarn.sizing.reduce_mb);
        if let Some(n) = self.node_mut(node)
            && n.is_up()
        {
            n.yarn.release(kind);
        }
        if kind == ContainerKind::Reduce {
            if let Some(c) = job.reduces_on_node.get_mut(&node) {
                *c = c.saturating_sub(1);
            }
            job.reduce_mb_running = job.reduce_mb_running.saturating_sub(reduce_mb);
            job.shuffling.remove(&attempt);
        }
    }

    fn finish_attempt(&mut self, job: &mut JobRun, attempt: AttemptId, state: AttemptState) {
        let now = self.now();
        self.release(job, attempt);
        if let Some(a) = job.attempt_mut(attempt) {
            a.state = state;
            a.end = Some(now);
            a.seq = a.seq.wrapping_add(1);
        }
    }

    /// Kills the other running attempts of a task whose output was just committed.
    fn kill_siblings(&mut self, job: &mut JobRun, task: TaskRef, winner: AttemptId) {
        for other in job.running_attempts(task) {
            if other != winner {
                self.kill_attempt(job, other, "another attempt of the task succeeded");
            }
        }
    }

    fn commit_map(&mut self, job: &mut JobRun, attempt: AttemptId) {
        let now = self.now();
        let Some(a) = job.attempt(attempt) else {
            return;
        };
        let (task, node, start) = (a.task, a.node, a.start);
        let output = a.map_output.clone();
        let out_bytes = a.out_bytes;
        let m = task.index();
        self.finish_attempt(job, attempt, AttemptState::Succeeded);
        let name = self.node_name(node);
        self.emit(EventKind::AttemptSucceeded {
            job: job.id,
            task,
            attempt: job.attempt(attempt).map_or(0, |a| a.number),
            node: name,
        });
        let synthetic_records = job.config.synthetic.record_bytes.max(1);
        let Some(t) = job.maps.get_mut(m) else { return };
        t.state = TaskState::Succeeded;
        t.committed = Some((attempt, node));
        t.output_bytes = out_bytes;
        let length = t.split.length;
        let records = t.split.record_count;
        let from_hdfs = t.split.block.is_some();
        match &output {
            Some(o) => {
                for (slot, b) in job.committed_by_partition.iter_mut().zip(&o.bytes) {
                    *slot += *b as f64;
                }
                job.counters.map_output_records += o.output_records;
                job.counters.combine_input_records += o.combine_input_records;
                job.counters.combine_output_records += o.combine_output_records;
            }
            None => {
                job.committed_uniform += out_bytes as f64;
                job.counters.map_output_records += out_bytes / synthetic_records;
            }
        }
        t.output = output;
        job.counters.map_input_records += records;
        job.counters.map_output_bytes += out_bytes;
        if from_hdfs {
            job.counters.hdfs_bytes_read += length;
        }
        job.committed_maps += 1;
        job.map_time.0 += (now - start).as_secs_f64();
        job.map_time.1 += 1;
        self.kill_siblings(job, task, attempt);
        let before = job.committed_maps - 1;
        let need = (job.config.slowstart * job.maps.len() as f64).ceil() as u32;
        if job.committed_maps as usize == job.maps.len() && job.maps_done.is_none() {
            job.maps_done = Some(now);
            self.emit(EventKind::JobPhase {
                job: job.id,
                phase: "REDUCE (all maps done)".into(),
            });
        }
        if before < need && job.committed_maps >= need {
            self.offer_all(job);
        }
        self.offer(job, node);
    }

    pub(crate) fn begin_shuffle(&mut self, job: &mut JobRun, attempt: AttemptId) {
        let now = self.now();
        if let Some(a) = job.attempt_mut(attempt) {
            a.state = AttemptState::Running(AttemptPhase::Shuffle);
            a.phase_start = now;
        }
        job.shuffling.insert(attempt);
        if !job.shuffle_ticking {
            job.shuffle_ticking = true;
            self.schedule_after(SimDuration::ZERO, Ev::ShuffleTick(job.id));
        }
    }

    /// A reduce has all its input: it computes its output and plans the rest of its run.
    pub(crate) fn begin_reduce_phase(&mut self, job: &mut JobRun, attempt: AttemptId) {
        let now = self.now();
        job.shuffling.remove(&attempt);
        let Some(a) = job.attempt(attempt) else {
            return;
        };
        let (task, node, jitter, fetched) = (a.task, a.node, a.jitter, a.fetched);
        let p = task.index();
        let random_failure = self.draw_failure(job.config.failures.reduce_attempt_failure);
        let injected = self.take_injection(task, node);
        let real = job.maps.iter().all(|m| m.output.is_some());
        let (output, error) = if real {
            let runs = job.maps.iter().filter_map(|m| {
                m.output
                    .as_ref()
                    .and_then(|o| o.partitions.get(p))
                    .map(Vec::as_slice)
            });
            match compute::run_reduce(&job.logic, runs) {
                Ok(o) => (Some(Arc::new(o)), None),
                Err(e) => (None, Some(format!("reduce function failed: {e}"))),
            }
        } else {
            (None, None)
        };
        let out_bytes = match &output {
            Some(o) => o.text.len() as u64,
            None => (fetched * job.config.synthetic.reduce_output_ratio) as u64,
        };
        let Some(n) = self.node(node) else { return };
        let factor = n.factor() * jitter;
        let disk = n.disk_share_mbps();
        let net = n.network_share_mbps();
        let speed = n.instance.speed;
        let replication = f64::from(
            job.config
                .output_replication
                .unwrap_or(self.hdfs.replication())
                .max(1),
        );
        let cost = &job.cost;
        let in_mb = fetched / 1e6;
        let out_mb = out_bytes as f64 / 1e6;
        let sort = in_mb * cost.sort_cpu_secs_per_mb / speed + in_mb * cost.merge_passes / disk;
        let reduce = in_mb * cost.reduce_cpu_secs_per_mb / speed;
        let write = match cost.output_write_mbps {
            Some(w) => out_mb / w,
            None => out_mb / disk + (replication - 1.0) * out_mb / net.min(disk),
        };
        let (sort, reduce, write) = (sort * factor, reduce * factor, write * factor);
        let total = sort + reduce + write;
        let (doomed, run_for) = if let Some(e) = error {
            (Some(e), sort + reduce / 2.0)
        } else if injected {
            (Some("injected failure".to_string()), total / 2.0)
        } else if let Some(u) = random_failure {
            (Some("task attempt failed".to_string()), total * u)
        } else {
            (None, total)
        };
        let write_start = now + secs(sort + reduce);
        let planned_end = now + secs(run_for);
        let end_of_write = now + secs(total);
        job.output_rate
            .add_flow(write_start, end_of_write, out_bytes as f64);
        if let Some(a) = job.attempt_mut(attempt) {
            a.state = AttemptState::Running(AttemptPhase::Reduce);
            a.phase_start = now;
            a.planned_end = planned_end;
            a.doomed = doomed;
            a.output_flow = Some((write_start, end_of_write, out_bytes as f64));
            a.reduce_output = output;
            a.out_bytes = out_bytes;
            a.shuffle_done = Some(now);
            a.seq = a.seq.wrapping_add(1);
        }
        let seq = job.attempt(attempt).map_or(0, |a| a.seq);
        self.schedule_at(planned_end, Ev::AttemptDone(job.id, attempt, seq));
    }

    fn commit_reduce(&mut self, job: &mut JobRun, attempt: AttemptId) {
        let now = self.now();
        let Some(a) = job.attempt(attempt) else {
            return;
        };
        let (task, node, fetched, out_bytes) = (a.task, a.node, a.fetched, a.out_bytes);
        let post = a.shuffle_done.map_or(0.0, |s| (now - s).as_secs_f64());
        let output = a.reduce_output.clone();
        let path = format!("{}/part-r-{:05}", job.output, task.index());
        let data = match &output {
            Some(o) => FileData::Bytes(Arc::new(o.text.clone().into_bytes())),
            None => FileData::Synthetic { size: out_bytes },
        };
        let writer = self.node(node).filter(|n| n.is_datanode()).map(|n| n.id);
        let written = self.hdfs.create(
            &path,
            data,
            writer,
            job.config.output_replication,
            &mut self.rng.placement,
        );
        let (blocks, replication) = match written {
            Ok(f) => (f.blocks.len(), f.replication),
            Err(e) => {
                self.fail_attempt(job, attempt, &format!("writing {path}: {e}"));
                return;
            }
        };
        self.emit(EventKind::FileWritten {
            path: path.clone(),
            bytes: out_bytes,
            blocks,
            replication,
        });
        job.output_files.push(path);
        self.finish_attempt(job, attempt, AttemptState::Succeeded);
        let name = self.node_name(node);
        self.emit(EventKind::AttemptSucceeded {
            job: job.id,
            task,
            attempt: job.attempt(attempt).map_or(0, |a| a.number),
            node: name,
        });
        if let Some(t) = job.reduces.get_mut(task.index()) {
            t.state = TaskState::Succeeded;
            t.committed = Some(attempt);
        }
        match &output {
            Some(o) => {
                job.counters.reduce_input_groups += o.input_groups;
                job.counters.reduce_input_records += o.input_records;
                job.counters.reduce_output_records += o.records.len() as u64;
            }
            None => {
                let rb = job.config.synthetic.record_bytes.max(1) as f64;
                job.counters.reduce_input_records += (fetched / rb) as u64;
                job.counters.reduce_input_groups += (fetched / rb) as u64;
                job.counters.reduce_output_records += out_bytes / rb as u64;
            }
        }
        job.counters.reduce_shuffle_bytes += fetched as u64;
        job.counters.hdfs_bytes_written += out_bytes;
        job.reduce_post_time.0 += post;
        job.reduce_post_time.1 += 1;
        self.kill_siblings(job, task, attempt);
        if job.reduces_succeeded() == job.reduces.len() {
            self.succeed_job(job);
        } else {
            self.offer(job, node);
        }
    }

    fn succeed_job(&mut self, job: &mut JobRun) {
        let now = self.now();
        let marker = format!("{}/_SUCCESS", job.output);
        let _ = self.hdfs.create(
            &marker,
            FileData::Bytes(Arc::new(Vec::new())),
            None,
            None,
            &mut self.rng.placement,
        );
        self.release_am(job);
        job.state = JobState::Succeeded;
        job.finished = Some(now);
        let secs = (now - job.submitted).as_secs_f64();
        self.emit(EventKind::JobFinished {
            job: job.id,
            state: "SUCCEEDED".into(),
            reason: format!("{secs:.1} s"),
        });
    }

    fn release_am(&mut self, job: &mut JobRun) {
        if let Some(am) = job.am_node.take()
            && let Some(n) = self.node_mut(am)
            && n.is_up()
        {
            n.yarn.release(ContainerKind::AppMaster);
        }
    }

    /// An attempt failed: count it against the task and the node, retry or give up.
    pub(crate) fn fail_attempt(&mut self, job: &mut JobRun, attempt: AttemptId, reason: &str) {
        let now = self.now();
        let Some(a) = job.attempt(attempt) else {
            return;
        };
        let (task, node) = (a.task, a.node);
        let (input_flow, output_flow) = (a.input_flow, a.output_flow);
        trim_flow(&mut job.input_rate, input_flow, now);
        trim_flow(&mut job.output_rate, output_flow, now);
        self.finish_attempt(job, attempt, AttemptState::Failed(reason.to_string()));
        let name = self.node_name(node);
        self.emit(EventKind::AttemptFailed {
            job: job.id,
            task,
            attempt: job.attempt(attempt).map_or(0, |a| a.number),
            node: name.clone(),
            reason: reason.into(),
        });
        let failures = {
            let c = job.node_failures.entry(node).or_insert(0);
            *c += 1;
            *c
        };
        if failures >= job.config.blacklist_after && job.blacklist.insert(node) {
            job.reserved.remove(&node);
            self.emit(EventKind::NodeBlacklisted {
                job: job.id,
                node: name,
                failures,
            });
        }
        let others_running = !job.running_attempts(task).is_empty();
        let task_failures = match task {
            TaskRef::Map(i) => job.maps.get_mut(i as usize).map(|t| {
                t.failures += 1;
                t.failed_on.push(node);
                if t.state != TaskState::Succeeded && !others_running {
                    t.state = TaskState::Pending;
                }
                (t.failures, t.state)
            }),
            TaskRef::Reduce(i) => job.reduces.get_mut(i as usize).map(|t| {
                t.failures += 1;
                t.failed_on.push(node);
                if t.state != TaskState::Succeeded && !others_running {
                    t.state = TaskState::Pending;
                }
                (t.failures, t.state)
            }),
        };
        match task {
            TaskRef::Map(_) => job.counters.num_failed_maps += 1,
            TaskRef::Reduce(_) => job.counters.num_failed_reduces += 1,
        }
        let Some((failures, state)) = task_failures else {
            return;
        };
        if failures >= job.config.max_attempts && state != TaskState::Succeeded {
            if let Some(t) = task_state_mut(job, task) {
                *t = TaskState::Failed;
            }
            let msg = format!("Task {task} failed {failures} times; last failure: {reason}");
            self.fail_job(job, &msg);
            return;
        }
        if state == TaskState::Pending {
            match task {
                TaskRef::Map(i) => {
                    job.retry_maps.insert(i);
                }
                TaskRef::Reduce(i) => {
                    job.pending_reduces.insert(i);
                }
            }
            self.offer_all(job);
        } else {
            self.offer(job, node);
        }
    }

    /// Kills a running attempt (not the task's fault: it does not count as a failure).
    pub(crate) fn kill_attempt(&mut self, job: &mut JobRun, attempt: AttemptId, reason: &str) {
        let now = self.now();
        let Some(a) = job.attempt(attempt) else {
            return;
        };
        if !a.is_running() {
            return;
        }
        let (task, node) = (a.task, a.node);
        let (input_flow, output_flow) = (a.input_flow, a.output_flow);
        trim_flow(&mut job.input_rate, input_flow, now);
        trim_flow(&mut job.output_rate, output_flow, now);
        self.finish_attempt(job, attempt, AttemptState::Killed(reason.to_string()));
        let name = self.node_name(node);
        self.emit(EventKind::AttemptKilled {
            job: job.id,
            task,
            attempt: job.attempt(attempt).map_or(0, |a| a.number),
            node: name,
            reason: reason.into(),
        });
        match task {
            TaskRef::Map(_) => job.counters.num_killed_maps += 1,
            TaskRef::Reduce(_) => job.counters.num_killed_reduces += 1,
        }
        if !job.running_attempts(task).is_empty() || job.state.is_done() {
            return;
        }
        match task {
            TaskRef::Map(i) => {
                let pending = job
                    .maps
                    .get(i as usize)
                    .is_some_and(|t| t.state == TaskState::Running);
                if pending {
                    self.requeue_map(job, i);
                }
            }
            TaskRef::Reduce(i) => {
                if let Some(t) = job.reduces.get_mut(i as usize)
                    && t.state == TaskState::Running
                {
                    t.state = TaskState::Pending;
                    job.pending_reduces.insert(i);
                }
            }
        }
    }

    /// Ends the job as failed, killing whatever still runs.
    pub(crate) fn fail_job(&mut self, job: &mut JobRun, reason: &str) {
        self.end_job(job, JobState::Failed, reason);
    }

    fn end_job(&mut self, job: &mut JobRun, state: JobState, reason: &str) {
        let now = self.now();
        let running: Vec<AttemptId> = job
            .attempts
            .iter()
            .filter(|a| a.is_running())
            .map(|a| a.id)
            .collect();
        job.state = state.clone();
        for a in running {
            self.kill_attempt(job, a, "the job ended");
        }
        self.release_am(job);
        job.failure = Some(reason.to_string());
        job.finished = Some(now);
        job.reserved.clear();
        self.emit(EventKind::JobFinished {
            job: job.id,
            state: state.name().into(),
            reason: reason.into(),
        });
    }

    /// Kills the running job (the cluster is terminating).
    pub(crate) fn kill_active_job(&mut self, reason: &str) {
        if let Some(mut job) = self.active.take() {
            self.end_job(&mut job, JobState::Killed, reason);
            self.put_job(job);
        }
    }
}

fn task_state_mut(job: &mut JobRun, task: TaskRef) -> Option<&mut TaskState> {
    match task {
        TaskRef::Map(i) => job.maps.get_mut(i as usize).map(|t| &mut t.state),
        TaskRef::Reduce(i) => job.reduces.get_mut(i as usize).map(|t| &mut t.state),
    }
}
