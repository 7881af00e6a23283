// The app shell in a real headless Chromium: it loads cleanly from a sub-path, every view is
// reachable, simulated time obeys play/pause/step, the theme toggles and `?` shows help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sharedSite, openPage, ensureOutputDir, simMicros } from './harness.mjs';

const VIEWS = ['Tables', 'Console', 'Partitions', 'Consistency', 'DAX', 'EMR', 'Lessons'];
const STEP_MICROS = 100_000;

// A sub-path, as on a documentation site: relative asset URLs must still resolve.
const shared = sharedSite('/docs/playground/');

test('loads from a sub-path with no console errors and no third-party requests', async () => {
  const { context, page, problems } = await openPage(shared.browser, shared.site.url);
  await page.getByTestId('view-title').waitFor();
  assert.equal(await page.title(), 'Dynaplay');
  const dir = await ensureOutputDir();
  await page.screenshot({ path: join(dir, 'shell.png'), fullPage: true });
  assert.deepEqual(problems, []);
  assert.ok(shared.site.requests.some((r) => r.endsWith('.wasm')), 'the wasm module was fetched');
  await context.close();
});

test('every navigation link opens its view', async () => {
  const { context, page, problems } = await openPage(shared.browser, shared.site.url);
  const nav = page.getByRole('navigation', { name: 'Views' });
  for (const name of VIEWS) {
    await nav.getByRole('link', { name, exact: true }).click();
    await page.waitForFunction(
      (title) => document.querySelector('[data-testid=view-title]')?.textContent === title,
      name,
    );
    const current = await nav.getByRole('link', { name, exact: true }).getAttribute('aria-current');
    assert.equal(current, 'page', `${name} is marked as the current page`);
    assert.match(page.url(), /#\/[a-z]+$/);
  }
  // A link to a view opens that view directly.
  await page.goto(`${shared.site.url}#/emr`);
  await page.waitForFunction(() => document.querySelector('[data-testid=view-title]')?.textContent === 'EMR');
  assert.deepEqual(problems, []);
  await context.close();
});

test('play advances simulated time and pause stops it', async () => {
  const { context, page, problems } = await openPage(shared.browser, shared.site.url);
  assert.equal(await simMicros(page), 0);
  await page.getByTestId('play-toggle').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').dataset.micros) > 200_000);
  await page.getByTestId('play-toggle').click();
  const paused = await simMicros(page);
  await page.waitForTimeout(400);
  assert.equal(await simMicros(page), paused, 'time does not move while paused');
  assert.deepEqual(problems, []);
  await context.close();
});

test('speed scales how fast time passes', async () => {
  const { context, page } = await openPage(shared.browser, shared.site.url);
  await page.getByTestId('speed').fill('2');
  assert.equal(await page.getByTestId('speed-label').textContent(), '100×');
  await page.getByTestId('play-toggle').click();
  const start = Date.now();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').dataset.micros) >= 10_000_000);
  await page.getByTestId('play-toggle').click();
  // Ten simulated seconds at 100× take about 0.1 s of real time, not ten.
  assert.ok(Date.now() - start < 5_000, 'time ran at the chosen speed');
  await context.close();
});

test('step advances exactly one step, by button and by the . key', async () => {
  const { context, page } = await openPage(shared.browser, shared.site.url);
  await page.getByTestId('step').click();
  assert.equal(await simMicros(page), STEP_MICROS);
  await page.locator('body').press('.');
  assert.equal(await simMicros(page), 2 * STEP_MICROS);
  await page.waitForTimeout(200);
  assert.equal(await simMicros(page), 2 * STEP_MICROS, 'stepping does not start playing');
  await context.close();
});

test('space toggles play', async () => {
  const { context, page } = await openPage(shared.browser, shared.site.url);
  await page.locator('body').press(' ');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').dataset.micros) > 0);
  assert.equal(await page.getByTestId('play-toggle').getAttribute('aria-pressed'), 'true');
  await page.locator('body').press(' ');
  assert.equal(await page.getByTestId('play-toggle').getAttribute('aria-pressed'), 'false');
  await context.close();
});

test('the theme follows the system and the toggle flips it, remembered across reloads', async () => {
  const { context, page } = await openPage(shared.browser, shared.site.url, { colorScheme: 'dark' });
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await theme(), 'dark');
  const darkBackground = await background();
  await page.getByTestId('theme-toggle').click();
  assert.equal(await theme(), 'light');
  assert.notEqual(await background(), darkBackground, 'the colours changed');
  await page.reload();
  await page.getByTestId('app').waitFor();
  assert.equal(await theme(), 'light', 'the choice survives a reload');
  await context.close();

  const light = await openPage(shared.browser, shared.site.url, { colorScheme: 'light' });
  assert.equal(await light.page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await light.context.close();
});

test('? opens the shortcut help and Escape closes it', async () => {
  const { context, page } = await openPage(shared.browser, shared.site.url);
  await page.locator('body').press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Play or pause/);
  await page.locator('body').press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await context.close();
});
