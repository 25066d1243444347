import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  App,
  Button,
  Empty,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { CodeOutlined, CopyOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { listRecords } from '../api/endpoints';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { RecordSelect } from '../objects/record-select';
import { showServerErrors } from '../settings/server-errors';
import { FORMS_KEY, createLeadForm, patchLeadForm, useLeadForms, type LeadForm } from './api';
import { formSnippet, isOrigin, publicFormEndpoint } from './snippet';

interface FormValues {
  name: string;
  pool_id?: string | null;
  campaign_id?: string | null;
  allowed_origins?: string[];
  thank_you_message?: string;
}
const FIELDS = ['name', 'pool_id', 'campaign_id', 'allowed_origins'] as const;

/** Names of the pools and campaigns the forms point at (one list request per object). */
function useNames(object: string, ids: string[]) {
  const unique = [...new Set(ids)].sort();
  const q = useQuery({
    queryKey: ['records', object, 'names', unique],
    queryFn: () =>
      listRecords(object, {
        filter: [{ field: 'id', op: 'in', value: unique.join(',') }],
        limit: unique.length,
      }),
    enabled: unique.length > 0,
    staleTime: 60_000,
  });
  return new Map((q.data?.data ?? []).map((r) => [r.id, typeof r.name === 'string' ? r.name : r.id]));
}

function FormModal({
  editing,
  onClose,
}: {
  editing: LeadForm | null;
  onClose: (createdId?: string) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const names = {
    pool: useNames('lead_pool', editing?.pool_id ? [editing.pool_id] : []),
    campaign: useNames('campaign', editing?.campaign_id ? [editing.campaign_id] : []),
  };
  const initialMessage =
    editing && typeof editing.thank_you.message === 'string' ? editing.thank_you.message : '';

  const submit = async (v: FormValues) => {
    setBusy(true);
    setProblem(null);
    const thankYou: Record<string, unknown> = { ...(editing?.thank_you ?? {}) };
    if (v.thank_you_message?.trim()) thankYou.message = v.thank_you_message.trim();
    else delete thankYou.message;
    const body = {
      name: v.name,
      pool_id: v.pool_id ?? null,
      campaign_id: v.campaign_id ?? null,
      allowed_origins: v.allowed_origins ?? [],
      thank_you: thankYou,
    };
    try {
      const createdId = editing
        ? (await patchLeadForm(editing.id, body), undefined)
        : (await createLeadForm(body)).id;
      await qc.invalidateQueries({ queryKey: FORMS_KEY });
      message.success(t('common.saved'));
      onClose(createdId);
    } catch (err) {
      // the thank-you text is edited as thank_you_message
      const thankYouIssue = err instanceof ApiError ? err.fieldIssue('thank_you') : undefined;
      if (thankYouIssue) form.setFields([{ name: 'thank_you_message', errors: [thankYouIssue] }]);
      const rest =
        thankYouIssue && err instanceof ApiError && err.details.length === 1
          ? null
          : showServerErrors(form, err, FIELDS, t);
      setProblem(rest);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={editing ? t('marketing.forms.edit') : t('marketing.forms.create')}
      onCancel={() => onClose()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
      width={560}
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        data-testid="lead-form-editor"
        initialValues={{
          name: editing?.name ?? '',
          pool_id: editing?.pool_id ?? null,
          campaign_id: editing?.campaign_id ?? null,
          allowed_origins: editing?.allowed_origins ?? [],
          thank_you_message: initialMessage,
        }}
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item
          name="name"
          label={t('marketing.forms.name')}
          rules={[
            { required: true, whitespace: true, message: t('marketing.forms.nameRequired') },
            { max: 100 },
          ]}
        >
          <Input autoFocus placeholder={t('marketing.forms.namePlaceholder')} />
        </Form.Item>
        <Form.Item name="pool_id" label={t('marketing.forms.pool')} extra={t('marketing.forms.poolHint')}>
          <RecordSelect
            object="lead_pool"
            initialLabel={editing?.pool_id ? names.pool.get(editing.pool_id) : null}
          />
        </Form.Item>
        <Form.Item
          name="campaign_id"
          label={t('marketing.forms.campaign')}
          extra={t('marketing.forms.campaignHint')}
        >
          <RecordSelect
            object="campaign"
            initialLabel={editing?.campaign_id ? names.campaign.get(editing.campaign_id) : null}
          />
        </Form.Item>
        <Form.Item
          name="allowed_origins"
          label={t('marketing.forms.origins')}
          extra={t('marketing.forms.originsHint')}
          rules={[
            {
              validator: async (_, v: string[] | undefined) => {
                const bad = (v ?? []).filter((o) => !isOrigin(o));
                if (bad.length)
                  throw new Error(t('marketing.forms.originInvalid', { origin: bad.join(', ') }));
                if ((v ?? []).length > 20) throw new Error(t('marketing.forms.originsMax'));
              },
            },
          ]}
        >
          <Select
            mode="tags"

            tokenSeparators={[' ', ',', '，']}
            placeholder="https://www.example.cn"
          />
        </Form.Item>
        <Form.Item
          name="thank_you_message"
          label={t('marketing.forms.thankYou')}
          extra={t('marketing.forms.thankYouHint')}
        >
          <Input.TextArea rows={2} maxLength={500} placeholder={t('marketing.forms.thankYouPlaceholder')} />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

function SnippetModal({ form, onClose }: { form: LeadForm; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const endpoint = publicFormEndpoint(window.location.origin, form.form_key);
  const code = formSnippet(endpoint, {
    name: t('marketing.snippet.name'),
    mobile: t('marketing.snippet.mobile'),
    email: t('marketing.snippet.email'),
    company: t('marketing.snippet.company'),
    title: t('marketing.snippet.title'),
    honeypot: t('marketing.snippet.honeypot'),
    submit: t('marketing.snippet.submit'),
    thanks: t('marketing.snippet.thanks'),
    failed: t('marketing.snippet.failed'),
    network: t('marketing.snippet.network'),
  });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      message.success(t('marketing.forms.copied'));
    } catch {
      message.warning(t('marketing.forms.copyFailed'));
    }
  };
  return (
    <Modal
      open
      width={760}
      title={t('marketing.forms.snippetTitle', { name: form.name })}
      onCancel={onClose}
      footer={<Button onClick={onClose}>{t('common.close')}</Button>}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        {!form.active && <Alert type="warning" showIcon title={t('marketing.forms.inactiveWarning')} />}
        {form.allowed_origins.length === 0 && (
          <Alert type="info" showIcon title={t('marketing.forms.noOriginsWarning')} />
        )}
        <Typography.Text>
          {t('marketing.forms.endpoint')}{' '}
          <Typography.Text code copyable data-testid="form-endpoint">
            {endpoint}
          </Typography.Text>
        </Typography.Text>
        <div
          style={{
            display: 'flex',
            flexWrap: 'wrap',
            gap: 8,
            alignItems: 'center',
            justifyContent: 'space-between',
          }}
        >
          <Typography.Text type="secondary">{t('marketing.forms.snippetHint')}</Typography.Text>
          <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="form-snippet-copy">
            {t('marketing.forms.copy')}
          </Button>
        </div>
        <pre
          data-testid="form-snippet"
          tabIndex={0}
          style={{
            maxHeight: 360,
            overflow: 'auto',
            background: '#f6f8fa',
            padding: 12,
            borderRadius: 6,
            fontSize: 12,
            margin: 0,
          }}
        >
          {code}
        </pre>
      </Space>
    </Modal>
  );
}

/** Settings → 官网表单: web-to-lead forms, their embeddable HTML, on/off. */
export function LeadFormsSection() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const isAdmin = me?.role.is_admin === true;
  const forms = useLeadForms(isAdmin);
  const [editing, setEditing] = useState<LeadForm | 'new' | null>(null);
  const [snippet, setSnippet] = useState<LeadForm | null>(null);
  const [toggling, setToggling] = useState<string | null>(null);
  // a new form opens its embed code as soon as the refreshed list has it
  const [justCreated, setJustCreated] = useState<string | null>(null);
  const rows = forms.data ?? [];
  useEffect(() => {
    const created = justCreated ? forms.data?.find((f) => f.id === justCreated) : undefined;
    if (created) {
      setSnippet(created);
      setJustCreated(null);
    }
  }, [justCreated, forms.data]);
  const pools = useNames(
    'lead_pool',
    rows.map((f) => f.pool_id).filter((x): x is string => !!x),
  );
  const campaigns = useNames(
    'campaign',
    rows.map((f) => f.campaign_id).filter((x): x is string => !!x),
  );
  const tz = me?.tenant.time_zone ?? 'Asia/Shanghai';

  if (me && !isAdmin) return <Alert type="info" showIcon title={t('marketing.forms.adminOnly')} />;

  const toggle = async (f: LeadForm, active: boolean) => {
    setToggling(f.id);
    try {
      await patchLeadForm(f.id, { active });
      await qc.invalidateQueries({ queryKey: FORMS_KEY });
      message.success(active ? t('marketing.forms.switchedOn') : t('marketing.forms.switchedOff'));
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setToggling(null);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="lead-forms">
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, justifyContent: 'space-between' }}>
        <Typography.Text type="secondary">{t('marketing.forms.intro')}</Typography.Text>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setEditing('new')}
          data-testid="lead-form-create"
        >
          {t('marketing.forms.create')}
        </Button>
      </div>
      {forms.error && <Alert type="error" showIcon title={errorText(forms.error, t)} />}
      <Table<LeadForm>
        size="small"
        rowKey="id"
        loading={forms.isLoading}
        dataSource={rows}
        scroll={{ x: 820 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('marketing.forms.empty')} />,
        }}
        columns={[
          { key: 'name', title: t('marketing.forms.name'), dataIndex: 'name' },
          {
            key: 'active',
            title: t('marketing.forms.active'),
            render: (_, f) => (
              <Switch
                size="small"
                checked={f.active}
                loading={toggling === f.id}
                aria-label={t('marketing.forms.activeToggle', { name: f.name })}
                onChange={(v) => void toggle(f, v)}
              />
            ),
          },
          {
            key: 'pool',
            title: t('marketing.forms.pool'),
            render: (_, f) =>
              f.pool_id ? (
                <Link to={`/o/lead_pool/${f.pool_id}`}>{pools.get(f.pool_id) ?? t('common.loading')}</Link>
              ) : (
                <Typography.Text type="secondary">{t('marketing.forms.defaultPool')}</Typography.Text>
              ),
          },
          {
            key: 'campaign',
            title: t('marketing.forms.campaign'),
            render: (_, f) =>
              f.campaign_id ? (
                <Link to={`/o/campaign/${f.campaign_id}`}>
                  {campaigns.get(f.campaign_id) ?? t('common.loading')}
                </Link>
              ) : (
                t('common.empty')
              ),
          },
          {
            key: 'origins',
            title: t('marketing.forms.origins'),
            render: (_, f) =>
              f.allowed_origins.length ? (
                <Space size={[4, 4]} wrap>
                  {f.allowed_origins.map((o) => (
                    <Tag key={o}>{o}</Tag>
                  ))}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('marketing.forms.anyOrigin')}</Typography.Text>
              ),
          },
          {
            key: 'key',
            title: t('marketing.forms.key'),
            render: (_, f) => (
              <Typography.Text code copyable style={{ fontSize: 12 }} data-testid="form-key">
                {f.form_key}
              </Typography.Text>
            ),
          },
          {
            key: 'created',
            title: t('marketing.forms.created'),
            render: (_, f) => formatDateTime(f.created_at, tz, locale),
          },
          {
            key: 'actions',
            title: '',
            render: (_, f) => (
              <Space size={0}>
                <Button type="link" size="small" icon={<CodeOutlined />} onClick={() => setSnippet(f)}>
                  {t('marketing.forms.embed')}
                </Button>
                <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(f)}>
                  {t('common.edit')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <FormModal
          editing={editing === 'new' ? null : editing}
          onClose={(createdId) => {
            setEditing(null);
            if (createdId) setJustCreated(createdId);
          }}
        />
      )}
      {snippet && <SnippetModal form={snippet} onClose={() => setSnippet(null)} />}
    </Space>
  );
}
