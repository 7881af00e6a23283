//! `window.dynaplay.dax`: DAX for scripts on the page, the same clusters the DAX view
//! draws.
//!
//! ```js
//! await dynaplay.dax.control("CreateCluster", {ClusterName: "c", NodeType: "dax.t3.small",
//!     ReplicationFactor: 3, IamRoleArn: "arn:aws:iam::123456789012:role/DAX"});
//! await dynaplay.dax.execute("c", "GetItem", {TableName: "lab", Key: {pk: {S: "a"}}});
//! await dynaplay.dax.explain("c", "GetItem", {...})  // {response | error, dax: {...}}
//! dynaplay.dax.snapshot()                            // every cluster, node and cache
//! dynaplay.dax.operations                            // ["CreateCluster", ...]
//! ```
//!
//! `control` is DAX's management API (the JSON bodies of `AmazonDAXV3.*`, which
//! `dynaplay serve` also answers over HTTP); its failures are DAX's own faults,
//! `{__type: "ClusterNotFoundFault", message}`. `execute` sends a DynamoDB data-plane
//! request through a cluster — the DynamoDB SDK pointed at a DAX endpoint — and settles
//! exactly as `dynaplay.execute` would, DynamoDB errors included. `explain` runs the same
//! request but always resolves, with the answer beside DAX's record of it: the node that
//! took it, each cache touched (hit or miss, the entry's age, whether it was stale) and
//! whether it went on to DynamoDB. That record is what the cloud hides and this playground
//! is for.
//!
//! Requests pass the same front door as `dynaplay.execute` (a body that cannot become JSON
//! is a `SerializationException`, an unknown name an `UnknownOperationException`), and the
//! views are told about every request that reached DAX, since even a read changes a cache.

use std::cell::RefCell;
use std::rc::Rc;

use dynaplay_world::World;
use dynaplay_world::dynamo::dax::CONTROL_OPERATIONS;
use dynaplay_world::dynamo::{DynamoError, ErrorKind};
use js_sys::{Array, Object, Promise};
use serde_json::{Value, json};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use super::{freeze_with, request_body, settle, to_js};
use crate::requests;

type ControlFn = dyn Fn(JsValue, JsValue) -> Promise;
type ExecuteFn = dyn Fn(JsValue, JsValue, JsValue) -> Promise;

/// The installed `dynaplay.dax` object and the closures behind it.
pub struct DaxApi {
    object: Object,
    _control: Closure<ControlFn>,
    _execute: Closure<ExecuteFn>,
    _explain: Closure<ExecuteFn>,
    _snapshot: Closure<dyn Fn() -> JsValue>,
}

impl DaxApi {
    pub fn new(world: Rc<RefCell<World>>, on_change: Rc<dyn Fn()>) -> Option<DaxApi> {
        let control = {
            let (world, on_change) = (Rc::clone(&world), Rc::clone(&on_change));
            Closure::<ControlFn>::new(move |operation: JsValue, request: JsValue| {
                let operation = operation.as_string().unwrap_or_default();
                let result = control(&world, &operation, &request);
                if result.is_ok() {
                    on_change();
                }
                settle(result)
            })
        };
        let execute = {
            let (world, on_change) = (Rc::clone(&world), Rc::clone(&on_change));
            Closure::<ExecuteFn>::new(move |cluster: JsValue, operation, request| {
                let traced = through(&world, &cluster, &operation, &request);
                if traced.is_ok() {
                    on_change();
                }
                settle(traced.and_then(|(result, _)| result.map_err(|e| e.to_wire())))
            })
        };
        let explain = {
            let (world, on_change) = (Rc::clone(&world), Rc::clone(&on_change));
            Closure::<ExecuteFn>::new(move |cluster: JsValue, operation, request| {
                let traced = through(&world, &cluster, &operation, &request);
                if traced.is_ok() {
                    on_change();
                }
                settle(traced.map(|(result, record)| match result {
                    Ok(response) => json!({"response": response, "dax": record}),
                    Err(error) => json!({"error": error.to_wire(), "dax": record}),
                }))
            })
        };
        let snapshot = Closure::<dyn Fn() -> JsValue>::new(move || {
            world
                .try_borrow_mut()
                .ok()
                .and_then(|mut w| serde_json::to_value(w.dax_snapshot()).ok())
                .map_or(JsValue::NULL, |value| to_js(&value))
        });
        let operations: Array = CONTROL_OPERATIONS
            .iter()
            .map(|op| JsValue::from_str(op))
            .collect();
        Object::freeze(&operations);
        let object = Object::new();
        freeze_with(
            &object,
            &[
                ("control", control.as_ref()),
                ("execute", execute.as_ref()),
                ("explain", explain.as_ref()),
                ("snapshot", snapshot.as_ref()),
                ("operations", &operations),
            ],
        )?;
        Some(DaxApi {
            object,
            _control: control,
            _execute: execute,
            _explain: explain,
            _snapshot: snapshot,
        })
    }

    pub fn object(&self) -> &JsValue {
        &self.object
    }
}

/// Runs a management operation; the error is the body an HTTP client would get.
fn control(world: &RefCell<World>, operation: &str, request: &JsValue) -> Result<Value, Value> {
    let body = request_body(request).map_err(|e| e.to_wire())?;
    if !CONTROL_OPERATIONS.contains(&operation) {
        return Err(DynamoError::new(ErrorKind::UnknownOperation, "").to_wire());
    }
    if body.is_null() {
        return Err(DynamoError::new(ErrorKind::Serialization, "").to_wire());
    }
    let mut world = world.try_borrow_mut().map_err(|_| busy())?;
    world
        .dax_control(operation, &body)
        .map_err(|fault| fault.to_wire())
}

/// A data-plane request through `cluster`: the answer and DAX's record of it, or the front
/// door's refusal (which never reaches DAX).
fn through(
    world: &RefCell<World>,
    cluster: &JsValue,
    operation: &JsValue,
    request: &JsValue,
) -> Result<(Result<Value, DynamoError>, Value), Value> {
    let operation = operation.as_string().unwrap_or_default();
    let body = request_body(request).map_err(|e| e.to_wire())?;
    requests::admit(&operation, &body).map_err(|e| e.to_wire())?;
    let cluster = cluster.as_string().unwrap_or_default();
    let mut world = world.try_borrow_mut().map_err(|_| busy())?;
    let outcome = world.execute_via_dax(&cluster, &operation, &body);
    let record = serde_json::to_value(&outcome.request).unwrap_or(Value::Null);
    Ok((outcome.result, record))
}

/// The world is only borrowed for one synchronous call at a time, so this cannot happen
/// today; if it ever did, the page answers as a server would instead of panicking.
fn busy() -> Value {
    DynamoError::new(ErrorKind::InternalServerError, "Internal server error").to_wire()
}

// These cross into JavaScript, so they run only in the browser.
#[cfg(test)]
#[cfg(target_family = "wasm")]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn js(value: Value) -> JsValue {
        to_js(&value)
    }

    fn world() -> Rc<RefCell<World>> {
        let world = Rc::new(RefCell::new(World::new(1)));
        let table = json!({"TableName": "lab", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]});
        world.borrow_mut().execute("CreateTable", &table).unwrap();
        world
    }

    fn create(world: &RefCell<World>) -> Value {
        let request = js(json!({"ClusterName": "c", "NodeType": "dax.t3.small",
            "ReplicationFactor": 1, "IamRoleArn": "arn:aws:iam::1:role/DAX"}));
        control(world, "CreateCluster", &request).unwrap()
    }

    #[wasm_bindgen_test]
    fn control_creates_clusters_and_reports_faults_as_dax_does() {
        let world = world();
        assert_eq!(create(&world)["Cluster"]["Status"], "creating");
        let missing = control(&world, "DeleteCluster", &js(json!({"ClusterName": "x"})));
        assert_eq!(missing.unwrap_err()["__type"], "ClusterNotFoundFault");
        let unknown = control(&world, "GetItem", &js(json!({}))).unwrap_err();
        assert_eq!(
            unknown["__type"],
            "com.amazon.coral.service#UnknownOperationException"
        );
        let nothing = control(&world, "DescribeClusters", &JsValue::UNDEFINED).unwrap_err();
        assert_eq!(
            nothing["__type"],
            "com.amazon.coral.service#SerializationException"
        );
    }

    #[wasm_bindgen_test]
    fn a_read_through_dax_is_explained_hit_after_miss() {
        let world = world();
        create(&world);
        world
            .borrow_mut()
            .advance(dynaplay_world::SimDuration::from_secs(120));
        let put = json!({"TableName": "lab", "Item": {"pk": {"S": "a"}, "v": {"N": "1"}}});
        world.borrow_mut().execute("PutItem", &put).unwrap();
        let get = js(json!({"TableName": "lab", "Key": {"pk": {"S": "a"}}}));
        let (name, op) = (JsValue::from_str("c"), JsValue::from_str("GetItem"));
        let (first, record) = through(&world, &name, &op, &get).unwrap();
        assert_eq!(first.unwrap()["Item"]["v"], json!({"N": "1"}));
        assert_eq!(record["touches"][0]["touch"], "Miss");
        let (_, record) = through(&world, &name, &op, &get).unwrap();
        assert_eq!(record["touches"][0]["touch"], "Hit");
        assert_eq!(record["dynamodb"], false);
        // The front door refuses before DAX sees anything.
        let refused = through(&world, &name, &JsValue::from_str("Nope"), &get).unwrap_err();
        assert_eq!(
            refused["__type"],
            "com.amazon.coral.service#UnknownOperationException"
        );
    }
}
