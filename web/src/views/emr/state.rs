//! The EMR view's state: the forms, the cluster on show, and what the view has derived
//! from it.
//!
//! A cluster the learner creates lives in the world ([`World::create_emr_cluster`]): it
//! moves in lockstep with the world's clock, and a job reading a DynamoDB table sends its
//! Scan pages to the world's own tables, spending their capacity where the Partitions view
//! can see it. The view keeps only the cluster's id and what it derives for drawing (the
//! Gantt's lanes, the output table), refreshed whenever the playground's revision moves
//! ([`follow_world`], called by the playground's reducer); its actions go to the world,
//! which settles what they make due at once (a step added now starts now).
//!
//! "Run to the end" advances the *world*, DynamoDB and traffic with it, event by event of
//! the cluster's, for a bounded slice of real time per frame
//! ([`World::run_emr_to_end`]); the view keeps asking for frames until the job is done.
//!
//! The MapReduce paper's runs are the exception: the view simulates them itself. They are
//! 1,746 machines and 20,000 task attempts over synthetic HDFS input that touch nothing
//! else in the world, so composing them into it would buy nothing and cost a great deal:
//! the world must finish every event up to the instant it is advanced to, and a played
//! frame at 1000× would then have to simulate several seconds of the sort, however long
//! that takes. Kept apart, a paper run is advanced for a bounded slice of real time per
//! frame; when it falls behind the world's clock it catches up over the next frames, and
//! says so; "Run to the end" lets it run ahead of the clock until its job is done and then
//! moves the world's clock to meet it. Either way its history is the same: it depends on
//! its seed and the commands it was given, never on how its time was sliced.
//!
//! The state sits behind `Rc<RefCell<_>>`, like the world: the reducer is the only thing
//! that changes it. `revision` counts those changes so the view re-renders when the
//! cluster moves (its canvases redraw only when what they show did).

use std::cell::RefCell;
use std::rc::Rc;

use dynaplay_emr::cluster::{ActionOnFailure, StepConfig, StepState};
use dynaplay_emr::node::NodeState;
use dynaplay_emr::presets::{self, Calibration};
use dynaplay_emr::{Cluster, JobInput, JobRun, JobSpec, JobState, NodeRole};
use dynaplay_world::{EmrRun, SimTime, World};

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
    /// Run the cluster (and the world with it) until its job is done.
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

/// Where the cluster on show lives.
#[derive(Debug)]
pub enum Home {
    /// One of the world's clusters.
    World {
        world: Rc<RefCell<World>>,
        id: String,
    },
    /// A paper run the view simulates itself, whose time zero is the world instant
    /// `origin`.
    Local {
        cluster: Box<Cluster>,
        origin: SimTime,
    },
}

impl Home {
    /// Runs `f` on the cluster; `None` if the world is busy or the cluster is gone.
    pub fn read<R>(&self, f: impl FnOnce(&Cluster) -> R) -> Option<R> {
        match self {
            Home::World { world, id } => {
                let world = world.try_borrow().ok()?;
                world.emr_cluster(id).map(|c| f(c.cluster()))
            }
            Home::Local { cluster, .. } => Some(f(cluster)),
        }
    }

    /// Changes the cluster, then settles what that made due at the current instant.
    fn modify<R>(&mut self, f: impl FnOnce(&mut Cluster) -> R) -> Option<R> {
        match self {
            Home::World { world, id } => world.try_borrow_mut().ok()?.with_emr_cluster(id, f),
            Home::Local { cluster, .. } => {
                let result = f(cluster);
                let now = cluster.now();
                cluster.advance_to(now);
                Some(result)
            }
        }
    }

    /// The world instant that is the cluster's time zero.
    pub fn origin(&self) -> SimTime {
        match self {
            Home::World { world, id } => world
                .try_borrow()
                .ok()
                .and_then(|w| w.emr_cluster(id).map(|c| c.origin()))
                .unwrap_or(SimTime::ZERO),
            Home::Local { origin, .. } => *origin,
        }
    }

    /// Takes the cluster out of the world (it is being replaced).
    fn discard(&self) {
        if let Home::World { world, id } = self
            && let Ok(mut world) = world.try_borrow_mut()
        {
            world.discard_emr_cluster(id);
        }
    }
}

/// The job the view shows: the cluster's latest.
pub fn shown_job(cluster: &Cluster) -> Option<&JobRun> {
    cluster.jobs().last()
}

/// Whether a job runs or a step waits to.
pub fn busy(cluster: &Cluster) -> bool {
    cluster.active_job().is_some()
        || cluster
            .steps()
            .iter()
            .any(|s| matches!(s.state, StepState::Pending | StepState::Running))
}

/// The cluster on show and what the view keeps about it.
#[derive(Debug)]
pub struct Sim {
    pub home: Home,
    /// The paper run this cluster is, if it is one.
    pub paper: Option<PaperRun>,
    /// Running to the end of the job (ahead of the world's clock, for a paper run).
    pub run_ahead: bool,
    /// Lanes of the shown job's attempts.
    pub layout: GanttLayout,
    /// The shown job's output, once it succeeded.
    pub output: Option<OutputTable>,
    pub jobs_submitted: u32,
    /// The cluster's instant and number of events when last refreshed.
    seen: (SimTime, usize),
}

impl Sim {
    fn new(home: Home, paper: Option<PaperRun>) -> Sim {
        Sim {
            home,
            paper,
            run_ahead: false,
            layout: GanttLayout::default(),
            output: None,
            jobs_submitted: 0,
            seen: (SimTime::ZERO, 0),
        }
    }

    /// Runs `f` on the cluster (see [`Home::read`]).
    pub fn read<R>(&self, f: impl FnOnce(&Cluster) -> R) -> Option<R> {
        self.home.read(f)
    }

    /// The cluster instant that corresponds to the world's `now`.
    pub fn target(&self, now: SimTime) -> SimTime {
        SimTime::ZERO + now.saturating_duration_since(self.home.origin())
    }

    /// Whether a job runs or a step waits to.
    pub fn busy(&self) -> bool {
        self.read(busy).unwrap_or(false)
    }

    /// Moves a paper run toward the world's clock (or ahead of it, to the end of its job)
    /// until `deadline`, or runs a world cluster's job to the end; returns whether it got
    /// where it was going, and whether the world's clock moved.
    fn follow(
        &mut self,
        world: &RefCell<World>,
        now: SimTime,
        deadline: &Deadline,
    ) -> (bool, bool) {
        let run_ahead = self.run_ahead;
        match &mut self.home {
            Home::World { id, .. } if run_ahead => {
                let Ok(mut world) = world.try_borrow_mut() else {
                    return (false, false);
                };
                let outcome = world.run_emr_to_end(id, &mut || deadline.passed());
                let done = outcome != EmrRun::Paused;
                if done {
                    self.run_ahead = false;
                }
                (done, outcome != EmrRun::NoSuchCluster)
            }
            // The world moves its own clusters.
            Home::World { .. } => (true, false),
            Home::Local { cluster, origin } if run_ahead => {
                if !run_to_end(cluster, deadline) {
                    return (false, false);
                }
                self.run_ahead = false;
                let meet_at = *origin + cluster.now().since_start();
                let Ok(mut world) = world.try_borrow_mut() else {
                    return (true, false);
                };
                world.advance_to(meet_at);
                (true, true)
            }
            Home::Local { cluster, origin } => {
                // Even at the target instant, events due then (a step starting now) still run.
                let target = SimTime::ZERO + now.saturating_duration_since(*origin);
                (
                    cluster.now() > target || advance(cluster, target, deadline),
                    false,
                )
            }
        }
    }

    /// Brings the derived views up to date with the cluster.
    fn refresh(&mut self) {
        let Sim {
            home,
            layout,
            output,
            paper,
            seen,
            ..
        } = self;
        home.read(|cluster| {
            *seen = (cluster.now(), cluster.events().len());
            let Some(job) = shown_job(cluster) else {
                return;
            };
            layout.update(job);
            let stale = output.as_ref().is_none_or(|o| o.job != job.id);
            if job.state == JobState::Succeeded && stale && paper.is_none() {
                *output = Some(OutputTable::read(cluster, job));
            } else if job.state != JobState::Succeeded && stale {
                *output = None;
            }
        });
    }
}

/// Advances a paper run toward `target` until `deadline`; true when it got there.
fn advance(cluster: &mut Cluster, target: SimTime, deadline: &Deadline) -> bool {
    let mut handled = 0u32;
    loop {
        match cluster.next_event_at() {
            Some(at) if at <= target => {
                cluster.step();
                handled += 1;
                if handled.is_multiple_of(16) && deadline.passed() {
                    return false;
                }
            }
            _ => {
                cluster.advance_to(target);
                return true;
            }
        }
    }
}

/// Runs a paper run ahead until its work is done (or nothing is left to happen, or a
/// simulated day has passed); true when it got there.
fn run_to_end(cluster: &mut Cluster, deadline: &Deadline) -> bool {
    let limit = SimTime::from_secs(86_400);
    let mut handled = 0u32;
    while busy(cluster) {
        match cluster.next_event_at() {
            Some(at) if at <= limit => {
                cluster.step();
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
    let now = cluster.now();
    cluster.advance_to(now);
    true
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
    /// Whether the simulation needs frames of its own (a paper run is behind, or a job is
    /// running to its end).
    pub catching_up: bool,
    pub export_open: bool,
    /// Output rows shown.
    pub rows_shown: usize,
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

/// Keeps the view up with the world's clock (the playground calls this whenever its
/// revision moves): refreshes what it derives from a world cluster, and moves a paper run
/// or a run to the end along for one frame's budget.
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
    let (changed, behind, world_moved) = {
        let Ok(mut s) = sim.0.try_borrow_mut() else {
            return;
        };
        let before = s.seen;
        let (reached, world_moved) = s.follow(&pg.world, now, &deadline);
        s.refresh();
        (s.seen != before, !reached, world_moved)
    };
    if world_moved {
        pg.revision += 1;
    }
    if changed || behind != pg.emr.catching_up || world_moved {
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
    let world = pg.world.clone();
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
        EmrAction::CreateCluster => create_cluster(emr, &world),
        EmrAction::RunPaper(run) => run_paper(emr, run, &world),
        EmrAction::DiscardCluster => {
            if let Some(sim) = emr.sim.take()
                && let Ok(s) = sim.0.try_borrow()
            {
                s.home.discard();
            }
            emr.revision += 1;
            emr.notice = None;
            emr.catching_up = false;
        }
        EmrAction::RunJob => run_job(emr, &world),
        EmrAction::TerminateCluster => {
            with_cluster(emr, |emr, cluster| match cluster.terminate() {
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
                        .and_then(|s| s.read(|c| c.active_job().is_some()))
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

/// Runs `f` on the cluster, which then settles at the current instant (so a step added
/// now starts now), and refreshes what is derived from it.
fn with_cluster(emr: &mut EmrState, f: impl FnOnce(&mut EmrState, &mut Cluster)) {
    let Some(sim) = emr.sim.clone() else {
        return emr.refuse("Create a cluster first.");
    };
    let Ok(mut s) = sim.0.try_borrow_mut() else {
        return;
    };
    if s.home.modify(|cluster| f(emr, cluster)).is_none() {
        emr.refuse("The cluster is gone: create a new one.");
    }
    s.refresh();
    emr.revision += 1;
}

fn create_cluster(emr: &mut EmrState, world: &Rc<RefCell<World>>) {
    // The world draws the cluster's seed from its own; this one is replaced.
    let config = match forms::cluster_config(&emr.form, 1) {
        Ok(c) => c,
        Err(why) => return emr.refuse(why),
    };
    let Ok(mut w) = world.try_borrow_mut() else {
        return;
    };
    match w.create_emr_cluster(config) {
        Ok(id) => {
            let state = w
                .emr_cluster(&id)
                .map_or("", |c| c.cluster().state().name());
            emr.done(format!("Cluster {id} is {state}."));
            drop(w);
            let home = Home::World {
                world: world.clone(),
                id,
            };
            install(emr, Sim::new(home, None));
        }
        Err(e) => emr.refuse(e.to_string()),
    }
}

fn run_paper(emr: &mut EmrState, run: PaperRun, world: &RefCell<World>) {
    let Ok((now, seed)) = world.try_borrow().map(|w| (w.now(), w.seed())) else {
        return;
    };
    let options = run.options(seed);
    match presets::build(run.preset(), &options, &Calibration::default()) {
        Ok(cluster) => {
            emr.done(format!(
                "{}: {} machines, the job submitted. Play (at a high speed) or run it to the end.",
                run.title(),
                run.preset().workers()
            ));
            let home = Home::Local {
                cluster: Box::new(cluster),
                origin: now,
            };
            let mut sim = Sim::new(home, Some(run));
            sim.jobs_submitted = 1;
            install(emr, sim);
        }
        Err(e) => emr.refuse(e.to_string()),
    }
}

/// Shows `sim`, in place of the cluster shown before (which leaves the world).
fn install(emr: &mut EmrState, mut sim: Sim) {
    if let Some(old) = emr.sim.take()
        && let Ok(old) = old.0.try_borrow()
    {
        old.home.discard();
    }
    sim.refresh();
    emr.sim = Some(SimHandle(Rc::new(RefCell::new(sim))));
    emr.revision += 1;
    emr.rows_shown = ROWS_PAGE;
    emr.form.node = String::new();
    emr.catching_up = false;
}

/// What a step reads: a live table, or text to put into HDFS first.
enum Input {
    Table(JobInput),
    Text { path: String, text: Rc<str> },
}

fn run_job(emr: &mut EmrState, world: &RefCell<World>) {
    let Some(handle) = emr.sim.clone() else {
        return emr.refuse("Create a cluster first.");
    };
    let Ok(mut sim) = handle.0.try_borrow_mut() else {
        return;
    };
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
    let input = match job_input(emr, world) {
        Ok(i) => i,
        Err(why) => return emr.refuse(why),
    };
    let slug = emr.form.job.slug();
    let title = emr.form.job.title();
    let submitted = sim.jobs_submitted;
    let added = sim.home.modify(|cluster| {
        let input = match input {
            Input::Table(input) => input,
            Input::Text { path, text } => put_text(cluster, path, &text)?,
        };
        let mut n = submitted + 1;
        while cluster.hdfs().exists(&format!("/output/{slug}-{n}")) {
            n += 1;
        }
        let output = format!("/output/{slug}-{n}");
        let described = match &input {
            JobInput::Hdfs(paths) => paths.join(", "),
            JobInput::Table(t) => format!("table {}", t.table),
        };
        let step = StepConfig {
            name: format!("{title} {n}"),
            job: JobSpec {
                name: format!("{slug}-{n}"),
                logic,
                input,
                output: output.clone(),
                config,
            },
            action_on_failure: ActionOnFailure::Continue,
        };
        let id = cluster.add_step(step).map_err(|e| e.to_string())?;
        Ok::<_, String>((
            n,
            format!("Step {id} added: {described} → {output}. Play to run it."),
        ))
    });
    match added {
        Some(Ok((n, said))) => {
            sim.jobs_submitted = n;
            emr.rows_shown = ROWS_PAGE;
            emr.done(said);
        }
        Some(Err(why)) => emr.refuse(why),
        None => emr.refuse("The cluster is gone: create a new one."),
    }
    sim.refresh();
    emr.revision += 1;
}

/// The chosen table (read live through the connector), or the chosen text.
fn job_input(emr: &EmrState, world: &RefCell<World>) -> Result<Input, String> {
    let (name, text): (String, Rc<str>) = match emr.form.source {
        Source::Table => return table_input(&emr.form.table, world).map(Input::Table),
        Source::Sample => ("sample.txt".into(), Rc::from(forms::SAMPLE_TEXT)),
        Source::Upload => match &emr.upload {
            Some(u) => (forms::hdfs_name(&u.name), u.text.clone()),
            None => return Err("Choose a text file to upload first".into()),
        },
    };
    Ok(Input::Text {
        path: format!("/input/{name}"),
        text,
    })
}

/// Puts the text into HDFS (unless it is there already).
fn put_text(cluster: &mut Cluster, path: String, text: &str) -> Result<JobInput, String> {
    let same = cluster
        .read_file(&path)
        .is_ok_and(|bytes| bytes.as_slice() == text.as_bytes());
    if !same {
        if cluster.hdfs().exists(&path) {
            cluster.delete_file(&path).map_err(|e| e.to_string())?;
        }
        cluster.put_text(&path, text).map_err(|e| e.to_string())?;
    }
    Ok(JobInput::Hdfs(vec![path]))
}

/// The table, read live by the connector at its default share of the read capacity.
fn table_input(name: &str, world: &RefCell<World>) -> Result<JobInput, String> {
    let world = world
        .try_borrow()
        .map_err(|_| "The world is busy".to_string())?;
    world
        .emr_table_input(name, dynaplay_emr::connector::DEFAULT_READ_PERCENT)
        .map(JobInput::Table)
        .ok_or_else(|| format!("No table named {name:?}: create one in the Tables view"))
}

fn chosen_node(emr: &mut EmrState, cluster: &Cluster) -> Option<dynaplay_emr::NodeId> {
    let name = emr.fault_node(cluster);
    match name.and_then(|n| cluster.node_named(&n).ok()) {
        Some(id) => Some(id),
        None => {
            emr.refuse("Choose a node that is still running.");
            None
        }
    }
}

fn kill_node(emr: &mut EmrState, cluster: &mut Cluster) {
    let Some(id) = chosen_node(emr, cluster) else {
        return;
    };
    let name = cluster.node(id).map(|n| n.name.clone()).unwrap_or_default();
    let role = cluster.node(id).map(|n| n.role);
    let expiry = cluster.config().node_expiry.as_secs_f64();
    match cluster.lose_node(id) {
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

fn slow_node(emr: &mut EmrState, cluster: &mut Cluster) {
    let Some(id) = chosen_node(emr, cluster) else {
        return;
    };
    let node = cluster.node(id);
    let name = node.map(|n| n.name.clone()).unwrap_or_default();
    let slowed = node.is_some_and(|n| n.fault_slowdown > 1.0);
    let factor = if slowed { 1.0 } else { SLOWDOWN };
    match cluster.slow_node(id, factor) {
        Ok(()) if slowed => emr.done(format!("{name} works at its normal speed again.")),
        Ok(()) => emr.done(format!(
            "{name} now works {SLOWDOWN}× slower: its new attempts straggle, and speculative \
             execution may back them up elsewhere."
        )),
        Err(e) => emr.refuse(e.to_string()),
    }
}

fn reclaim_spot(emr: &mut EmrState, cluster: &mut Cluster) {
    let spot: Vec<_> = cluster
        .nodes()
        .iter()
        .filter(|n| n.role == NodeRole::Task && n.market == dynaplay_emr::node::Market::Spot)
        .filter(|n| n.is_up())
        .map(|n| (n.id, n.name.clone()))
        .collect();
    if spot.is_empty() {
        return emr.refuse("There are no running Spot task nodes to reclaim.");
    }
    let notice = cluster.config().spot_notice.as_secs_f64();
    let mut names = Vec::new();
    for (id, name) in spot {
        match cluster.interrupt_spot(id) {
            Ok(()) => names.push(name),
            Err(e) => return emr.refuse(e.to_string()),
        }
    }
    emr.done(format!(
        "EC2 is reclaiming {}: they drain for the {notice:.0}-second notice, then are gone.",
        names.join(", ")
    ));
}

fn resize(emr: &mut EmrState, cluster: &mut Cluster) {
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
        let current = cluster.group_size(role);
        if target == current {
            continue;
        }
        match cluster.resize(role, target) {
            Ok(nodes) if target > current => said.push(format!(
                "adding {} {role} node(s), up in {:.0} s",
                nodes.len(),
                cluster.config().node_provisioning.as_secs_f64()
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
    use dynaplay_world::EMR_CLIENT;
    use dynaplay_world::dynamo::physical::EventKind;
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

    /// Runs `f` on the view's state and the cluster it shows.
    fn shown<R>(state: &Playground, f: impl FnOnce(&Sim, &Cluster) -> R) -> R {
        let sim = state.emr.sim.as_ref().unwrap().0.borrow();
        sim.read(|cluster| f(&sim, cluster)).unwrap()
    }

    fn job_state(state: &Playground) -> Option<String> {
        let sim = state.emr.sim.as_ref()?;
        let s = sim.0.borrow();
        s.read(|c| shown_job(c).map(|j| j.state.name().to_string()))
            .flatten()
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
        let now = state.now();
        shown(&state, |sim, cluster| {
            assert_eq!(cluster.now(), sim.target(now), "the cluster kept up");
            let output = sim.output.as_ref().unwrap();
            let mut rows = output.rows.clone();
            rows.sort();
            assert_eq!(
                rows,
                [("a", "180"), ("b", "120"), ("c", "60")]
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            );
            assert_eq!(output.files, 2, "one part file per reducer");
            assert!(sim.layout.placed() >= shown_job(cluster).unwrap().attempts.len());
        });
    }

    #[wasm_bindgen_test]
    fn the_cluster_lives_in_the_world_and_a_paper_run_beside_it() {
        let state = emr(fresh(), EmrAction::CreateCluster);
        let ids: Vec<String> = state
            .world
            .borrow()
            .emr_clusters()
            .map(|(id, _)| id.to_string())
            .collect();
        assert_eq!(ids.len(), 1, "created in the world");
        assert!(
            matches!(&state.emr.notice, Some(Notice::Done(n)) if *n == format!("Cluster {} is WAITING.", ids[0]))
        );
        let state = emr(state, EmrAction::DiscardCluster);
        assert_eq!(state.world.borrow().emr_clusters().count(), 0, "and gone");
        let state = emr(state, EmrAction::CreateCluster);
        let state = emr(state, EmrAction::RunPaper(PaperRun::Grep));
        assert_eq!(
            state.world.borrow().emr_clusters().count(),
            0,
            "a paper run replaces the cluster and runs in the view"
        );
        shown(&state, |sim, cluster| {
            assert_eq!(sim.paper, Some(PaperRun::Grep));
            assert!(cluster.nodes().len() > 1_000);
        });
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
            let busy = shown(&state, |_, cluster| {
                let job = shown_job(cluster).unwrap();
                cluster
                    .nodes()
                    .iter()
                    .find(|n| {
                        n.role == NodeRole::Core
                            && job
                                .maps
                                .iter()
                                .any(|m| m.committed.is_some_and(|(_, at)| at == n.id))
                            && job
                                .attempts
                                .iter()
                                .any(|a| a.is_running() && a.node == n.id)
                    })
                    .map(|n| n.name.clone())
            });
            if let Some(name) = busy {
                break name;
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
        shown(&state, |_, cluster| {
            let lost = cluster
                .events()
                .iter()
                .filter(|e| e.to_string().contains(&format!("lost with {victim}")))
                .count();
            assert!(lost > 0, "its finished maps were re-run");
            let job = shown_job(cluster).unwrap();
            assert!(
                job.attempts.iter().any(|a| a.number > 0),
                "re-run attempts exist"
            );
            let victim = cluster.node_named(&victim).unwrap();
            let killed = job.attempts.iter().filter(|a| {
                a.node == victim
                    && matches!(a.state, dynaplay_emr::cluster::AttemptState::Killed(_))
            });
            assert!(
                killed.count() > 0,
                "its running attempts were killed when YARN noticed"
            );
        });
    }

    #[wasm_bindgen_test]
    fn run_to_end_brings_the_world_along() {
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
        assert!(!state.emr.catching_up);
        let now = state.now();
        assert!(
            now > SimTime::ZERO,
            "the world's clock moved to the job's end"
        );
        let the = forms::SAMPLE_TEXT
            .split_whitespace()
            .filter(|w| *w == "the")
            .count();
        shown(&state, |sim, cluster| {
            assert_eq!(sim.target(now), cluster.now());
            let finished = shown_job(cluster).unwrap().finished.unwrap();
            assert_eq!(cluster.now(), finished, "and stopped there");
            let rows = &sim.output.as_ref().unwrap().rows;
            assert!(
                rows.contains(&("the".to_string(), the.to_string())),
                "{rows:?}"
            );
        });
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
            shown(state, |_, c| {
                let id = c.node_named("core-5").unwrap();
                c.node(id).unwrap().state
            })
        };
        assert_eq!(core_5(&state), NodeState::Provisioning);
        for _ in 0..610 {
            state = state.reduce(Action::Step);
        }
        assert_eq!(core_5(&state), NodeState::Running, "up a minute later");
        let state = emr(state, EmrAction::Edit(Field::Node, "core-5".into()));
        let state = emr(state, EmrAction::SlowNode);
        let slowed = |state: &Playground| {
            shown(state, |_, c| {
                let id = c.node_named("core-5").unwrap();
                c.node(id).unwrap().fault_slowdown
            })
        };
        assert_eq!(slowed(&state), SLOWDOWN);
        let state = emr(state, EmrAction::SlowNode);
        assert_eq!(slowed(&state), 1.0, "pressed again, it heals");
    }

    #[wasm_bindgen_test]
    fn a_table_is_read_through_the_connector_from_the_worlds_dynamodb() {
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
        let scans = shown(&state, |sim, cluster| {
            let mut rows = sim.output.as_ref().unwrap().rows.clone();
            rows.sort();
            let expected = [("blue", "sum(score)=5"), ("red", "sum(score)=10")];
            assert_eq!(rows, expected.map(|(k, v)| (k.to_string(), v.to_string())));
            let counters = &shown_job(cluster).unwrap().counters;
            assert!(counters.dynamodb_read_units > 0.0, "{counters:?}");
            counters.dynamodb_scans
        });
        // The pages went through the world's DynamoDB: in its log, on its partitions.
        let world = state.world.borrow();
        let logged = world
            .events_since(0)
            .filter(|e| matches!(&e.kind, EventKind::Request(r) if r.client == EMR_CLIENT && r.operation == "Scan"))
            .count() as u64;
        assert!(scans > 0);
        assert_eq!(logged, scans);
        let served: u64 = world.snapshot().tables[0]
            .partitions
            .iter()
            .map(|p| p.read.served)
            .sum();
        assert_eq!(served, scans, "no other reader touched the table");
    }
}
