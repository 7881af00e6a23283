//! The reducer running DynamoDB requests for the views: outcomes recorded where they came
//! from, the selected table paged with Scan, and writes — from a form, the console or the
//! JavaScript API — refreshing what is on screen. Runs natively and in wasm.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::rc::Rc;

use dynaplay_web::state::{Action, DEFAULT_SEED, Origin, Playground};
use dynaplay_web::table_browser::{PAGE_SIZE, TablesForm};
use dynaplay_web::theme::ThemePreference;
use dynaplay_web::view::View;
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;
use yew::Reducible;

fn fresh(view: View) -> Rc<Playground> {
    Rc::new(Playground::new(
        DEFAULT_SEED,
        view,
        ThemePreference::System,
        false,
    ))
}

fn run(state: Rc<Playground>, origin: Origin, operation: &str, request: Value) -> Rc<Playground> {
    state.reduce(Action::Execute {
        origin,
        operation: operation.into(),
        request,
    })
}

fn create_songs(state: Rc<Playground>) -> Rc<Playground> {
    run(
        state,
        Origin::Tables(TablesForm::CreateTable),
        "CreateTable",
        json!({
            "TableName": "Songs",
            "AttributeDefinitions": [
                {"AttributeName": "artist", "AttributeType": "S"},
                {"AttributeName": "n", "AttributeType": "N"}
            ],
            "KeySchema": [
                {"AttributeName": "artist", "KeyType": "HASH"},
                {"AttributeName": "n", "KeyType": "RANGE"}
            ],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
}

/// Writes `count` songs straight into the world, as the JavaScript API does, and reports
/// the change.
fn put_songs(state: Rc<Playground>, count: u32) -> Rc<Playground> {
    for n in 0..count {
        let item = json!({"artist": {"S": "Ada"}, "n": {"N": n.to_string()}});
        state
            .world
            .borrow_mut()
            .execute("PutItem", &json!({"TableName": "Songs", "Item": item}))
            .unwrap();
    }
    state.reduce(Action::WorldChanged)
}

fn page_numbers(state: &Playground) -> Vec<String> {
    let browser = state.tables.browser.as_ref().unwrap();
    browser
        .items()
        .iter()
        .map(|item| item["n"]["N"].as_str().unwrap().to_string())
        .collect()
}

#[wasm_bindgen_test]
fn creating_a_table_from_the_form_selects_it() {
    let state = create_songs(fresh(View::Tables));
    let outcome = state.tables.create_table.as_ref().unwrap();
    assert!(outcome.succeeded(), "{:?}", outcome.result);
    assert_eq!(state.data_revision, 1);
    let browser = state.tables.browser.as_ref().unwrap();
    assert_eq!(browser.table, "Songs");
    let info = browser.info().unwrap();
    assert_eq!(info.key_names(), ["artist", "n"]);
    assert_eq!(info.billing, "PAY_PER_REQUEST");
    assert!(browser.items().is_empty());
}

#[wasm_bindgen_test]
fn a_failed_request_is_recorded_and_changes_nothing() {
    let state = create_songs(fresh(View::Tables));
    let again = create_songs(state.clone());
    let error = again
        .tables
        .create_table
        .as_ref()
        .unwrap()
        .result
        .as_ref()
        .unwrap_err();
    assert_eq!(error.kind.name(), "ResourceInUseException");
    assert_eq!(
        again.data_revision, state.data_revision,
        "a failed write is not a change"
    );
}

#[wasm_bindgen_test]
fn the_grid_pages_with_exclusive_start_keys() {
    let state = put_songs(create_songs(fresh(View::Tables)), 25);
    let first = page_numbers(&state);
    assert_eq!(
        first.len(),
        PAGE_SIZE as usize,
        "the page was re-read after the write"
    );
    assert_eq!(first[0], "0");
    let state = state.reduce(Action::NextItemsPage);
    assert_eq!(
        page_numbers(&state),
        (10..20).map(|n| n.to_string()).collect::<Vec<_>>()
    );
    let state = state.reduce(Action::NextItemsPage);
    assert_eq!(
        page_numbers(&state),
        (20..25).map(|n| n.to_string()).collect::<Vec<_>>()
    );
    let browser = state.tables.browser.as_ref().unwrap();
    assert_eq!(browser.page_number(), 3);
    assert!(
        browser.next_start().is_none(),
        "the last page has no LastEvaluatedKey"
    );
    let state = state.reduce(Action::NextItemsPage);
    assert_eq!(
        state.tables.browser.as_ref().unwrap().page_number(),
        3,
        "no page after the last"
    );
    let state = state
        .reduce(Action::PreviousItemsPage)
        .reduce(Action::PreviousItemsPage);
    assert_eq!(page_numbers(&state), first);
    assert!(!state.tables.browser.as_ref().unwrap().has_previous());
}

#[wasm_bindgen_test]
fn writes_elsewhere_refresh_the_table_when_it_is_shown() {
    let state = create_songs(fresh(View::Tables)).reduce(Action::Navigate(View::Console));
    let state = put_songs(state, 3);
    let browser = state.tables.browser.as_ref().unwrap();
    assert!(
        browser.items().is_empty(),
        "no reads while the Tables view is hidden"
    );
    assert_ne!(browser.read_at, state.data_revision);
    let state = state.reduce(Action::Navigate(View::Tables));
    assert_eq!(page_numbers(&state), ["0", "1", "2"]);
}

#[wasm_bindgen_test]
fn the_console_keeps_history_and_only_writes_count_as_changes() {
    let state = create_songs(fresh(View::Console));
    let revision = state.data_revision;
    let state = run(
        state,
        Origin::Console,
        "DescribeTable",
        json!({"TableName": "Songs"}),
    );
    assert_eq!(state.data_revision, revision, "a read is not a change");
    let state = run(
        state,
        Origin::Console,
        "GetItem",
        json!({"TableName": "Nope", "Key": {}}),
    );
    let entries = state.console.entries();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].outcome.operation, "GetItem", "newest first");
    assert_eq!(
        entries[0].outcome.result.as_ref().unwrap_err().kind.name(),
        "ResourceNotFoundException"
    );
    assert!(entries[1].outcome.succeeded());
    let put = json!({"TableName": "Songs", "Item": {"artist": {"S": "Ada"}, "n": {"N": "1"}}});
    let state = run(state, Origin::Console, "PutItem", put);
    assert_eq!(state.data_revision, revision + 1);
}

#[wasm_bindgen_test]
fn deleting_the_selected_table_deselects_it() {
    let state = create_songs(fresh(View::Tables));
    let state = run(
        state,
        Origin::Tables(TablesForm::DeleteTable),
        "DeleteTable",
        json!({"TableName": "Songs"}),
    );
    assert!(state.tables.delete_table.as_ref().unwrap().succeeded());
    assert!(state.tables.browser.is_none());
}

#[wasm_bindgen_test]
fn query_outcomes_stay_with_their_table() {
    let state = put_songs(create_songs(fresh(View::Tables)), 5);
    let query = json!({
        "TableName": "Songs",
        "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :lo AND :hi",
        "ExpressionAttributeNames": {"#pk": "artist", "#sk": "n"},
        "ExpressionAttributeValues": {":pk": {"S": "Ada"}, ":lo": {"N": "1"}, ":hi": {"N": "3"}},
        "ReturnConsumedCapacity": "TOTAL"
    });
    let state = run(state, Origin::Tables(TablesForm::Query), "Query", query);
    let response = state
        .tables
        .query
        .as_ref()
        .unwrap()
        .result
        .as_ref()
        .unwrap();
    assert_eq!(response["Count"], 3);
    assert!(
        state
            .tables
            .query
            .as_ref()
            .unwrap()
            .consumed_capacity()
            .is_some()
    );
    let state = state.reduce(Action::SelectTable("Songs".into()));
    assert!(
        state.tables.query.is_none(),
        "selecting a table starts its forms afresh"
    );
}
