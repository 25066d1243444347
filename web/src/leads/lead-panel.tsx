import type { RecordPanelProps } from '../objects/record-panels';
import { Empty } from 'antd';
import { useI18n } from '../i18n/i18n-context';

/** Placeholder until this page is built. */
export default function LeadPanel(_props: RecordPanelProps) {
  const { t } = useI18n();
  return <Empty description={t('leads.placeholder')} />;
}
