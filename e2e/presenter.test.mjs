// End-to-end: the app in front of a class and inside a blog post. The map and the story stay in
// view together, steps play their moment, presenter keys work after scrubbing, embeds settle at
// a height set by their width and keep their keys, and what-ifs travel in the link.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ARTIFACTS, launch, minuteOf, openPage, serveDist, stateOf } from './helpers.mjs';

const tid = (page, id) => page.locator(`[data-testid="${id}"]`).first();
const until = async (what, ms = 10000) => {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) { if (await what()) return true; await sleep(50); }
  return false;
};
/** Share of an element's box inside the viewport. */
const inView = (loc) => loc.evaluate((el) => {
  const r = el.getBoundingClientRect();
  const x = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
  const y = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
  return r.width * r.height ? (x * y) / (r.width * r.height) : 0;
});
function contrast(a, b) {
  const lum = ([r, g, bl]) => [r, g, bl].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((s, c, i) => s + c * [0.2126, 0.7152, 0.0722][i], 0);
  const [l1, l2] = [lum(a), lum(b)];
  return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
}
const rgb = (s) => (s.match(/[\d.]+/g) || []).slice(0, 3).map(Number);

/** A host page following the README's resize handler around an iframe of `query`. */
async function host(browser, url, width) {
  const page = await browser.newPage({ viewport: { width: width + 80, height: 1000 } });
  await page.setContent(`<html><body style="margin:20px"><h2>A blog post</h2><p>Text before the embed.</p>
    <iframe id="f" src="${url}" width="${width}" height="560" style="border:1px solid #ccc" title="demo"></iframe><p>Text after.</p>
    <script>window.hs=[];addEventListener('message',(e)=>{if(e.data&&e.data.type==='supernode-storm:resize'){document.getElementById('f').height=e.data.height;hs.push(e.data.height);}});</script></body></html>`);
  await page.frameLocator('#f').locator('canvas').first().waitFor({ state: 'visible', timeout: 20000 });
  await page.frameLocator('#f').locator('html[data-parts="mounted"]').waitFor({ state: 'attached', timeout: 20000 });
  return page;
}

describe('presenter', () => {
  let server, browser;
  before(async () => { server = await serveDist(); browser = await launch(); });
  after(async () => { await browser?.close(); server?.stop(); });

  for (const [width, height] of [[1280, 800], [1024, 700]]) {
    test(`${width}×${height}: the map and the step's text are both in view at every step`, async () => {
      const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city`, { width, height });
      for (let i = 0; i < 10; i++) {
        await tid(page, 'story-next').click();
        await sleep(400);
        const map = await inView(page.locator('canvas.stage'));
        const text = await inView(tid(page, 'story-text'));
        assert.ok(map >= 0.6 && text >= 0.6, `step ${i + 1}: map ${(map * 100).toFixed(0)}%, text ${(text * 100).toFixed(0)}% in view`);
      }
      await page.screenshot({ path: join(ARTIFACTS, `presenter-${width}x${height}.png`) });
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }

  test('a step plays its moment, then holds at its minute', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&step=3`);
    // Step 3 (the bug, minute 285) plays on from step 2's minute (270).
    assert.ok(await until(async () => (await stateOf(page)) === 'playing' && (await minuteOf(page)) > 270, 3000), 'the moment plays without pressing play');
    assert.ok(await until(async () => (await stateOf(page)) === 'paused'), 'then holds');
    assert.equal(await minuteOf(page), 285);
    assert.equal(await tid(page, 'speed').inputValue(), '5', 'the speed comes back to 8×');
    await page.close();
  });

  test('PageDown / PageUp move through the story; Space after the timeline plays without scrolling', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city`);
    await page.keyboard.press('PageDown');
    assert.ok(await until(async () => (await page.locator('[data-story-step]').first().getAttribute('data-story-step')) === '1'));
    await page.keyboard.press('PageDown');
    assert.equal(await page.locator('[data-story-step]').first().getAttribute('data-story-step'), '2');
    await page.keyboard.press('PageUp');
    assert.equal(await page.locator('[data-story-step]').first().getAttribute('data-story-step'), '1');
    await tid(page, 'timeline').locator('input[type=range]').first().click({ position: { x: 30, y: 5 } });
    await sleep(300);
    const [y0, s0] = [await page.evaluate(() => scrollY), await stateOf(page)];
    await page.keyboard.press('Space');
    await sleep(300);
    assert.notEqual(await stateOf(page), s0, 'Space toggles play');
    assert.equal(await page.evaluate(() => scrollY), y0, 'Space does not scroll');
    // PageDown from the focused timeline still moves the story.
    await page.keyboard.press('PageDown');
    assert.equal(await page.locator('[data-story-step]').first().getAttribute('data-story-step'), '2');
    await page.close();
  });

  test('hovered Play and Next keep a readable label (≥ 4.5:1), light and dark', async () => {
    for (const theme of ['light', 'dark']) {
      const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&theme=${theme}`);
      for (const id of ['play-pause', 'story-next']) {
        await tid(page, id).hover();
        await sleep(250);
        const [fg, bg] = await tid(page, id).evaluate((el) => { const s = getComputedStyle(el); return [s.color, s.backgroundColor]; });
        const ratio = contrast(rgb(fg), rgb(bg));
        assert.ok(ratio >= 4.5, `${theme}: hovered ${id} ${fg} on ${bg}: ${ratio.toFixed(1)}`);
      }
      await page.close();
    }
  });

  test('the full-screen presenter view shows the clock, the key number and the step', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&step=5`);
    await tid(page, 'present').click();
    await tid(page, 'presenter-overlay').waitFor({ timeout: 3000 });
    assert.match(await tid(page, 'presenter-overlay').innerText(), /UTC[\s\S]*users with service[\s\S]*The storm spreads/);
    await page.keyboard.press('PageDown');
    assert.ok(await until(async () => /6\/10/.test(await tid(page, 'presenter-overlay').innerText())), 'PageDown moves on in the presenter view');
    await sleep(4500);
    await page.screenshot({ path: join(ARTIFACTS, 'presenter-fullscreen.png') });
    await page.keyboard.press('Escape');
    assert.equal(await tid(page, 'presenter-overlay').count(), 0);
    await page.close();
  });

  test('on a phone the story sits directly under the pinned map', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city`, { width: 390, height: 844 });
    await tid(page, 'story-next').click();
    await sleep(500);
    const [map, story] = await Promise.all([page.locator('.stage-frame').first().boundingBox(), page.locator('.story').first().boundingBox()]);
    assert.ok(story.y - (map.y + map.height) < 40, `story starts ${Math.round(story.y - map.y - map.height)} px below the map`);
    const canvas = await page.locator('canvas.stage').boundingBox();
    assert.ok(canvas.height < canvas.width, `the map is wider than tall (${canvas.width}×${canvas.height})`);
    await page.evaluate(() => scrollTo(0, 600));
    await sleep(300);
    assert.ok(await inView(page.locator('canvas.stage')) > 0.9, 'the map stays in view while reading');
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.keys-button')).display), 'none', 'no "?" over the Scale menu');
    await page.screenshot({ path: join(ARTIFACTS, 'presenter-390x844.png') });
    await page.close();
  });

  for (const width of [400, 700]) {
    test(`a ${width} px embed settles, keeps embed=1, and shows step 4 with its caption`, async () => {
      const page = await host(browser, `${server.url}?embed=1&scenario=dec-2010&scale=city&step=4`, width);
      await sleep(3500);
      const h1 = await page.evaluate(() => document.getElementById('f').height);
      await sleep(2500);
      const h2 = await page.evaluate(() => document.getElementById('f').height);
      assert.equal(Number(h2), Number(h1), `keeps resizing: ${await page.evaluate(() => window.hs)}`);
      assert.ok(Number(h2) <= 1.3 * width + 250, `settles at ${h2} px`);
      const frame = page.frames()[1];
      assert.match(await frame.evaluate(() => location.search), /embed=1/);
      assert.match(await page.frameLocator('#f').locator('[data-testid="story-text"]').innerText(), /reconnect/);
      assert.ok((await minuteOf(page.frameLocator('#f'))) >= 276);
      await page.screenshot({ path: join(ARTIFACTS, `embed-host-${width}.png`), fullPage: true });
      await page.close();
    });
  }

  test('controls=none, minimal and full are different; the legend toggles', async () => {
    const counts = {};
    for (const c of ['none', 'minimal', 'full']) {
      const page = await openPage(browser, `${server.url}?embed=1&scenario=dec-2010&scale=city&controls=${c}`, { width: 700, height: 900 });
      await sleep(300);
      counts[c] = { play: await page.locator('[data-testid="play-pause"]').count(), speed: await page.locator('[data-testid="speed"]').count(),
        timeline: await page.locator('[data-testid="timeline"]').count(), sandbox: await page.locator('#sandbox').count() };
      if (c === 'none') {
        const app = await page.locator('.app').boundingBox();
        const canvas = await page.locator('canvas.stage').boundingBox();
        assert.ok(app.height - canvas.height < 80, `controls=none: ${Math.round(app.height - canvas.height)} px besides the map`);
        await tid(page, 'legend-toggle').click();
        assert.ok(await tid(page, 'embed-legend').isVisible(), 'the legend opens over the map');
      }
      await page.close();
    }
    assert.deepEqual(counts.none, { play: 0, speed: 0, timeline: 0, sandbox: 0 });
    assert.deepEqual(counts.minimal, { play: 1, speed: 0, timeline: 1, sandbox: 0 });
    assert.deepEqual(counts.full, { play: 1, speed: 1, timeline: 1, sandbox: 1 });
  });

  test('a what-if travels in the link and comes back: the slider, the kill, the ghost and its summary', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=city&t=280`);
    await sleep(500);
    const slider = page.locator('input[type=range][data-param="buggy_share"]');
    await slider.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await tid(page, 'kill-top').click();
    assert.ok(await until(async () => /buggy_share=0\.65%40280/.test(await page.evaluate(() => location.search)) && /kill=\d+%40280/.test(await page.evaluate(() => location.search)), 3000),
      `not in the link: ${await page.evaluate(() => location.search)}`);
    assert.match(await tid(page, 'embed-snippet').inputValue(), /buggy_share=0\.65%40280/);
    assert.ok(await until(async () => (await tid(page, 'whatif-summary').count()) > 0, 20000), 'the original is computed and compared');
    assert.match(await tid(page, 'whatif-summary').innerText(), /original .* h, yours .* h/);
    const link = await tid(page, 'permalink').inputValue();
    // The change takes effect the next minute: the event log names it, with both values.
    await tid(page, 'step').click();
    // Below the fold the page skips rendering the log (content-visibility): read it in view.
    await page.locator('.event-log').scrollIntoViewIfNeeded();
    assert.ok(await until(async () => /Users on 5\.0\.0\.152 changed: 50% → 65%/.test(await page.locator('.event-log').innerText()), 3000),
      await page.locator('.event-log').innerText());
    await page.close();

    const back = await openPage(browser, link);
    assert.ok(await until(async () => (await minuteOf(back)) === 280 && (await tid(back, 'permalink').inputValue()) === link, 10000),
      `reopened: ${await tid(back, 'permalink').inputValue()}`);
    assert.equal(await back.locator('input[data-param="buggy_share"]').inputValue(), '0.65');
    assert.ok(await until(async () => (await tid(back, 'whatif-summary').count()) > 0, 20000));
    await tid(back, 'whatif-summary').scrollIntoViewIfNeeded();
    await back.screenshot({ path: join(ARTIFACTS, 'whatif-reopened.png') });
    assert.deepEqual(back.errors, []);
    await back.close();
  });
});
