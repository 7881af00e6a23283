//! Request decoding under fire: arbitrary and mutated request bodies thrown at every
//! operation must never panic, and a request that fails must leave the database exactly
//! as it was. The mutations start from valid requests so they reach deep into each
//! operation's validation, not just its first type check.

use dynaplay_dynamo::{Database, OPERATIONS, RequestContext};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Member names and type tags that requests use, so random objects look like requests.
const VOCABULARY: &[&str] = &[
    "TableName",
    "Item",
    "Key",
    "KeySchema",
    "AttributeDefinitions",
    "AttributeName",
    "AttributeType",
    "KeyType",
    "HASH",
    "RANGE",
    "BillingMode",
    "PAY_PER_REQUEST",
    "ProvisionedThroughput",
    "ReadCapacityUnits",
    "WriteCapacityUnits",
    "ConditionExpression",
    "UpdateExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValues",
    "Limit",
    "ExclusiveStartKey",
    "Select",
    "IndexName",
    "Segment",
    "TotalSegments",
    "RequestItems",
    "TransactItems",
    "Put",
    "Update",
    "Delete",
    "ConditionCheck",
    "Get",
    "Keys",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "Projection",
    "ProjectionType",
    "ConsistentRead",
    "ScanIndexForward",
    "ReturnConsumedCapacity",
    "S",
    "N",
    "B",
    "BOOL",
    "NULL",
    "L",
    "M",
    "SS",
    "NS",
    "BS",
    "pk",
    "sk",
    "#n",
    ":v",
    "t",
    "ALL_NEW",
    "TOTAL",
    "SET a = :v",
    "pk = :v",
    "attribute_exists(pk)",
    "1",
    "-0.0",
    "1E+126",
    "",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(VOCABULARY).prop_map(str::to_string),
        "[a-zA-Z:#_ ()=<>.0-9]{0,12}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((word(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Valid requests for a table `t` (pk S, sk N) with a GSI `g` on `gk`.
fn templates() -> Vec<(&'static str, Value)> {
    let key = json!({"pk": {"S": "a"}, "sk": {"N": "1"}});
    vec![
        (
            "PutItem",
            json!({"TableName": "t", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "gk": {"S": "x"}}, "ConditionExpression": "attribute_not_exists(pk)"}),
        ),
        (
            "GetItem",
            json!({"TableName": "t", "Key": key, "ProjectionExpression": "pk, #n", "ExpressionAttributeNames": {"#n": "n"}}),
        ),
        (
            "UpdateItem",
            json!({"TableName": "t", "Key": key, "UpdateExpression": "SET v = if_not_exists(v, :z) + :one ADD s :set", "ExpressionAttributeValues": {":z": {"N": "0"}, ":one": {"N": "1"}, ":set": {"SS": ["a"]}}, "ReturnValues": "ALL_NEW"}),
        ),
        (
            "DeleteItem",
            json!({"TableName": "t", "Key": key, "ReturnValues": "ALL_OLD"}),
        ),
        (
            "Query",
            json!({"TableName": "t", "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b", "ExpressionAttributeValues": {":p": {"S": "a"}, ":a": {"N": "0"}, ":b": {"N": "9"}}, "Limit": 2}),
        ),
        (
            "Scan",
            json!({"TableName": "t", "FilterExpression": "size(gk) > :n", "ExpressionAttributeValues": {":n": {"N": "0"}}, "Segment": 0, "TotalSegments": 2}),
        ),
        (
            "BatchWriteItem",
            json!({"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "2"}}}}]}}),
        ),
        (
            "BatchGetItem",
            json!({"RequestItems": {"t": {"Keys": [key]}}}),
        ),
        (
            "TransactWriteItems",
            json!({"TransactItems": [{"Put": {"TableName": "t", "Item": {"pk": {"S": "c"}, "sk": {"N": "3"}}}}, {"ConditionCheck": {"TableName": "t", "Key": key, "ConditionExpression": "attribute_exists(pk)"}}]}),
        ),
        (
            "TransactGetItems",
            json!({"TransactItems": [{"Get": {"TableName": "t", "Key": key}}]}),
        ),
        (
            "CreateTable",
            json!({"TableName": "u", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}),
        ),
        (
            "UpdateTable",
            json!({"TableName": "t", "BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}),
        ),
        ("DescribeTable", json!({"TableName": "t"})),
        ("ListTables", json!({"Limit": 1})),
    ]
}

fn seeded() -> Database {
    let mut db = Database::default();
    let ctx = RequestContext::default();
    let create = json!({
        "TableName": "t",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "gk", "AttributeType": "S"}
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "GlobalSecondaryIndexes": [{"IndexName": "g", "KeySchema": [{"AttributeName": "gk", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}]
    });
    let _ = db.execute("CreateTable", &create, &ctx);
    let put = json!({"TableName": "t", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "gk": {"S": "x"}, "v": {"N": "5"}}});
    let _ = db.execute("PutItem", &put, &ctx);
    db
}

/// Replaces the subtree at a pseudo-random position (chosen by `path`) with `replacement`.
fn mutate(value: &mut Value, path: &[usize], replacement: Value) {
    let Some((&choice, rest)) = path.split_first() else {
        *value = replacement;
        return;
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let index = choice % map.len();
            if let Some((_, child)) = map.iter_mut().nth(index) {
                mutate(child, rest, replacement);
            }
        }
        Value::Array(list) if !list.is_empty() => {
            let index = choice % list.len();
            if let Some(child) = list.get_mut(index) {
                mutate(child, rest, replacement);
            }
        }
        _ => *value = replacement,
    }
}

fn check(db: &mut Database, operation: &str, body: &Value) {
    let before = format!("{:?}", db.debug_state());
    let result = db.execute(operation, body, &RequestContext::default());
    if result.is_err() {
        assert_eq!(
            before,
            format!("{:?}", db.debug_state()),
            "a failed {operation} changed the database: {body}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bodies_never_panic(op in prop::sample::select(OPERATIONS), body in json_value()) {
        let mut db = seeded();
        check(&mut db, op, &body);
    }

    #[test]
    fn mutated_valid_requests_never_panic(
        template in prop::sample::select(templates()),
        path in prop::collection::vec(any::<usize>(), 0..6),
        replacement in json_value(),
    ) {
        let (operation, mut body) = template;
        mutate(&mut body, &path, replacement);
        let mut db = seeded();
        check(&mut db, operation, &body);
    }
}
