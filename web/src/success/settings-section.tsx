import { useEffect, useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
  type FormInstance,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { formatDateTime } from '../format/date';
import { formatMoney, yuanToFen } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { fetchModel, saveModel, successKeys, type ModelView } from './api';
import { BANDED, DIMENSIONS, weightsSum, type BandedDimension } from './logic';
import {
  bandProblem,
  formPathOf,
  formToModel,
  modelToForm,
  moduleKeyProblem,
  type ModelForm,
} from './model-form';
import { DIMENSION_LABEL } from './parts';

type FieldError = Parameters<FormInstance<ModelForm>['setFields']>[0][number];

const BAND_HINT: Record<BandedDimension, MessageKey> = {
  instance_ratio: 'cs.model.bandHint.instance_ratio',
  activation_rate: 'cs.model.bandHint.activation_rate',
  login_rate: 'cs.model.bandHint.login_rate',
  bi_usage: 'cs.model.bandHint.bi_usage',
};

/**
 * The health model (Settings → 客户健康度): weights, module points, bands, window, thresholds,
 * alert thresholds, nine-grid tiers and the CSM incentive table. Saving makes a new version; the
 * next weekly run scores with it.
 */
export function HealthModelSection() {
  const { t } = useI18n();
  const model = useQuery({ queryKey: successKeys.model, queryFn: fetchModel });
  if (model.error) return <Alert type="error" showIcon title={errorText(model.error, t)} />;
  if (!model.data) return <Skeleton active paragraph={{ rows: 10 }} />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%', maxWidth: 960 }}>
      <ModelEditor view={model.data} />
      <Versions view={model.data} />
    </Space>
  );
}

function ModelEditor({ view }: { view: ModelView }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const isAdmin = useMe().data?.role.is_admin === true;
  const currency = useMe().data?.tenant.currency ?? 'CNY';
  const [form] = Form.useForm<ModelForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [weightsIssue, setWeightsIssue] = useState<string | null>(null);
  const weights = Form.useWatch('weights', form) ?? {};
  const tiers = Form.useWatch('valueTiers', form);
  const sum = weightsSum(weights);

  useEffect(() => {
    form.setFieldsValue(modelToForm(view.model));
  }, [view, form]);

  const save = async (values: ModelForm) => {
    setProblem(null);
    setWeightsIssue(null);
    if (weightsSum(values.weights) !== 100) {
      setWeightsIssue(t('cs.model.weightsMust', { sum: weightsSum(values.weights) }));
      return;
    }
    setBusy(true);
    try {
      const saved = await saveModel(formToModel(values));
      qc.setQueryData(successKeys.model, saved);
      void message.success(t('cs.model.saved', { version: saved.version }));
    } catch (err) {
      placeServerErrors(err, values);
    } finally {
      setBusy(false);
    }
  };

  /** Each server issue next to its field; the weights' sum beside the live sum; the rest on top. */
  const placeServerErrors = (err: unknown, values: ModelForm) => {
    if (!(err instanceof ApiError) || err.details.length === 0) {
      setProblem(errorText(err, t));
      return;
    }
    const rest: string[] = [];
    const fields: FieldError[] = [];
    for (const d of err.details) {
      const path = d.field === undefined ? undefined : formPathOf(d.field, values);
      if (d.field === 'weights' || (d.field?.startsWith('weights') && path === null))
        setWeightsIssue(d.issue);
      else if (path && path.length > 0) fields.push({ name: path as FieldError['name'], errors: [d.issue] });
      else rest.push(d.field ? `${d.field}: ${d.issue}` : d.issue);
    }
    form.setFields(fields);
    if (rest.length) setProblem(rest.join('; '));
    else if (fields.length) setProblem(t('cs.model.fixFields'));
  };

  return (
    <Card
      size="small"
      title={
        <Space>
          {t('cs.model.title')}
          <Tag data-testid="model-version">
            {view.version === 0 ? t('cs.model.defaults') : t('cs.model.version', { version: view.version })}
          </Tag>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('cs.model.intro')}</Typography.Paragraph>
      {!isAdmin && (
        <Alert type="info" showIcon title={t('cs.model.adminOnly')} style={{ marginBottom: 12 }} />
      )}
      <Form<ModelForm>
        form={form}
        layout="vertical"
        disabled={!isAdmin}
        onFinish={(v) => void save(v)}
        onValuesChange={(changed: Partial<ModelForm>) => {
          // a server or submit complaint about the sum is stale once a weight changes
          if (changed.weights) setWeightsIssue(null);
        }}
        onFinishFailed={() => setProblem(t('cs.model.fixFields'))}
        data-testid="health-model-form"
        scrollToFirstError
      >
        {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}

        <Section title={t('cs.model.weights')} hint={t('cs.model.weightsHint')}>
          <Row gutter={12}>
            {DIMENSIONS.map((d) => (
              <Col key={d} xs={12} md={8} lg={4}>
                <Form.Item
                  name={['weights', d]}
                  label={t(DIMENSION_LABEL[d])}
                  rules={[{ required: true, message: t('cs.model.required') }]}
                >
                  <InputNumber
                    min={0}
                    max={100}
                    precision={0}
                    suffix="%"
                    style={{ width: '100%' }}
                    data-testid={`weight-${d}`}
                  />
                </Form.Item>
              </Col>
            ))}
            <Col xs={12} md={8} lg={4}>
              <Form.Item label={t('cs.model.weightsSum')}>
                <Tag
                  color={sum === 100 ? 'green' : 'red'}
                  data-testid="weights-sum"
                  role="status"
                  aria-live="polite"
                  style={{ fontSize: 14, padding: '4px 8px' }}
                >
                  {sum}%
                </Tag>
              </Form.Item>
            </Col>
          </Row>
          {(sum !== 100 || weightsIssue) && (
            <Typography.Text type="danger" data-testid="weights-issue">
              {weightsIssue ?? t('cs.model.weightsMust', { sum })}
            </Typography.Text>
          )}
        </Section>

        <Section title={t('cs.model.modules')} hint={t('cs.model.modulesHint')}>
          <Form.Item
            name="fullScorePoints"
            label={t('cs.model.fullScorePoints')}
            extra={t('cs.model.fullScorePointsHint')}
            rules={[{ required: true, message: t('cs.model.required') }]}
          >
            <InputNumber min={1} max={1000} precision={0} style={{ width: 160 }} />
          </Form.Item>
          <ModulePoints form={form} />
        </Section>

        <Section title={t('cs.model.bands')} hint={t('cs.model.bandsHint')}>
          <Row gutter={[16, 8]}>
            {BANDED.map((d) => (
              <Col key={d} xs={24} md={12}>
                <BandList
                  name={['bands', d]}
                  title={t(DIMENSION_LABEL[d])}
                  hint={t(BAND_HINT[d])}
                  testId={`bands-${d}`}
                />
              </Col>
            ))}
          </Row>
        </Section>

        <Section title={t('cs.model.window')} hint={t('cs.model.windowHint')}>
          <Row gutter={12}>
            <Col xs={12} md={8}>
              <Form.Item
                name="windowWeeks"
                label={t('cs.model.windowWeeks')}
                rules={[{ required: true, message: t('cs.model.required') }]}
              >
                <InputNumber min={1} max={13} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <Form.Item
                name="healthyMin"
                label={t('cs.model.healthyMin')}
                rules={[{ required: true, message: t('cs.model.required') }]}
              >
                <InputNumber min={0} max={100} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <Form.Item
                name="unhealthyBelow"
                label={t('cs.model.unhealthyBelow')}
                dependencies={['healthyMin']}
                rules={[
                  { required: true, message: t('cs.model.required') },
                  ({ getFieldValue }) => ({
                    validator: (_, v: number | null) =>
                      v === null || v === undefined || v <= Number(getFieldValue('healthyMin'))
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('cs.model.unhealthyAboveHealthy'))),
                  }),
                ]}
              >
                <InputNumber min={0} max={100} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
        </Section>

        <Section title={t('cs.model.alerts')} hint={t('cs.model.alertsHint')}>
          <Row gutter={12}>
            <NumberItem
              name={['alerts', 'scoreChange']}
              label={t('cs.model.scoreChange')}
              min={0.1}
              max={100}
            />
            <NumberItem
              name={['alerts', 'loginChange']}
              label={t('cs.model.loginChange')}
              min={1}
              max={100}
              suffix="%"
            />
            <NumberItem
              name={['alerts', 'probabilityChange']}
              label={t('cs.model.probabilityChange')}
              min={0.01}
              max={1}
              step={0.01}
            />
            <NumberItem
              name={['alerts', 'quotaUsed']}
              label={t('cs.model.quotaUsed')}
              min={1}
              max={100}
              suffix="%"
            />
            {(['high', 'mid', 'low'] as const).map((l) => (
              <NumberItem
                key={l}
                name={['alerts', 'dueDays', l]}
                label={t('cs.model.dueDays', { level: t(`cs.level.${l}`) })}
                min={1}
                max={90}
                precision={0}
              />
            ))}
          </Row>
        </Section>

        <Section title={t('cs.model.tiers')} hint={t('cs.model.tiersHint')}>
          <Row gutter={12}>
            <NumberItem
              name={['valueTiers', 'large']}
              label={t('cs.model.valueLarge', { currency })}
              min={0.01}
              max={1e12}
              precision={2}
              extra={
                tiers?.large
                  ? formatMoney({ amount: yuanToFen(tiers.large) ?? 0, currency }, locale)
                  : undefined
              }
            />
            <NumberItem
              name={['valueTiers', 'mid']}
              label={t('cs.model.valueMid', { currency })}
              min={0.01}
              max={1e12}
              precision={2}
              dependencies={[['valueTiers', 'large']]}
              below={['valueTiers', 'large']}
              belowMessage={t('cs.model.midNotBelowLarge')}
              extra={
                tiers?.mid ? formatMoney({ amount: yuanToFen(tiers.mid) ?? 0, currency }, locale) : undefined
              }
            />
            <NumberItem
              name={['probabilityTiers', 'high']}
              label={t('cs.model.probabilityHigh')}
              min={0}
              max={1}
              step={0.05}
            />
            <NumberItem
              name={['probabilityTiers', 'mid']}
              label={t('cs.model.probabilityMid')}
              min={0}
              max={1}
              step={0.05}
              dependencies={[['probabilityTiers', 'high']]}
              below={['probabilityTiers', 'high']}
              belowMessage={t('cs.model.midNotBelowHigh')}
            />
          </Row>
        </Section>

        <Section title={t('cs.model.incentive')} hint={t('cs.model.incentiveHint')}>
          <Row gutter={12}>
            <NumberItem
              name={['incentive', 'mrrRate']}
              label={t('cs.model.mrrRate')}
              min={0}
              max={100}
              step={0.1}
              suffix="%"
            />
          </Row>
          <CoefficientList />
        </Section>

        {isAdmin && (
          <Button type="primary" htmlType="submit" loading={busy} data-testid="health-model-save">
            {t('cs.model.save')}
          </Button>
        )}
      </Form>
    </Card>
  );
}

function Section({ title, hint, children }: { title: string; hint: string; children: ReactNode }) {
  return (
    <section style={{ marginBottom: 20 }}>
      <Typography.Title level={5} style={{ marginBottom: 4 }}>
        {title}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {hint}
      </Typography.Paragraph>
      {children}
    </section>
  );
}

type NamePath = (string | number)[];

/** One number of the model; `below` adds "must be below that other field". */
function NumberItem({
  name,
  label,
  min,
  max,
  step,
  precision,
  suffix,
  extra,
  dependencies,
  below,
  belowMessage,
}: {
  name: NamePath;
  label: string;
  min: number;
  max: number;
  step?: number;
  precision?: number;
  suffix?: string;
  extra?: string;
  dependencies?: NamePath[];
  below?: NamePath;
  belowMessage?: string;
}) {
  const { t } = useI18n();
  return (
    <Col xs={12} md={8} lg={6}>
      <Form.Item
        name={name}
        label={label}
        extra={extra}
        dependencies={dependencies}
        rules={[
          { required: true, message: t('cs.model.required') },
          ({ getFieldValue }) => ({
            validator: (_: unknown, v: number | null) =>
              !below || v === null || v === undefined || v < Number(getFieldValue(below))
                ? Promise.resolve()
                : Promise.reject(new Error(belowMessage)),
          }),
        ]}
      >
        <InputNumber
          min={min}
          max={max}
          step={step}
          precision={precision}
          suffix={suffix}
          style={{ width: '100%' }}
          data-testid={`model-${name.join('-')}`}
        />
      </Form.Item>
    </Col>
  );
}

/** Points per module key; a key may be added (any module the product reports). */
function ModulePoints({ form }: { form: FormInstance<ModelForm> }) {
  const { t } = useI18n();
  return (
    <Form.List name="modulePoints">
      {(fields, { add, remove }, { errors }) => (
        <div data-testid="module-points">
          <Row gutter={8} style={{ fontWeight: 500, marginBottom: 4 }}>
            <Col span={12}>{t('cs.model.moduleKey')}</Col>
            <Col span={8}>{t('cs.model.modulePoints')}</Col>
          </Row>
          {fields.map((f) => (
            <Row gutter={8} key={f.key} align="top">
              <Col span={12}>
                <Form.Item
                  name={[f.name, 'key']}
                  rules={[
                    {
                      validator: (_, v: string | undefined) => {
                        const all = (form.getFieldValue('modulePoints') as ModelForm['modulePoints']).map(
                          (r) => r?.key ?? '',
                        );
                        const p = moduleKeyProblem(v ?? '', all);
                        return p
                          ? Promise.reject(
                              new Error(t(p === 'format' ? 'cs.model.keyFormat' : 'cs.model.keyDuplicate')),
                            )
                          : Promise.resolve();
                      },
                    },
                  ]}
                  style={{ marginBottom: 8 }}
                >
                  <Input aria-label={t('cs.model.moduleKey')} maxLength={63} placeholder="contract" />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item
                  name={[f.name, 'points']}
                  rules={[{ required: true, message: t('cs.model.required') }]}
                  style={{ marginBottom: 8 }}
                >
                  <InputNumber
                    aria-label={t('cs.model.modulePoints')}
                    min={0}
                    max={100}
                    precision={0}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              </Col>
              <Col span={4}>
                <Button
                  icon={<DeleteOutlined />}
                  aria-label={t('cs.model.remove')}
                  onClick={() => remove(f.name)}
                />
              </Col>
            </Row>
          ))}
          <Form.ErrorList errors={errors} />
          <Button
            icon={<PlusOutlined />}
            onClick={() => add({ key: '', points: 1 })}
            data-testid="add-module"
          >
            {t('cs.model.addModule')}
          </Button>
        </div>
      )}
    </Form.List>
  );
}

/** A ratio band table: a ratio at or above `min` scores `score`; one band must start at 0. */
function BandList({
  name,
  title,
  hint,
  testId,
}: {
  name: NamePath;
  title: string;
  hint: string;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <Card size="small" title={title} data-testid={testId}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {hint}
      </Typography.Paragraph>
      <Form.List
        name={name}
        rules={[
          {
            validator: (_, rows: { min: number | null }[] | undefined) => {
              const p = bandProblem(rows ?? []);
              return p
                ? Promise.reject(
                    new Error(t(p === 'needs_zero_band' ? 'cs.model.needsZero' : 'cs.model.duplicateMin')),
                  )
                : Promise.resolve();
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            <Row gutter={8} style={{ fontWeight: 500, marginBottom: 4 }}>
              <Col span={10}>{t('cs.model.bandMin')}</Col>
              <Col span={10}>{t('cs.model.bandScore')}</Col>
            </Row>
            {fields.map((f) => (
              <Row gutter={8} key={f.key}>
                <Col span={10}>
                  <Form.Item
                    name={[f.name, 'min']}
                    rules={[{ required: true, message: t('cs.model.required') }]}
                    style={{ marginBottom: 8 }}
                  >
                    <InputNumber
                      aria-label={`${title} ${t('cs.model.bandMin')}`}
                      min={0}
                      max={1000}
                      step={0.05}
                      style={{ width: '100%' }}
                    />
                  </Form.Item>
                </Col>
                <Col span={10}>
                  <Form.Item
                    name={[f.name, 'score']}
                    rules={[{ required: true, message: t('cs.model.required') }]}
                    style={{ marginBottom: 8 }}
                  >
                    <InputNumber
                      aria-label={`${title} ${t('cs.model.bandScore')}`}
                      min={0}
                      max={100}
                      precision={0}
                      style={{ width: '100%' }}
                    />
                  </Form.Item>
                </Col>
                <Col span={4}>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('cs.model.remove')}
                    disabled={fields.length <= 1}
                    onClick={() => remove(f.name)}
                  />
                </Col>
              </Row>
            ))}
            <Form.ErrorList errors={errors} />
            <Button size="small" icon={<PlusOutlined />} onClick={() => add({ min: null, score: 0 })}>
              {t('cs.model.addBand')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}

/** The incentive coefficient by health-rate month-over-month: the first row whose minimum it reaches. */
function CoefficientList() {
  const { t } = useI18n();
  return (
    <Form.List
      name={['incentive', 'coefficients']}
      rules={[
        {
          validator: (_, rows: { min: number | null }[] | undefined) => {
            const p = bandProblem(rows ?? []);
            return p
              ? Promise.reject(
                  new Error(t(p === 'needs_zero_band' ? 'cs.model.needsZero' : 'cs.model.duplicateMin')),
                )
              : Promise.resolve();
          },
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <div data-testid="incentive-coefficients" style={{ maxWidth: 480 }}>
          <Row gutter={8} style={{ fontWeight: 500, marginBottom: 4 }}>
            <Col span={10}>{t('cs.model.momMin')}</Col>
            <Col span={10}>{t('cs.model.coefficient')}</Col>
          </Row>
          {fields.map((f) => (
            <Row gutter={8} key={f.key}>
              <Col span={10}>
                <Form.Item
                  name={[f.name, 'min']}
                  rules={[{ required: true, message: t('cs.model.required') }]}
                  style={{ marginBottom: 8 }}
                >
                  <InputNumber
                    aria-label={t('cs.model.momMin')}
                    min={0}
                    max={100}
                    step={0.01}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              </Col>
              <Col span={10}>
                <Form.Item
                  name={[f.name, 'coefficient']}
                  rules={[{ required: true, message: t('cs.model.required') }]}
                  style={{ marginBottom: 8 }}
                >
                  <InputNumber
                    aria-label={t('cs.model.coefficient')}
                    min={0}
                    max={10}
                    step={0.1}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              </Col>
              <Col span={4}>
                <Button
                  icon={<DeleteOutlined />}
                  aria-label={t('cs.model.remove')}
                  disabled={fields.length <= 1}
                  onClick={() => remove(f.name)}
                />
              </Col>
            </Row>
          ))}
          <Form.ErrorList errors={errors} />
          <Button size="small" icon={<PlusOutlined />} onClick={() => add({ min: null, coefficient: 1 })}>
            {t('cs.model.addRow')}
          </Button>
        </div>
      )}
    </Form.List>
  );
}

/** Every saved version, newest first; the one in force is tagged. */
function Versions({ view }: { view: ModelView }) {
  const { t, locale } = useI18n();
  const zone = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  type V = ModelView['versions'][number];
  return (
    <Card size="small" title={t('cs.model.history')}>
      <Table<V>
        size="small"
        rowKey="version"
        data-testid="model-versions"
        dataSource={view.versions}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: t('cs.model.noVersions') }}
        columns={[
          {
            key: 'version',
            title: t('cs.model.versionCol'),
            render: (_, v) => (
              <Space size={4}>
                {`v${v.version}`}
                {v.version === view.version && <Tag color="blue">{t('cs.model.inForce')}</Tag>}
              </Space>
            ),
          },
          {
            key: 'at',
            title: t('cs.model.savedAt'),
            render: (_, v) => formatDateTime(v.created_at, zone, locale),
          },
          {
            key: 'by',
            title: t('cs.model.savedBy'),
            render: (_, v) => v.created_by_name ?? t('common.empty'),
          },
        ]}
      />
    </Card>
  );
}
