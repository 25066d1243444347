import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, dropDatabase } from '../src/platform/db/embedded.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'flywheel.mjs');
const PASSWORD = 'Restart-Test-2026';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-restart-'));
fs.chmodSync(dataDir, 0o755);
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  // stop any embedded server left behind, then remove the data
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function env(port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.DATABASE_URL;
  return {
    ...base,
    FLYWHEEL_DATA_DIR: dataDir,
    PORT: String(port),
    FLYWHEEL_ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

async function startServer(
  port: number,
  extra: Record<string, string> = {},
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: env(port, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const end = Date.now() + 90_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      if (r.ok) return { child, output: () => out };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not start: ${out}`);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('start-up, CLI and crash recovery (embedded PostgreSQL)', () => {
  it('first start creates the demo tenant; the CLI works while it runs; kill -9 loses no committed data; SIGTERM stops cleanly', async () => {
    const port = await freePort();
    const first = await startServer(port);
    expect(first.output()).toContain('created tenant "demo" with admin admin@flywheel.local');
    expect(first.output()).not.toContain(PASSWORD);

    // CLI against the running server's embedded PostgreSQL
    const key = (
      await run(
        process.execPath,
        [BIN, 'api-key', 'create', '--tenant', 'demo', '--name', 'restart', '--role', 'admin'],
        { env: env(port) },
      )
    ).stdout.trim();
    expect(key).toMatch(/^fwk_[0-9a-f]{64}_/);
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const created = await fetch(`http://127.0.0.1:${port}/api/v1/objects/account`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: '断电不丢数据有限公司' }),
    });
    expect(created.status).toBe(201);
    const { data } = (await created.json()) as { data: { id: string } };
    const bad = await run(process.execPath, [BIN, 'tenant', 'create', '--slug', 'x'], {
      env: env(port),
    }).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toContain('missing --name');

    // a second server on the same data directory is refused (it would die with the first one's PostgreSQL)
    const again = await run(process.execPath, [BIN, 'start'], { env: env(await freePort()) }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((again as { code: number }).code).toBe(1);
    expect((again as { stderr: string }).stderr).toContain('in use by Flywheel process');

    // crash: the node process dies, its PostgreSQL is orphaned
    const pgPid = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(alive(pgPid)).toBe(true);

    const port2 = await freePort();
    const second = await startServer(port2);
    expect(second.output()).toContain('orphaned embedded PostgreSQL');
    expect(alive(pgPid)).toBe(false);
    const got = await fetch(`http://127.0.0.1:${port2}/api/v1/objects/account/${data.id}`, { headers: auth });
    expect(got.status).toBe(200);
    expect(((await got.json()) as { data: { name: string } }).data.name).toBe('断电不丢数据有限公司');

    // graceful shutdown stops the embedded server too
    const pgPid2 = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    second.child.kill('SIGTERM');
    const code = await new Promise((r) => second.child.once('exit', r));
    expect(code).toBe(0);
    expect(alive(pgPid2)).toBe(false);
  });

  it('runs against an external PostgreSQL given DATABASE_URL (same code path, migrations idempotent)', async () => {
    // A database of its own on the test server: this server's workers must not consume other tests' events.
    const name = `flywheel_ext_${process.pid}`;
    const url = await createDatabase(inject('databaseUrl'), name);
    try {
      const port = await freePort();
      const srv = await startServer(port, { DATABASE_URL: url });
      expect(srv.output()).toContain('created tenant "demo"');
      const r = await run(process.execPath, [BIN, 'migrate'], { env: { ...env(port), DATABASE_URL: url } });
      expect(r.stdout).toContain('database is up to date');
      srv.child.kill('SIGTERM');
      expect(await new Promise((res) => srv.child.once('exit', res))).toBe(0);
    } finally {
      await dropDatabase(inject('databaseUrl'), name);
    }
  });
});
