import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Card, Form, Input, List, Modal, Radio, Select, Space, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import type { RecordPanelProps } from '../objects/record-panels';
import { showServerErrors } from '../settings/server-errors';
import { LightBadges, reasonKey, statusKey } from './light-parts';
import { fileComplaint, lightKeys, raiseLight, useLights } from './lights-api';
import { COMPLAINT_CHANNELS, COMPLAINT_SEVERITIES, LIGHT_COLORS, LIGHT_REASONS } from './lights-logic';

type Dialog = 'light' | 'complaint' | null;

/** The account's unclosed lights, with "raise a light" and "log a complaint" (each opens a modal). */
export default function AccountLightsPanel({ record }: RecordPanelProps) {
  const { t } = useI18n();
  const me = useMe().data;
  const canRead = canDo(me, 'account', 'read');
  const lights = useLights(record.id, canRead);
  const [dialog, setDialog] = useState<Dialog>(null);
  if (!canRead) return null;
  const name = typeof record.name === 'string' ? record.name : '';
  const open = (lights.data ?? []).filter((l) => l.status !== 'closed');
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={t('lights.panelTitle')}
      data-testid="account-lights"
      extra={
        <Space>
          <Button danger onClick={() => setDialog('light')} data-testid="raise-light">
            {t('lights.raise')}
          </Button>
          <Button onClick={() => setDialog('complaint')} data-testid="log-complaint">
            {t('lights.complain')}
          </Button>
          <Link to="/success/lights">{t('lights.toBoard')}</Link>
        </Space>
      }
    >
      {open.length === 0 ? (
        <Typography.Text type="secondary">{t('lights.panelEmpty')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={open}
          renderItem={(l) => (
            <List.Item>
              <Link to={`/success/lights?light=${l.id}`}>{t(reasonKey(l.reason))}</Link>
              <Space>
                <LightBadges light={l} />
                <Typography.Text>{t(statusKey(l.status))}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
      {dialog && (
        <RaiseModal accountId={record.id} name={name} kind={dialog} onClose={() => setDialog(null)} />
      )}
    </Card>
  );
}

interface Values {
  color?: string;
  reason?: string;
  channel?: string;
  severity?: string;
  description?: string;
}

/** Raise a light or log a complaint: keyboard-first (autofocus, Enter submits from the fields). */
function RaiseModal({
  accountId,
  name,
  kind,
  onClose,
}: {
  accountId: string;
  name: string;
  kind: 'light' | 'complaint';
  onClose: () => void;
}) {
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
      const description = (v.description ?? '').trim();
      if (kind === 'light')
        await raiseLight(accountId, {
          color: v.color === 'yellow' ? 'yellow' : 'red',
          reason: (v.reason ?? 'other') as (typeof LIGHT_REASONS)[number],
          description,
        });
      else
        await fileComplaint(accountId, {
          channel: v.channel ?? '',
          severity: v.severity ?? 'mid',
          description,
        });
      await qc.invalidateQueries({ queryKey: lightKeys.all });
      void message.success(t(kind === 'light' ? 'lights.raised' : 'lights.complained'));
      onClose();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['color', 'reason', 'channel', 'severity', 'description'], t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t(kind === 'light' ? 'lights.raiseTitle' : 'lights.complainTitle', { name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={t(kind === 'light' ? 'lights.raise' : 'lights.complain')}
      okButtonProps={{ 'data-testid': 'raise-submit' } as Record<string, string>}
      destroyOnHidden
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ color: 'red', reason: 'other', channel: 'phone', severity: 'mid' }}
        onFinish={(v) => void submit(v)}
      >
        {kind === 'light' ? (
          <>
            <Form.Item name="color" label={t('lights.color')}>
              <Radio.Group
                options={LIGHT_COLORS.map((c) => ({ value: c, label: t(`lights.color.${c}` as MessageKey) }))}
              />
            </Form.Item>
            <Form.Item name="reason" label={t('lights.reason')}>
              <Select
                data-testid="raise-reason"
                options={LIGHT_REASONS.map((r) => ({ value: r, label: t(reasonKey(r)) }))}
              />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item name="channel" label={t('lights.channel')}>
              <Radio.Group
                options={COMPLAINT_CHANNELS.map((c) => ({
                  value: c,
                  label: t(`lights.channel.${c}` as MessageKey),
                }))}
              />
            </Form.Item>
            <Form.Item name="severity" label={t('lights.severity')}>
              <Radio.Group
                options={COMPLAINT_SEVERITIES.map((c) => ({
                  value: c,
                  label: t(`lights.severity.${c}` as MessageKey),
                }))}
              />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="description"
          label={t('lights.description')}
          rules={[{ required: true, whitespace: true, message: t('lights.descriptionRequired') }]}
        >
          <Input.TextArea autoFocus rows={4} maxLength={4000} data-testid="raise-description" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
