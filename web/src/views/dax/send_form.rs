//! Sending one's own requests, through DAX or straight to DynamoDB.
//!
//! The experiments show DAX's rules in a fixed order; this form lets a learner poke at
//! them in any order. Pick an operation, edit its JSON (it starts from a request on the
//! lab table, but any table works), and send it through the cluster on screen or around
//! it. The answer comes back as DynamoDB's JSON, with DAX's account of the request when it
//! went through DAX — which node, which cache, hit or miss, and whether the answer is
//! stale — so sending the same request both ways shows the difference at once.

use serde_json::Value;
use yew::prelude::*;

use super::format::short;
use super::lab::{Door, LAB_TABLE};
use super::paths::route_name;
use super::state::{DaxAction, Sent};
use crate::views::console::parse_draft;
use crate::views::fields::{
    FormHandle, FormState, json_field, on_text, plain_options, select_field,
};
use crate::views::outcome::{error_box, json_block};

/// The operations DAX serves or forwards, reads first.
pub const DATA_OPERATIONS: &[&str] = &[
    "GetItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "TransactGetItems",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
];

/// A request on the lab table to start from.
pub fn template(operation: &str) -> String {
    let key = r#"{"pk": {"S": "demo"}, "sk": {"S": "a"}}"#;
    let item = r#"{"pk": {"S": "demo"}, "sk": {"S": "a"}, "price": {"N": "1"}}"#;
    let t = LAB_TABLE;
    let body = match operation {
        "GetItem" => format!(r#"{{"TableName": "{t}", "Key": {key}, "ConsistentRead": false}}"#),
        "Query" => format!(
            r#"{{"TableName": "{t}", "KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {{":pk": {{"S": "demo"}}}}}}"#
        ),
        "Scan" => format!(r#"{{"TableName": "{t}"}}"#),
        "BatchGetItem" => format!(
            r#"{{"RequestItems": {{"{t}": {{"Keys": [{key}, {{"pk": {{"S": "demo"}}, "sk": {{"S": "b"}}}}]}}}}}}"#
        ),
        "TransactGetItems" => {
            format!(r#"{{"TransactItems": [{{"Get": {{"TableName": "{t}", "Key": {key}}}}}]}}"#)
        }
        "PutItem" => format!(r#"{{"TableName": "{t}", "Item": {item}}}"#),
        "UpdateItem" => format!(
            r#"{{"TableName": "{t}", "Key": {key}, "UpdateExpression": "SET price = :p", "ExpressionAttributeValues": {{":p": {{"N": "2"}}}}}}"#
        ),
        "DeleteItem" => format!(r#"{{"TableName": "{t}", "Key": {key}}}"#),
        "BatchWriteItem" => format!(
            r#"{{"RequestItems": {{"{t}": [{{"PutRequest": {{"Item": {{"pk": {{"S": "demo"}}, "sk": {{"S": "b"}}, "price": {{"N": "2"}}}}}}}}]}}}}"#
        ),
        "TransactWriteItems" => {
            format!(r#"{{"TransactItems": [{{"Put": {{"TableName": "{t}", "Item": {item}}}}}]}}"#)
        }
        _ => "{}".to_string(),
    };
    // Re-printed so every template reads the same way the console's do.
    serde_json::from_str::<Value>(&body)
        .map(|v| crate::requests::pretty(&v))
        .unwrap_or(body)
}

#[derive(Debug, Clone, PartialEq)]
struct Draft {
    operation: String,
    text: String,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            operation: "GetItem".into(),
            text: template("GetItem"),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct SendFormProps {
    pub on: Callback<DaxAction>,
    /// The cluster on screen, which requests through DAX go to.
    pub cluster: Option<String>,
    pub sent: Option<Sent>,
    pub lab_ready: bool,
}

#[function_component(SendForm)]
pub fn send_form(props: &SendFormProps) -> Html {
    let draft: FormHandle<Draft> = use_reducer(FormState::<Draft>::default);
    let problem = use_state(|| None::<String>);
    let send = |door: Option<Door>| {
        let on = props.on.clone();
        let draft = draft.0.clone();
        let problem = problem.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(door) = door.clone() else { return };
            match parse_draft(&draft.text) {
                Ok(request) => {
                    problem.set(None);
                    on.emit(DaxAction::Send {
                        door,
                        operation: draft.operation.clone(),
                        request,
                    });
                }
                Err(message) => problem.set(Some(message)),
            }
        })
    };
    let via_dax = send(props.cluster.clone().map(Door::Dax));
    let direct = send(Some(Door::Direct));
    let on_operation = on_text(&draft, |d, operation| {
        d.text = template(&operation);
        d.operation = operation;
    });
    let onsubmit = Callback::from(|event: SubmitEvent| event.prevent_default());
    let set_up = props.on.reform(|_| DaxAction::SetUpLab);
    html! {
        <section class="panel dax-send" aria-labelledby="send-title">
            <h2 id="send-title">{"Send a request"}</h2>
            if !props.lab_ready || props.cluster.is_none() {
                <p class="hint">
                    {format!("The templates use the table {LAB_TABLE}. ")}
                    <button class="link-button" data-testid="set-up-lab" onclick={set_up}>
                        {"Set up the lab table and cluster"}
                    </button>
                </p>
            }
            <form {onsubmit} data-testid="dax-send-form">
                {select_field("Operation", &draft.0.operation, "dax-operation",
                    &plain_options(DATA_OPERATIONS), on_operation)}
                {json_field("Request (JSON)", &draft.0.text, "dax-request", 8,
                    on_text(&draft, |d, v| d.text = v))}
                if let Some(message) = &*problem {
                    <p class="form-problem" role="alert" data-testid="dax-json-error">{message.clone()}</p>
                }
                <div class="send-buttons">
                    <button type="button" class="primary" data-testid="send-dax" onclick={via_dax}
                        disabled={props.cluster.is_none()}>
                        {match &props.cluster {
                            Some(cluster) => format!("Send through DAX ({cluster})"),
                            None => "Send through DAX".to_string(),
                        }}
                    </button>
                    <button type="button" data-testid="send-direct" onclick={direct}>
                        {"Send straight to DynamoDB"}
                    </button>
                </div>
                <p class="hint">{"Add \"ConsistentRead\": true to a read to see DAX pass it through."}</p>
            </form>
            {sent_view(props.sent.as_ref())}
        </section>
    }
}

fn sent_view(sent: Option<&Sent>) -> Html {
    let Some(sent) = sent else {
        return Html::default();
    };
    html! {
        <div class="sent" data-testid="dax-sent" data-number={sent.number.to_string()} data-door={match sent.door { Door::Dax(_) => "dax", Door::Direct => "direct" }}>
            <h3>{format!("{} {}", sent.operation, sent.door.label())}</h3>
            if let Some(record) = &sent.record {
                <p class={classes!("sent-path", route_name(record.route), record.stale.then_some("stale"))}
                    data-testid="dax-sent-path" data-route={route_name(record.route)}
                    data-stale={record.stale.to_string()}>
                    {format!("{record} · {}", short(record.latency))}
                    if record.stale {
                        {" "}<span class="stale-flag">{"STALE"}</span>
                    }
                </p>
            } else if sent.result.is_ok() {
                <p class="sent-path" data-testid="dax-sent-path" data-route="direct">
                    {"client → DynamoDB: answered by the table itself."}
                </p>
            }
            {match &sent.result {
                Ok(response) => json_block(response, "dax-response", "Response"),
                Err(error) => error_box(error, "dax-error"),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn every_template_is_json_naming_the_lab_table() {
        for operation in DATA_OPERATIONS {
            let text = template(operation);
            let parsed: Value = serde_json::from_str(&text).unwrap();
            assert!(text.contains(LAB_TABLE), "{operation}: {text}");
            assert!(parsed.is_object(), "{operation}");
        }
    }
}
