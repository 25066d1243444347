import { Link } from 'react-router';
import { Button, Card, Space, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import type { RecordPanelProps } from '../objects/record-panels';

/** "New quote" on an opportunity: quotes are created from their opportunity (POST /quotes). */
export default function OpportunityQuotesPanel({ record }: RecordPanelProps) {
  const { t } = useI18n();
  const me = useMe().data;
  if (!canDo(me, 'quote', 'create')) return null;
  return (
    <Card size="small" title={t('quotes.oppPanelTitle')} data-testid="opportunity-quotes-panel">
      <Space wrap>
        <Typography.Text type="secondary">{t('quotes.oppPanelHint')}</Typography.Text>
        <Link to={`/cash/quotes/new?opportunity_id=${encodeURIComponent(record.id)}`}>
          <Button type="primary" icon={<PlusOutlined />} data-testid="opportunity-new-quote">
            {t('quotes.newFromOpp')}
          </Button>
        </Link>
      </Space>
    </Card>
  );
}
