import { useEffect, useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Skeleton,
  Space,
  Switch,
  Table,
  Tabs,
  Typography,
} from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useObjectMeta } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import {
  salesKeys,
  savePipelines,
  saveSalesSettings,
  usePipelines,
  useSalesSettings,
  type SalesPipeline,
  type SalesSettings,
  type SalesStage,
} from './api';
import { errorTarget, moveItem, newPipeline, newStage, withDefault } from './settings-logic';

type Draft = Omit<SalesPipeline, 'id'> & { id?: string };

const STAGE_TYPES: SalesStage['type'][] = ['active', 'won', 'lost', 'invalid'];
const FORECAST: SalesStage['forecast_category'][] = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'];
const PIPELINE_TYPES: SalesPipeline['type'][] = ['new', 'upsell', 'renewal'];

interface Errors {
  inputs: Map<string, string[]>;
  stages: Map<string, string[]>;
  pipelines: Map<number, string[]>;
  general: string[];
}
const noErrors = (): Errors => ({ inputs: new Map(), stages: new Map(), pipelines: new Map(), general: [] });
const push = <K,>(m: Map<K, string[]>, k: K, v: string) => m.set(k, [...(m.get(k) ?? []), v]);

function Err({ messages }: { messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <Typography.Text type="danger" style={{ fontSize: 12, display: 'block' }} data-testid="row-error">
      {messages.join('; ')}
    </Typography.Text>
  );
}

/** Pipelines and stages (admin): edited as a whole and saved with one PUT. */
export function PipelinesSection() {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const pipelines = usePipelines();
  const oppMeta = useObjectMeta('opportunity').meta;
  const activityMeta = useObjectMeta('activity').meta;
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [active, setActive] = useState(0);
  const [errors, setErrors] = useState<Errors>(noErrors);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (pipelines.data && drafts === null) setDrafts(pipelines.data);
  }, [pipelines.data, drafts]);

  if (pipelines.error) return <Alert type="error" showIcon title={errorText(pipelines.error, t)} />;
  if (!drafts) return <Skeleton active />;

  const fieldOptions = (oppMeta?.fields ?? [])
    .filter((f) => !f.system && f.api_name !== 'stage' && f.api_name !== 'pipeline_id')
    .map((f) => ({ value: f.api_name, label: pick(f.label) }));
  const activityOptions = (activityMeta?.fields.find((f) => f.api_name === 'type')?.options ?? []).map(
    (o) => ({
      value: o.value,
      label: pick(o.label),
    }),
  );

  const setPipeline = (pi: number, patch: Partial<Draft>) =>
    setDrafts(drafts.map((p, i) => (i === pi ? { ...p, ...patch } : p)));
  const setStage = (pi: number, si: number, patch: Partial<SalesStage>) =>
    setPipeline(pi, {
      stages: (drafts[pi]?.stages ?? []).map((s, j) => (j === si ? { ...s, ...patch } : s)),
    });
  const inputErr = (...name: (string | number)[]) => errors.inputs.get(['pipelines', ...name].join('.'));
  const status = (...name: (string | number)[]) => (inputErr(...name) ? ('error' as const) : undefined);

  const save = async () => {
    setSaving(true);
    setErrors(noErrors());
    try {
      const saved = await savePipelines(drafts);
      setDrafts(saved);
      qc.setQueryData(salesKeys.pipelines, saved);
      await qc.invalidateQueries({ queryKey: ['metadata'] });
      await qc.invalidateQueries({ queryKey: ['records', 'opportunity'] });
      message.success(t('sales.settings.saved'));
    } catch (err) {
      const next = noErrors();
      if (err instanceof ApiError && err.status === 409) {
        next.general.push(t('sales.settings.inUse', { message: err.message }));
        for (const d of err.details) {
          const m = /^pipelines\[(\d+)\]\.stages\.(.+)$/.exec(d.field ?? '');
          const si = m ? (drafts[Number(m[1])]?.stages.findIndex((s) => s.key === m[2]) ?? -1) : -1;
          if (m && si < 0) push(next.pipelines, Number(m[1]), err.message);
        }
      } else if (err instanceof ApiError && err.details.length) {
        for (const d of err.details) {
          const target = errorTarget(d.field);
          if (target.kind === 'input') push(next.inputs, target.name.join('.'), d.issue);
          else if (target.kind === 'stage') push(next.stages, `${target.pipeline}.${target.stage}`, d.issue);
          else if (target.kind === 'pipeline') push(next.pipelines, target.pipeline, d.issue);
          else next.general.push(d.field ? `${d.field}: ${d.issue}` : d.issue);
        }
        const count = err.details.length - next.general.length;
        if (count > 0) next.general.unshift(t('sales.settings.errorsBelow', { count }));
      } else next.general.push(errorText(err, t));
      setErrors(next);
    } finally {
      setSaving(false);
    }
  };

  const stageTable = (p: Draft, pi: number): ReactNode => (
    <Table
      size="small"
      pagination={false}
      rowKey={(_, si) => String(si)}
      dataSource={p.stages}
      scroll={{ x: 'max-content' }}
      data-testid={`stages-table-${pi}`}
      columns={[
        {
          title: t('sales.settings.col.order'),
          width: 110,
          render: (_, __, si) => (
            <Space size={2}>
              <Button
                size="small"
                icon={<ArrowUpOutlined />}
                aria-label={t('sales.settings.moveUp')}
                disabled={si === 0}
                onClick={() => setPipeline(pi, { stages: moveItem(p.stages, si, si - 1) })}
              />
              <Button
                size="small"
                icon={<ArrowDownOutlined />}
                aria-label={t('sales.settings.moveDown')}
                disabled={si === p.stages.length - 1}
                onClick={() => setPipeline(pi, { stages: moveItem(p.stages, si, si + 1) })}
              />
              <Button
                size="small"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('sales.settings.removeStage')}
                onClick={() => setPipeline(pi, { stages: p.stages.filter((_, j) => j !== si) })}
              />
            </Space>
          ),
        },
        {
          title: t('sales.settings.col.nameZh'),
          render: (_, s, si) => (
            <>
              <Input
                aria-label={`${t('sales.settings.col.nameZh')} ${si + 1}`}
                style={{ width: 120 }}
                value={s.name['zh-CN']}
                status={status(pi, 'stages', si, 'name', 'zh-CN')}
                onChange={(e) => setStage(pi, si, { name: { ...s.name, 'zh-CN': e.target.value } })}
              />
              <Err
                messages={[
                  ...(inputErr(pi, 'stages', si, 'name', 'zh-CN') ?? []),
                  ...(errors.stages.get(`${pi}.${si}`) ?? []),
                ]}
              />
            </>
          ),
        },
        {
          title: t('sales.settings.col.nameEn'),
          render: (_, s, si) => (
            <Input
              aria-label={`${t('sales.settings.col.nameEn')} ${si + 1}`}
              style={{ width: 120 }}
              value={s.name['en-US']}
              onChange={(e) => setStage(pi, si, { name: { ...s.name, 'en-US': e.target.value } })}
            />
          ),
        },
        {
          title: t('sales.settings.col.key'),
          render: (_, s, si) => (
            <>
              <Input
                aria-label={`${t('sales.settings.col.key')} ${si + 1}`}
                style={{ width: 120 }}
                value={s.key}
                status={status(pi, 'stages', si, 'key')}
                onChange={(e) => setStage(pi, si, { key: e.target.value })}
              />
              <Err messages={inputErr(pi, 'stages', si, 'key')} />
            </>
          ),
        },
        {
          title: t('sales.settings.col.type'),
          render: (_, s, si) => (
            <>
              <Select
                aria-label={`${t('sales.settings.col.type')} ${si + 1}`}
                style={{ width: 100 }}
                value={s.type}
                status={status(pi, 'stages', si, 'type')}
                onChange={(v: SalesStage['type']) => setStage(pi, si, { type: v })}
                options={STAGE_TYPES.map((v) => ({ value: v, label: t(`sales.settings.stageType.${v}`) }))}
              />
              <Err messages={inputErr(pi, 'stages', si, 'type')} />
            </>
          ),
        },
        {
          title: t('sales.settings.col.probability'),
          render: (_, s, si) => (
            <>
              <InputNumber
                aria-label={`${t('sales.settings.col.probability')} ${si + 1}`}
                style={{ width: 80 }}
                min={0}
                max={100}
                precision={0}
                value={s.probability}
                status={status(pi, 'stages', si, 'probability')}
                onChange={(v: number | null) => setStage(pi, si, { probability: v ?? 0 })}
              />
              <Err messages={inputErr(pi, 'stages', si, 'probability')} />
            </>
          ),
        },
        {
          title: t('sales.settings.col.forecast'),
          render: (_, s, si) => (
            <>
              <Select
                aria-label={`${t('sales.settings.col.forecast')} ${si + 1}`}
                style={{ width: 110 }}
                value={s.forecast_category}
                status={status(pi, 'stages', si, 'forecast_category')}
                onChange={(v: SalesStage['forecast_category']) => setStage(pi, si, { forecast_category: v })}
                options={FORECAST.map((v) => ({ value: v, label: t(`sales.settings.forecast.${v}`) }))}
              />
              <Err messages={inputErr(pi, 'stages', si, 'forecast_category')} />
            </>
          ),
        },
        {
          title: t('sales.settings.col.maxDays'),
          render: (_, s, si) => (
            <>
              <InputNumber
                aria-label={`${t('sales.settings.col.maxDays')} ${si + 1}`}
                style={{ width: 80 }}
                min={1}
                max={3650}
                precision={0}
                value={s.max_days}
                status={status(pi, 'stages', si, 'max_days')}
                onChange={(v: number | null) => setStage(pi, si, { max_days: v })}
              />
              <Err messages={inputErr(pi, 'stages', si, 'max_days')} />
            </>
          ),
        },
        {
          title: t('sales.settings.col.requiredFields'),
          render: (_, s, si) => (
            <>
              <Select
                mode="multiple"
                aria-label={`${t('sales.settings.col.requiredFields')} ${si + 1}`}
                style={{ minWidth: 160 }}
                value={s.required_fields}
                status={status(pi, 'stages', si, 'required_fields')}
                onChange={(v: string[]) => setStage(pi, si, { required_fields: v })}
                options={fieldOptions}
                optionFilterProp="label"
              />
              <Err messages={inputErr(pi, 'stages', si, 'required_fields')} />
            </>
          ),
        },
        {
          title: t('sales.settings.col.requiredActivities'),
          render: (_, s, si) => (
            <>
              <Select
                mode="multiple"
                aria-label={`${t('sales.settings.col.requiredActivities')} ${si + 1}`}
                style={{ minWidth: 140 }}
                value={s.required_activities}
                status={status(pi, 'stages', si, 'required_activities')}
                onChange={(v: string[]) => setStage(pi, si, { required_activities: v })}
                options={activityOptions}
              />
              <Err messages={inputErr(pi, 'stages', si, 'required_activities')} />
            </>
          ),
        },
        {
          title: t('sales.settings.col.allowCreate'),
          render: (_, s, si) => (
            <>
              <Checkbox
                aria-label={`${t('sales.settings.col.allowCreate')} ${si + 1}`}
                checked={s.allow_create}
                onChange={(e) => setStage(pi, si, { allow_create: e.target.checked })}
              />
              <Err messages={inputErr(pi, 'stages', si, 'allow_create')} />
            </>
          ),
        },
      ]}
    />
  );

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={16} data-testid="pipelines-section">
      <Card
        title={t('sales.settings.title')}
        extra={
          <Button type="primary" loading={saving} onClick={() => void save()}>
            {t('common.save')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('sales.settings.hint')}</Typography.Paragraph>
        {errors.general.length > 0 && (
          <Alert
            style={{ marginBottom: 12 }}
            type="error"
            showIcon
            data-testid="pipelines-errors"
            title={errors.general[0]}
            description={errors.general.length > 1 ? errors.general.slice(1).join('; ') : undefined}
          />
        )}
        <Tabs
          activeKey={String(Math.min(active, drafts.length - 1))}
          onChange={(k) => setActive(Number(k))}
          tabBarExtraContent={
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => {
                setDrafts([...drafts, newPipeline()]);
                setActive(drafts.length);
              }}
            >
              {t('sales.settings.addPipeline')}
            </Button>
          }
          items={drafts.map((p, pi) => ({
            key: String(pi),
            label: (
              <span
                style={
                  errors.pipelines.has(pi) ||
                  [...errors.inputs.keys(), ...errors.stages.keys()].some(
                    (k) => k.startsWith(`pipelines.${pi}.`) || k.startsWith(`${pi}.`),
                  )
                    ? { color: '#cf1322' }
                    : undefined
                }
              >
                {pick(p.name) || `#${pi + 1}`}
              </span>
            ),
            children: (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Err messages={errors.pipelines.get(pi)} />
                <Form layout="inline" style={{ rowGap: 8 }}>
                  <Form.Item
                    label={t('sales.settings.pipelineName')}
                    validateStatus={status(pi, 'name')}
                    help={inputErr(pi, 'name')?.join('; ')}
                  >
                    <Input
                      value={p.name['zh-CN']}
                      onChange={(e) => setPipeline(pi, { name: { ...p.name, 'zh-CN': e.target.value } })}
                    />
                  </Form.Item>
                  <Form.Item label={t('sales.settings.pipelineNameEn')}>
                    <Input
                      value={p.name['en-US']}
                      onChange={(e) => setPipeline(pi, { name: { ...p.name, 'en-US': e.target.value } })}
                    />
                  </Form.Item>
                  <Form.Item label={t('sales.settings.pipelineType')}>
                    <Select
                      style={{ width: 120 }}
                      value={p.type}
                      onChange={(v: SalesPipeline['type']) => setPipeline(pi, { type: v })}
                      options={PIPELINE_TYPES.map((v) => ({
                        value: v,
                        label: t(`sales.settings.type.${v}`),
                      }))}
                    />
                  </Form.Item>
                  <Form.Item
                    label={t('sales.settings.default')}
                    validateStatus={status(pi, 'is_default')}
                    help={inputErr(pi, 'is_default')?.join('; ')}
                  >
                    <Switch
                      checked={p.is_default}
                      onChange={(v) =>
                        setDrafts(
                          v
                            ? withDefault(drafts, pi)
                            : drafts.map((x, i) => (i === pi ? { ...x, is_default: false } : x)),
                        )
                      }
                    />
                  </Form.Item>
                  <Form.Item label={t('sales.settings.noSkip')}>
                    <Switch checked={p.no_skip} onChange={(v) => setPipeline(pi, { no_skip: v })} />
                  </Form.Item>
                  <Form.Item label={t('sales.settings.noBack')}>
                    <Switch checked={p.no_back} onChange={(v) => setPipeline(pi, { no_back: v })} />
                  </Form.Item>
                  <Form.Item>
                    <Button
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() => {
                        setDrafts(drafts.filter((_, i) => i !== pi));
                        setActive(0);
                      }}
                    >
                      {t('sales.settings.removePipeline')}
                    </Button>
                  </Form.Item>
                </Form>
                {stageTable(p, pi)}
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => setPipeline(pi, { stages: insertActive(p.stages, newStage(p.stages)) })}
                >
                  {t('sales.settings.addStage')}
                </Button>
              </Space>
            ),
          }))}
        />
      </Card>
      <OtherSettings />
    </Space>
  );
}

/** A new stage goes after the last active one (active stages come before the closed ones). */
function insertActive(stages: SalesStage[], s: SalesStage): SalesStage[] {
  const at = stages.findIndex((x) => x.type !== 'active');
  return at < 0 ? [...stages, s] : [...stages.slice(0, at), s, ...stages.slice(at)];
}

const SETTINGS_FIELDS = ['lostReasons', 'invalidReasons', 'duplicatePolicy', 'noFollowUpDays'] as const;

/** Close reasons, duplicate policy and the follow-up alert days. */
function OtherSettings() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const settings = useSalesSettings();
  const [form] = Form.useForm<SalesSettings>();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  if (settings.error) return <Alert type="error" showIcon title={errorText(settings.error, t)} />;
  if (!settings.data) return <Skeleton active />;
  const save = async (values: SalesSettings) => {
    setSaving(true);
    setError(null);
    try {
      const saved = await saveSalesSettings(values);
      qc.setQueryData(salesKeys.settings, saved);
      message.success(t('sales.settings.otherSaved'));
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const placed = err.details.filter((d) =>
          SETTINGS_FIELDS.some(
            (f) => d.field === f || d.field?.startsWith(`${f}[`) || d.field?.startsWith(`${f}.`),
          ),
        );
        form.setFields(
          placed.map((d) => ({
            name: SETTINGS_FIELDS.find((f) => d.field?.startsWith(f)) ?? 'lostReasons',
            errors: [d.issue],
          })),
        );
        const rest = err.details.filter((d) => !placed.includes(d));
        setError(rest.length ? rest.map((d) => d.issue).join('; ') : null);
      } else setError(errorText(err, t));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card title={t('sales.settings.other')}>
      <Form
        form={form}
        layout="vertical"
        initialValues={settings.data}
        onFinish={(v) => void save(v)}
        style={{ maxWidth: 640 }}
      >
        <Form.Item
          name="lostReasons"
          label={t('sales.settings.lostReasons')}
          extra={t('sales.settings.reasonsHint')}
        >
          <Select mode="tags" open={false} />
        </Form.Item>
        <Form.Item
          name="invalidReasons"
          label={t('sales.settings.invalidReasons')}
          extra={t('sales.settings.reasonsHint')}
        >
          <Select mode="tags" open={false} />
        </Form.Item>
        <Form.Item name="duplicatePolicy" label={t('sales.settings.duplicatePolicy')}>
          <Radio.Group>
            <Radio value="warn">{t('sales.settings.duplicatePolicy.warn')}</Radio>
            <Radio value="block">{t('sales.settings.duplicatePolicy.block')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="noFollowUpDays" label={t('sales.settings.noFollowUpDays')}>
          <InputNumber min={1} max={365} precision={0} />
        </Form.Item>
        {error && <Alert style={{ marginBottom: 12 }} type="error" showIcon title={error} />}
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
