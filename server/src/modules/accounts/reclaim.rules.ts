import { addDays } from '../../platform/jobs/dates.rules.ts';
import { reclaimDate, type ProtectionSettings } from './protection.rules.ts';

/** A pool's reclaim timers (DOMAIN.md §2), with the defaults for pools that leave them empty. */
export interface PoolTimers {
  /** reclaimed after this many days without a follow-up (counted from the claim or the last follow-up) */
  noFollowupDays: number;
  /** reclaimed this many days after the claim when no deal was won */
  noWonDays: number;
  /** the owner is warned this many days before the reclaim date (0 = no warning) */
  warnDays: number;
}

export const DEFAULT_POOL_TIMERS: PoolTimers = { noFollowupDays: 30, noWonDays: 90, warnDays: 3 };

export type ReclaimReason = 'no_followup' | 'no_won' | 'protection';

export interface ReclaimPlan {
  reclaimOn: string;
  /** the rule that gives the earliest date */
  reason: ReclaimReason;
  /** first day of the warning window (reclaimOn itself when there is no warning) */
  warnFrom: string;
}

/**
 * When an owned, not-won account goes back to its pool: the earliest of the pool's two timers
 * (no follow-up for N days, no won deal M days after the claim) and the shared protection rule
 * (claim + D, pushed by follow-ups, never past claim + the hard limit). Dates are YYYY-MM-DD in
 * the tenant's time zone; follow-ups before the claim do not count.
 */
export function planReclaim(
  claimedOn: string,
  followUps: string[],
  timers: PoolTimers,
  /** null when the protection rule does not apply (off, or the account was never claimed) */
  protection: ProtectionSettings | null,
): ReclaimPlan {
  const counted = followUps.filter((f) => f >= claimedOn).sort();
  const lastTouch = counted[counted.length - 1] ?? claimedOn;
  const candidates: Array<[ReclaimReason, string]> = [
    ['no_followup', addDays(lastTouch, timers.noFollowupDays)],
    ['no_won', addDays(claimedOn, timers.noWonDays)],
    ...(protection
      ? [['protection', reclaimDate(claimedOn, counted, protection).reclaimOn] as [ReclaimReason, string]]
      : []),
  ];
  let best = candidates[0] as [ReclaimReason, string];
  for (const c of candidates) if (c[1] < best[1]) best = c;
  return {
    reclaimOn: best[1],
    reason: best[0],
    warnFrom: addDays(best[1], -Math.max(0, timers.warnDays)),
  };
}

/** What the nightly job does about one account as of a date. */
export function reclaimAction(asOf: string, plan: ReclaimPlan): 'reclaim' | 'warn' | 'none' {
  if (asOf >= plan.reclaimOn) return 'reclaim';
  if (asOf >= plan.warnFrom) return 'warn';
  return 'none';
}
