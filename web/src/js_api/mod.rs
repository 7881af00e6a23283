//! `window.dynaplay`: the playground's JavaScript API, for pages that embed it and for
//! tests.
//!
//! ```js
//! const out = await dynaplay.execute("PutItem", {TableName: "t", Item: {pk: {S: "a"}}});
//! dynaplay.operations   // ["CreateTable", "DescribeTable", ...]
//! dynaplay.now()        // simulated time in microseconds
//! await dynaplay.advance(1500)  // moves simulated time 1.5 s on; resolves to now()
//! dynaplay.version      // "0.1.0"
//! dynaplay.dax          // DAX: control, execute, explain, snapshot (see [`dax`])
//! dynaplay.emr          // EMR clusters and their snapshots (see [`emr`])
//! ```
//!
//! `execute` answers with a Promise, as an SDK call would, so code written against the API
//! can move to a real endpoint without changing shape. It resolves to the response object
//! or rejects with exactly the body the HTTP endpoint sends for an error —
//! `{__type, message, ...}` — because the request takes the same path: the request object
//! is turned into JSON text with `JSON.stringify`, which is what an SDK puts on the wire,
//! and that text goes through the endpoint's front-door checks (see [`crate::requests`]).
//! A request that cannot become JSON (a cycle, a `BigInt`) is therefore a
//! `SerializationException`, like a body that is not JSON. Nothing a caller passes can
//! panic the page.
//!
//! The request runs synchronously at the world's current simulated time; the Promise is
//! already settled when it is returned. A successful write tells the reducer, so every
//! view re-reads the data.

mod dax;
mod emr;

use std::cell::RefCell;
use std::rc::Rc;

use dynaplay_world::dynamo::{DynamoError, ErrorKind, OPERATIONS};
use dynaplay_world::{SimDuration, World};
use js_sys::{Array, JSON, Object, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use crate::browser;
use crate::requests;

/// The name of the global the API is installed as.
pub const GLOBAL: &str = "dynaplay";

type ExecuteFn = dyn Fn(JsValue, JsValue) -> Promise;

/// The installed API. Dropping it removes `window.dynaplay` (unless something newer has
/// replaced it) and frees the closures behind it.
pub struct JsApi {
    object: Object,
    _execute: Closure<ExecuteFn>,
    _now: Closure<dyn Fn() -> f64>,
    _advance: Closure<dyn Fn(JsValue) -> Promise>,
    _dax: dax::DaxApi,
    _emr: emr::EmrApi,
}

/// The most one `advance` may move time on: ten simulated minutes keeps a call with
/// traffic running to a bounded amount of work.
const MAX_ADVANCE_MS: f64 = 600_000.0;

impl Drop for JsApi {
    fn drop(&mut self) {
        browser::remove_global_if(GLOBAL, &self.object);
    }
}

/// Installs `window.dynaplay` over `world`; `on_write` runs after each successful write.
pub fn install(world: Rc<RefCell<World>>, on_write: impl Fn() + 'static) -> Option<JsApi> {
    let on_write: Rc<dyn Fn()> = Rc::new(on_write);
    let dax = dax::DaxApi::new(Rc::clone(&world), Rc::clone(&on_write))?;
    let emr = emr::EmrApi::new(Rc::clone(&world))?;
    let execute = {
        let (world, on_write) = (Rc::clone(&world), Rc::clone(&on_write));
        Closure::<ExecuteFn>::new(move |operation: JsValue, request: JsValue| {
            let operation = operation.as_string().unwrap_or_default();
            let result = execute(&world, &operation, &request);
            if result.is_ok() && requests::is_write(&operation) {
                on_write();
            }
            match result {
                Ok(json) => Promise::resolve(&JSON::parse(&json).unwrap_or(JsValue::NULL)),
                Err(error) => Promise::reject(&to_js(&error.to_wire())),
            }
        })
    };
    let advance = {
        let (world, on_write) = (Rc::clone(&world), Rc::clone(&on_write));
        Closure::<dyn Fn(JsValue) -> Promise>::new(move |ms: JsValue| {
            let moved = advance(&world, ms.as_f64());
            if moved.is_ok() {
                on_write();
            }
            settle(moved)
        })
    };
    let now = Closure::<dyn Fn() -> f64>::new(move || {
        // Microseconds fit a double exactly for the first 285 simulated years.
        world
            .try_borrow()
            .map(|w| w.now().as_micros() as f64)
            .unwrap_or(f64::NAN)
    });
    let operations: Array = OPERATIONS.iter().map(|op| JsValue::from_str(op)).collect();
    Object::freeze(&operations);

    let object = Object::new();
    let members: [(&str, &JsValue); 7] = [
        ("execute", execute.as_ref()),
        ("now", now.as_ref()),
        ("advance", advance.as_ref()),
        ("operations", &operations),
        ("version", &JsValue::from_str(env!("CARGO_PKG_VERSION"))),
        ("dax", dax.object()),
        ("emr", emr.object()),
    ];
    freeze_with(&object, &members)?;
    browser::set_global(GLOBAL, object.unchecked_ref()).then_some(JsApi {
        object,
        _execute: execute,
        _now: now,
        _advance: advance,
        _dax: dax,
        _emr: emr,
    })
}

/// Moves simulated time on by `ms` milliseconds (at microsecond resolution); the answer
/// is the new time in microseconds.
fn advance(world: &RefCell<World>, ms: Option<f64>) -> Result<Value, Value> {
    let invalid = |why: &str| serde_json::json!({"__type": "ValidationException", "message": format!("advance takes a number of milliseconds {why}")});
    let ms = ms.ok_or_else(|| invalid("(got something else)"))?;
    if !(0.0..=MAX_ADVANCE_MS).contains(&ms) {
        return Err(invalid("from 0 to 600000"));
    }
    let mut world = world.try_borrow_mut().map_err(|_| {
        DynamoError::new(ErrorKind::InternalServerError, "Internal server error").to_wire()
    })?;
    // In range, so the product is a small non-negative integer after rounding.
    world.advance(SimDuration::from_micros((ms * 1000.0).round() as u64));
    Ok(Value::from(world.now().as_micros()))
}

/// Sets `members` on `object` and freezes it, so a page cannot swap a function out from
/// under another script.
fn freeze_with(object: &Object, members: &[(&str, &JsValue)]) -> Option<()> {
    for (name, value) in members {
        Reflect::set(object, &JsValue::from_str(name), value).ok()?;
    }
    Object::freeze(object);
    Some(())
}

/// A request object as the JSON text an SDK would send, through the front door's checks.
fn request_body(request: &JsValue) -> Result<Value, DynamoError> {
    // `JSON.stringify` throws on cycles and BigInts, and gives `undefined` (no body) for
    // `undefined` and functions.
    let text = JSON::stringify(request)
        .map_err(|_| DynamoError::new(ErrorKind::Serialization, ""))?
        .as_string();
    requests::parse_body(text.as_deref())
}

/// A settled Promise: resolved with `Ok`'s value, rejected with `Err`'s.
fn settle(result: Result<Value, Value>) -> Promise {
    match result {
        Ok(value) => Promise::resolve(&to_js(&value)),
        Err(error) => Promise::reject(&to_js(&error)),
    }
}

/// Runs a request given as a JavaScript value; the answer is the response's JSON text.
fn execute(
    world: &RefCell<World>,
    operation: &str,
    request: &JsValue,
) -> Result<String, DynamoError> {
    let body = request_body(request)?;
    requests::execute_json(world, operation, &body)
}

/// A JSON value as the equivalent JavaScript value.
fn to_js(value: &Value) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

// These cross into JavaScript, so they run only in the browser.
#[cfg(test)]
#[cfg(target_family = "wasm")]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn world() -> RefCell<World> {
        RefCell::new(World::new(1))
    }

    #[wasm_bindgen_test]
    fn values_that_cannot_become_json_are_serialization_exceptions() {
        let cyclic = Object::new();
        Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
        let big = js_sys::BigInt::from(1u64);
        for request in [JsValue::from(cyclic), JsValue::from(big)] {
            let err = execute(&world(), "ListTables", &request).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Serialization);
        }
        // Nothing at all is an empty POST: refused as a body, once the name is known.
        let err = execute(&world(), "ListTables", &JsValue::UNDEFINED).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Serialization);
        let err = execute(&world(), "Nope", &JsValue::UNDEFINED).unwrap_err();
        assert_eq!(err.kind, ErrorKind::UnknownOperation);
    }

    #[wasm_bindgen_test]
    fn non_objects_reach_the_engine_as_the_endpoint_would_send_them() {
        let err = execute(&world(), "ListTables", &JsValue::from_str("x")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Serialization);
        let err = execute(&world(), "ListTables", &Array::new().into()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Serialization);
    }

    #[wasm_bindgen_test]
    fn advance_moves_time_within_bounds_only() {
        let world = world();
        assert_eq!(advance(&world, Some(1.5)).unwrap(), json!(1500));
        assert_eq!(advance(&world, Some(0.0)).unwrap(), json!(1500));
        for bad in [
            None,
            Some(-1.0),
            Some(f64::NAN),
            Some(600_001.0),
            Some(f64::INFINITY),
        ] {
            let err = advance(&world, bad).unwrap_err();
            assert_eq!(err["__type"], "ValidationException", "{bad:?}");
        }
        assert_eq!(
            world.borrow().now().as_micros(),
            1500,
            "refusals move nothing"
        );
    }

    #[wasm_bindgen_test]
    fn json_crosses_into_javascript_intact() {
        let value = json!({"Items": [{"n": {"N": "1.5"}}], "Count": 1, "ok": true});
        let js = to_js(&value);
        let back = JSON::stringify(&js).unwrap().as_string().unwrap();
        assert_eq!(serde_json::from_str::<Value>(&back).unwrap(), value);
    }
}
