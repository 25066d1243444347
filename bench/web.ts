/**
 * Front-end benchmarks (issue 3), measured in Debian's Chromium with the browser's own
 * performance timings, on a real server with the demo tenant:
 *
 * 1. the login route's initial JS: every script the browser fetches for /login, gzipped with
 *    zlib (level 6, what a reverse proxy would send), against the 350 KB budget;
 * 2. a list of 50 rows × 10 columns: from the list response's `responseEnd`
 *    (PerformanceResourceTiming) to the 50th row in the DOM and to the first task after the
 *    frame that shows it (main thread free again = interactive), over N reloads — beside the same
 *    JSON fetched and rendered as a plain DOM table in the same browser, same run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Row } from './lib.ts';

const repo = path.resolve(import.meta.dirname, '..');
const dist = path.join(repo, 'web', 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LOGIN_JS_BUDGET_KB = 350;
const LIST_BUDGET_MS = 500;
const ADMIN = { email: 'admin@flywheel.local', password: 'Bench-Web-Admin-2026' };
/** Ten account columns: the name, five text/select fields, phone, money, a number, the owner (expanded). */
const COLUMNS = [
  'name',
  'type',
  'grade',
  'industry',
  'province',
  'city',
  'phone',
  'annual_revenue',
  'employees',
  'owner_id',
];
const LIST_URL_PART = '/api/v1/objects/account?';

interface WebOptions {
  smoke: boolean;
  iterations?: number;
  log: (m: string) => void;
}

interface Sample {
  rows: number;
  idle: number;
}

/**
 * Runs in the page before anything else: notes when the 50th row (`tr[data-row-key]`) is in the
 * DOM (MutationObserver: right after the commit that adds it), then when the first task after
 * the next frame runs (rendering and paint done, the main thread free for input).
 */
const PROBE = `(() => {
  const w = window;
  w.__fwBench = {};
  const start = () => {
    const mo = new MutationObserver(() => {
      if (w.__fwBench.rows !== undefined) return;
      if (document.querySelectorAll('tr[data-row-key]').length < 50) return;
      w.__fwBench.rows = performance.now();
      mo.disconnect();
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => { w.__fwBench.idle = performance.now(); performance.mark('fw-idle'); };
        ch.port2.postMessage(0);
      });
    });
    mo.observe(document, { childList: true, subtree: true });
  };
  start();
})();`;

/** The bare way: fetch the same JSON, build a plain table with the DOM, same 10 columns. */
const BARE = (url: string, columns: string[]): string => `(async () => {
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  window.__fwBench = {}; // the init-script probe watches this document too
  const cols = ${JSON.stringify(columns)};
  const res = await fetch(${JSON.stringify(url)}, { credentials: 'same-origin' });
  const body = await res.json();
  const text = (r, c) => {
    const v = r[c];
    if (v === null || v === undefined) return '';
    if (typeof v === 'object' && 'amount' in v) return (v.amount / 100).toLocaleString('zh-CN') + ' ' + v.currency;
    const x = r._expand && r._expand[c];
    if (x && x.name) return x.name;
    return String(v);
  };
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const c of cols) { const th = document.createElement('th'); th.textContent = c; head.appendChild(th); }
  const tbody = table.createTBody();
  for (const r of body.data) {
    const tr = tbody.insertRow();
    tr.setAttribute('data-row-key', r.id);
    for (const c of cols) tr.insertCell().textContent = text(r, c);
  }
  document.body.appendChild(table);
})()`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** `flywheel start --demo` on a throw-away data directory, as the browser tests start it. */
async function startDemo(log: (m: string) => void): Promise<{ base: string; stop: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-bench-web-'));
  fs.chmodSync(dataDir, 0o755); // embedded PostgreSQL runs as postgres and must enter it
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logPath = path.join(os.tmpdir(), `flywheel-bench-web-${port}.log`);
  const out = fs.createWriteStream(logPath);
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(repo, 'server', 'bin', 'flywheel.mjs'), 'start', '--demo'],
    {
      cwd: repo,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        FLYWHEEL_DATA_DIR: dataDir,
        FLYWHEEL_ADMIN_PASSWORD: ADMIN.password,
        FLYWHEEL_LOGIN_RATE_LIMIT: '1000',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const t0 = Date.now();
  const deadline = t0 + 180_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`demo server exited with code ${child.exitCode}; log: ${logPath}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`demo server not healthy after 180 s; log: ${logPath}`);
    }
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  log(`web: demo server up in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${base}`);
  return { base, stop };
}

const gzipKb = (buf: Buffer): number => zlib.gzipSync(buf, { level: 6 }).length / 1024;

/** Every script the browser fetches for a cold /login (no cache, no session). */
async function loginJs(browser: Browser, base: string): Promise<{ kb: number; files: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const scripts = new Map<string, Promise<Buffer>>();
  page.on('response', (res) => {
    const url = res.url();
    const type = res.headers()['content-type'] ?? '';
    if (res.request().resourceType() === 'script' || /javascript/.test(type) || /\.m?js(\?|$)/.test(url))
      if (!scripts.has(url)) scripts.set(url, res.body());
  });
  await page.goto(`${base}/login`, { waitUntil: 'networkidle' });
  await page.locator('input[type="password"]').waitFor({ timeout: 30_000 });
  const bodies = await Promise.all(scripts.values());
  await context.close();
  return { kb: bodies.reduce((s, b) => s + gzipKb(b), 0), files: bodies.length };
}

/** All JS the build produced, for context: what code-splitting keeps off the login route. */
function appJs(): { kb: number; files: number } {
  const dir = path.join(dist, 'assets');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.js'));
  return {
    kb: files.reduce((s, f) => s + gzipKb(fs.readFileSync(path.join(dir, f))), 0),
    files: files.length,
  };
}

async function signedIn(browser: Browser, base: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 820 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const res = await context.request.post(`${base}/api/v1/auth/login`, { data: ADMIN });
  if (!res.ok()) throw new Error(`bench sign-in failed: ${res.status()} ${await res.text()}`);
  return context;
}

/** A function, not a string: the app's CSP (script-src 'self') forbids evaluating strings. */
const waitIdle = (page: Page) =>
  page.waitForFunction(
    () => (globalThis as { __fwBench?: { idle?: number } }).__fwBench?.idle !== undefined,
    undefined,
    { timeout: 30_000 },
  );

async function readSample(page: Page): Promise<Sample & { url: string }> {
  await waitIdle(page);
  const got = (await page.evaluate(`(() => {
    const list = performance.getEntriesByType('resource')
      .filter((e) => e.name.includes(${JSON.stringify(LIST_URL_PART)}) && e.name.includes('limit=50'));
    const last = list[list.length - 1];
    return { rows: window.__fwBench.rows, idle: window.__fwBench.idle, end: last ? last.responseEnd : -1, url: last ? last.name : '' };
  })()`)) as { rows: number; idle: number; end: number; url: string };
  if (got.end < 0) throw new Error('no list response in the resource timings');
  return { rows: got.rows - got.end, idle: got.idle - got.end, url: got.url };
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: { url?: string; requestId?: string } };
}

/**
 * Main-thread CPU time (thread time, not wall time) from the list response's arrival to the
 * `fw-idle` mark, from a Chromium trace: what the render costs, whatever else the machine runs.
 */
async function mainThreadCpu(browser: Browser, page: Page, load: () => Promise<void>): Promise<number> {
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'],
  });
  await load();
  await waitIdle(page);
  const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] })
    .traceEvents;
  const ids = new Set(
    events
      .filter((e) => e.name === 'ResourceSendRequest' && e.args?.data?.url?.includes(LIST_URL_PART))
      .map((e) => e.args?.data?.requestId),
  );
  const finished = events.filter((e) => e.name === 'ResourceFinish' && ids.has(e.args?.data?.requestId));
  const idle = events.find((e) => e.name === 'fw-idle');
  if (!finished.length || !idle) throw new Error('trace has no list response or no fw-idle mark');
  const from = Math.max(...finished.map((e) => e.ts));
  return (
    events
      .filter(
        (e) =>
          e.name === 'RunTask' &&
          e.ph === 'X' &&
          e.pid === idle.pid &&
          e.tid === idle.tid &&
          e.ts >= from &&
          e.ts <= idle.ts,
      )
      .reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000
  );
}

const stats = (xs: number[]): { median: number; p95: number } => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95) };
};

/** Returns the web rows, or none (with a message) when the smoke run cannot measure here. */
export async function benchWeb(o: WebOptions): Promise<Row[]> {
  if (!fs.existsSync(CHROMIUM)) {
    const msg = `web: ${CHROMIUM} not found (apt-get install chromium)`;
    if (o.smoke) {
      o.log(`${msg} — skipped in the smoke run`);
      return [];
    }
    throw new Error(msg);
  }
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    if (o.smoke) {
      o.log('web: web/dist is missing (npm run build:web) — skipped in the smoke run');
      return [];
    }
    o.log('web: web/dist is missing, building it (npm run build:web)');
    const built = spawnSync('npm', ['run', 'build:web'], { cwd: repo, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build:web failed');
  }
  const iterations = o.iterations ?? (o.smoke ? 5 : 30);
  const warmup = o.smoke ? 1 : 3;
  const server = await startDemo(o.log);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  try {
    const login = await loginJs(browser, server.base);
    const app = appJs();
    o.log(
      `web: /login loads ${login.files} JS files, ${login.kb.toFixed(1)} KB gzip; the build has ${app.files} (${app.kb.toFixed(0)} KB)`,
    );

    const context = await signedIn(browser, server.base);
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    const listPage = `${server.base}/o/account?cols=${COLUMNS.join(',')}`;
    const fw: Sample[] = [];
    const bare: Sample[] = [];
    let listUrl = '';
    // App and bare alternate load by load, so machine noise hits both alike.
    // One retry per load: a load that never shows its rows (a chunk rebuilt underneath, a
    // stalled request) is logged and measured again rather than failing the whole run.
    const measure = async (what: string, load: () => Promise<unknown>): Promise<Sample & { url: string }> => {
      try {
        await load();
        return await readSample(page);
      } catch (err) {
        const rows = await page.locator('tr[data-row-key]').count();
        o.log(
          `web: ${what} did not settle (${rows} rows on ${page.url()}): ${String(err).split('\n')[0]}; retrying`,
        );
        await load();
        return readSample(page);
      }
    };
    for (let i = 0; i < warmup + iterations; i++) {
      const a = await measure('list page', () => page.goto(listPage));
      listUrl = a.url;
      const b = await measure('bare table', async () => {
        await page.goto(`${server.base}/api/v1/health`);
        await page.evaluate(BARE(listUrl, COLUMNS));
      });
      if (i >= warmup) {
        fw.push(a);
        bare.push(b);
      }
    }
    // CPU cost of the same two renders, from traces (fewer: tracing is heavy).
    const fwCpu: number[] = [];
    const bareCpu: number[] = [];
    for (let i = 0; i < (o.smoke ? 2 : 7); i++) {
      fwCpu.push(await mainThreadCpu(browser, page, async () => void (await page.goto(listPage))));
      await page.goto(`${server.base}/api/v1/health`);
      bareCpu.push(
        await mainThreadCpu(browser, page, async () => void (await page.evaluate(BARE(listUrl, COLUMNS)))),
      );
    }
    const rowsCount = await (async () => {
      await page.goto(listPage);
      await waitIdle(page);
      return page.locator('tr[data-row-key]').count();
    })();
    const colCount = await page.locator('.ant-table-thead th').count();
    await context.close();
    o.log(`web: list page shows ${rowsCount} rows, ${colCount} header cells (incl. the selection column)`);

    const fwIdle = stats(fw.map((s) => s.idle));
    const bareIdle = stats(bare.map((s) => s.idle));
    const fwRows = stats(fw.map((s) => s.rows));
    const bareRows = stats(bare.map((s) => s.rows));
    const fwCpuStats = stats(fwCpu);
    const bareCpuStats = stats(bareCpu);
    return [
      {
        name: 'web: /login initial JS (gzip)',
        unit: 'KB',
        flywheel: login.kb,
        raw: LOGIN_JS_BUDGET_KB,
        ratio: login.kb / LOGIN_JS_BUDGET_KB,
        note: `raw column = the ${LOGIN_JS_BUDGET_KB} KB budget; ${login.files} files; whole app ${app.kb.toFixed(0)} KB in ${app.files} files`,
      },
      {
        name: 'web: list 50 rows × 10 columns, response → 50th row in DOM',
        unit: 'ms (median)',
        flywheel: fwRows.median,
        raw: bareRows.median,
        ratio: fwRows.median / bareRows.median,
        note: `p95 ${fwRows.p95.toFixed(0)} vs ${bareRows.p95.toFixed(1)} ms; raw = same JSON as a plain DOM table`,
      },
      {
        name: 'web: list 50 rows × 10 columns, response → interactive',
        unit: 'ms (median)',
        flywheel: fwIdle.median,
        raw: bareIdle.median,
        ratio: fwIdle.median / bareIdle.median,
        note: `p95 ${fwIdle.p95.toFixed(0)} vs ${bareIdle.p95.toFixed(1)} ms; first task after the frame; budget ${LIST_BUDGET_MS} ms; ${iterations} reloads`,
      },
      {
        name: 'web: list 50 rows × 10 columns, main-thread CPU response → interactive',
        unit: 'ms (median)',
        flywheel: fwCpuStats.median,
        raw: bareCpuStats.median,
        ratio: fwCpuStats.median / bareCpuStats.median,
        note: `thread time from a Chromium trace (${fwCpu.length} loads each): the render's own cost, immune to other load`,
      },
    ];
  } finally {
    await browser.close();
    await server.stop();
  }
}

// `tsx bench/web.ts [--smoke] [--iterations N]`: the web rows alone.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { table } = await import('./lib.ts');
  const i = process.argv.indexOf('--iterations');
  benchWeb({
    smoke: process.argv.includes('--smoke'),
    ...(i > 0 ? { iterations: Number(process.argv[i + 1]) } : {}),
    log: (m) => console.log(`[bench] ${m}`),
  })
    .then((rows) => console.log(`\n${table(rows)}\n`))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
