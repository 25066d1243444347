import { Card, Col, Empty, Row, Statistic, Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useI18n } from '../i18n/i18n-context';
import { causeKey } from './light-parts';
import { fetchLightReport, lightKeys } from './lights-api';
import { hoursToDays } from './lights-logic';

/** Root causes of the last 90 days' lights: by cause, repeat causes per customer, mean time to resolve. */
export function LightsReport() {
  const { t } = useI18n();
  const to = dayjs().format('YYYY-MM-DD');
  const from = dayjs().subtract(90, 'day').format('YYYY-MM-DD');
  const report = useQuery({
    queryKey: lightKeys.report(from, to),
    queryFn: () => fetchLightReport(from, to),
  });
  const r = report.data;
  if (!r) return null;
  const days = hoursToDays(r.mean_hours_to_resolve);
  return (
    <Card title={t('lights.report.title')} size="small" style={{ marginTop: 16 }} data-testid="lights-report">
      <Row gutter={16}>
        <Col xs={8}>
          <Statistic title={t('lights.report.total')} value={r.total} />
        </Col>
        <Col xs={8}>
          <Statistic title={t('lights.report.resolved')} value={r.resolved} />
        </Col>
        <Col xs={8}>
          <Statistic
            title={t('lights.report.mttr')}
            value={days === null ? t('common.empty') : t('lights.report.mttrValue', { n: days })}
          />
        </Col>
      </Row>
      {r.by_cause.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('lights.report.empty')} />
      ) : (
        <Row gutter={16} style={{ marginTop: 12 }}>
          <Col xs={24} md={12}>
            <Table
              size="small"
              pagination={false}
              rowKey="root_cause"
              title={() => t('lights.report.byCause')}
              dataSource={r.by_cause}
              columns={[
                { title: t('lights.rootCause'), render: (_, c) => t(causeKey(c.root_cause)) },
                { title: t('lights.report.count'), dataIndex: 'lights', align: 'right' },
              ]}
            />
          </Col>
          <Col xs={24} md={12}>
            <Table
              size="small"
              pagination={false}
              rowKey={(c) => `${c.account_id}-${c.root_cause}`}
              title={() => t('lights.report.repeat')}
              dataSource={r.repeat_causes}
              columns={[
                { title: t('lights.report.account'), dataIndex: 'account_name' },
                { title: t('lights.rootCause'), render: (_, c) => t(causeKey(c.root_cause)) },
                { title: t('lights.report.count'), dataIndex: 'lights', align: 'right' },
              ]}
            />
          </Col>
        </Row>
      )}
    </Card>
  );
}
