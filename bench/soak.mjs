// Browser soak: play `dec-2010` at real scale "as fast as possible" for a simulated week in
// headless Chromium, sampling the JS heap and the Wasm memory. Prints JSON lines and a summary.
//   node bench/soak.mjs --dist DIR [--minutes 10080] [--timeout-s 900]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const dist = resolve(arg('--dist', 'dist'));
const target = Number(arg('--minutes', 7 * 24 * 60));
const timeoutS = Number(arg('--timeout-s', 900));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };
const server = createServer(async (req, res) => {
  const p = new URL(req.url, 'http://x').pathname;
  try { const body = await readFile(join(dist, p.endsWith('/') ? p + 'index.html' : p)); res.writeHead(200, { 'content-type': types[extname(p) || '.html'] ?? 'application/octet-stream' }); res.end(body); }
  catch { res.writeHead(404); res.end(); }
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--enable-precise-memory-info'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasmMemory = e.detail.wasm.memory; }));
await page.goto(`${base}?scenario=dec-2010&scale=real&speed=max&autoplay=1`, { waitUntil: 'load' });
const sample = () => page.evaluate(() => ({
  minute: Number(document.querySelector('[data-minute]')?.getAttribute('data-minute')),
  js_heap_mb: performance.memory ? performance.memory.usedJSHeapSize / 2 ** 20 : null,
  wasm_mb: window.__wasmMemory ? window.__wasmMemory.buffer.byteLength / 2 ** 20 : null,
}));
const t0 = Date.now(); const samples = [];
while ((Date.now() - t0) / 1000 < timeoutS) {
  const s = { ...(await sample()), wall_s: Math.round((Date.now() - t0) / 1000) };
  samples.push(s); console.log(JSON.stringify(s));
  if (s.minute >= target) break;
  await new Promise((r) => setTimeout(r, 10000));
}
const day1 = samples.find((s) => s.minute >= 1440) ?? samples[0];
const last = samples.at(-1);
console.log(JSON.stringify({ summary: true, minutes: last.minute, wall_s: last.wall_s, after_day1: day1, at_end: last }));
await browser.close(); server.close();
