import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Modal, Space, Table, Tag, Typography } from 'antd';
import { PlayCircleOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useQueryClient } from '@tanstack/react-query';
import { adminKeys, runJob, useJobs, type Job, type JobRun } from '../api/admin';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';

function StatusTag({ status }: { status: string }) {
  const color = status === 'succeeded' ? 'green' : status === 'failed' ? 'red' : 'blue';
  return <Tag color={color}>{status}</Tag>;
}

function RunModal({ job, onClose }: { job: Job; onClose: () => void }) {
  const { t, pick } = useI18n();
  const describe = (j: Job) => (typeof j.description === 'string' ? j.description : pick(j.description));
  const qc = useQueryClient();
  const [asOf, setAsOf] = useState<Dayjs | null>(null);
  const [busy, setBusy] = useState(false);
  const [run, setRun] = useState<JobRun | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const start = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setRun(await runJob(job.name, asOf ? asOf.format('YYYY-MM-DD') : undefined));
      await qc.invalidateQueries({ queryKey: adminKeys.jobs });
    } catch (err) {
      setProblem(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('settings.jobs.runTitle', { job: job.name })}
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button type="primary" loading={busy} onClick={() => void start()} data-testid="job-run-confirm">
            {t('settings.jobs.runNow')}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{describe(job)}</Typography.Text>
        <Space>
          <Typography.Text>{t('settings.jobs.asOf')}</Typography.Text>
          <DatePicker
            aria-label={t('settings.jobs.asOf')}
            data-testid="job-as-of"
            value={asOf}
            onChange={(d: Dayjs | null) => setAsOf(d)}
            placeholder={t('settings.jobs.asOfDefault')}
          />
        </Space>
        {problem && <Alert type="error" showIcon title={problem} role="alert" />}
        {run && (
          <div data-testid="job-result">
            <Space>
              <StatusTag status={run.status} />
              <Typography.Text>{t('settings.jobs.asOfValue', { date: run.as_of })}</Typography.Text>
            </Space>
            {run.error && <Alert type="error" title={run.error} style={{ marginTop: 8 }} />}
            <pre className="fw-json">{JSON.stringify(run.result, null, 2)}</pre>
          </div>
        )}
      </Space>
    </Modal>
  );
}

export function JobsSection() {
  const { t, locale, pick } = useI18n();
  const describe = (j: Job) => (typeof j.description === 'string' ? j.description : pick(j.description));
  const tz = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  const jobs = useJobs();
  const [running, setRunning] = useState<Job | null>(null);
  return (
    <Card size="small" title={t('settings.jobs.title')}>
      {jobs.error && <Alert type="error" title={errorText(jobs.error, t)} />}
      <Table<Job>
        size="small"
        rowKey="name"
        data-testid="jobs-table"
        loading={jobs.isLoading}
        dataSource={jobs.data ?? []}
        pagination={false}
        columns={[
          { key: 'name', title: t('settings.jobs.name'), render: (_, j) => <code>{j.name}</code> },
          { key: 'schedule', title: t('settings.jobs.schedule'), dataIndex: 'schedule' },
          { key: 'desc', title: t('settings.jobs.description'), render: (_, j) => describe(j) },
          {
            key: 'last',
            title: t('settings.jobs.lastRun'),
            render: (_, j) =>
              j.last_run ? (
                <Space size={4}>
                  <StatusTag status={j.last_run.status} />
                  {formatDateTime(j.last_run.started_at, tz, locale)}
                </Space>
              ) : (
                t('common.empty')
              ),
          },
          {
            key: 'run',
            title: '',
            render: (_, j) => (
              <Button size="small" icon={<PlayCircleOutlined />} onClick={() => setRunning(j)}>
                {t('settings.jobs.runNow')}
              </Button>
            ),
          },
        ]}
      />
      {running && <RunModal job={running} onClose={() => setRunning(null)} />}
    </Card>
  );
}
