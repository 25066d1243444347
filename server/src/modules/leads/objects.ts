import { defineObject, type SelectOption } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';
import { SOURCE_CHANNELS } from '../accounts/index.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string): SelectOption => ({ value, label: L(zh, en) });

export const CAMPAIGN_TYPES = [
  opt('search_ads', '搜索广告', 'Search ads'),
  opt('feed_ads', '信息流广告', 'Feed ads'),
  opt('website', '官网', 'Website'),
  opt('offline_event', '线下活动', 'Offline event'),
  opt('webinar', '直播/网络研讨会', 'Live stream / webinar'),
  opt('content', '内容营销', 'Content'),
  opt('wechat_oa', '微信公众号', 'WeChat official account'),
  opt('mini_program', '微信小程序', 'WeChat mini program'),
  opt('wecom', '企业微信', 'WeCom'),
  opt('sms_email', '短信/邮件', 'SMS / e-mail'),
];

export const LEAD_STATUSES = [
  opt('unassigned', '未分配', 'Unassigned'),
  opt('pending', '待跟进', 'Pending'),
  opt('in_progress', '跟进中', 'In progress'),
  opt('converted', '已转化', 'Converted'),
  opt('invalid', '无效', 'Invalid'),
  opt('voided', '已作废', 'Voided'),
];

/** Qualification stages between contacted and converted (DOMAIN.md §1): marketing-, then sales-qualified. */
export const LEAD_QUALIFICATIONS = [
  opt('mql', 'MQL（市场认可）', 'MQL (marketing qualified)'),
  opt('sql', 'SQL（销售认可）', 'SQL (sales qualified)'),
];

export const LEAD_SOURCES = SOURCE_CHANNELS;

const SIZES = [
  opt('1-49', '1-49人', '1–49'),
  opt('50-199', '50-199人', '50–199'),
  opt('200-499', '200-499人', '200–499'),
  opt('500-999', '500-999人', '500–999'),
  opt('1000+', '1000人以上', '1,000+'),
];

export const campaignObject = defineObject({
  apiName: 'campaign',
  label: L('市场活动', 'Campaign'),
  pluralLabel: L('市场活动', 'Campaigns'),
  module: 'leads',
  table: 'campaign',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: L('活动名称', 'Campaign name'), required: true, maxLength: 200 },
    { apiName: 'type', type: 'select', label: L('活动类型', 'Type'), options: CAMPAIGN_TYPES },
    {
      apiName: 'status',
      type: 'select',
      label: L('状态', 'Status'),
      defaultValue: 'planned',
      options: [
        opt('planned', '计划中', 'Planned'),
        opt('active', '进行中', 'Active'),
        opt('completed', '已结束', 'Completed'),
        opt('cancelled', '已取消', 'Cancelled'),
      ],
    },
    { apiName: 'start_date', type: 'date', label: L('开始日期', 'Start date') },
    { apiName: 'end_date', type: 'date', label: L('结束日期', 'End date') },
    { apiName: 'budget', type: 'currency', label: L('预算', 'Budget'), min: 0 },
    { apiName: 'actual_cost', type: 'currency', label: L('实际花费', 'Actual cost'), min: 0 },
    { apiName: 'description', type: 'long_text', label: L('说明', 'Description') },
  ],
});

export const leadPoolObject = defineObject({
  apiName: 'lead_pool',
  label: L('线索池', 'Lead pool'),
  pluralLabel: L('线索池', 'Lead pools'),
  module: 'leads',
  table: 'lead_pool',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: L('名称', 'Name'), required: true, maxLength: 100 },
    { apiName: 'description', type: 'long_text', label: L('说明', 'Description') },
    {
      apiName: 'visibility',
      type: 'select',
      label: L('可见方式', 'Visibility'),
      defaultValue: 'members_claim',
      options: [
        opt('members_claim', '成员可见可领取', 'Members see and claim'),
        opt('admin_assign', '仅管理员分配', 'Only admins assign'),
      ],
    },
    {
      apiName: 'claim_cap',
      type: 'number',
      label: L('每人领取上限', 'Claim cap per member'),
      min: 0,
      defaultValue: 50,
    },
    { apiName: 'default_assignee', type: 'user', label: L('默认分配人', 'Default assignee') },
    {
      apiName: 'unassigned_alert_hours',
      type: 'number',
      label: L('未分配提醒(小时)', 'Alert when unassigned (hours)'),
      min: 1,
      defaultValue: 24,
    },
    {
      apiName: 'first_followup_days',
      type: 'number',
      label: L('首次跟进期限(天)', 'First follow-up within (days)'),
      min: 1,
      defaultValue: 3,
    },
    {
      apiName: 'convert_days',
      type: 'number',
      label: L('转化期限(天)', 'Convert within (days)'),
      min: 1,
      defaultValue: 30,
    },
  ],
});

export const leadObject = defineObject({
  apiName: 'lead',
  label: L('线索', 'Lead'),
  pluralLabel: L('线索', 'Leads'),
  module: 'leads',
  table: 'lead',
  nameField: 'name',
  searchFields: ['name', 'mobile', 'email', 'company'],
  fields: [
    { apiName: 'name', type: 'text', label: L('姓名', 'Name'), required: true, maxLength: 100 },
    { apiName: 'mobile', type: 'phone', label: L('手机', 'Mobile') },
    { apiName: 'phone', type: 'phone', label: L('电话', 'Phone') },
    { apiName: 'email', type: 'email', label: L('邮箱', 'E-mail') },
    { apiName: 'company', type: 'text', label: L('公司名称', 'Company'), maxLength: 200 },
    {
      apiName: 'company_norm',
      type: 'text',
      label: L('公司名(查重用)', 'Company (normalised)'),
      readOnly: true,
      listDefault: false,
    },
    { apiName: 'title', type: 'text', label: L('职务', 'Title'), maxLength: 100 },
    { apiName: 'industry', type: 'text', label: L('行业', 'Industry'), maxLength: 100 },
    { apiName: 'province', type: 'text', label: L('省份', 'Province'), maxLength: 50 },
    { apiName: 'city', type: 'text', label: L('城市', 'City'), maxLength: 50 },
    { apiName: 'company_size', type: 'select', label: L('企业规模', 'Company size'), options: SIZES },
    { apiName: 'status', type: 'select', label: L('状态', 'Status'), options: LEAD_STATUSES, readOnly: true },
    { apiName: 'invalid_reason', type: 'text', label: L('无效原因', 'Invalid reason'), readOnly: true },
    { apiName: 'source', type: 'select', label: L('来源渠道', 'Source'), options: LEAD_SOURCES },
    { apiName: 'campaign_id', type: 'lookup', lookup: 'campaign', label: L('市场活动', 'Campaign') },
    { apiName: 'utm_source', type: 'text', label: L('UTM 来源', 'UTM source'), maxLength: 200 },
    { apiName: 'utm_medium', type: 'text', label: L('UTM 媒介', 'UTM medium'), maxLength: 200 },
    { apiName: 'utm_campaign', type: 'text', label: L('UTM 活动', 'UTM campaign'), maxLength: 200 },
    { apiName: 'utm_term', type: 'text', label: L('UTM 关键词', 'UTM term'), maxLength: 200 },
    { apiName: 'utm_content', type: 'text', label: L('UTM 内容', 'UTM content'), maxLength: 200 },
    { apiName: 'landing_page', type: 'url', label: L('落地页', 'Landing page') },
    { apiName: 'referrer', type: 'url', label: L('来源页', 'Referrer') },
    {
      apiName: 'qualification',
      type: 'select',
      label: L('认定阶段', 'Qualification'),
      options: LEAD_QUALIFICATIONS,
    },
    {
      apiName: 'qualified_at',
      type: 'datetime',
      label: L('认定时间', 'Qualified at'),
      readOnly: true,
      listDefault: false,
    },
    { apiName: 'score', type: 'number', label: L('评分', 'Score'), readOnly: true },
    { apiName: 'pool_id', type: 'lookup', lookup: 'lead_pool', label: L('线索池', 'Pool'), readOnly: true },
    { apiName: 'assigned_at', type: 'datetime', label: L('分配时间', 'Assigned at'), readOnly: true },
    {
      apiName: 'first_followed_at',
      type: 'datetime',
      label: L('首次跟进', 'First follow-up'),
      readOnly: true,
    },
    { apiName: 'last_followed_at', type: 'datetime', label: L('最近跟进', 'Last follow-up'), readOnly: true },
    {
      apiName: 'converted_account_id',
      type: 'lookup',
      lookup: 'account',
      label: L('转化客户', 'Converted account'),
      readOnly: true,
    },
    {
      apiName: 'converted_contact_id',
      type: 'lookup',
      lookup: 'contact',
      label: L('转化联系人', 'Converted contact'),
      readOnly: true,
    },
    { apiName: 'converted_at', type: 'datetime', label: L('转化时间', 'Converted at'), readOnly: true },
    { apiName: 'recycle_count', type: 'number', label: L('回收次数', 'Times recycled'), readOnly: true },
    { apiName: 'touch_count', type: 'number', label: L('触达次数', 'Touches'), readOnly: true },
    {
      apiName: 'duplicate_of',
      type: 'lookup',
      lookup: 'lead',
      label: L('疑似重复', 'Possible duplicate of'),
      readOnly: true,
    },
  ],
});

export const campaignMemberObject = defineObject({
  apiName: 'campaign_member',
  label: L('活动成员', 'Campaign member'),
  pluralLabel: L('活动成员', 'Campaign members'),
  module: 'leads',
  table: 'campaign_member',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: L('成员', 'Member'), readOnly: true },
    {
      apiName: 'campaign_id',
      type: 'lookup',
      lookup: 'campaign',
      label: L('市场活动', 'Campaign'),
      required: true,
    },
    { apiName: 'lead_id', type: 'lookup', lookup: 'lead', label: L('线索', 'Lead') },
    { apiName: 'contact_id', type: 'lookup', lookup: 'contact', label: L('联系人', 'Contact') },
    {
      apiName: 'status',
      type: 'select',
      label: L('状态', 'Status'),
      defaultValue: 'invited',
      options: [
        opt('invited', '已邀请', 'Invited'),
        opt('registered', '已报名', 'Registered'),
        opt('attended', '已参加', 'Attended'),
      ],
    },
  ],
});
