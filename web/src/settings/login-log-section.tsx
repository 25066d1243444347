import { Alert, Card, Table, Tag } from 'antd';
import { useLoginLog, type LoginLogEntry } from '../api/admin';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';

function resultColor(result: string): string {
  if (result === 'success') return 'green';
  if (result.endsWith('_locked') || result === 'locked') return 'red';
  if (result === 'disabled') return 'default';
  return 'orange';
}

export function LoginLogSection() {
  const { t, locale } = useI18n();
  const tz = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  const log = useLoginLog();
  return (
    <Card size="small" title={t('settings.loginLog.title')}>
      {log.error && <Alert type="error" title={errorText(log.error, t)} />}
      <Table<LoginLogEntry>
        size="small"
        rowKey="id"
        data-testid="login-log-table"
        loading={log.isLoading}
        dataSource={log.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            key: 'at',
            title: t('settings.loginLog.at'),
            render: (_, e) => formatDateTime(e.at, tz, locale),
          },
          { key: 'email', title: t('settings.users.email'), dataIndex: 'email' },
          {
            key: 'result',
            title: t('settings.loginLog.result'),
            render: (_, e) => <Tag color={resultColor(e.result)}>{e.result}</Tag>,
          },
          { key: 'ip', title: t('settings.loginLog.ip'), render: (_, e) => e.ip ?? t('common.empty') },
          {
            key: 'ua',
            title: t('settings.loginLog.userAgent'),
            ellipsis: true,
            render: (_, e) => e.user_agent ?? t('common.empty'),
          },
        ]}
      />
    </Card>
  );
}
