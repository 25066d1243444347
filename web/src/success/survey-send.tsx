import { useRef, useState } from 'react';
import { Alert, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { todayIn } from '../marketing/period';
import { RecordSelect } from '../objects/record-select';
import { sendSurvey, surveyKeys, type SendResult } from './surveys-api';
import {
  defaultRound,
  fieldIssues,
  outcomeCounts,
  sendOutcomes,
  type OutcomeRow,
  type SendOutcome,
  type SurveyDef,
} from './surveys-logic';

interface Values {
  round: string;
  /** null once a picker is cleared */
  account_ids: string[] | null;
  contact_ids: string[] | null;
  locale: '' | 'zh-CN' | 'en-US';
}

const FIELDS = ['round', 'account_ids', 'contact_ids', 'locale'] as const;
const OUTCOME_COLOR: Record<SendOutcome, string> = {
  invited: 'green',
  already_invited: 'default',
  no_email: 'orange',
};

/**
 * Sends an active survey for a round: to the key users of chosen customers and/or to chosen
 * contacts. The answer lists every contact reached — invited, already invited in this round, or
 * without an e-mail — and the customers that have no key user, so nobody is dropped silently.
 */
export function SendDialog({ survey, onClose }: { survey: SurveyDef; onClose: () => void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const me = useMe().data;
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<SendResult | null>(null);
  // names of the customers picked, to name them in the outcome (the answer carries ids)
  const accountNames = useRef(new Map<string, string>());
  const [initial] = useState<Values>(() => ({
    round: defaultRound(todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai')),
    account_ids: [],
    contact_ids: [],
    locale: '',
  }));

  const send = async (v: Values) => {
    setBusy(true);
    setProblem(null);
    try {
      const accountIds = v.account_ids ?? [];
      const contactIds = v.contact_ids ?? [];
      const r = await sendSurvey(survey.id, {
        round: v.round,
        ...(accountIds.length ? { account_ids: accountIds } : {}),
        ...(contactIds.length ? { contact_ids: contactIds } : {}),
        ...(v.locale ? { locale: v.locale } : {}),
      });
      setResult(r);
      await qc.invalidateQueries({ queryKey: surveyKeys.all });
    } catch (err) {
      if (err instanceof ApiError && err.details.length > 0) {
        const { byField, rest } = fieldIssues(err.details, FIELDS);
        form.setFields(FIELDS.flatMap((name) => (byField[name] ? [{ name, errors: byField[name] }] : [])));
        setProblem(rest.length ? rest.join('; ') : null);
      } else setProblem(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('surveys.sendTitle', { name: survey.name })}
      onCancel={onClose}
      width={720}
      destroyOnHidden
      footer={
        result ? (
          <Space>
            <Button
              onClick={() => {
                // the same round to more people: the recipients start empty again
                form.setFieldsValue({ account_ids: null, contact_ids: null });
                setResult(null);
              }}
              data-testid="survey-send-more"
            >
              {t('surveys.sendMore')}
            </Button>
            <Button type="primary" onClick={onClose} data-testid="survey-send-done">
              {t('surveys.sendDone')}
            </Button>
          </Space>
        ) : (
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              loading={busy}
              onClick={() => form.submit()}
              data-testid="survey-send-submit"
            >
              {t('surveys.sendSubmit')}
            </Button>
          </Space>
        )
      }
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      {result && <Outcome result={result} accountNames={accountNames.current} />}
      {/* kept mounted under the outcome, so "send more" starts from the same round */}
      <Form<Values>
        form={form}
        layout="vertical"
        hidden={result !== null}
        initialValues={initial}
        onFinish={(v) => void send(v)}
        data-testid="survey-send-form"
      >
        <Typography.Paragraph type="secondary">{t('surveys.sendIntro')}</Typography.Paragraph>
        <Form.Item name="round" label={t('surveys.round')} extra={t('surveys.roundHint')}>
          <Input maxLength={40} autoFocus onPressEnter={() => form.submit()} data-testid="survey-round" />
        </Form.Item>
        <Form.Item
          name="account_ids"
          label={t('surveys.sendAccounts')}
          extra={t('surveys.sendAccountsHint')}
          data-testid="survey-send-accounts"
        >
          <RecordSelect
            object="account"
            multiple
            onPick={(id, label) => accountNames.current.set(id, label)}
          />
        </Form.Item>
        <Form.Item
          name="contact_ids"
          label={t('surveys.sendContacts')}
          extra={t('surveys.sendContactsHint')}
          data-testid="survey-send-contacts"
        >
          <RecordSelect object="contact" multiple />
        </Form.Item>
        <Form.Item name="locale" label={t('surveys.sendLocale')}>
          <Select
            style={{ width: 220 }}
            options={[
              { value: '', label: t('surveys.sendLocaleDefault') },
              { value: 'zh-CN', label: '简体中文' },
              { value: 'en-US', label: 'English' },
            ]}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Outcome({ result, accountNames }: { result: SendResult; accountNames: Map<string, string> }) {
  const { t } = useI18n();
  const rows = sendOutcomes(result);
  const c = outcomeCounts(rows);
  const account = (id: string) => accountNames.get(id) ?? t('common.empty');
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="survey-send-result">
      <Alert
        type={c.invited > 0 ? 'success' : 'warning'}
        showIcon
        title={t('surveys.sentSummary', {
          round: result.round,
          invited: c.invited,
          already: c.already_invited,
          noEmail: c.no_email,
        })}
      />
      {result.accounts_without_key_users.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('surveys.noKeyUsers', {
            names: result.accounts_without_key_users.map(account).join('、'),
          })}
          data-testid="survey-send-no-key-users"
        />
      )}
      <Table<OutcomeRow>
        size="small"
        rowKey="contact_id"
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: t('surveys.sentNobody') }}
        columns={[
          { key: 'contact', title: t('surveys.contact'), dataIndex: 'contact_name' },
          { key: 'account', title: t('surveys.account'), render: (_, r) => account(r.account_id) },
          {
            key: 'outcome',
            title: t('surveys.outcome'),
            render: (_, r) => (
              <Tag color={OUTCOME_COLOR[r.outcome]} data-testid={`survey-outcome-${r.outcome}`}>
                {t(`surveys.outcome.${r.outcome}`)}
              </Tag>
            ),
          },
          {
            key: 'email',
            title: t('surveys.email'),
            render: (_, r) =>
              r.email ? (
                <span>
                  {r.email}
                  {r.mail === 'failed' && (
                    <Typography.Text type="danger"> · {t('surveys.mailFailed')}</Typography.Text>
                  )}
                </span>
              ) : (
                t('common.empty')
              ),
          },
        ]}
      />
    </Space>
  );
}
