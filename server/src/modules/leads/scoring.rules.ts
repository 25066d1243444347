import type { Labels } from '../../platform/i18n/i18n.ts';

export type ConditionOp = 'eq' | 'ne' | 'contains' | 'gte' | 'lte' | 'in' | 'is_set';

export interface FieldCondition {
  field: string;
  op: ConditionOp;
  value?: unknown;
}

/** A scoring rule: a field condition or a behaviour count, worth some points, in a group. */
export type ScoringRule =
  | { id: string; label: Labels; group: string; points: number; kind: 'field'; when: FieldCondition }
  | {
      id: string;
      label: Labels;
      group: string;
      points: number;
      kind: 'behaviour';
      behaviour: Behaviour;
      min_count: number;
    };

export type Behaviour = 'form_submitted' | 'campaign_attended' | 'campaign_registered';

export interface ScoringSettings {
  rules: ScoringRule[];
  /** max points per group */
  groupCaps: Record<string, number>;
  /** percent of the score lost per full month since the last touch (0 = no decay) */
  monthlyDecayPercent: number;
}

export interface ScoreResult {
  score: number;
  explanation: Array<{ rule: string; label: Labels; points: number }>;
  /** the monthly decay applied: whole months without a touch, the percent, the score before it */
  decay: { months: number; percent: number; before: number } | null;
}

const ORDER_SIZE: Record<string, number> = {
  '1-49': 1,
  '50-199': 50,
  '200-499': 200,
  '500-999': 500,
  '1000+': 1000,
};

/** Field conditions shared by scoring and assignment rules (pure). */
export function matches(rec: Record<string, unknown>, c: FieldCondition): boolean {
  const v = rec[c.field];
  switch (c.op) {
    case 'is_set':
      return v !== null && v !== undefined && v !== '';
    case 'eq':
      return v === c.value;
    case 'ne':
      return v !== c.value;
    case 'contains':
      return (
        typeof v === 'string' &&
        typeof c.value === 'string' &&
        v.toLowerCase().includes(c.value.toLowerCase())
      );
    case 'in':
      return Array.isArray(c.value) && c.value.includes(v);
    case 'gte':
    case 'lte': {
      // company_size is an ordered select: compare its lower bound
      const n =
        typeof v === 'number' ? v : typeof v === 'string' && v in ORDER_SIZE ? ORDER_SIZE[v] : undefined;
      const target = typeof c.value === 'number' ? c.value : undefined;
      if (n === undefined || target === undefined) return false;
      return c.op === 'gte' ? n >= target : n <= target;
    }
  }
}

/** Monthly decay: whole months between two YYYY-MM-DD dates. */
function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  let m = (ty - fy) * 12 + (tm - fm);
  if (td < fd) m -= 1;
  return Math.max(0, m);
}

/** Explainable rule-based score: every rule that fired, capped per group, then decayed. */
export function scoreLead(
  lead: Record<string, unknown>,
  behaviours: Partial<Record<Behaviour, number>>,
  s: ScoringSettings,
  asOf?: string,
  lastTouchOn?: string,
): ScoreResult {
  const perGroup = new Map<string, number>();
  const explanation: ScoreResult['explanation'] = [];
  for (const r of s.rules) {
    const hit = r.kind === 'field' ? matches(lead, r.when) : (behaviours[r.behaviour] ?? 0) >= r.min_count;
    if (!hit) continue;
    const used = perGroup.get(r.group) ?? 0;
    const cap = s.groupCaps[r.group];
    // caps limit what a group adds; deductions (negative points) always apply
    const points = cap === undefined || r.points < 0 ? r.points : Math.max(0, Math.min(r.points, cap - used));
    if (points === 0 && r.points > 0) continue;
    perGroup.set(r.group, used + points);
    explanation.push({ rule: r.id, label: r.label, points });
  }
  const before = explanation.reduce((a, e) => a + e.points, 0);
  if (s.monthlyDecayPercent > 0 && asOf && lastTouchOn) {
    const months = monthsBetween(lastTouchOn, asOf);
    // only positive scores fade: a lead marked down stays down until something changes
    if (months > 0 && before > 0) {
      const score = Math.round(before * (1 - s.monthlyDecayPercent / 100) ** months);
      return { score, explanation, decay: { months, percent: s.monthlyDecayPercent, before } };
    }
  }
  return { score: before, explanation, decay: null };
}

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });

/** Seeded rules for a new tenant; admins edit them. */
export const DEFAULT_SCORING: ScoringSettings = {
  rules: [
    {
      id: 'title_director',
      kind: 'field',
      group: 'role',
      points: 20,
      label: L('职务含“总监”', 'Title contains Director'),
      when: { field: 'title', op: 'contains', value: '总监' },
    },
    {
      id: 'title_cxo',
      kind: 'field',
      group: 'role',
      points: 25,
      label: L('职务含“总经理”', 'Title contains General Manager'),
      when: { field: 'title', op: 'contains', value: '总经理' },
    },
    {
      id: 'size_200',
      kind: 'field',
      group: 'company',
      points: 15,
      label: L('企业规模 ≥ 200 人', 'Company size ≥ 200'),
      when: { field: 'company_size', op: 'gte', value: 200 },
    },
    {
      id: 'has_email',
      kind: 'field',
      group: 'contact',
      points: 5,
      label: L('留有邮箱', 'Has an e-mail'),
      when: { field: 'email', op: 'is_set' },
    },
    {
      id: 'attended',
      kind: 'behaviour',
      group: 'engagement',
      points: 20,
      label: L('参加过市场活动', 'Attended a campaign'),
      behaviour: 'campaign_attended',
      min_count: 1,
    },
    {
      id: 'form_twice',
      kind: 'behaviour',
      group: 'engagement',
      points: 10,
      label: L('两次提交表单', 'Submitted forms twice'),
      behaviour: 'form_submitted',
      min_count: 2,
    },
  ],
  groupCaps: { role: 30, engagement: 30 },
  monthlyDecayPercent: 0,
};
