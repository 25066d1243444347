import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import {
  DEFAULT_NUMBER_PATTERNS,
  formatNumber,
  isValidPattern,
  numberPeriod,
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
  const row = await tx.one(
    sql<{
      pattern: string | null;
    }>`select settings->'cash'->'numberPatterns'->>${kind} as pattern from tenant where id = ${tx.tenantId}`,
  );
  const stored = row?.pattern;
  const pattern = stored && isValidPattern(stored) ? stored : DEFAULT_NUMBER_PATTERNS[kind];
  const period = numberPeriod(pattern, date);
  for (;;) {
    const seq = await tx.one(
      sql<{ last_value: number }>`insert into cash_number_seq (tenant_id, kind, period, last_value)
        values (${tx.tenantId}, ${kind}, ${period}, 1)
        on conflict (tenant_id, kind, period) do update set last_value = cash_number_seq.last_value + 1
        returning last_value`,
    );
    const number = formatNumber(pattern, date, Number(seq?.last_value ?? 1));
    const taken = await tx.one(
      sql<{
        one: number;
      }>`select 1 as one from ${sql.table(table)} where tenant_id = ${tx.tenantId} and number = ${number}`,
    );
    if (!taken) return number;
  }
}
