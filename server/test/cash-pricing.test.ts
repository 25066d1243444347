// Price lists and the pricing engine (DOMAIN.md §4, docs/CASH.md "Pricing"): list items with
// volume tiers, the trial calculation (priority vs best price, tiers, bundles, discounts, tax,
// margin), settings, bad input naming the field with nothing written, and permissions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { newId } from '../src/platform/db/ids.ts';
import {
  conformsTo,
  json,
  login,
  newTenant,
  testApp,
  userWithRole,
  type Client,
  type TestTenant,
} from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type Err = { error: { code: string; details: { field: string; code: string }[] } };
type Line = Rec & {
  product_id: string;
  price_source: string;
  price_list_id: string | null;
  unit_price: number;
  amount: number;
  net_amount: number;
  quantity: number;
  parent_position: number | null;
};
type Result = { data: { lines: Line[]; totals: Record<string, unknown>; best_price: boolean } };

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let rep: Client;
let rep2: Client;
let accountA: string; // grade A customer, owned by rep
let accountC: string; // grade C prospect, owned by rep
let seat: string;
let impl: string;
let vip: string;
let old: string;
let suite: string;
let addon: string;
let listAll: string;
let listGradeA: string;
let listAccount: string;

const codes = (r: { json(): unknown }): string[] =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();

async function create(object: string, body: Record<string, unknown>): Promise<string> {
  const r = await admin.post(`/api/v1/objects/${object}`, body);
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data.id;
}

const calc = (c: Client, body: Record<string, unknown>) => c.post('/api/v1/pricing/calculate', body);
const itemsOf = async (listId: string): Promise<Rec[]> =>
  json<{ data: Rec[] }>(await admin.get(`/api/v1/price-lists/${listId}/items`)).data;
async function rowCount(table: 'price_list_item' | 'price_tier' | 'audit_log'): Promise<number> {
  const r = await TenantDb.for(built.platform.db, t.tenantId).one(
    sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where tenant_id = ${t.tenantId}`,
  );
  return r?.n ?? 0;
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  rep2 = await userWithRole(admin, 'sales_rep');
  const acc = async (name: string, extra: Record<string, unknown>): Promise<string> => {
    const r = await rep.post('/api/v1/objects/account', { name, ...extra });
    expect(r.statusCode, r.body).toBe(201);
    return json<{ data: Rec }>(r).data.id;
  };
  accountA = await acc('杭州青禾科技有限公司', { grade: 'A', type: 'customer' });
  accountC = await acc('南京远帆贸易有限公司', { grade: 'C', type: 'prospect' });
  seat = await create('product', {
    sku: 'SEAT',
    name: '专业版席位',
    type: 'subscription',
    unit: 'seat',
    list_price: 10_000,
    cost: 3_000,
  });
  impl = await create('product', { sku: 'IMPL', name: '实施服务', type: 'service', list_price: 300_000 });
  vip = await create('product', {
    sku: 'VIP',
    name: '大客户专属模块',
    type: 'one_time',
    list_price: 50_000,
    sellable_scope: 'listed_only',
  });
  old = await create('product', {
    sku: 'OLD',
    name: '旧版许可',
    type: 'one_time',
    list_price: 100,
    active: false,
  });
  suite = await create('product', {
    sku: 'SUITE',
    name: '成长套装',
    type: 'subscription',
    list_price: 0,
    is_bundle: true,
  });
  addon = await create('product', { sku: 'ADDON', name: '数据看板', type: 'one_time', list_price: 20_000 });
  // bundle structure is the products helper's endpoint; here the rows are what pricing reads
  const tdb = TenantDb.for(built.platform.db, t.tenantId);
  await tdb.exec0(sql`insert into product_bundle_item (tenant_id, id, bundle_id, product_id, required, quantity, min_quantity, max_quantity, position)
    values (${t.tenantId}, ${newId()}, ${suite}, ${seat}, true, 5, 5, 500, 0),
           (${t.tenantId}, ${newId()}, ${suite}, ${addon}, false, 1, null, null, 1)`);
  listAll = await create('price_list', { name: '渠道统一价', priority: 50, scope_type: 'all' });
  listGradeA = await create('price_list', {
    name: 'A 类客户价',
    priority: 10,
    scope_type: 'account_grade',
    scope_value: 'A',
  });
  listAccount = await create('price_list', {
    name: '青禾专属价',
    priority: 1,
    scope_type: 'account',
    account_id: accountA,
    valid_from: '2020-01-01',
    valid_to: '2099-12-31',
  });
}, 60_000);
afterAll(async () => built?.close());

describe('price lists', () => {
  it('are catalog data: reps read them and their items but cannot change them', async () => {
    expect((await rep.get(`/api/v1/objects/price_list/${listAll}`)).statusCode).toBe(200);
    expect((await rep.post('/api/v1/objects/price_list', { name: 'x' })).statusCode).toBe(403);
    expect((await rep.get(`/api/v1/price-lists/${listAll}/items`)).statusCode).toBe(200);
    const put = await rep.put(`/api/v1/price-lists/${listAll}/items`, {
      items: [{ product_id: seat, unit_price: 1 }],
    });
    expect(put.statusCode).toBe(403);
    expect(await itemsOf(listAll)).toEqual([]);
  });

  it('check their scope fields and currency', async () => {
    const a = await admin.post('/api/v1/objects/price_list', { name: 'x', scope_type: 'account' });
    expect(a.statusCode).toBe(422);
    expect(codes(a)).toEqual(['account_id:required']);
    const g = await admin.post('/api/v1/objects/price_list', {
      name: 'x',
      scope_type: 'account_grade',
      currency: 'us$',
      valid_from: '2026-12-01',
      valid_to: '2026-11-01',
    });
    expect(codes(g)).toEqual(['currency:invalid_currency', 'scope_value:required', 'valid_to:period_order']);
    const p = await admin.post('/api/v1/objects/price_list', { name: 'x', priority: 1.5 });
    expect(codes(p)).toEqual(['priority:expected_type']);
    const rec = json<{ data: Rec }>(await admin.get(`/api/v1/objects/price_list/${listAll}`)).data;
    expect(rec).toMatchObject({ currency: 'CNY', priority: 50, active: true });
  });

  it('replace their items with volume tiers in one request and read them back', async () => {
    const put = await admin.put(`/api/v1/price-lists/${listGradeA}/items`, {
      items: [
        {
          product_id: seat,
          unit_price: 9_500,
          tier_mode: 'range',
          tiers: [
            { from_qty: 10, to_qty: 50, unit_price: 9_000 },
            { from_qty: 0, to_qty: 10, unit_price: 9_500 },
            { from_qty: 50, to_qty: null, unit_price: 8_000 },
          ],
        },
        { product_id: vip, unit_price: 45_000, min_quantity: 2 },
      ],
    });
    const body = conformsTo<{ data: Rec[] }>(built.app, 'PUT', '/api/v1/price-lists/:id/items', put, 200);
    expect(body.data).toHaveLength(2);
    expect(body.data[0]).toMatchObject({
      product_id: seat,
      product_sku: 'SEAT',
      tier_mode: 'range',
      tiers: [
        { from_qty: 0, to_qty: 10, unit_price: 9_500 },
        { from_qty: 10, to_qty: 50, unit_price: 9_000 },
        { from_qty: 50, to_qty: null, unit_price: 8_000 },
      ],
    });
    expect(body.data[1]).toMatchObject({ product_id: vip, min_quantity: 2, tier_mode: 'none', tiers: [] });
    const get = await rep.get(`/api/v1/price-lists/${listGradeA}/items`);
    expect(
      conformsTo<{ data: Rec[] }>(built.app, 'GET', '/api/v1/price-lists/:id/items', get, 200).data,
    ).toEqual(body.data);
    const list = json<{ data: Rec }>(await admin.get(`/api/v1/objects/price_list/${listGradeA}`)).data;
    expect(list.version).toBe(2);
  });

  it('refuse bad items naming the field, writing nothing', async () => {
    const before = await itemsOf(listGradeA);
    const counts = [
      await rowCount('price_list_item'),
      await rowCount('price_tier'),
      await rowCount('audit_log'),
    ];
    const bad = await admin.put(`/api/v1/price-lists/${listGradeA}/items`, {
      items: [
        {
          product_id: seat,
          unit_price: 100,
          tier_mode: 'slab',
          tiers: [
            { from_qty: 0, to_qty: 10, unit_price: 100 },
            { from_qty: 5, to_qty: null, unit_price: 90 },
          ],
        },
        { product_id: impl, unit_price: 100, tier_mode: 'range', tiers: [{ from_qty: 1, unit_price: 1 }] },
        { product_id: seat, unit_price: 100 },
        { product_id: newId(), unit_price: 100 },
        { product_id: vip, unit_price: 100, min_quantity: -1 },
        { product_id: addon, unit_price: 100, tiers: [{ from_qty: 0, unit_price: 1 }] },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(codes(bad)).toEqual([
      'items[0].tiers[1].from_qty:tier_overlap',
      'items[1].tiers[0].from_qty:tier_start',
      'items[2].product_id:duplicate_item',
      'items[3].product_id:invalid_reference',
      'items[4].min_quantity:must_be_positive',
      'items[5].tiers:invalid_value',
    ]);
    const neg = await admin.put(`/api/v1/price-lists/${listGradeA}/items`, {
      items: [{ product_id: seat, unit_price: -5 }],
    });
    expect(neg.statusCode).toBe(422);
    expect(codes(neg)).toEqual(['items[0].unit_price:invalid_value']);
    const gap = await admin.put(`/api/v1/price-lists/${listGradeA}/items`, {
      items: [
        {
          product_id: seat,
          unit_price: 1,
          tier_mode: 'range',
          tiers: [
            { from_qty: 0, to_qty: 10, unit_price: 1 },
            { from_qty: 11, to_qty: null, unit_price: 1 },
          ],
        },
      ],
    });
    expect(codes(gap)).toEqual(['items[0].tiers[1].from_qty:tier_gap']);
    expect(await itemsOf(listGradeA)).toEqual(before);
    expect([
      await rowCount('price_list_item'),
      await rowCount('price_tier'),
      await rowCount('audit_log'),
    ]).toEqual(counts);
  });

  it('answer 409 to a stale version and 404 to an unknown list', async () => {
    const r = await admin.put(`/api/v1/price-lists/${listAll}/items`, {
      version: 99,
      items: [{ product_id: seat, unit_price: 9_900 }],
    });
    expect(r.statusCode).toBe(409);
    expect((await admin.get(`/api/v1/price-lists/${newId()}/items`)).statusCode).toBe(404);
    const ok = await admin.put(`/api/v1/price-lists/${listAll}/items`, {
      version: 1,
      items: [
        { product_id: seat, unit_price: 9_900 },
        { product_id: impl, unit_price: 280_000 },
      ],
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('trial calculation', () => {
  it('prices by priority: the account list beats the grade list beats the all-accounts list', async () => {
    let r = await calc(rep, { account_id: accountA, lines: [{ product_id: seat, quantity: 11 }] });
    let body = conformsTo<Result>(built.app, 'POST', '/api/v1/pricing/calculate', r, 200);
    // grade A list (priority 10, range tier 10–50 at 90.00) before the all-accounts list (50)
    expect(body.data.lines[0]).toMatchObject({
      price_source: 'price_list',
      price_list_id: listGradeA,
      tier_mode: 'range',
      unit_price: 9_000,
      amount: 99_000,
      list_amount: 110_000,
    });
    // boundary: 10 seats are still in the first tier
    r = await calc(rep, { account_id: accountA, lines: [{ product_id: seat, quantity: 10 }] });
    expect(json<Result>(r).data.lines[0]).toMatchObject({ unit_price: 9_500, amount: 95_000 });
    // the account's own list (priority 1) wins once it has the product
    await admin.put(`/api/v1/price-lists/${listAccount}/items`, {
      items: [{ product_id: seat, unit_price: 9_800 }],
    });
    r = await calc(rep, { account_id: accountA, lines: [{ product_id: seat, quantity: 11 }] });
    expect(json<Result>(r).data.lines[0]).toMatchObject({ price_list_id: listAccount, unit_price: 9_800 });
    // grade C: only the all-accounts list applies; impl from it, addon at the standard price
    r = await calc(rep, {
      account_id: accountC,
      lines: [
        { product_id: seat, quantity: 11 },
        { product_id: addon, quantity: 1 },
      ],
    });
    body = json<Result>(r);
    expect(body.data.lines.map((l) => [l.price_source, l.price_list_id, l.unit_price])).toEqual([
      ['price_list', listAll, 9_900],
      ['standard', null, 20_000],
    ]);
  });

  it('with best price on, takes the lowest among the applicable lists and the standard price', async () => {
    expect((await rep.put('/api/v1/pricing/settings', { bestPrice: true })).statusCode).toBe(403);
    const s = await admin.put('/api/v1/pricing/settings', { bestPrice: true });
    expect(conformsTo(built.app, 'PUT', '/api/v1/pricing/settings', s, 200)).toEqual({
      data: { bestPrice: true },
    });
    try {
      const r = await calc(rep, { account_id: accountA, lines: [{ product_id: seat, quantity: 11 }] });
      const body = json<Result>(r);
      expect(body.data.best_price).toBe(true);
      expect(body.data.lines[0]).toMatchObject({ price_list_id: listGradeA, unit_price: 9_000 });
    } finally {
      await admin.put('/api/v1/pricing/settings', { bestPrice: false });
    }
    const g = await rep.get('/api/v1/pricing/settings');
    expect(conformsTo(built.app, 'GET', '/api/v1/pricing/settings', g, 200)).toEqual({
      data: { bestPrice: false },
    });
    const bad = await admin.put('/api/v1/pricing/settings', { bestPrice: 'yes' });
    expect(bad.statusCode).toBe(422);
    expect(codes(bad)).toEqual(['bestPrice:invalid_value']);
  });

  it('discounts, header discount allocation, tax, margin and totals', async () => {
    const r = await calc(rep, {
      account_id: accountC,
      header_discount: 10,
      lines: [
        { product_id: seat, quantity: 3, discount: 5, unit_price: 10_001 },
        { product_id: impl, quantity: 1.5, discount: 0 },
      ],
    });
    const body = conformsTo<Result>(built.app, 'POST', '/api/v1/pricing/calculate', r, 200);
    const [a, b] = body.data.lines;
    // 3 × 100.01 × 0.95 = 285.0285 → 28503 fen; 1.5 × 2800.00 = 420000
    expect(a).toMatchObject({ price_source: 'override', amount: 28_503, tax_rate: 6 });
    expect(b).toMatchObject({ price_list_id: listAll, amount: 420_000 });
    const net = body.data.lines.reduce((s, l) => s + l.net_amount, 0);
    expect(body.data.totals).toMatchObject({
      currency: 'CNY',
      subtotal: 448_503,
      header_discount_amount: 44_850, // 44850.3 → 44850
      net_total: net,
      max_line_discount: 5,
      cost_complete: false,
    });
    expect(net).toBe(448_503 - 44_850);
    expect((a?.header_discount_amount as number) + (b?.header_discount_amount as number)).toBe(44_850);
    expect(body.data.totals.grand_total).toBe(net + (body.data.totals.tax_total as number));
  });

  it('prices slab tiers in numeric order (a tier from 100 comes after one from 20)', async () => {
    const own = await create('price_list', {
      name: '阶梯价测试',
      priority: 0,
      scope_type: 'account',
      account_id: accountC,
    });
    const put = await admin.put(`/api/v1/price-lists/${own}/items`, {
      items: [
        {
          product_id: seat,
          unit_price: 10_000,
          tier_mode: 'slab',
          tiers: [
            { from_qty: 0, to_qty: 20, unit_price: 10_000 },
            { from_qty: 20, to_qty: 100, unit_price: 9_000 },
            { from_qty: 100, to_qty: null, unit_price: 8_000 },
          ],
        },
      ],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(((await itemsOf(own))[0]?.tiers as Rec[]).map((x) => x.from_qty)).toEqual([0, 20, 100]);
    const r = await calc(rep, { account_id: accountC, lines: [{ product_id: seat, quantity: 150 }] });
    const line = conformsTo<Result>(built.app, 'POST', '/api/v1/pricing/calculate', r, 200).data.lines[0];
    // 20 × 100.00 + 80 × 90.00 + 50 × 80.00
    expect(line?.amount).toBe(20 * 10_000 + 80 * 9_000 + 50 * 8_000);
    await admin.delete(`/api/v1/objects/price_list/${own}`);
  });

  it('reads fractional tier bounds and minimum quantities exactly, also for bundle children', async () => {
    const frac = await create('product', {
      sku: 'FRAC',
      name: '按量服务',
      type: 'service',
      list_price: 1_000,
    });
    const own = await create('price_list', {
      name: '小数阶梯测试',
      priority: 0,
      scope_type: 'account',
      account_id: accountC,
    });
    const put = await admin.put(`/api/v1/price-lists/${own}/items`, {
      items: [
        {
          product_id: addon,
          unit_price: 15_000,
          tier_mode: 'range',
          tiers: [
            { from_qty: 0, to_qty: 2.5, unit_price: 15_000 },
            { from_qty: 2.5, to_qty: null, unit_price: 12_000 },
          ],
        },
        { product_id: seat, unit_price: 9_500, min_quantity: 7.5 },
        { product_id: frac, unit_price: 900, min_quantity: 7.5 },
      ],
    });
    expect(put.statusCode, put.body).toBe(200);
    const r = await calc(rep, {
      account_id: accountC,
      lines: [
        { product_id: addon, quantity: 2.5 },
        { product_id: addon, quantity: 2.5001 },
        { product_id: frac, quantity: 7.4999 },
        { product_id: frac, quantity: 7.5 },
        { product_id: suite, quantity: 2, options: [addon] },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(json<Result>(r).data.lines.map((l) => [l.product_id, l.quantity, l.unit_price, l.amount])).toEqual(
      [
        [addon, 2.5, 15_000, 37_500], // 2.5 is still in the first tier
        [addon, 2.5001, 12_000, 30_001], // 30,001.2
        [frac, 7.4999, 1_000, 7_500], // below the item's 7.5: the standard price (7,499.9)
        [frac, 7.5, 900, 6_750],
        [suite, 2, 0, 0],
        [seat, 10, 9_500, 95_000], // 2 bundles × 5 seats reach the list item
        [addon, 2, 15_000, 30_000],
      ],
    );
    await admin.delete(`/api/v1/objects/price_list/${own}`);
  });

  it('expands bundles into their children', async () => {
    const r = await calc(rep, {
      account_id: accountC,
      lines: [{ product_id: suite, quantity: 2, options: [addon], discount: 10 }],
    });
    const body = json<Result>(r);
    expect(r.statusCode, r.body).toBe(200);
    expect(body.data.lines.map((l) => [l.product_id, l.quantity, l.parent_position])).toEqual([
      [suite, 2, null],
      [seat, 10, 0],
      [addon, 2, 0],
    ]);
    const big = await calc(rep, {
      account_id: accountC,
      lines: [{ product_id: suite, quantity: 1, options: [{ product_id: seat, quantity: 600 }] }],
    });
    expect(big.statusCode).toBe(422);
    expect(codes(big)).toEqual(['lines[0].options[0].quantity:bundle_quantity']);
  });

  it('refuses bad lines naming each field, and sells listed-only products only through a list', async () => {
    const r = await calc(rep, {
      account_id: accountC,
      header_discount: 120,
      lines: [
        { product_id: seat, quantity: -2 },
        { product_id: newId(), quantity: 1 },
        { product_id: old, quantity: 1 },
        { product_id: vip, quantity: 1 },
        { product_id: seat, quantity: 1.00001 },
        { product_id: seat, quantity: 1, discount: 150 },
        { product_id: addon, quantity: 1, service_start: '2026-01-01', service_end: '2026-12-31' },
      ],
    });
    expect(r.statusCode).toBe(422);
    expect(codes(r)).toEqual([
      'header_discount:too_large',
      'lines[0].quantity:must_be_positive',
      'lines[1].product_id:invalid_reference',
      'lines[2].product_id:product_inactive',
      'lines[3].product_id:product_not_sellable',
      'lines[4].quantity:too_many_decimals',
      'lines[5].discount:too_large',
      'lines[6].service_start:period_not_allowed',
    ]);
    // grade A has vip from 2 units on
    const few = await calc(rep, { account_id: accountA, lines: [{ product_id: vip, quantity: 1 }] });
    expect(codes(few)).toEqual(['lines[0].quantity:below_min_quantity']);
    const two = await calc(rep, { account_id: accountA, lines: [{ product_id: vip, quantity: 2 }] });
    expect(json<Result>(two).data.lines[0]).toMatchObject({ price_list_id: listGradeA, amount: 90_000 });
    // malformed ids and bodies are named too
    const shape = await calc(rep, { account_id: 'nope', lines: [{ product_id: 'x', quantity: 1 }] });
    expect(shape.statusCode).toBe(422);
    expect(codes(shape)).toEqual(['account_id:invalid_value', 'lines[0].product_id:invalid_value']);
  });

  it('leaves out deleted, inactive and expired lists', async () => {
    const promo = await create('price_list', { name: '双十一', priority: 0, valid_to: '2099-12-31' });
    await admin.put(`/api/v1/price-lists/${promo}/items`, { items: [{ product_id: addon, unit_price: 1 }] });
    const price = async (): Promise<number | undefined> =>
      json<Result>(await calc(rep, { account_id: accountC, lines: [{ product_id: addon, quantity: 1 }] }))
        .data.lines[0]?.unit_price;
    expect(await price()).toBe(1);
    const v = (id: string) =>
      admin
        .get(`/api/v1/objects/price_list/${id}`)
        .then((r) => json<{ data: Rec }>(r).data.version as number);
    await admin.patch(`/api/v1/objects/price_list/${promo}`, {
      valid_to: '2020-01-01',
      version: await v(promo),
    });
    expect(await price()).toBe(20_000);
    await admin.patch(`/api/v1/objects/price_list/${promo}`, {
      valid_to: null,
      active: false,
      version: await v(promo),
    });
    expect(await price()).toBe(20_000);
    await admin.patch(`/api/v1/objects/price_list/${promo}`, { active: true, version: await v(promo) });
    expect(await price()).toBe(1);
    expect((await admin.delete(`/api/v1/objects/price_list/${promo}`)).statusCode).toBeLessThan(300);
    expect(await price()).toBe(20_000);
  });

  it('writes nothing', async () => {
    const before = await rowCount('audit_log');
    const r = await calc(rep, { account_id: accountA, lines: [{ product_id: seat, quantity: 1 }] });
    expect(r.statusCode).toBe(200);
    expect(await rowCount('audit_log')).toBe(before);
  });

  it('needs read access to the account: 404 outside the scope, 403 without the permission', async () => {
    const other = await calc(rep2, { account_id: accountA, lines: [{ product_id: seat, quantity: 1 }] });
    expect(other.statusCode).toBe(404);
    const role = await admin.post('/api/v1/admin/roles', {
      key: 'catalog_viewer',
      name: { 'zh-CN': '产品查看', 'en-US': 'Catalog viewer' },
      permissions: {
        objects: { product: { read: true, scope: 'all' }, price_list: { read: true, scope: 'all' } },
      },
    });
    expect(role.statusCode, role.body).toBe(201);
    const viewer = await userWithRole(admin, 'catalog_viewer');
    const r = await calc(viewer, { account_id: accountA, lines: [{ product_id: seat, quantity: 1 }] });
    expect(r.statusCode).toBe(403);
    expect((await viewer.get(`/api/v1/price-lists/${listAll}/items`)).statusCode).toBe(200);
  });
});
