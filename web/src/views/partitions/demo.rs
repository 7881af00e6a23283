//! The demo table: one click to something worth looking at.
//!
//! A table provisioned at 1,000 RCU and 3,200 WCU — REFERENCE.md's example, four
//! partitions of 800 WCU (and 250 RCU) each — holding 10,000 items whose partition keys
//! are `key-0` … `key-9999`, the same keys the traffic generator draws, so generated reads
//! find items and generated writes overwrite them. It is made with ordinary requests
//! through the page's one door: a `CreateTable` and 400 `BatchWriteItem`s of 25. Those
//! writes are real, so the partitions' write buckets start in debt and the replicas' logs
//! full; both settle as soon as simulated time runs. Throttling is switched off for the
//! load (and back afterwards), the way a bulk import is not throttled, so every item lands.

use std::cell::RefCell;

use dynaplay_world::{Realism, World};
use serde_json::{Value, json};

use crate::requests;

/// Items in the demo table.
pub const ITEMS: u32 = 10_000;
/// BatchWriteItem's limit.
const BATCH: u32 = 25;
pub const READ_CAPACITY: u64 = 1_000;
pub const WRITE_CAPACITY: u64 = 3_200;

/// Why the demo table could not be made.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoFailure {
    pub message: String,
    /// Whether the table was created (and may hold some items) before it failed.
    pub created: bool,
}

/// The first of `Demo`, `Demo2`, `Demo3`, … that is not a table yet.
pub fn free_name(world: &World) -> String {
    let taken = |name: &str| world.dynamo().table(name).is_some();
    (1..)
        .map(|n: u32| {
            if n == 1 {
                "Demo".to_string()
            } else {
                format!("Demo{n}")
            }
        })
        .find(|name| !taken(name))
        .unwrap_or_else(|| "Demo".into())
}

pub fn create_request(name: &str) -> Value {
    json!({
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {
            "ReadCapacityUnits": READ_CAPACITY,
            "WriteCapacityUnits": WRITE_CAPACITY
        }
    })
}

/// The `BatchWriteItem` request for items `first .. first + BATCH`.
pub fn batch_request(name: &str, first: u32) -> Value {
    let puts: Vec<Value> = (first..(first + BATCH).min(ITEMS))
        .map(|n| {
            json!({"PutRequest": {"Item": {
                "pk": {"S": format!("key-{n}")},
                "n": {"N": n.to_string()},
                "payload": {"S": "demo item ".repeat(4)}
            }}})
        })
        .collect();
    json!({ "RequestItems": { name: puts } })
}

/// Creates the demo table and loads it; returns its name.
pub fn create(world: &RefCell<World>) -> Result<String, DemoFailure> {
    let (name, realism) = match world.try_borrow() {
        Ok(world) => (free_name(&world), world.realism()),
        Err(_) => {
            return Err(DemoFailure {
                message: "The world is busy; try again.".into(),
                created: false,
            });
        }
    };
    requests::execute(world, "CreateTable", &create_request(&name)).map_err(|e| DemoFailure {
        message: format!("CreateTable failed: {}: {}", e.kind.name(), e.message),
        created: false,
    })?;
    set_realism(
        world,
        Realism {
            throttle: false,
            ..realism
        },
    );
    let loaded = load(world, &name);
    set_realism(world, realism);
    loaded.map(|()| name)
}

fn load(world: &RefCell<World>, name: &str) -> Result<(), DemoFailure> {
    for first in (0..ITEMS).step_by(BATCH as usize) {
        let response = requests::execute(world, "BatchWriteItem", &batch_request(name, first))
            .map_err(|e| DemoFailure {
                message: format!(
                    "Loading items {first}… failed: {}: {}",
                    e.kind.name(),
                    e.message
                ),
                created: true,
            })?;
        let unprocessed = response
            .get("UnprocessedItems")
            .and_then(Value::as_object)
            .is_some_and(|items| !items.is_empty());
        if unprocessed {
            return Err(DemoFailure {
                message: format!("Items from {first} on were left unprocessed."),
                created: true,
            });
        }
    }
    Ok(())
}

fn set_realism(world: &RefCell<World>, realism: Realism) {
    if let Ok(mut world) = world.try_borrow_mut() {
        world.set_realism(realism);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_demo_table_holds_ten_thousand_items_on_four_partitions() {
        let world = RefCell::new(World::with_realism(1, Realism::ALL));
        assert_eq!(create(&world).unwrap(), "Demo");
        let world = world.borrow();
        assert_eq!(world.realism(), Realism::ALL, "the setting is put back");
        let snapshot = world.snapshot();
        let table = &snapshot.tables[0];
        assert_eq!(table.item_count, u64::from(ITEMS));
        assert_eq!(table.partitions.len(), 4, "3,200 WCU is four partitions");
        assert_eq!(table.partitions[0].write.share, Some(800.0));
        assert_eq!(world.item_marks("Demo").len(), ITEMS as usize);
        assert_eq!(free_name(&world), "Demo2");
    }

    #[wasm_bindgen_test]
    fn batches_stay_within_the_limit() {
        let request = batch_request("T", ITEMS - 5);
        assert_eq!(request["RequestItems"]["T"].as_array().unwrap().len(), 5);
        let request = batch_request("T", 0);
        assert_eq!(request["RequestItems"]["T"].as_array().unwrap().len(), 25);
        assert_eq!(
            request["RequestItems"]["T"][3]["PutRequest"]["Item"]["pk"]["S"],
            "key-3"
        );
    }
}
