// Where real-scale play's main thread goes with the CPU slowed: opens the speed check's play link,
// waits for its first frame and 1 s more (as the check does), then traces SECONDS of play and sums
// the main-thread tasks by kind, with the frame intervals the check would measure.
//   node bench/play-trace.mjs <base-url> [cpu-throttle] [seconds] [query]
import { launch, throttledPage, markFirstFrame, firstFrame } from '../e2e/helpers.mjs';

const [base, throttle = '4', secs = '4', query = '?scenario=dec-2010&scale=real&autoplay=1&speed=8&t=260'] = process.argv.slice(2);
const browser = await launch();
const { ctx, page } = await throttledPage(browser, throttle);
if (process.env.REDUCED_MOTION) await page.emulateMedia({ reducedMotion: 'reduce' });
await markFirstFrame(page);
await page.goto(base + query, { waitUntil: 'load', timeout: 120000 });
await firstFrame(page);
await page.waitForTimeout(1000);
const m0 = await page.evaluate(() => document.querySelector('[data-minute]')?.getAttribute('data-minute'));
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'] });
const fr = await page.evaluate((ms) => new Promise((res) => { const ts = []; const t0 = performance.now();
  const f = (t) => { ts.push(t); if (t - t0 < ms) requestAnimationFrame(f); else res(ts); }; requestAnimationFrame(f); }), Number(secs) * 1000);
const m1 = await page.evaluate(() => document.querySelector('[data-minute]')?.getAttribute('data-minute'));
const trace = JSON.parse((await browser.stopTracing()).toString());
const d = fr.slice(1).map((x, i) => x - fr[i]).sort((a, b) => a - b);
const ev = trace.traceEvents;
const main = ev.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && ev.some((x) => x.pid === e.pid && x.name === 'FireAnimationFrame'));
const on = ev.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
const tasks = on.filter((e) => e.name === 'RunTask');
const span = (tasks.at(-1).ts + tasks.at(-1).dur - tasks[0].ts) / 1000;
const kinds = {}; let busy = 0;
for (const t of tasks) {
  const end = t.ts + t.dur;
  const inner = on.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= end && e.dur > 0);
  const named = inner.find((e) => ['FireAnimationFrame', 'TimerFire', 'EventDispatch', 'FunctionCall', 'Paint', 'UpdateLayoutTree', 'Layout', 'Commit', 'MajorGC', 'MinorGC'].includes(e.name));
  const k = named ? named.name : 'other';
  const o = (kinds[k] ??= { n: 0, ms: 0 }); o.n++; o.ms += t.dur / 1000; busy += t.dur / 1000;
}
const sub = {};
for (const name of ['FireAnimationFrame', 'FunctionCall', 'TimerFire', 'Commit', 'Paint', 'Layout', 'UpdateLayoutTree', 'PrePaint', 'MajorGC', 'MinorGC', 'HitTest']) {
  sub[name] = Math.round(on.filter((e) => e.name === name).reduce((s, e) => s + e.dur, 0) / 1000);
}
console.log(`minutes ${m0} → ${m1}; ${fr.length} frames in ${secs} s at ${throttle}x: median ${d[d.length >> 1].toFixed(1)} ms, p95 ${d[Math.floor(d.length * 0.95)].toFixed(1)} ms; main thread busy ${Math.round(busy)} of ${Math.round(span)} ms`);
for (const [k, o] of Object.entries(kinds).sort((a, b) => b[1].ms - a[1].ms)) console.log(`  tasks led by ${k}: ${o.n}, ${Math.round(o.ms)} ms`);
console.log('  inner totals (ms):', JSON.stringify(sub));
const mins = Math.max(1, Number(m1) - Number(m0));
console.log(`  per simulated minute (ms): busy ${(busy / mins).toFixed(1)}, ` + Object.entries(sub).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${(v / mins).toFixed(1)}`).join(', '));
await ctx.close(); await browser.close();
