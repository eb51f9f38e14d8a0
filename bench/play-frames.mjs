// Playing at real scale with the CPU slowed: every frame longer than 40 ms, as start:length@minute,
// and every long task — so jank can be put down to its cause (a new simulated minute's redraw,
// a catch-up slice, start-up).
//   node bench/play-frames.mjs <base-url> [cpu-throttle] [seconds]
// e.g. node bench/play-frames.mjs http://127.0.0.1:8080/ 4 9

import { launch, throttledPage } from '../e2e/helpers.mjs';

const [base, throttle = '4', secs = '9'] = process.argv.slice(2);
const browser = await launch();
const { page } = await throttledPage(browser, throttle);
await page.addInitScript(() => {
  window.__frames = [];
  let last = 0;
  const loop = (t) => {
    const minute = document.querySelector('[data-minute]')?.getAttribute('data-minute');
    if (last) window.__frames.push([Math.round(t), Math.round(t - last), minute]);
    last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
});
await page.goto(`${base}?scenario=dec-2010&scale=real&autoplay=1&speed=8&t=260`, { waitUntil: 'load' });
await page.waitForTimeout(Number(secs) * 1000);
const frames = await page.evaluate(() => window.__frames);
const long = await page.evaluate(() => window.__long);
console.log('long tasks:', long.map(([s, d]) => `${s}+${d}`).join(' '));
console.log('frames over 40 ms:', frames.filter(([, d]) => d > 40).map(([t, d, m]) => `${t}:${d}@${m}`).join(' '));
const sorted = frames.map(([, d]) => d).sort((a, b) => a - b);
console.log(`${frames.length} frames, median ${sorted[sorted.length >> 1]} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)]} ms`);
await browser.close();
