import { describe, expect, it } from 'vitest';
import {
  allocate,
  calculate,
  listApplies,
  parseScaled,
  percentOf,
  resolvePrice,
  roundDiv,
  tieredGross,
  validateTiers,
  type CalculationInput,
  type PriceList,
  type PriceListItem,
  type PricingProduct,
  type Tier,
} from '../pricing.rules.ts';

const q = (n: number | string): bigint => {
  const v = parseScaled(n, 4);
  if (v === null) throw new Error(`bad quantity ${n}`);
  return v;
};

const product = (over: Partial<PricingProduct> & { id: string }): PricingProduct => ({
  sku: over.id.toUpperCase(),
  name: `Product ${over.id}`,
  type: 'one_time',
  active: true,
  is_bundle: false,
  list_price: 10_000,
  currency: 'CNY',
  cost: null,
  tax_rate: '6',
  sellable_scope: 'any',
  bundle_items: [],
  ...over,
});

const list = (over: Partial<PriceList> & { id: string }): PriceList => ({
  name: `List ${over.id}`,
  currency: 'CNY',
  priority: 10,
  scope_type: 'all',
  scope_value: null,
  account_id: null,
  valid_from: null,
  valid_to: null,
  active: true,
  ...over,
});

const item = (
  over: Partial<PriceListItem> & { price_list_id: string; product_id: string },
): PriceListItem => ({
  unit_price: 8_000n,
  tier_mode: 'none',
  min_quantity: null,
  tiers: [],
  ...over,
});

const account = { id: 'acc-1', grade: 'A', type: 'customer' };

const input = (over: Partial<CalculationInput>): CalculationInput => ({
  currency: 'CNY',
  tenantCurrency: 'CNY',
  asOf: '2026-11-27',
  bestPrice: false,
  account,
  lines: [],
  products: new Map(),
  lists: [],
  items: [],
  ...over,
});

const productsOf = (...ps: PricingProduct[]): Map<string, PricingProduct> =>
  new Map(ps.map((p) => [p.id, p]));

function ok(r: ReturnType<typeof calculate>): Extract<ReturnType<typeof calculate>, { ok: true }> {
  if (!r.ok) throw new Error(`expected a result, got ${JSON.stringify(r.issues)}`);
  return r;
}
function issuesOf(r: ReturnType<typeof calculate>): Array<{ field: string; issue: string }> {
  if (r.ok) throw new Error('expected issues');
  return r.issues.map((i) => ({ field: i.field, issue: i.issue }));
}

// "first 10 seats at 100.00, the next 40 at 90.00, beyond 50 at 80.00"
const seatTiers = (): Tier[] => {
  const v = validateTiers(
    [
      { from_qty: 0, to_qty: 10, unit_price: 10_000 },
      { from_qty: 10, to_qty: 50, unit_price: 9_000 },
      { from_qty: 50, to_qty: null, unit_price: 8_000 },
    ],
    'tiers',
  );
  expect(v.issues).toEqual([]);
  return v.tiers;
};

describe('exact decimals', () => {
  it('parses numbers and numeric strings to scaled integers, trailing zeros allowed', () => {
    expect(parseScaled(1.5, 4)).toBe(15_000n);
    expect(parseScaled('6.0000', 4)).toBe(60_000n);
    expect(parseScaled(0.1, 2)).toBe(10n);
    expect(parseScaled('12.345', 2)).toBeNull();
    expect(parseScaled(1e-7, 4)).toBeNull();
    expect(parseScaled('abc', 4)).toBeNull();
    expect(parseScaled(Number.NaN, 4)).toBeNull();
    expect(parseScaled('-2', 0)).toBe(-2n);
  });
  it('rounds half-up (away from zero) at exactly .5', () => {
    expect(roundDiv(5n, 10n)).toBe(1n);
    expect(roundDiv(4n, 10n)).toBe(0n);
    expect(roundDiv(15n, 10n)).toBe(2n);
    expect(roundDiv(25n, 10n)).toBe(3n); // not banker's rounding
    expect(roundDiv(-25n, 10n)).toBe(-3n);
    expect(percentOf(1n, 3n)).toBe(33.33);
    expect(percentOf(2n, 3n)).toBe(66.67);
    expect(percentOf(1n, 0n)).toBeNull();
  });
});

describe('line amounts', () => {
  it('quantity × unit price × (1 − discount), rounded half-up to the fen on .5', () => {
    // 3 × 0.05 yuan at 50 % = 7.5 fen → 8
    const p = product({ id: 'p', list_price: 5 });
    const r = ok(
      calculate(input({ products: productsOf(p), lines: [{ product_id: 'p', quantity: 3, discount: 50 }] })),
    );
    expect(r.lines[0]).toMatchObject({ gross_amount: 15, amount: 8, line_discount_amount: 7 });
    // 1.5 × 0.01 yuan = 1.5 fen → 2; 2.5 fen → 3 (half-up, not to even)
    const c = product({ id: 'c', list_price: 1 });
    const r2 = ok(
      calculate(
        input({
          products: productsOf(c),
          lines: [
            { product_id: 'c', quantity: 1.5 },
            { product_id: 'c', quantity: '2.5' },
            { product_id: 'c', quantity: 2.4999 },
          ],
        }),
      ),
    );
    expect(r2.lines.map((l) => l.amount)).toEqual([2, 3, 2]);
  });

  it('keeps exact decimals where floats would drift', () => {
    // 0.1 + 0.2 style: 3 × 0.1 seats × 1000.01 yuan, 33.33 % off, all exact
    const p = product({ id: 'p', list_price: 100_001 });
    const r = ok(
      calculate(
        input({ products: productsOf(p), lines: [{ product_id: 'p', quantity: 0.3, discount: 33.33 }] }),
      ),
    );
    // 0.3 × 100001 = 30000.3; × 0.6667 = 20001.20001 → 20001
    expect(r.lines[0]).toMatchObject({ gross_amount: 30_000, amount: 20_001 });
  });

  it('tax per line on the net amount, half-up', () => {
    // net 25 fen at 6 % = 1.5 fen → 2
    const p = product({ id: 'p', list_price: 25, tax_rate: '6.0000' });
    const t = product({ id: 't', list_price: 10_050, tax_rate: 13 });
    const r = ok(
      calculate(
        input({
          products: productsOf(p, t),
          lines: [
            { product_id: 'p', quantity: 1 },
            { product_id: 't', quantity: 1 },
          ],
        }),
      ),
    );
    expect(r.lines.map((l) => l.tax_amount)).toEqual([2, 1307]); // 1306.5 → 1307
    expect(r.totals).toMatchObject({ net_total: 10_075, tax_total: 1309, grand_total: 11_384 });
  });

  it('reports quantity, discount and unit price problems with their field paths', () => {
    const p = product({ id: 'p' });
    const r = calculate(
      input({
        products: productsOf(p),
        lines: [
          { product_id: 'p', quantity: -1 },
          { product_id: 'p', quantity: 0 },
          { product_id: 'p', quantity: 1.23456 },
          { product_id: 'p', quantity: 1, discount: 100.5 },
          { product_id: 'p', quantity: 1, discount: 12.345 },
          { product_id: 'p', quantity: 1, unit_price: 1.5 },
          { product_id: 'nope', quantity: 1 },
        ],
      }),
    );
    expect(issuesOf(r)).toEqual([
      { field: 'lines[0].quantity', issue: 'must_be_positive' },
      { field: 'lines[1].quantity', issue: 'must_be_positive' },
      { field: 'lines[2].quantity', issue: 'too_many_decimals' },
      { field: 'lines[3].discount', issue: 'too_large' },
      { field: 'lines[4].discount', issue: 'too_many_decimals' },
      { field: 'lines[5].unit_price', issue: 'expected_type' },
      { field: 'lines[6].product_id', issue: 'invalid_reference' },
    ]);
  });

  it('refuses inactive products by line', () => {
    const p = product({ id: 'p', active: false });
    expect(
      issuesOf(calculate(input({ products: productsOf(p), lines: [{ product_id: 'p', quantity: 1 }] }))),
    ).toEqual([{ field: 'lines[0].product_id', issue: 'product_inactive' }]);
  });

  it('a unit price override replaces the resolved price and counts against list', () => {
    const p = product({ id: 'p', list_price: 10_000 });
    const r = ok(
      calculate(
        input({ products: productsOf(p), lines: [{ product_id: 'p', quantity: 2, unit_price: 7_500 }] }),
      ),
    );
    expect(r.lines[0]).toMatchObject({
      price_source: 'override',
      unit_price: 7_500,
      list_amount: 20_000,
      amount: 15_000,
    });
    expect(r.totals.effective_discount).toBe(25);
  });
});

describe('service periods', () => {
  const sub = product({ id: 's', type: 'subscription' });
  const one = product({ id: 'o', type: 'one_time' });
  it('are optional for a trial calculation and required for subscriptions when asked', () => {
    expect(
      ok(calculate(input({ products: productsOf(sub), lines: [{ product_id: 's', quantity: 1 }] }))).lines,
    ).toHaveLength(1);
    expect(
      issuesOf(
        calculate(
          input({
            products: productsOf(sub),
            requirePeriods: true,
            lines: [{ product_id: 's', quantity: 1 }],
          }),
        ),
      ),
    ).toEqual([{ field: 'lines[0].service_start', issue: 'service_period_required' }]);
  });
  it('must be ordered, complete, and absent on one-time products', () => {
    const r = calculate(
      input({
        products: productsOf(sub, one),
        lines: [
          { product_id: 's', quantity: 1, service_start: '2026-12-01', service_end: '2026-11-30' },
          { product_id: 's', quantity: 1, service_start: '2026-12-01' },
          { product_id: 's', quantity: 1, service_start: '2026-02-30', service_end: '2026-12-01' },
          { product_id: 'o', quantity: 1, service_start: '2026-12-01', service_end: '2027-11-30' },
        ],
      }),
    );
    expect(issuesOf(r)).toEqual([
      { field: 'lines[0].service_end', issue: 'period_order' },
      { field: 'lines[1].service_end', issue: 'required' },
      { field: 'lines[2].service_start', issue: 'invalid_date' },
      { field: 'lines[3].service_start', issue: 'period_not_allowed' },
    ]);
  });
});

describe('header discount', () => {
  it('is taken off the subtotal and allocated to lines by largest remainder, summing exactly', () => {
    const a = product({ id: 'a', list_price: 1 });
    const r = ok(
      calculate(
        input({
          products: productsOf(a),
          headerDiscount: 10,
          // three lines of 0.33 yuan: subtotal 99 fen, 10 % = 9.9 → 10 fen over 3 equal lines
          lines: [
            { product_id: 'a', quantity: 33 },
            { product_id: 'a', quantity: 33 },
            { product_id: 'a', quantity: 33 },
          ],
        }),
      ),
    );
    expect(r.totals.header_discount_amount).toBe(10);
    expect(r.lines.map((l) => l.header_discount_amount)).toEqual([4, 3, 3]);
    expect(r.lines.reduce((s, l) => s + l.net_amount, 0)).toBe(r.totals.net_total);
    expect(r.totals).toMatchObject({ subtotal: 99, net_total: 89, discount_total: 10 });
  });

  it('allocate(): proportional, exact, never more than a weight', () => {
    expect(allocate(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocate(7n, [10n, 20n, 70n])).toEqual([1n, 1n, 5n]); // 0.7 · 1.4 · 4.9 → 0+1, 1, 4+1
    expect(allocate(10n, [3n, 3n, 4n])).toEqual([3n, 3n, 4n]);
    expect(allocate(5n, [0n, 0n])).toEqual([0n, 0n]);
    const w = [123n, 4567n, 89n, 1n];
    const s = allocate(4780n, w);
    expect(s).toEqual(w);
  });

  it('combines with line discounts in the totals, margin and effective discount', () => {
    const p = product({ id: 'p', list_price: 10_000, cost: 4_000 });
    const r = ok(
      calculate(
        input({
          products: productsOf(p),
          headerDiscount: 5,
          lines: [
            { product_id: 'p', quantity: 2, discount: 10 },
            { product_id: 'p', quantity: 1, discount: 20 },
          ],
        }),
      ),
    );
    // gross 30000; line discounts 2000 + 2000; subtotal 26000; header 5 % = 1300; net 24700
    expect(r.totals).toMatchObject({
      list_total: 30_000,
      gross_total: 30_000,
      line_discount_total: 4_000,
      subtotal: 26_000,
      header_discount_amount: 1_300,
      discount_total: 5_300,
      net_total: 24_700,
      tax_total: 1_482,
      grand_total: 26_182,
      cost_total: 12_000,
      cost_complete: true,
      margin_amount: 12_700,
      margin_percent: 51.42,
      max_line_discount: 20,
      effective_discount: 17.67,
    });
    expect(r.lines.map((l) => l.header_discount_amount)).toEqual([900, 400]);
  });

  it('validates the header discount', () => {
    const p = product({ id: 'p' });
    expect(
      issuesOf(
        calculate(
          input({ products: productsOf(p), headerDiscount: 101, lines: [{ product_id: 'p', quantity: 1 }] }),
        ),
      ),
    ).toEqual([{ field: 'header_discount', issue: 'too_large' }]);
  });

  it('marks the cost incomplete when a product has none', () => {
    const p = product({ id: 'p', cost: 1_000 });
    const n = product({ id: 'n', cost: null });
    const r = ok(
      calculate(
        input({
          products: productsOf(p, n),
          lines: [
            { product_id: 'p', quantity: 1 },
            { product_id: 'n', quantity: 1 },
          ],
        }),
      ),
    );
    expect(r.totals).toMatchObject({ cost_total: 1_000, cost_complete: false, margin_amount: 19_000 });
    expect(r.lines[1]?.cost_amount).toBeNull();
  });
});

describe('volume tiers', () => {
  it('validates: start at 0, contiguous, no overlap, only the last open-ended', () => {
    const bad = (tiers: Array<{ from_qty: unknown; to_qty: unknown; unit_price: unknown }>): string[] =>
      validateTiers(tiers, 'tiers').issues.map((i) => `${i.field}:${i.issue}`);
    expect(bad([{ from_qty: 1, to_qty: null, unit_price: 1 }])).toEqual(['tiers[0].from_qty:tier_start']);
    expect(
      bad([
        { from_qty: 0, to_qty: 10, unit_price: 1 },
        { from_qty: 8, to_qty: null, unit_price: 1 },
      ]),
    ).toEqual(['tiers[1].from_qty:tier_overlap']);
    expect(
      bad([
        { from_qty: 0, to_qty: 10, unit_price: 1 },
        { from_qty: 11, to_qty: null, unit_price: 1 },
      ]),
    ).toEqual(['tiers[1].from_qty:tier_gap']);
    expect(
      bad([
        { from_qty: 0, to_qty: null, unit_price: 1 },
        { from_qty: 10, to_qty: null, unit_price: 1 },
      ]),
    ).toEqual(['tiers[1].from_qty:tier_overlap']);
    expect(bad([{ from_qty: 0, to_qty: 10, unit_price: 1 }])).toEqual(['tiers[0].to_qty:tier_open_end']);
    expect(bad([{ from_qty: 0, to_qty: 0, unit_price: 1 }])).toEqual(['tiers[0].to_qty:must_be_positive']);
    expect(
      bad([
        { from_qty: 5, to_qty: 5, unit_price: 1 },
        { from_qty: 0, to_qty: 5, unit_price: -1 },
      ]),
    ).toEqual(['tiers[0].to_qty:tier_range', 'tiers[1].unit_price:too_small']);
    expect(bad([])).toEqual(['tiers:required']);
    // given out of order is fine
    expect(
      bad([
        { from_qty: 10, to_qty: null, unit_price: 1 },
        { from_qty: 0, to_qty: 10, unit_price: 2 },
      ]),
    ).toEqual([]);
  });

  it('range: every unit at the tier the quantity reaches, boundaries inclusive of the upper bound', () => {
    const t = seatTiers();
    const at = (n: number | string): bigint => tieredGross(t, 'range', q(n)).grossScaled / 10_000n;
    expect(at(1)).toBe(10_000n);
    expect(at(10)).toBe(100_000n); // 10 × 100.00: seat 10 is still in the first tier
    expect(at('10.5')).toBe(94_500n); // 10.5 × 90.00
    expect(at(11)).toBe(99_000n); // 11 × 90.00 — cheaper than 10 seats
    expect(at(50)).toBe(450_000n);
    expect(at(51)).toBe(408_000n); // 51 × 80.00
  });

  it('slab: each unit in its own tier, like tax brackets', () => {
    const t = seatTiers();
    const at = (n: number | string): bigint => tieredGross(t, 'slab', q(n)).grossScaled / 10_000n;
    expect(at(1)).toBe(10_000n);
    expect(at(10)).toBe(100_000n);
    expect(at(11)).toBe(109_000n); // 10 × 100 + 1 × 90
    expect(at(50)).toBe(460_000n); // 10 × 100 + 40 × 90
    expect(at(51)).toBe(468_000n); // + 1 × 80
    const used = tieredGross(t, 'slab', q('10.5')).used;
    expect(used.map((u) => [u.quantity, u.unit_price])).toEqual([
      [100_000n, 10_000n],
      [5_000n, 9_000n],
    ]);
  });

  it('prices a tiered list item on the line with the tiers used', () => {
    const p = product({ id: 'seat', list_price: 12_000 });
    const l = list({ id: 'L' });
    const tiers = seatTiers();
    const run = (mode: 'range' | 'slab', qty: number) =>
      ok(
        calculate(
          input({
            products: productsOf(p),
            lists: [l],
            items: [item({ price_list_id: 'L', product_id: 'seat', tier_mode: mode, tiers })],
            lines: [{ product_id: 'seat', quantity: qty }],
          }),
        ),
      ).lines[0];
    expect(run('range', 11)).toMatchObject({
      price_source: 'price_list',
      price_list_id: 'L',
      tier_mode: 'range',
      unit_price: 9_000,
      amount: 99_000,
      list_amount: 132_000,
      tiers: [{ from_qty: 10, to_qty: 50, quantity: 11, unit_price: 9_000 }],
    });
    const slab = run('slab', 11);
    expect(slab).toMatchObject({ tier_mode: 'slab', amount: 109_000, unit_price: 9_909 }); // 109000/11 = 9909.09
    expect(slab?.tiers).toHaveLength(2);
  });
});

describe('price resolution', () => {
  const p = product({ id: 'p', list_price: 10_000 });
  const base = {
    product: p,
    qty: q(1),
    currency: 'CNY',
    tenantCurrency: 'CNY',
    bestPrice: false,
    enforceScope: true,
  };

  it('which lists apply: scope, active, dates inclusive, currency', () => {
    const asOf = '2026-11-27';
    expect(listApplies(list({ id: 'a' }), account, asOf, 'CNY')).toBe(true);
    expect(listApplies(list({ id: 'a', active: false }), account, asOf, 'CNY')).toBe(false);
    expect(listApplies(list({ id: 'a', currency: 'USD' }), account, asOf, 'CNY')).toBe(false);
    expect(
      listApplies(list({ id: 'a', valid_from: '2026-11-27', valid_to: '2026-11-27' }), account, asOf, 'CNY'),
    ).toBe(true);
    expect(listApplies(list({ id: 'a', valid_from: '2026-11-28' }), account, asOf, 'CNY')).toBe(false);
    expect(listApplies(list({ id: 'a', valid_to: '2026-11-26' }), account, asOf, 'CNY')).toBe(false);
    expect(
      listApplies(list({ id: 'a', scope_type: 'account', account_id: 'acc-1' }), account, asOf, 'CNY'),
    ).toBe(true);
    expect(
      listApplies(list({ id: 'a', scope_type: 'account', account_id: 'acc-2' }), account, asOf, 'CNY'),
    ).toBe(false);
    expect(
      listApplies(list({ id: 'a', scope_type: 'account_grade', scope_value: 'A' }), account, asOf, 'CNY'),
    ).toBe(true);
    expect(
      listApplies(list({ id: 'a', scope_type: 'account_grade', scope_value: 'B' }), account, asOf, 'CNY'),
    ).toBe(false);
    expect(
      listApplies(
        list({ id: 'a', scope_type: 'account_type', scope_value: 'customer' }),
        account,
        asOf,
        'CNY',
      ),
    ).toBe(true);
    expect(
      listApplies(
        list({ id: 'a', scope_type: 'account_type', scope_value: 'partner' }),
        account,
        asOf,
        'CNY',
      ),
    ).toBe(false);
  });

  it('standard price when no list has the product', () => {
    const r = resolvePrice({ ...base, lists: [list({ id: 'L' })], items: [] });
    expect(r).toMatchObject({ ok: true, price: { source: { kind: 'standard' }, unitPrice: 10_000n } });
  });

  it('priority: the lowest priority number wins even when dearer; standard only as the last resort', () => {
    const lists = [list({ id: 'cheap', priority: 20 }), list({ id: 'first', priority: 1 })];
    const items = [
      item({ price_list_id: 'cheap', product_id: 'p', unit_price: 5_000n }),
      item({ price_list_id: 'first', product_id: 'p', unit_price: 11_000n }),
    ];
    const r = resolvePrice({ ...base, lists, items });
    expect(r).toMatchObject({ ok: true, price: { source: { price_list_id: 'first' }, unitPrice: 11_000n } });
  });

  it('equal priority: the more specific scope wins', () => {
    const lists = [
      list({ id: 'all', priority: 5 }),
      list({ id: 'mine', priority: 5, scope_type: 'account', account_id: 'acc-1' }),
    ];
    const items = [
      item({ price_list_id: 'all', product_id: 'p', unit_price: 7_000n }),
      item({ price_list_id: 'mine', product_id: 'p', unit_price: 9_000n }),
    ];
    expect(resolvePrice({ ...base, lists, items })).toMatchObject({
      price: { source: { price_list_id: 'mine' } },
    });
  });

  it('best price: the lowest amount among lists and the standard price', () => {
    const lists = [list({ id: 'cheap', priority: 20 }), list({ id: 'first', priority: 1 })];
    const items = [
      item({ price_list_id: 'cheap', product_id: 'p', unit_price: 5_000n }),
      item({ price_list_id: 'first', product_id: 'p', unit_price: 11_000n }),
    ];
    expect(resolvePrice({ ...base, bestPrice: true, lists, items })).toMatchObject({
      price: { source: { price_list_id: 'cheap' }, unitPrice: 5_000n },
    });
    // the standard price beats a dearer list under best price
    const dear = [item({ price_list_id: 'first', product_id: 'p', unit_price: 11_000n })];
    expect(resolvePrice({ ...base, bestPrice: true, lists, items: dear })).toMatchObject({
      price: { source: { kind: 'standard' }, unitPrice: 10_000n },
    });
    // a list equal to the standard price wins the tie
    const same = [item({ price_list_id: 'first', product_id: 'p', unit_price: 10_000n })];
    expect(resolvePrice({ ...base, bestPrice: true, lists, items: same })).toMatchObject({
      price: { source: { kind: 'price_list' } },
    });
  });

  it('best price compares the tiered amount at the line quantity', () => {
    const lists = [list({ id: 'tiered', priority: 1 }), list({ id: 'flat', priority: 2 })];
    const items = [
      item({
        price_list_id: 'tiered',
        product_id: 'p',
        unit_price: 0n,
        tier_mode: 'range',
        tiers: seatTiers(),
      }),
      item({ price_list_id: 'flat', product_id: 'p', unit_price: 9_500n }),
    ];
    const at = (n: number) => resolvePrice({ ...base, qty: q(n), bestPrice: true, lists, items });
    expect(at(5)).toMatchObject({ price: { source: { price_list_id: 'flat' } } }); // 95 < 100
    expect(at(20)).toMatchObject({ price: { source: { price_list_id: 'tiered' } } }); // 90 < 95
  });

  it('min quantity: a list item applies only from its minimum', () => {
    const lists = [list({ id: 'vol' })];
    const items = [item({ price_list_id: 'vol', product_id: 'p', unit_price: 6_000n, min_quantity: q(100) })];
    expect(resolvePrice({ ...base, qty: q(99), lists, items })).toMatchObject({
      price: { source: { kind: 'standard' } },
    });
    expect(resolvePrice({ ...base, qty: q(100), lists, items })).toMatchObject({
      price: { unitPrice: 6_000n },
    });
    const only = { ...base, product: { ...p, sellable_scope: 'listed_only' as const } };
    expect(resolvePrice({ ...only, qty: q(99), lists, items })).toMatchObject({
      ok: false,
      issue: 'below_min_quantity',
      min: q(100),
    });
  });

  it('sellable scope: a listed_only product outside the account lists cannot be sold', () => {
    const lp = product({ id: 'lp', sellable_scope: 'listed_only' });
    const gradeB = list({ id: 'B', scope_type: 'account_grade', scope_value: 'B' });
    const r = calculate(
      input({
        products: productsOf(lp),
        lists: [gradeB],
        items: [item({ price_list_id: 'B', product_id: 'lp' })],
        lines: [{ product_id: 'lp', quantity: 1 }],
      }),
    );
    expect(issuesOf(r)).toEqual([{ field: 'lines[0].product_id', issue: 'product_not_sellable' }]);
    // a unit price override does not make it sellable
    const r2 = calculate(
      input({ products: productsOf(lp), lines: [{ product_id: 'lp', quantity: 1, unit_price: 1 }] }),
    );
    expect(issuesOf(r2)).toEqual([{ field: 'lines[0].product_id', issue: 'product_not_sellable' }]);
    // with a grade-A list it sells
    const gradeA = list({ id: 'A', scope_type: 'account_grade', scope_value: 'A' });
    const r3 = ok(
      calculate(
        input({
          products: productsOf(lp),
          lists: [gradeA],
          items: [item({ price_list_id: 'A', product_id: 'lp', unit_price: 7_777n })],
          lines: [{ product_id: 'lp', quantity: 1 }],
        }),
      ),
    );
    expect(r3.lines[0]).toMatchObject({ price_list_id: 'A', unit_price: 7_777 });
  });

  it('no price in the currency without a list in it', () => {
    const usd = product({ id: 'u', currency: 'USD' });
    expect(
      issuesOf(calculate(input({ products: productsOf(usd), lines: [{ product_id: 'u', quantity: 1 }] }))),
    ).toEqual([{ field: 'lines[0].product_id', issue: 'no_price' }]);
    // a list in CNY prices it, and the line's price stands in for the list price
    const r = ok(
      calculate(
        input({
          products: productsOf(usd),
          lists: [list({ id: 'L' })],
          items: [item({ price_list_id: 'L', product_id: 'u', unit_price: 7_000n })],
          lines: [{ product_id: 'u', quantity: 2 }],
        }),
      ),
    );
    expect(r.lines[0]).toMatchObject({ list_price: 7_000, list_amount: 14_000, amount: 14_000 });
    expect(r.totals.effective_discount).toBe(0);
  });
});

describe('bundles', () => {
  const suite = product({
    id: 'suite',
    is_bundle: true,
    list_price: 0,
    bundle_items: [
      {
        product_id: 'core',
        required: true,
        quantity: '1.0000',
        min_quantity: null,
        max_quantity: null,
        position: 0,
      },
      {
        product_id: 'seat',
        required: true,
        quantity: '5',
        min_quantity: '5',
        max_quantity: '100',
        position: 1,
      },
      {
        product_id: 'addon',
        required: false,
        quantity: 1,
        min_quantity: null,
        max_quantity: null,
        position: 2,
      },
    ],
  });
  const core = product({ id: 'core', list_price: 100_000, type: 'subscription', cost: 20_000 });
  const seat = product({
    id: 'seat',
    list_price: 1_000,
    type: 'subscription',
    sellable_scope: 'listed_only',
  });
  const addon = product({ id: 'addon', list_price: 5_000, type: 'one_time' });
  const all = productsOf(suite, core, seat, addon);

  it('expands required children, chosen options, quantities × bundle quantity, discount inherited', () => {
    const r = ok(
      calculate(
        input({
          products: all,
          lines: [
            {
              product_id: 'suite',
              quantity: 2,
              discount: 10,
              options: ['addon'],
              service_start: '2027-01-01',
              service_end: '2027-12-31',
            },
          ],
        }),
      ),
    );
    expect(r.lines.map((l) => [l.product_id, l.quantity, l.parent_position, l.amount])).toEqual([
      ['suite', 2, null, 0],
      ['core', 2, 0, 180_000],
      ['seat', 10, 0, 9_000],
      ['addon', 2, 0, 9_000],
    ]);
    expect(r.lines.map((l) => l.line_index)).toEqual([0, 0, 0, 0]);
    // recurring children share the bundle's period; the one-time add-on has none
    expect(r.lines[1]).toMatchObject({ service_start: '2027-01-01', service_end: '2027-12-31' });
    expect(r.lines[3]).toMatchObject({ service_start: null, service_end: null });
    expect(r.totals.net_total).toBe(198_000);
    expect(r.totals.max_line_discount).toBe(10);
  });

  it('leaves optional children out unless chosen', () => {
    const r = ok(calculate(input({ products: all, lines: [{ product_id: 'suite', quantity: 1 }] })));
    expect(r.lines.map((l) => l.product_id)).toEqual(['suite', 'core', 'seat']);
  });

  it('lets the seller choose a quantity per bundle within the child bounds', () => {
    const r = ok(
      calculate(
        input({
          products: all,
          lines: [
            {
              product_id: 'suite',
              quantity: 2,
              options: [{ product_id: 'seat', quantity: 20 }, { product_id: 'addon' }],
            },
          ],
        }),
      ),
    );
    expect(r.lines.map((l) => [l.product_id, l.quantity])).toEqual([
      ['suite', 2],
      ['core', 2],
      ['seat', 40], // 2 bundles × 20 seats each
      ['addon', 2],
    ]);
  });

  it('checks chosen quantities against their bounds and options against the bundle', () => {
    const r = calculate(
      input({
        products: all,
        lines: [
          { product_id: 'suite', quantity: 1, options: [{ product_id: 'seat', quantity: 101 }] },
          { product_id: 'suite', quantity: 1, options: [{ product_id: 'seat', quantity: 4 }] },
          { product_id: 'suite', quantity: 1, options: ['core', 'stranger', 'core'] },
          { product_id: 'core', quantity: 1, options: ['addon'] },
          { product_id: 'suite', quantity: 1, options: [{ product_id: 'addon', quantity: 0 }] },
        ],
      }),
    );
    expect(issuesOf(r)).toEqual([
      { field: 'lines[0].options[0].quantity', issue: 'bundle_quantity' },
      { field: 'lines[1].options[0].quantity', issue: 'bundle_quantity' },
      { field: 'lines[2].options[1]', issue: 'not_bundle_option' },
      { field: 'lines[2].options[2]', issue: 'duplicate_item' },
      { field: 'lines[3].options', issue: 'not_bundle_option' },
      { field: 'lines[4].options[0].quantity', issue: 'must_be_positive' },
    ]);
  });

  it('an inactive required child makes the bundle unsellable', () => {
    const r = calculate(
      input({
        products: productsOf(suite, core, addon, { ...seat, active: false }),
        lines: [{ product_id: 'suite', quantity: 1 }],
      }),
    );
    expect(issuesOf(r)).toEqual([{ field: 'lines[0].product_id', issue: 'product_inactive' }]);
  });

  it('rounds child quantities half-up to 4 decimals', () => {
    const b = product({
      id: 'b',
      is_bundle: true,
      bundle_items: [
        {
          product_id: 'x',
          required: true,
          quantity: '0.3333',
          min_quantity: null,
          max_quantity: null,
          position: 0,
        },
      ],
    });
    const x = product({ id: 'x', list_price: 10_000 });
    const r = ok(
      calculate(input({ products: productsOf(b, x), lines: [{ product_id: 'b', quantity: 1.5 }] })),
    );
    expect(r.lines[1]?.quantity).toBe(0.5); // 0.49995 → 0.5000
  });
});

describe('overflow', () => {
  it('refuses amounts beyond safe integers instead of losing precision', () => {
    const p = product({ id: 'p', list_price: 1_000_000_000_000 });
    const r = calculate(
      input({ products: productsOf(p), lines: [{ product_id: 'p', quantity: 9_999_999_999 }] }),
    );
    expect(issuesOf(r)).toEqual([{ field: 'lines[0].quantity', issue: 'amount_too_large' }]);
  });
});
