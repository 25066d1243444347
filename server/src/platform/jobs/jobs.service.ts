import { sql } from 'kysely';
import PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { listTenants } from '../identity/tenants.service.ts';
import type { JobDef } from './jobs.types.ts';
import { NotifyService } from '../notify/notify.service.ts';
import { loadActor } from '../identity/actor.ts';
import { todayIn } from './dates.rules.ts';

export interface JobRunView {
  id: string;
  job: string;
  as_of: string;
  trigger: string;
  started_at: Date;
  finished_at: Date | null;
  status: string;
  result: Record<string, unknown> | null;
  error: string | null;
}

const queueName = (job: string): string => job.replace(/[^a-zA-Z0-9_.-]/g, '_');

/**
 * Jobs on pg-boss (same PostgreSQL, survives restarts, SKIP LOCKED across nodes). A scheduled
 * run fans out over tenants with each tenant's own "today"; an admin can run a job for their
 * tenant with any as-of date, and the call returns when the run has finished.
 */
export class JobsService {
  private boss: PgBoss | undefined;
  private readonly jobs = new Map<string, JobDef>();

  constructor(
    private readonly db: Db,
    private readonly connectionString: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  register(job: JobDef): void {
    this.jobs.set(job.name, job);
  }

  list(): JobDef[] {
    return [...this.jobs.values()];
  }

  async start(): Promise<void> {
    const boss = new PgBoss({ connectionString: this.connectionString, max: 4 });
    boss.on('error', (err: Error) => this.log.error({ err }, 'pg-boss error'));
    await boss.start();
    for (const job of this.jobs.values()) {
      const q = queueName(job.name);
      await boss.createQueue(q);
      await boss.work(q, async () => {
        await this.runForAllTenants(job.name, 'schedule');
      });
      if (job.schedule) await boss.schedule(q, job.schedule, {}, { tz: job.tz ?? 'Asia/Shanghai' });
    }
    this.boss = boss;
  }

  async stop(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 5_000 });
    this.boss = undefined;
  }

  async runForAllTenants(name: string, trigger: string): Promise<void> {
    for (const t of await listTenants(this.db)) {
      await this.run(t.id, name, todayIn(t.time_zone), trigger).catch((err: unknown) =>
        this.log.error({ err, job: name, tenant: t.slug }, 'job failed'),
      );
    }
  }

  /** Runs one job for one tenant and records the run; a failure is recorded (status 'failed', error) and returned. */
  async run(tenantId: string, name: string, asOf: string, trigger: string): Promise<JobRunView> {
    const job = this.jobs.get(name);
    if (!job) throw new AppError('not_found', 'job_not_found');
    const tdb = TenantDb.for(this.db, tenantId);
    const id = newId();
    await tdb.exec0(
      sql`insert into job_run (tenant_id, id, job, as_of, trigger) values (${tenantId}, ${id}, ${name}, ${asOf}, ${trigger})`,
    );
    try {
      const notify = new NotifyService(this.db);
      const result = await job.run({
        tenantId,
        asOf,
        tdb,
        services: {
          sendMail: (to, subject, body) => notify.sendMail(tenantId, to, subject, body),
          actorOf: async (userId) => loadActor(this.db, tenantId, { userId }),
        },
      });
      await tdb.exec0(
        sql`update job_run set finished_at = now(), status = 'succeeded', result = ${JSON.stringify(result)}::jsonb where tenant_id = ${tenantId} and id = ${id}`,
      );
    } catch (err) {
      await tdb.exec0(
        sql`update job_run set finished_at = now(), status = 'failed', error = ${(err as Error).message} where tenant_id = ${tenantId} and id = ${id}`,
      );
      this.log.error({ err, job: name, tenantId }, 'job failed');
    }
    const row = await tdb.one(
      sql<JobRunView>`select id, job, as_of, trigger, started_at, finished_at, status, result, error from job_run where tenant_id = ${tenantId} and id = ${id}`,
    );
    if (!row) throw new Error('job run vanished');
    return row;
  }

  async lastRuns(tenantId: string): Promise<Map<string, JobRunView>> {
    const rows = await TenantDb.for(this.db, tenantId).query(sql<JobRunView>`
      select distinct on (job) id, job, as_of, trigger, started_at, finished_at, status, result, error
      from job_run where tenant_id = ${tenantId} order by job, started_at desc`);
    return new Map(rows.map((r) => [r.job, r]));
  }
}
