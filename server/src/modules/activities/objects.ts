import { defineObject, type SelectOption } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string): SelectOption => ({ value, label: L(zh, en) });

export const ACTIVITY_TYPES: SelectOption[] = [
  opt('visit', '拜访', 'Visit'),
  opt('call', '电话', 'Call'),
  opt('meeting', '会议', 'Meeting'),
  opt('email', '邮件', 'E-mail'),
  opt('wechat', '微信', 'WeChat'),
  opt('demo', '产品演示', 'Demo'),
  opt('note', '备注', 'Note'),
];

/** The records an activity or task can be about (each a lookup). */
const related = [
  { apiName: 'lead_id', type: 'lookup' as const, lookup: 'lead', label: L('线索', 'Lead') },
  { apiName: 'account_id', type: 'lookup' as const, lookup: 'account', label: L('客户', 'Account') },
  { apiName: 'contact_id', type: 'lookup' as const, lookup: 'contact', label: L('联系人', 'Contact') },
  {
    apiName: 'opportunity_id',
    type: 'lookup' as const,
    lookup: 'opportunity',
    label: L('商机', 'Opportunity'),
  },
];

/** A follow-up record (跟进记录): what happened, with whom, and what comes next. */
export const activityObject = defineObject({
  apiName: 'activity',
  label: L('跟进记录', 'Activity'),
  pluralLabel: L('跟进记录', 'Activities'),
  module: 'activities',
  table: 'activity',
  nameField: 'subject',
  searchFields: ['subject'],
  fields: [
    { apiName: 'subject', type: 'text', label: L('主题', 'Subject'), required: true, maxLength: 200 },
    {
      apiName: 'type',
      type: 'select',
      label: L('跟进方式', 'Type'),
      required: true,
      defaultValue: 'call',
      options: ACTIVITY_TYPES,
    },
    { apiName: 'occurred_at', type: 'datetime', label: L('跟进时间', 'When') },
    {
      apiName: 'duration_minutes',
      type: 'number',
      label: L('时长(分钟)', 'Duration (min)'),
      min: 0,
      max: 1440,
    },
    { apiName: 'notes', type: 'long_text', label: L('跟进内容', 'Notes') },
    { apiName: 'outcome', type: 'text', label: L('结果', 'Outcome'), maxLength: 500 },
    { apiName: 'next_step', type: 'text', label: L('下一步', 'Next step'), maxLength: 500 },
    ...related,
    {
      apiName: 'latitude',
      type: 'number',
      label: L('签到纬度', 'Check-in latitude'),
      min: -90,
      max: 90,
      listDefault: false,
    },
    {
      apiName: 'longitude',
      type: 'number',
      label: L('签到经度', 'Check-in longitude'),
      min: -180,
      max: 180,
      listDefault: false,
    },
    {
      apiName: 'address',
      type: 'text',
      label: L('签到地址', 'Check-in address'),
      maxLength: 300,
      listDefault: false,
    },
  ],
});

export const taskObject = defineObject({
  apiName: 'task',
  label: L('任务', 'Task'),
  pluralLabel: L('任务', 'Tasks'),
  module: 'activities',
  table: 'task',
  nameField: 'subject',
  searchFields: ['subject'],
  fields: [
    { apiName: 'subject', type: 'text', label: L('任务', 'Task'), required: true, maxLength: 200 },
    {
      apiName: 'status',
      type: 'select',
      label: L('状态', 'Status'),
      defaultValue: 'open',
      options: [
        opt('open', '待办', 'Open'),
        opt('done', '已完成', 'Done'),
        opt('cancelled', '已取消', 'Cancelled'),
      ],
    },
    {
      apiName: 'priority',
      type: 'select',
      label: L('优先级', 'Priority'),
      options: [opt('high', '高', 'High'), opt('normal', '中', 'Normal'), opt('low', '低', 'Low')],
    },
    { apiName: 'due_at', type: 'datetime', label: L('截止时间', 'Due') },
    { apiName: 'remind_at', type: 'datetime', label: L('提醒时间', 'Remind at') },
    { apiName: 'completed_at', type: 'datetime', label: L('完成时间', 'Completed at'), readOnly: true },
    { apiName: 'notes', type: 'long_text', label: L('说明', 'Notes') },
    ...related,
  ],
});
