import { sql } from 'kysely';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';

/**
 * Approved or sent quotes whose last valid day is before `asOf` become expired (audited, one
 * `quote.expired` event each). Quotes being edited or accepted right now are skipped and caught
 * by the next run.
 */
export async function expireLapsedQuotes(tx: TenantDb, asOf: string): Promise<number> {
  const rows = await tx.query(sql<{ id: string; status: string; number: string; quote_version: number }>`
    with due as (
      select id, status from quote
      where tenant_id = ${tx.tenantId} and deleted_at is null and status in ('approved', 'sent')
        and valid_until < ${asOf}::date
      for update skip locked
    )
    update quote q set status = 'expired', version = q.version + 1, updated_at = now(), updated_by = null
    from due where q.tenant_id = ${tx.tenantId} and q.id = due.id
    returning q.id, due.status, q.number, q.quote_version`);
  if (!rows.length) return 0;
  await writeAudit(
    tx,
    { userId: null, apiKeyId: null },
    rows.map((r) => ({
      action: 'update' as const,
      object: 'quote',
      recordId: r.id,
      changes: { status: [r.status, 'expired'] },
      meta: { job: 'cash.quotes_expire', as_of: asOf },
    })),
  );
  await emitEvents(
    tx,
    null,
    rows.map((r) => ({
      type: 'quote.expired',
      object: 'quote',
      recordId: r.id,
      payload: { id: r.id, number: r.number, quote_version: r.quote_version, as_of: asOf },
    })),
  );
  return rows.length;
}

export const quotesExpireJob: JobDef = {
  name: 'cash.quotes_expire',
  schedule: '10 0 * * *',
  description: {
    'zh-CN': '报价单过期：有效期已过的已批准、已发送报价单标记为已过期',
    'en-US': 'Quote expiry: approved or sent quotes past their validity date become expired',
  },
  async run({ tdb, asOf }) {
    const expired = await tdb.transaction((tx) => expireLapsedQuotes(tx, asOf));
    return { expired };
  },
};
