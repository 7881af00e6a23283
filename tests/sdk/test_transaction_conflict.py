"""`dynaplay serve --latency`: a transaction holds its items while its client waits.

With latency realism every response waits out its simulated latency, and a
TransactWriteItems holds the items it touches for all of that time. A PutItem on one of
them arriving meanwhile fails with TransactionConflictException, and another transaction
touching one is cancelled with the reason TransactionConflict; once the first transaction
has answered, the same requests succeed. Without `--latency` requests are instantaneous
and never conflict.

The overlap comes from two threads: one sends the transaction, the other sends the
competing request a few milliseconds later, while the transaction's client is still
waiting. Thread scheduling is not exact, so each test tries at most ATTEMPTS fresh items
(with a slightly different delay each time) until it sees one conflict. An attempt whose
competing request arrived first instead ends with both requests succeeding, or, when the
competing request is itself a transaction, with the first one cancelled by it.
"""

import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Endpoint, create_table

ATTEMPTS = 25


@pytest.fixture(scope="module")
def slow():
    server = Endpoint("--latency", "--seed", "1")
    yield server
    server.stop()


def transfer(table, key, value):
    return [{"Put": {"TableName": table, "Item": {"pk": {"S": key}, "v": {"N": value}}}}]


def overlap(slow, table, compete):
    """Sends a transaction on a fresh item and, from a second client, `compete(client, key)`
    while the transaction is in flight; returns the competing request's error once one is
    seen (None if none was in ATTEMPTS tries), and the item it was seen on."""
    # botocore clients may be shared between threads; separate ones keep the two requests
    # on separate connections, as two application instances would be.
    first, second = slow.client(), slow.client()
    for attempt in range(ATTEMPTS):
        key = f"account-{attempt}"
        failures = []

        def transact(key=key, failures=failures):
            try:
                first.transact_write_items(TransactItems=transfer(table, key, "1"))
            except ClientError as err:
                failures.append(err.response["Error"]["Code"])

        thread = threading.Thread(target=transact)
        thread.start()
        time.sleep(0.002 + 0.0005 * (attempt % 8))
        try:
            compete(second, key)
            error = None
        except ClientError as err:
            error = err.response
        thread.join(timeout=10)
        assert not thread.is_alive(), "the transaction did not answer"
        if error is None:
            assert failures in ([], ["TransactionCanceledException"]), failures
            continue
        # A conflict turns the competing request away; the transaction itself went through.
        assert failures == [], f"the transaction failed: {failures}"
        return error, key
    return None, None


def test_a_put_on_an_item_held_by_a_transaction_conflicts(slow, table_name):
    ddb = slow.client()
    create_table(ddb, table_name)

    def put(client, key):
        client.put_item(TableName=table_name, Item={"pk": {"S": key}, "v": {"N": "2"}})

    error, key = overlap(slow, table_name, put)
    assert error is not None, f"no conflict in {ATTEMPTS} overlapping attempts"
    assert error["Error"]["Code"] == "TransactionConflictException"
    assert error["Error"]["Message"] == "Transaction is ongoing for the item"
    # The conflicting put changed nothing; after the transaction it is accepted.
    item = ddb.get_item(TableName=table_name, Key={"pk": {"S": key}}, ConsistentRead=True)["Item"]
    assert item["v"] == {"N": "1"}
    put(ddb, key)
    item = ddb.get_item(TableName=table_name, Key={"pk": {"S": key}}, ConsistentRead=True)["Item"]
    assert item["v"] == {"N": "2"}


def test_a_transaction_touching_a_held_item_is_cancelled(slow, table_name):
    ddb = slow.client()
    create_table(ddb, table_name)

    def transact(client, key):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table_name, "Item": {"pk": {"S": f"{key}-other"}}}},
                {"Put": {"TableName": table_name, "Item": {"pk": {"S": key}, "v": {"N": "3"}}}},
            ]
        )

    error, key = overlap(slow, table_name, transact)
    assert error is not None, f"no conflict in {ATTEMPTS} overlapping attempts"
    assert error["Error"]["Code"] == "TransactionCanceledException"
    assert error["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, TransactionConflict]"
    )
    assert error["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"},
    ]
    assert "Item" not in ddb.get_item(TableName=table_name, Key={"pk": {"S": f"{key}-other"}})
