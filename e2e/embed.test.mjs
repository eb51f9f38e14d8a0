// End-to-end: links, embedding and bad URLs against the release build served from a sub-path.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ARTIFACTS, launch, openPage, serveDist } from './helpers.mjs';

const minute = async (frameOrPage) => Number(await frameOrPage.locator('[data-minute]').first().getAttribute('data-minute'));
const metrics = async (page) => JSON.parse(await page.locator('[data-testid="metrics"]').first().textContent());
const panicked = (errors) => errors.some((e) => /panicked at|unreachable|RuntimeError/.test(e));

/** Thirty-plus bad queries: hand-picked, then fuzzed from a fixed seed (repeatable). */
function badQueries() {
  const hand = ['?scenario=nope', '?t=abc', '?seed=-1', '?scale=huge', '?speed=NaN', '?buggy_share=7',
    '?t=99999999999999999999', '?scenario=%3Cscript%3Ealert(1)%3C/script%3E', '?embed=1&controls=%00', '?theme=neon',
    '?speed=1e400', '?t=-5', '?autoplay=maybe', '?step=0', '?retry_policy=sometimes', '?overload_shutdown=2',
    '?capacity_headroom=-1', '?mega_supernodes=1e9', '?supernodes=0', '?peers=abc', '?restart_delay_min=99999',
    '?crash_fraction=%F0%9F%92%A5', '?wat=1'];
  const keys = ['scenario', 'scale', 't', 'speed', 'seed', 'buggy_share', 'kill_fraction', 'login_capacity', 'controls', 'theme'];
  const junk = ['%', '%%', '\u0000', '🙂', '..', '1..2', '-0', '0x1F', 'Infinity', '<b>', "'", '"', '\\'];
  let s = 42; const rnd = (n) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
  const fuzzed = [];
  for (let i = 0; i < 12; i++) {
    const k = keys[rnd(keys.length)];
    fuzzed.push(`?${k}=${encodeURIComponent(junk[rnd(junk.length)] + junk[rnd(junk.length)])}`);
  }
  return hand.concat(fuzzed).map((q) => [q, new URLSearchParams(q).keys().next().value === 'embed' ? 'controls' : [...new URLSearchParams(q).keys()].pop()]);
}

describe('share and embed', () => {
  let server, browser;
  before(async () => { server = await serveDist(); browser = await launch(); });
  after(async () => { await browser?.close(); server?.stop(); });

  test('a permalink round-trips: same minute, same metrics', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=classroom&t=600&speed=4`);
    assert.equal(await minute(page), 600);
    const m = await metrics(page);
    assert.equal(m.t_min, 600);
    const link = await page.locator('[data-testid="permalink"]').first().inputValue();
    assert.match(link, /t=600/);
    const again = await openPage(browser, link);
    assert.equal(await minute(again), 600);
    assert.deepEqual(await metrics(again), m, 'metrics differ after a round trip');
    assert.deepEqual(page.errors.concat(again.errors), []);
    await page.close(); await again.close();
  });

  test('the address bar follows the clock (replaceState)', async () => {
    const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=classroom&autoplay=0`);
    const entries = await page.evaluate(() => history.length);
    await page.locator('[data-testid="step"]').first().click();
    await page.locator('[data-testid="step"]').first().click();
    await sleep(800);
    assert.match(page.url(), /t=2(&|$)/);
    assert.equal(await page.evaluate(() => history.length), entries, 'pushState was used');
    await page.close();
  });

  test('embedded at 400×300: chromeless, reports its height, obeys seek, ignores junk', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.setContent(`<html><body><p>host</p><iframe id="f" src="${server.url}?embed=1&scenario=dec-2010&scale=classroom" width="400" height="300" title="demo"></iframe>
      <script>window.msgs=[];addEventListener('message',(e)=>window.msgs.push(e.data));</script></body></html>`);
    const frame = page.frameLocator('#f');
    await frame.locator('canvas').first().waitFor({ state: 'visible', timeout: 20000 });
    await frame.locator('html[data-parts="mounted"]').waitFor({ state: 'attached', timeout: 20000 });
    await sleep(1500);
    const msgs = await page.evaluate(() => window.msgs);
    assert.ok(msgs.some((m) => m?.type === 'supernode-storm:resize' && m.height > 0), 'no resize message');
    assert.equal(await frame.locator('header:visible, footer:visible').count(), 0, 'header or footer shown');
    const send = (msg) => page.evaluate((msg) => document.getElementById('f').contentWindow.postMessage(msg, '*'), msg);
    await send({ type: 'supernode-storm:seek', minute: 300 });
    await sleep(500);
    assert.equal(await minute(frame), 300, 'seek did not move the clock');
    for (const junk of [null, 'seek', { type: 'supernode-storm:seek', minute: -3 }, { type: 'supernode-storm:seek', minute: 'NaN' },
      { type: 'supernode-storm:seek', minute: 1e12 }, { type: 'other:seek', minute: 5 }, { type: 'supernode-storm:load', query: 42 }]) {
      await send(junk);
    }
    await sleep(400);
    assert.equal(await minute(frame), 300, 'a malformed message moved the clock');
    await send({ type: 'supernode-storm:play' });
    await sleep(1200);
    assert.ok((await minute(frame)) > 300, 'play message ignored');
    await page.screenshot({ path: join(ARTIFACTS, 'embed-400x300.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('at least 30 bad URLs: never a panic, always a notice naming the parameter', async () => {
    const list = badQueries();
    assert.ok(list.length >= 30);
    for (const [q, key] of list) {
      const page = await openPage(browser, server.url + q);
      await sleep(200);
      assert.ok(!panicked(page.errors), `panic on ${q}: ${page.errors}`);
      const text = await page.locator('body').innerText();
      assert.ok(text.includes(key), `no notice naming '${key}' for ${q}`);
      assert.equal(await page.locator('#error-overlay').isVisible(), false, `error overlay on ${q}`);
      await page.close();
    }
  });

  test('reduced motion: no autoplay', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${server.url}?scenario=dec-2010&scale=classroom&autoplay=1`, { waitUntil: 'load' });
    await page.locator('canvas').first().waitFor({ state: 'visible' });
    await sleep(800);
    assert.equal(await page.locator('[data-state]').first().getAttribute('data-state'), 'paused');
    assert.equal(await minute(page), 0);
    await page.close();
  });

  test('strict CSP: no violations, no request leaves the origin', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.addInitScript(() => { window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI)); });
    await page.goto(`${server.url}?scenario=dec-2010&scale=city&autoplay=1&speed=64`, { waitUntil: 'load' });
    await page.locator('canvas').first().waitFor({ state: 'visible' });
    await sleep(2500);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.ok(csp && !csp.includes("'unsafe-eval'") && csp.includes("'wasm-unsafe-eval'"), `CSP: ${csp}`);
    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    assert.ok(Number(await page.locator('[data-minute]').first().getAttribute('data-minute')) > 0, 'the app did not run under the CSP');
    const origin = new URL(server.url).origin;
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.deepEqual(foreign, []);
    await page.close();
  });

  test('a panic shows the error overlay with a reload link to the same URL state', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const logs = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(String(e)));
    const url = `${server.url}?scenario=dec-2010&scale=classroom&t=123`;
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('canvas').first().waitFor({ state: 'visible' });
    assert.equal(await page.locator('#error-overlay').isVisible(), false);
    await page.evaluate(() => { try { window.wasmBindings.__stormTestPanic(); } catch (e) { /* the abort surfaces here */ } });
    await page.locator('#error-overlay').waitFor({ state: 'visible', timeout: 5000 });
    assert.ok(logs.some((l) => /deliberate test panic/.test(l)), 'the panic message reaches the console');
    const reload = page.locator('#error-overlay a.reload');
    assert.equal(await reload.getAttribute('href'), '', 'reload links to this very address');
    await Promise.all([page.waitForNavigation(), reload.click()]);
    await page.locator('canvas').first().waitFor({ state: 'visible' });
    assert.equal(Number(await page.locator('[data-minute]').first().getAttribute('data-minute')), 123, 'reload lost the URL state');
    assert.equal(await page.locator('#error-overlay').isVisible(), false);
    await page.close();
  });

  test('theme=light overrides the scheme; oEmbed and social card are served', async () => {
    const page = await openPage(browser, `${server.url}?theme=light`);
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('theme-light')));
    const oembed = await (await fetch(new URL('oembed.json', server.url))).json();
    assert.equal(oembed.type, 'rich');
    assert.ok((await fetch(new URL('social.png', server.url))).ok, 'no social.png');
    assert.ok(await page.locator('link[type="application/json+oembed"]').count());
    await page.close();
  });
});
