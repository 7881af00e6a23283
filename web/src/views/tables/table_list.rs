//! The list of tables: name, status and item count, in name order (as `ListTables`
//! returns them). Choosing one opens it.

use dynaplay_world::World;
use yew::prelude::*;

/// One table as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    pub name: String,
    pub status: &'static str,
    pub item_count: u64,
}

impl TableSummary {
    /// Every table in the world, by name. Read-only: this looks at the engine's state
    /// without sending a request, so drawing the list costs no capacity.
    pub fn all(world: &World) -> Vec<TableSummary> {
        world
            .dynamo()
            .tables()
            .map(|table| TableSummary {
                name: table.name().to_string(),
                status: table.def.status.name(),
                item_count: table.item_count(),
            })
            .collect()
    }
}

/// The tables, each a button that selects it.
pub fn table_list(
    summaries: &[TableSummary],
    selected: Option<&str>,
    on_select: &Callback<String>,
) -> Html {
    html! {
        <section class="panel table-list" aria-labelledby="table-list-title">
            <h2 id="table-list-title">{"Tables"}</h2>
            if summaries.is_empty() {
                <p class="empty-note" data-testid="table-list">{"No tables yet."}</p>
            } else {
                <ul data-testid="table-list">
                    { for summaries.iter().map(|summary| {
                        let name = summary.name.clone();
                        let on_select = on_select.clone();
                        let current = selected == Some(summary.name.as_str());
                        let items = if summary.item_count == 1 {
                            "1 item".to_string()
                        } else {
                            format!("{} items", summary.item_count)
                        };
                        html! {
                            <li key={summary.name.clone()} data-testid={format!("table-row-{}", summary.name)}>
                                <button
                                    class="table-link"
                                    aria-current={current.then_some("true")}
                                    onclick={Callback::from(move |_| on_select.emit(name.clone()))}
                                >{summary.name.clone()}</button>
                                <span class="table-meta">{format!("{} · {items}", summary.status)}</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
