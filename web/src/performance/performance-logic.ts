// Pure rules of the performance pages: split totals in exact hundredths of a percent, whether a
// split set may be saved, attainment for the gauge, and month periods. No React, no I/O.

export type SplitKind = 'revenue' | 'overlay';

export interface SplitDraft {
  key: string;
  userId: string | null;
  role: string;
  kind: SplitKind;
  /** percent, ≤ 2 decimals; null while blank */
  percent: number | null;
}

/** Percent → hundredths (integer), so 33.33 + 33.33 + 33.34 is exactly 100. */
export const hundredths = (p: number): number => Math.round(p * 100);

export function splitTotals(splits: SplitDraft[]): { revenue: number; overlay: number } {
  let revenue = 0;
  let overlay = 0;
  for (const s of splits) {
    const h = hundredths(s.percent ?? 0);
    if (s.kind === 'revenue') revenue += h;
    else overlay += h;
  }
  return { revenue: revenue / 100, overlay: overlay / 100 };
}

export type SplitProblem = 'revenue_total' | 'user_missing' | 'percent_missing' | 'duplicate';

/**
 * Why the split set cannot be saved yet, none when it can. Revenue must be exactly 100 %;
 * an empty set is allowed (it restores the default: the owner holds 100 %).
 */
export function splitProblems(splits: SplitDraft[]): SplitProblem[] {
  if (splits.length === 0) return [];
  const out = new Set<SplitProblem>();
  const seen = new Set<string>();
  for (const s of splits) {
    if (!s.userId) out.add('user_missing');
    if (s.percent === null || !(s.percent > 0) || s.percent > 100) out.add('percent_missing');
    const k = `${s.userId ?? ''}|${s.kind}`;
    if (s.userId && seen.has(k)) out.add('duplicate');
    seen.add(k);
  }
  if (hundredths(splitTotals(splits).revenue) !== 10000) out.add('revenue_total');
  return [...out];
}

export function splitsPayload(
  splits: SplitDraft[],
): { user_id: string; role: string; kind: SplitKind; percent: number }[] {
  return splits.flatMap((s) =>
    s.userId && s.percent !== null
      ? [
          {
            user_id: s.userId,
            role: s.role || (s.kind === 'overlay' ? 'manager' : 'sales'),
            kind: s.kind,
            percent: s.percent,
          },
        ]
      : [],
  );
}

/** Attainment percent (2 decimals) of a credit against a target; null without a positive target. */
export function attainmentPercent(credit: number, target: number | null | undefined): number | null {
  if (target === null || target === undefined || target <= 0) return null;
  return Math.round((credit * 10000) / target) / 100;
}

/** The bar/gauge fill: attainment capped to 0–150 % so an outlier does not flatten the chart. */
export const gaugeValue = (attainment: number | null): number =>
  attainment === null ? 0 : Math.max(0, Math.min(150, attainment));

/** Traffic-light tone of an attainment. */
export function attainmentTone(attainment: number | null): 'none' | 'low' | 'mid' | 'high' {
  if (attainment === null) return 'none';
  if (attainment >= 100) return 'high';
  if (attainment >= 60) return 'mid';
  return 'low';
}

/** YYYY-MM of a date (local calendar). */
export const periodOf = (d: Date): string =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;

/** A valid YYYY-MM or null. */
export function parsePeriod(v: string | null | undefined): string | null {
  if (!v || !/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) return null;
  return v;
}

/** A participant's share of an order amount in minor units (half-up to the fen), for the preview. */
export function shareOfMinor(amountMinor: number, percent: number | null): number {
  if (percent === null) return 0;
  const x = amountMinor * hundredths(percent);
  const sign = x < 0 ? -1 : 1;
  return (sign * Math.floor((Math.abs(x) + 5000) / 10000)) | 0;
}

/** Split roles the app names; a tenant's commission settings may add others (shown as stored). */
export const SPLIT_ROLES = ['sales', 'presales', 'implementation', 'manager', 'partner'] as const;
type SplitRole = (typeof SPLIT_ROLES)[number];
const isSplitRole = (v: string): v is SplitRole => (SPLIT_ROLES as readonly string[]).includes(v);

type Say = (key: `perf.role.${SplitRole}` | `perf.method.${CommissionMethod}`) => string;

/** A split role in the UI language: "sales" → 销售; a role of the tenant's own stays as stored. */
export const roleLabel = (role: string, t: Say): string =>
  isSplitRole(role) ? t(`perf.role.${role}`) : role;

export type CommissionMethod = 'base' | 'tiers' | 'clawback';

/** How a commission line was computed (base rate, tiered rates, or a clawback) in the UI language. */
export const methodLabel = (method: CommissionMethod, t: Say): string => t(`perf.method.${method}`);
