"""Fixtures for SDK-driven tests: a `dynaplay serve` on a free loopback port, and boto3
clients pointed at it with fake credentials."""

import os
import subprocess
import time
import uuid

import boto3
import pytest
from botocore.config import Config

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def dynaplay_binary():
    path = os.environ.get("DYNAPLAY_BIN") or os.path.join(ROOT, "target", "debug", "dynaplay")
    if not os.path.exists(path):
        raise RuntimeError(f"{path} does not exist: build it with `cargo build -p dynaplay-server`")
    return path


class Endpoint:
    """A running `dynaplay serve`, stopped when the fixture ends. With `--dax-port` among
    the flags it also serves a DAX cluster in front of the same tables, at `dax_url`."""

    def __init__(self, *flags):
        self.process = subprocess.Popen(
            [dynaplay_binary(), "serve", "--host", "127.0.0.1", "--port", "0", *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if "listening on " not in line:
            self.process.kill()
            raise RuntimeError(f"dynaplay serve did not start: {line!r} {self.process.stderr.read()}")
        self.url = line.strip().rsplit(" ", 1)[-1]
        self.dax_url = None
        if "--dax-port" in flags:
            line = self.process.stdout.readline()
            if "DAX endpoint listening on " not in line:
                self.process.kill()
                raise RuntimeError(f"no DAX endpoint: {line!r} {self.process.stderr.read()}")
            self.dax_url = line.strip().rsplit(" ", 1)[-1]

    def client(self, dax=False, service="dynamodb", **config):
        """A client for the endpoint (DynamoDB's, or with `service="dax"` DAX's management
        API), or with `dax=True` a DynamoDB client for its DAX cluster. It makes exactly
        one attempt per call: botocore counts `max_attempts` as retries on top of the first
        attempt, `total_max_attempts` counts them all, and an SDK that retried throttles
        would hide them."""
        return boto3.client(
            service,
            endpoint_url=self.dax_url if dax else self.url,
            region_name="us-east-1",
            aws_access_key_id="fake",
            aws_secret_access_key="fake",
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}, **config),
        )

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def endpoint():
    server = Endpoint("--seed", "1")
    yield server
    server.stop()


@pytest.fixture()
def ddb(endpoint):
    return endpoint.client()


@pytest.fixture()
def table_name():
    return f"t-{uuid.uuid4().hex[:12]}"


def create_table(ddb, name, hash_key=("pk", "S"), range_key=None, **extra):
    keys = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
    attrs = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
    if range_key:
        keys.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        attrs.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
    for extra_attr in extra.pop("extra_attributes", []):
        attrs.append({"AttributeName": extra_attr[0], "AttributeType": extra_attr[1]})
    ddb.create_table(
        TableName=name,
        KeySchema=keys,
        AttributeDefinitions=attrs,
        BillingMode=extra.pop("BillingMode", "PAY_PER_REQUEST"),
        **extra,
    )
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 50})
