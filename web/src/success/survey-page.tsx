import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Alert, App, Button, Popconfirm, Space, Spin, Tabs, Tooltip, Typography } from 'antd';
import { ArrowLeftOutlined, EditOutlined, SendOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { updateRecord } from '../api/endpoints';
import { errorText } from '../api/error-text';
import { useMe, useRecord } from '../api/queries';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { RetryAlert } from '../objects/dashboard-parts';
import { SurveyForm } from './survey-form';
import { KindTag, StatusTag } from './survey-parts';
import { SurveyQuestions } from './survey-questions';
import { SurveyResultsView } from './survey-results';
import { SendDialog } from './survey-send';
import { surveyKeys } from './surveys-api';
import { mayEditSurveys, nextStatus, surveyOf, type SurveyDef } from './surveys-logic';

const TABS = ['results', 'questions'] as const;
type Tab = (typeof TABS)[number];

/**
 * One survey: its status steps (draft → active → closed), the builder of its extra questions,
 * sending it to customers' key users and contacts, and its results. The tab is in the URL.
 * Administrators edit it; whoever may update surveys (a CSM) sends it; every reader sees it.
 */
export default function SurveyPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const me = useMe().data;
  const record = useRecord('survey', id, []);
  const [editing, setEditing] = useState(false);
  const [sending, setSending] = useState(false);
  const asked = params.get('tab');
  const tab: Tab = TABS.find((x) => x === asked) ?? 'results';
  const setTab = (next: string) => {
    const p = new URLSearchParams(params);
    if (next === 'results') p.delete('tab');
    else p.set('tab', next);
    setParams(p, { replace: true });
  };

  if (record.error)
    return <RetryAlert message={errorText(record.error, t)} onRetry={() => void record.refetch()} />;
  if (!record.data) return <Spin />;
  const s = surveyOf(record.data);
  // the server refuses the rest (403 survey_admin_only): the controls follow what it allows
  const canEdit = mayEditSurveys(me);
  const canSend = canDo(me, 'survey', 'update');

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="survey-page">
      <Link to="/success/surveys">
        <ArrowLeftOutlined /> {t('surveys.back')}
      </Link>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, justifyContent: 'space-between' }}>
        <Space orientation="vertical" size={4}>
          <Space wrap align="center">
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="record-title">
              {s.name}
            </Typography.Title>
            <KindTag kind={s.kind} />
            <StatusTag status={s.status} />
          </Space>
          <Typography.Text type="secondary">
            {t('surveys.linkDays', { days: s.expires_days })}
            {s.intro ? ` · ${s.intro}` : ''}
          </Typography.Text>
        </Space>
        {(canEdit || canSend) && (
          <Space wrap>
            {canEdit && (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="survey-edit">
                {t('common.edit')}
              </Button>
            )}
            {canEdit && <StatusStep survey={s} />}
            {canSend && (
              <Tooltip title={s.status === 'active' ? '' : t('surveys.sendNeedsActive')}>
                <Button
                  type="primary"
                  icon={<SendOutlined />}
                  disabled={s.status !== 'active'}
                  onClick={() => setSending(true)}
                  data-testid="survey-send"
                >
                  {t('surveys.send')}
                </Button>
              </Tooltip>
            )}
          </Space>
        )}
      </div>
      {!canEdit && (
        <Alert
          type="info"
          showIcon
          title={canSend ? t('surveys.adminOnlySend') : t('surveys.adminOnly')}
          data-testid="survey-admin-only"
        />
      )}
      {s.status === 'draft' && (
        <Alert type="info" showIcon title={t('surveys.draftHint')} data-testid="survey-draft-hint" />
      )}
      {s.status === 'closed' && <Alert type="warning" showIcon title={t('surveys.closedHint')} />}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'results',
            label: t('surveys.tab.results'),
            children: <SurveyResultsView survey={s} onSend={canSend ? () => setSending(true) : null} />,
          },
          {
            key: 'questions',
            label: t('surveys.tab.questions'),
            children: <SurveyQuestions survey={s} canEdit={canEdit} />,
          },
        ]}
      />
      <SurveyForm
        open={editing}
        survey={s}
        onClose={() => setEditing(false)}
        onSaved={() => setEditing(false)}
      />
      {sending && <SendDialog survey={s} onClose={() => setSending(false)} />}
    </Space>
  );
}

/** The one status step the survey may take, confirmed first (closing stops every open link). */
function StatusStep({ survey }: { survey: SurveyDef }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const next = nextStatus(survey.status);
  if (!next) return null;
  const go = async () => {
    setBusy(true);
    try {
      await updateRecord('survey', survey.id, { status: next, version: survey.version });
      await qc.invalidateQueries({ queryKey: surveyKeys.all });
      void message.success(t(`surveys.statusToast.${next}`));
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popconfirm
      title={t(`surveys.confirm.${next}`)}
      okText={t(`surveys.step.${next}`)}
      cancelText={t('common.cancel')}
      onConfirm={() => void go()}
      okButtonProps={{ danger: next === 'closed' }}
    >
      <Button loading={busy} danger={next === 'closed'} data-testid={`survey-step-${next}`}>
        {t(`surveys.step.${next}`)}
      </Button>
    </Popconfirm>
  );
}
