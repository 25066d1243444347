// Pure funnel math (DOMAIN.md §3): how far deals got, stage-to-stage conversion, win rate,
// cycle length and loss reasons. The service fetches the deals and their stage history.
import type { StageType } from './pipelines.defaults.ts';
import { ratio } from './forecast.rules.ts';

export interface FunnelStage {
  key: string;
  position: number;
  type: StageType;
}

export interface FunnelDeal {
  id: string;
  owner_id: string | null;
  stage_type: StageType;
  amount: number | null;
  currency: string;
  /** Stage keys the deal has been in (history plus its current stage). */
  visited: string[];
  created_at: Date;
  closed_at: Date | null;
  close_reason: string | null;
}

export interface Money {
  amount: number;
  currency: string;
}

export interface FunnelStep {
  stage: string;
  type: StageType;
  count: number;
  amounts: Money[];
  /** Share of the deals of the previous step that got this far; null for the first step or 0 before. */
  conversion: number | null;
}

/**
 * The funnel's steps: active stages in position order, then won. Lost and invalid are outcomes,
 * not steps, so a deal lost in negotiation still counts as having reached negotiation.
 */
export function funnelSteps(stages: FunnelStage[]): FunnelStage[] {
  const sorted = [...stages].sort((a, b) => a.position - b.position);
  return [...sorted.filter((s) => s.type === 'active'), ...sorted.filter((s) => s.type === 'won')];
}

/**
 * How far a deal got: the index of the furthest step it visited. A deal that skipped stages
 * counts as having passed them (the funnel never widens); a won deal reached every step.
 */
export function furthestStep(deal: FunnelDeal, steps: FunnelStage[]): number {
  if (deal.stage_type === 'won') return steps.length - 1;
  let best = -1;
  steps.forEach((s, i) => {
    if (deal.visited.includes(s.key)) best = i;
  });
  return best;
}

const addMoney = (list: Money[], amount: number | null, currency: string): void => {
  const m = list.find((x) => x.currency === currency);
  if (m) m.amount += amount ?? 0;
  else list.push({ amount: amount ?? 0, currency });
};

/** Count and amount (per currency) of the deals that reached each step, with step conversion. */
export function funnel(deals: FunnelDeal[], steps: FunnelStage[]): FunnelStep[] {
  const out: FunnelStep[] = steps.map((s) => ({
    stage: s.key,
    type: s.type,
    count: 0,
    amounts: [],
    conversion: null,
  }));
  for (const d of deals) {
    const f = furthestStep(d, steps);
    for (let i = 0; i <= f; i++) {
      const step = out[i];
      if (!step) continue;
      step.count += 1;
      addMoney(step.amounts, d.amount, d.currency);
    }
  }
  for (let i = 1; i < out.length; i++) {
    const cur = out[i];
    const prev = out[i - 1];
    if (cur && prev) cur.conversion = ratio(cur.count, prev.count, 4);
  }
  return out;
}

/** won ÷ (won + lost); invalid deals are junk and stay out (DOMAIN.md §3). */
export function winRate(deals: FunnelDeal[]): { won: number; lost: number; rate: number | null } {
  const won = deals.filter((d) => d.stage_type === 'won').length;
  const lost = deals.filter((d) => d.stage_type === 'lost').length;
  return { won, lost, rate: ratio(won, won + lost, 4) };
}

const DAY_MS = 86_400_000;

/** Average days from creation to close over won deals, one decimal; null without one. */
export function averageCycleDays(deals: FunnelDeal[]): number | null {
  const days = deals
    .filter((d) => d.stage_type === 'won' && d.closed_at)
    .map((d) => ((d.closed_at?.getTime() ?? 0) - d.created_at.getTime()) / DAY_MS);
  if (!days.length) return null;
  return Math.round((days.reduce((a, b) => a + b, 0) / days.length) * 10) / 10;
}

export interface LossReason {
  reason: string | null;
  count: number;
  amounts: Money[];
}

/** Lost deals by close reason, most frequent first. */
export function lossReasons(deals: FunnelDeal[]): LossReason[] {
  const by = new Map<string | null, LossReason>();
  for (const d of deals) {
    if (d.stage_type !== 'lost') continue;
    const r = by.get(d.close_reason) ?? { reason: d.close_reason, count: 0, amounts: [] };
    r.count += 1;
    addMoney(r.amounts, d.amount, d.currency);
    by.set(d.close_reason, r);
  }
  return [...by.values()].sort(
    (a, b) => b.count - a.count || String(a.reason).localeCompare(String(b.reason)),
  );
}
