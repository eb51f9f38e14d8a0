// Builds side by side, interleaved run by run, with the CPU slowed 4×: the speed check's first
// frame (the map drawn and the metrics row present, from navigation start) and its link timing
// (minute 2800 drawn, from just before navigating) with its longest task. Prints each build's
// figures sorted.
//   node bench/ab-first.mjs <runs> <base-url> [<base-url> ...]
import { launch, throttledPage, markFirstFrame, firstFrame } from '../e2e/helpers.mjs';

const [runs, ...bases] = process.argv.slice(2);
const browser = await launch();
const res = Object.fromEntries(bases.map((b) => [b, { first: [], link: [], long: [] }]));
for (let r = 0; r < Number(runs); r++) {
  for (const base of bases) {
    {
      const { ctx, page } = await throttledPage(browser, 4);
      await markFirstFrame(page);
      await page.goto(`${base}?scenario=dec-2010&scale=real&autoplay=1&speed=8&t=260`, { waitUntil: 'load', timeout: 120000 });
      res[base].first.push(Math.round(await firstFrame(page)));
      await ctx.close();
    }
    {
      const { ctx, page } = await throttledPage(browser, 4);
      const t0 = Date.now();
      await page.goto(`${base}?scenario=dec-2010&scale=real&t=2800`, { waitUntil: 'load', timeout: 120000 });
      await page.waitForFunction(() => { const c = document.querySelector('canvas'); const r = document.querySelector('[data-minute]');
        return c && (c.getAttribute('data-drawn-minute') ?? r?.getAttribute('data-minute')) === '2800'; }, null, { timeout: 120000 });
      res[base].link.push(Date.now() - t0);
      await page.waitForTimeout(300);
      res[base].long.push(await page.evaluate(() => Math.max(0, ...window.__long.map(([, d]) => d))));
      await ctx.close();
    }
  }
}
for (const [b, v] of Object.entries(res)) console.log(JSON.stringify({ build: b, first_ms: v.first.sort((x, y) => x - y), link2800_ms: v.link.sort((x, y) => x - y), longest_task_ms: v.long.sort((x, y) => x - y) }));
await browser.close();
