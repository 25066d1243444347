import { sql } from 'kysely';
import type { JobDef } from './jobs.types.ts';
import type { MetadataRegistry } from '../metadata/registry.ts';
import { addDays } from './dates.rules.ts';

const RECYCLE_BIN_DAYS = 30;

/** Housekeeping every tenant needs. */
export function platformJobs(registry: MetadataRegistry): JobDef[] {
  return [
    {
      name: 'platform.recycle_bin_purge',
      schedule: '30 3 * * *',
      description: {
        'zh-CN': '清理回收站中超过 30 天的记录',
        'en-US': 'Purge recycle-bin records older than 30 days',
      },
      async run({ tenantId, asOf, tdb }) {
        const cutoff = addDays(asOf, -RECYCLE_BIN_DAYS);
        let purged = 0;
        let kept = 0;
        for (const obj of (await registry.objects(tenantId)).values()) {
          const ids = await tdb.query(
            sql<{
              id: string;
            }>`select id from ${sql.table(obj.table)} where tenant_id = ${tenantId} and deleted_at < ${cutoff}::date ${obj.isCustom ? sql`and object = ${obj.apiName}` : sql``} limit 10000`,
          );
          for (const { id } of ids) {
            // One statement per record: a record still referenced elsewhere stays in the bin.
            try {
              purged += await tdb.exec0(
                sql`delete from ${sql.table(obj.table)} where tenant_id = ${tenantId} and id = ${id}`,
              );
            } catch {
              kept += 1;
            }
          }
        }
        return { cutoff, purged, kept };
      },
    },
    {
      name: 'platform.session_cleanup',
      schedule: '0 4 * * *',
      description: { 'zh-CN': '删除已过期的登录会话', 'en-US': 'Delete expired sessions' },
      async run({ tenantId, asOf, tdb }) {
        const deleted = await tdb.exec0(
          sql`delete from session where tenant_id = ${tenantId} and (expires_at < ${asOf}::date or revoked_at < ${asOf}::date - 7)`,
        );
        return { deleted };
      },
    },
  ];
}
