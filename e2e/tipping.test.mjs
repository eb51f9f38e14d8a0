// End-to-end: the tipping-point map (issue 15) — computed when it comes into view with progress
// shown, hovering reads a cell, clicking loads that run at the same minute (URL carries both
// parameters, the story stays open), links and embeds open the map with its axes.
// Runs on the release build (dist/) served from a sub-path, in Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, launch, minuteOf, openPage, serveDist } from './helpers.mjs';

const map = (page) => page.locator('[data-testid="tipping-map"]').first();
const progress = async (page) => Number(await map(page).getAttribute('data-progress'));
const waitDone = (page, ms = 90000) =>
  page.waitForFunction(() => Number(document.querySelector('[data-testid="tipping-map"]')?.getAttribute('data-progress')) >= 1, null, { timeout: ms });
/** The page point at the centre of cell (col, row) of an n×n map, rows counted from the bottom. */
const cellPoint = async (page, col, row, n = 13) => {
  const c = await map(page).locator('canvas').boundingBox();
  // The plot's margins in CSS pixels (src/tipping/draw.rs: Layout::new).
  const [left, right, top, bottom] = [62, 10, 10, 40];
  const w = c.width - left - right, h = c.height - top - bottom;
  return { x: c.x + left + (col + 0.5) * w / n, y: c.y + top + (n - 1 - row + 0.5) * h / n };
};

describe('tipping-point map', () => {
  let server, browser;
  before(async () => { server = await serveDist(); browser = await launch(); });
  after(async () => { await browser?.close(); server?.stop(); });

  test('it fills in when scrolled to, with progress, a legend and a caption, and says what 2010 shows', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&autoplay=0`);
    assert.equal(await map(page).count(), 1);
    assert.equal(await progress(page), 0, 'nothing is computed before the map is in view');
    await map(page).scrollIntoViewIfNeeded();
    const seen = new Set();
    const t0 = Date.now();
    while ((await progress(page)) < 1 && Date.now() - t0 < 90000) { seen.add(await progress(page)); await page.waitForTimeout(100); }
    assert.equal(await progress(page), 1);
    assert.ok([...seen].some((p) => p > 0 && p < 1), `progress was shown on the way: ${[...seen]}`);
    const panel = page.locator('#tipping');
    assert.match(await panel.locator('.tipping-caption').textContent(), /tipping point/);
    assert.match(await panel.locator('.tipping-legend').textContent(), /users' hours.*this run.*Dec 2010/s);
    assert.match(await panel.locator('.tipping-status').textContent(), /169 cells × 3 runs of 48 h at city scale \(each cell the mean of its runs\), computed in [\d.]+ s/);
    const finding = await page.locator('[data-testid="tipping-finding"]').textContent();
    assert.match(finding, /December 2010 setting/);
    await page.waitForTimeout(200);
    await panel.screenshot({ path: join(ARTIFACTS, 'tipping-map.png') });
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('hover reads a cell out; a click loads that run at the same minute, the story carries on', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&step=3`);
    // The step plays its moment and holds at its minute.
    await page.waitForFunction(() => document.querySelector('[data-state]')?.dataset.state === 'paused' && document.querySelector('[data-minute]')?.dataset.minute === '285', null, { timeout: 10000 });
    const m0 = await minuteOf(page);
    const story = () => page.locator('.story').getAttribute('data-story-step');
    assert.equal(await story(), '3');
    await map(page).scrollIntoViewIfNeeded();
    await waitDone(page);
    // Column 0 (no buggy clients), row 12 (the most headroom): a run that holds.
    const p = await cellPoint(page, 0, 12);
    await page.mouse.move(p.x, p.y);
    const readout = page.locator('[data-testid="tipping-readout"]');
    await page.waitForFunction(() => /users' hours lost/.test(document.querySelector('[data-testid="tipping-readout"]').textContent));
    assert.match(await readout.textContent(), /Clients on the buggy version 0%.*6\.0×.*at worst \d+% online/);
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction(() => /buggy_share=0(\.0)?(&|$)/.test(location.search) && /capacity_headroom=5(\.0)?(&|$)/.test(location.search), null, { timeout: 5000 });
    const q = new URLSearchParams(new URL(page.url()).search);
    assert.equal(q.get('panel'), 'tipping');
    assert.equal(q.get('tx'), 'buggy_share');
    assert.equal(await minuteOf(page), m0, 'the clock stays where it was');
    assert.equal(await story(), '3', 'the story is still open at its step');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a link opens the map with its axes and outcome; bad values become notices', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=classroom&autoplay=0&panel=tipping&tx=restart_delay_min&ty=buggy_share&tm=trough`);
    assert.equal(await page.locator('[data-testid="tipping-x"]').inputValue(), 'restart_delay_min');
    assert.equal(await page.locator('[data-testid="tipping-y"]').inputValue(), 'buggy_share');
    assert.equal(await page.locator('[data-testid="tipping-outcome"]').inputValue(), 'trough');
    // The link scrolls to the map, so it computes without the reader scrolling.
    await waitDone(page);
    assert.match(await page.locator('.tipping-legend').textContent(), /online at worst/);
    // Changing an axis goes into the address.
    await page.locator('[data-testid="tipping-x"]').selectOption('login_capacity');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('tx') === 'login_capacity');
    assert.deepEqual(page.errors, []);
    await page.close();
    const bad = await openPage(browser, `${server.url}?scenario=dec-2010&scale=classroom&autoplay=0&tx=seed&tm=best`);
    const notes = await bad.locator('.notices').textContent();
    assert.match(notes, /tx: 'seed'/);
    assert.match(notes, /tm: 'best'/);
    await bad.close();
  });

  test('embedded with panel=tipping, the map is in the frame and works there', async () => {
    const page = await openPage(browser, `${server.url}?embed=1&scenario=dec-2010&scale=classroom&panel=tipping`, { width: 640, height: 900 });
    assert.equal(await map(page).count(), 1);
    await map(page).scrollIntoViewIfNeeded();
    await waitDone(page);
    assert.equal(await page.locator('.site-header').count(), 0, 'still chromeless');
    assert.deepEqual(page.errors, []);
    await page.close();
    const plain = await openPage(browser, `${server.url}?embed=1&scenario=dec-2010&scale=classroom`);
    assert.equal(await map(plain).count(), 0, 'a plain embed has no map');
    await plain.close();
  });

  test('after the replay a hint leads to the map', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=classroom&autoplay=0`);
    assert.equal(await page.locator('[data-testid="tipping-hint"]').count(), 0, 'no hint before the outage');
    await page.goto(`${server.url}?scenario=dec-2010&scale=classroom&autoplay=0&t=1800`);
    // A reader clicks once the page is up; the hint also copes with a panel still mounting.
    await page.locator('html[data-parts="mounted"]').waitFor({ state: 'attached', timeout: 20000 });
    const hint = page.locator('[data-testid="tipping-hint"]');
    await hint.waitFor({ state: 'visible', timeout: 10000 });
    await hint.locator('button').click();
    await waitDone(page);
    assert.ok(await map(page).isVisible());
    await page.close();
  });
});
