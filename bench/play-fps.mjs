// The speed check's frame figures, alone and repeated: for each base URL in turn (builds
// interleaved, ROUNDS times), open the real-scale play link at the CPU throttle, wait for the
// first frame and 1 s, then take 4 s of requestAnimationFrame intervals (median and p95), and
// the minutes played in them.
//   ROUNDS=3 node bench/play-fps.mjs <base-url> [<base-url> ...]
import { launch, throttledPage, markFirstFrame, firstFrame } from '../e2e/helpers.mjs';

const bases = process.argv.slice(2);
const rounds = Number(process.env.ROUNDS ?? 3);
const query = process.env.QUERY ?? '?scenario=dec-2010&scale=real&autoplay=1&speed=8&t=260';
const browser = await launch();
const out = new Map(bases.map((b) => [b, []]));
for (let r = 0; r < rounds; r++) {
  for (const base of bases) {
    const { ctx, page } = await throttledPage(browser, process.env.THROTTLE ?? 4);
    await markFirstFrame(page);
    await page.goto(base + query, { waitUntil: 'load' });
    const first = await firstFrame(page);
    await page.waitForTimeout(1000);
    const m0 = await page.evaluate(() => Number(document.querySelector('[data-minute]')?.getAttribute('data-minute')));
    const f = await page.evaluate(() => new Promise((res) => { const ts = []; const t0 = performance.now();
      const f = (t) => { ts.push(t); if (t - t0 < 4000) requestAnimationFrame(f); else { const d = ts.slice(1).map((x, i) => x - ts[i]).sort((a, b) => a - b);
        res([d[d.length >> 1], d[Math.floor(d.length * 0.95)], d.length]); } };
      requestAnimationFrame(f); }));
    const m1 = await page.evaluate(() => Number(document.querySelector('[data-minute]')?.getAttribute('data-minute')));
    out.get(base).push(`first ${Math.round(first)} · ${f[2]} frames median ${f[0].toFixed(1)} p95 ${f[1].toFixed(1)} · ${m1 - m0} min`);
    await ctx.close();
  }
}
await browser.close();
for (const [b, rs] of out) console.log(b, '\n  ' + rs.join('\n  '));
