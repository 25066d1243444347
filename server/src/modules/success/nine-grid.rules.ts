/**
 * The customer-value nine-grid (客户价值九宫格, DOMAIN.md §6.2), pure: value tier by ARR × renewal
 * probability tier → cell 1–9, numbered as in the seed (the higher the number, the more the
 * customer is worth keeping and the likelier it renews).
 */
import type { HealthModel } from './health-model.ts';

export type Tier = 'small' | 'mid' | 'large';
export type ProbabilityTier = 'low' | 'mid' | 'high';

export const CELLS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

// rows: value tier; columns: probability tier (the seed's numbering)
const GRID: Record<Tier, Record<ProbabilityTier, number>> = {
  small: { low: 1, mid: 2, high: 4 },
  mid: { low: 3, mid: 5, high: 7 },
  large: { low: 6, mid: 8, high: 9 },
};

export function valueTier(arr: number, tiers: HealthModel['valueTiers']): Tier {
  if (arr >= tiers.large) return 'large';
  if (arr >= tiers.mid) return 'mid';
  return 'small';
}

/** Probabilities compared in basis points, so 0.7 from a numeric column or 70 ÷ 100 meets a 0.7 tier exactly. */
const bp = (p: number): number => Math.round(p * 10_000);

export function probabilityTier(p: number | null, tiers: HealthModel['probabilityTiers']): ProbabilityTier {
  if (p === null || !Number.isFinite(p)) return 'low';
  if (bp(p) >= bp(tiers.high)) return 'high';
  if (bp(p) >= bp(tiers.mid)) return 'mid';
  return 'low';
}

/**
 * The renewal probability the grid uses: the model's (snapshot.probability) when there is one,
 * else score ÷ 100 until a model is trained; null (low tier) when the customer has no score.
 */
export function gridProbability(probability: number | null, score: number | null): number | null {
  if (probability !== null) return probability;
  if (score !== null) return score / 100;
  return null;
}

export const cellOf = (v: Tier, p: ProbabilityTier): number => GRID[v][p];

/** The tiers of a cell number (inverse of cellOf). */
export function tiersOfCell(cell: number): { value: Tier; probability: ProbabilityTier } {
  for (const v of ['small', 'mid', 'large'] as const)
    for (const p of ['low', 'mid', 'high'] as const)
      if (GRID[v][p] === cell) return { value: v, probability: p };
  throw new Error(`no such cell: ${cell}`);
}

export function cellFor(
  arr: number,
  probability: number | null,
  model: Pick<HealthModel, 'valueTiers' | 'probabilityTiers'>,
): { cell: number; value: Tier; probability: ProbabilityTier } {
  const v = valueTier(arr, model.valueTiers);
  const p = probabilityTier(probability, model.probabilityTiers);
  return { cell: cellOf(v, p), value: v, probability: p };
}

export interface TaskTemplate {
  subject: string;
  /** days after the grid date the task is due */
  due_days: number;
  priority: 'high' | 'normal' | 'low';
}

export interface CellConfig {
  strategy: string;
  task_templates: TaskTemplate[];
}

const t = (subject: string, due_days: number, priority: TaskTemplate['priority']): TaskTemplate => ({
  subject,
  due_days,
  priority,
});

/** Seeded follow-up strategies per cell (a tenant edits them; these apply until it does). */
export const DEFAULT_CELLS: Record<number, CellConfig> = {
  1: {
    strategy: '低成本运营：以线上群发、自助培训材料为主，观察是否值得投入。',
    task_templates: [t('发送产品使用指南与线上培训邀请', 14, 'low')],
  },
  2: {
    strategy: '规模化服务：线上培训与使用提醒，推动关键模块上线，提升续费可能。',
    task_templates: [t('线上回访：确认关键模块使用情况', 14, 'normal')],
  },
  3: {
    strategy: '风险挽回：查明使用下滑原因，安排针对性培训，必要时升级给主管。',
    task_templates: [
      t('电话回访：了解使用障碍与不满', 7, 'high'),
      t('制定使用提升计划并与客户确认', 14, 'normal'),
    ],
  },
  4: {
    strategy: '培育增长：保持稳定服务，寻找增购与转介绍机会。',
    task_templates: [t('沟通增购需求与转介绍意向', 30, 'normal')],
  },
  5: {
    strategy: '稳中求进：月度回访，推动更多部门和模块使用，防止滑向低续费。',
    task_templates: [t('月度回访：检查健康度各维度并给出改进建议', 14, 'normal')],
  },
  6: {
    strategy: '重点挽救：大客户续费风险高，CSM 主管牵头，制定挽回方案并安排高层拜访。',
    task_templates: [
      t('主管牵头召开客户风险会（按灯）', 3, 'high'),
      t('安排高层拜访，确认关键人与续费障碍', 7, 'high'),
    ],
  },
  7: {
    strategy: '价值深挖：保持高频触达，挖掘增购与标杆案例机会。',
    task_templates: [t('梳理增购机会并与销售同步', 30, 'normal')],
  },
  8: {
    strategy: '重点提升：大客户续费存在不确定性，季度业务回顾，推动关键人使用。',
    task_templates: [
      t('季度业务回顾（QBR）：回顾价值与目标', 14, 'high'),
      t('确认关键人与管理员使用情况', 7, 'normal'),
    ],
  },
  9: {
    strategy: '重点维护：季度高层拜访，挖掘增购，争取成为标杆案例与转介绍来源。',
    task_templates: [t('季度高层拜访', 30, 'normal'), t('挖掘增购与转介绍机会', 30, 'normal')],
  },
};
