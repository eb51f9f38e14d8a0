// Where a deep link's time goes at real scale with the CPU slowed: a Chromium trace from
// navigation until the linked minute is drawn, its main-thread tasks summed by kind.
//   node bench/seek-trace.mjs <base-url> [minute] [cpu-throttle]
import { launch, throttledPage } from '../e2e/helpers.mjs';

const [base, minute = '1500', throttle = '4'] = process.argv.slice(2);
const browser = await launch();
const { ctx, page } = await throttledPage(browser, throttle);
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'] });
const t0 = Date.now();
await page.goto(`${base}?scenario=dec-2010&scale=real&t=${minute}`, { waitUntil: 'load', timeout: 120000 });
await page.waitForFunction((t) => document.querySelector('canvas')?.getAttribute('data-drawn-minute') === String(t), minute, { timeout: 600000 });
const shown = Date.now() - t0;
const trace = JSON.parse((await browser.stopTracing()).toString());
const ev = trace.traceEvents;
const main = ev.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && ev.some((x) => x.pid === e.pid && x.name === 'FireAnimationFrame'));
const on = ev.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
const tasks = on.filter((e) => e.name === 'RunTask');
// A task's kind: the first inner event that names what it ran.
const kinds = {}; let busy = 0; const big = []; const nav = (on.find((e) => e.name === 'ParseHTML') ?? tasks[0]).ts;
for (const t of tasks) {
  const end = t.ts + t.dur;
  const inner = on.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= end && e.dur > 0);
  const named = inner.find((e) => ['FireAnimationFrame', 'TimerFire', 'EventDispatch', 'FunctionCall', 'ParseHTML', 'v8.compile', 'EvaluateScript', 'Paint', 'UpdateLayoutTree', 'Layout', 'Commit', 'MajorGC', 'MinorGC', 'v8.wasm.compiledModule', 'ResourceReceivedData'].includes(e.name));
  let k = named ? named.name : 'other';
  if (k === 'EventDispatch') k += ':' + (named.args?.data?.type ?? '?');
  if (t.dur >= Number(process.env.MIN_TASK_MS ?? 30) * 1000) big.push(`${Math.round((t.ts - nav) / 1000)}+${Math.round(t.dur / 1000)} ${k}`);
  const o = (kinds[k] ??= { n: 0, ms: 0 }); o.n++; o.ms += t.dur / 1000; busy += t.dur / 1000;
}
const sub = {};
for (const name of ['Paint', 'Commit', 'Layout', 'UpdateLayoutTree', 'MajorGC', 'MinorGC', 'FireAnimationFrame', 'FunctionCall']) {
  sub[name] = Math.round(on.filter((e) => e.name === name).reduce((s, e) => s + e.dur, 0) / 1000);
}
console.log(`t=${minute} at ${throttle}x: shown after ${shown} ms; main thread busy ${Math.round(busy)} ms in ${tasks.length} tasks`);
for (const [k, o] of Object.entries(kinds).sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  ${k}: ${o.n} tasks, ${Math.round(o.ms)} ms`);
console.log('  inner totals (ms):', JSON.stringify(sub));
console.log('  tasks of MIN_TASK_MS (30) ms or more (start+duration ms from the HTML parse):', big.join(', '));
await ctx.close(); await browser.close();
