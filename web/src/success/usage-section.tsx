import { Alert, Divider, Empty, Typography } from 'antd';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { Chart, chartAnimation } from '../marketing/chart';
import { addDays, todayIn } from '../marketing/period';
import { useUsage } from './api';
import { countLinesOption } from './charts';

/** How many days of telemetry the account page shows. */
const USAGE_DAYS = 90;

/** Logged-in users, BI users and activated seats per day, as the product reported them. */
export function UsageSection({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const today = todayIn(useMe().data?.tenant.time_zone ?? 'Asia/Shanghai');
  const from = addDays(today, 1 - USAGE_DAYS);
  const usage = useUsage(accountId, from, today, true);
  const rows = usage.data?.rows ?? [];
  return (
    <>
      <Divider titlePlacement="start" plain>
        {t('cs.usage.title', { days: USAGE_DAYS })}
      </Divider>
      {usage.error ? (
        <Alert type="error" showIcon title={errorText(usage.error, t)} />
      ) : !usage.data ? null : rows.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('cs.usage.empty')}
          data-testid="usage-empty"
        />
      ) : (
        <>
          <Chart
            testId="account-usage"
            label={t('cs.usage.label')}
            height={220}
            option={countLinesOption(
              rows.map((r) => r.date),
              [
                {
                  name: t('cs.usage.logins'),
                  color: '#1f5fd6',
                  values: rows.map((r) => r.logged_in_users_7d),
                },
                { name: t('cs.usage.bi'), color: '#13a8a8', values: rows.map((r) => r.bi_users_7d) },
                {
                  name: t('cs.usage.activated'),
                  color: '#8c8c8c',
                  values: rows.map((r) => r.activated_seats),
                },
              ],
              chartAnimation,
            )}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('cs.usage.hint')}
          </Typography.Text>
        </>
      )}
    </>
  );
}
