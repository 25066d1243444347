import { defineObject, type SelectOption } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string, color?: string): SelectOption => ({
  value,
  label: L(zh, en),
  ...(color ? { color } : {}),
});

export const PRODUCT_TYPES: SelectOption[] = [
  opt('subscription', '订阅', 'Subscription'),
  opt('one_time', '一次性许可', 'One-time licence'),
  opt('service', '服务/实施', 'Service / implementation'),
];

export const PRODUCT_UNITS: SelectOption[] = [
  opt('seat', '席位', 'Seat'),
  opt('module', '模块', 'Module'),
  opt('instance', '实例', 'Instance'),
  opt('year', '年', 'Year'),
  opt('month', '月', 'Month'),
  opt('day', '人天', 'Day'),
  opt('item', '项', 'Item'),
];

export const ORDER_TYPES: SelectOption[] = [
  opt('new', '新购', 'New'),
  opt('renewal', '续费', 'Renewal'),
  opt('expansion', '增购', 'Expansion'),
  opt('downgrade', '降级', 'Downgrade'),
];

export const ORDER_STATUSES: SelectOption[] = [
  opt('draft', '草稿', 'Draft', 'default'),
  opt('confirmed', '已确认', 'Confirmed', 'green'),
  opt('cancelled', '已取消', 'Cancelled', 'red'),
];

export const CONTRACT_STATUSES: SelectOption[] = [
  opt('draft', '草稿', 'Draft', 'default'),
  opt('in_approval', '审批中', 'In approval', 'gold'),
  opt('signed', '已签署', 'Signed', 'green'),
  opt('archived', '已归档', 'Archived', 'blue'),
  opt('terminated', '已终止', 'Terminated', 'red'),
];

const ERP_STATUSES: SelectOption[] = [
  opt('pending', '待推送', 'Pending'),
  opt('sent', '已推送', 'Sent'),
  opt('acknowledged', 'ERP 已接收', 'Acknowledged', 'green'),
  opt('failed', '推送失败', 'Failed', 'red'),
];

const APPROVAL_STATUSES: SelectOption[] = [
  opt('pending', '审批中', 'Pending', 'gold'),
  opt('approved', '已通过', 'Approved', 'green'),
  opt('rejected', '已驳回', 'Rejected', 'red'),
  opt('returned', '已退回', 'Returned', 'orange'),
  opt('withdrawn', '已撤回', 'Withdrawn', 'default'),
  opt('not_required', '无需审批', 'Not required', 'default'),
];

const ESIGN_STATUSES: SelectOption[] = [
  opt('sent', '已发起签署', 'Sent for signature', 'gold'),
  opt('signed', '已电子签署', 'E-signed', 'green'),
  opt('declined', '已拒签', 'Declined', 'red'),
];

/** Catalog data: everyone reads it, only administrators (or roles they grant) change it. */
export const productObject = defineObject({
  apiName: 'product',
  label: L('产品', 'Product'),
  pluralLabel: L('产品', 'Products'),
  module: 'cash',
  table: 'product',
  nameField: 'name',
  searchFields: ['name', 'sku', 'name_en'],
  referenceData: true,
  ownerDefaultsToCreator: false,
  fields: [
    { apiName: 'sku', type: 'text', label: L('产品编码', 'SKU'), required: true, maxLength: 64 },
    { apiName: 'name', type: 'text', label: L('产品名称', 'Name'), required: true, maxLength: 200 },
    { apiName: 'name_en', type: 'text', label: L('英文名称', 'English name'), maxLength: 200 },
    {
      apiName: 'type',
      type: 'select',
      label: L('产品类型', 'Type'),
      required: true,
      defaultValue: 'subscription',
      options: PRODUCT_TYPES,
    },
    {
      apiName: 'unit',
      type: 'select',
      label: L('单位', 'Unit'),
      defaultValue: 'item',
      options: PRODUCT_UNITS,
    },
    { apiName: 'list_price', type: 'currency', label: L('标准价', 'List price'), min: 0, required: true },
    { apiName: 'cost', type: 'currency', label: L('成本', 'Cost'), min: 0 },
    {
      apiName: 'tax_rate',
      type: 'percent',
      label: L('税率', 'Tax rate'),
      min: 0,
      max: 100,
      defaultValue: 6,
    },
    { apiName: 'active', type: 'boolean', label: L('启用', 'Active'), defaultValue: true },
    { apiName: 'family', type: 'text', label: L('产品线', 'Family'), maxLength: 100 },
    { apiName: 'is_bundle', type: 'boolean', label: L('组合产品', 'Bundle'), defaultValue: false },
    { apiName: 'description', type: 'long_text', label: L('描述', 'Description') },
  ],
});

export const contractObject = defineObject({
  apiName: 'contract',
  label: L('合同', 'Contract'),
  pluralLabel: L('合同', 'Contracts'),
  module: 'cash',
  table: 'contract',
  nameField: 'name',
  searchFields: ['name', 'number'],
  fields: [
    // generated from the tenant's pattern (HT-2026-00001) when left empty
    { apiName: 'number', type: 'text', label: L('合同编号', 'Contract number'), maxLength: 64 },
    { apiName: 'name', type: 'text', label: L('合同名称', 'Contract name'), required: true, maxLength: 200 },
    { apiName: 'account_id', type: 'lookup', lookup: 'account', label: L('客户', 'Account'), required: true },
    { apiName: 'opportunity_id', type: 'lookup', lookup: 'opportunity', label: L('商机', 'Opportunity') },
    { apiName: 'party_a', type: 'text', label: L('甲方', 'Party A'), maxLength: 200 },
    { apiName: 'party_b', type: 'text', label: L('乙方', 'Party B'), maxLength: 200 },
    { apiName: 'sign_date', type: 'date', label: L('签约日期', 'Signing date') },
    { apiName: 'start_date', type: 'date', label: L('生效日期', 'Start date') },
    { apiName: 'end_date', type: 'date', label: L('到期日期', 'End date') },
    { apiName: 'amount', type: 'currency', label: L('合同金额', 'Contract amount'), min: 0 },
    {
      apiName: 'status',
      type: 'select',
      label: L('合同状态', 'Status'),
      defaultValue: 'draft',
      options: CONTRACT_STATUSES,
      readOnly: true,
    },
    {
      apiName: 'approval_status',
      type: 'select',
      label: L('审批结果', 'Approval'),
      options: APPROVAL_STATUSES,
      readOnly: true,
    },
    {
      apiName: 'esign_status',
      type: 'select',
      label: L('电子签状态', 'E-signature'),
      options: ESIGN_STATUSES,
      readOnly: true,
    },
    {
      apiName: 'esign_document_id',
      type: 'text',
      label: L('电子签文档号', 'E-signature document'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'quote_id',
      type: 'text',
      label: L('来源报价', 'From quote'),
      readOnly: true,
      listDefault: false,
    },
    { apiName: 'description', type: 'long_text', label: L('备注', 'Notes') },
  ],
});

export const orderObject = defineObject({
  apiName: 'order',
  label: L('订单', 'Order'),
  pluralLabel: L('订单', 'Orders'),
  module: 'cash',
  table: 'sales_order',
  nameField: 'number',
  searchFields: ['number'],
  fields: [
    { apiName: 'number', type: 'text', label: L('订单编号', 'Order number'), maxLength: 64 },
    { apiName: 'account_id', type: 'lookup', lookup: 'account', label: L('客户', 'Account'), required: true },
    { apiName: 'contract_id', type: 'lookup', lookup: 'contract', label: L('合同', 'Contract') },
    { apiName: 'opportunity_id', type: 'lookup', lookup: 'opportunity', label: L('商机', 'Opportunity') },
    {
      apiName: 'type',
      type: 'select',
      label: L('订单类型', 'Order type'),
      required: true,
      defaultValue: 'new',
      options: ORDER_TYPES,
    },
    // status, amount and the lifecycle stamps move only through the order actions (confirm, cancel)
    {
      apiName: 'status',
      type: 'select',
      label: L('订单状态', 'Status'),
      defaultValue: 'draft',
      options: ORDER_STATUSES,
      readOnly: true,
    },
    { apiName: 'order_date', type: 'date', label: L('签约日期', 'Order date'), required: true },
    { apiName: 'amount', type: 'currency', label: L('订单金额', 'Order amount'), readOnly: true },
    { apiName: 'confirmed_at', type: 'datetime', label: L('确认时间', 'Confirmed at'), readOnly: true },
    { apiName: 'cancelled_at', type: 'datetime', label: L('取消时间', 'Cancelled at'), readOnly: true },
    {
      apiName: 'cancel_reason',
      type: 'text',
      label: L('取消原因', 'Cancel reason'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'erp_status',
      type: 'select',
      label: L('ERP 状态', 'ERP status'),
      options: ERP_STATUSES,
      readOnly: true,
    },
    {
      apiName: 'erp_document_id',
      type: 'text',
      label: L('ERP 单号', 'ERP document'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'quote_id',
      type: 'text',
      label: L('来源报价', 'From quote'),
      readOnly: true,
      listDefault: false,
    },
    { apiName: 'description', type: 'long_text', label: L('备注', 'Notes') },
  ],
});
