// Batched re-matching of due renewals (docs/METRICS.md "Renewals"): over seeded random customers —
// multi-order histories, period-by-period orders, renewals inside and outside the grace period,
// signed or first paid after the due month, payments through order and contract plans (deleted and
// cancelled plans among them), cancelled and rate-pending lines, zero ARR, approved / pending /
// deleted adjustments, stale, soft-deleted and re-owned due rows — `refreshAccounts` writes exactly
// the due_renewal rows (every column) that the per-customer implementation from before batching
// writes one customer at a time, whatever the batch size; and PUT settings re-matches everyone.
import { intBetween, pick, seededRng } from '../src/demo/generator.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { newId } from '../src/platform/db/ids.ts';
import { json, login, newTenant, testApp, userWithRole, type Client, type TestTenant } from './harness.ts';
import { refreshAccount, refreshAccounts } from '../src/modules/subscriptions/ledger.service.ts';
import { storeSubscriptionSettings } from '../src/modules/subscriptions/settings.ts';
import { addDays, addMonths } from '../src/modules/subscriptions/term.rules.ts';
import { refreshAccountReference } from './subscriptions-reference.ts';

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let repId: string;
let accounts: string[] = [];

const tdb = (): TenantDb => TenantDb.for(built.platform.db, t.tenantId);

// the demo's seeded generator (mulberry32): a failure replays
const rng = seededRng;
const between = intBetween;

/**
 * Random customers written straight into the tables: 1–4 orders in a row (new, then renewals,
 * expansions, downgrades or a fresh start), each starting on, before, a little after or well
 * after the previous due date, signed up to 40 days before or 50 after its start; lines of one
 * period or booked year by year; plans on the order or on its contract with payments before or
 * after the due month.
 */
async function randomCustomers(seed: number, customers: number): Promise<string[]> {
  const r = rng(seed);
  const owners = [null, t.adminUserId, repId];
  const out: string[] = [];
  await tdb().transaction(async (tx) => {
    const product = newId();
    await tx.exec0(
      sql`insert into product (tenant_id, id, sku, name, type) values (${t.tenantId}, ${product}, ${`S-${seed}`}, '订阅', 'subscription')`,
    );
    let n = 0;
    for (let c = 0; c < customers; c++) {
      const account = newId();
      out.push(account);
      await tx.exec0(sql`insert into account (tenant_id, id, name, owner_id)
        values (${t.tenantId}, ${account}, ${`批量客户${seed}-${c}`}, ${pick(r, owners)})`);
      let contract: string | null = null;
      if (r() < 0.35) {
        contract = newId();
        await tx.exec0(sql`insert into contract (tenant_id, id, number, name, account_id)
          values (${t.tenantId}, ${contract}, ${`HT-${seed}-${c}`}, '框架合同', ${account})`);
      }
      let contractPlan = false;
      let start = addDays('2024-01-01', between(r, 0, 500));
      const orders = between(r, 1, 4);
      for (let k = 0; k < orders; k++) {
        const order = newId();
        const type =
          k === 0 ? 'new' : pick(r, ['renewal', 'renewal', 'renewal', 'expansion', 'new', 'downgrade']);
        const orderDate = addDays(start, between(r, -40, 50));
        const onContract = contract !== null && r() < 0.6;
        await tx.exec0(sql`insert into sales_order (tenant_id, id, number, account_id, contract_id, type, status,
            order_date, amount, amount_currency)
          values (${t.tenantId}, ${order}, ${`B-${seed}-${++n}`}, ${account}, ${onContract ? contract : null}, ${type},
            'confirmed', ${orderDate}::date, 0, 'CNY')`);
        // one period, or the same order booked year by year (no renewal at the inner boundary)
        const periods: Array<[string, string]> =
          r() < 0.2
            ? [
                [start, addDays(addMonths(start, 12), -1)],
                [addMonths(start, 12), addDays(addMonths(start, 24), -1)],
              ]
            : [[start, r() < 0.2 ? addDays(start, between(r, 20, 400)) : addDays(addMonths(start, 12), -1)]];
        const modules = between(r, 1, 3);
        let end = start;
        for (const [s, e] of periods)
          for (let m = 0; m < modules; m++) {
            const roll = r();
            const status = roll < 0.05 ? 'cancelled' : roll < 0.1 ? 'pending_rate' : 'active';
            const arr = status === 'pending_rate' ? null : r() < 0.05 ? 0 : between(r, 1, 500) * 10_000;
            await tx.exec0(sql`insert into subscription_line (tenant_id, id, account_id, order_id, order_line_id,
                order_type, order_date, product_id, service_start, service_end, amount, amount_currency, fx_rate,
                amount_base, amount_base_currency, arr, arr_currency, status)
              values (${t.tenantId}, ${newId()}, ${account}, ${order}, ${newId()}, ${type}, ${orderDate}::date,
                ${product}, ${s}::date, ${e}::date, ${arr ?? 1}, 'CNY', 1, ${arr}::int8, 'CNY', ${arr}::int8, 'CNY',
                ${status})`);
            if (e > end) end = e;
          }
        // payments: a plan on the order or its contract (one live plan per contract), sometimes
        // deleted or cancelled, each instalment paid on some day around the order
        if (r() < 0.6) {
          const viaContract = onContract && !contractPlan && r() < 0.5;
          const roll = r();
          const deleted = roll < 0.1;
          const cancelled = !deleted && roll < 0.2;
          if (viaContract && !deleted && !cancelled) contractPlan = true;
          const plan = newId();
          await tx.exec0(sql`insert into payment_plan (tenant_id, id, number, account_id, contract_id, order_id, amount,
              amount_currency, status, deleted_at)
            values (${t.tenantId}, ${plan}, ${`PP-${seed}-${++n}`}, ${account}, ${viaContract ? contract : null},
              ${viaContract ? null : order}, 1000, 'CNY', ${cancelled ? 'cancelled' : 'open'},
              ${deleted ? sql`now()` : null})`);
          for (let seq = 1; seq <= between(r, 1, 2); seq++) {
            const instalment = newId();
            await tx.exec0(sql`insert into payment_instalment (tenant_id, id, plan_id, seq, due_date, amount)
              values (${t.tenantId}, ${instalment}, ${plan}, ${seq}, ${orderDate}::date, 500)`);
            if (r() < 0.3) continue;
            const payment = newId();
            await tx.exec0(sql`insert into payment (tenant_id, id, number, account_id, received_date, amount, amount_currency)
              values (${t.tenantId}, ${payment}, ${`PM-${seed}-${++n}`}, ${account},
                ${addDays(orderDate, between(r, -10, 90))}::date, 500, 'CNY')`);
            await tx.exec0(sql`insert into payment_allocation (tenant_id, id, payment_id, instalment_id, amount)
              values (${t.tenantId}, ${newId()}, ${payment}, ${instalment}, 500)`);
          }
        }
        // the next order starts on the due date, before it, a little after it or well after it
        start = addDays(
          end,
          1 + pick(r, [0, 0, 0, between(r, -60, -1), between(r, 1, 20), between(r, 30, 120)]),
        );
      }
    }
  });
  return out;
}

/** Moves the state on after a first refresh, so the next one updates, inserts and deletes rows. */
async function disturb(seed: number): Promise<void> {
  const r = rng(seed);
  await tdb().transaction(async (tx) => {
    const lines = await tx.query(sql<{ id: string }>`select id from subscription_line
      where tenant_id = ${t.tenantId} and status = 'active' order by id`);
    for (const l of lines) {
      const roll = r();
      if (roll < 0.08)
        await tx.exec0(
          sql`update subscription_line set status = 'cancelled' where tenant_id = ${t.tenantId} and id = ${l.id}`,
        );
      else if (roll < 0.16) {
        const shift = between(r, -10, 10);
        await tx.exec0(sql`update subscription_line set arr = ${between(r, 0, 300) * 10_000},
            service_end = greatest(service_start, service_end + ${shift}::int)
          where tenant_id = ${t.tenantId} and id = ${l.id}`);
      }
    }
    const dues = await tx.query(sql<{
      id: string;
      account_id: string;
      due_date: string;
    }>`select id, account_id,
        to_char(due_date, 'YYYY-MM-DD') as due_date from due_renewal where tenant_id = ${t.tenantId} order by id`);
    for (const d of dues) {
      const roll = r();
      if (roll < 0.1)
        await tx.exec0(
          sql`update due_renewal set owner_id = null where tenant_id = ${t.tenantId} and id = ${d.id}`,
        );
      else if (roll < 0.15)
        await tx.exec0(sql`update due_renewal set deleted_at = now(), custom = '{"note": "x"}', version = 3
          where tenant_id = ${t.tenantId} and id = ${d.id}`);
      else if (roll < 0.25)
        await tx.exec0(sql`insert into renewal_adjustment (tenant_id, id, account_id, due_date, reason, status, deleted_at)
          values (${t.tenantId}, ${newId()}, ${d.account_id}, ${d.due_date}::date, 'acquired',
            ${pick(r, ['approved', 'approved', 'pending', 'rejected'])}, ${r() < 0.2 ? sql`now()` : null})`);
      else if (roll < 0.3)
        // a due record whose lines are gone (rebuilt away), another never matched
        await tx.exec0(sql`insert into due_renewal (tenant_id, id, owner_id, account_id, due_date, due_arr,
            due_arr_currency, renewed_arr, renewed_arr_currency, renewed_arr_finance_currency, status)
          values (${t.tenantId}, ${newId()}, ${repId}, ${d.account_id}, ${addDays(d.due_date, between(r, 1, 40))}::date,
            500000, 'CNY', 400000, 'CNY', 'CNY', 'renewed') on conflict do nothing`);
    }
    // an adjustment on a day without a due record; a few owners change
    const [first] = dues;
    if (first)
      await tx.exec0(sql`insert into renewal_adjustment (tenant_id, id, account_id, due_date, reason, status)
        values (${t.tenantId}, ${newId()}, ${first.account_id}, '2030-01-01', 'acquired', 'approved')`);
    await tx.exec0(sql`update account set owner_id = ${repId}
      where tenant_id = ${t.tenantId} and id = any(${accounts.filter(() => r() < 0.1)}::uuid[])`);
  });
}

/**
 * Fresh statistics of the tables read: without them the planner takes each table for nearly
 * empty, and the reference's per-line payment lookup scans every plan of the tenant per line.
 */
async function analyze(): Promise<void> {
  await sql`analyze account, sales_order, subscription_line, payment_plan, payment_instalment,
    payment_allocation, payment, due_renewal, renewal_adjustment`.execute(built.platform.db.kysely);
}

class Rollback extends Error {
  constructor(readonly rows: Array<Record<string, unknown>>) {
    super('rollback');
  }
}

/**
 * Every due_renewal row of the tenant after `run` (with grace days set) in a transaction that
 * is then rolled back. Ids made by the run read "new", timestamps set by it "now".
 */
async function after(
  graceDays: number,
  run: (tx: TenantDb) => Promise<void>,
): Promise<Array<Record<string, unknown>>> {
  try {
    await tdb().transaction(async (tx) => {
      const before = (
        await tx.query(sql<{ id: string }>`select id from due_renewal where tenant_id = ${t.tenantId}`)
      ).map((d) => d.id);
      await storeSubscriptionSettings(tx, { renewalGraceDays: graceDays, renewalOpportunityDays: 90 });
      await run(tx);
      throw new Rollback(
        await tx.query(sql<Record<string, unknown>>`select to_jsonb(r) || jsonb_build_object(
            'id', case when r.id = any(${before}::uuid[]) then r.id::text else 'new' end,
            'created_at', case when r.created_at = now() then 'now' else r.created_at::text end,
            'updated_at', case when r.updated_at = now() then 'now' else r.updated_at::text end) as j
          from due_renewal r where r.tenant_id = ${t.tenantId} order by r.account_id, r.due_date`),
      );
    });
  } catch (e) {
    if (e instanceof Rollback) return e.rows.map((x) => x.j as Record<string, unknown>);
    throw e;
  }
  throw new Error('the transaction should have been rolled back');
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  repId = (await userWithRole(admin, 'sales_rep')).userId ?? '';
  accounts = [...(await randomCustomers(11, 90)), ...(await randomCustomers(2026, 90))];
  await analyze();
  // the state before: every customer refreshed once, one by one, then moved on
  await tdb().transaction(async (tx) => {
    for (const a of accounts) await refreshAccountReference(tx, a, '2025-03-15');
  });
  await disturb(5);
  await analyze();
}, 120_000);
afterAll(async () => built?.close());

describe('refreshAccounts (batched) = refreshAccount one customer at a time', () => {
  it('writes the same due_renewal rows, every column, for any batch size', async () => {
    const r = rng(99);
    const seen = { statuses: new Set<string>(), inserted: 0, deleted: 0, financeDiffers: 0, kept: 0 };
    const existing = (
      await tdb().query(
        sql<{ n: number }>`select count(*)::int as n from due_renewal where tenant_id = ${t.tenantId}`,
      )
    )[0]?.n;
    for (const [graceDays, asOf] of [
      [0, '2025-09-30'],
      [14, '2026-02-10'],
      [45, '2026-11-28'],
      [90, '2024-06-01'],
    ] as const) {
      const label = `grace ${graceDays}, as of ${asOf}`;
      // callers pass ids in any order, repeated, upper case, or of no customer
      const shuffled = [...accounts].sort(() => r() - 0.5);
      const ids = [...shuffled, shuffled[0] ?? '', (shuffled[1] ?? '').toUpperCase(), newId()];
      const want = await after(graceDays, async (tx) => {
        for (const a of shuffled) await refreshAccountReference(tx, a, asOf);
      });
      const one = await after(graceDays, async (tx) => {
        for (const a of shuffled) await refreshAccount(tx, a, asOf);
      });
      expect(one, `refreshAccount one by one, ${label}`).toEqual(want);
      for (const size of [1, 7, 64, 1_000]) {
        const got = await after(graceDays, (tx) => refreshAccounts(tx, ids, asOf, size));
        expect(got, `refreshAccounts in batches of ${size}, ${label}`).toEqual(want);
      }
      for (const w of want) {
        seen.statuses.add(String(w.status));
        if (w.id === 'new') seen.inserted++;
        else seen.kept++;
        if (w.renewed_arr !== w.renewed_arr_finance) seen.financeDiffers++;
      }
      seen.deleted += (existing ?? 0) - want.filter((w) => w.id !== 'new').length;
    }
    // the fixtures exercise every branch: all statuses, new, kept and removed rows, both views
    expect([...seen.statuses].sort()).toEqual(['adjusted', 'churned', 'overdue', 'renewed', 'upcoming']);
    expect(seen.inserted).toBeGreaterThan(10);
    expect(seen.deleted).toBeGreaterThan(10);
    expect(seen.kept).toBeGreaterThan(100);
    expect(seen.financeDiffers).toBeGreaterThan(5);
  }, 120_000);

  it('an empty list writes nothing', async () => {
    const before = await after(0, async () => {});
    expect(await after(0, (tx) => refreshAccounts(tx, [], '2026-01-01'))).toEqual(before);
  });
});

describe('PUT /api/v1/subscriptions/settings', () => {
  it('re-matches every customer with the new grace period, as one-by-one refreshes would', async () => {
    const rows = async () =>
      (
        await tdb().query(sql<{ r: Record<string, unknown> }>`select to_jsonb(d) - 'updated_at' as r
          from due_renewal d where tenant_id = ${t.tenantId} order by account_id, due_date`)
      ).map((x) => x.r);
    for (const graceDays of [30, 0]) {
      const put = await admin.put('/api/v1/subscriptions/settings', {
        renewalGraceDays: graceDays,
        renewalOpportunityDays: 60,
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(json<{ data: unknown }>(put).data).toEqual({
        renewalGraceDays: graceDays,
        renewalOpportunityDays: 60,
      });
      const got = await rows();
      const asOf = String(got.find((d) => d.deleted_at === null)?.evaluated_on);
      expect(new Set(got.map((d) => d.evaluated_on))).toEqual(new Set([asOf])); // every row re-matched
      // the reference, one customer at a time, on the state just written: nothing left to change
      const want = await after(graceDays, async (tx) => {
        for (const a of accounts) await refreshAccountReference(tx, a, asOf);
      });
      expect(
        got.map((d) => ({ ...d, created_at: undefined })),
        `grace ${graceDays}`,
      ).toEqual(want.map(({ updated_at: _, ...d }) => ({ ...d, created_at: undefined })));
    }
  }, 60_000);

  it('a renewal starting inside the grace period renews the due record once the grace allows it', async () => {
    const put = (graceDays: number) =>
      admin.put('/api/v1/subscriptions/settings', {
        renewalGraceDays: graceDays,
        renewalOpportunityDays: 60,
      });
    // customers whose renewal line starts 1–20 days after a due date that has passed
    const late = await tdb().query(sql<{ id: string }>`select d.id from due_renewal d
      where d.tenant_id = ${t.tenantId} and d.deleted_at is null and d.due_date < now()::date - 40
        and exists (select 1 from subscription_line l where l.tenant_id = d.tenant_id and l.account_id = d.account_id
          and l.status = 'active' and l.order_type in ('renewal', 'expansion') and l.arr > 0
          and l.service_start between d.due_date + 1 and d.due_date + 20
          and l.order_date <= (date_trunc('month', d.due_date) + interval '1 month - 1 day')::date)
        and not exists (select 1 from subscription_line l where l.tenant_id = d.tenant_id and l.account_id = d.account_id
          and l.status = 'active' and l.order_type in ('renewal', 'expansion') and l.arr > 0
          and l.service_start <= d.due_date and l.service_end >= d.due_date)
        and not exists (select 1 from renewal_adjustment a where a.tenant_id = d.tenant_id and a.account_id = d.account_id
          and a.due_date = d.due_date and a.status = 'approved' and a.deleted_at is null)`);
    expect(late.length).toBeGreaterThan(0);
    const status = async () =>
      (
        await tdb().query(sql<{
          status: string;
          renewed_arr: number;
        }>`select status, renewed_arr from due_renewal
          where tenant_id = ${t.tenantId} and id = any(${late.map((l) => l.id)}::uuid[])`)
      ).map((d) => [d.status, d.renewed_arr > 0]);
    expect((await put(20)).statusCode).toBe(200);
    expect(new Set((await status()).map(String))).toEqual(new Set(['renewed,true']));
    expect((await put(0)).statusCode).toBe(200);
    expect(new Set((await status()).map(String))).toEqual(new Set(['churned,false']));
  }, 60_000);
});
