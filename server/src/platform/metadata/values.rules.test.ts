import { describe, expect, it } from 'vitest';
import type { FieldDef } from './types.ts';
import { coerceValue, fromMinorUnits, isValidDate, toMinorUnits } from './values.rules.ts';

const f = (type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef => ({
  apiName: 'x',
  type,
  label: { 'zh-CN': 'x', 'en-US': 'x' },
  required: false,
  unique: false,
  isCustom: false,
  ...extra,
});
const ok = (v: unknown) => ({ ok: true, value: v });

describe('field value rules', () => {
  it('keeps money exact in integer minor units', () => {
    expect(coerceValue(f('currency'), { amount: 123, currency: 'USD' })).toEqual(
      ok({ amount: 123, currency: 'USD' }),
    );
    expect(coerceValue(f('currency'), 500)).toEqual(ok({ amount: 500, currency: 'CNY' }));
    expect(coerceValue(f('currency'), 1.5).ok).toBe(false);
    expect(coerceValue(f('currency'), { amount: 1, currency: 'yuan' }).ok).toBe(false);
    expect(coerceValue(f('currency'), '1,234.56', true)).toEqual(ok({ amount: 123456, currency: 'CNY' }));
    expect(coerceValue(f('currency'), '1.234', true).ok).toBe(false);
    expect(toMinorUnits('¥12', 'CNY')).toBe(1200);
    expect(toMinorUnits('-0.05', 'CNY')).toBe(-5);
    expect(toMinorUnits('100', 'JPY')).toBe(100);
    expect(fromMinorUnits(123456, 'CNY')).toBe('1234.56');
    expect(fromMinorUnits(-5, 'CNY')).toBe('-0.05');
    expect(fromMinorUnits(100, 'JPY')).toBe('100');
  });

  it('validates dates, e-mails, phones, URLs and options', () => {
    expect(isValidDate('2026-02-28')).toBe(true);
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(coerceValue(f('email'), ' Li@Example.CN ')).toEqual(ok('li@example.cn'));
    expect(coerceValue(f('email'), 'li@').ok).toBe(false);
    expect(coerceValue(f('phone'), '+86 138 0013 8000').ok).toBe(true);
    expect(coerceValue(f('phone'), 'call me').ok).toBe(false);
    expect(coerceValue(f('url'), 'javascript:alert(1)').ok).toBe(false);
    const sel = f('select', { options: [{ value: 'gold', label: { 'zh-CN': '金牌', 'en-US': 'Gold' } }] });
    expect(coerceValue(sel, 'gold')).toEqual(ok('gold'));
    expect(coerceValue(sel, '金牌').ok).toBe(false);
    expect(coerceValue(sel, '金牌', true)).toEqual(ok('gold'));
    expect(coerceValue({ ...sel, type: 'multi_select' }, '金牌；gold', true)).toEqual(ok(['gold']));
    expect(coerceValue(f('boolean'), '是', true)).toEqual(ok(true));
    expect(coerceValue(f('number', { min: 0 }), -1).ok).toBe(false);
    expect(coerceValue(f('number'), '1,200', true)).toEqual(ok(1200));
    expect(coerceValue(f('text', { maxLength: 3 }), 'abcd').ok).toBe(false);
    expect(coerceValue(f('text'), '   ')).toEqual(ok(null));
    expect(coerceValue(f('datetime'), '2026-11-27T10:00:00+08:00')).toEqual(ok('2026-11-27T02:00:00.000Z'));
    expect(coerceValue(f('lookup'), 'nope').ok).toBe(false);
  });
});
