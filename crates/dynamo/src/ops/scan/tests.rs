use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::key::KeyValue;
use crate::keyhash::key_hash;
use crate::ops::read_fixtures::{database, fail, item, run};

fn keys(response: &Value) -> Vec<(String, String)> {
    response["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["pk"]["S"].as_str().unwrap().to_string(),
                item["sk"]["N"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn many(partitions: usize, per_partition: i64) -> Vec<Value> {
    (0..partitions)
        .flat_map(|p| {
            (0..per_partition).map(move |sk| {
                item(
                    &format!("p{p}"),
                    sk,
                    json!({"gpk": {"S": format!("g{}", p % 3)}}),
                )
            })
        })
        .collect()
}

/// Every page of a read, following LastEvaluatedKey until it is absent.
fn walk(db: &mut crate::db::Database, request: &Value) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut request = request.clone();
    loop {
        let page = run(db, "Scan", request.clone()).unwrap();
        let next = page.get("LastEvaluatedKey").cloned();
        pages.push(page);
        match next {
            Some(key) => request["ExclusiveStartKey"] = key,
            None => return pages,
        }
    }
}

#[test]
fn scan_returns_items_in_key_space_order() {
    let mut db = database(&many(8, 2));
    let response = run(&mut db, "Scan", json!({"TableName": "tbl"})).unwrap();
    let found = keys(&response);
    assert_eq!(found.len(), 16);
    let hashes: Vec<u128> = found
        .iter()
        .map(|(pk, _)| key_hash(&KeyValue::S(pk.clone())))
        .collect();
    let mut sorted = hashes.clone();
    sorted.sort();
    assert_eq!(hashes, sorted, "partitions in hash order");
    for pair in found.windows(2) {
        if pair[0].0 == pair[1].0 {
            assert!(
                pair[0].1 < pair[1].1,
                "sort keys ascending within a partition"
            );
        }
    }
}

#[test]
fn parallel_segments_cover_every_item_exactly_once() {
    let mut db = database(&many(20, 3));
    for total in [1u32, 2, 3, 7] {
        let mut seen = Vec::new();
        for segment in 0..total {
            let request =
                json!({"TableName": "tbl", "Segment": segment, "TotalSegments": total, "Limit": 4});
            for page in walk(&mut db, &request) {
                seen.extend(keys(&page));
            }
        }
        let distinct: BTreeSet<_> = seen.iter().cloned().collect();
        assert_eq!(seen.len(), 60, "total {total}");
        assert_eq!(distinct.len(), 60, "total {total}");
    }
}

#[test]
fn a_start_key_from_another_segment_is_refused() {
    let mut db = database(&many(20, 1));
    let first = run(
        &mut db,
        "Scan",
        json!({"TableName": "tbl", "Segment": 1, "TotalSegments": 2, "Limit": 1}),
    )
    .unwrap();
    let key = first["LastEvaluatedKey"].clone();
    let message = fail(
        &mut db,
        "Scan",
        json!({"TableName": "tbl", "Segment": 0, "TotalSegments": 2, "ExclusiveStartKey": key}),
    );
    assert_eq!(
        message,
        "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: 0"
    );
}

#[test]
fn scan_capacity_counts_items_evaluated_not_returned() {
    let filler = "z".repeat(3000);
    let items: Vec<Value> = (0..4)
        .map(|sk| item("a", sk, json!({"f": {"S": filler}})))
        .collect();
    let mut db = database(&items);
    let response = run(
        &mut db,
        "Scan",
        json!({"TableName": "tbl", "FilterExpression": "attribute_exists(nothing)",
               "ReturnConsumedCapacity": "TOTAL", "ConsistentRead": true}),
    )
    .unwrap();
    assert_eq!(response["Count"], json!(0));
    assert_eq!(response["ScannedCount"], json!(4));
    // 4 items of 3,011 bytes = 12,044 bytes = 3 units of 4 KB.
    assert_eq!(
        response["ConsumedCapacity"],
        json!({"TableName": "tbl", "CapacityUnits": 3.0})
    );
}

#[test]
fn index_scans_page_with_index_and_table_keys() {
    let mut db = database(&many(6, 2));
    let request = json!({"TableName": "tbl", "IndexName": "all", "Limit": 5});
    let pages = walk(&mut db, &request);
    let first_key = pages[0]["LastEvaluatedKey"].as_object().unwrap();
    let names: Vec<&str> = first_key.keys().map(String::as_str).collect();
    assert_eq!(names, ["gpk", "pk", "sk"]);
    let total: usize = pages.iter().map(|page| keys(page).len()).sum();
    assert_eq!(total, 12);
}

#[test]
fn scan_errors_have_aws_messages() {
    let mut db = database(&many(2, 1));
    let cases = [
        (
            json!({"TableName": "tbl", "Segment": 1}),
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
        ),
        (
            json!({"TableName": "tbl", "TotalSegments": 5, "Segment": 5}),
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 5",
        ),
        (
            json!({"TableName": "tbl", "ExclusiveStartKey": {"pk": {"S": "a"}, "x": {"N": "1"}}}),
            "The provided starting key is invalid: The provided key element does not match the schema",
        ),
        (
            json!({"TableName": "tbl", "IndexName": "gsi", "ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"N": "1"}, "gpk": {"S": "x"}, "x": {"N": "1"}}}),
            "The provided starting key is invalid",
        ),
        // A wrong count is worded like a wrong name: long for a table, short for an index.
        (
            json!({"TableName": "tbl", "ExclusiveStartKey": {"pk": {"S": "a"}}}),
            "The provided starting key is invalid: The provided key element does not match the schema",
        ),
        (
            json!({"TableName": "tbl", "IndexName": "all", "ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"N": "1"}}}),
            "The provided starting key is invalid",
        ),
        (
            json!({"TableName": "tbl", "ProjectionExpression": "pk.x"}),
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk",
        ),
        (
            json!({"TableName": "tbl", "FilterExpression": "gsk[0] = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}}),
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: gsk",
        ),
        (
            json!({"TableName": "tbl", "Select": "ALL_PROJECTED_ATTRIBUTES"}),
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
        ),
    ];
    for (request, message) in cases {
        assert_eq!(fail(&mut db, "Scan", request.clone()), message, "{request}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Paging with any Limit returns exactly what one unpaged read returns, in order.
    #[test]
    fn paged_reads_equal_one_unpaged_read(
        items in prop::collection::btree_set((0u8..12, 0i64..20), 0..60),
        limit in 1u64..9,
        keep in 0i64..20,
        backwards in any::<bool>(),
    ) {
        let wire: Vec<Value> = items
            .iter()
            .map(|(p, sk)| item(&format!("p{p}"), *sk, json!({"v": {"N": ((sk * 7) % 20).to_string()}})))
            .collect();
        let mut db = database(&wire);
        let filter = json!({"FilterExpression": "v >= :k", "ExpressionAttributeValues": {":k": {"N": keep.to_string()}}});
        let mut scan = json!({"TableName": "tbl"});
        scan.as_object_mut().unwrap().extend(filter.as_object().unwrap().clone());
        let whole = keys(&run(&mut db, "Scan", scan.clone()).unwrap());
        let mut paged_request = scan.clone();
        paged_request["Limit"] = json!(limit);
        let paged: Vec<_> = walk(&mut db, &paged_request).iter().flat_map(keys).collect();
        prop_assert_eq!(&paged, &whole);

        let query = json!({"TableName": "tbl", "KeyConditionExpression": "pk = :p",
            "FilterExpression": "v >= :k", "ScanIndexForward": !backwards,
            "ExpressionAttributeValues": {":p": {"S": "p3"}, ":k": {"N": keep.to_string()}}});
        let whole = keys(&run(&mut db, "Query", query.clone()).unwrap());
        let mut paged = Vec::new();
        let mut request = query.clone();
        request["Limit"] = json!(limit);
        loop {
            let page = run(&mut db, "Query", request.clone()).unwrap();
            paged.extend(keys(&page));
            match page.get("LastEvaluatedKey") {
                Some(key) => request["ExclusiveStartKey"] = key.clone(),
                None => break,
            }
        }
        prop_assert_eq!(paged, whole);
    }
}
