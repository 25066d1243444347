import { useState } from 'react';
import { Alert, App, Form, Input, InputNumber, Modal, Radio, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { createRecord, updateRecord } from '../api/endpoints';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from '../settings/server-errors';
import { surveyKeys } from './surveys-api';
import { SURVEY_KINDS, surveyOf, type SurveyDef, type SurveyKind } from './surveys-logic';

interface Values {
  name: string;
  kind: SurveyKind;
  intro?: string | null;
  expires_days: number | null;
}

// the fields the server may name in a 422 (or the 409 survey_kind_locked); they sit on their item
const FIELDS = ['name', 'kind', 'intro', 'expires_days'] as const;

/**
 * A new survey, or a survey's name, kind, introduction and link lifetime (the generic record API:
 * its metadata checks the lengths and the 1–365 days, its hook refuses a kind change once sent).
 * Enter in a one-line field saves, Esc closes; the server's messages land on their field.
 */
export function SurveyForm(props: {
  open: boolean;
  /** null: a new survey (a draft) */
  survey: SurveyDef | null;
  onClose: () => void;
  onSaved: (saved: SurveyDef) => void;
}) {
  // mounted per opening, so the form starts from the survey as it is now
  return props.open ? <SurveyDialog {...props} /> : null;
}

function SurveyDialog({
  survey,
  onClose,
  onSaved,
}: {
  survey: SurveyDef | null;
  onClose: () => void;
  onSaved: (saved: SurveyDef) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [initial] = useState<Values>(() =>
    survey
      ? { name: survey.name, kind: survey.kind, intro: survey.intro, expires_days: survey.expires_days }
      : { name: '', kind: 'nps', intro: '', expires_days: 14 },
  );

  const save = async (v: Values) => {
    setSaving(true);
    setProblem(null);
    const name = v.name.trim();
    const body: Record<string, unknown> = {
      name,
      kind: v.kind,
      intro: v.intro?.trim() || null,
      // an emptied field goes as null so the server names it, not as the old value
      expires_days: v.expires_days,
    };
    try {
      const saved = survey
        ? await updateRecord('survey', survey.id, { ...body, version: survey.version })
        : await createRecord('survey', { ...body, status: 'draft' });
      await qc.invalidateQueries({ queryKey: surveyKeys.all });
      void message.success(survey ? t('surveys.savedToast') : t('surveys.createdToast', { name }));
      onSaved(surveyOf(saved));
    } catch (err) {
      setProblem(showServerErrors(form, err, FIELDS, t));
    } finally {
      setSaving(false);
    }
  };

  const submit = () => form.submit();
  return (
    <Modal
      open
      title={survey ? t('surveys.editTitle') : t('surveys.new')}
      okText={survey ? t('common.save') : t('surveys.create')}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      confirmLoading={saving}
      destroyOnHidden
      width={560}
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        initialValues={initial}
        layout="vertical"
        requiredMark
        onFinish={(v) => void save(v)}
        data-testid="survey-form"
      >
        <Form.Item
          name="name"
          label={t('surveys.name')}
          rules={[{ required: true, whitespace: true, message: t('surveys.nameRequired') }]}
        >
          <Input maxLength={200} autoFocus onPressEnter={submit} data-testid="survey-name" />
        </Form.Item>
        <Form.Item name="kind" label={t('surveys.kind')} extra={t('surveys.kindHint')}>
          <Radio.Group
            optionType="button"
            options={SURVEY_KINDS.map((k) => ({ value: k, label: t(`surveys.kind.${k}`) }))}
            data-testid="survey-kind"
          />
        </Form.Item>
        <Form.Item name="intro" label={t('surveys.intro')} extra={t('surveys.introHint')}>
          <Input.TextArea rows={3} maxLength={2000} data-testid="survey-intro" />
        </Form.Item>
        <Form.Item name="expires_days" label={t('surveys.expiresDays')} extra={t('surveys.expiresHint')}>
          <InputNumber
            min={1}
            max={365}
            precision={0}
            style={{ width: 160 }}
            onPressEnter={submit}
            data-testid="survey-expires"
          />
        </Form.Item>
      </Form>
      {!survey && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('surveys.draftNote')}
        </Typography.Text>
      )}
    </Modal>
  );
}
