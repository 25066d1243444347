import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADMIN_PASSWORD = 'E2e-Admin-Pass-2026';

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

async function waitForHealth(url: string, child: { exitCode: number | null }, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server at ${url} not healthy after ${ms} ms`);
}

/** Starts the real server with demo data on embedded PostgreSQL in a throw-away directory. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!fs.existsSync(path.join(repo, 'web', 'dist', 'index.html'))) {
    throw new Error('web/dist is missing: run `npm run build:web` first (npm run test:e2e does it)');
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-e2e-'));
  // Embedded PostgreSQL runs as the postgres user and must be able to enter the directory.
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [path.join(repo, 'server', 'bin', 'flywheel.mjs'), 'start', '--demo'],
    {
      cwd: repo,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        FLYWHEEL_DATA_DIR: dataDir,
        FLYWHEEL_ADMIN_PASSWORD: ADMIN_PASSWORD,
        FLYWHEEL_LOGIN_RATE_LIMIT: '1000',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = fs.createWriteStream(path.join(os.tmpdir(), `flywheel-e2e-server-${port}.log`));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  // the first start loads the demo tenant (≈ 20 s on a quiet 2-core machine; minutes when it is busy)
  await waitForHealth(baseUrl, child, 300_000);
  process.env.FW_BASE_URL = baseUrl;

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
