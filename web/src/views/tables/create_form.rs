//! The create-table form: table name and keys, billing, and optionally one global and one
//! local secondary index. It shows the `CreateTable` request as it is being built and
//! DynamoDB's answer to it.

use yew::prelude::*;

use super::create_request::{CreateTableForm, IndexForm};
use crate::requests::Outcome;
use crate::state::{Action, Origin, Playground};
use crate::table_browser::TablesForm;
use crate::views::fields::{
    FormHandle, FormState, check_field, number_field, on_check, on_text, plain_options,
    select_field, text_field, text_field_hint,
};
use crate::views::outcome::{error_box, json_block};

/// The scalar types a key attribute may have.
pub fn key_types() -> Vec<(String, String)> {
    [
        ("S", "String (S)"),
        ("N", "Number (N)"),
        ("B", "Binary (B)"),
    ]
    .into_iter()
    .map(|(v, t)| (v.to_string(), t.to_string()))
    .collect()
}

#[derive(Properties, PartialEq)]
pub struct CreateTableProps {
    pub dispatcher: UseReducerDispatcher<Playground>,
    pub outcome: Option<Outcome>,
}

#[function_component(CreateTable)]
pub fn create_table(props: &CreateTableProps) -> Html {
    let form: FormHandle<CreateTableForm> = use_reducer(FormState::<CreateTableForm>::default);
    let values = &form.0;
    let request = values.to_request();
    let provisioned = values.billing == "PROVISIONED";
    let types = key_types();
    let onsubmit = {
        let dispatcher = props.dispatcher.clone();
        let request = request.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Ok(request) = &request {
                dispatcher.dispatch(Action::Execute {
                    origin: Origin::Tables(TablesForm::CreateTable),
                    operation: "CreateTable".into(),
                    request: request.clone(),
                });
            }
        })
    };
    html! {
        <section class="panel create-table" aria-labelledby="create-table-title">
            <h2 id="create-table-title">{"Create a table"}</h2>
            <form data-testid="create-table-form" {onsubmit}>
                {text_field_hint("Table name", &values.name, "create-table-name", "Music",
                    on_text(&form, |f, v| f.name = v))}
                <div class="field-row">
                    {text_field("Partition key", &values.hash.name, "create-pk-name",
                        on_text(&form, |f, v| f.hash.name = v))}
                    {select_field("Partition key type", &values.hash.scalar, "create-pk-type", &types,
                        on_text(&form, |f, v| f.hash.scalar = v))}
                </div>
                {check_field("Sort key", values.has_range, "create-has-sk",
                    on_check(&form, |f, c| f.has_range = c))}
                if values.has_range {
                    <div class="field-row">
                        {text_field("Sort key name", &values.range.name, "create-sk-name",
                            on_text(&form, |f, v| f.range.name = v))}
                        {select_field("Sort key type", &values.range.scalar, "create-sk-type", &types,
                            on_text(&form, |f, v| f.range.scalar = v))}
                    </div>
                }
                {select_field("Billing mode", &values.billing, "create-billing", &billing_modes(),
                    on_text(&form, |f, v| f.billing = v))}
                if provisioned {
                    <div class="field-row">
                        {number_field("Read capacity units", &values.read, "create-rcu",
                            on_text(&form, |f, v| f.read = v))}
                        {number_field("Write capacity units", &values.write, "create-wcu",
                            on_text(&form, |f, v| f.write = v))}
                    </div>
                }
                {index_fields(&form, true, provisioned)}
                {index_fields(&form, false, provisioned)}
                <h3 class="built-title">{"Request"}</h3>
                {match &request {
                    Ok(request) => html! {
                        {json_block(request, "create-table-request", "The CreateTable request")}
                    },
                    Err(problem) => html! {
                        <p class="form-problem" data-testid="form-problem" role="status">{problem.clone()}</p>
                    },
                }}
                <button type="submit" class="primary" data-testid="create-table-submit"
                    disabled={request.is_err()}>{"Create table"}</button>
            </form>
            {outcome_view(props.outcome.as_ref())}
        </section>
    }
}

fn billing_modes() -> Vec<(String, String)> {
    vec![
        ("PROVISIONED".to_string(), "Provisioned".to_string()),
        (
            "PAY_PER_REQUEST".to_string(),
            "On-demand (pay per request)".to_string(),
        ),
    ]
}

fn outcome_view(outcome: Option<&Outcome>) -> Html {
    let Some(outcome) = outcome else {
        return Html::default();
    };
    match &outcome.result {
        Ok(response) => {
            let name = response
                .pointer("/TableDescription/TableName")
                .and_then(|n| n.as_str())
                .unwrap_or_default();
            html! {
                <p class="success" role="status" data-testid="create-table-result">
                    {format!("Created table {name}.")}
                </p>
            }
        }
        Err(error) => error_box(error, "error"),
    }
}

/// The fields of the one GSI or LSI the form can add.
fn index_fields(form: &FormHandle<CreateTableForm>, global: bool, provisioned: bool) -> Html {
    let index: &IndexForm = if global { &form.0.gsi } else { &form.0.lsi };
    // Field setters are plain function pointers, so pick the index they act on here.
    macro_rules! set {
        (|$i:ident, $v:ident| $body:expr) => {
            if global {
                on_text(form, |f, $v| {
                    let $i = &mut f.gsi;
                    $body
                })
            } else {
                on_text(form, |f, $v| {
                    let $i = &mut f.lsi;
                    $body
                })
            }
        };
    }
    let (prefix, title, short) = if global {
        ("create-gsi", "Global secondary index", "GSI")
    } else {
        ("create-lsi", "Local secondary index", "LSI")
    };
    let toggle = if global {
        on_check(form, |f, c| f.gsi.enabled = c)
    } else {
        on_check(form, |f, c| f.lsi.enabled = c)
    };
    let id = |suffix: &str| format!("{prefix}-{suffix}");
    let types = key_types();
    html! {
        <fieldset class="index-fields">
            <legend>{title}</legend>
            {check_field(&format!("Add a {}", title.to_lowercase()), index.enabled, prefix, toggle)}
            if index.enabled {
                {text_field(&format!("{short} name"), &index.name, &id("name"), set!(|i, v| i.name = v))}
                if global {
                    <div class="field-row">
                        {text_field("GSI partition key", &index.hash.name, &id("pk-name"),
                            set!(|i, v| i.hash.name = v))}
                        {select_field("GSI partition key type", &index.hash.scalar, &id("pk-type"), &types,
                            set!(|i, v| i.hash.scalar = v))}
                    </div>
                    {check_field("GSI sort key", index.has_range, &id("has-sk"),
                        on_check(form, |f, c| f.gsi.has_range = c))}
                } else {
                    <p class="hint">{"An LSI shares the table's partition key and has its own sort key."}</p>
                }
                if index.has_range || !global {
                    <div class="field-row">
                        {text_field(&format!("{short} sort key"), &index.range.name, &id("sk-name"),
                            set!(|i, v| i.range.name = v))}
                        {select_field(&format!("{short} sort key type"), &index.range.scalar, &id("sk-type"),
                            &types, set!(|i, v| i.range.scalar = v))}
                    </div>
                }
                {select_field(&format!("{short} projection"), &index.projection, &id("projection"),
                    &plain_options(&["ALL", "KEYS_ONLY", "INCLUDE"]), set!(|i, v| i.projection = v))}
                if index.projection == "INCLUDE" {
                    {text_field(&format!("{short} non-key attributes (comma-separated)"),
                        &index.non_key_attributes, &id("nonkey"), set!(|i, v| i.non_key_attributes = v))}
                }
                if global && provisioned {
                    <div class="field-row">
                        {number_field("GSI read capacity units", &index.read, &id("rcu"), set!(|i, v| i.read = v))}
                        {number_field("GSI write capacity units", &index.write, &id("wcu"), set!(|i, v| i.write = v))}
                    </div>
                }
            }
        </fieldset>
    }
}
