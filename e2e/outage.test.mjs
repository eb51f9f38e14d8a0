// End-to-end: the 22 December 2010 outage as a reader sees it, at real and city scale. Opens a
// link to each moment of the run (17:00, 19:00, 23:00 on 22 Dec; 12:00, 18:00 on 23 Dec; UTC),
// saves a screenshot of each into e2e/artifacts/ (dec2010-<scale>-<ddhh>.png) and checks what
// a user would notice, not today's exact numbers: the outage is partial (service falls well
// below normal but some users keep it), cache groups are down while others hold, mega-supernodes
// arrive on 23 Dec and service comes back by 24 Dec.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ARTIFACTS, launch, openPage, serveDist } from './helpers.mjs';

/** Minute 0 is 12:00 UTC on 22 Dec. */
const MOMENTS = [
  { name: '2217', t: 5 * 60 },
  { name: '2219', t: 7 * 60 },
  { name: '2223', t: 11 * 60 },
  { name: '2312', t: 24 * 60 },
  { name: '2318', t: 30 * 60 },
];
/** 12:00 UTC on 24 Dec: Skype reported full service that day. */
const FULL_SERVICE = 48 * 60;

const tid = (page, id) => page.locator(`[data-testid="${id}"]`).first();

/** Waits until the canvas has drawn minute `m` (a far seek at real scale takes a few seconds). */
async function drawnAt(page, m, timeout = 120000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeout) {
    if (Number(await page.locator('canvas.stage').getAttribute('data-drawn-minute')) === m) return;
    await sleep(200);
  }
  throw new Error(`canvas never drew minute ${m}`);
}

/** Opens the run at minute `t`, paused; returns the page and that minute's metrics row. */
async function at(browser, url, scale, t) {
  const page = await openPage(browser, `${url}?scenario=dec-2010&scale=${scale}&t=${t}&autoplay=0`, { width: 1280, height: 900 });
  await drawnAt(page, t);
  await sleep(300); // the side panels settle
  const row = JSON.parse(await tid(page, 'metrics').textContent());
  assert.equal(row.t_min, t);
  return { page, row, online: row.online_peers / row.expected_peers };
}

describe('the Dec 2010 outage at real and city scale', () => {
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

  for (const scale of ['real', 'city']) {
    test(`${scale}: partial, spread by cache group, back by 24 Dec (screenshots)`, async () => {
      const seen = {};
      for (const { name, t } of MOMENTS) {
        const { page, row, online } = await at(browser, server.url, scale, t);
        await page.screenshot({ path: join(ARTIFACTS, `dec2010-${scale}-${name}.png`) });
        seen[name] = { online, row };
        assert.deepEqual(page.errors, [], `console errors at ${name}`);
        await page.close();
      }
      const evening = seen['2219'];
      // Partial: well below normal, yet some users keep service.
      assert.ok(evening.online < 0.8, `19:00: ${(evening.online * 100).toFixed(0)}% online is no outage`);
      assert.ok(evening.online > 0.05, `19:00: ${(evening.online * 100).toFixed(0)}% online is a switch, not a partial outage`);
      assert.ok(evening.row.groups_down > 0, '19:00: no cache group is down');
      assert.ok(evening.row.supernodes_alive > 0, '19:00: no supernode serves anywhere');
      // The megas come on 23 Dec, not before.
      assert.equal(seen['2223'].row.mega_supernodes, 0, 'mega-supernodes before 23 Dec');
      assert.ok(seen['2318'].row.mega_supernodes > 0, 'no mega-supernode by 18:00 on 23 Dec');
      // Not over by the next morning: many users were without service for about a day.
      assert.ok(seen['2312'].online < 0.9, `12:00 on 23 Dec: ${(seen['2312'].online * 100).toFixed(0)}% online already`);
      // Back by 24 Dec.
      const { page, online } = await at(browser, server.url, scale, FULL_SERVICE);
      assert.ok(online >= 0.9, `12:00 on 24 Dec: only ${(online * 100).toFixed(0)}% online`);
      await page.close();
    });

    test(`${scale}: every story step says what the run shows (story screenshots)`, async () => {
      const page = await openPage(browser, `${server.url}?scenario=dec-2010&scale=${scale}&step=1`, { width: 1280, height: 900 });
      const panel = page.locator('[data-story-step]').first();
      for (let step = 1; ; step++) {
        await page.waitForFunction((n) => document.querySelector('[data-story-step]')?.dataset.storyStep === String(n), step);
        // The step's own minute, once the clock has computed its way there and drawn it.
        const m = Number(await panel.getAttribute('data-story-minute'));
        await drawnAt(page, m);
        await sleep(300);
        const now = tid(page, 'story-now');
        if (await now.count()) {
          const words = await now.innerText();
          assert.match(words, /^In the model/, `step ${step}: ${words}`);
          assert.doesNotMatch(words, /NaN|undefined|inf/, `step ${step}: ${words}`);
        }
        await panel.screenshot({ path: join(ARTIFACTS, `dec2010-${scale}-story-${step}.png`) });
        const next = tid(page, 'story-next');
        if (/sandbox/i.test(await next.innerText())) break;
        await next.click();
      }
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }
});
