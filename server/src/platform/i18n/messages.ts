import type { Labels } from './i18n.ts';
import { approvalMessages } from '../approvals/approvals.messages.ts';

/** Server-side message catalog (errors and field issues). Keys are stable; texts may change. */
export const messages = {
  ...approvalMessages,
  // error codes
  validation_failed: { 'zh-CN': '提交的数据有误', 'en-US': 'The request has invalid data' },
  bad_request: { 'zh-CN': '请求格式有误', 'en-US': 'The request is malformed' },
  invalid_json: { 'zh-CN': '请求体不是有效的 JSON', 'en-US': 'The request body is not valid JSON' },
  unauthorized: { 'zh-CN': '请先登录', 'en-US': 'Please sign in' },
  session_expired: {
    'zh-CN': '登录已过期，请重新登录',
    'en-US': 'Your session has expired; please sign in again',
  },
  invalid_credentials: { 'zh-CN': '邮箱或密码不正确', 'en-US': 'Incorrect e-mail or password' },
  account_locked: {
    'zh-CN': '登录失败次数过多，账号已锁定，请在 {minutes} 分钟后重试',
    'en-US': 'Too many failed sign-ins; the account is locked. Try again in {minutes} minutes',
  },
  account_disabled: { 'zh-CN': '账号已停用', 'en-US': 'This account is disabled' },
  totp_required: { 'zh-CN': '请输入动态验证码', 'en-US': 'Enter your authenticator code' },
  totp_invalid: { 'zh-CN': '动态验证码不正确', 'en-US': 'The authenticator code is incorrect' },
  tenant_required: {
    'zh-CN': '该邮箱属于多个租户，请指定租户',
    'en-US': 'This e-mail belongs to several tenants; please name the tenant',
  },
  csrf_failed: {
    'zh-CN': '安全校验失败，请刷新页面后重试',
    'en-US': 'Security check failed; reload the page and retry',
  },
  forbidden: { 'zh-CN': '没有权限执行此操作', 'en-US': 'You do not have permission to do this' },
  not_found: { 'zh-CN': '记录不存在', 'en-US': 'Not found' },
  object_not_found: { 'zh-CN': '对象不存在', 'en-US': 'No such object' },
  route_not_found: { 'zh-CN': '接口不存在', 'en-US': 'No such endpoint' },
  version_conflict: {
    'zh-CN': '记录已被他人修改，请刷新后重试',
    'en-US': 'Someone else changed this record; reload and try again',
  },
  duplicate_value: { 'zh-CN': '存在重复的值', 'en-US': 'A record with this value already exists' },
  payload_too_large: { 'zh-CN': '请求体过大', 'en-US': 'The request body is too large' },
  rate_limited: { 'zh-CN': '请求过于频繁，请稍后再试', 'en-US': 'Too many requests; please slow down' },
  internal: { 'zh-CN': '服务器内部错误', 'en-US': 'Internal server error' },
  weak_password: { 'zh-CN': '密码不符合要求', 'en-US': 'The password does not meet the policy' },
  totp_already_enabled: {
    'zh-CN': '已开启双重验证，请先关闭后再重新绑定',
    'en-US': 'Two-factor sign-in is already on; turn it off before enrolling again',
  },
  session_required: {
    'zh-CN': '此操作需要用账号密码登录，不能使用 API 密钥',
    'en-US': 'This needs a signed-in user session, not an API key',
  },
  duplicate_lead: {
    'zh-CN': '已存在相同的线索、客户或联系人（撞单），请先查重',
    'en-US': 'A matching lead, account or contact already exists; check duplicates first',
  },
  claim_cap_reached: {
    'zh-CN': '已达到该线索池的领取上限（{cap} 条）',
    'en-US': 'You have reached this pool’s claim limit ({cap} leads)',
  },
  reclaim_cooldown: {
    'zh-CN': '这条线索刚从你手中退回或回收，{until} 之后才能再次领取',
    'en-US': 'This lead recently left your hands; you can claim it again after {until}',
  },
  not_pool_member: { 'zh-CN': '你不是该线索池的成员', 'en-US': 'You are not a member of this pool' },
  lead_not_claimable: { 'zh-CN': '该线索当前不可领取', 'en-US': 'This lead cannot be claimed now' },
  lead_state_conflict: {
    'zh-CN': '线索当前状态不允许此操作',
    'en-US': 'The lead’s status does not allow this',
  },
  account_limit_reached: {
    'zh-CN': '已达到客户保有量上限（{limit} 个）',
    'en-US': 'You have reached your account holding limit ({limit})',
  },
  account_reclaim_cooldown: {
    'zh-CN': '这个客户刚从你手中退回或回收，{until} 之后才能再次领取',
    'en-US': 'This account recently left your hands; you can claim it again after {until}',
  },
  account_not_claimable: {
    'zh-CN': '该客户当前不在公海中，不可领取',
    'en-US': 'This account is not in a pool',
  },
  account_state_conflict: {
    'zh-CN': '客户当前状态不允许此操作',
    'en-US': 'The account’s state does not allow this',
  },
  not_account_pool_member: { 'zh-CN': '你不是该公海的成员', 'en-US': 'You are not a member of this pool' },
  admin_assign_pool: {
    'zh-CN': '该公海只能由管理员分配',
    'en-US': 'Only pool admins assign accounts from this pool',
  },
  duplicate_account: {
    'zh-CN': '已存在相同的客户（撞单），请先查重',
    'en-US': 'A matching account already exists; check duplicates first',
  },
  duplicate_account_owned: { 'zh-CN': '与 {owner} 的客户重复', 'en-US': 'matches an account of {owner}' },
  duplicate_account_hidden: { 'zh-CN': '与已有客户重复', 'en-US': 'matches an existing account' },
  invalid_credit_code: {
    'zh-CN': '不是有效的统一社会信用代码',
    'en-US': 'is not a valid unified social credit code',
  },
  form_not_found: { 'zh-CN': '表单不存在或已停用', 'en-US': 'No such form, or it is switched off' },
  origin_not_allowed: { 'zh-CN': '此网站不允许提交该表单', 'en-US': 'This site may not submit this form' },
  job_not_found: { 'zh-CN': '任务不存在', 'en-US': 'No such job' },
  import_not_ready: {
    'zh-CN': '导入任务当前状态不允许此操作',
    'en-US': 'The import is not in a state that allows this',
  },
  stage_gate_failed: {
    'zh-CN': '不满足进入该阶段的条件',
    'en-US': 'The opportunity does not meet the conditions to move to this stage',
  },
  stage_in_use: {
    'zh-CN': '「{name}」下还有商机，不能删除',
    'en-US': '“{name}” holds opportunities and cannot be removed',
  },
  opportunity_not_closed: {
    'zh-CN': '商机未关闭，无需恢复',
    'en-US': 'The opportunity is not closed; there is nothing to restore',
  },
  duplicate_opportunity: {
    'zh-CN': '该客户已有同类型的进行中商机',
    'en-US': 'This account already has an open opportunity of this type',
  },
  // field issues
  required: { 'zh-CN': '必填', 'en-US': 'is required' },
  unknown_field: { 'zh-CN': '未知字段', 'en-US': 'is not a known field' },
  read_only: { 'zh-CN': '只读字段，不可修改', 'en-US': 'is read-only' },
  expected_type: { 'zh-CN': '应为{type}', 'en-US': 'must be {type}' },
  too_long: { 'zh-CN': '长度不能超过 {max}', 'en-US': 'must be at most {max} characters' },
  too_small: { 'zh-CN': '不能小于 {min}', 'en-US': 'must be at least {min}' },
  too_large: { 'zh-CN': '不能大于 {max}', 'en-US': 'must be at most {max}' },
  invalid_option: { 'zh-CN': '不是有效选项：{value}', 'en-US': 'is not an allowed option: {value}' },
  invalid_email: { 'zh-CN': '邮箱格式不正确', 'en-US': 'is not a valid e-mail address' },
  invalid_phone: { 'zh-CN': '电话号码格式不正确', 'en-US': 'is not a valid phone number' },
  invalid_url: { 'zh-CN': '网址格式不正确', 'en-US': 'is not a valid URL' },
  invalid_date: { 'zh-CN': '日期格式应为 YYYY-MM-DD', 'en-US': 'must be a date (YYYY-MM-DD)' },
  invalid_datetime: { 'zh-CN': '时间格式应为 ISO 8601', 'en-US': 'must be an ISO 8601 date-time' },
  invalid_currency: { 'zh-CN': '币种代码无效', 'en-US': 'is not a valid currency code' },
  invalid_reference: { 'zh-CN': '关联的记录不存在', 'en-US': 'refers to a record that does not exist' },
  not_unique: { 'zh-CN': '该值已被其他记录使用', 'en-US': 'is already used by another record' },
  invalid_operator: {
    'zh-CN': '不支持的筛选运算符 {op}',
    'en-US': 'does not support the filter operator {op}',
  },
  invalid_value: { 'zh-CN': '值无效', 'en-US': 'has an invalid value' },
  invalid_cursor: { 'zh-CN': '分页游标无效', 'en-US': 'is not a valid cursor' },
  not_sortable: { 'zh-CN': '该字段不能排序', 'en-US': 'cannot be sorted on' },
  password_too_short: { 'zh-CN': '密码至少 {min} 个字符', 'en-US': 'must be at least {min} characters' },
  password_common: { 'zh-CN': '密码过于常见，容易被猜中', 'en-US': 'is too common and easy to guess' },
  in_use: { 'zh-CN': '已被使用', 'en-US': 'is already in use' },
  too_many: { 'zh-CN': '最多 {max} 条', 'en-US': 'allows at most {max} items' },
  activity_required: { 'zh-CN': '需要先记录「{type}」跟进', 'en-US': 'needs a logged {type} activity' },
  qualify_first: {
    'zh-CN': '转化前需先认定为 MQL 或 SQL',
    'en-US': 'must be MQL or SQL before the lead is converted',
  },
  no_skip: { 'zh-CN': '不能跳过阶段', 'en-US': 'cannot skip stages in this pipeline' },
  no_back: { 'zh-CN': '不能回退到之前的阶段', 'en-US': 'cannot move back in this pipeline' },
  create_not_allowed: {
    'zh-CN': '不能在该阶段新建商机',
    'en-US': 'does not allow creating opportunities in it',
  },
  reopen_first: {
    'zh-CN': '已关闭的商机需先恢复',
    'en-US': 'a closed opportunity must be restored first',
  },
  stage_order: {
    'zh-CN': '进行中阶段须排在关闭阶段之前',
    'en-US': 'active stages must come before closed ones',
  },
  one_won_stage: { 'zh-CN': '必须有且只有一个赢单阶段', 'en-US': 'needs exactly one won stage' },
  active_stage_required: { 'zh-CN': '至少需要一个进行中阶段', 'en-US': 'needs at least one active stage' },
  create_stage_required: {
    'zh-CN': '至少需要一个可新建商机的进行中阶段',
    'en-US': 'needs at least one active stage that allows creation',
  },
  one_default_pipeline: {
    'zh-CN': '必须有且只有一个默认销售流程',
    'en-US': 'needs exactly one default pipeline',
  },
  related_record_required: {
    'zh-CN': '请关联至少一条线索、客户、联系人或商机',
    'en-US': 'must name at least one lead, account, contact or opportunity',
  },
  other_account: {
    'zh-CN': '该记录属于其他客户',
    'en-US': 'belongs to a different account',
  },
  coordinates_pair: {
    'zh-CN': '经度和纬度需同时填写',
    'en-US': 'latitude and longitude go together',
  },
  // cash: orders and contracts
  service_period_required: {
    'zh-CN': '订阅产品需填写服务起止日期',
    'en-US': 'needs a service period (start and end) for a subscription product',
  },
  period_order: { 'zh-CN': '结束日期不能早于开始日期', 'en-US': 'must not end before it starts' },
  product_inactive: {
    'zh-CN': '该产品已停用，不能销售',
    'en-US': 'is an inactive product and cannot be sold',
  },
  order_not_draft: {
    'zh-CN': '订单已确认或已取消，不能再修改',
    'en-US': 'the order is no longer a draft and cannot change this way',
  },
  order_cancelled: { 'zh-CN': '订单已取消', 'en-US': 'the order is cancelled' },
  order_confirmed_fields: {
    'zh-CN': '已确认订单的客户、类型、币种和签约日期不能修改，请取消后重新下单',
    'en-US': 'cannot change on a confirmed order; cancel it and place a new one',
  },
  lines_required: { 'zh-CN': '至少需要一行产品', 'en-US': 'needs at least one line' },
  contract_status: {
    'zh-CN': '当前合同状态（{status}）不允许此操作',
    'en-US': 'is not allowed while the contract is {status}',
  },
  approval_required: {
    'zh-CN': '该合同需先提交审批',
    'en-US': 'This contract needs approval first: submit it',
  },
  approval_pending: {
    'zh-CN': '审批尚未通过',
    'en-US': 'The approval has not passed yet',
  },
  order_has_payments: {
    'zh-CN': '该订单已有回款，请先退款或改挂到其他回款计划后再取消',
    'en-US': 'Payments were received against this order: refund or reallocate them before cancelling',
  },
  invalid_signature: { 'zh-CN': '签名校验失败', 'en-US': 'The signature does not verify' },
  // cash: receivables (payment plans, payments, invoices)
  sum_mismatch: {
    'zh-CN': '分期金额合计 {sum} 与应收金额 {total} 不一致',
    'en-US': 'add up to {sum}, not to the amount {total}',
  },
  percent_sum: {
    'zh-CN': '分期比例合计为 {sum}%，应为 100%',
    'en-US': 'percentages add up to {sum}, not 100',
  },
  amount_or_percent: {
    'zh-CN': '每期填写金额或比例之一，同一计划不能混用',
    'en-US': 'give either an amount or a percent, the same way for every instalment',
  },
  not_ascending: { 'zh-CN': '到期日须晚于上一期', 'en-US': 'must be later than the previous due date' },
  other_currency: { 'zh-CN': '币种与关联单据不一致', 'en-US': 'is not in the currency of the {name}' },
  plan_has_payments: {
    'zh-CN': '该回款计划已有回款，不能修改分期',
    'en-US': 'The plan has payments allocated; its instalments cannot be replaced',
  },
  payment_state_conflict: {
    'zh-CN': '回款当前状态不允许此操作',
    'en-US': 'The payment’s state does not allow this',
  },
  invoice_state_conflict: {
    'zh-CN': '发票当前状态（{status}）不允许此操作',
    'en-US': 'The invoice is {status}, which does not allow this',
  },
  one_source: {
    'zh-CN': '须且只能关联合同或订单之一',
    'en-US': 'give either a contract or an order (exactly one)',
  },
  source_amount_missing: { 'zh-CN': '没有可分期的金额', 'en-US': 'has no amount to plan' },
  plan_exists: { 'zh-CN': '已有回款计划 {number}', 'en-US': 'already has the payment plan {number}' },
  ambiguous_account: {
    'zh-CN': '匹配到多个客户，请填写客户列',
    'en-US': 'matches several accounts; fill in the account column',
  },
  invoice_reconciled: {
    'zh-CN': '发票已核销回款，不能作废，请开具红字发票',
    'en-US': 'The invoice is reconciled with payments; issue a credit note instead of voiding it',
  },
  invoice_credited: {
    'zh-CN': '发票已开具红字发票，不能作废',
    'en-US': 'Credit notes have been issued against the invoice; it cannot be voided',
  },
  credit_exceeds_invoice: {
    'zh-CN': '超出原发票可冲红的金额，最多还可冲红 {max}',
    'en-US': 'is more than is left to credit on the invoice: at most {max}',
  },
  // cash: pricing (price lists, tiers, trial calculation)
  too_many_decimals: { 'zh-CN': '最多 {max} 位小数', 'en-US': 'allows at most {max} decimals' },
  must_be_positive: { 'zh-CN': '须大于 0', 'en-US': 'must be greater than 0' },
  tier_start: { 'zh-CN': '第一档须从 0 开始', 'en-US': 'the first tier must start at 0' },
  tier_range: { 'zh-CN': '上限须大于下限', 'en-US': 'must be greater than from_qty' },
  tier_gap: { 'zh-CN': '与上一档之间有空缺', 'en-US': 'leaves a gap after the previous tier' },
  tier_overlap: { 'zh-CN': '与上一档重叠', 'en-US': 'overlaps the previous tier' },
  tier_open_end: {
    'zh-CN': '只有最后一档不设上限（且必须不设）',
    'en-US': 'only the last tier is open-ended (it has no to_qty, the others have one)',
  },
  duplicate_item: { 'zh-CN': '同一产品重复出现', 'en-US': 'names a product already listed' },
  product_not_sellable: {
    'zh-CN': '{product} 不在该客户适用的价目表中，不能销售',
    'en-US': '{product} is not in any price list for this account and cannot be sold to it',
  },
  below_min_quantity: {
    'zh-CN': '{product} 的最小起订量为 {min}',
    'en-US': 'is below the minimum quantity {min} for {product}',
  },
  no_price: { 'zh-CN': '{product} 没有 {currency} 价格', 'en-US': '{product} has no price in {currency}' },
  not_bundle_option: { 'zh-CN': '不是该组合产品的子产品', 'en-US': 'is not an item of this bundle' },
  bundle_quantity: {
    'zh-CN': '子产品 {product} 的数量 {quantity} 超出范围 {min}–{max}',
    'en-US': 'gives {product} a quantity of {quantity}, outside {min}–{max}',
  },
  period_not_allowed: {
    'zh-CN': '一次性产品没有服务期',
    'en-US': 'one-time products have no service period',
  },
  amount_too_large: { 'zh-CN': '金额超出范围', 'en-US': 'makes an amount too large' },
  // cash: quotes
  quote_locked: {
    'zh-CN': '报价单状态为 {status}，已发送或已批准的版本不能修改，请创建新版本',
    'en-US': 'The quote is {status}: a sent or approved version cannot change; create a new version',
  },
  quote_state_conflict: {
    'zh-CN': '报价单当前状态（{status}）不允许此操作',
    'en-US': 'The quote is {status}, which does not allow this',
  },
  quote_expired: {
    'zh-CN': '报价单已于 {date} 过期，请创建新版本',
    'en-US': 'The quote expired on {date}; create a new version',
  },
  date_in_past: { 'zh-CN': '不能早于今天（{today}）', 'en-US': 'must not be before today ({today})' },
  // performance credit and commissions (cash module)
  revenue_split_total: {
    'zh-CN': '业绩分配（收入）比例合计为 {sum}%，应为 100%',
    'en-US': 'revenue splits add up to {sum}%, not 100%',
  },
  statement_state_conflict: {
    'zh-CN': '提成结算单当前状态（{status}）不允许此操作',
    'en-US': 'The commission statement is {status}, which does not allow this',
  },
  // subscriptions and renewals
  invalid_month: { 'zh-CN': '月份格式应为 YYYY-MM', 'en-US': 'must be a month (YYYY-MM)' },
  range_reversed: { 'zh-CN': '结束月份不能早于开始月份', 'en-US': 'must not be before the start month' },
  range_too_long: { 'zh-CN': '时间范围最多 {max} 个月', 'en-US': 'the range may span at most {max} months' },
  due_renewal_not_found: {
    'zh-CN': '该客户在此日期没有应续记录',
    'en-US': 'this account has no due renewal on that date',
  },
  adjustment_exists: {
    'zh-CN': '该应续记录已有审批中或已生效的调整',
    'en-US': 'This due renewal already has a pending or approved adjustment',
  },
  approval_process_required: {
    'zh-CN': '应续调整需要审批：请管理员先为“应续调整”配置审批流程',
    'en-US': 'Renewal adjustments need approval: ask an administrator to set up an approval process for them',
  },
  subscription_managed: {
    'zh-CN': '订阅台账、应续记录和应续调整由订单与审批自动维护，不能直接新建或删除',
    'en-US':
      'Subscription lines, due renewals and adjustments follow orders and approvals: they cannot be created or deleted directly',
  },
  adjustment_state_conflict: {
    'zh-CN': '应续调整当前状态（{status}）不允许此操作',
    'en-US': 'The adjustment is {status}, which does not allow this',
  },
  // customer success: usage telemetry
  unknown_customer: {
    'zh-CN': '找不到该客户（或你无权查看）',
    'en-US': 'names no customer you can see',
  },
  one_customer_key: {
    'zh-CN': '须且只能填写 account_id 或 external_id 之一',
    'en-US': 'give either account_id or external_id (exactly one)',
  },
  date_in_future: { 'zh-CN': '不能晚于今天（{today}）', 'en-US': 'must not be after today ({today})' },
  before_from: { 'zh-CN': '不能早于开始日期', 'en-US': 'must not be before the start date' },
  duplicate_column: { 'zh-CN': '该列重复出现', 'en-US': 'appears more than once' },
  // customer success: CSM incentive statements
  incentive_statement_state_conflict: {
    'zh-CN': '客户成功激励结算单当前状态（{status}）不允许此操作',
    'en-US': 'The CSM incentive statement is {status}, which does not allow this',
  },
  // customer success: warning work orders
  work_order_state_conflict: {
    'zh-CN': '预警工单当前状态（{status}）不允许此操作',
    'en-US': 'The work order is {status}, which does not allow this',
  },
  // customer success: renewal-probability model
  not_enough_history: {
    'zh-CN':
      '续费历史不足，无法训练模型：可用的已决续费 {examples} 条（续费 {renewed}、流失 {churned}）；至少需要 {min} 条，且续费与流失各至少 {min_class} 条',
    'en-US':
      'Not enough renewal history to train: {examples} usable decided renewals ({renewed} renewed, {churned} churned); at least {min} are needed, with {min_class} of each outcome',
  },
  // customer success: traffic lights (按灯) and complaints
  traffic_light_state_conflict: {
    'zh-CN': '按灯当前状态（{status}）不允许此操作',
    'en-US': 'The traffic light is {status}, which does not allow this',
  },
  not_your_attachment: {
    'zh-CN': '只能使用你在该客户上上传的附件',
    'en-US': 'must be a file you uploaded on this account',
  },
  // customer engagement: NPS and CSAT surveys
  score_out_of_range: {
    'zh-CN': '须为 {min} 到 {max} 之间的整数',
    'en-US': 'must be a whole number from {min} to {max}',
  },
  duplicate_key: { 'zh-CN': '与其他问题的标识重复', 'en-US': 'is the key of another question too' },
  key_retired: {
    'zh-CN': '该标识属于已删除的问题（其答复仍按此标识保存），新问题请使用新标识或不填',
    'en-US':
      'was the key of a removed question (its answers are still stored under it); give a new question a new key, or none',
  },
  survey_admin_only: {
    'zh-CN': '只有管理员可以新建、修改、启用、结束或删除问卷；客户成功经理可以发送问卷并查看结果',
    'en-US':
      'Only administrators may create, edit, activate, close or delete surveys; customer success managers send them and see their results',
  },
  survey_not_active: {
    'zh-CN': '问卷当前状态（{status}）不能发送，请先启用',
    'en-US': 'The survey is {status}; activate it before sending',
  },
  survey_kind_locked: {
    'zh-CN': '问卷已发出，不能再修改类型',
    'en-US': 'The survey has been sent; its kind can no longer change',
  },
  survey_link_not_found: { 'zh-CN': '问卷链接无效', 'en-US': 'This survey link is not valid' },
  survey_link_used: {
    'zh-CN': '该问卷已提交过，感谢您的反馈',
    'en-US': 'This survey has already been answered. Thank you for your feedback',
  },
  survey_link_expired: { 'zh-CN': '问卷链接已过期', 'en-US': 'This survey link has expired' },
  survey_closed: { 'zh-CN': '问卷已结束', 'en-US': 'This survey has closed' },
  survey_response_read_only: {
    'zh-CN': '问卷答复只能由客户通过问卷链接提交，不能修改',
    'en-US': 'Survey responses come only from the survey link and cannot be changed',
  },
  unknown_contact: {
    'zh-CN': '找不到该联系人（或你无权查看其客户）',
    'en-US': 'names no contact of a customer you can see',
  },
  survey_callback_not_due: {
    'zh-CN': '该答复没有回访任务（红灯关闭后才会生成）',
    'en-US': 'This response has no call-back task (one is made when its red light closes)',
  },
  // customer engagement: service tiers and touch cadence
  duplicate_tier_key: { 'zh-CN': '与其他服务等级的标识重复', 'en-US': 'is the key of another tier too' },
  tier_unreachable: {
    'zh-CN': '前面的服务等级「{key}」没有条件、已包含所有客户，此等级永远不会匹配',
    'en-US': 'can never match: tier {key} before it has no conditions and takes every customer',
  },
  // customer engagement: lifecycle journeys
  duplicate_journey_key: {
    'zh-CN': '与其他阶段（或本阶段其他关键任务）的标识重复',
    'en-US': 'is the key of another stage (or another task of the stage) too',
  },
  result_required: {
    'zh-CN': '须先记录该关键任务的可验证结果',
    'en-US': 'needs its verifiable result before the stage is completed',
  },
  not_account_file: { 'zh-CN': '须是该客户上的附件', 'en-US': 'must be a file attached to this customer' },
  before_entered: {
    'zh-CN': '不能早于进入该阶段的日期（{entered}）',
    'en-US': 'must not be before the day the stage was entered ({entered})',
  },
  journey_state_conflict: {
    'zh-CN': '客户旅程当前状态（{status}）不允许此操作',
    'en-US': 'The journey is {status}, which does not allow this',
  },
  journey_stage_not_current: {
    'zh-CN': '阶段「{stage}」不是当前阶段（当前：{current}）',
    'en-US': 'Stage {stage} is not the current stage ({current})',
  },
  journey_stage_completed: {
    'zh-CN': '该阶段已完成，关键任务结果不能再修改',
    'en-US': 'The stage is completed; its key task results can no longer change',
  },
  journey_exists: {
    'zh-CN': '该客户已有进行中的客户旅程',
    'en-US': 'This customer already has a journey under way',
  },
} as const satisfies Record<string, Labels>;

export type MessageKey = keyof typeof messages;
