/**
 * Document numbers from a tenant pattern. Tokens: `{YYYY}` (year of the document date), `{MM}`,
 * `{SEQ}` or `{SEQ:n}` (counter zero-padded to n digits). The counter restarts when the period
 * the pattern shows changes: per month with {MM}, per year with {YYYY}, never otherwise.
 */
export const DEFAULT_NUMBER_PATTERNS = {
  contract: 'HT-{YYYY}-{SEQ:5}',
  order: 'SO-{YYYY}-{SEQ:5}',
  quote: 'BJ-{YYYY}-{SEQ:5}',
  payment_plan: 'PP-{YYYY}-{SEQ:5}',
  payment: 'HK-{YYYY}-{SEQ:5}',
  invoice: 'FP-{YYYY}-{SEQ:5}',
} as const;

export type NumberKind = keyof typeof DEFAULT_NUMBER_PATTERNS;

const SEQ_RE = /\{SEQ(?::(\d{1,2}))?\}/;

export function isValidPattern(pattern: string): boolean {
  return (
    SEQ_RE.test(pattern) && pattern.length <= 40 && !/\{(?!YYYY\}|MM\}|SEQ(?::\d{1,2})?\})/.test(pattern)
  );
}

/** The counter's period for a document dated `date` (YYYY-MM-DD). */
export function numberPeriod(pattern: string, date: string): string {
  if (pattern.includes('{MM}')) return date.slice(0, 7);
  if (pattern.includes('{YYYY}')) return date.slice(0, 4);
  return '-';
}

export function formatNumber(pattern: string, date: string, seq: number): string {
  return pattern
    .replace('{YYYY}', date.slice(0, 4))
    .replace('{MM}', date.slice(5, 7))
    .replace(SEQ_RE, (_m, width: string | undefined) => String(seq).padStart(Number(width ?? 1), '0'));
}

/**
 * Hands reserved counter values out in document order, as taking the next number one document
 * at a time would: each document (given by its period) takes the first of its period's candidate
 * numbers (ascending) that is not `taken` (typed in by hand, or handed out already). A document
 * left with none — its period's candidates ran out on taken numbers — gets null: reserve more.
 */
export function takeNumbers(
  periods: readonly string[],
  candidates: ReadonlyMap<string, readonly string[]>,
  taken: ReadonlySet<string>,
): Array<string | null> {
  const used = new Set(taken);
  const next = new Map<string, number>();
  return periods.map((period) => {
    const list = candidates.get(period) ?? [];
    let at = next.get(period) ?? 0;
    let number: string | null = null;
    while (at < list.length && number === null) {
      const n = list[at++] ?? '';
      if (!used.has(n)) number = n;
    }
    next.set(period, at);
    if (number !== null) used.add(number);
    return number;
  });
}
