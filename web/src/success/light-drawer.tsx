import { useState } from 'react';
import { Alert, App, Button, Descriptions, Drawer, Form, Input, Select, Space, Spin } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { showServerErrors } from '../settings/server-errors';
import { LightBadges, causeKey, reasonKey, statusKey } from './light-parts';
import { fetchLight, lightAction, lightKeys, type Light } from './lights-api';
import { lightActions, ROOT_CAUSES, type LightAction } from './lights-logic';

const FIELDS = ['meeting_at', 'attendees', 'tasks', 'root_cause', 'note', 'product_area', 'reason'];

/** One light: its facts and the actions its state allows (meeting, action plan, resolve, close, reopen). */
export function LightDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useI18n();
  const light = useQuery({ queryKey: lightKeys.one(id), queryFn: () => fetchLight(id) });
  const [acting, setActing] = useState<LightAction | null>(null);
  const l = light.data;
  return (
    <Drawer open onClose={onClose} title={t('lights.detail')} size="large" data-testid="light-drawer">
      {light.error ? (
        <Alert type="error" showIcon title={errorText(light.error, t)} />
      ) : !l ? (
        <Spin />
      ) : (
        <>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('lights.report.account')}>{l.account_name}</Descriptions.Item>
            <Descriptions.Item label={t('lights.reason')}>{t(reasonKey(l.reason))}</Descriptions.Item>
            <Descriptions.Item label={t('lights.color')}>
              <LightBadges light={l} />
            </Descriptions.Item>
            <Descriptions.Item label={t('lights.description')}>{l.description}</Descriptions.Item>
            <Descriptions.Item label={t('lights.statusLabel')}>
              <span data-testid="light-status">{t(statusKey(l.status))}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('lights.responsibleLabel')}>
              {l.responsible_name ?? t('lights.nobody')}
            </Descriptions.Item>
            {l.meeting_at && (
              <Descriptions.Item label={t('lights.meetingAt')}>
                {new Date(l.meeting_at).toLocaleString()} · {l.meeting_attendees.join(', ')}
              </Descriptions.Item>
            )}
            {l.root_cause && (
              <Descriptions.Item label={t('lights.rootCause')}>
                {t(causeKey(l.root_cause))} · {l.root_cause_note}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Space wrap style={{ marginTop: 12 }}>
            {lightActions(l.status).map((a) => (
              <Button key={a} onClick={() => setActing(a)} data-testid={`light-action-${a}`}>
                {t(`lights.action.${a}` as MessageKey)}
              </Button>
            ))}
          </Space>
          {acting && <ActionForm light={l} action={acting} onDone={() => setActing(null)} />}
        </>
      )}
    </Drawer>
  );
}

interface Values {
  meeting_at?: string;
  attendees?: string;
  task?: string;
  due_date?: string;
  root_cause?: string;
  note?: string;
  product_area?: string;
  reason?: string;
}

function bodyOf(action: LightAction, v: Values, version: number): Record<string, unknown> {
  switch (action) {
    case 'schedule-meeting':
      return {
        version,
        meeting_at: v.meeting_at ? new Date(v.meeting_at).toISOString() : '',
        attendees: (v.attendees ?? '')
          .split(/[,\n，]/)
          .map((s) => s.trim())
          .filter(Boolean),
      };
    case 'action-plan':
      return { version, tasks: [{ subject: (v.task ?? '').trim(), due_date: v.due_date ?? '' }] };
    case 'resolve':
      return {
        version,
        root_cause: v.root_cause ?? '',
        note: (v.note ?? '').trim(),
        ...(v.product_area ? { product_area: v.product_area } : {}),
      };
    case 'reopen':
      return { version, reason: (v.reason ?? '').trim() };
    case 'close':
      return { version };
  }
}

/** The fields one action needs; the server checks them and its field errors land next to them. */
function ActionForm({ light, action, onDone }: { light: Light; action: LightAction; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (v: Values) => {
    setBusy(true);
    setProblem(null);
    try {
      await lightAction(light.id, action, bodyOf(action, v, light.version));
      await qc.invalidateQueries({ queryKey: lightKeys.all });
      void message.success(t('lights.done'));
      onDone();
    } catch (err) {
      setProblem(showServerErrors(form, err, FIELDS, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      style={{ marginTop: 16 }}
      onFinish={(v) => void submit(v)}
      data-testid={`light-form-${action}`}
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      {action === 'schedule-meeting' && (
        <>
          <Form.Item name="meeting_at" label={t('lights.meetingAt')}>
            <Input type="datetime-local" autoFocus />
          </Form.Item>
          <Form.Item name="attendees" label={t('lights.attendees')} extra={t('lights.attendeesHint')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </>
      )}
      {action === 'action-plan' && (
        <>
          <Form.Item name="task" label={t('lights.taskSubject')}>
            <Input autoFocus />
          </Form.Item>
          <Form.Item name="due_date" label={t('lights.taskDue')}>
            <Input type="date" />
          </Form.Item>
        </>
      )}
      {action === 'resolve' && (
        <>
          <Form.Item name="root_cause" label={t('lights.rootCause')}>
            <Select
              allowClear
              data-testid="light-root-cause"
              options={ROOT_CAUSES.map((c) => ({ value: c, label: t(causeKey(c)) }))}
            />
          </Form.Item>
          <Form.Item name="note" label={t('lights.rootCauseNote')}>
            <Input.TextArea rows={3} data-testid="light-root-cause-note" />
          </Form.Item>
          <Form.Item name="product_area" label={t('lights.productArea')}>
            <Input />
          </Form.Item>
        </>
      )}
      {action === 'reopen' && (
        <Form.Item name="reason" label={t('lights.reopenReason')}>
          <Input.TextArea rows={2} autoFocus />
        </Form.Item>
      )}
      {action === 'close' && (
        <Alert type="info" title={t('lights.closeConfirm')} style={{ marginBottom: 12 }} />
      )}
      <Button type="primary" htmlType="submit" loading={busy} data-testid="light-submit">
        {t(`lights.action.${action}` as MessageKey)}
      </Button>
    </Form>
  );
}
