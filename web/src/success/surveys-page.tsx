import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button, Card, Empty, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { DashboardHeader, RetryAlert } from '../objects/dashboard-parts';
import { SurveyForm } from './survey-form';
import { KindTag, StatusTag } from './survey-parts';
import { useResults, useSurveys } from './surveys-api';
import { formatValue, latestPeriod, mayEditSurveys, type SurveyDef } from './surveys-logic';

/**
 * Surveys (问卷): each NPS or CSAT definition with its status, its value over the last twelve
 * months, the latest month with answers and how many answers came in; a new survey starts as a
 * draft and opens in its builder.
 */
export default function SurveysPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const me = useMe().data;
  const surveys = useSurveys();
  const [creating, setCreating] = useState(false);
  // administrators write surveys (the server refuses others with 403 survey_admin_only)
  const canCreate = mayEditSurveys(me);
  const open = (s: SurveyDef) => navigate(`/success/surveys/${encodeURIComponent(s.id)}`);

  const newButton = (testId: string) =>
    canCreate && (
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid={testId}>
        {t('surveys.new')}
      </Button>
    );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="surveys-page">
      <DashboardHeader title={t('surveys.title')} subtitle={t('surveys.subtitle')}>
        {canCreate
          ? newButton('survey-new')
          : me && (
              // shown, but off: so a CSM learns who writes surveys rather than looking for the button
              <Tooltip title={t('surveys.adminOnly')}>
                <Button icon={<PlusOutlined />} disabled data-testid="survey-new-disabled">
                  {t('surveys.new')}
                </Button>
              </Tooltip>
            )}
      </DashboardHeader>
      {surveys.error ? (
        <RetryAlert message={errorText(surveys.error, t)} onRetry={() => void surveys.refetch()} />
      ) : (
        <Card size="small">
          <Table<SurveyDef>
            rowKey="id"
            size="small"
            loading={surveys.isPending}
            dataSource={surveys.data ?? []}
            pagination={false}
            data-testid="surveys-table"
            onRow={(s) => ({
              // keyboard users reach the name's link; a click anywhere on the row opens it too
              onClick: (e) => {
                if (e.target instanceof Element && e.target.closest('a, button')) return;
                open(s);
              },
              style: { cursor: 'pointer' },
            })}
            locale={{
              emptyText: (
                <Empty
                  data-testid="surveys-empty"
                  description={
                    <Space orientation="vertical" size={4} style={{ maxWidth: 560 }}>
                      <Typography.Text strong>{t('surveys.emptyTitle')}</Typography.Text>
                      <Typography.Text type="secondary">{t('surveys.emptyBody')}</Typography.Text>
                      {!canCreate && (
                        <Typography.Text type="secondary">{t('surveys.emptyAskAdmin')}</Typography.Text>
                      )}
                    </Space>
                  }
                >
                  {newButton('survey-new-empty')}
                </Empty>
              ),
            }}
            columns={[
              {
                key: 'name',
                title: t('surveys.name'),
                render: (_, s) => (
                  <Link to={`/success/surveys/${encodeURIComponent(s.id)}`} data-testid="survey-link">
                    {s.name}
                  </Link>
                ),
              },
              { key: 'kind', title: t('surveys.kind'), render: (_, s) => <KindTag kind={s.kind} /> },
              {
                key: 'status',
                title: t('surveys.status'),
                render: (_, s) => <StatusTag status={s.status} />,
              },
              {
                key: 'value',
                title: t('surveys.col.value'),
                align: 'right',
                render: (_, s) => <Figures survey={s} show="value" />,
              },
              {
                key: 'latest',
                title: t('surveys.col.latest'),
                align: 'right',
                render: (_, s) => <Figures survey={s} show="latest" />,
              },
              {
                key: 'responses',
                title: t('surveys.col.responses'),
                align: 'right',
                render: (_, s) => <Figures survey={s} show="responses" />,
              },
            ]}
          />
        </Card>
      )}
      <SurveyForm
        open={creating}
        survey={null}
        onClose={() => setCreating(false)}
        onSaved={(s) => {
          setCreating(false);
          open(s);
        }}
      />
    </Space>
  );
}

/**
 * One survey's figures from its results (the default twelve months; the three cells share one
 * request). A draft has none yet; a reader who may not see customers gets a dash.
 */
function Figures({ survey, show }: { survey: SurveyDef; show: 'value' | 'latest' | 'responses' }) {
  const { t } = useI18n();
  const results = useResults(survey.id, {}, survey.status !== 'draft');
  const r = results.data;
  if (!r) return <Typography.Text type="secondary">{t('common.empty')}</Typography.Text>;
  if (show === 'responses') return <span data-testid="survey-responses">{r.overall.responses}</span>;
  if (show === 'value')
    return <Typography.Text strong>{formatValue(survey.kind, r.overall.value)}</Typography.Text>;
  const last = latestPeriod(r.periods);
  return last ? (
    <span>
      {formatValue(survey.kind, last.value)}{' '}
      <Tag bordered={false} style={{ marginInlineEnd: 0 }}>
        {last.month}
      </Tag>
    </span>
  ) : (
    <Typography.Text type="secondary">{t('common.empty')}</Typography.Text>
  );
}
