//! The query/scan form and its results.
//!
//! Results show `Count` (items returned) beside `ScannedCount` (items read) and the
//! capacity consumed: a filter narrows the first but not the other two, which is the
//! lesson most people learn from their bill.

use serde_json::Value;
use yew::prelude::*;

use super::items_table::item_table;
use super::query_request::{FILTER_CONDITIONS, QueryForm, SORT_CONDITIONS};
use crate::dynamo_json::TableInfo;
use crate::requests::Outcome;
use crate::state::{Action, Origin, Playground};
use crate::table_browser::TablesForm;
use crate::views::fields::{
    FormHandle, FormState, check_field, number_field, on_check, on_text, plain_options,
    select_field, text_field, text_field_hint,
};
use crate::views::outcome::{capacity, error_box, json_block};

#[derive(Properties, PartialEq)]
pub struct QueryPanelProps {
    pub dispatcher: UseReducerDispatcher<Playground>,
    pub info: TableInfo,
    pub outcome: Option<Outcome>,
}

#[function_component(QueryPanel)]
pub fn query_panel(props: &QueryPanelProps) -> Html {
    let form: FormHandle<QueryForm> = use_reducer(FormState::<QueryForm>::default);
    let values = &form.0;
    let info = &props.info;
    let request = values.to_request(info);
    let (hash, range) = values.keys(info);
    let query = values.is_query();

    let mut targets = vec![(String::new(), format!("Table {}", info.name))];
    targets.extend(info.indexes.iter().map(|index| {
        let kind = if index.global { "GSI" } else { "LSI" };
        (index.name.clone(), format!("{kind} {}", index.name))
    }));
    let mut sort_conditions = vec![(String::new(), "No condition".to_string())];
    sort_conditions.extend(plain_options(&SORT_CONDITIONS));
    let filter_types = plain_options(&["S", "N", "BOOL"]);
    let filter_needs_value = !values.filter_condition.starts_with("attribute_");

    let onsubmit = {
        let dispatcher = props.dispatcher.clone();
        let request = request.clone();
        let operation = values.operation.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Ok(request) = &request {
                dispatcher.dispatch(Action::Execute {
                    origin: Origin::Tables(TablesForm::Query),
                    operation: operation.clone(),
                    request: request.clone(),
                });
            }
        })
    };

    html! {
        <section class="panel query" aria-labelledby="query-title">
            <h2 id="query-title">{"Query or scan"}</h2>
            <form data-testid="query-form" {onsubmit}>
                <div class="field-row">
                    {select_field("Operation", &values.operation, "query-operation",
                        &plain_options(&["Query", "Scan"]), on_text(&form, |f, v| f.operation = v))}
                    {select_field("Table or index", &values.index, "query-index", &targets,
                        on_text(&form, |f, v| {
                            // Another index has other keys: its sort-key condition starts over.
                            f.index = v;
                            f.sort_condition.clear();
                        }))}
                </div>
                if query {
                    {text_field(&format!("Partition key {} ({}) =", hash.name, hash.scalar),
                        &values.partition, "query-pk", on_text(&form, |f, v| f.partition = v))}
                    if let Some(range) = range {
                        <div class="field-row">
                            {select_field(&format!("Sort key {} ({})", range.name, range.scalar),
                                &values.sort_condition, "query-sk-op", &sort_conditions,
                                on_text(&form, |f, v| f.sort_condition = v))}
                            if !values.sort_condition.is_empty() {
                                {text_field(if values.sort_condition == "BETWEEN" { "From" } else { "Value" },
                                    &values.sort_value, "query-sk-value",
                                    on_text(&form, |f, v| f.sort_value = v))}
                            }
                            if values.sort_condition == "BETWEEN" {
                                {text_field("To", &values.sort_value2, "query-sk-value2",
                                    on_text(&form, |f, v| f.sort_value2 = v))}
                            }
                        </div>
                    }
                }
                <div class="field-row">
                    {text_field_hint("Filter attribute", &values.filter_attribute, "query-filter-attr",
                        "(no filter)", on_text(&form, |f, v| f.filter_attribute = v))}
                    {select_field("Filter condition", &values.filter_condition, "query-filter-op",
                        &plain_options(&FILTER_CONDITIONS), on_text(&form, |f, v| f.filter_condition = v))}
                    if filter_needs_value {
                        {select_field("Filter value type", &values.filter_type, "query-filter-type",
                            &filter_types, on_text(&form, |f, v| f.filter_type = v))}
                        {text_field("Filter value", &values.filter_value, "query-filter-value",
                            on_text(&form, |f, v| f.filter_value = v))}
                    }
                </div>
                <div class="field-row">
                    if query {
                        {check_field("ScanIndexForward (ascending)", values.forward, "query-forward",
                            on_check(&form, |f, c| f.forward = c))}
                    }
                    {number_field("Limit", &values.limit, "query-limit", on_text(&form, |f, v| f.limit = v))}
                    {check_field("ConsistentRead", values.consistent, "query-consistent",
                        on_check(&form, |f, c| f.consistent = c))}
                </div>
                <h3 class="built-title">{"Request"}</h3>
                {match &request {
                    Ok(request) => html! {
                        {json_block(request, "built-request", &format!("The {} request", values.operation))}
                    },
                    Err(problem) => html! {
                        <p class="form-problem" role="status" data-testid="form-problem">{problem.clone()}</p>
                    },
                }}
                <button type="submit" class="primary" data-testid="query-run" disabled={request.is_err()}>
                    {format!("Run {}", values.operation)}
                </button>
                {results(props.outcome.as_ref(), info)}
            </form>
        </section>
    }
}

fn results(outcome: Option<&Outcome>, info: &TableInfo) -> Html {
    let Some(outcome) = outcome else {
        return Html::default();
    };
    let response = match &outcome.result {
        Ok(response) => response,
        Err(error) => return error_box(error, "error"),
    };
    let count = |member: &str| {
        response
            .get(member)
            .map(Value::to_string)
            .unwrap_or_default()
    };
    let items = response
        .get("Items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let index = outcome
        .request
        .get("IndexName")
        .and_then(Value::as_str)
        .and_then(|n| info.index(n));
    // Key columns first: the index's keys, then the table's.
    let mut keys: Vec<String> = Vec::new();
    let index_keys = index.map(|i| std::iter::once(&i.hash).chain(i.range.as_ref()));
    for part in index_keys
        .into_iter()
        .flatten()
        .chain(std::iter::once(&info.hash))
        .chain(info.range.as_ref())
    {
        if !keys.contains(&part.name) {
            keys.push(part.name.clone());
        }
    }
    html! {
        <div class="query-results" data-testid="query-results">
            <dl class="counts">
                <dt>{"Count"}</dt><dd data-testid="query-count">{count("Count")}</dd>
                <dt>{"ScannedCount"}</dt><dd data-testid="query-scanned-count">{count("ScannedCount")}</dd>
            </dl>
            if let Some(consumed) = outcome.consumed_capacity() {
                {capacity(consumed, "query-capacity")}
            }
            {item_table(&items, &keys, "query-items", &format!("{} results", outcome.operation), None)}
            if let Some(last) = response.get("LastEvaluatedKey") {
                <p class="hint">{"LastEvaluatedKey (more may remain):"}</p>
                {json_block(last, "query-last-key", "LastEvaluatedKey")}
            }
        </div>
    }
}
