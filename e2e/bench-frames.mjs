// Frame times of the outage view in headless Chromium (software rendering), per scale, while
// dec-2010 plays at speed 8 — the way ../shared/checks/view measures them (rAF intervals).
// Usage: node e2e/bench-frames.mjs <base-url> [seconds=3] [start-minute=260]
// Prints JSON: { scale: { fps, median_ms, p95_ms, frames, work_median_ms, work_p95_ms, minutes: [from, to], lod } }.
// median/p95 are rAF intervals (capped by the 60 Hz refresh); work_* is the time spent inside the
// page's animation-frame callbacks (the app's model step + drawing), the headroom under that cap.
import { launch } from './helpers.mjs';

const [base, secs = '3', start = '260'] = process.argv.slice(2);
if (!base) {
  console.error('usage: node e2e/bench-frames.mjs <base-url> [seconds] [start-minute]');
  process.exit(2);
}
const browser = await launch();
const out = {};
try {
  for (const scale of ['classroom', 'city', 'real']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(() => {
      const raf = window.requestAnimationFrame.bind(window);
      window.__work = [];
      window.requestAnimationFrame = (cb) => raf((t) => { const s = performance.now(); cb(t); window.__work.push(performance.now() - s); });
    });
    await page.goto(`${base}?scenario=dec-2010&scale=${scale}&autoplay=1&speed=8&t=${start}`, { waitUntil: 'load', timeout: 60000 });
    await page.locator('canvas').first().waitFor({ state: 'visible', timeout: 30000 });
    await page.waitForTimeout(1500);
    const m0 = Number(await page.locator('[data-minute]').first().getAttribute('data-minute'));
    const r = await page.evaluate((ms) => new Promise((res) => {
      const ts = []; const t0 = performance.now(); const w0 = window.__work.length;
      const f = (t) => {
        ts.push(t);
        if (t - t0 < ms) { requestAnimationFrame(f); return; }
        const d = ts.slice(1).map((x, i) => x - ts[i]).sort((a, b) => a - b);
        const w = window.__work.slice(w0).sort((a, b) => a - b);
        res({ fps: +((ts.length - 1) / ((ts.at(-1) - ts[0]) / 1000)).toFixed(1), median_ms: +d[d.length >> 1].toFixed(2),
          p95_ms: +d[Math.floor(d.length * 0.95)].toFixed(2), frames: d.length,
          work_median_ms: +w[w.length >> 1].toFixed(2), work_p95_ms: +w[Math.floor(w.length * 0.95)].toFixed(2) });
      };
      requestAnimationFrame(f);
    }), Number(secs) * 1000);
    const m1 = Number(await page.locator('[data-minute]').first().getAttribute('data-minute'));
    out[scale] = { ...r, minutes: [m0, m1], lod: await page.locator('canvas').first().getAttribute('data-lod') };
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(out, null, 1));
