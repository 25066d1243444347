import { loadConfig, type Config } from './config.ts';
import { startEmbedded, type EmbeddedServer } from './platform/db/embedded.ts';
import { migrate } from './platform/db/migrate.ts';
import { createDb, type Db } from './platform/db/pool.ts';
import { buildApp, migrationSources } from './app.ts';
import {
  createTenant,
  findTenantBySlug,
  generatePassword,
  listTenants,
  syncDefaultRolePermissions,
} from './platform/identity/tenants.service.ts';
import { AuthService } from './platform/identity/auth.service.ts';
import { UsersService } from './platform/identity/users.service.ts';
import { AppError, serializeError } from './platform/http/errors.ts';
import { standardObjects } from './modules/index.ts';
import { loadDemoData } from './demo/demo-loader.ts';
import { parseArgs, requireFlag, type ParsedArgs } from './cli/args.ts';

const HELP = `Flywheel — connected CRM for B2B SaaS

Usage: flywheel <command> [options]

  start [--demo]            run the server (embedded PostgreSQL unless DATABASE_URL is set)
  migrate                   apply pending migrations
  demo [--tenant demo]      load the Chinese B2B SaaS demo dataset
  tenant create --slug <s> --name <n> --admin-email <e> --admin-password <p>
  user create --tenant <slug> --email <e> --name <n> --password <p> --role <role>
  api-key create --tenant <slug> --name <n> --role <role>    (prints the key once)
`;

interface Database {
  url: string;
  embedded: EmbeddedServer | undefined;
}

/** DATABASE_URL, or the embedded server (attaching to a running Flywheel's one). */
async function openDatabase(config: Config, log: (m: string) => void, allowAttach = true): Promise<Database> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: undefined };
  const embedded = await startEmbedded({ dataDir: config.dataDir, log, allowAttach });
  return { url: embedded.url, embedded };
}

async function withDb<T>(config: Config, fn: (db: Db, url: string) => Promise<T>): Promise<T> {
  const d = await openDatabase(config, () => undefined);
  try {
    await migrate(d.url, migrationSources());
    const db = createDb(d.url, 4);
    try {
      return await fn(db, d.url);
    } finally {
      await db.close();
    }
  } finally {
    await d.embedded?.stop();
  }
}

/** First start: tenant `demo` with admin@flywheel.local. */
async function ensureDemoTenant(db: Db, config: Config, log: (m: string) => void): Promise<void> {
  if ((await listTenants(db)).length > 0) return;
  const password = config.adminPassword ?? generatePassword();
  await createTenant(
    db,
    {
      slug: 'demo',
      name: '演示公司',
      adminEmail: 'admin@flywheel.local',
      adminPassword: password,
      adminName: '管理员',
    },
    standardObjects(),
  );
  log(`created tenant "demo" with admin admin@flywheel.local`);
  if (!config.adminPassword) log(`generated admin password (shown once): ${password}`);
}

async function start(args: ParsedArgs): Promise<void> {
  const config = loadConfig();
  const log = (m: string): void => console.log(`[flywheel] ${m}`);
  // A second server on the same data directory would die with the first one's PostgreSQL: refuse.
  const d = await openDatabase(config, log, false);
  const applied = await migrate(d.url, migrationSources());
  if (applied.applied.length) log(`applied ${applied.applied.length} migrations`);
  const built = await buildApp({ config, databaseUrl: d.url });
  await ensureDemoTenant(built.platform.db, config, log);
  const synced = await syncDefaultRolePermissions(built.platform.db, standardObjects());
  if (synced) log(`granted new objects to ${synced} default roles`);
  if (args.flags.demo) {
    const tenant = await findTenantBySlug(built.platform.db, 'demo');
    if (tenant) log(`demo data: ${JSON.stringify(await loadDemoData(built.platform, tenant.id))}`);
  }
  await built.startWorkers();
  await built.app.listen({ port: config.port, host: config.host });
  log(
    `Flywheel is running at http://localhost:${config.port}/ (API docs: http://localhost:${config.port}/api/docs)`,
  );
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await built.close().catch(() => undefined);
    await d.embedded?.stop().catch(() => undefined);
    log('stopped');
    process.exit(0);
  };
  // embedded-postgres installs async-exit-hook, which answers SIGTERM with exit code 143 before
  // our shutdown finishes; Flywheel owns the shutdown order (HTTP, workers, then PostgreSQL).
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'beforeExit'] as const) process.removeAllListeners(sig);
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function tenantBySlug(db: Db, slug: string): Promise<string> {
  const t = await findTenantBySlug(db, slug);
  if (!t) throw new Error(`no tenant "${slug}"`);
  return t.id;
}

/** Runs a CLI command; resolves to its exit code, or 'running' when the server was started. */
export async function runCli(argv: string[]): Promise<number | 'running'> {
  const args = parseArgs(argv);
  const [cmd, sub] = args.positionals;
  const config = loadConfig();
  try {
    switch (cmd) {
      case undefined:
      case 'start':
        await start(args);
        return 'running';
      case 'migrate': {
        const d = await openDatabase(config, (m) => console.log(m));
        const r = await migrate(d.url, migrationSources());
        console.log(r.applied.length ? `applied: ${r.applied.join(', ')}` : 'database is up to date');
        await d.embedded?.stop();
        return 0;
      }
      case 'demo':
        await withDb(config, async (db, url) => {
          await ensureDemoTenant(db, config, console.log);
          const built = await buildApp({ config, databaseUrl: url, logger: false });
          try {
            const tenantId = await tenantBySlug(
              db,
              typeof args.flags.tenant === 'string' ? args.flags.tenant : 'demo',
            );
            console.log(JSON.stringify(await loadDemoData(built.platform, tenantId)));
          } finally {
            await built.close();
          }
        });
        return 0;
      case 'tenant':
        if (sub !== 'create') break;
        await withDb(config, async (db) => {
          const r = await createTenant(
            db,
            {
              slug: requireFlag(args, 'slug'),
              name: requireFlag(args, 'name'),
              adminEmail: requireFlag(args, 'admin-email'),
              adminPassword: requireFlag(args, 'admin-password'),
            },
            standardObjects(),
          );
          console.log(`tenant created: ${r.tenantId}`);
        });
        return 0;
      case 'user':
        if (sub !== 'create') break;
        await withDb(config, async (db) => {
          const tenantId = await tenantBySlug(db, requireFlag(args, 'tenant'));
          const u = await new UsersService(db).createUser(
            { tenantId, userId: null, apiKeyId: null },
            {
              email: requireFlag(args, 'email'),
              name: requireFlag(args, 'name'),
              password: requireFlag(args, 'password'),
              role: requireFlag(args, 'role'),
            },
          );
          console.log(`user created: ${u.id}`);
        });
        return 0;
      case 'api-key':
        if (sub !== 'create') break;
        await withDb(config, async (db) => {
          const tenantId = await tenantBySlug(db, requireFlag(args, 'tenant'));
          const k = await new AuthService(db, { idleMinutes: 0, absoluteHours: 0 }).createApiKey(tenantId, {
            name: requireFlag(args, 'name'),
            roleKey: requireFlag(args, 'role'),
            createdBy: null,
          });
          console.log(k.key);
        });
        return 0;
      case 'help':
      case '--help':
        console.log(HELP);
        return 0;
    }
    console.error(HELP);
    return 2;
  } catch (err) {
    if (err instanceof AppError) {
      const e = serializeError(err, 'en-US').error;
      console.error(`error: ${e.message}${e.details.map((d) => `\n  ${d.field}: ${d.issue}`).join('')}`);
    } else console.error(`error: ${(err as Error).message}`);
    return 1;
  }
}
