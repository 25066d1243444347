import { lazy } from 'react';
import { Card, Typography } from 'antd';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';

const MyDayPage = lazy(() => import('../activities/my-day-page'));

export function HomePage() {
  const { t } = useI18n();
  const me = useMe().data;
  // People who work activities start on their day; the rest keep the welcome card.
  if (canDo(me, 'activity', 'read') || canDo(me, 'task', 'read')) return <MyDayPage asHome />;
  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('home.welcome', { name: me?.user.name ?? '' })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('home.hint')}</Typography.Paragraph>
      <Typography.Text type="secondary">{me?.tenant.name}</Typography.Text>
    </Card>
  );
}
