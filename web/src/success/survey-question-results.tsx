import { useState } from 'react';
import { Alert, Button, Card, Col, Empty, Progress, Row, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { CategoryTag } from './survey-parts';
import { fetchAnswers, type QuestionResult, type TextAnswer } from './surveys-api';
import { appendAnswers, shareText, TONE_COLOR } from './surveys-logic';

/** Text answers fetched per "show more". */
const PAGE = 20;

/**
 * The extra questions' answers in the results' period: a choice question as counts and shares per
 * option, a text question as its answers, newest first, with the customer and contact who gave
 * each (the first few come with the results; more load on demand). Removed questions that were
 * answered in the period follow the ones asked now.
 */
export function QuestionResults({
  surveyId,
  questions,
  responses,
  from,
  to,
}: {
  surveyId: string;
  questions: readonly QuestionResult[];
  /** answers to the survey in the period: how many of them answered each question */
  responses: number;
  from: string;
  to: string;
}) {
  const { t } = useI18n();
  if (questions.length === 0) return null;
  return (
    <Card size="small" title={t('surveys.r.questions')} data-testid="survey-question-results">
      <Row gutter={[12, 12]}>
        {questions.map((q) => (
          <Col key={q.key} xs={24} lg={q.type === 'choice' ? 12 : 24}>
            <Card
              size="small"
              type="inner"
              data-testid="survey-question-result"
              data-key={q.key}
              title={
                <Space wrap size={6}>
                  <span style={{ whiteSpace: 'normal' }}>{q.label}</span>
                  <Tag bordered={false}>{t(`surveys.q.type.${q.type}`)}</Tag>
                  {q.removed && <Tag color="default">{t('surveys.r.removedQuestion')}</Tag>}
                </Space>
              }
              extra={
                <Typography.Text type="secondary" data-testid="survey-question-answered">
                  {t('surveys.r.answeredOf', { n: q.answered, total: responses })}
                </Typography.Text>
              }
            >
              {q.answered === 0 ? (
                <Typography.Text type="secondary">{t('surveys.r.noAnswersYet')}</Typography.Text>
              ) : q.type === 'choice' ? (
                <ChoiceCounts q={q} />
              ) : (
                // remounted when the period or the answers change: the pages loaded belong to the old ones
                <TextAnswers
                  key={`${from}|${to}|${q.answered}`}
                  surveyId={surveyId}
                  q={q}
                  from={from}
                  to={to}
                />
              )}
            </Card>
          </Col>
        ))}
      </Row>
    </Card>
  );
}

function ChoiceCounts({ q }: { q: QuestionResult }) {
  const { t } = useI18n();
  return (
    <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label={q.label}>
      {q.options.map((o) => (
        <li key={o.option} style={{ padding: '4px 0' }} data-testid="survey-option-row">
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
            <Space size={4} wrap>
              <Typography.Text data-testid="survey-option-name">{o.option}</Typography.Text>
              {o.removed && (
                <Tag bordered={false} color="default">
                  {t('surveys.r.removedOption')}
                </Tag>
              )}
            </Space>
            <Typography.Text strong data-testid="survey-option-figures" style={{ whiteSpace: 'nowrap' }}>
              {t('surveys.r.optionCount', { n: o.count })} · {shareText(o.share)}
            </Typography.Text>
          </div>
          <Progress
            percent={o.share ?? 0}
            showInfo={false}
            size="small"
            strokeColor={o.removed ? '#bfbfbf' : TONE_COLOR.good}
            aria-label={`${o.option} ${shareText(o.share)}`}
          />
        </li>
      ))}
    </ul>
  );
}

function TextAnswers({
  surveyId,
  q,
  from,
  to,
}: {
  surveyId: string;
  q: QuestionResult;
  from: string;
  to: string;
}) {
  const { t } = useI18n();
  const [shown, setShown] = useState<TextAnswer[]>(q.answers);
  const [total, setTotal] = useState(q.answered);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const more = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const page = await fetchAnswers(surveyId, { key: q.key, from, to, offset: shown.length, limit: PAGE });
      setShown((s) => appendAnswers(s, page.answers));
      setTotal(page.total);
    } catch (err) {
      setProblem(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  if (shown.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label={q.label}>
        {shown.map((a) => (
          <li
            key={a.response_id}
            style={{ padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}
            data-testid="survey-text-answer"
          >
            <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
              {a.text}
            </Typography.Paragraph>
            <Space wrap size={6} style={{ marginTop: 4 }}>
              <Typography.Text strong>{a.account_name}</Typography.Text>
              {a.contact_name && <Typography.Text>{a.contact_name}</Typography.Text>}
              <CategoryTag category={a.category} score={a.score} />
              {a.key_user && <Tag color="blue">{t('surveys.r.keyUser')}</Tag>}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {dayjs(a.submitted_at).format('YYYY-MM-DD HH:mm')}
              </Typography.Text>
            </Space>
          </li>
        ))}
      </ul>
      {problem && <Alert type="error" showIcon title={problem} />}
      <Space wrap>
        <Typography.Text type="secondary" data-testid="survey-text-shown">
          {t('surveys.r.shownOf', { n: shown.length, total })}
        </Typography.Text>
        {shown.length < total && (
          <Button size="small" loading={busy} onClick={() => void more()} data-testid="survey-answers-more">
            {t('surveys.r.moreAnswers')}
          </Button>
        )}
      </Space>
    </Space>
  );
}
