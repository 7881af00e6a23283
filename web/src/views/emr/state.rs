//! The EMR view's state: the forms, the simulated cluster, and what the view has derived
//! from it.
//!
//! The world does not hold an EMR cluster yet, so the view runs one itself: a
//! [`dynaplay_emr::Cluster`] whose time zero is the world instant it was created at, and
//! which is advanced to follow the world's clock whenever the playground's revision moves
//! ([`follow_world`], called by the playground's reducer). Everything else about time is
//! the playground's: the cluster moves only while the shared controls play or step.
//!
//! A cluster can be far more work to simulate than a frame allows — the MapReduce paper's
//! sort places 20,000 attempts on 1,746 machines — so a frame advances it only for a
//! bounded slice of real time. When it falls behind the world's clock it catches up over
//! the next frames, and says so; "Run to the end" lets it run ahead of the clock until its
//! job is done and then moves the world's clock to meet it. Either way the cluster's own
//! history is the same: it depends on its seed and the commands it was given, never on how
//! its time was sliced.
//!
//! The cluster sits behind `Rc<RefCell<_>>`, like the world: it is large, and the reducer
//! is the only thing that ever changes it. `revision` counts those changes so the view
//! re-renders when the cluster moves (its canvases redraw only when what they show did).

use std::cell::RefCell;
use std::rc::Rc;

use dynaplay_emr::cluster::{ActionOnFailure, StepConfig, StepState};
use dynaplay_emr::mapreduce::TableInput;
use dynaplay_emr::node::NodeState;
use dynaplay_emr::presets::{self, Calibration};
use dynaplay_emr::{Cluster, JobInput, JobRun, JobSpec, JobState, NodeRole};
use dynaplay_world::dynamo::table::BillingMode;
use dynaplay_world::{SimTime, World};

use super::forms::{self, EmrForm, Field, Source};
use super::gantt::GanttLayout;
use super::output::OutputTable;
use super::paper::PaperRun;
use crate::browser;
use crate::state::Playground;

/// Real milliseconds one frame may spend simulating the cluster.
pub const FRAME_BUDGET_MS: f64 = 12.0;

/// The factor `Slow node` applies.
pub const SLOWDOWN: f64 = 4.0;

/// Read capacity the EMR DynamoDB connector assumes for an on-demand table
/// (`DEFAULT_CAPACITY_FOR_ON_DEMAND` in the connector).
pub const ON_DEMAND_READ_UNITS: f64 = 40_000.0;

/// What the view does.
#[derive(Debug, Clone, PartialEq)]
pub enum EmrAction {
    Edit(Field, String),
    SetSpeculative(bool),
    CreateCluster,
    RunPaper(PaperRun),
    TerminateCluster,
    DiscardCluster,
    /// The browser read an uploaded file.
    FileLoaded {
        name: String,
        text: Rc<str>,
    },
    FileFailed(String),
    RunJob,
    KillNode,
    SlowNode,
    ReclaimSpot,
    ToggleSpeculation,
    Resize,
    /// Run the cluster ahead of the clock until its job is done.
    RunToEnd,
    /// A frame while the cluster is behind (or running ahead): simulate another slice.
    CatchUp,
    ToggleExport,
    MoreRows,
}

/// A text file the learner uploaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub name: String,
    pub text: Rc<str>,
}

/// The outcome of the last command, shown beside the buttons.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Done(String),
    Refused(String),
}

/// The simulated cluster and what the view keeps about it.
#[derive(Debug)]
pub struct Sim {
    pub cluster: Cluster,
    /// The world instant that is the cluster's time zero.
    pub origin: SimTime,
    /// The paper run this cluster is, if it is one.
    pub paper: Option<PaperRun>,
    /// Running ahead of the world's clock to the end of the job.
    pub run_ahead: bool,
    /// Lanes of the shown job's attempts.
    pub layout: GanttLayout,
    /// The shown job's output, once it succeeded.
    pub output: Option<OutputTable>,
    pub jobs_submitted: u32,
}

impl Sim {
    fn new(cluster: Cluster, origin: SimTime, paper: Option<PaperRun>) -> Sim {
        Sim {
            cluster,
            origin,
            paper,
            run_ahead: false,
            layout: GanttLayout::default(),
            output: None,
            jobs_submitted: 0,
        }
    }

    /// The job the view shows: the latest one.
    pub fn job(&self) -> Option<&JobRun> {
        self.cluster.jobs().last()
    }

    /// The cluster instant that corresponds to the world's `now`.
    pub fn target(&self, now: SimTime) -> SimTime {
        SimTime::ZERO + now.saturating_duration_since(self.origin)
    }

    /// Whether a job runs or a step waits to.
    pub fn busy(&self) -> bool {
        self.cluster.active_job().is_some()
            || self
                .cluster
                .steps()
                .iter()
                .any(|s| matches!(s.state, StepState::Pending | StepState::Running))
    }

    /// Advances toward `target` until `deadline`; true when it got there.
    fn advance(&mut self, target: SimTime, deadline: &Deadline) -> bool {
        let mut handled = 0u32;
        loop {
            match self.cluster.next_event_at() {
                Some(at) if at <= target => {
                    self.cluster.step();
                    handled += 1;
                    if handled.is_multiple_of(16) && deadline.passed() {
                        return false;
                    }
                }
                _ => {
                    self.cluster.advance_to(target);
                    return true;
                }
            }
        }
    }

    /// Runs ahead until the work is done (or nothing is left to happen, or a simulated
    /// day has passed); true when it got there.
    fn run_to_end(&mut self, deadline: &Deadline) -> bool {
        let limit = SimTime::from_secs(86_400);
        let mut handled = 0u32;
        while self.busy() {
            match self.cluster.next_event_at() {
                Some(at) if at <= limit => {
                    self.cluster.step();
                }
                _ => break,
            }
            handled += 1;
            if handled.is_multiple_of(16) && deadline.passed() {
                return false;
            }
        }
        // What else happens at the instant the work ended (the cluster going back to
        // WAITING) belongs to it too.
        let now = self.cluster.now();
        self.cluster.advance_to(now);
        true
    }

    /// Brings the derived views up to date with the cluster.
    fn refresh(&mut self) {
        let Sim {
            cluster,
            layout,
            output,
            paper,
            ..
        } = self;
        let Some(job) = cluster.jobs().last() else {
            return;
        };
        layout.update(job);
        let stale = output.as_ref().is_none_or(|o| o.job != job.id);
        if job.state == JobState::Succeeded && stale && paper.is_none() {
            *output = Some(OutputTable::read(cluster, job));
        } else if job.state != JobState::Succeeded && stale {
            *output = None;
        }
    }
}

/// The cluster, shared between the reducer (which changes it) and the view (which draws
/// it). Two handles are equal when they are the same cluster.
#[derive(Debug, Clone)]
pub struct SimHandle(pub Rc<RefCell<Sim>>);

impl PartialEq for SimHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// When a slice of simulation must stop.
pub struct Deadline(Option<f64>);

impl Deadline {
    /// `ms` of real time from now.
    pub fn after(ms: f64) -> Deadline {
        Deadline(Some(browser::now_ms() + ms))
    }

    pub fn passed(&self) -> bool {
        self.0.is_some_and(|at| browser::now_ms() >= at)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmrState {
    pub form: EmrForm,
    pub upload: Option<Upload>,
    pub sim: Option<SimHandle>,
    /// Counts changes to the cluster.
    pub revision: u64,
    pub notice: Option<Notice>,
    /// Whether the simulation needs frames of its own (it is behind, or running ahead).
    pub catching_up: bool,
    pub export_open: bool,
    /// Output rows shown.
    pub rows_shown: usize,
    clusters_made: u64,
}

/// Output rows shown at first, and added by "Show more".
pub const ROWS_PAGE: usize = 50;

impl EmrState {
    fn refuse(&mut self, why: impl Into<String>) {
        self.notice = Some(Notice::Refused(why.into()));
    }

    fn done(&mut self, what: impl Into<String>) {
        self.notice = Some(Notice::Done(what.into()));
    }

    /// The node the fault buttons act on: the chosen one while it is still there, or the
    /// first running core node.
    pub fn fault_node(&self, cluster: &Cluster) -> Option<String> {
        let chosen = cluster
            .node_named(&self.form.node)
            .ok()
            .and_then(|id| cluster.node(id));
        if chosen.is_some_and(|n| n.is_up() || n.state == NodeState::Restarting) {
            return Some(self.form.node.clone());
        }
        cluster
            .nodes()
            .iter()
            .find(|n| n.role == NodeRole::Core && n.is_up())
            .map(|n| n.name.clone())
    }
}

/// Moves the cluster along with the world's clock (the playground calls this whenever its
/// revision moves).
pub fn follow_world(pg: &mut Playground) {
    let Some(sim) = pg.emr.sim.clone() else {
        if pg.emr.catching_up {
            Rc::make_mut(&mut pg.emr).catching_up = false;
        }
        return;
    };
    let Ok(now) = pg.world.try_borrow().map(|w| w.now()) else {
        return;
    };
    let deadline = Deadline::after(FRAME_BUDGET_MS);
    let (changed, behind, meet_at) = {
        let Ok(mut s) = sim.0.try_borrow_mut() else {
            return;
        };
        let before = (s.cluster.now(), s.cluster.events().len());
        let reached = if s.run_ahead {
            s.run_to_end(&deadline)
        } else {
            // Even at the target instant, events due then (a step starting now) still run.
            let target = s.target(now);
            s.cluster.now() > target || s.advance(target, &deadline)
        };
        s.refresh();
        let mut meet_at = None;
        if s.run_ahead && reached {
            s.run_ahead = false;
            meet_at = Some(s.origin + s.cluster.now().since_start());
        }
        let changed = (s.cluster.now(), s.cluster.events().len()) != before;
        (changed, !reached, meet_at)
    };
    if let Some(at) = meet_at
        && let Ok(mut world) = pg.world.try_borrow_mut()
    {
        world.advance_to(at);
        pg.revision += 1;
    }
    if changed || behind != pg.emr.catching_up || meet_at.is_some() {
        let emr = Rc::make_mut(&mut pg.emr);
        emr.revision += 1;
        emr.catching_up = behind;
    }
}

/// Applies one of the view's actions.
pub fn reduce(pg: &mut Playground, action: EmrAction) {
    match action {
        EmrAction::CatchUp => return follow_world(pg),
        EmrAction::RunToEnd => {
            if let Some(sim) = &pg.emr.sim
                && let Ok(mut s) = sim.0.try_borrow_mut()
            {
                s.run_ahead = s.busy();
            }
            return follow_world(pg);
        }
        _ => {}
    }
    let now = pg
        .world
        .try_borrow()
        .map(|w| w.now())
        .unwrap_or(SimTime::ZERO);
    let seed = pg.world.try_borrow().map(|w| w.seed()).unwrap_or(1);
    let emr = Rc::make_mut(&mut pg.emr);
    match action {
        EmrAction::Edit(field, text) => emr.form.edit(field, text),
        EmrAction::SetSpeculative(on) => emr.form.speculative = on,
        EmrAction::FileLoaded { name, text } => {
            emr.done(format!("Read {name}: {} bytes.", text.len()));
            emr.upload = Some(Upload { name, text });
            emr.form.source = Source::Upload;
        }
        EmrAction::FileFailed(why) => emr.refuse(why),
        EmrAction::ToggleExport => emr.export_open = !emr.export_open,
        EmrAction::MoreRows => emr.rows_shown += ROWS_PAGE,
        EmrAction::CreateCluster => create_cluster(emr, now, seed),
        EmrAction::RunPaper(run) => run_paper(emr, run, now, seed),
        EmrAction::DiscardCluster => {
            emr.sim = None;
            emr.revision += 1;
            emr.notice = None;
            emr.catching_up = false;
        }
        EmrAction::RunJob => {
            let world = pg.world.clone();
            with_cluster(emr, |emr, sim| run_job(emr, sim, &world));
        }
        EmrAction::TerminateCluster => {
            with_cluster(emr, |emr, sim| match sim.cluster.terminate() {
                Ok(()) => emr.done("Terminating the cluster: its steps are cancelled."),
                Err(e) => emr.refuse(e.to_string()),
            })
        }
        EmrAction::KillNode => with_cluster(emr, kill_node),
        EmrAction::SlowNode => with_cluster(emr, slow_node),
        EmrAction::ReclaimSpot => with_cluster(emr, reclaim_spot),
        EmrAction::Resize => with_cluster(emr, resize),
        EmrAction::ToggleSpeculation => {
            emr.form.speculative = !emr.form.speculative;
            let running = emr
                .sim
                .as_ref()
                .and_then(|s| {
                    s.0.try_borrow()
                        .ok()
                        .map(|s| s.cluster.active_job().is_some())
                })
                .unwrap_or(false);
            let state = if emr.form.speculative { "on" } else { "off" };
            emr.done(if running {
                format!(
                    "Speculative execution is {state} for the next job; Hadoop fixes it when \
                     a job is submitted, so the running job keeps its setting."
                )
            } else {
                format!("Speculative execution is {state} for the next job.")
            });
        }
        EmrAction::CatchUp | EmrAction::RunToEnd => {}
    }
}

/// Runs `f` on the cluster, then settles it at the current instant (so a step added now
/// starts now) and refreshes what is derived from it.
fn with_cluster(emr: &mut EmrState, f: impl FnOnce(&mut EmrState, &mut Sim)) {
    let Some(sim) = emr.sim.clone() else {
        return emr.refuse("Create a cluster first.");
    };
    let Ok(mut s) = sim.0.try_borrow_mut() else {
        return;
    };
    f(emr, &mut s);
    let now = s.cluster.now();
    s.cluster.advance_to(now);
    s.refresh();
    emr.revision += 1;
}

fn create_cluster(emr: &mut EmrState, now: SimTime, seed: u64) {
    emr.clusters_made += 1;
    let seed = seed.wrapping_mul(1_000).wrapping_add(emr.clusters_made);
    let config = match forms::cluster_config(&emr.form, seed) {
        Ok(c) => c,
        Err(why) => return emr.refuse(why),
    };
    match Cluster::new(config) {
        Ok(mut cluster) => {
            cluster.advance_to(SimTime::ZERO);
            emr.done(format!(
                "Cluster {} is {}.",
                cluster.id(),
                cluster.state().name()
            ));
            install(emr, Sim::new(cluster, now, None));
        }
        Err(e) => emr.refuse(e.to_string()),
    }
}

fn run_paper(emr: &mut EmrState, run: PaperRun, now: SimTime, seed: u64) {
    let options = run.options(seed);
    match presets::build(run.preset(), &options, &Calibration::default()) {
        Ok(cluster) => {
            emr.done(format!(
                "{}: {} machines, the job submitted. Play (at a high speed) or run it to the end.",
                run.title(),
                run.preset().workers()
            ));
            let mut sim = Sim::new(cluster, now, Some(run));
            sim.jobs_submitted = 1;
            install(emr, sim);
        }
        Err(e) => emr.refuse(e.to_string()),
    }
}

fn install(emr: &mut EmrState, mut sim: Sim) {
    sim.refresh();
    emr.sim = Some(SimHandle(Rc::new(RefCell::new(sim))));
    emr.revision += 1;
    emr.rows_shown = ROWS_PAGE;
    emr.form.node = String::new();
}

fn run_job(emr: &mut EmrState, sim: &mut Sim, world: &RefCell<World>) {
    if sim.paper.is_some() {
        return emr
            .refuse("This cluster runs the paper's job; create your own cluster to run one.");
    }
    let logic = match forms::job_logic(&emr.form) {
        Ok(l) => l,
        Err(why) => return emr.refuse(why),
    };
    let config = match forms::job_config(&emr.form) {
        Ok(c) => c,
        Err(why) => return emr.refuse(why),
    };
    let input = match job_input(emr, sim, world) {
        Ok(i) => i,
        Err(why) => return emr.refuse(why),
    };
    let slug = emr.form.job.slug();
    let mut n = sim.jobs_submitted + 1;
    while sim.cluster.hdfs().exists(&format!("/output/{slug}-{n}")) {
        n += 1;
    }
    let output = format!("/output/{slug}-{n}");
    let described = match &input {
        JobInput::Hdfs(paths) => paths.join(", "),
        JobInput::Table(t) => format!("table {}", t.table),
    };
    let step = StepConfig {
        name: format!("{} {n}", emr.form.job.title()),
        job: JobSpec {
            name: format!("{slug}-{n}"),
            logic,
            input,
            output: output.clone(),
            config,
        },
        action_on_failure: ActionOnFailure::Continue,
    };
    match sim.cluster.add_step(step) {
        Ok(id) => {
            sim.jobs_submitted = n;
            emr.rows_shown = ROWS_PAGE;
            emr.done(format!(
                "Step {id} added: {described} → {output}. Play to run it."
            ));
        }
        Err(e) => emr.refuse(e.to_string()),
    }
}

/// Puts the chosen text into HDFS (once), or reads the chosen table's items.
fn job_input(emr: &EmrState, sim: &mut Sim, world: &RefCell<World>) -> Result<JobInput, String> {
    let (name, text): (String, Rc<str>) = match emr.form.source {
        Source::Table => return table_input(&emr.form.table, world),
        Source::Sample => ("sample.txt".into(), Rc::from(forms::SAMPLE_TEXT)),
        Source::Upload => match &emr.upload {
            Some(u) => (forms::hdfs_name(&u.name), u.text.clone()),
            None => return Err("Choose a text file to upload first".into()),
        },
    };
    let path = format!("/input/{name}");
    let cluster = &mut sim.cluster;
    let same = cluster
        .read_file(&path)
        .is_ok_and(|bytes| bytes.as_slice() == text.as_bytes());
    if !same {
        if cluster.hdfs().exists(&path) {
            cluster.delete_file(&path).map_err(|e| e.to_string())?;
        }
        cluster.put_text(&path, &text).map_err(|e| e.to_string())?;
    }
    Ok(JobInput::Hdfs(vec![path]))
}

/// A table's items, as the connector will read them, with its read capacity.
fn table_input(name: &str, world: &RefCell<World>) -> Result<JobInput, String> {
    let world = world
        .try_borrow()
        .map_err(|_| "The world is busy".to_string())?;
    let table = world
        .dynamo()
        .table(name)
        .ok_or_else(|| format!("No table named {name:?}: create one in the Tables view"))?;
    let items = table
        .items()
        .iter()
        .map(|(_, _, item)| item.clone())
        .collect();
    let read_capacity_units = match table.def.billing {
        BillingMode::Provisioned(t) => t.read as f64,
        BillingMode::PayPerRequest => ON_DEMAND_READ_UNITS,
    };
    Ok(JobInput::Table(TableInput {
        table: name.to_string(),
        items,
        read_capacity_units,
        read_percent: dynaplay_emr::connector::DEFAULT_READ_PERCENT,
    }))
}

fn chosen_node(emr: &mut EmrState, sim: &Sim) -> Option<dynaplay_emr::NodeId> {
    let name = emr.fault_node(&sim.cluster);
    match name.and_then(|n| sim.cluster.node_named(&n).ok()) {
        Some(id) => Some(id),
        None => {
            emr.refuse("Choose a node that is still running.");
            None
        }
    }
}

fn kill_node(emr: &mut EmrState, sim: &mut Sim) {
    let Some(id) = chosen_node(emr, sim) else {
        return;
    };
    let name = sim
        .cluster
        .node(id)
        .map(|n| n.name.clone())
        .unwrap_or_default();
    let role = sim.cluster.node(id).map(|n| n.role);
    let expiry = sim.cluster.config().node_expiry.as_secs_f64();
    match sim.cluster.lose_node(id) {
        Ok(()) if role == Some(NodeRole::Primary) => emr.done(format!(
            "{name} lost: with its only primary node the cluster ends."
        )),
        Ok(()) => emr.done(format!(
            "{name} lost. YARN notices after {expiry:.0} s: its running attempts are re-run \
             elsewhere, and so are its finished maps (their output was on its disk)."
        )),
        Err(e) => emr.refuse(e.to_string()),
    }
}

fn slow_node(emr: &mut EmrState, sim: &mut Sim) {
    let Some(id) = chosen_node(emr, sim) else {
        return;
    };
    let node = sim.cluster.node(id);
    let name = node.map(|n| n.name.clone()).unwrap_or_default();
    let slowed = node.is_some_and(|n| n.fault_slowdown > 1.0);
    let factor = if slowed { 1.0 } else { SLOWDOWN };
    match sim.cluster.slow_node(id, factor) {
        Ok(()) if slowed => emr.done(format!("{name} works at its normal speed again.")),
        Ok(()) => emr.done(format!(
            "{name} now works {SLOWDOWN}× slower: its new attempts straggle, and speculative \
             execution may back them up elsewhere."
        )),
        Err(e) => emr.refuse(e.to_string()),
    }
}

fn reclaim_spot(emr: &mut EmrState, sim: &mut Sim) {
    let spot: Vec<_> = sim
        .cluster
        .nodes()
        .iter()
        .filter(|n| n.role == NodeRole::Task && n.market == dynaplay_emr::node::Market::Spot)
        .filter(|n| n.is_up())
        .map(|n| (n.id, n.name.clone()))
        .collect();
    if spot.is_empty() {
        return emr.refuse("There are no running Spot task nodes to reclaim.");
    }
    let notice = sim.cluster.config().spot_notice.as_secs_f64();
    let mut names = Vec::new();
    for (id, name) in spot {
        match sim.cluster.interrupt_spot(id) {
            Ok(()) => names.push(name),
            Err(e) => return emr.refuse(e.to_string()),
        }
    }
    emr.done(format!(
        "EC2 is reclaiming {}: they drain for the {notice:.0}-second notice, then are gone.",
        names.join(", ")
    ));
}

fn resize(emr: &mut EmrState, sim: &mut Sim) {
    let mut said = Vec::new();
    for (role, text, label) in [
        (NodeRole::Core, emr.form.resize_core.clone(), "Core nodes"),
        (NodeRole::Task, emr.form.resize_task.clone(), "Task nodes"),
    ] {
        if text.trim().is_empty() {
            continue;
        }
        let low = if role == NodeRole::Core { 1 } else { 0 };
        let target = match forms::count(label, &text, low..=forms::MAX_GROUP) {
            Ok(t) => t,
            Err(why) => return emr.refuse(why),
        };
        let current = sim.cluster.group_size(role);
        if target == current {
            continue;
        }
        match sim.cluster.resize(role, target) {
            Ok(nodes) if target > current => said.push(format!(
                "adding {} {role} node(s), up in {:.0} s",
                nodes.len(),
                sim.cluster.config().node_provisioning.as_secs_f64()
            )),
            Ok(nodes) => said.push(format!("decommissioning {} {role} node(s)", nodes.len())),
            Err(e) => return emr.refuse(e.to_string()),
        }
    }
    if said.is_empty() {
        emr.refuse("Enter a new number of core or task nodes.");
    } else {
        emr.done(format!("Resizing: {}.", said.join("; ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Action, DEFAULT_SEED};
    use crate::theme::ThemePreference;
    use crate::view::View;
    use wasm_bindgen_test::wasm_bindgen_test;
    use yew::Reducible;

    fn fresh() -> Rc<Playground> {
        Rc::new(Playground::new(
            DEFAULT_SEED,
            View::Emr,
            ThemePreference::System,
            false,
        ))
    }

    fn emr(state: Rc<Playground>, action: EmrAction) -> Rc<Playground> {
        state.reduce(Action::Emr(action))
    }

    fn job_state(state: &Playground) -> Option<String> {
        let sim = state.emr.sim.as_ref()?;
        let s = sim.0.borrow();
        s.job().map(|j| j.state.name().to_string())
    }

    /// Steps the shared clock until the job ends (or gives up after a simulated hour).
    fn play_until_done(mut state: Rc<Playground>) -> Rc<Playground> {
        for _ in 0..36_000 {
            if matches!(
                job_state(&state).as_deref(),
                Some("SUCCEEDED" | "FAILED" | "KILLED")
            ) {
                break;
            }
            state = state.reduce(Action::Step);
        }
        state
    }

    #[wasm_bindgen_test]
    fn a_word_count_over_an_upload_runs_on_the_worlds_clock() {
        let state = emr(fresh(), EmrAction::CreateCluster);
        let text: Rc<str> = Rc::from("b a\na b c\na\n".repeat(60).as_str());
        let state = emr(
            state,
            EmrAction::FileLoaded {
                name: "my words.txt".into(),
                text,
            },
        );
        let state = emr(state, EmrAction::RunJob);
        assert!(
            matches!(&state.emr.notice, Some(Notice::Done(n)) if n.contains("/input/my_words.txt")),
            "{:?}",
            state.emr.notice
        );
        // Nothing runs while the clock stands still.
        assert_eq!(job_state(&state).as_deref(), Some("SETUP"));
        let revision = state.emr.revision;
        let state = state.reduce(Action::Step);
        assert!(
            state.emr.revision > revision,
            "a step of the clock moves the cluster"
        );
        let state = play_until_done(state);
        assert_eq!(job_state(&state).as_deref(), Some("SUCCEEDED"));
        let sim = state.emr.sim.as_ref().unwrap().0.borrow();
        assert_eq!(
            sim.cluster.now(),
            sim.target(state.now()),
            "the cluster kept up"
        );
        let output = sim.output.as_ref().unwrap();
        let mut rows = output.rows.clone();
        rows.sort();
        assert_eq!(
            rows,
            [("a", "180"), ("b", "120"), ("c", "60")].map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert_eq!(output.files, 2, "one part file per reducer");
        assert!(sim.layout.placed() >= sim.job().unwrap().attempts.len());
    }

    #[wasm_bindgen_test]
    fn killing_a_core_node_mid_job_re_runs_its_maps() {
        let state = emr(fresh(), EmrAction::CreateCluster);
        let text: Rc<str> = Rc::from("one two three four five six\n".repeat(400).as_str());
        let state = emr(
            state,
            EmrAction::FileLoaded {
                name: "t.txt".into(),
                text,
            },
        );
        let mut state = emr(state, EmrAction::RunJob);
        // Run into the map phase, then kill a core node that has finished maps and is
        // running more: the job cannot end before YARN notices.
        let victim = loop {
            state = state.reduce(Action::Step);
            let sim = state.emr.sim.as_ref().unwrap().0.borrow();
            let job = sim.job().unwrap();
            let busy = sim.cluster.nodes().iter().find(|n| {
                n.role == NodeRole::Core
                    && job
                        .maps
                        .iter()
                        .any(|m| m.committed.is_some_and(|(_, at)| at == n.id))
                    && job
                        .attempts
                        .iter()
                        .any(|a| a.is_running() && a.node == n.id)
            });
            if let Some(node) = busy {
                break node.name.clone();
            }
        };
        let state = emr(state, EmrAction::Edit(Field::Node, victim.clone()));
        let state = emr(state, EmrAction::KillNode);
        assert!(matches!(&state.emr.notice, Some(Notice::Done(n)) if n.starts_with(&victim)));
        let state = play_until_done(state);
        assert_eq!(
            job_state(&state).as_deref(),
            Some("SUCCEEDED"),
            "replication 2 kept the input"
        );
        let sim = state.emr.sim.as_ref().unwrap().0.borrow();
        let lost = sim
            .cluster
            .events()
            .iter()
            .filter(|e| e.to_string().contains(&format!("lost with {victim}")))
            .count();
        assert!(lost > 0, "its finished maps were re-run");
        let job = sim.job().unwrap();
        assert!(
            job.attempts.iter().any(|a| a.number > 0),
            "re-run attempts exist"
        );
        let killed = job.attempts.iter().filter(|a| {
            a.node.index() == sim.cluster.node_named(&victim).unwrap().index()
                && matches!(a.state, dynaplay_emr::cluster::AttemptState::Killed(_))
        });
        assert!(
            killed.count() > 0,
            "its running attempts were killed when YARN noticed"
        );
    }

    #[wasm_bindgen_test]
    fn run_to_end_runs_ahead_and_brings_the_world_along() {
        let state = emr(fresh(), EmrAction::Edit(Field::Source, "sample".into()));
        let state = emr(state, EmrAction::CreateCluster);
        let state = emr(state, EmrAction::RunJob);
        let mut state = emr(state, EmrAction::RunToEnd);
        for _ in 0..1_000 {
            if !state.emr.catching_up {
                break;
            }
            state = emr(state, EmrAction::CatchUp);
        }
        assert_eq!(job_state(&state).as_deref(), Some("SUCCEEDED"));
        let sim = state.emr.sim.as_ref().unwrap().0.borrow();
        assert!(
            state.now() > SimTime::ZERO,
            "the world's clock moved to the job's end"
        );
        assert_eq!(sim.target(state.now()), sim.cluster.now());
        let the = forms::SAMPLE_TEXT
            .split_whitespace()
            .filter(|w| *w == "the")
            .count();
        let rows = &sim.output.as_ref().unwrap().rows;
        assert!(
            rows.contains(&("the".to_string(), the.to_string())),
            "{rows:?}"
        );
    }

    #[wasm_bindgen_test]
    fn commands_without_a_cluster_or_with_bad_input_are_refused() {
        let state = emr(fresh(), EmrAction::RunJob);
        assert_eq!(
            state.emr.notice,
            Some(Notice::Refused("Create a cluster first.".into()))
        );
        let state = emr(state, EmrAction::CreateCluster);
        let state = emr(state, EmrAction::RunJob);
        assert_eq!(
            state.emr.notice,
            Some(Notice::Refused("Choose a text file to upload first".into()))
        );
        let state = emr(state, EmrAction::Edit(Field::Source, "table".into()));
        let state = emr(state, EmrAction::Edit(Field::Job, "groupby".into()));
        let state = emr(state, EmrAction::Edit(Field::GroupBy, "genre".into()));
        let state = emr(state, EmrAction::Edit(Field::Table, "Nope".into()));
        let state = emr(state, EmrAction::RunJob);
        assert!(
            matches!(&state.emr.notice, Some(Notice::Refused(n)) if n.starts_with("No table named"))
        );
        let state = emr(state, EmrAction::ReclaimSpot);
        assert!(matches!(&state.emr.notice, Some(Notice::Done(n)) if n.contains("task-1, task-2")));
        let state = emr(state, EmrAction::Edit(Field::ResizeCore, "1".into()));
        let state = emr(state, EmrAction::Resize);
        assert!(
            matches!(&state.emr.notice, Some(Notice::Refused(n)) if n.contains("insufficient capacity")),
            "HDFS keeps two replicas: {:?}",
            state.emr.notice
        );
    }

    #[wasm_bindgen_test]
    fn resizing_adds_nodes_that_join_later_and_slowing_toggles() {
        let state = emr(fresh(), EmrAction::CreateCluster);
        let state = emr(state, EmrAction::Edit(Field::ResizeCore, "5".into()));
        let state = emr(state, EmrAction::Edit(Field::ResizeTask, "1".into()));
        let mut state = emr(state, EmrAction::Resize);
        assert_eq!(
            state.emr.notice,
            Some(Notice::Done(
                "Resizing: adding 1 core node(s), up in 60 s; decommissioning 1 task node(s)."
                    .into()
            ))
        );
        let core_5 = |state: &Playground| {
            let sim = state.emr.sim.as_ref().unwrap().0.borrow();
            let id = sim.cluster.node_named("core-5").unwrap();
            sim.cluster.node(id).unwrap().state
        };
        assert_eq!(core_5(&state), NodeState::Provisioning);
        for _ in 0..610 {
            state = state.reduce(Action::Step);
        }
        assert_eq!(core_5(&state), NodeState::Running, "up a minute later");
        let state = emr(state, EmrAction::Edit(Field::Node, "core-5".into()));
        let state = emr(state, EmrAction::SlowNode);
        let slowed = |state: &Playground| {
            let sim = state.emr.sim.as_ref().unwrap().0.borrow();
            let id = sim.cluster.node_named("core-5").unwrap();
            sim.cluster.node(id).unwrap().fault_slowdown
        };
        assert_eq!(slowed(&state), SLOWDOWN);
        let state = emr(state, EmrAction::SlowNode);
        assert_eq!(slowed(&state), 1.0, "pressed again, it heals");
    }

    #[wasm_bindgen_test]
    fn a_table_is_read_through_the_connector() {
        let mut state = fresh();
        let create = serde_json::json!({
            "TableName": "Scores",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        });
        state
            .world
            .borrow_mut()
            .execute("CreateTable", &create)
            .unwrap();
        for (id, team, score) in [("a", "red", 3), ("b", "blue", 5), ("c", "red", 7)] {
            let put = serde_json::json!({"TableName": "Scores", "Item": {
                "id": {"S": id}, "team": {"S": team}, "score": {"N": score.to_string()}}});
            state.world.borrow_mut().execute("PutItem", &put).unwrap();
        }
        for (field, value) in [
            (Field::Source, "table"),
            (Field::Table, "Scores"),
            (Field::Job, "groupby"),
            (Field::GroupBy, "team"),
            (Field::Aggregate, "sum"),
            (Field::AggregateOf, "score"),
        ] {
            state = emr(state, EmrAction::Edit(field, value.into()));
        }
        let state = emr(state, EmrAction::CreateCluster);
        let state = play_until_done(emr(state, EmrAction::RunJob));
        let sim = state.emr.sim.as_ref().unwrap().0.borrow();
        let mut rows = sim.output.as_ref().unwrap().rows.clone();
        rows.sort();
        let expected = [("blue", "sum(score)=5"), ("red", "sum(score)=10")];
        assert_eq!(rows, expected.map(|(k, v)| (k.to_string(), v.to_string())));
    }
}
