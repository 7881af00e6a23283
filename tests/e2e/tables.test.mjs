// The Tables view in a real headless Chromium: create a table with the form, put items
// through the JSON editor, page through them, query with a BETWEEN sort-key condition, and
// see DynamoDB's errors word for word. Every step goes through the page's one door to the
// engine, so what is checked here is what a learner would see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sharedSite, openPage, ensureOutputDir } from './harness.mjs';

const shared = sharedSite('/');

/** Waits until `locator` matches exactly `n` elements. */
async function waitForCount(locator, n, what) {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if ((await locator.count()) === n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`expected ${n} ${what}, found ${await locator.count()}`);
}

/** The text of every cell of one attribute in a grid, top to bottom. */
async function column(grid, attribute) {
  return grid.locator(`td[data-attribute="${attribute}"]`).allTextContents();
}

async function openTables() {
  const opened = await openPage(shared.browser, `${shared.site.url}#/tables`, { viewport: { width: 1300, height: 900 } });
  await opened.page.getByTestId('tables-view').waitFor();
  return opened;
}

/** Creates the Songs table (artist S, year N, a GSI on genre) with the form. */
async function createSongs(page) {
  await page.getByLabel('Table name').fill('Songs');
  await page.getByTestId('create-pk-name').fill('artist');
  await page.getByTestId('create-has-sk').check();
  await page.getByTestId('create-sk-name').fill('year');
  await page.getByTestId('create-sk-type').selectOption('N');
  await page.getByTestId('create-gsi').check();
  await page.getByTestId('create-gsi-name').fill('byGenre');
  await page.getByTestId('create-gsi-pk-name').fill('genre');
  await page.getByTestId('create-gsi-projection').selectOption('INCLUDE');
  await page.getByTestId('create-gsi-nonkey').fill('title');
  await page.getByRole('button', { name: 'Create table' }).click();
  await page.getByTestId('table-row-Songs').waitFor();
}

async function putItem(page, item) {
  const rows = page.getByTestId('items-grid').getByTestId('item-row');
  const before = await rows.count();
  await page.getByTestId('item-json').fill(JSON.stringify(item));
  await page.getByRole('button', { name: 'Put item' }).click();
  await page.getByTestId('item-result').waitFor();
  return before;
}

const SONGS = [
  { artist: 'Ada', year: 1988, title: 'Early', genre: 'jazz' },
  { artist: 'Ada', year: 1990, title: 'Low', genre: 'jazz' },
  { artist: 'Ada', year: 1994, title: 'Mid', genre: 'rock' },
  { artist: 'Ada', year: 1999, title: 'High', genre: 'jazz' },
  { artist: 'Ada', year: 2004, title: 'Late', genre: 'rock' },
  { artist: 'Bo', year: 1995, title: 'Other', genre: 'jazz' },
];

function dynamoItem(song) {
  return {
    artist: { S: song.artist },
    year: { N: String(song.year) },
    title: { S: song.title },
    genre: { S: song.genre },
    rating: { N: '4.5' },
    tags: { L: [{ S: 'a' }, { N: '1' }] },
  };
}

test('a table made with the form shows the request it sent, its keys, billing and index', async () => {
  const { context, page, problems } = await openTables();
  await page.getByLabel('Table name').fill('Songs');
  await page.getByTestId('create-pk-name').fill('artist');
  // Space ticks a focused checkbox; it is not the play shortcut there.
  await page.getByTestId('create-has-sk').focus();
  await page.keyboard.press(' ');
  assert.equal(await page.getByTestId('create-has-sk').isChecked(), true);
  assert.equal(await page.getByTestId('play-toggle').getAttribute('aria-pressed'), 'false');
  await page.getByTestId('create-sk-name').fill('year');
  await page.getByTestId('create-sk-type').selectOption('N');
  await page.getByTestId('create-billing').selectOption('PAY_PER_REQUEST');
  await page.getByTestId('create-lsi').check();
  await page.getByTestId('create-lsi-name').fill('byTitle');
  await page.getByTestId('create-lsi-sk-name').fill('title');
  await page.getByTestId('create-lsi-projection').selectOption('KEYS_ONLY');

  const built = JSON.parse(await page.getByTestId('create-table-request').textContent());
  assert.deepEqual(built, {
    AttributeDefinitions: [
      { AttributeName: 'artist', AttributeType: 'S' },
      { AttributeName: 'year', AttributeType: 'N' },
      { AttributeName: 'title', AttributeType: 'S' },
    ],
    TableName: 'Songs',
    KeySchema: [
      { AttributeName: 'artist', KeyType: 'HASH' },
      { AttributeName: 'year', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    LocalSecondaryIndexes: [{
      IndexName: 'byTitle',
      KeySchema: [
        { AttributeName: 'artist', KeyType: 'HASH' },
        { AttributeName: 'title', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    }],
  });

  await page.getByRole('button', { name: 'Create table' }).click();
  await page.getByTestId('table-row-Songs').waitFor();
  assert.match(await page.getByTestId('table-row-Songs').textContent(), /ACTIVE · 0 items/);
  assert.equal(await page.getByTestId('create-table-result').textContent(), 'Created table Songs.');
  assert.equal(await page.getByTestId('table-keys').textContent(), 'artist (S) partition key, year (N) sort key');
  assert.equal(await page.getByTestId('table-billing').textContent(), 'On-demand (pay per request)');
  assert.match(await page.getByTestId('index-byTitle').textContent(), /LSI: artist \(S\) partition key, title \(S\) sort key; projection KEYS_ONLY/);
  assert.equal(await page.getByTestId('items-empty').textContent(), 'This table has no items yet.');
  assert.deepEqual(problems, []);
  await context.close();
});

test('errors come back verbatim and a bad item is never sent', async () => {
  const { context, page, problems } = await openTables();
  await createSongs(page);
  // The same table again: DynamoDB's ResourceInUseException, word for word.
  await page.getByRole('button', { name: 'Create table' }).click();
  const error = page.getByTestId('create-table-form').locator('..').getByTestId('error');
  await error.waitFor();
  assert.equal(await error.getByTestId('error-name').textContent(), 'ResourceInUseException');
  assert.equal(await error.getByTestId('error-message').textContent(), 'Table already exists: Songs');

  // An item without its sort key is DynamoDB's ValidationException.
  await page.getByTestId('item-json').fill('{"artist": {"S": "Ada"}}');
  await page.getByRole('button', { name: 'Put item' }).click();
  const itemError = page.getByTestId('item-form').getByTestId('error');
  await itemError.waitFor();
  assert.equal(await itemError.getByTestId('error-name').textContent(), 'ValidationException');
  assert.equal(
    await itemError.getByTestId('error-message').textContent(),
    'One or more parameter values were invalid: Missing the key year in the item',
  );

  // Text that is not JSON is caught in the page: nothing is sent, nothing changes.
  await page.getByTestId('item-json').fill('{"artist": {"S": "Ada"},');
  await page.getByRole('button', { name: 'Put item' }).click();
  assert.match(await page.getByTestId('item-json-error').textContent(), /^The item is not valid JSON: /);
  assert.equal(await page.getByTestId('items-empty').count(), 1, 'still no items');
  assert.equal(await itemError.getByTestId('error-name').textContent(), 'ValidationException',
    'the last outcome is still the last request DynamoDB saw');
  assert.deepEqual(problems, []);
  await context.close();
});

test('items put through the editor show typed cells and a BETWEEN query finds the right ones', async () => {
  const { context, page, problems } = await openTables();
  await createSongs(page);
  const grid = page.getByTestId('items-grid');
  for (const song of SONGS) await putItem(page, dynamoItem(song));
  await waitForCount(grid.getByTestId('item-row'), SONGS.length, 'grid rows');
  assert.match(await page.getByTestId('item-capacity').textContent(), /capacity units on Songs/);

  const years = await column(grid, 'year');
  assert.deepEqual([...years].sort(), SONGS.map((s) => `N ${s.year}`).sort());
  assert.ok((await column(grid, 'artist')).every((c) => /^S (Ada|Bo)$/.test(c)));
  assert.ok((await column(grid, 'rating')).every((c) => c === 'N 4.5'));
  assert.ok((await column(grid, 'tags')).every((c) => c === 'L [S a, N 1]'), 'lists are abbreviated');
  assert.match(await page.getByTestId('table-row-Songs').textContent(), /6 items/);

  // Query Ada's songs from 1990 to 1999, newest first.
  await page.getByTestId('query-pk').fill('Ada');
  await page.getByTestId('query-sk-op').selectOption('BETWEEN');
  await page.getByTestId('query-sk-value').fill('1990');
  await page.getByTestId('query-sk-value2').fill('1999');
  await page.getByTestId('query-forward').uncheck();
  const built = JSON.parse(await page.getByTestId('built-request').textContent());
  assert.deepEqual(built, {
    TableName: 'Songs',
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :sk1 AND :sk2',
    ExpressionAttributeNames: { '#pk': 'artist', '#sk': 'year' },
    ExpressionAttributeValues: { ':pk': { S: 'Ada' }, ':sk1': { N: '1990' }, ':sk2': { N: '1999' } },
    ScanIndexForward: false,
    ReturnConsumedCapacity: 'TOTAL',
  });
  await page.getByRole('button', { name: 'Run Query' }).click();
  const results = page.getByTestId('query-results');
  await results.waitFor();
  assert.equal(await page.getByTestId('query-count').textContent(), '3');
  assert.equal(await page.getByTestId('query-scanned-count').textContent(), '3');
  assert.deepEqual(await column(results, 'year'), ['N 1999', 'N 1994', 'N 1990']);
  assert.deepEqual(await column(results, 'title'), ['S High', 'S Mid', 'S Low']);
  assert.match(await page.getByTestId('query-capacity').textContent(), /0\.5 capacity units on Songs/);

  // A filter narrows Count but not ScannedCount: it runs after the items are read.
  await page.getByTestId('query-filter-attr').fill('genre');
  await page.getByTestId('query-filter-value').fill('jazz');
  await page.getByRole('button', { name: 'Run Query' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=query-count]')?.textContent === '2');
  assert.equal(await page.getByTestId('query-scanned-count').textContent(), '3');

  // The GSI: jazz songs, by genre, without ConsistentRead (GSIs do not support it).
  await page.getByTestId('query-filter-attr').fill('');
  await page.getByTestId('query-index').selectOption('byGenre');
  await page.getByTestId('query-pk').fill('jazz');
  await page.getByRole('button', { name: 'Run Query' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=query-count]')?.textContent === '4');
  // ... and with it, DynamoDB's own refusal.
  await page.getByTestId('query-consistent').check();
  await page.getByRole('button', { name: 'Run Query' }).click();
  const error = page.getByTestId('query-form').getByTestId('error');
  await error.waitFor();
  assert.equal(await error.getByTestId('error-message').textContent(),
    'Consistent reads are not supported on global secondary indexes');

  const dir = await ensureOutputDir();
  await page.screenshot({ path: join(dir, 'tables.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the grid pages with Scan, and items can be edited and deleted from it', async () => {
  const { context, page, problems } = await openTables();
  await createSongs(page);
  // Twelve songs written through the page's JavaScript API: the view refreshes by itself.
  await page.evaluate(async () => {
    for (let year = 2000; year < 2012; year++) {
      await window.dynaplay.execute('PutItem', {
        TableName: 'Songs',
        Item: { artist: { S: 'Cy' }, year: { N: String(year) }, title: { S: `t${year}` } },
      });
    }
  });
  const grid = page.getByTestId('items-grid');
  const rows = grid.getByTestId('item-row');
  await waitForCount(rows, 10, 'rows on the first page');
  assert.equal(await page.getByTestId('items-page').textContent(), 'Page 1');
  assert.equal(await page.getByTestId('items-prev').isDisabled(), true);
  const first = await column(grid, 'year');

  await page.getByTestId('items-next').click();
  await waitForCount(rows, 2, 'rows on the second page');
  assert.equal(await page.getByTestId('items-page').textContent(), 'Page 2');
  const second = await column(grid, 'year');
  assert.equal(new Set([...first, ...second]).size, 12, 'every item exactly once');

  await page.getByTestId('items-prev').click();
  await waitForCount(rows, 10, 'rows back on the first page');
  assert.deepEqual(await column(grid, 'year'), first);

  // Edit loads the whole item into the editor; putting it back replaces it.
  await rows.first().getByTestId('item-edit').click();
  const loaded = JSON.parse(await page.getByTestId('item-json').inputValue());
  assert.equal(`N ${loaded.year.N}`, first[0]);
  loaded.title = { S: 'edited' };
  await page.getByTestId('item-json').fill(JSON.stringify(loaded));
  await page.getByRole('button', { name: 'Put item' }).click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid=items-grid] td[data-attribute=title]')?.textContent === 'S edited',
  );

  // Delete removes it: DeleteItem with the row's key.
  await rows.first().getByRole('button', { name: 'Delete item 1' }).click();
  await page.waitForFunction(() => /11 items/.test(document.querySelector('[data-testid=table-row-Songs]').textContent));
  const remaining = await page.evaluate(() => window.dynaplay.execute('Scan', { TableName: 'Songs', Select: 'COUNT' }));
  assert.equal(remaining.Count, 11);
  assert.ok(!(await column(grid, 'title')).includes('S edited'));

  // Deleting the table deselects it.
  await page.getByRole('button', { name: 'Delete table Songs' }).click();
  await page.getByTestId('delete-table-result').waitFor();
  assert.equal(await page.getByTestId('table-row-Songs').count(), 0);
  assert.equal(await page.getByTestId('table-list').textContent(), 'No tables yet.');
  assert.deepEqual(problems, []);
  await context.close();
});
