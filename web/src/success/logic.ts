// Pure rules of the customer-success screens: the breakdown of a score, the nine-grid layout, the
// weights check and the work-order queue. No React, no I/O (tests in logic.test.ts).

export const DIMENSIONS = [
  'module_usage',
  'instance_ratio',
  'activation_rate',
  'login_rate',
  'bi_usage',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** The dimensions scored by ratio bands (module usage is scored by points). */
export const BANDED = ['instance_ratio', 'activation_rate', 'login_rate', 'bi_usage'] as const;
export type BandedDimension = (typeof BANDED)[number];

export const STATUSES = ['healthy', 'sub_healthy', 'unhealthy', 'no_data'] as const;
export type HealthStatus = (typeof STATUSES)[number];

export const STATUS_COLOR: Record<HealthStatus, string> = {
  healthy: '#52c41a',
  sub_healthy: '#faad14',
  unhealthy: '#f5222d',
  no_data: '#bfbfbf',
};
/** antd Tag colours of the statuses. */
export const STATUS_TAG: Record<HealthStatus, string> = {
  healthy: 'green',
  sub_healthy: 'gold',
  unhealthy: 'red',
  no_data: 'default',
};

export interface DimensionScore {
  raw: number | null;
  score: number;
  /** percent */
  weight: number;
}

export interface ContributionRow extends DimensionScore {
  key: Dimension;
  /** points this dimension adds to the total: weight % × score */
  contribution: number;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

/**
 * "Why this score": each dimension in the model's order with its contribution (weight × band
 * score ÷ 100, one decimal) and their sum. The sum can differ from the stored score by a tenth,
 * because the score averages weekly totals that were each rounded.
 */
export function contributions(dimensions: Partial<Record<string, DimensionScore>>): {
  rows: ContributionRow[];
  total: number;
} {
  const rows: ContributionRow[] = [];
  for (const key of DIMENSIONS) {
    const d = dimensions[key];
    if (!d) continue;
    rows.push({ key, ...d, contribution: round1((d.weight * d.score) / 100) });
  }
  return { rows, total: round1(rows.reduce((s, r) => s + (r.weight * r.score) / 100, 0)) };
}

/** The sum of the dimension weights (must be 100 to save). */
export function weightsSum(weights: Partial<Record<string, number | null | undefined>>): number {
  return DIMENSIONS.reduce((s, k) => s + (Number(weights[k]) || 0), 0);
}

export type ValueTier = 'large' | 'mid' | 'small';
export type ProbabilityTier = 'high' | 'mid' | 'low';
/** Rows of the grid, top to bottom: the most valuable customers first. */
export const VALUE_TIERS: readonly ValueTier[] = ['large', 'mid', 'small'];
/** Columns, left to right: the least likely to renew first. */
export const PROBABILITY_TIERS: readonly ProbabilityTier[] = ['low', 'mid', 'high'];

/** The seed's cell numbers (DOMAIN.md §6.3): small/low 1 … large/high 9. */
export const CELL_NUMBER: Record<ValueTier, Record<ProbabilityTier, number>> = {
  small: { low: 1, mid: 2, high: 4 },
  mid: { low: 3, mid: 5, high: 7 },
  large: { low: 6, mid: 8, high: 9 },
};

export interface GridCellFigures {
  cell: number;
  customers: number;
  arr: number;
}

export interface GridSlot<T extends GridCellFigures> {
  cell: number;
  value: ValueTier;
  probability: ProbabilityTier;
  /** the API's figures for the cell, zeroes when it sent none */
  figures: T | { cell: number; customers: 0; arr: 0 };
  /** 0–1: the cell's ARR against the largest cell's, for the heat colour */
  heat: number;
}

/** The 3×3 grid in display order (rows large → small, columns low → high probability). */
export function nineGridLayout<T extends GridCellFigures>(cells: readonly T[]): GridSlot<T>[][] {
  const byCell = new Map(cells.map((c) => [c.cell, c]));
  const max = Math.max(0, ...cells.map((c) => c.arr));
  return VALUE_TIERS.map((value) =>
    PROBABILITY_TIERS.map((probability) => {
      const cell = CELL_NUMBER[value][probability];
      const figures = byCell.get(cell) ?? { cell, customers: 0 as const, arr: 0 as const };
      return { cell, value, probability, figures, heat: max > 0 ? figures.arr / max : 0 };
    }),
  );
}

/** The heat colour of a cell: white for nothing, deepening blue with its share of the largest. */
export function heatStyle(heat: number): { background: string; color: string } {
  const h = Math.min(1, Math.max(0, heat));
  if (h === 0) return { background: '#fafafa', color: 'rgba(0,0,0,0.88)' };
  const alpha = Math.round((0.12 + 0.78 * h) * 100) / 100;
  return { background: `rgba(31,95,214,${alpha})`, color: alpha > 0.5 ? '#fff' : 'rgba(0,0,0,0.88)' };
}

/** Work-order statuses that still need someone to act. */
export const OPEN_WORK_ORDER = ['open', 'in_progress', 'reopened'] as const;
export const isOpenWorkOrder = (status: string): boolean =>
  (OPEN_WORK_ORDER as readonly string[]).includes(status);

/** An open work order past its due date (dates are tenant calendar days, YYYY-MM-DD). */
export const isOverdue = (wo: { status: string; due_date: string | null }, today: string): boolean =>
  isOpenWorkOrder(wo.status) && wo.due_date !== null && wo.due_date < today;

export type WorkOrderAction = 'start' | 'resolve' | 'verify' | 'reopen';

/**
 * What a person may do next with a work order in a status: the owner starts and resolves, a CS
 * lead verifies a resolved one or reopens a resolved or verified one. The server decides who may; this only picks buttons.
 */
export function nextActions(status: string, canVerify: boolean): WorkOrderAction[] {
  switch (status) {
    case 'open':
    case 'reopened':
      return ['start', 'resolve'];
    case 'in_progress':
      return ['resolve'];
    case 'resolved':
      return canVerify ? ['verify', 'reopen'] : [];
    case 'verified':
      return canVerify ? ['reopen'] : [];
    default:
      return [];
  }
}

/** Monday of the week a day falls in (YYYY-MM-DD; weeks run Monday–Sunday). */
export function mondayOf(ymd: string): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
}

/** A form field path from a server field name: `bands.login_rate[2].min` → ['bands','login_rate',2,'min']. */
export function fieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}

/** A decimal without floating-point noise (0.07 × 100 = 7.000000000000001 → 7). */
export const clean = (v: number): number => Math.round(v * 1e6) / 1e6;

/** A warning work order as the queue shows it, read from a generic record. */
export interface WorkOrder {
  id: string;
  version: number;
  subject: string;
  account_id: string | null;
  account_name: string | null;
  owner_id: string | null;
  owner_name: string | null;
  alert_type: string | null;
  level: string | null;
  status: string;
  due_date: string | null;
  action_taken: string | null;
}

type RecordLike = {
  id: string;
  version: number;
  _expand?: Record<string, { name?: string | null } | null>;
} & {
  [key: string]: unknown;
};

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function toWorkOrder(r: RecordLike): WorkOrder {
  return {
    id: r.id,
    version: r.version,
    subject: text(r.subject) ?? '',
    account_id: text(r.account_id),
    account_name: r._expand?.account_id?.name ?? null,
    owner_id: text(r.owner_id),
    owner_name: r._expand?.owner_id?.name ?? null,
    alert_type: text(r.alert_type),
    level: text(r.level),
    status: text(r.status) ?? 'open',
    due_date: text(r.due_date),
    action_taken: text(r.action_taken),
  };
}

const LEVEL_RANK: Record<string, number> = { high: 0, mid: 1, low: 2 };

/** The queue's order: overdue first, then by level (high first), then by due date. */
export function sortQueue(rows: readonly WorkOrder[], today: string): WorkOrder[] {
  return [...rows].sort(
    (a, b) =>
      Number(isOverdue(b, today)) - Number(isOverdue(a, today)) ||
      (LEVEL_RANK[a.level ?? ''] ?? 3) - (LEVEL_RANK[b.level ?? ''] ?? 3) ||
      (a.due_date ?? '9999').localeCompare(b.due_date ?? '9999'),
  );
}

/** The healthy-ARR bridge's movements, inflows first (DOMAIN.md §6.1). */
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
export type BridgeStepKey = 'start' | BridgeKind | 'end';

export const BRIDGE_COLORS: Record<BridgeStepKey, string> = {
  start: '#1f5fd6',
  new_healthy: '#52c41a',
  winback_healthy: '#13a8a8',
  expansion: '#95de64',
  to_healthy: '#73d13d',
  contraction: '#fa8c16',
  to_unhealthy: '#fa541c',
  churned_or_delayed: '#f5222d',
  end: '#1f5fd6',
};

/** A month's bridge as the API sends it: the movements signed (outflows negative). */
export type BridgeFigures = { start: number; end: number } & Record<BridgeKind, number>;

export interface BridgeStep {
  key: BridgeStepKey;
  /** signed change in fen; the total for start and end */
  amount: number;
  /** where the visible bar starts and how tall it is, in fen */
  base: number;
  height: number;
}

/**
 * The waterfall over a range of months: healthy ARR at the start of the first month, each
 * movement summed over the range, healthy ARR at the end of the last. Months chain (a month
 * starts where the one before ended), so start + Σ movements = end exactly.
 */
export function bridgeSteps(months: ReadonlyArray<{ bridge: BridgeFigures }>): BridgeStep[] {
  const first = months[0];
  const last = months.at(-1);
  if (!first || !last) return [];
  const start = first.bridge.start;
  const steps: BridgeStep[] = [{ key: 'start', amount: start, base: 0, height: start }];
  let running = start;
  for (const k of BRIDGE_KINDS) {
    const v = months.reduce((s, m) => s + m.bridge[k], 0);
    // a gain stands on the running total; a loss hangs down from it
    steps.push({ key: k, amount: v, base: v >= 0 ? running : running + v, height: Math.abs(v) });
    running += v;
  }
  steps.push({ key: 'end', amount: last.bridge.end, base: 0, height: last.bridge.end });
  return steps;
}
