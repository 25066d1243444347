import type { HealthModel } from './health-model.ts';
import type { HealthStatus } from './health.rules.ts';

/**
 * Change alerts (异动预警, DOMAIN.md §6.3, docs/HEALTH.md), pure: a customer's snapshot of this
 * week against the week before, plus its nearest due renewal not yet renewed, gives the week's
 * alerts, each with a level and a nature. Malignant ones open warning work orders (alerts.service).
 * Thresholds come from the tenant's health model (`model.alerts`, `model.probabilityTiers`).
 */

export const ALERT_TYPE_KEYS = [
  'health_down',
  'health_up',
  'activity_down',
  'activity_up',
  'probability_down',
  'probability_up',
  'quota_tight',
  'key_person_changed',
  'expiry_3m',
  'expiry_1m',
  'expired',
] as const;
export type AlertType = (typeof ALERT_TYPE_KEYS)[number];
export const LEVEL_KEYS = ['high', 'mid', 'low'] as const;
export type Level = (typeof LEVEL_KEYS)[number];
export const NATURE_KEYS = ['benign', 'malignant'] as const;
export type Nature = (typeof NATURE_KEYS)[number];

/** What the rules read of one weekly snapshot. */
export interface AlertSnapshot {
  score: number | null;
  status: HealthStatus;
  /** logged-in users ÷ activated seats of the scored week (null: no telemetry that week) */
  login_rate: number | null;
  probability: number | null;
  quotas: Record<string, { used: number; limit: number }> | null;
  admin_user: string | null;
  department_heads: string[] | null;
}

/** The customer's nearest due renewal that is not renewed (upcoming, overdue or churned). */
export interface DueInfo {
  due_date: string;
  status: string;
}

export interface Alert {
  type: AlertType;
  level: Level;
  nature: Nature;
  detail: Record<string, unknown>;
}

const LEVEL_RANK: Record<Level, number> = { low: 0, mid: 1, high: 2 };
/** The more severe of two levels (a repeated alert never lowers its work order). */
export const maxLevel = (a: Level, b: Level): Level => (LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b);
export const isLevel = (v: unknown): v is Level => typeof v === 'string' && v in LEVEL_RANK;

// healthy > sub-healthy > unhealthy; no_data has no rank (nothing to compare)
const STATUS_RANK: Partial<Record<HealthStatus, number>> = { healthy: 2, sub_healthy: 1, unhealthy: 0 };

// scores and rates come from numeric columns: compare with a tolerance so 80.3 − 70.3 counts as 10
const EPS = 1e-9;
const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

/** YYYY-MM-DD `k` calendar months after `date`, the day clamped to the month's end (31 Jan + 1 → 28/29 Feb). */
export function addMonthsIso(date: string, k: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const idx = y * 12 + (m - 1) + k;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(ny, 4)}-${p(nm)}-${p(Math.min(d, last))}`;
}

/** Whole days from `a` to `b` (negative when b is before a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Health up/down. A change of status decides the direction (a delayed customer turns unhealthy
 * whatever its score, so the score may even have risen); without one, a score change of at least
 * `scoreChange` points does. Down is malignant — high when the customer is now unhealthy.
 */
function healthAlert(model: HealthModel, prev: AlertSnapshot, cur: AlertSnapshot): Alert | null {
  const pr = STATUS_RANK[prev.status];
  const cr = STATUS_RANK[cur.status];
  if (pr === undefined || cr === undefined || prev.score === null || cur.score === null) return null;
  const change = round(cur.score - prev.score, 1);
  const detail = {
    from: prev.score,
    to: cur.score,
    change,
    from_status: prev.status,
    to_status: cur.status,
  };
  const threshold = model.alerts.scoreChange;
  const down = cr < pr || (cr === pr && -change >= threshold - EPS);
  const up = cr > pr || (cr === pr && change >= threshold - EPS);
  if (down)
    return {
      type: 'health_down',
      level: cur.status === 'unhealthy' ? 'high' : 'mid',
      nature: 'malignant',
      detail,
    };
  if (up) return { type: 'health_up', level: 'low', nature: 'benign', detail };
  return null;
}

/** Login rate up/down by at least `loginChange` relative to last week (needs a non-zero last week). */
function activityAlert(model: HealthModel, prev: AlertSnapshot, cur: AlertSnapshot): Alert | null {
  if (prev.login_rate === null || cur.login_rate === null || prev.login_rate <= 0) return null;
  const rel = (cur.login_rate - prev.login_rate) / prev.login_rate;
  const detail = { from: round(prev.login_rate, 4), to: round(cur.login_rate, 4), change: round(rel, 4) };
  if (-rel >= model.alerts.loginChange - EPS)
    return { type: 'activity_down', level: 'mid', nature: 'malignant', detail };
  if (rel >= model.alerts.loginChange - EPS)
    return { type: 'activity_up', level: 'low', nature: 'benign', detail };
  return null;
}

/** Renewal probability up/down by at least `probabilityChange`; high when it falls into the low tier. */
function probabilityAlert(model: HealthModel, prev: AlertSnapshot, cur: AlertSnapshot): Alert | null {
  if (prev.probability === null || cur.probability === null) return null;
  const change = round(cur.probability - prev.probability, 4);
  const detail = { from: prev.probability, to: cur.probability, change };
  const low = model.probabilityTiers.mid;
  if (-change >= model.alerts.probabilityChange - EPS) {
    const crossed = prev.probability >= low && cur.probability < low;
    return { type: 'probability_down', level: crossed ? 'high' : 'mid', nature: 'malignant', detail };
  }
  if (change >= model.alerts.probabilityChange - EPS)
    return { type: 'probability_up', level: 'low', nature: 'benign', detail };
  return null;
}

/** Any quota used at or above `quotaUsed` of its limit: an expansion signal (benign, mid). */
function quotaAlert(model: HealthModel, cur: AlertSnapshot): Alert | null {
  const tight = Object.entries(cur.quotas ?? {})
    .filter(([, q]) => q.limit > 0 && q.used / q.limit >= model.alerts.quotaUsed - EPS)
    .map(([key, q]) => ({ key, used: q.used, limit: q.limit, ratio: round(q.used / q.limit, 4) }))
    .sort((a, b) => b.ratio - a.ratio || a.key.localeCompare(b.key));
  if (!tight.length) return null;
  return { type: 'quota_tight', level: 'mid', nature: 'benign', detail: { quotas: tight } };
}

/**
 * The system admin or the department heads changed (both weeks known and different; heads compared
 * as sets, so a reordering is no change). Key people leaving is a churn risk: malignant, mid.
 */
function keyPersonAlert(prev: AlertSnapshot, cur: AlertSnapshot): Alert | null {
  const detail: Record<string, unknown> = {};
  if (prev.admin_user !== null && cur.admin_user !== null && prev.admin_user !== cur.admin_user)
    detail.admin_user = { from: prev.admin_user, to: cur.admin_user };
  if (prev.department_heads !== null && cur.department_heads !== null) {
    const before = new Set(prev.department_heads);
    const after = new Set(cur.department_heads);
    const added = [...after].filter((h) => !before.has(h)).sort();
    const removed = [...before].filter((h) => !after.has(h)).sort();
    if (added.length || removed.length) detail.department_heads = { added, removed };
  }
  if (!Object.keys(detail).length) return null;
  return { type: 'key_person_changed', level: 'mid', nature: 'malignant', detail };
}

/**
 * Order expiry without renewal, judged on the run date: passed → expired (high); within one month
 * → expiry_1m (mid); within three months → expiry_3m (low). Only the most severe is raised.
 */
function expiryAlert(due: DueInfo | null, asOf: string): Alert | null {
  if (!due || !['upcoming', 'overdue', 'churned'].includes(due.status)) return null;
  const detail = { due_date: due.due_date, status: due.status, days_left: daysBetween(asOf, due.due_date) };
  if (due.due_date <= asOf) return { type: 'expired', level: 'high', nature: 'malignant', detail };
  if (due.due_date <= addMonthsIso(asOf, 1))
    return { type: 'expiry_1m', level: 'mid', nature: 'malignant', detail };
  if (due.due_date <= addMonthsIso(asOf, 3))
    return { type: 'expiry_3m', level: 'low', nature: 'malignant', detail };
  return null;
}

/**
 * The week's alerts for one customer. `prev` is last week's snapshot (null when the customer was
 * not scored then: only the alerts that need no comparison — quotas, expiry — can be raised).
 * A `no_data` week on either side gives no health or activity alert: no telemetry is not a change.
 */
export function evaluateAlerts(input: {
  model: HealthModel;
  asOf: string;
  prev: AlertSnapshot | null;
  cur: AlertSnapshot;
  due: DueInfo | null;
}): Alert[] {
  const { model, prev, cur } = input;
  const out: (Alert | null)[] = [];
  if (prev) {
    const scored = prev.status !== 'no_data' && cur.status !== 'no_data';
    if (scored) out.push(healthAlert(model, prev, cur), activityAlert(model, prev, cur));
    out.push(probabilityAlert(model, prev, cur), keyPersonAlert(prev, cur));
  }
  out.push(quotaAlert(model, cur), expiryAlert(input.due, input.asOf));
  return out.filter((a): a is Alert => a !== null);
}
