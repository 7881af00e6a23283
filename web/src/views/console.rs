//! The Console view: any DynamoDB operation, written as JSON.
//!
//! Pick an operation, edit its request — the same JSON `aws dynamodb <op>
//! --cli-input-json` takes, starting from a template — and run it. The response comes back
//! pretty printed with the capacity it consumed pulled out, or DynamoDB's error word for
//! word. Every run is kept in a history, newest first, and can be run again exactly as it
//! was sent.
//!
//! Text that is not JSON is caught here and never sent: the message says where the JSON
//! broke, and nothing else changes — no history entry, no request. (A body that is JSON but
//! the wrong shape is sent, and DynamoDB's own SerializationException or
//! ValidationException is the lesson.)

mod templates;

use std::rc::Rc;

use dynaplay_world::dynamo::OPERATIONS;
use serde_json::Value;
use yew::prelude::*;

use crate::console_history::{ConsoleHistory, HistoryEntry};
use crate::requests::{Outcome, pretty};
use crate::state::{Action, Origin, Playground};
use crate::views::fields::{
    FormHandle, FormState, json_field, on_text, plain_options, replace, select_field,
};
use crate::views::outcome::{capacity, error_box, json_block};
use templates::template;

/// What the console's editor holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleDraft {
    pub operation: String,
    pub text: String,
}

impl Default for ConsoleDraft {
    fn default() -> Self {
        let operation = OPERATIONS.first().copied().unwrap_or("ListTables");
        ConsoleDraft {
            operation: operation.into(),
            text: template(operation).into(),
        }
    }
}

/// The editor's text as a request body, or a message saying why it is not JSON.
pub fn parse_draft(text: &str) -> Result<Value, String> {
    serde_json::from_str(text)
        .map_err(|e| format!("The request is not valid JSON: {e}. Nothing was sent."))
}

#[derive(Properties, PartialEq)]
pub struct ConsoleViewProps {
    pub dispatcher: UseReducerDispatcher<Playground>,
    pub history: Rc<ConsoleHistory>,
}

#[function_component(ConsoleView)]
pub fn console_view(props: &ConsoleViewProps) -> Html {
    let draft: FormHandle<ConsoleDraft> = use_reducer(FormState::<ConsoleDraft>::default);
    let problem = use_state(|| None::<String>);
    let onsubmit = {
        let dispatcher = props.dispatcher.clone();
        let draft = draft.0.clone();
        let problem = problem.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            match parse_draft(&draft.text) {
                Ok(request) => {
                    problem.set(None);
                    dispatcher.dispatch(Action::Execute {
                        origin: Origin::Console,
                        operation: draft.operation.clone(),
                        request,
                    });
                }
                Err(message) => problem.set(Some(message)),
            }
        })
    };
    let on_operation = on_text(&draft, |d, operation| {
        // A new operation starts from its template: the old body would not fit it.
        d.text = template(&operation).into();
        d.operation = operation;
    });
    let on_load = {
        let draft = draft.clone();
        let problem = problem.clone();
        Callback::from(move |entry: HistoryEntry| {
            problem.set(None);
            replace(
                &draft,
                ConsoleDraft {
                    operation: entry.outcome.operation.clone(),
                    text: pretty(&entry.outcome.request),
                },
            );
        })
    };
    let on_rerun = {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |entry: HistoryEntry| {
            dispatcher.dispatch(Action::Execute {
                origin: Origin::Console,
                operation: entry.outcome.operation,
                request: entry.outcome.request,
            })
        })
    };

    html! {
        <section class="console-view" data-testid="console-view">
            <h1 id="view-title" data-testid="view-title">{"Console"}</h1>
            <p class="lede">
                {"Run any DynamoDB operation. The request is the JSON "}
                <code>{"aws dynamodb <operation> --cli-input-json"}</code>
                {" accepts; the response is what an SDK receives."}
            </p>
            <div class="console-layout">
                <form class="panel console-editor" data-testid="console-form" {onsubmit}>
                    {select_field("Operation", &draft.0.operation, "console-operation",
                        &plain_options(OPERATIONS), on_operation)}
                    {json_field("Request (JSON)", &draft.0.text, "console-request", 18,
                        on_text(&draft, |d, v| d.text = v))}
                    if let Some(message) = &*problem {
                        <p class="form-problem" role="alert" data-testid="console-json-error">{message.clone()}</p>
                    }
                    <button type="submit" class="primary" data-testid="console-run">
                        {format!("Run {}", draft.0.operation)}
                    </button>
                </form>
                <div class="console-output">
                    {latest_outcome(props.history.latest())}
                    {history(props.history.entries(), &on_rerun, &on_load)}
                </div>
            </div>
        </section>
    }
}

/// The newest run's response or error.
fn latest_outcome(entry: Option<&HistoryEntry>) -> Html {
    let Some(entry) = entry else {
        return html! {
            <section class="panel" aria-labelledby="console-response-title">
                <h2 id="console-response-title">{"Response"}</h2>
                <p class="empty-note">{"Run a request to see DynamoDB's response here."}</p>
            </section>
        };
    };
    let outcome: &Outcome = &entry.outcome;
    html! {
        <section class="panel" aria-labelledby="console-response-title">
            <h2 id="console-response-title">{format!("Response to {}", outcome.operation)}</h2>
            {match &outcome.result {
                Ok(response) => html! {
                    <>
                        if let Some(consumed) = outcome.consumed_capacity() {
                            {capacity(consumed, "console-capacity")}
                        }
                        {json_block(response, "console-response", "Response")}
                    </>
                },
                Err(error) => error_box(error, "console-error"),
            }}
        </section>
    }
}

fn history(
    entries: &[HistoryEntry],
    on_rerun: &Callback<HistoryEntry>,
    on_load: &Callback<HistoryEntry>,
) -> Html {
    html! {
        <section class="panel" aria-labelledby="console-history-title">
            <h2 id="console-history-title">{"History"}</h2>
            if entries.is_empty() {
                <p class="empty-note" data-testid="console-history">{"Nothing run yet."}</p>
            } else {
                <ol class="history" data-testid="console-history">
                    { for entries.iter().map(|entry| {
                        let rerun = {
                            let callback = on_rerun.clone();
                            let entry = entry.clone();
                            Callback::from(move |_| callback.emit(entry.clone()))
                        };
                        let load = {
                            let callback = on_load.clone();
                            let entry = entry.clone();
                            Callback::from(move |_| callback.emit(entry.clone()))
                        };
                        let outcome = &entry.outcome;
                        let (status, class) = match &outcome.result {
                            Ok(_) => ("OK".to_string(), "ok"),
                            Err(error) => (error.kind.name().to_string(), "failed"),
                        };
                        html! {
                            <li key={entry.id} data-testid="history-entry" class={class}>
                                <span class="history-op">{outcome.operation.clone()}</span>
                                <span class="history-status" data-testid="history-status">{status}</span>
                                <code class="history-request" title={pretty(&outcome.request)}>
                                    {crate::dynamo_json::truncate(&outcome.request.to_string(), 60)}
                                </code>
                                <button data-testid="history-rerun"
                                    aria-label={format!("Run {} #{} again", outcome.operation, entry.id)}
                                    onclick={rerun}>{"Re-run"}</button>
                                <button data-testid="history-load"
                                    aria-label={format!("Load {} #{} into the editor", outcome.operation, entry.id)}
                                    onclick={load}>{"Edit"}</button>
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn drafts_start_from_the_first_operations_template() {
        let draft = ConsoleDraft::default();
        assert_eq!(draft.operation, OPERATIONS[0]);
        assert!(parse_draft(&draft.text).is_ok());
    }

    #[wasm_bindgen_test]
    fn invalid_json_says_where_it_broke() {
        let message = parse_draft("{\"TableName\": }").unwrap_err();
        assert!(
            message
                .starts_with("The request is not valid JSON: expected value at line 1 column 15"),
            "{message}"
        );
        assert!(message.ends_with("Nothing was sent."));
    }
}
