// End-to-end: the outage view (issue 4) in the release build, in Debian's headless Chromium.
// The canvas draws and animates at every scale, failed supernodes rise after the trigger, the
// inspector explains the supernode under the pointer, the charts show the model's own numbers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ARTIFACTS, ROOT, launch, minuteOf, openPage, serveDist, waitFor, waitForDrawnCanvas } from './helpers.mjs';

const canvasAttr = (page, name) => page.locator('canvas.stage').getAttribute(name);
const tid = (page, id) => page.locator(`[data-testid="${id}"]`).first();

/** Waits until the canvas has drawn minute `m` (its test hooks are refreshed then). */
async function drawnAt(page, m, timeout = 20000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeout) {
    if (Number(await canvasAttr(page, 'data-drawn-minute')) === m) return;
    await sleep(100);
  }
  throw new Error(`canvas never drew minute ${m}`);
}

/** The model's series from the native runner (same seed, same scale): series[m - 1] is minute m. */
function modelSeries(scale, hours) {
  const out = execFileSync('cargo', ['run', '-q', '--release', '-p', 'overlay-sim', '--', 'run', '--scenario', 'dec-2010',
    '--set', `scale=${scale}`, '--hours', String(hours), '--format', 'json'], { cwd: ROOT, maxBuffer: 1 << 28, timeout: 600_000 });
  return JSON.parse(out).series;
}

describe('outage view', () => {
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

  for (const scale of ['classroom', 'city', 'real']) {
    test(`${scale}: the canvas is drawn and changes as time advances`, async () => {
      const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=${scale}&t=266&speed=8&autoplay=1`);
      const first = await waitForDrawnCanvas(page);
      assert.ok(first, 'canvas stays blank');
      const m0 = await minuteOf(page);
      await sleep(2000);
      assert.ok((await minuteOf(page)) > m0, 'minute advances while playing');
      const second = await page.locator('canvas.stage').screenshot();
      assert.notDeepEqual(first, second, 'canvas does not change');
      assert.ok(Number(await canvasAttr(page, 'data-drawn')) > 0, 'nothing counted as drawn');
      await page.screenshot({ path: join(ARTIFACTS, `view-${scale}.png`) });
      assert.deepEqual(page.errors, [], 'console errors');
      await page.close();
    });
  }

  test('dec-2010: supernodes drawn as failed rise after the trigger', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&t=260&autoplay=0&speed=16`);
    await drawnAt(page, 260);
    const drawn = Number(await canvasAttr(page, 'data-drawn'));
    const before = Number(await canvasAttr(page, 'data-failed-drawn'));
    assert.ok(drawn > 150, `city draws its supernodes (${drawn})`);
    assert.ok(before < drawn * 0.1, `few failed before the trigger (${before} of ${drawn})`);
    await tid(page, 'play-pause').click();
    await waitFor(async () => (await minuteOf(page)) >= 292, 'minute 292');
    await tid(page, 'play-pause').click();
    const m = await minuteOf(page);
    await drawnAt(page, m);
    const afterCount = Number(await canvasAttr(page, 'data-failed-drawn'));
    assert.ok(afterCount > before + drawn * 0.25, `failed supernodes do not rise: ${before} at 260, ${afterCount} at ${m}`);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('hovering a supernode shows the inspector with its figures', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&t=200&autoplay=0`);
    await drawnAt(page, 200);
    const box = await page.locator('canvas.stage').boundingBox();
    const [x, y, slot] = await Promise.all(['data-probe-x', 'data-probe-y', 'data-probe-slot'].map((a) => canvasAttr(page, a)));
    await page.mouse.move(box.x + Number(x) - 3, box.y + Number(y) - 3);
    await page.mouse.move(box.x + Number(x), box.y + Number(y));
    await tid(page, 'inspector-title').waitFor({ timeout: 5000 });
    assert.equal(await tid(page, 'inspector-title').getAttribute('data-slot'), slot, 'inspects the supernode under the pointer');
    assert.match(await tid(page, 'inspector-title').innerText(), new RegExp(`Supernode #${slot}`));
    assert.ok(Number(await tid(page, 'inspector-attached').getAttribute('data-value')) > 0, 'attached peers');
    assert.ok(Number(await tid(page, 'inspector-capacity').getAttribute('data-value')) > 0, 'capacity');
    assert.ok(Number(await tid(page, 'inspector-load').getAttribute('data-value')) > 0, 'load');
    assert.match(await tid(page, 'inspector-load').innerText(), /×/);
    assert.match(await tid(page, 'inspector-version').innerText(), /5\.0\.0\.152|another version/);
    assert.match(await tid(page, 'inspector-state').innerText(), /serving/);
    // Later, the same supernode explains why it failed (or that it is still serving).
    await page.goto(`${server.url}?scenario=dec-2010&scale=city&t=300&autoplay=0`);
    await drawnAt(page, 300);
    const box2 = await page.locator('canvas.stage').boundingBox();
    await page.mouse.move(box2.x + Number(x) - 3, box2.y + Number(y) - 3);
    await page.mouse.move(box2.x + Number(x), box2.y + Number(y));
    await tid(page, 'inspector-state').waitFor({ timeout: 5000 });
    assert.match(await tid(page, 'inspector-state').innerText(), /serving|crashed on the 5\.0\.0\.152 bug|shut down at .*× its capacity|promoted|offline/);
    await page.close();
  });

  test("the charts' current values equal the model's series at that minute", async () => {
    const series = modelSeries('city', 20);
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&t=300&autoplay=0`);
    for (const t of [300, 1000]) {
      if (t !== 300) await page.goto(`${server.url}?scenario=dec-2010&scale=city&t=${t}&autoplay=0`);
      await waitFor(async () => (await minuteOf(page)) === t, `minute ${t}`);
      const row = series[t - 1];
      assert.equal(row.t_min, t);
      const val = async (id) => Number(await tid(page, id).getAttribute('data-value'));
      assert.equal(await val('chart-online'), row.online_peers, `online at ${t}`);
      assert.equal(await val('chart-expected'), row.expected_peers, `expected at ${t}`);
      assert.equal(await val('chart-supernodes'), row.supernodes_alive, `supernodes at ${t}`);
      assert.equal(await val('chart-megas'), row.mega_supernodes, `megas at ${t}`);
      assert.ok(Math.abs((await val('chart-signalling')) - row.signalling_ratio) <= 1e-9 * Math.max(1, row.signalling_ratio), `signalling at ${t}`);
      assert.ok(Math.abs((await val('chart-giant')) - row.giant_component) <= 1e-9, `giant component at ${t}`);
    }
    assert.ok(series[999].mega_supernodes > 0, 'mega-supernodes are on the chart by minute 1000');
    await page.close();
  });

  test('the event log tells the big moments with the UTC clock; clicking one seeks there', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&t=1100&autoplay=0`);
    const log = tid(page, 'event-log');
    // Below the fold the page skips rendering the log (content-visibility): read it in view.
    await log.scrollIntoViewIfNeeded();
    await waitFor(async () => /mega-supernode wave 1/.test(await log.innerText()), 'the first mega wave in the log');
    const text = await log.innerText();
    assert.match(text, /16:00 UTC — offline-IM servers overloaded/);
    assert.match(text, /first supernode shuts itself down under overload, at \d+/);
    assert.match(text, /half of the user-run supernodes are gone/);
    await log.locator('button', { hasText: 'offline-IM servers overloaded' }).click();
    await waitFor(async () => (await minuteOf(page)) === 240, 'seek to 240');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('zooming in switches the real-scale map from density to shapes; double-click resets', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=real&t=100&autoplay=0`);
    await drawnAt(page, 100);
    assert.equal(await canvasAttr(page, 'data-lod'), 'raster');
    const box = await page.locator('canvas.stage').boundingBox();
    const [x, y] = await Promise.all(['data-probe-x', 'data-probe-y'].map((a) => canvasAttr(page, a)));
    await page.mouse.move(box.x + Number(x), box.y + Number(y));
    for (let i = 0; i < 12; i++) { await page.mouse.wheel(0, -400); await sleep(30); }
    await waitFor(async () => (await canvasAttr(page, 'data-lod')) === 'vector', 'vector shapes when zoomed in');
    assert.ok(Number(await canvasAttr(page, 'data-drawn')) < 2600);
    // Drag pans (the drawn set changes), double-click resets.
    const before = await canvasAttr(page, 'data-probe-slot');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 200, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await sleep(200);
    await page.screenshot({ path: join(ARTIFACTS, 'view-real-zoomed.png') });
    await page.mouse.dblclick(box.x + 20, box.y + box.height - 20);
    await waitFor(async () => (await canvasAttr(page, 'data-lod')) === 'raster', 'raster again after reset');
    assert.ok(before !== null);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('on a very slow CPU the moving overlay thins out while playing, and the map still plays', async () => {
    // 16x: slower than any phone on any machine, so the frames are long wherever this runs.
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=real&t=300&autoplay=0`);
    await drawnAt(page, 300);
    // Paused, frames come at the display's rate: a step shows the overlay in full.
    await sleep(2000);
    await tid(page, 'step').click();
    await drawnAt(page, 301);
    assert.equal(await canvasAttr(page, 'data-detail'), '1.0', 'full detail at the display rate');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 16 });
    await tid(page, 'play-pause').click();
    await waitFor(async () => Number(await canvasAttr(page, 'data-detail')) < 1, 'the overlay thins out', 30000);
    const m0 = await minuteOf(page);
    await waitFor(async () => (await minuteOf(page)) > m0, 'the map still plays', 30000);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('at 360 px the view fits without sideways scroll', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=classroom&t=290&autoplay=0`, { width: 360, height: 800 });
    await drawnAt(page, 290);
    const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: innerWidth }));
    assert.ok(m.scroll <= m.view, `page scrolls sideways (${m.scroll} > ${m.view})`);
    await page.screenshot({ path: join(ARTIFACTS, 'view-360.png'), fullPage: true });
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
