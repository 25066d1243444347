import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { sql } from 'kysely';
import type { Config } from './config.ts';
import { createDb, type Db } from './platform/db/pool.ts';
import { createServer } from './platform/http/server.ts';
import { authenticate } from './platform/http/auth.hooks.ts';
import { MetadataRegistry } from './platform/metadata/registry.ts';
import { MetadataService } from './platform/metadata/metadata.service.ts';
import { RecordsService } from './platform/records/records.service.ts';
import { AuthService } from './platform/identity/auth.service.ts';
import { UsersService } from './platform/identity/users.service.ts';
import { JobsService } from './platform/jobs/jobs.service.ts';
import { platformJobs } from './platform/jobs/platform.jobs.ts';
import { EventDispatcher } from './platform/events/dispatcher.ts';
import { WebhooksService } from './platform/events/webhooks.service.ts';
import { NotifyService } from './platform/notify/notify.service.ts';
import { ImportService } from './platform/io/import.service.ts';
import { ExportService } from './platform/io/export.service.ts';
import { registerIdentityRoutes } from './platform/identity/identity.routes.ts';
import { registerRecordRoutes } from './platform/records/records.routes.ts';
import { registerMetadataRoutes } from './platform/metadata/metadata.routes.ts';
import { registerAuditRoutes } from './platform/audit/audit.routes.ts';
import { registerJobRoutes } from './platform/jobs/jobs.routes.ts';
import { registerWebhookRoutes } from './platform/events/webhooks.routes.ts';
import { registerNotifyRoutes } from './platform/notify/notify.routes.ts';
import { registerIoRoutes } from './platform/io/io.routes.ts';
import { registerViewRoutes } from './platform/views/views.routes.ts';
import { ViewsService } from './platform/views/views.service.ts';
import { registerSearchRoutes } from './platform/records/search.routes.ts';
import { serveWebApp } from './platform/http/web.ts';
import { ApprovalsService } from './platform/approvals/approvals.service.ts';
import { registerApprovalRoutes } from './platform/approvals/approvals.routes.ts';
import { approvalRemindersJob } from './platform/approvals/approvals.jobs.ts';
import { APPROVAL_EVENTS } from './platform/approvals/approvals.types.ts';
import { repoRoot } from './config.ts';
import type { Platform } from './platform/platform.ts';
import { loadActor } from './platform/identity/actor.ts';
import type { ModuleDef } from './platform/module.ts';
import { modules as allModules } from './modules/index.ts';
import { FilesService } from './platform/files/files.service.ts';
import { registerFileRoutes } from './platform/files/files.routes.ts';

export interface BuiltApp {
  app: FastifyInstance;
  platform: Platform;
  /** Starts background work: event dispatch, webhook sending, pg-boss jobs. */
  startWorkers(): Promise<void>;
  close(): Promise<void>;
}

export interface BuildOptions {
  config: Config;
  databaseUrl: string;
  modules?: ModuleDef[];
  logger?: boolean;
  poolSize?: number;
}

/** Assembles platform services and module routes into one Fastify app. */
export async function buildApp(opts: BuildOptions): Promise<BuiltApp> {
  const { config } = opts;
  const mods = opts.modules ?? allModules;
  const db: Db = createDb(opts.databaseUrl, opts.poolSize ?? 10);
  const app = await createServer({
    logLevel: config.logLevel,
    bodyLimitBytes: config.bodyLimitBytes,
    logger: opts.logger ?? true,
    trustProxy: config.trustProxy,
    behindTls: config.secureCookies,
  });
  await app.register(multipart, { limits: { fileSize: 200 * 1024 * 1024, files: 1 } });

  const registry = new MetadataRegistry(
    db,
    mods.flatMap((m) => m.objects),
  );
  const records = new RecordsService(db, registry);
  const auth = new AuthService(db, {
    idleMinutes: config.sessionIdleMinutes,
    absoluteHours: config.sessionAbsoluteHours,
  });
  const jobs = new JobsService(db, opts.databaseUrl, app.log);
  const events = new EventDispatcher(db, opts.databaseUrl, app.log);
  const webhooks = new WebhooksService(db, app.log);
  const filesDir = path.join(config.dataDir, 'files');
  const platform: Platform = {
    config,
    db,
    log: app.log,
    registry,
    metadata: new MetadataService(db, registry, app.log),
    records,
    auth,
    users: new UsersService(db),
    jobs,
    events,
    webhooks,
    notify: new NotifyService(db),
    imports: new ImportService(db, records, filesDir, app.log),
    exports: new ExportService(db, records),
    approvals: new ApprovalsService(
      db,
      registry,
      records,
      new Map(mods.flatMap((m) => Object.entries(m.approvals ?? {}))),
    ),
    files: new FilesService(db, records, filesDir),
  };
  for (const j of platformJobs(registry)) jobs.register(j);
  jobs.register(approvalRemindersJob(platform.approvals));
  for (const m of mods) {
    for (const j of typeof m.jobs === 'function' ? m.jobs(platform) : (m.jobs ?? [])) jobs.register(j);
  }
  events.subscribe(webhooks.subscriber());
  for (const m of mods) for (const s of m.subscribers?.(platform) ?? []) events.subscribe(s);

  app.get(
    '/api/v1/health',
    { schema: { tags: ['health'], summary: 'Liveness and database check', security: [] } },
    async (_req, reply) => {
      try {
        await sql`select 1`.execute(db.kysely);
        return { status: 'ok' };
      } catch {
        return reply.status(503).send({ status: 'unavailable' });
      }
    },
  );

  const protectedScope = (fn: (scoped: FastifyInstance) => void): void => {
    void app.register(async (scoped) => {
      scoped.addHook('onRequest', authenticate(auth));
      fn(scoped);
    });
  };
  registerIdentityRoutes(app, {
    db,
    auth,
    users: platform.users,
    secureCookies: config.secureCookies,
    loginRateLimit: config.loginRateLimit,
    protectedScope,
  });
  protectedScope((scoped) => {
    registerMetadataRoutes(scoped, registry, platform.metadata);
    registerRecordRoutes(scoped, records);
    registerIoRoutes(scoped, platform.imports, platform.exports);
    registerAuditRoutes(scoped, db, records);
    registerJobRoutes(scoped, jobs);
    registerWebhookRoutes(scoped, webhooks, async (tenantId) => {
      const generic = [...(await registry.objects(tenantId)).keys()].flatMap((o) =>
        ['created', 'updated', 'deleted', 'restored'].map((e) => `${o}.${e}`),
      );
      return [
        '*',
        ...generic,
        'attachment.added',
        ...APPROVAL_EVENTS,
        ...mods.flatMap((m) => m.events ?? []),
      ].sort();
    });
    registerNotifyRoutes(scoped, db, platform.notify);
    registerViewRoutes(scoped, new ViewsService(db, registry));
    registerSearchRoutes(scoped, records);
    registerApprovalRoutes(scoped, platform.approvals);
    registerFileRoutes(scoped, platform.files);
    for (const m of mods) m.routes?.(scoped, platform);
  });

  for (const m of mods)
    if (m.publicRoutes) await app.register(async (scope) => m.publicRoutes?.(scope, platform));

  // The web app (when built) from the same process and port.
  await serveWebApp(app, path.join(repoRoot, 'web', 'dist'));

  let workers = false;
  let resumeTimer: NodeJS.Timeout | undefined;
  const resumeImports = (): void => {
    void platform.imports
      .resumeStale((tenantId, userId) => loadActor(db, tenantId, { userId }))
      .catch((err: unknown) => app.log.error({ err }, 'resuming imports failed'));
  };
  return {
    app,
    platform,
    async startWorkers() {
      workers = true;
      await events.start();
      webhooks.start();
      resumeImports();
      resumeTimer = setInterval(resumeImports, 60_000);
      if (config.runJobs) await jobs.start();
    },
    async close() {
      await app.close();
      if (resumeTimer) clearInterval(resumeTimer);
      if (workers) {
        await events.stop();
        webhooks.stop();
        await jobs.stop();
      }
      await db.close();
    },
  };
}

/** Module migration sources in order: platform first. */
export function migrationSources(mods: ModuleDef[] = allModules): { module: string; dir: string }[] {
  return [
    {
      module: 'platform',
      dir: path.join(path.dirname(new URL(import.meta.url).pathname), 'platform', 'migrations'),
    },
    ...mods.map((m) => ({ module: m.name, dir: m.migrationsDir })),
  ];
}
