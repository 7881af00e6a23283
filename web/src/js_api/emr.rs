//! `window.dynaplay.emr`: the world's EMR clusters, read by scripts on the page.
//!
//! ```js
//! dynaplay.emr.clusters()      // [{id, name, state, origin, now}, ...]
//! dynaplay.emr.snapshot("j-…") // nodes, containers, HDFS blocks, steps, jobs, counters
//! ```
//!
//! Clusters are made and driven in the EMR view; what a script gets here is what that view
//! draws from: the cluster as plain data ([`dynaplay_emr::snapshot::ClusterSnapshot`]),
//! every job with its attempts, counters (including the DynamoDB connector's read units
//! and throttled Scans) and rate series. `origin` is the world instant (µs) that is the
//! cluster's time zero and `now` the cluster's own time, so `origin + now` is the world's
//! clock. Both calls only read, so nothing a script passes can change the world; an
//! unknown id is `null`.

use std::cell::RefCell;
use std::rc::Rc;

use dynaplay_world::World;
use js_sys::Object;
use serde_json::{Value, json};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use super::{freeze_with, to_js};

/// The installed `dynaplay.emr` object and the closures behind it.
pub struct EmrApi {
    object: Object,
    _clusters: Closure<dyn Fn() -> JsValue>,
    _snapshot: Closure<dyn Fn(JsValue) -> JsValue>,
}

impl EmrApi {
    pub fn new(world: Rc<RefCell<World>>) -> Option<EmrApi> {
        let clusters = {
            let world = Rc::clone(&world);
            Closure::<dyn Fn() -> JsValue>::new(move || {
                world
                    .try_borrow()
                    .map_or(JsValue::NULL, |w| to_js(&clusters(&w)))
            })
        };
        let snapshot = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |id: JsValue| {
            let id = id.as_string().unwrap_or_default();
            world
                .try_borrow()
                .map_or(JsValue::NULL, |w| to_js(&snapshot(&w, &id)))
        });
        let object = Object::new();
        freeze_with(
            &object,
            &[
                ("clusters", clusters.as_ref()),
                ("snapshot", snapshot.as_ref()),
            ],
        )?;
        Some(EmrApi {
            object,
            _clusters: clusters,
            _snapshot: snapshot,
        })
    }

    pub fn object(&self) -> &JsValue {
        &self.object
    }
}

/// One line per cluster of the world, in id order.
fn clusters(world: &World) -> Value {
    world
        .emr_clusters()
        .map(|(id, c)| {
            let cluster = c.cluster();
            json!({
                "id": id,
                "name": cluster.config().name,
                "state": cluster.state().name(),
                "origin": c.origin().as_micros(),
                "now": cluster.now().as_micros(),
            })
        })
        .collect()
}

/// The cluster `id` as plain data, or null.
fn snapshot(world: &World, id: &str) -> Value {
    world
        .emr_cluster(id)
        .and_then(|c| serde_json::to_value(c.cluster().snapshot()).ok())
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_emr::ClusterConfig;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn clusters_are_listed_and_read_by_id() {
        let mut world = World::new(1);
        assert_eq!(clusters(&world), json!([]));
        world.advance(dynaplay_world::SimDuration::from_secs(2));
        let id = world
            .create_emr_cluster(ClusterConfig::demo(2, 1, 1))
            .unwrap();
        let listed = clusters(&world);
        assert_eq!(listed[0]["id"], json!(id));
        assert_eq!(listed[0]["origin"], json!(2_000_000));
        let snapshot = snapshot(&world, &id);
        assert_eq!(snapshot["id"], json!(id));
        // Primary, two core and one task node.
        assert_eq!(snapshot["nodes"].as_array().unwrap().len(), 4);
        assert_eq!(super::snapshot(&world, "j-nope"), Value::Null);
    }
}
