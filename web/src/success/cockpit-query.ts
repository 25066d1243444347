// The cockpit's URL state (tab, status filter, date, month range, an open nine-grid cell). Pure.
import { isYmd } from '../marketing/period';
import { isMonth, shiftMonth } from '../subscriptions/months';
import { STATUSES, type HealthStatus } from './logic';

export const TABS = ['overview', 'customers', 'work'] as const;
export type CockpitTab = (typeof TABS)[number];

/** The longest month range the health-rate API answers. */
export const MAX_MONTHS = 36;
const DEFAULT_MONTHS = 6;

export interface CockpitQuery {
  tab: CockpitTab;
  status: HealthStatus | null;
  /** YYYY-MM-DD; null = today */
  asOf: string | null;
  from: string;
  to: string;
  /** the nine-grid cell whose customers the drawer lists */
  cell: number | null;
}

const index = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));

/** Reads the state; anything unknown falls back (overview, all statuses, today, the last six months). */
export function parseCockpitQuery(params: URLSearchParams, today: string): CockpitQuery {
  const thisMonth = today.slice(0, 7);
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as CockpitTab)
    : 'overview';
  const rawStatus = params.get('status');
  const status = STATUSES.find((s) => s === rawStatus) ?? null;
  const rawAsOf = params.get('as_of');
  const asOf = isYmd(rawAsOf) && rawAsOf <= today ? rawAsOf : null;
  const rawTo = params.get('to');
  const rawFrom = params.get('from');
  let to = isMonth(rawTo) && rawTo <= thisMonth ? rawTo : thisMonth;
  let from = isMonth(rawFrom) ? rawFrom : shiftMonth(to, 1 - DEFAULT_MONTHS);
  if (from > to) [from, to] = [to, from];
  if (index(to) - index(from) + 1 > MAX_MONTHS) from = shiftMonth(to, 1 - MAX_MONTHS);
  const c = Number(params.get('cell'));
  const cell = Number.isInteger(c) && c >= 1 && c <= 9 ? c : null;
  return { tab, status, asOf, from, to, cell };
}

/** The query string of a state; defaults are left out. */
export function cockpitSearch(q: CockpitQuery, today: string): Record<string, string> {
  const out: Record<string, string> = {};
  const thisMonth = today.slice(0, 7);
  if (q.tab !== 'overview') out.tab = q.tab;
  if (q.status) out.status = q.status;
  if (q.asOf) out.as_of = q.asOf;
  if (q.to !== thisMonth || q.from !== shiftMonth(q.to, 1 - DEFAULT_MONTHS)) {
    out.from = q.from;
    out.to = q.to;
  }
  if (q.cell !== null) out.cell = String(q.cell);
  return out;
}
