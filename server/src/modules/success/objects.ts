import { defineObject, type SelectOption } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string, color?: string): SelectOption => ({
  value,
  label: L(zh, en),
  ...(color ? { color } : {}),
});

export const ALERT_TYPES: SelectOption[] = [
  opt('health_down', '健康度下降', 'Health down', 'red'),
  opt('health_up', '健康度上升', 'Health up', 'green'),
  opt('activity_down', '活跃度下降', 'Activity down', 'red'),
  opt('activity_up', '活跃度上升', 'Activity up', 'green'),
  opt('probability_down', '续费概率下降', 'Renewal probability down', 'red'),
  opt('probability_up', '续费概率上升', 'Renewal probability up', 'green'),
  opt('quota_tight', '资源紧张', 'Quota nearly used', 'blue'),
  opt('key_person_changed', '管理员/部门负责人变更', 'Admin or department head changed', 'orange'),
  opt('expiry_3m', '3个月内到期未续', 'Expires within 3 months, not renewed', 'gold'),
  opt('expiry_1m', '1个月内到期未续', 'Expires within 1 month, not renewed', 'orange'),
  opt('expired', '已到期未续', 'Expired, not renewed', 'red'),
];

export const LEVELS: SelectOption[] = [
  opt('high', '高', 'High', 'red'),
  opt('mid', '中', 'Mid', 'orange'),
  opt('low', '低', 'Low', 'blue'),
];

export const WORK_ORDER_STATUSES: SelectOption[] = [
  opt('open', '待处理', 'Open', 'red'),
  opt('in_progress', '处理中', 'In progress', 'blue'),
  opt('resolved', '已处理', 'Resolved', 'gold'),
  opt('verified', '已验证', 'Verified', 'green'),
  opt('reopened', '已重开', 'Reopened', 'orange'),
];

/**
 * 预警工单: opened by the weekly health run for a malignant alert, owned by the customer's CSM.
 * Opened, raised again and evaluated only by the success module; people move it through its
 * states with the work-order actions (docs/HEALTH.md), so every business field is read-only here.
 */
export const workOrderObject = defineObject({
  apiName: 'work_order',
  label: L('预警工单', 'Warning work order'),
  pluralLabel: L('预警工单', 'Warning work orders'),
  module: 'success',
  table: 'work_order',
  nameField: 'subject',
  searchFields: ['subject'],
  fields: [
    {
      apiName: 'subject',
      type: 'text',
      label: L('主题', 'Subject'),
      required: true,
      readOnly: true,
      maxLength: 300,
    },
    {
      apiName: 'account_id',
      type: 'lookup',
      lookup: 'account',
      label: L('客户', 'Account'),
      required: true,
      readOnly: true,
    },
    {
      apiName: 'alert_type',
      type: 'select',
      label: L('预警类型', 'Alert type'),
      options: ALERT_TYPES,
      readOnly: true,
    },
    { apiName: 'level', type: 'select', label: L('级别', 'Level'), options: LEVELS, readOnly: true },
    {
      apiName: 'status',
      type: 'select',
      label: L('状态', 'Status'),
      options: WORK_ORDER_STATUSES,
      defaultValue: 'open',
      readOnly: true,
    },
    { apiName: 'due_date', type: 'date', label: L('截止日期', 'Due date'), readOnly: true },
    {
      apiName: 'detail',
      type: 'long_text',
      label: L('预警详情', 'Detail'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'times_raised',
      type: 'number',
      label: L('预警次数', 'Times raised'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'last_raised_week',
      type: 'date',
      label: L('最近预警周', 'Last raised (week)'),
      readOnly: true,
    },
    {
      apiName: 'action_taken',
      type: 'long_text',
      label: L('处理措施', 'Action taken'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'resolved_at',
      type: 'datetime',
      label: L('处理时间', 'Resolved at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'verified_at',
      type: 'datetime',
      label: L('验证时间', 'Verified at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'effectiveness',
      type: 'select',
      label: L('处理效果', 'Effectiveness'),
      options: [
        opt('effective', '有效', 'Effective', 'green'),
        opt('ineffective', '无效', 'Ineffective', 'red'),
      ],
      readOnly: true,
    },
  ],
});
