import { useEffect, useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Collapse,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Skeleton,
  Space,
  Switch,
  Typography,
  type FormInstance,
} from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe, useObjectMeta } from '../api/queries';
import { useUserDirectory } from '../api/users';
import { RecordSelect } from '../objects/record-select';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import type { FieldMeta } from '../api/types';
import { SETTINGS_KEY, saveLeadSettings, useLeadSettings, type ConditionOp } from './api';
import {
  errorFieldName,
  fromForm,
  newRuleId,
  panelOf,
  toForm,
  type Panel,
  type SettingsForm,
} from './settings-form';

const OPS: ConditionOp[] = ['eq', 'ne', 'contains', 'in', 'gte', 'lte', 'is_set'];
const OP_KEYS: Record<ConditionOp, MessageKey> = {
  eq: 'marketing.settings.op.eq',
  ne: 'marketing.settings.op.ne',
  contains: 'marketing.settings.op.contains',
  in: 'marketing.settings.op.in',
  gte: 'marketing.settings.op.gte',
  lte: 'marketing.settings.op.lte',
  is_set: 'marketing.settings.op.is_set',
};

/** Field, operator and value of one condition (scoring rule or assignment rule). */
function ConditionInputs({
  form,
  name,
  absolute,
  disabled,
}: {
  form: FormInstance<SettingsForm>;
  /** name relative to the enclosing Form.List */
  name: Array<string | number>;
  /** path of the condition from the form root, to watch its operator */
  absolute: Array<string | number>;
  disabled: boolean;
}) {
  const { t, pick } = useI18n();
  const { meta } = useObjectMeta('lead');
  const op = Form.useWatch<ConditionOp | undefined>([...absolute, 'op'], form);
  const fieldOptions = (meta?.fields ?? [])
    .filter(
      (f) =>
        !['id', 'version', 'created_at', 'updated_at', 'deleted_at', 'company_norm'].includes(f.api_name),
    )
    .map((f) => ({ value: f.api_name, label: pick(f.label) || f.api_name }));
  return (
    <Space wrap align="start" size={[8, 0]}>
      <Form.Item
        name={[...name, 'field']}
        label={t('marketing.settings.field')}
        rules={[{ required: true, message: t('marketing.settings.required') }]}
      >
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          options={fieldOptions}
          style={{ width: 160 }}
          disabled={disabled}
        />
      </Form.Item>
      <Form.Item name={[...name, 'op']} label={t('marketing.settings.op')} rules={[{ required: true }]}>
        <Select
          options={OPS.map((o) => ({ value: o, label: t(OP_KEYS[o]) }))}
          style={{ width: 120 }}
          disabled={disabled}
        />
      </Form.Item>
      {op !== 'is_set' && (
        <Form.Item name={[...name, 'value']} label={t('marketing.settings.value')}>
          {op === 'in' ? (
            <Select mode="tags" style={{ minWidth: 200 }} tokenSeparators={[',', '，']} disabled={disabled} />
          ) : op === 'gte' || op === 'lte' ? (
            <InputNumber style={{ width: 120 }} disabled={disabled} />
          ) : (
            <Input style={{ width: 180 }} disabled={disabled} />
          )}
        </Form.Item>
      )}
    </Space>
  );
}

/** Lead fields copied into account/contact fields on conversion (custom ones included). */
function ConversionPanel({ form, disabled }: { form: FormInstance<SettingsForm>; disabled: boolean }) {
  const { t, pick } = useI18n();
  const lead = useObjectMeta('lead').meta;
  const account = useObjectMeta('account').meta;
  const contact = useObjectMeta('contact').meta;
  // opportunities appear once the sales module is installed
  const opportunity = useObjectMeta('opportunity').meta;
  const rows = Form.useWatch('conversionMapping', form) ?? [];
  // the conversion itself writes these; the server refuses them as targets
  const reserved = new Set([
    'name',
    'owner_id',
    'account_id',
    'contact_id',
    'lead_id',
    'source',
    'campaign_id',
  ]);
  const options = (fields: FieldMeta[] | undefined, target: boolean) =>
    (fields ?? [])
      .filter(
        (f) =>
          !f.system &&
          !(target && (f.read_only || reserved.has(f.api_name) || f.api_name.startsWith('utm_'))),
      )
      .map((f) => ({ value: f.api_name, label: `${pick(f.label)} (${f.api_name})`, type: f.type }));
  const leadOptions = options(lead?.fields, false);
  return (
    <>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('marketing.settings.conversionHint')}
      </Typography.Paragraph>
      <Form.List name="conversionMapping">
        {(items, { add, remove }) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            {items.map((item) => {
              const row = rows[item.name];
              const fromType = leadOptions.find((o) => o.value === row?.lead_field)?.type;
              const targets = options(
                row?.object === 'contact'
                  ? contact?.fields
                  : row?.object === 'opportunity'
                    ? opportunity?.fields
                    : account?.fields,
                true,
              ).filter((o) => !fromType || o.type === fromType);
              return (
                <Space key={item.key} wrap align="start" data-testid="conversion-row">
                  <Form.Item
                    name={[item.name, 'lead_field']}
                    label={t('marketing.settings.conversion.leadField')}
                    rules={[{ required: true, message: t('marketing.settings.conversion.required') }]}
                  >
                    <Select
                      showSearch
                      optionFilterProp="label"
                      options={leadOptions}
                      style={{ width: 220 }}
                    />
                  </Form.Item>
                  <Form.Item name={[item.name, 'object']} label={t('marketing.settings.conversion.object')}>
                    <Select
                      style={{ width: 120 }}
                      options={[
                        { value: 'account', label: account ? pick(account.label) : 'account' },
                        { value: 'contact', label: contact ? pick(contact.label) : 'contact' },
                        ...(opportunity ? [{ value: 'opportunity', label: pick(opportunity.label) }] : []),
                      ]}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[item.name, 'field']}
                    label={t('marketing.settings.conversion.field')}
                    rules={[{ required: true, message: t('marketing.settings.conversion.required') }]}
                  >
                    <Select showSearch optionFilterProp="label" options={targets} style={{ width: 220 }} />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('common.delete')}
                    disabled={disabled}
                    onClick={() => remove(item.name)}
                    style={{ marginTop: 30 }}
                  />
                </Space>
              );
            })}
            <Button
              icon={<PlusOutlined />}
              disabled={disabled}
              onClick={() => add({ lead_field: '', object: 'account', field: '' })}
            >
              {t('marketing.settings.conversion.add')}
            </Button>
          </Space>
        )}
      </Form.List>
    </>
  );
}

function DuplicatePanel({ disabled }: { disabled: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item
            name="manualDuplicatePolicy"
            label={t('marketing.settings.manualPolicy')}
            extra={t('marketing.settings.manualPolicyHint')}
          >
            <Radio.Group disabled={disabled}>
              <Radio value="warn">{t('marketing.settings.policy.warn')}</Radio>
              <Radio value="block">{t('marketing.settings.policy.block')}</Radio>
            </Radio.Group>
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="fuzzyThreshold"
            label={t('marketing.settings.fuzzyThreshold')}
            extra={t('marketing.settings.fuzzyThresholdHint')}
            rules={[
              {
                required: true,
                type: 'number',
                min: 0.3,
                max: 1,
                message: t('marketing.settings.range', { min: 0.3, max: 1 }),
              },
            ]}
          >
            <InputNumber
              min={0}
              max={1}
              step={0.05}
              style={{ width: 120 }}
              disabled={disabled}
              data-testid="fuzzy-threshold"
            />
          </Form.Item>
        </Col>
      </Row>
      <Typography.Text strong>{t('marketing.settings.duplicateRules')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('marketing.settings.duplicateRulesHint')}
      </Typography.Paragraph>
      <Form.List name="duplicateRules">
        {(rules, { add, remove }) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            {rules.map((rule) => (
              <Card
                key={rule.key}
                size="small"
                extra={
                  !disabled && (
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('common.delete')}
                      onClick={() => remove(rule.name)}
                    />
                  )
                }
                title={
                  <Form.Item name={[rule.name, 'id']} noStyle rules={[{ required: true, max: 40 }]}>
                    <Input
                      size="small"
                      style={{ maxWidth: 200 }}
                      aria-label={t('marketing.settings.ruleId')}
                      disabled={disabled}
                    />
                  </Form.Item>
                }
              >
                <Space wrap align="start" size={[16, 0]}>
                  <Form.Item name={[rule.name, 'combinator']} label={t('marketing.settings.combinator')}>
                    <Radio.Group disabled={disabled}>
                      <Radio value="and">{t('marketing.settings.and')}</Radio>
                      <Radio value="or">{t('marketing.settings.or')}</Radio>
                    </Radio.Group>
                  </Form.Item>
                  <Form.Item name={[rule.name, 'onCapture']} label={t('marketing.settings.onCapture')}>
                    <Select
                      disabled={disabled}
                      style={{ width: 200 }}
                      options={[
                        { value: 'merge', label: t('marketing.settings.onCapture.merge') },
                        { value: 'review', label: t('marketing.settings.onCapture.review') },
                      ]}
                    />
                  </Form.Item>
                </Space>
                <Form.List name={[rule.name, 'fields']}>
                  {(fields, fieldOps) => (
                    <Space orientation="vertical" size={0}>
                      {fields.map((f) => (
                        <Space key={f.key} align="start" wrap>
                          <Form.Item name={[f.name, 'field']} rules={[{ required: true }]}>
                            <Select
                              disabled={disabled}
                              style={{ width: 140 }}
                              aria-label={t('marketing.settings.field')}
                              options={(['mobile', 'email', 'company'] as const).map((v) => ({
                                value: v,
                                label: t(`marketing.settings.dupField.${v}`),
                              }))}
                            />
                          </Form.Item>
                          <Form.Item name={[f.name, 'match']} rules={[{ required: true }]}>
                            <Select
                              disabled={disabled}
                              style={{ width: 120 }}
                              aria-label={t('marketing.settings.match')}
                              options={[
                                { value: 'exact', label: t('marketing.settings.match.exact') },
                                { value: 'fuzzy', label: t('marketing.settings.match.fuzzy') },
                              ]}
                            />
                          </Form.Item>
                          {!disabled && fields.length > 1 && (
                            <Button
                              type="text"
                              icon={<DeleteOutlined />}
                              aria-label={t('common.delete')}
                              onClick={() => fieldOps.remove(f.name)}
                            />
                          )}
                        </Space>
                      ))}
                      {!disabled && fields.length < 3 && (
                        <Button
                          size="small"
                          icon={<PlusOutlined />}
                          onClick={() => fieldOps.add({ field: 'mobile', match: 'exact' })}
                        >
                          {t('marketing.settings.addField')}
                        </Button>
                      )}
                    </Space>
                  )}
                </Form.List>
              </Card>
            ))}
            {!disabled && rules.length < 20 && (
              <Button
                icon={<PlusOutlined />}
                onClick={() =>
                  add({
                    id: newRuleId('dup', []),
                    fields: [{ field: 'mobile', match: 'exact' }],
                    combinator: 'and',
                    onCapture: 'review',
                  })
                }
              >
                {t('marketing.settings.addDuplicateRule')}
              </Button>
            )}
          </Space>
        )}
      </Form.List>
    </>
  );
}

function ScoringPanel({ form, disabled }: { form: FormInstance<SettingsForm>; disabled: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <Form.List name={['scoring', 'rules']}>
        {(rules, { add, remove }) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            {rules.map((rule) => (
              <ScoringRuleCard
                key={rule.key}
                form={form}
                index={rule.name}
                disabled={disabled}
                onRemove={() => remove(rule.name)}
              />
            ))}
            {!disabled && rules.length < 100 && (
              <Button
                icon={<PlusOutlined />}
                onClick={() => {
                  const taken = (
                    form.getFieldValue(['scoring', 'rules']) as SettingsForm['scoring']['rules']
                  ).map((r) => r.id);
                  add({
                    id: newRuleId('rule', taken),
                    kind: 'field',
                    label: { 'zh-CN': '', 'en-US': '' },
                    group: '',
                    points: 10,
                    when: { field: 'title', op: 'contains', value: '' },
                  });
                }}
              >
                {t('marketing.settings.addScoringRule')}
              </Button>
            )}
          </Space>
        )}
      </Form.List>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col xs={24} md={12}>
          <Typography.Text strong>{t('marketing.settings.groupCaps')}</Typography.Text>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('marketing.settings.groupCapsHint')}
          </Typography.Paragraph>
          <Form.List name={['scoring', 'groupCaps']}>
            {(caps, { add, remove }) => (
              <>
                {caps.map((c) => (
                  <Space key={c.key} align="start">
                    <Form.Item
                      name={[c.name, 'group']}
                      rules={[{ required: true, message: t('marketing.settings.required') }]}
                    >
                      <Input
                        placeholder={t('marketing.settings.group')}
                        style={{ width: 140 }}
                        disabled={disabled}
                      />
                    </Form.Item>
                    <Form.Item
                      name={[c.name, 'cap']}
                      rules={[{ required: true, type: 'number', min: 0, max: 1000 }]}
                    >
                      <InputNumber
                        min={0}
                        max={1000}
                        precision={0}
                        style={{ width: 100 }}
                        disabled={disabled}
                        aria-label={t('marketing.settings.cap')}
                      />
                    </Form.Item>
                    {!disabled && (
                      <Button
                        type="text"
                        icon={<DeleteOutlined />}
                        aria-label={t('common.delete')}
                        onClick={() => remove(c.name)}
                      />
                    )}
                  </Space>
                ))}
                {!disabled && (
                  <Button size="small" icon={<PlusOutlined />} onClick={() => add({ group: '', cap: 30 })}>
                    {t('marketing.settings.addCap')}
                  </Button>
                )}
              </>
            )}
          </Form.List>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name={['scoring', 'monthlyDecayPercent']}
            label={t('marketing.settings.decay')}
            extra={t('marketing.settings.decayHint')}
            rules={[
              {
                required: true,
                type: 'number',
                min: 0,
                max: 100,
                message: t('marketing.settings.range', { min: 0, max: 100 }),
              },
            ]}
          >
            <InputNumber min={0} max={100} suffix="%" style={{ width: 120 }} disabled={disabled} />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}

function ScoringRuleCard({
  form,
  index,
  disabled,
  onRemove,
}: {
  form: FormInstance<SettingsForm>;
  index: number;
  disabled: boolean;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const kind = Form.useWatch<'field' | 'behaviour' | undefined>(['scoring', 'rules', index, 'kind'], form);
  return (
    <Card
      size="small"
      title={
        <Form.Item name={[index, 'id']} noStyle rules={[{ required: true, max: 40 }]}>
          <Input
            size="small"
            style={{ maxWidth: 200 }}
            aria-label={t('marketing.settings.ruleId')}
            disabled={disabled}
          />
        </Form.Item>
      }
      extra={
        !disabled && (
          <Button
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('common.delete')}
            onClick={onRemove}
          />
        )
      }
    >
      <Row gutter={12}>
        <Col xs={24} sm={12} md={6}>
          <Form.Item
            name={[index, 'label', 'zh-CN']}
            label={t('marketing.settings.labelZh')}
            rules={[{ required: true, max: 80, message: t('marketing.settings.required') }]}
          >
            <Input disabled={disabled} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} md={6}>
          <Form.Item
            name={[index, 'label', 'en-US']}
            label={t('marketing.settings.labelEn')}
            rules={[{ required: true, max: 80, message: t('marketing.settings.required') }]}
          >
            <Input disabled={disabled} />
          </Form.Item>
        </Col>
        <Col xs={12} md={4}>
          <Form.Item name={[index, 'group']} label={t('marketing.settings.group')}>
            <Input disabled={disabled} />
          </Form.Item>
        </Col>
        <Col xs={12} md={4}>
          <Form.Item
            name={[index, 'points']}
            label={t('marketing.settings.points')}
            rules={[
              {
                required: true,
                type: 'integer',
                min: -100,
                max: 100,
                message: t('marketing.settings.range', { min: -100, max: 100 }),
              },
            ]}
          >
            <InputNumber precision={0} style={{ width: '100%' }} disabled={disabled} />
          </Form.Item>
        </Col>
        <Col xs={24} md={4}>
          <Form.Item name={[index, 'kind']} label={t('marketing.settings.kind')}>
            <Select
              disabled={disabled}
              options={[
                { value: 'field', label: t('marketing.settings.kind.field') },
                { value: 'behaviour', label: t('marketing.settings.kind.behaviour') },
              ]}
            />
          </Form.Item>
        </Col>
      </Row>
      {kind === 'behaviour' ? (
        <Space wrap align="start">
          <Form.Item
            name={[index, 'behaviour']}
            label={t('marketing.settings.behaviour')}
            rules={[{ required: true }]}
          >
            <Select
              disabled={disabled}
              style={{ width: 200 }}
              options={(['form_submitted', 'campaign_registered', 'campaign_attended'] as const).map((b) => ({
                value: b,
                label: t(`marketing.settings.behaviour.${b}`),
              }))}
            />
          </Form.Item>
          <Form.Item
            name={[index, 'min_count']}
            label={t('marketing.settings.minCount')}
            rules={[
              {
                required: true,
                type: 'integer',
                min: 1,
                max: 100,
                message: t('marketing.settings.range', { min: 1, max: 100 }),
              },
            ]}
          >
            <InputNumber min={1} max={100} precision={0} disabled={disabled} />
          </Form.Item>
        </Space>
      ) : (
        <ConditionInputs
          form={form}
          name={[index, 'when']}
          absolute={['scoring', 'rules', index, 'when']}
          disabled={disabled}
        />
      )}
    </Card>
  );
}

function AssignmentPanel({ form, disabled }: { form: FormInstance<SettingsForm>; disabled: boolean }) {
  const { t } = useI18n();
  const users = useUserDirectory().map((u) => ({ value: u.id, label: u.name }));
  return (
    <>
      <Form.Item
        name="defaultPoolId"
        label={t('marketing.settings.defaultPool')}
        extra={t('marketing.settings.defaultPoolHint')}
      >
        <RecordSelect object="lead_pool" />
      </Form.Item>
      <Typography.Text strong>{t('marketing.settings.assignmentRules')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('marketing.settings.assignmentRulesHint')}
      </Typography.Paragraph>
      <Form.List name="assignmentRules">
        {(rules, { add, remove, move }) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            {rules.map((rule, i) => (
              <Card
                key={rule.key}
                size="small"
                title={
                  <Space>
                    <Typography.Text type="secondary">{i + 1}.</Typography.Text>
                    <Form.Item name={[rule.name, 'name']} noStyle rules={[{ required: true, max: 80 }]}>
                      <Input
                        size="small"
                        style={{ maxWidth: 220 }}
                        aria-label={t('marketing.settings.ruleName')}
                        disabled={disabled}
                      />
                    </Form.Item>
                  </Space>
                }
                extra={
                  !disabled && (
                    <Space size={0}>
                      <Button
                        type="text"
                        icon={<ArrowUpOutlined />}
                        disabled={i === 0}
                        aria-label={t('marketing.settings.moveUp')}
                        onClick={() => move(i, i - 1)}
                      />
                      <Button
                        type="text"
                        icon={<ArrowDownOutlined />}
                        disabled={i === rules.length - 1}
                        aria-label={t('marketing.settings.moveDown')}
                        onClick={() => move(i, i + 1)}
                      />
                      <Button
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('common.delete')}
                        onClick={() => remove(rule.name)}
                      />
                    </Space>
                  )
                }
              >
                <Row gutter={12}>
                  <Col xs={24} sm={8}>
                    <Form.Item
                      name={[rule.name, 'id']}
                      label={t('marketing.settings.ruleId')}
                      rules={[{ required: true, max: 40 }]}
                    >
                      <Input disabled={disabled} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={8}>
                    <Form.Item name={[rule.name, 'strategy']} label={t('marketing.settings.strategy')}>
                      <Select
                        disabled={disabled}
                        options={[
                          { value: 'round_robin', label: t('marketing.settings.strategy.round_robin') },
                          { value: 'load', label: t('marketing.settings.strategy.load') },
                        ]}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={8}>
                    <Form.Item
                      name={[rule.name, 'dailyCap']}
                      label={t('marketing.settings.dailyCap')}
                      extra={t('marketing.settings.dailyCapHint')}
                      rules={[{ required: true, type: 'integer', min: 0, max: 10000 }]}
                    >
                      <InputNumber
                        min={0}
                        max={10000}
                        precision={0}
                        style={{ width: '100%' }}
                        disabled={disabled}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      name={[rule.name, 'members']}
                      label={t('marketing.settings.members')}
                      rules={[
                        {
                          required: true,
                          type: 'array',
                          min: 1,
                          message: t('marketing.settings.membersRequired'),
                        },
                      ]}
                    >
                      <Select
                        mode="multiple"
                        showSearch={{ optionFilterProp: 'label' }}
                        options={users}
                        disabled={disabled}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      name={[rule.name, 'paused']}
                      label={t('marketing.settings.paused')}
                      extra={t('marketing.settings.pausedHint')}
                    >
                      <Select
                        mode="multiple"
                        showSearch={{ optionFilterProp: 'label' }}
                        options={users}
                        disabled={disabled}
                      />
                    </Form.Item>
                  </Col>
                </Row>
                <Typography.Text type="secondary">{t('marketing.settings.conditions')}</Typography.Text>
                <Form.List name={[rule.name, 'conditions']}>
                  {(conds, condOps) => (
                    <div>
                      {conds.map((c) => (
                        <Space key={c.key} align="start" wrap>
                          <ConditionInputs
                            form={form}
                            name={[c.name]}
                            absolute={['assignmentRules', rule.name, 'conditions', c.name]}
                            disabled={disabled}
                          />
                          {!disabled && (
                            <Button
                              type="text"
                              icon={<DeleteOutlined />}
                              aria-label={t('common.delete')}
                              onClick={() => condOps.remove(c.name)}
                              style={{ marginTop: 30 }}
                            />
                          )}
                        </Space>
                      ))}
                      {!disabled && conds.length < 10 && (
                        <div>
                          <Button
                            size="small"
                            icon={<PlusOutlined />}
                            onClick={() => condOps.add({ field: 'province', op: 'in', value: [] })}
                          >
                            {t('marketing.settings.addCondition')}
                          </Button>
                        </div>
                      )}
                      {conds.length === 0 && (
                        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 0' }}>
                          {t('marketing.settings.noConditions')}
                        </Typography.Paragraph>
                      )}
                    </div>
                  )}
                </Form.List>
              </Card>
            ))}
            {!disabled && rules.length < 50 && (
              <Button
                icon={<PlusOutlined />}
                onClick={() => {
                  const taken = (
                    form.getFieldValue('assignmentRules') as SettingsForm['assignmentRules']
                  ).map((r) => r.id);
                  add({
                    id: newRuleId('assign', taken),
                    name: t('marketing.settings.newRuleName'),
                    conditions: [],
                    strategy: 'round_robin',
                    members: [],
                    dailyCap: 0,
                    paused: [],
                  });
                }}
              >
                {t('marketing.settings.addAssignmentRule')}
              </Button>
            )}
          </Space>
        )}
      </Form.List>
    </>
  );
}

/** Settings → 线索设置: the whole lead settings object (LEADS.md 12.1), saved with one PUT. */
export function LeadSettingsSection() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const isAdmin = me?.role.is_admin === true;
  const settings = useLeadSettings();
  const [form] = Form.useForm<SettingsForm>();
  const [open, setOpen] = useState<Panel[]>(['invalid', 'duplicates']);
  const [problem, setProblem] = useState<{ title: string; lines: string[] } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (settings.data) form.setFieldsValue(toForm(settings.data));
  }, [settings.data, form]);

  if (settings.error) return <Alert type="error" showIcon title={errorText(settings.error, t)} />;
  if (!settings.data) return <Skeleton active paragraph={{ rows: 8 }} />;

  const save = async (values: SettingsForm) => {
    setBusy(true);
    setProblem(null);
    try {
      const saved = await saveLeadSettings(fromForm({ ...form.getFieldsValue(true), ...values }));
      qc.setQueryData(SETTINGS_KEY, saved);
      form.setFieldsValue(toForm(saved));
      message.success(t('common.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const current = form.getFieldsValue(true) as SettingsForm;
        // server paths are dynamic, so the loosely typed form instance places them
        const loose: FormInstance = form;
        loose.setFields(
          err.details
            .filter((d) => d.field)
            .map((d) => ({ name: errorFieldName(d.field ?? '', current), errors: [d.issue] })),
        );
        const panels = err.details.map((d) => panelOf(d.field ?? '')).filter((p): p is Panel => p !== null);
        setOpen((o) => [...new Set([...o, ...panels])]);
        setProblem({
          title: t('marketing.settings.saveFailed', { count: err.details.length }),
          lines: err.details.map((d) => `${d.field ?? ''}: ${d.issue}`),
        });
      } else setProblem({ title: errorText(err, t), lines: [] });
    } finally {
      setBusy(false);
    }
  };

  const disabled = !isAdmin;
  const panel = (key: Panel, label: MessageKey, children: ReactNode) => ({
    key,
    label: t(label),
    forceRender: true,
    children,
  });

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="lead-settings">
      {!isAdmin && <Alert type="info" showIcon title={t('marketing.settings.adminOnly')} />}
      {problem && (
        <Alert
          type="error"
          showIcon
          title={problem.title}
          description={problem.lines.length ? problem.lines.map((l) => <div key={l}>{l}</div>) : undefined}
          data-testid="lead-settings-error"
        />
      )}
      <Form<SettingsForm>
        form={form}
        layout="vertical"
        onFinish={(v) => void save(v)}
        onFinishFailed={({ errorFields }) => {
          const panels = errorFields
            .map((e) => panelOf(e.name.join('.')))
            .filter((p): p is Panel => p !== null);
          setOpen((o) => [...new Set([...o, ...panels])]);
        }}
        disabled={disabled}
        scrollToFirstError
      >
        <Collapse
          activeKey={open}
          onChange={(k) =>
            setOpen((Array.isArray(k) ? k : [k]).filter((x): x is Panel => typeof x === 'string'))
          }
          items={[
            panel(
              'invalid',
              'marketing.settings.panel.invalid',
              <Form.Item
                name="invalidReasons"
                label={t('marketing.settings.invalidReasons')}
                extra={t('marketing.settings.invalidReasonsHint')}
                rules={[
                  {
                    required: true,
                    type: 'array',
                    min: 1,
                    max: 50,
                    message: t('marketing.settings.invalidReasonsRequired'),
                  },
                ]}
              >
                <Select
                  mode="tags"

                  tokenSeparators={[',', '，']}
                  data-testid="invalid-reasons"
                  aria-label={t('marketing.settings.invalidReasons')}
                />
              </Form.Item>,
            ),
            panel(
              'duplicates',
              'marketing.settings.panel.duplicates',
              <DuplicatePanel disabled={disabled} />,
            ),
            panel(
              'scoring',
              'marketing.settings.panel.scoring',
              <ScoringPanel form={form} disabled={disabled} />,
            ),
            panel(
              'assignment',
              'marketing.settings.panel.assignment',
              <AssignmentPanel form={form} disabled={disabled} />,
            ),
            panel(
              'protection',
              'marketing.settings.panel.protection',
              <>
                <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                  {t('marketing.settings.protectionHint')}
                </Typography.Paragraph>
                <Form.Item
                  name={['protection', 'enabled']}
                  label={t('marketing.settings.protection.enabled')}
                  extra={t('marketing.settings.protection.enabledHint')}
                  valuePropName="checked"
                >
                  <Switch data-testid="protection-enabled" />
                </Form.Item>
                <Space wrap align="start" size={[16, 0]}>
                  <Form.Item
                    name={['protection', 'days']}
                    label={t('marketing.settings.protection.days')}
                    rules={[{ required: true, type: 'integer', min: 1, max: 365 }]}
                  >
                    <InputNumber min={1} max={365} precision={0} />
                  </Form.Item>
                  <Form.Item
                    name={['protection', 'extendDays']}
                    label={t('marketing.settings.protection.extendDays')}
                    rules={[{ required: true, type: 'integer', min: 0, max: 365 }]}
                  >
                    <InputNumber min={0} max={365} precision={0} />
                  </Form.Item>
                  <Form.Item
                    name={['protection', 'hardLimitDays']}
                    label={t('marketing.settings.protection.hardLimitDays')}
                    rules={[{ required: true, type: 'integer', min: 1, max: 3650 }]}
                  >
                    <InputNumber min={1} max={3650} precision={0} />
                  </Form.Item>
                  <Form.Item
                    name="reclaimCooldownDays"
                    label={t('marketing.settings.reclaimCooldownDays')}
                    extra={t('marketing.settings.reclaimCooldownHint')}
                    rules={[{ required: true, type: 'integer', min: 0, max: 365 }]}
                  >
                    <InputNumber min={0} max={365} precision={0} />
                  </Form.Item>
                </Space>
              </>,
            ),
            panel(
              'conversion',
              'marketing.settings.panel.conversion',
              <>
                <Form.Item
                  name="requireQualifiedToConvert"
                  label={t('marketing.settings.requireQualified')}
                  extra={t('marketing.settings.requireQualifiedHint')}
                  valuePropName="checked"
                >
                  <Switch data-testid="require-qualified" />
                </Form.Item>
                <ConversionPanel form={form} disabled={disabled} />
              </>,
            ),
          ]}
        />
        {isAdmin && (
          <Space style={{ marginTop: 16 }}>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="lead-settings-save">
              {t('common.save')}
            </Button>
            <Button
              disabled={busy}
              onClick={() => {
                setProblem(null);
                if (settings.data) form.setFieldsValue(toForm(settings.data));
              }}
            >
              {t('marketing.settings.reset')}
            </Button>
          </Space>
        )}
      </Form>
    </Space>
  );
}
