// Browser soak (issue 12): plays dec-2010 at speed=max at each scale for a while of real time —
// to the run's end (minute 20160) and, with loop=1, round again — while it acts like a busy
// reader and a busy host page: sandbox actions (kill, add a mega, "Replay with this plan"),
// timeline scrubs, and postMessage commands from a parent page (seeks, loads, junk). It samples
// the minute, Wasm memory, JS heap, DOM nodes (as counted, after a GC, and the app's elements)
// and the longest task since the last sample.
//   node bench/soak.mjs --dist DIR [--scales classroom,city,real] [--seconds 600] [--every 10]
// Prints one JSON line per sample, then a summary line per scale (max after the first minute).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const dist = resolve(arg('--dist', 'dist'));
const scales = arg('--scales', 'classroom,city,real').split(',');
const seconds = Number(arg('--seconds', 600));
const every = Number(arg('--every', 10));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };
const server = createServer(async (req, res) => {
  const p = new URL(req.url, 'http://x').pathname;
  if (p === '/host.html') { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><body style="margin:0"><iframe id="f" style="width:1260px;height:2400px;border:0"></iframe></body>'); return; }
  try { const body = await readFile(join(dist, p.endsWith('/') ? p + 'index.html' : p)); res.writeHead(200, { 'content-type': types[extname(p) || '.html'] ?? 'application/octet-stream' }); res.end(body); }
  catch { res.writeHead(404); res.end(); }
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'] });

async function soak(scale) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.addInitScript(() => {
    window.__long = 0;
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail?.wasm; });
    // The frame's own tasks only (the host page's postMessage loops are its own).
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === 'self') window.__long = Math.max(window.__long, e.duration); }).observe({ type: 'longtask', buffered: true });
  });
  // The app inside a host page, so it takes postMessage commands from its parent.
  await page.goto(`${base}/host.html`);
  await page.evaluate((src) => { document.getElementById('f').src = src; }, `/?scenario=dec-2010&scale=${scale}&speed=max&autoplay=1&loop=1&embed=1&controls=full`);
  const frame = await (await page.waitForSelector('#f')).contentFrame();
  await frame.waitForSelector('[data-minute]', { timeout: 60000 });
  const post = (msg) => page.evaluate((m) => document.getElementById('f').contentWindow.postMessage(m, '*'), msg);
  const t0 = Date.now(); const rows = [];
  let k = 0;
  while ((Date.now() - t0) / 1000 < seconds) {
    await page.waitForTimeout(every * 1000);
    // One action per sample, in turn; then play on.
    const act = ['kill-top', 'sandbox-mega', 'scrub', 'seeks', 'junk', 'apply-plan', 'load'][k++ % 7];
    try {
      if (act === 'scrub') await frame.locator('.timeline-range').fill(String(Math.floor(Math.random() * 20160)));
      else if (act === 'seeks') for (let i = 0; i < 100; i++) await post({ type: 'supernode-storm:seek', minute: Math.floor(Math.random() * 20160) });
      else if (act === 'junk') { await post({ type: 'supernode-storm:load', query: 'x'.repeat(1 << 20) }); await post({ type: 'x'.repeat(1 << 20) }); }
      else if (act === 'load') await post({ type: 'supernode-storm:load', query: `scenario=dec-2010&scale=${scale}&speed=max&autoplay=1&loop=1` });
      else await frame.locator(`[data-testid="${act}"]`).click({ timeout: 2000 });
      if (act !== 'load') await post({ type: 'supernode-storm:play' });
    } catch { /* a control not on show now (e.g. nothing to kill): the soak goes on */ }
    const s = await frame.evaluate(() => ({
      minute: Number(document.querySelector('[data-minute]')?.getAttribute('data-minute')),
      wasm_mb: window.__wasm ? Math.round(window.__wasm.memory.buffer.byteLength / 2 ** 20) : null,
      js_heap_mb: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 2 ** 20) : null,
    }));
    s.long_ms = Math.round(await frame.evaluate(() => window.__long));
    // Chromium's `Nodes` counts nodes no longer in any document until a GC frees them, so it
    // swings with GC timing: read it as it is, then after a collection (the nodes kept), and the
    // elements in the app's document. The collection's own task is left out of the next sample.
    const nodes = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'Nodes')?.value;
    s.dom_nodes = await nodes();
    await cdp.send('HeapProfiler.collectGarbage');
    s.dom_nodes_kept = await nodes();
    s.app_elements = await frame.evaluate(() => document.getElementsByTagName('*').length);
    await frame.evaluate(() => { window.__long = 0; });
    s.scale = scale; s.wall_s = Math.round((Date.now() - t0) / 1000); s.action = act;
    rows.push(s); console.log(JSON.stringify(s));
  }
  const late = rows.filter((r) => r.wall_s > 60);
  const max = (f) => Math.max(...late.map(f));
  console.log(JSON.stringify({ summary: scale, seconds, samples: rows.length, max_wasm_mb: max((r) => r.wasm_mb), max_js_heap_mb: max((r) => r.js_heap_mb), max_dom_nodes: max((r) => r.dom_nodes), max_dom_nodes_kept: max((r) => r.dom_nodes_kept), max_app_elements: max((r) => r.app_elements), longest_task_ms: max((r) => r.long_ms), first: rows[0], last: rows.at(-1) }));
  await ctx.close();
}
for (const s of scales) await soak(s);
await browser.close(); server.close();
