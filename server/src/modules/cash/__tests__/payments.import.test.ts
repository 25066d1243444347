import { describe, expect, it } from 'vitest';
import { parseStatementAmount, parseStatementDate } from '../payments.import.ts';

describe('bank statement cells', () => {
  it('reads dates in the usual bank formats', () => {
    expect(parseStatementDate('2026-03-05')).toBe('2026-03-05');
    expect(parseStatementDate('2026/3/5')).toBe('2026-03-05');
    expect(parseStatementDate('2026.03.05')).toBe('2026-03-05');
    expect(parseStatementDate('20260305')).toBe('2026-03-05');
    expect(parseStatementDate('2026-02-30')).toBeNull();
    expect(parseStatementDate('05/03/2026')).toBeNull();
  });
  it('reads amounts in yuan as exact fen', () => {
    expect(parseStatementAmount('¥12,345.60')).toBe(1_234_560);
    expect(parseStatementAmount('0.1')).toBe(10);
    expect(parseStatementAmount('100')).toBe(10_000);
    expect(parseStatementAmount('1,000.05 元')).toBe(100_005);
    expect(parseStatementAmount('RMB 19.99')).toBe(1_999);
    expect(parseStatementAmount('-5.00')).toBeNull();
    expect(parseStatementAmount('0')).toBeNull();
    expect(parseStatementAmount('1.234')).toBeNull();
    expect(parseStatementAmount('abc')).toBeNull();
  });
});
