import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Card, Form, Input, List, Modal, Space, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { listRecords } from '../api/endpoints';
import { apiFetch } from '../api/http-client';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { errorText } from '../api/error-text';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import type { RecordPanelProps } from '../objects/record-panels';
import { showServerErrors } from '../settings/server-errors';
import { callbackState, feedbackOf, type Feedback } from './feedback-logic';

const feedbackKey = (accountId: string) => ['records', 'survey_response', 'account', accountId] as const;

const CATEGORY_COLOR: Record<string, string> = {
  promoter: 'green',
  satisfied: 'green',
  passive: 'gold',
  neutral: 'gold',
  detractor: 'red',
  dissatisfied: 'red',
};

/**
 * The customer's survey answers (NPS and CSAT), newest first, with the red light an unhappy key
 * user's answer opened and its call-back: due once the light closed, recorded here.
 */
export default function AccountFeedbackPanel({ record }: RecordPanelProps) {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const zone = me?.tenant.time_zone ?? 'Asia/Shanghai';
  const canRead = canDo(me, 'survey_response', 'read');
  const answers = useQuery({
    queryKey: feedbackKey(record.id),
    queryFn: () =>
      listRecords('survey_response', {
        filter: [{ field: 'account_id', op: 'eq', value: record.id }],
        sort: '-submitted_at',
        limit: 20,
        expand: ['contact_id'],
      }).then((r) => r.data.map(feedbackOf)),
    enabled: canRead,
  });
  const [recording, setRecording] = useState<Feedback | null>(null);
  if (!canRead || !answers.data?.length) return null;
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={t('feedback.panelTitle')}
      data-testid="account-feedback"
    >
      <List
        size="small"
        dataSource={answers.data}
        renderItem={(f) => {
          const cb = callbackState(f);
          return (
            <List.Item
              data-testid="feedback-item"
              actions={[
                f.lightId ? (
                  <Link key="light" to={`/success/lights?light=${f.lightId}`}>
                    {t('feedback.light')}
                  </Link>
                ) : null,
                cb === 'due' ? (
                  <Button key="cb" size="small" type="primary" onClick={() => setRecording(f)}>
                    {t('feedback.recordCallback')}
                  </Button>
                ) : cb === 'waiting' ? (
                  <Typography.Text key="cb" type="secondary">
                    {t('feedback.callbackWaiting')}
                  </Typography.Text>
                ) : null,
              ].filter(Boolean)}
            >
              <List.Item.Meta
                title={
                  <Space wrap size={6}>
                    <Tag color={CATEGORY_COLOR[f.category] ?? 'default'}>
                      {f.kind.toUpperCase()} {f.score}
                    </Tag>
                    <Typography.Text>{f.contactName ?? t('common.empty')}</Typography.Text>
                    {f.keyUser && <Tag>{t('feedback.keyUser')}</Tag>}
                    <Typography.Text type="secondary">
                      {f.round} · {formatDateTime(f.submittedAt, zone, locale)}
                    </Typography.Text>
                  </Space>
                }
                description={
                  <Space orientation="vertical" size={2}>
                    {f.comment && <Typography.Text>“{f.comment}”</Typography.Text>}
                    {f.callbackOutcome && (
                      <Typography.Text type="success" data-testid="callback-outcome">
                        {t('feedback.callbackDone', { outcome: f.callbackOutcome })}
                      </Typography.Text>
                    )}
                  </Space>
                }
              />
            </List.Item>
          );
        }}
      />
      {recording && (
        <CallbackModal feedback={recording} accountId={record.id} onClose={() => setRecording(null)} />
      )}
    </Card>
  );
}

function CallbackModal({
  feedback,
  accountId,
  onClose,
}: {
  feedback: Feedback;
  accountId: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ outcome: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async ({ outcome }: { outcome: string }) => {
    setBusy(true);
    setProblem(null);
    try {
      await apiFetch(`/api/v1/survey-responses/${encodeURIComponent(feedback.id)}/callback`, {
        method: 'POST',
        body: { outcome, version: feedback.version },
      });
      await qc.invalidateQueries({ queryKey: feedbackKey(accountId) });
      void message.success(t('feedback.callbackSaved'));
      onClose();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['outcome'], t) ?? errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('feedback.recordCallback')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          name="outcome"
          label={t('feedback.outcome')}
          rules={[{ required: true, whitespace: true, message: t('feedback.outcomeRequired') }]}
        >
          <Input.TextArea autoFocus rows={4} maxLength={2000} placeholder={t('feedback.outcomeHint')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
