import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Skeleton,
  Table,
  Tooltip,
  Typography,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { formatDate, formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { Chart, chartAnimation } from '../marketing/chart';
import {
  alertKeys,
  fetchRenewalModel,
  successKeys,
  trainRenewalModel,
  type RenewalModelMetrics,
} from './api';
import { calibrationOption } from './charts';
import type { SuccessFormat } from './parts';

type Evaluation = RenewalModelMetrics['model'];

/**
 * Administrators, and roles that update customers beyond their own (a CS director), may retrain:
 * the model moves every customer's probability. The server checks the same.
 */
function useCanTrain(): boolean {
  const me = useMe().data;
  if (!me) return false;
  if (me.role.is_admin) return true;
  const p = me.role.permissions.objects.account;
  return p?.update === true && (p.scope === 'subtree' || p.scope === 'all');
}

/**
 * The renewal-probability model's quality on the time split (trained on earlier due dates, judged
 * on later ones): AUC, accuracy and Brier score beside the health-score-only baseline, and the
 * calibration of the test part.
 */
export function ModelCard({ format }: { format: SuccessFormat }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const zone = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  const canTrain = useCanTrain();
  const model = useQuery({ queryKey: alertKeys.model, queryFn: fetchRenewalModel });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const train = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const r = await trainRenewalModel();
      void message.success(t('cs.modelq.trained', { version: r.version }));
      await qc.invalidateQueries({ queryKey: alertKeys.model });
      // the latest week was re-predicted: probabilities and the nine-grid change
      await qc.invalidateQueries({ queryKey: successKeys.all });
    } catch (err) {
      setProblem(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  const m = model.data;
  const rows: { key: string; label: string; model: string; baseline: string }[] = m
    ? [
        { key: 'auc', label: 'AUC', ...pair(m.metrics, (e) => num(e.auc, 3)) },
        {
          key: 'accuracy',
          label: t('cs.modelq.accuracy'),
          ...pair(m.metrics, (e) => format.rate(e.accuracy)),
        },
        { key: 'brier', label: t('cs.modelq.brier'), ...pair(m.metrics, (e) => num(e.brier, 3)) },
      ]
    : [];
  return (
    <Card
      size="small"
      title={t('cs.modelq.title')}
      data-testid="model-quality"
      extra={
        canTrain && (
          <Tooltip title={t('cs.modelq.trainHint')}>
            <Button size="small" loading={busy} onClick={() => void train()} data-testid="model-train">
              {t('cs.modelq.train')}
            </Button>
          </Tooltip>
        )
      }
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      {model.error ? (
        <Alert type="error" showIcon title={errorText(model.error, t)} />
      ) : model.isLoading ? (
        <Skeleton active />
      ) : !m ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('cs.modelq.none')}
          data-testid="model-none"
        />
      ) : (
        <Row gutter={[16, 12]}>
          <Col xs={24} lg={12}>
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('cs.modelq.version')}>
                {`v${m.version} · ${formatDateTime(m.trained_at, zone, locale)}`}
              </Descriptions.Item>
              <Descriptions.Item label={t('cs.modelq.split')}>
                {t('cs.modelq.splitText', {
                  train: m.metrics.train.n,
                  test: m.metrics.test.n,
                  date: m.metrics.split_date ? formatDate(m.metrics.split_date, locale) : t('common.empty'),
                })}
              </Descriptions.Item>
              <Descriptions.Item label={t('cs.modelq.examples')}>
                {t('cs.modelq.examplesText', { renewed: m.metrics.renewed, churned: m.metrics.churned })}
              </Descriptions.Item>
            </Descriptions>
            <Table
              size="small"
              rowKey="key"
              data-testid="model-metrics"
              dataSource={rows}
              pagination={false}
              columns={[
                { key: 'label', title: t('cs.modelq.metric'), dataIndex: 'label' },
                { key: 'model', title: t('cs.modelq.model'), dataIndex: 'model', align: 'right' },
                { key: 'baseline', title: t('cs.modelq.baseline'), dataIndex: 'baseline', align: 'right' },
              ]}
            />
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
              {t('cs.modelq.hint')}
            </Typography.Paragraph>
          </Col>
          <Col xs={24} lg={12}>
            <Chart
              testId="model-calibration"
              label={t('cs.modelq.calibrationLabel')}
              height={240}
              option={calibrationOption(
                m.metrics.model.calibration,
                { predicted: t('cs.modelq.predicted'), observed: t('cs.modelq.observed') },
                chartAnimation,
              )}
            />
          </Col>
        </Row>
      )}
    </Card>
  );
}

const num = (v: number | null, digits: number): string => (v === null ? '—' : v.toFixed(digits));
const pair = (m: RenewalModelMetrics, f: (e: Evaluation) => string) => ({
  model: f(m.model),
  baseline: f(m.baseline),
});
