// The DAX view in a real headless Chromium: requests through DAX make the hit counter
// rise (and each one's path is drawn), the staleness experiments flag the stale result,
// every guided experiment reaches its conclusion with one click, the benchmark draws its
// latency histogram, and clusters are made, resized, failed and deleted from the view.
// Everything checked here is what a learner would see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sharedSite, openPage, ensureOutputDir } from './harness.mjs';

const shared = sharedSite('/');

async function openDax(options = {}) {
  const opened = await openPage(shared.browser, `${shared.site.url}#/dax`, {
    viewport: { width: 1300, height: 1000 },
    ...options,
  });
  await opened.page.getByTestId('dax-view').waitFor();
  return opened;
}

async function number(page, testid) {
  return Number(await page.getByTestId(testid).textContent());
}

/** Sends the request in the editor through `button` and waits for its answer. */
async function send(page, button, operation, request) {
  await page.getByTestId('dax-operation').selectOption(operation);
  if (request) await page.getByTestId('dax-request').fill(JSON.stringify(request));
  const sent = page.getByTestId('dax-sent');
  const before = (await sent.count()) ? Number(await sent.getAttribute('data-number')) : 0;
  await page.getByTestId(button).click();
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=dax-sent]')?.dataset.number) === n,
    before + 1,
  );
}

/** Runs an experiment with its one click and waits for its verdict. */
async function runExperiment(page, slug) {
  await page.getByTestId(`run-${slug}`).click();
  const log = page.locator(`[data-testid=experiment-log][data-experiment=${slug}]`);
  await log.waitFor();
  await page.waitForFunction(
    (slug) => document.querySelector(`[data-testid=experiment-log][data-experiment=${slug}]`)?.dataset.finished === 'true',
    slug,
    { timeout: 30_000 },
  );
  return log;
}

test('requests through DAX make the hits rise, and each request shows its path', async () => {
  const { context, page, problems } = await openDax();
  assert.equal(await page.getByTestId('view-title').textContent(), 'DAX');
  await page.getByTestId('no-cluster').waitFor();
  assert.equal(await page.getByTestId('send-dax').isDisabled(), true, 'no cluster to send through yet');

  await page.getByTestId('set-up-lab').click();
  await page.locator('[data-testid=dax-cluster][data-cluster=lab]').waitFor();
  assert.equal(await page.locator('.dax-node').count(), 3);
  assert.equal(await page.getByTestId('node-lab-a').getAttribute('data-role'), 'primary');
  assert.equal(await number(page, 'dax-hits'), 0);

  const item = { pk: { S: 'demo' }, sk: { S: 'a' }, price: { N: '1' } };
  await send(page, 'send-dax', 'PutItem', { TableName: 'DaxLab', Item: item });
  assert.equal(await page.getByTestId('dax-sent-path').getAttribute('data-route'), 'write-through');
  assert.equal(await page.getByTestId('request-path').getAttribute('data-route'), 'write-through');

  // The write-through reaches every node after a short lag; step time past it, then read.
  const get = { TableName: 'DaxLab', Key: { pk: { S: 'demo' }, sk: { S: 'a' } } };
  const hits = [];
  for (let i = 0; i < 5; i++) {
    await page.getByTestId('step').click();
    await send(page, 'send-dax', 'GetItem', get);
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid=dax-hits]').textContent) === n,
      i + 1,
    );
    hits.push(await number(page, 'dax-hits'));
    assert.equal(await page.getByTestId('dax-sent-path').getAttribute('data-route'), 'hit');
  }
  assert.deepEqual(hits, [1, 2, 3, 4, 5], 'every read through DAX is a hit, and the counter rises');
  assert.equal(await page.getByTestId('dax-hit-ratio').textContent(), '100.0%');
  assert.match(await page.getByTestId('dax-response').textContent(), /"price"/);
  const newest = page.getByTestId('recent-request').first();
  assert.equal(await newest.getAttribute('data-route'), 'hit');
  assert.match(await newest.textContent(), /item cache hit/);
  assert.equal(await page.getByTestId('request-path').getAttribute('data-route'), 'hit');

  // Around DAX: answered by the table, and DAX's counters do not move.
  await send(page, 'send-direct', 'GetItem', get);
  assert.equal(await page.getByTestId('dax-sent').getAttribute('data-door'), 'direct');
  assert.equal(await number(page, 'dax-hits'), 5);

  // An item that is not there: a miss, cached as a negative entry.
  const ghost = { TableName: 'DaxLab', Key: { pk: { S: 'demo' }, sk: { S: 'nobody' } } };
  await send(page, 'send-dax', 'GetItem', ghost);
  await page.waitForFunction(() => document.querySelector('[data-testid=dax-misses]').textContent === '1');
  assert.equal(await page.getByTestId('dax-sent-path').getAttribute('data-route'), 'miss');
  assert.match(await page.getByTestId('dax-sent-path').textContent(), /cached as a negative entry/);
  assert.equal(await page.getByTestId('dax-hit-ratio').textContent(), '83.3%');

  // The node that answered lists the entry in its item cache, with its age and TTL.
  const node = (await page.getByTestId('dax-sent-path').textContent()).match(/^(lab-[a-c])/)[1];
  await page.getByTestId(`cache-tab-${node}`).click();
  const negative = page.locator('[data-testid=cache-entry][data-cache=item][data-negative=true]');
  await negative.first().waitFor();
  assert.match(await negative.first().getByTestId('entry-ttl').textContent(), /^(4 min 59|5 min)/);

  // Strongly consistent: passed through, not cached.
  await send(page, 'send-dax', 'GetItem', { ...get, ConsistentRead: true });
  assert.equal(await page.getByTestId('dax-sent-path').getAttribute('data-route'), 'pass-through');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the query staleness experiment flags the stale result', async () => {
  const { context, page, problems } = await openDax({ colorScheme: 'light' });
  const log = await runExperiment(page, 'query-staleness');
  const verdict = page.getByTestId('experiment-verdict');
  assert.equal(await verdict.getAttribute('data-ok'), 'true');
  assert.match(await verdict.textContent(), /Stale result/);

  const stale = log.locator('[data-testid=experiment-step][data-stale=true]');
  assert.equal(await stale.count(), 1, 'exactly one answer is stale: the second Query');
  assert.match(await stale.textContent(), /query cache hit/);
  assert.match(await stale.getByTestId('step-answer').textContent(), /apple price 1/);
  await stale.getByTestId('stale-flag').waitFor();
  const steps = log.locator('[data-testid=experiment-step]');
  assert.match(await steps.last().getByTestId('step-answer').textContent(), /apple price 5/);
  assert.equal(await log.locator('[data-testid=experiment-step][data-met=false]').count(), 0);
  // The experiment pressed play and paused again at its end.
  assert.equal(await page.getByTestId('play-toggle').getAttribute('aria-pressed'), 'false');

  // The query cache still holds the old result set; the item cache has the new price.
  const query = page.locator('[data-testid=cache-entry][data-cache=query]');
  await query.first().waitFor();
  assert.match(await query.first().getByTestId('entry-answer').textContent(), /apple price 1/);
  const items = await page.locator('[data-testid=cache-entry][data-cache=item]').allTextContents();
  assert.ok(items.some((row) => /apple price 5/.test(row)), items.join('\n'));

  const dir = await ensureOutputDir();
  await page.screenshot({ path: join(dir, 'dax-light.png'), fullPage: true });
  await page.getByTestId('theme-toggle').click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  await page.screenshot({ path: join(dir, 'dax-dark.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('every guided experiment reaches its conclusion with one click', async () => {
  const { context, page, problems } = await openDax();
  // Ten times real time: the TTL experiment waits out a 5-second TTL.
  await page.getByTestId('speed').fill('1');

  const bypass = await runExperiment(page, 'bypass-staleness');
  assert.equal(await page.getByTestId('experiment-verdict').getAttribute('data-ok'), 'true');
  const bypassStale = bypass.locator('[data-testid=experiment-step][data-stale=true]');
  assert.equal(await bypassStale.count(), 1);
  assert.match(await bypassStale.getByTestId('step-answer').textContent(), /book price 10/);
  assert.match(await bypass.locator('[data-testid=experiment-step]').last().textContent(), /book price 12/);

  const negative = await runExperiment(page, 'negative-cache');
  assert.equal(await page.getByTestId('experiment-verdict').getAttribute('data-ok'), 'true');
  const negativeStale = negative.locator('[data-testid=experiment-step][data-stale=true]');
  assert.match(await negativeStale.getByTestId('step-answer').textContent(), /no item/);

  const ttl = await runExperiment(page, 'ttl-expiry');
  assert.equal(await page.getByTestId('experiment-verdict').getAttribute('data-ok'), 'true');
  const ttlSteps = ttl.locator('[data-testid=experiment-step]');
  assert.match(await ttlSteps.nth(5).textContent(), /item cache miss/);
  assert.match(await ttlSteps.nth(5).getByTestId('step-answer').textContent(), /version 2/);
  assert.match(await page.getByTestId('dax-item-stats').textContent(), /[1-9]\d* expired/);

  const strong = await runExperiment(page, 'strong-read');
  assert.equal(await page.getByTestId('experiment-verdict').getAttribute('data-ok'), 'true');
  const strongSteps = strong.locator('[data-testid=experiment-step]');
  assert.match(await strongSteps.nth(4).textContent(), /strongly consistent read → DynamoDB, not cached/);
  assert.equal(await strongSteps.nth(4).getAttribute('data-stale'), 'false');
  assert.equal(await strongSteps.nth(5).getAttribute('data-stale'), 'true');

  await page.getByTestId('latency-empty').waitFor();
  await runExperiment(page, 'read-heavy');
  assert.equal(await page.getByTestId('experiment-verdict').getAttribute('data-ok'), 'true');
  await page.getByTestId('latency-chart').waitFor();
  const speedup = Number(await page.getByTestId('speedup').getAttribute('data-speedup'));
  assert.ok(speedup > 5, `reads through DAX are much faster: ${speedup}×`);
  assert.match(await page.getByTestId('latency-dax').textContent(), /µs/);
  assert.match(await page.getByTestId('latency-direct').textContent(), /ms/);
  assert.ok(await page.locator('.lat-dax').count() > 3, 'DAX bars are drawn');
  assert.ok(await page.locator('.lat-direct').count() > 3, 'direct bars are drawn');
  const dir = await ensureOutputDir();
  await page.getByTestId('latency-chart').screenshot({ path: join(dir, 'dax-latency.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('clusters are created, resized, re-timed, failed and deleted from the view', async () => {
  const { context, page, problems } = await openDax();
  await page.getByTestId('cluster-name').fill('Bad--name');
  await page.getByTestId('create-cluster-problem').waitFor();
  assert.equal(await page.getByTestId('create-cluster-submit').isDisabled(), true);

  await page.getByTestId('cluster-name').fill('shop');
  await page.getByTestId('create-nodes').fill('2');
  await page.getByTestId('create-node-type').selectOption('dax.t3.small');
  await page.getByTestId('create-ttl-query').fill('0');
  await page.getByTestId('create-cluster-submit').click();
  await page.locator('[data-testid=dax-cluster][data-cluster=shop]').waitFor();
  assert.match(await page.getByTestId('dax-control-result').textContent(), /Created shop with 2 dax\.t3\.small nodes/);
  assert.match(await page.getByTestId('dax-cluster').textContent(), /query cache TTL 0 \(results not cached\)/);

  // A second cluster of the same name is refused by the form.
  await page.getByTestId('cluster-name').fill('shop');
  assert.match(await page.getByTestId('create-cluster-problem').textContent(), /already a cluster named shop/);

  await page.getByTestId('ttl-record').fill('60000');
  await page.getByTestId('ttl-apply').click();
  await page.waitForFunction(() => /Item cache TTL 1 min/.test(document.querySelector('[data-testid=dax-cluster]').textContent));

  await page.getByTestId('cluster-nodes').fill('3');
  await page.getByTestId('nodes-apply').click();
  await page.getByTestId('node-shop-c').waitFor();
  assert.equal(await page.getByTestId('node-shop-c').getAttribute('data-status'), 'creating');

  await page.getByTestId('fail-shop-a').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=node-shop-a]').dataset.status === 'failed');
  assert.equal(await page.getByTestId('node-shop-b').getAttribute('data-role'), 'primary', 'a replica took over');
  assert.match(await page.getByTestId('dax-control-result').textContent(), /shop-a failed/);

  await page.getByTestId('delete-cluster').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=cluster-status]').textContent === 'deleting');
  // Half a minute later it is gone.
  await page.getByTestId('speed').fill('2');
  await page.getByTestId('play-toggle').click();
  await page.getByTestId('no-cluster').waitFor({ timeout: 10_000 });
  await page.getByTestId('play-toggle').click();
  assert.deepEqual(problems, []);
  await context.close();
});

test('scripts drive DAX through window.dynaplay.dax, and the view shows what they did', async () => {
  const { context, page, problems } = await openDax();
  const table = {
    TableName: 'Scripted', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  };
  const created = await page.evaluate(async (table) => {
    await dynaplay.execute('CreateTable', table);
    await dynaplay.execute('PutItem', { TableName: 'Scripted', Item: { pk: { S: 'a' }, v: { N: '1' } } });
    return dynaplay.dax.control('CreateCluster', {
      ClusterName: 'scripted', NodeType: 'dax.t3.small', ReplicationFactor: 2,
      IamRoleArn: 'arn:aws:iam::123456789012:role/DAX',
    });
  }, table);
  assert.equal(created.Cluster.Status, 'creating');
  await page.locator('[data-testid=dax-cluster][data-cluster=scripted]').waitFor();
  assert.equal(await page.getByTestId('node-scripted-a').getAttribute('data-status'), 'creating');

  // Faults are DAX's own; the front door is DynamoDB's.
  const faults = await page.evaluate(async () => {
    const caught = async (p) => p.then(() => null, (e) => e.__type);
    return [
      await caught(dynaplay.dax.control('DescribeClusters', { ClusterNames: ['nope'] })),
      await caught(dynaplay.dax.control('Nope', {})),
      await caught(dynaplay.dax.execute('scripted', 'Nope', {})),
      await caught(dynaplay.advance(-1)),
    ];
  });
  assert.deepEqual(faults, [
    'ClusterNotFoundFault',
    'com.amazon.coral.service#UnknownOperationException',
    'com.amazon.coral.service#UnknownOperationException',
    'ValidationException',
  ]);

  // A minute and a bit of simulated time later the nodes are up.
  const now = await page.evaluate(() => dynaplay.advance(61_000));
  assert.equal(now, 61_000_000);
  await page.waitForFunction(() => document.querySelector('[data-testid=node-scripted-a]')?.dataset.status === 'available');

  const explained = await page.evaluate(async () => {
    const get = { TableName: 'Scripted', Key: { pk: { S: 'a' } } };
    const first = await dynaplay.dax.explain('scripted', 'GetItem', get);
    await dynaplay.advance(1000);
    const second = await dynaplay.dax.execute('scripted', 'GetItem', get);
    const third = await dynaplay.dax.explain('scripted', 'GetItem', get);
    return { first, second, third, snapshot: dynaplay.dax.snapshot() };
  });
  assert.equal(explained.first.dax.touches[0].touch, 'Miss');
  assert.equal(explained.first.dax.dynamodb, true);
  assert.deepEqual(explained.second.Item.v, { N: '1' });
  assert.equal(explained.third.dax.touches[0].touch, 'Hit');
  assert.equal(explained.third.dax.dynamodb, false);
  const cluster = explained.snapshot.clusters.find((c) => c.name === 'scripted');
  assert.ok(cluster, 'the snapshot lists the scripted cluster');
  // The view counts what the script did.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=dax-hits]')?.textContent) >= 1);
  assert.deepEqual(problems, []);
  await context.close();
});
