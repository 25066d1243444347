import { defineObject, type ObjectHooks, type SelectOption } from '../../platform/metadata/types.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string, color?: string): SelectOption => ({
  value,
  label: L(zh, en),
  ...(color ? { color } : {}),
});

// The ledger, the due records and the adjustments are written only by the subscriptions module
// (booked from orders, recomputed from the ledger, decided by approvals): every business field is
// readOnly and the account required, so a generic create is refused (422), generic updates may
// touch only the owner and custom fields, and the hooks refuse generic deletes — for every path
// (API, import, recycle bin), not only in the UI.

/** Refuses generic deletes: a ledger row or due record leaves only when its order changes. */
export const managedHooks: ObjectHooks = {
  afterWrite(_hc, { op }) {
    if (op === 'delete') throw new AppError('conflict', 'subscription_managed');
  },
};

const ORDER_TYPES: SelectOption[] = [
  opt('new', '新购', 'New'),
  opt('renewal', '续费', 'Renewal'),
  opt('expansion', '增购', 'Expansion'),
  opt('downgrade', '降级', 'Downgrade'),
];

export const LINE_STATUSES: SelectOption[] = [
  opt('active', '生效', 'Active', 'green'),
  opt('pending_rate', '待汇率', 'Waiting for an exchange rate', 'gold'),
  opt('cancelled', '已取消', 'Cancelled', 'default'),
];

/** 订阅: one subscription line of a confirmed order, annualised into ARR. */
export const subscriptionObject = defineObject({
  apiName: 'subscription',
  label: L('订阅', 'Subscription'),
  pluralLabel: L('订阅', 'Subscriptions'),
  module: 'subscriptions',
  table: 'subscription_line',
  nameField: 'service_start',
  searchFields: [],
  fields: [
    {
      apiName: 'account_id',
      type: 'lookup',
      lookup: 'account',
      label: L('客户', 'Account'),
      required: true,
      readOnly: true,
    },
    { apiName: 'order_id', type: 'lookup', lookup: 'order', label: L('订单', 'Order'), readOnly: true },
    { apiName: 'product_id', type: 'lookup', lookup: 'product', label: L('产品', 'Product'), readOnly: true },
    {
      apiName: 'order_type',
      type: 'select',
      label: L('订单类型', 'Order type'),
      options: ORDER_TYPES,
      readOnly: true,
    },
    { apiName: 'order_date', type: 'date', label: L('签约日期', 'Signed on'), readOnly: true },
    { apiName: 'service_start', type: 'date', label: L('服务开始', 'Service start'), readOnly: true },
    { apiName: 'service_end', type: 'date', label: L('服务结束', 'Service end'), readOnly: true },
    { apiName: 'amount', type: 'currency', label: L('金额', 'Amount'), readOnly: true },
    {
      apiName: 'amount_base',
      type: 'currency',
      label: L('本位币金额', 'Amount (base currency)'),
      readOnly: true,
    },
    { apiName: 'arr', type: 'currency', label: L('年化收入 ARR', 'ARR'), readOnly: true },
    { apiName: 'status', type: 'select', label: L('状态', 'Status'), options: LINE_STATUSES, readOnly: true },
  ],
});

export const DUE_STATUSES: SelectOption[] = [
  opt('upcoming', '待续', 'Upcoming', 'blue'),
  opt('overdue', '已到期未续', 'Due, not renewed', 'orange'),
  opt('renewed', '已续', 'Renewed', 'green'),
  opt('churned', '流失', 'Churned', 'red'),
  opt('adjusted', '已调整', 'Adjusted out', 'default'),
];

/** 应续: what a customer is due to renew on a date, and what renewed it. */
export const dueRenewalObject = defineObject({
  apiName: 'due_renewal',
  label: L('应续', 'Due renewal'),
  pluralLabel: L('应续', 'Due renewals'),
  module: 'subscriptions',
  table: 'due_renewal',
  nameField: 'due_date',
  searchFields: [],
  fields: [
    {
      apiName: 'account_id',
      type: 'lookup',
      lookup: 'account',
      label: L('客户', 'Account'),
      required: true,
      readOnly: true,
    },
    { apiName: 'due_date', type: 'date', label: L('应续日期', 'Due date'), readOnly: true },
    { apiName: 'due_arr', type: 'currency', label: L('应续 ARR', 'Due ARR'), readOnly: true },
    {
      apiName: 'renewed_arr',
      type: 'currency',
      label: L('已续 ARR（业务）', 'Renewed ARR (business)'),
      readOnly: true,
    },
    {
      apiName: 'renewed_arr_finance',
      type: 'currency',
      label: L('已续 ARR（财务）', 'Renewed ARR (finance)'),
      readOnly: true,
    },
    { apiName: 'status', type: 'select', label: L('状态', 'Status'), options: DUE_STATUSES, readOnly: true },
    {
      apiName: 'renewal_order_id',
      type: 'lookup',
      lookup: 'order',
      label: L('续费订单', 'Renewal order'),
      readOnly: true,
    },
    {
      apiName: 'renewal_opportunity_id',
      type: 'lookup',
      lookup: 'opportunity',
      label: L('续费商机', 'Renewal opportunity'),
      readOnly: true,
    },
    { apiName: 'evaluated_on', type: 'date', label: L('核对日期', 'Evaluated on'), readOnly: true },
  ],
});

export const ADJUSTMENT_REASONS: SelectOption[] = [
  opt('acquired', '被收购/合并', 'Acquired or merged'),
  opt('duplicate_account', '重复客户', 'Duplicate account'),
  opt('migrated_contract', '合同迁移', 'Migrated contract'),
  opt('other', '其他', 'Other'),
];

export const ADJUSTMENT_STATUSES: SelectOption[] = [
  opt('pending', '审批中', 'Pending', 'gold'),
  opt('approved', '已生效', 'Approved', 'green'),
  opt('rejected', '已驳回', 'Rejected', 'red'),
  opt('withdrawn', '已撤回', 'Withdrawn', 'default'),
];

/** 应续调整: takes a due record out of the renewal rate once approved. */
export const renewalAdjustmentObject = defineObject({
  apiName: 'renewal_adjustment',
  label: L('应续调整', 'Renewal adjustment'),
  pluralLabel: L('应续调整', 'Renewal adjustments'),
  module: 'subscriptions',
  table: 'renewal_adjustment',
  nameField: 'due_date',
  searchFields: [],
  fields: [
    {
      apiName: 'account_id',
      type: 'lookup',
      lookup: 'account',
      label: L('客户', 'Account'),
      required: true,
      readOnly: true,
    },
    { apiName: 'due_date', type: 'date', label: L('应续日期', 'Due date'), readOnly: true },
    {
      apiName: 'reason',
      type: 'select',
      label: L('调整原因', 'Reason'),
      options: ADJUSTMENT_REASONS,
      readOnly: true,
    },
    { apiName: 'note', type: 'long_text', label: L('说明', 'Note'), maxLength: 2000, readOnly: true },
    {
      apiName: 'status',
      type: 'select',
      label: L('状态', 'Status'),
      options: ADJUSTMENT_STATUSES,
      defaultValue: 'pending',
      readOnly: true,
    },
    { apiName: 'decided_at', type: 'datetime', label: L('生效/驳回时间', 'Decided at'), readOnly: true },
  ],
});
