//! The DAX view's part of the playground's one reducer.
//!
//! [`DaxState`] holds what the view remembers between renders: which cluster, node and
//! request the learner is looking at, the answer to the last request they sent, what came
//! of the last cluster change, the experiment that is running (or ran last) and the
//! benchmark's histogram. Everything about the clusters themselves — nodes, cache entries,
//! counters, recent requests — is read fresh from the world's DAX snapshot on every
//! render, so it can never drift from the simulation.
//!
//! [`DaxAction`]s arrive through the playground's `Action::Dax`, and are applied by
//! [`Playground::reduce_dax`]: cluster management goes through the world's DAX control
//! plane, requests through one of the two doors in [`lab`], experiments through
//! [`ExperimentRun`]. Experiments wait for simulated time — the shared clock moves only
//! when the learner plays or steps — so [`Playground::dax_time_moved`] runs after every
//! advance of the clock and carries out whatever steps have come due. Running an
//! experiment presses play if time was paused, and pauses again when the run is over.

use std::rc::Rc;

use dynaplay_world::dynamo::DynamoError;
use dynaplay_world::dynamo::dax::{ClusterSpec, DaxError, DaxRequest};
use serde_json::{Value, json};

use super::experiments::{
    ExperimentKind, ExperimentRun, Step, StepAction, StepLine, Via, answer_summary,
};
use super::lab::{self, Door, LAB_CLUSTER};
use super::latency_chart::SpeedupChart;
use crate::requests;
use crate::state::Playground;

/// The DAX view's remembered state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DaxState {
    /// The cluster on screen; the first cluster when unset or gone.
    pub cluster: Option<String>,
    /// The node whose caches are listed; the primary when unset or gone.
    pub node: Option<String>,
    /// The request whose path is drawn; the latest when unset or gone.
    pub request: Option<u64>,
    /// The last request sent with the form.
    pub sent: Option<Sent>,
    /// What came of the last cluster change.
    pub control: Option<ControlResult>,
    pub experiment: Option<ExperimentRun>,
    /// Experiments run so far; each run writes under its own partition key.
    pub runs: u64,
    /// The benchmark's result, once run.
    pub speedup: Option<Rc<SpeedupChart>>,
}

/// A request sent with the view's form, and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    /// Counts the form's requests, so each answer is told from the one before.
    pub number: u64,
    pub door: Door,
    pub operation: String,
    pub request: Value,
    pub result: Result<Value, DynamoError>,
    /// DAX's record of it, when it went through DAX.
    pub record: Option<DaxRequest>,
}

/// The outcome of a cluster change: what was done, or DAX's error.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlResult {
    pub result: Result<String, DaxError>,
}

/// What the create-cluster form asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCluster {
    pub name: String,
    pub nodes: usize,
    pub node_type: String,
    pub record_ttl_millis: u64,
    pub query_ttl_millis: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DaxAction {
    SelectCluster(String),
    SelectNode(String),
    SelectRequest(u64),
    CreateCluster(NewCluster),
    SetTtls {
        cluster: String,
        record_ttl_millis: u64,
        query_ttl_millis: u64,
    },
    /// Grows or shrinks a cluster to `nodes` nodes.
    Resize {
        cluster: String,
        nodes: usize,
    },
    FailNode {
        cluster: String,
        node: String,
    },
    RebootNode {
        cluster: String,
        node: String,
    },
    DeleteCluster(String),
    /// Sends a DynamoDB request through a cluster or straight to DynamoDB.
    Send {
        door: Door,
        operation: String,
        request: Value,
    },
    /// Creates the lab table and cluster the experiments use.
    SetUpLab,
    RunExperiment(ExperimentKind),
}

impl Playground {
    /// Applies one DAX action.
    pub(crate) fn reduce_dax(&mut self, action: DaxAction) {
        match action {
            DaxAction::SelectCluster(name) => {
                let dax = Rc::make_mut(&mut self.dax);
                dax.cluster = Some(name);
                dax.node = None;
                dax.request = None;
            }
            DaxAction::SelectNode(node) => Rc::make_mut(&mut self.dax).node = Some(node),
            DaxAction::SelectRequest(id) => Rc::make_mut(&mut self.dax).request = Some(id),
            DaxAction::CreateCluster(new) => {
                let result = self.create_cluster(&new);
                let dax = Rc::make_mut(&mut self.dax);
                if result.is_ok() {
                    dax.cluster = Some(new.name.clone());
                    dax.node = None;
                    dax.request = None;
                }
                self.controlled(result);
            }
            DaxAction::SetTtls {
                cluster,
                record_ttl_millis,
                query_ttl_millis,
            } => {
                let result = self.with_world(|world| {
                    world.set_dax_ttls(&cluster, record_ttl_millis, query_ttl_millis)
                });
                self.controlled(result.map(|()| {
                    format!(
                        "{cluster}: item cache TTL {}, query cache TTL {}.",
                        ttl_words(record_ttl_millis, true),
                        ttl_words(query_ttl_millis, false)
                    )
                }));
            }
            DaxAction::Resize { cluster, nodes } => {
                let result = self.resize(&cluster, nodes);
                self.controlled(result);
            }
            DaxAction::FailNode { cluster, node } => {
                let result = self.with_world(|world| world.fail_dax_node(&cluster, &node));
                self.controlled(result.map(|()| {
                    format!(
                        "{node} failed: its caches are gone and its requests go to the other \
                         nodes. DAX replaces it, empty, after 60 s of simulated time."
                    )
                }));
            }
            DaxAction::RebootNode { cluster, node } => {
                let request = json!({"ClusterName": cluster, "NodeId": node});
                let result = self.with_world(|world| world.dax_control("RebootNode", &request));
                self.controlled(
                    result
                        .map(|_| format!("{node} is rebooting: back, with empty caches, in 30 s.")),
                );
            }
            DaxAction::DeleteCluster(cluster) => {
                let request = json!({"ClusterName": cluster});
                let result = self.with_world(|world| world.dax_control("DeleteCluster", &request));
                self.controlled(result.map(|_| {
                    format!("{cluster} is being deleted; it is gone after 30 s of simulated time.")
                }));
            }
            DaxAction::Send {
                door,
                operation,
                request,
            } => self.send_dax(door, operation, request),
            DaxAction::SetUpLab => {
                let result = lab::ensure_lab(&self.world)
                    .map_err(|message| DaxError::new("LabSetupFailed", message));
                let dax = Rc::make_mut(&mut self.dax);
                dax.cluster = Some(LAB_CLUSTER.to_string());
                dax.node = None;
                dax.request = None;
                let text = result.map(|made| {
                    if made.is_empty() {
                        "The lab table and cluster are ready.".to_string()
                    } else {
                        made.join(" ")
                    }
                });
                self.controlled(text);
                self.data_changed();
            }
            DaxAction::RunExperiment(kind) => self.run_experiment(kind),
        }
    }

    /// Carries out the experiment steps that have come due. Called whenever simulated
    /// time has moved.
    pub(crate) fn dax_time_moved(&mut self) {
        loop {
            let now = self.now();
            let Some(step) = self
                .dax
                .experiment
                .as_ref()
                .and_then(|run| run.due(now))
                .cloned()
            else {
                return;
            };
            let line = self.run_step(&step);
            let dax = Rc::make_mut(&mut self.dax);
            let Some(run) = dax.experiment.as_mut() else {
                return;
            };
            run.record(line, now);
            if !run.is_running() && run.started_playing {
                self.playing = false;
            }
            self.revision += 1;
        }
    }

    fn run_experiment(&mut self, kind: ExperimentKind) {
        let dax = Rc::make_mut(&mut self.dax);
        dax.runs += 1;
        let mut run = ExperimentRun::new(kind, dax.runs, self.world.borrow().now());
        match lab::ensure_lab(&self.world) {
            Ok(made) => run.setup = made,
            Err(problem) => run.abort(problem),
        }
        if run.is_running() && kind.waits() && !self.playing {
            self.playing = true;
            run.started_playing = true;
        }
        let dax = Rc::make_mut(&mut self.dax);
        dax.experiment = Some(run);
        if kind.waits() {
            dax.cluster = Some(LAB_CLUSTER.to_string());
            dax.node = None;
            dax.request = None;
        }
        self.data_changed();
        self.dax_time_moved();
    }

    fn run_step(&mut self, step: &Step) -> StepLine {
        let at = self.now();
        let line = |door, operation: &str, what: String, met| StepLine {
            at,
            note: step.note,
            door,
            operation: operation.to_string(),
            what,
            answer: String::new(),
            stale: false,
            met,
            request_id: None,
        };
        match &step.action {
            StepAction::Ttls {
                record_millis,
                query_millis,
            } => {
                let result = self.with_world(|world| {
                    world.set_dax_ttls(LAB_CLUSTER, *record_millis, *query_millis)
                });
                let what = format!(
                    "item cache TTL {}, query cache TTL {}",
                    ttl_words(*record_millis, true),
                    ttl_words(*query_millis, false)
                );
                let met = result.map_err(|e| format!("{}: {}", e.code, e.message));
                line("settings", "TTLs", what, met)
            }
            StepAction::Send {
                via,
                operation,
                request,
            } => {
                let door = match via {
                    Via::Dax => Door::Dax(LAB_CLUSTER.to_string()),
                    Via::Direct => Door::Direct,
                };
                let answer = lab::send(&self.world, &door, operation, request);
                if answer.result.is_ok() && lab::wrote(answer.record.as_ref(), operation) {
                    self.data_changed();
                }
                let record = answer.record.as_ref();
                let what = match (record, &answer.result) {
                    (Some(record), _) => record.to_string(),
                    (None, Ok(_)) => "answered by DynamoDB".to_string(),
                    (None, Err(e)) => format!("{}: {}", e.kind.name(), e.message),
                };
                let met = match &answer.result {
                    Ok(_) => step.expect.check(record),
                    Err(e) => Err(format!("the request failed with {}", e.kind.name())),
                };
                let door_name = match via {
                    Via::Dax => "DAX",
                    Via::Direct => "DynamoDB",
                };
                // A write's answer holds no data worth showing.
                let read = !requests::is_write(operation);
                StepLine {
                    answer: match &answer.result {
                        Ok(response) if read => answer_summary(response),
                        _ => String::new(),
                    },
                    stale: record.is_some_and(|r| r.stale),
                    request_id: record.map(|r| r.id),
                    ..line(door_name, operation, what, met)
                }
            }
            StepAction::Benchmark => {
                let seed = self.world.borrow().seed();
                match SpeedupChart::run(seed) {
                    Ok(chart) => {
                        let met = if chart.speedup > 1.0 {
                            Ok(())
                        } else {
                            Err(format!(
                                "reads through DAX were not faster ({:.2}×)",
                                chart.speedup
                            ))
                        };
                        let what = chart.summary();
                        Rc::make_mut(&mut self.dax).speedup = Some(Rc::new(chart));
                        line("benchmark", "read-heavy", what, met)
                    }
                    Err(e) => {
                        let what = format!("{}: {}", e.kind.name(), e.message);
                        line("benchmark", "read-heavy", what.clone(), Err(what))
                    }
                }
            }
        }
    }

    fn send_dax(&mut self, door: Door, operation: String, request: Value) {
        let answer = lab::send(&self.world, &door, &operation, &request);
        let wrote = answer.result.is_ok() && lab::wrote(answer.record.as_ref(), &operation);
        let dax = Rc::make_mut(&mut self.dax);
        if let Door::Dax(cluster) = &door {
            dax.cluster = Some(cluster.clone());
            dax.request = None;
        }
        let number = dax.sent.as_ref().map_or(1, |sent| sent.number + 1);
        dax.sent = Some(Sent {
            number,
            door,
            operation,
            request,
            result: answer.result,
            record: answer.record,
        });
        if wrote {
            self.data_changed();
        } else {
            // A read through DAX still changes the caches and their counters.
            self.revision += 1;
        }
    }

    fn create_cluster(&mut self, new: &NewCluster) -> Result<String, DaxError> {
        let mut spec = ClusterSpec::new(new.name.trim());
        spec.replication_factor = new.nodes;
        spec.node_type = new.node_type.clone();
        self.with_world(|world| {
            world.provision_dax(&spec)?;
            world.set_dax_ttls(&spec.name, new.record_ttl_millis, new.query_ttl_millis)
        })?;
        Ok(format!(
            "Created {} with {} {} node{} (item cache TTL {}, query cache TTL {}).",
            spec.name,
            new.nodes,
            new.node_type,
            if new.nodes == 1 { "" } else { "s" },
            ttl_words(new.record_ttl_millis, true),
            ttl_words(new.query_ttl_millis, false)
        ))
    }

    fn resize(&mut self, cluster: &str, nodes: usize) -> Result<String, DaxError> {
        let current = self
            .world
            .borrow()
            .dax()
            .cluster(cluster)
            .map(|c| c.nodes().len())
            .ok_or_else(|| DaxError::cluster_not_found(Some(cluster)))?;
        let (operation, text) = match nodes.cmp(&current) {
            std::cmp::Ordering::Equal => {
                return Ok(format!("{cluster} already has {nodes} nodes."));
            }
            std::cmp::Ordering::Greater => (
                "IncreaseReplicationFactor",
                format!(
                    "{cluster}: {} new node{} launching; they take requests after 60 s of \
                     simulated time.",
                    nodes - current,
                    if nodes - current == 1 { "" } else { "s" }
                ),
            ),
            std::cmp::Ordering::Less => (
                "DecreaseReplicationFactor",
                format!(
                    "{cluster}: down to {nodes} node{}.",
                    if nodes == 1 { "" } else { "s" }
                ),
            ),
        };
        let request = json!({"ClusterName": cluster, "NewReplicationFactor": nodes});
        self.with_world(|world| world.dax_control(operation, &request))?;
        Ok(text)
    }

    /// Runs `change` on the world; a world that is already borrowed (which cannot happen
    /// between renders) is reported as an error rather than a panic.
    fn with_world<T>(
        &mut self,
        change: impl FnOnce(&mut dynaplay_world::World) -> Result<T, DaxError>,
    ) -> Result<T, DaxError> {
        let Ok(mut world) = self.world.try_borrow_mut() else {
            return Err(DaxError::new("InternalServerError", "The world is busy."));
        };
        change(&mut world)
    }

    fn controlled(&mut self, result: Result<String, DaxError>) {
        Rc::make_mut(&mut self.dax).control = Some(ControlResult { result });
        self.revision += 1;
    }
}

/// A TTL as the settings describe it, with what 0 means for each cache.
pub fn ttl_words(millis: u64, item_cache: bool) -> String {
    match (millis, item_cache) {
        (0, true) => "0 (never expires)".to_string(),
        (0, false) => "0 (results not cached)".to_string(),
        (m, _) if m.is_multiple_of(60_000) => format!("{} min", m / 60_000),
        (m, _) if m.is_multiple_of(1_000) => format!("{} s", m / 1_000),
        (m, _) => format!("{m} ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Action, DEFAULT_SEED};
    use crate::theme::ThemePreference;
    use crate::view::View;
    use dynaplay_world::SimDuration;
    use dynaplay_world::dynamo::dax::Route;
    use wasm_bindgen_test::wasm_bindgen_test;
    use yew::Reducible;

    fn fresh() -> Rc<Playground> {
        Rc::new(Playground::new(
            DEFAULT_SEED,
            View::Dax,
            ThemePreference::System,
            false,
        ))
    }

    fn dax(action: DaxAction) -> Action {
        Action::Dax(action)
    }

    /// Plays until the running experiment is over (at most a simulated minute).
    fn play_out(mut state: Rc<Playground>) -> Rc<Playground> {
        for _ in 0..600 {
            if !state
                .dax
                .experiment
                .as_ref()
                .is_some_and(ExperimentRun::is_running)
            {
                break;
            }
            state = state.reduce(Action::Step);
        }
        state
    }

    #[wasm_bindgen_test]
    fn experiments_press_play_run_as_time_moves_and_pause_when_done() {
        let state = fresh().reduce(dax(DaxAction::RunExperiment(
            ExperimentKind::QueryStaleness,
        )));
        assert!(state.playing, "the experiment presses play");
        let run = state.dax.experiment.clone().unwrap();
        assert_eq!(run.setup.len(), 2, "the lab was set up: {:?}", run.setup);
        assert_eq!(run.lines.len(), 3, "the steps due at once ran at once");
        assert!(run.is_running());

        // Frames move time; the steps follow.
        let mut state = state;
        for _ in 0..400 {
            state = state.reduce(Action::Frame { elapsed_ms: 16.0 });
            if !state.playing {
                break;
            }
        }
        assert!(!state.playing, "paused again at the end");
        let run = state.dax.experiment.clone().unwrap();
        let verdict = run.verdict.clone().unwrap();
        assert!(verdict.ok, "{verdict:?} {:#?}", run.lines);
        let stale: Vec<&StepLine> = run.lines.iter().filter(|l| l.stale).collect();
        assert_eq!(stale.len(), 1, "exactly the second Query is stale");
        assert_eq!(stale[0].operation, "Query");
        assert!(
            stale[0].answer.contains("apple price 1"),
            "{}",
            stale[0].answer
        );
        let last = run.lines.last().unwrap();
        assert_eq!(last.answer, "apple price 5");
        assert!(!last.stale);
    }

    #[wasm_bindgen_test]
    fn every_experiment_reaches_its_conclusion() {
        let mut state = fresh();
        for kind in ExperimentKind::ALL {
            state = play_out(state.reduce(dax(DaxAction::RunExperiment(kind))));
            let run = state.dax.experiment.clone().unwrap();
            let verdict = run.verdict.clone().unwrap();
            assert!(verdict.ok, "{kind:?}: {verdict:?} {:#?}", run.lines);
            assert_eq!(run.lines.len(), run.steps.len());
        }
        assert!(state.dax.speedup.as_ref().unwrap().speedup > 5.0);
        // TTL expiry put the default back.
        let snapshot = state.world.borrow_mut().dax_snapshot();
        let lab = snapshot
            .clusters
            .iter()
            .find(|c| c.name == LAB_CLUSTER)
            .unwrap();
        assert_eq!(lab.record_ttl_millis, 300_000);
    }

    #[wasm_bindgen_test]
    fn a_paused_experiment_waits_for_time() {
        let state = fresh().reduce(dax(DaxAction::RunExperiment(ExperimentKind::NegativeCache)));
        let state = state.reduce(Action::Pause);
        let waiting = state.dax.experiment.clone().unwrap().lines.len();
        let state = state.reduce(Action::Frame { elapsed_ms: 16.0 });
        assert_eq!(state.dax.experiment.clone().unwrap().lines.len(), waiting);
        let mut state = state;
        for _ in 0..10 {
            state = state.reduce(Action::Step);
        }
        assert!(state.dax.experiment.clone().unwrap().lines.len() > waiting);
    }

    #[wasm_bindgen_test]
    fn requests_from_the_form_go_through_either_door_and_count_hits() {
        let state = fresh().reduce(dax(DaxAction::SetUpLab));
        let before = state.data_revision;
        let put = lab::put("mine", "a", "n", 1);
        let state = state.reduce(dax(DaxAction::Send {
            door: Door::Dax(LAB_CLUSTER.into()),
            operation: "PutItem".into(),
            request: put,
        }));
        assert_eq!(
            state.data_revision,
            before + 1,
            "a write through DAX is a write"
        );
        let get = lab::get("mine", "a", false);
        let mut state = state;
        let mut hits = 0;
        for _ in 0..4 {
            state = state.reduce(Action::Step).reduce(dax(DaxAction::Send {
                door: Door::Dax(LAB_CLUSTER.into()),
                operation: "GetItem".into(),
                request: get.clone(),
            }));
            let sent = state.dax.sent.clone().unwrap();
            assert_eq!(sent.result.unwrap()["Item"]["n"], json!({"N": "1"}));
            if sent.record.unwrap().route == Route::CacheHit {
                hits += 1;
            }
        }
        assert_eq!(
            hits, 4,
            "written through and replicated: every read is a hit"
        );
        let snapshot = state.world.borrow_mut().dax_snapshot();
        assert_eq!(snapshot.clusters[0].item_cache.hits, 4);

        let direct = state.reduce(dax(DaxAction::Send {
            door: Door::Direct,
            operation: "GetItem".into(),
            request: get,
        }));
        assert!(direct.dax.sent.clone().unwrap().record.is_none());
    }

    #[wasm_bindgen_test]
    fn clusters_are_made_resized_failed_and_deleted_from_the_view() {
        let create = |name: &str, nodes| {
            dax(DaxAction::CreateCluster(NewCluster {
                name: name.into(),
                nodes,
                node_type: "dax.t3.small".into(),
                record_ttl_millis: 0,
                query_ttl_millis: 60_000,
            }))
        };
        let state = fresh().reduce(create("mine", 2));
        let control = state.dax.control.clone().unwrap().result.unwrap();
        assert!(
            control.starts_with("Created mine with 2 dax.t3.small nodes"),
            "{control}"
        );
        assert!(control.contains("0 (never expires)"), "{control}");
        assert_eq!(state.dax.cluster.as_deref(), Some("mine"));
        let bad = state.reduce(create("Bad--name", 1));
        assert_eq!(
            bad.dax.control.clone().unwrap().result.unwrap_err().code,
            "InvalidParameterValueException"
        );
        let state = bad.reduce(dax(DaxAction::Resize {
            cluster: "mine".into(),
            nodes: 3,
        }));
        let snapshot = state.world.borrow_mut().dax_snapshot();
        assert_eq!(snapshot.clusters[0].nodes.len(), 3);
        assert_eq!(snapshot.clusters[0].nodes[2].status, "creating");
        assert_eq!(snapshot.clusters[0].query_ttl_millis, 60_000);
        let state = state.reduce(dax(DaxAction::FailNode {
            cluster: "mine".into(),
            node: "mine-a".into(),
        }));
        let snapshot = state.world.borrow_mut().dax_snapshot();
        assert_eq!(snapshot.clusters[0].nodes[0].status, "failed");
        let state = state.reduce(dax(DaxAction::DeleteCluster("mine".into())));
        state.world.borrow_mut().advance(SimDuration::from_secs(31));
        assert!(state.world.borrow_mut().dax_snapshot().clusters.is_empty());
    }

    #[wasm_bindgen_test]
    fn ttls_in_words() {
        assert_eq!(ttl_words(300_000, true), "5 min");
        assert_eq!(ttl_words(5_000, true), "5 s");
        assert_eq!(ttl_words(1_500, false), "1500 ms");
        assert_eq!(ttl_words(0, true), "0 (never expires)");
        assert_eq!(ttl_words(0, false), "0 (results not cached)");
    }
}
