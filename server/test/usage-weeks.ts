// Hand-scored telemetry weeks shared by the success tests: seven equal days per week, inserted
// straight into usage_daily (the ingestion path has its own tests in success-usage.test.ts).
import { sql } from 'kysely';
import type { TenantDb } from '../src/platform/db/tenant-db.ts';

export interface Day {
  purchased: number;
  activated: number;
  login: number;
  bi: number;
  modules: Record<string, number>;
  admin?: string;
  quotas?: Record<string, { used: number; limit: number }>;
}

// week totals with the default weights (hand-computed):
// TOP 96.0 — modules 21 pts → 100 (45), 42 records / 18 seats → 80 (16), 18/20 → 100 (10),
//   15/18 logins → 100 (10), 6/18 BI → 100 (15)
export const TOP: Day = {
  purchased: 20,
  activated: 18,
  login: 15,
  bi: 6,
  modules: { account: 2, contract: 1, order: 1, payment: 1, invoice: 1 },
};
// MID 40.0 — 4 pts → 20 (9), 21/18 → 50 (10), 18/20 → 100 (10), 9/18 → 50 (5), 2/18 → 40 (6)
export const MID: Day = {
  purchased: 20,
  activated: 18,
  login: 9,
  bi: 2,
  modules: { account: 1, contact: 1, opportunity: 1 },
};
// WEAK 5.3 — 1 pt → 5 (2.25), 7/20 → 10 (2), 20/50 → 10 (1), 3/20 → 0, 0 → 0
export const WEAK: Day = { purchased: 50, activated: 20, login: 3, bi: 0, modules: { account: 1 } };

/** Seven days of telemetry for the week starting `monday`. */
export async function insertWeek(tdb: TenantDb, accountId: string, monday: string, d: Day): Promise<void> {
  await tdb.exec0(sql`insert into usage_daily (tenant_id, account_id, day, purchased_seats, activated_seats,
      logged_in_users_7d, bi_users_7d, module_records, admin_user, quotas)
    select ${tdb.tenantId}, ${accountId}, g::date, ${d.purchased}, ${d.activated}, ${d.login}, ${d.bi},
      ${JSON.stringify(d.modules)}::jsonb, ${d.admin ?? null}, ${d.quotas ? JSON.stringify(d.quotas) : null}::jsonb
    from generate_series(${monday}::date, ${monday}::date + 6, interval '1 day') g`);
}
