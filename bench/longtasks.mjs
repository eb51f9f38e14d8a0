// The page's long tasks from a Chrome trace: each main-thread task over MIN_MS, its wall and CPU
// time and its biggest parts (script, timers, frames, layout, paint, commit, GC).
//   node bench/longtasks.mjs <base-url> [query] [cpu-throttle] [seconds]     (MIN_MS=50 by default)
// e.g. node bench/longtasks.mjs http://127.0.0.1:8080/ '?scenario=dec-2010&scale=real&t=1500' 4 20
import { launch } from '../e2e/helpers.mjs';

const [base, query = '', throttle = '1', secs = '15'] = process.argv.slice(2);
const minMs = Number(process.env.MIN_MS ?? 50);
const browser = await launch();
const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await ctx.newPage();
const cdp = await ctx.newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(throttle) });
const events = [];
cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
const done = new Promise((resolve) => cdp.on('Tracing.tracingComplete', resolve));
await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8', transferMode: 'ReportEvents' });
await page.goto(base + query, { waitUntil: 'load', timeout: 60000 });
await page.waitForTimeout(Number(secs) * 1000);
await cdp.send('Tracing.end');
await done;
await browser.close();

// The renderer's main thread: the one running the most script.
const calls = new Map();
for (const e of events) if (e.name === 'FunctionCall') calls.set(`${e.pid}:${e.tid}`, (calls.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
const main = [...calls].sort((a, b) => b[1] - a[1])[0]?.[0];
const onMain = (e) => `${e.pid}:${e.tid}` === main;
const t0 = Math.min(...events.filter((e) => e.ts).map((e) => e.ts));
const tasks = events.filter((e) => onMain(e) && e.name === 'RunTask' && (e.dur ?? 0) >= minMs * 1000);
for (const t of tasks) {
  const parts = events
    .filter((e) => onMain(e) && e.ph === 'X' && e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && (e.dur ?? 0) > 5000)
    .sort((a, b) => b.dur - a.dur).slice(0, 5)
    .map((e) => `${e.name} ${(e.dur / 1000).toFixed(0)}`).join(', ');
  console.log(`at ${((t.ts - t0) / 1000).toFixed(0)} ms: ${(t.dur / 1000).toFixed(0)} ms (CPU ${((t.tdur ?? 0) / 1000).toFixed(0)}): ${parts}`);
}
console.log(`${tasks.length} tasks of ${minMs} ms or more on the main thread (CPU ${throttle}× slower)`);
