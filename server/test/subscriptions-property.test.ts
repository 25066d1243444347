// Property test of the ARR movements (issue 7): random ledgers (seeded, so a failure replays) are
// summed by the service's one SQL statement and by the reference computation straight from the
// definition; for every month start + movements = end, the customers behind each figure add up to
// it, and both computations agree to the fen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { newId } from '../src/platform/db/ids.ts';
import { newTenant, testApp, type TestTenant } from './harness.ts';
import { MetricsService } from '../src/modules/subscriptions/metrics.service.ts';
import {
  balances,
  movementsFromLines,
  MOVEMENT_KINDS,
  type LedgerLine,
} from '../src/modules/subscriptions/movements.rules.ts';
import { addDays, addMonths } from '../src/modules/subscriptions/term.rules.ts';
import { systemActor } from '../src/modules/leads/index.ts';

let built: BuiltApp;
let t: TestTenant;

/** mulberry32: a small seeded generator, so every run and every failure is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
}, 60_000);
afterAll(async () => built?.close());

/** Writes a random ledger for `customers` fresh accounts straight into the tables (test fixture). */
async function randomLedger(
  seed: number,
  customers: number,
): Promise<{ lines: LedgerLine[]; accounts: string[] }> {
  const r = rng(seed);
  const tdb = TenantDb.for(built.platform.db, t.tenantId);
  const product = newId();
  await tdb.exec0(
    sql`insert into product (tenant_id, id, sku, name, type) values (${t.tenantId}, ${product}, ${`P-${seed}`}, '订阅', 'subscription')`,
  );
  const lines: LedgerLine[] = [];
  const accounts: string[] = [];
  for (let c = 0; c < customers; c++) {
    const account = newId();
    const order = newId();
    accounts.push(account);
    await tdb.exec0(
      sql`insert into account (tenant_id, id, name) values (${t.tenantId}, ${account}, ${`随机客户${seed}-${c}`})`,
    );
    await tdb.exec0(sql`insert into sales_order (tenant_id, id, number, account_id, type, status, order_date, amount, amount_currency)
      values (${t.tenantId}, ${order}, ${`R-${seed}-${c}`}, ${account}, 'new', 'confirmed', '2024-01-01', 0, 'CNY')`);
    const n = Math.floor(r() * 5); // 0–4 lines: gaps, overlaps, returns, stacked add-ons
    for (let i = 0; i < n; i++) {
      const start = addDays('2024-01-01', Math.floor(r() * 900));
      const months = 1 + Math.floor(r() * 30);
      // most lines end the day before a monthly anniversary; some end mid-month
      const end = r() < 0.7 ? addDays(addMonths(start, months), -1) : addDays(start, Math.floor(r() * 400));
      const arr = r() < 0.05 ? 0 : Math.floor(r() * 5_000_000);
      lines.push({ account_id: account, service_start: start, service_end: end, arr });
      await tdb.exec0(sql`insert into subscription_line (tenant_id, id, account_id, order_id, order_line_id, order_type,
          order_date, product_id, service_start, service_end, amount, amount_currency, fx_rate, amount_base,
          amount_base_currency, arr, arr_currency, status)
        values (${t.tenantId}, ${newId()}, ${account}, ${order}, ${newId()}, 'new', '2024-01-01', ${product},
          ${start}::date, ${end}::date, ${arr}, 'CNY', 1, ${arr}, 'CNY', ${arr}, 'CNY', 'active')`);
    }
  }
  return { lines, accounts };
}

describe('ARR movements over random ledgers', () => {
  it('agree with the definition, balance every month, and add up over customers', async () => {
    const metrics = new MetricsService(built.platform.db);
    const actor = systemActor(t.tenantId);
    let all: LedgerLine[] = [];
    for (const seed of [7, 42, 2026]) {
      const { lines } = await randomLedger(seed, 40);
      all = [...all, ...lines];
      const got = await metrics.movements(actor, '2024-01', '2027-06');
      const want = movementsFromLines(all, '2024-01', '2027-06');
      expect(
        got.map(({ restated_from: _, ...m }) => m),
        `seed ${seed}`,
      ).toEqual(want);
      for (const m of got) expect(balances(m), `${m.month} balances (seed ${seed})`).toBe(true);
      // the drill-down of a few busy months lists exactly the customers behind each figure
      const busy = [...got]
        .sort((a, b) => b.new + b.churn + b.expansion - (a.new + a.churn + a.expansion))
        .slice(0, 3);
      for (const m of busy) {
        const rows = await metrics.movementCustomers(actor, m.month, undefined);
        for (const k of MOVEMENT_KINDS) {
          const sum = rows.filter((r) => r.kind === k).reduce((s, r) => s + Math.abs(r.change), 0);
          expect(sum, `${m.month} ${k}`).toBe(m[k]);
        }
      }
    }
  }, 120_000);
});
