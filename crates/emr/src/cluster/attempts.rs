//! Task attempts: starting them, their phases, and how they end.
//!
//! A map attempt's duration is planned when it starts — launch, read (from its own disk,
//! over the network, or from DynamoDB at the connector's rate), compute, spill — from the
//! data sizes, the node's speed and health, and the job's costs; and the map really runs
//! over its split then, so its output is known. (A map reading a live table cannot know
//! its read in advance: it scans page by page, see `scan.rs`, and plans the rest when
//! its last page is in.) A reduce attempt launches, shuffles (see
//! `shuffle.rs`), then computes its output over the committed map outputs and plans its
//! merge-sort, reduce and replicated write.
//!
//! The first attempt of a task to finish commits its output and the others are killed. A
//! failed attempt counts against its task (four failures fail the job) and its node
//! (three blacklist it for the job); a killed one — its node lost, a sibling won — does not.

use std::sync::Arc;

use dynaplay_sim::{SimDuration, SimTime};

use super::job::*;
use super::run::{secs, trim_flow};
use super::{Cluster, Ev};
use crate::connector;
use crate::events::{EventKind, Locality};
use crate::hdfs::FileData;
use crate::ids::{AttemptId, JobId, NodeId, TaskRef};
use crate::mapreduce::compute;
use crate::yarn::ContainerKind;

impl Cluster {
    pub(crate) fn new_attempt(
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
            scan: None,
        });
        id
    }

    /// Draws whether an attempt fails (always two draws, so the stream never shifts).
    pub(crate) fn draw_failure(&mut self, p: f64) -> Option<f64> {
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
        if matches!(job.source, InputSource::LiveTable(_)) {
            let doom = if injected {
                Some(("injected failure".to_string(), 0.5))
            } else {
                random_failure.map(|u| ("task attempt failed".to_string(), u))
            };
            self.start_live_map(job, node, m, speculative, jitter, doom);
            return;
        }
        let Some(task) = job.maps.get(m as usize) else {
            return;
        };
        let split = task.split.clone();
        let readable = split
            .block
            .is_none_or(|b| self.hdfs.readable(b, |n| self.datanode_up(n)));
        let locality = match &job.source {
            InputSource::Table(_) | InputSource::LiveTable(_) => Locality::NotApplicable,
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
        self.announce_start(job, id, node, speculative, Some(locality));
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
        self.announce_start(job, id, node, speculative, None);
    }

    /// Records that attempt `id` of `job` started on `node`.
    pub(crate) fn announce_start(
        &mut self,
        job: &JobRun,
        id: AttemptId,
        node: NodeId,
        speculative: bool,
        locality: Option<Locality>,
    ) {
        let Some(attempt) = job.attempt(id) else {
            return;
        };
        let (task, number) = (attempt.task, attempt.number);
        let node = self.node_name(node);
        self.emit(EventKind::AttemptStarted {
            job: job.id,
            task,
            attempt: number,
            node,
            speculative,
            locality,
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
            a.scan = None;
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

    /// Ends an attempt as `state`; its input and output stop counting in the job's rates
    /// from now. Returns its task, node and attempt number.
    fn end_attempt(
        &mut self,
        job: &mut JobRun,
        attempt: AttemptId,
        state: AttemptState,
    ) -> Option<(TaskRef, NodeId, u32)> {
        let now = self.now();
        let a = job.attempt(attempt)?;
        let (task, node) = (a.task, a.node);
        let (input_flow, output_flow) = (a.input_flow, a.output_flow);
        trim_flow(&mut job.input_rate, input_flow, now);
        trim_flow(&mut job.output_rate, output_flow, now);
        self.finish_attempt(job, attempt, state);
        let number = job.attempt(attempt).map_or(0, |a| a.number);
        Some((task, node, number))
    }

    /// An attempt failed: count it against the task and the node, retry or give up.
    pub(crate) fn fail_attempt(&mut self, job: &mut JobRun, attempt: AttemptId, reason: &str) {
        let failed = AttemptState::Failed(reason.to_string());
        let Some((task, node, number)) = self.end_attempt(job, attempt, failed) else {
            return;
        };
        let name = self.node_name(node);
        self.emit(EventKind::AttemptFailed {
            job: job.id,
            task,
            attempt: number,
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
        if !job.attempt(attempt).is_some_and(|a| a.is_running()) {
            return;
        }
        let killed = AttemptState::Killed(reason.to_string());
        let Some((task, node, number)) = self.end_attempt(job, attempt, killed) else {
            return;
        };
        let name = self.node_name(node);
        self.emit(EventKind::AttemptKilled {
            job: job.id,
            task,
            attempt: number,
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
}

fn task_state_mut(job: &mut JobRun, task: TaskRef) -> Option<&mut TaskState> {
    match task {
        TaskRef::Map(i) => job.maps.get_mut(i as usize).map(|t| &mut t.state),
        TaskRef::Reduce(i) => job.reduces.get_mut(i as usize).map(|t| &mut t.state),
    }
}
