"""DynamoDB behaviour through boto3 against `dynaplay serve`: what an application test
suite would exercise. Every expectation here is what the real service does."""

import pytest
from botocore.exceptions import ClientError

from conftest import create_table


def error_of(excinfo):
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def test_table_lifecycle(ddb, table_name):
    create_table(ddb, table_name, range_key=("sk", "N"))
    described = ddb.describe_table(TableName=table_name)["Table"]
    assert described["TableStatus"] == "ACTIVE"
    assert described["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert described["TableArn"].endswith(f":table/{table_name}")
    assert table_name in ddb.list_tables()["TableNames"]

    with pytest.raises(ClientError) as exc:
        create_table(ddb, table_name)
    assert error_of(exc) == ("ResourceInUseException", f"Table already exists: {table_name}")

    ddb.delete_table(TableName=table_name)
    with pytest.raises(ClientError) as exc:
        ddb.describe_table(TableName=table_name)
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {table_name} not found",
    )


def test_list_tables_paginates(ddb):
    names = [f"page-{i:02d}" for i in range(5)]
    for name in names:
        create_table(ddb, name)
    first = ddb.list_tables(ExclusiveStartTableName="page-", Limit=3)
    assert first["TableNames"] == names[:3]
    assert first["LastEvaluatedTableName"] == names[2]
    rest = ddb.list_tables(ExclusiveStartTableName=names[2])
    assert [n for n in rest["TableNames"] if n.startswith("page-")] == names[3:]
    for name in names:
        ddb.delete_table(TableName=name)


def test_crud_with_conditions(ddb, table_name):
    create_table(ddb, table_name)
    item = {"pk": {"S": "u1"}, "name": {"S": "Ada"}, "visits": {"N": "1.50"}}
    ddb.put_item(TableName=table_name, Item=item, ConditionExpression="attribute_not_exists(pk)")

    got = ddb.get_item(TableName=table_name, Key={"pk": {"S": "u1"}})["Item"]
    assert got["visits"] == {"N": "1.5"}, "numbers come back normalised"

    with pytest.raises(ClientError) as exc:
        ddb.put_item(TableName=table_name, Item=item, ConditionExpression="attribute_not_exists(pk)")
    assert error_of(exc) == ("ConditionalCheckFailedException", "The conditional request failed")

    updated = ddb.update_item(
        TableName=table_name,
        Key={"pk": {"S": "u1"}},
        UpdateExpression="SET visits = visits + :one, #n = :name REMOVE gone",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":name": {"S": "Grace"}},
        ReturnValues="UPDATED_NEW",
    )["Attributes"]
    assert updated == {"visits": {"N": "2.5"}, "name": {"S": "Grace"}}

    with pytest.raises(ClientError) as exc:
        ddb.update_item(
            TableName=table_name,
            Key={"pk": {"S": "u1"}},
            UpdateExpression="SET pk = :v",
            ExpressionAttributeValues={":v": {"S": "x"}},
        )
    assert error_of(exc) == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
    )

    with pytest.raises(ClientError) as exc:
        ddb.get_item(TableName=table_name, Key={"pk": {"S": "u1"}, "extra": {"S": "x"}})
    assert error_of(exc) == ("ValidationException", "The provided key element does not match the schema")

    old = ddb.delete_item(TableName=table_name, Key={"pk": {"S": "u1"}}, ReturnValues="ALL_OLD")
    assert old["Attributes"]["name"] == {"S": "Grace"}
    assert "Item" not in ddb.get_item(TableName=table_name, Key={"pk": {"S": "u1"}})


def test_unused_expression_values_are_rejected(ddb, table_name):
    create_table(ddb, table_name)
    with pytest.raises(ClientError) as exc:
        ddb.put_item(
            TableName=table_name,
            Item={"pk": {"S": "a"}},
            ExpressionAttributeValues={":unused": {"S": "x"}},
            ConditionExpression="attribute_not_exists(pk)",
        )
    assert error_of(exc) == (
        "ValidationException",
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
    )


def test_query_and_scan_paginate(ddb, table_name):
    create_table(ddb, table_name, range_key=("sk", "N"))
    for pk in ("a", "b", "c"):
        for sk in range(10):
            ddb.put_item(TableName=table_name, Item={"pk": {"S": pk}, "sk": {"N": str(sk)}, "v": {"N": str(sk * sk)}})

    pages = ddb.get_paginator("query").paginate(
        TableName=table_name,
        KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
        ExpressionAttributeValues={":pk": {"S": "b"}, ":lo": {"N": "2"}, ":hi": {"N": "8"}},
        ScanIndexForward=False,
        PaginationConfig={"PageSize": 3},
    )
    sks = [int(item["sk"]["N"]) for page in pages for item in page["Items"]]
    assert sks == [8, 7, 6, 5, 4, 3, 2]

    filtered = ddb.query(
        TableName=table_name,
        KeyConditionExpression="pk = :pk",
        FilterExpression="v > :min",
        ExpressionAttributeValues={":pk": {"S": "a"}, ":min": {"N": "20"}},
        Limit=6,
    )
    assert filtered["ScannedCount"] == 6, "Limit counts items read, not returned"
    assert [int(i["sk"]["N"]) for i in filtered["Items"]] == [5]
    assert "LastEvaluatedKey" in filtered

    scanned = [
        (item["pk"]["S"], item["sk"]["N"])
        for page in ddb.get_paginator("scan").paginate(TableName=table_name, PaginationConfig={"PageSize": 7})
        for item in page["Items"]
    ]
    assert len(scanned) == 30 and len(set(scanned)) == 30

    segments = [
        item
        for segment in range(4)
        for item in ddb.scan(TableName=table_name, Segment=segment, TotalSegments=4)["Items"]
    ]
    assert len(segments) == 30, "parallel segments cover the table exactly once"

    counted = ddb.query(
        TableName=table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "c"}},
        Select="COUNT",
    )
    assert counted["Count"] == 10 and "Items" not in counted


def test_indexes(ddb, table_name):
    ddb.create_table(
        TableName=table_name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"},
            {"AttributeName": "score", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-score",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "score", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    rows = [("g", "1", "open", 30), ("g", "2", "done", 10), ("g", "3", "open", 20), ("h", "1", None, 5)]
    for pk, sk, status, score in rows:
        item = {"pk": {"S": pk}, "sk": {"S": sk}, "score": {"N": str(score)}, "note": {"S": "n"}}
        if status:
            item["status"] = {"S": status}
        ddb.put_item(TableName=table_name, Item=item)

    open_items = ddb.query(
        TableName=table_name,
        IndexName="by-status",
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "open"}},
    )["Items"]
    assert sorted(i["sk"]["S"] for i in open_items) == ["1", "3"]
    assert all(set(i) == {"pk", "sk", "status"} for i in open_items), "KEYS_ONLY projection"

    by_score = ddb.query(
        TableName=table_name,
        IndexName="by-score",
        KeyConditionExpression="pk = :g",
        ExpressionAttributeValues={":g": {"S": "g"}},
        ConsistentRead=True,
    )["Items"]
    assert [i["score"]["N"] for i in by_score] == ["10", "20", "30"]

    with pytest.raises(ClientError) as exc:
        ddb.query(
            TableName=table_name,
            IndexName="by-status",
            KeyConditionExpression="#s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "open"}},
            ConsistentRead=True,
        )
    assert error_of(exc) == ("ValidationException", "Consistent reads are not supported on global secondary indexes")


def test_batches(ddb, table_name):
    create_table(ddb, table_name)
    puts = [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}, "n": {"N": str(i)}}}} for i in range(25)]
    assert ddb.batch_write_item(RequestItems={table_name: puts})["UnprocessedItems"] == {}

    with pytest.raises(ClientError) as exc:
        ddb.batch_write_item(RequestItems={table_name: puts + puts[:1]})
    assert error_of(exc)[0] == "ValidationException"

    keys = [{"pk": {"S": f"k{i}"}} for i in range(0, 25, 5)] + [{"pk": {"S": "missing"}}]
    got = ddb.batch_get_item(RequestItems={table_name: {"Keys": keys}})
    assert sorted(int(i["n"]["N"]) for i in got["Responses"][table_name]) == [0, 5, 10, 15, 20]
    assert got["UnprocessedKeys"] == {}

    deletes = [{"DeleteRequest": {"Key": {"pk": {"S": f"k{i}"}}}} for i in range(10)]
    ddb.batch_write_item(RequestItems={table_name: deletes})
    assert ddb.scan(TableName=table_name, Select="COUNT")["Count"] == 15


def test_transactions(ddb, table_name):
    create_table(ddb, table_name)
    ddb.put_item(TableName=table_name, Item={"pk": {"S": "acct-a"}, "balance": {"N": "100"}})
    ddb.put_item(TableName=table_name, Item={"pk": {"S": "acct-b"}, "balance": {"N": "0"}})

    def transfer(amount, token=None):
        extra = {"ClientRequestToken": token} if token else {}
        return ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table_name,
                        "Key": {"pk": {"S": "acct-a"}},
                        "UpdateExpression": "SET balance = balance - :amt",
                        "ConditionExpression": "balance >= :amt",
                        "ExpressionAttributeValues": {":amt": {"N": str(amount)}},
                    }
                },
                {
                    "Update": {
                        "TableName": table_name,
                        "Key": {"pk": {"S": "acct-b"}},
                        "UpdateExpression": "SET balance = balance + :amt",
                        "ExpressionAttributeValues": {":amt": {"N": str(amount)}},
                    }
                },
            ],
            **extra,
        )

    transfer(30, token="token-1")
    transfer(30, token="token-1")  # a retry with the same token applies once
    balances = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": table_name, "Key": {"pk": {"S": "acct-a"}}}},
            {"Get": {"TableName": table_name, "Key": {"pk": {"S": "acct-b"}}}},
        ]
    )["Responses"]
    assert [r["Item"]["balance"]["N"] for r in balances] == ["70", "30"]

    with pytest.raises(ClientError) as exc:
        transfer(500)
    code, message = error_of(exc)
    assert code == "TransactionCanceledException"
    assert message == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, None]"
    )
    reasons = [r["Code"] for r in exc.value.response["CancellationReasons"]]
    assert reasons == ["ConditionalCheckFailed", "None"]
    after = ddb.get_item(TableName=table_name, Key={"pk": {"S": "acct-b"}})["Item"]
    assert after["balance"]["N"] == "30", "a cancelled transaction changes nothing"

    with pytest.raises(ClientError) as exc:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table_name, "Item": {"pk": {"S": "x"}}}},
                {"Delete": {"TableName": table_name, "Key": {"pk": {"S": "x"}}}},
            ]
        )
    assert error_of(exc) == ("ValidationException", "Transaction request cannot include multiple operations on one item")


def test_consumed_capacity(ddb, table_name):
    create_table(ddb, table_name)
    big = "x" * 1500
    put = ddb.put_item(TableName=table_name, Item={"pk": {"S": "a"}, "d": {"S": big}}, ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"] == {"TableName": table_name, "CapacityUnits": 2.0}
    got = ddb.get_item(TableName=table_name, Key={"pk": {"S": "a"}}, ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"]["CapacityUnits"] == 0.5
    strong = ddb.get_item(TableName=table_name, Key={"pk": {"S": "a"}}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 1.0


def test_protocol_errors(endpoint):
    import json
    import urllib.request

    def post(target, body):
        request = urllib.request.Request(
            endpoint.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target},
        )
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    status, headers, body = post("DynamoDB_20120810.ListTables", b"{not json")
    assert status == 400
    assert json.loads(body)["__type"] == "com.amazon.coral.service#SerializationException"

    status, headers, body = post("DynamoDB_20120810.NoSuchThing", b"{}")
    assert status == 400
    assert json.loads(body)["__type"] == "com.amazon.coral.service#UnknownOperationException"

    status, headers, body = post("DynamoDB_20120810.ListTables", b"{}")
    assert status == 200
    import zlib

    assert int(headers["x-amz-crc32"]) == zlib.crc32(body)
    assert len(headers["x-amzn-RequestId"]) == 52
