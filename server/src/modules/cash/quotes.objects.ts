import { defineObject, type SelectOption } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string, color?: string): SelectOption => ({
  value,
  label: L(zh, en),
  ...(color ? { color } : {}),
});

export const QUOTE_STATUSES: SelectOption[] = [
  opt('draft', '草稿', 'Draft', 'default'),
  opt('in_approval', '审批中', 'In approval', 'gold'),
  opt('approved', '已批准', 'Approved', 'cyan'),
  opt('rejected', '已驳回', 'Rejected', 'red'),
  opt('sent', '已发送', 'Sent', 'blue'),
  opt('accepted', '已接受', 'Accepted', 'green'),
  opt('expired', '已过期', 'Expired', 'default'),
  opt('superseded', '已被新版本取代', 'Superseded', 'default'),
];

const LANGUAGES: SelectOption[] = [opt('zh-CN', '中文', 'Chinese'), opt('en-US', '英文', 'English')];

/** A money total the quote actions compute: never typed in. */
const total = (apiName: string, zh: string, en: string, listDefault = false) => ({
  apiName,
  type: 'currency' as const,
  label: L(zh, en),
  readOnly: true,
  listDefault,
});

/**
 * Quotes: created, priced, versioned, submitted, sent and accepted through the quote actions
 * (`/api/v1/quotes…`); the generic records engine serves lists, filters, exports and the few
 * fields a draft may change directly (name, validity, language, notes, owner).
 */
export const quoteObject = defineObject({
  apiName: 'quote',
  label: L('报价单', 'Quote'),
  pluralLabel: L('报价单', 'Quotes'),
  module: 'cash',
  table: 'quote',
  nameField: 'number',
  searchFields: ['number', 'name'],
  fields: [
    { apiName: 'number', type: 'text', label: L('报价单号', 'Quote number'), readOnly: true, maxLength: 64 },
    { apiName: 'name', type: 'text', label: L('报价主题', 'Subject'), maxLength: 200 },
    {
      apiName: 'opportunity_id',
      type: 'lookup',
      lookup: 'opportunity',
      label: L('商机', 'Opportunity'),
      required: true,
      readOnly: true,
    },
    { apiName: 'account_id', type: 'lookup', lookup: 'account', label: L('客户', 'Account'), readOnly: true },
    { apiName: 'quote_version', type: 'number', label: L('版本', 'Version'), readOnly: true },
    {
      apiName: 'parent_quote_id',
      type: 'lookup',
      lookup: 'quote',
      label: L('首个版本', 'First version'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'previous_version_id',
      type: 'lookup',
      lookup: 'quote',
      label: L('上一版本', 'Previous version'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'status',
      type: 'select',
      label: L('状态', 'Status'),
      defaultValue: 'draft',
      options: QUOTE_STATUSES,
      readOnly: true,
    },
    { apiName: 'valid_until', type: 'date', label: L('有效期至', 'Valid until') },
    { apiName: 'currency', type: 'text', label: L('币种', 'Currency'), readOnly: true, maxLength: 3 },
    {
      apiName: 'header_discount',
      type: 'percent',
      label: L('整单折扣', 'Header discount'),
      min: 0,
      max: 100,
      readOnly: true,
      listDefault: false,
    },
    total('list_total', '标准价合计', 'List total'),
    total('subtotal', '折后小计', 'Subtotal'),
    total('discount_total', '折扣金额', 'Discount total'),
    total('net_total', '不含税金额', 'Net total', true),
    total('tax_total', '税额', 'Tax'),
    total('grand_total', '含税总额', 'Grand total', true),
    total('cost_total', '成本合计', 'Cost total'),
    total('margin_amount', '毛利', 'Margin'),
    {
      apiName: 'margin_percent',
      type: 'percent',
      label: L('毛利率', 'Margin %'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'max_line_discount',
      type: 'percent',
      label: L('最大行折扣', 'Largest line discount'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'effective_discount',
      type: 'percent',
      label: L('综合折扣率', 'Discount off list'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'language',
      type: 'select',
      label: L('报价单语言', 'Language'),
      defaultValue: 'zh-CN',
      options: LANGUAGES,
      listDefault: false,
    },
    { apiName: 'notes', type: 'long_text', label: L('备注', 'Notes') },
    {
      apiName: 'submitted_at',
      type: 'datetime',
      label: L('提交时间', 'Submitted at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'approved_at',
      type: 'datetime',
      label: L('批准时间', 'Approved at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'sent_at',
      type: 'datetime',
      label: L('发送时间', 'Sent at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'accepted_at',
      type: 'datetime',
      label: L('接受时间', 'Accepted at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'order_id',
      type: 'lookup',
      lookup: 'order',
      label: L('订单', 'Order'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'contract_id',
      type: 'lookup',
      lookup: 'contract',
      label: L('合同', 'Contract'),
      readOnly: true,
      listDefault: false,
    },
  ],
});
