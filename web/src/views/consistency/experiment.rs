//! The staleness experiment: write, wait a chosen delay, read — many times over.
//!
//! Each trial writes a new value to an item, lets `delay` of simulated time pass, and
//! then reads the item three ways: an eventually consistent GetItem (served by any of the
//! three replicas), a strongly consistent GetItem (always the leader) and a Query on a
//! global secondary index (which the index applies asynchronously). A read is stale when
//! it does not return the value just written — judged from the data the client got, as an
//! application would. Between trials the world runs for [`SETTLE`] so every follower and
//! the index have caught up and trials do not disturb each other.
//!
//! The experiment runs in a lab [`World`] of its own — the same engine and model, a table
//! of its own, a clock of its own, eventually consistent reads served as the real service
//! serves them — so it neither moves the playground's clock nor touches its tables. Its
//! seed derives from the playground's, so a run is reproducible.

use std::cell::RefCell;

use dynaplay_world::{Realism, SimDuration, World};
use serde_json::{Value, json};

use crate::requests;

/// The delays (milliseconds) of a sweep.
pub const SWEEP_MS: [u32; 9] = [0, 10, 25, 50, 100, 200, 400, 800, 1_600];
/// Simulated time between trials.
pub const SETTLE: SimDuration = SimDuration::from_secs(5);
pub const MAX_TRIALS: u32 = 1_000;
pub const MAX_DELAY_MS: u32 = 10_000;
const TABLE: &str = "Lab";
const INDEX: &str = "byTag";
/// Items the trials write in turn.
const KEYS: u32 = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentSpec {
    pub delays_ms: Vec<u32>,
    pub trials: u32,
}

/// The result at one delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub delay_ms: u32,
    pub trials: u32,
    pub eventual_stale: u32,
    pub strong_stale: u32,
    pub index_stale: u32,
}

impl Point {
    pub fn share(&self, stale: u32) -> f64 {
        if self.trials == 0 {
            0.0
        } else {
            f64::from(stale) / f64::from(self.trials)
        }
    }
}

fn create_lab(world: &RefCell<World>) -> Result<(), String> {
    let request = json!({
        "TableName": TABLE,
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "tag", "AttributeType": "S"}
        ],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "GlobalSecondaryIndexes": [{
            "IndexName": INDEX,
            "KeySchema": [{"AttributeName": "tag", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}
        }],
        "BillingMode": "PAY_PER_REQUEST"
    });
    requests::execute(world, "CreateTable", &request)
        .map(|_| ())
        .map_err(|e| format!("The lab table could not be made: {}", e.message))
}

fn run_request(world: &RefCell<World>, operation: &str, body: &Value) -> Result<Value, String> {
    requests::execute_as(world, operation, body, "experiment")
        .result
        .map_err(|e| {
            format!(
                "{operation} failed in the lab: {}: {}",
                e.kind.name(),
                e.message
            )
        })
}

fn advance(world: &RefCell<World>, by: SimDuration) {
    if let Ok(mut world) = world.try_borrow_mut() {
        world.advance(by);
    }
}

/// The value `v` of the item a GetItem returned.
fn read_value(response: &Value) -> Option<&str> {
    response.get("Item")?.get("v")?.get("N")?.as_str()
}

/// Runs `spec` in a fresh lab world seeded with `seed`.
pub fn run(seed: u64, spec: &ExperimentSpec) -> Result<Vec<Point>, String> {
    if spec.trials == 0 || spec.trials > MAX_TRIALS {
        return Err(format!("Trials must be between 1 and {MAX_TRIALS}."));
    }
    if spec.delays_ms.is_empty() || spec.delays_ms.iter().any(|d| *d > MAX_DELAY_MS) {
        return Err(format!("Delays must be between 0 and {MAX_DELAY_MS} ms."));
    }
    let realism = Realism {
        stale_reads: true,
        ..Realism::OFF
    };
    let world = RefCell::new(World::with_realism(seed, realism));
    create_lab(&world)?;
    let mut written = 0u64;
    let mut points = Vec::with_capacity(spec.delays_ms.len());
    for &delay_ms in &spec.delays_ms {
        let mut point = Point {
            delay_ms,
            trials: spec.trials,
            eventual_stale: 0,
            strong_stale: 0,
            index_stale: 0,
        };
        for trial in 0..spec.trials {
            written += 1;
            let value = written.to_string();
            let tag = format!("t{written}");
            let key = json!({"pk": {"S": format!("item-{}", trial % KEYS)}});
            let mut item = key.clone();
            if let Some(map) = item.as_object_mut() {
                map.insert("v".into(), json!({"N": value}));
                map.insert("tag".into(), json!({"S": tag}));
            }
            run_request(
                &world,
                "PutItem",
                &json!({"TableName": TABLE, "Item": item}),
            )?;
            advance(&world, SimDuration::from_millis(u64::from(delay_ms)));
            let eventual =
                run_request(&world, "GetItem", &json!({"TableName": TABLE, "Key": key}))?;
            let strong = run_request(
                &world,
                "GetItem",
                &json!({"TableName": TABLE, "Key": key, "ConsistentRead": true}),
            )?;
            let index = run_request(
                &world,
                "Query",
                &json!({
                    "TableName": TABLE,
                    "IndexName": INDEX,
                    "KeyConditionExpression": "tag = :t",
                    "ExpressionAttributeValues": {":t": {"S": tag}}
                }),
            )?;
            point.eventual_stale += u32::from(read_value(&eventual) != Some(value.as_str()));
            point.strong_stale += u32::from(read_value(&strong) != Some(value.as_str()));
            let found = index.get("Count").and_then(Value::as_u64).unwrap_or(0);
            point.index_stale += u32::from(found == 0);
            advance(&world, SETTLE);
        }
        points.push(point);
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn stale_reads_fade_with_the_delay_and_strong_reads_are_never_stale() {
        let spec = ExperimentSpec {
            delays_ms: vec![0, 2_000],
            trials: 60,
        };
        let points = run(7, &spec).unwrap();
        let (now, later) = (points[0], points[1]);
        assert_eq!(now.strong_stale, 0);
        assert_eq!(later.strong_stale, 0);
        // Two of three replicas are followers that have not applied a write made this
        // instant: about two thirds of immediate eventual reads are stale.
        assert!((25..=55).contains(&now.eventual_stale), "{now:?}");
        assert_eq!(now.index_stale, 60, "no index applies a write instantly");
        assert_eq!(later.eventual_stale, 0, "{later:?}");
        assert_eq!(later.index_stale, 0, "{later:?}");
        assert_eq!(run(7, &spec).unwrap(), points, "the seed fixes the result");
    }

    #[wasm_bindgen_test]
    fn nonsense_is_refused() {
        assert!(
            run(
                1,
                &ExperimentSpec {
                    delays_ms: vec![0],
                    trials: 0
                }
            )
            .is_err()
        );
        assert!(
            run(
                1,
                &ExperimentSpec {
                    delays_ms: vec![],
                    trials: 5
                }
            )
            .is_err()
        );
        assert!(
            run(
                1,
                &ExperimentSpec {
                    delays_ms: vec![MAX_DELAY_MS + 1],
                    trials: 5
                }
            )
            .is_err()
        );
    }
}
