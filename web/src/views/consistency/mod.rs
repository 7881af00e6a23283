//! The Consistency view: why a read can be stale, shown request by request.
//!
//! Each partition's leader takes writes and strongly consistent reads; the followers apply
//! its log a little later, and an eventually consistent read may be answered by any of
//! the three. So a read right after a write can miss it. The view shows that on a
//! [`timeline`] of every client's requests with each stale read flagged and linked to the
//! write it missed, lets three demo clients (a writer, an eventually consistent reader, a
//! strongly consistent reader) provoke it, and runs an [`experiment`] that measures how
//! the share of stale reads falls with the delay after the write — for GetItem, for a
//! Query on a global secondary index, and for strongly consistent reads, which are never
//! stale ([`plot`]).
//!
//! The timeline follows the world's event ring: the view asks the reducer to sync on
//! every revision (a few times a second while time runs), and the reducer reads only the
//! events since the last sync.

pub mod experiment;
mod plot;
pub mod state;
mod timeline;

use yew::prelude::*;

use crate::app::PlaygroundHandle;
use crate::state::{Action, Playground};
use crate::views::fields::{
    FormHandle, FormState, check_field, number_field, on_text, select_field, text_field,
};
use crate::views::partitions::format::{at, int, millis, percent};
use crate::views::partitions::state::{Notice, PartitionsAction};
use experiment::{ExperimentSpec, MAX_DELAY_MS, MAX_TRIALS, SWEEP_MS};
use state::{ClientOp, ConsistencyAction, ConsistencyState, OpKind, STRONG_READER, WRITER};

/// Real milliseconds between syncs with the world's events while simulated time runs.
pub const SYNC_MS: f64 = 200.0;

fn send(
    dispatcher: &UseReducerDispatcher<Playground>,
    action: ConsistencyAction,
) -> Callback<MouseEvent> {
    let dispatcher = dispatcher.clone();
    Callback::from(move |_| dispatcher.dispatch(Action::Consistency(action.clone())))
}

fn notice(notice: Option<&Notice>) -> Html {
    match notice {
        Some(n) => html! {
            <p class={classes!("notice", if n.ok { "ok" } else { "failed" })}
                role={if n.ok { "status" } else { "alert" }} data-testid="consistency-notice">{n.text.clone()}</p>
        },
        None => Html::default(),
    }
}

fn clients(state: &PlaygroundHandle, tables: &[String]) -> Html {
    let ours = &state.consistency;
    let dispatcher = state.dispatcher();
    let table = ours.table_among(tables).unwrap_or_default().to_string();
    let options: Vec<(String, String)> = tables.iter().map(|t| (t.clone(), t.clone())).collect();
    let on_table = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |name: String| {
            dispatcher.dispatch(Action::Consistency(ConsistencyAction::SelectTable(name)))
        })
    };
    let on_key = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |key: String| {
            dispatcher.dispatch(Action::Consistency(ConsistencyAction::SetKey(key)))
        })
    };
    let make_table = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_| {
            dispatcher.dispatch(Action::Partitions(PartitionsAction::CreateDemoTable))
        })
    };
    let next = ours.written + 1;
    html! {
        <section class="panel clients-panel" aria-labelledby="clients-title">
            <h2 id="clients-title">{"Three clients, one item"}</h2>
            <p class="hint">
                {"The writer sets the item's "}<code>{"v"}</code>{"; the readers read it back. Requests are sent at \
                  the current simulated instant, so while time is paused a read right after a write is a read \
                  before any follower has applied it."}
            </p>
            if tables.is_empty() {
                <p>{"There are no tables yet. "}
                    <button data-testid="consistency-create-table" onclick={make_table}>{"Create the demo table"}</button>
                </p>
            } else {
                <div class="field-row">
                    {select_field("Table", &table, "consistency-table", &options, on_table)}
                    {text_field("Partition key", &ours.key, "consistency-key", on_key)}
                </div>
                <div class="button-row">
                    <button data-testid="client-write" onclick={send(&dispatcher, ConsistencyAction::Client(ClientOp::Write))}>
                        {format!("{WRITER}: set v = {next}")}
                    </button>
                    <button data-testid="client-eventual" onclick={send(&dispatcher, ConsistencyAction::Client(ClientOp::EventualRead))}>
                        {"eventual-reader: read"}
                    </button>
                    <button data-testid="client-strong" onclick={send(&dispatcher, ConsistencyAction::Client(ClientOp::StrongRead))}>
                        {format!("{STRONG_READER}: read")}
                    </button>
                    <button class="primary" data-testid="client-write-then-reads"
                        onclick={send(&dispatcher, ConsistencyAction::Client(ClientOp::WriteThenReads))}>
                        {"Write, then read three times at once"}
                    </button>
                </div>
            }
            {notice(ours.notice.as_ref())}
        </section>
    }
}

fn details(ours: &ConsistencyState, dispatcher: &UseReducerDispatcher<Playground>) -> Html {
    let Some(op) = ours.selected.and_then(|r| ours.find(r)) else {
        return html! { <p class="hint" data-testid="op-details">{"Select a request for its details."}</p> };
    };
    let fact =
        |term: &str, value: String| html! { <><dt>{term.to_string()}</dt><dd>{value}</dd></> };
    html! {
        <section class="details" data-testid="op-details" aria-label="Details of the selected request">
            <div class="panel-head">
                <h3>{format!("Request #{} by {}", op.request, op.client)}</h3>
                <button class="small" aria-label="Close the details" onclick={send(dispatcher, ConsistencyAction::Select(None))}>{"×"}</button>
            </div>
            <dl class="facts">
                {fact("Operation", format!("{} on {}", op.operation, op.table.clone().unwrap_or_default()))}
                {fact("At", at(op.at))}
                {fact("Kind", match op.kind {
                    OpKind::Write => "write (leader, acknowledged by 2 of 3 replicas)".to_string(),
                    OpKind::EventualRead => "eventually consistent read (any replica)".to_string(),
                    OpKind::StrongRead => "strongly consistent read (the leader)".to_string(),
                })}
                if let Some(key) = &op.key { {fact("Key", key.clone())} }
                if let Some(value) = &op.value { {fact("Result", value.clone())} }
                if let Some(served) = &op.served_by { {fact("Served by", served.clone())} }
                if let Some(lsn) = op.lsn { {fact("Log position", int(lsn))} }
                if let Some(error) = &op.error { {fact("Failed", error.clone())} }
                {fact("Latency", millis(op.latency_us))}
                if op.stale {
                    <dt>{"Stale: missed"}</dt>
                    <dd>{missed_links(op, ours, dispatcher)}</dd>
                }
            </dl>
        </section>
    }
}

/// The writes a stale read missed, each a link that selects the write.
fn missed_links(
    op: &state::TimelineOp,
    ours: &ConsistencyState,
    dispatcher: &UseReducerDispatcher<Playground>,
) -> Html {
    html! {
        <>
            { for ours.missed_writes(op).iter().map(|m| {
                let on_screen = ours.find(m.request).is_some();
                let text = format!("write #{} to {} (log position {} of p{})", m.request, m.key, m.lsn, m.partition);
                if on_screen {
                    html! {
                        <button key={m.request} class="op-link" data-testid="missed-write"
                            data-request={m.request.to_string()}
                            onclick={send(dispatcher, ConsistencyAction::Select(Some(m.request)))}>{text}</button>
                    }
                } else {
                    html! { <span key={m.request} class="missed-gone">{format!("{text}, no longer on the timeline")}</span> }
                }
            }) }
        </>
    }
}

fn stale_list(ours: &ConsistencyState, dispatcher: &UseReducerDispatcher<Playground>) -> Html {
    if ours.stale.is_empty() {
        return html! { <p class="hint" data-testid="stale-reads" data-count="0">{"No stale reads yet."}</p> };
    }
    html! {
        <ol class="stale-reads" data-testid="stale-reads" data-count={ours.stale.len().to_string()}>
            { for ours.stale.iter().rev().take(10).map(|op| {
                let missed: Vec<String> = ours.missed_writes(op).iter().map(|m| m.request.to_string()).collect();
                html! {
                    <li key={op.request} data-testid="stale-read" data-request={op.request.to_string()} data-missed={missed.join(" ")}>
                        <button class="op-link" onclick={send(dispatcher, ConsistencyAction::Select(Some(op.request)))}>
                            {format!("#{} {}", op.request, op.client)}
                        </button>
                        {format!(" read at {}{}{} and missed ", at(op.at),
                            op.served_by.as_ref().map(|s| format!(" from {s}")).unwrap_or_default(),
                            op.value.as_ref().map(|v| format!(" ({v})")).unwrap_or_default())}
                        {missed_links(op, ours, dispatcher)}
                    </li>
                }
            }) }
        </ol>
    }
}

/// What the experiment form holds, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentDraft {
    pub trials: String,
    pub delay: String,
}

impl Default for ExperimentDraft {
    fn default() -> Self {
        ExperimentDraft {
            trials: "100".into(),
            delay: "50".into(),
        }
    }
}

impl ExperimentDraft {
    /// The experiment at the typed delay, or the sweep; or what is wrong.
    pub fn spec(&self, sweep: bool) -> Result<ExperimentSpec, String> {
        let trials = self
            .trials
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|t| (1..=MAX_TRIALS).contains(t))
            .ok_or_else(|| format!("Trials must be a whole number from 1 to {MAX_TRIALS}."))?;
        let delays_ms = if sweep {
            SWEEP_MS.to_vec()
        } else {
            let delay = self
                .delay
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| *d <= MAX_DELAY_MS)
                .ok_or_else(|| {
                    format!(
                        "The delay must be a whole number of milliseconds up to {MAX_DELAY_MS}."
                    )
                })?;
            vec![delay]
        };
        Ok(ExperimentSpec { delays_ms, trials })
    }
}

#[derive(Properties, PartialEq)]
struct ExperimentPanelProps {
    state: PlaygroundHandle,
}

#[function_component(ExperimentPanel)]
fn experiment_panel(props: &ExperimentPanelProps) -> Html {
    let draft: FormHandle<ExperimentDraft> = use_reducer(FormState::<ExperimentDraft>::default);
    let problem = use_state(|| None::<String>);
    let ours = &props.state.consistency;
    let run = |sweep: bool| {
        let dispatcher = props.state.dispatcher();
        let draft = draft.0.clone();
        let problem = problem.clone();
        Callback::from(move |_: MouseEvent| match draft.spec(sweep) {
            Ok(spec) => {
                problem.set(None);
                dispatcher.dispatch(Action::Consistency(ConsistencyAction::RunExperiment(spec)));
            }
            Err(message) => problem.set(Some(message)),
        })
    };
    let dispatcher = props.state.dispatcher();
    html! {
        <section class="panel experiment-panel" aria-labelledby="experiment-title">
            <h2 id="experiment-title">{"How long until a read sees the write?"}</h2>
            <p class="hint">
                {"Each trial writes a new value, waits the delay, then reads it with an eventually consistent \
                  GetItem, a strongly consistent GetItem and a Query on a global secondary index. It runs in a \
                  lab world of its own (same model, its own table and clock), so your clock and tables are untouched."}
            </p>
            <div class="field-row">
                {number_field("Trials per delay", &draft.0.trials, "experiment-trials", on_text(&draft, |d, v| d.trials = v))}
                {number_field("Delay (ms)", &draft.0.delay, "experiment-delay", on_text(&draft, |d, v| d.delay = v))}
            </div>
            <div class="button-row">
                <button data-testid="experiment-run-delay" onclick={run(false)}>{"Run at this delay"}</button>
                <button class="primary" data-testid="experiment-run-sweep" onclick={run(true)}>
                    {format!("Run the sweep ({} delays)", SWEEP_MS.len())}
                </button>
                <button data-testid="experiment-clear" disabled={ours.points.is_empty()}
                    onclick={send(&dispatcher, ConsistencyAction::ClearExperiment)}>{"Clear"}</button>
            </div>
            if let Some(message) = &*problem {
                <p class="form-problem" role="alert" data-testid="experiment-problem">{message.clone()}</p>
            }
            if ours.points.is_empty() {
                <p class="hint" data-testid="experiment-empty">{"No results yet."}</p>
            } else {
                <div class="experiment-results">
                    <figure class="plot-figure">
                        {plot::plot(&ours.points)}
                        <figcaption class="legend">
                            { for plot::SERIES.iter().map(|(name, id, _)| html! {
                                <span key={*id} class={classes!("legend-item", *id)}><span class="swatch" aria-hidden="true" />{*name}</span>
                            }) }
                        </figcaption>
                    </figure>
                    <table class="items experiment-table" data-testid="experiment-table">
                        <caption class="hint">{"Share of reads that were stale"}</caption>
                        <thead><tr><th>{"Delay"}</th><th>{"Trials"}</th><th>{"Eventual"}</th><th>{"GSI"}</th><th>{"Strong"}</th></tr></thead>
                        <tbody>
                            { for ours.points.values().map(|p| html! {
                                <tr key={p.delay_ms} data-testid={format!("experiment-row-{}", p.delay_ms)}
                                    data-eventual={p.eventual_stale.to_string()} data-index={p.index_stale.to_string()}
                                    data-strong={p.strong_stale.to_string()} data-trials={p.trials.to_string()}>
                                    <td>{format!("{} ms", p.delay_ms)}</td>
                                    <td>{p.trials}</td>
                                    <td>{percent(p.share(p.eventual_stale))}</td>
                                    <td>{percent(p.share(p.index_stale))}</td>
                                    <td>{percent(p.share(p.strong_stale))}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ConsistencyViewProps {
    pub state: PlaygroundHandle,
}

#[function_component(ConsistencyView)]
pub fn consistency_view(props: &ConsistencyViewProps) -> Html {
    let state = &props.state;
    // Follow the world's events: a sync per revision (a no-op when nothing happened) —
    // while time runs, at most every SYNC_MS of real time, so a timeline under thousands
    // of generated requests a second is redrawn a few times a second, not on every frame.
    let last_sync = use_mut_ref(|| f64::NEG_INFINITY);
    {
        let dispatcher = state.dispatcher();
        let playing = state.playing;
        use_effect_with((state.revision, playing), move |_| {
            let now = crate::browser::now_ms();
            let last = *last_sync.borrow();
            if !playing || !(last..last + SYNC_MS).contains(&now) {
                *last_sync.borrow_mut() = now;
                dispatcher.dispatch(Action::Consistency(ConsistencyAction::Sync));
            }
        });
    }
    let (tables, realism) = match state.world.try_borrow() {
        Ok(world) => (
            world
                .dynamo()
                .table_names()
                .map(str::to_string)
                .collect::<Vec<String>>(),
            world.realism(),
        ),
        Err(_) => return Html::default(),
    };
    let ours = &state.consistency;
    let dispatcher = state.dispatcher();
    let enable_stale = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_| {
            dispatcher.dispatch(Action::Partitions(PartitionsAction::SetRealism(
                dynaplay_world::Realism {
                    stale_reads: true,
                    ..realism
                },
            )))
        })
    };
    let on_hide = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |hide: bool| {
            dispatcher.dispatch(Action::Consistency(ConsistencyAction::SetHideTraffic(hide)))
        })
    };
    html! {
        <section class="consistency-view" data-testid="consistency-view">
            <h1 id="view-title" data-testid="view-title">{"Consistency"}</h1>
            <p class="lede">
                {"A write is acknowledged once the leader and one follower have it in their logs; followers apply \
                  it a little later, and an eventually consistent read may be answered by any replica. A read \
                  right after a write can therefore miss it. Strongly consistent reads go to the leader and never do."}
            </p>
            {crate::views::partitions::realism::realism_switches(realism, &dispatcher)}
            if !realism.stale_reads {
                <div class="notice failed" data-testid="stale-reads-off">
                    <span>{"Stale reads are off: every read is answered as the leader would, as a local DynamoDB \
                        usually does. The model still runs, but no read will be stale until you turn them on."}</span>
                    <button class="primary" data-testid="enable-stale-reads" onclick={enable_stale}>{"Turn on stale reads"}</button>
                </div>
            }
            {clients(state, &tables)}
            <section class="panel timeline-panel" aria-labelledby="timeline-title">
                <div class="panel-head">
                    <h2 id="timeline-title">{"Timeline by client"}</h2>
                    {check_field("Hide generated traffic", ours.hide_traffic, "hide-traffic", on_hide)}
                    <button class="small" data-testid="timeline-clear" onclick={send(&dispatcher, ConsistencyAction::ClearTimeline)}>{"Clear"}</button>
                </div>
                <p class="legend">
                    <span class="legend-item write"><svg viewBox="-8 -8 16 16" aria-hidden="true"><rect x="-6" y="-6" width="12" height="12" rx="2" /></svg>{"write"}</span>
                    <span class="legend-item eventual"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle r="6" /></svg>{"eventually consistent read"}</span>
                    <span class="legend-item strong"><svg viewBox="-8 -8 16 16" aria-hidden="true"><rect x="-5" y="-5" width="10" height="10" transform="rotate(45)" /></svg>{"strongly consistent read"}</span>
                    <span class="legend-item stale"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle r="6" /></svg>{"stale read, linked to the write it missed"}</span>
                </p>
                if ours.gap {
                    <p class="hint">{"Some requests were made while this view was closed and have already left the event log."}</p>
                }
                <div class="timeline-scroll">{timeline::timeline(ours, &dispatcher)}</div>
                {details(ours, &dispatcher)}
                <h3 class="sub-title">{"Stale reads"}</h3>
                {stale_list(ours, &dispatcher)}
            </section>
            <ExperimentPanel state={state.clone()} />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_experiment_form_becomes_a_spec() {
        let draft = ExperimentDraft::default();
        assert_eq!(
            draft.spec(false).unwrap(),
            ExperimentSpec {
                delays_ms: vec![50],
                trials: 100
            }
        );
        assert_eq!(draft.spec(true).unwrap().delays_ms, SWEEP_MS.to_vec());
        let bad = ExperimentDraft {
            trials: "0".into(),
            ..ExperimentDraft::default()
        };
        assert!(bad.spec(true).is_err());
        let bad = ExperimentDraft {
            delay: "-4".into(),
            ..ExperimentDraft::default()
        };
        assert!(bad.spec(false).is_err());
    }
}
