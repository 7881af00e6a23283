//! The DynamoDB JSON 1.0 protocol, as DynamoDB's front door speaks it.
//!
//! A request is an HTTP POST whose `X-Amz-Target` header names the API version and the
//! operation (`DynamoDB_20120810.PutItem`) and whose body is a JSON object. Every answer
//! carries an `x-amzn-RequestId` and an `x-amz-crc32` checksum of its body, which SDKs
//! verify. Failures are JSON bodies `{"__type": "...#Name", "message": "..."}` with status
//! 400 (500 for internal errors), and the front door has its own: a body that is not JSON is
//! a `SerializationException`, an unknown target an `UnknownOperationException`.
//!
//! The same door also takes DAX's management API (`AmazonDAXV3.CreateCluster`, ...), the
//! JSON 1.1 service an SDK's DAX client (`boto3.client("dax")`, `aws dax ...`) calls to
//! create and size clusters. Its errors are DAX's own faults (`ClusterNotFoundFault`)
//! with bare `__type` names, as JSON 1.1 services send them.
//!
//! Everything here is a pure function of the request, so the endpoint's behaviour is
//! tested without sockets.

use dynaplay_world::DaxError;
use dynaplay_world::dynamo::dax::CONTROL_OPERATIONS;
use dynaplay_world::dynamo::value::{RenderedItems, response_text};
use dynaplay_world::dynamo::{DynamoError, ErrorKind, OPERATIONS};
use serde_json::Value;

/// The largest request body accepted (DynamoDB's own limit is 16 MB).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// API versions whose targets are understood.
const API_PREFIX: &str = "DynamoDB_20120810";

/// The DAX management API's target prefix.
const DAX_API_PREFIX: &str = "AmazonDAXV3";

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";
/// DAX's management API speaks JSON 1.1.
pub const DAX_CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// What the front door decided about a request, before any operation runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Admission {
    /// Run `operation` on `body`.
    Execute { operation: String, body: Value },
    /// Run DAX management `operation` on `body`.
    Manage { operation: String, body: Value },
    /// Answer at once with this error.
    Reject(DynamoError),
}

/// Reads the target and body of a POST.
pub fn admit(target: Option<&str>, body: &[u8]) -> Admission {
    // AWS parses the body before it looks at the target.
    let parsed: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(_) => return Admission::Reject(DynamoError::new(ErrorKind::Serialization, "")),
        }
    };
    let (manage, operation) = match target.and_then(|t| t.split_once('.')) {
        Some((API_PREFIX, op)) if OPERATIONS.contains(&op) => (false, op.to_string()),
        Some((DAX_API_PREFIX, op)) if CONTROL_OPERATIONS.contains(&op) => (true, op.to_string()),
        _ => return Admission::Reject(DynamoError::new(ErrorKind::UnknownOperation, "")),
    };
    if parsed.is_null() {
        // An empty body reaches no operation: AWS answers SerializationException.
        return Admission::Reject(DynamoError::new(ErrorKind::Serialization, ""));
    }
    let body = parsed;
    if manage {
        Admission::Manage { operation, body }
    } else {
        Admission::Execute { operation, body }
    }
}

/// A response ready to send: status and JSON body text (as UTF-8 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn ok(response: &Value) -> Reply {
        Reply {
            status: 200,
            body: json_text(response),
        }
    }

    /// A success whose items the engine already wrote as text ([`ItemsAs::Text`]): they
    /// go where the response holds their placeholder.
    ///
    /// [`ItemsAs::Text`]: dynaplay_dynamo::ItemsAs::Text
    pub fn ok_with(response: &Value, items: Option<&RenderedItems>) -> Reply {
        Reply {
            status: 200,
            body: response_text(response, items),
        }
    }

    pub fn error(err: &DynamoError) -> Reply {
        Reply {
            status: err.kind.http_status(),
            body: json_text(&err.to_wire()),
        }
    }

    /// A DAX management fault: always a client error, as AWS sends them.
    pub fn dax_error(err: &DaxError) -> Reply {
        Reply {
            status: 400,
            body: json_text(&err.to_wire()),
        }
    }

    /// The `x-amz-crc32` header: CRC-32 of the body bytes, as an unsigned decimal.
    pub fn crc32(&self) -> u32 {
        crc32fast::hash(&self.body)
    }
}

/// A JSON document as text: the engine's writer for responses, with no items written
/// apart.
fn json_text(value: &Value) -> Vec<u8> {
    response_text(value, None)
}

/// A 52-character request id in AWS's style (upper-case letters and digits), derived
/// from a counter so that a seeded run numbers its requests the same way every time.
pub fn request_id(sequence: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut state = sequence.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut id = String::with_capacity(52);
    for _ in 0..52 {
        // splitmix64: cheap, well mixed, deterministic.
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let index = (z % ALPHABET.len() as u64) as usize;
        id.push(char::from(*ALPHABET.get(index).unwrap_or(&b'0')));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_an_operation_of_the_current_api() {
        let ok = admit(Some("DynamoDB_20120810.ListTables"), b"{}");
        assert_eq!(
            ok,
            Admission::Execute {
                operation: "ListTables".into(),
                body: serde_json::json!({})
            }
        );
        for target in [
            None,
            Some("ListTables"),
            Some("DynamoDB_20120810.Nope"),
            Some("X.ListTables"),
        ] {
            match admit(target, b"{}") {
                Admission::Reject(err) => assert_eq!(err.kind, ErrorKind::UnknownOperation),
                other => panic!("{target:?} was admitted: {other:?}"),
            }
        }
    }

    #[test]
    fn dax_management_targets_are_admitted_to_their_own_api() {
        assert_eq!(
            admit(Some("AmazonDAXV3.DescribeClusters"), b"{}"),
            Admission::Manage {
                operation: "DescribeClusters".into(),
                body: serde_json::json!({})
            }
        );
        // DAX's operations are not DynamoDB's, nor the other way round.
        for target in ["AmazonDAXV3.GetItem", "DynamoDB_20120810.CreateCluster"] {
            match admit(Some(target), b"{}") {
                Admission::Reject(err) => assert_eq!(err.kind, ErrorKind::UnknownOperation),
                other => panic!("{target} was admitted: {other:?}"),
            }
        }
        let fault = DaxError::cluster_not_found(Some("c"));
        let reply = Reply::dax_error(&fault);
        assert_eq!(reply.status, 400);
        assert_eq!(
            reply.body,
            br#"{"__type":"ClusterNotFoundFault","message":"Cluster c not found."}"#
        );
    }

    #[test]
    fn malformed_json_is_a_serialization_exception_before_the_target_is_read() {
        match admit(Some("nonsense"), b"{not json") {
            Admission::Reject(err) => {
                assert_eq!(err.kind, ErrorKind::Serialization);
                assert_eq!(
                    Reply::error(&err).body,
                    br#"{"__type":"com.amazon.coral.service#SerializationException"}"#
                );
            }
            other => panic!("admitted: {other:?}"),
        }
    }

    #[test]
    fn unknown_operation_has_no_message() {
        let err = DynamoError::new(ErrorKind::UnknownOperation, "");
        assert_eq!(
            Reply::error(&err).body,
            br#"{"__type":"com.amazon.coral.service#UnknownOperationException"}"#
        );
    }

    #[test]
    fn request_ids_look_like_aws_and_are_deterministic() {
        let a = request_id(1);
        assert_eq!(a.len(), 52);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert_eq!(a, request_id(1));
        assert_ne!(a, request_id(2));
    }

    /// The endpoint asks the engine for items as text; the bytes it sends must be the ones
    /// the same requests give when the engine builds the items as values (as the page and
    /// DAX do).
    #[test]
    fn items_written_as_text_are_the_bytes_of_items_built_as_values() {
        use dynaplay_world::World;
        use dynaplay_world::dynamo::ItemsAs;
        use serde_json::json;

        let setup = [
            (
                "CreateTable",
                json!({
                    "TableName": "things",
                    "AttributeDefinitions": [
                        {"AttributeName": "pk", "AttributeType": "S"},
                        {"AttributeName": "sk", "AttributeType": "N"},
                        {"AttributeName": "g", "AttributeType": "S"}
                    ],
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"}
                    ],
                    "GlobalSecondaryIndexes": [{
                        "IndexName": "by-g",
                        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "KEYS_ONLY"}
                    }],
                    "BillingMode": "PAY_PER_REQUEST"
                }),
            ),
            (
                "PutItem",
                json!({"TableName": "things", "Item": {
                    "pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"},
                    "text": {"S": "quote \" slash \\ tab \t é 😀 \u{1}"},
                    "n": {"N": "-0012.500"}, "b": {"B": "AAEC"}, "yes": {"BOOL": true},
                    "none": {"NULL": true}, "l": {"L": [{"N": "1"}, {"M": {"k": {"SS": ["p", "q"]}}}]},
                    "ns": {"NS": ["3", "1.50"]}, "bs": {"BS": ["AQ==", "Ag=="]}
                }}),
            ),
            (
                "PutItem",
                json!({"TableName": "things", "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "g": {"S": "x"}}}),
            ),
            (
                "PutItem",
                json!({"TableName": "things", "Item": {"pk": {"S": "b"}, "sk": {"N": "1"}}}),
            ),
        ];
        let reads = [
            (
                "GetItem",
                json!({"TableName": "things", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}),
            ),
            (
                "GetItem",
                json!({"TableName": "things", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                "ProjectionExpression": "l[1].k, n", "ReturnConsumedCapacity": "TOTAL"}),
            ),
            (
                "GetItem",
                json!({"TableName": "things", "Key": {"pk": {"S": "zz"}, "sk": {"N": "1"}}}),
            ),
            (
                "Query",
                json!({"TableName": "things", "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "a"}}, "ReturnConsumedCapacity": "INDEXES"}),
            ),
            (
                "Query",
                json!({"TableName": "things", "KeyConditionExpression": "pk = :p", "Limit": 1,
                "ExpressionAttributeValues": {":p": {"S": "a"}}, "ScanIndexForward": false}),
            ),
            (
                "Query",
                json!({"TableName": "things", "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "nobody"}}}),
            ),
            (
                "Query",
                json!({"TableName": "things", "IndexName": "by-g", "KeyConditionExpression": "g = :g",
                "ExpressionAttributeValues": {":g": {"S": "x"}}}),
            ),
            (
                "Query",
                json!({"TableName": "things", "KeyConditionExpression": "pk = :p", "Select": "COUNT",
                "ExpressionAttributeValues": {":p": {"S": "a"}}}),
            ),
            ("Scan", json!({"TableName": "things"})),
            (
                "Scan",
                json!({"TableName": "things", "FilterExpression": "attribute_exists(l)",
                "ProjectionExpression": "pk, #t", "ExpressionAttributeNames": {"#t": "text"}}),
            ),
        ];
        let mut as_values = World::new(7);
        let mut as_text = World::new(7);
        for (operation, request) in &setup {
            as_values.execute(operation, request).unwrap();
            as_text.execute(operation, request).unwrap();
        }
        let mut rendered = 0;
        for (operation, request) in &reads {
            let built = as_values.request_as(operation, request, "endpoint", ItemsAs::Values);
            let written = as_text.request_as(operation, request, "endpoint", ItemsAs::Text);
            assert!(built.items.is_none());
            rendered += usize::from(written.items.is_some());
            let built = Reply::ok(built.result.as_ref().unwrap());
            let written = Reply::ok_with(written.result.as_ref().unwrap(), written.items.as_ref());
            assert_eq!(
                String::from_utf8(written.body).unwrap(),
                String::from_utf8(built.body).unwrap(),
                "{operation} {request}"
            );
        }
        // All but the miss and the COUNT returned items, and those came as text.
        assert_eq!(rendered, reads.len() - 2);
    }

    #[test]
    fn crc32_is_of_the_body() {
        let reply = Reply {
            status: 200,
            body: b"{}".to_vec(),
        };
        assert_eq!(reply.crc32(), 2745614147);
    }
}
