//! A starting request for every operation, in the JSON `aws dynamodb <op>
//! --cli-input-json` accepts (the API's own request shape).
//!
//! The templates tell one story, the Music table from AWS's getting-started guide: create
//! the table, write songs, read them back, query, batch, transact, tag, then delete it.
//! Run in that order — the table first, writes before the reads that look for them, the
//! deletion last — they all succeed, so a learner can walk the whole API by pressing Run,
//! and then edit a template to see what DynamoDB says about a mistake.

/// The template for `operation`, or an empty request for one without a template.
pub fn template(operation: &str) -> &'static str {
    TEMPLATES
        .iter()
        .find(|(op, _)| *op == operation)
        .map(|(_, body)| *body)
        .unwrap_or("{}")
}

const TEMPLATES: &[(&str, &str)] = &[
    (
        "CreateTable",
        r#"{
  "TableName": "Music",
  "AttributeDefinitions": [
    { "AttributeName": "Artist", "AttributeType": "S" },
    { "AttributeName": "SongTitle", "AttributeType": "S" }
  ],
  "KeySchema": [
    { "AttributeName": "Artist", "KeyType": "HASH" },
    { "AttributeName": "SongTitle", "KeyType": "RANGE" }
  ],
  "BillingMode": "PROVISIONED",
  "ProvisionedThroughput": { "ReadCapacityUnits": 5, "WriteCapacityUnits": 5 }
}"#,
    ),
    ("DescribeTable", r#"{ "TableName": "Music" }"#),
    ("ListTables", r#"{ "Limit": 10 }"#),
    (
        "UpdateTable",
        r#"{
  "TableName": "Music",
  "ProvisionedThroughput": { "ReadCapacityUnits": 10, "WriteCapacityUnits": 10 }
}"#,
    ),
    ("DescribeLimits", "{}"),
    ("DescribeEndpoints", "{}"),
    ("DescribeTimeToLive", r#"{ "TableName": "Music" }"#),
    (
        "UpdateTimeToLive",
        r#"{
  "TableName": "Music",
  "TimeToLiveSpecification": { "Enabled": true, "AttributeName": "ExpiresAt" }
}"#,
    ),
    (
        "TagResource",
        r#"{
  "ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Music",
  "Tags": [{ "Key": "Owner", "Value": "blueTeam" }]
}"#,
    ),
    (
        "UntagResource",
        r#"{
  "ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Music",
  "TagKeys": ["Owner"]
}"#,
    ),
    (
        "ListTagsOfResource",
        r#"{ "ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Music" }"#,
    ),
    (
        "PutItem",
        r#"{
  "TableName": "Music",
  "Item": {
    "Artist": { "S": "No One You Know" },
    "SongTitle": { "S": "Call Me Today" },
    "AlbumTitle": { "S": "Somewhat Famous" },
    "Year": { "N": "2015" }
  },
  "ReturnConsumedCapacity": "TOTAL"
}"#,
    ),
    (
        "GetItem",
        r#"{
  "TableName": "Music",
  "Key": {
    "Artist": { "S": "No One You Know" },
    "SongTitle": { "S": "Call Me Today" }
  },
  "ConsistentRead": true,
  "ReturnConsumedCapacity": "TOTAL"
}"#,
    ),
    (
        "UpdateItem",
        r##"{
  "TableName": "Music",
  "Key": {
    "Artist": { "S": "No One You Know" },
    "SongTitle": { "S": "Call Me Today" }
  },
  "UpdateExpression": "SET #Y = :y, AlbumTitle = :t",
  "ExpressionAttributeNames": { "#Y": "Year" },
  "ExpressionAttributeValues": {
    ":y": { "N": "2016" },
    ":t": { "S": "Louder Than Ever" }
  },
  "ReturnValues": "ALL_NEW",
  "ReturnConsumedCapacity": "TOTAL"
}"##,
    ),
    (
        "DeleteItem",
        r#"{
  "TableName": "Music",
  "Key": {
    "Artist": { "S": "No One You Know" },
    "SongTitle": { "S": "Call Me Today" }
  },
  "ReturnValues": "ALL_OLD",
  "ReturnConsumedCapacity": "TOTAL"
}"#,
    ),
    (
        "Query",
        r#"{
  "TableName": "Music",
  "KeyConditionExpression": "Artist = :a AND begins_with(SongTitle, :t)",
  "ExpressionAttributeValues": {
    ":a": { "S": "Acme Band" },
    ":t": { "S": "Happy" }
  },
  "ReturnConsumedCapacity": "TOTAL"
}"#,
    ),
    (
        "Scan",
        r##"{
  "TableName": "Music",
  "FilterExpression": "#Y >= :y",
  "ExpressionAttributeNames": { "#Y": "Year" },
  "ExpressionAttributeValues": { ":y": { "N": "2000" } },
  "Limit": 25,
  "ReturnConsumedCapacity": "TOTAL"
}"##,
    ),
    (
        "BatchGetItem",
        r#"{
  "RequestItems": {
    "Music": {
      "Keys": [
        { "Artist": { "S": "Acme Band" }, "SongTitle": { "S": "Happy Day" } },
        { "Artist": { "S": "Acme Band" }, "SongTitle": { "S": "PartiQL Rocks" } }
      ],
      "ProjectionExpression": "SongTitle, AlbumTitle"
    }
  },
  "ReturnConsumedCapacity": "TOTAL"
}"#,
    ),
    (
        "BatchWriteItem",
        r#"{
  "RequestItems": {
    "Music": [
      {
        "PutRequest": {
          "Item": {
            "Artist": { "S": "Acme Band" },
            "SongTitle": { "S": "Happy Day" },
            "AlbumTitle": { "S": "Songs About Life" },
            "Year": { "N": "2020" }
          }
        }
      },
      {
        "PutRequest": {
          "Item": {
            "Artist": { "S": "Acme Band" },
            "SongTitle": { "S": "PartiQL Rocks" },
            "AlbumTitle": { "S": "Another Album Title" },
            "Year": { "N": "2021" }
          }
        }
      }
    ]
  },
  "ReturnConsumedCapacity": "TOTAL"
}"#,
    ),
    (
        "TransactWriteItems",
        r#"{
  "TransactItems": [
    {
      "Put": {
        "TableName": "Music",
        "Item": {
          "Artist": { "S": "Acme Band" },
          "SongTitle": { "S": "Still Happy" },
          "Year": { "N": "2022" }
        },
        "ConditionExpression": "attribute_not_exists(Artist)"
      }
    },
    {
      "Update": {
        "TableName": "Music",
        "Key": {
          "Artist": { "S": "Acme Band" },
          "SongTitle": { "S": "Happy Day" }
        },
        "UpdateExpression": "SET Plays = if_not_exists(Plays, :zero) + :one",
        "ExpressionAttributeValues": { ":zero": { "N": "0" }, ":one": { "N": "1" } }
      }
    }
  ],
  "ReturnConsumedCapacity": "TOTAL"
}"#,
    ),
    (
        "TransactGetItems",
        r#"{
  "TransactItems": [
    {
      "Get": {
        "TableName": "Music",
        "Key": {
          "Artist": { "S": "Acme Band" },
          "SongTitle": { "S": "Happy Day" }
        }
      }
    }
  ],
  "ReturnConsumedCapacity": "TOTAL"
}"#,
    ),
    ("DeleteTable", r#"{ "TableName": "Music" }"#),
];

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_world::World;
    use dynaplay_world::dynamo::OPERATIONS;
    use serde_json::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn every_operation_has_a_template_of_valid_json() {
        for op in OPERATIONS {
            assert!(
                TEMPLATES.iter().any(|(name, _)| name == op),
                "no template for {op}"
            );
        }
        for (op, body) in TEMPLATES {
            assert!(OPERATIONS.contains(op), "{op} is not an operation");
            let parsed: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{op}: {e}"));
            assert!(parsed.is_object(), "{op}");
        }
        assert_eq!(template("NotAnOperation"), "{}");
    }

    /// The templates, run in the order listed (writes before the reads that expect them,
    /// DeleteTable last), all succeed against the engine.
    #[wasm_bindgen_test]
    fn the_templates_tell_one_story_that_succeeds() {
        let mut world = World::new(1);
        let order = [
            "CreateTable",
            "DescribeTable",
            "ListTables",
            "UpdateTable",
            "DescribeLimits",
            "DescribeEndpoints",
            "UpdateTimeToLive",
            "DescribeTimeToLive",
            "TagResource",
            "ListTagsOfResource",
            "UntagResource",
            "PutItem",
            "GetItem",
            "UpdateItem",
            "DeleteItem",
            "BatchWriteItem",
            "Query",
            "Scan",
            "BatchGetItem",
            "TransactWriteItems",
            "TransactGetItems",
            "DeleteTable",
        ];
        assert_eq!(order.len(), TEMPLATES.len());
        for op in order {
            let body: Value = serde_json::from_str(template(op)).unwrap();
            let response = world.execute(op, &body);
            assert!(response.is_ok(), "{op} failed: {response:?}");
        }
    }
}
