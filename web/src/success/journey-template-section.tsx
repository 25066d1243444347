import { useEffect, useState } from 'react';
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
  Select,
  Skeleton,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import type { FormInstance } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { journeyKeys, saveJourneyTemplate, useJourneyTemplate, type JourneyTemplate } from './journeys-api';
import { fieldPath, newKey, RESULT_KINDS, type ResultKind } from './journeys-logic';

interface TaskForm {
  key: string;
  name: string;
  result: ResultKind;
  required: boolean;
}
interface StageForm {
  key: string;
  name: string;
  planned_days: number | null;
  csat: boolean;
  tasks: TaskForm[];
}
interface TemplateForm {
  start_window_days: number;
  stages: StageForm[];
}

type FieldError = Parameters<FormInstance<TemplateForm>['setFields']>[0][number];

const toForm = (v: JourneyTemplate): TemplateForm => ({
  start_window_days: v.start_window_days,
  stages: v.stages.map((s) => ({ ...s, tasks: s.tasks.map((k) => ({ ...k })) })),
});

/**
 * Settings → 客户旅程: the journey template (stages, planned days, key tasks and what proves each).
 * Saving makes a new version; journeys under way keep the stages they started with.
 */
export function JourneyTemplateSection() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const tpl = useJourneyTemplate();
  const [form] = Form.useForm<TemplateForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const view = tpl.data;
  useEffect(() => {
    if (view) form.setFieldsValue(toForm(view));
  }, [view, form]);
  if (tpl.error) return <Alert type="error" showIcon title={errorText(tpl.error, t)} />;
  if (!view) return <Skeleton active paragraph={{ rows: 10 }} />;

  const save = async (values: TemplateForm) => {
    setBusy(true);
    setProblem(null);
    try {
      const saved = await saveJourneyTemplate({
        version: view.version,
        start_window_days: values.start_window_days,
        stages: values.stages.map((s) => ({
          key: s.key,
          name: s.name,
          planned_days: s.planned_days ?? null,
          csat: s.csat === true,
          tasks: (s.tasks ?? []).map((k) => ({
            key: k.key,
            name: k.name,
            result: k.result,
            required: k.required !== false,
          })),
        })),
      });
      qc.setQueryData(journeyKeys.template, saved);
      void message.success(t('journeys.tpl.saved', { version: saved.version }));
    } catch (err) {
      if (!(err instanceof ApiError) || err.details.length === 0) {
        setProblem(errorText(err, t));
        return;
      }
      // each issue beside its field; what has no field of its own on top
      const rest: string[] = [];
      const fields: FieldError[] = [];
      for (const d of err.details) {
        const path = d.field ? fieldPath(d.field) : null;
        if (path && (path.length > 1 || path[0] === 'start_window_days'))
          fields.push({ name: path as FieldError['name'], errors: [d.issue] });
        else rest.push(d.field ? `${d.field}: ${d.issue}` : d.issue);
      }
      form.setFields(fields);
      setProblem(rest.length ? rest.join('; ') : t('journeys.tpl.fixFields'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      size="small"
      style={{ maxWidth: 1040 }}
      data-testid="journey-template"
      title={
        <Space>
          {t('journeys.tpl.title')}
          <Tag data-testid="journey-template-version">
            {view.is_default
              ? t('journeys.tpl.default')
              : t('journeys.tpl.version', { version: view.version })}
          </Tag>
          {view.updated_by_name && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {view.updated_by_name}
            </Typography.Text>
          )}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('journeys.tpl.intro')}</Typography.Paragraph>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form<TemplateForm> form={form} layout="vertical" onFinish={(v) => void save(v)}>
        <Form.Item
          name="start_window_days"
          label={t('journeys.tpl.window')}
          extra={t('journeys.tpl.windowHint')}
          rules={[{ required: true }]}
        >
          <InputNumber min={0} max={3650} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.List name="stages">
          {(stages, { add, remove }) => (
            <Space orientation="vertical" size={12} style={{ width: '100%' }}>
              {stages.map((st, i) => (
                <Card
                  key={st.key}
                  size="small"
                  type="inner"
                  data-testid={`journey-template-stage-${i}`}
                  title={t('journeys.tpl.stageN', { n: i + 1 })}
                  extra={
                    stages.length > 1 && (
                      <Button
                        size="small"
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        onClick={() => remove(st.name)}
                        aria-label={t('journeys.tpl.removeStage')}
                      />
                    )
                  }
                >
                  <Row gutter={12}>
                    <Col xs={24} md={8}>
                      <Form.Item
                        name={[st.name, 'name']}
                        label={t('journeys.tpl.name')}
                        rules={[{ required: true }]}
                      >
                        <Input maxLength={100} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={6}>
                      <Form.Item
                        name={[st.name, 'key']}
                        label={t('journeys.tpl.key')}
                        rules={[{ required: true }]}
                      >
                        <Input maxLength={24} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={5}>
                      <Form.Item
                        name={[st.name, 'planned_days']}
                        label={t('journeys.tpl.plannedDays')}
                        tooltip={t('journeys.tpl.plannedHint')}
                      >
                        <InputNumber min={1} max={3650} precision={0} style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={5}>
                      <Form.Item
                        name={[st.name, 'csat']}
                        label={t('journeys.tpl.csat')}
                        tooltip={t('journeys.tpl.csatHint')}
                        valuePropName="checked"
                      >
                        <Switch />
                      </Form.Item>
                    </Col>
                  </Row>
                  <TaskList stageIndex={st.name} />
                </Card>
              ))}
              <Button
                icon={<PlusOutlined />}
                onClick={() =>
                  add({
                    key: newKey(
                      'stage',
                      (form.getFieldValue('stages') as StageForm[] | undefined)?.map((s) => s?.key) ?? [],
                    ),
                    name: '',
                    planned_days: 30,
                    csat: false,
                    tasks: [],
                  })
                }
              >
                {t('journeys.tpl.addStage')}
              </Button>
            </Space>
          )}
        </Form.List>
        <Button
          type="primary"
          htmlType="submit"
          loading={busy}
          style={{ marginTop: 16 }}
          data-testid="journey-template-save"
        >
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}

/** The key tasks of one stage: name, key, what proves it, required. */
function TaskList({ stageIndex }: { stageIndex: number }) {
  const { t } = useI18n();
  const form = Form.useFormInstance<TemplateForm>();
  return (
    <Form.List name={[stageIndex, 'tasks']}>
      {(tasks, { add, remove }) => (
        <>
          <Typography.Text strong>{t('journeys.tpl.tasks')}</Typography.Text>
          {tasks.map((k) => (
            <Row key={k.key} gutter={8} align="top" style={{ marginTop: 8 }}>
              <Col xs={24} md={9}>
                <Form.Item name={[k.name, 'name']} rules={[{ required: true }]} style={{ marginBottom: 0 }}>
                  <Input
                    placeholder={t('journeys.tpl.taskName')}
                    aria-label={t('journeys.tpl.taskName')}
                    maxLength={100}
                  />
                </Form.Item>
              </Col>
              <Col xs={10} md={5}>
                <Form.Item name={[k.name, 'key']} rules={[{ required: true }]} style={{ marginBottom: 0 }}>
                  <Input
                    placeholder={t('journeys.tpl.key')}
                    aria-label={t('journeys.tpl.key')}
                    maxLength={24}
                  />
                </Form.Item>
              </Col>
              <Col xs={10} md={5}>
                <Form.Item name={[k.name, 'result']} style={{ marginBottom: 0 }}>
                  <Select
                    aria-label={t('journeys.tpl.result')}
                    options={RESULT_KINDS.map((r) => ({ value: r, label: t(`journeys.result.${r}`) }))}
                  />
                </Form.Item>
              </Col>
              <Col xs={4} md={3}>
                <Form.Item name={[k.name, 'required']} valuePropName="checked" style={{ marginBottom: 0 }}>
                  <Switch
                    checkedChildren={t('journeys.tpl.required')}
                    unCheckedChildren={t('journeys.optional')}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={2}>
                <Button
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  onClick={() => remove(k.name)}
                  aria-label={t('journeys.tpl.removeTask')}
                />
              </Col>
            </Row>
          ))}
          <Button
            size="small"
            type="dashed"
            icon={<PlusOutlined />}
            style={{ marginTop: 8 }}
            onClick={() =>
              add({
                key: newKey(
                  'task',
                  ((form.getFieldValue(['stages', stageIndex, 'tasks']) as TaskForm[] | undefined) ?? []).map(
                    (x) => x?.key,
                  ),
                ),
                name: '',
                result: 'checkbox',
                required: true,
              })
            }
          >
            {t('journeys.tpl.addTask')}
          </Button>
        </>
      )}
    </Form.List>
  );
}
