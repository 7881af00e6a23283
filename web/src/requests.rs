//! The page's one door to the DynamoDB engine.
//!
//! Everything the playground asks of DynamoDB — a form in the Tables view, the JSON
//! console, a script calling `window.dynaplay.execute` — arrives here as an operation name
//! and a request body, and leaves as the engine's response or its error. Before the
//! engine sees a request, this module does what the HTTP endpoint's front door does: a
//! body that is not JSON (or is no body at all) is a `SerializationException`, and a name
//! that is not one of the engine's operations is an `UnknownOperationException`, checked in
//! that order. So a request behaves the same whichever door it came through, and a page
//! can be used to reproduce what an SDK saw against `dynaplay serve`.
//!
//! The module also knows which operations write. A successful write is what makes the
//! views re-read the tables; reads never do, so a view that refreshes after a change cannot
//! set off another refresh.

use std::cell::RefCell;

use dynaplay_world::dynamo::value::response_text;
use dynaplay_world::dynamo::{DynamoError, ErrorKind, ItemsAs, OPERATIONS};
use dynaplay_world::{CONSOLE, World};
use serde_json::Value;

/// Operations that can change what is stored. Everything else only reads.
pub const WRITE_OPERATIONS: &[&str] = &[
    "CreateTable",
    "DeleteTable",
    "UpdateTable",
    "UpdateTimeToLive",
    "TagResource",
    "UntagResource",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
];

/// Whether a successful `operation` may have changed the tables.
pub fn is_write(operation: &str) -> bool {
    WRITE_OPERATIONS.contains(&operation)
}

/// The front door's verdict on a body given as JSON text, as the endpoint reads a POST:
/// `None` (no body) and blank text read as JSON null, which no operation accepts.
pub fn parse_body(text: Option<&str>) -> Result<Value, DynamoError> {
    match text {
        None => Ok(Value::Null),
        Some(text) if text.trim().is_empty() => Ok(Value::Null),
        Some(text) => serde_json::from_str(text).map_err(|_| serialization()),
    }
}

/// Checks the operation name and the body the way the endpoint does once the body parsed.
pub fn admit(operation: &str, body: &Value) -> Result<(), DynamoError> {
    if !OPERATIONS.contains(&operation) {
        return Err(DynamoError::new(ErrorKind::UnknownOperation, ""));
    }
    if body.is_null() {
        return Err(serialization());
    }
    Ok(())
}

/// Runs `operation` on `body` in `world` at its current simulated time.
pub fn execute(
    world: &RefCell<World>,
    operation: &str,
    body: &Value,
) -> Result<Value, DynamoError> {
    with_world(world, operation, body, |world| {
        world.execute(operation, body)
    })
}

/// [`execute`] answered as JSON text, the items written straight from the table as the
/// endpoint writes them (rather than built as a `Value` tree first): what
/// `window.dynaplay.execute` hands to `JSON.parse`.
pub fn execute_json(
    world: &RefCell<World>,
    operation: &str,
    body: &Value,
) -> Result<String, DynamoError> {
    with_world(world, operation, body, |world| {
        let outcome = world.request_as(operation, body, CONSOLE, ItemsAs::Text);
        let response = outcome.result?;
        String::from_utf8(response_text(&response, outcome.items.as_ref()))
            .map_err(|_| internal_error())
    })
}

/// Admits the request, then runs `run` on the world.
fn with_world<T>(
    world: &RefCell<World>,
    operation: &str,
    body: &Value,
    run: impl FnOnce(&mut World) -> Result<T, DynamoError>,
) -> Result<T, DynamoError> {
    admit(operation, body)?;
    // The world is only ever borrowed for the length of one synchronous call, so this
    // cannot fail today; if it ever did, the page answers as a server would rather than
    // dying on a panic.
    let Ok(mut world) = world.try_borrow_mut() else {
        return Err(internal_error());
    };
    run(&mut world)
}

fn internal_error() -> DynamoError {
    DynamoError::new(ErrorKind::InternalServerError, "Internal server error")
}

/// [`execute`] for a named client (the Consistency view's writer and readers, its lab),
/// with what the model says about the request: its number in the event log, whether it
/// was stale, its latency.
pub fn execute_as(
    world: &RefCell<World>,
    operation: &str,
    body: &Value,
    client: &str,
) -> dynaplay_world::Outcome {
    let refused = |error: DynamoError| dynaplay_world::Outcome {
        request: 0,
        result: Err(error),
        items: None,
        latency: dynaplay_world::SimDuration::ZERO,
        stale: false,
    };
    if let Err(error) = admit(operation, body) {
        return refused(error);
    }
    match world.try_borrow_mut() {
        Ok(mut world) => world.request(operation, body, client),
        Err(_) => refused(internal_error()),
    }
}

/// Runs a request whose body is JSON text (what `JSON.stringify` gave), parsing it first
/// exactly as the endpoint parses a POST body.
pub fn execute_text(
    world: &RefCell<World>,
    operation: &str,
    body: Option<&str>,
) -> Result<Value, DynamoError> {
    let body = parse_body(body)?;
    execute(world, operation, &body)
}

/// AWS's answer to a body it cannot read: a `SerializationException` with no message.
fn serialization() -> DynamoError {
    DynamoError::new(ErrorKind::Serialization, "")
}

/// One request the page ran and what came of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub operation: String,
    pub request: Value,
    pub result: Result<Value, DynamoError>,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        self.result.is_ok()
    }

    /// The response's `ConsumedCapacity` (an object, or a list for batch and transaction
    /// operations), when the request asked for it.
    pub fn consumed_capacity(&self) -> Option<&Value> {
        self.result.as_ref().ok()?.get("ConsumedCapacity")
    }
}

/// Pretty-printed JSON for display. Serialising a `Value` cannot fail; should it ever,
/// the compact form is still readable.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn world() -> RefCell<World> {
        RefCell::new(World::new(1))
    }

    /// `window.dynaplay.execute` answers from text the engine wrote straight from the
    /// table; it must say exactly what the `Value` the Console shows says.
    #[wasm_bindgen_test]
    fn answers_as_json_text_are_the_answers_as_values() {
        let (as_text, as_values) = (world(), world());
        let requests = [
            (
                "CreateTable",
                json!({"TableName": "notes", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}]}),
            ),
            (
                "PutItem",
                json!({"TableName": "notes", "Item": {"pk": {"S": "a"}, "n": {"N": "1"},
                "text": {"S": "line\n\"quoted\" é"}, "tags": {"SS": ["x", "y"]}}}),
            ),
            (
                "PutItem",
                json!({"TableName": "notes", "Item": {"pk": {"S": "a"}, "n": {"N": "2.50"}}}),
            ),
            (
                "GetItem",
                json!({"TableName": "notes", "Key": {"pk": {"S": "a"}, "n": {"N": "1"}}}),
            ),
            (
                "Query",
                json!({"TableName": "notes", "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "a"}}, "ReturnConsumedCapacity": "TOTAL"}),
            ),
            ("Scan", json!({"TableName": "notes", "Limit": 1})),
        ];
        let mut items_written = 0;
        for (operation, request) in &requests {
            let text = execute_json(&as_text, operation, request).unwrap();
            let value = execute(&as_values, operation, request).unwrap();
            assert_eq!(text, value.to_string(), "{operation}");
            items_written += usize::from(text.contains("\"S\":\"a\""));
        }
        assert_eq!(items_written, 3, "GetItem, Query and Scan returned items");
    }

    #[wasm_bindgen_test]
    fn unreadable_bodies_are_serialization_exceptions_before_the_name_is_checked() {
        let world = world();
        let err = execute_text(&world, "NoSuchOperation", Some("{nope")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Serialization);
        assert_eq!(
            err.to_wire(),
            json!({"__type": "com.amazon.coral.service#SerializationException"})
        );
        // A missing, blank or null body parses (as null): the name is checked first, and
        // then the body is refused, as the endpoint does with an empty POST.
        for body in [None, Some(""), Some("  "), Some("null")] {
            let err = execute_text(&world, "NoSuchOperation", body).unwrap_err();
            assert_eq!(err.kind, ErrorKind::UnknownOperation, "body {body:?}");
            let err = execute_text(&world, "ListTables", body).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Serialization, "body {body:?}");
        }
    }

    #[wasm_bindgen_test]
    fn unknown_operations_are_refused_without_a_message() {
        let err = execute(&world(), "DropEverything", &json!({})).unwrap_err();
        assert_eq!(
            err.to_wire(),
            json!({"__type": "com.amazon.coral.service#UnknownOperationException"})
        );
    }

    #[wasm_bindgen_test]
    fn a_busy_world_is_an_internal_error_not_a_panic() {
        let world = world();
        let _held = world.borrow();
        let err = execute(&world, "ListTables", &json!({})).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InternalServerError);
    }

    #[wasm_bindgen_test]
    fn writes_are_known_operations() {
        for op in WRITE_OPERATIONS {
            assert!(OPERATIONS.contains(op), "{op}");
        }
        assert!(is_write("PutItem"));
        assert!(!is_write("Query"));
        assert!(!is_write("DescribeTable"));
    }

    #[wasm_bindgen_test]
    fn consumed_capacity_is_read_from_the_response() {
        let outcome = Outcome {
            operation: "GetItem".into(),
            request: json!({}),
            result: Ok(json!({"ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5}})),
        };
        assert_eq!(outcome.consumed_capacity().unwrap()["CapacityUnits"], 0.5);
        let failed = Outcome {
            result: Err(DynamoError::resource_not_found()),
            ..outcome
        };
        assert!(failed.consumed_capacity().is_none());
    }
}
