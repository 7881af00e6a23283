//! Adding or replacing an item by writing it as DynamoDB JSON, the way the API takes it:
//! every value wrapped in its type (`{"year": {"N": "1999"}}`). PutItem replaces a whole
//! item, so editing an item means loading all of it, changing it and putting it back.

use serde_json::{Map, Value, json};
use yew::prelude::*;

use crate::dynamo_json::{TableInfo, attribute};
use crate::requests::{Outcome, pretty};
use crate::state::{Action, Origin, Playground};
use crate::table_browser::TablesForm;
use crate::views::fields::{FormHandle, json_field, on_text};
use crate::views::outcome::{capacity, error_box};

/// A starting item for `info`'s table: its key attributes with empty values of their types.
pub fn key_template(info: &TableInfo) -> String {
    let mut item = Map::new();
    for part in std::iter::once(&info.hash).chain(info.range.as_ref()) {
        let example = if part.scalar == "N" { "0" } else { "" };
        item.insert(part.name.clone(), attribute(&part.scalar, json!(example)));
    }
    pretty(&Value::Object(item))
}

/// The PutItem request for the editor's text, or why the text is not JSON.
pub fn put_request(table: &str, text: &str) -> Result<Value, String> {
    let item: Value =
        serde_json::from_str(text).map_err(|e| format!("The item is not valid JSON: {e}."))?;
    Ok(json!({ "TableName": table, "Item": item, "ReturnConsumedCapacity": "TOTAL" }))
}

#[derive(Properties, PartialEq)]
pub struct ItemEditorProps {
    pub dispatcher: UseReducerDispatcher<Playground>,
    pub table: String,
    pub editor: FormHandle<String>,
    pub outcome: Option<Outcome>,
}

#[function_component(ItemEditor)]
pub fn item_editor(props: &ItemEditorProps) -> Html {
    let problem = use_state(|| None::<String>);
    let onsubmit = {
        let dispatcher = props.dispatcher.clone();
        let table = props.table.clone();
        let text = props.editor.0.clone();
        let problem = problem.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            match put_request(&table, &text) {
                Ok(request) => {
                    problem.set(None);
                    dispatcher.dispatch(Action::Execute {
                        origin: Origin::Tables(TablesForm::Item),
                        operation: "PutItem".into(),
                        request,
                    });
                }
                // Nothing is sent: the learner fixes the JSON first.
                Err(message) => problem.set(Some(message)),
            }
        })
    };
    html! {
        <section class="panel item-editor" aria-labelledby="item-editor-title">
            <h2 id="item-editor-title">{"Put an item"}</h2>
            <form data-testid="item-form" {onsubmit}>
                {json_field("Item (DynamoDB JSON)", &props.editor.0, "item-json", 8,
                    on_text(&props.editor, |text, v| *text = v))}
                if let Some(message) = &*problem {
                    <p class="form-problem" role="alert" data-testid="item-json-error">{message.clone()}</p>
                }
                <button type="submit" class="primary" data-testid="item-put">{"Put item"}</button>
                {outcome_view(props.outcome.as_ref())}
            </form>
        </section>
    }
}

fn outcome_view(outcome: Option<&Outcome>) -> Html {
    let Some(outcome) = outcome else {
        return Html::default();
    };
    match &outcome.result {
        Ok(_) => html! {
            <div class="success" role="status" data-testid="item-result">
                {format!("{} succeeded.", outcome.operation)}
                if let Some(consumed) = outcome.consumed_capacity() {
                    {capacity(consumed, "item-capacity")}
                }
            </div>
        },
        Err(error) => error_box(error, "error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamo_json::KeyPart;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn templates_name_the_key_attributes_with_their_types() {
        let info = TableInfo {
            name: "t".into(),
            status: "ACTIVE".into(),
            hash: KeyPart {
                name: "pk".into(),
                scalar: "S".into(),
            },
            range: Some(KeyPart {
                name: "n".into(),
                scalar: "N".into(),
            }),
            billing: "PAY_PER_REQUEST".into(),
            throughput: None,
            item_count: None,
            size_bytes: None,
            indexes: vec![],
        };
        let template: Value = serde_json::from_str(&key_template(&info)).unwrap();
        assert_eq!(template, json!({"pk": {"S": ""}, "n": {"N": "0"}}));
    }

    #[wasm_bindgen_test]
    fn put_requests_carry_the_item_as_written() {
        let request = put_request("t", r#"{"pk": {"S": "a"}}"#).unwrap();
        assert_eq!(
            request,
            json!({"TableName": "t", "Item": {"pk": {"S": "a"}}, "ReturnConsumedCapacity": "TOTAL"})
        );
        let problem = put_request("t", "{pk: 1}").unwrap_err();
        assert!(
            problem.starts_with("The item is not valid JSON: key must be a string"),
            "{problem}"
        );
    }
}
