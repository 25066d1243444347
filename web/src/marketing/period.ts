import type { Granularity } from './api';

export type Preset = 'this_month' | 'last_30' | 'this_quarter' | 'custom';
export const PRESETS: readonly Preset[] = ['this_month', 'last_30', 'this_quarter', 'custom'];
export const GRANULARITIES: readonly Granularity[] = ['day', 'week', 'month'];

export interface PeriodQuery {
  preset: Preset;
  from: string;
  to: string;
  granularity: Granularity;
}

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's calendar date in a time zone (the tenant's, so "this month" matches the server). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(now)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}`;
}

function toUtc(ymd: string): Date {
  const m = YMD.exec(ymd);
  return new Date(Date.UTC(Number(m?.[1]), Number(m?.[2]) - 1, Number(m?.[3])));
}
const fmt = (d: Date): string => d.toISOString().slice(0, 10);

export function isYmd(v: string | null | undefined): v is string {
  if (!v || !YMD.test(v)) return false;
  return fmt(toUtc(v)) === v;
}

export function addDays(ymd: string, n: number): string {
  const d = toUtc(ymd);
  d.setUTCDate(d.getUTCDate() + n);
  return fmt(d);
}

/** The range of a preset ending today (inclusive). */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): { from: string; to: string } {
  const d = toUtc(today);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (preset === 'this_month') return { from: fmt(new Date(Date.UTC(y, m, 1))), to: today };
  if (preset === 'this_quarter') return { from: fmt(new Date(Date.UTC(y, m - (m % 3), 1))), to: today };
  return { from: addDays(today, -29), to: today };
}

/** Reads preset, range and granularity from the page URL; bad or missing values fall back. */
export function parsePeriodQuery(params: URLSearchParams, today: string): PeriodQuery {
  const g = params.get('granularity');
  const granularity: Granularity = g === 'week' || g === 'month' ? g : 'day';
  const p = params.get('preset');
  const from = params.get('from');
  const to = params.get('to');
  if ((p === 'custom' || (!p && from)) && isYmd(from) && isYmd(to) && from <= to)
    return { preset: 'custom', from, to, granularity };
  const preset: Exclude<Preset, 'custom'> = p === 'last_30' || p === 'this_quarter' ? p : 'this_month';
  return { preset, ...presetRange(preset, today), granularity };
}

/** The URL query of a period; presets keep no dates so a bookmark stays "this month". */
export function periodSearch(q: PeriodQuery): Record<string, string> {
  const out: Record<string, string> = { preset: q.preset, granularity: q.granularity };
  if (q.preset === 'custom') Object.assign(out, { from: q.from, to: q.to });
  return out;
}

/** Start of the bucket that holds a date: the day, the Monday of its week, the 1st of its month. */
export function bucketStart(ymd: string, g: Granularity): string {
  const d = toUtc(ymd);
  if (g === 'month') return fmt(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)));
  if (g === 'week') return addDays(ymd, -((d.getUTCDay() + 6) % 7));
  return ymd;
}

/** Every bucket start from `from` to `to`, as the server labels them (weeks start Monday). */
export function periodBuckets(from: string, to: string, g: Granularity, max = 1000): string[] {
  const out: string[] = [];
  let cur = bucketStart(from, g);
  while (cur <= to && out.length < max) {
    out.push(cur);
    if (g === 'day') cur = addDays(cur, 1);
    else if (g === 'week') cur = addDays(cur, 7);
    else {
      const d = toUtc(cur);
      cur = fmt(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)));
    }
  }
  return out;
}
