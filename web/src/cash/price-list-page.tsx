import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Breadcrumb, Button, Card, Descriptions, Result, Space, Spin, Typography } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { todayIn } from '../marketing/period';
import { useItems, usePriceList } from './price-list-api';
import { PriceListForm } from './price-list-form';
import { PriceListItems } from './price-list-items';
import { validityOf, type ItemProduct } from './price-list-logic';
import { factsOf, PricingRuleNote, ScopeLabel, ValidityTag, validityText } from './price-list-parts';
import { PricingTrial } from './pricing-trial';

/** One price list: its header (edited in a dialog), its products and tiers, and a trial calculation. */
export default function PriceListPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const me = useMe().data;
  const record = usePriceList(id);
  const items = useItems(id);
  const [editing, setEditing] = useState(false);
  const list = useMemo(() => (record.data ? factsOf(record.data) : null), [record.data]);
  const preferred = useMemo<ItemProduct[]>(
    () =>
      (items.data ?? []).map((i) => ({
        id: i.product_id,
        sku: i.product_sku,
        name: i.product_name,
        active: i.product_active,
      })),
    [items.data],
  );
  const canEdit = canDo(me, 'price_list', 'update');
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');

  if (record.isLoading) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (!list)
    return (
      <Result
        status="404"
        title={t('cash.pl.notFound')}
        subTitle={record.error ? errorText(record.error, t) : undefined}
        extra={<Link to="/cash/price-lists">{t('cash.pl.title')}</Link>}
      />
    );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="price-list-page">
      <Breadcrumb
        items={[{ title: <Link to="/cash/price-lists">{t('cash.pl.title')}</Link> }, { title: list.name }]}
      />
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Space wrap align="center">
          {/* the generic record route leads here, hence the generic test id */}
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="record-title">
            {list.name}
          </Typography.Title>
          <ValidityTag validity={validityOf(list, today)} testId="price-list-status" />
          <PricingRuleNote />
        </Space>
        {canEdit && (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="price-list-edit">
            {t('cash.pl.edit')}
          </Button>
        )}
      </Space>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="price-list-header">
          <Descriptions.Item label={t('cash.pl.scope')}>
            <ScopeLabel list={list} />
          </Descriptions.Item>
          <Descriptions.Item label={t('cash.pl.priority')}>{list.priority}</Descriptions.Item>
          <Descriptions.Item label={t('cash.pl.currency')}>{list.currency}</Descriptions.Item>
          <Descriptions.Item label={t('cash.pl.validity')}>
            {validityText(t, list.valid_from, list.valid_to)}
          </Descriptions.Item>
          {list.description && (
            <Descriptions.Item label={t('cash.pl.description')} span={2}>
              {list.description}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <PriceListItems listId={list.id} currency={list.currency} version={list.version} canEdit={canEdit} />
      <PricingTrial
        accountId={list.scope_type === 'account' ? list.account_id : null}
        accountName={list.account_name}
        currency={list.currency}
        preferred={preferred}
      />
      <PriceListForm
        open={editing}
        list={list}
        onClose={() => setEditing(false)}
        onSaved={() => setEditing(false)}
      />
    </Space>
  );
}
