//! `window.dynaplay.emr`: the world's EMR clusters, read by scripts on the page.
//!
//! ```js
//! dynaplay.emr.clusters()      // [{id, name, state, origin, now}, ...]
//! dynaplay.emr.snapshot("j-…") // nodes, steps, and each job's summary and counters
//! ```
//!
//! Clusters are made and driven in the EMR view; a script gets each as plain data: its
//! nodes (role, instance type, state), its steps, and every job's headline numbers (the
//! same summary `dynaplay emr simulate` prints: durations, tasks, attempts killed, failed
//! and speculative, bytes, locality) and counters, including the DynamoDB connector's
//! read units and throttled Scans. `origin` is the world instant (µs) that is the
//! cluster's time zero and `now` the cluster's own time, so `origin + now` is the world's
//! clock. Both calls only read, so nothing a script passes can change the world; an
//! unknown id is `null`.

use std::cell::RefCell;
use std::rc::Rc;

use dynaplay_emr::JobSummary;
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

/// The cluster `id` as plain data, or null: its nodes, its steps, and each job's headline
/// numbers and counters. (Not the per-attempt record the view's Gantt chart draws: that
/// can be tens of thousands of entries, and serialising it would cost the page as much
/// code again as the rest of this API.)
fn snapshot(world: &World, id: &str) -> Value {
    let Some(cluster) = world.emr_cluster(id).map(|c| c.cluster()) else {
        return Value::Null;
    };
    let now = cluster.now();
    let nodes: Vec<Value> = cluster
        .nodes()
        .iter()
        .map(|n| {
            json!({
                "name": n.name,
                "role": n.role,
                "instanceType": n.instance.name,
                "state": n.state,
            })
        })
        .collect();
    let steps: Vec<Value> = cluster
        .steps()
        .iter()
        .map(|s| json!({"id": s.id, "name": s.name, "state": s.state, "reason": s.reason}))
        .collect();
    let jobs: Vec<Value> = cluster
        .jobs()
        .map(|j| json!({"summary": JobSummary::of(j, now), "counters": j.counters}))
        .collect();
    json!({
        "id": id,
        "state": cluster.state().name(),
        "stateReason": cluster.state_reason(),
        "now": now.as_micros(),
        "nodes": nodes,
        "steps": steps,
        "jobs": jobs,
    })
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
