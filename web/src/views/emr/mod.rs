//! The EMR view: a cluster, a job on it, and everything a real cluster keeps out of sight.
//!
//! A learner creates a cluster (how many core and task nodes, of which instance types),
//! gives it input (an uploaded text file, the sample text, or a DynamoDB table read through
//! the EMR connector), chooses or writes a job and runs it as a step. Then, as the shared
//! clock plays: the cluster map shows the nodes by role with their containers and each
//! core node's HDFS blocks; the DAG fills stage by stage; the Gantt chart draws every task
//! attempt on the node slot that ran it; the rate chart plots input, shuffle and output
//! like the MapReduce paper's figures; the counters count; and when the job is done its
//! output is read back from HDFS as a table. The fault buttons — kill a node, slow one,
//! reclaim the Spot task nodes, resize — act on the running cluster, so the re-run tasks
//! and stragglers they cause can be watched. The paper's own experiments are one click
//! away, with their results beside the paper's numbers; and "Export" writes the same job
//! for a real EMR cluster.
//!
//! Layout: the controls on the left, the pictures on the right. Forms and panels are plain
//! functions over the view's state ([`state::EmrState`]); only the two canvases are
//! components, because they need their elements.

mod charts;
pub mod cluster_map;
mod export;
pub mod forms;
pub mod gantt;
pub mod output;
pub mod palette;
pub mod paper;
mod pictures;
pub mod raster;
pub mod state;

use std::rc::Rc;

use dynaplay_emr::node::Market;
use dynaplay_emr::{ClusterState, NodeRole};
use dynaplay_world::SimTime;
use yew::prelude::*;

use crate::browser;
use crate::state::{Action, Playground, format_sim_time};
use crate::theme::Theme;
use crate::views::fields::{check_field, json_field, number_field, select_field, text_field};
use dynaplay_emr::Cluster;
use forms::{BLOCK_SIZES, EXPIRIES, Field, JobKind, OutputOrder, Source};
use paper::PaperRun;
use pictures::{ClusterPicture, GanttPicture};
use state::{EmrAction, EmrState, Notice, Sim};

/// The cluster on show, with what the view keeps about it.
#[derive(Clone, Copy)]
struct Shown<'a> {
    sim: &'a Sim,
    cluster: &'a Cluster,
}

#[derive(Properties, PartialEq)]
pub struct EmrViewProps {
    pub dispatcher: UseReducerDispatcher<Playground>,
    pub emr: Rc<EmrState>,
    pub theme: Theme,
    pub playing: bool,
    /// The world's clock (the cluster follows it).
    pub now: SimTime,
    /// The DynamoDB tables a job can read.
    pub tables: Vec<String>,
}

/// Sends the view's actions.
#[derive(Clone)]
struct Ui(UseReducerDispatcher<Playground>);

impl Ui {
    fn click(&self, action: EmrAction) -> Callback<MouseEvent> {
        let d = self.0.clone();
        Callback::from(move |_| d.dispatch(Action::Emr(action.clone())))
    }

    fn edit(&self, field: Field) -> Callback<String> {
        let d = self.0.clone();
        Callback::from(move |text| d.dispatch(Action::Emr(EmrAction::Edit(field, text))))
    }

    fn submit(&self, action: EmrAction) -> Callback<SubmitEvent> {
        let d = self.0.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            d.dispatch(Action::Emr(action.clone()))
        })
    }
}

#[function_component(EmrView)]
pub fn emr_view(props: &EmrViewProps) -> Html {
    let ui = Ui(props.dispatcher.clone());
    let emr = &props.emr;

    // While paused, a cluster that is behind the clock (or running to the end) still needs
    // frames to get there; while playing, the shared frames move it.
    {
        let dispatcher = props.dispatcher.clone();
        let wanted = emr.catching_up && !props.playing;
        use_effect_with(wanted, move |wanted| {
            let frames = wanted.then(|| {
                browser::frame_loop(move |_| dispatcher.dispatch(Action::Emr(EmrAction::CatchUp)))
            });
            move || drop(frames)
        });
    }

    let sim = emr.sim.as_ref().and_then(|s| s.0.try_borrow().ok());
    let sim = sim.as_deref();
    let body = |shown: Option<Shown<'_>>| body(&ui, emr, shown, props);
    match sim {
        Some(s) => s
            .read(|cluster| body(Some(Shown { sim: s, cluster })))
            .unwrap_or_else(|| body(None)),
        None => body(None),
    }
}

fn body(ui: &Ui, emr: &EmrState, shown: Option<Shown<'_>>, props: &EmrViewProps) -> Html {
    let sim = shown.map(|s| s.sim);
    html! {
        <section class="emr-view" data-testid="emr-view">
            <h1 id="view-title" data-testid="view-title">{"EMR"}</h1>
            <p class="lede">
                {"A Hadoop cluster on this page's clock: create one, give it a job, press Play, and \
                  watch where every block and task goes — and what a lost node costs."}
            </p>
            <div class="emr-layout">
                <div class="emr-side">
                    {notice(emr)}
                    {cluster_panel(ui, emr, shown)}
                    {paper_panel(ui, sim)}
                    {input_panel(ui, emr, &props.tables)}
                    {job_panel(ui, emr, shown)}
                    if let Some(shown) = shown {
                        {faults_panel(ui, emr, shown.cluster)}
                    }
                    {export::panel(&ui.0, emr, shown.filter(|s| s.sim.paper.is_none()).map(|s| s.cluster.config()))}
                </div>
                <div class="emr-main">
                    {match (shown, &emr.sim) {
                        (Some(s), Some(handle)) => main_column(ui, emr, s, handle, props),
                        _ => intro(),
                    }}
                </div>
            </div>
        </section>
    }
}

fn notice(emr: &EmrState) -> Html {
    match &emr.notice {
        Some(Notice::Done(text)) => html! {
            <p class="emr-notice success" role="status" data-testid="emr-notice" data-ok="true">{text.clone()}</p>
        },
        Some(Notice::Refused(text)) => html! {
            <p class="emr-notice refused" role="alert" data-testid="emr-notice" data-ok="false">{text.clone()}</p>
        },
        None => Html::default(),
    }
}

fn options(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(v, t)| (v.to_string(), t.to_string()))
        .collect()
}

fn type_options() -> Vec<(String, String)> {
    forms::instance_types()
        .into_iter()
        .map(|t| (t.to_string(), t.to_string()))
        .collect()
}

fn cluster_panel(ui: &Ui, emr: &EmrState, shown: Option<Shown<'_>>) -> Html {
    let f = &emr.form;
    if let Some(shown) = shown {
        let c = shown.cluster;
        let hdfs = c.hdfs();
        return html! {
            <section class="panel" aria-labelledby="emr-cluster-title">
                <h2 id="emr-cluster-title">{"Cluster"}</h2>
                <dl class="facts" data-testid="emr-cluster-facts">
                    <dt>{"ID"}</dt><dd><code>{c.id().to_string()}</code></dd>
                    <dt>{"State"}</dt>
                    <dd data-testid="emr-cluster-state">
                        {c.state().name()}
                        if !c.state_reason().is_empty() {
                            <span class="hint">{format!(" ({})", c.state_reason())}</span>
                        }
                    </dd>
                    <dt>{"Nodes"}</dt>
                    <dd>{format!("1 primary, {} core, {} task", c.group_size(NodeRole::Core), c.group_size(NodeRole::Task))}</dd>
                    <dt>{"HDFS"}</dt>
                    <dd>{format!("{} blocks, replication {}", charts::format_bytes(hdfs.block_size() as f64), hdfs.replication())}</dd>
                </dl>
                <div class="button-row">
                    if !c.state().is_terminated() && c.state() != ClusterState::Terminating {
                        <button class="danger" data-testid="emr-terminate"
                            onclick={ui.click(EmrAction::TerminateCluster)}>{"Terminate"}</button>
                    }
                    <button data-testid="emr-new-cluster" onclick={ui.click(EmrAction::DiscardCluster)}>
                        {"New cluster…"}
                    </button>
                </div>
            </section>
        };
    }
    let markets = options(&[("SPOT", "Spot"), ("ON_DEMAND", "On-Demand")]);
    html! {
        <section class="panel" aria-labelledby="emr-create-title">
            <h2 id="emr-create-title">{"Create a cluster"}</h2>
            <form data-testid="emr-create-form" onsubmit={ui.submit(EmrAction::CreateCluster)}>
                <div class="field-row">
                    {number_field("Core nodes", &f.core_count, "emr-core-count", ui.edit(Field::CoreCount))}
                    {select_field("Core type", &f.core_type, "emr-core-type", &type_options(), ui.edit(Field::CoreType))}
                </div>
                <div class="field-row">
                    {number_field("Task nodes", &f.task_count, "emr-task-count", ui.edit(Field::TaskCount))}
                    {select_field("Task type", &f.task_type, "emr-task-type", &type_options(), ui.edit(Field::TaskType))}
                </div>
                {select_field("Task market", &f.task_market, "emr-task-market", &markets, ui.edit(Field::TaskMarket))}
                {select_field("HDFS block size", &f.block_size, "emr-block-size", &options(&BLOCK_SIZES), ui.edit(Field::BlockSize))}
                {select_field("Failure detection", &f.expiry, "emr-expiry", &options(&EXPIRIES), ui.edit(Field::Expiry))}
                <p class="hint">
                    {"One primary node is added. Replication follows EMR: 1 copy below 4 core \
                      nodes, 2 below 10, then 3. The cluster is up at once (a real one takes \
                      minutes)."}
                </p>
                <button type="submit" class="primary" data-testid="emr-create">{"Create cluster"}</button>
            </form>
        </section>
    }
}

fn paper_panel(ui: &Ui, sim: Option<&Sim>) -> Html {
    let current = sim.and_then(|s| s.paper);
    html! {
        <section class="panel" aria-labelledby="emr-paper-title">
            <h2 id="emr-paper-title">{"The MapReduce paper"}</h2>
            <p class="hint">
                {"Dean & Ghemawat, OSDI 2004, section 5: a terabyte on about 1,800 machines. One click \
                  builds the run; play it at 1000× or run it to the end."}
            </p>
            <div class="emr-paper-buttons">
                { for PaperRun::ALL.iter().map(|run| html! {
                    <button key={run.slug()} data-testid={format!("emr-paper-{}", run.slug())}
                        aria-pressed={(current == Some(*run)).to_string()}
                        onclick={ui.click(EmrAction::RunPaper(*run))}>{run.title()}</button>
                }) }
            </div>
        </section>
    }
}

fn input_panel(ui: &Ui, emr: &EmrState, tables: &[String]) -> Html {
    let f = &emr.form;
    let on_file = {
        let d = ui.0.clone();
        Callback::from(move |event: Event| {
            let d = d.clone();
            browser::read_chosen_file(&event, move |read| {
                d.dispatch(Action::Emr(match read {
                    Ok((name, text)) => EmrAction::FileLoaded {
                        name,
                        text: Rc::from(text.as_str()),
                    },
                    Err(why) => EmrAction::FileFailed(why),
                }))
            });
        })
    };
    let table_options: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a table".to_string()))
            .chain(tables.iter().map(|t| (t.clone(), t.clone())))
            .collect();
    html! {
        <section class="panel" aria-labelledby="emr-input-title">
            <h2 id="emr-input-title">{"Input"}</h2>
            <div class="emr-radios" role="radiogroup" aria-label="Input source">
                { for Source::ALL.iter().map(|source| {
                    let edit = ui.edit(Field::Source);
                    let slug = source.slug();
                    html! {
                        <label key={slug} class="field check">
                            <input type="radio" name="emr-source" value={slug}
                                data-testid={format!("emr-source-{slug}")}
                                checked={f.source == *source}
                                onchange={Callback::from(move |_| edit.emit(slug.to_string()))} />
                            <span class="field-label">{source.title()}</span>
                        </label>
                    }
                }) }
            </div>
            {match f.source {
                Source::Upload => html! {
                    <>
                        <label class="field">
                            <span class="field-label">{"Text file"}</span>
                            <input type="file" accept=".txt,.text,.md,.csv,.log,text/plain"
                                data-testid="emr-upload" onchange={on_file} />
                        </label>
                        {match &emr.upload {
                            Some(u) => html! {
                                <p class="hint" data-testid="emr-upload-status">
                                    {format!("{}: {} bytes, {} lines", u.name, u.text.len(), u.text.lines().count())}
                                </p>
                            },
                            None => html! { <p class="hint">{"Any text file up to 2 MB; it is written into HDFS when the job runs."}</p> },
                        }}
                    </>
                },
                Source::Sample => html! {
                    <p class="hint">{format!("The opening of A Tale of Two Cities: {} bytes, {} lines.",
                        forms::SAMPLE_TEXT.len(), forms::SAMPLE_TEXT.lines().count())}</p>
                },
                Source::Table => html! {
                    <>
                        {select_field("Table", &f.table, "emr-table", &table_options, ui.edit(Field::Table))}
                        <p class="hint">
                            {"Read with parallel Scan segments at half the table's read capacity, as the \
                              EMR DynamoDB connector does — from this page's own DynamoDB, so the reads \
                              count against the table's capacity (see the Partitions view). Make tables in \
                              the Tables view."}
                        </p>
                    </>
                },
            }}
        </section>
    }
}

fn job_panel(ui: &Ui, emr: &EmrState, shown: Option<Shown<'_>>) -> Html {
    let f = &emr.form;
    let kinds: Vec<(String, String)> = JobKind::ALL
        .iter()
        .map(|k| (k.slug().to_string(), k.title().to_string()))
        .collect();
    let aggregates = options(&[
        ("count", "count"),
        ("sum", "sum"),
        ("min", "min"),
        ("max", "max"),
        ("avg", "avg"),
    ]);
    let can_run = shown.is_some_and(|s| s.sim.paper.is_none() && s.cluster.state().is_up());
    let spec = {
        let d = ui.0.clone();
        Callback::from(move |on: bool| d.dispatch(Action::Emr(EmrAction::SetSpeculative(on))))
    };
    html! {
        <section class="panel" aria-labelledby="emr-job-title">
            <h2 id="emr-job-title">{"Job"}</h2>
            <form data-testid="emr-job-form" onsubmit={ui.submit(EmrAction::RunJob)}>
                {select_field("Job", f.job.slug(), "emr-job-kind", &kinds, ui.edit(Field::Job))}
                {match f.job {
                    JobKind::Grep => text_field("Lines containing", &f.pattern, "emr-pattern", ui.edit(Field::Pattern)),
                    JobKind::GroupBy => html! {
                        <>
                            {text_field("Group by attribute", &f.group_by, "emr-group-by", ui.edit(Field::GroupBy))}
                            <div class="field-row">
                                {select_field("Aggregate", &f.aggregate, "emr-aggregate", &aggregates, ui.edit(Field::Aggregate))}
                                if f.aggregate != "count" {
                                    {text_field("Of attribute", &f.aggregate_of, "emr-aggregate-of", ui.edit(Field::AggregateOf))}
                                }
                            </div>
                        </>
                    },
                    JobKind::TopK => html! {
                        <div class="field-row">
                            {number_field("K", &f.top_k, "emr-top-k", ui.edit(Field::TopK))}
                            {text_field("Highest by attribute", &f.top_by, "emr-top-by", ui.edit(Field::TopBy))}
                        </div>
                    },
                    JobKind::Script => html! {
                        <>
                            {json_field("Job script", &f.script, "emr-script", 11, ui.edit(Field::Script))}
                            <p class="hint">
                                {"A map block that emits key, value pairs; a reducer (sum, count, min, max, avg, \
                                  collect, distinct, first, identity or a block over key and values); optionally \
                                  combine, reducers and partition by. Functions: "}
                                <code>{dynaplay_emr::script::builtins::NAMES.join(", ")}</code>
                            </p>
                        </>
                    },
                    _ => Html::default(),
                }}
                <div class="field-row">
                    {number_field("Reducers", &f.reducers, "emr-reducers", ui.edit(Field::Reducers))}
                    {check_field("Speculative execution", f.speculative, "emr-speculative", spec)}
                </div>
                <button type="submit" class="primary" data-testid="emr-run" disabled={!can_run}>{"Run job"}</button>
                if shown.is_none() {
                    <p class="hint">{"Create a cluster first."}</p>
                }
            </form>
        </section>
    }
}

fn faults_panel(ui: &Ui, emr: &EmrState, c: &Cluster) -> Html {
    let f = &emr.form;
    let chosen = emr.fault_node(c).unwrap_or_default();
    let nodes: Vec<(String, String)> = c
        .nodes()
        .iter()
        .filter(|n| n.is_up() || n.state == dynaplay_emr::node::NodeState::Restarting)
        .map(|n| {
            (
                n.name.clone(),
                format!("{} ({}, {})", n.name, n.role, n.state),
            )
        })
        .collect();
    let slowed = c
        .node_named(&chosen)
        .ok()
        .and_then(|id| c.node(id))
        .is_some_and(|n| n.fault_slowdown > 1.0);
    let spot = c
        .nodes()
        .iter()
        .filter(|n| n.role == NodeRole::Task && n.market == Market::Spot && n.is_up())
        .count();
    let up = c.state().is_up();
    html! {
        <section class="panel" aria-labelledby="emr-faults-title">
            <h2 id="emr-faults-title">{"Failures and resizing"}</h2>
            {select_field("Node", &chosen, "emr-node", &nodes, ui.edit(Field::Node))}
            <div class="button-row">
                <button class="danger" data-testid="emr-kill-node" disabled={!up || nodes.is_empty()}
                    onclick={ui.click(EmrAction::KillNode)}>{"Kill node"}</button>
                <button data-testid="emr-slow-node" disabled={!up || nodes.is_empty()}
                    onclick={ui.click(EmrAction::SlowNode)}>
                    {if slowed { "Heal node".to_string() } else { format!("Slow node ×{}", state::SLOWDOWN) }}
                </button>
            </div>
            <div class="button-row">
                <button data-testid="emr-reclaim-spot" disabled={!up || spot == 0}
                    onclick={ui.click(EmrAction::ReclaimSpot)}>
                    {format!("Reclaim Spot task nodes ({spot})")}
                </button>
                <button data-testid="emr-toggle-speculation" aria-pressed={f.speculative.to_string()}
                    onclick={ui.click(EmrAction::ToggleSpeculation)}>
                    {if f.speculative { "Speculation: on" } else { "Speculation: off" }}
                </button>
            </div>
            <form class="field-row" data-testid="emr-resize-form" onsubmit={ui.submit(EmrAction::Resize)}>
                {number_field(&format!("Core nodes (now {})", c.group_size(NodeRole::Core)), &f.resize_core,
                    "emr-resize-core", ui.edit(Field::ResizeCore))}
                {number_field(&format!("Task nodes (now {})", c.group_size(NodeRole::Task)), &f.resize_task,
                    "emr-resize-task", ui.edit(Field::ResizeTask))}
                <button type="submit" data-testid="emr-resize" disabled={!up}>{"Resize"}</button>
            </form>
            <p class="hint">
                {format!("A lost node is noticed after {:.0} s (YARN) and its blocks copied again after {:.0} s \
                  (HDFS). Shrinking decommissions nodes gracefully.",
                  c.config().node_expiry.as_secs_f64(), c.config().datanode_expiry.as_secs_f64())}
            </p>
        </section>
    }
}

fn intro() -> Html {
    html! {
        <section class="panel emr-intro" data-testid="emr-empty">
            <h2>{"No cluster yet"}</h2>
            <p>
                {"Create a cluster on the left — or run one of the MapReduce paper's experiments. \
                  Then pick an input and a job, press "}<strong>{"Run job"}</strong>{", and press "}
                <kbd>{"Space"}</kbd>{" (Play) to let simulated time move."}
            </p>
            <ul class="emr-intro-list">
                <li>{"Core nodes store HDFS blocks and run tasks; task nodes only run tasks."}</li>
                <li>{"Maps run where their block is when they can (node-local); reduces fetch every map's output."}</li>
                <li>{"Kill a core node mid-job: its running tasks and its finished maps are re-run elsewhere."}</li>
            </ul>
        </section>
    }
}

fn main_column(
    ui: &Ui,
    emr: &EmrState,
    shown: Shown<'_>,
    handle: &state::SimHandle,
    props: &EmrViewProps,
) -> Html {
    let Shown { sim, cluster: c } = shown;
    let target = sim.target(props.now);
    let behind = target.saturating_duration_since(c.now()).as_secs_f64();
    let ahead = c.now().saturating_duration_since(target).as_secs_f64();
    let p = palette::palette(props.theme);
    let files: Vec<_> = c.hdfs().files().collect();
    let job = state::shown_job(c);
    let busy = state::busy(c);
    // Containers and blocks change only with events; running bars also grow with time.
    let events = c.events().len() as u64;
    let gantt_time = job
        .filter(|j| j.finished.is_none())
        .map_or(0, |_| c.now().as_micros());
    html! {
        <>
            <div class="emr-status" data-testid="emr-status" data-cluster-micros={c.now().as_micros().to_string()}>
                <span><strong>{c.state().name()}</strong>{format!(" · cluster time {}", format_sim_time(c.now()))}</span>
                if emr.catching_up && sim.run_ahead && sim.paper.is_none() {
                    <span class="emr-lag" data-testid="emr-running-ahead">{"running to the end of the job, the world's clock with it…"}</span>
                } else if emr.catching_up && sim.run_ahead {
                    <span class="emr-lag" data-testid="emr-running-ahead">{format!("running ahead of the clock: +{ahead:.0} s")}</span>
                } else if emr.catching_up {
                    <span class="emr-lag" data-testid="emr-behind">{format!("simulating… {behind:.0} s behind the clock")}</span>
                }
                if busy && !sim.run_ahead {
                    <button data-testid="emr-run-to-end" onclick={ui.click(EmrAction::RunToEnd)}>{"Run to the end"}</button>
                }
                if !props.playing && busy {
                    <span class="hint">{"Press Play (Space) to let time run."}</span>
                }
            </div>
            <section class="panel" aria-labelledby="emr-nodes-title">
                <div class="panel-head">
                    <h2 id="emr-nodes-title">{"Nodes"}</h2>
                    <span class="hint">{"containers in YARN memory · HDFS blocks by file"}</span>
                </div>
                <ClusterPicture sim={handle.clone()} stamp={(events, 0)} theme={props.theme} />
                <ul class="emr-files" data-testid="emr-files">
                    <li class="emr-key"><i class="swatch emr-map"></i>{"map"}</li>
                    <li class="emr-key"><i class="swatch emr-reduce"></i>{"reduce"}</li>
                    <li class="emr-key"><i class="swatch emr-am"></i>{"ApplicationMaster"}</li>
                    { for files.iter().take(12).enumerate().map(|(i, file)| {
                        let colour = p.files.get(i % p.files.len()).map(|c| c.css()).unwrap_or_default();
                        html! {
                            <li key={file.path.clone()}>
                                <i class="swatch" style={format!("background: {colour}")}></i>
                                <code>{file.path.clone()}</code>
                                {format!(" {} blocks × {}", file.blocks.len(), file.replication)}
                            </li>
                        }
                    }) }
                    if files.len() > 12 {
                        <li>{format!("and {} more files", files.len() - 12)}</li>
                    }
                </ul>
            </section>
            if let Some(job) = job {
                <section class="panel" aria-labelledby="emr-job-run-title" data-testid="emr-job"
                    data-state={job.state.name()}>
                    <div class="panel-head">
                        <h2 id="emr-job-run-title">{format!("{} · {}", job.id, job.name)}</h2>
                        <span class={classes!("badge", format!("emr-state-{}", job.state.name().to_lowercase()))}
                            data-testid="emr-job-state">{job.state.name()}</span>
                        <span class="hint">{format!("{:.1} s", job.finished.unwrap_or(c.now()).saturating_duration_since(job.submitted).as_secs_f64())}</span>
                    </div>
                    if let Some(why) = &job.failure {
                        <p class="form-problem" data-testid="emr-job-failure">{why.clone()}</p>
                    }
                    {charts::dag(job)}
                </section>
                <section class="panel" aria-labelledby="emr-gantt-title">
                    <div class="panel-head">
                        <h2 id="emr-gantt-title">{"Task attempts"}</h2>
                        <span class="hint">{"one row per container slot of each node"}</span>
                    </div>
                    <GanttPicture sim={handle.clone()} stamp={(events, gantt_time)} theme={props.theme} />
                    <ul class="emr-files">
                        <li class="emr-key"><i class="swatch emr-map"></i>{"map"}</li>
                        <li class="emr-key"><i class="swatch emr-shuffle"></i>{"reduce: launch + shuffle"}</li>
                        <li class="emr-key"><i class="swatch emr-reduce"></i>{"reduce: sort, reduce, write"}</li>
                        <li class="emr-key"><i class="swatch emr-failed"></i>{"failed"}</li>
                        <li class="emr-key"><i class="swatch emr-killed"></i>{"killed"}</li>
                        <li class="emr-key"><i class="swatch emr-speculative"></i>{"speculative backup"}</li>
                    </ul>
                </section>
                <section class="panel" aria-labelledby="emr-rates-title">
                    <h2 id="emr-rates-title">{"Data rates"}</h2>
                    {charts::rate_chart(job, c.now())}
                </section>
                if let Some(run) = sim.paper {
                    {paper_results(run, c)}
                }
                {output_panel(ui, emr, sim)}
                {counters_panel(job)}
            }
            {events_panel(c)}
        </>
    }
}

fn paper_results(run: PaperRun, c: &Cluster) -> Html {
    let Some(summary) = state::shown_job(c).and_then(|j| c.job_summary(j.id)) else {
        return Html::default();
    };
    let rows = paper::compare(run, &summary);
    let finished = summary.state != "SETUP" && summary.state != "RUNNING";
    html! {
        <section class="panel" aria-labelledby="emr-paper-results-title" data-testid="emr-paper-results"
            data-finished={finished.to_string()}>
            <h2 id="emr-paper-results-title">{format!("{} beside the paper", run.title())}</h2>
            <p class="hint">{run.lesson()}</p>
            <table class="items emr-compare">
                <thead><tr><th scope="col">{""}</th><th scope="col">{"Paper"}</th>
                    <th scope="col">{if finished { "This simulation" } else { "So far" }}</th></tr></thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr key={r.what.clone()} data-testid="emr-compare-row">
                            <th scope="row">{r.what.clone()}</th>
                            <td>{r.paper.clone()}</td>
                            <td>{r.simulated.clone()}</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}

fn output_panel(ui: &Ui, emr: &EmrState, sim: &Sim) -> Html {
    let Some(out) = &sim.output else {
        return Html::default();
    };
    let by_value = emr.form.order == OutputOrder::ByValue;
    let shown = out.shown(by_value, emr.rows_shown);
    let orders = options(&[
        ("written", "As written (sorted by key per reducer)"),
        ("value", "Largest value first"),
    ]);
    html! {
        <section class="panel" aria-labelledby="emr-output-title" data-testid="emr-output"
            data-rows={out.rows.len().to_string()}>
            <div class="panel-head">
                <h2 id="emr-output-title">{"Output"}</h2>
                <span class="hint">{format!("{} lines in {} part files under {}", out.rows.len(), out.files, out.directory)}</span>
            </div>
            if let Some(problem) = &out.problem {
                <p class="form-problem">{problem.clone()}</p>
            } else {
                {select_field("Order", if by_value { "value" } else { "written" }, "emr-output-order", &orders, ui.edit(Field::Order))}
                <div class="grid-scroll emr-output-scroll">
                    <table class="items" data-testid="emr-output-table">
                        <thead><tr><th scope="col">{"Key"}</th><th scope="col">{"Value"}</th></tr></thead>
                        <tbody>
                            { for shown.iter().enumerate().map(|(i, (k, v))| html! {
                                <tr key={i} data-key={k.clone()}>
                                    <td class="cell-text">{k.clone()}</td>
                                    <td class="cell-text" data-testid="emr-output-value">{v.clone()}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                if out.rows.len() > shown.len() {
                    <button data-testid="emr-more-rows" onclick={ui.click(EmrAction::MoreRows)}>
                        {format!("Show more ({} of {})", shown.len(), out.rows.len())}
                    </button>
                }
            }
        </section>
    }
}

fn counters_panel(job: &dynaplay_emr::JobRun) -> Html {
    let c = &job.counters;
    let hadoop: [(&str, u64); 20] = [
        ("MAP_INPUT_RECORDS", c.map_input_records),
        ("MAP_OUTPUT_RECORDS", c.map_output_records),
        ("MAP_OUTPUT_BYTES", c.map_output_bytes),
        ("COMBINE_INPUT_RECORDS", c.combine_input_records),
        ("COMBINE_OUTPUT_RECORDS", c.combine_output_records),
        ("REDUCE_SHUFFLE_BYTES", c.reduce_shuffle_bytes),
        ("REDUCE_INPUT_GROUPS", c.reduce_input_groups),
        ("REDUCE_INPUT_RECORDS", c.reduce_input_records),
        ("REDUCE_OUTPUT_RECORDS", c.reduce_output_records),
        ("HDFS_BYTES_READ", c.hdfs_bytes_read),
        ("HDFS_BYTES_WRITTEN", c.hdfs_bytes_written),
        ("TOTAL_LAUNCHED_MAPS", c.total_launched_maps),
        ("TOTAL_LAUNCHED_REDUCES", c.total_launched_reduces),
        ("DATA_LOCAL_MAPS", c.data_local_maps),
        ("OTHER_LOCAL_MAPS", c.other_local_maps),
        ("NUM_FAILED_MAPS", c.num_failed_maps),
        ("NUM_KILLED_MAPS", c.num_killed_maps),
        ("NUM_KILLED_REDUCES", c.num_killed_reduces),
        ("SPECULATIVE_MAPS", c.speculative_maps),
        ("SPECULATIVE_REDUCES", c.speculative_reduces),
    ];
    let mut rows: Vec<(&str, String)> = hadoop
        .iter()
        .map(|(name, value)| (*name, group_digits(*value)))
        .collect();
    // A job reading a live table also says what it cost the table.
    if matches!(job.source, dynaplay_emr::cluster::InputSource::LiveTable(_)) {
        rows.extend([
            ("DYNAMODB_READ_UNITS", format_units(c.dynamodb_read_units)),
            ("DYNAMODB_SCANS", group_digits(c.dynamodb_scans)),
            (
                "DYNAMODB_THROTTLED_SCANS",
                group_digits(c.dynamodb_throttled_scans),
            ),
        ]);
    }
    html! {
        <section class="panel" aria-labelledby="emr-counters-title">
            <h2 id="emr-counters-title">{"Counters"}</h2>
            <dl class="emr-counters" data-testid="emr-counters">
                { for rows.iter().map(|(name, value)| html! {
                    <div key={*name} data-counter={*name}>
                        <dt><code>{*name}</code></dt>
                        <dd>{value.clone()}</dd>
                    </div>
                }) }
            </dl>
        </section>
    }
}

/// Read units (in halves) with separators: `1,234.5`.
fn format_units(units: f64) -> String {
    let whole = units.max(0.0).floor();
    let half = if units - whole >= 0.5 { ".5" } else { "" };
    format!("{}{half}", group_digits(whole as u64))
}

/// `1234567` as `1,234,567`.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn events_panel(c: &Cluster) -> Html {
    let events = c.events();
    let recent: Vec<String> = events
        .iter()
        .rev()
        .take(14)
        .map(|e| e.to_string())
        .collect();
    html! {
        <section class="panel" aria-labelledby="emr-events-title">
            <div class="panel-head">
                <h2 id="emr-events-title">{"What happened"}</h2>
                <span class="hint">{format!("latest of {} events, newest first", events.len())}</span>
            </div>
            <ol class="emr-events" data-testid="emr-events">
                { for recent.iter().enumerate().map(|(i, line)| html! {
                    <li key={events.len() - i}><code>{line.clone()}</code></li>
                }) }
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use forms::ExportKind;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn counters_read_with_separators() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(1_000), "1,000");
        assert_eq!(group_digits(10_000_000_000), "10,000,000,000");
        assert_eq!(format_units(2_956.5), "2,956.5");
        assert_eq!(format_units(12.0), "12");
    }

    #[wasm_bindgen_test]
    fn export_kinds_and_orders_have_slugs() {
        let mut form = forms::EmrForm::default();
        form.edit(Field::Export, "pyspark".into());
        assert_eq!(form.export, ExportKind::PySpark);
        form.edit(Field::Order, "value".into());
        assert_eq!(form.order, OutputOrder::ByValue);
    }
}
