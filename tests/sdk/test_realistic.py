"""`dynaplay serve --realistic`: the real service's behaviour for application tests.

Against `--realistic --seed 1` an eventually consistent read right after a write is
sometimes stale (it may be served by a follower that has not applied the write yet), a
strongly consistent read never is, and a burst above a table's provisioned capacity is
throttled with ProvisionedThroughputExceededException. Without the flags none of that
happens: the endpoint is the idealised local DynamoDB people expect by default.
"""

import pytest
from botocore.exceptions import ClientError

from conftest import Endpoint, create_table

ROUNDS = 40


@pytest.fixture(scope="module")
def realistic():
    server = Endpoint("--realistic", "--seed", "1")
    yield server
    server.stop()


def write_then_read(ddb, table, consistent):
    """Writes a new version of one item and reads it straight back, ROUNDS times; returns
    how many reads did not see the version just written."""
    stale = 0
    for version in range(ROUNDS):
        ddb.put_item(TableName=table, Item={"pk": {"S": "item"}, "v": {"N": str(version)}})
        got = ddb.get_item(TableName=table, Key={"pk": {"S": "item"}}, ConsistentRead=consistent)
        if got.get("Item", {}).get("v", {}).get("N") != str(version):
            stale += 1
    return stale


def burst(ddb, table, count):
    """Writes `count` items as fast as possible; returns the throttling errors seen."""
    errors = []
    for i in range(count):
        try:
            ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}, "pad": {"S": "x" * 900}})
        except ClientError as err:
            errors.append(err.response["Error"])
    return errors


def test_eventually_consistent_reads_are_sometimes_stale_right_after_writes(realistic, table_name):
    ddb = realistic.client()
    create_table(ddb, table_name)
    stale = write_then_read(ddb, table_name, consistent=False)
    assert 0 < stale < ROUNDS, f"{stale} of {ROUNDS} eventual reads were stale"


def test_strongly_consistent_reads_are_never_stale(realistic, table_name):
    ddb = realistic.client()
    create_table(ddb, table_name)
    assert write_then_read(ddb, table_name, consistent=True) == 0


def test_a_burst_above_provisioned_capacity_is_throttled(realistic, table_name):
    ddb = realistic.client()
    create_table(
        ddb,
        table_name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    errors = burst(ddb, table_name, 60)
    assert errors, "60 writes of 1 KB at once exceed 5 WCU"
    assert {e["Code"] for e in errors} == {"ProvisionedThroughputExceededException"}
    assert errors[0]["Message"] == (
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API."
    )
    # The table keeps serving what its capacity allows.
    assert len(errors) < 60


def test_without_the_flags_reads_are_fresh_and_nothing_is_throttled(endpoint, table_name):
    ddb = endpoint.client()
    create_table(
        ddb,
        table_name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    assert write_then_read(ddb, table_name, consistent=False) == 0
    assert burst(ddb, table_name, 60) == []
