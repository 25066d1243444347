import { Card, Typography } from 'antd';
import { useMe } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';

export function HomePage() {
  const { t } = useI18n();
  const me = useMe().data;
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
