import { describe, expect, it } from 'vitest';
import type { FieldMeta, ObjectMeta } from '../api/types';
import { defaultColumns, kanbanField, stateFromSearch, stateFromView, stateToSearch } from './list-state';

const f = (api_name: string, type: FieldMeta['type'], extra: Partial<FieldMeta> = {}): FieldMeta => ({
  api_name,
  type,
  label: {},
  required: false,
  unique: false,
  is_custom: false,
  system: false,
  read_only: false,
  ...extra,
});

const meta: ObjectMeta = {
  api_name: 'account',
  label: {},
  plural_label: {},
  is_custom: false,
  module: 'accounts',
  name_field: 'name',
  search_fields: ['name'],
  fields: [
    f('id', 'text', { system: true }),
    f('owner_id', 'user'),
    f('created_at', 'datetime', { system: true }),
    f('name', 'text'),
    f('credit_code', 'text', { unique: true }),
    f('name_norm', 'text', { read_only: true }),
    f('industry', 'text'),
    f('grade', 'select'),
    f('revenue', 'currency'),
    f('notes', 'long_text'),
    f('region__c', 'select', { is_custom: true }),
    f('city', 'text'),
    f('phone', 'phone'),
  ],
};

describe('list state', () => {
  it('starts with the name, six telling own fields in metadata order, and the owner', () => {
    expect(defaultColumns(meta)).toEqual([
      'name',
      'industry',
      'grade',
      'revenue',
      'region__c',
      'city',
      'phone',
      'owner_id',
    ]);
  });
  it('drops fields a saved view names that no longer exist', () => {
    const s = stateFromView(meta, {
      columns: ['name', 'gone'],
      filter: [{ field: 'gone', op: 'eq', value: 'x' }],
      layout: 'kanban:grade',
    });
    expect(s.columns).toEqual(['name']);
    expect(s.filter).toEqual([]);
    expect(kanbanField(meta, s.layout)?.api_name).toBe('grade');
    expect(kanbanField(meta, 'kanban:industry')).toBeUndefined();
  });
});

describe('list state in the URL', () => {
  it('round-trips filters, sort, columns, layout and search', () => {
    const state = {
      columns: ['name', 'owner_id'],
      filter: [{ field: 'name', op: 'contains' as const, value: 'A&B', display: 'A&B' }],
      sort: '-name',
      layout: 'table',
      q: '华东',
    };
    const search = stateToSearch(meta, state, 'v1');
    const back = stateFromSearch(meta, new URLSearchParams(search.toString()));
    expect(back).toEqual({ state, viewId: 'v1' });
  });
  it('leaves defaults out and ignores unknown fields or broken JSON', () => {
    expect(stateToSearch(meta, stateFromSearch(meta, new URLSearchParams()).state, null).toString()).toBe('');
    const back = stateFromSearch(
      meta,
      new URLSearchParams('filter=%5Bnot-json&cols=nope&layout=kanban:nope'),
    );
    expect(back.state.filter).toEqual([]);
    expect(back.state.columns).toEqual(defaultColumns(meta));
    expect(back.state.layout).toBe('table');
  });
});
