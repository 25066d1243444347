import { sql } from 'kysely';
import { defineObject, type ObjectDef, type SelectOption } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';
import { AppError } from '../../platform/http/errors.ts';
import { accountReadPredicate } from '../accounts/scopes.ts';
import { mayEditSurveys } from './surveys.rules.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string, color?: string): SelectOption => ({
  value,
  label: L(zh, en),
  ...(color ? { color } : {}),
});

export const SURVEY_KIND_OPTIONS: SelectOption[] = [
  opt('nps', 'NPS（0–10 推荐度）', 'NPS (0–10 likelihood to recommend)'),
  opt('csat', 'CSAT（1–5 满意度）', 'CSAT (1–5 satisfaction)'),
];

export const CATEGORY_OPTIONS: SelectOption[] = [
  opt('promoter', '推荐者', 'Promoter', 'green'),
  opt('passive', '中立者', 'Passive', 'gold'),
  opt('detractor', '贬损者', 'Detractor', 'red'),
  opt('satisfied', '满意', 'Satisfied', 'green'),
  opt('neutral', '一般', 'Neutral', 'gold'),
  opt('dissatisfied', '不满意', 'Dissatisfied', 'red'),
];

/** Survey definitions are written by administrators only (403 survey_admin_only), jobs aside. */
const adminOnly = (hc: { isSystem: boolean; actor: { isAdmin: boolean } }): void => {
  if (!hc.isSystem && !mayEditSurveys(hc.actor)) throw new AppError('forbidden', 'survey_admin_only');
};

/**
 * 问卷: an NPS or CSAT survey definition, edited through the generic API (extra questions through
 * PUT /surveys/{id}/questions: there is no JSON field type). Every reader of surveys sees every
 * definition — a CSM sends the surveys an administrator wrote; only administrators create, change
 * (activate, close) or delete one, whatever the role's object permissions say. Its kind is fixed
 * once it was sent.
 */
export const surveyObject: ObjectDef = {
  ...defineObject({
    apiName: 'survey',
    label: L('问卷', 'Survey'),
    pluralLabel: L('问卷', 'Surveys'),
    module: 'success',
    table: 'survey',
    nameField: 'name',
    searchFields: ['name'],
    fields: [
      { apiName: 'name', type: 'text', label: L('名称', 'Name'), required: true, maxLength: 200 },
      {
        apiName: 'kind',
        type: 'select',
        label: L('类型', 'Kind'),
        required: true,
        options: SURVEY_KIND_OPTIONS,
      },
      {
        apiName: 'intro',
        type: 'long_text',
        label: L('开场白', 'Introduction'),
        maxLength: 2000,
        listDefault: false,
      },
      {
        apiName: 'status',
        type: 'select',
        label: L('状态', 'Status'),
        defaultValue: 'draft',
        options: [
          opt('draft', '草稿', 'Draft', 'default'),
          opt('active', '启用', 'Active', 'green'),
          opt('closed', '已结束', 'Closed', 'red'),
        ],
      },
      {
        apiName: 'expires_days',
        type: 'number',
        label: L('链接有效天数', 'Link valid for (days)'),
        defaultValue: 14,
        min: 1,
        max: 365,
      },
      {
        apiName: 'trigger',
        type: 'select',
        label: L('触发方式', 'Trigger'),
        defaultValue: 'manual',
        options: [
          opt('manual', '手动发送', 'Sent by hand'),
          opt('journey_stage', '旅程阶段完成时', 'When a journey stage completes'),
        ],
      },
    ],
  }),
  extraReadScope: () => sql<boolean>`true`,
  // a reader who may not write gets a clear 403 from the hook rather than a 404 from the scope
  extraWriteScope: () => sql<boolean>`true`,
  hooks: {
    async beforeWrite(hc, { op, before, after }) {
      adminOnly(hc);
      if (op !== 'update' || !before || before.kind === after.kind) return;
      const sent = await hc.tx.one(sql<{ one: number }>`select 1 as one from survey_invitation
        where tenant_id = ${hc.tx.tenantId} and survey_id = ${String(after.id)}::uuid limit 1`);
      if (sent) throw new AppError('conflict', 'survey_kind_locked', [{ field: 'kind', issue: 'read_only' }]);
    },
    afterWrite(hc, { op }) {
      // a delete or restore rolls back when refused (create and update were refused before)
      if (op === 'delete' || op === 'restore') adminOnly(hc);
    },
  },
};

const readOnlyResponse = (isSystem: boolean): void => {
  if (!isSystem) throw new AppError('forbidden', 'survey_response_read_only');
};

/**
 * 问卷答复: written only by the public survey link (and its call-back outcome by its route), so
 * every field is read-only and the generic API may neither create, change nor delete one. Seen by
 * its owner (the customer's CSM when it came in, by role scope) and by whoever reads the customer
 * now (accountReadPredicate: the CSM book, a CS director's department, the account's owner).
 */
export const surveyResponseObject: ObjectDef = {
  ...defineObject({
    apiName: 'survey_response',
    label: L('问卷答复', 'Survey response'),
    pluralLabel: L('问卷答复', 'Survey responses'),
    module: 'success',
    table: 'survey_response',
    nameField: 'round',
    searchFields: ['round', 'comment'],
    fields: [
      {
        apiName: 'survey_id',
        type: 'lookup',
        lookup: 'survey',
        label: L('问卷', 'Survey'),
        required: true,
        readOnly: true,
      },
      { apiName: 'round', type: 'text', label: L('轮次', 'Round'), readOnly: true, maxLength: 40 },
      {
        apiName: 'account_id',
        type: 'lookup',
        lookup: 'account',
        label: L('客户', 'Account'),
        required: true,
        readOnly: true,
      },
      {
        apiName: 'contact_id',
        type: 'lookup',
        lookup: 'contact',
        label: L('联系人', 'Contact'),
        readOnly: true,
      },
      {
        apiName: 'kind',
        type: 'select',
        label: L('类型', 'Kind'),
        options: SURVEY_KIND_OPTIONS,
        readOnly: true,
      },
      { apiName: 'score', type: 'number', label: L('评分', 'Score'), readOnly: true, min: 0, max: 10 },
      {
        apiName: 'category',
        type: 'select',
        label: L('分类', 'Category'),
        options: CATEGORY_OPTIONS,
        readOnly: true,
      },
      { apiName: 'comment', type: 'long_text', label: L('意见', 'Comment'), readOnly: true },
      { apiName: 'key_user', type: 'boolean', label: L('关键用户', 'Key user'), readOnly: true },
      { apiName: 'submitted_at', type: 'datetime', label: L('提交时间', 'Submitted at'), readOnly: true },
      {
        apiName: 'light_id',
        type: 'text',
        label: L('红灯', 'Red light'),
        readOnly: true,
        listDefault: false,
      },
      {
        apiName: 'callback_task_id',
        type: 'lookup',
        lookup: 'task',
        label: L('回访任务', 'Call-back task'),
        readOnly: true,
        listDefault: false,
      },
      {
        apiName: 'callback_outcome',
        type: 'long_text',
        label: L('回访结果', 'Call-back outcome'),
        readOnly: true,
        listDefault: false,
      },
      {
        apiName: 'callback_at',
        type: 'datetime',
        label: L('回访时间', 'Called back at'),
        readOnly: true,
        listDefault: false,
      },
    ],
  }),
  extraReadScope: (a) =>
    sql<boolean>`t.account_id in (select t.id from account t where t.tenant_id = ${a.tenantId} and ${accountReadPredicate(a)})`,
  hooks: {
    beforeWrite(hc) {
      readOnlyResponse(hc.isSystem);
    },
    afterWrite(hc, { op }) {
      if (op === 'delete' || op === 'restore') readOnlyResponse(hc.isSystem);
    },
  },
};
