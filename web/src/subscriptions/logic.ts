// Small rules of the subscription screens: where they link to, how they print rates. Pure.

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
