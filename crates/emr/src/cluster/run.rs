//! A MapReduce job's life on the cluster, from submission to its end.
//!
//! **Setup.** A step submits its job. As Hadoop's `FileInputFormat` and
//! `FileOutputFormat` do before any task runs, the input must exist and the output
//! directory must not; the input is cut into splits (HDFS blocks, or the DynamoDB
//! connector's scan segments) and, when it is real, into records; a sort samples it for
//! its partitioner. The ApplicationMaster gets a container on a core node, opens every
//! input file (a NameNode round trip each), and the job's program then reaches the
//! workers a batch at a time. The MapReduce paper measured about a minute of this for its
//! terabyte jobs.
//!
//! **Running.** Placement is in `schedule.rs`, attempts and their phases in
//! `attempts.rs`, the shuffle in `shuffle.rs`, backup tasks in `speculate.rs`.
//!
//! **The end.** When every reduce has committed, the job writes `_SUCCESS` and its step
//! completes; a task that failed four times fails the job; a terminating cluster kills it.
//! The job then moves from the cluster's active slot to its history.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use dynaplay_sim::{SimDuration, SimTime};

use super::job::*;
use super::{Cluster, Ev};
use crate::connector;
use crate::error::EmrError;
use crate::events::EventKind;
use crate::hdfs::FileData;
use crate::ids::{AttemptId, JobId, NodeId};
use crate::mapreduce::compute::Partitioner;
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
            InputSource::Table(_) | InputSource::LiveTable(_) => 1,
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
        if let Some(live) = t.live {
            return self.resolve_live_table(t, live);
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

    /// A live table's splits: the connector's plan from the table's size and capacity,
    /// each split sized by its share of the segments (what it actually reads is known only
    /// once its maps have scanned it).
    fn resolve_live_table(
        &self,
        t: &crate::mapreduce::spec::TableInput,
        live: crate::mapreduce::spec::LiveTable,
    ) -> Result<Resolved, EmrError> {
        let plan = connector::plan(
            live.bytes,
            t.read_capacity_units,
            t.read_percent,
            self.map_slots(),
        )?;
        let average = if live.items > 0 {
            live.bytes as f64 / live.items as f64
        } else {
            1.0
        };
        let page_items = connector::page_items(plan.units_per_split(), average);
        let segments = plan.segments.max(1) as f64;
        let splits = plan
            .segments_by_split
            .iter()
            .enumerate()
            .map(|(i, mine)| {
                let share = mine.len() as f64 / segments;
                Split {
                    source: format!("dynamodb://{}/split-{i}", t.table),
                    start: 0,
                    length: (live.bytes as f64 * share).round() as u64,
                    hosts: Vec::new(),
                    block: None,
                    records: None,
                    record_count: (live.items as f64 * share).round() as u64,
                }
            })
            .collect();
        Ok(Resolved {
            source: InputSource::LiveTable(LiveRead {
                table: t.table.clone(),
                plan,
                page_items,
            }),
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

    pub(crate) fn succeed_job(&mut self, job: &mut JobRun) {
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
