// End-to-end: the player (issue 5) — play/pause, exact step/step-back, scrubbing equals playing,
// the story's steps, the sandbox forking the future, speed presets and the keyboard.
// Runs on the release build (dist/) served from a sub-path, in Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, minuteBecomes, minuteOf, openPage, serveDist, stateOf, waitFor } from './helpers.mjs';

const tid = (page, id) => page.locator(`[data-testid="${id}"]`).first();
const metricsOf = async (page) => JSON.parse(await tid(page, 'metrics').textContent());
const until = async (what, ms = 10000) => {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) { if (await what()) return true; await sleep(50); }
  return false;
};
/** Moves the clock with the timeline's slider, as a drag would. */
const scrub = (page, minute) => page.locator('[data-testid="timeline"] input[type="range"]').evaluate((el, m) => {
  el.value = String(m);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}, minute);

describe('player', () => {
  let server, browser;
  const open = (query = 'scenario=dec-2010&scale=classroom&autoplay=0', vp) =>
    openPage(browser, `${server.url}?${query}`, vp);
  before(async () => { server = await serveDist(); browser = await launch(); });
  after(async () => { await browser?.close(); server?.stop(); });

  test('every control is there, with an accessible name', async () => {
    const page = await open();
    for (const id of ['play-pause', 'step', 'step-back', 'speed', 'timeline', 'clock', 'scenario-select',
      'inject-mega', 'story-next', 'story-back', 'kill-top']) {
      assert.equal(await tid(page, id).count(), 1, `data-testid=${id}`);
    }
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('.controls button, .controls select, .timeline input, .story button, .sandbox button, .sandbox input, .sandbox select')]
      .filter((el) => !(el.getAttribute('aria-label') || el.textContent.trim() || (el.id && document.querySelector(`label[for="${el.id}"]`))))
      .map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('play/pause by button and by space', async () => {
    const page = await open();
    assert.equal(await stateOf(page), 'paused');
    await tid(page, 'play-pause').click();
    assert.equal(await stateOf(page), 'playing');
    assert.ok(await until(async () => (await minuteOf(page)) > 0), 'clock does not run');
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('Space');
    assert.equal(await stateOf(page), 'paused');
    const m = await minuteOf(page);
    await sleep(500);
    assert.equal(await minuteOf(page), m, 'clock runs while paused');
    await page.keyboard.press('Space');
    assert.equal(await stateOf(page), 'playing');
    // Space on the focused button presses it once (not twice).
    await tid(page, 'play-pause').focus();
    await page.keyboard.press('Space');
    assert.equal(await stateOf(page), 'paused');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('step and step-back return to the same minute with identical metrics', async () => {
    const page = await open();
    await scrub(page, 280);
    const a = await minuteOf(page); const ma = await metricsOf(page); const ca = await tid(page, 'clock').innerText();
    assert.equal(a, 280);
    for (let i = 0; i < 3; i++) await tid(page, 'step').click();
    assert.equal(await minuteOf(page), 283);
    assert.notDeepEqual(await metricsOf(page), ma, 'three minutes into the cascade look the same');
    for (let i = 0; i < 3; i++) await tid(page, 'step-back').click();
    assert.equal(await minuteOf(page), a);
    assert.deepEqual(await metricsOf(page), ma);
    assert.equal(await tid(page, 'clock').innerText(), ca);
    // The keyboard does the same.
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('ArrowRight'); await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft'); await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await metricsOf(page), ma);
    await page.close();
  });

  test('scrubbing to a minute equals playing to it', async () => {
    const scrubbed = await open();
    await scrub(scrubbed, 700);
    await scrub(scrubbed, 333); // back: restored from a checkpoint and replayed
    assert.equal(await minuteOf(scrubbed), 333);
    const want = await metricsOf(scrubbed);
    const played = await open();
    await played.evaluate(() => document.activeElement?.blur());
    for (let i = 0; i < 333; i++) await played.keyboard.press('ArrowRight');
    assert.equal(await minuteOf(played), 333);
    assert.deepEqual(await metricsOf(played), want);
    // And playing at full speed then stepping back lands on the same row.
    await tid(played, 'speed').selectOption({ label: 'as fast as possible' });
    await tid(played, 'play-pause').click();
    assert.ok(await until(async () => (await minuteOf(played)) > 900));
    await scrub(played, 333);
    assert.deepEqual(await metricsOf(played), want);
    assert.deepEqual([...scrubbed.errors, ...played.errors], []);
    await scrubbed.close(); await played.close();
  });

  test('the story moves the clock to its moments and highlights them', async () => {
    const page = await open();
    const minutes = [240, 270, 285, 320, 360, 600, 960, 1440, 2400, 235];
    const story = page.locator('[data-story-step]').first();
    for (let i = 0; i < minutes.length; i++) {
      await tid(page, 'story-next').click();
      assert.ok(await until(async () => (await minuteOf(page)) === minutes[i]), `step ${i + 1}: minute ${await minuteOf(page)} ≠ ${minutes[i]}`);
      assert.equal(await story.getAttribute('data-story-step'), String(i + 1));
      assert.match(await story.innerText(), new RegExp(`Step ${i + 1} of ${minutes.length}`, 'i'));
    }
    assert.match(await story.innerText(), /sandbox/i);
    await tid(page, 'story-back').click();
    assert.ok(await until(async () => (await minuteOf(page)) === minutes.at(-2)));
    assert.equal(await stateOf(page), 'paused');
    // The 2007 story has its own steps.
    await tid(page, 'scenario-select').selectOption('aug-2007');
    await tid(page, 'story-next').click();
    assert.ok(await until(async () => (await minuteOf(page)) === 30));
    await tid(page, 'story-next').click();
    assert.ok(await until(async () => (await minuteOf(page)) === 90));
    assert.match(await story.innerText(), /Step 2 of 5/i);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('killing a supernode in the sandbox changes the future, not the past', async () => {
    const page = await open();
    await scrub(page, 400);
    await scrub(page, 230);
    const before230 = await metricsOf(page);
    await scrub(page, 200);
    const at200 = await metricsOf(page);
    await tid(page, 'kill-top').click();
    await scrub(page, 230);
    assert.notDeepEqual(await metricsOf(page), before230, 'the future did not change');
    await scrub(page, 200);
    assert.deepEqual(await metricsOf(page), at200, 'the past changed');
    // Reset brings the original run back.
    await tid(page, 'reset-run').click();
    await scrub(page, 230);
    assert.deepEqual(await metricsOf(page), before230);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('odd sandbox settings never panic: 100% buggy, no login capacity, zero megas', async () => {
    const page = await open();
    await scrub(page, 250);
    const set = (id, v) => tid(page, id).evaluate((el, v) => { el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); }, v);
    // The plan is edited first: the settings changed next (each replays the run, or forks it)
    // and the original run finishing in the background must not undo the edit (they once did,
    // and the replay took the old plan).
    await page.locator('#sb-megas').evaluate((el) => { el.value = '0'; el.dispatchEvent(new Event('input', { bubbles: true })); });
    await set('param-buggy_share', '1');
    await set('param-login_capacity', '0');
    await set('param-restart_delay_min', '0');
    await set('param-capacity_headroom', '0');
    await waitFor(async () => (await tid(page, 'ghost-progress').count()) === 0, 'the original run to finish');
    assert.equal(await page.locator('#sb-megas').inputValue(), '0', 'the plan being edited was reset');
    await tid(page, 'apply-plan').click();
    await minuteBecomes(page, 250, 'the replay with the new plan to come back to minute 250');
    await scrub(page, 1500);
    // A seek of 1,250 minutes may take a few slices on a busy machine.
    await waitFor(async () => (await minuteOf(page)) === 1500, 'the scrub to minute 1500');
    assert.equal((await metricsOf(page)).mega_supernodes, 0);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('speed presets change the rate of data-minute', async () => {
    const page = await open();
    const rate = async (label) => {
      await tid(page, 'speed').selectOption({ label });
      if ((await stateOf(page)) !== 'playing') await tid(page, 'play-pause').click();
      const m0 = await minuteOf(page); await sleep(2000);
      return (await minuteOf(page)) - m0;
    };
    const slow = await rate('1×');
    const fast = await rate('16×');
    assert.ok(slow >= 1 && slow <= 4, `1×: ${slow} minutes in 2 s`);
    assert.ok(fast >= 20 && fast > 5 * slow, `16×: ${fast} minutes in 2 s (1×: ${slow})`);
    await page.close();
  });

  test('keyboard: landmarks, speed keys and the help overlay', async () => {
    const page = await open();
    await page.evaluate(() => document.activeElement?.blur());
    assert.ok(await until(async () => (await page.locator('[data-minute-mark]').count()) >= 4), 'landmarks are scouted ahead');
    const marks = (await page.locator('[data-minute-mark]').evaluateAll((els) => els.map((e) => Number(e.dataset.minuteMark)))).sort((a, b) => a - b);
    assert.ok(marks.includes(240), `the trigger (16:00) is a landmark: ${marks}`);
    await page.keyboard.press('Shift+ArrowRight');
    await minuteBecomes(page, marks[0], 'shift+→ to jump to the first landmark');
    await page.keyboard.press('Shift+ArrowRight');
    await minuteBecomes(page, marks[1], 'shift+→ to jump to the second landmark');
    await page.keyboard.press('Shift+ArrowLeft');
    await minuteBecomes(page, marks[0], 'shift+← to jump back to the first landmark');
    const s0 = await tid(page, 'speed').inputValue();
    await page.keyboard.press('+');
    assert.equal(Number(await tid(page, 'speed').inputValue()), Number(s0) + 1);
    await page.keyboard.press('-');
    assert.equal(await tid(page, 'speed').inputValue(), s0);
    const help = tid(page, 'keyboard-help');
    assert.equal(await help.isVisible(), false);
    await page.keyboard.press('?');
    assert.equal(await help.isVisible(), true);
    assert.match(await help.innerText(), /Space[\s\S]*Shift/);
    await page.keyboard.press('Escape');
    assert.equal(await help.isVisible(), false);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('looks right on a phone: no sideways scroll', async () => {
    const page = await open(undefined, { width: 360, height: 800 });
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 360, `page is ${w} px wide`);
    await page.close();
  });
});
