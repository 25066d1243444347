import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, App, Button, Card, Empty, Space, Switch, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { updateRecord } from '../api/endpoints';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { todayIn } from '../marketing/period';
import { usePriceLists } from './price-list-api';
import { PriceListForm } from './price-list-form';
import { validityOf } from './price-list-logic';
import {
  factsOf,
  PricingRuleNote,
  ScopeLabel,
  ValidityTag,
  validityText,
  type PriceListFacts,
} from './price-list-parts';
import { PricingTrial } from './pricing-trial';

/**
 * Price lists: who each is for, its priority, validity, currency and whether it is on; a new
 * list; switching one on or off; and a trial calculation over all of them. Readers see the same
 * without the edit actions (the server refuses their writes anyway).
 */
export default function PriceListsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe().data;
  const lists = usePriceLists();
  const [creating, setCreating] = useState(false);
  const [toggling, setToggling] = useState<string | null>(null);
  const canCreate = canDo(me, 'price_list', 'create');
  const canEdit = canDo(me, 'price_list', 'update');
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const rows = useMemo(() => (lists.data ?? []).map(factsOf), [lists.data]);

  const toggle = async (l: PriceListFacts, active: boolean) => {
    setToggling(l.id);
    try {
      await updateRecord('price_list', l.id, { active, version: l.version });
      await qc.invalidateQueries({ queryKey: ['records', 'price_list'] });
      void message.success(t(active ? 'cash.pl.activeToast' : 'cash.pl.inactiveToast', { name: l.name }));
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setToggling(null);
    }
  };

  const newButton = (testId: string) =>
    canCreate && (
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid={testId}>
        {t('cash.pl.new')}
      </Button>
    );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="price-lists-page">
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Space wrap align="center">
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('cash.pl.title')}
          </Typography.Title>
          <PricingRuleNote />
        </Space>
        {newButton('price-list-new')}
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('cash.pl.intro')}
      </Typography.Paragraph>
      {!canEdit && (
        <Alert type="info" showIcon title={t('cash.pl.readOnly')} data-testid="price-lists-read-only" />
      )}
      {lists.error && <Alert type="error" showIcon title={errorText(lists.error, t)} />}
      <Card size="small">
        <Table<PriceListFacts>
          rowKey="id"
          size="small"
          loading={lists.isLoading}
          dataSource={rows}
          pagination={false}
          data-testid="price-lists-table"
          onRow={(l) => ({
            // keyboard users reach the row's link; a click anywhere on the row opens it too
            onClick: (e) => {
              if (e.target instanceof Element && e.target.closest('a, button, .ant-switch')) return;
              navigate(`/cash/price-lists/${encodeURIComponent(l.id)}`);
            },
            style: { cursor: 'pointer' },
          })}
          locale={{
            emptyText: (
              <Empty
                data-testid="price-lists-empty"
                description={
                  <Space orientation="vertical" size={4} style={{ maxWidth: 560 }}>
                    <Typography.Text strong>{t('cash.pl.emptyTitle')}</Typography.Text>
                    <Typography.Text type="secondary">{t('cash.pl.emptyBody')}</Typography.Text>
                    {!canCreate && (
                      <Typography.Text type="secondary">{t('cash.pl.emptyAskAdmin')}</Typography.Text>
                    )}
                  </Space>
                }
              >
                {newButton('price-list-new-empty')}
              </Empty>
            ),
          }}
          columns={[
            {
              key: 'name',
              title: t('cash.pl.name'),
              render: (_, l) => <Link to={`/cash/price-lists/${encodeURIComponent(l.id)}`}>{l.name}</Link>,
            },
            { key: 'scope', title: t('cash.pl.scope'), render: (_, l) => <ScopeLabel list={l} /> },
            { key: 'priority', title: t('cash.pl.priority'), dataIndex: 'priority', align: 'right' },
            {
              key: 'validity',
              title: t('cash.pl.validity'),
              render: (_, l) => validityText(t, l.valid_from, l.valid_to),
            },
            { key: 'currency', title: t('cash.pl.currency'), dataIndex: 'currency' },
            {
              key: 'status',
              title: t('cash.pl.status'),
              render: (_, l) => <ValidityTag validity={validityOf(l, today)} />,
            },
            // readers see whether a list is on in its status; the switch is an edit action
            ...(canEdit
              ? [
                  {
                    key: 'active',
                    title: t('cash.pl.active'),
                    render: (_: unknown, l: PriceListFacts) => (
                      <Switch
                        size="small"
                        checked={l.active}
                        loading={toggling === l.id}
                        aria-label={`${t('cash.pl.active')} · ${l.name}`}
                        onChange={(v) => void toggle(l, v)}
                      />
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <PricingTrial />
      <PriceListForm
        open={creating}
        list={null}
        onClose={() => setCreating(false)}
        onSaved={(saved) => {
          setCreating(false);
          navigate(`/cash/price-lists/${encodeURIComponent(saved.id)}`);
        }}
      />
    </Space>
  );
}
