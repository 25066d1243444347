import { describe, expect, it } from 'vitest';
import {
  clearCells,
  draftsFrom,
  editorKey,
  itemCell,
  itemIssues,
  itemsPayload,
  newItem,
  newTier,
  placeItemErrors,
  tierCell,
  tierIssues,
  validityOf,
  withMode,
  withTierAdded,
  withTierPatch,
  withTierRemoved,
  type ItemDraft,
  type TierDraft,
} from './price-list-logic';

const seats = { id: 'p1', sku: 'CRM-SEAT', name: 'CRM 席位', active: true };
const impl = { id: 'p2', sku: 'IMPL', name: '实施服务', active: true };

const tier = (from: string, to: string, price: string): TierDraft => newTier({ from, to, price });
const item = (patch: Partial<ItemDraft>): ItemDraft => ({ ...newItem(), product: seats, ...patch });
// the worked example of docs/CASH.md: 0–10 → ¥100, 10–50 → ¥90, 50+ → ¥80
const example = () => [tier('0', '10', '100'), tier('10', '50', '90'), tier('50', '', '80')];
const codes = (issues: { field: string; issue: string }[]) => issues.map((i) => `${i.field}:${i.issue}`);

describe('tier checks (the server rules, before saving)', () => {
  it('accepts the worked example, in any row order', () => {
    expect(tierIssues(example(), 't')).toEqual([]);
    const [a, b, c] = example();
    if (!a || !b || !c) throw new Error('fixture');
    expect(tierIssues([c, a, b], 't')).toEqual([]);
    expect(tierIssues([tier('0', '', '5')], 't')).toEqual([]);
  });
  it('names the first tier not starting at 0', () => {
    expect(codes(tierIssues([tier('1', '10', '100'), tier('10', '', '90')], 't'))).toEqual([
      't[0].from_qty:tier_start',
    ]);
  });
  it('names gaps and overlaps on the later tier', () => {
    expect(codes(tierIssues([tier('0', '10', '100'), tier('11', '', '90')], 't'))).toEqual([
      't[1].from_qty:tier_gap',
    ]);
    expect(codes(tierIssues([tier('0', '10', '100'), tier('9.5', '', '90')], 't'))).toEqual([
      't[1].from_qty:tier_overlap',
    ]);
    // an open tier before another one overlaps everything after it
    expect(codes(tierIssues([tier('0', '', '100'), tier('10', '', '90')], 't'))).toEqual([
      't[1].from_qty:tier_overlap',
    ]);
  });
  it('wants the last tier open and every upper bound above its lower bound', () => {
    expect(codes(tierIssues([tier('0', '10', '100'), tier('10', '50', '90')], 't'))).toEqual([
      't[1].to_qty:tier_open_end',
    ]);
    expect(codes(tierIssues([tier('0', '0', '100'), tier('0', '', '90')], 't'))).toEqual([
      't[0].to_qty:tier_range',
    ]);
  });
  it('names blank and unreadable cells, and an empty table', () => {
    expect(codes(tierIssues([tier('', '10.12345', 'abc')], 't'))).toEqual([
      't[0].from_qty:required',
      't[0].to_qty:invalid_quantity',
      't[0].unit_price:invalid_money',
    ]);
    expect(codes(tierIssues([tier('0', '', '')], 't'))).toEqual(['t[0].unit_price:required']);
    expect(codes(tierIssues([], 't'))).toEqual(['t:required']);
  });
  it('treats 10 and 10.00 as the same bound', () => {
    expect(tierIssues([tier('0', '10.00', '1'), tier('10', '', '1')], 't')).toEqual([]);
  });
});

describe('item checks', () => {
  it('names a missing product, a duplicate, a bad price and a zero minimum', () => {
    const items = [
      item({ price: '100' }),
      item({ price: '1.005' }),
      item({ product: null, price: '' }),
      item({ product: impl, price: '2800', minQty: '0' }),
    ];
    expect(codes(itemIssues(items))).toEqual([
      'items[1].product_id:duplicate_item',
      'items[1].unit_price:invalid_money',
      'items[2].product_id:required',
      'items[2].unit_price:required',
      'items[3].min_quantity:must_be_positive',
    ]);
  });
  it('checks tiers only on tiered items, under their item path', () => {
    expect(itemIssues([item({ price: '', mode: 'range', tiers: example() })])).toEqual([]);
    expect(codes(itemIssues([item({ mode: 'slab', tiers: [tier('0', '10', '1')] })]))).toEqual([
      'items[0].tiers[0].to_qty:tier_open_end',
    ]);
  });
});

describe('editing tiers', () => {
  it('starts a tiered item with one open tier from 0 at its price', () => {
    const it1 = withMode(item({ price: '99.50' }), 'range');
    expect(it1.tiers.map((t) => [t.from, t.to, t.price])).toEqual([['0', '', '99.50']]);
    // tiers already there stay
    expect(withMode(item({ tiers: example() }), 'slab').tiers).toHaveLength(3);
  });
  it('adds a tier where the last one ends', () => {
    const base = item({ mode: 'range', tiers: [tier('0', '10', '100')] });
    expect(withTierAdded(base).tiers.map((t) => t.from)).toEqual(['0', '10']);
    expect(withTierAdded(item({ mode: 'range' })).tiers.map((t) => t.from)).toEqual(['0']);
  });
  it('moves the next lower bound along with an upper bound, unless it was set apart', () => {
    const base = item({ mode: 'range', tiers: example() });
    const [first, second] = base.tiers;
    if (!first || !second) throw new Error('fixture');
    const moved = withTierPatch(base, first.key, { to: '20' });
    expect(moved.tiers.map((t) => [t.from, t.to])).toEqual([
      ['0', '20'],
      ['20', '50'],
      ['50', ''],
    ]);
    const apart = withTierPatch(withTierPatch(base, second.key, { from: '12' }), first.key, { to: '20' });
    expect(apart.tiers.map((t) => t.from)).toEqual(['0', '12', '50']);
    expect(withTierRemoved(base, second.key).tiers.map((t) => t.from)).toEqual(['0', '50']);
  });
});

describe('the PUT body', () => {
  it('sends exact fen, decimal quantities as typed, and no tiers on an untiered item', () => {
    expect(
      itemsPayload([
        item({ price: '0.29', minQty: '5' }),
        item({ product: impl, price: '1200', mode: 'slab', tiers: example() }),
      ]),
    ).toEqual([
      { product_id: 'p1', unit_price: 29, tier_mode: 'none', min_quantity: '5' },
      {
        product_id: 'p2',
        unit_price: 10_000,
        tier_mode: 'slab',
        min_quantity: null,
        tiers: [
          { from_qty: '0', to_qty: '10', unit_price: 10_000 },
          { from_qty: '10', to_qty: '50', unit_price: 9_000 },
          { from_qty: '50', to_qty: null, unit_price: 8_000 },
        ],
      },
    ]);
  });
  it('leaves out what it cannot read, so the server names it', () => {
    expect(itemsPayload([item({ product: null, price: 'x' })])).toEqual([
      { tier_mode: 'none', min_quantity: null },
    ]);
  });
  it('round-trips saved items', () => {
    const drafts = draftsFrom([
      {
        id: 'i1',
        position: 0,
        product_id: 'p1',
        product_sku: 'CRM-SEAT',
        product_name: 'CRM 席位',
        product_active: false,
        unit_price: 10_000,
        tier_mode: 'range',
        min_quantity: 2.5,
        tiers: [
          { from_qty: 0, to_qty: 10, unit_price: 10_000 },
          { from_qty: 10, to_qty: null, unit_price: 9_050 },
        ],
      },
    ]);
    expect(drafts[0]?.product?.active).toBe(false);
    expect(itemsPayload(drafts)).toEqual([
      {
        product_id: 'p1',
        unit_price: 10_000,
        tier_mode: 'range',
        min_quantity: '2.5',
        tiers: [
          { from_qty: '0', to_qty: '10', unit_price: 10_000 },
          { from_qty: '10', to_qty: null, unit_price: 9_050 },
        ],
      },
    ]);
  });
});

describe('placing field errors', () => {
  const items = [item({ price: '1' }), item({ product: impl, mode: 'range', tiers: example() })];
  const [a, b] = items;
  if (!a || !b) throw new Error('fixture');
  const [t0, t1] = b.tiers;
  if (!t0 || !t1) throw new Error('fixture');

  it('puts item, tier and table messages on their cells; the rest above', () => {
    const placed = placeItemErrors(
      [
        { field: 'items[0].product_id', issue: '同一产品重复出现' },
        { field: 'items[1].tiers[1].from_qty', issue: '与上一档重叠' },
        { field: 'items[1].tiers', issue: '必填' },
        { field: 'items[1].unit_price', issue: '须为整数' },
        { field: 'items[7].product_id', issue: '无效' },
        { field: 'version', issue: '已被修改' },
      ],
      items,
    );
    expect(placed.cells).toEqual({
      [itemCell(a.key, 'product_id')]: '同一产品重复出现',
      [tierCell(b.key, t1.key, 'from_qty')]: '与上一档重叠',
      [itemCell(b.key, 'tiers')]: '必填',
      // a tiered item's price is its first tier's
      [tierCell(b.key, t0.key, 'unit_price')]: '须为整数',
    });
    expect(placed.rest).toEqual(['items[7].product_id: 无效', 'version: 已被修改']);
  });
  it('joins two messages on one cell and clears a cell, a row or an item', () => {
    const placed = placeItemErrors(
      [
        { field: 'items[1].tiers[0].to_qty', issue: 'a' },
        { field: 'items[1].tiers[0].to_qty', issue: 'b' },
        { field: 'items[1].tiers[1].unit_price', issue: 'c' },
        { field: 'items[0].unit_price', issue: 'd' },
      ],
      items,
    );
    expect(placed.cells[tierCell(b.key, t0.key, 'to_qty')]).toBe('a；b');
    expect(Object.keys(clearCells(placed.cells, `${b.key}.${t0.key}`))).toHaveLength(2);
    expect(Object.keys(clearCells(placed.cells, b.key))).toEqual([itemCell(a.key, 'unit_price')]);
    expect(clearCells(placed.cells, itemCell(a.key, 'unit_price'))).not.toHaveProperty(
      itemCell(a.key, 'unit_price'),
    );
  });
});

describe('validity and keys', () => {
  const list = { active: true, valid_from: '2026-01-01', valid_to: '2026-12-31' };
  it('says whether a list applies today, end dates inclusive', () => {
    expect(validityOf(list, '2026-12-31')).toBe('current');
    expect(validityOf(list, '2025-12-31')).toBe('scheduled');
    expect(validityOf(list, '2027-01-01')).toBe('expired');
    expect(validityOf({ ...list, active: false }, '2026-06-01')).toBe('inactive');
    expect(validityOf({ active: true, valid_from: null, valid_to: null }, '2030-01-01')).toBe('current');
  });
  it('leaves Enter and Esc to IME, text areas and open controls', () => {
    const k = (key: string, over: Partial<Parameters<typeof editorKey>[0]> = {}) =>
      editorKey({ key, isComposing: false, targetTag: 'INPUT', targetOwnsKeys: false, ...over });
    expect(k('Enter')).toBe('save');
    expect(k('Escape')).toBe('cancel');
    expect(k('Tab')).toBeNull();
    expect(k('Enter', { isComposing: true })).toBeNull();
    expect(k('Enter', { targetTag: 'TEXTAREA' })).toBeNull();
    expect(k('Escape', { targetOwnsKeys: true })).toBeNull();
  });
});
