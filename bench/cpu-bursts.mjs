// CPU profile of a page load with the CPU throttled: every burst of main-thread work over 60 ms and
// the functions that took its time (inclusive; the sampling profiler inflates them somewhat).
//   node bench/cpu-bursts.mjs <url> [cpu-throttle] [seconds]      (SKIP=regex of frames to hide, TOP=n)
// e.g. SKIP='^(?!supernode_storm)' node bench/cpu-bursts.mjs 'http://127.0.0.1:8080/?scenario=dec-2010&scale=real&t=1500' 4 3
import { launch } from '../e2e/helpers.mjs';
const [url, throttle = '4', secs = '4'] = process.argv.slice(2);
const browser = await launch();
const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await ctx.newPage();
const cdp = await ctx.newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(throttle) });
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await page.goto(url, { waitUntil: 'load' });
await page.waitForTimeout(Number(secs) * 1000);
const { profile } = await cdp.send('Profiler.stop');
await browser.close();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map(); for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
let t = 0; const samples = profile.samples.map((id, i) => { t += profile.timeDeltas[i]; return { id, t, dt: profile.timeDeltas[i + 1] ?? 0 }; });
const idle = (id) => ['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id).callFrame.functionName) && !parent.has(id) || byId.get(id).callFrame.functionName === '(idle)';
// bursts: runs of non-idle samples with gaps < 2 ms
let bursts = []; let cur = null;
for (const s of samples) { if (byId.get(s.id).callFrame.functionName === '(idle)') { if (cur) { bursts.push(cur); cur = null; } continue; }
  if (!cur) cur = { t0: s.t, t1: s.t, ss: [] }; cur.t1 = s.t; cur.ss.push(s); }
if (cur) bursts.push(cur);
const skip = new RegExp(process.env.SKIP ?? 'wasm_bindgen|invoke|shim|closure\}\}|\(root\)|js-to-wasm|wasm-to-js|real|\(program\)|poll|untrack|FnOnce|handleError|\(anon\)|tachys|reactive_graph|Soon');
for (const b of bursts.filter((b) => b.t1 - b.t0 > 60000)) {
  const incl = new Map();
  for (const s of b.ss) { const seen = new Set(); let c = s.id; while (c != null) { const k = byId.get(c).callFrame.functionName; if (!seen.has(k)) { incl.set(k, (incl.get(k) ?? 0) + s.dt); seen.add(k); } c = parent.get(c); } }
  const top = [...incl].filter(([k]) => !skip.test(k)).sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 7)).map(([k, v]) => `${(v / 1000).toFixed(0)} ${k.replace(/::h[0-9a-f]{16}/, '').slice(-60)}`);
  console.log(`burst at ${(b.t0 / 1000).toFixed(0)} ms, ${((b.t1 - b.t0) / 1000).toFixed(0)} ms:\n   ` + top.join('\n   '));
}
