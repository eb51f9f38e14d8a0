// The tipping-point map's compute time in the browser, per scale and CPU throttling, and the
// longest main-thread task while it computes (the map works in slices of at most 8 ms).
//   node bench/tipping.mjs <base-url>
// Prints JSON rows: { scale, throttle, playing,
//   seconds      the page's own figure (first slice to last),
//   wall_s       navigation to data-progress 1,
//   longest_wall_ms / longest_cpu_ms   the longest main-thread task that started after the map
//                began: wall time, and the thread's own CPU time in it (from a Chrome trace).
//                On a busy machine the OS can pause the page mid-task: wall grows, CPU does not.
//   load_wall_ms the page's start-up task (before the map began: not the map's doing) }.
import { launch } from '../e2e/helpers.mjs';

const base = process.argv[2];
if (!base) {
  console.error('usage: node bench/tipping.mjs <base-url>');
  process.exit(2);
}
const browser = await launch();
const rows = [];
try {
  for (const [scale, throttle, playing] of [['classroom', 1, false], ['city', 1, false], ['classroom', 4, false], ['city', 4, false], ['city', 1, true]]) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    await page.addInitScript(() => {
      window.__began = null;
      // When the map's progress first leaves 0 (a task that started before it is not the map's).
      new MutationObserver(() => {
        const m = document.querySelector('[data-testid="tipping-map"]');
        if (window.__began == null && m && Number(m.getAttribute('data-progress')) > 0) window.__began = performance.now();
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-progress'] });
    });
    const events = [];
    cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
    const traced = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.start', { categories: 'toplevel,blink.user_timing,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
    const t0 = Date.now();
    await page.goto(`${base}?scenario=dec-2010&scale=${scale}&panel=tipping&autoplay=${playing ? 1 : 0}`, { waitUntil: 'load', timeout: 60000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="tipping-map"]')?.getAttribute('data-progress')) >= 1, null, { timeout: 600000, polling: 100 });
    const wall = (Date.now() - t0) / 1000;
    const status = await page.locator('.tipping-status').textContent();
    const began = await page.evaluate(() => window.__began);
    await cdp.send('Tracing.end');
    await traced;
    // The page's main thread: the one whose tasks used the most CPU; times from navigationStart.
    const nav = events.find((e) => e.name === 'navigationStart');
    const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.dur != null);
    const cpu = new Map();
    for (const e of tasks) cpu.set(`${e.pid}:${e.tid}`, (cpu.get(`${e.pid}:${e.tid}`) ?? 0) + (e.tdur ?? 0));
    const main = [...cpu.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const mine = tasks.filter((e) => `${e.pid}:${e.tid}` === main).map((e) => ({ at: (e.ts - nav.ts) / 1000, wall: e.dur / 1000, cpu: (e.tdur ?? 0) / 1000 }));
    // The first slice runs just before progress leaves 0: a task ending after `began` minus 10 ms counts.
    const during = mine.filter((t) => t.at + t.wall >= began - 10);
    const before = mine.filter((t) => t.at + t.wall < began - 10);
    const max = (xs, k) => Math.round(Math.max(0, ...xs.map((t) => t[k])));
    rows.push({ scale, throttle, playing, seconds: Number(/computed in ([\d.]+) s/.exec(status)?.[1]), wall_s: wall,
      longest_wall_ms: max(during, 'wall'), longest_cpu_ms: max(during, 'cpu'), load_wall_ms: max(before, 'wall') });
    await ctx.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(rows, null, 1));
