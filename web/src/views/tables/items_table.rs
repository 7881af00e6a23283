//! Items as a grid of typed cells.
//!
//! DynamoDB items have no fixed columns: each carries its own attributes. The grid's
//! columns are the key attributes first, then every other attribute any item on the page
//! has, in name order; an item without an attribute leaves that cell empty — which is
//! itself worth seeing. Each cell shows the value's type beside it, and its full DynamoDB
//! JSON on hover.

use std::collections::BTreeSet;

use serde_json::Value;
use yew::prelude::*;

use crate::dynamo_json::cell;

/// The grid's columns: `keys` first, then the other attribute names in order.
pub fn columns(keys: &[String], items: &[Value]) -> Vec<String> {
    let others: BTreeSet<&str> = items
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|item| item.keys())
        .map(String::as_str)
        .filter(|name| !keys.iter().any(|k| k == name))
        .collect();
    keys.iter()
        .cloned()
        .chain(others.into_iter().map(str::to_string))
        .collect()
}

/// What a row's buttons do.
#[derive(Clone, PartialEq)]
pub struct RowActions {
    pub on_edit: Callback<Value>,
    pub on_delete: Callback<Value>,
}

/// A grid of `items`; `keys` (partition key first) are the first columns.
pub fn item_table(
    items: &[Value],
    keys: &[String],
    testid: &str,
    caption: &str,
    actions: Option<&RowActions>,
) -> Html {
    let columns = columns(keys, items);
    html! {
        <div class="grid-scroll">
            <table class="items" data-testid={testid.to_string()}>
                <caption class="visually-hidden">{caption.to_string()}</caption>
                <thead>
                    <tr>
                        { for columns.iter().map(|name| {
                            let key = keys.contains(name);
                            html! {
                                <th key={name.clone()} scope="col" class={classes!(key.then_some("key-column"))}>
                                    {name.clone()}
                                </th>
                            }
                        }) }
                        if actions.is_some() {
                            <th scope="col"><span class="visually-hidden">{"Actions"}</span></th>
                        }
                    </tr>
                </thead>
                <tbody>
                    { for items.iter().enumerate().map(|(row, item)| {
                        html! {
                            <tr key={row_key(row, item, keys)} data-testid="item-row">
                                { for columns.iter().map(|name| render_cell(name, item.get(name))) }
                                if let Some(actions) = actions {
                                    {row_actions(actions, item, row)}
                                }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// A row's key: its primary key's JSON, unique within a page of one table.
fn row_key(row: usize, item: &Value, keys: &[String]) -> String {
    let key: Vec<String> = keys
        .iter()
        .map(|k| item.get(k).map(Value::to_string).unwrap_or_default())
        .collect();
    if key.iter().all(String::is_empty) {
        row.to_string()
    } else {
        key.join("|")
    }
}

fn render_cell(name: &str, value: Option<&Value>) -> Html {
    let Some(value) = value else {
        return html! { <td key={name.to_string()} data-attribute={name.to_string()} class="cell-missing"></td> };
    };
    let shown = cell(value);
    html! {
        <td key={name.to_string()} data-attribute={name.to_string()} title={value.to_string()}>
            <span class="cell-type">{shown.kind.clone()}</span>
            if !shown.text.is_empty() {
                {" "}<span class="cell-text">{shown.text}</span>
            }
        </td>
    }
}

fn row_actions(actions: &RowActions, item: &Value, row: usize) -> Html {
    let on_edit = {
        let callback = actions.on_edit.clone();
        let item = item.clone();
        Callback::from(move |_| callback.emit(item.clone()))
    };
    let on_delete = {
        let callback = actions.on_delete.clone();
        let item = item.clone();
        Callback::from(move |_| callback.emit(item.clone()))
    };
    let n = row + 1;
    html! {
        <td class="row-actions">
            <button data-testid="item-edit" aria-label={format!("Edit item {n}")} onclick={on_edit}>
                {"Edit"}
            </button>
            <button class="danger" data-testid="item-delete" aria-label={format!("Delete item {n}")}
                onclick={on_delete}>{"Delete"}</button>
        </td>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn keys_first_then_every_other_attribute_in_order() {
        let items = [
            json!({"zeta": {"S": "z"}, "pk": {"S": "a"}, "sk": {"N": "1"}}),
            json!({"pk": {"S": "b"}, "alpha": {"N": "2"}}),
        ];
        let keys = ["pk".to_string(), "sk".to_string()];
        assert_eq!(columns(&keys, &items), ["pk", "sk", "alpha", "zeta"]);
        assert_eq!(
            columns(&keys, &[]),
            ["pk", "sk"],
            "key columns even with no items"
        );
    }

    #[wasm_bindgen_test]
    fn row_keys_come_from_the_primary_key() {
        let keys = ["pk".to_string()];
        assert_eq!(
            row_key(3, &json!({"pk": {"S": "a"}}), &keys),
            r#"{"S":"a"}"#
        );
        assert_eq!(row_key(3, &json!({"x": {"S": "a"}}), &keys), "3");
    }
}
