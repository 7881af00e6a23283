//! A table's vital facts, read from `DescribeTable`: its primary key, how it is billed,
//! and its secondary indexes with their keys and projections. Also the button that
//! deletes it, and what came of that.

use serde_json::json;
use yew::prelude::*;

use crate::dynamo_json::{IndexInfo, KeyPart, TableInfo};
use crate::requests::Outcome;
use crate::state::{Action, Origin, Playground};
use crate::table_browser::TablesForm;
use crate::views::outcome::error_box;

fn key_text(hash: &KeyPart, range: Option<&KeyPart>) -> String {
    let mut text = format!("{} ({}) partition key", hash.name, hash.scalar);
    if let Some(range) = range {
        text.push_str(&format!(", {} ({}) sort key", range.name, range.scalar));
    }
    text
}

/// How a table is billed, in words.
pub fn billing_text(info: &TableInfo) -> String {
    match (info.billing.as_str(), info.throughput) {
        ("PAY_PER_REQUEST", _) => "On-demand (pay per request)".into(),
        (_, Some((read, write))) => format!("Provisioned: {read} RCU, {write} WCU"),
        (mode, None) => mode.to_string(),
    }
}

fn index_text(index: &IndexInfo) -> String {
    let mut projection = index.projection.clone();
    if !index.non_key_attributes.is_empty() {
        projection.push_str(&format!(" ({})", index.non_key_attributes.join(", ")));
    }
    let mut text = format!(
        "{}: {}; projection {projection}",
        if index.global { "GSI" } else { "LSI" },
        key_text(&index.hash, index.range.as_ref()),
    );
    if let Some((read, write)) = index.throughput {
        text.push_str(&format!("; {read} RCU, {write} WCU"));
    }
    text
}

/// The table's facts and its Delete button.
pub fn table_details(
    dispatcher: &UseReducerDispatcher<Playground>,
    info: &TableInfo,
    delete_outcome: Option<&Outcome>,
) -> Html {
    let on_delete = {
        let dispatcher = dispatcher.clone();
        let name = info.name.clone();
        Callback::from(move |_| {
            dispatcher.dispatch(Action::Execute {
                origin: Origin::Tables(TablesForm::DeleteTable),
                operation: "DeleteTable".into(),
                request: json!({ "TableName": name }),
            })
        })
    };
    let counts = match (info.item_count, info.size_bytes) {
        (Some(items), Some(bytes)) => format!("{items} items, {bytes} bytes"),
        (Some(items), None) => format!("{items} items"),
        _ => String::new(),
    };
    html! {
        <section class="panel table-details" data-testid="table-details" aria-labelledby="table-details-title">
            <div class="panel-head">
                <h2 id="table-details-title">{info.name.clone()}</h2>
                <span class="badge">{info.status.clone()}</span>
                <button class="danger" data-testid="delete-table"
                    aria-label={format!("Delete table {}", info.name)}
                    onclick={on_delete}>{"Delete table"}</button>
            </div>
            <dl class="facts">
                <dt>{"Primary key"}</dt>
                <dd data-testid="table-keys">{key_text(&info.hash, info.range.as_ref())}</dd>
                <dt>{"Billing"}</dt>
                <dd data-testid="table-billing">{billing_text(info)}</dd>
                if !counts.is_empty() {
                    <dt>{"Size"}</dt>
                    <dd data-testid="table-size">{counts}</dd>
                }
                <dt>{"Indexes"}</dt>
                <dd>
                    if info.indexes.is_empty() {
                        <span data-testid="table-indexes">{"None"}</span>
                    } else {
                        <ul class="index-list" data-testid="table-indexes">
                            { for info.indexes.iter().map(|index| html! {
                                <li key={index.name.clone()} data-testid={format!("index-{}", index.name)}>
                                    <strong>{index.name.clone()}</strong>{" "}{index_text(index)}
                                </li>
                            }) }
                        </ul>
                    }
                </dd>
            </dl>
            {delete_outcome_view(delete_outcome)}
        </section>
    }
}

/// What the last DeleteTable did.
pub fn delete_outcome_view(outcome: Option<&Outcome>) -> Html {
    let Some(outcome) = outcome else {
        return Html::default();
    };
    let name = outcome
        .request
        .get("TableName")
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    match &outcome.result {
        Ok(_) => html! {
            <p class="success" role="status" data-testid="delete-table-result">
                {format!("Deleted table {name}.")}
            </p>
        },
        Err(error) => html! {
            <div data-testid="delete-table-outcome">{error_box(error, "error")}</div>
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn facts_in_words() {
        let hash = KeyPart {
            name: "pk".into(),
            scalar: "S".into(),
        };
        let range = KeyPart {
            name: "n".into(),
            scalar: "N".into(),
        };
        assert_eq!(
            key_text(&hash, Some(&range)),
            "pk (S) partition key, n (N) sort key"
        );
        let index = IndexInfo {
            name: "g".into(),
            global: true,
            hash: hash.clone(),
            range: None,
            projection: "INCLUDE".into(),
            non_key_attributes: vec!["a".into(), "b".into()],
            throughput: Some((1, 2)),
            item_count: None,
        };
        assert_eq!(
            index_text(&index),
            "GSI: pk (S) partition key; projection INCLUDE (a, b); 1 RCU, 2 WCU"
        );
    }
}
