import { Link, useParams } from 'react-router';
import { Button, Card, Space, Tag, Typography } from 'antd';
import { TeamOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n-context';
import { fetchSplits, perfKeys } from './api';

/**
 * Who gets this order's credit, under the order page (cash owns the page, performance owns the
 * splits): a summary and a link to the editor. Hidden when the splits cannot be read.
 */
export default function OrderSplitsSection() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const splits = useQuery({ queryKey: perfKeys.splits(id), queryFn: () => fetchSplits(id), retry: false });
  if (!splits.data) return null;
  const s = splits.data;
  return (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      title={t('perf.openSplits')}
      data-testid="order-splits-section"
      extra={
        <Link to={`/cash/orders/${encodeURIComponent(id)}/splits`}>
          <Button size="small" icon={<TeamOutlined />} data-testid="order-splits-edit">
            {t('perf.openSplits')}
          </Button>
        </Link>
      }
    >
      {s.default ? (
        <Typography.Text type="secondary">{t('perf.splitsDefault')}</Typography.Text>
      ) : (
        <Space wrap>
          {s.splits.map((x) => (
            <Tag key={`${x.user_id}-${x.kind}`} color={x.kind === 'revenue' ? 'blue' : undefined}>
              {x.user_name} · {t(`perf.kind.${x.kind}`)} {x.percent}%
            </Tag>
          ))}
        </Space>
      )}
    </Card>
  );
}
