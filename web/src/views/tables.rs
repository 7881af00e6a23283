//! The Tables view: the account's tables, a form to create one, and for the selected
//! table its keys, billing and indexes, a page-by-page grid of its items, an item editor
//! and a query/scan form.
//!
//! Everything here is a request a learner could have written: each form shows the JSON it
//! builds, sends it through the same door as the console, and shows DynamoDB's response or
//! its error word for word. The grid reads with `Scan` pages, like any client must.

mod create_form;
mod create_request;
mod details;
mod item_editor;
mod items_table;
mod query_form;
mod query_request;
mod selected;
mod table_list;

use std::rc::Rc;

use yew::prelude::*;

use crate::state::{Action, Playground};
use crate::table_browser::TablesState;
use create_form::CreateTable;
use details::delete_outcome_view;
use selected::SelectedTable;
pub use table_list::TableSummary;
use table_list::table_list;

#[derive(Properties, PartialEq)]
pub struct TablesViewProps {
    pub dispatcher: UseReducerDispatcher<Playground>,
    pub tables: Rc<TablesState>,
    /// Every table, by name.
    pub summaries: Vec<TableSummary>,
}

#[function_component(TablesView)]
pub fn tables_view(props: &TablesViewProps) -> Html {
    let tables = &props.tables;
    let on_select = {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |name: String| dispatcher.dispatch(Action::SelectTable(name)))
    };
    html! {
        <section class="tables-view" data-testid="tables-view">
            <h1 id="view-title" data-testid="view-title">{"Tables"}</h1>
            <div class="tables-layout">
                <div class="tables-side">
                    {table_list(&props.summaries, tables.selected(), &on_select)}
                    <CreateTable
                        dispatcher={props.dispatcher.clone()}
                        outcome={tables.create_table.clone()}
                    />
                </div>
                <div class="tables-main">
                    if let Some(browser) = &tables.browser {
                        <SelectedTable
                            key={browser.table.clone()}
                            dispatcher={props.dispatcher.clone()}
                            browser={browser.clone()}
                            item_outcome={tables.item.clone()}
                            query_outcome={tables.query.clone()}
                            delete_outcome={tables.delete_table.clone()}
                        />
                    } else {
                        <p class="empty-note" data-testid="no-table-selected">
                            {"Select a table to see its items, or create one."}
                        </p>
                        {delete_outcome_view(tables.delete_table.as_ref())}
                    }
                </div>
            </div>
        </section>
    }
}
