import { sql } from 'kysely';
import { defineObject, type ObjectDef, type SelectOption } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { attributionFields } from '../accounts/index.ts';
import { DEFAULT_PIPELINES } from './pipelines.defaults.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string): SelectOption => ({ value, label: L(zh, en) });

export const FORECAST_CATEGORIES: SelectOption[] = [
  opt('pipeline', '管道', 'Pipeline'),
  opt('best_case', '最佳情况', 'Best case'),
  opt('commit', '承诺', 'Commit'),
  opt('closed', '已成交', 'Closed'),
  opt('omitted', '不计入', 'Omitted'),
];

export const OPPORTUNITY_TYPES: SelectOption[] = [
  opt('new', '新客户', 'New business'),
  opt('upsell', '增购', 'Upsell'),
  opt('renewal', '续费', 'Renewal'),
];

const STAGE_COLORS: Record<string, string> = { won: 'green', lost: 'red', invalid: 'default' };

/**
 * The tenant's pipelines and stages become the options of `pipeline_id` and `stage`, so the
 * generic list, filter, kanban and export show them by name. Stage keys may repeat across
 * pipelines ("won" in each): the first label wins; the hook checks the (pipeline, stage) pair.
 */
async function pipelineOptions(tdb: TenantDb, obj: ObjectDef): Promise<ObjectDef> {
  const rows = await tdb.query(sql<{
    pipeline_id: string;
    pipeline_name: Labels;
    key: string;
    name: Labels;
    type: string;
  }>`select p.id as pipeline_id, p.name as pipeline_name, s.key, s.name, s.type
     from sales_pipeline p join sales_stage s on s.tenant_id = p.tenant_id and s.pipeline_id = p.id
     where p.tenant_id = ${tdb.tenantId} order by p.position, p.created_at, s.position`);
  const pipelines = new Map<string, SelectOption>();
  const stages = new Map<string, SelectOption>();
  const addStage = (key: string, name: Labels, type: string): void => {
    if (stages.has(key)) return;
    const color = STAGE_COLORS[type];
    stages.set(key, { value: key, label: name, ...(color ? { color } : {}) });
  };
  for (const r of rows) {
    if (!pipelines.has(r.pipeline_id))
      pipelines.set(r.pipeline_id, { value: r.pipeline_id, label: r.pipeline_name });
    addStage(r.key, r.name, r.type);
  }
  // before the tenant's first deal the defaults are what it will get
  if (!rows.length)
    for (const p of DEFAULT_PIPELINES) for (const s of p.stages) addStage(s.key, s.name, s.type);
  return {
    ...obj,
    fields: obj.fields.map((f) => {
      if (f.apiName === 'pipeline_id') return { ...f, options: [...pipelines.values()] };
      if (f.apiName === 'stage') return { ...f, options: [...stages.values()] };
      return f;
    }),
  };
}

export const opportunityObject = defineObject({
  apiName: 'opportunity',
  label: L('商机', 'Opportunity'),
  pluralLabel: L('商机', 'Opportunities'),
  module: 'sales',
  table: 'opportunity',
  nameField: 'name',
  tenantOverlay: pipelineOptions,
  fields: [
    {
      apiName: 'name',
      type: 'text',
      label: L('商机名称', 'Opportunity name'),
      required: true,
      maxLength: 200,
    },
    { apiName: 'account_id', type: 'lookup', lookup: 'account', label: L('客户', 'Account'), required: true },
    // options come from the tenant's pipelines (tenantOverlay); empty input means the type's default
    { apiName: 'pipeline_id', type: 'select', label: L('销售流程', 'Pipeline'), options: [] },
    { apiName: 'stage', type: 'select', label: L('阶段', 'Stage'), options: [] },
    { apiName: 'amount', type: 'currency', label: L('金额', 'Amount'), min: 0 },
    { apiName: 'close_date', type: 'date', label: L('预计成交日期', 'Expected close date') },
    { apiName: 'probability', type: 'percent', label: L('赢率', 'Probability'), min: 0, max: 100 },
    {
      apiName: 'forecast_category',
      type: 'select',
      label: L('预测类别', 'Forecast category'),
      options: FORECAST_CATEGORIES,
    },
    {
      apiName: 'type',
      type: 'select',
      label: L('商机类型', 'Type'),
      defaultValue: 'new',
      options: OPPORTUNITY_TYPES,
    },
    { apiName: 'competitor', type: 'text', label: L('竞争对手', 'Competitor'), maxLength: 200 },
    { apiName: 'close_reason', type: 'text', label: L('输单/无效原因', 'Close reason'), maxLength: 100 },
    { apiName: 'close_note', type: 'long_text', label: L('关闭说明', 'Close note') },
    { apiName: 'closed_at', type: 'datetime', label: L('关闭时间', 'Closed at'), readOnly: true },
    {
      apiName: 'stage_entered_at',
      type: 'datetime',
      label: L('进入阶段时间', 'In stage since'),
      readOnly: true,
      listDefault: false,
    },
    { apiName: 'last_followed_at', type: 'datetime', label: L('最后跟进', 'Last follow-up'), readOnly: true },
    {
      apiName: 'renewal_due_on',
      type: 'date',
      label: L('订阅到期日', 'Subscription ends'),
      listDefault: false,
    },
    { apiName: 'description', type: 'long_text', label: L('描述', 'Description') },
    ...attributionFields(true),
  ],
});
