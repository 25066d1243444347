// The cohort heat map: rows are cohorts (month of first ARR), columns months since, cells the net
// ARR the cohort keeps. Pure: colours and layout are computed here and tested.

/**
 * Colour stops over net retention: losing half or more is red, flat is a pale green-white,
 * growing by 30 % or more is green. Values between stops blend linearly; outside, they clamp.
 */
export const RETENTION_STOPS: ReadonlyArray<readonly [rate: number, hex: string]> = [
  [0.5, '#ff4d4f'],
  [0.8, '#ffc53d'],
  [1.0, '#f6ffed'],
  [1.3, '#52c41a'],
];

const rgb = (hex: string): [number, number, number] => [
  parseInt(hex.slice(1, 3), 16),
  parseInt(hex.slice(3, 5), 16),
  parseInt(hex.slice(5, 7), 16),
];
const hex = (c: readonly number[]): string =>
  `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** The background of a cell with this net retention (a decimal, 1 = kept everything). */
export function retentionBackground(rate: number): string {
  const stops = RETENTION_STOPS;
  const first = stops[0];
  const last = stops.at(-1);
  if (!first || !last) return '#ffffff';
  if (rate <= first[0]) return first[1];
  if (rate >= last[0]) return last[1];
  for (let i = 1; i < stops.length; i++) {
    const lo = stops[i - 1];
    const hi = stops[i];
    if (!lo || !hi || rate > hi[0]) continue;
    const t = (rate - lo[0]) / (hi[0] - lo[0]);
    const a = rgb(lo[1]);
    const b = rgb(hi[1]);
    return hex(a.map((v, k) => v + ((b[k] ?? v) - v) * t));
  }
  return last[1];
}

/** Relative luminance (WCAG) of a #rrggbb colour, 0 (black) to 1 (white). */
export function luminance(color: string): number {
  const [r, g, b] = rgb(color).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

/**
 * Background and a readable text colour for a cell; null (no base to divide by) has no colour.
 * Below a luminance of 0.179 white text has more contrast than black, above it black does.
 */
export function retentionCellStyle(rate: number | null): { background: string; color: string } | null {
  if (rate === null) return null;
  const background = retentionBackground(rate);
  return { background, color: luminance(background) < 0.179 ? '#ffffff' : 'rgba(0, 0, 0, 0.88)' };
}

export interface CohortLike {
  cohort: string;
  customers: number;
  start_arr: number;
  months: ReadonlyArray<{
    offset: number;
    month: string;
    arr: number;
    customers: number;
    net_retention: number | null;
  }>;
}

export interface CohortGrid<C extends CohortLike> {
  /** column offsets 0..max (months since the cohort's first month) */
  offsets: number[];
  rows: Array<{ cohort: C; cells: Array<C['months'][number] | null> }>;
}

/**
 * One row per cohort with a cell per offset, up to the longest cohort (or `maxOffset`); the later
 * cohorts' rows end early (the months have not happened yet), shown as blank cells. Cohorts that
 * gained no customer are left out: there is nothing to retain.
 */
export function cohortGrid<C extends CohortLike>(cohorts: readonly C[], maxOffset = 36): CohortGrid<C> {
  const shown = cohorts.filter((c) => c.customers > 0 && c.start_arr > 0);
  const longest = Math.max(-1, ...shown.flatMap((c) => c.months.map((m) => m.offset)));
  const offsets = Array.from({ length: Math.min(longest, maxOffset) + 1 }, (_, i) => i);
  return {
    offsets,
    rows: shown.map((cohort) => {
      const byOffset = new Map(cohort.months.map((m) => [m.offset, m]));
      return { cohort, cells: offsets.map((o) => byOffset.get(o) ?? null) };
    }),
  };
}
