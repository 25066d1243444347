import type { Labels } from '../i18n/i18n.ts';
import type { TenantDb } from '../db/tenant-db.ts';

export interface JobContext {
  tenantId: string;
  /** The business date the run is for (YYYY-MM-DD, tenant time zone). */
  asOf: string;
  tdb: TenantDb;
  /**
   * Platform services a job may need beyond the database (absent when a job is called directly,
   * e.g. by the demo loader): e-mail through the tenant's SMTP (or the mail outbox), and a user's
   * actor so work done for a person respects their record scope.
   */
  services?: {
    sendMail(to: string, subject: string, body: string): Promise<'sent' | 'stored' | 'failed'>;
    actorOf(userId: string): Promise<import('../access/permissions.ts').Actor | undefined>;
  };
}

/** A background job that runs per tenant, on a cron schedule and/or on demand. */
export interface JobDef {
  name: string;
  /** Cron expression evaluated in Asia/Shanghai unless `tz` is given. */
  schedule?: string;
  tz?: string;
  description: Labels;
  run(ctx: JobContext): Promise<Record<string, unknown>>;
}
