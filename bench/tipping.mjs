// The tipping-point map's compute time in the browser, per scale and CPU throttling, and the
// longest task while it computes (the map works in idle slices of at most 8 ms).
//   node bench/tipping.mjs <base-url>
// Prints JSON rows: { scale, throttle, playing, seconds (the page's own figure: first slice to
// last), wall_s (navigation to data-progress 1), computing_longest_task_ms and computing_long_tasks
// (tasks over 50 ms that started after the map began), load_longest_task_ms (the page's start-up,
// before the map began: not the map's doing) }.
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
      window.__long = []; window.__began = null;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, Math.round(e.duration)]); }).observe({ type: 'longtask', buffered: true });
      // When the map's progress first leaves 0 (a task that started before it is not the map's).
      new MutationObserver(() => {
        const m = document.querySelector('[data-testid="tipping-map"]');
        if (window.__began == null && m && Number(m.getAttribute('data-progress')) > 0) window.__began = performance.now();
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-progress'] });
    });
    const t0 = Date.now();
    await page.goto(`${base}?scenario=dec-2010&scale=${scale}&panel=tipping&autoplay=${playing ? 1 : 0}`, { waitUntil: 'load', timeout: 60000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="tipping-map"]')?.getAttribute('data-progress')) >= 1, null, { timeout: 600000, polling: 100 });
    const wall = (Date.now() - t0) / 1000;
    const status = await page.locator('.tipping-status').textContent();
    const [long, began] = await page.evaluate(() => [window.__long, window.__began]);
    // The first slice runs before progress leaves 0: count tasks that ended after it began.
    const during = long.filter(([t, d]) => t + d >= began).map(([, d]) => d);
    const before = long.filter(([t, d]) => t + d < began).map(([, d]) => d);
    rows.push({ scale, throttle, playing, seconds: Number(/computed in ([\d.]+) s/.exec(status)?.[1]), wall_s: wall,
      computing_longest_task_ms: Math.max(0, ...during), computing_long_tasks: during.length, load_longest_task_ms: Math.max(0, ...before) });
    await ctx.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(rows, null, 1));
