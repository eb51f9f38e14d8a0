// The tipping-point map's compute time in the browser, per scale and CPU throttling, and the
// longest task while it computes (the map works in idle slices of at most 8 ms).
//   node bench/tipping.mjs <base-url>
// Prints JSON rows: { scale, throttle, playing, seconds (the page's own figure: first slice to
// last), wall_s (navigation to data-progress 1), longest_task_ms, long_tasks (over 50 ms) }.
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
      window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); }).observe({ type: 'longtask', buffered: true });
    });
    const t0 = Date.now();
    await page.goto(`${base}?scenario=dec-2010&scale=${scale}&panel=tipping&autoplay=${playing ? 1 : 0}`, { waitUntil: 'load', timeout: 60000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="tipping-map"]')?.getAttribute('data-progress')) >= 1, null, { timeout: 600000, polling: 100 });
    const wall = (Date.now() - t0) / 1000;
    const status = await page.locator('.tipping-status').textContent();
    const long = await page.evaluate(() => window.__long);
    rows.push({ scale, throttle, playing, seconds: Number(/computed in ([\d.]+) s/.exec(status)?.[1]), wall_s: wall,
      longest_task_ms: Math.max(0, ...long), long_tasks: long.length });
    await ctx.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(rows, null, 1));
