import { describe, expect, it } from 'vitest';
import type { FieldMeta } from '../api/types';
import { buildCondition, encodeFilterValue, operatorsFor, sortParam } from './filter-grammar';

const field = (type: FieldMeta['type'], api_name = 'f'): FieldMeta => ({
  api_name,
  type,
  label: { 'zh-CN': 'F', 'en-US': 'F' },
  required: false,
  unique: false,
  is_custom: false,
  system: false,
  read_only: false,
});

describe('filter grammar', () => {
  it('offers only operators the server accepts for the type', () => {
    expect(operatorsFor('multi_select')).toEqual(['contains', 'in', 'is_null']);
    expect(operatorsFor('lookup')).not.toContain('contains');
    expect(operatorsFor('currency')).toContain('between');
    expect(operatorsFor('long_text')).not.toContain('gt');
  });
  it('converts money typed in yuan to fen', () => {
    expect(encodeFilterValue(field('currency'), 'gte', '10,000')).toBe('1000000');
    expect(encodeFilterValue(field('currency'), 'between', [1, 2.5])).toBe('100,250');
  });
  it('encodes lists, booleans and empties', () => {
    expect(encodeFilterValue(field('select'), 'in', ['A', 'B'])).toBe('A,B');
    expect(encodeFilterValue(field('select'), 'in', [])).toBeNull();
    expect(encodeFilterValue(field('boolean'), 'eq', false)).toBe('false');
    expect(encodeFilterValue(field('text'), 'contains', '  ')).toBeNull();
    expect(encodeFilterValue(field('text'), 'is_null', null)).toBe('true');
    expect(encodeFilterValue(field('date'), 'between', ['2026-01-01', '2026-01-31'])).toBe(
      '2026-01-01,2026-01-31',
    );
  });
  it('builds a condition on the field api name, custom fields included', () => {
    expect(buildCondition(field('number', 'score__c'), 'gt', 5)).toEqual({
      field: 'score__c',
      op: 'gt',
      value: '5',
    });
  });
  it('builds the sort parameter', () => {
    expect(sortParam('name', 'descend')).toBe('-name');
    expect(sortParam('name', 'ascend')).toBe('name');
    expect(sortParam('name', null)).toBeUndefined();
  });
});
