import type { ReactNode } from 'react';
import { Alert, Button, Card, Space, Statistic, Tooltip, Typography } from 'antd';
import { InfoCircleOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n/i18n-context';

/** A figure's name with an (i) whose tooltip says how it is computed; the icon takes focus. */
export function HintTitle({ title, hint }: { title: ReactNode; hint: string }) {
  return (
    <Space size={4}>
      {title}
      <Tooltip title={hint}>
        <InfoCircleOutlined aria-label={hint} tabIndex={0} />
      </Tooltip>
    </Space>
  );
}

/** One headline figure of a dashboard (forecast, sales funnel, lead analytics). */
export function KpiCard({
  title,
  hint,
  value,
  extra,
  testId,
}: {
  title: string;
  hint: string;
  value: string;
  extra?: ReactNode;
  testId: string;
}) {
  return (
    <Card size="small" data-testid={testId} style={{ height: '100%' }}>
      <Statistic
        title={<HintTitle title={title} hint={hint} />}
        value={value}
        styles={{ content: { fontSize: 20 } }}
      />
      {extra}
    </Card>
  );
}

/** A dashboard's title and period line on the left, its controls on the right (wrapping when narrow). */
export function DashboardHeader({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle: string;
  children: ReactNode;
}) {
  return (
    <div
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: 12,
        alignItems: 'center',
        justifyContent: 'space-between',
      }}
    >
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        <Typography.Text type="secondary">{subtitle}</Typography.Text>
      </div>
      {children}
    </div>
  );
}

/** A failed load: the server's message and a retry. */
export function RetryAlert({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <Alert
      type="error"
      showIcon
      title={message}
      action={
        <Button size="small" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      }
    />
  );
}
