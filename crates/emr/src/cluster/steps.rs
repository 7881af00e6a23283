//! Steps: the work a cluster is given, run one at a time, in order.
//!
//! Each step here is a MapReduce job. A step is PENDING until the ones before it finish,
//! RUNNING while its job runs, and then COMPLETED or FAILED. What a failure does to the
//! rest is the step's `ActionOnFailure`: `CONTINUE` goes on with the next step,
//! `CANCEL_AND_WAIT` cancels every pending step and leaves the cluster WAITING, and
//! `TERMINATE_CLUSTER` cancels them and shuts the cluster down with errors. A cluster that
//! was asked to terminate after its steps does so when the last one ends.

use std::fmt;

use dynaplay_sim::SimTime;
use serde::Serialize;

use super::{Cluster, ClusterState, Ev, JobState};
use crate::error::{EmrError, Result};
use crate::events::EventKind;
use crate::ids::{JobId, StepId};
use crate::mapreduce::spec::JobSpec;
use crate::node::NodeState;

/// What to do when a step fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActionOnFailure {
    Continue,
    CancelAndWait,
    TerminateCluster,
}

impl ActionOnFailure {
    pub fn parse(s: &str) -> Option<ActionOnFailure> {
        match s.to_ascii_uppercase().as_str() {
            "CONTINUE" => Some(ActionOnFailure::Continue),
            "CANCEL_AND_WAIT" => Some(ActionOnFailure::CancelAndWait),
            "TERMINATE_CLUSTER" => Some(ActionOnFailure::TerminateCluster),
            _ => None,
        }
    }
}

impl fmt::Display for ActionOnFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ActionOnFailure::Continue => "CONTINUE",
            ActionOnFailure::CancelAndWait => "CANCEL_AND_WAIT",
            ActionOnFailure::TerminateCluster => "TERMINATE_CLUSTER",
        })
    }
}

/// A step's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepState {
    Pending,
    Running,
    Completed,
    Cancelled,
    Failed,
}

impl StepState {
    pub fn name(self) -> &'static str {
        match self {
            StepState::Pending => "PENDING",
            StepState::Running => "RUNNING",
            StepState::Completed => "COMPLETED",
            StepState::Cancelled => "CANCELLED",
            StepState::Failed => "FAILED",
        }
    }
}

/// A step to add.
#[derive(Debug, Clone)]
pub struct StepConfig {
    pub name: String,
    pub job: JobSpec,
    pub action_on_failure: ActionOnFailure,
}

/// A step of the cluster.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub id: StepId,
    pub name: String,
    pub action_on_failure: ActionOnFailure,
    pub state: StepState,
    pub job: Option<JobId>,
    pub started: Option<SimTime>,
    pub ended: Option<SimTime>,
    pub reason: String,
    #[serde(skip)]
    pub(crate) spec: Option<JobSpec>,
}

impl Cluster {
    /// Adds a step; it runs when the steps before it have finished.
    pub fn add_step(&mut self, config: StepConfig) -> Result<StepId> {
        if matches!(
            self.state,
            ClusterState::Terminating
                | ClusterState::Terminated
                | ClusterState::TerminatedWithErrors
        ) {
            return Err(EmrError::InvalidState(format!(
                "cannot add a step: the cluster is {}",
                self.state.name()
            )));
        }
        config.job.config.validate()?;
        let id = StepId(self.steps.len() as u32);
        self.steps.push(Step {
            id,
            name: config.name.clone(),
            action_on_failure: config.action_on_failure,
            state: StepState::Pending,
            job: None,
            started: None,
            ended: None,
            reason: String::new(),
            spec: Some(config.job),
        });
        self.emit(EventKind::StepState {
            step: id,
            name: config.name,
            state: StepState::Pending.name().into(),
            reason: String::new(),
        });
        if self.state == ClusterState::Waiting {
            self.schedule_after(dynaplay_sim::SimDuration::ZERO, Ev::NextStep);
        }
        Ok(id)
    }

    pub(crate) fn set_step_state(&mut self, id: StepId, state: StepState, reason: &str) {
        let now = self.now();
        let Some(step) = self.steps.get_mut(id.index()) else {
            return;
        };
        if step.state == state {
            return;
        }
        step.state = state;
        step.reason = reason.to_string();
        match state {
            StepState::Running => step.started = Some(now),
            StepState::Completed | StepState::Cancelled | StepState::Failed => {
                step.ended = Some(now)
            }
            StepState::Pending => {}
        }
        let name = step.name.clone();
        self.emit(EventKind::StepState {
            step: id,
            name,
            state: state.name().into(),
            reason: reason.into(),
        });
    }

    /// Starts the first pending step if nothing runs; otherwise settles the cluster in
    /// WAITING or terminates it.
    pub(crate) fn start_next_step(&mut self) {
        if !matches!(self.state, ClusterState::Waiting | ClusterState::Running) {
            return;
        }
        if self.active.is_some() {
            return;
        }
        let next = self
            .steps
            .iter()
            .find(|s| s.state == StepState::Pending)
            .map(|s| s.id);
        let Some(step_id) = next else {
            if self.terminate_after_steps {
                self.begin_termination(self.terminate_with_errors, "steps completed");
            } else {
                self.set_state(ClusterState::Waiting, "");
            }
            return;
        };
        self.set_state(ClusterState::Running, "");
        let spec = self
            .steps
            .get_mut(step_id.index())
            .and_then(|s| s.spec.take());
        self.set_step_state(step_id, StepState::Running, "");
        match spec {
            Some(spec) => {
                self.submit_job(spec, Some(step_id));
            }
            None => self.finish_step(step_id, false, "the step has no job"),
        }
    }

    /// Called when a step's job ends.
    pub(crate) fn on_job_finished(&mut self, job: JobId, state: &JobState, reason: &str) {
        let step = self.steps.iter().find(|s| s.job == Some(job)).map(|s| s.id);
        if let Some(step) = step {
            self.finish_step(step, *state == JobState::Succeeded, reason);
        }
    }

    fn finish_step(&mut self, step: StepId, ok: bool, reason: &str) {
        if ok {
            self.set_step_state(step, StepState::Completed, "");
        } else {
            self.set_step_state(step, StepState::Failed, reason);
            let action = self
                .steps
                .get(step.index())
                .map_or(ActionOnFailure::Continue, |s| s.action_on_failure);
            match action {
                ActionOnFailure::Continue => {}
                ActionOnFailure::CancelAndWait => {
                    self.cancel_pending_steps("a previous step failed (CANCEL_AND_WAIT)");
                }
                ActionOnFailure::TerminateCluster => {
                    self.cancel_pending_steps("a previous step failed (TERMINATE_CLUSTER)");
                    self.begin_termination(true, &format!("step {step} failed"));
                    return;
                }
            }
        }
        if matches!(self.state, ClusterState::Running | ClusterState::Waiting) {
            self.schedule_after(dynaplay_sim::SimDuration::ZERO, Ev::NextStep);
        }
    }

    fn cancel_pending_steps(&mut self, reason: &str) {
        let pending: Vec<StepId> = self
            .steps
            .iter()
            .filter(|s| s.state == StepState::Pending)
            .map(|s| s.id)
            .collect();
        for s in pending {
            self.set_step_state(s, StepState::Cancelled, reason);
        }
    }

    /// Starts shutting down: running work is cancelled, pending steps too.
    pub(crate) fn begin_termination(&mut self, with_errors: bool, reason: &str) {
        if matches!(
            self.state,
            ClusterState::Terminating
                | ClusterState::Terminated
                | ClusterState::TerminatedWithErrors
        ) {
            return;
        }
        self.terminate_with_errors |= with_errors;
        if self.active.is_some() {
            self.kill_active_job("the cluster is terminating");
        }
        self.cancel_pending_steps("the cluster is terminating");
        self.set_state(ClusterState::Terminating, reason);
        let at = self.config.termination;
        self.schedule_after(at, Ev::TerminationDone);
    }

    pub(crate) fn on_termination_done(&mut self) {
        if self.state != ClusterState::Terminating {
            return;
        }
        let ids: Vec<_> = self
            .nodes
            .iter()
            .filter(|n| n.state != NodeState::Terminated)
            .map(|n| n.id)
            .collect();
        for id in ids {
            self.set_node_state(id, NodeState::Terminated, "cluster terminated");
        }
        let reason = self.state_reason.clone();
        let state = if self.terminate_with_errors {
            ClusterState::TerminatedWithErrors
        } else {
            ClusterState::Terminated
        };
        self.set_state(state, &reason);
        // Nothing happens on a terminated cluster: drop what was still pending.
        self.sched.queue_mut().clear();
    }

    /// Ends the cluster at once with errors (the primary node is gone).
    pub(crate) fn fail_cluster(&mut self, reason: &str) {
        if self.state.is_terminated() {
            return;
        }
        self.terminate_with_errors = true;
        if self.active.is_some() {
            self.kill_active_job(reason);
        }
        self.cancel_pending_steps(reason);
        self.state = ClusterState::Terminating;
        self.state_reason = reason.to_string();
        self.on_termination_done();
    }
}
