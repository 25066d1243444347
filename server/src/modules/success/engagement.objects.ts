import { sql } from 'kysely';
import { defineObject, type Rec, type SelectOption } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';
import { invalid } from '../../platform/http/errors.ts';
import { accountReadPredicate } from '../accounts/scopes.ts';
import {
  COMPLAINT_CHANNELS,
  COMPLAINT_SEVERITIES,
  LIGHT_REASONS,
  LIGHT_STATUSES,
  REASON_LABELS,
  ROOT_CAUSES,
  ROOT_CAUSE_LABELS,
  STATUS_LABELS,
} from './lights.rules.ts';
import { lightVisible, raiseLight } from './lights.service.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, label: Labels, color?: string): SelectOption => ({
  value,
  label,
  ...(color ? { color } : {}),
});
const STATUS_COLORS: Record<string, string> = {
  open: 'red',
  meeting_scheduled: 'orange',
  action_plan: 'blue',
  resolved: 'gold',
  closed: 'green',
};

/**
 * 按灯 (traffic light): raised and moved only through the light actions (docs/ENGAGEMENT.md), so
 * every business field is read-only here — generic create fails on the required read-only fields,
 * generic update may only touch the owner and custom fields.
 */
export const trafficLightObject = defineObject({
  apiName: 'traffic_light',
  label: L('按灯', 'Traffic light'),
  pluralLabel: L('按灯', 'Traffic lights'),
  module: 'success',
  table: 'traffic_light',
  nameField: 'subject',
  searchFields: ['subject'],
  // raiser, responsible person and whoever may read the customer see it beyond the record scope
  extraReadScope: (actor) => lightVisible(actor),
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
      apiName: 'color',
      type: 'select',
      label: L('颜色', 'Colour'),
      options: [opt('red', L('红灯', 'Red'), 'red'), opt('yellow', L('黄灯', 'Yellow'), 'gold')],
      required: true,
      readOnly: true,
    },
    {
      apiName: 'reason',
      type: 'select',
      label: L('原因类别', 'Reason'),
      options: LIGHT_REASONS.map((r) => opt(r, REASON_LABELS[r])),
      required: true,
      readOnly: true,
    },
    {
      apiName: 'description',
      type: 'long_text',
      label: L('描述', 'Description'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'source',
      type: 'select',
      label: L('来源', 'Source'),
      options: [
        opt('manual', L('人工按灯', 'Raised by hand')),
        opt('survey', L('满意度调研', 'Survey')),
        opt('complaint', L('投诉', 'Complaint')),
      ],
      readOnly: true,
    },
    {
      apiName: 'status',
      type: 'select',
      label: L('状态', 'Status'),
      options: LIGHT_STATUSES.map((s) => opt(s, STATUS_LABELS[s], STATUS_COLORS[s])),
      defaultValue: 'open',
      readOnly: true,
    },
    { apiName: 'responsible_id', type: 'user', label: L('责任人', 'Responsible'), readOnly: true },
    {
      apiName: 'priority',
      type: 'select',
      label: L('优先级', 'Priority'),
      options: [
        opt('normal', L('普通', 'Normal')),
        opt('high', L('高', 'High'), 'orange'),
        opt('urgent', L('紧急', 'Urgent'), 'red'),
      ],
      defaultValue: 'normal',
      readOnly: true,
    },
    { apiName: 'escalation_level', type: 'number', label: L('升级级别', 'Escalation level'), readOnly: true },
    {
      apiName: 'opened_at',
      type: 'datetime',
      label: L('开灯时间', 'Opened at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'reopened_count',
      type: 'number',
      label: L('重开次数', 'Times reopened'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'meeting_at',
      type: 'datetime',
      label: L('会议时间', 'Meeting at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'root_cause',
      type: 'select',
      label: L('根因类别', 'Root cause'),
      options: ROOT_CAUSES.map((r) => opt(r, ROOT_CAUSE_LABELS[r])),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'root_cause_note',
      type: 'long_text',
      label: L('根因说明', 'Root-cause note'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'product_area',
      type: 'text',
      label: L('产品模块', 'Product area'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'resolved_at',
      type: 'datetime',
      label: L('解决时间', 'Resolved at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'closed_at',
      type: 'datetime',
      label: L('关闭时间', 'Closed at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'complaint_id',
      type: 'lookup',
      lookup: 'complaint',
      label: L('投诉', 'Complaint'),
      readOnly: true,
      listDefault: false,
    },
  ],
});

const idOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * 投诉 (complaint): created by the complaint endpoint, the generic API or an import — every path
 * opens a red light (reason `other`, source `complaint`) in the same transaction and links the two.
 */
export const complaintObject = defineObject({
  apiName: 'complaint',
  label: L('投诉', 'Complaint'),
  pluralLabel: L('投诉', 'Complaints'),
  module: 'success',
  table: 'complaint',
  nameField: 'description',
  searchFields: ['description'],
  fields: [
    {
      apiName: 'account_id',
      type: 'lookup',
      lookup: 'account',
      label: L('客户', 'Account'),
      required: true,
    },
    { apiName: 'contact_id', type: 'lookup', lookup: 'contact', label: L('联系人', 'Contact') },
    {
      apiName: 'channel',
      type: 'select',
      label: L('渠道', 'Channel'),
      required: true,
      options: COMPLAINT_CHANNELS.map((c) =>
        opt(
          c,
          {
            phone: L('电话', 'Phone'),
            email: L('邮件', 'E-mail'),
            wechat: L('微信', 'WeChat'),
            meeting: L('会议', 'Meeting'),
            other: L('其他', 'Other'),
          }[c],
        ),
      ),
    },
    {
      apiName: 'severity',
      type: 'select',
      label: L('严重程度', 'Severity'),
      defaultValue: 'mid',
      options: COMPLAINT_SEVERITIES.map((s) =>
        opt(
          s,
          { low: L('低', 'Low'), mid: L('中', 'Mid'), high: L('高', 'High') }[s],
          { low: 'blue', mid: 'orange', high: 'red' }[s],
        ),
      ),
    },
    {
      apiName: 'description',
      type: 'long_text',
      label: L('投诉内容', 'Description'),
      required: true,
      maxLength: 4000,
    },
    {
      apiName: 'light_id',
      type: 'lookup',
      lookup: 'traffic_light',
      label: L('按灯', 'Traffic light'),
      readOnly: true,
    },
  ],
  hooks: {
    async beforeWrite(hc, { op, before, after }) {
      // a person files complaints only on customers they may read; the contact must be the customer's
      const accountId = idOf(after.account_id);
      if (accountId && !hc.isSystem && (op === 'create' || idOf(before?.account_id) !== accountId)) {
        const ok = await hc.tx.one(sql<{ id: string }>`select t.id from account t
          where t.tenant_id = ${hc.tenantId} and t.id = ${accountId} and t.deleted_at is null
            and ${accountReadPredicate(hc.actor)}`);
        if (!ok) throw invalid([{ field: 'account_id', issue: 'invalid_reference' }]);
      }
      const contactId = idOf(after.contact_id);
      if (contactId && accountId) {
        const c = await hc.tx.one(sql<{ id: string }>`select id from contact
          where tenant_id = ${hc.tenantId} and id = ${contactId} and account_id = ${accountId}`);
        if (!c) throw invalid([{ field: 'contact_id', issue: 'invalid_reference' }]);
      }
    },
    async afterCreateMany(hc, created: Rec[]) {
      for (const c of created) {
        const accountId = idOf(c.account_id);
        if (!accountId) continue;
        const light = await raiseLight(null, hc.tx, hc.actor, {
          accountId,
          color: 'red',
          reason: 'other',
          description: String(c.description ?? ''),
          source: 'complaint',
          complaintId: String(c.id),
        });
        // the caller's copy of the record shows the link raiseLight just stored
        c.light_id = light.id;
      }
    },
  },
});
