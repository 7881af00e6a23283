//! Everything about the selected table: its details, the grid of its items one `Scan`
//! page at a time, the item editor, and the query/scan form.
//!
//! The component is keyed by the table's name, so choosing another table starts it afresh
//! (an item half-typed for one table makes no sense for another). The editor's text lives
//! here rather than in the editor because the grid's Edit buttons fill it.

use serde_json::{Value, json};
use yew::prelude::*;

use super::details::table_details;
use super::item_editor::{ItemEditor, key_template};
use super::items_table::{RowActions, item_table};
use super::query_form::QueryPanel;
use crate::requests::{Outcome, pretty};
use crate::state::{Action, Origin, Playground};
use crate::table_browser::{PAGE_SIZE, TableBrowser, TablesForm};
use crate::views::fields::{FormHandle, FormState, replace};
use crate::views::outcome::error_box;

#[derive(Properties, PartialEq)]
pub struct SelectedTableProps {
    pub dispatcher: UseReducerDispatcher<Playground>,
    pub browser: TableBrowser,
    pub item_outcome: Option<Outcome>,
    pub query_outcome: Option<Outcome>,
    pub delete_outcome: Option<Outcome>,
}

#[function_component(SelectedTable)]
pub fn selected_table(props: &SelectedTableProps) -> Html {
    let browser = &props.browser;
    let info = browser.info();
    let template = info
        .as_ref()
        .map(key_template)
        .unwrap_or_else(|| "{}".into());
    let editor: FormHandle<String> = use_reducer(move || FormState(template));
    let keys: Vec<String> = info
        .as_ref()
        .map(|i| i.key_names().into_iter().map(str::to_string).collect())
        .unwrap_or_default();

    let actions = info.as_ref().map(|info| {
        let on_edit = {
            let editor = editor.clone();
            Callback::from(move |item: Value| replace(&editor, pretty(&item)))
        };
        let on_delete = {
            let dispatcher = props.dispatcher.clone();
            let info = info.clone();
            Callback::from(move |item: Value| {
                let Some(key) = item.as_object().and_then(|item| info.key_of(item)) else {
                    return;
                };
                dispatcher.dispatch(Action::Execute {
                    origin: Origin::Tables(TablesForm::Item),
                    operation: "DeleteItem".into(),
                    request: json!({
                        "TableName": info.name,
                        "Key": key,
                        "ReturnConsumedCapacity": "TOTAL",
                    }),
                })
            })
        };
        RowActions { on_edit, on_delete }
    });
    let page_button = |action: Action| {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |_| dispatcher.dispatch(action.clone()))
    };

    html! {
        <div class="selected-table" data-testid="selected-table" data-table={browser.table.clone()}>
            {match (&info, &browser.description) {
                (Some(info), _) => html! {
                    {table_details(&props.dispatcher, info, props.delete_outcome.as_ref())}
                },
                (None, Err(error)) => html! {
                    <section class="panel table-details" data-testid="table-details">
                        <h2>{browser.table.clone()}</h2>
                        {error_box(error, "error")}
                    </section>
                },
                (None, Ok(description)) => html! {
                    <section class="panel table-details" data-testid="table-details">
                        <h2>{browser.table.clone()}</h2>
                        <p class="form-problem">{"DescribeTable returned a description without a key schema:"}</p>
                        <pre class="json">{pretty(description)}</pre>
                    </section>
                },
            }}
            <section class="panel items" aria-labelledby="items-title">
                <div class="panel-head">
                    <h2 id="items-title">{"Items"}</h2>
                    <span class="hint">{format!("Scan, {PAGE_SIZE} per page (Limit + ExclusiveStartKey)")}</span>
                </div>
                {match &browser.page {
                    Ok(_) => html! {
                        {item_table(browser.items(), &keys, "items-grid",
                            &format!("Items of {}", browser.table), actions.as_ref())}
                    },
                    Err(error) => error_box(error, "items-error"),
                }}
                if browser.items().is_empty() && browser.page.is_ok() {
                    <p class="empty-note" data-testid="items-empty">
                        {if browser.has_previous() { "No more items." } else { "This table has no items yet." }}
                    </p>
                }
                <nav class="pager" aria-label="Item pages">
                    <button data-testid="items-prev" disabled={!browser.has_previous()}
                        onclick={page_button(Action::PreviousItemsPage)}>{"← Previous page"}</button>
                    <span data-testid="items-page">{format!("Page {}", browser.page_number())}</span>
                    <button data-testid="items-next" disabled={browser.next_start().is_none()}
                        onclick={page_button(Action::NextItemsPage)}>{"Next page →"}</button>
                </nav>
            </section>
            <ItemEditor dispatcher={props.dispatcher.clone()} table={browser.table.clone()}
                editor={editor.clone()} outcome={props.item_outcome.clone()} />
            if let Some(info) = info {
                <QueryPanel dispatcher={props.dispatcher.clone()} {info}
                    outcome={props.query_outcome.clone()} />
            }
        </div>
    }
}
