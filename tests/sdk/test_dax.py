"""DAX through boto3 against `dynaplay serve --dax-port`: the DynamoDB SDK pointed at the
second port gets DAX's semantics, pointed at the first gets DynamoDB itself, and both
reach the same tables. DAX's management API (boto3's `dax` client) is served on the first port.

The query cache TTL is shortened to QUERY_TTL_MS (`--dax-query-ttl-ms`) so that the test
can wait it out; the item cache keeps a TTL longer than the test.
"""

import time

import pytest

from conftest import Endpoint, create_table

QUERY_TTL_MS = 1000
# Cache updates reach the cluster's other nodes within tens of milliseconds; waiting this
# long makes every node hold the entry whichever one a request lands on.
REPLICATED = 0.25


@pytest.fixture(scope="module")
def dax_endpoint():
    server = Endpoint(
        "--seed", "1",
        "--dax-port", "0",
        "--dax-query-ttl-ms", str(QUERY_TTL_MS),
        "--dax-item-ttl-ms", "600000",
    )
    yield server
    server.stop()


def title_of(items):
    return [item["title"]["S"] for item in items]


def test_query_stays_stale_until_its_ttl_while_get_item_sees_the_write(dax_endpoint, table_name):
    ddb = dax_endpoint.client()
    dax = dax_endpoint.client(dax=True)
    create_table(ddb, table_name, range_key=("rev", "N"))
    key = {"pk": {"S": "doc"}, "rev": {"N": "1"}}
    ddb.put_item(TableName=table_name, Item={**key, "title": {"S": "draft"}})
    query = dict(
        TableName=table_name,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "doc"}},
    )

    # Query through DAX: a miss, now in the query cache.
    first_sent = time.monotonic()
    assert title_of(dax.query(**query)["Items"]) == ["draft"]
    time.sleep(REPLICATED)

    # Write the item through DAX: DynamoDB first, then DAX's item cache.
    dax.update_item(
        TableName=table_name,
        Key=key,
        UpdateExpression="SET title = :t",
        ExpressionAttributeValues={":t": {"S": "final"}},
    )
    assert ddb.get_item(TableName=table_name, Key=key)["Item"]["title"] == {"S": "final"}

    # The same Query through DAX still returns the old result: writes never invalidate
    # the query cache...
    stale = dax.query(**query)
    assert time.monotonic() - first_sent < QUERY_TTL_MS / 1000, "checked within the TTL"
    assert title_of(stale["Items"]) == ["draft"]
    # ...while GetItem through DAX returns the new value (write-through) once the primary
    # has replicated it to the node that answers, and the same Query sent straight to
    # DynamoDB returns it at once.
    time.sleep(REPLICATED)
    assert dax.get_item(TableName=table_name, Key=key)["Item"]["title"] == {"S": "final"}
    assert title_of(ddb.query(**query)["Items"]) == ["final"]

    # Once the query TTL has passed, the Query through DAX sees the write.
    while True:
        items = dax.query(**query)["Items"]
        seen = time.monotonic()
        if title_of(items) == ["final"]:
            break
        assert seen - first_sent < QUERY_TTL_MS / 1000 + 5, "the stale result never expired"
        time.sleep(0.05)
    assert seen - first_sent > QUERY_TTL_MS / 1000, "the cached result expired before its TTL"


def test_writes_around_dax_leave_its_item_cache_stale(dax_endpoint, table_name):
    ddb = dax_endpoint.client()
    dax = dax_endpoint.client(dax=True)
    create_table(ddb, table_name)
    key = {"pk": {"S": "p101"}}
    ddb.put_item(TableName=table_name, Item={**key, "stock": {"N": "42"}})
    assert dax.get_item(TableName=table_name, Key=key)["Item"]["stock"] == {"N": "42"}
    time.sleep(REPLICATED)

    # Bob writes straight to DynamoDB, bypassing DAX.
    ddb.update_item(
        TableName=table_name,
        Key=key,
        UpdateExpression="SET stock = :s",
        ExpressionAttributeValues={":s": {"N": "41"}},
    )
    for _ in range(5):
        assert dax.get_item(TableName=table_name, Key=key)["Item"]["stock"] == {"N": "42"}
    # A strongly consistent read passes through DAX to DynamoDB.
    strong = dax.get_item(TableName=table_name, Key=key, ConsistentRead=True)
    assert strong["Item"]["stock"] == {"N": "41"}


def test_misses_are_cached_too(dax_endpoint, table_name):
    ddb = dax_endpoint.client()
    dax = dax_endpoint.client(dax=True)
    create_table(ddb, table_name)
    key = {"pk": {"S": "ghost"}}
    assert "Item" not in dax.get_item(TableName=table_name, Key=key)
    time.sleep(REPLICATED)
    ddb.put_item(TableName=table_name, Item={**key, "v": {"N": "1"}})
    # DAX remembers that there was nothing (a negative entry)...
    assert "Item" not in dax.get_item(TableName=table_name, Key=key)
    # ...until a write through DAX replaces it. The primary takes the write and replicates
    # it; a read that lands on another node before then may still see the negative entry,
    # as with the real DAX ("eventually consistent, usually less than one second").
    dax.put_item(TableName=table_name, Item={**key, "v": {"N": "2"}})
    time.sleep(REPLICATED)
    assert dax.get_item(TableName=table_name, Key=key)["Item"]["v"] == {"N": "2"}


def test_dax_answers_errors_as_dynamodb_does(dax_endpoint):
    from botocore.exceptions import ClientError

    dax = dax_endpoint.client(dax=True)
    with pytest.raises(ClientError) as exc:
        dax.get_item(TableName="no-such-table", Key={"pk": {"S": "a"}})
    err = exc.value.response["Error"]
    assert (err["Code"], err["Message"]) == ("ResourceNotFoundException", "Requested resource not found")


def test_the_dax_management_api_answers_boto3s_dax_client(dax_endpoint):
    dax = dax_endpoint.client(service="dax")

    # The cluster behind --dax-port is there, available, with its nodes.
    served = dax.describe_clusters(ClusterNames=["dynaplay"])["Clusters"]
    assert [c["ClusterName"] for c in served] == ["dynaplay"]
    assert served[0]["Status"] == "available"
    assert served[0]["TotalNodes"] == served[0]["ActiveNodes"] >= 1

    # A new cluster launches: creating, with the node count asked for.
    created = dax.create_cluster(
        ClusterName="learners",
        NodeType="dax.t3.small",
        ReplicationFactor=3,
        IamRoleArn="arn:aws:iam::123456789012:role/DAXServiceRole",
    )["Cluster"]
    assert created["ClusterName"] == "learners"
    assert created["Status"] == "creating"
    assert created["TotalNodes"] == 3
    assert created["NodeType"] == "dax.t3.small"
    names = sorted(c["ClusterName"] for c in dax.describe_clusters()["Clusters"])
    assert names == ["dynaplay", "learners"]

    # TTLs live in parameter groups, as in DAX.
    dax.create_parameter_group(ParameterGroupName="short-ttl")
    dax.update_parameter_group(
        ParameterGroupName="short-ttl",
        ParameterNameValues=[{"ParameterName": "query-ttl-millis", "ParameterValue": "1000"}],
    )
    parameters = {
        p["ParameterName"]: p["ParameterValue"]
        for p in dax.describe_parameters(ParameterGroupName="short-ttl")["Parameters"]
    }
    assert parameters["query-ttl-millis"] == "1000"

    # Faults are DAX's own exceptions, which boto3 raises as its modelled classes.
    with pytest.raises(dax.exceptions.ClusterNotFoundFault) as missing:
        dax.describe_clusters(ClusterNames=["nope"])
    assert missing.value.response["Error"]["Message"] == "Cluster nope not found."
    with pytest.raises(dax.exceptions.ClusterAlreadyExistsFault):
        dax.create_cluster(
            ClusterName="learners",
            NodeType="dax.t3.small",
            ReplicationFactor=1,
            IamRoleArn="arn:aws:iam::123456789012:role/DAXServiceRole",
        )
    deleted = dax.delete_cluster(ClusterName="learners")["Cluster"]
    assert deleted["Status"] == "deleting"
