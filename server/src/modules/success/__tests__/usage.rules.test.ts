// Usage telemetry rows (usage.rules.ts): row checks, batch de-duplication and spreadsheet cells.
import { describe, expect, it } from 'vitest';
import {
  checkUsageRow,
  dateCell,
  lastPerCustomerDay,
  mapUsageColumns,
  rawFromCells,
} from '../usage.rules.ts';

const ID = '0190f1c2-0000-7000-8000-00000000000A';
const base = {
  account_id: ID,
  date: '2026-03-05',
  purchased_seats: 10,
  activated_seats: 12,
  logged_in_users_7d: 30,
  bi_users_7d: 30,
};

describe('checkUsageRow', () => {
  it('normalises a good row: lower-case id, defaults, no cross-field checks', () => {
    const c = checkUsageRow(base, 'rows[0]', '2026-03-05');
    expect(c).toEqual({
      ok: true,
      row: {
        ...base,
        account_id: ID.toLowerCase(),
        external_id: null,
        module_records: {},
        quotas: null,
        admin_user: null,
        department_heads: null,
      },
    });
  });

  it('allows today, refuses tomorrow', () => {
    expect(checkUsageRow(base, 'r', '2026-03-05').ok).toBe(true);
    expect(checkUsageRow(base, 'r', '2026-03-04')).toEqual({
      ok: false,
      issues: [{ field: 'r.date', issue: 'date_in_future', params: { today: '2026-03-04' } }],
    });
  });

  it('takes an external id instead of an account id, trimmed; blank counts as absent', () => {
    const c = checkUsageRow({ ...base, account_id: '', external_id: '  T-1 ' }, 'r', '2026-12-31');
    expect(c.ok && c.row.external_id).toBe('T-1');
    expect(c.ok && c.row.account_id).toBe(null);
    const none = checkUsageRow({ ...base, account_id: null, external_id: '  ' }, 'r', '2026-12-31');
    expect(none).toEqual({ ok: false, issues: [{ field: 'r.account_id', issue: 'one_customer_key' }] });
  });

  it('accepts the limits of a count and refuses one past them', () => {
    const max = checkUsageRow({ ...base, bi_users_7d: 2_147_483_647, purchased_seats: 0 }, 'r', '2026-12-31');
    expect(max.ok).toBe(true);
    const over = checkUsageRow({ ...base, bi_users_7d: 2_147_483_648 }, 'r', '2026-12-31');
    expect(over.ok ? [] : over.issues.map((i) => i.issue)).toEqual(['too_large']);
  });

  it('accepts a quota over its limit (an expansion signal, not an error)', () => {
    const c = checkUsageRow({ ...base, quotas: { users: { used: 120, limit: 100 } } }, 'r', '2026-12-31');
    expect(c.ok && c.row.quotas).toEqual({ users: { used: 120, limit: 100 } });
  });
});

describe('lastPerCustomerDay', () => {
  it('keeps the later row of a customer-day and sorts by customer, then day', () => {
    const rows = [
      { account_id: 'b', date: '2026-01-02', n: 1 },
      { account_id: 'a', date: '2026-01-02', n: 2 },
      { account_id: 'b', date: '2026-01-01', n: 3 },
      { account_id: 'b', date: '2026-01-02', n: 4 },
    ];
    expect(lastPerCustomerDay(rows).map((r) => r.n)).toEqual([2, 3, 4]);
  });
});

describe('spreadsheets', () => {
  it('maps headers case-insensitively and names unknown, repeated and missing ones', () => {
    const ok = mapUsageColumns([
      'Account_ID',
      'date',
      'purchased_seats',
      'activated_seats',
      'logged_in_users_7d',
      'bi_users_7d',
      'module:Account',
      '',
    ]);
    expect(ok.issues).toEqual([]);
    expect([...ok.columns.modules]).toEqual([['account', 6]]);
    const bad = mapUsageColumns(['date', 'date', 'module:account', 'module:account', 'notes']);
    expect(bad.issues.map((i) => `${i.field}:${i.issue}`)).toEqual([
      'columns.date:duplicate_column',
      'columns.module:account:duplicate_column',
      'columns.notes:unknown_field',
      'columns.purchased_seats:required',
      'columns.activated_seats:required',
      'columns.logged_in_users_7d:required',
      'columns.bi_users_7d:required',
      'columns.account_id:one_customer_key',
    ]);
  });

  it('turns cells into a raw row: numbers, dates, merged module records, separated heads', () => {
    const { columns } = mapUsageColumns([
      'external_id',
      'date',
      'purchased_seats',
      'activated_seats',
      'logged_in_users_7d',
      'bi_users_7d',
      'module_records',
      'module:contract',
      'department_heads',
    ]);
    const { raw, issues } = rawFromCells(
      columns,
      ['X1', '2026/3/5', '1,200', '12.0', 'lots', '', '{"account": 2, "contract": 9}', '3', 'a；b, c;'],
      'rows[2]',
    );
    expect(issues).toEqual([]);
    expect(raw).toEqual({
      external_id: 'X1',
      date: '2026-03-05',
      purchased_seats: 1200,
      activated_seats: 12,
      logged_in_users_7d: 'lots',
      module_records: { account: 2, contract: 3 },
      department_heads: ['a', 'b', 'c', ''],
    });
    // what the row check then says about it
    const c = checkUsageRow(raw, 'rows[2]', '2026-12-31');
    expect(c.ok ? [] : c.issues.map((i) => `${i.field}:${i.issue}`)).toEqual([
      'rows[2].logged_in_users_7d:expected_type',
      'rows[2].bi_users_7d:required',
    ]);
  });

  it('reads dates written with slashes or dots; leaves anything else for the check to refuse', () => {
    expect(dateCell('2026.12.1')).toBe('2026-12-01');
    expect(dateCell(' 2026-03-05 ')).toBe('2026-03-05');
    expect(dateCell('5/3/2026')).toBe('5/3/2026');
  });
});
