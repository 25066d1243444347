import type { Labels } from '../../platform/i18n/i18n.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });

export type StageType = 'active' | 'won' | 'lost' | 'invalid';
export type ForecastCategory = 'pipeline' | 'best_case' | 'commit' | 'closed' | 'omitted';
export type PipelineType = 'new' | 'upsell' | 'renewal';

export interface StageDef {
  key: string;
  name: Labels;
  type: StageType;
  probability: number;
  forecastCategory: ForecastCategory;
  maxDays: number | null;
  requiredFields: string[];
  requiredActivities: string[];
  allowCreate: boolean;
}

export interface PipelineDef {
  id?: string;
  name: Labels;
  type: PipelineType;
  isDefault: boolean;
  noSkip: boolean;
  noBack: boolean;
  stages: StageDef[];
}

const stage = (
  key: string,
  name: Labels,
  type: StageType,
  probability: number,
  forecastCategory: ForecastCategory,
  extra: Partial<StageDef> = {},
): StageDef => ({
  key,
  name,
  type,
  probability,
  forecastCategory,
  maxDays: null,
  requiredFields: [],
  requiredActivities: [],
  allowCreate: false,
  ...extra,
});

const closed = (): StageDef[] => [
  stage('won', L('赢单', 'Closed won'), 'won', 100, 'closed'),
  stage('lost', L('输单', 'Closed lost'), 'lost', 0, 'omitted', { requiredFields: ['close_reason'] }),
  stage('invalid', L('无效', 'Invalid'), 'invalid', 0, 'omitted', { requiredFields: ['close_reason'] }),
];

/**
 * The pipelines a tenant starts with (DOMAIN.md §3): new business, expansion and renewal. A
 * demo activity is required before a new-business deal leaves "solution", and an amount and
 * close date before it reaches "negotiation" — the gating a typical B2B SaaS team asks for.
 */
export const DEFAULT_PIPELINES: PipelineDef[] = [
  {
    name: L('新客户销售', 'New business'),
    type: 'new',
    isDefault: true,
    noSkip: false,
    noBack: false,
    stages: [
      stage('discovery', L('初步接洽', 'Discovery'), 'active', 10, 'pipeline', {
        maxDays: 14,
        allowCreate: true,
      }),
      stage('qualification', L('需求确认', 'Qualification'), 'active', 25, 'pipeline', {
        maxDays: 21,
        allowCreate: true,
      }),
      stage('solution', L('方案演示', 'Solution & demo'), 'active', 50, 'best_case', {
        maxDays: 30,
        requiredActivities: ['demo'],
      }),
      stage('negotiation', L('商务谈判', 'Negotiation'), 'active', 75, 'commit', {
        maxDays: 30,
        requiredFields: ['amount', 'close_date'],
      }),
      ...closed(),
    ],
  },
  {
    name: L('增购扩展', 'Expansion'),
    type: 'upsell',
    isDefault: false,
    noSkip: false,
    noBack: false,
    stages: [
      stage('discovery', L('需求挖掘', 'Discovery'), 'active', 20, 'pipeline', {
        maxDays: 21,
        allowCreate: true,
      }),
      stage('proposal', L('方案报价', 'Proposal'), 'active', 60, 'best_case', {
        maxDays: 21,
        requiredFields: ['amount'],
      }),
      stage('negotiation', L('商务谈判', 'Negotiation'), 'active', 80, 'commit', {
        maxDays: 21,
        requiredFields: ['amount', 'close_date'],
      }),
      ...closed(),
    ],
  },
  {
    name: L('续费', 'Renewal'),
    type: 'renewal',
    isDefault: false,
    noSkip: false,
    noBack: false,
    stages: [
      stage('due', L('待续费', 'Due'), 'active', 50, 'pipeline', { allowCreate: true }),
      stage('confirming', L('续费确认', 'Confirming'), 'active', 80, 'best_case', { maxDays: 30 }),
      stage('committed', L('已承诺续费', 'Committed'), 'active', 90, 'commit', {
        maxDays: 30,
        requiredFields: ['amount', 'close_date'],
      }),
      ...closed(),
    ],
  },
];
