import type { Locale, Money } from '../api/types';
import { formatMoney } from '../format/money';
import type { KanbanColumn, SalesStage, StageType } from './api';

export const isClosedType = (type: StageType): boolean => type !== 'active';

/** Active stages are full columns in pipeline order; closed ones are narrow drop targets at the end. */
export function splitColumns<T extends { type: StageType }>(columns: T[]): { active: T[]; closed: T[] } {
  return {
    active: columns.filter((c) => !isClosedType(c.type)),
    closed: columns.filter((c) => isClosedType(c.type)),
  };
}

export interface ColumnTotals {
  /** amount and weighted amount per currency, the tenant currency first */
  lines: { currency: string; amount: Money; weighted: Money }[];
}

/**
 * A column's totals per currency (the server never adds different currencies together). The
 * tenant currency comes first and is always present, so an empty column shows a zero.
 */
export function columnTotals(column: Pick<KanbanColumn, 'amounts'>, tenantCurrency: string): ColumnTotals {
  const byCurrency = new Map(column.amounts.map((a) => [a.currency, a]));
  if (!byCurrency.has(tenantCurrency))
    byCurrency.set(tenantCurrency, { currency: tenantCurrency, amount: 0, weighted: 0 });
  const currencies = [...byCurrency.keys()].sort((a, b) =>
    a === tenantCurrency ? -1 : b === tenantCurrency ? 1 : a.localeCompare(b),
  );
  return {
    lines: currencies.map((currency) => {
      const a = byCurrency.get(currency) ?? { currency, amount: 0, weighted: 0 };
      return {
        currency,
        amount: { amount: a.amount, currency },
        weighted: { amount: a.weighted, currency },
      };
    }),
  };
}

/** "¥12.35万 / ¥6.18万" lines for a column header: amount and weighted amount per currency. */
export function totalsText(
  totals: ColumnTotals,
  locale: Locale,
): { amount: string; weighted: string; currency: string }[] {
  return totals.lines.map((l) => ({
    currency: l.currency,
    amount: formatMoney(l.amount, locale),
    weighted: formatMoney(l.weighted, locale),
  }));
}

export type DwellTone = 'normal' | 'warning' | 'danger';

/**
 * Colour of the "N 天" badge: over the stage's limit the deal is stuck (orange); at twice the
 * limit it needs the manager's eye (red). Stages without a limit never warn.
 */
export function dwellTone(days: number, maxDays: number | null): DwellTone {
  if (maxDays === null || maxDays <= 0) return 'normal';
  if (days > maxDays * 2) return 'danger';
  if (days > maxDays) return 'warning';
  return 'normal';
}

export const DWELL_COLOR: Record<DwellTone, string | undefined> = {
  normal: undefined,
  warning: 'orange',
  danger: 'red',
};

/** Today's calendar day in the tenant's zone (close dates are calendar days there). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(now)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}`;
}

/** An open deal's expected close date lies before today: shown red. */
export function closeDatePassed(closeDate: string | null, today: string): boolean {
  return closeDate !== null && closeDate.slice(0, 10) < today;
}

export type OwnerScope = 'me' | 'all';

/**
 * Owner filter choices. The board always applies the caller's record scope, so "all" means
 * "my team" for a department-scoped manager and "everyone" for whole-tenant access; a rep who
 * only sees own deals gets no choice at all.
 */
export function ownerScopeOptions(
  isAdmin: boolean,
  opportunityScope: 'own' | 'department' | 'subtree' | 'all' | undefined,
): { value: OwnerScope; label: 'me' | 'team' | 'everyone' }[] {
  const scope = isAdmin ? 'all' : (opportunityScope ?? 'own');
  if (scope === 'own') return [{ value: 'me', label: 'me' }];
  return [
    { value: 'me', label: 'me' },
    { value: 'all', label: scope === 'all' ? 'everyone' : 'team' },
  ];
}

export type PathStep = 'done' | 'current' | 'todo';

/**
 * The stage path of a deal: its pipeline's active stages, those before the current one done.
 * A closed deal has every active stage done (its closed stage shows separately).
 */
export function stagePath(
  stages: Pick<SalesStage, 'key' | 'type'>[],
  current: string | null,
): { key: string; step: PathStep }[] {
  const active = stages.filter((s) => !isClosedType(s.type));
  const closed = stages.some((s) => s.key === current && isClosedType(s.type));
  const at = active.findIndex((s) => s.key === current);
  return active.map((s, i) => ({
    key: s.key,
    step: closed || (at >= 0 && i < at) ? 'done' : i === at ? 'current' : 'todo',
  }));
}

/** Whole days since the deal entered its stage (the board gets it from the server). */
export function daysSince(iso: string | null | undefined, now: Date = new Date()): number | null {
  if (!iso) return null;
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return null;
  return Math.max(0, Math.floor((now.getTime() - t) / 86_400_000));
}

/** A product line as the editor holds it: unit price in major units (yuan) as people type it. */
export interface LineDraft {
  product: string;
  quantity: number | null;
  unitPrice: number | null;
  currency: string;
}

/** Line amount in minor units, as the server computes it: round(quantity × unit_price). */
export function lineAmount(quantity: number, unitPriceMinor: number): number {
  return Math.round(quantity * unitPriceMinor);
}

/** The deal amount the lines give (one currency per deal; null without lines). */
export function linesTotal(lines: LineDraft[]): Money | null {
  const complete = lines.filter((l) => l.quantity !== null && l.unitPrice !== null);
  if (!complete.length) return null;
  const currency = complete[0]?.currency ?? 'CNY';
  const amount = complete.reduce(
    (sum, l) => sum + lineAmount(l.quantity ?? 0, Math.round((l.unitPrice ?? 0) * 100)),
    0,
  );
  return { amount, currency };
}
