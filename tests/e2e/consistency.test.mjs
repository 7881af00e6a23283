// The Consistency view in a real headless Chromium: with stale reads switched on, a read
// right after a write is flagged stale on the timeline and linked to the write it missed;
// strongly consistent reads are never stale; and the experiment's sweep shows stale
// eventual reads (and index queries) fading with the delay after the write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sharedSite, openPage, until, ensureOutputDir } from './harness.mjs';

const VIEWPORT = { width: 1300, height: 900 };

const shared = sharedSite('/');

async function openConsistency(options = {}) {
  const opened = await openPage(shared.browser, `${shared.site.url}#/consistency`, { viewport: VIEWPORT, ...options });
  await opened.page.getByTestId('consistency-view').waitFor();
  // A table made through the page's JavaScript API, as an embedding page would.
  await opened.page.evaluate(() => window.dynaplay.execute('CreateTable', {
    TableName: 'Accounts',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await opened.page.getByTestId('consistency-table').waitFor();
  return opened;
}

test('a read right after a write is flagged stale and linked to the write it missed', async () => {
  const { context, page, problems } = await openConsistency();
  assert.match(await page.getByTestId('stale-reads-off').textContent(), /Stale reads are off/);
  // With stale reads off, every read is answered as the leader would.
  await page.getByTestId('client-write-then-reads').click();
  await until(async () => (await page.getByTestId('op').count()) === 4, 'four requests on the timeline');
  assert.equal(await page.locator('[data-testid="op"][data-stale="true"]').count(), 0);

  await page.getByTestId('enable-stale-reads').click();
  assert.equal(await page.getByTestId('realism-stale').isChecked(), true);
  assert.equal(await page.getByTestId('stale-reads-off').count(), 0);
  await page.getByTestId('consistency-key').fill('alice');
  const stale = page.getByTestId('stale-read');
  for (let i = 0; i < 5 && (await stale.count()) === 0; i++) {
    await page.getByTestId('client-write-then-reads').click();
  }
  assert.ok((await stale.count()) > 0, 'a stale read was flagged');

  const first = stale.first();
  const request = await first.getAttribute('data-request');
  const missed = (await first.getAttribute('data-missed')).split(' ');
  const read = page.locator(`[data-testid="op"][data-request="${request}"]`);
  assert.equal(await read.getAttribute('data-stale'), 'true');
  assert.equal(await read.getAttribute('data-kind'), 'eventual');
  assert.equal(await read.getAttribute('data-client'), 'eventual-reader');
  const write = page.locator(`[data-testid="op"][data-request="${missed[0]}"]`);
  assert.equal(await write.getAttribute('data-kind'), 'write');
  assert.equal(await write.getAttribute('data-client'), 'writer');
  assert.ok(Number(missed[0]) < Number(request), 'the write came first');
  assert.ok((await page.getByTestId('miss-link').count()) > 0, 'an arc links the read to the write');
  assert.match(await first.textContent(), new RegExp(`missed write #${missed[0]} to alice`));

  // The link selects the write; the read's details say what it missed.
  await read.click();
  const details = page.getByTestId('op-details');
  assert.match(await details.textContent(), new RegExp(`Request #${request} by eventual-reader`));
  assert.match(await details.textContent(), /Served byr\d of p\d+ in us-east-1[abc] \(follower, applied \d+\)/);
  assert.match(await details.textContent(), /Resultread (v = \d+|no item)/);
  await details.getByTestId('missed-write').first().click();
  assert.match(await details.textContent(), new RegExp(`Request #${missed[0]} by writer`));

  // Strongly consistent reads go to the leader and are never stale.
  for (let i = 0; i < 3; i++) {
    await page.getByTestId('client-write').click();
    await page.getByTestId('client-strong').click();
  }
  const strong = page.locator('[data-testid="op"][data-client="strong-reader"]');
  assert.equal(await strong.count(), 3);
  assert.deepEqual(await strong.evaluateAll((els) => els.map((e) => e.dataset.stale)), ['false', 'false', 'false']);
  await strong.last().click();
  assert.match(await details.textContent(), /\(leader, applied \d+\)/);

  const dir = await ensureOutputDir();
  await page.screenshot({ path: join(dir, 'consistency.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the experiment plots stale reads fading with the delay; strong reads never stale', async () => {
  const { context, page, problems } = await openConsistency({ colorScheme: 'dark' });
  await page.getByTestId('experiment-trials').fill('40');
  await page.getByTestId('experiment-run-sweep').click();
  await page.getByTestId('experiment-table').waitFor();
  const row = (delay) => page.getByTestId(`experiment-row-${delay}`);
  const counts = async (delay) => ({
    eventual: Number(await row(delay).getAttribute('data-eventual')),
    index: Number(await row(delay).getAttribute('data-index')),
    strong: Number(await row(delay).getAttribute('data-strong')),
  });
  const now = await counts(0);
  const late = await counts(1600);
  assert.ok(now.eventual > 8, `about two thirds of immediate eventual reads are stale: ${now.eventual}/40`);
  assert.equal(now.index, 40, 'no index has applied a write the same instant');
  assert.equal(now.strong, 0);
  assert.equal(late.eventual, 0);
  assert.equal(late.index, 0);
  assert.equal(late.strong, 0);
  assert.ok((await counts(50)).eventual < now.eventual, 'fewer stale reads after 50 ms');
  assert.equal(await page.getByTestId('experiment-plot').locator('circle').count(), 27, 'three series of nine points');

  // One more delay, run on its own, joins the plot.
  await page.getByTestId('experiment-delay').fill('3000');
  await page.getByTestId('experiment-run-delay').click();
  await row(3000).waitFor();
  assert.equal((await counts(3000)).eventual, 0);
  // The sim clock of the playground did not move.
  assert.equal(await page.getByTestId('sim-time').getAttribute('data-micros'), '0');

  const dir = await ensureOutputDir();
  await page.getByTestId('enable-stale-reads').click();
  await page.getByTestId('client-write-then-reads').click();
  await page.getByTestId('client-write-then-reads').click();
  await page.screenshot({ path: join(dir, 'consistency-dark.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
