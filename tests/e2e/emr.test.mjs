// The EMR view in a real headless Chromium: create a cluster, upload a text file, run word
// count on it and read the output table and the Gantt chart; kill a core node mid-job and
// see its tasks re-run; run one of the MapReduce paper's experiments to the end and compare
// it with the paper; read a DynamoDB table through the connector and find its Scan pages
// on the Partitions view; export the job for a real EMR cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { sharedSite, openPage, ensureOutputDir } from './harness.mjs';

const shared = sharedSite('/');

async function openEmr(options = {}) {
  const opened = await openPage(shared.browser, `${shared.site.url}#/emr`, { viewport: { width: 1360, height: 900 }, ...options });
  await opened.page.getByTestId('emr-view').waitFor();
  return opened;
}

/** Word counts as Hadoop's WordCount makes them: whitespace-separated, case kept. */
function countWords(text) {
  const counts = new Map();
  for (const w of text.split(/[ \t\n\r\f]+/).filter(Boolean)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

/** A text of `lines` lines whose word frequencies differ (alpha most, theta least). */
function makeText(lines) {
  const out = [];
  for (let i = 0; i < lines; i++) {
    const line = [];
    for (let j = 0; j < WORDS.length; j++) if ((i + j) % (j + 1) === 0) line.push(WORDS[j]);
    line.push(`w${i % 17}`);
    out.push(line.join(' '));
  }
  return out.join('\n') + '\n';
}

async function createCluster(page, { core = 4, task = 2 } = {}) {
  await page.getByTestId('emr-core-count').fill(String(core));
  await page.getByTestId('emr-task-count').fill(String(task));
  await page.getByTestId('emr-create').click();
  await page.getByTestId('emr-cluster-facts').waitFor();
  assert.equal(await page.getByTestId('emr-cluster-state').textContent(), 'WAITING');
}

async function upload(page, name, text) {
  await page.getByTestId('emr-source-upload').check();
  await page.getByTestId('emr-upload').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=emr-upload-status]')?.textContent.startsWith(n),
    name,
  );
}

/** Plays the shared clock at 10^exponent × until the job is in `state`, then pauses. */
async function playUntil(page, state, exponent = 1, timeout = 60_000) {
  await page.getByTestId('speed').fill(String(exponent));
  if ((await page.getByTestId('play-toggle').getAttribute('aria-pressed')) === 'false') {
    await page.getByTestId('play-toggle').click();
  }
  await page.waitForFunction(
    (s) => document.querySelector('[data-testid=emr-job]')?.dataset.state === s,
    state,
    { timeout },
  );
  await page.getByTestId('play-toggle').click();
}

/** How many pixels of a canvas have one of `colours` (hex, light and dark). */
async function pixelsOf(page, testid, colours) {
  return page.evaluate(({ testid, colours }) => {
    const canvas = document.querySelector(`[data-testid=${testid}]`);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const wanted = colours.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (wanted.some(([r, g, b]) => data[i] === r && data[i + 1] === g && data[i + 2] === b)) n++;
    }
    return n;
  }, { testid, colours });
}

const MAP = ['#3b6fe0', '#6c9bff'];
const REDUCE = ['#2f9e44', '#5cd674'];
const KILLED = ['#a5adba', '#6b7485'];

/** The output table as a Map from key to value. */
async function outputRows(page) {
  const rows = await page.getByTestId('emr-output-table').locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.dataset.key, tr.querySelector('[data-testid=emr-output-value]').textContent]));
  return new Map(rows);
}

test('word count on an uploaded file: the output table and the Gantt chart', async () => {
  const { context, page, problems } = await openEmr();
  assert.equal(await page.getByTestId('emr-empty').count(), 1, 'no cluster yet');
  await createCluster(page);
  // Four core nodes: two HDFS replicas (EMR's rule), one primary, two Spot task nodes.
  assert.equal(await page.getByTestId('emr-cluster-map').getAttribute('data-nodes'), '7');
  const text = makeText(300);
  await upload(page, 'words.txt', text);
  await page.getByTestId('emr-job-kind').selectOption('wordcount');
  await page.getByTestId('emr-run').click();
  assert.match(await page.getByTestId('emr-notice').textContent(), /^Step s-1 added: \/input\/words\.txt → \/output\/wordcount-1/);
  // Written into HDFS as 1 KiB blocks, each on two core nodes.
  const blocks = Math.ceil(Buffer.byteLength(text) / 1024);
  assert.equal(Number(await page.getByTestId('emr-cluster-map').getAttribute('data-blocks')), blocks * 2);

  await playUntil(page, 'SUCCEEDED');
  const expected = countWords(text);
  const maps = Number(await page.getByTestId('emr-dag-map').getAttribute('data-total'));
  assert.ok(maps >= blocks - 1 && maps <= blocks, `one map per split: ${maps} for ${blocks} blocks`);
  assert.equal(await page.getByTestId('emr-dag-map').getAttribute('data-done'), String(maps));
  assert.equal(await page.getByTestId('emr-dag-reduce').getAttribute('data-done'), '2');

  // The output, read back from HDFS: every word with its true count.
  const output = page.getByTestId('emr-output');
  await output.waitFor();
  assert.equal(await output.getAttribute('data-rows'), String(expected.size));
  await page.getByTestId('emr-output-order').selectOption('value');
  const rows = await outputRows(page);
  for (const [word, n] of expected) assert.equal(rows.get(word), String(n), `count of ${word}`);
  const first = await page.getByTestId('emr-output-table').locator('tbody tr').first().getAttribute('data-key');
  assert.equal(first, 'alpha', 'largest count first');

  // The Gantt: every attempt, maps in blue and reduces in green on the canvas.
  const gantt = page.getByTestId('emr-gantt');
  assert.ok(Number(await gantt.getAttribute('data-attempts')) >= maps + 2);
  assert.equal(await gantt.getAttribute('data-failed'), '0');
  assert.ok((await pixelsOf(page, 'emr-gantt', MAP)) > 500, 'map bars drawn');
  assert.ok((await pixelsOf(page, 'emr-gantt', REDUCE)) > 20, 'reduce bars drawn');
  const counters = page.getByTestId('emr-counters');
  const words = [...expected.values()].reduce((a, b) => a + b, 0);
  assert.equal(await counters.locator('[data-counter=MAP_OUTPUT_RECORDS] dd').textContent(), words.toLocaleString('en-US'));
  assert.equal(await counters.locator('[data-counter=REDUCE_OUTPUT_RECORDS] dd').textContent(), String(expected.size));
  assert.ok(Number(await page.getByTestId('emr-rates').getAttribute('data-peak-input')) > 0, 'input rate drawn');

  // Scripts on the page read the same cluster, from the world, through window.dynaplay.emr.
  const seen = await page.evaluate(() => {
    const listed = dynaplay.emr.clusters();
    const snapshot = dynaplay.emr.snapshot(listed[0].id);
    return { listed, nodes: snapshot.nodes.length, job: snapshot.jobs.at(-1), none: dynaplay.emr.snapshot('j-nope') };
  });
  assert.equal(seen.listed.length, 1);
  assert.equal(seen.nodes, 7);
  assert.equal(seen.job.summary.state, 'SUCCEEDED');
  assert.equal(seen.job.counters.REDUCE_OUTPUT_RECORDS, expected.size);
  assert.equal(seen.none, null);

  const dir = await ensureOutputDir();
  await page.screenshot({ path: join(dir, 'emr.png'), fullPage: true });
  await page.getByTestId('theme-toggle').click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  await page.waitForTimeout(100);
  await page.screenshot({ path: join(dir, 'emr-dark.png'), fullPage: true });
  assert.ok((await pixelsOf(page, 'emr-gantt', [MAP[1]])) > 500, 'redrawn in the dark theme');
  assert.deepEqual(problems, []);
  await context.close();
});

test('killing a core node mid-job re-runs its tasks and the output is still right', async () => {
  const { context, page, problems } = await openEmr();
  await createCluster(page);
  const text = makeText(1600);
  await upload(page, 'big.txt', text);
  // Without backup tasks, the lost node's attempts wait for YARN to notice (30 s).
  await page.getByTestId('emr-speculative').uncheck();
  await page.getByTestId('emr-run').click();
  await page.getByTestId('speed').fill('0');
  await page.getByTestId('play-toggle').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=emr-dag-map]')?.dataset.done) >= 16);
  await page.getByTestId('play-toggle').click();
  const total = Number(await page.getByTestId('emr-dag-map').getAttribute('data-total'));
  assert.ok(Number(await page.getByTestId('emr-dag-map').getAttribute('data-done')) < total, 'still in the map phase');

  await page.getByTestId('emr-node').selectOption('core-1');
  await page.getByTestId('emr-kill-node').click();
  assert.match(await page.getByTestId('emr-notice').textContent(), /^core-1 lost\. YARN notices after 30 s/);
  assert.equal(await page.getByTestId('emr-cluster-map').getAttribute('data-up'), '6');

  await playUntil(page, 'SUCCEEDED', 1);
  const gantt = page.getByTestId('emr-gantt');
  assert.ok(Number(await gantt.getAttribute('data-killed')) > 0, 'attempts on the lost node were killed');
  assert.ok(Number(await gantt.getAttribute('data-reruns')) > 0, 'its tasks ran again elsewhere');
  assert.ok((await pixelsOf(page, 'emr-gantt', KILLED)) > 0, 'killed attempts drawn grey');
  const rows = await outputRows(page);
  await page.getByTestId('emr-output-order').selectOption('value');
  const expected = countWords(text);
  const all = await outputRows(page);
  for (const word of WORDS) assert.equal(all.get(word), String(expected.get(word)), `count of ${word} despite the failure`);
  assert.ok(rows.size > 0);
  // The counters say the same: killed maps, and more maps launched than there are splits.
  const launched = await page.getByTestId('emr-counters').locator('[data-counter=TOTAL_LAUNCHED_MAPS] dd').textContent();
  assert.ok(Number(launched.replace(/,/g, '')) > total, `${launched} launched for ${total} maps`);

  const dir = await ensureOutputDir();
  await page.screenshot({ path: join(dir, 'emr-killed.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the paper sort runs to the end with two shuffle humps, beside the paper', async () => {
  const { context, page, problems } = await openEmr();
  await page.getByTestId('emr-paper-sort').click();
  assert.equal(await page.getByTestId('emr-cluster-map').getAttribute('data-nodes'), '1747');
  // Run ahead of the clock; frames keep coming while the simulation works in slices and
  // the Gantt redraws its thousands of attempts.
  await page.getByTestId('emr-run-to-end').click();
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const times = [];
    const tick = (t) => {
      times.push(t);
      if (times.length < 90) requestAnimationFrame(tick); else resolve(times);
    };
    requestAnimationFrame(tick);
  }));
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)];
  console.log(`paper sort running ahead: median frame ${median.toFixed(1)} ms, p90 ${gaps[Math.floor(gaps.length * 0.9)].toFixed(1)} ms`);
  assert.ok(median < 100, `frames keep coming: median ${median} ms`);
  await page.waitForFunction(() => document.querySelector('[data-testid=emr-paper-results]')?.dataset.finished === 'true',
    null, { timeout: 120_000 });
  assert.equal(await page.getByTestId('emr-job').getAttribute('data-state'), 'SUCCEEDED');
  // The world's clock was brought to the job's end.
  const clock = Number(await page.getByTestId('sim-time').getAttribute('data-micros')) / 1e6;
  assert.ok(clock > 700, `the clock moved to the end: ${clock} s`);
  const rows = await page.getByTestId('emr-compare-row').evaluateAll((trs) =>
    Object.fromEntries(trs.map((tr) => [tr.cells[0].textContent, [tr.cells[1].textContent, tr.cells[2].textContent]])));
  assert.equal(rows.Elapsed[0], '891 s');
  const seconds = Number(rows.Elapsed[1].split(' ')[0]);
  assert.ok(seconds > 700 && seconds < 1100, `elapsed ${seconds} s near the paper's 891 s`);
  assert.equal(rows['Shuffle humps'][1], '2');
  const attempts = Number(await page.getByTestId('emr-gantt').getAttribute('data-attempts'));
  assert.ok(attempts >= 19_000, `${attempts} attempts drawn`);
  assert.ok((await pixelsOf(page, 'emr-gantt', MAP)) > 10_000);
  // Redrawing the finished chart is quick.
  const redraw = await page.evaluate(async () => {
    const start = performance.now();
    for (let i = 0; i < 5; i++) await new Promise((r) => requestAnimationFrame(r));
    return (performance.now() - start) / 5;
  });
  assert.ok(redraw < 100, `idle frames: ${redraw} ms`);
  const dir = await ensureOutputDir();
  await page.screenshot({ path: join(dir, 'emr-paper-sort.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a DynamoDB table as input: grouped and summed through the connector', async () => {
  const { context, page, problems } = await openEmr();
  await page.evaluate(async () => {
    await window.dynaplay.execute('CreateTable', {
      TableName: 'Scores',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      ProvisionedThroughput: { ReadCapacityUnits: 400, WriteCapacityUnits: 50 },
    });
    const teams = ['red', 'blue', 'green'];
    for (let i = 0; i < 60; i++) {
      await window.dynaplay.execute('PutItem', {
        TableName: 'Scores',
        Item: { id: { S: `p${i}` }, team: { S: teams[i % 3] }, score: { N: String(i) } },
      });
    }
  });
  await createCluster(page, { core: 2, task: 0 });
  await page.getByTestId('emr-source-table').check();
  await page.getByTestId('emr-table').selectOption('Scores');
  await page.getByTestId('emr-job-kind').selectOption('groupby');
  await page.getByTestId('emr-group-by').fill('team');
  await page.getByTestId('emr-aggregate').selectOption('sum');
  await page.getByTestId('emr-aggregate-of').fill('score');
  await page.getByTestId('emr-run').click();
  assert.match(await page.getByTestId('emr-notice').textContent(), /^Step s-1 added: table Scores →/);
  await playUntil(page, 'SUCCEEDED');
  const rows = await outputRows(page);
  const sum = (r) => Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 === r).reduce((a, b) => a + b, 0);
  assert.deepEqual(Object.fromEntries(rows), {
    blue: `sum(score)=${sum(1)}`,
    green: `sum(score)=${sum(2)}`,
    red: `sum(score)=${sum(0)}`,
  });
  // 400 RCU at half: 200 units a second, so the connector runs two mappers.
  assert.equal(await page.getByTestId('emr-dag-map').getAttribute('data-total'), '2');

  // The mappers read the live table with Scan pages through the page's own DynamoDB: the
  // job's counters say what that cost the table...
  const counter = async (name) => Number((await page.getByTestId('emr-counters')
    .locator(`[data-counter=${name}] dd`).textContent()).replace(/,/g, ''));
  const scans = await counter('DYNAMODB_SCANS');
  assert.ok(scans >= 2, `one Scan page or more per mapper: ${scans}`);
  assert.ok(await counter('DYNAMODB_READ_UNITS') > 0);
  assert.equal(await counter('DYNAMODB_THROTTLED_SCANS'), 0, 'no throttling unless realism asks for it');
  // ...and the Partitions view shows those reads on the table's partitions (nothing else
  // has read the table: it was only written).
  await page.evaluate(() => { window.location.hash = '#/partitions'; });
  await page.getByTestId('partitions-view').waitFor();
  await page.getByTestId('partitions-table').selectOption('Scores');
  const cards = page.locator('[data-testid^="partition-card-"]');
  await cards.first().waitFor();
  const served = await cards.evaluateAll((els) => els.reduce((n, e) => n + Number(e.dataset.readsServed), 0));
  assert.equal(served, scans, 'every read the table served was one of the job\'s Scan pages');
  assert.deepEqual(problems, []);
  await context.close();
});

/** Runs exported Streaming scripts the way Hadoop Streaming does, with a combiner. */
function streamLocally(dir, files, input) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'input.txt'), input);
  const run = spawnSync('sh', ['-c',
    'python3 mapper.py < input.txt | LC_ALL=C sort | python3 reducer.py combine | LC_ALL=C sort | python3 reducer.py'],
  { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return new Map(run.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')));
}

/** Every row of the output table, expanding it as far as it goes. */
async function allRows(page) {
  while (await page.getByTestId('emr-more-rows').count()) await page.getByTestId('emr-more-rows').click();
  return outputRows(page);
}

test('export writes the job for a real EMR cluster, and the scripts compute the same output', async () => {
  const { context, page, problems } = await openEmr();
  await createCluster(page, { core: 3, task: 1 });
  const text = makeText(120) + 'Alpha ALPHA alpha, gamma.\n';
  await upload(page, 'notes.txt', text);
  await page.getByTestId('emr-export').click();
  const run = await page.getByTestId('emr-export-run-sh').textContent();
  assert.match(run, /aws emr create-cluster/);
  assert.match(run, /InstanceGroupType=CORE,InstanceCount=3,InstanceType=m5\.xlarge/);
  assert.match(run, /InstanceGroupType=TASK,InstanceCount=1,InstanceType=m5\.xlarge,BidPrice=OnDemandPrice/);
  assert.match(run, /aws s3 cp 'notes\.txt' "\$BUCKET\/input\/notes\.txt"/);
  assert.match(run, /aws emr add-steps --cluster-id "\$CLUSTER_ID" --steps file:\/\/steps\.json/);
  const steps = JSON.parse(await page.getByTestId('emr-export-steps-json').textContent());
  assert.equal(steps[0].Type, 'STREAMING');
  assert.ok(steps[0].Args.includes('-mapper') && steps[0].Args.includes('reducer.py combine'));

  // The exported word count, run as Streaming would, counts what the simulation counted.
  const dir = mkdtempSync(join(tmpdir(), 'dynaplay-emr-'));
  const files = async () => ({
    'mapper.py': await page.getByTestId('emr-export-mapper-py').textContent(),
    'reducer.py': await page.getByTestId('emr-export-reducer-py').textContent(),
  });
  const local = streamLocally(dir, await files(), text);
  assert.deepEqual(Object.fromEntries(local), Object.fromEntries([...countWords(text)].map(([w, n]) => [w, String(n)])));

  // A job written in the job language: the simulation's output and the exported Python's agree.
  await page.getByTestId('emr-job-kind').selectOption('script');
  await page.getByTestId('emr-run').click();
  await playUntil(page, 'SUCCEEDED');
  const simulated = await allRows(page);
  assert.ok(simulated.get('alpha') > 0, 'longer words, lower-cased');
  const translated = streamLocally(dir, await files(), text);
  assert.deepEqual(Object.fromEntries(translated), Object.fromEntries(simulated));

  await page.getByTestId('emr-export-format').selectOption('pyspark');
  await page.getByTestId('emr-export-job-py').waitFor({ state: 'attached' });
  const job = await page.getByTestId('emr-export-job-py').textContent();
  assert.match(job, /groupByKey\(2\)/);
  writeFileSync(join(dir, 'job.py'), job);
  const compiled = spawnSync('python3', ['-m', 'py_compile', 'job.py'], { cwd: dir, encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stderr);
  assert.equal(JSON.parse(await page.getByTestId('emr-export-steps-json').textContent())[0].Type, 'Spark');
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(problems, []);
  await context.close();
});
