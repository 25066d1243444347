import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  InputNumber,
  Input,
  Radio,
  Select,
  Skeleton,
  Space,
  Switch,
  Typography,
  type FormInstance,
} from 'antd';
import { DeleteOutlined, PlusOutlined, ArrowUpOutlined, ArrowDownOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe, useObjectMeta } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import {
  conditionValueText,
  parseConditionValue,
  settingsErrorPath,
  type ConditionOp,
} from './account-logic';
import { accountKeys, saveAccountSettings, useAccountSettings, type AccountSettings } from './api';

interface ConditionForm {
  field: string;
  op: ConditionOp;
  value: string;
}
interface RuleForm {
  id: string;
  grade: string;
  match: 'any' | 'all';
  conditions: ConditionForm[];
}
type SettingsForm = Omit<AccountSettings, 'gradeRules'> & { gradeRules: RuleForm[] };

const OPS: ConditionOp[] = ['gte', 'lte', 'eq', 'ne', 'contains', 'in', 'is_set'];

const toForm = (s: AccountSettings): SettingsForm => ({
  ...s,
  gradeRules: s.gradeRules.map((r) => ({
    id: r.id,
    grade: r.grade,
    match: r.match,
    conditions: r.conditions.map((c) => ({ field: c.field, op: c.op, value: conditionValueText(c.value) })),
  })),
});

const fromForm = (f: SettingsForm): AccountSettings => ({
  ...f,
  gradeFallback: f.gradeFallback || null,
  gradeRules: (f.gradeRules ?? []).map((r) => ({
    id: r.id,
    grade: r.grade,
    match: r.match,
    conditions: (r.conditions ?? []).map((c) => {
      const value = parseConditionValue(c.op, c.value ?? '');
      return value === undefined ? { field: c.field, op: c.op } : { field: c.field, op: c.op, value };
    }),
  })),
});

const newRuleId = () => `r${Date.now().toString(36)}`;

/** Account rules (admins): holding limit, cooldown, protection, duplicates, return reasons, grades. */
export function AccountSettingsSection() {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const settings = useAccountSettings();
  const accountMeta = useObjectMeta('account').meta;
  const [form] = Form.useForm<SettingsForm>();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const protectionOn = Form.useWatch(['protection', 'enabled'], form);

  useEffect(() => {
    if (settings.data) form.setFieldsValue(toForm(settings.data));
  }, [settings.data, form]);

  if (settings.error) return <Alert type="error" showIcon title={errorText(settings.error, t)} />;
  if (!settings.data) return <Skeleton active paragraph={{ rows: 8 }} />;
  const isAdmin = me?.role.is_admin === true;

  const gradeOptions = (accountMeta?.fields.find((f) => f.api_name === 'grade')?.options ?? []).map((o) => ({
    value: o.value,
    label: pick(o.label) || o.value,
  }));
  const fieldOptions = (accountMeta?.fields ?? [])
    .filter((f) => !f.system && f.api_name !== 'grade')
    .map((f) => ({ value: f.api_name, label: pick(f.label) || f.api_name }));

  const save = async (values: SettingsForm) => {
    setBusy(true);
    setProblem(null);
    try {
      const saved = await saveAccountSettings(fromForm({ ...form.getFieldsValue(true), ...values }));
      qc.setQueryData(accountKeys.settings, saved);
      form.setFieldsValue(toForm(saved));
      void message.success(t('common.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        // server paths are dynamic, so the loosely typed form instance places them
        const loose: FormInstance = form;
        loose.setFields(
          err.details
            .filter((d) => d.field)
            .map((d) => ({ name: settingsErrorPath(d.field ?? ''), errors: [d.issue] })),
        );
        setProblem(t('accounts.settings.saveFailed', { count: err.details.length }));
      } else setProblem(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const num = (name: (string | number)[], label: MessageKey, min: number, max: number, help?: MessageKey) => (
    <Form.Item name={name} label={t(label)} extra={help ? t(help) : undefined} rules={[{ required: true }]}>
      <InputNumber min={min} max={max} precision={0} style={{ width: 160 }} disabled={!isAdmin} />
    </Form.Item>
  );

  return (
    <Form<SettingsForm>
      form={form}
      layout="vertical"
      onFinish={(v) => void save(v)}
      disabled={!isAdmin}
      style={{ maxWidth: 880 }}
      data-testid="account-settings"
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {!isAdmin && <Alert type="info" showIcon title={t('accounts.settings.adminOnly')} />}
        {problem && <Alert type="error" showIcon title={problem} role="alert" />}
        <Card size="small" title={t('accounts.settings.limits')}>
          {num(
            ['holdingLimit'],
            'accounts.settings.holdingLimit',
            1,
            100000,
            'accounts.settings.holdingLimitHelp',
          )}
          <Form.Item
            name="wonCountsTowardLimit"
            label={t('accounts.settings.wonCounts')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
          {num(
            ['reclaimCooldownDays'],
            'accounts.settings.cooldown',
            0,
            365,
            'accounts.settings.cooldownHelp',
          )}
        </Card>
        <Card size="small" title={t('accounts.settings.protection')}>
          <Typography.Paragraph type="secondary">
            {t('accounts.settings.protectionHelp')}
          </Typography.Paragraph>
          <Form.Item
            name={['protection', 'enabled']}
            label={t('accounts.settings.protectionOn')}
            valuePropName="checked"
          >
            <Switch data-testid="protection-enabled" />
          </Form.Item>
          {protectionOn && (
            <Space wrap size={16}>
              {num(['protection', 'days'], 'accounts.settings.protectionDays', 1, 3650)}
              {num(['protection', 'extendDays'], 'accounts.settings.extendDays', 0, 3650)}
              {num(['protection', 'hardLimitDays'], 'accounts.settings.hardLimitDays', 1, 3650)}
            </Space>
          )}
        </Card>
        <Card size="small" title={t('accounts.settings.duplicates')}>
          <Form.Item name="duplicatePolicy" label={t('accounts.settings.duplicatePolicy')}>
            <Radio.Group
              options={[
                { value: 'warn', label: t('accounts.settings.dupWarn') },
                { value: 'block', label: t('accounts.settings.dupBlock') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="returnReasons"
            label={t('accounts.settings.returnReasons')}
            extra={t('accounts.settings.returnReasonsHelp')}
            rules={[
              {
                required: true,
                type: 'array',
                min: 1,
                message: t('accounts.settings.returnReasonsRequired'),
              },
            ]}
          >
            <Select mode="tags" open={false} tokenSeparators={[',', '，']} />
          </Form.Item>
        </Card>
        <Card size="small" title={t('accounts.settings.grades')}>
          <Typography.Paragraph type="secondary">{t('accounts.settings.gradesHelp')}</Typography.Paragraph>
          <Form.List name="gradeRules">
            {(rules, { add, remove, move }) => (
              <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                {rules.map((rule, index) => (
                  <Card
                    key={rule.key}
                    size="small"
                    type="inner"
                    title={t('accounts.settings.ruleN', { n: index + 1 })}
                    extra={
                      <Space size={2}>
                        <Button
                          size="small"
                          type="text"
                          icon={<ArrowUpOutlined />}
                          aria-label={t('accounts.settings.up')}
                          disabled={index === 0}
                          onClick={() => move(index, index - 1)}
                        />
                        <Button
                          size="small"
                          type="text"
                          icon={<ArrowDownOutlined />}
                          aria-label={t('accounts.settings.down')}
                          disabled={index === rules.length - 1}
                          onClick={() => move(index, index + 1)}
                        />
                        <Button
                          size="small"
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t('accounts.settings.removeRule')}
                          onClick={() => remove(rule.name)}
                        />
                      </Space>
                    }
                  >
                    <Form.Item name={[rule.name, 'id']} hidden>
                      <Input />
                    </Form.Item>
                    <Space wrap size={12}>
                      <Form.Item
                        name={[rule.name, 'grade']}
                        label={t('accounts.settings.grade')}
                        rules={[{ required: true, message: t('accounts.settings.gradeRequired') }]}
                      >
                        <Select options={gradeOptions} style={{ width: 120 }} />
                      </Form.Item>
                      <Form.Item name={[rule.name, 'match']} label={t('accounts.settings.match')}>
                        <Radio.Group
                          options={[
                            { value: 'all', label: t('accounts.settings.matchAll') },
                            { value: 'any', label: t('accounts.settings.matchAny') },
                          ]}
                        />
                      </Form.Item>
                    </Space>
                    <Form.List name={[rule.name, 'conditions']}>
                      {(conds, c) => (
                        <>
                          {conds.map((cond) => (
                            <Space key={cond.key} wrap align="start" size={8}>
                              <Form.Item
                                name={[cond.name, 'field']}
                                rules={[{ required: true, message: t('accounts.settings.fieldRequired') }]}
                              >
                                <Select
                                  options={fieldOptions}
                                  showSearch={{ optionFilterProp: 'label' }}
                                  placeholder={t('accounts.settings.field')}
                                  style={{ width: 180 }}
                                />
                              </Form.Item>
                              <Form.Item name={[cond.name, 'op']} rules={[{ required: true }]}>
                                <Select
                                  style={{ width: 130 }}
                                  options={OPS.map((o) => ({
                                    value: o,
                                    label: t(`accounts.op.${o}` as MessageKey),
                                  }))}
                                />
                              </Form.Item>
                              <Form.Item name={[cond.name, 'value']}>
                                <Input placeholder={t('accounts.settings.value')} style={{ width: 180 }} />
                              </Form.Item>
                              <Button
                                type="text"
                                danger
                                icon={<DeleteOutlined />}
                                aria-label={t('accounts.settings.removeCondition')}
                                onClick={() => c.remove(cond.name)}
                              />
                            </Space>
                          ))}
                          <Button
                            size="small"
                            icon={<PlusOutlined />}
                            onClick={() => c.add({ field: undefined, op: 'eq', value: '' })}
                          >
                            {t('accounts.settings.addCondition')}
                          </Button>
                        </>
                      )}
                    </Form.List>
                  </Card>
                ))}
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({ id: newRuleId(), grade: undefined, match: 'all', conditions: [] })}
                  data-testid="add-grade-rule"
                >
                  {t('accounts.settings.addRule')}
                </Button>
              </Space>
            )}
          </Form.List>
          {/* outside the list: items inside Form.List take the list's path as a prefix */}
          <Form.Item name="gradeFallback" label={t('accounts.settings.fallback')} style={{ marginTop: 12 }}>
            <Select
              allowClear
              options={gradeOptions}
              style={{ width: 160 }}
              placeholder={t('accounts.settings.noFallback')}
            />
          </Form.Item>
        </Card>
        {isAdmin && (
          <Button type="primary" htmlType="submit" loading={busy} data-testid="save-account-settings">
            {t('common.save')}
          </Button>
        )}
      </Space>
    </Form>
  );
}
