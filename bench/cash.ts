/**
 * Quote-to-cash benchmarks (issue 6): pricing a 200-line quote, matching a bank statement's
 * payments to open instalments, and AR aging — each beside the same answer computed the bare way
 * (hand-written SQL over `pg`, plus a minimal JS loop where the work is arithmetic) in the same
 * run, with a check that both sides agree (a mismatch is printed loudly and noted in the row).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 } from 'uuid';
import type { Platform } from '../server/src/platform/platform.ts';
import { TenantDb } from '../server/src/platform/db/tenant-db.ts';
import { createTenant } from '../server/src/platform/identity/tenants.service.ts';
import { loadActor } from '../server/src/platform/identity/actor.ts';
import type { Actor } from '../server/src/platform/access/permissions.ts';
import { standardObjects } from '../server/src/modules/index.ts';
import { normaliseCompany } from '../server/src/modules/accounts/index.ts';
import { priceLines } from '../server/src/modules/cash/index.ts';
import type { LineInput } from '../server/src/modules/cash/pricing.rules.ts';
import { PaymentsService } from '../server/src/modules/cash/payments.service.ts';
import { importStatement, MAX_STATEMENT_ROWS } from '../server/src/modules/cash/payments.import.ts';
import { agingReport, agingStatement } from '../server/src/modules/cash/aging.service.ts';
import { company, intBetween, pick, seededRng, type Rng } from '../server/src/demo/generator.ts';
import { compare, latencyRow, table, throughputRow, type Row, type Stats } from './lib.ts';

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\t/g, ' ').replace(/\n/g, ' ');
const DAY = 86_400_000;
const ymd = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const N = '\\N';

/** Streams generated tab-separated lines into COPY in batches of 5,000 (as bench/sales.ts). */
export async function copyRows(
  raw: pg.Client,
  statement: string,
  count: number,
  line: (i: number) => string | string[],
): Promise<void> {
  function* chunks(): Generator<string> {
    let batch: string[] = [];
    for (let i = 0; i < count; i++) {
      const l = line(i);
      if (Array.isArray(l)) batch.push(...l);
      else batch.push(l);
      if (batch.length >= 5000) {
        yield `${batch.join('\n')}\n`;
        batch = [];
      }
    }
    if (batch.length) yield `${batch.join('\n')}\n`;
  }
  await pipeline(Readable.from(chunks()), raw.query(copyFrom(statement)));
}

export async function benchTenant(p: Platform, slug: string): Promise<{ tenantId: string; admin: Actor }> {
  const t = await createTenant(
    p.db,
    { slug, name: slug, adminEmail: `admin@${slug}.bench`, adminPassword: 'Bench-Password-2026' },
    standardObjects(),
  );
  const admin = await loadActor(p.db, t.tenantId, { userId: t.adminUserId });
  if (!admin) throw new Error('no admin actor');
  return { tenantId: t.tenantId, admin };
}

/** COPYs `count` accounts (unique names: the statement import finds accounts by payer name). */
export async function copyAccounts(
  raw: pg.Client,
  tenantId: string,
  owner: string,
  rng: Rng,
  count: number,
  serialBase: number,
  extra: (i: number) => { grade: string; type: string } = () => ({ grade: 'B', type: 'customer' }),
): Promise<Array<{ id: string; name: string }>> {
  const out: Array<{ id: string; name: string }> = [];
  await copyRows(
    raw,
    'copy account (tenant_id, id, owner_id, created_by, name, name_norm, industry, province, city, type, grade, state) from stdin',
    count,
    (i) => {
      const c = company(rng, serialBase + i);
      const id = v7();
      out.push({ id, name: c.name });
      const x = extra(i);
      return [
        tenantId,
        id,
        owner,
        owner,
        esc(c.name),
        esc(normaliseCompany(c.name)),
        c.industry,
        c.province,
        c.city,
        x.type,
        x.grade,
        'owned',
      ].join('\t');
    },
  );
  return out;
}

const fmtP95 = (fw: Stats, raw: Stats): string => `p95 ${fw.p95.toFixed(1)} vs ${raw.p95.toFixed(1)} ms`;

export const loud = (log: (m: string) => void, what: string, a: unknown, b: unknown): void => {
  const line = '!'.repeat(100);
  log(line);
  log(`!!! MISMATCH in ${what}: Flywheel ${String(a)} vs raw ${String(b)}`);
  log(line);
};

// ---------------------------------------------------------------------------------------------
// 1. Pricing a quote

/** n / d rounded half-up (n ≥ 0 here: discounts are < 100 %). */
const rd = (n: bigint, d: bigint): bigint => (n < 0n ? -rd(-n, d) : (n * 2n + d) / (d * 2n));
const scaled = (v: string | number, k: number): bigint => BigInt(Math.round(Number(v) * 10 ** k));

async function benchPricing(
  p: Platform,
  raw: pg.Client,
  o: { products: number; lines: number; iterations: number; log: (m: string) => void },
): Promise<Row[]> {
  const rng = seededRng(6061);
  const { tenantId, admin } = await benchTenant(p, 'cash-pricing');
  const owner = admin.userId ?? '';
  const t0 = Date.now();
  const accounts = await copyAccounts(raw, tenantId, owner, rng, 1000, 80_000_000, (i) => ({
    grade: i === 0 ? 'A' : pick(rng, ['A', 'B', 'C', 'D']),
    type: i === 0 ? 'customer' : pick(rng, ['customer', 'prospect', 'partner']),
  }));
  const account = accounts[0];
  if (!account) throw new Error('no account');

  // the catalog: subscriptions, one-time items and services with list prices, costs and tax rates
  const products: Array<{ id: string; list: number }> = [];
  await copyRows(
    raw,
    'copy product (tenant_id, id, owner_id, created_by, updated_by, sku, name, type, unit, list_price, list_price_currency, cost, cost_currency, tax_rate, active, family) from stdin',
    o.products,
    (i) => {
      const id = v7();
      const type = pick(rng, ['subscription', 'subscription', 'one_time', 'service'] as const);
      const list = intBetween(rng, 1, 5000) * 100 + pick(rng, [0, 0, 50, 99]);
      products.push({ id, list });
      return [
        tenantId,
        id,
        owner,
        owner,
        owner,
        `SKU-${String(i).padStart(5, '0')}`,
        `产品 ${i}`,
        type,
        type === 'subscription' ? 'seat' : type === 'service' ? 'day' : 'item',
        String(list),
        'CNY',
        i % 7 === 0 ? N : String(Math.floor(list * (0.2 + rng() * 0.4))),
        'CNY',
        type === 'one_time' ? '13' : '6',
        'true',
        pick(rng, ['CRM', '营销', '客服', '数据', '实施']),
      ].join('\t');
    },
  );

  // price lists: for everyone, for grade A (range tiers), for customers (slab tiers), for the
  // quote's account (from 5 units), one expired and one in USD — the last two must not apply
  const today = ymd(Date.now());
  const lists = [
    { name: '标准价 2026', priority: 100, scope: 'all', value: null, acct: null, to: null, cur: 'CNY' },
    {
      name: 'A 类客户阶梯价',
      priority: 50,
      scope: 'account_grade',
      value: 'A',
      acct: null,
      to: null,
      cur: 'CNY',
    },
    {
      name: '成交客户累进价',
      priority: 60,
      scope: 'account_type',
      value: 'customer',
      acct: null,
      to: null,
      cur: 'CNY',
    },
    {
      name: '框架协议价',
      priority: 10,
      scope: 'account',
      value: null,
      acct: account.id,
      to: null,
      cur: 'CNY',
    },
    { name: '2025 促销', priority: 1, scope: 'all', value: null, acct: null, to: '2025-12-31', cur: 'CNY' },
    { name: 'USD list', priority: 1, scope: 'all', value: null, acct: null, to: null, cur: 'USD' },
  ] as const;
  const listIds: string[] = [];
  for (const l of lists) {
    const id = v7();
    listIds.push(id);
    await raw.query(
      `insert into price_list (tenant_id, id, owner_id, created_by, updated_by, name, currency, priority, scope_type, scope_value, account_id, valid_from, valid_to)
       values ($1, $2, $3, $3, $3, $4, $5, $6, $7, $8, $9, '2025-01-01', $10)`,
      [tenantId, id, owner, l.name, l.cur, l.priority, l.scope, l.value, l.acct, l.to],
    );
  }
  const items: string[] = [];
  const tiers: string[] = [];
  products.forEach((pr, i) => {
    const item = (list: number, price: number, mode: 'none' | 'range' | 'slab', min: string): string => {
      const id = v7();
      items.push([tenantId, id, listIds[list], pr.id, String(i), String(price), mode, min].join('\t'));
      return id;
    };
    if (i % 4 !== 3) item(0, Math.round(pr.list * 0.95), 'none', N);
    if (i % 3 === 0) {
      const id = item(1, Math.round(pr.list * 0.9), 'range', N);
      tiers.push(
        [tenantId, v7(), id, '0', '10', String(Math.round(pr.list * 0.92))].join('\t'),
        [tenantId, v7(), id, '10', '50', String(Math.round(pr.list * 0.85))].join('\t'),
        [tenantId, v7(), id, '50', N, String(Math.round(pr.list * 0.78))].join('\t'),
      );
    }
    if (i % 5 === 0) {
      const id = item(2, Math.round(pr.list * 0.93), 'slab', N);
      tiers.push(
        [tenantId, v7(), id, '0', '20', String(Math.round(pr.list * 0.95))].join('\t'),
        [tenantId, v7(), id, '20', '100', String(Math.round(pr.list * 0.88))].join('\t'),
        [tenantId, v7(), id, '100', N, String(Math.round(pr.list * 0.8))].join('\t'),
      );
    }
    if (i % 20 === 0) item(3, Math.round(pr.list * 0.7), 'none', '5');
    item(4, Math.round(pr.list * 0.5), 'none', N);
    if (i % 4 === 0) item(5, Math.round(pr.list / 7), 'none', N);
  });
  await copyRows(
    raw,
    'copy price_list_item (tenant_id, id, price_list_id, product_id, position, unit_price, tier_mode, min_quantity) from stdin',
    items.length,
    (i) => items[i] ?? [],
  );
  await copyRows(
    raw,
    'copy price_tier (tenant_id, id, item_id, from_qty, to_qty, unit_price) from stdin',
    tiers.length,
    (i) => tiers[i] ?? [],
  );
  await raw.query('analyze product; analyze price_list; analyze price_list_item; analyze price_tier');
  o.log(
    `pricing tenant: ${o.products.toLocaleString()} products, ${lists.length} price lists, ${items.length.toLocaleString()} items, ${tiers.length.toLocaleString()} tiers in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  // the quote: 200 distinct products, quantities across the tiers, some line discounts, 3 % off the whole
  const chosen = [...products.keys()]
    .map((i) => ({ i, r: rng() }))
    .sort((a, b) => a.r - b.r)
    .slice(0, o.lines)
    .map((x) => x.i);
  const lines: LineInput[] = chosen.map((i) => ({
    product_id: products[i]?.id ?? '',
    quantity: pick(rng, [1, 2, 5, 8, 10, 12, 20, 35, 50, 60, 100, 150.5, 250]),
    discount: pick(rng, [0, 0, 0, 5, 10, 12.5]),
  }));
  const headerDiscount = 3;
  const tdb = TenantDb.for(p.db, tenantId);
  const flywheel = () =>
    priceLines(tdb, admin, {
      account_id: account.id,
      currency: 'CNY',
      as_of: today,
      header_discount: headerDiscount,
      lines,
    });

  // The bare way: one query — the account, each line's product, and the winning item of the
  // lists in force (lowest priority number, then the more specific scope) with its tiers — then
  // the arithmetic in a loop: tiers, line discount, header discount by largest remainder, tax.
  const ids = lines.map((l) => l.product_id);
  const qtys = lines.map((l) => String(l.quantity));
  const bare = async (): Promise<{
    subtotal: bigint;
    net: bigint;
    tax: bigint;
    grand: bigint;
    amounts: bigint[];
    detail: unknown[];
  }> => {
    const r = await raw.query<{
      list_price: string;
      tax_rate: string;
      unit_price: string | null;
      tier_mode: 'none' | 'range' | 'slab' | null;
      tiers: Array<[string, string | null, string]> | null;
    }>(
      `with a as (select id, grade, type from account where tenant_id = $1 and id = $4 and deleted_at is null),
        l as (select * from unnest($2::uuid[], $3::numeric[]) with ordinality as l(product_id, qty, n))
       select p.list_price::text, p.tax_rate::text, w.unit_price::text, w.tier_mode, w.tiers
       from l cross join a
       join product p on p.tenant_id = $1 and p.id = l.product_id and p.deleted_at is null and p.active
       left join lateral (
         select i.unit_price, i.tier_mode,
           (select json_agg(json_build_array(t.from_qty::text, t.to_qty::text, t.unit_price::text) order by t.from_qty)
              from price_tier t where t.tenant_id = $1 and t.item_id = i.id) as tiers
         from price_list_item i join price_list pl on pl.tenant_id = i.tenant_id and pl.id = i.price_list_id
         where i.tenant_id = $1 and i.product_id = l.product_id and pl.deleted_at is null and pl.active
           and pl.currency = $5 and (pl.valid_from is null or pl.valid_from <= $6::date)
           and (pl.valid_to is null or pl.valid_to >= $6::date)
           and (pl.scope_type = 'all' or (pl.scope_type = 'account' and pl.account_id = a.id)
             or (pl.scope_type = 'account_grade' and pl.scope_value = a.grade)
             or (pl.scope_type = 'account_type' and pl.scope_value = a.type))
           and (i.min_quantity is null or i.min_quantity <= l.qty)
         order by pl.priority, case pl.scope_type when 'account' then 0 when 'all' then 2 else 1 end, pl.id
         limit 1) w on true
       order by l.n`,
      [tenantId, ids, qtys, account.id, 'CNY', today],
    );
    const amounts: bigint[] = [];
    const taxes: bigint[] = [];
    r.rows.forEach((row, k) => {
      const line = lines[k];
      const q = scaled(String(line?.quantity ?? 0), 4);
      let gross: bigint;
      const unit = BigInt(row.unit_price ?? row.list_price);
      const tiers = (row.tiers ?? []).map(([f, t, u]) => ({
        from: scaled(f, 4),
        to: t === null ? null : scaled(t, 4),
        price: BigInt(u),
      }));
      if (row.tier_mode === 'range' && tiers.length) {
        const t = tiers.find((x) => q > x.from && (x.to === null || q <= x.to)) ?? tiers[0];
        gross = q * (t?.price ?? unit);
      } else if (row.tier_mode === 'slab' && tiers.length) {
        gross = 0n;
        for (const t of tiers) {
          if (q <= t.from) break;
          gross += ((t.to === null || q < t.to ? q : t.to) - t.from) * t.price;
        }
      } else gross = q * unit;
      amounts.push(rd(gross * (10_000n - scaled(String(line?.discount ?? 0), 2)), 100_000_000n));
      taxes.push(scaled(row.tax_rate, 4));
    });
    const subtotal = amounts.reduce((s, x) => s + x, 0n);
    const header = rd(subtotal * scaled(headerDiscount, 2), 10_000n);
    // largest remainder: floor shares, the units left to the largest remainders (ties: earlier line)
    const shares = amounts.map((w) => (subtotal ? (w * header) / subtotal : 0n));
    let left = header - shares.reduce((s, x) => s + x, 0n);
    const order = amounts
      .map((w, i) => ({ i, rem: subtotal ? (w * header) % subtotal : 0n }))
      .sort((x, y) => (x.rem > y.rem ? -1 : x.rem < y.rem ? 1 : x.i - y.i));
    for (const { i } of order) {
      if (left <= 0n) break;
      shares[i] = (shares[i] ?? 0n) + 1n;
      left -= 1n;
    }
    let tax = 0n;
    amounts.forEach((a, i) => {
      tax += rd((a - (shares[i] ?? 0n)) * (taxes[i] ?? 0n), 1_000_000n);
    });
    const net = subtotal - header;
    return { subtotal, net, tax, grand: net + tax, amounts, detail: r.rows };
  };

  const fw = await flywheel();
  const bw = await bare();
  const ok =
    BigInt(fw.totals.subtotal) === bw.subtotal &&
    BigInt(fw.totals.net_total) === bw.net &&
    BigInt(fw.totals.tax_total) === bw.tax &&
    BigInt(fw.totals.grand_total) === bw.grand;
  if (!ok)
    loud(
      o.log,
      'quote totals (subtotal/net/tax/grand)',
      `${fw.totals.subtotal}/${fw.totals.net_total}/${fw.totals.tax_total}/${fw.totals.grand_total}`,
      `${bw.subtotal}/${bw.net}/${bw.tax}/${bw.grand}`,
    );
  const differ = fw.lines
    .map((l, k) => ({ l, raw: bw.amounts[k], d: bw.detail[k] }))
    .filter((x) => BigInt(x.l.amount) !== x.raw);
  if (differ.length)
    o.log(
      `  ${differ.length} line amounts differ (tier modes: ${[...new Set(differ.map((x) => x.l.tier_mode))].join(', ')}); the first:`,
    );
  if (!ok)
    differ
      .slice(0, 3)
      .forEach((x) =>
        o.log(
          `  line ${x.l.line_index}: Flywheel ${x.l.amount} (${x.l.price_source} ${x.l.price_list_name ?? ''} ${x.l.tier_mode} qty ${x.l.quantity} unit ${x.l.unit_price}) vs raw ${x.raw} ${JSON.stringify(x.d)} ${JSON.stringify(x.l.tiers)}`,
        ),
      );
  const sources = new Map<string, number>();
  for (const l of fw.lines) {
    const k = l.price_list_name ?? l.price_source;
    sources.set(k, (sources.get(k) ?? 0) + 1);
  }
  o.log(
    `quote of ${lines.length} lines: grand total ${fw.totals.grand_total} fen (${ok ? 'same on both sides' : 'MISMATCH'}); prices from ${[...sources].map(([k, v]) => `${k} ×${v}`).join(', ')}`,
  );
  const [fwStats, rawStats] = await compare(flywheel, bare, o.iterations);
  return [
    latencyRow(
      `price a ${lines.length}-line quote, ${o.products.toLocaleString()}-product catalog, ${lists.length} price lists (${tiers.length.toLocaleString()} tiers)`,
      fwStats,
      rawStats,
      `priceLines() vs one SQL query + a JS loop (tiers, discounts, header discount, tax); ${fmtP95(fwStats, rawStats)}${ok ? '; totals equal' : '; **TOTALS DIFFER**'}`,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// 2. Matching a bank statement

interface Plan {
  account: number;
  number: string;
  order: string;
  /** amounts (fen) and due dates of its instalments, seq = index + 1 */
  inst: Array<{ amount: number; due: string }>;
}

interface Receivables {
  accounts: Array<{ name: string; kind: 'reference' | 'amount' | 'oldest' }>;
  plans: Plan[];
  instalments: number;
}

/**
 * The receivables a statement is matched against: per account two orders with a payment plan
 * each (3–7 instalments, due every quarter, none paid yet). Deterministic for a seed, so the
 * Flywheel tenant and the bare tenant hold the same numbers and amounts.
 */
function receivables(seed: number, instalments: number, asOfMs: number): Receivables {
  const rng = seededRng(seed);
  const out: Receivables = { accounts: [], plans: [], instalments: 0 };
  for (let a = 0; out.instalments < instalments; a++) {
    const kind = a % 10 < 4 ? 'reference' : a % 10 < 7 ? 'amount' : 'oldest';
    out.accounts.push({ name: company(rng, 90_000_000 + a).name, kind });
    for (let k = 0; k < 2; k++) {
      const serial = String(out.plans.length + 1).padStart(6, '0');
      const start = asOfMs - intBetween(rng, 0, 540) * DAY;
      const count = Math.min(intBetween(rng, 3, 7), instalments - out.instalments);
      if (count <= 0) break;
      out.plans.push({
        account: a,
        number: `PP-2026-${serial}`,
        order: `SO-2026-${serial}`,
        inst: Array.from({ length: count }, (_, j) => ({
          amount: intBetween(rng, 5, 200) * 1000_00,
          due: ymd(start + j * 91 * DAY),
        })),
      });
      out.instalments += count;
    }
  }
  return out;
}

interface StatementLine {
  date: string;
  amount: number;
  payer: string;
  reference: string;
}

/**
 * The statement: ~`payments` rows, shuffled. Accounts of kind `reference` pay instalments quoting
 * their numbers (some pay more, leaving credit, some less) and one order by its number; `amount`
 * accounts pay instalments' exact amounts without a usable reference; `oldest` accounts pay odd
 * amounts (at most 75 % of what they owe) that only the oldest-first rule places.
 */
function statement(
  seed: number,
  r: Receivables,
  payments: number,
  asOfMs: number,
  window: number,
): StatementLine[] {
  const rng = seededRng(seed);
  const perAccount = payments / r.accounts.length;
  const byAccount = new Map<number, Plan[]>();
  for (const p of r.plans) byAccount.set(p.account, [...(byAccount.get(p.account) ?? []), p]);
  const out: StatementLine[] = [];
  let owed = 0;
  r.accounts.forEach((acc, a) => {
    const plans = byAccount.get(a) ?? [];
    const all = plans.flatMap((p) => p.inst.map((x, j) => ({ ...x, number: `${p.number}-${j + 1}` })));
    owed += perAccount;
    let m = Math.floor(owed) - out.length;
    if (m <= 0 || !all.length) return;
    const date = (): string => ymd(asOfMs - intBetween(rng, 0, 30) * DAY);
    const push = (amount: number, reference: string): void => {
      if (m-- > 0) out.push({ date: date(), amount, payer: acc.name, reference });
    };
    if (acc.kind === 'reference') {
      const [first, second] = plans;
      if (second && m > 1) {
        const total = second.inst.reduce((s, x) => s + x.amount, 0);
        push(Math.round(total * (rng() < 0.2 ? 1.1 : 0.6)), `${second.order} 回款`);
      }
      for (const [j, x] of (first?.inst ?? []).entries()) {
        const roll = rng();
        const amount = roll < 0.1 ? x.amount + 500_00 : roll < 0.2 ? Math.floor(x.amount / 2) : x.amount;
        push(amount, `货款 ${first?.number ?? ''}-${j + 1}`);
      }
    } else if (acc.kind === 'amount') {
      const order = all.map((x) => ({ x, r: rng() })).sort((p, q) => p.r - q.r);
      for (const { x } of order) push(x.amount, pick(rng, ['货款', '服务费', '']));
    } else {
      const budget = Math.floor(all.reduce((s, x) => s + x.amount, 0) * 0.75);
      const k = Math.max(1, m);
      const w = Array.from({ length: k }, () => 0.5 + rng());
      const sw = w.reduce((s, x) => s + x, 0);
      for (const x of w)
        push(Math.floor(((budget * x) / sw - 99) / 100) * 100 + intBetween(rng, 1, 99), '服务费');
    }
  });
  // Shuffled (Fisher-Yates) within each file: a statement is in date order, not grouped by
  // customer, but one day's file names a subset of the customers. The import cannot take a file
  // whose rows resolve to more than 1,000 distinct accounts (its account lookup is a records
  // filter `id in […]`, capped at 1,000 values: 400 bad_request) — see BENCH.md.
  for (let from = 0; from < out.length; from += window) {
    const to = Math.min(out.length, from + window);
    for (let i = to - 1; i > from; i--) {
      const j = from + Math.floor(rng() * (i - from + 1));
      const t = out[i];
      out[i] = out[j] as StatementLine;
      out[j] = t as StatementLine;
    }
  }
  return out;
}

/** COPYs the receivables into a tenant: accounts, confirmed orders, plans, instalments. */
async function loadReceivables(
  raw: pg.Client,
  tenantId: string,
  owner: string,
  r: Receivables,
  asOf: string,
) {
  const accountIds: string[] = [];
  await copyRows(
    raw,
    'copy account (tenant_id, id, owner_id, created_by, name, name_norm, type, state) from stdin',
    r.accounts.length,
    (i) => {
      const id = v7();
      accountIds.push(id);
      const name = r.accounts[i]?.name ?? '';
      return [tenantId, id, owner, owner, esc(name), esc(normaliseCompany(name)), 'customer', 'owned'].join(
        '\t',
      );
    },
  );
  const orderIds: string[] = [];
  const planIds: string[] = [];
  await copyRows(
    raw,
    'copy sales_order (tenant_id, id, owner_id, created_by, number, account_id, type, status, order_date, amount, amount_currency, confirmed_at) from stdin',
    r.plans.length,
    (i) => {
      const p = r.plans[i] as Plan;
      const id = v7();
      orderIds.push(id);
      planIds.push(v7());
      const total = p.inst.reduce((s, x) => s + x.amount, 0);
      const date = p.inst[0]?.due ?? asOf;
      return [
        tenantId,
        id,
        owner,
        owner,
        p.order,
        accountIds[p.account],
        'new',
        'confirmed',
        date,
        String(total),
        'CNY',
        `${date}T08:00:00Z`,
      ].join('\t');
    },
  );
  await copyRows(
    raw,
    'copy payment_plan (tenant_id, id, owner_id, created_by, number, account_id, order_id, amount, amount_currency, paid_amount, paid_amount_currency, status) from stdin',
    r.plans.length,
    (i) => {
      const p = r.plans[i] as Plan;
      const total = p.inst.reduce((s, x) => s + x.amount, 0);
      return [
        tenantId,
        planIds[i],
        owner,
        owner,
        p.number,
        accountIds[p.account],
        orderIds[i],
        String(total),
        'CNY',
        '0',
        'CNY',
        'open',
      ].join('\t');
    },
  );
  await copyRows(
    raw,
    'copy payment_instalment (tenant_id, id, plan_id, seq, due_date, amount, paid_amount, status) from stdin',
    r.plans.length,
    (i) =>
      (r.plans[i] as Plan).inst.map((x, j) =>
        [
          tenantId,
          v7(),
          planIds[i],
          String(j + 1),
          x.due,
          String(x.amount),
          '0',
          x.due < asOf ? 'overdue' : 'planned',
        ].join('\t'),
      ),
  );
}

interface MatchTotals {
  allocated: bigint;
  credit: bigint;
  allocations: number;
  methods: string;
}

async function matchTotals(raw: pg.Client, tenantId: string): Promise<MatchTotals> {
  const a = await raw.query<{ allocated: string; n: string }>(
    'select coalesce(sum(amount), 0)::text as allocated, count(*)::text as n from payment_allocation where tenant_id = $1',
    [tenantId],
  );
  const c = await raw.query<{ credit: string }>(
    'select coalesce(sum(amount), 0)::text as credit from customer_credit where tenant_id = $1',
    [tenantId],
  );
  const m = await raw.query<{ match_method: string; n: string }>(
    'select match_method, count(*)::text as n from payment where tenant_id = $1 group by 1 order by 1',
    [tenantId],
  );
  return {
    allocated: BigInt(a.rows[0]?.allocated ?? '0'),
    credit: BigInt(c.rows[0]?.credit ?? '0'),
    allocations: Number(a.rows[0]?.n ?? 0),
    methods: m.rows.map((x) => `${x.match_method} ${x.n}`).join(', '),
  };
}

/**
 * The bare way, set-based, in one transaction: the statement into a temporary table by COPY,
 * accounts by payer name, then the same rules as passes over all payments at once — references
 * (instalment numbers, else every instalment of a quoted plan or order, oldest first, by running
 * sums), exact amount (the n-th payment of an amount in an account takes the n-th oldest
 * instalment of that open amount), oldest first (overlap of running sums of payments and of open
 * instalments per account) — and the writes: payments, allocations, instalments, plans, credit.
 */
async function bareMatch(
  raw: pg.Client,
  tenantId: string,
  owner: string,
  rows: StatementLine[],
  asOf: string,
) {
  const q = (text: string, values: unknown[] = []) => raw.query(text, values);
  await q('begin');
  try {
    await q(`create temp table stmt (seq int primary key, received_date date, amount bigint, payer text, reference text,
      account_id uuid, pid uuid not null default gen_random_uuid()) on commit drop`);
    await pipeline(
      Readable.from([
        `${rows.map((r, i) => [String(i), r.date, String(r.amount), esc(r.payer), r.reference ? esc(r.reference) : N].join('\t')).join('\n')}\n`,
      ]),
      raw.query(copyFrom('copy stmt (seq, received_date, amount, payer, reference) from stdin')),
    );
    await q(
      `update stmt s set account_id = a.id from account a
       where a.tenant_id = $1 and a.deleted_at is null and lower(a.name) = lower(s.payer)`,
      [tenantId],
    );
    await q(
      `create temp table oi on commit drop as
       select i.id, i.plan_id, p.account_id, p.number || '-' || i.seq as number, p.number as plan_number,
         o.number as order_number, i.due_date, i.seq as inst_seq, i.amount - i.paid_amount as open
       from payment_instalment i join payment_plan p on p.tenant_id = i.tenant_id and p.id = i.plan_id
       left join sales_order o on o.tenant_id = p.tenant_id and o.id = p.order_id
       where i.tenant_id = $1 and i.paid_amount < i.amount and p.deleted_at is null and p.status <> 'cancelled'
         and coalesce(o.status, '') <> 'cancelled' and p.amount_currency = 'CNY'
         and p.account_id in (select account_id from stmt)`,
      [tenantId],
    );
    await q('create index on oi (id); analyze oi; analyze stmt');
    await q('create temp table al (seq int, instalment_id uuid, amount bigint, method text) on commit drop');
    // pass 1: references
    await q(
      `insert into al
       with tok as (select s.seq, m[1] as token from stmt s
              cross join lateral regexp_matches(upper(s.reference), '([A-Z]+-[0-9]{4}-[0-9]+(-[0-9]+)?)', 'g') m
              where s.reference is not null),
         hits as (select s.seq, s.amount, oi.id, oi.open, oi.due_date, oi.plan_number, oi.inst_seq, oi.number = tok.token as exact
              from stmt s join tok on tok.seq = s.seq
              join oi on oi.account_id = s.account_id and tok.token in (oi.number, oi.plan_number, oi.order_number)
              where oi.open > 0),
         chosen as (select distinct on (h.seq, h.id) h.* from hits h
              where h.exact or not exists (select 1 from hits x where x.seq = h.seq and x.exact)),
         ordered as (select seq, id, open, amount, coalesce(sum(open) over (partition by seq order by due_date, plan_number, inst_seq
              rows between unbounded preceding and 1 preceding), 0) as before from chosen)
       select seq, id, least(open, amount - before), 'reference' from ordered where amount - before > 0`,
    );
    const subtract = async (method: string) =>
      q(
        `update oi set open = oi.open - x.amt from (select instalment_id, sum(amount) as amt from al where method = $1 group by 1) x
         where oi.id = x.instalment_id`,
        [method],
      );
    await subtract('reference');
    // pass 2: exact amount (payments the references did not place)
    await q(
      `insert into al
       with p as (select s.seq, s.account_id, s.amount,
              row_number() over (partition by s.account_id, s.amount order by s.seq) as rk
              from stmt s where not exists (select 1 from al where al.seq = s.seq)),
         i as (select id, account_id, open, row_number() over (partition by account_id, open order by due_date, plan_number, inst_seq) as rk
              from oi where open > 0)
       select p.seq, i.id, p.amount, 'amount' from p join i on i.account_id = p.account_id and i.open = p.amount and i.rk = p.rk`,
    );
    await subtract('amount');
    // pass 3: oldest first
    await q(
      `insert into al
       with p as (select seq, account_id, sum(amount) over w - amount as ps, sum(amount) over w as pe
              from stmt s where not exists (select 1 from al where al.seq = s.seq)
              window w as (partition by account_id order by seq)),
         i as (select id, account_id, sum(open) over w - open as s0, sum(open) over w as e0
              from oi where open > 0 window w as (partition by account_id order by due_date, plan_number, inst_seq))
       select p.seq, i.id, least(p.pe, i.e0) - greatest(p.ps, i.s0), 'oldest'
       from p join i on i.account_id = p.account_id and i.s0 < p.pe and p.ps < i.e0`,
    );
    // the writes
    await q(
      `insert into payment (tenant_id, id, owner_id, created_by, updated_by, number, account_id, received_date, amount, amount_currency,
         method, payer, bank_reference, status, unallocated_amount, unallocated_amount_currency, refunded_amount,
         refunded_amount_currency, match_method)
       select $1, s.pid, $2, $2, $2, 'RAW-' || s.seq, s.account_id, s.received_date, s.amount, 'CNY', 'bank_transfer', s.payer,
         s.reference, case when a.allocated is null then 'unmatched' when a.allocated < s.amount then 'partially_matched' else 'matched' end,
         s.amount - coalesce(a.allocated, 0), 'CNY', 0, 'CNY', coalesce(a.method, 'none')
       from stmt s left join (select seq, sum(amount) as allocated, min(method) as method from al group by seq) a on a.seq = s.seq`,
      [tenantId, owner],
    );
    await q(
      `insert into payment_allocation (tenant_id, id, payment_id, instalment_id, amount, created_by)
       select $1, gen_random_uuid(), s.pid, al.instalment_id, al.amount, $2 from al join stmt s on s.seq = al.seq`,
      [tenantId, owner],
    );
    await q(
      `update payment_instalment i set paid_amount = i.paid_amount + x.amt,
         status = case when i.paid_amount + x.amt >= i.amount then 'paid' when i.due_date < $2::date then 'overdue' else 'partially_paid' end,
         version = i.version + 1, updated_at = now()
       from (select instalment_id, sum(amount) as amt from al group by 1) x
       where i.tenant_id = $1 and i.id = x.instalment_id`,
      [tenantId, asOf],
    );
    await q(
      `update payment_plan p set paid_amount = p.paid_amount + x.amt, paid_amount_currency = 'CNY',
         status = case when p.paid_amount + x.amt >= p.amount then 'paid' else p.status end, version = p.version + 1, updated_at = now()
       from (select oi.plan_id, sum(al.amount) as amt from al join oi on oi.id = al.instalment_id group by 1) x
       where p.tenant_id = $1 and p.id = x.plan_id`,
      [tenantId],
    );
    await q(
      `insert into customer_credit (tenant_id, id, account_id, payment_id, amount, currency, reason, created_by)
       select $1, gen_random_uuid(), s.account_id, s.pid, s.amount - coalesce(a.allocated, 0), 'CNY', 'received', $2
       from stmt s left join (select seq, sum(amount) as allocated from al group by seq) a on a.seq = s.seq
       where s.amount - coalesce(a.allocated, 0) > 0`,
      [tenantId, owner],
    );
    await q('commit');
  } catch (e) {
    await q('rollback');
    throw e;
  }
}

async function benchMatching(
  p: Platform,
  raw: pg.Client,
  o: { payments: number; instalments: number; log: (m: string) => void },
): Promise<Row[]> {
  const asOfMs = Date.now();
  const asOf = ymd(asOfMs);
  const t0 = Date.now();
  const r = receivables(6161, o.instalments, asOfMs);
  const rows = statement(6262, r, o.payments, asOfMs, MAX_STATEMENT_ROWS);
  const fwT = await benchTenant(p, 'cash-match');
  const rawT = await benchTenant(p, 'cash-match-raw');
  await loadReceivables(raw, fwT.tenantId, fwT.admin.userId ?? '', r, asOf);
  await loadReceivables(raw, rawT.tenantId, rawT.admin.userId ?? '', r, asOf);
  await raw.query('analyze account; analyze sales_order; analyze payment_plan; analyze payment_instalment');
  o.log(
    `matching tenants (×2): ${r.accounts.length.toLocaleString()} accounts, ${r.plans.length.toLocaleString()} orders and plans, ${r.instalments.toLocaleString()} instalments; statement of ${rows.length.toLocaleString()} payments; in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  // Flywheel: what a user does — import statements (at most MAX_STATEMENT_ROWS rows each, so the
  // statement goes in as several files), each row's account found, matched and recorded with
  // its audit rows and events, one transaction per file.
  const payments = new PaymentsService(p);
  const csvCell = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  let files = 0;
  const fwStart = Date.now();
  for (let at = 0; at < rows.length; at += MAX_STATEMENT_ROWS) {
    const chunk = rows.slice(at, at + MAX_STATEMENT_ROWS);
    const csv = `交易日期,收入金额,对方户名,摘要\n${chunk
      .map((x) => [x.date, (x.amount / 100).toFixed(2), csvCell(x.payer), csvCell(x.reference)].join(','))
      .join('\n')}\n`;
    const t1 = Date.now();
    const res = await importStatement(
      payments,
      fwT.admin,
      'statement.csv',
      Readable.from([Buffer.from(csv)]),
      () => false,
      false,
    );
    files++;
    if (res.rows.length !== chunk.length)
      loud(o.log, `statement file ${files} rows recorded`, res.rows.length, chunk.length);
    o.log(
      `  statement file ${files}: ${chunk.length} rows in ${((Date.now() - t1) / 1000).toFixed(1)} s (so far ${((at + chunk.length) / ((Date.now() - fwStart) / 1000)).toFixed(1)} payments/s)`,
    );
  }
  const fwMs = Date.now() - fwStart;
  const rawStart = Date.now();
  await bareMatch(raw, rawT.tenantId, rawT.admin.userId ?? '', rows, asOf);
  const rawMs = Date.now() - rawStart;

  const fwTot = await matchTotals(raw, fwT.tenantId);
  const rawTot = await matchTotals(raw, rawT.tenantId);
  o.log(
    `matched: Flywheel ${fwTot.allocations.toLocaleString()} allocations, ${fwTot.allocated} fen allocated, ${fwTot.credit} fen credit (${fwTot.methods}) in ${(fwMs / 1000).toFixed(1)} s`,
  );
  o.log(
    `matched: raw      ${rawTot.allocations.toLocaleString()} allocations, ${rawTot.allocated} fen allocated, ${rawTot.credit} fen credit (${rawTot.methods}) in ${(rawMs / 1000).toFixed(1)} s`,
  );
  const same = fwTot.allocated === rawTot.allocated && fwTot.credit === rawTot.credit;
  if (fwTot.allocated !== rawTot.allocated)
    loud(o.log, 'allocations total', fwTot.allocated, rawTot.allocated);
  if (fwTot.credit !== rawTot.credit) loud(o.log, 'credit total', fwTot.credit, rawTot.credit);
  if (fwTot.methods !== rawTot.methods) loud(o.log, 'match methods', fwTot.methods, rawTot.methods);
  return [
    {
      ...throughputRow(
        `match ${rows.length.toLocaleString()} bank-statement payments against ${r.instalments.toLocaleString()} instalments`,
        rows.length / (fwMs / 1000),
        rows.length / (rawMs / 1000),
        `Flywheel: ${files} statement import${files > 1 ? 's' : ''} of ≤ ${MAX_STATEMENT_ROWS.toLocaleString()} rows, ${(fwMs / 1000).toFixed(1)} s (accounts; instalments locked once; rules row by row in memory; payments, allocations, credit, audit, events in multi-row statements); raw: one set-based transaction, ${(rawMs / 1000).toFixed(1)} s; ${same ? 'allocation and credit totals equal' : '**TOTALS DIFFER**'}`,
      ),
      unit: 'payments/s',
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// 3. AR aging

/**
 * The bare way: allocations received by then summed per instalment (one hash aggregate), the
 * open amounts bucketed and summed per account in the same statement.
 */
const BARE_AGING_SQL = `with paid as (
         select al.instalment_id, sum(al.amount) as amount from payment_allocation al
         join payment pm on pm.tenant_id = al.tenant_id and pm.id = al.payment_id
         where al.tenant_id = $1 and pm.received_date <= $2::date group by 1),
       open as (
         select t.account_id, t.amount_currency as currency, $2::date - i.due_date as late, i.amount - coalesce(paid.amount, 0) as open
         from payment_instalment i
         join payment_plan t on t.tenant_id = i.tenant_id and t.id = i.plan_id
         left join sales_order o on o.tenant_id = t.tenant_id and o.id = t.order_id
         left join paid on paid.instalment_id = i.id
         where i.tenant_id = $1 and t.deleted_at is null and t.status <> 'cancelled' and coalesce(o.status, '') <> 'cancelled')
       select o.account_id, a.name, o.currency,
         sum(open) filter (where late <= 0) as current, sum(open) filter (where late between 1 and 30) as d1_30,
         sum(open) filter (where late between 31 and 60) as d31_60, sum(open) filter (where late between 61 and 90) as d61_90,
         sum(open) filter (where late > 90) as d91_plus, sum(open)::text as total, coalesce(sum(open) filter (where late > 0), 0)::text as overdue
       from open o left join account a on a.tenant_id = $1 and a.id = o.account_id
       where open > 0 group by 1, 2, 3 order by a.name nulls last, o.account_id`;

async function benchAging(
  p: Platform,
  raw: pg.Client,
  o: { instalments: number; iterations: number; log: (m: string) => void },
): Promise<Row[]> {
  const rng = seededRng(6363);
  const { tenantId, admin } = await benchTenant(p, 'cash-aging');
  const owner = admin.userId ?? '';
  const nowMs = Date.now();
  const t0 = Date.now();
  const accountCount = Math.max(50, Math.floor(o.instalments / 20));
  const laps: string[] = [];
  let lap = Date.now();
  const mark = (what: string): void => {
    laps.push(`${what} ${((Date.now() - lap) / 1000).toFixed(1)} s`);
    lap = Date.now();
  };
  const accounts = await copyAccounts(raw, tenantId, owner, rng, accountCount, 95_000_000);
  mark('accounts');
  // plans of 4 instalments; each plan's numbers come from its own seed, so the plan, order and
  // instalment passes agree without holding a million instalments in memory
  const planCount = Math.ceil(o.instalments / 4);
  const planOf = (k: number) => {
    const pr = seededRng(1_000_003 * 7 + k);
    const start = nowMs - intBetween(pr, -200, 500) * DAY;
    const inst = Array.from({ length: 4 }, (_, j) => {
      const amount = intBetween(pr, 5, 200) * 1000_00;
      const due = ymd(start + j * 91 * DAY);
      const past = start + j * 91 * DAY < nowMs;
      const roll = pr();
      const paid = past
        ? roll < 0.6
          ? amount
          : roll < 0.75
            ? Math.floor(amount * (0.2 + pr() * 0.6))
            : 0
        : roll < 0.1
          ? amount
          : 0;
      return { amount, due, paid };
    });
    return {
      account: accounts[Math.floor(pr() * accounts.length)]?.id ?? '',
      inst,
      cancelled: pr() < 0.02,
      deleted: pr() < 0.01,
    };
  };
  const orderIds: string[] = [];
  const planIds: string[] = [];
  await copyRows(
    raw,
    'copy sales_order (tenant_id, id, owner_id, created_by, number, account_id, type, status, order_date, amount, amount_currency) from stdin',
    planCount,
    (k) => {
      const pl = planOf(k);
      const id = v7();
      orderIds.push(id);
      planIds.push(v7());
      const total = pl.inst.reduce((s, x) => s + x.amount, 0);
      return [
        tenantId,
        id,
        owner,
        owner,
        `SO-2026-${String(k + 1).padStart(7, '0')}`,
        pl.account,
        'new',
        pl.cancelled ? 'cancelled' : 'confirmed',
        pl.inst[0]?.due ?? '2026-01-01',
        String(total),
        'CNY',
      ].join('\t');
    },
  );
  mark('orders');
  await copyRows(
    raw,
    'copy payment_plan (tenant_id, id, owner_id, created_by, deleted_at, number, account_id, order_id, amount, amount_currency, paid_amount, paid_amount_currency, status) from stdin',
    planCount,
    (k) => {
      const pl = planOf(k);
      const total = pl.inst.reduce((s, x) => s + x.amount, 0);
      const paid = pl.inst.reduce((s, x) => s + x.paid, 0);
      return [
        tenantId,
        planIds[k],
        owner,
        owner,
        pl.deleted ? '2026-01-01T00:00:00Z' : N,
        `PP-2026-${String(k + 1).padStart(7, '0')}`,
        pl.account,
        orderIds[k],
        String(total),
        'CNY',
        String(paid),
        'CNY',
        paid === total ? 'paid' : 'open',
      ].join('\t');
    },
  );
  mark('plans');
  const today = ymd(nowMs);
  await copyRows(
    raw,
    'copy payment_instalment (tenant_id, id, plan_id, seq, due_date, amount, paid_amount, status) from stdin',
    planCount,
    (k) =>
      planOf(k).inst.map((x, j) =>
        [
          tenantId,
          v7(),
          planIds[k],
          String(j + 1),
          x.due,
          String(x.amount),
          String(x.paid),
          x.paid >= x.amount ? 'paid' : x.due < today ? 'overdue' : x.paid > 0 ? 'partially_paid' : 'planned',
        ].join('\t'),
      ),
  );
  mark('instalments');
  // statistics first: without them the derived inserts below join a million rows by nested loops
  await raw.query('analyze sales_order; analyze payment_plan; analyze payment_instalment');
  // one payment per paid instalment, received around its due date (some after the report date,
  // which the report must not count) — derived set-based, its id a hash of the instalment's
  await raw.query(
    `insert into payment (tenant_id, id, owner_id, created_by, number, account_id, received_date, amount, amount_currency,
       status, unallocated_amount, unallocated_amount_currency, refunded_amount, refunded_amount_currency, match_method)
     select i.tenant_id, md5(i.id::text)::uuid, $2, $2, 'PAY-' || i.id, p.account_id,
       least(i.due_date + (abs(hashtext(i.id::text)) % 41 - 20), $3::date), i.paid_amount, 'CNY', 'matched', 0, 'CNY', 0, 'CNY', 'reference'
     from payment_instalment i join payment_plan p on p.tenant_id = i.tenant_id and p.id = i.plan_id
     where i.tenant_id = $1 and i.paid_amount > 0`,
    [tenantId, owner, today],
  );
  mark('payments');
  await raw.query(
    `insert into payment_allocation (tenant_id, id, payment_id, instalment_id, amount, created_by)
     select tenant_id, gen_random_uuid(), md5(id::text)::uuid, id, paid_amount, $2 from payment_instalment
     where tenant_id = $1 and paid_amount > 0`,
    [tenantId, owner],
  );
  mark('allocations');
  await raw.query(
    'analyze account; analyze sales_order; analyze payment_plan; analyze payment_instalment; analyze payment; analyze payment_allocation',
  );
  mark('analyze');
  const counts = await raw.query<{ inst: string; pays: string }>(
    `select (select count(*) from payment_instalment where tenant_id = $1)::text as inst,
            (select count(*) from payment where tenant_id = $1)::text as pays`,
    [tenantId],
  );
  o.log(
    `aging tenant: ${accountCount.toLocaleString()} accounts, ${planCount.toLocaleString()} orders and plans, ${Number(counts.rows[0]?.inst).toLocaleString()} instalments, ${Number(counts.rows[0]?.pays).toLocaleString()} payments + allocations in ${((Date.now() - t0) / 1000).toFixed(1)} s (${laps.join(', ')})`,
  );

  // the report 15 days ago: payments received since then must not count
  const asOf = ymd(nowMs - 15 * DAY);
  const flywheel = () => agingReport(p.db, admin, { as_of: asOf, group_by: 'account' });
  const bare = () =>
    raw.query<{ account_id: string; total: string; overdue: string }>(BARE_AGING_SQL, [tenantId, asOf]);
  const fw = await flywheel();
  const bw = await bare();
  const fwTotal = fw.totals.reduce((s, t) => s + t.total, 0);
  const fwOverdue = fw.totals.reduce((s, t) => s + t.overdue, 0);
  const rawTotal = bw.rows.reduce((s, x) => s + Number(x.total), 0);
  const rawOverdue = bw.rows.reduce((s, x) => s + Number(x.overdue), 0);
  const ok = fwTotal === rawTotal && fwOverdue === rawOverdue && fw.rows.length === bw.rows.length;
  if (!ok)
    loud(
      o.log,
      'aging total/overdue/rows',
      `${fwTotal}/${fwOverdue}/${fw.rows.length}`,
      `${rawTotal}/${rawOverdue}/${bw.rows.length}`,
    );
  o.log(
    `aging as of ${asOf}: ${fw.rows.length.toLocaleString()} accounts owe ${fwTotal} fen, ${fwOverdue} overdue (${ok ? 'same on both sides' : 'MISMATCH'})`,
  );
  const [fwStats, rawStats] = await compare(flywheel, bare, o.iterations, 1);
  if (fwStats.median > 3 * rawStats.median) {
    // the plan of the report's own statement (agingStatement, admin scope) beside the bare one
    const plan = async (text: string, values: readonly unknown[]) =>
      (await raw.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, [...values])).rows
        .map((r) => `    ${r['QUERY PLAN']}`)
        .join('\n');
    const fwSql = agingStatement(admin, asOf, 'account').compile(p.db.kysely);
    o.log(`aging: Flywheel ${fwStats.median.toFixed(0)} ms vs raw ${rawStats.median.toFixed(0)} ms — plans:`);
    o.log(`  Flywheel's statement:\n${await plan(fwSql.sql, fwSql.parameters)}`);
    o.log(`  bare statement:\n${await plan(BARE_AGING_SQL, [tenantId, asOf])}`);
  }
  return [
    latencyRow(
      `AR aging by account over ${o.instalments.toLocaleString()} instalments`,
      fwStats,
      rawStats,
      `agingReport() (GET /receivables/aging) vs one SQL statement bucketing in the database; ${fmtP95(fwStats, rawStats)}${ok ? '; totals equal' : '; **TOTALS DIFFER**'}`,
    ),
  ];
}

export async function benchCash(
  p: Platform,
  raw: pg.Client,
  o: {
    products: number;
    quoteLines: number;
    iterations: number;
    payments: number;
    instalments: number;
    agingInstalments: number;
    agingIterations: number;
    log: (m: string) => void;
  },
): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push(
    ...(await benchPricing(p, raw, {
      products: o.products,
      lines: o.quoteLines,
      iterations: o.iterations,
      log: o.log,
    })),
  );
  // the long one last; each row is logged as it is measured
  rows.push(
    ...(await benchAging(p, raw, {
      instalments: o.agingInstalments,
      iterations: o.agingIterations,
      log: o.log,
    })),
  );
  o.log(`\n${table(rows)}`);
  rows.push(
    ...(await benchMatching(p, raw, { payments: o.payments, instalments: o.instalments, log: o.log })),
  );
  o.log(`\n${table(rows.slice(-1))}`);
  return rows;
}
