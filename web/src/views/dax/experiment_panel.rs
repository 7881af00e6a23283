//! The experiments as the learner sees them: one card per experiment with its Run button,
//! and the running (or last) experiment's log — each step's intent, what DAX did, the
//! data it answered with, a flag on every stale answer, and the verdict.
//!
//! Steps not yet run are listed too, greyed, so a learner can read ahead while the clock
//! brings them due.

use dynaplay_world::SimTime;
use yew::prelude::*;

use super::experiments::{ExperimentKind, ExperimentRun, StepAction, StepLine, Via};
use super::format::short;
use super::state::DaxAction;
use crate::state::format_sim_time;

pub fn experiments(
    run: Option<&ExperimentRun>,
    now: SimTime,
    playing: bool,
    on: &Callback<DaxAction>,
) -> Html {
    let running = run.filter(|r| r.is_running()).map(|r| r.kind);
    html! {
        <section class="panel dax-experiments" aria-labelledby="experiments-title">
            <h2 id="experiments-title">{"Experiments"}</h2>
            <ul class="experiment-cards">
                { for ExperimentKind::ALL.into_iter().map(|kind| {
                    let onclick = on.reform(move |_| DaxAction::RunExperiment(kind));
                    let busy = running == Some(kind);
                    html! {
                        <li key={kind.slug()} class="experiment-card">
                            <h3>{kind.title()}</h3>
                            <p>{kind.blurb()}</p>
                            <button class="primary" data-testid={format!("run-{}", kind.slug())}
                                aria-label={format!("Run: {}", kind.title())} {onclick}>
                                {if busy { "Running…" } else { "Run" }}
                            </button>
                        </li>
                    }
                }) }
            </ul>
            if let Some(run) = run {
                {log(run, now, playing, on)}
            }
        </section>
    }
}

fn log(run: &ExperimentRun, now: SimTime, playing: bool, on: &Callback<DaxAction>) -> Html {
    let status = match (&run.verdict, run.next_in(now)) {
        (Some(_), _) => Html::default(),
        (None, Some(wait)) => {
            let step = run.lines.len() + 1;
            let total = run.steps.len();
            let pause = if playing {
                String::new()
            } else {
                " Time is paused: press play or step to go on.".to_string()
            };
            html! {
                <p class="experiment-status" role="status" data-testid="experiment-status">
                    {format!("Step {step} of {total} runs in {} of simulated time.{pause}", short(wait))}
                </p>
            }
        }
        (None, None) => Html::default(),
    };
    html! {
        <div class="experiment-log" data-testid="experiment-log" data-experiment={run.kind.slug()}
            data-finished={(!run.is_running()).to_string()}>
            <h3>{format!("{} — run {} (partition key {})", run.kind.title(), run.number, run.partition())}</h3>
            if !run.setup.is_empty() {
                <ul class="experiment-setup">
                    { for run.setup.iter().map(|s| html! { <li key={s.clone()}>{s.clone()}</li> }) }
                </ul>
            }
            <ol class="experiment-steps">
                { for run.steps.iter().enumerate().map(|(n, step)| match run.lines.get(n) {
                    Some(line) => done_step(n, line, on),
                    None => {
                        let (door, operation) = match &step.action {
                            StepAction::Send { via: Via::Dax, operation, .. } => ("DAX", *operation),
                            StepAction::Send { via: Via::Direct, operation, .. } => ("DynamoDB", *operation),
                            StepAction::Ttls { .. } => ("settings", "TTLs"),
                            StepAction::Benchmark => ("benchmark", "read-heavy"),
                        };
                        html! {
                            <li key={n} class="step pending" data-testid="experiment-step" data-state="pending">
                                <span class="step-note">{step.note}</span>
                                <span class="step-door">{format!("{door} · {operation}")}</span>
                            </li>
                        }
                    }
                }) }
            </ol>
            {status}
            if let Some(verdict) = &run.verdict {
                <p class={classes!("experiment-verdict", if verdict.ok { "ok" } else { "failed" })}
                    role="status" data-testid="experiment-verdict" data-ok={verdict.ok.to_string()}>
                    <strong>{if verdict.ok { "Result: " } else { "Unexpected: " }}</strong>
                    {verdict.text.clone()}
                </p>
            }
        </div>
    }
}

fn done_step(n: usize, line: &StepLine, on: &Callback<DaxAction>) -> Html {
    let met = line.met.is_ok();
    let show_path = line.request_id.map(|id| {
        let onclick = on.reform(move |_| DaxAction::SelectRequest(id));
        html! {
            <button class="link-button" {onclick}
                aria-label={format!("Show the path of request {id}")}>{"path"}</button>
        }
    });
    html! {
        <li key={n} class={classes!("step", if met { "met" } else { "unmet" }, line.stale.then_some("stale"))}
            data-testid="experiment-step" data-state="done" data-stale={line.stale.to_string()}
            data-met={met.to_string()}>
            <span class="step-note">{line.note}</span>
            <span class="step-door">
                {format!("{} · {} at {}", line.door, line.operation, format_sim_time(line.at))}
            </span>
            <span class="step-what">{line.what.clone()}{" "}{show_path}</span>
            if !line.answer.is_empty() {
                <span class="step-answer" data-testid="step-answer">
                    {"Answer: "}<code>{line.answer.clone()}</code>
                    if line.stale {
                        <span class="stale-flag" data-testid="stale-flag">{"STALE"}</span>
                    }
                </span>
            }
            if let Err(why) = &line.met {
                <span class="step-unmet">{format!("✗ {why}")}</span>
            }
        </li>
    }
}
