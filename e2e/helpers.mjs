// Shared helpers for the end-to-end tests: a static server for dist/ under a sub-path,
// Debian's Chromium through playwright-core (never a downloaded browser), canvas pixel stats.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import pngjs from 'pngjs';

export const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
// The release build with the test hooks (`trunk build --release --features test-hooks --dist
// dist-test`, as ./dev test does); STORM_DIST points elsewhere.
export const DIST = resolve(process.env.STORM_DIST ?? join(ROOT, 'dist-test'));
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
export const SUB_PATH = '/blog/demo/';

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

/** Serves dist/ at http://127.0.0.1:PORT/blog/demo/ (proves the build's URLs are relative). */
export async function serveDist() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`no ${DIST}/index.html: build first with \`trunk build --release --features test-hooks --dist dist-test\` (./dev test does)`);
  }
  const root = mkdtempSync(join(tmpdir(), 'storm-e2e-'));
  mkdirSync(join(root, 'blog'));
  symlinkSync(DIST, join(root, 'blog', 'demo'));
  const port = await freePort();
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1'],
    { cwd: root, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}${SUB_PATH}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url)).ok) break; } catch { /* not up yet */ }
    await sleep(100);
  }
  const stop = () => {
    if (server.exitCode === null) process.kill(server.pid);
    rmSync(root, { recursive: true, force: true });
  };
  return { url, stop };
}

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** A fresh 1280×800 page (in its own context) with the CPU slowed `rate`× and every long task
 * kept in `window.__long` as [start, duration] (ms from navigation): the bench scripts' set-up. */
export async function throttledPage(browser, rate) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(rate) });
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__long.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: 'longtask', buffered: true });
  });
  return { ctx, page };
}

/** Polls `cond` every 100 ms until it holds; throws naming `what` after `timeout` ms. */
/** The speed check's first frame (`../shared/checks/lib/speed-check.mjs`): the first animation
 * frame after which the map's canvas has a size and the metrics row is on the page. Call before
 * navigating; `firstFrame(page)` then waits for it and gives its time from navigation start. */
export async function markFirstFrame(page) {
  await page.addInitScript(() => {
    window.__first = null;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) => raf((t) => { cb(t); const c = document.querySelector('canvas');
      if (!window.__first && c && c.width > 0 && document.querySelector('[data-minute]')) window.__first = performance.now(); });
  });
}
export async function firstFrame(page, timeout = 60000) {
  await page.waitForFunction(() => window.__first != null, null, { timeout });
  return page.evaluate(() => window.__first);
}

export async function waitFor(cond, what, timeout = 20000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeout) {
    if (await cond()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Opens a page that records console errors, page errors and panics into `page.errors`.
 * A deep link (`t=N`) is caught up in slices, so the page is returned once the clock has
 * reached minute N and the catch-up has finished, as a reader would wait for it; on a
 * loaded 2-core machine that can take a few seconds even at classroom scale.
 */
export async function openPage(browser, url, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error' || /panicked at/.test(m.text())) page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  await page.locator('canvas').first().waitFor({ state: 'visible', timeout: 20000 });
  // The page mounts a part a frame (src/later.rs): a reader sees the whole of it within a second.
  await page.locator('html[data-parts="mounted"]').waitFor({ state: 'attached', timeout: 20000 });
  const t = /[?&]t=(\d{1,5})(?:&|$)/.exec(url);
  if (t && Number(t[1]) <= 20160) {
    await waitFor(async () => (await minuteOf(page)) >= Number(t[1]) && (await page.locator('.stage-frame.seeking').count()) === 0,
      `the deep link to minute ${t[1]}`, 30000);
  }
  return page;
}

/** Mean and standard deviation of R+G+B over a PNG. */
export function pixelStats(png) {
  const p = pngjs.PNG.sync.read(png);
  let s = 0, s2 = 0;
  const n = p.width * p.height;
  for (let i = 0; i < p.data.length; i += 4) {
    const v = p.data[i] + p.data[i + 1] + p.data[i + 2];
    s += v; s2 += v * v;
  }
  return { mean: s / n, sd: Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2)) };
}

/** Screenshots the canvas until it is not blank (sd > 3); returns the PNG or null. */
export async function waitForDrawnCanvas(page, tries = 100) {
  const canvas = page.locator('canvas').first();
  for (let i = 0; i < tries; i++) {
    const shot = await canvas.screenshot();
    if (pixelStats(shot).sd > 3) return shot;
    await sleep(100);
  }
  return null;
}

export const minuteOf = async (page) => Number(await page.locator('[data-minute]').first().getAttribute('data-minute'));
export const stateOf = (page) => page.locator('[data-state]').first().getAttribute('data-state');

/** Waits (up to 10 s) for the clock to show `minute`: a seek lands in a slice of its own once
 * the page has other work (its parts mounting, a busy machine). */
export const minuteBecomes = (page, minute, what = `the clock to reach minute ${minute}`) =>
  waitFor(async () => (await minuteOf(page)) === minute, what, 10000);
