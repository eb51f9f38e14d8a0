// Scrub latency at real scale: compute 48 h, then scrub the timeline to 68 minutes (60 random
// plus the hardest for checkpoint replay) and read the model's seek time (data-seek-ms).
//   node bench/scrub-latency.mjs <base-url>
import { launch, openPage } from '../e2e/helpers.mjs';
const b = await launch();
const p = await openPage(b, process.argv[2] + '?scenario=dec-2010&scale=real&autoplay=0', { width: 1280, height: 800 });
const min = async () => Number(await p.locator('[data-minute]').first().getAttribute('data-minute'));
const t0 = Date.now();
await p.locator('[data-testid="timeline"] input[type="range"]').evaluate((el) => { el.value = '2880'; el.dispatchEvent(new Event('input', { bubbles: true })); });
while ((await min()) < 2880) { await p.waitForTimeout(500); if (Date.now() - t0 > 400000) break; }
console.log('computed 48 h at real scale (sliced jump) in', (Date.now() - t0) / 1000, 's; minute', await min());
await p.waitForTimeout(1000);
const r = await p.evaluate(async () => {
  const el = document.querySelector('[data-testid="timeline"] input[type="range"]');
  const tl = document.querySelector('[data-testid="timeline"]');
  const root = document.querySelector('[data-minute]');
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const out = []; let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const targets = [];
  for (let i = 0; i < 60; i++) targets.push(Math.floor(rnd() * 2880));
  targets.push(2880, 0, 2879, 1, 59, 119, 2819, 1079, 1199, 1139);
  for (const m of targets) {
    const t = performance.now();
    el.value = String(m); el.dispatchEvent(new Event('input', { bubbles: true }));
    while (Number(root.dataset.minute) !== m && performance.now() - t < 10000) await frame();
    await new Promise(r => setTimeout(r, 0));
    out.push({ m, seek: Number(tl.dataset.seekMs), shown: performance.now() - t });
  }
  return out;
});
const q = (a, k) => { const s = a.map(x => x[k]).sort((x, y) => x - y); return { median: +s[s.length >> 1].toFixed(1), p90: +s[Math.floor(s.length * 0.9)].toFixed(1), worst: +s.at(-1).toFixed(1) }; };
console.log(JSON.stringify({ n: r.length, model_seek_ms: q(r, 'seek'), until_clock_shows_ms: q(r, 'shown'), slowest: r.sort((a, b) => b.seek - a.seek).slice(0, 4) }));
console.log('errors', JSON.stringify(p.errors));
await b.close();
