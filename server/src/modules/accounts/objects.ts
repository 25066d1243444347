import { defineObject } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';
import { normaliseEmail, normalisePhone } from './normalise.rules.ts';
import { accountHooks } from './hooks.ts';
import { invalid } from '../../platform/http/errors.ts';
import { attributionFields } from './attribution.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string) => ({ value, label: L(zh, en) });

export const accountObject = defineObject({
  // name_norm, phone and credit code normal forms, grade rules, duplicate policy (hooks.ts)
  hooks: accountHooks,
  apiName: 'account',
  label: L('客户', 'Account'),
  pluralLabel: L('客户', 'Accounts'),
  module: 'accounts',
  table: 'account',
  nameField: 'name',
  searchFields: ['name', 'phone', 'credit_code'],
  fields: [
    { apiName: 'name', type: 'text', label: L('客户名称', 'Account name'), required: true, maxLength: 200 },
    {
      apiName: 'name_norm',
      type: 'text',
      label: L('客户名称(查重用)', 'Name (normalised)'),
      readOnly: true,
      listDefault: false,
    },
    {
      apiName: 'credit_code',
      type: 'text',
      label: L('统一社会信用代码', 'Unified social credit code'),
      unique: true,
      maxLength: 18,
    },
    { apiName: 'industry', type: 'text', label: L('行业', 'Industry'), maxLength: 100 },
    { apiName: 'province', type: 'text', label: L('省份', 'Province'), maxLength: 50 },
    { apiName: 'city', type: 'text', label: L('城市', 'City'), maxLength: 50 },
    {
      apiName: 'size',
      type: 'select',
      label: L('企业规模', 'Company size'),
      options: [
        opt('1-49', '1-49人', '1–49'),
        opt('50-199', '50-199人', '50–199'),
        opt('200-499', '200-499人', '200–499'),
        opt('500-999', '500-999人', '500–999'),
        opt('1000+', '1000人以上', '1,000+'),
      ],
    },
    {
      apiName: 'type',
      type: 'select',
      label: L('客户类型', 'Type'),
      defaultValue: 'prospect',
      options: [
        opt('prospect', '潜在客户', 'Prospect'),
        opt('customer', '成交客户', 'Customer'),
        opt('partner', '合作伙伴', 'Partner'),
        opt('competitor', '竞争对手', 'Competitor'),
      ],
    },
    {
      apiName: 'grade',
      type: 'select',
      label: L('客户等级', 'Grade'),
      options: [opt('A', 'A类', 'A'), opt('B', 'B类', 'B'), opt('C', 'C类', 'C'), opt('D', 'D类', 'D')],
    },
    {
      apiName: 'tags',
      type: 'multi_select',
      label: L('标签', 'Tags'),
      options: [
        opt('key', '重点客户', 'Key account'),
        opt('kA', 'KA', 'KA'),
        opt('smb', '中小企业', 'SMB'),
        opt('gov', '政企', 'Government'),
        opt('renewal_risk', '续费风险', 'Renewal risk'),
      ],
    },
    { apiName: 'phone', type: 'phone', label: L('电话', 'Phone') },
    { apiName: 'website', type: 'url', label: L('网址', 'Website') },
    { apiName: 'annual_revenue', type: 'currency', label: L('年营业额', 'Annual revenue'), min: 0 },
    { apiName: 'employees', type: 'number', label: L('员工人数', 'Employees'), min: 0 },
    { apiName: 'parent_id', type: 'lookup', lookup: 'account', label: L('上级客户', 'Parent account') },
    // who serves the customer after the sale: health alerts open work orders for this user
    { apiName: 'csm_id', type: 'user', label: L('客户成功经理', 'Customer success manager') },
    // the channel partner serving the customer (an account of type partner): the partner segment
    { apiName: 'partner_id', type: 'lookup', lookup: 'account', label: L('服务伙伴', 'Serving partner') },
    { apiName: 'description', type: 'long_text', label: L('备注', 'Description') },
    // pool moves go through the claim / return / transfer actions, never a plain edit
    {
      apiName: 'pool_id',
      type: 'lookup',
      lookup: 'account_pool',
      label: L('所属公海', 'Pool'),
      readOnly: true,
    },
    {
      apiName: 'state',
      type: 'select',
      label: L('客户状态', 'State'),
      readOnly: true,
      defaultValue: 'owned',
      options: [
        opt('pool', '公海中', 'In pool'),
        opt('owned', '已领取', 'Owned'),
        opt('won', '成交客户', 'Won'),
      ],
    },
    {
      apiName: 'claimed_at',
      type: 'datetime',
      label: L('领取时间', 'Claimed at'),
      readOnly: true,
      listDefault: false,
    },
    { apiName: 'last_followed_at', type: 'datetime', label: L('最后跟进', 'Last follow-up'), readOnly: true },
    {
      apiName: 'won_at',
      type: 'datetime',
      label: L('成交时间', 'Won at'),
      readOnly: true,
      listDefault: false,
    },
    ...attributionFields(true),
  ],
});

/** A public pool (公海): accounts nobody holds, which members claim within their limits. */
export const accountPoolObject = defineObject({
  apiName: 'account_pool',
  label: L('公海', 'Account pool'),
  pluralLabel: L('公海', 'Account pools'),
  module: 'accounts',
  table: 'account_pool',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: L('公海名称', 'Pool name'), required: true, maxLength: 100 },
    { apiName: 'description', type: 'long_text', label: L('说明', 'Description') },
    {
      apiName: 'visibility',
      type: 'select',
      label: L('可见性', 'Visibility'),
      defaultValue: 'members_claim',
      options: [
        opt('members_claim', '成员可见并领取', 'Members see and claim'),
        opt('admin_assign', '仅管理员分配', 'Only admins assign'),
      ],
    },
    {
      apiName: 'claim_cap',
      type: 'number',
      label: L('每人保有上限', 'Holding limit per member'),
      min: 1,
      max: 100000,
    },
    {
      apiName: 'no_followup_days',
      type: 'number',
      label: L('未跟进回收天数', 'Reclaim after days without follow-up'),
      min: 1,
      max: 3650,
    },
    {
      apiName: 'no_won_days',
      type: 'number',
      label: L('未成交回收天数', 'Reclaim after days without a won deal'),
      min: 1,
      max: 3650,
    },
    {
      apiName: 'warn_days',
      type: 'number',
      label: L('回收前提醒天数', 'Warn days before reclaim'),
      min: 0,
      max: 60,
    },
  ],
});

export const contactObject = defineObject({
  hooks: {
    // Same normal form as leads: the unified duplicate check compares E.164 numbers and lower-case e-mails.
    beforeWrite(_hc, { after }) {
      if (typeof after.mobile === 'string') {
        const n = normalisePhone(after.mobile);
        if (!n) throw invalid([{ field: 'mobile', issue: 'invalid_phone' }]);
        after.mobile = n;
      }
      if (typeof after.email === 'string') after.email = normaliseEmail(after.email);
    },
  },
  apiName: 'contact',
  label: L('联系人', 'Contact'),
  pluralLabel: L('联系人', 'Contacts'),
  module: 'accounts',
  table: 'contact',
  nameField: 'name',
  searchFields: ['name', 'mobile', 'email'],
  fields: [
    { apiName: 'name', type: 'text', label: L('姓名', 'Name'), required: true, maxLength: 100 },
    {
      apiName: 'account_id',
      type: 'lookup',
      lookup: 'account',
      label: L('所属客户', 'Account'),
      required: true,
    },
    { apiName: 'mobile', type: 'phone', label: L('手机', 'Mobile') },
    { apiName: 'email', type: 'email', label: L('邮箱', 'E-mail') },
    { apiName: 'title', type: 'text', label: L('职务', 'Title'), maxLength: 100 },
    { apiName: 'department', type: 'text', label: L('部门', 'Department'), maxLength: 100 },
    {
      apiName: 'role',
      type: 'select',
      label: L('角色', 'Role'),
      options: [
        opt('decision_maker', '决策人', 'Decision maker'),
        opt('key_person', '关键人', 'Key person'),
        opt('champion', '支持者', 'Champion'),
        opt('system_admin', '系统管理员', 'System admin'),
        opt('department_head', '部门负责人', 'Department head'),
        opt('user', '使用者', 'User'),
      ],
    },
    { apiName: 'reports_to', type: 'lookup', lookup: 'contact', label: L('汇报对象', 'Reports to') },
    { apiName: 'is_key_user', type: 'boolean', label: L('关键用户', 'Key user'), defaultValue: false },
    { apiName: 'last_followed_at', type: 'datetime', label: L('最后跟进', 'Last follow-up'), readOnly: true },
    ...attributionFields(false),
  ],
});
