import { sql } from 'kysely';
import { z } from 'zod';
import type { TenantDb } from '../../platform/db/tenant-db.ts';

/** Opportunity settings kept in `tenant.settings.sales` (other sales settings may sit next to them). */
export interface SalesSettings {
  /** reasons a lost deal may give (close_reason) */
  lostReasons: string[];
  /** reasons an invalid deal may give (close_reason) */
  invalidReasons: string[];
  /** an open opportunity of the same type on the same account: warn (the UI asks) or block (422) */
  duplicatePolicy: 'warn' | 'block';
  /** the sales.alerts job tells owners about open deals without a follow-up for this many days */
  noFollowUpDays: number;
}

export const DEFAULT_SALES_SETTINGS: SalesSettings = {
  lostReasons: ['价格因素', '选择了竞争对手', '需求变化', '预算不足', '决策延期', '联系不上'],
  invalidReasons: ['重复商机', '非目标客户', '测试数据', '无真实需求'],
  duplicatePolicy: 'warn',
  noFollowUpDays: 7,
};

export const salesSettingsSchema = z.strictObject({
  lostReasons: z.array(z.string().trim().min(1).max(40)).min(1).max(50),
  invalidReasons: z.array(z.string().trim().min(1).max(40)).min(1).max(50),
  duplicatePolicy: z.enum(['warn', 'block']),
  noFollowUpDays: z.number().int().min(1).max(365),
});

// One read per transaction (an import chunk runs the opportunity hook per row).
const perTransaction = new WeakMap<TenantDb, Promise<SalesSettings>>();

/** The tenant's opportunity settings, defaults filled in (only the keys this file owns). */
export async function loadSalesSettings(tx: TenantDb): Promise<SalesSettings> {
  const load = async (): Promise<SalesSettings> => {
    const row = await tx.one(
      sql<{
        sales: Record<string, unknown> | null;
      }>`select settings->'sales' as sales from tenant where id = ${tx.tenantId}`,
    );
    const stored = row?.sales ?? {};
    const out: SalesSettings = { ...DEFAULT_SALES_SETTINGS };
    // stored keys are validated on save; a tenant may hold other helpers' keys under `sales` too
    const parsed = salesSettingsSchema
      .partial()
      .safeParse(Object.fromEntries(Object.entries(stored).filter(([k]) => k in DEFAULT_SALES_SETTINGS)));
    if (parsed.success)
      for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) Object.assign(out, { [k]: v });
    return out;
  };
  if (!tx.inTransaction) return load();
  let p = perTransaction.get(tx);
  if (!p) {
    p = load();
    perTransaction.set(tx, p);
  }
  return p;
}

/** Merges the keys into `tenant.settings.sales`, leaving any other keys there untouched. */
export async function storeSalesSettings(tx: TenantDb, s: SalesSettings): Promise<void> {
  await tx.exec0(sql`update tenant set settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{sales}',
      coalesce(settings->'sales', '{}'::jsonb) || ${JSON.stringify(s)}::jsonb)
    where id = ${tx.tenantId}`);
  perTransaction.delete(tx);
}
