//! How a request's result is shown: an error exactly as DynamoDB words it, JSON pretty
//! printed, and the capacity a request consumed.
//!
//! Errors are shown verbatim — the exception's name, then AWS's message byte for byte,
//! then anything else the error carries (a cancelled transaction's reasons, the item a
//! failed condition was checked against). A learner who searches for the message finds
//! what people say about the real service.

use dynaplay_world::dynamo::DynamoError;
use serde_json::Value;
use yew::prelude::*;

use crate::requests::pretty;

/// An error as DynamoDB words it, under `data-testid={testid}`.
pub fn error_box(error: &DynamoError, testid: &str) -> Html {
    let mut extra = error.to_wire();
    if let Some(members) = extra.as_object_mut() {
        for shown in ["__type", "message", "Message"] {
            members.remove(shown);
        }
    }
    let has_extra = extra.as_object().is_some_and(|m| !m.is_empty());
    html! {
        <div class="error" role="alert" data-testid={testid.to_string()}>
            <strong class="error-name" data-testid="error-name">{error.kind.name()}</strong>
            if !error.message.is_empty() {
                <span class="error-message" data-testid="error-message">{error.message.clone()}</span>
            }
            if has_extra {
                <pre class="json">{pretty(&extra)}</pre>
            }
        </div>
    }
}

/// JSON, pretty printed, in a focusable block (so it can be scrolled from the keyboard).
pub fn json_block(value: &Value, testid: &str, label: &str) -> Html {
    html! {
        <pre
            class="json"
            data-testid={testid.to_string()}
            aria-label={(!label.is_empty()).then(|| label.to_string())}
            tabindex="0"
        >{pretty(value)}</pre>
    }
}

/// `ConsumedCapacity` in words: `1.5 RCU on Songs`, one entry per table for batches.
pub fn capacity_summary(consumed: &Value) -> String {
    let entries: Vec<&Value> = match consumed {
        Value::Array(list) => list.iter().collect(),
        single => vec![single],
    };
    let parts: Vec<String> = entries
        .into_iter()
        .map(|entry| {
            let units = entry
                .get("CapacityUnits")
                .map(number)
                .unwrap_or_else(|| "?".into());
            let kinds: Vec<String> = [
                ("ReadCapacityUnits", "read"),
                ("WriteCapacityUnits", "write"),
            ]
            .into_iter()
            .filter_map(|(member, word)| entry.get(member).map(|n| format!("{} {word}", number(n))))
            .collect();
            let table = entry
                .get("TableName")
                .and_then(Value::as_str)
                .unwrap_or("?");
            if kinds.is_empty() {
                format!("{units} capacity units on {table}")
            } else {
                format!("{units} capacity units ({}) on {table}", kinds.join(", "))
            }
        })
        .collect();
    parts.join("; ")
}

fn number(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// The capacity a request consumed, highlighted: it is what a request costs.
pub fn capacity(consumed: &Value, testid: &str) -> Html {
    html! {
        <p class="capacity" data-testid={testid.to_string()}>
            <span class="capacity-label">{"Consumed capacity: "}</span>
            <strong>{capacity_summary(consumed)}</strong>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn capacity_in_words() {
        assert_eq!(
            capacity_summary(&json!({"TableName": "Songs", "CapacityUnits": 0.5})),
            "0.5 capacity units on Songs"
        );
        assert_eq!(
            capacity_summary(&json!([
                {"TableName": "a", "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0},
                {"TableName": "b", "CapacityUnits": 1}
            ])),
            "2.0 capacity units (2.0 read) on a; 1 capacity units on b"
        );
    }
}
