import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

/**
 * List order with empty values: nulls come last in both directions, for every sortable field
 * kind (standard columns and custom fields in jsonb), and keyset paging with a small page size
 * returns exactly the expected order across nulls, ties and values.
 */

type Rec = Record<string, unknown> & { id: string };
type Val = string | number | boolean | null;
/** What each record holds per sort field, in a form that compares like PostgreSQL does. */
type Expected = Map<string, Record<string, Val>>;

let built: BuiltApp;
let admin: Client;
let tenantId: string;
const run = (q: ReturnType<typeof sql>) => q.execute(built.platform.db.kysely);

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  tenantId = t.tenantId;
  admin = await login(built.app, t.adminEmail);
});
afterAll(async () => built.close());

/** The order the API documents: each key ascending or descending with nulls last, then id. */
function expectedOrder(expected: Expected, sort: string): string[] {
  const keys = sort.split(',').map((p) => ({ field: p.replace(/^-/, ''), desc: p.startsWith('-') }));
  const lastDesc = keys.length ? (keys[keys.length - 1]?.desc ?? true) : true;
  const cmp = (a: Val | string, b: Val | string): number => (a === b ? 0 : (a ?? '') < (b ?? '') ? -1 : 1);
  return [...expected.keys()].sort((ia, ib) => {
    const a = expected.get(ia) ?? {};
    const b = expected.get(ib) ?? {};
    for (const k of keys) {
      const va = a[k.field] ?? null;
      const vb = b[k.field] ?? null;
      if (va === vb) continue;
      if (va === null) return 1;
      if (vb === null) return -1;
      return k.desc ? -cmp(va, vb) : cmp(va, vb);
    }
    return lastDesc ? -cmp(ia, ib) : cmp(ia, ib);
  });
}

/** Every page of a list, `limit` rows at a time, following next_cursor. */
async function pageThrough(url: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const res = await admin.get(`${url}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = json<{ data: Rec[]; next_cursor: string | null }>(res);
    expect(body.data.length, url).toBeLessThanOrEqual(limit);
    seen.push(...body.data.map((r) => r.id));
    cursor = body.next_cursor;
    if (!cursor) return seen;
  }
  throw new Error(`no last page for ${url}`);
}

async function checkSorts(
  object: string,
  filter: string,
  expected: Expected,
  sorts: string[],
): Promise<void> {
  for (const sort of sorts) {
    const want = expectedOrder(expected, sort);
    const url = `/api/v1/objects/${object}?${filter}&sort=${sort}`;
    const whole = json<{ data: Rec[] }>(await admin.get(`${url}&limit=200`)).data.map((r) => r.id);
    expect(whole, `${object} sort=${sort}`).toEqual(want);
    for (const limit of [1, 3, 4]) expect(await pageThrough(url, limit), `${sort} by ${limit}`).toEqual(want);
  }
}

/** Both directions of each key. */
const bothWays = (fields: string[]): string[] => fields.flatMap((f) => [f, `-${f}`]);

/** Value i of a column: null every `nullEvery` rows, else one of `pool` (so there are ties). */
const pick = <T>(i: number, pool: T[], nullEvery: number, offset: number): T | null =>
  (i + offset) % nullEvery === 0 ? null : (pool[(i * 7 + offset) % pool.length] ?? null);

describe('list order puts empty values last, in both directions', () => {
  const N = 23;
  const tag = `S${Date.now()}`;
  const filter = `filter[name][starts_with]=${tag}`;
  const expected: Expected = new Map();
  let users: string[] = [];
  let parents: string[] = [];

  beforeAll(async () => {
    const fields = [
      { api_name: 'n__c', type: 'number', label: { 'en-US': 'N' }, indexed: true },
      { api_name: 'p__c', type: 'percent', label: { 'en-US': 'P' } },
      { api_name: 'm__c', type: 'currency', label: { 'en-US': 'M' }, indexed: true },
      { api_name: 'b__c', type: 'boolean', label: { 'en-US': 'B' } },
      { api_name: 't__c', type: 'text', label: { 'en-US': 'T' }, indexed: true },
      {
        api_name: 's__c',
        type: 'select',
        label: { 'en-US': 'S' },
        options: ['alpha', 'bravo', 'charlie'].map((v) => ({ value: v, label: { 'en-US': v } })),
      },
      { api_name: 'd__c', type: 'date', label: { 'en-US': 'D' }, indexed: true },
      { api_name: 'dt__c', type: 'datetime', label: { 'en-US': 'DT' } },
      { api_name: 'u__c', type: 'user', label: { 'en-US': 'U' } },
      { api_name: 'l__c', type: 'lookup', lookup: 'account', label: { 'en-US': 'L' } },
      { api_name: 'e__c', type: 'email', label: { 'en-US': 'E' } },
    ];
    for (const f of fields) {
      const r = await admin.post('/api/v1/metadata/objects/account/fields', f);
      expect(r.statusCode, r.body).toBe(201);
    }
    users = [admin.userId ?? '', (await userWithRole(admin, 'sales_rep')).userId ?? ''];
    const made = await admin.post('/api/v1/objects/account/bulk', {
      action: 'create',
      records: ['P1', 'P2', 'P3'].map((n) => ({ name: `parent-${tag}-${n}` })),
    });
    expect(made.statusCode, made.body).toBe(200);
    parents = json<{ data: Rec[] }>(made).data.map((r) => r.id);

    const money = (amount: number | null) => (amount === null ? null : { amount, currency: 'CNY' });
    const rows = Array.from({ length: N }, (_, i) => ({
      name: `${tag}-${['q', 'r', 's'][i % 3]}${String(i).padStart(2, '0')}`,
      city: pick(i, ['hangzhou', 'beijing', 'shanghai'], 4, 0),
      grade: pick(i, ['A', 'B', 'C'], 3, 1),
      employees: pick(i, [10, 20, 20, 30], 5, 2),
      annual_revenue: money(pick(i, [100_00, 250_00, 900_00], 3, 0)),
      parent_id: pick(i, parents, 3, 2),
      csm_id: pick(i, users, 3, 1),
      n__c: pick(i, [-5, 0, 0.5, 12], 4, 1),
      p__c: pick(i, [10, 12.5, 99], 3, 2),
      m__c: money(pick(i, [1, 5_000_00, 70_00], 4, 3)),
      b__c: pick(i, [true, false], 3, 0),
      t__c: pick(i, ['delta', 'echo', 'foxtrot'], 4, 2),
      s__c: pick(i, ['alpha', 'bravo', 'charlie'], 5, 0),
      d__c: pick(i, ['2026-01-05', '2026-11-30', '2025-12-31'], 3, 1),
      dt__c: pick(
        i,
        ['2026-03-01T08:00:00.000Z', '2026-03-01T08:00:00.001Z', '2024-07-07T23:59:59.999Z'],
        4,
        0,
      ),
      u__c: pick(i, users, 4, 2),
      l__c: pick(i, parents, 5, 3),
      e__c: pick(i, ['ann@example.test', 'bob@example.test'], 3, 2),
    }));
    const res = await admin.post('/api/v1/objects/account/bulk', { action: 'create', records: rows });
    expect(res.statusCode, res.body).toBe(200);
    const created = json<{ data: Rec[] }>(res).data;
    // Standard datetime columns keep microseconds (the cursor carries them as text): ties and
    // values one microsecond apart, set in the database since clients cannot write them.
    const followed = [
      '2026-05-01 10:00:00.000001+00',
      '2026-05-01 10:00:00.000002+00',
      '2025-01-01 00:00:00+00',
    ];
    const createdAt = ['2026-02-02 02:02:02.500001+00', '2026-02-02 02:02:02.500002+00'];
    const iso = (ts: string): string => ts.replace(' ', 'T').replace('+00', 'Z');
    created.forEach((rec, i) => {
      const row = rows[i];
      if (!row) throw new Error('row');
      const lf = pick(i, followed, 3, 0);
      const ca = createdAt[i % 2] ?? '';
      expected.set(rec.id, {
        name: row.name,
        city: row.city,
        grade: row.grade,
        employees: row.employees,
        annual_revenue: row.annual_revenue?.amount ?? null,
        parent_id: row.parent_id,
        csm_id: row.csm_id,
        last_followed_at: lf === null ? null : iso(lf),
        created_at: iso(ca),
        n__c: row.n__c,
        p__c: row.p__c,
        m__c: row.m__c?.amount ?? null,
        b__c: row.b__c,
        t__c: row.t__c,
        s__c: row.s__c,
        d__c: row.d__c,
        dt__c: row.dt__c,
        u__c: row.u__c,
        l__c: row.l__c,
        e__c: row.e__c,
      });
    });
    for (const [i, rec] of created.entries()) {
      const lf = pick(i, followed, 3, 0);
      await run(
        sql`update account set last_followed_at = ${lf}::timestamptz, created_at = ${createdAt[i % 2]}::timestamptz where tenant_id = ${tenantId} and id = ${rec.id}`,
      );
    }
    // the expected values really are a mix of nulls, ties and distinct values
    for (const f of ['city', 'annual_revenue', 'n__c', 'b__c', 'dt__c', 'last_followed_at']) {
      const vals = [...expected.values()].map((v) => v[f] ?? null);
      expect(vals.filter((v) => v === null).length, f).toBeGreaterThan(2);
      expect(new Set(vals.filter((v) => v !== null)).size, f).toBeGreaterThan(1);
      expect(new Set(vals).size, f).toBeLessThan(N - 10);
    }
  });

  it('standard columns: text, select, number, currency, lookup, user, datetime', async () => {
    const r = json<{ data: Rec[] }>(
      await admin.get(`/api/v1/objects/account?${filter}&sort=-annual_revenue&limit=200`),
    );
    expect(r.data).toHaveLength(N);
    // the complaint: accounts without revenue must not come first when sorting by revenue ↓
    expect(r.data[0]?.annual_revenue).toMatchObject({ amount: 900_00 });
    expect(r.data.slice(-3).map((x) => x.annual_revenue)).toEqual([null, null, null]);
    await checkSorts(
      'account',
      filter,
      expected,
      bothWays(['city', 'grade', 'employees', 'annual_revenue', 'parent_id', 'csm_id', 'last_followed_at']),
    );
  });

  it('custom fields of every sortable kind', async () => {
    await checkSorts(
      'account',
      filter,
      expected,
      bothWays(['n__c', 'p__c', 'm__c', 'b__c', 't__c', 's__c', 'd__c', 'dt__c', 'u__c', 'l__c', 'e__c']),
    );
  });

  it('several keys, nullable and not, in mixed directions', async () => {
    await checkSorts('account', filter, expected, [
      'name',
      '-name',
      'created_at',
      '-created_at',
      'city,-employees',
      '-city,employees',
      '-grade,annual_revenue',
      'grade,-annual_revenue',
      '-n__c,-last_followed_at',
      'last_followed_at,n__c',
      'b__c,t__c',
      '-b__c,-t__c',
      '-csm_id,-city,name',
      'created_at,-s__c',
      '-created_at,dt__c',
      'e__c,-p__c,-l__c',
      '-d__c,created_at',
    ]);
  });

  it('a page that ends on the last value continues with the empty ones', async () => {
    // a page that ends exactly on the last non-null value, then the nulls
    const all = expectedOrder(expected, '-employees');
    const nonNull = [...expected.values()].filter((v) => v.employees !== null).length;
    const first = json<{ data: Rec[]; next_cursor: string | null }>(
      await admin.get(`/api/v1/objects/account?${filter}&sort=-employees&limit=${nonNull}`),
    );
    expect(first.data.map((r) => r.id)).toEqual(all.slice(0, nonNull));
    expect(first.next_cursor).not.toBeNull();
    const rest = json<{ data: Rec[]; next_cursor: string | null }>(
      await admin.get(
        `/api/v1/objects/account?${filter}&sort=-employees&limit=200&cursor=${first.next_cursor ?? ''}`,
      ),
    );
    expect(rest.data.map((r) => r.id)).toEqual(all.slice(nonNull));
    expect(rest.data.every((r) => r.employees === null)).toBe(true);
    expect(rest.next_cursor).toBeNull();
  });
});

describe('other objects and storages', () => {
  it('custom objects (custom_record), standard dates, booleans and money on other tables', async () => {
    const tag = `K${Date.now()}`;
    expect(
      (
        await admin.post('/api/v1/metadata/objects', {
          api_name: 'sorty__c',
          label: { 'zh-CN': '排序', 'en-US': 'Sorty' },
        })
      ).statusCode,
    ).toBe(201);
    for (const f of [
      { api_name: 'w__c', type: 'number', label: { 'en-US': 'W' }, indexed: true },
      { api_name: 'when__c', type: 'date', label: { 'en-US': 'When' } },
    ])
      expect((await admin.post('/api/v1/metadata/objects/sorty__c/fields', f)).statusCode).toBe(201);
    const custom: Expected = new Map();
    const customRows = Array.from({ length: 11 }, (_, i) => ({
      name: `${tag}-${i}`,
      w__c: pick(i, [3, 1, 2], 3, 1),
      when__c: pick(i, ['2026-01-01', '2026-06-01'], 4, 0),
    }));
    const made = await admin.post('/api/v1/objects/sorty__c/bulk', { action: 'create', records: customRows });
    expect(made.statusCode, made.body).toBe(200);
    json<{ data: Rec[] }>(made).data.forEach((r, i) =>
      custom.set(r.id, { w__c: customRows[i]?.w__c ?? null, when__c: customRows[i]?.when__c ?? null }),
    );
    await checkSorts('sorty__c', `filter[name][starts_with]=${tag}`, custom, [
      ...bothWays(['w__c', 'when__c']),
      '-when__c,w__c',
    ]);

    // products: a standard boolean (never null), standard money and text that may be empty
    const products: Expected = new Map();
    const productRows = Array.from({ length: 9 }, (_, i) => ({
      sku: `${tag}-SKU-${i}`,
      name: `${tag}-p${i}`,
      list_price: { amount: 100_00, currency: 'CNY' },
      active: i % 3 !== 0,
      cost: i % 4 === 0 ? null : { amount: (i % 3) * 10_00, currency: 'CNY' },
      family: pick(i, ['crm', 'erp'], 3, 2),
    }));
    const p = await admin.post('/api/v1/objects/product/bulk', { action: 'create', records: productRows });
    expect(p.statusCode, p.body).toBe(200);
    json<{ data: Rec[] }>(p).data.forEach((r, i) => {
      const row = productRows[i];
      products.set(r.id, {
        active: row?.active ?? null,
        cost: row?.cost?.amount ?? null,
        family: row?.family ?? null,
      });
    });
    await checkSorts('product', `filter[sku][starts_with]=${tag}`, products, [
      ...bothWays(['active', 'cost', 'family']),
      '-active,-cost',
    ]);

    // contracts: a standard date column
    const acc = json<{ data: Rec }>(await admin.post('/api/v1/objects/account', { name: `${tag}-acc` })).data;
    const contracts: Expected = new Map();
    for (let i = 0; i < 8; i++) {
      const signDate = pick(i, ['2026-03-03', '2025-09-09', '2026-12-01'], 3, 1);
      const c = await admin.post('/api/v1/objects/contract', {
        name: `${tag}-c${i}`,
        account_id: acc.id,
        sign_date: signDate,
      });
      expect(c.statusCode, c.body).toBe(201);
      contracts.set(json<{ data: Rec }>(c).data.id, { sign_date: signDate });
    }
    await checkSorts('contract', `filter[name][starts_with]=${tag}`, contracts, bothWays(['sign_date']));
  });
});
