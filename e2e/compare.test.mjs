// End-to-end: the same fault on two overlay designs side by side (issue 16) — two maps on one
// clock, charts overlaying both runs, an event log per half, the picker, and a design that
// cannot run the scenario saying why. Runs on the release build served from a sub-path.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, launch, minuteOf, openPage, serveDist } from './helpers.mjs';

const view = (page) => page.locator('[data-testid="compare-view"]');
/** The minute each half's map last drew. */
const drawn = (page) => view(page).locator('canvas').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-drawn-minute'))));
const both = (page, m, ms = 30000) => page.waitForFunction((m) => {
  const cs = [...document.querySelectorAll('[data-testid="compare-view"] canvas')];
  return cs.length === 2 && cs.every((c) => Number(c.getAttribute('data-drawn-minute')) === m);
}, m, { timeout: ms });

describe('compare view', () => {
  let server, browser;
  before(async () => { server = await serveDist(); browser = await launch(); });
  after(async () => { await browser?.close(); server?.stop(); });

  test('two maps on one clock, the charts overlay both runs, a log per half', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&compare=dedicated-2012&t=400&autoplay=0`);
    await view(page).waitFor({ state: 'visible', timeout: 20000 });
    assert.equal(await view(page).locator('canvas').count(), 2);
    assert.deepEqual(await view(page).locator('.compare-half').evaluateAll((h) => h.map((x) => x.dataset.design)), ['skype-2010', 'dedicated-2012']);
    await both(page, 400);
    // One clock: a step moves both maps.
    await page.locator('[data-testid="step"]').click();
    await both(page, 401);
    assert.equal(await minuteOf(page), 401);
    // The charts carry both runs, labelled: at 401 the 2010 overlay is far down, 2012's is not.
    const value = async (id) => Number(await page.locator(`[data-testid="${id}"]`).getAttribute('data-value'));
    const [a, b] = [await value('compare-online-a'), await value('compare-online-b')];
    assert.ok(a < 0.6 && b > 0.8, `online share at minute 401: skype-2010 ${a}, dedicated-2012 ${b}`);
    assert.equal(await page.locator('.compare-chart canvas').count(), 2);
    assert.equal(await page.locator('[data-testid="event-log"]').count(), 2);
    assert.match(await page.locator('.compare-logs').textContent(), /dedicated-2012/);
    assert.match(page.url(), /compare=dedicated-2012/, 'the view is linkable');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'compare-view.png'), fullPage: false });
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the picker offers the other designs and opens the comparison', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&autoplay=0`);
    assert.equal(await view(page).count(), 0);
    const select = page.locator('[data-testid="compare-select"]');
    await select.scrollIntoViewIfNeeded();
    const options = await select.locator('option').evaluateAll((o) => o.map((x) => x.value));
    assert.deepEqual(options, ['none', 'dedicated-2012', 'central', 'dht']);
    await Promise.all([page.waitForURL(/compare=dht/), select.selectOption('dht')]);
    await view(page).waitFor({ state: 'visible', timeout: 20000 });
    assert.match(await view(page).textContent(), /every online peer routes/);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a design that cannot run the scenario says why', async () => {
    const page = await openPage(browser, `${server.url}?scenario=aug-2007&scale=city&compare=dht&autoplay=0`);
    await view(page).waitFor({ state: 'visible', timeout: 20000 });
    assert.match(await page.locator('.compare-problem').textContent(), /aug-2007/);
    assert.equal(await view(page).locator('canvas').count(), 1);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
