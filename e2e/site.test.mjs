// End-to-end: the release build (dist/), served from a sub-path, in Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ARTIFACTS, launch, minuteOf, openPage, serveDist, stateOf, waitForDrawnCanvas } from './helpers.mjs';

describe('release site', () => {
  let server, browser;
  before(async () => {
    server = await serveDist();
    browser = await launch();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('draws the model on the canvas and animates it, with no console error', async () => {
    const page = await openPage(browser, server.url);
    assert.equal(await page.title(), 'Supernode Storm');
    const first = await waitForDrawnCanvas(page);
    assert.ok(first, 'canvas stays blank');
    await sleep(1500);
    const second = await page.locator('canvas').first().screenshot();
    assert.notDeepEqual(first, second, 'canvas does not change over 1.5 s');
    assert.equal(await stateOf(page), 'playing');
    assert.ok((await minuteOf(page)) > 0, 'minute advances');
    await page.screenshot({ path: join(ARTIFACTS, 'site-1280.png') });
    assert.deepEqual(page.errors, [], 'console errors');
    assert.equal(await page.locator('#error-overlay').isVisible(), false, 'error overlay hidden');
    await page.close();
  });

  test('play-pause toggles data-state and stops the clock', async () => {
    const page = await openPage(browser, server.url);
    await page.locator('[data-testid="play-pause"]').click();
    assert.equal(await stateOf(page), 'paused');
    const m = await minuteOf(page);
    await sleep(600);
    assert.equal(await minuteOf(page), m, 'minute moves while paused');
    await page.locator('[data-testid="play-pause"]').click();
    assert.equal(await stateOf(page), 'playing');
    await sleep(600);
    assert.ok((await minuteOf(page)) > m, 'minute does not advance after play');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  for (const width of [360, 1920]) {
    test(`responsive at ${width} px: no sideways scroll, canvas sharp and as wide as its column`, async () => {
      const page = await openPage(browser, server.url, { width, height: 800 });
      assert.ok(await waitForDrawnCanvas(page), 'canvas stays blank');
      const m = await page.evaluate(() => {
        const c = document.querySelector('canvas');
        const side = document.querySelector('.side-col');
        return { scroll: document.documentElement.scrollWidth, view: innerWidth, cw: c.clientWidth,
          w: c.width, h: c.height, ch: c.clientHeight, dpr: devicePixelRatio,
          // Wide screens put the story beside the map (style/presenter.css).
          beside: side && getComputedStyle(side).display !== 'contents' ? side.getBoundingClientRect().width : 0 };
      });
      assert.ok(m.scroll <= m.view, `page scrolls sideways (${m.scroll} > ${m.view})`);
      assert.ok(m.cw + m.beside >= m.view * 0.9, `canvas is not as wide as its column (${m.cw} + ${m.beside} beside it, of ${m.view})`);
      if (width > 1000) assert.ok(m.cw >= m.view * 0.6, `the map is narrow (${m.cw} of ${m.view})`);
      assert.equal(m.w, Math.round(m.cw * m.dpr));
      assert.equal(m.h, Math.round(m.ch * m.dpr));
      await page.screenshot({ path: join(ARTIFACTS, `site-${width}.png`), fullPage: true });
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }

  test('the canvas follows a window resize and the device pixel ratio', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 2 });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.locator('canvas').first().waitFor({ state: 'visible' });
    await page.setViewportSize({ width: 600, height: 700 });
    await sleep(300);
    const m = await page.evaluate(() => { const c = document.querySelector('canvas'); return { w: c.width, cw: c.clientWidth }; });
    assert.ok(m.cw < 600, 'canvas did not shrink');
    assert.equal(m.w, Math.round(m.cw * 2));
    await page.close();
  });

  test('footer cites the sources', async () => {
    const page = await openPage(browser, server.url);
    const footer = await page.locator('footer').innerText();
    for (const who of ['Rabbe', 'Baset', 'Schulzrinne', 'Kortchinsky', 'Rossi']) assert.match(footer, new RegExp(who));
    assert.ok((await page.locator('header h1').innerText()).includes('Supernode Storm'));
    await page.close();
  });
});
