//! The DAX view's two doors to the data, and the lab the experiments run in.
//!
//! A learner reaches a table two ways, exactly as an application does: through a DAX
//! cluster ([`through_dax`], which answers from the cluster's caches or calls DynamoDB on
//! its behalf) or straight to DynamoDB ([`direct`], the page's usual door). The point of
//! the view is the difference between the two, so both take the same request and both go
//! through the endpoint's front-door checks first (see [`crate::requests`]): a request
//! that DynamoDB's door would refuse is refused by DAX's in the same words.
//!
//! The experiments need a table and a cluster whose settings they know, so they work in
//! a lab of their own — the table [`LAB_TABLE`] (partition key `pk`, sort key `sk`) and
//! the cluster [`LAB_CLUSTER`] (three nodes) — created the first time they are needed.
//! Each run writes under its own partition key (`run-1`, `run-2`, ...), so what one run
//! left in the caches never changes what the next one sees.

use std::cell::RefCell;

use dynaplay_world::dynamo::dax::{ClusterStatus, DaxOutcome, DaxRequest, Route};
use dynaplay_world::dynamo::{DynamoError, ErrorKind};
use dynaplay_world::{ClusterSpec, World};
use serde_json::{Value, json};

use crate::requests;

/// The table the experiments use.
pub const LAB_TABLE: &str = "DaxLab";
/// The cluster the experiments use.
pub const LAB_CLUSTER: &str = "lab";
/// Nodes in a freshly made lab cluster: a primary and two read replicas, so replication
/// between nodes is part of every experiment.
pub const LAB_NODES: usize = 3;

/// Which way a request went to the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Door {
    /// Through the named DAX cluster.
    Dax(String),
    /// Straight to DynamoDB.
    Direct,
}

impl Door {
    pub fn label(&self) -> String {
        match self {
            Door::Dax(cluster) => format!("through DAX ({cluster})"),
            Door::Direct => "straight to DynamoDB".to_string(),
        }
    }
}

/// What came back through either door: the answer, and for DAX how it was produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub result: Result<Value, DynamoError>,
    /// DAX's record of the request (which node, which cache, hit or miss, stale or not).
    pub record: Option<DaxRequest>,
}

/// Sends `request` through `door`. Only a request that made it past the front door and
/// succeeded can have changed the table.
pub fn send(world: &RefCell<World>, door: &Door, operation: &str, request: &Value) -> Answer {
    match door {
        Door::Direct => Answer {
            result: requests::execute(world, operation, request),
            record: None,
        },
        Door::Dax(cluster) => match through_dax(world, cluster, operation, request) {
            Ok(outcome) => Answer {
                result: outcome.result,
                record: Some(outcome.request),
            },
            Err(error) => Answer {
                result: Err(error),
                record: None,
            },
        },
    }
}

/// Sends a request through the DAX cluster `cluster`, after the same checks the endpoint
/// makes of any request.
pub fn through_dax(
    world: &RefCell<World>,
    cluster: &str,
    operation: &str,
    request: &Value,
) -> Result<DaxOutcome, DynamoError> {
    requests::admit(operation, request)?;
    let Ok(mut world) = world.try_borrow_mut() else {
        return Err(busy());
    };
    Ok(world.execute_via_dax(cluster, operation, request))
}

fn busy() -> DynamoError {
    DynamoError::new(ErrorKind::InternalServerError, "Internal server error")
}

/// Whether a request that succeeded through DAX changed the table.
pub fn wrote(record: Option<&DaxRequest>, operation: &str) -> bool {
    match record {
        Some(record) => record.route == Route::WriteThrough && record.error.is_none(),
        None => requests::is_write(operation),
    }
}

/// Makes sure the lab table and the lab cluster exist, and says what had to be made.
pub fn ensure_lab(world: &RefCell<World>) -> Result<Vec<String>, String> {
    let mut made = Vec::new();
    let has_table = world
        .try_borrow()
        .map_err(|_| "the world is busy".to_string())?
        .dynamo()
        .table(LAB_TABLE)
        .is_some();
    if !has_table {
        requests::execute(world, "CreateTable", &lab_table_request())
            .map_err(|e| format!("{}: {}", e.kind.name(), e.message))?;
        made.push(format!(
            "Created the table {LAB_TABLE} (partition key pk, sort key sk, on-demand)."
        ));
    }
    let mut world = world
        .try_borrow_mut()
        .map_err(|_| "the world is busy".to_string())?;
    match world.dax().cluster(LAB_CLUSTER).map(|c| c.status) {
        Some(ClusterStatus::Deleting) => {
            return Err(format!(
                "The cluster {LAB_CLUSTER} is being deleted; play for half a minute and run \
                 the experiment again."
            ));
        }
        Some(_) => {}
        None => {
            let mut spec = ClusterSpec::new(LAB_CLUSTER);
            spec.replication_factor = LAB_NODES;
            world
                .provision_dax(&spec)
                .map_err(|e| format!("{}: {}", e.code, e.message))?;
            made.push(format!(
                "Started the DAX cluster {LAB_CLUSTER}: {LAB_NODES} dax.r5.large nodes in front of \
                 DynamoDB."
            ));
        }
    }
    Ok(made)
}

/// The `CreateTable` request for the lab table.
pub fn lab_table_request() -> Value {
    json!({
        "TableName": LAB_TABLE,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"}
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"}
        ]
    })
}

/// The primary key of one lab item.
pub fn lab_key(pk: &str, sk: &str) -> Value {
    json!({"pk": {"S": pk}, "sk": {"S": sk}})
}

/// `PutItem` of a lab item with one numeric attribute.
pub fn put(pk: &str, sk: &str, attribute: &str, value: u64) -> Value {
    let mut item = lab_key(pk, sk);
    if let Some(members) = item.as_object_mut() {
        members.insert(attribute.to_string(), json!({"N": value.to_string()}));
    }
    json!({"TableName": LAB_TABLE, "Item": item})
}

/// `UpdateItem` setting one numeric attribute of a lab item.
pub fn set(pk: &str, sk: &str, attribute: &str, value: u64) -> Value {
    json!({
        "TableName": LAB_TABLE,
        "Key": lab_key(pk, sk),
        "UpdateExpression": "SET #a = :v",
        "ExpressionAttributeNames": {"#a": attribute},
        "ExpressionAttributeValues": {":v": {"N": value.to_string()}}
    })
}

/// `GetItem` of a lab item, eventually or strongly consistent.
pub fn get(pk: &str, sk: &str, consistent: bool) -> Value {
    let mut request = json!({"TableName": LAB_TABLE, "Key": lab_key(pk, sk)});
    if consistent && let Some(members) = request.as_object_mut() {
        members.insert("ConsistentRead".into(), Value::Bool(true));
    }
    request
}

/// `Query` of one lab partition.
pub fn query(pk: &str) -> Value {
    json!({
        "TableName": LAB_TABLE,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}}
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_lab_is_made_once_and_both_doors_reach_its_table() {
        let world = RefCell::new(World::new(1));
        let made = ensure_lab(&world).unwrap();
        assert_eq!(made.len(), 2, "{made:?}");
        assert!(
            ensure_lab(&world).unwrap().is_empty(),
            "nothing to make twice"
        );

        let door = Door::Dax(LAB_CLUSTER.into());
        let written = send(&world, &door, "PutItem", &put("run-1", "a", "price", 3));
        let record = written.record.clone().unwrap();
        assert_eq!(record.route, Route::WriteThrough);
        assert!(wrote(Some(&record), "PutItem"));
        let read = send(&world, &Door::Direct, "GetItem", &get("run-1", "a", false));
        assert_eq!(read.result.unwrap()["Item"]["price"], json!({"N": "3"}));
        assert!(read.record.is_none());
    }

    #[wasm_bindgen_test]
    fn dax_has_the_same_front_door_as_dynamodb() {
        let world = RefCell::new(World::new(1));
        ensure_lab(&world).unwrap();
        let door = Door::Dax(LAB_CLUSTER.into());
        let unknown = send(&world, &door, "DropTable", &json!({}));
        assert_eq!(
            unknown.result.unwrap_err().kind,
            ErrorKind::UnknownOperation
        );
        let null = send(&world, &door, "GetItem", &Value::Null);
        assert_eq!(null.result.unwrap_err().kind, ErrorKind::Serialization);
        let missing = send(
            &world,
            &Door::Dax("nope".into()),
            "GetItem",
            &get("a", "b", false),
        );
        assert!(missing.result.is_err());
        assert_eq!(missing.record.unwrap().route, Route::Unavailable);
    }
}
