import { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Progress,
  Result,
  Select,
  Space,
  Spin,
  Steps,
  Table,
  Typography,
  Upload,
} from 'antd';
import { ArrowLeftOutlined, InboxOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../api/error-text';
import {
  dryRunImport,
  failedRowsUrl,
  getImport,
  patchImport,
  runImport,
  uploadImport,
  type ImportError,
  type ImportJob,
  type ImportPolicy,
} from '../api/imports';
import { keys, useMe, useObjectMeta } from '../api/queries';
import type { ObjectMeta } from '../api/types';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { NotFoundPage } from '../shell/not-found-page';
import { editableFields } from './field-values';

const NOT_MAPPED = '';

function ErrorTable({ errors }: { errors: ImportError[] }) {
  const { t } = useI18n();
  if (!errors.length) return null;
  return (
    <Table<ImportError>
      size="small"
      data-testid="import-errors"
      rowKey={(e) => `${e.row}:${e.field ?? ''}:${e.issue}`}
      dataSource={errors}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      columns={[
        { key: 'row', title: t('import.row'), dataIndex: 'row', width: 80 },
        {
          key: 'column',
          title: t('import.column'),
          render: (_, e) => e.column ?? e.field ?? t('common.empty'),
        },
        { key: 'issue', title: t('import.issue'), dataIndex: 'issue' },
      ]}
    />
  );
}

function Counts({ job }: { job: ImportJob }) {
  const { t } = useI18n();
  return (
    <Descriptions size="small" column={5} bordered data-testid="import-counts">
      <Descriptions.Item label={t('import.total')}>{job.total_rows ?? 0}</Descriptions.Item>
      <Descriptions.Item label={t('import.created')}>{job.created_rows}</Descriptions.Item>
      <Descriptions.Item label={t('import.updated')}>{job.updated_rows}</Descriptions.Item>
      <Descriptions.Item label={t('import.skipped')}>{job.skipped_rows}</Descriptions.Item>
      <Descriptions.Item label={t('import.failed')}>{job.failed_rows}</Descriptions.Item>
    </Descriptions>
  );
}

function Wizard({ meta }: { meta: ObjectMeta }) {
  const { t, pick } = useI18n();
  const qc = useQueryClient();
  const [job, setJob] = useState<ImportJob | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [policy, setPolicy] = useState<ImportPolicy>('create');
  const [matchField, setMatchField] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const progress = useQuery({
    queryKey: ['imports', job?.id],
    queryFn: () => getImport(job?.id ?? ''),
    enabled: running && job !== null,
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return s === 'completed' || s === 'failed' ? false : 1000;
    },
  });
  const live = running ? (progress.data ?? job) : job;
  const finished = live?.status === 'completed' || live?.status === 'failed';
  useEffect(() => {
    if (running && finished) void qc.invalidateQueries({ queryKey: keys.records(meta.api_name) });
  }, [running, finished, qc, meta.api_name]);

  const step = !job ? 0 : running ? (finished ? 3 : 2) : job.status === 'validated' ? 2 : 1;
  const fields = editableFields(meta.fields);
  const fieldOptions = [
    { value: NOT_MAPPED, label: t('import.notMapped') },
    { value: 'id', label: 'ID' },
    ...fields.map((f) => ({ value: f.api_name, label: pick(f.label) || f.api_name })),
  ];

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await fn();
    } catch (err) {
      setProblem(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const upload = (file: File) =>
    act(async () => {
      const created = await uploadImport(meta.api_name, file);
      setJob(created);
      setMapping(created.mapping);
      setPolicy(created.policy);
      setMatchField(created.match_field);
    });

  const dryRun = () =>
    act(async () => {
      if (!job) return;
      const clean = Object.fromEntries(Object.entries(mapping).filter(([, f]) => f !== NOT_MAPPED));
      await patchImport(job.id, {
        mapping: clean,
        policy,
        match_field: policy === 'create' ? null : matchField,
      });
      setJob(await dryRunImport(job.id));
    });

  const run = () =>
    act(async () => {
      if (!job) return;
      const started = await runImport(job.id);
      qc.setQueryData(['imports', job.id], started);
      setJob(started);
      setRunning(true);
    });

  const label = pick(meta.plural_label) || meta.api_name;
  const percent =
    live && live.total_rows ? Math.round((100 * live.processed_rows) / Math.max(live.total_rows, 1)) : 0;

  return (
    <div>
      <div className="fw-page-header">
        <Space>
          <Link to={`/o/${meta.api_name}`} aria-label={label}>
            <ArrowLeftOutlined />
          </Link>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('import.title', { object: label })}
          </Typography.Title>
        </Space>
      </div>
      <Steps
        current={step}
        style={{ marginBottom: 16 }}
        items={[
          { title: t('import.stepUpload') },
          { title: t('import.stepMapping') },
          { title: t('import.stepDryRun') },
          { title: t('import.stepResult') },
        ]}
      />
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Card size="small">
        {step === 0 && (
          <Spin spinning={busy}>
            <Upload.Dragger
              accept=".csv,.xlsx"
              multiple={false}
              showUploadList={false}
              beforeUpload={(file) => {
                void upload(file);
                return false;
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t('import.uploadHint')}</p>
              <p className="ant-upload-hint">{t('import.uploadFormats')}</p>
            </Upload.Dragger>
          </Spin>
        )}
        {step === 1 && job && (
          <Space orientation="vertical" style={{ width: '100%' }} size={12}>
            <Typography.Text>{t('import.file', { name: job.file_name })}</Typography.Text>
            <Table<{ header: string }>
              size="small"
              rowKey="header"
              data-testid="import-mapping"
              pagination={false}
              dataSource={job.headers.map((header) => ({ header }))}
              columns={[
                { key: 'h', title: t('import.column'), dataIndex: 'header' },
                {
                  key: 'f',
                  title: t('import.field'),
                  render: (_, r) => (
                    <Select
                      aria-label={r.header}
                      style={{ minWidth: 220 }}
                      showSearch={{ optionFilterProp: 'label' }}
                      value={mapping[r.header] ?? NOT_MAPPED}
                      onChange={(v: string) => setMapping((m) => ({ ...m, [r.header]: v }))}
                      options={fieldOptions}
                    />
                  ),
                },
              ]}
            />
            <Space wrap>
              <Typography.Text>{t('import.policy')}</Typography.Text>
              <Select<ImportPolicy>
                aria-label={t('import.policy')}
                style={{ minWidth: 200 }}
                value={policy}
                onChange={setPolicy}
                options={[
                  { value: 'create', label: t('import.policy.create') },
                  { value: 'skip', label: t('import.policy.skip') },
                  { value: 'update', label: t('import.policy.update') },
                ]}
              />
              {policy !== 'create' && (
                <>
                  <Typography.Text>{t('import.matchField')}</Typography.Text>
                  <Select
                    aria-label={t('import.matchField')}
                    style={{ minWidth: 200 }}
                    value={matchField ?? undefined}
                    onChange={(v: string) => setMatchField(v)}
                    options={fieldOptions.filter((o) => o.value !== NOT_MAPPED)}
                  />
                </>
              )}
            </Space>
            <Button type="primary" loading={busy} onClick={() => void dryRun()}>
              {t('import.dryRun')}
            </Button>
          </Space>
        )}
        {step === 2 && !running && job && (
          <Space orientation="vertical" style={{ width: '100%' }} size={12}>
            <Alert
              type={job.failed_rows ? 'warning' : 'success'}
              showIcon
              title={t('import.dryRunDone', { total: job.total_rows ?? 0, failed: job.failed_rows })}
            />
            <Counts job={job} />
            <ErrorTable errors={job.errors} />
            <Space>
              <Button onClick={() => setJob({ ...job, status: 'uploaded' })}>
                {t('import.backToMapping')}
              </Button>
              <Button type="primary" loading={busy} onClick={() => void run()}>
                {t('import.run')}
              </Button>
            </Space>
          </Space>
        )}
        {running && live && (
          <Space orientation="vertical" style={{ width: '100%' }} size={12}>
            <Progress
              percent={finished ? 100 : percent}
              status={live.status === 'failed' ? 'exception' : finished ? 'success' : 'active'}
              data-testid="import-progress"
            />
            {finished && (
              <Result
                status={live.status === 'failed' ? 'error' : live.failed_rows ? 'warning' : 'success'}
                title={live.status === 'failed' ? t('import.jobFailed') : t('import.completed')}
                extra={
                  <Space>
                    {live.has_failed_file && (
                      <Button href={failedRowsUrl(live.id)} download data-testid="failed-rows-link">
                        {t('import.downloadFailed')}
                      </Button>
                    )}
                    <Link to={`/o/${meta.api_name}`}>{t('import.backToList', { object: label })}</Link>
                  </Space>
                }
              />
            )}
            <Counts job={live} />
            {finished && <ErrorTable errors={live.errors} />}
          </Space>
        )}
      </Card>
    </div>
  );
}

export default function ImportPage() {
  const { object = '' } = useParams();
  const { t } = useI18n();
  const me = useMe().data;
  const { meta, isLoading } = useObjectMeta(object);
  if (isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!meta) return object ? <Result status="403" subTitle={t('list.noPermission')} /> : <NotFoundPage />;
  if (!canDo(me, meta.api_name, 'import') || !canDo(me, meta.api_name, 'create'))
    return <Result status="403" subTitle={t('list.noPermission')} />;
  return <Wizard key={meta.api_name} meta={meta} />;
}
