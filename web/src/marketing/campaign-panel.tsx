import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Modal,
  Progress,
  Row,
  Select,
  Skeleton,
  Statistic,
  Tooltip,
  Typography,
} from 'antd';
import { UserAddOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { createRecord } from '../api/endpoints';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { formatMoney, formatNumber } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { RecordPanelProps } from '../objects/record-panels';
import { RecordSelect } from '../objects/record-select';
import { campaignStatsKey, useCampaignStats, type CampaignStats } from './api';
import { budgetUse } from './campaign-stats';

type MemberStatus = 'invited' | 'registered' | 'attended';
const STATUSES: MemberStatus[] = ['invited', 'registered', 'attended'];

function AddMembersModal({ campaignId, onClose }: { campaignId: string; onClose: (added: number) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ lead_ids: string[]; status: MemberStatus }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (v: { lead_ids: string[]; status: MemberStatus }) => {
    setBusy(true);
    setProblem(null);
    let added = 0;
    const failures: string[] = [];
    // one create per lead, so one bad lead (e.g. already deleted) does not lose the others
    for (const leadId of v.lead_ids) {
      try {
        await createRecord('campaign_member', { campaign_id: campaignId, lead_id: leadId, status: v.status });
        added++;
      } catch (err) {
        failures.push(errorText(err, t));
      }
    }
    setBusy(false);
    if (failures.length) {
      setProblem(
        t('marketing.campaign.addFailed', { added, failed: failures.length, reason: failures[0] ?? '' }),
      );
      if (added) form.setFieldValue('lead_ids', []);
      return;
    }
    onClose(added);
  };

  return (
    <Modal
      open
      title={t('marketing.campaign.addMembers')}
      okText={t('marketing.campaign.add')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={() => onClose(0)}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ lead_ids: [], status: 'invited' }}
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item
          name="lead_ids"
          label={t('marketing.campaign.pickLeads')}
          rules={[
            { required: true, type: 'array', min: 1, message: t('marketing.campaign.pickLeadsRequired') },
          ]}
        >
          <RecordSelect object="lead" multiple autoFocus />
        </Form.Item>
        <Form.Item name="status" label={t('marketing.campaign.memberStatus')}>
          <Select options={STATUSES.map((s) => ({ value: s, label: t(`marketing.campaign.status.${s}`) }))} />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

function StatsView({ s }: { s: CampaignStats }) {
  const { t, locale } = useI18n();
  const money = (amount: number | null) =>
    amount === null ? t('common.empty') : formatMoney({ amount, currency: s.currency }, locale);
  const count = (n: number | null | undefined) =>
    n === null || n === undefined ? t('common.empty') : formatNumber(n, locale);
  const budget = budgetUse(s.cost, s.budget);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  return (
    <Row gutter={[16, 12]}>
      <Col xs={24} md={8}>
        <Typography.Text type="secondary">{t('marketing.campaign.members')}</Typography.Text>
        <Row gutter={8} style={{ marginTop: 4 }} data-testid="campaign-members">
          {STATUSES.map((st) => (
            <Col span={8} key={st}>
              <Statistic title={t(`marketing.campaign.status.${st}`)} value={count(s.members?.[st])} />
            </Col>
          ))}
        </Row>
      </Col>
      <Col xs={24} md={8}>
        <Typography.Text type="secondary">{t('marketing.campaign.results')}</Typography.Text>
        <Row gutter={8} style={{ marginTop: 4 }}>
          <Col span={8}>
            <Statistic
              title={t('marketing.campaign.leads')}
              value={count(s.leads)}
              data-testid="campaign-leads"
            />
          </Col>
          <Col span={8}>
            <Statistic title={t('marketing.campaign.converted')} value={count(s.converted)} />
          </Col>
          <Col span={8}>
            <Statistic title={t('marketing.campaign.cpl')} value={money(s.cost_per_lead)} />
          </Col>
        </Row>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('marketing.campaign.cpc')}: {money(s.cost_per_converted)}
        </Typography.Text>
      </Col>
      <Col xs={24} md={8}>
        <Typography.Text type="secondary">{t('marketing.campaign.budget')}</Typography.Text>
        <div style={{ marginTop: 4 }}>
          <Typography.Text>
            {t('marketing.campaign.costOfBudget', { cost: money(s.cost), budget: money(s.budget) })}
          </Typography.Text>
          {budget !== null ? (
            <Progress
              percent={Math.min(100, Math.round(budget.ratio * 100))}
              status={budget.over ? 'exception' : 'normal'}
              format={() => percent.format(budget.ratio)}
              data-testid="campaign-budget"
            />
          ) : (
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: 0 }}>
              {t('marketing.campaign.noBudget')}
            </Typography.Paragraph>
          )}
        </div>
        <div style={{ marginTop: 8 }} data-testid="campaign-roi">
          {s.roi === null ? (
            <Tooltip title={t('marketing.campaign.roiPendingHint')}>
              <Typography.Text type="secondary">
                {t('marketing.campaign.roi')}: {t('marketing.campaign.roiPending')}
              </Typography.Text>
            </Tooltip>
          ) : (
            <Typography.Text strong>
              {t('marketing.campaign.roiValue', { roi: percent.format(s.roi), won: money(s.won_amount) })}
            </Typography.Text>
          )}
        </div>
      </Col>
    </Row>
  );
}

/** Campaign record page: members by status, attributed leads, cost per lead, budget use and ROI. */
export default function CampaignPanel({ record, refresh }: RecordPanelProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const stats = useCampaignStats(record.id);
  const [adding, setAdding] = useState(false);
  const canAdd = canDo(me, 'campaign_member', 'create') && canDo(me, 'lead', 'read');

  return (
    <Card
      size="small"
      title={t('marketing.campaign.title')}
      data-testid="campaign-panel"
      style={{ marginBottom: 16 }}
      extra={
        canAdd && (
          <Button
            size="small"
            icon={<UserAddOutlined />}
            onClick={() => setAdding(true)}
            data-testid="campaign-add-members"
          >
            {t('marketing.campaign.addMembers')}
          </Button>
        )
      }
    >
      {stats.error ? (
        <Alert
          type="error"
          showIcon
          title={errorText(stats.error, t)}
          action={
            <Button size="small" onClick={() => void stats.refetch()}>
              {t('common.retry')}
            </Button>
          }
        />
      ) : stats.data ? (
        <StatsView s={stats.data} />
      ) : (
        <Skeleton active paragraph={{ rows: 3 }} />
      )}
      {adding && (
        <AddMembersModal
          campaignId={record.id}
          onClose={(added) => {
            setAdding(false);
            if (added) {
              message.success(t('marketing.campaign.added', { count: added }));
              void qc.invalidateQueries({ queryKey: campaignStatsKey(record.id) });
              void refresh();
            }
          }}
        />
      )}
    </Card>
  );
}
