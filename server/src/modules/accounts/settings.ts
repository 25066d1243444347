import { sql } from 'kysely';
import { z } from 'zod';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { DEFAULT_PROTECTION, type ProtectionSettings } from './protection.rules.ts';
import type { GradeRule } from './grade.rules.ts';

/** The tenant's account rules (`tenant.settings.accounts`), DOMAIN.md §2. */
export interface AccountSettings {
  /** global holding limit per person (保有量): accounts a user may own at once */
  holdingLimit: number;
  /** whether won accounts count toward the global and per-pool limits */
  wonCountsTowardLimit: boolean;
  /** days a previous owner waits before claiming an account back after it was returned or reclaimed */
  reclaimCooldownDays: number;
  /**
   * protection period of accounts claimed from a pool (the rule shared with leads). Off by
   * default: with it on, every claimed account that is not won goes back within hardLimitDays,
   * which suits pools of cold accounts, not a B2B cycle of months.
   */
  protection: ProtectionSettings & { enabled: boolean };
  /** a create/edit matching an existing account: warn (the UI checks first) or block */
  duplicatePolicy: 'warn' | 'block';
  /** ordered: the first rule that holds sets the grade; none = grades are set by hand */
  gradeRules: GradeRule[];
  /** the grade when rules exist and none holds (null clears it) */
  gradeFallback: string | null;
  /** reasons offered when an account is returned to a pool */
  returnReasons: string[];
}

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = {
  holdingLimit: 200,
  wonCountsTowardLimit: false,
  reclaimCooldownDays: 7,
  protection: { ...DEFAULT_PROTECTION, enabled: false },
  duplicatePolicy: 'warn',
  gradeRules: [],
  gradeFallback: null,
  returnReasons: ['无法联系', '无购买意向', '非目标客户', '已被竞争对手签约', '资源调整'],
};

export const accountSettingsSchema = z.strictObject({
  holdingLimit: z.number().int().min(1).max(100_000),
  wonCountsTowardLimit: z.boolean(),
  reclaimCooldownDays: z.number().int().min(0).max(365),
  protection: z.strictObject({
    enabled: z.boolean(),
    days: z.number().int().min(1).max(3650),
    extendDays: z.number().int().min(0).max(3650),
    hardLimitDays: z.number().int().min(1).max(3650),
  }),
  duplicatePolicy: z.enum(['warn', 'block']),
  gradeRules: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(40),
        grade: z.string().min(1).max(40),
        match: z.enum(['any', 'all']),
        conditions: z
          .array(
            z.strictObject({
              field: z.string().min(1).max(64),
              op: z.enum(['gte', 'lte', 'eq', 'ne', 'contains', 'in', 'is_set']),
              value: z.unknown().optional(),
            }),
          )
          .max(10),
      }),
    )
    .max(20),
  gradeFallback: z.string().min(1).max(40).nullable(),
  returnReasons: z.array(z.string().min(1).max(40)).min(1).max(50),
});

// One read per transaction: an import chunk runs the account hook once per row.
const perTransaction = new WeakMap<TenantDb, Promise<AccountSettings>>();

/** The tenant's account settings, defaults filled in. */
export async function loadAccountSettings(tx: TenantDb): Promise<AccountSettings> {
  const load = async (): Promise<AccountSettings> => {
    const row = await tx.one(
      sql<{
        accounts: Partial<AccountSettings> | null;
      }>`select settings->'accounts' as accounts from tenant where id = ${tx.tenantId}`,
    );
    const saved = row?.accounts ?? {};
    return {
      ...DEFAULT_ACCOUNT_SETTINGS,
      ...saved,
      protection: { ...DEFAULT_ACCOUNT_SETTINGS.protection, ...(saved.protection ?? {}) },
    };
  };
  if (!tx.inTransaction) return load();
  let p = perTransaction.get(tx);
  if (!p) {
    p = load();
    perTransaction.set(tx, p);
  }
  return p;
}

/** The leads module's fuzzy-name threshold (one similarity setting for the whole tenant). */
export async function loadFuzzyThreshold(tx: TenantDb): Promise<number> {
  const row = await tx.one(
    sql<{
      th: string | null;
    }>`select settings->'leads'->>'fuzzyThreshold' as th from tenant where id = ${tx.tenantId}`,
  );
  const th = Number(row?.th ?? '0.6');
  return Number.isFinite(th) && th >= 0.3 && th <= 1 ? th : 0.6;
}
