// The Console view and the page's JavaScript API in a real headless Chromium: run requests
// as JSON, see responses, consumed capacity and errors verbatim, keep and replay a history;
// and call window.dynaplay.execute from page scripts, resolving and rejecting as an SDK would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sharedSite, openPage, ensureOutputDir } from './harness.mjs';

const shared = sharedSite('/');

async function openConsole() {
  const opened = await openPage(shared.browser, `${shared.site.url}#/console`, { viewport: { width: 1300, height: 900 } });
  await opened.page.getByTestId('console-view').waitFor();
  return opened;
}

/** Chooses `operation`, replaces the request with `request` (an object or raw text), runs it. */
async function run(page, operation, request) {
  const entries = page.getByTestId('history-entry');
  const before = await entries.count();
  await page.getByTestId('console-operation').selectOption(operation);
  if (request !== undefined) {
    await page.getByTestId('console-request').fill(typeof request === 'string' ? request : JSON.stringify(request, null, 2));
  }
  await page.getByTestId('console-run').click();
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid=history-entry]').length === n,
    before + 1,
  );
}

async function response(page) {
  return JSON.parse(await page.getByTestId('console-response').textContent());
}

test('templates run as they are, and the response shows with its consumed capacity', async () => {
  const { context, page, problems } = await openConsole();
  const operations = await page.getByTestId('console-operation').locator('option').allTextContents();
  assert.deepEqual(operations, await page.evaluate(() => [...window.dynaplay.operations]));
  assert.ok(operations.includes('TransactWriteItems'));

  // Each operation starts from a template the API accepts.
  await page.getByTestId('console-operation').selectOption('CreateTable');
  const template = JSON.parse(await page.getByTestId('console-request').inputValue());
  assert.equal(template.TableName, 'Music');
  await run(page, 'CreateTable');
  assert.equal((await response(page)).TableDescription.TableName, 'Music');

  await run(page, 'PutItem');
  assert.deepEqual(await response(page), {
    ConsumedCapacity: { TableName: 'Music', CapacityUnits: 1 },
  });
  assert.equal(
    await page.getByTestId('console-capacity').textContent(),
    'Consumed capacity: 1.0 capacity units on Music',
  );

  await run(page, 'GetItem');
  const got = await response(page);
  assert.deepEqual(got.Item.Year, { N: '2015' });
  assert.equal(got.ConsumedCapacity.CapacityUnits, 1, 'a strongly consistent read of a small item');

  // Newest first, each with its outcome.
  const history = page.getByTestId('console-history');
  assert.deepEqual(
    await history.locator('.history-op').allTextContents(),
    ['GetItem', 'PutItem', 'CreateTable'],
  );
  assert.deepEqual(await history.getByTestId('history-status').allTextContents(), ['OK', 'OK', 'OK']);
  const dir = await ensureOutputDir();
  await page.screenshot({ path: join(dir, 'console.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('errors are shown verbatim, invalid JSON changes nothing, and re-run repeats a request', async () => {
  const { context, page, problems } = await openConsole();
  await run(page, 'GetItem', { TableName: 'Nowhere', Key: { pk: { S: 'a' } } });
  const error = page.getByTestId('console-error');
  assert.equal(await error.getByTestId('error-name').textContent(), 'ResourceNotFoundException');
  assert.equal(await error.getByTestId('error-message').textContent(), 'Requested resource not found');

  await run(page, 'CreateTable');
  const conditional = {
    TableName: 'Music',
    Item: { Artist: { S: 'A' }, SongTitle: { S: 'B' } },
    ConditionExpression: 'attribute_not_exists(Artist)',
  };
  await run(page, 'PutItem', conditional);
  assert.deepEqual(await response(page), {});

  // The editor now holds something that is not JSON: a clear message, and nothing happens.
  await page.getByTestId('console-request').fill('{"TableName": "Music",');
  await page.getByTestId('console-run').click();
  const message = await page.getByTestId('console-json-error').textContent();
  assert.match(message, /^The request is not valid JSON: .*EOF while parsing a value at line 1 column 22.*Nothing was sent\.$/);
  assert.equal(await page.getByTestId('history-entry').count(), 3, 'no history entry');
  assert.deepEqual(await response(page), {}, 'the last response is untouched');

  // Re-running the PutItem sends exactly what it sent before: now the item exists.
  const entries = page.getByTestId('history-entry');
  await entries.first().getByTestId('history-rerun').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=history-entry]').length === 4);
  assert.equal(await error.getByTestId('error-name').textContent(), 'ConditionalCheckFailedException');
  assert.equal(await error.getByTestId('error-message').textContent(), 'The conditional request failed');
  assert.equal(await entries.first().getByTestId('history-status').textContent(), 'ConditionalCheckFailedException');

  // Edit loads a past request back into the editor, as JSON.
  await entries.nth(1).getByTestId('history-load').click();
  assert.equal(await page.getByTestId('console-operation').inputValue(), 'PutItem');
  assert.deepEqual(JSON.parse(await page.getByTestId('console-request').inputValue()), conditional);
  assert.equal(await page.getByTestId('console-json-error').count(), 0);

  // JSON of the wrong shape is sent, and DynamoDB's SerializationException is the lesson.
  await run(page, 'ListTables', '[1, 2]');
  assert.equal(await error.getByTestId('error-name').textContent(), 'SerializationException');
  assert.deepEqual(problems, []);
  await context.close();
});

test('window.dynaplay.execute resolves with responses and rejects with the error body', async () => {
  const { context, page, problems } = await openPage(shared.browser, `${shared.site.url}#/tables`);
  const api = await page.evaluate(() => ({
    version: window.dynaplay.version,
    operations: window.dynaplay.operations,
    now: window.dynaplay.now(),
  }));
  assert.match(api.version, /^\d+\.\d+\.\d+$/);
  assert.ok(api.operations.includes('Query') && api.operations.includes('CreateTable'));
  assert.equal(api.now, 0);
  await page.getByTestId('step').click();
  assert.equal(await page.evaluate(() => window.dynaplay.now()), 100_000, 'now() follows simulated time');

  const created = await page.evaluate(() =>
    window.dynaplay.execute('CreateTable', {
      TableName: 'fromScript',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  assert.equal(created.TableDescription.TableStatus, 'CREATING', 'as AWS answers CreateTable');
  // The write reached the views: the table is listed without a reload.
  await page.getByTestId('table-row-fromScript').waitFor();

  const rejections = await page.evaluate(async () => {
    const cyclic = {};
    cyclic.self = cyclic;
    const attempts = [
      ['GetItem', { TableName: 'missing', Key: { id: { S: 'x' } } }],
      ['PutItem', { TableName: 'fromScript', Item: { id: { S: 'a' } }, Expected: 5 }],
      ['NoSuchOperation', {}],
      ['PutItem', cyclic],
      ['PutItem', 12n],
      ['PutItem', undefined],
      ['PutItem', 'not an object'],
    ];
    const out = [];
    for (const [op, request] of attempts) {
      try {
        out.push({ resolved: await window.dynaplay.execute(op, request) });
      } catch (error) {
        out.push({ rejected: error });
      }
    }
    return out;
  });
  assert.deepEqual(rejections[0], {
    rejected: {
      __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
      message: 'Requested resource not found',
    },
  });
  assert.equal(rejections[1].rejected.__type, 'com.amazon.coral.service#SerializationException');
  assert.deepEqual(rejections[2], { rejected: { __type: 'com.amazon.coral.service#UnknownOperationException' } });
  for (const [i, what] of [[3, 'a cycle'], [4, 'a BigInt'], [5, 'no body'], [6, 'a string']]) {
    assert.equal(
      rejections[i].rejected?.__type,
      'com.amazon.coral.service#SerializationException',
      `${what} is a SerializationException: ${JSON.stringify(rejections[i])}`,
    );
  }

  const read = await page.evaluate(async () => {
    await window.dynaplay.execute('PutItem', { TableName: 'fromScript', Item: { id: { S: 'a' }, n: { N: '1.50' } } });
    return window.dynaplay.execute('GetItem', { TableName: 'fromScript', Key: { id: { S: 'a' } } });
  });
  assert.deepEqual(read, { Item: { id: { S: 'a' }, n: { N: '1.5' } } }, 'numbers come back normalised');
  await page.getByTestId('table-row-fromScript').getByRole('button').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid=items-grid] td[data-attribute=n]')?.textContent === 'N 1.5',
  );
  assert.deepEqual(problems, []);
  await context.close();
});
