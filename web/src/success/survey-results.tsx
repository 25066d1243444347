import { useSearchParams } from 'react-router';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { SendOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useObjectMeta } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { Chart, chartAnimation } from '../marketing/chart';
import { HintTitle } from '../objects/dashboard-parts';
import { CategoryTag } from './survey-parts';
import { QuestionResults } from './survey-question-results';
import { useResults, type SurveyResults } from './surveys-api';
import { scoreDistributionOption, surveyTrendOption } from './surveys-charts';
import {
  CATEGORIES,
  categoryColor,
  fieldIssues,
  formatValue,
  GROUP_BYS,
  monthsBetween,
  responsesByMonth,
  valuesByMonth,
  type Category,
  type GroupBy,
  type SurveyDef,
} from './surveys-logic';

const isGroupBy = (v: string | null): v is GroupBy =>
  v !== null && (GROUP_BYS as readonly string[]).includes(v);
const isDay = (v: string | null): v is string => v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v);
/** Lines per group on the trend beyond which the chart stops being readable. */
const MAX_GROUP_LINES = 6;

/**
 * A survey's results over a period (default: the last twelve months): the NPS or CSAT value, the
 * answers per category, the distribution over the whole scale, the value by month, the same by
 * group (CSM, partner, grade, industry), the extra questions' answers and the latest comments.
 * Period and grouping are in the URL.
 */
export function SurveyResultsView({ survey, onSend }: { survey: SurveyDef; onSend: (() => void) | null }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const from = params.get('from');
  const to = params.get('to');
  const group = params.get('group_by');
  const q = {
    ...(isDay(from) ? { from } : {}),
    ...(isDay(to) ? { to } : {}),
    ...(isGroupBy(group) ? { group_by: group } : {}),
  };
  const results = useResults(survey.id, q);
  const set = (next: Record<string, string | null>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p, { replace: true });
  };
  const r = results.data;
  const err = results.error;
  const issues =
    err instanceof ApiError
      ? fieldIssues(err.details, ['from', 'to', 'group_by'])
      : { byField: {}, rest: [] };
  const rangeIssue = [...(issues.byField.from ?? []), ...(issues.byField.to ?? [])].join('; ');
  const groupIssue = (issues.byField.group_by ?? []).join('; ');
  const shownFrom = q.from ?? r?.from;
  const shownTo = q.to ?? r?.to;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="survey-results">
      <Space wrap align="start">
        <Space orientation="vertical" size={2}>
          <DatePicker.RangePicker
            aria-label={t('surveys.r.range')}
            value={shownFrom && shownTo ? [dayjs(shownFrom), dayjs(shownTo)] : null}
            status={rangeIssue ? 'error' : undefined}
            onChange={(v) => {
              const [a, b] = v ?? [];
              set({ from: a ? a.format('YYYY-MM-DD') : null, to: b ? b.format('YYYY-MM-DD') : null });
            }}
            data-testid="survey-range"
          />
          {rangeIssue && <Typography.Text type="danger">{rangeIssue}</Typography.Text>}
        </Space>
        <Space orientation="vertical" size={2}>
          <Select<GroupBy | ''>
            aria-label={t('surveys.r.groupBy')}
            style={{ width: 200 }}
            value={q.group_by ?? ''}
            status={groupIssue ? 'error' : undefined}
            onChange={(v) => set({ group_by: v || null })}
            options={[
              { value: '', label: t('surveys.r.noGrouping') },
              ...GROUP_BYS.map((g) => ({ value: g, label: t(`surveys.r.groupBy.${g}`) })),
            ]}
            data-testid="survey-group-by"
          />
          {groupIssue && <Typography.Text type="danger">{groupIssue}</Typography.Text>}
        </Space>
      </Space>
      {err ? (
        <Alert
          type="error"
          showIcon
          title={issues.rest.length ? issues.rest.join('; ') : errorText(err, t)}
          action={
            <Button size="small" onClick={() => set({ from: null, to: null, group_by: null })}>
              {t('surveys.r.reset')}
            </Button>
          }
        />
      ) : !r ? (
        <Spin />
      ) : r.overall.responses === 0 ? (
        <NoAnswers survey={survey} onSend={onSend} />
      ) : (
        <Figures survey={survey} r={r} />
      )}
    </Space>
  );
}

/** No answers in the period: what to do next depends on where the survey stands. */
function NoAnswers({ survey, onSend }: { survey: SurveyDef; onSend: (() => void) | null }) {
  const { t } = useI18n();
  return (
    <Empty
      data-testid="survey-results-empty"
      description={
        <Space orientation="vertical" size={4} style={{ maxWidth: 560 }}>
          <Typography.Text strong>{t('surveys.r.emptyTitle')}</Typography.Text>
          <Typography.Text type="secondary">{t(`surveys.r.empty.${survey.status}`)}</Typography.Text>
        </Space>
      }
    >
      {survey.status === 'active' && onSend && (
        <Button type="primary" icon={<SendOutlined />} onClick={onSend}>
          {t('surveys.send')}
        </Button>
      )}
    </Empty>
  );
}

function Figures({ survey, r }: { survey: SurveyDef; r: SurveyResults }) {
  const { t, pick } = useI18n();
  const account = useObjectMeta('account').meta;
  const kind = survey.kind;
  const months = monthsBetween(r.from, r.to);
  const cats: readonly Category[] = CATEGORIES[kind];
  const groupName = (g: SurveyResults['groups'][number]): string => {
    if (g.key === null) return t('surveys.r.noGroup');
    // grade and industry come as their stored values: name them as the account fields do
    if (r.group_by === 'grade' || r.group_by === 'industry') {
      const field = account?.fields.find((f) => f.api_name === r.group_by);
      const o = field?.options?.find((x) => x.value === g.key);
      if (o) return pick(o.label);
    }
    return g.label ?? g.key;
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Row gutter={[12, 12]}>
        <Col xs={24} sm={12} md={6}>
          <Card size="small" style={{ height: '100%' }} data-testid="survey-value">
            <Typography.Text type="secondary">
              <HintTitle title={t(`surveys.r.value.${kind}`)} hint={t(`surveys.r.valueHint.${kind}`)} />
            </Typography.Text>
            <div style={{ fontSize: 28, fontWeight: 600 }} data-testid="survey-value-number">
              {formatValue(kind, r.overall.value)}
            </div>
            <Typography.Text type="secondary">
              {t('surveys.r.answers', { n: r.overall.responses })}
            </Typography.Text>
          </Card>
        </Col>
        {cats.map((c) => (
          <Col key={c} xs={8} md={6}>
            <Card size="small" style={{ height: '100%' }} data-testid={`survey-count-${c}`}>
              <Typography.Text type="secondary">{t(`surveys.category.${c}`)}</Typography.Text>
              <div style={{ fontSize: 24, fontWeight: 600, color: categoryColor(c) }}>
                {r.overall.categories[c] ?? 0}
              </div>
              <Typography.Text type="secondary">{t(`surveys.r.scoreRange.${c}`)}</Typography.Text>
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('surveys.r.distribution')}>
            <Chart
              testId="survey-distribution"
              label={t('surveys.r.distribution')}
              height={260}
              option={scoreDistributionOption(
                kind,
                r.overall.distribution,
                { answers: t('surveys.r.answersSeries') },
                chartAnimation,
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('surveys.r.trend')}>
            <Chart
              testId="survey-trend"
              label={t('surveys.r.trend')}
              height={260}
              option={surveyTrendOption(
                kind,
                months,
                { values: valuesByMonth(months, r.periods), responses: responsesByMonth(months, r.periods) },
                r.groups.slice(0, MAX_GROUP_LINES).map((g) => ({
                  name: groupName(g),
                  values: valuesByMonth(months, g.periods),
                })),
                { value: t(`surveys.r.value.${kind}`), responses: t('surveys.r.answersSeries') },
                chartAnimation,
              )}
            />
          </Card>
        </Col>
      </Row>
      {r.group_by && (
        <Card size="small" title={t(`surveys.r.groupBy.${r.group_by}`)}>
          <Table
            size="small"
            pagination={false}
            rowKey={(g) => g.key ?? ''}
            dataSource={r.groups}
            data-testid="survey-groups"
            columns={[
              { key: 'name', title: t(`surveys.r.group.${r.group_by}`), render: (_, g) => groupName(g) },
              {
                key: 'value',
                title: t(`surveys.r.value.${kind}`),
                align: 'right',
                render: (_, g) => <Typography.Text strong>{formatValue(kind, g.value)}</Typography.Text>,
              },
              { key: 'responses', title: t('surveys.col.responses'), dataIndex: 'responses', align: 'right' },
              ...cats.map((c) => ({
                key: c,
                title: t(`surveys.category.${c}`),
                align: 'right' as const,
                render: (_: unknown, g: SurveyResults['groups'][number]) => g.categories[c] ?? 0,
              })),
            ]}
          />
        </Card>
      )}
      <QuestionResults
        surveyId={survey.id}
        questions={r.questions}
        responses={r.overall.responses}
        from={r.from}
        to={r.to}
      />
      <Comments comments={r.comments} />
    </Space>
  );
}

function Comments({ comments }: { comments: SurveyResults['comments'] }) {
  const { t } = useI18n();
  return (
    <Card
      size="small"
      title={t('surveys.r.comments', { n: comments.length })}
      data-testid="survey-comments"
      extra={<Typography.Text type="secondary">{t('surveys.r.commentsHint')}</Typography.Text>}
    >
      {comments.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('surveys.r.noComments')} />
      ) : (
        <ul
          style={{ listStyle: 'none', margin: 0, padding: 0 }}
          aria-label={t('surveys.r.comments', { n: comments.length })}
        >
          {comments.map((c) => (
            <li
              key={c.id}
              style={{ padding: '10px 0', borderBottom: '1px solid #f0f0f0' }}
              data-testid="survey-comment"
            >
              <Space wrap size={6}>
                <CategoryTag category={c.category} score={c.score} />
                <Typography.Text strong>{c.account_name}</Typography.Text>
                {c.contact_name && <Typography.Text>{c.contact_name}</Typography.Text>}
                {c.key_user && <Tag color="blue">{t('surveys.r.keyUser')}</Tag>}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {dayjs(c.submitted_at).format('YYYY-MM-DD HH:mm')}
                </Typography.Text>
              </Space>
              <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>
                {c.comment}
              </Typography.Paragraph>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
