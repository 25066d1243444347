import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Skeleton,
  Space,
  Tooltip,
  Typography,
  type FormInstance,
} from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useAdminUsers, useDepartments } from '../api/admin';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { ACTIVITY_TYPES } from '../activities/activity-logic';
import { TYPE_LABEL } from '../activities/type-icons';
import { runTiers, saveTierSettings, tierKeys, useTierSettings } from './tiers-api';
import {
  blankTier,
  formPathOf,
  formToSettings,
  GRADE_OPTIONS,
  settingsToForm,
  TEAM_MODES,
  type TierForm,
  type TierSettingsForm,
} from './tiers-logic';

type FieldError = Parameters<FormInstance<TierSettingsForm>['setFields']>[0][number];

/**
 * Settings → 服务分级与回访: the ordered tier rules (first match wins) with their conditions,
 * call and visit cadence and team, which activity types count as a call or a visit, and a button
 * that runs the daily tiering and assignment now.
 */
export function TierSettingsSection() {
  const { t } = useI18n();
  const settings = useTierSettings();
  if (settings.error) return <Alert type="error" showIcon title={errorText(settings.error, t)} />;
  if (!settings.data) return <Skeleton active paragraph={{ rows: 10 }} />;
  return <TierEditor initial={settingsToForm(settings.data)} />;
}

function TierEditor({ initial }: { initial: TierSettingsForm }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<TierSettingsForm>();
  const [busy, setBusy] = useState(false);
  const [running, setRunning] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const users = useAdminUsers();
  const departments = useDepartments();

  useEffect(() => form.setFieldsValue(initial), [form, initial]);

  const userOptions = (users.data ?? [])
    .filter((u) => u.status === 'active' && u.partner_account_id === null)
    .map((u) => ({ value: u.id, label: `${u.name}（${u.email}）` }));
  const deptOptions = (departments.data ?? []).map((d) => ({ value: d.id, label: d.name }));
  const typeOptions = ACTIVITY_TYPES.map((v) => ({ value: v, label: t(TYPE_LABEL[v]) }));

  const save = async (values: TierSettingsForm) => {
    setBusy(true);
    setProblem(null);
    try {
      const saved = await saveTierSettings(formToSettings(values));
      qc.setQueryData(tierKeys.settings, saved);
      await qc.invalidateQueries({ queryKey: tierKeys.touch });
      form.setFieldsValue(settingsToForm(saved));
      void message.success(t('tiers.saved'));
    } catch (err) {
      if (!(err instanceof ApiError) || err.details.length === 0) {
        setProblem(errorText(err, t));
        return;
      }
      const fields: FieldError[] = [];
      const rest: string[] = [];
      for (const d of err.details) {
        const path = d.field === undefined ? null : formPathOf(d.field);
        if (path) fields.push({ name: path as FieldError['name'], errors: [d.issue] });
        else rest.push(d.field ? `${d.field}: ${d.issue}` : d.issue);
      }
      form.setFields(fields);
      setProblem(rest.length ? rest.join('; ') : t('tiers.fixFields'));
    } finally {
      setBusy(false);
    }
  };

  const runNow = async () => {
    setRunning(true);
    try {
      const run = await runTiers();
      const r = (run.result ?? {}) as Record<string, unknown>;
      if (run.status === 'succeeded')
        void message.success(
          t('tiers.runDone', { customers: Number(r.customers ?? 0), assigned: Number(r.assigned ?? 0) }),
        );
      else void message.error(t('tiers.runFailed', { error: run.error ?? run.status }));
      await qc.invalidateQueries({ queryKey: tierKeys.touch });
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Card
      title={t('tiers.settings.title')}
      extra={
        <Space>
          <Link to="/success/touch">{t('tiers.openDashboard')}</Link>
          <Button onClick={() => void runNow()} loading={running} data-testid="tiers-run">
            {t('tiers.run')}
          </Button>
        </Space>
      }
      style={{ maxWidth: 1100 }}
      data-testid="tier-settings"
    >
      <Typography.Paragraph type="secondary">{t('tiers.settings.intro')}</Typography.Paragraph>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form<TierSettingsForm>
        form={form}
        layout="vertical"
        onFinish={(v) => void save(v)}
        initialValues={initial}
      >
        <Form.List name="tiers">
          {(fields, { add, remove, move }) => (
            <Space orientation="vertical" size={12} style={{ width: '100%' }}>
              {fields.map((f, i) => (
                <TierCard
                  key={f.key}
                  name={f.name}
                  index={i}
                  count={fields.length}
                  form={form}
                  onRemove={() => remove(f.name)}
                  onMove={(to) => move(i, to)}
                  userOptions={userOptions}
                  deptOptions={deptOptions}
                />
              ))}
              <Button
                icon={<PlusOutlined />}
                disabled={fields.length >= 10}
                onClick={() => {
                  const tiers = (form.getFieldValue('tiers') ?? []) as TierForm[];
                  add(blankTier(tiers.map((x) => x.key)));
                }}
                data-testid="tiers-add"
              >
                {t('tiers.add')}
              </Button>
            </Space>
          )}
        </Form.List>
        <Typography.Title level={5} style={{ marginTop: 24 }}>
          {t('tiers.touchTypes.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('tiers.touchTypes.hint')}</Typography.Paragraph>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name={['touch_types', 'call']} label={t('tiers.touchTypes.call')}>
              <Select mode="multiple" options={typeOptions} data-testid="tiers-call-types" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name={['touch_types', 'visit']} label={t('tiers.touchTypes.visit')}>
              <Select mode="multiple" options={typeOptions} data-testid="tiers-visit-types" />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="tiers-save">
          {t('tiers.save')}
        </Button>
      </Form>
    </Card>
  );
}

function TierCard({
  name,
  index,
  count,
  form,
  onRemove,
  onMove,
  userOptions,
  deptOptions,
}: {
  name: number;
  index: number;
  count: number;
  form: FormInstance<TierSettingsForm>;
  onRemove: () => void;
  onMove: (to: number) => void;
  userOptions: { value: string; label: string }[];
  deptOptions: { value: string; label: string }[];
}) {
  const { t } = useI18n();
  const tier = Form.useWatch(['tiers', name], form) as TierForm | undefined;
  const noConditions =
    tier !== undefined &&
    (tier.min_arr_yuan === null || tier.min_arr_yuan === undefined) &&
    tier.grades.length === 0 &&
    tier.industries.length === 0;
  const none = t('tiers.field.none');
  return (
    <Card
      size="small"
      type="inner"
      title={
        <Space>
          <Typography.Text type="secondary">{t('tiers.rule', { n: index + 1 })}</Typography.Text>
          <Typography.Text strong>
            {tier?.label?.trim() || t('tiers.defaultName', { key: tier?.key ?? '' })}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space size={4}>
          <Tooltip title={t('tiers.moveUp')}>
            <Button
              size="small"
              icon={<ArrowUpOutlined />}
              aria-label={t('tiers.moveUp')}
              disabled={index === 0}
              onClick={() => onMove(index - 1)}
            />
          </Tooltip>
          <Tooltip title={t('tiers.moveDown')}>
            <Button
              size="small"
              icon={<ArrowDownOutlined />}
              aria-label={t('tiers.moveDown')}
              disabled={index === count - 1}
              onClick={() => onMove(index + 1)}
            />
          </Tooltip>
          <Tooltip title={t('tiers.remove')}>
            <Button
              size="small"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('tiers.remove')}
              disabled={count <= 1}
              onClick={onRemove}
            />
          </Tooltip>
        </Space>
      }
      data-testid={`tier-card-${index}`}
    >
      <Row gutter={12}>
        <Col xs={12} md={4}>
          <Form.Item name={[name, 'key']} label={t('tiers.field.key')} rules={[{ required: true }]}>
            <Input maxLength={20} />
          </Form.Item>
        </Col>
        <Col xs={12} md={8}>
          <Form.Item name={[name, 'label']} label={t('tiers.field.label')}>
            <Input maxLength={50} placeholder={t('tiers.defaultName', { key: tier?.key ?? '' })} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={[name, 'match']} label={t('tiers.field.match')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'all', label: t('tiers.match.all') },
                { value: 'any', label: t('tiers.match.any') },
              ]}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={[name, 'min_arr_yuan']} label={t('tiers.field.minArr')}>
            <InputNumber
              min={0}
              step={10_000}
              style={{ width: '100%' }}
              placeholder={t('tiers.field.anyValue')}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={[name, 'grades']} label={t('tiers.field.grades')}>
            <Select
              mode="tags"
              options={GRADE_OPTIONS.map((g) => ({ value: g, label: g }))}
              placeholder={t('tiers.field.anyValue')}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={[name, 'industries']} label={t('tiers.field.industries')}>
            <Select mode="tags" open={false} suffixIcon={null} placeholder={t('tiers.field.anyValue')} />
          </Form.Item>
        </Col>
      </Row>
      {noConditions && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          {t('tiers.noConditions')}
        </Typography.Paragraph>
      )}
      <Row gutter={12}>
        <Col xs={12} md={6}>
          <Form.Item name={[name, 'call_every_days']} label={t('tiers.field.callEvery')}>
            <InputNumber min={1} max={365} precision={0} style={{ width: '100%' }} placeholder={none} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name={[name, 'visit_every_days']} label={t('tiers.field.visitEvery')}>
            <InputNumber min={1} max={730} precision={0} style={{ width: '100%' }} placeholder={none} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={[name, 'team_mode']} label={t('tiers.field.team')}>
            <Radio.Group
              optionType="button"
              options={TEAM_MODES.map((m) => ({ value: m, label: t(`tiers.team.${m}`) }))}
            />
          </Form.Item>
          {tier?.team_mode === 'users' && (
            <Form.Item name={[name, 'user_ids']} label={t('tiers.field.users')}>
              <Select mode="multiple" options={userOptions} optionFilterProp="label" />
            </Form.Item>
          )}
          {tier?.team_mode === 'department' && (
            <Form.Item name={[name, 'department_id']} label={t('tiers.field.department')}>
              <Select options={deptOptions} allowClear optionFilterProp="label" showSearch />
            </Form.Item>
          )}
        </Col>
      </Row>
    </Card>
  );
}
