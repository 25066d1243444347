import { Card, Result } from 'antd';
import { SettingOutlined } from '@ant-design/icons';
import { useMe } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { NotFoundPage } from './not-found-page';

export default function SettingsPage() {
  const { t } = useI18n();
  const me = useMe().data;
  if (!me?.role.is_admin) return <NotFoundPage />;
  return (
    <Card>
      <Result icon={<SettingOutlined />} title={t('nav.settingsHome')} subTitle={t('settings.comingSoon')} />
    </Card>
  );
}
