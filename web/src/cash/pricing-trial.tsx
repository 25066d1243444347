import { useState } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Row,
  Select,
  Tag,
  Typography,
} from 'antd';
import { CalculatorOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { formatMoney, formatNumber } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { RecordSelect } from '../objects/record-select';
import { CURRENCIES } from './order-parts';
import { calculate, type PricedLine } from './price-list-api';
import type { ItemProduct } from './price-list-logic';
import { CatalogProductSelect } from './price-list-parts';

interface Values {
  account_id?: string | null;
  product_id?: string;
  quantity: string;
  as_of: Dayjs | null;
  currency: string;
}

// where the server's 422 paths show in this small form
const FIELD_OF: Record<string, keyof Values> = {
  account_id: 'account_id',
  'lines[0].product_id': 'product_id',
  'lines[0].quantity': 'quantity',
  as_of: 'as_of',
  currency: 'currency',
};

interface Trial {
  line: PricedLine;
  currency: string;
}

/**
 * "What would this account pay?": POST /pricing/calculate for one product and quantity, showing
 * the unit price, the amount, and which price list and tiers applied. Saves nothing.
 */
export function PricingTrial({
  accountId,
  accountName,
  currency,
  preferred = [],
}: {
  accountId?: string | null;
  accountName?: string | null;
  currency?: string;
  preferred?: ItemProduct[];
}) {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [trial, setTrial] = useState<Trial | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const run = async (v: Values) => {
    setBusy(true);
    setProblem(null);
    form.setFields(Object.values(FIELD_OF).map((name) => ({ name, errors: [] })));
    try {
      const r = await calculate({
        account_id: v.account_id ?? '',
        currency: v.currency,
        ...(v.as_of ? { as_of: v.as_of.format('YYYY-MM-DD') } : {}),
        lines: [{ product_id: v.product_id ?? '', quantity: v.quantity.trim() }],
      });
      const line = r.lines.find((l) => l.line_index === 0 && l.parent_position === null);
      setTrial(line ? { line, currency: r.currency } : null);
    } catch (err) {
      setTrial(null);
      if (err instanceof ApiError && err.details.length) {
        const rest: string[] = [];
        const placed = new Map<keyof Values, string[]>();
        for (const d of err.details) {
          const name = d.field ? FIELD_OF[d.field] : undefined;
          if (name) placed.set(name, [...(placed.get(name) ?? []), d.issue]);
          else rest.push(d.field ? `${d.field}: ${d.issue}` : d.issue);
        }
        form.setFields([...placed].map(([name, errors]) => ({ name, errors })));
        setProblem(rest.length ? rest.join('；') : null);
      } else setProblem(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const required = { required: true, message: t('cash.pl.required') };
  const money = (amount: number) => formatMoney({ amount, currency: trial?.currency ?? 'CNY' }, locale);
  const qty = (n: number) => formatNumber(n, locale);
  const line = trial?.line;

  return (
    <Card
      size="small"
      title={
        <span>
          <CalculatorOutlined /> {t('cash.trial.title')}
        </span>
      }
      data-testid="pricing-trial"
    >
      <Typography.Paragraph type="secondary">{t('cash.trial.hint')}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={(v) => void run(v)}
        initialValues={{
          account_id: accountId ?? undefined,
          quantity: '1',
          as_of: null,
          currency: currency ?? me?.tenant.currency ?? 'CNY',
        }}
      >
        <Row gutter={12}>
          <Col xs={24} md={7}>
            <Form.Item name="account_id" label={t('cash.trial.account')} rules={[required]}>
              <RecordSelect object="account" initialLabel={accountName} />
            </Form.Item>
          </Col>
          <Col xs={24} md={7}>
            <Form.Item name="product_id" label={t('cash.trial.product')} rules={[required]}>
              <CatalogProductSelect pinned={preferred} />
            </Form.Item>
          </Col>
          <Col xs={8} md={3}>
            <Form.Item name="quantity" label={t('cash.trial.quantity')} rules={[required]}>
              <Input inputMode="decimal" data-testid="trial-quantity" />
            </Form.Item>
          </Col>
          <Col xs={8} md={3}>
            <Form.Item name="currency" label={t('cash.pl.currency')}>
              <Select options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
            </Form.Item>
          </Col>
          <Col xs={8} md={4}>
            <Form.Item name="as_of" label={t('cash.trial.date')}>
              <DatePicker
                format="YYYY-MM-DD"
                placeholder={dayjs().format('YYYY-MM-DD')}
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="trial-run">
          {t('cash.trial.run')}
        </Button>
      </Form>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginTop: 12 }} />}
      {line && (
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2 }}
          style={{ marginTop: 12 }}
          data-testid="trial-result"
        >
          <Descriptions.Item label={t('cash.trial.unitPrice')}>
            <Typography.Text strong data-testid="trial-unit-price">
              {money(line.unit_price)}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('cash.trial.amount')}>
            <span data-testid="trial-amount">
              {qty(line.quantity)} → {money(line.gross_amount)}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('cash.trial.source')}>
            <span data-testid="trial-source">
              <Tag color={line.price_source === 'price_list' ? 'blue' : undefined}>
                {t(`cash.trial.source.${line.price_source}` as MessageKey)}
              </Tag>
              {line.price_list_id && (
                <Link to={`/cash/price-lists/${encodeURIComponent(line.price_list_id)}`}>
                  {line.price_list_name ?? line.price_list_id}
                </Link>
              )}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('cash.trial.listPrice')}>{money(line.list_price)}</Descriptions.Item>
          {line.tier_mode !== 'none' && (
            <Descriptions.Item label={t('cash.trial.tiersUsed')} span={2}>
              <div data-testid="trial-tiers">
                <Tag>{t(`cash.pl.tierMode.${line.tier_mode}` as MessageKey)}</Tag>
                {line.tiers.map((tier) => (
                  <div key={tier.from_qty}>
                    {t('cash.trial.tierRow', {
                      range:
                        tier.to_qty === null
                          ? t('cash.pl.tierAbove', { from: qty(tier.from_qty) })
                          : t('cash.pl.tierRange', { from: qty(tier.from_qty), to: qty(tier.to_qty) }),
                      quantity: qty(tier.quantity),
                      price: money(tier.unit_price),
                    })}
                  </div>
                ))}
                {line.tier_mode === 'slab' && (
                  <Typography.Text type="secondary">{t('cash.trial.slabAverage')}</Typography.Text>
                )}
              </div>
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
    </Card>
  );
}
