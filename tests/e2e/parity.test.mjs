// One engine, two doors: a fixed sequence of DynamoDB requests runs through the page's
// window.dynaplay.execute and through `dynaplay serve` over HTTP, and every response and
// every error must be identical.
//
// The only differences allowed are time-derived fields. The page's world is paused at
// simulated time zero; the endpoint's clock is the wall clock since it started. So
// timestamps (CreationDateTime, LastIncreaseDateTime, ... — every member whose name ends
// in "DateTime") are normalised before comparing. Nothing else is.
//
// The endpoint binary is target/debug/dynaplay (build it with `cargo build -p
// dynaplay-server`), or whatever DYNAPLAY_BIN names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { serveDist, launchBrowser, openPage, root } from './harness.mjs';

const binary = process.env.DYNAPLAY_BIN ?? join(root, 'target', 'debug', 'dynaplay');

const key = (pk, sk) => ({ pk: { S: pk }, sk: { N: String(sk) } });
const item = (pk, sk, extra = {}) => ({ ...key(pk, sk), ...extra });

/** The sequence: [operation, request]. Requests are plain JSON (a string is a non-object body). */
const STEPS = [
  ['CreateTable', {
    TableName: 'Parity',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'cat', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    GlobalSecondaryIndexes: [{
      IndexName: 'byCat',
      KeySchema: [{ AttributeName: 'cat', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['n'] },
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  }],
  ['PutItem', { TableName: 'Parity', Item: item('a', 1, { cat: { S: 'x' }, n: { N: '10' } }), ReturnConsumedCapacity: 'INDEXES' }],
  ['PutItem', { TableName: 'Parity', Item: item('a', 2, { cat: { S: 'y' }, n: { N: '20' } }) }],
  ['PutItem', { TableName: 'Parity', Item: item('b', 1, { cat: { S: 'x' }, n: { N: '30' }, s: { SS: ['q', 'p'] } }) }],
  // A conditional put that fails, with and without the old item returned.
  ['PutItem', { TableName: 'Parity', Item: item('a', 1), ConditionExpression: 'attribute_not_exists(pk)' }],
  ['PutItem', {
    TableName: 'Parity', Item: item('a', 1), ConditionExpression: 'n < :max',
    ExpressionAttributeValues: { ':max': { N: '5' } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }],
  ['UpdateItem', {
    TableName: 'Parity', Key: key('a', 1), UpdateExpression: 'SET n = n + :inc, #t = :t REMOVE cat',
    ExpressionAttributeNames: { '#t': 'tag' },
    ExpressionAttributeValues: { ':inc': { N: '1.5' }, ':t': { S: 'upd' } },
    ReturnValues: 'ALL_NEW', ReturnConsumedCapacity: 'TOTAL',
  }],
  ['UpdateItem', {
    TableName: 'Parity', Key: key('a', 2), UpdateExpression: 'ADD n :one',
    ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'UPDATED_OLD',
  }],
  ['GetItem', { TableName: 'Parity', Key: key('a', 1), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }],
  ['Query', {
    TableName: 'Parity', KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
    ExpressionAttributeValues: { ':p': { S: 'a' }, ':lo': { N: '1' }, ':hi': { N: '2' } },
    ScanIndexForward: false, ReturnConsumedCapacity: 'INDEXES',
  }],
  ['Query', {
    TableName: 'Parity', IndexName: 'byCat', KeyConditionExpression: 'cat = :c',
    ExpressionAttributeValues: { ':c': { S: 'x' } }, ReturnConsumedCapacity: 'TOTAL',
  }],
  ['Scan', { TableName: 'Parity', Limit: 2, ReturnConsumedCapacity: 'TOTAL' }],
  ['Scan', { TableName: 'Parity', ExclusiveStartKey: key('a', 1), FilterExpression: 'attribute_exists(n)' }],
  ['BatchWriteItem', {
    RequestItems: {
      Parity: [
        { PutRequest: { Item: item('c', 1, { cat: { S: 'x' } }) } },
        { PutRequest: { Item: item('c', 2) } },
        { DeleteRequest: { Key: key('b', 1) } },
      ],
    },
    ReturnConsumedCapacity: 'TOTAL',
  }],
  ['BatchGetItem', {
    RequestItems: { Parity: { Keys: [key('c', 1), key('b', 1), key('a', 2)], ProjectionExpression: 'pk, sk, n' } },
    ReturnConsumedCapacity: 'TOTAL',
  }],
  // A transaction cancelled by its second action's condition: nothing of it is applied.
  ['TransactWriteItems', {
    TransactItems: [
      { Put: { TableName: 'Parity', Item: item('d', 1) } },
      { ConditionCheck: { TableName: 'Parity', Key: key('a', 1), ConditionExpression: 'attribute_not_exists(pk)' } },
    ],
  }],
  ['TransactWriteItems', {
    TransactItems: [
      { Put: { TableName: 'Parity', Item: item('d', 1) } },
      { Update: { TableName: 'Parity', Key: key('c', 2), UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '7' } } } },
    ],
    ReturnConsumedCapacity: 'TOTAL',
  }],
  ['TransactGetItems', { TransactItems: [{ Get: { TableName: 'Parity', Key: key('d', 1) } }, { Get: { TableName: 'Parity', Key: key('c', 2) } }] }],
  // Invalid requests, each refused with AWS's own words.
  ['Query', {
    TableName: 'Parity', KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': { S: 'a' }, ':unused': { S: 'x' } },
  }],
  ['Query', { TableName: 'Parity', IndexName: 'byCat', KeyConditionExpression: 'cat = :c', ExpressionAttributeValues: { ':c': { S: 'x' } }, ConsistentRead: true }],
  ['GetItem', { TableName: 'Parity', Key: { pk: { S: 'a' } } }],
  ['PutItem', { TableName: 'Missing', Item: item('a', 1) }],
  ['CreateTable', { TableName: 'x' }],
  ['PutItem', { TableName: 'Parity', Item: { pk: { S: 'a' }, sk: { N: 'not a number' } } }],
  ['PutItem', 'not an object'],
  ['NoSuchOperation', {}],
  ['DescribeTable', { TableName: 'Parity' }],
  ['DeleteTable', { TableName: 'Parity' }],
  ['ListTables', {}],
];

/** Replaces every time-derived member (its name ends in "DateTime") with a marker. */
function normalise(value) {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k.endsWith('DateTime') ? '<time>' : normalise(v)]),
    );
  }
  return value;
}

let site;
let browser;
let server;
let endpoint;

before(async () => {
  assert.ok(existsSync(binary), `no endpoint binary at ${binary}: run cargo build -p dynaplay-server`);
  server = spawn(binary, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('exit', (code) => reject(new Error(`dynaplay serve exited with ${code}`)));
    createInterface({ input: server.stdout }).once('line', resolve);
  });
  const match = /^Dynaplay DynamoDB endpoint listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(firstLine);
  assert.ok(match, `unexpected first line from dynaplay serve: ${firstLine}`);
  endpoint = match[1];
  site = await serveDist('/');
  browser = await launchBrowser();
});

after(async () => {
  server?.kill();
  await browser?.close();
  await site?.close();
});

/** One request over HTTP, as an SDK sends it. */
async function overHttp(operation, request) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'X-Amz-Target': `DynamoDB_20120810.${operation}`,
      'Content-Type': 'application/x-amz-json-1.0',
    },
    body: JSON.stringify(request),
  });
  const body = await response.json();
  return response.ok ? { resolved: body } : { rejected: body, status: response.status };
}

test('the page and the endpoint answer the same sequence identically', async () => {
  const { context, page, problems } = await openPage(browser, site.url);
  const inPage = await page.evaluate(async (steps) => {
    const out = [];
    for (const [operation, request] of steps) {
      try {
        out.push({ resolved: await window.dynaplay.execute(operation, request) });
      } catch (error) {
        out.push({ rejected: error });
      }
    }
    return out;
  }, STEPS);

  const overEndpoint = [];
  for (const [operation, request] of STEPS) overEndpoint.push(await overHttp(operation, request));

  assert.equal(inPage.length, STEPS.length);
  for (const [i, [operation]] of STEPS.entries()) {
    const http = { ...overEndpoint[i] };
    if (http.rejected) {
      assert.equal(http.status, 400, `step ${i + 1} ${operation}: a client error`);
      delete http.status;
    }
    assert.deepEqual(normalise(inPage[i]), normalise(http), `step ${i + 1} ${operation} differs`);
  }

  // The sequence exercises what it says it does: successes and the expected failures.
  const outcome = (i) => inPage[i].rejected?.__type?.split('#')[1] ?? 'ok';
  assert.deepEqual(STEPS.map((_, i) => outcome(i)), [
    'ok', 'ok', 'ok', 'ok',
    'ConditionalCheckFailedException', 'ConditionalCheckFailedException',
    'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok',
    'TransactionCanceledException',
    'ok', 'ok',
    'ValidationException', 'ValidationException', 'ValidationException',
    'ResourceNotFoundException', 'ValidationException', 'ValidationException',
    'SerializationException', 'UnknownOperationException',
    'ok', 'ok', 'ok',
  ]);
  assert.deepEqual(inPage[5].rejected.Item, item('a', 1, { cat: { S: 'x' }, n: { N: '10' } }));
  assert.deepEqual(inPage[6].resolved.Attributes, item('a', 1, { n: { N: '11.5' }, tag: { S: 'upd' } }));
  assert.ok(inPage[11].resolved.LastEvaluatedKey, 'Scan with Limit 2 stops with a LastEvaluatedKey');
  assert.deepEqual(inPage[15].rejected.CancellationReasons.map((r) => r.Code), ['None', 'ConditionalCheckFailed']);
  assert.equal(inPage[26].resolved.Table.CreationDateTime !== undefined, true, 'a timestamp was normalised');
  assert.deepEqual(problems, []);
  await context.close();
});
