// Deep links at real scale with the CPU slowed: when the linked minute is on the map, and every
// task of 80 ms or more the page ran meanwhile, as start+duration (ms from navigation) — so a
// long task can be told apart: start-up, the first map, or the landing.
//   node bench/deeplinks.mjs <base-url> [runs] [cpu-throttle] [minutes, comma-separated]
// e.g. node bench/deeplinks.mjs http://127.0.0.1:8080/ 2 4            (minutes 1500 and 2800)
//      node bench/deeplinks.mjs http://127.0.0.1:8080/ 1 1 20000      (the end of the run, desktop)
import { launch, throttledPage } from '../e2e/helpers.mjs';

const [base, runs = '2', throttle = '4', minutes = '1500,2800'] = process.argv.slice(2);
const browser = await launch();
for (let r = 0; r < Number(runs); r++) {
  for (const t of minutes.split(',').map(Number)) {
    const { ctx, page } = await throttledPage(browser, throttle);
    const t0 = Date.now();
    await page.goto(`${base}?scenario=dec-2010&scale=real&t=${t}`, { waitUntil: 'load', timeout: 120000 });
    await page.waitForFunction((t) => document.querySelector('canvas')?.getAttribute('data-drawn-minute') === String(t), t, { timeout: 600000 });
    const shown = Date.now() - t0;
    await page.waitForTimeout(300);
    const long = await page.evaluate(() => window.__long.filter(([, d]) => d >= 80).map(([s, d]) => `${s}+${d}`));
    console.log(`t=${t}: shown after ${shown} ms; tasks of 80 ms or more: ${long.join(' ') || 'none'}`);
    await ctx.close();
  }
}
await browser.close();
