import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  InputNumber,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../api/error-text';
import { ApiError } from '../api/http-client';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { UserSelect } from '../leads/pickers';
import { useOrder } from '../cash/api';
import { fetchSplits, perfKeys, saveSplits, type OrderSplits } from './api';
import {
  roleLabel,
  shareOfMinor,
  splitProblems,
  splitsPayload,
  splitTotals,
  type SplitDraft,
} from './performance-logic';

let seq = 0;
const key = () => `s${++seq}`;
const draftsOf = (s: OrderSplits): SplitDraft[] =>
  s.default
    ? s.owner_id
      ? [{ key: key(), userId: s.owner_id, role: 'sales', kind: 'revenue', percent: 100 }]
      : []
    : s.splits.map((x) => ({
        key: key(),
        userId: x.user_id,
        role: x.role,
        kind: x.kind,
        percent: x.percent,
      }));

/** Who gets the credit of an order: revenue splits total exactly 100 %, overlays on top. */
export default function OrderSplitsPage() {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const order = useOrder(id);
  const splits = useQuery({ queryKey: perfKeys.splits(id), queryFn: () => fetchSplits(id) });
  const [rows, setRows] = useState<SplitDraft[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (splits.data) setRows(draftsOf(splits.data));
  }, [splits.data]);

  if (order.isLoading || splits.isLoading) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (splits.error || !splits.data)
    return <Alert type="error" showIcon title={errorText(splits.error ?? order.error, t)} />;

  const rec = order.data;
  const number = typeof rec?.number === 'string' ? rec.number : id;
  const amount =
    rec &&
    typeof rec.amount === 'object' &&
    rec.amount !== null &&
    'amount' in rec.amount &&
    'currency' in rec.amount
      ? { amount: Number(rec.amount.amount), currency: String(rec.amount.currency) }
      : null;
  const totals = splitTotals(rows);
  const problems = splitProblems(rows);
  const patch = (k: string, p: Partial<SplitDraft>) =>
    setRows((rs) => rs.map((r) => (r.key === k ? { ...r, ...p } : r)));

  const save = async (payload: ReturnType<typeof splitsPayload>) => {
    setBusy(true);
    setError(null);
    try {
      const saved = await saveSplits(id, payload);
      qc.setQueryData(perfKeys.splits(id), saved);
      await qc.invalidateQueries({ queryKey: ['performance'] });
      message.success(t('perf.splitsSaved'));
    } catch (e) {
      if (e instanceof ApiError) setError(e);
      message.error(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="order-splits-page">
      <Breadcrumb
        items={[
          { title: <Link to="/o/order">{t('perf.order')}</Link> },
          { title: <Link to={`/cash/orders/${encodeURIComponent(id)}`}>{number}</Link> },
          { title: t('perf.openSplits') },
        ]}
      />
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('perf.splitsTitle', { number })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('perf.splitsIntro')}</Typography.Paragraph>
      {splits.data.default && <Alert type="info" showIcon title={t('perf.splitsDefault')} />}
      <Card size="small">
        <Table<SplitDraft>
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={rows}
          columns={[
            {
              title: t('perf.participant'),
              key: 'u',
              render: (_: unknown, r) => (
                <div style={{ minWidth: 200 }}>
                  <UserSelect value={r.userId} onChange={(v) => patch(r.key, { userId: v })} />
                </div>
              ),
            },
            {
              title: t('perf.kind'),
              key: 'k',
              render: (_: unknown, r) => (
                <Select<'revenue' | 'overlay'>
                  value={r.kind}
                  style={{ width: 120 }}
                  onChange={(v) => patch(r.key, { kind: v, role: v === 'overlay' ? 'manager' : 'sales' })}
                  options={[
                    { value: 'revenue', label: t('perf.kind.revenue') },
                    { value: 'overlay', label: t('perf.kind.overlay') },
                  ]}
                />
              ),
            },
            {
              title: t('perf.role'),
              key: 'r',
              render: (_: unknown, r) => (
                <Select<string>
                  value={r.role}
                  style={{ width: 130 }}
                  onChange={(v) => patch(r.key, { role: v })}
                  options={['sales', 'presales', 'manager', 'partner'].map((v) => ({
                    value: v,
                    label: roleLabel(v, t),
                  }))}
                />
              ),
            },
            {
              title: t('perf.percent'),
              key: 'p',
              render: (_: unknown, r) => (
                <InputNumber<number>
                  min={0}
                  max={100}
                  precision={2}
                  value={r.percent}
                  aria-label={t('perf.percent')}
                  onChange={(v) => patch(r.key, { percent: v })}
                />
              ),
            },
            {
              title: t('perf.share'),
              key: 's',
              align: 'right',
              render: (_: unknown, r) =>
                amount
                  ? formatMoney(
                      { amount: shareOfMinor(amount.amount, r.percent), currency: amount.currency },
                      locale,
                    )
                  : '—',
            },
            {
              key: 'x',
              width: 48,
              render: (_: unknown, r) => (
                <Button
                  type="text"
                  icon={<DeleteOutlined />}
                  aria-label={t('common.delete')}
                  onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                />
              ),
            },
          ]}
        />
        <Space wrap style={{ marginTop: 12 }}>
          <Button
            icon={<PlusOutlined />}
            onClick={() =>
              setRows((rs) => [
                ...rs,
                { key: key(), userId: null, role: 'sales', kind: 'revenue', percent: null },
              ])
            }
          >
            {t('perf.addParticipant')}
          </Button>
          <Tag
            color={problems.includes('revenue_total') ? 'red' : 'green'}
            data-testid="splits-revenue-total"
          >
            {t('perf.revenueTotal', { total: String(totals.revenue) })}
          </Tag>
          {totals.overlay > 0 && <Tag>{t('perf.overlayTotal', { total: String(totals.overlay) })}</Tag>}
        </Space>
      </Card>
      {problems.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={problems
            .map((p) => t(p === 'revenue_total' ? 'perf.mustBe100' : (`perf.problem.${p}` as MessageKey)))
            .join('; ')}
        />
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          title={error.status === 403 ? t('perf.splitsNoAccess') : error.message}
          description={
            error.details.length > 0 ? (
              <ul style={{ margin: 0 }}>
                {error.details.map((d, i) => (
                  <li key={i}>{d.field ? `${d.field}: ${d.issue}` : d.issue}</li>
                ))}
              </ul>
            ) : undefined
          }
        />
      )}
      <Space>
        <Button
          type="primary"
          loading={busy}
          disabled={problems.length > 0}
          onClick={() => void save(splitsPayload(rows))}
          data-testid="splits-save"
        >
          {t('common.save')}
        </Button>
        {!splits.data.default && (
          <Button loading={busy} onClick={() => void save([])}>
            {t('perf.resetDefault')}
          </Button>
        )}
        <Link to={`/cash/orders/${encodeURIComponent(id)}`}>{t('perf.backToOrder')}</Link>
      </Space>
    </Space>
  );
}
