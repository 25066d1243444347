import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import {
  DEFAULT_NUMBER_PATTERNS,
  formatNumber,
  isValidPattern,
  numberPeriod,
  takeNumbers,
  type NumberKind,
} from './numbering.rules.ts';

/**
 * The next document number of a kind for a document dated `date`. The counter row is locked by
 * the upsert until the caller's transaction ends, so two writers never get the same number and a
 * rolled-back write gives its number back.
 */
export async function nextNumber(
  tx: TenantDb,
  kind: NumberKind,
  date: string,
  /** the table whose `number` column holds these numbers: ones typed in by hand are skipped */
  table: string,
): Promise<string> {
  const [number] = await nextNumbers(tx, kind, [date], table);
  if (number === undefined) throw new Error('no number');
  return number;
}

/**
 * The next numbers for documents dated `dates`, in that order — the same numbers (and counter
 * values) as calling nextNumber for each in turn, in a few statements whatever their count: each
 * period's counter moves once by the number of documents, the candidates are checked against the
 * table at once, and only documents that met numbers typed in by hand go round again.
 */
export async function nextNumbers(
  tx: TenantDb,
  kind: NumberKind,
  dates: readonly string[],
  table: string,
): Promise<string[]> {
  if (!dates.length) return [];
  const row = await tx.one(
    sql<{
      pattern: string | null;
    }>`select settings->'cash'->'numberPatterns'->>${kind} as pattern from tenant where id = ${tx.tenantId}`,
  );
  const stored = row?.pattern;
  const pattern = stored && isValidPattern(stored) ? stored : DEFAULT_NUMBER_PATTERNS[kind];
  const periodOf = dates.map((d) => numberPeriod(pattern, d));
  // any date of a period formats its numbers alike (the period is what the pattern shows)
  const dateOf = new Map(periodOf.map((p, i) => [p, dates[i] ?? '']));
  const out: Array<string | null> = dates.map(() => null);
  const handedOut = new Set<string>();
  let pending = dates.map((_d, i) => i);
  while (pending.length) {
    const need = new Map<string, number>();
    for (const i of pending) need.set(periodOf[i] ?? '', (need.get(periodOf[i] ?? '') ?? 0) + 1);
    // counters in period order, so two writers lock them in the same order
    const periods = [...need.keys()].sort();
    const counts = periods.map((p) => need.get(p) ?? 0);
    const reserved = await tx.query(sql<{ period: string; last_value: number }>`
      insert into cash_number_seq (tenant_id, kind, period, last_value)
        select ${tx.tenantId}, ${kind}, r.period, r.n from unnest(${periods}::text[], ${counts}::int8[]) r(period, n)
      on conflict (tenant_id, kind, period) do update set last_value = cash_number_seq.last_value + excluded.last_value
      returning period, last_value`);
    const candidates = new Map<string, string[]>();
    for (const r of reserved) {
      const n = need.get(r.period) ?? 0;
      const last = Number(r.last_value);
      const list: string[] = [];
      for (let seq = last - n + 1; seq <= last; seq++)
        list.push(formatNumber(pattern, dateOf.get(r.period) ?? '', seq));
      candidates.set(r.period, list);
    }
    const all = [...candidates.values()].flat();
    const taken = await tx.query(sql<{ number: string }>`select number from ${sql.table(table)}
      where tenant_id = ${tx.tenantId} and number = any(${all}::text[])`);
    const unavailable = new Set([...handedOut, ...taken.map((t) => t.number)]);
    const got = takeNumbers(
      pending.map((i) => periodOf[i] ?? ''),
      candidates,
      unavailable,
    );
    const left: number[] = [];
    pending.forEach((i, k) => {
      const n = got[k] ?? null;
      if (n === null) left.push(i);
      else {
        out[i] = n;
        handedOut.add(n);
      }
    });
    pending = left;
  }
  return out.map((n) => n ?? '');
}
