// Several builds side by side, interleaved run by run, with the CPU slowed 4×: when the map is
// first drawn, the longest task and the sum of long tasks up to then (start-up), and the frame
// median and p95 in the speed check's window (1–5 s after that, playing `dec-2010` at real
// scale from minute 260). Interleaving matters on a shared machine: one build's runs are not all
// in a busy minute. Prints one JSON line per build, each figure sorted over the runs.
//   node bench/ab-startup.mjs <runs> <base-url> [<base-url> ...]
// e.g. node bench/ab-startup.mjs 5 http://127.0.0.1:8081/ http://127.0.0.1:8082/
import { launch, throttledPage } from '../e2e/helpers.mjs';

const [runs, ...bases] = process.argv.slice(2);
const browser = await launch();
const res = Object.fromEntries(bases.map((b) => [b, []]));
for (let r = 0; r < Number(runs); r++) {
  for (const base of bases) {
    const { ctx, page } = await throttledPage(browser, 4);
    await page.addInitScript(() => {
      window.__first = null;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => raf((t) => {
        cb(t);
        if (!window.__first && document.querySelector('canvas.stage')?.getAttribute('data-drawn-minute')) window.__first = performance.now();
      });
    });
    await page.goto(`${base}?scenario=dec-2010&scale=real&autoplay=1&speed=8&t=260`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__first != null, null, { timeout: 60000 });
    await page.waitForTimeout(1000);
    const frames = await page.evaluate((ms) => new Promise((done) => {
      const ts = [];
      const t0 = performance.now();
      const f = (t) => {
        ts.push(t);
        if (t - t0 < ms) return requestAnimationFrame(f);
        const d = ts.slice(1).map((x, i) => x - ts[i]).sort((a, b) => a - b);
        done({ median: d[d.length >> 1], p95: d[Math.floor(d.length * 0.95)] });
      };
      requestAnimationFrame(f);
    }), 4000);
    const { first, long } = await page.evaluate(() => ({ first: window.__first, long: window.__long }));
    const startup = long.filter(([s]) => s < first + 50).map(([, d]) => d);
    res[base].push({ first_drawn_ms: Math.round(first), startup_longest_ms: Math.max(0, ...startup), startup_sum_ms: startup.reduce((a, d) => a + d, 0),
      median_ms: Math.round(frames.median * 10) / 10, p95_ms: Math.round(frames.p95) });
    await ctx.close();
  }
}
for (const b of bases) {
  const sorted = Object.fromEntries(Object.keys(res[b][0]).map((k) => [k, res[b].map((x) => x[k]).sort((x, y) => x - y)]));
  console.log(b, JSON.stringify(sorted));
}
await browser.close();
