// Small rules of the subscription screens: where they link to, how they print rates and name
// groups. Pure.
import type { RenewalGroupBy } from './months';

/**
 * A new renewal opportunity for a due renewal, prefilled on the generic create form: the account,
 * the renewal type and the subscription end, by which the nightly job links it to the due record.
 */
export function newRenewalOpportunityHref(row: { account_id: string; due_date: string }): string {
  const q = new URLSearchParams({
    account_id: row.account_id,
    type: 'renewal',
    renewal_due_on: row.due_date,
  });
  return `/o/opportunity/new?${q.toString()}`;
}

/** A stored decimal without its padding: "7.12000000" → "7.12", "7.00000000" → "7". */
export function trimDecimal(v: string): string {
  return /^\d+\.\d+$/.test(v) ? v.replace(/\.?0+$/, '') : v;
}

/**
 * The name of one renewal-rate group. Owners, departments and CSMs come named by the server; industry
 * and grade come as the account field's option values, named here from its options (a value no
 * longer among them shows as stored). A group without a value (no owner, no industry) is `none`.
 */
export function renewalGroupLabel(
  group: { key: string | null; label: string | null },
  by: RenewalGroupBy,
  optionLabel: (field: 'industry' | 'grade', value: string) => string | undefined,
  none: string,
): string {
  if (group.key === null) return none;
  if (by === 'industry' || by === 'grade') return optionLabel(by, group.key) ?? group.label ?? group.key;
  return group.label ?? none;
}

/**
 * A due renewal that needs nothing more (renewed, or adjusted out of the rate): the "all" work
 * list shows it without a countdown and without the next-step actions.
 */
export const isSettledDue = (status: string): boolean => status === 'renewed' || status === 'adjusted';
