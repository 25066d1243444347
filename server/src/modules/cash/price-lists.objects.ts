import { sql } from 'kysely';
import { invalid, type FieldIssue } from '../../platform/http/errors.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';
import {
  defineObject,
  type FieldDef,
  type ObjectHooks,
  type SelectOption,
} from '../../platform/metadata/types.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string): SelectOption => ({ value, label: L(zh, en) });

export const PRICE_LIST_SCOPES: SelectOption[] = [
  opt('all', '全部客户', 'All accounts'),
  opt('account', '指定客户', 'One account'),
  opt('account_grade', '客户等级', 'Account grade'),
  opt('account_type', '客户类型', 'Account type'),
];

/**
 * The product field this helper's migration adds (`product.sellable_scope`): merged into the
 * product object by the module index, so the catalog screens show and edit it.
 */
export const sellableScopeField: FieldDef = {
  apiName: 'sellable_scope',
  type: 'select',
  label: L('可售范围', 'Sellable to'),
  required: false,
  unique: false,
  isCustom: false,
  column: 'sellable_scope',
  defaultValue: 'any',
  options: [
    opt('any', '所有客户', 'Any account'),
    opt('listed_only', '仅限价目表内客户', 'Only accounts with a price list for it'),
  ],
};

const blank = (v: unknown): boolean => v === null || v === undefined || v === '';

/**
 * Price lists: scope fields that match the scope type (the others are cleared), a currency code
 * (the tenant's when left out), an integer priority and an ordered validity period.
 */
export const priceListHooks: ObjectHooks = {
  async beforeWrite(hc, { after }) {
    const issues: FieldIssue[] = [];
    if (blank(after.currency)) {
      const r = await hc.tx.one(
        sql<{ currency: string }>`select currency from tenant where id = ${hc.tenantId}`,
      );
      after.currency = r?.currency ?? 'CNY';
    } else {
      const c = String(after.currency).trim().toUpperCase();
      if (!/^[A-Z]{3}$/.test(c)) issues.push({ field: 'currency', issue: 'invalid_currency' });
      after.currency = c;
    }
    if (!blank(after.priority) && !Number.isInteger(after.priority))
      issues.push({ field: 'priority', issue: 'expected_type', params: { type: 'integer' } });
    const scope = blank(after.scope_type) ? 'all' : String(after.scope_type);
    after.scope_type = scope;
    if (scope === 'account') {
      if (blank(after.account_id)) issues.push({ field: 'account_id', issue: 'required' });
      after.scope_value = null;
    } else if (scope === 'account_grade' || scope === 'account_type') {
      if (blank(after.scope_value)) issues.push({ field: 'scope_value', issue: 'required' });
      after.account_id = null;
    } else {
      after.account_id = null;
      after.scope_value = null;
    }
    if (
      !blank(after.valid_from) &&
      !blank(after.valid_to) &&
      String(after.valid_from) > String(after.valid_to)
    )
      issues.push({ field: 'valid_to', issue: 'period_order' });
    if (issues.length) throw invalid(issues);
  },
};

/** Special prices for all accounts, one account, a grade or a type (docs/CASH.md "Pricing"). */
export const priceListObject = defineObject({
  apiName: 'price_list',
  label: L('价目表', 'Price list'),
  pluralLabel: L('价目表', 'Price lists'),
  module: 'cash',
  table: 'price_list',
  nameField: 'name',
  searchFields: ['name'],
  referenceData: true,
  ownerDefaultsToCreator: false,
  hooks: priceListHooks,
  fields: [
    { apiName: 'name', type: 'text', label: L('名称', 'Name'), required: true, maxLength: 200 },
    { apiName: 'currency', type: 'text', label: L('币种', 'Currency'), maxLength: 3 },
    {
      apiName: 'priority',
      type: 'number',
      label: L('优先级（数字越小越优先）', 'Priority (lower first)'),
      defaultValue: 100,
      min: 0,
      max: 1_000_000,
    },
    {
      apiName: 'scope_type',
      type: 'select',
      label: L('适用范围', 'Applies to'),
      required: true,
      defaultValue: 'all',
      options: PRICE_LIST_SCOPES,
    },
    {
      apiName: 'scope_value',
      type: 'text',
      label: L('客户等级/类型', 'Account grade / type'),
      maxLength: 40,
    },
    { apiName: 'account_id', type: 'lookup', lookup: 'account', label: L('客户', 'Account') },
    { apiName: 'valid_from', type: 'date', label: L('生效日期', 'Valid from') },
    { apiName: 'valid_to', type: 'date', label: L('失效日期', 'Valid to') },
    { apiName: 'active', type: 'boolean', label: L('启用', 'Active'), defaultValue: true },
    { apiName: 'description', type: 'long_text', label: L('说明', 'Description') },
  ],
});
