use serde_json::{Value, json};

use crate::ops::read_fixtures::{database, fail, item, run};

fn sort_keys(response: &Value) -> Vec<i64> {
    response["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["sk"]["N"].as_str().unwrap().parse().unwrap())
        .collect()
}

fn five() -> crate::db::Database {
    let items: Vec<Value> = (1..=5)
        .map(|sk| item("a", sk, json!({"v": {"N": sk.to_string()}})))
        .collect();
    let mut all = items;
    all.push(item("b", 1, json!({})));
    database(&all)
}

fn query(condition: &str, values: Value) -> Value {
    json!({"TableName": "tbl", "KeyConditionExpression": condition, "ExpressionAttributeValues": values})
}

#[test]
fn each_sort_key_operator_selects_its_range() {
    let mut db = five();
    let cases = [
        ("pk = :p", json!({":p": {"S": "a"}}), vec![1, 2, 3, 4, 5]),
        (
            "pk = :p AND sk = :s",
            json!({":p": {"S": "a"}, ":s": {"N": "3"}}),
            vec![3],
        ),
        (
            "pk = :p AND sk < :s",
            json!({":p": {"S": "a"}, ":s": {"N": "3"}}),
            vec![1, 2],
        ),
        (
            "pk = :p AND sk <= :s",
            json!({":p": {"S": "a"}, ":s": {"N": "3"}}),
            vec![1, 2, 3],
        ),
        (
            "pk = :p AND sk > :s",
            json!({":p": {"S": "a"}, ":s": {"N": "3"}}),
            vec![4, 5],
        ),
        (
            ":s <= sk AND pk = :p",
            json!({":p": {"S": "a"}, ":s": {"N": "3"}}),
            vec![3, 4, 5],
        ),
        (
            "pk = :p AND sk BETWEEN :l AND :h",
            json!({":p": {"S": "a"}, ":l": {"N": "2"}, ":h": {"N": "4"}}),
            vec![2, 3, 4],
        ),
    ];
    for (condition, values, expected) in cases {
        let response = run(&mut db, "Query", query(condition, values)).unwrap();
        assert_eq!(sort_keys(&response), expected, "{condition}");
        assert_eq!(response["Count"], json!(expected.len()));
        assert_eq!(
            response["ScannedCount"],
            json!(expected.len()),
            "only qualifying keys are read"
        );
    }
}

#[test]
fn begins_with_on_a_string_sort_key_of_a_local_index() {
    let mut db = database(&[
        item("a", 1, json!({"lsk": {"S": "apple"}})),
        item("a", 2, json!({"lsk": {"S": "apricot"}})),
        item("a", 3, json!({"lsk": {"S": "banana"}})),
        item("a", 4, json!({})),
    ]);
    let mut request = query(
        "pk = :p AND begins_with(lsk, :b)",
        json!({":p": {"S": "a"}, ":b": {"S": "ap"}}),
    );
    request["IndexName"] = json!("lsi");
    let response = run(&mut db, "Query", request).unwrap();
    assert_eq!(sort_keys(&response), vec![1, 2]);
}

#[test]
fn backwards_with_limit_pages_and_a_full_walk_sees_each_item_once() {
    let mut db = five();
    let mut seen = Vec::new();
    let mut start: Option<Value> = None;
    for _ in 0..10 {
        let mut request = query("pk = :p", json!({":p": {"S": "a"}}));
        request["ScanIndexForward"] = json!(false);
        request["Limit"] = json!(2);
        if let Some(key) = start.take() {
            request["ExclusiveStartKey"] = key;
        }
        let response = run(&mut db, "Query", request).unwrap();
        seen.extend(sort_keys(&response));
        match response.get("LastEvaluatedKey") {
            Some(key) => start = Some(key.clone()),
            None => break,
        }
    }
    assert_eq!(seen, vec![5, 4, 3, 2, 1]);
}

#[test]
fn limit_reached_on_the_last_item_still_returns_a_last_evaluated_key() {
    let mut db = five();
    let mut request = query(
        "pk = :p AND sk > :s",
        json!({":p": {"S": "a"}, ":s": {"N": "3"}}),
    );
    request["Limit"] = json!(2);
    let response = run(&mut db, "Query", request).unwrap();
    assert_eq!(
        response["LastEvaluatedKey"],
        json!({"pk": {"S": "a"}, "sk": {"N": "5"}})
    );
    let mut request = query(
        "pk = :p AND sk > :s",
        json!({":p": {"S": "a"}, ":s": {"N": "3"}}),
    );
    request["Limit"] = json!(3);
    assert!(
        run(&mut db, "Query", request)
            .unwrap()
            .get("LastEvaluatedKey")
            .is_none()
    );
}

#[test]
fn limit_counts_items_evaluated_before_the_filter() {
    let mut db = five();
    let mut request = query("pk = :p", json!({":p": {"S": "a"}, ":v": {"N": "2"}}));
    request["FilterExpression"] = json!("v > :v");
    request["Limit"] = json!(3);
    request["Select"] = json!("COUNT");
    let response = run(&mut db, "Query", request).unwrap();
    assert_eq!(
        response,
        json!({"Count": 1, "LastEvaluatedKey": {"pk": {"S": "a"}, "sk": {"N": "3"}}, "ScannedCount": 3})
    );
}

#[test]
fn a_page_stops_after_the_item_that_crosses_one_megabyte() {
    let filler = "x".repeat(4000);
    let items: Vec<Value> = (0..300)
        .map(|sk| item("big", sk, json!({"f": {"S": filler}})))
        .collect();
    let mut db = database(&items);
    let mut request = query("pk = :p", json!({":p": {"S": "big"}}));
    request["Select"] = json!("COUNT");
    request["ReturnConsumedCapacity"] = json!("TOTAL");
    let response = run(&mut db, "Query", request).unwrap();
    // Each item is 2 + 3 + 2 (+ a byte or two for sk) + 1 + 4000 bytes: the 262nd item is
    // the one whose bytes take the page to 1 MB.
    let scanned = response["ScannedCount"].as_u64().unwrap();
    let size_of =
        |sk: u64| 2 + 3 + 1 + 4000 + crate::value::Number::from_i64(sk as i64).size() as u64;
    let before: u64 = (0..scanned - 1).map(size_of).sum();
    assert!(before < 1024 * 1024 && before + size_of(scanned - 1) >= 1024 * 1024);
    assert_eq!(
        response["LastEvaluatedKey"]["sk"],
        json!({"N": (scanned - 1).to_string()})
    );
    let total: u64 = (0..scanned).map(size_of).sum();
    assert_eq!(
        response["ConsumedCapacity"]["CapacityUnits"],
        json!(total.div_ceil(4096) as f64 / 2.0)
    );
}

#[test]
fn global_index_reads_are_sparse_projected_and_charged_to_the_index() {
    let mut db = database(&[
        item(
            "a",
            1,
            json!({"gpk": {"S": "x"}, "gsk": {"N": "2"}, "inc": {"S": "kept"}, "other": {"S": "dropped"}}),
        ),
        item("b", 1, json!({"gpk": {"S": "x"}, "gsk": {"N": "1"}})),
        item("c", 1, json!({"gpk": {"S": "x"}})),
        item("d", 1, json!({"other": {"S": "no index keys"}})),
    ]);
    let mut request = query("gpk = :g", json!({":g": {"S": "x"}}));
    request["IndexName"] = json!("gsi");
    request["ReturnConsumedCapacity"] = json!("INDEXES");
    let response = run(&mut db, "Query", request).unwrap();
    assert_eq!(
        response["Items"],
        json!([
            {"gpk": {"S": "x"}, "gsk": {"N": "1"}, "pk": {"S": "b"}, "sk": {"N": "1"}},
            {"gpk": {"S": "x"}, "gsk": {"N": "2"}, "inc": {"S": "kept"}, "pk": {"S": "a"}, "sk": {"N": "1"}},
        ])
    );
    assert_eq!(
        response["ConsumedCapacity"],
        json!({"TableName": "tbl", "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
               "GlobalSecondaryIndexes": {"gsi": {"CapacityUnits": 0.5}}})
    );
}

#[test]
fn all_attributes_from_a_keys_only_local_index_fetches_from_the_table() {
    let big = "y".repeat(5000);
    let mut db = database(&[item(
        "a",
        1,
        json!({"lsk": {"S": "k"}, "payload": {"S": big}}),
    )]);
    let mut request = query("pk = :p", json!({":p": {"S": "a"}}));
    request["IndexName"] = json!("lsi");
    request["Select"] = json!("ALL_ATTRIBUTES");
    request["ConsistentRead"] = json!(true);
    request["ReturnConsumedCapacity"] = json!("INDEXES");
    let response = run(&mut db, "Query", request).unwrap();
    assert_eq!(
        response["Items"][0]["payload"]["S"].as_str().map(str::len),
        Some(5000)
    );
    assert_eq!(
        response["ConsumedCapacity"],
        json!({"TableName": "tbl", "CapacityUnits": 3.0, "Table": {"CapacityUnits": 2.0},
               "LocalSecondaryIndexes": {"lsi": {"CapacityUnits": 1.0}}})
    );
}

#[test]
fn table_dependent_errors_have_aws_messages() {
    let mut db = five();
    let base = |extra: Value| {
        let mut request = query("pk = :p", json!({":p": {"S": "a"}}));
        if let (Some(map), Value::Object(more)) = (request.as_object_mut(), extra) {
            map.extend(more);
        }
        request
    };
    let cases = [
        (
            json!({"IndexName": "nope"}),
            "The table does not have the specified index: nope",
        ),
        (
            json!({"IndexName": "all", "ConsistentRead": true, "KeyConditionExpression": "gpk = :p"}),
            "Consistent reads are not supported on global secondary indexes",
        ),
        (
            json!({"IndexName": "gsi", "Select": "ALL_ATTRIBUTES", "KeyConditionExpression": "gpk = :p"}),
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index gsi because its projection type is not ALL",
        ),
        (
            json!({"ExclusiveStartKey": {"pk": {"S": "a"}}}),
            "The provided starting key is invalid",
        ),
        (
            json!({"ExclusiveStartKey": {"pk": {"S": "a"}, "x": {"N": "1"}}}),
            "The provided starting key is invalid",
        ),
        (
            json!({"ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"S": "1"}}}),
            "The provided key element does not match the schema",
        ),
        (
            json!({"ExclusiveStartKey": {"pk": {"S": "b"}, "sk": {"N": "1"}}}),
            "The provided starting key is outside query boundaries based on provided conditions",
        ),
        (
            json!({"FilterExpression": "sk > :p"}),
            "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
        ),
        (
            json!({"KeyConditionExpression": "sk = :p"}),
            "Query condition missed key schema element: pk",
        ),
        (
            json!({"ExpressionAttributeValues": {":p": {"N": "1"}}}),
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
        (
            json!({"KeyConditionExpression": "pk > :p"}),
            "Query key condition not supported",
        ),
    ];
    for (extra, message) in cases {
        assert_eq!(
            fail(&mut db, "Query", base(extra.clone())),
            message,
            "{extra}"
        );
    }
}

#[test]
fn start_keys_must_respect_the_sort_key_condition() {
    let mut db = five();
    let request = |start: Value| {
        let mut request = query(
            "pk = :p AND sk > :s",
            json!({":p": {"S": "a"}, ":s": {"N": "2"}}),
        );
        request["ExclusiveStartKey"] = start;
        request
    };
    assert_eq!(
        fail(
            &mut db,
            "Query",
            request(json!({"pk": {"S": "a"}, "sk": {"N": "1"}}))
        ),
        "The provided starting key does not match the range key predicate"
    );
    assert_eq!(
        fail(
            &mut db,
            "Query",
            request(json!({"pk": {"S": "b"}, "sk": {"N": "3"}}))
        ),
        "The query can return at most one row and cannot be restarted"
    );
    let response = run(
        &mut db,
        "Query",
        request(json!({"pk": {"S": "a"}, "sk": {"N": "3"}})),
    )
    .unwrap();
    assert_eq!(sort_keys(&response), vec![4, 5]);
}

#[test]
fn legacy_key_conditions_and_query_filter_work_like_expressions() {
    let mut db = five();
    let response = run(
        &mut db,
        "Query",
        json!({
            "TableName": "tbl",
            "KeyConditions": {
                "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]},
                "sk": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "2"}]}
            },
            "QueryFilter": {"v": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "2"}, {"N": "5"}]}},
            "AttributesToGet": ["sk"]
        }),
    )
    .unwrap();
    assert_eq!(
        response["Items"],
        json!([{"sk": {"N": "2"}}, {"sk": {"N": "5"}}])
    );
    assert_eq!(response["ScannedCount"], json!(4));
    let message = fail(
        &mut db,
        "Query",
        json!({"TableName": "tbl", "KeyConditions": {"pk": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "a"}]}}}),
    );
    assert_eq!(
        message,
        "Attempted conditional constraint is not an indexable operation"
    );
    let message = fail(
        &mut db,
        "Query",
        json!({"TableName": "tbl",
               "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]}},
               "QueryFilter": {"sk": {"ComparisonOperator": "NOT_NULL"}}}),
    );
    assert_eq!(
        message,
        "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk"
    );
}

#[test]
fn failed_queries_check_the_table_after_the_request() {
    let mut db = five();
    let missing = fail(
        &mut db,
        "Query",
        query("pk = :p", json!({":p": {"S": "a"}, ":unused": {"S": "b"}})),
    );
    assert_eq!(
        missing,
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"
    );
    let mut request = query("pk = :p", json!({":p": {"S": "a"}}));
    request["TableName"] = json!("missing");
    assert_eq!(
        fail(&mut db, "Query", request),
        "Requested resource not found"
    );
}
