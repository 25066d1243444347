import { useState, type ReactNode } from 'react';
import { useParams } from 'react-router';
import { Alert, Button, Card, Input, Radio, Result, Space, Spin, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { interpolate, type MessageParams } from '../i18n/interpolate';
import { enUS } from '../i18n/en-US';
import { zhCN, type MessageKey } from '../i18n/zh-CN';
import { answerSurvey, fetchPublicSurvey } from './lights-api';
import { linkProblem, missingAnswers, scaleValues, type LinkProblem } from './lights-logic';

const PROBLEM: Record<Exclude<LinkProblem, 'other'>, [MessageKey, MessageKey]> = {
  unknown: ['survey.unknown', 'survey.unknownBody'],
  used: ['survey.used', 'survey.usedBody'],
  expired: ['survey.expired', 'survey.expiredBody'],
  closed: ['survey.closed', 'survey.closedBody'],
};

/**
 * The public survey page (/s/:token, no sign-in): one NPS or CSAT score, a comment and the extra
 * questions, in the invitation's language (the API's `locale`, not the visitor's app setting).
 * Narrow by design so it works on a phone.
 */
export default function SurveyPublicPage() {
  const { token = '' } = useParams();
  const survey = useQuery({
    queryKey: ['public-survey', token],
    queryFn: () => fetchPublicSurvey(token),
    retry: false,
  });
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const s = survey.data;
  const catalog = s?.locale === 'en-US' ? enUS : zhCN;
  const t = (key: MessageKey, params?: MessageParams) => interpolate(catalog[key], params);

  const wrap = (body: ReactNode) => (
    <div style={{ maxWidth: 560, margin: '0 auto', padding: 16 }} data-testid="survey-page">
      {body}
    </div>
  );
  const problemPage = (err: unknown) => {
    const p = err instanceof ApiError ? linkProblem(err.status, err.key) : 'other';
    if (p === 'other')
      return wrap(
        <Result
          status="warning"
          title={t('survey.error')}
          subTitle={err instanceof Error ? err.message : ''}
        />,
      );
    const [title, body] = PROBLEM[p];
    return wrap(
      <Result
        status={p === 'used' ? 'success' : 'warning'}
        title={t(title)}
        subTitle={t(body)}
        data-testid={`survey-${p}`}
      />,
    );
  };
  if (survey.error) return problemPage(survey.error);
  if (!s) return wrap(<Spin tip={t('survey.loading')} />);
  if (done)
    return wrap(
      <Result
        status="success"
        title={t('survey.thanks')}
        subTitle={t('survey.thanksBody', { company: s.company })}
        data-testid="survey-thanks"
      />,
    );
  if (failure && !(failure instanceof ApiError && failure.details.length > 0)) return problemPage(failure);

  const missing = missingAnswers(s.survey.questions, answers);
  const submit = async () => {
    setTried(true);
    if (score === null || missing.length > 0) return;
    setBusy(true);
    try {
      await answerSurvey(token, { score, ...(comment.trim() ? { comment: comment.trim() } : {}), answers });
      setDone(true);
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  const q = s.survey;
  return wrap(
    <Card title={q.name}>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('survey.from', { company: s.company })}</Typography.Text>
        {q.intro && <Typography.Paragraph>{q.intro}</Typography.Paragraph>}
        <Typography.Text strong>{q.question}</Typography.Text>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6 }} role="radiogroup" aria-label={q.question}>
          {scaleValues(q.scale.min, q.scale.max).map((v) => (
            <Button
              key={v}
              role="radio"
              aria-checked={score === v}
              type={score === v ? 'primary' : 'default'}
              style={{ minWidth: 40, height: 44 }}
              onClick={() => setScore(v)}
              data-testid={`survey-score-${v}`}
            >
              {v}
            </Button>
          ))}
        </div>
        <div style={{ display: 'flex', justifyContent: 'space-between', fontSize: 12 }}>
          <span>{q.scale.min_label}</span>
          <span>{q.scale.max_label}</span>
        </div>
        {tried && score === null && <Alert type="error" title={t('survey.pickScore')} />}
        <div>
          <Typography.Text>{q.comment_label}</Typography.Text>
          <Input.TextArea
            rows={3}
            maxLength={q.comment_max}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            data-testid="survey-comment"
          />
        </div>
        {q.questions.map((x) => (
          <div key={x.key}>
            <Typography.Text>
              {x.label}
              {x.required ? ' *' : ''}
            </Typography.Text>
            {x.type === 'choice' ? (
              <Radio.Group
                value={answers[x.key]}
                onChange={(e) => setAnswers({ ...answers, [x.key]: String(e.target.value) })}
                options={(x.options ?? []).map((o) => ({ value: o, label: o }))}
              />
            ) : (
              <Input
                aria-label={x.label}
                value={answers[x.key] ?? ''}
                onChange={(e) => setAnswers({ ...answers, [x.key]: e.target.value })}
                data-testid={`survey-answer-${x.key}`}
              />
            )}
            {tried && missing.includes(x.key) && (
              <Typography.Text type="danger">{t('survey.requiredAnswer')}</Typography.Text>
            )}
          </div>
        ))}
        {failure instanceof ApiError && (
          <Alert
            type="error"
            showIcon
            title={failure.details.map((d) => d.issue).join('; ') || failure.message}
          />
        )}
        <Button
          type="primary"
          block
          size="large"
          loading={busy}
          onClick={() => void submit()}
          data-testid="survey-submit"
        >
          {t('survey.submit')}
        </Button>
      </Space>
    </Card>,
  );
}
