/**
 * Subscriptions benchmarks (issue 7): monthly ARR movements over 36 months and renewal rates for a
 * year, each beside a hand-written single SQL statement doing the same computation the obvious way
 * in the same run — and a check that both give the same numbers (printed loudly if not). Also
 * re-matching every customer's due renewals (a new grace period), batched beside the
 * per-customer implementation it replaced, with a check that both write the same rows.
 */
import type pg from 'pg';
import { sql } from 'kysely';
import { v7 } from 'uuid';
import type { Platform } from '../server/src/platform/platform.ts';
import { TenantDb } from '../server/src/platform/db/tenant-db.ts';
import {
  MetricsService,
  refreshAccount,
  refreshAccounts,
} from '../server/src/modules/subscriptions/index.ts';
import { REFRESH_BATCH } from '../server/src/modules/subscriptions/ledger.service.ts';
import { storeSubscriptionSettings } from '../server/src/modules/subscriptions/settings.ts';
import { addDays, addMonths, monthEnd, shiftMonth } from '../server/src/modules/subscriptions/term.rules.ts';
import { intBetween, seededRng } from '../server/src/demo/generator.ts';
import { refreshAccountReference } from '../server/test/subscriptions-reference.ts';
import { benchTenant, copyAccounts, copyRows } from './cash.ts';
import { compare, latencyRow, table, throughputRow, type Row } from './lib.ts';

const AS_OF = '2026-11-27';

const FIRST = '2023-01';
const FROM = '2024-01';
const TO = '2026-12'; // 36 months

interface Line {
  account: string;
  order: string;
  type: string;
  orderDate: string;
  start: string;
  end: string;
  arr: number;
}

/**
 * Customer histories: a first year from a month in 2023–2025 with 1–5 modules (one order, one line
 * per module, same period), then yearly renewals (80 %; modules added or dropped, prices moving
 * −20 … +30 %), some mid-term add-ons co-terminated with the year, some customers leaving and a
 * few coming back later with a new order. About `linesWanted` lines in all.
 */
function histories(accounts: string[], linesWanted: number, seed: number): Line[] {
  const rng = seededRng(seed);
  const out: Line[] = [];
  const maxModules = Math.max(1, Math.min(8, Math.round(linesWanted / accounts.length / 2)));
  for (const account of accounts) {
    let start = addMonths(`${FIRST}-01`, intBetween(rng, 0, 35));
    let modules = Array.from(
      { length: intBetween(rng, 1, maxModules) },
      () => intBetween(rng, 20, 300) * 10_000_00,
    );
    let type = 'new';
    while (start <= '2026-12-01') {
      const end = addDays(addMonths(start, 12), -1);
      const order = v7();
      const orderDate = addDays(start, -intBetween(rng, 0, 20));
      for (const arr of modules) out.push({ account, order, type, orderDate, start, end, arr });
      if (rng() < 0.3) {
        const addStart = addMonths(start, intBetween(rng, 2, 9));
        out.push({
          account,
          order: v7(),
          type: 'expansion',
          orderDate: addDays(addStart, -3),
          start: addStart,
          end,
          arr: intBetween(rng, 5, 100) * 10_000_00,
        });
      }
      const roll = rng();
      if (roll < 0.8) {
        type = 'renewal';
        start = addDays(end, 1);
        modules = modules
          .filter(() => rng() > 0.1)
          .map((a) => Math.max(10_000_00, Math.round((a * (80 + intBetween(rng, 0, 50))) / 100)));
        if (!modules.length || rng() < 0.15) modules.push(intBetween(rng, 20, 300) * 10_000_00);
      } else if (roll < 0.9) {
        type = 'new'; // gone for a while, then back
        start = addMonths(addDays(end, 1), intBetween(rng, 2, 8));
      } else break;
    }
  }
  return out;
}

/** The movements the obvious way: every customer's ARR at every month-end, compared month by month. */
const RAW_MOVEMENTS = `
with months as (
  select (date_trunc('month', d) + interval '1 month - 1 day')::date as eom, to_char(d, 'YYYY-MM') as month
  from generate_series($2::date, $3::date, interval '1 month') d
), arr as (
  select m.month, m.eom, l.account_id, sum(l.arr) as arr
  from months m join subscription_line l on l.tenant_id = $1 and l.status = 'active' and l.arr > 0
    and l.service_start <= m.eom and l.service_end >= m.eom
  group by m.month, m.eom, l.account_id
), firsts as (
  -- the first month-end with ARR: a line counts at the end of its start month if it lasts till then
  select l.account_id, min(date_trunc('month', l.service_start))::date as first_month
  from subscription_line l where l.tenant_id = $1 and l.status = 'active' and l.arr > 0
    and l.service_end >= (date_trunc('month', l.service_start) + interval '1 month - 1 day')::date
  group by l.account_id
), pairs as (
  select m.month, coalesce(p.arr, 0) as s, coalesce(c.arr, 0) as e, k.account_id
  from months m
  join months pm on pm.eom = (date_trunc('month', m.eom) - interval '1 day')::date
  join lateral (select account_id from arr where month = m.month
                union select account_id from arr where month = pm.month) k on true
  left join arr c on c.month = m.month and c.account_id = k.account_id
  left join arr p on p.month = pm.month and p.account_id = k.account_id
  where m.month >= $4
)
select pr.month,
  sum(case when s = 0 and e > 0 and f.first_month >= to_date(pr.month, 'YYYY-MM') then e else 0 end)::int8 as new,
  sum(case when s = 0 and e > 0 and f.first_month < to_date(pr.month, 'YYYY-MM') then e else 0 end)::int8 as reactivation,
  sum(case when s > 0 and e > s then e - s else 0 end)::int8 as expansion,
  sum(case when e > 0 and e < s then s - e else 0 end)::int8 as contraction,
  sum(case when s > 0 and e = 0 then s else 0 end)::int8 as churn,
  sum(e)::int8 as end_arr
from pairs pr join firsts f on f.account_id = pr.account_id
group by pr.month order by pr.month`;

/** Renewal rates the obvious way: due records and their renewals straight from the lines. */
const RAW_RENEWALS = `
with due as (
  select l.account_id, l.service_end + 1 as due_date, sum(l.arr) as due_arr
  from subscription_line l
  where l.tenant_id = $1 and l.status = 'active' and l.arr > 0
    and l.service_end + 1 between $2::date and $3::date
    and not exists (select 1 from subscription_line n where n.tenant_id = l.tenant_id and n.order_id = l.order_id
                    and n.id <> l.id and n.service_start = l.service_end + 1)
  group by l.account_id, l.service_end + 1
), matched as (
  select d.account_id, d.due_date, d.due_arr,
    least(d.due_arr, coalesce((select sum(r.arr) from subscription_line r
      where r.tenant_id = $1 and r.account_id = d.account_id and r.status = 'active'
        and r.order_type in ('renewal', 'expansion')
        and r.service_start <= d.due_date and r.service_end >= d.due_date
        and r.order_date <= (date_trunc('month', d.due_date) + interval '1 month - 1 day')::date), 0)) as renewed
  from due d
)
select to_char(due_date, 'YYYY-MM') as month, sum(due_arr)::int8 as due_arr, sum(renewed)::int8 as renewed_arr,
  count(distinct account_id)::int as due_customers, count(distinct account_id) filter (where renewed > 0)::int as renewed_customers
from matched group by 1 order by 1`;

export async function benchSubscriptions(
  p: Platform,
  raw: pg.Client,
  o: { customers: number; lines: number; iterations: number; log: (m: string) => void },
): Promise<Row[]> {
  const rng = seededRng(7070);
  const { tenantId, admin } = await benchTenant(p, 'subscriptions');
  const owner = admin.userId ?? '';
  const t0 = Date.now();
  const accounts = (await copyAccounts(raw, tenantId, owner, rng, o.customers, 90_000_000)).map((a) => a.id);
  const product = v7();
  await raw.query(
    `insert into product (tenant_id, id, sku, name, type) values ($1, $2, 'SUB', '订阅', 'subscription')`,
    [tenantId, product],
  );
  const lines = histories(accounts, o.lines, 7171);
  const orders = [...new Map(lines.map((l) => [l.order, l])).values()];
  await copyRows(
    raw,
    'copy sales_order (tenant_id, id, owner_id, number, account_id, type, status, order_date, amount, amount_currency) from stdin',
    orders.length,
    (i) => {
      const l = orders[i] as Line;
      return [
        tenantId,
        l.order,
        owner,
        `SB-${i}`,
        l.account,
        l.type,
        'confirmed',
        l.orderDate,
        '0',
        'CNY',
      ].join('\t');
    },
  );
  await copyRows(
    raw,
    `copy subscription_line (tenant_id, id, owner_id, account_id, order_id, order_line_id, order_type, order_date, product_id,
      service_start, service_end, amount, amount_currency, fx_rate, amount_base, amount_base_currency, arr, arr_currency, status) from stdin`,
    lines.length,
    (i) => {
      const l = lines[i] as Line;
      const a = String(l.arr);
      return [
        tenantId,
        v7(),
        owner,
        l.account,
        l.order,
        v7(),
        l.type,
        l.orderDate,
        product,
        l.start,
        l.end,
        a,
        'CNY',
        '1',
        a,
        'CNY',
        a,
        'CNY',
        'active',
      ].join('\t');
    },
  );
  await raw.query('analyze subscription_line');
  await raw.query('analyze sales_order');
  o.log(
    `subscriptions: ${accounts.length.toLocaleString('en-US')} customers, ${lines.length.toLocaleString('en-US')} lines in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  // due renewals through the product's own code path, a transaction per batch as the nightly run does
  const t1 = Date.now();
  const tdb = TenantDb.for(p.db, tenantId);
  const sorted = [...accounts].sort();
  for (let i = 0; i < sorted.length; i += REFRESH_BATCH) {
    const batch = sorted.slice(i, i + REFRESH_BATCH);
    await tdb.transaction((tx) => refreshAccounts(tx, batch, AS_OF));
  }
  const rebuildS = (Date.now() - t1) / 1000;
  o.log(
    `subscriptions: due renewals for ${accounts.length.toLocaleString('en-US')} customers built in ${rebuildS.toFixed(1)} s (${Math.round(accounts.length / rebuildS)} customers/s)`,
  );
  await raw.query('analyze due_renewal');

  const metrics = new MetricsService(p.db);
  const rows: Row[] = [];

  // 0. re-matching every customer (a new grace period: what PUT settings does, in one transaction)
  rows.push(...(await benchRematch(tdb, o)));

  // 1. movements for 36 months
  const fw = () => metrics.movements(admin, FROM, TO);
  const bare = () => raw.query(RAW_MOVEMENTS, [tenantId, `${shiftMonth(FROM, -1)}-01`, `${TO}-01`, FROM]);
  const a = await fw();
  const b = (await bare()).rows as Array<Record<string, string>>;
  const key = (m: {
    month: string;
    new: number;
    expansion: number;
    reactivation: number;
    contraction: number;
    churn: number;
    end_arr: number;
  }) => [m.month, m.new, m.expansion, m.reactivation, m.contraction, m.churn, m.end_arr].join('/');
  const rawKeys = new Map(
    b.map((r) => [
      r.month,
      [r.month, r.new, r.expansion, r.reactivation, r.contraction, r.churn, r.end_arr].map(String).join('/'),
    ]),
  );
  const mismatched = a
    .filter((m) => (rawKeys.get(m.month) ?? `${m.month}/0/0/0/0/0/0`) !== key(m))
    .map((m) => m.month);
  const firstBad = a.find((m) => m.month === mismatched[0]);
  if (firstBad)
    loud(o.log, `movements (${mismatched.join(', ')})`, key(firstBad), rawKeys.get(firstBad.month));
  // the bare statement takes seconds (minutes on the full data): a few alternating runs suffice
  const iter = 3;
  const [fs, rs] = await compare(fw, bare, iter, 1);
  const end = a.at(-1);
  rows.push(
    latencyRow(
      `ARR movements, 36 months, ${accounts.length.toLocaleString('en-US')} customers, ${lines.length.toLocaleString('en-US')} lines`,
      fs,
      rs,
      `deltas per line, one window pass vs month-ends × lines; p95 ${fs.p95.toFixed(0)} vs ${rs.p95.toFixed(0)} ms; ${mismatched.length ? 'MISMATCH' : 'all 36 months equal'} (end ARR ¥${((end?.end_arr ?? 0) / 100).toLocaleString('en-US')})`,
    ),
  );

  // 2. renewal rates for a year
  const from = '2025-01';
  const to = '2025-12';
  const fr = () => metrics.renewals(admin, { from, to, view: 'business' });
  const br = () => raw.query(RAW_RENEWALS, [tenantId, `${from}-01`, monthEnd(to)]);
  const ra = await fr();
  const rb = (await br()).rows as Array<{
    month: string;
    due_arr: number | string;
    renewed_arr: number | string;
    due_customers: number;
  }>;
  const rawDue = rb.reduce((s, r) => s + Number(r.due_arr), 0);
  const rawRenewed = rb.reduce((s, r) => s + Number(r.renewed_arr), 0);
  const same = rawDue === ra.total.due_arr && rawRenewed === ra.total.renewed_arr;
  if (!same)
    loud(o.log, 'renewal totals', `${ra.total.due_arr}/${ra.total.renewed_arr}`, `${rawDue}/${rawRenewed}`);
  const [fs2, rs2] = await compare(fr, br, o.iterations, 3);
  rows.push(
    latencyRow(
      `renewal rates for a year (${ra.total.due_customers.toLocaleString('en-US')} due customers)`,
      fs2,
      rs2,
      `Flywheel reads the matched due records (matching runs at booking; built batched at ${Math.round(accounts.length / rebuildS)} customers/s here); raw matches from the lines in one statement; p95 ${fs2.p95.toFixed(1)} vs ${rs2.p95.toFixed(1)} ms; ${same ? `totals equal (rate ${ra.total.renewal_rate})` : 'MISMATCH'}`,
    ),
  );
  o.log(`\n${table(rows)}`);
  return rows;
}

class Rollback extends Error {
  constructor(readonly result: { seconds: number; digest: string; rows: number; touched: number }) {
    super('rollback');
  }
}

/**
 * Re-matches the due renewals of every customer that has some, with the grace period moved to
 * 30 days, in one transaction that is rolled back (so each run starts from the same state): the
 * time, and a digest of every due_renewal row as written.
 */
async function rematchAll(
  tdb: TenantDb,
  how: (tx: TenantDb, ids: string[]) => Promise<void>,
): Promise<{ seconds: number; digest: string; rows: number; touched: number }> {
  try {
    await tdb.transaction(async (tx) => {
      await storeSubscriptionSettings(tx, { renewalGraceDays: 30, renewalOpportunityDays: 90 });
      const ids = (
        await tx.query(sql<{ account_id: string }>`select distinct account_id from due_renewal
          where tenant_id = ${tx.tenantId}`)
      ).map((r) => r.account_id);
      const t0 = process.hrtime.bigint();
      await how(tx, ids);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const d = await tx.one(sql<{ digest: string; rows: number; touched: number }>`select
          md5(string_agg((to_jsonb(r) - 'updated_at')::text, ',' order by r.account_id, r.due_date)) as digest,
          count(*)::int as rows, (count(*) filter (where r.updated_at = now()))::int as touched
        from due_renewal r where r.tenant_id = ${tx.tenantId}`);
      throw new Rollback({ seconds, digest: d?.digest ?? '', rows: d?.rows ?? 0, touched: d?.touched ?? 0 });
    });
  } catch (e) {
    if (e instanceof Rollback) return e.result;
    throw e;
  }
  throw new Error('the re-match should have been rolled back');
}

/**
 * Re-matching every customer: the batched `refreshAccounts` (run before and after, the slower
 * counted) beside the per-customer implementation it replaced (one customer at a time, nine
 * statements each), both in one transaction; both must write the same rows. Then one customer's
 * refresh, the single-id path of `refreshAccounts` vs the old implementation, alternating.
 */
async function benchRematch(
  tdb: TenantDb,
  o: { customers: number; iterations: number; log: (m: string) => void },
): Promise<Row[]> {
  const batched = (tx: TenantDb, ids: string[]) => refreshAccounts(tx, ids, AS_OF);
  const oneByOne = async (tx: TenantDb, ids: string[]) => {
    for (const id of ids) await refreshAccountReference(tx, id, AS_OF);
  };
  const b1 = await rematchAll(tdb, batched);
  const old = await rematchAll(tdb, oneByOne);
  const b2 = await rematchAll(tdb, batched);
  const customers =
    (
      await tdb.query(sql<{ n: number }>`select count(distinct account_id)::int as n from due_renewal
      where tenant_id = ${tdb.tenantId}`)
    )[0]?.n ?? 0;
  const same = b1.digest === old.digest && b2.digest === old.digest && old.touched === old.rows;
  if (!same) {
    loud(
      o.log,
      're-matched due renewals',
      `${b1.digest}/${b2.digest}`,
      `${old.digest} (${old.touched}/${old.rows} rows)`,
    );
    process.exitCode = 1;
  }
  const newS = Math.max(b1.seconds, b2.seconds);
  o.log(
    `subscriptions: re-matching ${customers.toLocaleString('en-US')} customers (${old.rows.toLocaleString('en-US')} due records): batched ${b1.seconds.toFixed(2)} / ${b2.seconds.toFixed(2)} s, one by one ${old.seconds.toFixed(1)} s — ${(old.seconds / newS).toFixed(1)}× faster; ${same ? 'identical rows' : 'MISMATCH'}`,
  );
  // one customer (events, approvals): the new single-id path must not cost more than the old one
  const sample = (
    await tdb.query(sql<{ account_id: string }>`select distinct account_id from due_renewal
      where tenant_id = ${tdb.tenantId} order by account_id limit ${Math.max(100, o.iterations)}`)
  ).map((r) => r.account_id);
  let i = 0;
  let j = 0;
  const next = (k: number) => sample[k % sample.length] ?? '';
  const [ns, os] = await compare(
    () => tdb.transaction((tx) => refreshAccount(tx, next(i++), AS_OF)),
    () => tdb.transaction((tx) => refreshAccountReference(tx, next(j++), AS_OF)),
    sample.length,
    10,
  );
  return [
    {
      ...throughputRow(
        `re-match every customer's due renewals (new grace period), ${customers.toLocaleString('en-US')} customers`,
        customers / newS,
        customers / old.seconds,
        `raw column = the per-customer refreshAccount before batching (what PUT settings ran), both one transaction; batched ${REFRESH_BATCH.toLocaleString('en-US')} customers per round of 6 statements: ${newS.toFixed(1)} vs ${old.seconds.toFixed(1)} s; ${same ? `all ${old.rows.toLocaleString('en-US')} due records identical` : 'MISMATCH'}`,
      ),
      unit: 'customers/s',
    },
    latencyRow(
      `refresh one customer's due renewals (${sample.length} customers, a transaction each)`,
      ns,
      os,
      `refreshAccount = refreshAccounts with one id vs the per-customer implementation before batching; p95 ${ns.p95.toFixed(1)} vs ${os.p95.toFixed(1)} ms`,
    ),
  ];
}

function loud(log: (m: string) => void, what: string, a: unknown, b: unknown): void {
  const line = '!'.repeat(100);
  log(line);
  log(`!!! MISMATCH in ${what}: Flywheel ${String(a)} vs raw ${String(b)}`);
  log(line);
}
