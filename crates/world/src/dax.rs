//! The world's DAX: clusters in front of the world's own DynamoDB.
//!
//! A request through DAX is the second door into the same tables. [`World::execute`]
//! talks to DynamoDB directly; [`World::execute_via_dax`] sends the same request through a
//! named DAX cluster, which answers from its caches or calls that same DynamoDB — with
//! all of the physical model's realism (stale replicas, throttling, latency) on its
//! misses and writes. So a learner can write around DAX on one door and watch the other
//! keep serving the old item, exactly as with the real services.
//!
//! DAX's requests reach DynamoDB under the client name [`DAX_CLIENT`], so the event log
//! tells them apart from the console's. Time reaches DAX lazily: each DAX call and
//! snapshot first brings the clusters up to the world's clock, which is equivalent to
//! ticking them all along because nothing in DAX happens without being asked.

use dynaplay_dynamo::dax::{
    ClusterSpec, DaxError, DaxOutcome, DaxService, DaxSnapshot, ServiceBackend,
};
use serde_json::Value;

use crate::World;

/// The client name DAX's own requests to DynamoDB carry in events.
pub const DAX_CLIENT: &str = "dax";

impl World {
    /// Sends a DynamoDB data-plane request (`GetItem`, `Query`, `PutItem`, ...) through
    /// the DAX cluster `cluster` at the current simulated time.
    pub fn execute_via_dax(
        &mut self,
        cluster: &str,
        operation: &str,
        request: &Value,
    ) -> DaxOutcome {
        let now = self.now();
        let mut backend = ServiceBackend::new(&mut self.dynamo, DAX_CLIENT);
        self.dax
            .execute(cluster, operation, request, &mut backend, now)
    }

    /// Runs a DAX management operation (`CreateCluster`, `DescribeClusters`, ...; see
    /// [`dynaplay_dynamo::dax::control`]) at the current simulated time.
    pub fn dax_control(&mut self, operation: &str, request: &Value) -> Result<Value, DaxError> {
        let now = self.now();
        self.dax.control(operation, request, now)
    }

    /// Creates a DAX cluster whose nodes are running at once.
    pub fn provision_dax(&mut self, spec: &ClusterSpec) -> Result<(), DaxError> {
        let now = self.now();
        self.dax.provision(spec, now).map(|_| ())
    }

    /// Sets a cluster's item and query cache TTLs, in milliseconds.
    pub fn set_dax_ttls(
        &mut self,
        cluster: &str,
        record_ttl_millis: u64,
        query_ttl_millis: u64,
    ) -> Result<(), DaxError> {
        let now = self.now();
        self.dax
            .set_ttls(cluster, record_ttl_millis, query_ttl_millis, now)
    }

    /// Fails a DAX node now; DAX replaces it (empty) a minute later.
    pub fn fail_dax_node(&mut self, cluster: &str, node: &str) -> Result<(), DaxError> {
        let now = self.now();
        self.dax.fail_node(cluster, node, now)
    }

    /// Every DAX cluster as of now, for the DAX view.
    pub fn dax_snapshot(&mut self) -> DaxSnapshot {
        let now = self.now();
        self.dax.advance_to(now);
        self.dax.snapshot(now)
    }

    /// The DAX service, for views that read clusters directly.
    pub fn dax(&self) -> &DaxService {
        &self.dax
    }

    pub fn dax_mut(&mut self) -> &mut DaxService {
        &mut self.dax
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_dynamo::dax::Route;
    use dynaplay_sim::SimDuration;
    use serde_json::json;

    #[test]
    fn dax_and_direct_are_two_doors_to_the_same_table() {
        let mut world = World::new(3);
        world
            .execute(
                "CreateTable",
                &json!({"TableName": "users", "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
            )
            .unwrap();
        world.advance(SimDuration::from_secs(1));
        world.provision_dax(&ClusterSpec::new("front")).unwrap();
        let put = json!({"TableName": "users", "Item": {"id": {"S": "ada"}, "v": {"N": "1"}}});
        let written = world.execute_via_dax("front", "PutItem", &put);
        assert_eq!(written.request.route, Route::WriteThrough);
        let get = json!({"TableName": "users", "Key": {"id": {"S": "ada"}}});
        assert_eq!(
            world.execute("GetItem", &get).unwrap()["Item"]["v"],
            json!({"N": "1"})
        );

        // Around DAX: the table changes, DAX's primary still has the old item.
        world
            .execute(
                "PutItem",
                &json!({"TableName": "users", "Item": {"id": {"S": "ada"}, "v": {"N": "2"}}}),
            )
            .unwrap();
        world.advance(SimDuration::from_secs(1));
        let read = world.execute_via_dax("front", "GetItem", &get);
        assert_eq!(read.request.route, Route::CacheHit);
        assert_eq!(read.result.unwrap()["Item"]["v"], json!({"N": "1"}));
        assert!(read.request.stale);

        let snapshot = world.dax_snapshot();
        assert_eq!(snapshot.clusters[0].name, "front");
        assert!(
            world.events_since(0).count() > 0,
            "DAX's calls show in the event log"
        );
    }

    #[test]
    fn control_operations_and_node_failure_go_through_the_world() {
        let mut world = World::new(3);
        let created = world
            .dax_control(
                "CreateCluster",
                &json!({"ClusterName": "c", "NodeType": "dax.r5.large", "ReplicationFactor": 2,
                    "IamRoleArn": "arn:aws:iam::000000000000:role/DAX"}),
            )
            .unwrap();
        assert_eq!(created["Cluster"]["Status"], "creating");
        world.advance(SimDuration::from_secs(60));
        world.fail_dax_node("c", "c-a").unwrap();
        let snapshot = world.dax_snapshot();
        assert_eq!(snapshot.clusters[0].nodes[0].status, "failed");
        assert_eq!(
            world.fail_dax_node("c", "c-z").unwrap_err().code,
            "NodeNotFoundFault"
        );
        world.set_dax_ttls("c", 1_000, 0).unwrap();
        assert_eq!(world.dax_snapshot().clusters[0].query_ttl_millis, 0);
    }
}
