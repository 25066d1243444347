import { sql } from 'kysely';
import type { TenantDb } from '../db/tenant-db.ts';

/** The tenant's time zone, in which a job's as-of day and its periods are read. */
export async function tenantTimeZone(tdb: TenantDb): Promise<string> {
  const row = await tdb.one(
    sql<{ tz: string }>`select time_zone as tz from tenant where id = ${tdb.tenantId}`,
  );
  return row?.tz ?? 'Asia/Shanghai';
}
