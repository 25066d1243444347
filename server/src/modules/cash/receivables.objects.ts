import { defineObject, type SelectOption } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string, color?: string): SelectOption => ({
  value,
  label: L(zh, en),
  ...(color ? { color } : {}),
});

export const PLAN_STATUSES: SelectOption[] = [
  opt('open', '回款中', 'Open', 'blue'),
  opt('paid', '已回款', 'Paid', 'green'),
  opt('cancelled', '已取消', 'Cancelled', 'default'),
];

export const PAYMENT_METHODS: SelectOption[] = [
  opt('bank_transfer', '银行转账', 'Bank transfer'),
  opt('cheque', '支票', 'Cheque'),
  opt('cash', '现金', 'Cash'),
  opt('online', '在线支付', 'Online'),
  opt('other', '其他', 'Other'),
];

export const PAYMENT_STATUSES: SelectOption[] = [
  opt('unmatched', '未核销', 'Unmatched', 'gold'),
  opt('partially_matched', '部分核销', 'Partially matched', 'blue'),
  opt('matched', '已核销', 'Matched', 'green'),
  opt('refunded', '已退款', 'Refunded', 'default'),
];

const MATCH_METHODS: SelectOption[] = [
  opt('reference', '按银行摘要', 'By reference'),
  opt('amount', '按金额', 'By amount'),
  opt('oldest', '按到期先后', 'Oldest first'),
  opt('manual', '手工分配', 'Manual'),
  opt('none', '未分配', 'None'),
];

export const INVOICE_TYPES: SelectOption[] = [
  opt('normal', '蓝字发票', 'Invoice'),
  opt('credit', '红字发票', 'Credit note (red-letter)', 'red'),
];

export const INVOICE_STATUSES: SelectOption[] = [
  opt('applied', '已申请', 'Applied', 'default'),
  opt('in_approval', '审批中', 'In approval', 'gold'),
  opt('issued', '已开票', 'Issued', 'green'),
  opt('voided', '已作废', 'Voided', 'default'),
  opt('reversed', '已红冲', 'Reversed', 'red'),
];

// Amounts, links and statuses of receivables move only through their actions (plans with
// instalments, payment matching, invoice issue/void/credit), never through generic writes: the
// fields are readOnly, so a generic create is refused and a generic update may only touch
// descriptive fields, the owner and custom fields.

/** 回款计划: instalments that add up to a contract's or an order's amount. */
export const paymentPlanObject = defineObject({
  apiName: 'payment_plan',
  label: L('回款计划', 'Payment plan'),
  pluralLabel: L('回款计划', 'Payment plans'),
  module: 'cash',
  table: 'payment_plan',
  nameField: 'number',
  searchFields: ['number'],
  fields: [
    { apiName: 'number', type: 'text', label: L('计划编号', 'Plan number'), readOnly: true, maxLength: 64 },
    {
      apiName: 'account_id',
      type: 'lookup',
      lookup: 'account',
      label: L('客户', 'Account'),
      required: true,
      readOnly: true,
    },
    {
      apiName: 'contract_id',
      type: 'lookup',
      lookup: 'contract',
      label: L('合同', 'Contract'),
      readOnly: true,
    },
    { apiName: 'order_id', type: 'lookup', lookup: 'order', label: L('订单', 'Order'), readOnly: true },
    { apiName: 'amount', type: 'currency', label: L('计划金额', 'Amount'), required: true, readOnly: true },
    { apiName: 'paid_amount', type: 'currency', label: L('已回款', 'Paid'), readOnly: true },
    {
      apiName: 'status',
      type: 'select',
      label: L('状态', 'Status'),
      defaultValue: 'open',
      options: PLAN_STATUSES,
      readOnly: true,
    },
    { apiName: 'description', type: 'long_text', label: L('备注', 'Notes'), maxLength: 10_000 },
  ],
});

/** 回款: money received from a customer, matched to instalments; what is left is credit. */
export const paymentObject = defineObject({
  apiName: 'payment',
  label: L('回款', 'Payment'),
  pluralLabel: L('回款', 'Payments'),
  module: 'cash',
  table: 'payment',
  nameField: 'number',
  searchFields: ['number', 'payer', 'bank_reference'],
  fields: [
    {
      apiName: 'number',
      type: 'text',
      label: L('回款编号', 'Payment number'),
      readOnly: true,
      maxLength: 64,
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
      apiName: 'received_date',
      type: 'date',
      label: L('回款日期', 'Received on'),
      required: true,
      readOnly: true,
    },
    { apiName: 'amount', type: 'currency', label: L('回款金额', 'Amount'), required: true, readOnly: true },
    {
      apiName: 'method',
      type: 'select',
      label: L('付款方式', 'Method'),
      defaultValue: 'bank_transfer',
      options: PAYMENT_METHODS,
    },
    { apiName: 'payer', type: 'text', label: L('付款方', 'Payer'), maxLength: 200 },
    {
      apiName: 'bank_reference',
      type: 'text',
      label: L('银行摘要/流水号', 'Bank reference'),
      maxLength: 500,
    },
    {
      apiName: 'status',
      type: 'select',
      label: L('核销状态', 'Status'),
      defaultValue: 'unmatched',
      options: PAYMENT_STATUSES,
      readOnly: true,
    },
    {
      apiName: 'unallocated_amount',
      type: 'currency',
      label: L('未分配（客户余额）', 'Unallocated (credit)'),
      readOnly: true,
    },
    { apiName: 'refunded_amount', type: 'currency', label: L('已退款', 'Refunded'), readOnly: true },
    {
      apiName: 'match_method',
      type: 'select',
      label: L('匹配方式', 'Matched by'),
      options: MATCH_METHODS,
      readOnly: true,
      listDefault: false,
    },
    { apiName: 'description', type: 'long_text', label: L('备注', 'Notes'), maxLength: 10_000 },
  ],
});

/** 发票: applied, issued with a tax number, voided before reconciliation or reversed (红字). */
export const invoiceObject = defineObject({
  apiName: 'invoice',
  label: L('发票', 'Invoice'),
  pluralLabel: L('发票', 'Invoices'),
  module: 'cash',
  table: 'invoice',
  nameField: 'number',
  searchFields: ['number', 'invoice_no', 'buyer_title'],
  fields: [
    { apiName: 'number', type: 'text', label: L('开票申请编号', 'Number'), readOnly: true, maxLength: 64 },
    {
      apiName: 'account_id',
      type: 'lookup',
      lookup: 'account',
      label: L('客户', 'Account'),
      required: true,
      readOnly: true,
    },
    {
      apiName: 'contract_id',
      type: 'lookup',
      lookup: 'contract',
      label: L('合同', 'Contract'),
      readOnly: true,
    },
    { apiName: 'order_id', type: 'lookup', lookup: 'order', label: L('订单', 'Order'), readOnly: true },
    {
      apiName: 'type',
      type: 'select',
      label: L('发票类型', 'Type'),
      defaultValue: 'normal',
      options: INVOICE_TYPES,
      readOnly: true,
    },
    {
      apiName: 'original_invoice_id',
      type: 'lookup',
      lookup: 'invoice',
      label: L('原发票', 'Original invoice'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'status',
      type: 'select',
      label: L('状态', 'Status'),
      defaultValue: 'applied',
      options: INVOICE_STATUSES,
      readOnly: true,
    },
    {
      apiName: 'approval_status',
      type: 'select',
      label: L('审批结果', 'Approval'),
      options: [
        { value: 'pending', label: L('审批中', 'Pending'), color: 'gold' },
        { value: 'approved', label: L('已通过', 'Approved'), color: 'green' },
        { value: 'rejected', label: L('已驳回', 'Rejected'), color: 'red' },
        { value: 'returned', label: L('已退回', 'Returned'), color: 'orange' },
        { value: 'withdrawn', label: L('已撤回', 'Withdrawn') },
        { value: 'not_required', label: L('无需审批', 'Not required') },
      ],
      readOnly: true,
    },
    {
      apiName: 'invoice_no',
      type: 'text',
      label: L('发票号码', 'Invoice no.'),
      readOnly: true,
      maxLength: 64,
    },
    { apiName: 'issue_date', type: 'date', label: L('开票日期', 'Issue date'), readOnly: true },
    {
      apiName: 'amount',
      type: 'currency',
      label: L('价税合计', 'Amount incl. tax'),
      required: true,
      readOnly: true,
    },
    {
      apiName: 'amount_excl_tax',
      type: 'currency',
      label: L('不含税金额', 'Amount excl. tax'),
      readOnly: true,
    },
    { apiName: 'tax_amount', type: 'currency', label: L('税额', 'Tax'), readOnly: true },
    { apiName: 'tax_rate', type: 'percent', label: L('税率', 'Tax rate'), readOnly: true, min: 0, max: 100 },
    { apiName: 'reconciled_amount', type: 'currency', label: L('已核销回款', 'Reconciled'), readOnly: true },
    { apiName: 'buyer_title', type: 'text', label: L('购方名称（抬头）', 'Buyer title'), maxLength: 200 },
    { apiName: 'buyer_tax_id', type: 'text', label: L('购方税号', 'Buyer tax ID'), maxLength: 40 },
    {
      apiName: 'voided_at',
      type: 'datetime',
      label: L('作废时间', 'Voided at'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'void_reason',
      type: 'text',
      label: L('作废原因', 'Void reason'),
      readOnly: true,
      listDefault: false,
    },
    { apiName: 'description', type: 'long_text', label: L('备注', 'Notes'), maxLength: 10_000 },
  ],
});
