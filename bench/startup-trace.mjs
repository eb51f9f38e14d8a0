// Where start-up goes at real scale with the CPU slowed: a Chromium trace from navigation until
// the first frame the speed check counts (a canvas with a width and the metrics row present),
// every main-thread task of MIN_TASK_MS (default 8) or more, and the page's resources.
//   node bench/startup-trace.mjs <base-url> [query] [cpu-throttle]
import { launch, throttledPage, markFirstFrame, firstFrame } from '../e2e/helpers.mjs';

const [base, query = '?scenario=dec-2010&scale=real&autoplay=1&speed=8&t=260', throttle = '4'] = process.argv.slice(2);
const browser = await launch();
const { ctx, page } = await throttledPage(browser, throttle);
await markFirstFrame(page);
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'v8.wasm'] });
await page.goto(base + query, { waitUntil: 'load', timeout: 120000 });
const first = await firstFrame(page);
const res = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => `${r.name.split('/').pop().slice(0, 28)} ${Math.round(r.startTime)}→${Math.round(r.responseEnd)}`));
const marks = await page.evaluate(() => performance.getEntriesByType('navigation').map((n) => `dom ${Math.round(n.domContentLoadedEventEnd)} load ${Math.round(n.loadEventEnd)}`));
const trace = JSON.parse((await browser.stopTracing()).toString());
const ev = trace.traceEvents;
const main = ev.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && ev.some((x) => x.pid === e.pid && x.name === 'FireAnimationFrame'));
const on = ev.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
const nav = ev.find((e) => e.name === 'navigationStart' && e.pid === main.pid)?.ts ?? on[0].ts;
const tasks = on.filter((e) => e.name === 'RunTask');
const min = Number(process.env.MIN_TASK_MS ?? 8) * 1000;
const names = ['FireAnimationFrame', 'TimerFire', 'EventDispatch', 'FunctionCall', 'ParseHTML', 'v8.compile', 'EvaluateScript', 'Paint', 'UpdateLayoutTree', 'Layout', 'Commit', 'MajorGC', 'MinorGC', 'v8.wasm.compiledModule', 'ResourceReceivedData', 'v8.wasm.streamFromResponseCallback', 'v8.wasm.instantiate'];
let busy = 0;
const out = [];
for (const t of tasks) {
  if ((t.ts - nav) / 1000 > first) break;
  busy += t.dur / 1000;
  if (t.dur < min) continue;
  const end = t.ts + t.dur;
  const inner = on.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= end && e.dur > 0);
  const named = inner.filter((e) => names.includes(e.name) || e.name.startsWith('v8.wasm')).map((e) => `${e.name}:${Math.round(e.dur / 1000)}`).slice(0, 5);
  out.push(`  ${Math.round((t.ts - nav) / 1000)}+${Math.round(t.dur / 1000)} ${named.join(' ')}`);
}
console.log(`${query} at ${throttle}x: first frame ${Math.round(first)} ms; main thread busy ${Math.round(busy)} ms before it; ${marks.join(' ')}`);
console.log('  resources:', res.join(', '));
console.log(out.join('\n'));
await ctx.close(); await browser.close();
