import { addDays } from '../../platform/jobs/dates.rules.ts';

export interface ProtectionSettings {
  /** protected for this many days after claim */
  days: number;
  /** each qualifying follow-up moves the reclaim date to at least follow-up + extendDays */
  extendDays: number;
  /** reclaimed this many days after claim whatever happens (unless never-reclaim holds) */
  hardLimitDays: number;
}

export const DEFAULT_PROTECTION: ProtectionSettings = { days: 10, extendDays: 3, hardLimitDays: 20 };

/**
 * The date a claimed lead or account goes back to its pool (DOMAIN.md §1): claim + D, pushed to
 * max(current, follow-up + E) by each follow-up, never past claim + M. Dates are YYYY-MM-DD in
 * the tenant's time zone.
 */
export function reclaimDate(
  claimedOn: string,
  followUps: string[],
  s: ProtectionSettings,
): { reclaimOn: string; hardStop: string } {
  const hardStop = addDays(claimedOn, s.hardLimitDays);
  let reclaimOn = addDays(claimedOn, s.days);
  for (const f of [...followUps].sort()) {
    if (f < claimedOn) continue;
    const extended = addDays(f, s.extendDays);
    if (extended > reclaimOn) reclaimOn = extended;
  }
  if (reclaimOn > hardStop) reclaimOn = hardStop;
  return { reclaimOn, hardStop };
}

/** True when, as of the given date, the protection has run out. */
export function isReclaimDue(
  asOf: string,
  claimedOn: string,
  followUps: string[],
  s: ProtectionSettings,
  neverReclaim = false,
): boolean {
  if (neverReclaim) return false;
  return asOf >= reclaimDate(claimedOn, followUps, s).reclaimOn;
}
