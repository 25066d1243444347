import { Empty } from 'antd';
import { useI18n } from '../i18n/i18n-context';

/** Placeholder until this settings section is built. */
export function LeadFormsSection() {
  const { t } = useI18n();
  return <Empty description={t('marketing.placeholder')} />;
}
