// Shared set-up for the browser tests: a static server for dist/ on a free loopback port
// (optionally under a sub-path, to prove the site works from anywhere), and a headless
// Debian Chromium driven by playwright-core. Nothing here downloads a browser.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { join, extname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const root = fileURLToPath(new URL('../..', import.meta.url));
// DYNAPLAY_DIST points the tests at another build (e.g. `trunk build --dist /tmp/site`).
export const dist = process.env.DYNAPLAY_DIST ?? join(root, 'dist');
export const outputDir = join(root, 'tests', 'output');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves dist/ at http://127.0.0.1:<free port><prefix>. Returns { url, close, requests }. */
export async function serveDist(prefix = '/') {
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(req.url);
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end('outside the site');
      return;
    }
    let rel = path.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    rel = normalize(rel).replace(/^([/\\])+/, '');
    if (rel.startsWith('..')) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(join(dist, rel));
      res.writeHead(200, { 'content-type': types[extname(rel)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * The site and the browser that every test of a file shares: started before the file's
 * first test, stopped after its last. Returns `{ site, browser }`, filled in by then.
 */
export function sharedSite(prefix = '/') {
  const shared = { site: null, browser: null };
  before(async () => {
    shared.site = await serveDist(prefix);
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.site?.close();
  });
  return shared;
}

/** Polls `check` (an async predicate) until it holds, or fails with `what`. */
export async function until(check, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/**
 * Opens the page and collects console errors, page errors and any request that leaves
 * 127.0.0.1 (the site must make no third-party requests).
 */
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    const target = new URL(req.url());
    if (target.protocol.startsWith('http') && target.hostname !== '127.0.0.1') {
      problems.push(`third-party request: ${req.url()}`);
    }
  });
  await page.goto(url);
  await page.getByTestId('app').waitFor();
  return { context, page, problems };
}

export async function ensureOutputDir() {
  await mkdir(outputDir, { recursive: true });
  return outputDir;
}

/** The simulated time the page shows, in microseconds. */
export async function simMicros(page) {
  return Number(await page.getByTestId('sim-time').getAttribute('data-micros'));
}
