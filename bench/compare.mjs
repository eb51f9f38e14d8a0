// Speed, side by side in one run (issue 7): our view's frame times per scale, the same supernode
// mesh drawn by sigma.js (WebGL) and cytoscape.js (canvas), time to first frame and bundle sizes
// of the release build, and the model's Wasm speed against native. One headless Chromium session
// (Debian's /usr/bin/chromium through playwright-core; nothing is downloaded, nothing leaves
// 127.0.0.1). Prints JSON, then a markdown table. Exits non-zero only when the harness itself fails.
//
//   node bench/compare.mjs [--dist DIR] [--frames N] [--mesh FILE] [--out FILE.json] [--shots DIR] [--skip-wasm-model]
//
// --dist: a `trunk build --release` output (default: dist/); --frames: frames per library (default 5);
// --mesh: `overlay-sim mesh real` JSON (default: /tmp/mesh.json, generated when missing).
// cargo commands use $CARGO_TARGET_DIR (default /work/target-bench) and run in this checkout.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const opt = (name, def) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : def; };
const DIST = resolve(opt('--dist', join(ROOT, 'dist')));
const LIB_FRAMES = Number(opt('--frames', '5'));
const MESH = resolve(opt('--mesh', '/tmp/mesh.json'));
const OUT = opt('--out', null);
const SHOTS = opt('--shots', null); // a folder: save a screenshot of each measured page there
const TARGET = process.env.CARGO_TARGET_DIR ?? '/work/target-bench';
const env = { ...process.env, CARGO_TARGET_DIR: TARGET, CHROMEDRIVER: '/usr/bin/chromedriver' };
const log = (...a) => console.error('[bench]', ...a);
const sorted = (a) => [...a].sort((x, y) => x - y);
const median = (a) => { const s = sorted(a); return s.length ? s[s.length >> 1] : null; };
const p95 = (a) => { const s = sorted(a); return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] : null; };
const r1 = (x) => (x == null ? null : Math.round(x * 10) / 10);
const withTimeout = (p, ms, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms).unref())]);

/** Runs a command with a time limit; resolves with { code, out, err, ms }. */
function run(cmd, args, ms, opts = {}) {
  return new Promise((res) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('close', (code) => { clearTimeout(timer); res({ code, out, err, ms: performance.now() - t0 }); });
  });
}

// ---- machine ------------------------------------------------------------------------------
const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? os.cpus()[0]?.model;
const result = {
  date: new Date().toISOString(),
  machine: { nproc: os.availableParallelism(), cpu, load_at_start: os.loadavg().map(r1), chromium: null },
};

// ---- 4. model: native vs Wasm (before the browser, so compiling does not overlap it) ----------
async function modelSpeed() {
  const build = await run('cargo', ['build', '--release', '-q', '-p', 'overlay-sim'], 20 * 60e3);
  if (build.code !== 0) throw new Error(`cargo build overlay-sim failed:\n${build.err}`);
  const bin = join(TARGET, 'release', 'overlay-sim');
  if (!existsSync(MESH)) {
    log(`writing ${MESH}`);
    writeFileSync(MESH, execFileSync(bin, ['mesh', 'real'], { maxBuffer: 1 << 28, timeout: 120e3 }));
  }
  const native = [];
  for (let i = 0; i < 3; i++) {
    const r = await run(bin, ['run', '--scenario', 'dec-2010', '--hours', '48', '--format', 'csv'], 300e3);
    if (r.code !== 0) throw new Error(`native run failed: ${r.err}`);
    native.push(r.ms);
  }
  const m = { native_ms: r1(median(native)), native_runs_ms: native.map(r1), wasm_ms: null, ratio: null, note: null };
  if (argv.includes('--skip-wasm-model')) { m.note = 'skipped'; return m; }
  log('Wasm model: cargo test --test model_wasm (compiles the wasm test on first use)');
  const w = await run('cargo', ['test', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'supernode-storm',
    '--test', 'model_wasm', '--', '--include-ignored', '--nocapture', 'wasm_speed'], 30 * 60e3);
  const hit = (w.out + w.err).match(/BENCH wasm dec-2010 real 48h: (\d+(?:\.\d+)?) ms/);
  if (hit) { m.wasm_ms = Number(hit[1]); m.ratio = Math.round((m.wasm_ms / m.native_ms) * 100) / 100; }
  else m.note = `no BENCH line (exit ${w.code}): ${(w.err || w.out).slice(-400)}`;
  return m;
}

// ---- static server: dist at /app/, the library pages at /pages/, node_modules at /nm/ ---------
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };
const MOUNTS = { '/app/': DIST, '/pages/': join(ROOT, 'bench', 'pages'), '/nm/': join(ROOT, 'node_modules') };
function serve() {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path === '/mesh.json' ? MESH : null;
    for (const [prefix, dir] of Object.entries(MOUNTS)) {
      if (path.startsWith(prefix)) {
        const f = normalize(join(dir, path.slice(prefix.length)));
        if (f.startsWith(dir)) file = existsSync(f) && statSync(f).isDirectory() ? join(f, 'index.html') : f;
      }
    }
    if (!file || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

// ---- 3. bundle sizes --------------------------------------------------------------------------
function bundleSizes() {
  const files = readdirSync(DIST).filter((f) => /\.(wasm|js)$/.test(f));
  const kb = (n) => Math.round(n / 102.4) / 10;
  return Object.fromEntries(files.map((f) => {
    const b = readFileSync(join(DIST, f));
    return [f, { raw_kb: kb(b.length), gzip_kb: kb(gzipSync(b, { level: 9 }).length) }];
  }));
}

// In the page, before any script: after each animation-frame callback, note the time spent in it
// and the first moment the stage canvas is not blank (pixel spread of a 64×40 thumbnail).
function pageProbe() {
  const raf = window.requestAnimationFrame.bind(window);
  window.__work = [];
  window.__firstFrame = null;
  const thumb = document.createElement('canvas');
  thumb.width = 64; thumb.height = 40;
  const tctx = thumb.getContext('2d', { willReadFrequently: true });
  const check = () => {
    const c = document.querySelector('canvas.stage') ?? document.querySelector('canvas');
    if (!c || !c.width || !c.height) return;
    tctx.clearRect(0, 0, 64, 40);
    tctx.drawImage(c, 0, 0, 64, 40);
    const d = tctx.getImageData(0, 0, 64, 40).data;
    let s = 0, s2 = 0;
    for (let i = 0; i < d.length; i += 4) { const v = d[i] + d[i + 1] + d[i + 2]; s += v; s2 += v * v; }
    const n = d.length / 4;
    if (Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2)) > 3) window.__firstFrame = performance.now();
  };
  window.requestAnimationFrame = (cb) => raf((t) => {
    const s = performance.now();
    cb(t);
    window.__work.push(performance.now() - s);
    if (window.__firstFrame === null) check();
  });
}

async function timeToFirstFrame(browser, url) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } }); // cold cache
  try {
    const page = await ctx.newPage();
    await page.addInitScript(pageProbe);
    await page.goto(url, { waitUntil: 'load', timeout: 60e3 });
    await page.waitForFunction(() => window.__firstFrame !== null, null, { timeout: 30e3 });
    return await page.evaluate(() => window.__firstFrame);
  } finally { await ctx.close(); }
}

async function ourFrames(browser, base, scale) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.addInitScript(pageProbe);
    await page.goto(`${base}?scenario=dec-2010&scale=${scale}&autoplay=1&speed=8&t=270`, { waitUntil: 'load', timeout: 60e3 });
    await page.locator('canvas.stage').waitFor({ state: 'visible', timeout: 30e3 });
    await page.waitForTimeout(1500);
    const minute = () => page.locator('[data-minute]').first().getAttribute('data-minute').then(Number);
    const m0 = await minute();
    const r = await withTimeout(page.evaluate((ms) => new Promise((res) => {
      const ts = []; const w0 = window.__work.length; const t0 = performance.now();
      const f = () => {
        ts.push(performance.now());
        if (performance.now() - t0 < ms) requestAnimationFrame(f);
        else res({ d: ts.slice(1).map((t, i) => t - ts[i]), w: window.__work.slice(w0) });
      };
      requestAnimationFrame(f);
    }), 3000), 30e3, `frames ${scale}`);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `ours-${scale}.png`), timeout: 30e3 });
    return { median_ms: r1(median(r.d)), p95_ms: r1(p95(r.d)), frames: r.d.length,
      work_median_ms: r1(median(r.w)), work_p95_ms: r1(p95(r.w)), minutes: [m0, await minute()],
      lod: await page.locator('canvas.stage').getAttribute('data-lod') };
  } finally { await page.close(); }
}

async function libFrames(browser, origin, lib) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  try {
    await page.goto(`${origin}/pages/${lib}.html`, { waitUntil: 'load', timeout: 60e3 });
    page.setDefaultTimeout(180e3);
    const built = await withTimeout(page.evaluate(() => window.bench.build()), 180e3, `${lib} build`);
    const d = await withTimeout(page.evaluate(([n, cap]) => window.bench.frames(n, cap), [LIB_FRAMES, 60e3]), 200e3, `${lib} frames`);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${lib}.png`), timeout: 120e3 }).catch(() => {});
    return { ...built, build_ms: r1(built.build_ms), median_ms: r1(median(d)), p95_ms: r1(p95(d)), frames: d.length,
      frames_ms: d.map(r1), errors: errors.slice(0, 3) };
  } catch (e) {
    return { error: String(e.message ?? e).split('\n')[0], errors: errors.slice(0, 3) };
  } finally { await page.close().catch(() => {}); }
}

// ---- main ---------------------------------------------------------------------------------
let server, browser;
try {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`no ${DIST}/index.html (trunk build --release first, or --dist DIR)`);
  result.model = await modelSpeed();
  result.bundle = bundleSizes();
  server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  result.machine.load_before_browser = os.loadavg().map(r1);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', timeout: 60e3,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'] });
  result.machine.chromium = browser.version();
  log('time to first frame');
  result.first_frame = {};
  for (const [name, q] of [['default', ''], ['real', '?scenario=dec-2010&scale=real']]) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await timeToFirstFrame(browser, `${origin}/app/${q}`));
    result.first_frame[name] = { median_ms: r1(median(runs)), runs_ms: runs.map(r1) };
  }
  result.ours = {};
  for (const scale of ['classroom', 'city', 'real']) { log(`our view, ${scale}`); result.ours[scale] = await ourFrames(browser, `${origin}/app/`, scale); }
  result.libs = {};
  for (const lib of ['sigma', 'cytoscape']) { log(lib); result.libs[lib] = await libFrames(browser, origin, lib); }
  result.machine.load_at_end = os.loadavg().map(r1);
} catch (e) {
  console.error('[bench] harness error:', e);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  server?.close();
  server?.closeAllConnections?.();
}
if (process.exitCode) process.exit(process.exitCode);

// ---- report ---------------------------------------------------------------------------------
const ours = result.ours.real.median_ms;
for (const lib of Object.values(result.libs)) {
  if (!lib.median_ms) continue;
  lib.ratio_to_ours_real = r1(lib.median_ms / ours); // same measure: rAF interval (ours is capped by the 60 Hz refresh)
  lib.ratio_to_our_work_real = r1(lib.median_ms / result.ours.real.work_median_ms); // against our time inside rAF
}
const wasm = Object.entries(result.bundle).filter(([f]) => f.endsWith('.wasm'));
const wasmGz = wasm.reduce((s, [, v]) => s + v.gzip_kb, 0);
const ff = result.first_frame.default.median_ms;
const sig = result.libs.sigma;
result.targets = {
  'frame <= 1/50 of sigma.js': sig.ratio_to_ours_real == null ? 'not measured' : sig.ratio_to_ours_real >= 50 ? 'met' : 'missed',
  'first frame <= 1.5 s': ff <= 1500 ? 'met' : 'missed',
  'wasm <= 500 KB gzipped': wasmGz <= 500 ? 'met' : 'missed',
  'Wasm model <= 1.5x native': result.model.ratio == null ? 'not measured' : result.model.ratio <= 1.5 ? 'met' : 'missed',
};
const json = JSON.stringify(result, null, 1);
if (OUT) writeFileSync(OUT, json);
console.log(json);
const ms = (x) => (x == null ? '–' : `${x} ms`);
const rows = [
  ['Machine', `${result.machine.cpu}, ${result.machine.nproc} CPUs, Chromium ${result.machine.chromium}, load ${result.machine.load_before_browser.join(' ')} (start ${result.machine.load_at_start.join(' ')}), ${result.date}`],
  ...Object.entries(result.ours).map(([s, r]) => [`Our view, ${s} (${r.lod}), rAF interval median / p95`, `${ms(r.median_ms)} / ${ms(r.p95_ms)} (${r.frames} frames; work in rAF ${ms(r.work_median_ms)} / ${ms(r.work_p95_ms)}; minutes ${r.minutes.join('→')})`]),
  ...Object.entries(result.libs).map(([n, r]) => [`${n}.js, real mesh, 1% recoloured per frame`, r.error ? `error: ${r.error}` :
    `${ms(r.median_ms)} median / ${ms(r.p95_ms)} p95 over ${r.frames} frames (${r.nodes} nodes, ${r.edges} edges; build + first draw ${ms(r.build_ms)}); **${r.ratio_to_ours_real}×** our real-scale frame (${r.ratio_to_our_work_real}× our work per frame)`]),
  ...Object.entries(result.first_frame).map(([n, r]) => [`Time to first frame (${n} URL, cold cache)`, `${ms(r.median_ms)} median of ${r.runs_ms.join(', ')}`]),
  ...Object.entries(result.bundle).map(([f, v]) => [`Bundle ${f}`, `${v.raw_kb} KB raw, ${v.gzip_kb} KB gzipped`]),
  ['Model, dec-2010 real 48 h', `native ${ms(result.model.native_ms)} (runner, csv to a pipe), Wasm ${ms(result.model.wasm_ms)} → **${result.model.ratio ?? '–'}×** native${result.model.note ? ` (${result.model.note})` : ''}`],
  ...Object.entries(result.targets).map(([t, v]) => [`Target: ${t}`, v]),
];
console.log(['\n| Measure | Result |', '| --- | --- |', ...rows.map(([a, b]) => `| ${a} | ${String(b).replace(/\|/g, '/')} |`)].join('\n'));
