import { sql } from 'kysely';
import type { JobDef } from './jobs.types.ts';
import type { MetadataRegistry } from '../metadata/registry.ts';
import { addDays } from './dates.rules.ts';

const RECYCLE_BIN_DAYS = 30;
// The audit log is kept (it is the record of who changed what); transport tables are not.
const EVENT_RETENTION_DAYS = 30;

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
    {
      name: 'platform.event_retention',
      schedule: '15 4 * * *',
      description: {
        'zh-CN': '清理 30 天前已投递的事件、Webhook 投递记录和已读通知',
        'en-US': 'Delete delivered events, webhook deliveries and read notifications older than 30 days',
      },
      async run({ tenantId, asOf, tdb }) {
        const cutoff = addDays(asOf, -EVENT_RETENTION_DAYS);
        const deliveries = await tdb.exec0(
          sql`delete from webhook_delivery where tenant_id = ${tenantId} and status <> 'pending' and created_at < ${cutoff}::date`,
        );
        const receipts = await tdb.exec0(
          sql`delete from event_receipt where tenant_id = ${tenantId} and handled_at < ${cutoff}::date`,
        );
        const events = await tdb.exec0(
          sql`delete from outbox_event e where e.tenant_id = ${tenantId} and e.dispatched_at < ${cutoff}::date
              and not exists (select 1 from webhook_delivery d where d.tenant_id = e.tenant_id and d.event_id = e.id)`,
        );
        const notifications = await tdb.exec0(
          sql`delete from notification where tenant_id = ${tenantId} and read_at < ${cutoff}::date`,
        );
        return { cutoff, events, receipts, deliveries, notifications };
      },
    },
  ];
}
