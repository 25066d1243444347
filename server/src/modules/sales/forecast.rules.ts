// Pure forecasting math (DOMAIN.md §3): business periods in the tenant's time zone, forecast
// categories and their cumulative roll-up, probability-weighted and stage-conversion forecasts,
// accuracy, attainment and coverage. No I/O: services fetch rows and call these.
import type { ForecastCategory, StageType } from './pipelines.defaults.ts';

export type PeriodKind = 'month' | 'quarter' | 'year';

/** A business period: dates (YYYY-MM-DD) in the tenant's time zone; `end` is exclusive. */
export interface Period {
  kind: PeriodKind;
  start: string;
  end: string;
  /** The last day of the period (inclusive). */
  last: string;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number): string => String(n).padStart(2, '0');
const fmt = (y: number, m: number, d: number): string => `${y}-${pad(m)}-${pad(d)}`;

/** True for a real calendar date written YYYY-MM-DD. */
export function isDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

function parts(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The date n days after `date` (n may be negative). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The date n months after `date`, clamped to the month's last day (Mar 31 − 1 month = Feb 28/29). */
export function addMonths(date: string, n: number): string {
  const [y, m, d] = parts(date);
  const first = new Date(Date.UTC(y, m - 1 + n, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return fmt(first.getUTCFullYear(), first.getUTCMonth() + 1, Math.min(d, lastDay));
}

const MONTHS: Record<PeriodKind, number> = { month: 1, quarter: 3, year: 12 };

/** The first day of the period of `kind` that contains `date`. */
export function periodStartOf(kind: PeriodKind, date: string): string {
  const [y, m] = parts(date);
  if (kind === 'month') return fmt(y, m, 1);
  if (kind === 'quarter') return fmt(y, m - ((m - 1) % 3), 1);
  return fmt(y, 1, 1);
}

/** True when `start` is the first day of a period of `kind` (1 Jan/Apr/Jul/Oct for quarters). */
export function isPeriodStart(kind: PeriodKind, start: string): boolean {
  return isDate(start) && periodStartOf(kind, start) === start;
}

/** The period of `kind` that begins on `start` (which must be a period start). */
export function periodAt(kind: PeriodKind, start: string): Period {
  const end = addMonths(start, MONTHS[kind]);
  return { kind, start, end, last: addDays(end, -1) };
}

/** The period of `kind` containing `date`. */
export function periodContaining(kind: PeriodKind, date: string): Period {
  return periodAt(kind, periodStartOf(kind, date));
}

export function nextPeriod(p: Period): Period {
  return periodAt(p.kind, p.end);
}

/** The Monday of the ISO week containing `date`. */
export function mondayOf(date: string): string {
  const [y, m, d] = parts(date);
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}

/** The calendar date of an instant in a time zone (IANA name). */
export function localDate(instant: Date, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return f.format(instant);
}

/** Milliseconds the zone is ahead of UTC at an instant. */
function zoneOffsetMs(instant: Date, timeZone: string): number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a local date begins in a time zone (so a period's end is `startOfDay(p.end)`). */
export function startOfDay(date: string, timeZone: string): Date {
  const [y, m, d] = parts(date);
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - zoneOffsetMs(new Date(guess), timeZone);
  // across a DST change the offset at the real instant differs from the one at the guess
  return new Date(guess - zoneOffsetMs(new Date(first), timeZone));
}

// --- forecast categories ---

/** The forecast figures, cumulative (see `cumulate`). */
export const FORECAST_FIGURES = ['closed', 'commit', 'best_case', 'pipeline'] as const;
export type ForecastFigure = (typeof FORECAST_FIGURES)[number];
export const ADJUSTABLE = ['commit', 'best_case', 'pipeline'] as const;
export type AdjustableCategory = (typeof ADJUSTABLE)[number];

/** One opportunity as the forecast sees it (already limited to a period by the query). */
export interface ForecastDeal {
  id: string;
  owner_id: string | null;
  pipeline_id: string;
  stage: string;
  stage_type: StageType;
  stage_category: ForecastCategory;
  stage_probability: number;
  /** Minor units; a deal without an amount counts with 0. */
  amount: number | null;
  currency: string;
  /** The deal's own overrides (null: the stage's). */
  probability: number | null;
  forecast_category: ForecastCategory | null;
}

/**
 * A deal's category: won deals are `closed`, lost/invalid `omitted`, whatever the override; an
 * open deal takes its own category, else its stage's. An open deal marked `closed` by hand is not
 * won yet, so it counts as `commit`.
 */
export function effectiveCategory(d: ForecastDeal): ForecastCategory {
  if (d.stage_type === 'won') return 'closed';
  if (d.stage_type !== 'active') return 'omitted';
  const c = d.forecast_category ?? d.stage_category;
  return c === 'closed' ? 'commit' : c;
}

/** A deal's win probability in percent: its own, else its stage's. */
export function effectiveProbability(d: ForecastDeal): number {
  const p = d.probability ?? d.stage_probability;
  return Math.min(100, Math.max(0, p));
}

export interface Agg {
  count: number;
  amount: number;
}

export type CategoryAggs = Record<ForecastCategory, Agg>;

/**
 * Cumulative forecast figures, the Salesforce convention:
 * closed = won; commit = closed + commit; best_case = commit + best case;
 * pipeline = the open pipeline = pipeline + best case + commit categories (open deals only,
 * no closed). Omitted deals count nowhere.
 */
export function cumulate(raw: CategoryAggs): Record<ForecastFigure, Agg> {
  const add = (...a: Agg[]): Agg => ({
    count: a.reduce((s, x) => s + x.count, 0),
    amount: a.reduce((s, x) => s + x.amount, 0),
  });
  const commit = add(raw.closed, raw.commit);
  return {
    closed: add(raw.closed),
    commit,
    best_case: add(commit, raw.best_case),
    pipeline: add(raw.pipeline, raw.best_case, raw.commit),
  };
}

/** Σ amount × probability / 100 over open, non-omitted deals, rounded to a minor unit. */
export function weightedAmount(deals: ForecastDeal[]): number {
  let s = 0;
  for (const d of deals)
    if (d.stage_type === 'active' && effectiveCategory(d) !== 'omitted')
      s += (d.amount ?? 0) * effectiveProbability(d);
  return Math.round(s / 100);
}

// --- stage-to-won conversion ---

/** A deal that entered a stage in the look-back window, with where it ended (as of the date). */
export interface StageVisit {
  opportunity_id: string;
  pipeline_id: string;
  stage: string;
  outcome: 'won' | 'lost' | 'invalid' | 'open';
}

export interface StageRate {
  pipeline_id: string;
  stage: string;
  /** Distinct deals that entered the stage in the window. */
  reached: number;
  won: number;
  lost: number;
  /** won ÷ (won + lost); null without a closed deal. Open and invalid deals are left out. */
  rate: number | null;
}

export const stageKey = (pipelineId: string, stage: string): string => `${pipelineId}|${stage}`;

/** Distinct deals per (pipeline, stage, outcome) — what SQL hands over instead of every visit. */
export interface StageOutcomeCount {
  pipeline_id: string;
  stage: string;
  outcome: StageVisit['outcome'];
  deals: number;
}

/** Historical stage-to-won conversion per (pipeline, stage). */
export function conversionRates(visits: StageVisit[]): StageRate[] {
  const seen = new Set<string>();
  const counts = new Map<string, StageOutcomeCount>();
  for (const v of visits) {
    const k = stageKey(v.pipeline_id, v.stage);
    // a deal that entered a stage twice counts once
    if (seen.has(`${k}|${v.opportunity_id}`)) continue;
    seen.add(`${k}|${v.opportunity_id}`);
    const c = counts.get(`${k}|${v.outcome}`) ?? { ...v, deals: 0 };
    c.deals += 1;
    counts.set(`${k}|${v.outcome}`, c);
  }
  return conversionRatesFromCounts([...counts.values()]);
}

/** The same rates from per-outcome distinct-deal counts (a deal has one outcome, so they add up). */
export function conversionRatesFromCounts(rows: StageOutcomeCount[]): StageRate[] {
  const by = new Map<string, StageRate>();
  for (const c of rows) {
    const k = stageKey(c.pipeline_id, c.stage);
    const r = by.get(k) ?? {
      pipeline_id: c.pipeline_id,
      stage: c.stage,
      reached: 0,
      won: 0,
      lost: 0,
      rate: null,
    };
    r.reached += c.deals;
    if (c.outcome === 'won') r.won += c.deals;
    if (c.outcome === 'lost') r.lost += c.deals;
    by.set(k, r);
  }
  const out = [...by.values()].map((r) => ({ ...r, rate: ratio(r.won, r.won + r.lost, 4) }));
  return out.sort((a, b) => a.pipeline_id.localeCompare(b.pipeline_id) || a.stage.localeCompare(b.stage));
}

/**
 * Σ amount × the historical rate of the deal's current stage over open, non-omitted deals; a
 * stage without history falls back to the deal's probability (so a new pipeline still forecasts).
 */
export function stageConversionAmount(deals: ForecastDeal[], rates: Map<string, number | null>): number {
  let s = 0;
  for (const d of deals) {
    if (d.stage_type !== 'active' || effectiveCategory(d) === 'omitted') continue;
    const r = rates.get(stageKey(d.pipeline_id, d.stage));
    s += (d.amount ?? 0) * (r ?? effectiveProbability(d) / 100);
  }
  return Math.round(s);
}

// --- per-currency figures ---

/** The system forecast of a set of deals in one currency. */
export interface CurrencyForecast {
  currency: string;
  /** Per category as the deals are marked (not cumulative). */
  categories: CategoryAggs;
  /** Cumulative figures (see `cumulate`). */
  forecast: Record<ForecastFigure, Agg>;
  weighted: number;
  stage_conversion: number;
}

const emptyAggs = (): CategoryAggs => ({
  pipeline: { count: 0, amount: 0 },
  best_case: { count: 0, amount: 0 },
  commit: { count: 0, amount: 0 },
  closed: { count: 0, amount: 0 },
  omitted: { count: 0, amount: 0 },
});

/**
 * Forecast figures per currency — amounts in different currencies are never added. The tenant
 * currency always has an entry (zeros when there are no deals) and comes first.
 */
export function forecastFigures(
  deals: ForecastDeal[],
  rates: Map<string, number | null>,
  tenantCurrency: string,
): CurrencyForecast[] {
  const byCur = new Map<string, ForecastDeal[]>([[tenantCurrency, []]]);
  for (const d of deals) {
    const list = byCur.get(d.currency) ?? [];
    list.push(d);
    byCur.set(d.currency, list);
  }
  const out: CurrencyForecast[] = [];
  for (const [currency, list] of byCur) {
    const categories = emptyAggs();
    for (const d of list) {
      const a = categories[effectiveCategory(d)];
      a.count += 1;
      a.amount += d.amount ?? 0;
    }
    out.push({
      currency,
      categories,
      forecast: cumulate(categories),
      weighted: weightedAmount(list),
      stage_conversion: stageConversionAmount(list, rates),
    });
  }
  return out.sort((a, b) =>
    a.currency === tenantCurrency
      ? -1
      : b.currency === tenantCurrency
        ? 1
        : a.currency.localeCompare(b.currency),
  );
}

/** The system figure of an adjustable category in a currency forecast. */
export function systemFigure(f: CurrencyForecast, category: AdjustableCategory): number {
  return f.forecast[category].amount;
}

// --- ratios ---

/** a ÷ b rounded to `digits` decimals; null when b is 0 (no basis to divide by). */
export function ratio(a: number, b: number, digits = 4): number | null {
  if (b === 0) return null;
  const f = 10 ** digits;
  return Math.round((a / b) * f) / f;
}

/** Forecast error in percent of the actual: (forecast − actual) ÷ actual × 100, one decimal. */
export function errorPercent(forecast: number, actual: number): number | null {
  const r = ratio(forecast - actual, actual, 6);
  return r === null ? null : Math.round(r * 1000) / 10;
}

/** Attainment in percent (one decimal); null for a zero target. */
export function attainmentPercent(achieved: number, target: number): number | null {
  const r = ratio(achieved, target, 6);
  return r === null ? null : Math.round(r * 1000) / 10;
}

/**
 * Pipeline coverage = open pipeline ÷ remaining target (target − won), two decimals; null when
 * nothing remains (target met or zero).
 */
export function coverage(openPipeline: number, target: number, won: number): number | null {
  const remaining = target - won;
  if (remaining <= 0) return null;
  return ratio(openPipeline, remaining, 2);
}

/** Department ids in the subtree of `root` (itself included), given every department's parent. */
export function subtreeOf(
  departments: Array<{ id: string; parent_id: string | null }>,
  root: string,
): string[] {
  const children = new Map<string, string[]>();
  for (const d of departments)
    if (d.parent_id) children.set(d.parent_id, [...(children.get(d.parent_id) ?? []), d.id]);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const stack = [root]; stack.length;) {
    const id = stack.pop() ?? '';
    if (seen.has(id)) continue; // a cycle must not loop forever
    seen.add(id);
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}
