import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  escapeLike,
  parseLimit,
  parseListParams,
  parseSort,
  QuerySyntaxError,
} from './query.rules.ts';

describe('list query grammar', () => {
  it('parses filters, sort, paging, fields and expand from a query string', () => {
    const q = parseListParams(
      new URLSearchParams(
        'filter[name][contains]=云&filter[city]=杭州市&filter[grade][in]=A,B&filter[amount][between]=1,5&sort=-amount,name&limit=20&fields=name,city&expand=owner_id&count=true&q=abc',
      ),
    );
    expect(q.filter).toEqual([
      { field: 'name', op: 'contains', value: '云' },
      { field: 'city', op: 'eq', value: '杭州市' },
      { field: 'grade', op: 'in', value: ['A', 'B'] },
      { field: 'amount', op: 'between', value: ['1', '5'] },
    ]);
    expect(q.sort).toEqual([
      { field: 'amount', desc: true },
      { field: 'name', desc: false },
    ]);
    expect(q).toMatchObject({
      limit: 20,
      fields: ['name', 'city'],
      expand: ['owner_id'],
      count: true,
      q: 'abc',
      deleted: 'exclude',
    });
  });

  it('rejects unknown operators, malformed keys and out-of-range limits', () => {
    expect(() => parseListParams(new URLSearchParams('filter[name][like]=x'))).toThrow(QuerySyntaxError);
    expect(() => parseListParams(new URLSearchParams('filter[Name]=x'))).toThrow(QuerySyntaxError);
    expect(() => parseListParams(new URLSearchParams('deleted=all'))).toThrow(QuerySyntaxError);
    expect(() => parseLimit('0')).toThrow(QuerySyntaxError);
    expect(() => parseLimit('201')).toThrow(QuerySyntaxError);
    expect(() => parseLimit('2.5')).toThrow(QuerySyntaxError);
    expect(parseLimit(undefined)).toBe(50);
    expect(parseSort(' a , -b ,')).toEqual([
      { field: 'a', desc: false },
      { field: 'b', desc: true },
    ]);
  });

  it('round-trips cursors and refuses ones made for another sort or tampered with', () => {
    const c = encodeCursor({ sort: '-amount', values: [100, 'x'] });
    expect(decodeCursor(c, '-amount', 2)).toEqual([100, 'x']);
    expect(() => decodeCursor(c, 'amount', 2)).toThrow(QuerySyntaxError);
    expect(() => decodeCursor(c, '-amount', 3)).toThrow(QuerySyntaxError);
    expect(() => decodeCursor('%%%', '', 1)).toThrow(QuerySyntaxError);
    expect(() =>
      decodeCursor(Buffer.from(JSON.stringify(['', [{ a: 1 }]])).toString('base64url'), '', 1),
    ).toThrow(QuerySyntaxError);
  });

  it('escapes LIKE wildcards', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });
});
