import type { Labels } from '../i18n/i18n.ts';
import type { TenantDb } from '../db/tenant-db.ts';

export interface JobContext {
  tenantId: string;
  /** The business date the run is for (YYYY-MM-DD, tenant time zone). */
  asOf: string;
  tdb: TenantDb;
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
