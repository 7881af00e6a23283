//! What sits behind DAX: whatever serves the table.
//!
//! DAX is a separate service in front of DynamoDB, not part of it, so the cache is written
//! against this small trait rather than against [`Database`]. The logical engine
//! implements it directly; the model of DynamoDB's partitions and replicas
//! ([`DynamoService`]) — which can answer an eventually consistent read from a stale
//! replica, throttle, and take time — is adapted by [`ServiceBackend`], and DAX then
//! inherits all of that on its misses.
//!
//! Two doors, because DAX needs two kinds of answers:
//!
//! - [`Backend::call`] is a real request, as DAX's own client makes it: it is charged,
//!   may throttle, may read a stale replica, and takes time, which it reports when it
//!   models time at all.
//! - [`Backend::peek`] is the simulation looking over the service's shoulder. It answers
//!   a read (GetItem, BatchGetItem, Query, Scan, DescribeTable) from the latest committed
//!   state, as a strongly consistent read would — even for a request that asks for an
//!   eventually consistent one or names a global secondary index — and it charges,
//!   throttles, delays and changes nothing. DAX uses it to validate a request it will
//!   answer from memory, to learn a table's key schema, to refresh its item cache after a
//!   write, and to annotate each answer with whether it differs from the table. It is
//!   bookkeeping for the learner, not traffic.

use dynaplay_sim::{SimDuration, SimTime};
use serde_json::Value;

use crate::db::{Database, RequestContext};
use crate::error::DynamoError;
use crate::physical::DynamoService;

/// What a call to the backend gave.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendReply {
    pub result: Result<Value, DynamoError>,
    /// How long the call took, if the backend models time.
    pub latency: Option<SimDuration>,
}

/// The service that owns the tables DAX caches.
pub trait Backend {
    /// Executes an operation as a client of the table would, at `now`.
    fn call(&mut self, operation: &str, request: &Value, now: SimTime) -> BackendReply;

    /// Answers a read from the latest committed state without charging, throttling or
    /// changing anything. Only read operations and DescribeTable are ever peeked.
    fn peek(
        &mut self,
        operation: &str,
        request: &Value,
        now: SimTime,
    ) -> Result<Value, DynamoError>;
}

/// The logical engine has one copy of every item, so an eventually consistent read is
/// already the latest state, and reads change nothing: peeking is executing.
impl Backend for Database {
    fn call(&mut self, operation: &str, request: &Value, now: SimTime) -> BackendReply {
        BackendReply {
            result: self.execute(operation, request, &RequestContext::at(now)),
            latency: None,
        }
    }

    fn peek(
        &mut self,
        operation: &str,
        request: &Value,
        now: SimTime,
    ) -> Result<Value, DynamoError> {
        self.execute(operation, request, &RequestContext::at(now))
    }
}

/// The physical model of DynamoDB as DAX's backend: calls are real requests (charged,
/// possibly throttled or served by a lagging replica, timed when the service's realism
/// includes latency), made under the client name `client`; peeks answer from the logical
/// engine inside it, which always holds the latest committed state.
///
/// The service only lends its engine out read-only, so a peek runs on a copy, taken at
/// the first peek and reused until the next call (which may change the data). That is
/// linear in the data per request that peeks — fine for playground-sized tables; a
/// `peek` on [`DynamoService`] itself would remove the copy.
pub struct ServiceBackend<'a> {
    service: &'a mut DynamoService,
    client: &'a str,
    copy: Option<Database>,
}

impl<'a> ServiceBackend<'a> {
    pub fn new(service: &'a mut DynamoService, client: &'a str) -> ServiceBackend<'a> {
        ServiceBackend {
            service,
            client,
            copy: None,
        }
    }
}

impl Backend for ServiceBackend<'_> {
    fn call(&mut self, operation: &str, request: &Value, now: SimTime) -> BackendReply {
        self.copy = None;
        let outcome = self.service.execute(operation, request, self.client, now);
        BackendReply {
            result: outcome.result,
            // Without simulated latency the service reports zero; DAX then uses its own
            // model of DynamoDB's, so its records stay meaningful.
            latency: (!outcome.latency.is_zero()).then_some(outcome.latency),
        }
    }

    fn peek(
        &mut self,
        operation: &str,
        request: &Value,
        now: SimTime,
    ) -> Result<Value, DynamoError> {
        let service = &*self.service;
        self.copy
            .get_or_insert_with(|| service.database().clone())
            .execute(operation, request, &RequestContext::at(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn peeking_reads_change_nothing_in_the_logical_engine() {
        let mut db = Database::default();
        let now = SimTime::ZERO;
        db.call(
            "CreateTable",
            &json!({"TableName": "tab", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
            now,
        )
        .result
        .unwrap();
        db.call(
            "PutItem",
            &json!({"TableName": "tab", "Item": {"pk": {"S": "a"}}}),
            now,
        )
        .result
        .unwrap();
        let before = format!("{:?}", db.debug_state());
        for (op, request) in [
            (
                "GetItem",
                json!({"TableName": "tab", "Key": {"pk": {"S": "a"}}}),
            ),
            (
                "Query",
                json!({"TableName": "tab", "KeyConditionExpression": "pk = :a",
                "ExpressionAttributeValues": {":a": {"S": "a"}}}),
            ),
            ("Scan", json!({"TableName": "tab"})),
            (
                "BatchGetItem",
                json!({"RequestItems": {"tab": {"Keys": [{"pk": {"S": "a"}}]}}}),
            ),
            ("DescribeTable", json!({"TableName": "tab"})),
        ] {
            db.peek(op, &request, now).unwrap();
        }
        assert_eq!(before, format!("{:?}", db.debug_state()));
    }
}
