//! Speculative execution: backup attempts for stragglers near the end of a phase.
//!
//! The MapReduce paper's remedy for a machine that takes "an unusually long time to
//! complete one of the last few map or reduce tasks": when a phase is close to completion,
//! schedule backup executions of the tasks still in progress, and take whichever finishes
//! first. Like Hadoop's speculator, this one runs every second, and only for a phase with
//! no task left waiting (otherwise a free container has better things to do). It estimates
//! each running attempt's time to finish from its progress so far, and the time a fresh
//! attempt would take from the tasks already done; a task whose estimate exceeds a fresh
//! attempt's by a margin gets one backup, on another node. The number of backups running
//! at once is capped, as Hadoop caps it (10% of the running tasks, at least 10).
//!
//! Nothing here knows which nodes are slow: stragglers are found from the progress they
//! report, and a node's slowness comes only from the seeded health model.

use dynaplay_sim::SimTime;

use super::job::{AttemptPhase, JobRun, JobState, TaskState};
use super::{Cluster, Ev};
use crate::ids::{NodeId, TaskKind, TaskRef};
use crate::yarn::ContainerKind;

/// A backup is launched when the running attempt needs this much longer than a new one.
const MARGIN: f64 = 1.2;

impl Cluster {
    pub(crate) fn on_speculation_tick(&mut self, id: crate::ids::JobId) {
        let Some(mut job) = self.take_job(id) else {
            return;
        };
        if job.state == JobState::Running {
            if !job.has_pending_maps() {
                self.speculate(&mut job, TaskKind::Map);
            }
            if job.pending_reduces.is_empty() {
                self.speculate(&mut job, TaskKind::Reduce);
            }
            let every = job.config.speculation_interval;
            self.schedule_after(every, Ev::SpeculationTick(id));
        }
        self.put_job(job);
    }

    /// How long a fresh attempt of `task` would take, judging by finished tasks.
    fn expected_fresh(&self, job: &JobRun, task: TaskRef) -> Option<f64> {
        match task {
            TaskRef::Map(_) => {
                let (total, n) = job.map_time;
                (n > 0).then(|| total / f64::from(n))
            }
            TaskRef::Reduce(p) => {
                let (total, n) = job.reduce_post_time;
                if n == 0 {
                    return None;
                }
                let net = self
                    .nodes
                    .iter()
                    .find(|n| n.accepts_containers())
                    .map_or(1.0, |n| n.instance.network_mbps * 1e6);
                let shuffle = job.available(p) / net;
                Some(job.cost.task_launch_secs + shuffle + total / f64::from(n))
            }
        }
    }

    fn speculate(&mut self, job: &mut JobRun, kind: TaskKind) {
        let now = self.now();
        let running: Vec<_> = job
            .attempts
            .iter()
            .filter(|a| a.is_running() && a.task.kind() == kind)
            .collect();
        let backups = running.iter().filter(|a| a.speculative).count();
        let cap = (running.len() / 10).max(job.task_count(kind) / 100).max(10);
        if backups >= cap {
            return;
        }
        let mut candidates: Vec<(f64, TaskRef, NodeId)> = Vec::new();
        for a in &running {
            // A shuffling reduce waits on the network, not on its node; every other phase
            // progresses at its node's pace and can be judged.
            let measurable = matches!(
                a.phase(),
                Some(AttemptPhase::Map | AttemptPhase::Launching | AttemptPhase::Reduce)
            );
            if !measurable || a.speculative || job.running_attempts(a.task).len() > 1 {
                continue;
            }
            let done = match a.task {
                TaskRef::Map(i) => job.maps.get(i as usize).map(|t| t.state),
                TaskRef::Reduce(i) => job.reduces.get(i as usize).map(|t| t.state),
            };
            if done != Some(TaskState::Running) {
                continue;
            }
            // An attempt on a node that went down reports no more progress: as far as the
            // speculator can tell, it will never finish.
            let mut remaining = if self.node_is_up(a.node) {
                remaining_secs(a.planned_end, now)
            } else {
                f64::INFINITY
            };
            if a.phase() == Some(AttemptPhase::Launching) {
                // Still to come after the launch: the reduce's own work.
                let (total, n) = job.reduce_post_time;
                remaining += total / f64::from(n.max(1));
            }
            let Some(fresh) = self.expected_fresh(job, a.task) else {
                continue;
            };
            // Progress must have been observed for a while before it is trusted.
            let observed = (now - a.phase_start).as_secs_f64();
            if remaining > fresh * MARGIN && observed >= fresh * 0.25 {
                candidates.push((remaining, a.task, a.node));
            }
        }
        candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        let container = match kind {
            TaskKind::Map => ContainerKind::Map,
            TaskKind::Reduce => ContainerKind::Reduce,
        };
        for (_, task, original) in candidates.into_iter().take(cap - backups) {
            let preferred: Vec<NodeId> = match task {
                TaskRef::Map(i) => job
                    .maps
                    .get(i as usize)
                    .map(|t| t.split.hosts.clone())
                    .unwrap_or_default(),
                TaskRef::Reduce(_) => Vec::new(),
            };
            let fits = |c: &Cluster, n: NodeId| {
                n != original
                    && c.usable(job, n)
                    && c.node(n).is_some_and(|nd| nd.yarn.fits(container))
            };
            let mut choice = preferred.into_iter().find(|n| fits(self, *n));
            if choice.is_none() {
                let pool: Vec<NodeId> = self
                    .nodes
                    .iter()
                    .map(|n| n.id)
                    .filter(|n| fits(self, *n))
                    .collect();
                choice = self.rng.tasks.pick(&pool).copied();
            }
            let Some(node) = choice else {
                return;
            };
            match task {
                TaskRef::Map(i) => self.start_map(job, node, i, true),
                TaskRef::Reduce(i) => self.start_reduce(job, node, i, true),
            }
        }
    }
}

fn remaining_secs(planned_end: SimTime, now: SimTime) -> f64 {
    planned_end.saturating_duration_since(now).as_secs_f64()
}
