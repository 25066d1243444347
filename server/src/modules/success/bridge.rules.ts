/**
 * The healthy-ARR bridge (DOMAIN.md §6.1; docs/HEALTH.md "Health rate, bridge, nine-grid and
 * incentive"), pure: how each customer moved the healthy ARR between the end of month M−1 and the
 * end of M. Every customer falls into at most one kind, and its amount is exactly the change of its
 * healthy ARR, so start + Σ amounts = end holds for every month by construction.
 */

export const BRIDGE_KINDS = [
  'new_healthy',
  'winback_healthy',
  'expansion',
  'to_healthy',
  'contraction',
  'to_unhealthy',
  'churned_or_delayed',
] as const;
export type BridgeKind = (typeof BRIDGE_KINDS)[number];

/** One customer at the two month ends. */
export interface BridgeInput {
  /** ARR at the end of M−1 (minor units, ≥ 0) */
  arrPrev: number;
  /** healthy at the end of M−1 (status healthy and not delayed) */
  healthyPrev: boolean;
  /** ARR at the end of M */
  arrNow: number;
  healthyNow: boolean;
  /** had ARR at some day before the end of M−1 (tells a win-back from a first-ever customer) */
  hadArrBeforePrev: boolean;
  /** a due renewal passed without renewal on the end of M (延期): not healthy whatever its status */
  delayedNow?: boolean;
}

/** Healthy at the end of M: a delayed customer is unhealthy whatever its score (DOMAIN.md §5). */
const healthyNowOf = (c: BridgeInput): boolean => c.healthyNow && c.delayedNow !== true;

/** Healthy ARR counts only when the customer is healthy and has ARR. */
export const healthyArr = (arr: number, healthy: boolean): number => (healthy && arr > 0 ? arr : 0);

/**
 * The kind and signed amount (outflows negative) of one customer's change of healthy ARR; null
 * when it did not change. Healthy both months: the ARR change (expansion / contraction). Healthy
 * only now: `to_healthy` if it had ARR at M−1 (unhealthy, sub-healthy or no data then), else
 * `winback_healthy` or `new_healthy`. Healthy only before: `churned_or_delayed` when it has no ARR
 * now or is delayed, else `to_unhealthy`; either way minus its earlier ARR.
 */
export function classifyBridge(c: BridgeInput): { kind: BridgeKind; amount: number } | null {
  const before = healthyArr(c.arrPrev, c.healthyPrev);
  const after = healthyArr(c.arrNow, healthyNowOf(c));
  if (before > 0 && after > 0) {
    if (after === before) return null;
    return { kind: after > before ? 'expansion' : 'contraction', amount: after - before };
  }
  if (after > 0) {
    if (c.arrPrev > 0) return { kind: 'to_healthy', amount: after };
    return { kind: c.hadArrBeforePrev ? 'winback_healthy' : 'new_healthy', amount: after };
  }
  if (before > 0) {
    const gone = c.arrNow <= 0 || c.delayedNow === true;
    return { kind: gone ? 'churned_or_delayed' : 'to_unhealthy', amount: -before };
  }
  return null;
}

export type BridgeAmounts = Record<BridgeKind, number>;

export interface Bridge extends BridgeAmounts {
  start: number;
  end: number;
}

export const emptyAmounts = (): BridgeAmounts =>
  Object.fromEntries(BRIDGE_KINDS.map((k) => [k, 0])) as BridgeAmounts;

/** The month's bridge over all customers: start, each kind's signed sum, end (= start + Σ). */
export function bridgeOf(customers: BridgeInput[]): Bridge {
  const out: Bridge = { start: 0, ...emptyAmounts(), end: 0 };
  for (const c of customers) {
    out.start += healthyArr(c.arrPrev, c.healthyPrev);
    out.end += healthyArr(c.arrNow, healthyNowOf(c));
    const k = classifyBridge(c);
    if (k) out[k.kind] += k.amount;
  }
  return out;
}

/** start + Σ kinds (what `end` must equal). */
export const bridgeSum = (b: Bridge): number => BRIDGE_KINDS.reduce((s, k) => s + b[k], b.start);
