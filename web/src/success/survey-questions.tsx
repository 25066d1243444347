import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Form,
  Input,
  Radio,
  Space,
  Spin,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { RetryAlert } from '../objects/dashboard-parts';
import { saveQuestions, surveyKeys, useQuestions, type Questions } from './surveys-api';
import {
  draftsOf,
  isDirty,
  MAX_QUESTIONS,
  moveItem,
  newDraftKey,
  questionIssues,
  questionsBody,
  type DraftQuestion,
  type SurveyDef,
} from './surveys-logic';

/** The builder of a survey's extra questions (asked after the score and the comment). */
export function SurveyQuestions({ survey, canEdit }: { survey: SurveyDef; canEdit: boolean }) {
  const { t } = useI18n();
  const q = useQuestions(survey.id);
  if (q.error) return <RetryAlert message={errorText(q.error, t)} onRetry={() => void q.refetch()} />;
  if (!q.data) return <Spin />;
  // a saved version remounts the editor from what the server kept
  return <Editor key={q.data.version} survey={survey} stored={q.data} canEdit={canEdit} />;
}

type Issues = ReturnType<typeof questionIssues>;
const NO_ISSUES: Issues = { rows: {}, rest: [] };

function Editor({ survey, stored, canEdit }: { survey: SurveyDef; stored: Questions; canEdit: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [drafts, setDrafts] = useState<DraftQuestion[]>(() => draftsOf(stored.questions));
  const [issues, setIssues] = useState<Issues>(NO_ISSUES);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // the label of a question just added takes the focus, so typing goes straight on
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const dirty = isDirty(drafts, stored.questions);

  const edit = (next: DraftQuestion[]) => {
    setDrafts(next);
    // issues name rows by position: once rows change they may point at the wrong one
    setIssues(NO_ISSUES);
  };
  const patch = (i: number, p: Partial<DraftQuestion>) =>
    edit(drafts.map((d, j) => (j === i ? { ...d, ...p } : d)));
  const add = () => {
    const key = newDraftKey(drafts);
    edit([...drafts, { key, isNew: true, label: '', type: 'text', optionsText: '', required: false }]);
    setFocusKey(key);
  };

  const save = async () => {
    setSaving(true);
    setProblem(null);
    try {
      await saveQuestions(survey.id, { questions: questionsBody(drafts), version: stored.version });
      await qc.invalidateQueries({ queryKey: surveyKeys.all });
      void message.success(t('surveys.q.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.details.length > 0) {
        const found = questionIssues(err.details);
        setIssues(found);
        setProblem(found.rest.length ? found.rest.join('; ') : t('surveys.q.fixRows'));
      } else setProblem(errorText(err, t));
    } finally {
      setSaving(false);
    }
  };

  const addButton = (testId: string) =>
    canEdit && (
      <Button
        icon={<PlusOutlined />}
        onClick={add}
        disabled={drafts.length >= MAX_QUESTIONS}
        data-testid={testId}
      >
        {t('surveys.q.add')}
      </Button>
    );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="survey-questions">
      <Alert type="info" title={t(`surveys.q.fixed.${survey.kind}`)} />
      {problem && <Alert type="error" showIcon role="alert" title={problem} data-testid="survey-q-problem" />}
      {drafts.length === 0 ? (
        <Empty
          data-testid="survey-q-empty"
          description={
            <Space orientation="vertical" size={4} style={{ maxWidth: 520 }}>
              <Typography.Text strong>{t('surveys.q.emptyTitle')}</Typography.Text>
              <Typography.Text type="secondary">{t('surveys.q.emptyBody')}</Typography.Text>
            </Space>
          }
        >
          {addButton('survey-q-add-empty')}
        </Empty>
      ) : (
        <Form layout="vertical" component="div" disabled={!canEdit}>
          {drafts.map((d, i) => (
            <QuestionRow
              key={d.key}
              index={i}
              count={drafts.length}
              draft={d}
              issues={issues.rows[i] ?? {}}
              autoFocus={d.key === focusKey}
              canEdit={canEdit}
              onChange={(p) => patch(i, p)}
              onMove={(delta) => edit(moveItem(drafts, i, delta))}
              onRemove={() => edit(drafts.filter((_, j) => j !== i))}
            />
          ))}
        </Form>
      )}
      {canEdit && (
        <Space wrap>
          {drafts.length > 0 && addButton('survey-q-add')}
          <Button
            type="primary"
            onClick={() => void save()}
            loading={saving}
            disabled={!dirty}
            data-testid="survey-q-save"
          >
            {t('surveys.q.save')}
          </Button>
          {dirty && (
            <Button
              onClick={() => {
                edit(draftsOf(stored.questions));
                setProblem(null);
              }}
            >
              {t('surveys.q.discard')}
            </Button>
          )}
          <Typography.Text type="secondary">
            {dirty ? t('surveys.q.unsaved') : t('surveys.q.count', { n: drafts.length, max: MAX_QUESTIONS })}
          </Typography.Text>
        </Space>
      )}
    </Space>
  );
}

function QuestionRow({
  index,
  count,
  draft,
  issues,
  autoFocus,
  canEdit,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  draft: DraftQuestion;
  issues: Record<string, string>;
  autoFocus: boolean;
  canEdit: boolean;
  onChange: (p: Partial<DraftQuestion>) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const n = index + 1;
  const id = (f: string) => `survey-q-${draft.key}-${f}`;
  const status = (f: string) => (issues[f] ? ('error' as const) : undefined);
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid="survey-q-row"
      title={
        <Space>
          {t('surveys.q.title', { n })}
          {draft.isNew ? (
            <Tooltip title={t('surveys.q.newKeyHint')}>
              <Tag bordered={false} color="blue" style={{ fontSize: 12 }}>
                {t('surveys.q.newKey')}
              </Tag>
            </Tooltip>
          ) : (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {draft.key}
            </Typography.Text>
          )}
        </Space>
      }
      extra={
        canEdit && (
          <Space size={4}>
            <Button
              size="small"
              icon={<ArrowUpOutlined />}
              aria-label={t('surveys.q.up', { n })}
              disabled={index === 0}
              onClick={() => onMove(-1)}
              data-testid="survey-q-up"
            />
            <Button
              size="small"
              icon={<ArrowDownOutlined />}
              aria-label={t('surveys.q.down', { n })}
              disabled={index === count - 1}
              onClick={() => onMove(1)}
              data-testid="survey-q-down"
            />
            <Button
              size="small"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('surveys.q.remove', { n })}
              onClick={onRemove}
              data-testid="survey-q-remove"
            />
          </Space>
        )
      }
    >
      <Form.Item
        label={t('surveys.q.label')}
        htmlFor={id('label')}
        validateStatus={status('label')}
        help={issues.label}
      >
        <Input
          id={id('label')}
          value={draft.label}
          maxLength={300}
          autoFocus={autoFocus}
          onChange={(e) => onChange({ label: e.target.value })}
          data-testid="survey-q-label"
        />
      </Form.Item>
      <Space wrap size="large" align="start">
        <Form.Item label={t('surveys.q.type')} validateStatus={status('type')} help={issues.type}>
          <Radio.Group
            optionType="button"
            value={draft.type}
            onChange={(e) => onChange({ type: e.target.value === 'choice' ? 'choice' : 'text' })}
            options={[
              { value: 'text', label: t('surveys.q.type.text') },
              { value: 'choice', label: t('surveys.q.type.choice') },
            ]}
            data-testid="survey-q-type"
          />
        </Form.Item>
        <Form.Item
          label={t('surveys.q.requiredLabel')}
          validateStatus={status('required')}
          help={issues.required}
        >
          <Checkbox
            checked={draft.required}
            onChange={(e) => onChange({ required: e.target.checked })}
            data-testid="survey-q-required"
          >
            {t('surveys.q.required')}
          </Checkbox>
        </Form.Item>
      </Space>
      {draft.type === 'choice' && (
        <Form.Item
          label={t('surveys.q.options')}
          htmlFor={id('options')}
          extra={t('surveys.q.optionsHint')}
          validateStatus={status('options')}
          help={issues.options}
        >
          <Input.TextArea
            id={id('options')}
            rows={3}
            value={draft.optionsText}
            onChange={(e) => onChange({ optionsText: e.target.value })}
            data-testid="survey-q-options"
          />
        </Form.Item>
      )}
      {issues.key && <Typography.Text type="danger">{issues.key}</Typography.Text>}
    </Card>
  );
}
